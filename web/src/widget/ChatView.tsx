// The chat view: header, connection banner, queue status, the message log,
// the typing indicator and the composer. All state lives in a ChatSession;
// this component renders it and forwards the customer's actions.

import { useEffect, useLayoutEffect, useMemo, useRef, useState } from 'preact/hooks';
import type { TargetedKeyboardEvent } from 'preact';
import { Socket } from '../common/socket';
import type { Api, WidgetOptions } from './api';
import { ChatRecord } from './ChatRecord';
import { ConfirmDialog } from './ConfirmDialog';
import type { HostBridge } from './host';
import type { Outbox } from './outbox';
import { ChatSession, type GoneReason } from './session';
import { formatTime, unreadCount, type Item, type MenuItem } from './state';
import { errorText } from '../common/errors';
import { keys, type KeyValue } from './storage';
import { reasonTexts, type Lang, type Texts } from './texts';
import { AttachButton, FileCache, MessageFiles, UploadList, refusalText, useUploads } from './Files';

interface Props {
  t: Texts;
  lang: Lang;
  title?: string;
  /** the site's names of queues by id, over the server's. */
  names?: Record<string, string>;
  /** Tell a waiting customer their place in the queue (the widget settings). */
  showPosition: boolean;
  wsURL: string;
  /** the path Skranke is served under, for the REST routes (files). */
  apiBase: string;
  token: string;
  conversationId: string;
  storage: KeyValue;
  outbox: Outbox;
  host: HostBridge;
  /** visitorEmail is the page's word for the visitor's e-mail (Skranke('set')), to fill in. */
  visitorEmail?: string;
  /** The panel is on screen (host says so and the page is visible). */
  visible: boolean;
  onGone: (reason: GoneReason) => void;
  onNewChat: () => void;
  api: Api;
  /** The customer had the ended chat deleted. */
  onDeleted: () => void;
}

// readSeq is the highest seq the customer has had on screen, per chat, so a
// reload does not count old messages as unread.
function loadReadSeq(storage: KeyValue, conversationId: string): number {
  const [id, seq] = (storage.getItem(keys.readSeq) ?? '').split(' ');
  return id === conversationId ? Number(seq) || 0 : 0;
}

export function ChatView(p: Props) {
  const { t } = p;
  const [, setVersion] = useState(0);
  const rerender = () => setVersion((n) => n + 1);
  const session = useMemo(
    () =>
      new ChatSession({
        url: p.wsURL,
        token: p.token,
        conversationId: p.conversationId,
        outbox: p.outbox,
        createSocket: (o) => new Socket(o),
        onGone: p.onGone,
      }),
    [p.conversationId, p.token],
  );
  const [text, setText] = useState('');
  const [confirming, setConfirming] = useState(false);
  const [endFailed, setEndFailed] = useState(false);
  const [readSeq, setReadSeq] = useState(() => loadReadSeq(p.storage, p.conversationId));
  const logRef = useRef<HTMLDivElement>(null);
  const inputRef = useRef<HTMLTextAreaElement>(null);
  const recordButtonRef = useRef<HTMLButtonElement>(null);
  const [recordOpen, setRecordOpen] = useState(false);
  const [options, setOptions] = useState<WidgetOptions>({ transcriptByEmail: false, customerErasure: false, secureChat: false });

  useEffect(() => {
    // What the server offers; without an answer, download alone is shown.
    p.api.options().then(setOptions, () => {});
  }, []);

  const closeRecord = () => {
    setRecordOpen(false);
    recordButtonRef.current?.focus();
  };

  // While the panel is open, Escape anywhere in the frame closes the panel
  // (not the widget), unless a dialog of its own took it first. Capture, so
  // that this runs before the frame's own Escape handler.
  useEffect(() => {
    if (!recordOpen) return;
    const onKey = (e: KeyboardEvent) => {
      if (e.key !== 'Escape' || document.querySelector('[role="alertdialog"]')) return;
      e.preventDefault();
      e.stopPropagation();
      closeRecord();
    };
    window.addEventListener('keydown', onKey, true);
    return () => window.removeEventListener('keydown', onKey, true);
  }, [recordOpen]);
  // Files (R12): the composer's uploads, refusals, and the log's files.
  const uploads = useUploads(p.apiBase, p.conversationId, p.token);
  const files = useMemo(() => new FileCache(p.apiBase, p.conversationId, p.token), [p.apiBase, p.conversationId, p.token]);
  useEffect(() => () => files.dispose(), [files]);
  const [refused, setRefused] = useState<string[]>([]);
  const [dragging, setDragging] = useState(false);

  useEffect(() => {
    const unsub = session.subscribe(rerender);
    session.start();
    const online = () => session.reconnectNow();
    window.addEventListener('online', online);
    return () => {
      unsub();
      window.removeEventListener('online', online);
      session.stop();
    };
  }, [session]);

  const s = session.state;
  const conn = session.connection;
  const ended = s.status === 'ended';
  const queueName = (s.queueId && p.names?.[s.queueId]) || s.queueName;

  // Unread: agents' messages above readSeq while the panel is hidden.
  useEffect(() => {
    if (p.visible && s.lastSeq > readSeq) {
      setReadSeq(s.lastSeq);
      p.storage.setItem(keys.readSeq, `${p.conversationId} ${s.lastSeq}`);
    }
  }, [p.visible, s.lastSeq]);
  const unread = p.visible ? 0 : unreadCount(s, readSeq);
  useEffect(() => p.host.post({ skranke: 'unread', count: unread }), [unread]);
  useEffect(() => p.host.post({ skranke: 'active', active: !ended }), [ended]);
  // The page hears of the end once, when it happens (not when an ended chat is shown again).
  const wasEnded = useRef<boolean | null>(null);
  useEffect(() => {
    if (ended && wasEnded.current === false) p.host.post({ skranke: 'chat', event: 'ended', conversationId: p.conversationId });
    if (wasEnded.current === null || ended) wasEnded.current = ended;
  }, [ended]);

  // Keep the newest message in view.
  useLayoutEffect(() => {
    const el = logRef.current;
    if (el) el.scrollTop = el.scrollHeight;
  }, [s.items.length, s.typing?.name]);

  const failedUploads = uploads.items.some((i) => i.state === 'failed');
  const canSend = !ended && !uploads.busy() && !failedUploads && (!!text.trim() || uploads.ready());
  const submit = () => {
    if (!canSend) return;
    session.send(text, uploads.attachments());
    uploads.clear();
    setText('');
    setRefused([]);
    inputRef.current?.focus();
  };

  const addFiles = (list: File[]) => {
    if (ended || list.length === 0) return;
    setRefused(uploads.add(list).map((r) => refusalText(r, t)));
  };
  const hasFiles = (e: DragEvent) => !!e.dataTransfer && Array.from(e.dataTransfer.types).includes('Files');

  const onKeyDown = (e: TargetedKeyboardEvent<HTMLTextAreaElement>) => {
    if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) {
      e.preventDefault();
      submit();
    }
  };

  const confirmEnd = () => {
    setConfirming(false);
    setEndFailed(false);
    // If the server does not answer, say so; the customer can press End chat again.
    session.end().catch(() => setEndFailed(true));
  };

  // The chat's record: download, e-mail, erasure (ChatRecord), in the
  // panel during the chat and in the ended view.
  const record = (autoFocus: boolean) => (
    <ChatRecord
      t={t}
      api={p.api}
      token={p.token}
      conversationId={p.conversationId}
      lang={p.lang}
      options={options}
      ended={ended}
      erasureRequested={!!s.erasureRequested}
      onDeleted={p.onDeleted}
      autoFocus={autoFocus}
      visitorEmail={p.visitorEmail}
    />
  );

  const statusLine = (() => {
    if (ended) return null;
    if (endFailed) return t.networkError;
    if (conn.state !== 'open') return conn.welcomed ? t.reconnecting : t.connecting;
    return null;
  })();

  return (
    <div
      class={dragging ? 'sk-chat sk-dragging' : 'sk-chat'}
      onDragEnter={(e) => {
        if (!ended && hasFiles(e)) setDragging(true);
      }}
      onDragOver={(e) => {
        if (ended || !hasFiles(e)) return;
        e.preventDefault();
        if (e.dataTransfer) e.dataTransfer.dropEffect = 'copy';
      }}
      onDragLeave={(e) => {
        if (e.currentTarget === e.target || !e.currentTarget.contains(e.relatedTarget as Node | null)) setDragging(false);
      }}
      onDrop={(e) => {
        if (!hasFiles(e)) return;
        e.preventDefault();
        setDragging(false);
        addFiles(Array.from(e.dataTransfer?.files ?? []));
      }}
    >
      {dragging && (
        <div class="sk-dropzone" aria-hidden="true">
          <p>{t.dropFiles}</p>
        </div>
      )}
      <header class="sk-header">
        <div class="sk-header-text">
          <h1>{queueName || p.title || t.title}</h1>
          {queueName && <p>{p.title || t.title}</p>}
        </div>
        {p.host.embedded && (
          <button
            type="button"
            class="sk-icon"
            aria-label={t.minimise}
            title={t.minimise}
            onClick={() => p.host.post({ skranke: 'close' })}
          >
            <svg viewBox="0 0 24 24" aria-hidden="true">
              <path d="M5 12h14" />
            </svg>
          </button>
        )}
        {!ended && (
          <button
            type="button"
            class="sk-icon"
            ref={recordButtonRef}
            aria-label={t.chatActions}
            title={t.chatActions}
            aria-expanded={recordOpen}
            aria-controls="sk-record-panel"
            onClick={() => (recordOpen ? closeRecord() : setRecordOpen(true))}
          >
            <svg viewBox="0 0 24 24" aria-hidden="true">
              <path d="M12 4v11M7 10l5 5 5-5M5 20h14" />
            </svg>
          </button>
        )}
        {!ended && (
          <button
            type="button"
            class="sk-icon"
            aria-label={t.endChat}
            title={t.endChat}
            onClick={() => setConfirming(true)}
          >
            <svg viewBox="0 0 24 24" aria-hidden="true">
              <path d="M6 6l12 12M18 6L6 18" />
            </svg>
          </button>
        )}
      </header>

      <div class="sk-banner" role="status">
        {statusLine}
      </div>

      {recordOpen && !ended && (
        <section id="sk-record-panel" class="sk-panel" aria-labelledby="sk-record-title">
          <div class="sk-panel-head">
            <h2 id="sk-record-title">{t.chatActions}</h2>
            <button type="button" class="sk-button sk-link" onClick={closeRecord}>
              {t.close}
            </button>
          </div>
          {record(true)}
        </section>
      )}

      <div
        class="sk-log"
        ref={logRef}
        role="log"
        aria-live="polite"
        aria-relevant="additions"
        aria-label={t.messagesLabel}
        // It scrolls: the keyboard must reach it to scroll it.
        tabIndex={0}
      >
        {s.items.map((i) => (
          <ItemView key={i.key} item={i} t={t} lang={p.lang} files={files} session={session} ended={ended} />
        ))}
      </div>

      <div class="sk-live" role="status">
        {s.status === 'waiting' && (
          <p class="sk-queue">
            {p.showPosition && s.position ? t.position(s.position) : t.waiting}
            {p.showPosition && s.position !== undefined && s.expectedWait !== undefined && <span class="sk-wait">{t.expectedWait(s.expectedWait)}</span>}
          </p>
        )}
        {s.status === 'waiting' && p.showPosition && s.position !== undefined && s.expectedWait === undefined && !!s.agentsOnline && (
          <p class="sk-wait-unknown">{t.waitUnknown}</p>
        )}
        {s.status === 'waiting' && s.waitingText && <p class="sk-waiting-text">{s.waitingText}</p>}
        {s.status === 'waiting' && s.agentsOnline === 0 && <p class="sk-notice">{t.noAgents}</p>}
        {s.typing && <p class="sk-typing">{t.typing(s.typing.name || t.agent)}</p>}
      </div>

      {ended && (
        <div class="sk-ended">
          <p>{t.endedNote}</p>
          {record(false)}
          <button type="button" class="sk-button sk-primary" onClick={p.onNewChat}>
            {t.newChat}
          </button>
        </div>
      )}

      {(refused.length > 0 || failedUploads) && (
        <div class="sk-refused" role="alert">
          {refused.map((r, i) => (
            <p key={i}>{r}</p>
          ))}
          {failedUploads && <p class="sk-muted">{t.fixFailedUploads}</p>}
        </div>
      )}
      {!ended && <UploadList q={uploads} t={t} lang={p.lang} />}
      <form
        class="sk-composer"
        onSubmit={(e) => {
          e.preventDefault();
          submit();
        }}
      >
        <AttachButton t={t} disabled={ended} onFiles={addFiles} />
        <label class="sk-visually-hidden" for="sk-message">
          {t.messageLabel}
        </label>
        <textarea
          id="sk-message"
          ref={inputRef}
          rows={2}
          maxLength={4000}
          placeholder={t.messagePlaceholder}
          value={text}
          disabled={ended}
          data-autofocus
          onInput={(e) => {
            setText(e.currentTarget.value);
            if (e.currentTarget.value.trim()) session.typing();
          }}
          onKeyDown={onKeyDown}
          onPaste={(e) => {
            const pasted = Array.from(e.clipboardData?.files ?? []);
            if (pasted.length === 0) return;
            if (!e.clipboardData?.getData('text/plain')) e.preventDefault();
            addFiles(pasted);
          }}
        />
        <button type="submit" class="sk-button sk-primary" disabled={!canSend}>
          {t.send}
        </button>
      </form>

      {confirming && (
        <ConfirmDialog
          title={t.confirmEndTitle}
          text={t.confirmEndText}
          confirmLabel={t.endChat}
          cancelLabel={t.cancel}
          onConfirm={confirmEnd}
          onCancel={() => setConfirming(false)}
        />
      )}
    </div>
  );
}

interface ItemProps {
  item: Item;
  t: Texts;
  lang: Lang;
  files: FileCache;
  session: ChatSession;
  ended: boolean;
}

function ItemView({ item, t, lang, files, session, ended }: ItemProps) {
  if (item.type === 'menu') return <MenuView menu={item} t={t} lang={lang} session={session} ended={ended} />;
  if (item.type === 'system') {
    let text: string;
    switch (item.kind) {
      case 'joined':
        text = t.joined(item.name || t.agent);
        break;
      case 'left':
        text = t.left(item.name || t.agent);
        break;
      default:
        text = t[item.kind];
    }
    return (
      <p class="sk-system">
        <span>{text}</span> <time dateTime={item.time}>{formatTime(item.time)}</time>
      </p>
    );
  }
  const status = item.status === 'sending' ? t.sending : item.status === 'failed' ? t.failed : '';
  return (
    <div class={`sk-msg ${item.mine ? 'sk-mine' : 'sk-theirs'} sk-${item.status}`}>
      <div class="sk-meta">
        <span class="sk-author">{item.mine ? t.you : item.authorName || t.agent}</span>{' '}
        <time dateTime={item.time}>{formatTime(item.time)}</time>
      </div>
      {item.text && <div class="sk-bubble">{item.text}</div>}
      {item.attachments && item.attachments.length > 0 && (
        <MessageFiles files={item.attachments} cache={files} t={t} lang={lang} pending={item.status !== 'sent'} />
      )}
      {status && <div class="sk-status">{status}</div>}
    </div>
  );
}

/**
 * MenuView shows a choice menu (R9): the question, and one button per
 * option in a group named by the question. Once answered (here or in
 * another window) or withdrawn, the buttons stay in the tab order but are
 * aria-disabled, so focus is not lost and a screen reader says why; the
 * chosen one is marked. A refusal from the server is shown beside it.
 */
function MenuView({ menu, t, lang, session, ended }: { menu: MenuItem; t: Texts; lang: Lang; session: ChatSession; ended: boolean }) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState('');
  const open = menu.status === 'open' && !ended && !busy;
  const questionId = `sk-menu-${menu.seq}`;
  const choose = (optionId: string) => {
    if (!open) return;
    setBusy(true);
    setError('');
    session.choose(menu.menuId, optionId).then(
      () => setBusy(false),
      (err: unknown) => {
        setBusy(false);
        setError(errorText(err, reasonTexts[lang], t.networkError));
      },
    );
  };
  const chosen = menu.options.find((o) => o.id === menu.chosen);
  return (
    <div class={`sk-msg sk-theirs sk-menu sk-menu-${menu.status}`}>
      <div class="sk-meta">
        <span class="sk-author">{menu.authorName || t.agent}</span> <time dateTime={menu.time}>{formatTime(menu.time)}</time>
      </div>
      <div class="sk-bubble" id={questionId}>
        {menu.question}
      </div>
      <div class="sk-options" role="group" aria-labelledby={questionId}>
        {menu.options.map((o) => {
          const isChosen = o.id === menu.chosen;
          return (
            <button
              key={o.id}
              type="button"
              class={isChosen ? 'sk-option sk-chosen' : 'sk-option'}
              aria-disabled={!open}
              aria-pressed={menu.status === 'answered' ? isChosen : undefined}
              onClick={() => choose(o.id)}
            >
              {o.label}
              {isChosen && <span class="sk-visually-hidden"> ({t.menuChosenMark})</span>}
            </button>
          );
        })}
      </div>
      {chosen && <p class="sk-menu-note">{t.menuChosen(chosen.label)}</p>}
      {menu.status === 'withdrawn' && <p class="sk-menu-note">{t.menuWithdrawn}</p>}
      {error && menu.status === 'open' && (
        <p class="sk-menu-note sk-error" role="alert">
          {error}
        </p>
      )}
    </div>
  );
}
