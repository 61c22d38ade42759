import { describe, expect, it } from 'vitest';
import { changes } from './audit';

describe('audit changes', () => {
  it('lists the fields that differ, without the version', () => {
    expect(changes({ name: 'Sales', priority: 0, version: 1, queues: ['a'] }, { name: 'Sales & more', priority: 0, version: 2, queues: ['a', 'b'] })).toEqual([
      { field: 'name', before: 'Sales', after: 'Sales & more' },
      { field: 'queues', before: 'a', after: 'a, b' },
    ]);
  });
  it('shows a creation and a deletion', () => {
    expect(changes(undefined, { name: 'New' })).toEqual([{ field: 'name', before: '', after: 'New' }]);
    expect(changes({ name: 'Old', hours: { timeZone: 'UTC' } }, undefined)).toEqual([
      { field: 'name', before: 'Old', after: '' },
      { field: 'hours', before: '{"timeZone":"UTC"}', after: '' },
    ]);
  });
});
