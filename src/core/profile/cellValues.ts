// Reading cell values straight from bytes: numbers, ISO dates, booleans, number-like text. No strings are
// built on the hot path; the rare number the fast path cannot do exactly falls back to Number(text).

const POW10 = new Float64Array(23);
for (let i = 0, p = 1; i < 23; i++, p *= 10) POW10[i] = p;

const TWO_53 = 9007199254740992;

/** Set by parseNumber: the last parsed number was written as an integer (no point, no exponent). */
export let parsedInteger = false;

function slowNumber(buf: Uint8Array, s: number, e: number): number {
  let t = '';
  for (let i = s; i < e; i++) t += String.fromCharCode(buf[i]!);
  return Number(t);
}

/**
 * Parses [+-]digits[.digits][e[+-]digits] in buf[s..e) (no white space); NaN when it is not a number.
 * Exact (correctly rounded) through the classic fast path: an integer mantissa below 2^53 scaled by a
 * power of ten up to 1e22 is one correctly rounded IEEE operation; anything else goes through Number().
 */
export function parseNumber(buf: Uint8Array, s: number, e: number): number {
  let p = s;
  let neg = false;
  let b = buf[p]!;
  if (b === 45) {
    neg = true;
    p++;
  } else if (b === 43) p++;
  let mant = 0;
  let sawDigit = false;
  let exp10 = 0;
  let integer = true;
  while (p < e) {
    const dg = buf[p]! - 48;
    if (dg < 0 || dg > 9) break;
    mant = mant * 10 + dg;
    sawDigit = true;
    p++;
  }
  if (p < e && buf[p] === 46) {
    integer = false;
    p++;
    while (p < e) {
      const dg = buf[p]! - 48;
      if (dg < 0 || dg > 9) break;
      mant = mant * 10 + dg;
      exp10--;
      sawDigit = true;
      p++;
    }
  }
  if (!sawDigit) return NaN;
  if (p < e) {
    b = buf[p]!;
    if (b !== 101 && b !== 69) return NaN;
    integer = false;
    p++;
    let eneg = false;
    if (p < e && (buf[p] === 45 || buf[p] === 43)) {
      eneg = buf[p] === 45;
      p++;
    }
    let ev = 0;
    let expDigits = false;
    while (p < e) {
      const dg = buf[p]! - 48;
      if (dg < 0 || dg > 9) return NaN;
      if (ev < 100000) ev = ev * 10 + dg;
      expDigits = true;
      p++;
    }
    if (!expDigits) return NaN;
    exp10 += eneg ? -ev : ev;
  }
  parsedInteger = integer;
  let v: number;
  if (mant >= TWO_53) v = slowNumber(buf, s, e);
  else if (exp10 === 0) v = neg ? -mant : mant;
  else if (exp10 < 0 && exp10 >= -22) v = (neg ? -mant : mant) / POW10[-exp10]!;
  else if (exp10 > 0 && exp10 <= 22) v = (neg ? -mant : mant) * POW10[exp10]!;
  else v = slowNumber(buf, s, e);
  return v;
}

function digits(buf: Uint8Array, s: number, n: number): number {
  let v = 0;
  for (let i = s; i < s + n; i++) {
    const dg = buf[i]! - 48;
    if (dg < 0 || dg > 9) return -1;
    v = v * 10 + dg;
  }
  return v;
}

function isDigit(b: number | undefined): boolean {
  return b !== undefined && b >= 48 && b <= 57;
}

/** Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's days_from_civil). */
function daysFromCivil(y: number, m: number, d: number): number {
  y -= m <= 2 ? 1 : 0;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

const DAYS_IN_MONTH = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function validDate(y: number, m: number, d: number): boolean {
  if (m < 1 || m > 12 || d < 1 || d > DAYS_IN_MONTH[m - 1]!) return false;
  return !(m === 2 && d === 29 && !(y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0)));
}

/** Reads 1 or 2 digits at p; returns the value and advances through `cursor[0]`, or -1. */
function oneOrTwo(buf: Uint8Array, cursor: Int32Array, e: number): number {
  const p = cursor[0]!;
  if (p >= e || !isDigit(buf[p])) return -1;
  if (p + 1 < e && isDigit(buf[p + 1])) {
    cursor[0] = p + 2;
    return (buf[p]! - 48) * 10 + (buf[p + 1]! - 48);
  }
  cursor[0] = p + 1;
  return buf[p]! - 48;
}

const cursor = new Int32Array(1);

/**
 * ISO-like dates and datetimes in buf[s..e): YYYY-MM-DD or YYYY/MM/DD, then optionally a 'T' or space,
 * HH:MM[:SS[.fff]], and Z or ±hh[:mm]. Returns epoch milliseconds (no zone = UTC), NaN when not a date.
 */
export function parseIsoDate(buf: Uint8Array, s: number, e: number): number {
  return readIsoDate(buf, s, e) ? isoDateOut[0]! : NaN;
}

/** parseIsoDate's value, left by readIsoDate. */
export const isoDateOut = new Float64Array(1);

/**
 * parseIsoDate for the hot path: true when buf[s..e) is a date, its epoch milliseconds then in isoDateOut.
 * A date comes back through memory because a double returned from a call that is not inlined is allocated.
 */
export function readIsoDate(buf: Uint8Array, s: number, e: number): boolean {
  const n = e - s;
  // The layouts nearly every date column uses; anything else (or invalid) takes the general reader.
  if ((n === 10 || n === 19) && fixedIsoDate(buf, s, n)) return true;
  const ms = generalIsoDate(buf, s, e);
  isoDateOut[0] = ms;
  return ms === ms;
}

function generalIsoDate(buf: Uint8Array, s: number, e: number): number {
  const n = e - s;
  if (n < 8) return NaN;
  const y = digits(buf, s, 4);
  if (y < 0) return NaN;
  const sep = buf[s + 4];
  if (sep !== 45 && sep !== 47) return NaN;
  cursor[0] = s + 5;
  const mo = oneOrTwo(buf, cursor, e);
  if (mo < 0 || buf[cursor[0]!] !== sep) return NaN;
  cursor[0]!++;
  const d = oneOrTwo(buf, cursor, e);
  if (d < 0 || !validDate(y, mo, d)) return NaN;
  let p = cursor[0]!;
  let ms = daysFromCivil(y, mo, d) * 86400000;
  if (p === e) return ms;
  const t = buf[p];
  if (t !== 84 && t !== 32 && t !== 116) return NaN;
  p++;
  const hh = digits(buf, p, 2);
  if (hh < 0 || hh > 24 || buf[p + 2] !== 58) return NaN;
  const mi = digits(buf, p + 3, 2);
  if (mi < 0 || mi > 59 || p + 5 > e) return NaN;
  p += 5;
  let sec = 0;
  let frac = 0;
  if (p < e && buf[p] === 58) {
    sec = digits(buf, p + 1, 2);
    if (sec < 0 || sec > 60 || p + 3 > e) return NaN;
    p += 3;
    if (p < e && (buf[p] === 46 || buf[p] === 44)) {
      p++;
      let scale = 100;
      const start = p;
      while (p < e && isDigit(buf[p])) {
        frac += (buf[p]! - 48) * scale;
        scale /= 10;
        p++;
      }
      if (p === start) return NaN;
    }
  }
  ms += hh * 3600000 + mi * 60000 + sec * 1000 + Math.floor(frac);
  if (p === e) return ms;
  const z = buf[p];
  if ((z === 90 || z === 122) && p + 1 === e) return ms;
  if (z !== 43 && z !== 45) return NaN;
  const oh = digits(buf, p + 1, 2);
  if (oh < 0 || oh > 18) return NaN;
  p += 3;
  let om = 0;
  if (p < e) {
    if (buf[p] === 58) p++;
    om = digits(buf, p, 2);
    if (om < 0 || p + 2 !== e) return NaN;
  }
  const offset = (oh * 60 + om) * 60000;
  return z === 43 ? ms - offset : ms + offset;
}

/** Two ASCII digits at p as a number, or a negative number when either is not a digit. */
function twoDigits(buf: Uint8Array, p: number): number {
  const a = buf[p]! - 48;
  const b = buf[p + 1]! - 48;
  return a >>> 0 > 9 || b >>> 0 > 9 ? -1 : a * 10 + b;
}

/**
 * YYYY-MM-DD (n = 10) or YYYY-MM-DD[T ]HH:MM:SS (n = 19) at fixed offsets: true with the value the general
 * reader gives in isoDateOut, or false to let that reader decide.
 */
function fixedIsoDate(buf: Uint8Array, s: number, n: number): boolean {
  const c = twoDigits(buf, s);
  const y2 = twoDigits(buf, s + 2);
  if (c < 0 || y2 < 0 || buf[s + 4] !== 45 || buf[s + 7] !== 45) return false;
  const y = c * 100 + y2;
  const mo = twoDigits(buf, s + 5);
  const d = twoDigits(buf, s + 8);
  if (y < 1 || mo < 0 || d < 0 || !validDate(y, mo, d)) return false;
  // daysFromCivil with integer division, exact here since the year is positive.
  const yy = mo <= 2 ? y - 1 : y;
  const era = (yy / 400) | 0;
  const yoe = yy - era * 400;
  const doy = (((153 * (mo > 2 ? mo - 3 : mo + 9) + 2) / 5) | 0) + d - 1;
  const ms = (era * 146097 + yoe * 365 + ((yoe / 4) | 0) - ((yoe / 100) | 0) + doy - 719468) * 86400000;
  if (n === 10) {
    isoDateOut[0] = ms;
    return true;
  }
  const t = buf[s + 10];
  if ((t !== 84 && t !== 32 && t !== 116) || buf[s + 13] !== 58 || buf[s + 16] !== 58) return false;
  const hh = twoDigits(buf, s + 11);
  const mi = twoDigits(buf, s + 14);
  const sec = twoDigits(buf, s + 17);
  if (hh < 0 || hh > 24 || mi < 0 || mi > 59 || sec < 0 || sec > 60) return false;
  isoDateOut[0] = ms + (hh * 3600000 + mi * 60000 + sec * 1000);
  return true;
}

/** Dates in other common layouts: MM/DD/YYYY, DD/MM/YYYY, DD.MM.YYYY, DD-MM-YYYY (optionally a time after). */
export function isOtherDate(buf: Uint8Array, s: number, e: number): boolean {
  if (e - s < 8) return false;
  cursor[0] = s;
  const a = oneOrTwo(buf, cursor, e);
  const sep = buf[cursor[0]!];
  if (a < 1 || (sep !== 47 && sep !== 46 && sep !== 45)) return false;
  cursor[0]!++;
  const b = oneOrTwo(buf, cursor, e);
  if (b < 1 || buf[cursor[0]!] !== sep) return false;
  const p = cursor[0]! + 1;
  if (p + 4 > e || digits(buf, p, 4) < 0) return false;
  if (p + 4 < e && buf[p + 4] !== 32 && buf[p + 4] !== 84) return false;
  return (a <= 12 && b <= 31) || (a <= 31 && b <= 12);
}

// Boolean words, lower-cased; bit i of a column's mask records that word i was seen.
const BOOLEAN_WORDS = ['true', 'false', 'yes', 'no', 't', 'f', 'y', 'n'];
const BOOLEAN_CODES = BOOLEAN_WORDS.map((w) => Array.from(w, (c) => c.charCodeAt(0)));

/** Bit of the boolean word in buf[s..e) (case-insensitive), or 0. */
export function booleanBit(buf: Uint8Array, s: number, e: number): number {
  const n = e - s;
  if (n > 5) return 0;
  // Every word starts with t, f, y or n: most short text leaves here.
  const c = buf[s]! | 0x20;
  if (c !== 116 && c !== 102 && c !== 121 && c !== 110) return 0;
  for (let w = 0; w < BOOLEAN_CODES.length; w++) {
    const code = BOOLEAN_CODES[w]!;
    if (code.length !== n) continue;
    let ok = true;
    for (let i = 0; i < n; i++) {
      if ((buf[s + i]! | 0x20) !== code[i]) {
        ok = false;
        break;
      }
    }
    if (ok) return 1 << w;
  }
  return 0;
}

const numberLike = new Uint8Array(64);

/**
 * Text that is a number once thousands separators, currency and percent signs and inner spaces are
 * removed: "1,234", "$12.50", "45%", "€ 3", "1 000".
 */
export function isNumericLikeText(buf: Uint8Array, s: number, e: number): boolean {
  if (e - s > numberLike.length) return false;
  let n = 0;
  let removed = 0;
  let digitsSeen = false;
  for (let p = s; p < e; p++) {
    const b = buf[p]!;
    if (b === 44 || b === 36 || b === 37 || b === 32 || b === 39 || b === 95) {
      removed++;
      continue;
    }
    // € (E2 82 AC), £ (C2 A3 / latin1 A3), ¥ (C2 A5 / A5)
    if (b === 0xe2 && buf[p + 1] === 0x82 && buf[p + 2] === 0xac) {
      p += 2;
      removed++;
      continue;
    }
    if (b === 0xc2 && (buf[p + 1] === 0xa3 || buf[p + 1] === 0xa5)) {
      p++;
      removed++;
      continue;
    }
    if (b === 0xa3 || b === 0xa5) {
      removed++;
      continue;
    }
    if (b >= 48 && b <= 57) digitsSeen = true;
    numberLike[n++] = b;
  }
  if (removed === 0 || !digitsSeen || n === 0) return false;
  return !Number.isNaN(parseNumber(numberLike, 0, n));
}

/** Key of a value by its bytes, tagged into the NaN space no parsed number uses: written to textKeyOut. */
export const textKeyOut = new Uint32Array(2);

/** Hashes buf[s..e) into textKeyOut and returns its character count (UTF-8 lead bytes). */
export function textKey(buf: Uint8Array, s: number, e: number): number {
  let h1 = 0x811c9dc5;
  let h2 = 0x27d4eb2f;
  let chars = 0;
  for (let p = s; p < e; p++) {
    const b = buf[p]!;
    h1 = Math.imul(h1 ^ b, 0x01000193);
    h2 = Math.imul(h2 + b, 0x5bd1e995) ^ (h2 >>> 15);
    if ((b & 0xc0) !== 0x80) chars++;
  }
  const lo = fmix32(h1 ^ (e - s));
  textKeyOut[0] = lo;
  textKeyOut[1] = (0x7ff80000 | (fmix32(h2 ^ lo) & 0x7ffff)) >>> 0;
  return chars;
}

/** True for a key made by textKey (as opposed to a number's bits). */
export function isTextKey(hi: number): boolean {
  return ((hi & 0xfff80000) >>> 0) === 0x7ff80000;
}

/** fmix32 as an int32 (the same bits): what hot callers pass on, since a uint32 past 2^31 gets allocated. */
export function mix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return h ^ (h >>> 16);
}

/** murmur3's 32-bit finaliser. */
export function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}
