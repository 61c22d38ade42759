import { describe, expect, it } from 'vitest';
import { ApiRequestError } from '../common/rest';
import { check, contrastRatio, errorInfo, slug } from './form';
import { en, nb, reasonsEn, reasonsNb } from './texts';

describe('admin form checks', () => {
  it('checks what the server checks', () => {
    expect(check.name(en, reasonsEn, '')).toBe(en.required);
    expect(check.name(en, reasonsEn, ' Anna')).toBe(reasonsEn.surrounding_space);
    expect(check.name(en, reasonsEn, 'Anna')).toBeUndefined();
    expect(check.id(en, reasonsEn, 'Sales')).toContain('lower-case');
    expect(check.id(en, reasonsEn, 'sales-2')).toBeUndefined();
    expect(check.username(en, reasonsEn, 'anna@example.com')).toBeUndefined();
    expect(check.username(en, reasonsEn, 'an na')).toBe(reasonsEn.username_invalid);
    expect(check.password(en, reasonsEn, 'short')).toBe('Use at least 8 characters.');
    expect(check.password(en, reasonsEn, 'ø'.repeat(37))).toBe('Use at most 72 bytes.');
    expect(check.range(reasonsEn, 21, 1, 20)).toBe('Enter a number from 1 to 20.');
    expect(check.range(reasonsEn, NaN, 1, 20)).toBeDefined();
    expect(check.color(reasonsEn, '#1F5F8B')).toBeUndefined();
    expect(check.color(reasonsEn, 'blue')).toBe(reasonsEn.color_invalid);
  });
  it('computes contrast as WCAG does (and as the server)', () => {
    expect(contrastRatio('#000000', '#ffffff')).toBeCloseTo(21, 5);
    expect(contrastRatio('#1f5f8b', '#ffffff')).toBeCloseTo(6.84, 1);
    expect(contrastRatio('#ffd166', '#ffffff')).toBeLessThan(1.5);
    expect(contrastRatio('nope', '#ffffff')).toBe(1);
  });
  it('makes ids of names', () => {
    expect(slug('Billing & Accounts')).toBe('billing-accounts');
    expect(slug('Kundeservice Ålesund')).toBe('kundeservice-alesund');
    expect(slug('Støtte')).toBe('stotte');
    expect(slug('—')).toBe('');
  });
  it("shows the server's errors in the page's language, beside their field", () => {
    const err = new ApiRequestError(400, 'invalid', 'Enter a number from 1 to 20.', 'out_of_range', { field: 'capacity', min: 1, max: 20 });
    expect(errorInfo(err, nb, reasonsNb)).toEqual({ field: 'capacity', message: 'Skriv et tall fra 1 til 20.', stale: false });
    const stale = new ApiRequestError(409, 'conflict', 'The queue was changed…', 'stale_version', { what: 'queue' });
    expect(errorInfo(stale, en, reasonsEn).stale).toBe(true);
    const unknown = new ApiRequestError(500, 'internal', 'Internal error.', 'something_new');
    expect(errorInfo(unknown, en, reasonsEn)).toEqual({ field: undefined, message: 'Internal error.', stale: false });
  });
});
