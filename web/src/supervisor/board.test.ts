import { describe, expect, it } from 'vitest';
import { addEvent, duration, since } from './board';
import { en, nb } from './texts';
import type { ChatEvent } from '../common/protocol';

const ev = (seq: number): ChatEvent => ({ seq, time: '2026-11-25T10:00:00Z', kind: 'message', visibility: 'all', author: { role: 'customer' } });

describe('supervisor board helpers', () => {
  it('formats durations', () => {
    expect(duration(0)).toBe('0:00');
    expect(duration(65_000)).toBe('1:05');
    expect(duration(3_725_000)).toBe('1:02:05');
    expect(duration(-5)).toBe('0:00');
  });
  it('counts up from the board, taking the clock skew off', () => {
    const at = Date.parse('2026-11-25T10:00:00Z');
    expect(since('2026-11-25T10:00:00Z', at + 90_000 + 5_000, 5_000)).toBe('1:30');
    expect(since(undefined, at, 0)).toBe('');
  });
  it('keeps the log in order, each event once', () => {
    let log = addEvent([], ev(2));
    log = addEvent(log, ev(1));
    log = addEvent(log, ev(2));
    expect(log.map((e) => e.seq)).toEqual([1, 2]);
  });
  it('has the same texts in both languages', () => {
    expect(Object.keys(nb).sort()).toEqual(Object.keys(en).sort());
    for (const k of Object.keys(en) as (keyof typeof en)[]) {
      expect((nb[k].match(/\{\w+\}/g) ?? []).sort(), k).toEqual((en[k].match(/\{\w+\}/g) ?? []).sort());
    }
  });
});
