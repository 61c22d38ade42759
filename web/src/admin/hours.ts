// The opening-hours form's model: a week of days, each closed or with one
// or more ranges, and dates that replace their weekday. toHours turns it
// into the API's OpeningHours, and says which form field each of the
// API's fields came from, so that the server's error ("hours.weekly[3].close")
// lands beside the right input.

import type { OpeningHours } from './api';

export const days = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
export type Day = (typeof days)[number];

export interface Range {
  from: string;
  to: string;
}

export interface DateRule {
  date: string;
  closed: boolean;
  from: string;
  to: string;
  note: string;
}

export interface HoursModel {
  always: boolean;
  timeZone: string;
  week: Record<Day, Range[]>; // an empty list: closed that day
  dates: DateRule[];
}

// A time input cannot say 24:00: midnight at the end of a day is 00:00 there.
const fromAPI = (close: string) => (close === '24:00' ? '00:00' : close);
const toAPI = (close: string) => (close === '00:00' ? '24:00' : close);

/** localZone is the browser's time zone, the default for new hours. */
export function localZone(): string {
  try {
    return Intl.DateTimeFormat().resolvedOptions().timeZone || 'Europe/Oslo';
  } catch {
    return 'Europe/Oslo';
  }
}

/** toModel reads a queue's hours (null: always open) into the form. */
export function toModel(h: OpeningHours | null, zone = localZone()): HoursModel {
  const week = Object.fromEntries(days.map((d) => [d, [] as Range[]])) as Record<Day, Range[]>;
  if (!h) {
    for (const d of days.slice(0, 5)) week[d] = [{ from: '08:00', to: '16:00' }];
    return { always: true, timeZone: zone, week, dates: [] };
  }
  for (const w of h.weekly ?? []) {
    if ((days as readonly string[]).includes(w.day)) week[w.day as Day].push({ from: w.open, to: fromAPI(w.close) });
  }
  for (const d of days) week[d].sort((a, b) => a.from.localeCompare(b.from));
  const dates = (h.exceptions ?? []).map((x) => ({
    date: x.date,
    closed: !x.open,
    from: x.open ?? '09:00',
    to: x.close ? fromAPI(x.close) : '13:00',
    note: x.note ?? '',
  }));
  return { always: false, timeZone: h.timeZone, week, dates };
}

/**
 * toHours writes the form as the API's hours (null: always open), and
 * fields: for each of the API's field paths, the form's field name
 * ("week.mon.0.from", "dates.1.date").
 */
export function toHours(m: HoursModel): { hours: OpeningHours | null; fields: Record<string, string> } {
  const fields: Record<string, string> = { 'hours.timeZone': 'timeZone' };
  if (m.always) return { hours: null, fields };
  const weekly: OpeningHours['weekly'] = [];
  for (const d of days) {
    m.week[d].forEach((r, i) => {
      const n = weekly.length;
      fields[`hours.weekly[${n}].open`] = `week.${d}.${i}.from`;
      fields[`hours.weekly[${n}].close`] = `week.${d}.${i}.to`;
      fields[`hours.weekly[${n}].day`] = `week.${d}.${i}.from`;
      weekly.push({ day: d, open: r.from, close: toAPI(r.to) });
    });
  }
  const exceptions = m.dates.map((x, i) => {
    for (const f of ['date', 'open', 'close', 'note']) {
      fields[`hours.exceptions[${i}].${f}`] = `dates.${i}.${f === 'open' ? 'from' : f === 'close' ? 'to' : f}`;
    }
    return x.closed
      ? { date: x.date, ...(x.note.trim() ? { note: x.note.trim() } : {}) }
      : { date: x.date, open: x.from, close: toAPI(x.to), ...(x.note.trim() ? { note: x.note.trim() } : {}) };
  });
  return { hours: { timeZone: m.timeZone, weekly, exceptions }, fields };
}

/** zones lists the IANA time zones the browser knows, with the given one in it. */
export function zones(current: string): string[] {
  let all: string[] = [];
  try {
    const intl = Intl as unknown as { supportedValuesOf?: (k: string) => string[] };
    all = intl.supportedValuesOf?.('timeZone') ?? [];
  } catch {
    all = [];
  }
  if (all.length === 0) all = ['UTC', 'Europe/Oslo', 'Europe/Stockholm', 'Europe/Copenhagen', 'Europe/Helsinki', 'Europe/London', 'America/New_York'];
  return all.includes(current) ? all : [current, ...all];
}
