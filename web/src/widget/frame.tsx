// The customer widget's frame (/widget/frame): the start view until a chat
// exists, then the chat view. The chat is remembered in the frame's own
// localStorage (token and conversation id), so a reload goes straight back
// into it.
//
// Visibility and unread count: the frame cannot see whether the host page
// shows its panel, so the loader tells it ({skranke: 'visible'}, see
// host.ts). The customer has "seen" the chat while the panel is shown and the
// page itself is visible (document.visibilityState); agents' messages that
// arrive otherwise are counted and posted to the host, which badges its
// launcher.

import { render } from 'preact';
import { useEffect, useMemo, useState } from 'preact/hooks';
import { Api, basePath } from './api';
import { ChatView } from './ChatView';
import { darken, readConfig, withSettings, type Config, type FrameConfig, type WidgetSettings } from './config';
import { connectHost, type HostBridge, type Visitor } from './host';
import { Outbox } from './outbox';
import { StartView } from './StartView';
import { identifyCustomer } from './identity';
import { keys, openStorage, type KeyValue } from './storage';
import { reasonsFor, textsFor } from './texts';
import './frame.css';

interface AppProps {
  frame: FrameConfig;
  storage: KeyValue;
  host: HostBridge;
  base: string;
}

/**
 * Settings loads the organisation's widget settings, then runs the frame
 * with them: from the server, or, in the admin pages' preview, from the
 * page that shows the preview (postMessage from this same origin).
 */
function Settings(p: AppProps) {
  const [settings, setSettings] = useState<WidgetSettings | null | undefined>(undefined);
  useEffect(() => {
    if (p.frame.preview) {
      const onMessage = (e: MessageEvent) => {
        const d = e.data as { skranke?: unknown; settings?: WidgetSettings } | null;
        if (e.origin === location.origin && e.source === window.parent && d?.skranke === 'preview' && d.settings) setSettings(d.settings);
      };
      window.addEventListener('message', onMessage);
      return () => window.removeEventListener('message', onMessage);
    }
    // Without settings (the server cannot be reached) the frame runs on its
    // own defaults and the site's attributes.
    new Api(p.base, '').settings().then(setSettings, () => setSettings(null));
    return undefined;
  }, []);
  if (settings === undefined && !p.frame.preview) return null; // a moment, once per load
  const cfg = withSettings(p.frame, settings ?? null);
  applyBrand(cfg);
  return <App {...p} cfg={cfg} />;
}

/** applyBrand applies the settings' colours to the frame's document. */
function applyBrand(cfg: Config) {
  const root = document.documentElement;
  root.lang = cfg.lang;
  if (cfg.color) {
    root.style.setProperty('--sk-brand', cfg.color);
    root.style.setProperty('--sk-brand-dark', darken(cfg.color));
  }
  if (cfg.textColor) root.style.setProperty('--sk-on-brand', cfg.textColor);
}

function App({ cfg, storage, host, base }: AppProps & { cfg: Config }) {
  const t = textsFor(cfg.lang);
  const api = useMemo(() => new Api(base, t.networkError, reasonsFor(cfg.lang)), [base, t]);
  const outbox = useMemo(() => new Outbox(storage), [storage]);
  const [token, setToken] = useState(() => storage.getItem(keys.token));
  const [conversationId, setConversationId] = useState(() => storage.getItem(keys.conversation));
  const [notice, setNotice] = useState<string | undefined>();
  const [hostVisible, setHostVisible] = useState(!host.embedded);
  const [visitor, setVisitor] = useState<Visitor>({});
  const [pageVisible, setPageVisible] = useState(document.visibilityState === 'visible');
  const visible = hostVisible && pageVisible;
  // The host page's identity token (R6), verified when the chat starts and
  // whenever the page gives a new one.
  const [identity, setIdentity] = useState<string | null>(null);
  useEffect(() => host.onIdentify(setIdentity), []);
  useEffect(() => {
    if (identity && token && conversationId) void identifyCustomer(api, storage, host, token, identity, false);
  }, [identity]);

  useEffect(() => {
    const off = host.onVisible(setHostVisible);
    const offVisitor = host.onVisitor(setVisitor);
    host.post({ skranke: 'ready' });
    const onVis = () => setPageVisible(document.visibilityState === 'visible');
    document.addEventListener('visibilitychange', onVis);
    // Escape anywhere in the frame hides the panel (the dialog stops it first).
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape' && !e.defaultPrevented) host.post({ skranke: 'close' });
    };
    document.addEventListener('keydown', onKey);
    return () => {
      off();
      offVisitor();
      document.removeEventListener('visibilitychange', onVis);
      document.removeEventListener('keydown', onKey);
    };
  }, []);

  // Move focus into the frame's main field whenever the panel is shown;
  // never in the admin pages' preview, whose page keeps its focus.
  const takesFocus = hostVisible && host.embedded && !cfg.preview;
  useEffect(() => {
    if (takesFocus) document.querySelector<HTMLElement>('[data-autofocus]')?.focus();
  }, [takesFocus, conversationId]);

  const inChat = !!(token && conversationId) && !cfg.preview;
  useEffect(() => {
    if (!inChat) {
      host.post({ skranke: 'active', active: false });
      host.post({ skranke: 'unread', count: 0 });
    }
  }, [inChat]);

  const forget = () => {
    if (conversationId) outbox.clear(conversationId);
    storage.removeItem(keys.conversation);
    storage.removeItem(keys.readSeq);
    setConversationId(null);
  };

  if (inChat) {
    return (
      <ChatView
        key={conversationId}
        t={t}
        lang={cfg.lang}
        title={cfg.title}
        names={cfg.names}
        showPosition={cfg.showPosition}
        wsURL={wsURL(base)}
        apiBase={base}
        token={token}
        conversationId={conversationId}
        storage={storage}
        outbox={outbox}
        host={host}
        visible={visible}
        visitorEmail={visitor.email}
        onGone={(reason) => {
          forget();
          if (reason === 'unauthenticated') {
            storage.removeItem(keys.token);
            setToken(null);
          }
          setNotice(t.chatGone);
        }}
        onNewChat={() => {
          forget();
          setNotice(undefined);
        }}
        api={api}
        onDeleted={() => {
          forget();
          setNotice(t.chatDeleted);
        }}
      />
    );
  }
  return (
    <div class="sk-chat">
      <header class="sk-header">
        <div class="sk-header-text">
          <h1>{cfg.title || t.title}</h1>
        </div>
        {host.embedded && (
          <button
            type="button"
            class="sk-icon"
            aria-label={t.minimise}
            title={t.minimise}
            onClick={() => host.post({ skranke: 'close' })}
          >
            <svg viewBox="0 0 24 24" aria-hidden="true">
              <path d="M5 12h14" />
            </svg>
          </button>
        )}
      </header>
      <StartView
        t={t}
        cfg={cfg}
        api={api}
        storage={storage}
        notice={notice}
        autoFocus={takesFocus}
        identify={identity ? (tok) => identifyCustomer(api, storage, host, tok, identity, true) : undefined}
        visitorName={visitor.name}
        onStarted={(id, tok) => {
          setToken(tok);
          setConversationId(id);
          setNotice(undefined);
          host.post({ skranke: 'chat', event: 'started', conversationId: id });
        }}
      />
    </div>
  );
}

// wsURL is the customer WebSocket endpoint on the frame's own server.
function wsURL(base: string): string {
  const proto = location.protocol === 'https:' ? 'wss:' : 'ws:';
  return `${proto}//${location.host}${base}/ws/customer`;
}

const frame = readConfig(location.search);
document.documentElement.lang = frame.lang;
document.title = textsFor(frame.lang).frameTitle;
const root = document.getElementById('app');
if (root) {
  render(
    <Settings frame={frame} storage={openStorage()} host={connectHost(window, frame.hostOrigin)} base={basePath(location.pathname)} />,
    root,
  );
}
