import { describe, expect, it } from 'vitest';
import { en, fmt, nb, pickLanguage } from './texts';

function placeholders(s: string): string[] {
  return (s.match(/\{\w+\}/g) ?? []).sort();
}

describe('texts', () => {
  it('en and nb have the same keys', () => {
    expect(Object.keys(nb).sort()).toEqual(Object.keys(en).sort());
  });
  it('every text is filled in, with the same placeholders in both languages', () => {
    for (const key of Object.keys(en) as (keyof typeof en)[]) {
      expect(en[key].trim(), key).not.toBe('');
      expect(nb[key].trim(), key).not.toBe('');
      expect(placeholders(nb[key]), key).toEqual(placeholders(en[key]));
    }
  });
  it('fmt fills placeholders and leaves unknown ones', () => {
    expect(fmt('{name} is typing… {x}', { name: 'Kari' })).toBe('Kari is typing… {x}');
    expect(fmt(en.unread, { count: 3 })).toBe('3 unread');
  });
  it('?lang=nb chooses bokmål, anything else English', () => {
    expect(pickLanguage('?lang=nb')).toBe('nb');
    expect(pickLanguage('?lang=de')).toBe('en');
    expect(pickLanguage('')).toBe('en');
  });
});
