// The chat header's line about the customer's presence: "Kari left the
// chat" while the customer is gone, "Kari is back" for a little while after
// the customer returns. It is a status region, so a screen reader says it
// when it changes (a live region without the status role: the panel's
// status is its over notice).

import { useTexts } from './hooks';
import { fmt } from './texts';
import type { Tab } from './state';

/** backShowMs is how long "is back" shows after the customer returned. */
export const backShowMs = 15000;

/** presenceLine gives the line for the tab at now, or "". */
export function presenceLine(tab: Tab, customer: string, now: number, t: { customerLeft: string; customerBack: string }): string {
  if (tab.over) return '';
  if (tab.customer === 'left') return fmt(t.customerLeft, { name: customer });
  const last = [...tab.events].reverse().find((e) => e.kind === 'customer_left' || e.kind === 'customer_returned');
  if (last?.kind === 'customer_returned' && now - Date.parse(last.time) < backShowMs) return fmt(t.customerBack, { name: customer });
  return '';
}

export function PresenceLine({ tab, customer, now }: { tab: Tab; customer: string; now: number }) {
  const t = useTexts();
  const text = presenceLine(tab, customer, now, t);
  return (
    <p class={tab.customer === 'left' ? 'presence-line away' : 'presence-line'} aria-live="polite">
      {text}
    </p>
  );
}
