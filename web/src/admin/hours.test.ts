import { describe, expect, it } from 'vitest';
import type { OpeningHours } from './api';
import { toHours, toModel } from './hours';

const hours: OpeningHours = {
  timeZone: 'Europe/Oslo',
  weekly: [
    { day: 'tue', open: '08:00', close: '16:00' },
    { day: 'mon', open: '17:00', close: '24:00' },
    { day: 'mon', open: '08:00', close: '12:00' },
  ],
  exceptions: [{ date: '2026-12-24', open: '09:00', close: '13:00', note: 'Christmas Eve' }, { date: '2026-12-25' }],
};

describe('opening hours form', () => {
  it('reads hours into days and dates, midnight as 00:00', () => {
    const m = toModel(hours);
    expect(m.always).toBe(false);
    expect(m.week.mon).toEqual([{ from: '08:00', to: '12:00' }, { from: '17:00', to: '00:00' }]);
    expect(m.week.sun).toEqual([]);
    expect(m.dates[1]).toEqual({ date: '2026-12-25', closed: true, from: '09:00', to: '13:00', note: '' });
  });
  it('writes them back as the API has them', () => {
    const { hours: h } = toHours(toModel(hours));
    expect(h).toEqual({
      timeZone: 'Europe/Oslo',
      weekly: [
        { day: 'mon', open: '08:00', close: '12:00' },
        { day: 'mon', open: '17:00', close: '24:00' },
        { day: 'tue', open: '08:00', close: '16:00' },
      ],
      exceptions: [{ date: '2026-12-24', open: '09:00', close: '13:00', note: 'Christmas Eve' }, { date: '2026-12-25' }],
    });
  });
  it("maps the server's fields to the form's", () => {
    const { fields } = toHours(toModel(hours));
    expect(fields['hours.weekly[1].close']).toBe('week.mon.1.to');
    expect(fields['hours.weekly[2].open']).toBe('week.tue.0.from');
    expect(fields['hours.exceptions[1].date']).toBe('dates.1.date');
    expect(fields['hours.timeZone']).toBe('timeZone');
  });
  it('is always open without hours, with office hours ready to switch to', () => {
    const m = toModel(null, 'UTC');
    expect(m.always).toBe(true);
    expect(m.week.fri).toEqual([{ from: '08:00', to: '16:00' }]);
    expect(toHours(m).hours).toBeNull();
  });
});
