// Ports of the Go formatting the docker CLI applies to `docker images` fields:
// fmt's `%.Ng` (strconv 'g'), go-units HumanSize / HumanDuration, and time.Time.String().
// Hand-written because JS `toPrecision` rounds ties away from zero and switches to
// exponent form at different points than Go; byte-for-byte output needs the exact rules.

/** The exact decimal expansion of a positive finite double: digits (no trailing zeros) and decimal point position. */
function exactDecimal(x: number): { digits: string; point: number } {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, x);
  const hi = view.getUint32(0);
  const lo = view.getUint32(4);
  const biased = (hi >>> 20) & 0x7ff;
  let mantissa = (BigInt(hi & 0xfffff) << 32n) | BigInt(lo);
  let exp2: number;
  if (biased === 0) {
    exp2 = -1074;
  } else {
    mantissa |= 1n << 52n;
    exp2 = biased - 1075;
  }
  let digits: string;
  let point: number;
  if (exp2 >= 0) {
    digits = (mantissa << BigInt(exp2)).toString();
    point = digits.length;
  } else {
    // m / 2^k == m * 5^k / 10^k
    digits = (mantissa * 5n ** BigInt(-exp2)).toString();
    point = digits.length + exp2;
  }
  digits = digits.replace(/0+$/, '');
  return { digits, point };
}

/** Rounds decimal digits to `n` significant digits, half to even on the exact value (as Go's strconv does). */
function roundDigits(d: { digits: string; point: number }, n: number): { digits: string; point: number } {
  if (d.digits.length <= n) return d;
  const next = d.digits.charCodeAt(n) - 48;
  const rest = d.digits.slice(n + 1);
  const last = n > 0 ? d.digits.charCodeAt(n - 1) - 48 : 0;
  const up = next > 5 || (next === 5 && (rest.length > 0 || last % 2 === 1));
  let kept = d.digits.slice(0, n);
  let point = d.point;
  if (up) {
    const bumped = (BigInt(kept || '0') + 1n).toString();
    if (bumped.length > kept.length) point += 1;
    kept = bumped;
  }
  kept = kept.replace(/0+$/, '');
  return kept === '' ? { digits: '0', point: 1 } : { digits: kept, point };
}

/** Go's `fmt.Sprintf("%.{precision}g", x)` for finite numbers. */
export function formatG(x: number, precision: number): string {
  if (Number.isNaN(x)) return 'NaN';
  if (!Number.isFinite(x)) return x > 0 ? '+Inf' : '-Inf';
  const sign = x < 0 || Object.is(x, -0) ? '-' : '';
  const prec = precision === 0 ? 1 : precision;
  if (x === 0) return `${sign}0`;
  const digs = roundDigits(exactDecimal(Math.abs(x)), prec);
  const nd = digs.digits.length;
  let eprec = prec;
  if (eprec > nd && nd >= digs.point) eprec = nd;
  const exp = digs.point - 1;
  if (exp < -4 || exp >= eprec) {
    const mant = digs.digits.length > 1 ? `${digs.digits[0]}.${digs.digits.slice(1)}` : digs.digits;
    const e = Math.abs(exp);
    return `${sign}${mant}e${exp < 0 ? '-' : '+'}${e < 10 ? `0${e}` : e}`;
  }
  if (digs.point <= 0) return `${sign}0.${'0'.repeat(-digs.point)}${digs.digits}`;
  if (digs.point >= nd) return `${sign}${digs.digits}${'0'.repeat(digs.point - nd)}`;
  return `${sign}${digs.digits.slice(0, digs.point)}.${digs.digits.slice(digs.point)}`;
}

const decimalUnits = ['B', 'kB', 'MB', 'GB', 'TB', 'PB', 'EB', 'ZB', 'YB'] as const;

/** go-units `HumanSizeWithPrecision`: powers of 1000, `%.{precision}g` and the unit, no space. */
export function humanSizeWithPrecision(size: number, precision: number): string {
  let value = size;
  let unit = 0;
  while (value >= 1000 && unit < decimalUnits.length - 1) {
    value /= 1000;
    unit++;
  }
  return `${formatG(value, precision)}${decimalUnits[unit]}`;
}

/** go-units `HumanSize` (precision 4). */
export function humanSize(size: number): string {
  return humanSizeWithPrecision(size, 4);
}

/** go-units `HumanDuration` of a duration in milliseconds (`2 minutes`, `About an hour`, `11 months`). */
export function humanDuration(ms: number): string {
  const seconds = Math.trunc(ms / 1000);
  if (seconds < 1) return 'Less than a second';
  if (seconds === 1) return '1 second';
  if (seconds < 60) return `${seconds} seconds`;
  const minutes = Math.trunc(ms / 60_000);
  if (minutes === 1) return 'About a minute';
  if (minutes < 60) return `${minutes} minutes`;
  const hours = Math.trunc(ms / 3_600_000 + 0.5);
  if (hours === 1) return 'About an hour';
  if (hours < 48) return `${hours} hours`;
  if (hours < 24 * 7 * 2) return `${Math.trunc(hours / 24)} days`;
  if (hours < 24 * 30 * 2) return `${Math.trunc(hours / 24 / 7)} weeks`;
  if (hours < 24 * 365 * 2) return `${Math.trunc(hours / 24 / 30)} months`;
  return `${Math.trunc(Math.trunc(ms / 3_600_000) / 24 / 365)} years`;
}

const pad2 = (n: number): string => String(n).padStart(2, '0');

/** Go's zone abbreviation: the tz database's letters where Intl has them (`UTC`, `CET`), else tzdata's `+hh[mm]` form. */
function zoneAbbreviation(date: Date, timeZone: string | undefined, offsetMinutes: number): string {
  const name = new Intl.DateTimeFormat('en-US', { timeZone, timeZoneName: 'short' })
    .formatToParts(date)
    .find((p) => p.type === 'timeZoneName')?.value;
  if (name !== undefined && /^[A-Z]{2,5}$/.test(name)) return name;
  if (offsetMinutes === 0) return 'UTC';
  const abs = Math.abs(offsetMinutes);
  const mm = abs % 60;
  return `${offsetMinutes < 0 ? '-' : '+'}${pad2(Math.trunc(abs / 60))}${mm ? pad2(mm) : ''}`;
}

/** Offset of `timeZone` (or the process's zone) from UTC at `date`, in minutes east. */
function offsetOf(date: Date, timeZone: string | undefined): number {
  if (timeZone === undefined) return -date.getTimezoneOffset();
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
    hour: 'numeric',
    minute: 'numeric',
    second: 'numeric',
  }).formatToParts(date);
  const get = (type: string): number => Number(parts.find((p) => p.type === type)?.value ?? 0);
  const asUtc = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second'));
  return Math.round((asUtc - Math.floor(date.getTime() / 1000) * 1000) / 60_000);
}

/**
 * Go's `time.Unix(seconds, 0).String()`: `2006-01-02 15:04:05 -0700 MST` in the local zone
 * (or `timeZone`, an IANA name). Abbreviations follow Intl, which may differ from Go's tzdata for some zones.
 */
export function goTimeString(unixSeconds: number, timeZone?: string): string {
  const date = new Date(unixSeconds * 1000);
  const offset = offsetOf(date, timeZone);
  const local = new Date(date.getTime() + offset * 60_000);
  const abs = Math.abs(offset);
  const zone = `${offset < 0 ? '-' : '+'}${pad2(Math.trunc(abs / 60))}${pad2(abs % 60)}`;
  const y = local.getUTCFullYear();
  const year = y < 0 ? `-${String(-y).padStart(4, '0')}` : String(y).padStart(4, '0');
  return (
    `${year}-${pad2(local.getUTCMonth() + 1)}-${pad2(local.getUTCDate())} ` +
    `${pad2(local.getUTCHours())}:${pad2(local.getUTCMinutes())}:${pad2(local.getUTCSeconds())} ` +
    `${zone} ${zoneAbbreviation(date, timeZone, offset)}`
  );
}
