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

type Page = Window & { skrankeWidget?: boolean; Skranke?: ((...a: unknown[]) => void) & { q?: { push(...c: unknown[]): unknown } } };

beforeEach(() => {
  document.body.replaceChildren();
  localStorage.clear();
  delete (window as Page).skrankeWidget;
  delete (window as Page).Skranke;
});

/** stub defines window.Skranke as the snippet's one line does. */
function stub() {
  const w = window as Page;
  // The snippet: window.Skranke=window.Skranke||function(){(Skranke.q=Skranke.q||[]).push(arguments)}
  w.Skranke =
    w.Skranke ||
    function (...args: unknown[]) {
      const f = w.Skranke!;
      (f.q = f.q || ([] as unknown[])).push(args);
    };
}

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

describe('the widget API', () => {
  it('runs the commands queued before it loaded, in order, then the later ones at once', async () => {
    stub();
    const w = window as Page;
    const kept = w.Skranke!; // a page script that kept the stub
    const unread: unknown[] = [];
    w.Skranke!('on', 'unread', (d: unknown) => unread.push(d));
    w.Skranke!('open');
    const wg = await boot({ 'data-queues': 'sales' });
    expect(wg.panel.hidden).toBe(false);
    expect(wg.launcher.getAttribute('aria-expanded')).toBe('true');
    fromFrame(wg.frame()!, { skranke: 'unread', count: 2 });
    fromFrame(wg.frame()!, { skranke: 'unread', count: 2 }); // the same count: no news
    expect(unread).toEqual([{ count: 2 }]);
    w.Skranke!('close');
    expect(wg.panel.hidden).toBe(true);
    kept('open');
    expect(wg.panel.hidden).toBe(false);
  });

  it("tells the page when a chat starts and ends, from its own frame's messages only", async () => {
    const wg = await boot({ 'data-queues': 'sales' });
    const w = window as Page;
    const seen: string[] = [];
    w.Skranke!('on', 'chat:started', (d: { conversationId: string }) => seen.push(`started ${d.conversationId}`));
    w.Skranke!('on', 'chat:ended', (d: { conversationId: string }) => seen.push(`ended ${d.conversationId}`));
    w.Skranke!('on', 'chat:started', () => {
      throw new Error('a broken listener');
    });
    const err = vi.spyOn(console, 'error').mockImplementation(() => {});
    w.Skranke!('open');
    const f = wg.frame()!;
    fromFrame(f, { skranke: 'chat', event: 'started', conversationId: 'c1' }, 'https://evil.example');
    fromFrame(f, { skranke: 'chat', event: 'started', conversationId: 'c1' });
    fromFrame(f, { skranke: 'chat', event: 'ended', conversationId: 'c1' });
    expect(seen).toEqual(['started c1', 'ended c1']);
    expect(err).toHaveBeenCalledOnce();
    err.mockRestore();
  });

  it("hands the page's identity token to the frame, however the page gave it (R6)", async () => {
    const w = window as Page & { Skranke?: { identify?: (t: string) => void } };
    // Skranke.identify's own queue form, before the loader has loaded.
    (w as unknown as { Skranke: unknown }).Skranke = { q: [['identify', ['tok-1', () => 'fresh']]] };
    const wg = await boot({ 'data-queues': 'sales' });
    wg.launcher.click();
    // happy-dom loads no frame: the frame's window is one that records.
    const posted: unknown[] = [];
    const win = { postMessage: (m: unknown) => void posted.push(m) };
    Object.defineProperty(wg.frame()!, 'contentWindow', { value: win });
    fromFrame(wg.frame()!, { skranke: 'ready' });
    w.Skranke!.identify!('tok-2');
    w.Skranke!('identify', 'tok-3');
    const tokens = posted.filter((m) => (m as { skranke?: string }).skranke === 'identify').map((m) => (m as { token: string }).token);
    expect(tokens).toEqual(['tok-1', 'tok-2', 'tok-3']);
  });

  it('says what it cannot do, or was given wrong', async () => {
    await boot({});
    const w = window as Page;
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    w.Skranke!('identify', 42); // a token is a string
    w.Skranke!('on', 'chat:nothing', () => {});
    w.Skranke!('dance');
    expect(warn).toHaveBeenCalledTimes(3);
    warn.mockRestore();
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
