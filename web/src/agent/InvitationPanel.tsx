// An invitation into a colleague's chat (R10): who invites, their note, the
// customer and queue, the conversation so far (read-only, private messages
// marked), how long there is to answer, and Accept / Reject. Accepting turns
// the tab into the chat itself, history and all.

import { useLayoutEffect, useRef } from 'preact/hooks';
import { useTexts } from './hooks';
import { fmt } from './texts';
import { Answer } from './Answer';
import { customerLabel } from './customer';
import { inviterName } from './state';
import type { Tab } from './state';
import { MessageLog } from './MessageLog';

export interface InvitationPanelProps {
  tab: Tab;
  queue: string;
  me?: string;
  names: Record<string, string>;
  queueName: (id: string) => string;
  now: number;
  /** the newest request: the accept shortcut takes this one. */
  newest?: boolean;
  onAccept: () => void;
  onReject: () => void;
}

export function InvitationPanel({ tab, queue, me, names, queueName, now, newest, onAccept, onReject }: InvitationPanelProps) {
  const t = useTexts();
  const logRef = useRef<HTMLDivElement>(null);
  const headingId = `invitation-h-${tab.id}`;
  const customer = customerLabel(tab, t);
  const inviter = inviterName(tab);
  const note = tab.invitedBy?.note?.trim();
  const viaQueue = tab.invitedBy?.queueId;
  const transfer = !!tab.invitedBy?.transfer;

  // Show the latest lines first: what the colleague needs help with now.
  useLayoutEffect(() => {
    const el = logRef.current;
    if (el) el.scrollTop = el.scrollHeight;
  }, [tab.events.length]);

  return (
    <section class="invitation" aria-labelledby={headingId}>
      <div class="invitation-card">
        <h2 id={headingId}>{transfer ? t.transferHeading : t.invitationHeading}</h2>
        <dl class="facts">
          <dt>{transfer ? t.transferredByLabel : t.invitedByLabel}</dt>
          <dd>{inviter || '…'}</dd>
          {note && (
            <>
              <dt>{t.note}</dt>
              <dd class="note">{note}</dd>
            </>
          )}
          <dt>{t.customerLabel}</dt>
          <dd>{customer}</dd>
          <dt>{t.queue}</dt>
          <dd>{transfer && viaQueue ? queueName(viaQueue) : queue || (viaQueue ? queueName(viaQueue) : '…')}</dd>
        </dl>
        <Answer tab={tab} now={now} idPrefix="invitation" shortcut={newest} onAccept={onAccept} onReject={onReject} />
      </div>
      <div class="so-far">
        <h3>{t.soFar}</h3>
        {tab.detailsLoaded && !tab.events.some((e) => e.kind === 'message') && <p class="muted">{t.nothingYet}</p>}
        <MessageLog
          tab={{ ...tab, pending: [] }}
          me={me}
          customer={customer}
          names={names}
          queueName={queueName}
          label={fmt(t.soFarWith, { name: customer })}
          logRef={logRef}
        />
      </div>
    </section>
  );
}
