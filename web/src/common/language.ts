// The language of the agent desktop, the supervisor's page and the admin
// pages (R21): English or Norwegian bokmål. An agent's choice is kept with
// their user on the server (PUT /api/v1/me/language), so it follows them to
// another browser, and in this browser's localStorage, for the login form
// and the moment before the server answers. ?lang= in the address overrides
// both, for that page.

import { apiRequest } from './rest';

export type Lang = 'en' | 'nb';

/** The localStorage key the three pages share. */
export const languageKey = 'skranke.lang';

/** asLang reads a language code: nb, nn and no are bokmål; en is English; anything else undefined. */
export function asLang(s: string | null | undefined): Lang | undefined {
  const l = (s ?? '').trim().toLowerCase().split(/[-_]/)[0];
  if (l === 'nb' || l === 'nn' || l === 'no') return 'nb';
  if (l === 'en') return 'en';
  return undefined;
}

/** urlLanguage is the language ?lang= asks for, if any. */
export function urlLanguage(search: string): Lang | undefined {
  return asLang(new URLSearchParams(search).get('lang'));
}

/** browserLanguage is the first of the browser's languages that is one of ours. */
export function browserLanguage(languages: readonly string[]): Lang | undefined {
  for (const l of languages) {
    const got = asLang(l);
    if (got) return got;
  }
  return undefined;
}

/** locale is the Intl locale of a language, for dates, times and numbers. */
export function locale(lang: Lang): string {
  return lang === 'nb' ? 'nb-NO' : 'en-GB';
}

/** pageLanguage is the language of this page (each entry sets <html lang>). */
export function pageLanguage(): Lang {
  return (typeof document !== 'undefined' && asLang(document.documentElement.lang)) || 'en';
}

/** clock gives the local time of an ISO timestamp as hours and minutes in lang's locale ("" if unreadable). */
export function clock(iso: string, lang: Lang = pageLanguage()): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '';
  return d.toLocaleTimeString(locale(lang), { hour: '2-digit', minute: '2-digit' });
}

/** storedLanguage is the language last chosen in this browser (or under an older key). */
export function storedLanguage(...olderKeys: string[]): Lang | undefined {
  try {
    for (const k of [languageKey, ...olderKeys]) {
      const l = asLang(localStorage.getItem(k));
      if (l) return l;
    }
  } catch {
    // No storage: nothing was kept.
  }
  return undefined;
}

/** keepLanguage keeps lang in this browser. */
export function keepLanguage(lang: Lang): void {
  try {
    localStorage.setItem(languageKey, lang);
  } catch {
    // Not kept here; the server keeps it for a logged-in user.
  }
}

/**
 * saveLanguage keeps lang in this browser and with the logged-in user on
 * the server. Not being logged in is no failure: the browser keeps it.
 */
export async function saveLanguage(lang: Lang, api: typeof apiRequest = apiRequest): Promise<void> {
  keepLanguage(lang);
  try {
    await api('PUT', '/api/v1/me/language', { language: lang });
  } catch (err) {
    if ((err as { status?: number }).status === 401) return;
    throw err;
  }
}

/** startLanguage is the language a page starts in: ?lang=, else the one kept here, else the browser's, else English. */
export function startLanguage(search: string, languages: readonly string[], ...olderKeys: string[]): Lang {
  return urlLanguage(search) ?? storedLanguage(...olderKeys) ?? browserLanguage(languages) ?? 'en';
}
