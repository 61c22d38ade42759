// The groups-to-roles lines of the staff sign-in page: one line per
// group, "group = role: profile, profile" (the profiles may be left out).

import type { Role } from './types';

export interface SSORole {
  group: string;
  role: Role;
  profiles: string[];
}

const roles: Role[] = ['agent', 'supervisor', 'admin'];

/** parseRoles reads the lines; it answers the number (from 1) of the first bad line instead. */
export function parseRoles(text: string): SSORole[] | number {
  const out: SSORole[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i].trim();
    if (line === '') continue;
    const m = /^(.+?)\s*=\s*(\w+)\s*(?::\s*(.*))?$/.exec(line);
    if (!m || !roles.includes(m[2] as Role)) return i + 1;
    out.push({ group: m[1].trim(), role: m[2] as Role, profiles: splitList(m[3] ?? '') });
  }
  return out;
}

/** formatRoles writes the lines parseRoles reads. */
export function formatRoles(rs: SSORole[]): string {
  return rs.map((r) => `${r.group} = ${r.role}${r.profiles.length > 0 ? ': ' + r.profiles.join(', ') : ''}`).join('\n');
}

/** splitList splits a list written with commas or spaces. */
export function splitList(s: string): string[] {
  return s.split(/[\s,]+/).filter((x) => x !== '');
}
