// The demo website's script: puts the page in the language of ?lang= and
// embeds the widget with the one script tag an organisation would write.
// The widget settings (the admin pages) decide its queues and language; a
// page that asks for a language (?lang=) gets the widget in it too, with
// the queues' names in it (data-lang, data-queue-names).
// Texts go in as text nodes, never as HTML.

import { dictionaries, pickLang } from './texts';
import type { Rich, Texts } from './texts';

/** applyTexts fills every element marked data-i18n, data-i18n-rich and data-i18n-label from t. */
export function applyTexts(doc: Document, t: Texts): void {
  const get = (k: string | undefined) => (k && k in t ? t[k as keyof Texts] : undefined);
  for (const el of doc.querySelectorAll<HTMLElement>('[data-i18n]')) {
    const v = get(el.dataset.i18n);
    if (typeof v === 'string') el.textContent = v;
  }
  for (const el of doc.querySelectorAll<HTMLElement>('[data-i18n-rich]')) {
    const v = get(el.dataset.i18nRich);
    if (!Array.isArray(v)) continue;
    el.replaceChildren(
      ...(v as Rich).map((part, i) => {
        if (i % 2 === 0) return doc.createTextNode(part);
        const b = doc.createElement('strong');
        b.textContent = part;
        return b;
      }),
    );
  }
  for (const el of doc.querySelectorAll<HTMLElement>('[data-i18n-label]')) {
    const v = get(el.dataset.i18nLabel);
    if (typeof v === 'string') el.setAttribute('aria-label', v);
  }
}

/** embedWidget adds the widget's script tag: in language lang if the page was asked for one, else as the settings have it. */
export function embedWidget(doc: Document, lang: string | undefined, t: Texts): void {
  const s = doc.createElement('script');
  s.src = '/widget.js';
  s.async = true;
  if (lang) {
    s.dataset.lang = lang;
    s.dataset.queueNames = t.queueNames;
  }
  doc.body.appendChild(s);
}

/**
 * The "signed-in customer" variant (/demo/?signed-in, R6): the page asks
 * its backend (the demo's, GET /demo/identity-token) for an identity token
 * of its signed-in customer and hands it to the widget, with a callback
 * for a fresh one, as an organisation's website would. Skranke.identify
 * is queued before the widget's script has loaded.
 */
export function signIn(win: Window & { Skranke?: { q?: unknown[] } }): void {
  const fresh = () =>
    fetch('/demo/identity-token', { credentials: 'same-origin' })
      .then((r) => r.json() as Promise<{ token: string }>)
      .then((d) => d.token);
  void fresh().then((token) => {
    const sk = win.Skranke as unknown;
    if (typeof sk === 'function') sk('identify', token, fresh); // the snippet's stub, or the loaded widget
    else {
      const o = sk as { q?: unknown[] } | undefined;
      win.Skranke = { q: [...(o?.q ?? []), ['identify', [token, fresh]]] };
    }
  });
}

/** accountBar shows who is signed in, with a link to sign in or out. */
export function accountBar(doc: Document, t: Texts, signedIn: boolean, search: string): HTMLElement {
  const bar = doc.createElement('p');
  bar.className = 'demo-account';
  const q = new URLSearchParams(search);
  if (signedIn) q.delete('signed-in');
  else q.set('signed-in', '');
  const link = doc.createElement('a');
  link.href = `?${q.toString().replace(/signed-in=(&|$)/, 'signed-in$1')}`;
  link.textContent = signedIn ? t.signOut : t.signIn;
  if (signedIn) bar.append(doc.createTextNode(`${t.signedInAs} `));
  bar.append(link);
  return bar;
}

type Skranke = (...args: unknown[]) => void;

/** useWidgetAPI drives the widget from the page (docs/widget-api.md): a button opens the chat, and a line tells of its start and end. */
export function useWidgetAPI(doc: Document, skranke: Skranke, t: Texts): void {
  for (const b of doc.querySelectorAll<HTMLElement>('[data-skranke-open]')) b.addEventListener('click', () => skranke('open'));
  const state = doc.querySelector<HTMLElement>('[data-chat-state]');
  skranke('on', 'chat:started', () => state && (state.textContent = t.chatStarted));
  skranke('on', 'chat:ended', () => state && (state.textContent = t.chatEnded));
}

if (typeof document !== 'undefined' && document.body?.querySelector('[data-i18n]')) {
  const lang = pickLang(location.search);
  const t = dictionaries[lang];
  document.documentElement.lang = lang;
  applyTexts(document, t);
  const signedIn = new URLSearchParams(location.search).has('signed-in');
  document.querySelector('header.site')?.after(accountBar(document, t, signedIn, location.search));
  if (signedIn) signIn(window as Window & { Skranke?: { q?: unknown[] } });
  const skranke = (window as Window & { Skranke?: Skranke }).Skranke;
  if (skranke) useWidgetAPI(document, skranke, t);
  embedWidget(document, new URLSearchParams(location.search).has('lang') ? lang : undefined, t);
}
