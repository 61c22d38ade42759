// What changed in an audit entry: the fields of the record whose values
// differ between before and after, shown as text.

/** FieldChange is one field of a record before and after a change. */
export interface FieldChange {
  field: string;
  before: string;
  after: string;
}

// Fields that change with every change and say nothing of it.
const noise = new Set(['version', 'updatedAt']);

function show(v: unknown): string {
  if (v === undefined || v === null || v === '') return '';
  if (Array.isArray(v)) return v.map(show).join(', ');
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v);
}

/** changes lists the fields that differ between two records, in the order they appear. */
export function changes(before: unknown, after: unknown): FieldChange[] {
  const b = (before && typeof before === 'object' ? before : {}) as Record<string, unknown>;
  const a = (after && typeof after === 'object' ? after : {}) as Record<string, unknown>;
  const keys = [...new Set([...Object.keys(b), ...Object.keys(a)])].filter((k) => !noise.has(k));
  const out: FieldChange[] = [];
  for (const k of keys) {
    const x = show(b[k]);
    const y = show(a[k]);
    if (x !== y) out.push({ field: k, before: x, after: y });
  }
  return out;
}
