// An offer: what the chat is, how long the customer has waited, how long the
// agent has to answer, and Accept / Reject.

import { useTexts } from './hooks';
import { countdown, waitingTime } from './format';
import { customerLabel } from './TabBar';
import type { Tab } from './state';

export interface OfferPanelProps {
  tab: Tab;
  queue: string;
  now: number;
  onAccept: () => void;
  onReject: () => void;
}

export function OfferPanel({ tab, queue, now, onAccept, onReject }: OfferPanelProps) {
  const t = useTexts();
  const cd = countdown(tab.expiresAt, tab.offeredAt, Math.max(now, Date.now())); // now may be up to a tick old
  const headingId = `offer-h-${tab.id}`;
  const urgent = cd.secondsLeft <= 10;
  // What the customer wrote while waiting helps decide quickly.
  const latest = [...tab.events].reverse().find((e) => e.kind === 'message' && e.author?.role === 'customer');
  return (
    <section class="offer" aria-labelledby={headingId}>
      <h2 id={headingId}>{t.offerHeading}</h2>
      <dl class="facts">
        <dt>{t.queue}</dt>
        <dd>{queue || '…'}</dd>
        <dt>{t.name}</dt>
        <dd>{customerLabel(tab, t.customer)}</dd>
        <dt>{t.waiting}</dt>
        <dd class="num">{waitingTime(tab.queuedAt, now) || '…'}</dd>
        {latest && (
          <>
            <dt>{t.latestMessage}</dt>
            <dd class="preview">{latest.text ?? ''}</dd>
          </>
        )}
      </dl>
      {tab.expiresAt && (
        <div class={urgent ? 'countdown urgent' : 'countdown'}>
          <span id={`offer-left-${tab.id}`}>{t.timeLeft}</span>
          <span class="num">{cd.text}</span>
          <progress
            aria-labelledby={`offer-left-${tab.id}`}
            aria-valuetext={cd.text}
            max={100}
            value={Math.round(cd.fraction * 100)}
          />
        </div>
      )}
      <div class="actions">
        <button type="button" class="primary" disabled={tab.answering} onClick={onAccept}>
          {t.accept}
        </button>
        <button type="button" disabled={tab.answering} onClick={onReject}>
          {t.reject}
        </button>
      </div>
    </section>
  );
}
