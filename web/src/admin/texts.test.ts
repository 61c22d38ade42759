import { describe, expect, it } from 'vitest';
import { en, fmt, nb, pickLanguage, reasonsEn, reasonsNb } from './texts';

function placeholders(s: string): string[] {
  return (s.match(/\{\w+\}/g) ?? []).sort();
}

describe('admin texts', () => {
  for (const [name, a, b] of [
    ['texts', en, nb],
    ['reasons', reasonsEn, reasonsNb],
  ] as const) {
    it(`${name}: en and nb have the same keys`, () => {
      expect(Object.keys(b).sort()).toEqual(Object.keys(a).sort());
    });
    it(`${name}: every text is filled in, with the same placeholders in both languages`, () => {
      for (const key of Object.keys(a) as (keyof typeof a)[]) {
        expect(a[key].trim(), key).not.toBe('');
        expect(b[key].trim(), key).not.toBe('');
        expect(placeholders(b[key]), key).toEqual(placeholders(a[key]));
      }
    });
  }
  it('names every audit action the server records', () => {
    for (const action of ['user.create', 'user.update', 'user.password', 'user.delete', 'queue.create', 'queue.update', 'queue.remove',
      'profile.create', 'profile.update', 'profile.delete', 'widget.update', 'privacy.update', 'chats.delete', 'token.create', 'token.revoke', 'agent.pause', 'agent.logoff',
      'webhook.create', 'webhook.update', 'webhook.rotate', 'webhook.pause', 'webhook.delete']) {
      expect(en, action).toHaveProperty([action]);
    }
  });
  it('fills placeholders and leaves unknown ones', () => {
    expect(fmt(reasonsEn.out_of_range, { min: 1, max: 20 })).toBe('Enter a number from 1 to 20.');
    expect(fmt('{a} {b}', { a: 'x' })).toBe('x {b}');
  });
  it('chooses the language from the address, then the choice kept, then the browser', () => {
    expect(pickLanguage('?lang=nb', 'en', 'en-GB')).toBe('nb');
    expect(pickLanguage('', 'nb', 'en-GB')).toBe('nb');
    expect(pickLanguage('', null, 'nb-NO')).toBe('nb');
    expect(pickLanguage('', null, 'de-DE')).toBe('en');
  });
});
