// The privacy settings' rules, as the privacy page applies them before it
// asks the server: how long a queue's chats are kept, and whether a change
// deletes chats that were kept until now (which the page confirms first).

import type { Privacy } from './api';

/** Retention is how long chats are kept: for all queues, and for those that differ. */
export type Retention = Pick<Privacy, 'retentionDays' | 'queueRetentionDays'>;

/** keptDays is how long a queue's ended chats are kept (0: until erased). */
export function keptDays(r: Retention, queue: string): number {
  return r.queueRetentionDays[queue] ?? r.retentionDays;
}

/** shorter reports whether a chat kept for before days is kept for less time at after days (0 is for ever). */
function shorter(before: number, after: number): boolean {
  return after > 0 && (before === 0 || after < before);
}

/**
 * shortens lists what a change keeps for less time than before, so that the
 * retention job deletes older chats of it: the queues with a time of their
 * own (before or after the change) by id, and the empty id for the chats
 * kept by the general time.
 */
export function shortens(before: Retention, after: Retention): string[] {
  const own = [...new Set([...Object.keys(before.queueRetentionDays), ...Object.keys(after.queueRetentionDays)])];
  const out = shorter(before.retentionDays, after.retentionDays) ? [''] : [];
  return [...out, ...own.filter((q) => shorter(keptDays(before, q), keptDays(after, q)))];
}
