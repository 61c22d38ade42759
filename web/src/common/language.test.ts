import { afterEach, describe, expect, it } from 'vitest';
import { asLang, browserLanguage, languageKey, locale, startLanguage, storedLanguage } from './language';

afterEach(() => localStorage.clear());

describe('language', () => {
  it('reads nb, nn and no as bokmål and en as English, with or without a region', () => {
    expect(['nb', 'nn', 'no', 'nb-NO', 'NO', 'nn_NO'].map(asLang)).toEqual(['nb', 'nb', 'nb', 'nb', 'nb', 'nb']);
    expect(['en', 'en-US', 'EN-gb'].map(asLang)).toEqual(['en', 'en', 'en']);
    expect(['de', 'sv-SE', '', null, undefined].map(asLang)).toEqual([undefined, undefined, undefined, undefined, undefined]);
  });

  it('takes the first of the browser languages that is ours', () => {
    expect(browserLanguage(['de-DE', 'nn-NO', 'en'])).toBe('nb');
    expect(browserLanguage(['sv', 'en-US', 'nb'])).toBe('en');
    expect(browserLanguage(['de'])).toBeUndefined();
  });

  it('starts in ?lang=, else the language kept here, else the browser language, else English', () => {
    expect(startLanguage('', ['de'])).toBe('en');
    expect(startLanguage('', ['de', 'no'])).toBe('nb');
    localStorage.setItem('skranke.admin.lang', 'nb');
    expect(startLanguage('', ['en'])).toBe('en');
    expect(startLanguage('', ['en'], 'skranke.admin.lang')).toBe('nb');
    localStorage.setItem(languageKey, 'en');
    expect(startLanguage('', ['nb'], 'skranke.admin.lang')).toBe('en');
    expect(startLanguage('?lang=nb', ['en'])).toBe('nb');
    expect(storedLanguage()).toBe('en');
  });

  it('formats dates in nb-NO and en-GB', () => {
    expect(locale('nb')).toBe('nb-NO');
    expect(locale('en')).toBe('en-GB');
  });
});
