import { describe, expect, it } from 'vitest';
import { formatG, goTimeString, humanDuration, humanSize, humanSizeWithPrecision } from '../../src/images/go-format.js';

describe('formatG (Go %.Ng)', () => {
  it.each([
    [999.7, 3, '1e+03'],
    [999.5, 3, '1e+03'],
    [999.4, 3, '999'],
    [1.985484, 3, '1.99'],
    [200, 3, '200'],
    [0, 3, '0'],
    [1.5, 3, '1.5'],
    [100, 3, '100'],
    [12.5, 3, '12.5'],
    // Exactly halfway in binary: Go rounds half to even where JS toPrecision rounds up.
    [1.125, 3, '1.12'],
    [1.375, 3, '1.38'],
    [0.00001234, 3, '1.23e-05'],
    [0.0001, 3, '0.0001'],
    [123456789, 3, '1.23e+08'],
    [1e21, 3, '1e+21'],
    [-2.5, 3, '-2.5'],
    [1985.484, 4, '1985'],
    [999.7, 4, '999.7'],
  ])('%d with precision %d → %s', (x, precision, expected) => {
    expect(formatG(x, precision)).toBe(expected);
  });
});

describe('go-units sizes', () => {
  it('matches the CLI at precision 3 (Size) and 4 (HumanSize)', () => {
    expect(humanSizeWithPrecision(999_700, 3)).toBe('1e+03kB');
    expect(humanSizeWithPrecision(1_985_484, 3)).toBe('1.99MB');
    expect(humanSizeWithPrecision(200_000, 3)).toBe('200kB');
    expect(humanSizeWithPrecision(0, 3)).toBe('0B');
    expect(humanSizeWithPrecision(999, 3)).toBe('999B');
    expect(humanSizeWithPrecision(1000, 3)).toBe('1kB');
    expect(humanSizeWithPrecision(1_125, 3)).toBe('1.12kB');
    expect(humanSizeWithPrecision(7.3e12, 3)).toBe('7.3TB');
    expect(humanSize(1_985_484)).toBe('1.985MB');
    expect(humanSize(999_700)).toBe('999.7kB');
  });
});

describe('humanDuration', () => {
  const s = 1000;
  const h = 3600 * s;
  it.each([
    [0, 'Less than a second'],
    [-5 * s, 'Less than a second'],
    [999, 'Less than a second'],
    [1 * s, '1 second'],
    [59 * s, '59 seconds'],
    [60 * s, 'About a minute'],
    [119 * s, 'About a minute'],
    [120 * s, '2 minutes'],
    [59 * 60 * s, '59 minutes'],
    [60 * 60 * s, 'About an hour'],
    [89 * 60 * s, 'About an hour'],
    [90 * 60 * s, '2 hours'],
    [47 * h, '47 hours'],
    [48 * h, '2 days'],
    [335 * h, '13 days'],
    [336 * h, '2 weeks'],
    [1439 * h, '8 weeks'],
    [1440 * h, '2 months'],
    [11 * 30 * 24 * h, '11 months'],
    [17519 * h, '24 months'],
    [17520 * h, '2 years'],
  ])('%d ms → %s', (ms, expected) => {
    expect(humanDuration(ms)).toBe(expected);
  });
});

describe('goTimeString', () => {
  it('prints Go time.Time.String() without fractions', () => {
    expect(goTimeString(1_795_867_306, 'UTC')).toBe('2026-11-28 12:01:46 +0000 UTC');
    expect(goTimeString(0, 'UTC')).toBe('1970-01-01 00:00:00 +0000 UTC');
    expect(goTimeString(1_795_867_306, 'Asia/Kolkata')).toMatch(/^2026-11-28 17:31:46 \+0530 /);
    expect(goTimeString(1_795_867_306, 'America/New_York')).toBe('2026-11-28 07:01:46 -0500 EST');
  });
});
