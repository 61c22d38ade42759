// An offer: what the chat is, how long the customer has waited, how long the
// agent has to answer, and Accept / Reject.

import { useTexts } from './hooks';
import { waitingTime } from './format';
import { Answer } from './Answer';
import { customerLabel } from './customer';
import type { Tab } from './state';

export interface OfferPanelProps {
  tab: Tab;
  queue: string;
  now: number;
  /** the newest request: the accept shortcut takes this one. */
  newest?: boolean;
  onAccept: () => void;
  onReject: () => void;
}

export function OfferPanel({ tab, queue, now, newest, onAccept, onReject }: OfferPanelProps) {
  const t = useTexts();
  const headingId = `offer-h-${tab.id}`;
  // What the customer wrote while waiting helps decide quickly.
  const latest = [...tab.events].reverse().find((e) => e.kind === 'message' && e.author?.role === 'customer');
  return (
    <section class="offer" aria-labelledby={headingId}>
      <h2 id={headingId}>{t.offerHeading}</h2>
      <dl class="facts">
        <dt>{t.queue}</dt>
        <dd>{queue || '…'}</dd>
        <dt>{t.name}</dt>
        <dd>{customerLabel(tab, t)}</dd>
        <dt>{t.waiting}</dt>
        <dd class="num">{waitingTime(tab.queuedAt, now) || '…'}</dd>
        {latest && (
          <>
            <dt>{t.latestMessage}</dt>
            <dd class="preview">{latest.text ?? ''}</dd>
          </>
        )}
      </dl>
      <Answer tab={tab} now={now} idPrefix="offer" shortcut={newest} onAccept={onAccept} onReject={onReject} />
    </section>
  );
}
