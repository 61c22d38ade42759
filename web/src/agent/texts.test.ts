import { describe, expect, it } from 'vitest';
import { en, fmt, nb, pickLanguage, reasonTexts } from './texts';
import serverReasons from '../common/reasons.en.json';
import { clientReasons } from '../common/errors';

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
  it('has the same server errors in both languages, each a reason of the server with its placeholders', () => {
    const server: Record<string, string> = { ...serverReasons, ...clientReasons };
    expect(Object.keys(reasonTexts.nb).sort()).toEqual(Object.keys(reasonTexts.en).sort());
    for (const [reason, text] of Object.entries(reasonTexts.en)) {
      expect(Object.hasOwn(server, reason), `${reason} is not in reasons.en.json`).toBe(true);
      expect(placeholders(text), reason).toEqual(placeholders(server[reason]));
      expect(placeholders(reasonTexts.nb[reason]), reason).toEqual(placeholders(server[reason]));
      expect(reasonTexts.nb[reason].trim(), reason).not.toBe('');
    }
    // What the agents meet most has a Norwegian text.
    for (const reason of ['message_too_long', 'chat_ended', 'offer_not_open', 'invitee_paused', 'login_incorrect', 'server_busy']) {
      expect(Object.keys(reasonTexts.nb), reason).toContain(reason);
    }
  });
});
