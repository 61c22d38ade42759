import { describe, expect, it } from 'vitest';
import { formatRoles, parseRoles, splitList } from './sso';

describe('staff sign-in roles', () => {
  it('reads a line per group, the profiles optional', () => {
    expect(parseRoles('skranke-agents = agent: sales, support\n\n  admins = admin')).toEqual([
      { group: 'skranke-agents', role: 'agent', profiles: ['sales', 'support'] },
      { group: 'admins', role: 'admin', profiles: [] },
    ]);
  });
  it('names the first bad line', () => {
    expect(parseRoles('a = agent\nb = boss: x')).toBe(2);
    expect(parseRoles('no role here')).toBe(1);
  });
  it('writes what it reads', () => {
    const rs = [{ group: 'CN=Support,OU=Groups', role: 'supervisor' as const, profiles: ['all'] }];
    expect(parseRoles(formatRoles(rs))).toEqual(rs);
  });
  it('splits lists on commas and spaces', () => {
    expect(splitList(' profile  email,groups ')).toEqual(['profile', 'email', 'groups']);
  });
});
