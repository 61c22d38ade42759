// Pure helpers of the supervisor's page: durations counted up from the
// board's times, and the watched chat's log kept in order. Unit-tested in
// board.test.ts.

import type { ChatEvent } from '../common/protocol';

/** duration formats a span in milliseconds as m:ss, or h:mm:ss from an hour on. */
export function duration(ms: number): string {
  const total = Math.max(0, Math.floor(ms / 1000));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  const ss = String(s).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${ss}` : `${m}:${ss}`;
}

/**
 * since gives the time from an instant of the board to now, as duration
 * does, or '' when the instant is absent. The board's at and the browser's
 * clock may differ: skew (the browser's now minus the board's at when it
 * came) is taken off.
 */
export function since(at: string | undefined, now: number, skew: number): string {
  if (!at) return '';
  const t = Date.parse(at);
  if (Number.isNaN(t)) return '';
  return duration(now - skew - t);
}

/** addEvent adds a stored event of the watched chat to its log: by seq, once each. */
export function addEvent(log: ChatEvent[], e: ChatEvent): ChatEvent[] {
  if (e.seq === undefined || log.some((x) => x.seq === e.seq)) return log;
  const out = [...log, e];
  out.sort((a, b) => (a.seq ?? 0) - (b.seq ?? 0));
  return out;
}
