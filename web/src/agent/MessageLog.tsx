// The lines of a chat log: messages (the customer's on the left, agents' on
// the right, private ones marked with an eye and another colour, R11), system
// lines, and the agent's own messages still on their way. Used by the chat
// and, read-only, by the invitation tab ("the conversation so far").

import type { Ref } from 'preact';
import { useTexts } from './hooks';
import { fmt } from './texts';
import { formatClock } from './format';
import { systemText } from './lines';
import type { Tab } from './state';
import { EyeIcon } from './icons';
import { MessageFiles } from './Files';
import type { ChatEvent } from '../common/protocol';

export interface MessageLogProps {
  tab: Tab;
  me?: string;
  /** the agent's display name, shown on messages still on their way. */
  myName?: string;
  customer: string;
  names: Record<string, string>;
  queueName: (id: string) => string;
  label: string;
  logRef?: Ref<HTMLDivElement>;
  onScroll?: (el: HTMLDivElement) => void;
  /** withdraws an open menu; absent where the log is read only. */
  onWithdrawMenu?: (menuId: string) => void;
}

/** MenuAnswer is how a menu of the log ended: the choice, or its withdrawal. */
export interface MenuAnswer {
  chosen?: { optionId: string; label: string };
  withdrawn?: boolean;
}

/** menuAnswers reads each menu's answer from a log: its choice or withdrawal, by menu id. */
export function menuAnswers(events: ChatEvent[]): Map<string, MenuAnswer> {
  const out = new Map<string, MenuAnswer>();
  for (const e of events) {
    if (!e.menuId) continue;
    if (e.kind === 'choice') out.set(e.menuId, { chosen: { optionId: e.optionId ?? '', label: e.text ?? '' } });
    else if (e.kind === 'menu_withdrawn') out.set(e.menuId, { withdrawn: true });
  }
  return out;
}

/** PrivateMark is the eye beside the author's name of a private message. */
export function PrivateMark() {
  const t = useTexts();
  return (
    <span class="private-mark" role="img" aria-label={t.privateMarker} title={t.privateTooltip}>
      <EyeIcon />
    </span>
  );
}

export function MessageLog({ tab, me, myName, customer, names, queueName, label, logRef, onScroll, onWithdrawMenu }: MessageLogProps) {
  const t = useTexts();
  const answers = menuAnswers(tab.events);
  return (
    <div
      class="log"
      role="log"
      aria-label={label}
      tabIndex={0}
      ref={logRef}
      onScroll={onScroll && ((e) => onScroll(e.currentTarget))}
    >
      {tab.events.map((e) => {
        if (e.kind === 'menu') {
          const a = answers.get(e.menuId ?? '');
          const open = !a && !tab.over;
          return (
            <div class={e.author?.id === me ? 'msg msg-agent msg-own msg-menu' : 'msg msg-agent msg-menu'} key={e.seq} role="group" aria-label={fmt(t.menuOffered, { name: e.author?.name || t.aColleague })}>
              <div class="meta">
                <span class="author">{fmt(t.menuOffered, { name: e.author?.name || t.aColleague })}</span>{' '}
                <time dateTime={e.time}>{formatClock(e.time)}</time>
              </div>
              <div class="question">{e.text}</div>
              <ul>
                {(e.options ?? []).map((o) => {
                  const chosen = a?.chosen?.optionId === o.id;
                  return (
                    <li key={o.id} class={chosen ? 'chosen' : undefined}>
                      {o.label}
                      {chosen && <span class="visually-hidden"> ({t.chosenMark})</span>}
                    </li>
                  );
                })}
              </ul>
              <div class="menu-state">
                {a?.chosen ? (
                  <span>{fmt(t.menuChose, { name: customer, label: a.chosen.label })}</span>
                ) : a?.withdrawn ? (
                  <span>{t.menuWithdrawnState}</span>
                ) : (
                  <span>{fmt(t.menuWaiting, { name: customer })}</span>
                )}
                {open && onWithdrawMenu && (
                  <button
                    type="button"
                    class="small"
                    aria-label={fmt(t.withdrawMenuNamed, { question: e.text ?? '' })}
                    onClick={() => onWithdrawMenu(e.menuId ?? '')}
                  >
                    {t.withdrawMenu}
                  </button>
                )}
              </div>
            </div>
          );
        }
        if (e.kind === 'choice') {
          // The customer's answer, set apart from text: "Kari chose: Upgrade my plan".
          return (
            <p class="choice-line" key={e.seq}>
              <time dateTime={e.time}>{formatClock(e.time)}</time> {fmt(t.menuChose, { name: e.author?.name || customer, label: e.text ?? '' })}
            </p>
          );
        }
        if (e.kind === 'menu_withdrawn') {
          return (
            <p class="sys" key={e.seq}>
              <time dateTime={e.time}>{formatClock(e.time)}</time> {fmt(t.sysMenuWithdrawn, { name: e.author?.name || t.aColleague })}
            </p>
          );
        }
        if (e.kind !== 'message') {
          const text = systemText(e, { customer, names, queueName, me }, t);
          if (!text) return null;
          return (
            <p class="sys" key={e.seq}>
              <time dateTime={e.time}>{formatClock(e.time)}</time> {text}
            </p>
          );
        }
        const role = e.author?.role ?? 'system';
        const own = role === 'agent' && e.author?.id === me;
        const priv = e.visibility === 'agents';
        const cls = ['msg', `msg-${role}`];
        if (own) cls.push('msg-own');
        if (priv) cls.push('msg-private');
        return (
          <div class={cls.join(' ')} key={e.seq}>
            <div class="meta">
              <span class="author">{e.author?.name || (role === 'customer' ? customer : t.system)}</span>
              {role === 'supervisor' && <> <span class="tag">{t.supervisorTag}</span></>}
              {priv && <PrivateMark />} <time dateTime={e.time}>{formatClock(e.time)}</time>
            </div>
            {e.text && <div class="text">{e.text}</div>}
            {e.attachments && e.attachments.length > 0 && <MessageFiles conversationId={tab.id} files={e.attachments} />}
          </div>
        );
      })}
      {tab.pending.map((p) => {
        const cls = ['msg', 'msg-agent', 'msg-own', p.error ? 'failed' : 'pending'];
        if (p.private) cls.push('msg-private');
        return (
          <div class={cls.join(' ')} key={p.clientMsgId}>
            <div class="meta">
              <span class="author">{myName || t.you}</span>
              {p.private && <PrivateMark />} <time dateTime={p.time}>{formatClock(p.time)}</time>{' '}
              <span class="state">{p.error ? fmt(t.notSent, { reason: p.error }) : p.seq === undefined ? t.sending : ''}</span>
            </div>
            {p.text && <div class="text">{p.text}</div>}
            {p.attachments && p.attachments.length > 0 && <MessageFiles conversationId={tab.id} files={p.attachments} pending />}
          </div>
        );
      })}
    </div>
  );
}
