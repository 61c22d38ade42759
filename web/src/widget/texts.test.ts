import { describe, expect, it } from 'vitest';
import { dictionaries, parseLang, reasonsFor, reasonTexts, textsFor } from './texts';
import serverReasons from '../common/reasons.en.json';
import { clientReasons } from '../common/errors';

function placeholders(s: string): string[] {
  return (s.match(/\{\w+\}/g) ?? []).sort();
}

describe('texts', () => {
  it('en and nb have the same keys, with values of the same type', () => {
    const en = dictionaries.en as Record<string, unknown>;
    const nb = dictionaries.nb as Record<string, unknown>;
    expect(Object.keys(nb).sort()).toEqual(Object.keys(en).sort());
    for (const k of Object.keys(en)) expect(typeof nb[k], k).toBe(typeof en[k]);
  });

  it('has no empty strings and puts the argument into every sentence', () => {
    for (const [lang, d] of Object.entries(dictionaries)) {
      for (const [k, v] of Object.entries(d)) {
        if (typeof v === 'string') expect(v.trim(), `${lang}.${k}`).not.toBe('');
        else if (k === 'expectedWait') expect((v as (s: number) => string)(150), `${lang}.${k}`).toMatch(/ 3 /);
        else expect((v as (x: never) => string)('ARG' as never), `${lang}.${k}`).toMatch(/ARG|\d/);
      }
    }
    expect(dictionaries.en.joined('Anna')).toBe('Anna joined the chat');
    expect(dictionaries.nb.position(3)).toBe('Du er nummer 3 i køen');
  });

  it('words the expected wait honestly', () => {
    const { en, nb } = dictionaries;
    expect(en.expectedWait(30)).toBe('Expected wait: less than a minute');
    expect(en.expectedWait(60)).toBe('Expected wait: about 1 minute');
    expect(en.expectedWait(120)).toBe('Expected wait: about 2 minutes');
    expect(en.expectedWait(3600)).toBe('Expected wait: more than an hour');
    expect(nb.expectedWait(120)).toBe('Forventet ventetid: omtrent 2 minutter');
    expect(nb.expectedWait(30)).toBe('Forventet ventetid: under ett minutt');
  });

  it('parses the lang parameter, defaulting to English', () => {
    const cases: [string | null, string][] = [
      ['nb', 'nb'],
      ['no', 'nb'],
      ['en', 'en'],
      [null, 'en'],
      ['de', 'en'],
      ['', 'en'],
    ];
    for (const [in_, want] of cases) expect(parseLang(in_), String(in_)).toBe(want);
    expect(textsFor('nb').endChat).toBe('Avslutt chat');
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
    expect(reasonsFor('nb').name_too_long).toBe('Navnet er lengre enn {max} tegn.');
    expect(reasonsFor('de')).toBe(reasonTexts.en);
  });
});
