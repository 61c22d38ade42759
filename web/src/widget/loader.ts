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
// The page drives the widget with Skranke(command, …) (docs/widget-api.md):
//
//   Skranke('open')                         show the chat panel
//   Skranke('close')                        hide it
//   Skranke('set', {name, email})           fill in the visitor's name and the
//                                           transcript's address (shown as the
//                                           visitor typed it: never verified)
//   Skranke('on', 'chat:started' | 'chat:ended' | 'unread', fn)
//                                           fn({conversationId}) or fn({count})
//   Skranke('identify', token, refresh)     a signed token of the visitor (R6),
//                                           the same as Skranke.identify below
//
// Commands given before this script has loaded wait in Skranke.q, the queue
// of the stub the snippet defines:
//
//   <script>window.Skranke=window.Skranke||function(){(Skranke.q=Skranke.q||[]).push(arguments)}</script>
//
// and are run in order once the widget is mounted; later calls run at once.
//
// A page whose visitor is signed in vouches for them (R6) with an identity
// token its backend signed (docs/identifying-customers.md):
//
//   Skranke.identify(token, refresh)
//
// refresh, optional, is called when the widget needs a fresh token (the one
// it has expired) and returns one, or a promise of one. A page may call
// identify before this script has loaded by queueing the call:
// window.Skranke = {q: [['identify', [token, refresh]]]}. A refused token
// is told in the browser's console with the server's reason; the chat then
// starts unverified.
//
// This file is a classic script on someone else's page: it imports nothing
// at run time (the bundler would hoist imported code into the page's global
// scope) and keeps every name inside one function.

type Command = ArrayLike<unknown>;
type SkrankeFn = ((...args: unknown[]) => void) & {
  q?: { push(...c: Command[]): unknown };
  identify?: (token: unknown, refresh?: unknown) => void;
};

(() => {
  const w = window as Window & { skrankeWidget?: boolean; Skranke?: SkrankeFn };
  if (w.skrankeWidget) return; // included twice
  w.skrankeWidget = true;

  // Until the widget is mounted, commands wait in the stub's queue (or in a
  // queue of our own when the page has no stub).
  const pending: Command[] = [];
  const stub = w.Skranke as { q?: unknown } | undefined;
  if (stub && Array.isArray(stub.q)) {
    for (const c of stub.q as unknown[]) {
      // Skranke.identify's queue, {q: [['identify', [token, refresh]]]}
      if (typeof stub !== 'function' && Array.isArray(c) && c[0] === 'identify' && Array.isArray(c[1])) pending.push(['identify', c[1][0], c[1][1]]);
      else pending.push(c as Command);
    }
  }
  let run: ((c: Command) => void) | null = null;
  const take = (c: Command) => (run ? run(c) : pending.push(c));
  const api: SkrankeFn = (...args: unknown[]) => void take(args);
  // A page that kept a reference to the stub still reaches us: the stub
  // pushes onto window.Skranke.q, which runs what it is given.
  api.q = { push: (...cs: Command[]) => cs.forEach(take) };
  api.identify = (token: unknown, refresh?: unknown) => take(['identify', token, refresh]);
  w.Skranke = api;

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
    // The page's identity token and how to get a fresh one (R6).
    let identity: string | null = null;
    let refresh: (() => string | Promise<string>) | null = null;
    let refreshing = false;
    const sendIdentity = () => {
      if (identity) frame?.contentWindow?.postMessage({ skranke: 'identify', token: identity }, frameOrigin);
    };
    const identify = (token: unknown, again?: unknown) => {
      if (typeof token !== 'string' || !token) {
        console.warn('Skranke.identify: give the identity token (a string).');
        return;
      }
      identity = token;
      if (typeof again === 'function') refresh = again as () => string | Promise<string>;
      sendIdentity();
    };
    const refused = (reason: string, message: string) => {
      console.warn(`Skranke: the identity token was refused (${reason}): ${message}`);
      if (reason !== 'identity_expired' || !refresh || refreshing) return;
      refreshing = true;
      Promise.resolve()
        .then(() => refresh?.())
        .then((tok) => {
          refreshing = false;
          if (typeof tok === 'string' && tok && tok !== identity) identify(tok);
        })
        .catch((err: unknown) => {
          refreshing = false;
          console.warn('Skranke: the refresh callback failed:', err);
        });
    };

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

    // The page's listeners (Skranke('on', …)) and visitor (Skranke('set', …)).
    const listeners: Record<string, ((d: unknown) => void)[]> = { 'chat:started': [], 'chat:ended': [], unread: [] };
    const emit = (event: string, data: unknown) => {
      for (const fn of listeners[event]) {
        try {
          fn(data);
        } catch (err) {
          console.error('Skranke: a listener of', event, 'failed:', err);
        }
      }
    };
    let visitor: { name?: string; email?: string } = {};
    const tellVisitor = () => frame?.contentWindow?.postMessage({ skranke: 'set', ...visitor }, frameOrigin);
    const str = (v: unknown) => (typeof v === 'string' ? v : undefined);

    launcher.addEventListener('click', () => (open ? hide() : show(true)));
    panel.addEventListener('keydown', (e) => {
      if (e.key === 'Escape') hide();
    });
    window.addEventListener('message', (e: MessageEvent) => {
      if (!frame || e.origin !== frameOrigin || e.source !== frame.contentWindow) return;
      const d = e.data as { skranke?: unknown; count?: unknown; active?: unknown; reason?: unknown; message?: unknown } | null;
      if (!d || typeof d !== 'object') return;
      switch (d.skranke) {
        case 'ready':
          tell();
          sendIdentity();
          tellVisitor();
          break;
        case 'identity-refused':
          refused(String(d.reason ?? ''), String(d.message ?? ''));
          break;
        case 'close':
          hide();
          break;
        case 'unread': {
          const n = typeof d.count === 'number' && d.count > 0 ? Math.floor(d.count) : 0;
          if (n !== unread) {
            unread = n;
            emit('unread', { count: n });
          }
          label();
          break;
        }
        case 'chat': {
          const c = d as { event?: unknown; conversationId?: unknown };
          if ((c.event === 'started' || c.event === 'ended') && typeof c.conversationId === 'string') {
            emit(`chat:${c.event}`, { conversationId: c.conversationId });
          }
          break;
        }
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

    run = (c: Command) => {
      const [cmd, a, b] = [c[0], c[1], c[2]];
      switch (cmd) {
        case 'open':
          show(true);
          return;
        case 'close':
          hide();
          return;
        case 'set': {
          const v = (a && typeof a === 'object' ? a : {}) as { name?: unknown; email?: unknown };
          visitor = { ...visitor, ...(str(v.name) !== undefined && { name: str(v.name) }), ...(str(v.email) !== undefined && { email: str(v.email) }) };
          tellVisitor();
          return;
        }
        case 'on':
          if (typeof a === 'string' && a in listeners && typeof b === 'function') listeners[a].push(b as (d: unknown) => void);
          else console.warn('Skranke: on takes chat:started, chat:ended or unread and a function; got', a);
          return;
        case 'identify':
          identify(a, b);
          return;
      }
      console.warn('Skranke: unknown command', cmd);
    };
    for (const c of pending.splice(0)) run(c);
  };

  if (document.body) mount();
  else document.addEventListener('DOMContentLoaded', mount);
})();

// Makes this file a module for TypeScript (so the test can import it); the
// bundler emits nothing for it.
export {};
