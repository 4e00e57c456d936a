// `--until` values as docker takes them (moby api/types/time GetTimestamp): a Go duration
// counted back from now (`24h`, `90m`, `1h30m`), unix seconds, or a date (local time unless a zone is given).
import { diagnostic, type Diagnostic } from '../diagnostics/diagnostic.js';
import { fail, ok, type Result } from '../util/result.js';

const unitMs: Readonly<Record<string, number>> = {
  ns: 1e-6,
  us: 1e-3,
  µs: 1e-3,
  μs: 1e-3,
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
};

/** Go's `time.ParseDuration`, in milliseconds; undefined when `text` is not a duration. */
export function parseGoDuration(text: string): number | undefined {
  const match = /^([-+]?)((?:(?:\d+\.?\d*|\.\d+)[a-zµμ]+)+|0)$/.exec(text);
  if (!match) return undefined;
  const [, sign, body = ''] = match;
  if (body === '0') return 0;
  let total = 0;
  for (const [, value = '', unit = ''] of body.matchAll(/(\d+\.?\d*|\.\d+)([a-zµμ]+)/g)) {
    const scale = unitMs[unit];
    if (scale === undefined) return undefined;
    total += Number(value) * scale;
  }
  return sign === '-' ? -total : total;
}

const dateForm = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(\.\d+)?)?)?(Z|[-+]\d{2}:\d{2})?$/;

function parseDate(text: string): Date | undefined {
  const m = dateForm.exec(text);
  if (!m) return undefined;
  const [, y, mo, d, h = '0', mi = '0', s = '0', frac = '', zone] = m;
  const ms = Math.round(Number(frac || '0') * 1000);
  const fields = [Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s), ms] as const;
  if (zone === undefined) return new Date(...fields);
  const utc = Date.UTC(...fields);
  if (zone === 'Z') return new Date(utc);
  const sign = zone.startsWith('-') ? -1 : 1;
  const offset = sign * (Number(zone.slice(1, 3)) * 60 + Number(zone.slice(4, 6)));
  return new Date(utc - offset * 60_000);
}

/** Parses an `--until` value into the instant images must be created before. */
export function parseUntil(text: string, now: Date): Result<Date, Diagnostic> {
  const trimmed = text.trim();
  const duration = parseGoDuration(trimmed);
  if (duration !== undefined) return ok(new Date(now.getTime() - duration));
  if (/^\d+(\.\d+)?$/.test(trimmed)) return ok(new Date(Number(trimmed) * 1000));
  const date = parseDate(trimmed);
  if (date !== undefined && !Number.isNaN(date.getTime())) return ok(date);
  return fail(
    diagnostic('usage', `invalid --until value "${text}"`, {
      hint: 'Give a duration (24h, 90m, 1h30m), a date (2024-05-01, 2024-05-01T12:00:00Z) or unix seconds.',
    }),
  );
}
