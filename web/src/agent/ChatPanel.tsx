// A chat: its header, the message log, the customer's typing indicator, the
// notice once it is over, and the message input (Enter sends, Shift+Enter is a
// new line).

import { useEffect, useLayoutEffect, useRef, useState } from 'preact/hooks';
import { useTexts } from './hooks';
import { fmt } from './texts';
import type { Texts } from './texts';
import { formatClock } from './format';
import { canSend } from './state';
import type { Over, Tab } from './state';
import { customerLabel } from './TabBar';
import type { ChatEvent } from '../common/protocol';

export interface ChatPanelProps {
  tab: Tab;
  queue: string;
  me?: string;
  /** the agent's display name, shown on messages still on their way. */
  myName?: string;
  selected: boolean;
  now: number;
  onSend: (text: string) => void;
  onTyping: () => void;
}

/** overText says why a chat is over, from the agent's point of view. */
export function overText(over: Over, me: string | undefined, t: Texts): string {
  if (over.kind === 'left') return over.reason === 'disconnected' ? t.youDisconnected : t.youLeft;
  const by = over.by;
  if (by.role === 'customer') return t.endedByCustomer;
  if (by.role === 'agent') return by.id === me ? t.endedByYou : fmt(t.endedByAgent, { name: by.name ?? '' });
  return t.endedPlain;
}

/** systemText gives the centred line for a non-message event, or '' for none. */
export function systemText(e: ChatEvent, customer: string, t: Texts): string {
  switch (e.kind) {
    case 'started':
      return fmt(t.sysStarted, { name: e.author?.name || customer });
    case 'agent_joined':
      return fmt(t.sysJoined, { name: e.agentName ?? '' });
    case 'agent_left':
      return fmt(e.reason === 'disconnected' ? t.sysDisconnected : t.sysLeft, { name: e.agentName ?? '' });
    case 'requeued':
      return t.sysRequeued;
    case 'ended':
      if (e.author?.role === 'customer') return fmt(t.sysEnded, { name: e.author.name || customer });
      if (e.author?.role === 'agent' && e.author.name) return fmt(t.sysEnded, { name: e.author.name });
      return t.sysEndedPlain;
    default:
      return '';
  }
}

function statusText(tab: Tab, t: Texts): string {
  if (tab.status === 'ended') return t.statusEnded;
  if (tab.status === 'waiting') return t.statusWaiting;
  return t.statusActive;
}

export function ChatPanel({ tab, queue, me, myName, selected, now, onSend, onTyping }: ChatPanelProps) {
  const t = useTexts();
  const [draft, setDraft] = useState('');
  const logRef = useRef<HTMLDivElement>(null);
  const inputRef = useRef<HTMLTextAreaElement>(null);
  const stick = useRef(true);
  const customer = customerLabel(tab, t.customer);
  const enabled = canSend(tab);
  const inputId = `msg-${tab.id}`;

  // Follow new lines unless the agent has scrolled up to read.
  useLayoutEffect(() => {
    const el = logRef.current;
    if (el && stick.current) el.scrollTop = el.scrollHeight;
  }, [tab.events.length, tab.pending.length, selected]);

  // A chat that has just been accepted takes the focus the Accept button had.
  useEffect(() => {
    const active = document.activeElement;
    if (selected && enabled && (!active || active === document.body)) inputRef.current?.focus();
  }, [selected, tab.kind]);

  function submit(e?: Event) {
    e?.preventDefault();
    if (!enabled || !draft.trim()) return;
    onSend(draft);
    setDraft('');
  }

  function onKeyDown(e: KeyboardEvent) {
    if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) {
      e.preventDefault();
      submit();
    }
  }

  const typing = tab.typing && tab.typing.until > now && !tab.over;

  return (
    <section class="chat" aria-label={customer}>
      <header class="chat-head">
        <h2>{customer}</h2>
        {queue && <span class="chat-queue">{queue}</span>}
        <span class={`chat-status st-${tab.status}`}>{statusText(tab, t)}</span>
      </header>
      <div
        class="log"
        role="log"
        aria-label={fmt(t.messages, { name: customer })}
        tabIndex={0}
        ref={logRef}
        onScroll={(e) => {
          const el = e.currentTarget;
          stick.current = el.scrollHeight - el.scrollTop - el.clientHeight < 40;
        }}
      >
        {tab.events.map((e) => {
          if (e.kind !== 'message') {
            const text = systemText(e, customer, t);
            if (!text) return null;
            return (
              <p class="sys" key={e.seq}>
                <time dateTime={e.time}>{formatClock(e.time)}</time> {text}
              </p>
            );
          }
          const role = e.author?.role ?? 'system';
          const own = role === 'agent' && e.author?.id === me;
          const cls = ['msg', `msg-${role}`];
          if (own) cls.push('msg-own');
          if (e.visibility === 'agents') cls.push('msg-private');
          return (
            <div class={cls.join(' ')} key={e.seq}>
              <div class="meta">
                <span class="author">{e.author?.name || (role === 'customer' ? customer : t.system)}</span>{' '}
                <time dateTime={e.time}>{formatClock(e.time)}</time>
              </div>
              <div class="text">{e.text ?? ''}</div>
            </div>
          );
        })}
        {tab.pending.map((p) => (
          <div class={p.error ? 'msg msg-agent msg-own failed' : 'msg msg-agent msg-own pending'} key={p.clientMsgId}>
            <div class="meta">
              <span class="author">{myName || t.you}</span> <time dateTime={p.time}>{formatClock(p.time)}</time>{' '}
              <span class="state">{p.error ? fmt(t.notSent, { reason: p.error }) : p.seq === undefined ? t.sending : ''}</span>
            </div>
            <div class="text">{p.text}</div>
          </div>
        ))}
      </div>
      <div class="typing" aria-live="polite">
        {typing ? fmt(t.typing, { name: tab.typing?.name || customer }) : ''}
      </div>
      {tab.over && (
        <p class="over-notice" role="status">
          {overText(tab.over, me, t)}
        </p>
      )}
      <form class="composer" onSubmit={submit}>
        <label for={inputId} class="visually-hidden">
          {t.message}
        </label>
        <textarea
          id={inputId}
          ref={inputRef}
          rows={3}
          value={draft}
          disabled={!enabled}
          aria-describedby={`${inputId}-hint`}
          onInput={(e) => {
            setDraft(e.currentTarget.value);
            if (e.currentTarget.value.trim()) onTyping();
          }}
          onKeyDown={onKeyDown}
        />
        <span id={`${inputId}-hint`} class="visually-hidden">
          {t.inputHint}
        </span>
        <button type="submit" class="primary" disabled={!enabled || !draft.trim()}>
          {t.send}
        </button>
      </form>
    </section>
  );
}
