// The chat's customer details (R6): each detail with who gave it. A detail
// the organisation's website vouched for (a token its backend signed) has a
// lock whose accessible name and tooltip say who vouched and when
// ("Verified by the website's sign-in, 10:02"); what the customer typed is
// shown plainly, never with a lock. A verified customer's earlier chats
// (the same customer id) are listed, and open in place.

import { useEffect, useState } from 'preact/hooks';
import { useTexts } from './hooks';
import { fmt } from './texts';
import type { Texts } from './texts';
import { formatClock } from './format';
import { LockIcon } from './icons';
import { apiRequest } from '../common/rest';
import type { ChatEvent, CustomerInfo, Detail, EarlierChat } from '../common/protocol';

/** detailLabel names a detail's field for people. */
export function detailLabel(d: Pick<Detail, 'field' | 'label'>, t: Texts): string {
  switch (d.field) {
    case 'name':
      return t.detailName;
    case 'email':
      return t.detailEmail;
    case 'phone':
      return t.detailPhone;
  }
  return d.label || d.field;
}

/** lockText says who vouched for a verified detail, and when. */
export function lockText(d: Pick<Detail, 'at' | 'source'>, t: Texts): string {
  return fmt(d.source === 'oidc' ? t.verifiedByProvider : t.verifiedBySignIn, { time: formatClock(d.at) });
}

/** order puts name, e-mail and phone first, then the mapped claims by label. */
function order(ds: Detail[], t: Texts): Detail[] {
  const rank = (d: Detail) => ['name', 'email', 'phone'].indexOf(d.field);
  return [...ds].sort((a, b) => {
    const ra = rank(a) < 0 ? 9 : rank(a);
    const rb = rank(b) < 0 ? 9 : rank(b);
    return ra !== rb ? ra - rb : detailLabel(a, t).localeCompare(detailLabel(b, t));
  });
}

function DetailRow({ d }: { d: Detail }) {
  const t = useTexts();
  return (
    <div class="detail">
      <dt>{detailLabel(d, t)}</dt>
      <dd>
        <span class="detail-value">{d.value}</span>
        {d.verified && (d.source === 'signed_token' || d.source === 'oidc') && (
          <span class="lock" role="img" aria-label={lockText(d, t)} title={lockText(d, t)}>
            <LockIcon />
          </span>
        )}
      </dd>
    </div>
  );
}

/** EarlierItem is one earlier chat; opened, it shows the chat's messages. */
function EarlierItem({ c, queueName }: { c: EarlierChat; queueName: (id: string) => string }) {
  const t = useTexts();
  const [events, setEvents] = useState<ChatEvent[] | null>(null);
  const [failed, setFailed] = useState(false);
  const label = fmt(t.earlierChat, { queue: queueName(c.queueId), date: new Date(c.createdAt).toLocaleDateString() });
  if (!c.readable) {
    return (
      <li>
        {label} <span class="muted">({t.earlierNotReadable})</span>
      </li>
    );
  }
  return (
    <li>
      <details
        onToggle={(e) => {
          if (!(e.currentTarget as HTMLDetailsElement).open || events) return;
          apiRequest<{ events: ChatEvent[] }>('GET', `/api/v1/chatlog/${encodeURIComponent(c.id)}`)
            .then((r) => setEvents(r.events.filter((ev) => ev.kind === 'message')))
            .catch(() => setFailed(true));
        }}
      >
        <summary>{label}</summary>
        {failed ? (
          <p class="muted">{t.detailsUnavailable}</p>
        ) : !events ? (
          <p class="muted">{t.earlierLoading}</p>
        ) : events.length === 0 ? (
          <p class="muted">{t.earlierEmpty}</p>
        ) : (
          <ol class="earlier-log">
            {events.map((ev) => (
              <li key={ev.seq}>
                <span class="muted">{ev.author?.name || (ev.author?.role === 'customer' ? t.customer : '')}:</span> {ev.text}
              </li>
            ))}
          </ol>
        )}
      </details>
    </li>
  );
}

export interface CustomerPanelProps {
  conversationId: string;
  /** reloads the details when it changes (the chat's status, a new customer). */
  version: string;
  queueName: (id: string) => string;
}

/** CustomerPanel shows the chat's customer details and earlier chats. */
export function CustomerPanel({ conversationId, version, queueName }: CustomerPanelProps) {
  const t = useTexts();
  const [info, setInfo] = useState<CustomerInfo | null>(null);
  const [failed, setFailed] = useState(false);
  useEffect(() => {
    let live = true;
    apiRequest<{ customer: CustomerInfo }>('GET', `/api/v1/conversations/${encodeURIComponent(conversationId)}/customer`)
      .then((r) => {
        if (!live) return;
        setInfo(r.customer);
        setFailed(false);
      })
      .catch(() => live && setFailed(true));
    return () => {
      live = false;
    };
  }, [conversationId, version]);
  if (failed) return null; // the chat works without it
  if (!info) return null;
  const details = order(info.details ?? [], t);
  return (
    <details class="customer-panel" open>
      <summary>{t.customerDetails}</summary>
      {details.length === 0 ? (
        <p class="muted">{t.noDetails}</p>
      ) : (
        <dl class="details">
          {details.map((d) => (
            <DetailRow key={d.field} d={d} />
          ))}
        </dl>
      )}
      {info.earlier.length > 0 && (
        <section class="earlier" aria-label={t.earlierChats}>
          <h3>{t.earlierChats}</h3>
          <ul>
            {info.earlier.map((c) => (
              <EarlierItem key={c.id} c={c} queueName={queueName} />
            ))}
          </ul>
        </section>
      )}
    </details>
  );
}
