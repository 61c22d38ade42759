// The Skranke widget loader, served as /widget.js and embedded by an
// organisation's website with one tag:
//
//   <script src="https://chat.example.com/widget.js" data-queues="sales,support" async></script>
//
// Attributes, all optional: the organisation's widget settings (made in the
// admin pages, read from /api/v1/widget/settings) decide the colours, the
// language, the queues and the texts, and an attribute overrides them for
// one site: data-queue="sales" (a fixed queue) or data-queues="a,b" (the
// customer chooses), data-lang="en|nb" (else the browser's language when
// it is English or Norwegian: nb, nn and no are bokmål; else the settings'),
// data-title="…" (the chat's title),
// data-queue-names="sales=Salg,support=Kundeservice" (the site's own names
// of its queues, in the page's language).
//
// It adds a launcher button and a panel holding an iframe with the chat
// (/widget/frame on the Skranke server), inside a shadow root whose host
// element resets every inherited style, so the page's CSS cannot reach it.
// The iframe is created on the first open, or at once when the host page's
// localStorage says a chat is going on (skranke.open), so a reload restores
// it. The postMessage protocol with the frame is described in host.ts.
//
// This file is a classic script on someone else's page: it imports nothing
// at run time (the bundler would hoist imported code into the page's global
// scope) and keeps every name inside one function.

(() => {
  const w = window as Window & { skrankeWidget?: boolean };
  if (w.skrankeWidget) return; // included twice
  w.skrankeWidget = true;

  // Kept in step with texts.ts (loader.test.ts checks it).
  const strings = {
    en: {
      title: 'Chat with us',
      frameTitle: 'Chat',
      unread: (n: number) => (n === 1 ? '1 unread message' : `${n} unread messages`),
    },
    nb: {
      title: 'Chat med oss',
      frameTitle: 'Chat',
      unread: (n: number) => (n === 1 ? '1 ulest melding' : `${n} uleste meldinger`),
    },
  };
  const openKey = 'skranke.open'; // a chat is going on: create the frame at load
  const shownKey = 'skranke.shown'; // the panel was open: show it again after a reload

  // The first of the browser's languages that the widget speaks ("" when
  // none): nb, nn and no are bokmål. (common/language.ts has the same rule;
  // the loader stays one file that imports nothing.)
  const browserLang = (): '' | 'en' | 'nb' => {
    for (const l of navigator.languages ?? [navigator.language]) {
      const code = (l || '').toLowerCase().split(/[-_]/)[0];
      if (code === 'nb' || code === 'nn' || code === 'no') return 'nb';
      if (code === 'en') return 'en';
    }
    return '';
  };

  const findScript = (): HTMLScriptElement | null => {
    const cur = document.currentScript;
    if (cur instanceof HTMLScriptElement && cur.src) return cur;
    const all = document.querySelectorAll<HTMLScriptElement>('script[src]');
    for (let i = all.length - 1; i >= 0; i--) {
      if (/\/widget\.js(\?.*)?$/.test(all[i].src)) return all[i];
    }
    return null;
  };

  const store = {
    get(k: string): string | null {
      try {
        return localStorage.getItem(k);
      } catch {
        return null;
      }
    },
    set(k: string, v: string | null): void {
      try {
        if (v === null) localStorage.removeItem(k);
        else localStorage.setItem(k, v);
      } catch {
        // Storage refused: the chat is then not restored after a reload.
      }
    },
  };

  const script = findScript();
  if (!script) return;
  const src = new URL(script.src, location.href);
  const frameOrigin = src.origin;
  const base = frameOrigin + src.pathname.replace(/\/widget\.js$/, '');
  const attr = (name: string) => (script.getAttribute(name) || '').trim();
  const langAttr = attr('data-lang') ? (attr('data-lang') === 'nb' ? 'nb' : 'en') : browserLang();
  let t = strings[langAttr === 'nb' ? 'nb' : 'en'];

  const params = new URLSearchParams();
  if (attr('data-queue')) params.set('queue', attr('data-queue'));
  else if (attr('data-queues')) params.set('queues', attr('data-queues'));
  if (langAttr) params.set('lang', langAttr); // else the settings' language
  if (attr('data-title')) params.set('title', attr('data-title'));
  if (attr('data-queue-names')) params.set('names', attr('data-queue-names'));
  if (location.origin !== 'null') params.set('origin', location.origin);
  const frameURL = `${base}/widget/frame?${params}`;

  const css = `
:host { all: initial; }
.launcher {
  position: fixed; right: 20px; bottom: 20px; z-index: 2147483000;
  width: 60px; height: 60px; border-radius: 50%; border: 0; padding: 0; margin: 0;
  background: #1f5f8b; color: #fff; cursor: pointer;
  display: flex; align-items: center; justify-content: center;
  box-shadow: 0 6px 20px rgba(0,0,0,.25); transition: transform .15s;
}
.launcher:hover { transform: scale(1.06); }
.launcher:focus-visible { outline: 3px solid #f2b705; outline-offset: 3px; }
.launcher svg { width: 28px; height: 28px; fill: none; stroke: currentColor; stroke-width: 2; stroke-linejoin: round; stroke-linecap: round; }
.badge {
  position: absolute; top: -4px; right: -4px; min-width: 22px; height: 22px; padding: 0 6px;
  box-sizing: border-box; border-radius: 11px; background: #d93025; color: #fff;
  font: 600 12px/22px system-ui, sans-serif; text-align: center;
}
.panel {
  position: fixed; right: 20px; bottom: 92px; z-index: 2147483000;
  width: 380px; height: min(620px, calc(100vh - 112px));
  border-radius: 14px; overflow: hidden; background: #fff;
  box-shadow: 0 12px 40px rgba(0,0,0,.28);
}
[hidden] { display: none !important; }
iframe { border: 0; width: 100%; height: 100%; display: block; }
@media (max-width: 499px) {
  .panel { top: 0; left: 0; right: 0; bottom: 0; width: auto; height: auto; border-radius: 0; }
  .panel:not([hidden]) ~ .launcher { display: none; }
}`;

  const el = <K extends keyof HTMLElementTagNameMap>(tag: K, cls?: string): HTMLElementTagNameMap[K] => {
    const e = document.createElement(tag);
    if (cls) e.className = cls;
    return e;
  };

  const mount = () => {
    const hostEl = el('div');
    hostEl.setAttribute('data-skranke', '');
    const root = hostEl.attachShadow({ mode: 'open' });
    const style = el('style');
    style.textContent = css;

    const launcher = el('button', 'launcher');
    launcher.type = 'button';
    launcher.setAttribute('aria-expanded', 'false');
    launcher.setAttribute('aria-controls', 'skranke-panel');
    const ns = 'http://www.w3.org/2000/svg';
    const svg = document.createElementNS(ns, 'svg');
    svg.setAttribute('viewBox', '0 0 24 24');
    svg.setAttribute('aria-hidden', 'true');
    const path = document.createElementNS(ns, 'path');
    path.setAttribute('d', 'M4 5h16v11H9l-5 4z');
    svg.appendChild(path);
    const badge = el('span', 'badge');
    badge.hidden = true;
    badge.setAttribute('aria-hidden', 'true');
    launcher.append(svg, badge);

    const panel = el('div', 'panel');
    panel.id = 'skranke-panel';
    panel.hidden = true;
    root.append(style, panel, launcher);
    document.body.appendChild(hostEl);

    let frame: HTMLIFrameElement | null = null;
    let open = false;
    let unread = 0;

    const label = () => {
      const name = unread > 0 ? `${t.title} (${t.unread(unread)})` : t.title;
      launcher.setAttribute('aria-label', name);
      launcher.title = name;
      badge.textContent = String(unread);
      badge.hidden = unread === 0;
    };
    const tell = () => frame?.contentWindow?.postMessage({ skranke: 'visible', visible: open }, frameOrigin);
    const ensureFrame = () => {
      if (frame) return frame;
      frame = el('iframe');
      frame.title = t.frameTitle;
      frame.src = frameURL;
      frame.allow = 'clipboard-write';
      panel.appendChild(frame);
      return frame;
    };
    const show = (focus: boolean) => {
      const f = ensureFrame();
      open = true;
      panel.hidden = false;
      launcher.setAttribute('aria-expanded', 'true');
      store.set(shownKey, '1');
      tell();
      if (focus) f.focus();
    };
    const hide = () => {
      if (!open) return;
      open = false;
      panel.hidden = true;
      launcher.setAttribute('aria-expanded', 'false');
      store.set(shownKey, null);
      tell();
      launcher.focus();
    };

    launcher.addEventListener('click', () => (open ? hide() : show(true)));
    panel.addEventListener('keydown', (e) => {
      if (e.key === 'Escape') hide();
    });
    window.addEventListener('message', (e: MessageEvent) => {
      if (!frame || e.origin !== frameOrigin || e.source !== frame.contentWindow) return;
      const d = e.data as { skranke?: unknown; count?: unknown; active?: unknown } | null;
      if (!d || typeof d !== 'object') return;
      switch (d.skranke) {
        case 'ready':
          tell();
          break;
        case 'close':
          hide();
          break;
        case 'unread':
          unread = typeof d.count === 'number' && d.count > 0 ? Math.floor(d.count) : 0;
          label();
          break;
        case 'active':
          store.set(openKey, d.active === true ? '1' : null);
          break;
      }
    });

    label();
    // The organisation's colours and language, when the server answers;
    // until then (and without an answer) the defaults.
    const hex = /^#[0-9a-fA-F]{6}$/;
    fetch(`${base}/api/v1/widget/settings`, { credentials: 'omit' })
      .then((r) => (r.ok ? r.json() : null))
      .then((d: { settings?: { color?: unknown; textColor?: unknown; language?: unknown } } | null) => {
        const st = d?.settings;
        if (!st) return;
        if (typeof st.color === 'string' && hex.test(st.color)) launcher.style.background = st.color;
        if (typeof st.textColor === 'string' && hex.test(st.textColor)) launcher.style.color = st.textColor;
        if (!langAttr && st.language === 'nb') {
          t = strings.nb;
          label();
        }
      })
      .catch(() => {
        // Defaults it is.
      });
    if (store.get(openKey) === '1') {
      if (store.get(shownKey) === '1') show(false);
      else ensureFrame();
    }
  };

  if (document.body) mount();
  else document.addEventListener('DOMContentLoaded', mount);
})();

// Makes this file a module for TypeScript (so the test can import it); the
// bundler emits nothing for it.
export {};
