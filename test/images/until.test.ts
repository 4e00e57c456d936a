import { describe, expect, it } from 'vitest';
import { parseGoDuration, parseUntil } from '../../src/images/until.js';

describe('parseGoDuration', () => {
  it.each([
    ['24h', 86_400_000],
    ['90m', 5_400_000],
    ['1h30m', 5_400_000],
    ['1.5h', 5_400_000],
    ['300ms', 300],
    ['2h45m10s', 9_910_000],
    ['-1h', -3_600_000],
    ['0', 0],
  ])('%s', (text, ms) => expect(parseGoDuration(text)).toBe(ms));

  it.each(['', '1', '1d', 'h', '1h 30m', '2024-01-01'])('rejects %j', (text) => expect(parseGoDuration(text)).toBeUndefined());
});

describe('parseUntil', () => {
  const now = new Date('2026-11-28T12:00:00Z');
  it('durations count back from now', () => {
    expect(parseUntil('24h', now)).toEqual({ ok: true, value: new Date('2026-11-27T12:00:00Z') });
    expect(parseUntil('1h30m', now)).toEqual({ ok: true, value: new Date('2026-11-28T10:30:00Z') });
  });
  it('dates and unix seconds', () => {
    expect(parseUntil('2024-05-01T12:00:00Z', now)).toEqual({ ok: true, value: new Date('2024-05-01T12:00:00Z') });
    expect(parseUntil('2024-05-01T12:00:00+02:00', now)).toEqual({ ok: true, value: new Date('2024-05-01T10:00:00Z') });
    expect(parseUntil('1700000000', now)).toEqual({ ok: true, value: new Date(1_700_000_000_000) });
    // No zone: local time, as docker does.
    expect(parseUntil('2024-05-01', now)).toEqual({ ok: true, value: new Date(2024, 4, 1) });
  });
  it('a bad value is a usage diagnostic with a hint', () => {
    expect(parseUntil('yesterday', now)).toEqual({
      ok: false,
      error: {
        kind: 'usage',
        message: 'invalid --until value "yesterday"',
        hint: 'Give a duration (24h, 90m, 1h30m), a date (2024-05-01, 2024-05-01T12:00:00Z) or unix seconds.',
      },
    });
  });
});
