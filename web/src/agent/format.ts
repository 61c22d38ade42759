// Time formatting for the agent desktop: clock times of messages, waiting
// times and offer countdowns. Pure functions, so they are tested without a DOM.

import { clock } from '../common/language';

function pad(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}

/** formatClock gives the local time of an ISO timestamp in the page's locale, HH:MM ("" if unparsable). */
export function formatClock(iso: string): string {
  return clock(iso);
}

/**
 * formatDuration gives a duration as m:ss, or h:mm:ss from one hour on.
 * Negative durations count as zero; parts of a second are dropped.
 */
export function formatDuration(ms: number): string {
  const total = Math.max(0, Math.floor(ms / 1000));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  return h > 0 ? `${h}:${pad(m)}:${pad(s)}` : `${m}:${pad(s)}`;
}

/** waitingTime is how long a chat has waited at `now` since queuedAt, formatted. */
export function waitingTime(queuedAt: string | undefined, now: number): string {
  if (!queuedAt) return '';
  const t = Date.parse(queuedAt);
  if (Number.isNaN(t)) return '';
  return formatDuration(now - t);
}

/** Countdown to an offer's expiry: text, seconds left and the fraction left (0..1). */
export interface Countdown {
  text: string;
  secondsLeft: number;
  fraction: number;
}

/**
 * countdown measures the time left until expiresAt. The countdown rounds up,
 * so it shows 0:01 until the last second is over, then 0:00. The fraction is
 * of the whole offer time (from offeredAt), or 1 when that is unknown.
 */
export function countdown(expiresAt: string | undefined, offeredAt: string | undefined, now: number): Countdown {
  const end = expiresAt ? Date.parse(expiresAt) : NaN;
  if (Number.isNaN(end)) return { text: '', secondsLeft: 0, fraction: 0 };
  const left = Math.max(0, end - now);
  const secondsLeft = Math.ceil(left / 1000);
  const start = offeredAt ? Date.parse(offeredAt) : NaN;
  const whole = end - start;
  const fraction = Number.isNaN(start) || whole <= 0 ? (left > 0 ? 1 : 0) : Math.min(1, left / whole);
  return { text: formatDuration(secondsLeft * 1000), secondsLeft, fraction };
}
