import { describe, expect, it } from 'vitest';
import { keptDays, shortens } from './privacy';

const year = { retentionDays: 365, queueRetentionDays: {} as Record<string, number> };

describe('privacy', () => {
  it("keeps a queue's chats for its own time, else the general one", () => {
    const r = { retentionDays: 365, queueRetentionDays: { support: 30 } };
    expect(keptDays(r, 'support')).toBe(30);
    expect(keptDays(r, 'sales')).toBe(365);
  });

  it('finds the changes that delete chats kept until now', () => {
    expect(shortens(year, { retentionDays: 400, queueRetentionDays: {} })).toEqual([]);
    expect(shortens(year, { retentionDays: 0, queueRetentionDays: {} })).toEqual([]);
    expect(shortens(year, { retentionDays: 365, queueRetentionDays: { support: 30 } })).toEqual(['support']);
    expect(shortens(year, { retentionDays: 200, queueRetentionDays: { support: 500 } })).toEqual(['']);
    expect(shortens({ retentionDays: 365, queueRetentionDays: { sales: 30 } }, { retentionDays: 200, queueRetentionDays: { sales: 10 } })).toEqual(['', 'sales']);
    // From "until erased" to any number of days deletes the older chats.
    expect(shortens({ retentionDays: 0, queueRetentionDays: {} }, { retentionDays: 3650, queueRetentionDays: {} })).toEqual(['']);
    // A queue's own time taken away gives it the general one.
    expect(shortens({ retentionDays: 365, queueRetentionDays: { support: 0 } }, year)).toEqual(['support']);
    expect(shortens({ retentionDays: 365, queueRetentionDays: { support: 30 } }, year)).toEqual([]);
  });
});
