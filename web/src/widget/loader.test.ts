// @vitest-environment-options {"happyDOM": {"settings": {"disableJavaScriptFileLoading": true, "handleDisabledFileLoadingAsSuccess": true}}}
//
// The loader is a classic script that exports nothing (see loader.ts), so it
// is tested the way a page uses it: put a <script> tag in the document, run
// the module, and look at what it built. happy-dom does not load iframes and
// prints "Iframe page loading is disabled" for each one the loader creates;
// that output is expected (it goes to a console the test cannot silence).

import { beforeEach, describe, expect, it, vi } from 'vitest';
import { dictionaries } from './texts';

const src = 'https://chat.example.com/skranke/widget.js';

async function boot(attrs: Record<string, string>) {
  const s = document.createElement('script');
  s.src = src;
  for (const [k, v] of Object.entries(attrs)) s.setAttribute(k, v);
  document.body.appendChild(s);
  vi.resetModules();
  await import('./loader');
  const host = document.querySelector('[data-skranke]');
  const root = host?.shadowRoot;
  if (!root) throw new Error('no widget root');
  const launcher = root.querySelector('button.launcher') as HTMLButtonElement;
  const panel = root.querySelector('.panel') as HTMLElement;
  const frame = () => root.querySelector('iframe');
  return { root, launcher, panel, frame };
}

function fromFrame(frame: HTMLIFrameElement, data: unknown, origin = 'https://chat.example.com') {
  window.dispatchEvent(new MessageEvent('message', { data, origin, source: frame.contentWindow }));
}

beforeEach(() => {
  document.body.replaceChildren();
  localStorage.clear();
  delete (window as Window & { skrankeWidget?: boolean }).skrankeWidget;
});

describe('loader', () => {
  it('adds a launcher and creates the frame on first open, with the queues and language', async () => {
    const w = await boot({ 'data-queues': 'sales,support', 'data-lang': 'nb' });
    expect(w.launcher.getAttribute('aria-label')).toBe(dictionaries.nb.title);
    expect(w.launcher.getAttribute('aria-expanded')).toBe('false');
    expect(w.panel.hidden).toBe(true);
    expect(w.frame()).toBeNull();

    w.launcher.click();
    const f = w.frame();
    expect(f).not.toBeNull();
    const url = new URL(f!.src);
    expect(url.origin + url.pathname).toBe('https://chat.example.com/skranke/widget/frame');
    expect(url.searchParams.get('queues')).toBe('sales,support');
    expect(url.searchParams.get('queue')).toBeNull();
    expect(url.searchParams.get('lang')).toBe('nb');
    expect(url.searchParams.get('origin')).toBe(location.origin);
    expect(f!.title).toBe(dictionaries.nb.frameTitle);
    expect(w.panel.hidden).toBe(false);
    expect(w.launcher.getAttribute('aria-expanded')).toBe('true');

    w.launcher.click();
    expect(w.panel.hidden).toBe(true);
    expect(w.frame()).toBe(f); // kept, so the chat goes on
  });

  it('prefers a fixed queue, passes the title and defaults to English', async () => {
    const w = await boot({ 'data-queue': 'sales', 'data-queues': 'a,b', 'data-title': 'Nordlys Energi', 'data-lang': 'xx' });
    expect(w.launcher.getAttribute('aria-label')).toBe(dictionaries.en.title);
    w.launcher.click();
    const url = new URL(w.frame()!.src);
    expect(url.searchParams.get('queue')).toBe('sales');
    expect(url.searchParams.get('queues')).toBeNull();
    expect(url.searchParams.get('title')).toBe('Nordlys Energi');
    expect(url.searchParams.get('lang')).toBe('en');
  });

  it('creates the frame at load when a chat is going on, and shows it if it was open', async () => {
    localStorage.setItem('skranke.open', '1');
    const w = await boot({ 'data-queues': 'sales' });
    expect(w.frame()).not.toBeNull();
    expect(w.panel.hidden).toBe(true);

    document.body.replaceChildren();
    delete (window as Window & { skrankeWidget?: boolean }).skrankeWidget;
    localStorage.setItem('skranke.shown', '1');
    const w2 = await boot({ 'data-queues': 'sales' });
    expect(w2.panel.hidden).toBe(false);
  });

  it('runs once when included twice', async () => {
    await boot({});
    await boot({});
    expect(document.querySelectorAll('[data-skranke]')).toHaveLength(1);
  });

  it("obeys only its own frame's messages", async () => {
    const w = await boot({ 'data-queues': 'sales' });
    w.launcher.click();
    const f = w.frame()!;
    fromFrame(f, { skranke: 'unread', count: 2 }, 'https://evil.example');
    expect(w.launcher.getAttribute('aria-label')).toBe(dictionaries.en.title);

    fromFrame(f, { skranke: 'unread', count: 2 });
    expect(w.launcher.getAttribute('aria-label')).toBe(`${dictionaries.en.title} (${dictionaries.en.unread(2)})`);
    expect(w.root.querySelector('.badge')?.textContent).toBe('2');

    fromFrame(f, { skranke: 'active', active: true });
    expect(localStorage.getItem('skranke.open')).toBe('1');

    fromFrame(f, { skranke: 'close' });
    expect(w.panel.hidden).toBe(true);
    expect(w.launcher.getAttribute('aria-expanded')).toBe('false');
    expect(w.root.activeElement ?? document.activeElement).toBe(w.launcher);

    fromFrame(f, { skranke: 'active', active: false });
    expect(localStorage.getItem('skranke.open')).toBeNull();
  });

  it('keeps its strings in step with texts.ts', async () => {
    for (const lang of ['en', 'nb'] as const) {
      document.body.replaceChildren();
      delete (window as Window & { skrankeWidget?: boolean }).skrankeWidget;
      const w = await boot({ 'data-lang': lang });
      w.launcher.click();
      fromFrame(w.frame()!, { skranke: 'unread', count: 1 });
      expect(w.launcher.getAttribute('aria-label')).toBe(`${dictionaries[lang].title} (${dictionaries[lang].unread(1)})`);
      fromFrame(w.frame()!, { skranke: 'unread', count: 5 });
      expect(w.launcher.getAttribute('aria-label')).toBe(`${dictionaries[lang].title} (${dictionaries[lang].unread(5)})`);
    }
  });
});

describe('loader and the widget settings', () => {
  it("takes the organisation's colours and language from the server, unless the site says otherwise", async () => {
    const fetched: string[] = [];
    vi.stubGlobal('fetch', (url: string) => {
      fetched.push(url);
      return Promise.resolve({ ok: true, json: () => Promise.resolve({ settings: { color: '#0b3d4f', textColor: '#ffffff', language: 'nb' } }) });
    });
    // A browser in neither of the widget's languages: the organisation's.
    const languages = vi.spyOn(navigator, 'languages', 'get').mockReturnValue(['de-DE', 'de']);
    try {
      const w = await boot({});
      await new Promise((r) => setTimeout(r, 0));
      await new Promise((r) => setTimeout(r, 0));
      expect(fetched).toEqual(['https://chat.example.com/skranke/api/v1/widget/settings']);
      expect(w.launcher.style.background).toMatch(/#0b3d4f|11, 61, 79/);
      expect(w.launcher.getAttribute('aria-label')).toBe(dictionaries.nb.title);
      w.launcher.click();
      expect(new URL(w.frame()!.src).searchParams.get('lang')).toBeNull(); // the frame reads the settings itself

      document.body.replaceChildren();
      delete (window as Window & { skrankeWidget?: boolean }).skrankeWidget;
      const en = await boot({ 'data-lang': 'en' });
      await new Promise((r) => setTimeout(r, 0));
      await new Promise((r) => setTimeout(r, 0));
      expect(en.launcher.getAttribute('aria-label')).toBe(dictionaries.en.title);
    } finally {
      languages.mockRestore();
      vi.unstubAllGlobals();
    }
  });

  it("follows data-lang, else the browser's language (nb, nn and no are bokmål), before the organisation's", async () => {
    vi.stubGlobal('fetch', () => Promise.resolve({ ok: true, json: () => Promise.resolve({ settings: { language: 'en' } }) }));
    const cases: [string[], Record<string, string>, string][] = [
      [['nb-NO'], {}, 'nb'],
      [['nn'], {}, 'nb'],
      [['de', 'no'], {}, 'nb'],
      [['en-US', 'nb'], {}, 'en'],
      [['nb-NO'], { 'data-lang': 'en' }, 'en'],
    ];
    try {
      for (const [langs, attrs, want] of cases) {
        const languages = vi.spyOn(navigator, 'languages', 'get').mockReturnValue(langs);
        document.body.replaceChildren();
        delete (window as Window & { skrankeWidget?: boolean }).skrankeWidget;
        const w = await boot(attrs);
        await new Promise((r) => setTimeout(r, 0));
        await new Promise((r) => setTimeout(r, 0));
        expect(w.launcher.getAttribute('aria-label'), langs.join()).toBe(dictionaries[want as 'en' | 'nb'].title);
        w.launcher.click();
        expect(new URL(w.frame()!.src).searchParams.get('lang'), langs.join()).toBe(want);
        languages.mockRestore();
      }
    } finally {
      vi.unstubAllGlobals();
    }
  });
});
