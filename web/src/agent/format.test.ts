import { describe, expect, it } from 'vitest';
import { countdown, formatClock, formatDuration, waitingTime } from './format';

describe('formatDuration', () => {
  const cases: [number, string][] = [
    [0, '0:00'],
    [999, '0:00'],
    [1000, '0:01'],
    [59_000, '0:59'],
    [61_000, '1:01'],
    [600_000, '10:00'],
    [3_599_000, '59:59'],
    [3_600_000, '1:00:00'],
    [3_725_000, '1:02:05'],
    [-5000, '0:00'],
  ];
  for (const [ms, want] of cases) {
    it(`${ms} ms is ${want}`, () => expect(formatDuration(ms)).toBe(want));
  }
});

describe('waitingTime', () => {
  const t0 = Date.parse('2026-11-25T10:00:00Z');
  it('counts from queuedAt', () => expect(waitingTime('2026-11-25T10:00:00Z', t0 + 83_500)).toBe('1:23'));
  it('is empty without a time', () => expect(waitingTime(undefined, t0)).toBe(''));
  it('is empty for a bad time', () => expect(waitingTime('soon', t0)).toBe(''));
});

describe('countdown', () => {
  const offered = '2026-11-25T10:00:00Z';
  const expires = '2026-11-25T10:00:30Z';
  const t0 = Date.parse(offered);
  it('starts full', () => expect(countdown(expires, offered, t0)).toEqual({ text: '0:30', secondsLeft: 30, fraction: 1 }));
  it('rounds up part seconds', () => expect(countdown(expires, offered, t0 + 20_500)).toMatchObject({ text: '0:10', secondsLeft: 10 }));
  it('goes down with time', () => expect(countdown(expires, offered, t0 + 15_000).fraction).toBeCloseTo(0.5));
  it('stops at zero', () => expect(countdown(expires, offered, t0 + 40_000)).toEqual({ text: '0:00', secondsLeft: 0, fraction: 0 }));
  it('is full without a start', () => expect(countdown(expires, undefined, t0).fraction).toBe(1));
  it('is empty without an end', () => expect(countdown(undefined, offered, t0).text).toBe(''));
});

describe('formatClock', () => {
  it('gives HH:MM in local time', () => {
    const d = new Date(2026, 10, 25, 9, 5, 30);
    expect(formatClock(d.toISOString())).toBe('09:05');
  });
  it('is empty for a bad time', () => expect(formatClock('x')).toBe(''));
});
