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

export function MessageLog({ tab, me, myName, customer, names, queueName, label, logRef, onScroll }: MessageLogProps) {
  const t = useTexts();
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
