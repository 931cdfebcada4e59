/**
 * Recognises the header of a WhatsApp "Export chat" line: the timestamp, and the author when there
 * is one. Export lines vary by platform and locale; the traps this handles (all seen in real
 * exports): U+200E/U+200F/BOM before the line, U+202F or U+00A0 before AM/PM, `a.m.`/`p. m.`,
 * dotted times (`21.25.15`), words between date and time (Finnish `klo`), year-first dates
 * (`[2018/06/13, 21:25:15]`), bracketed iOS and dashed Android forms.
 */

export interface HeaderParts {
  /** The three numbers of the date in written order, not yet assigned to day/month/year. */
  date: [number, number, number];
  /** Digits of each date part as written (a 4-digit first part means year-first). */
  dateWidths: [number, number, number];
  hour: number;
  minute: number;
  second: number;
  /** 'am' | 'pm' when a 12-hour clock marker was present. */
  meridiem: 'am' | 'pm' | null;
  author: string | null;
  text: string;
}

const MARKS = '\\u200e\\u200f\\u202a-\\u202e\\u2066-\\u2069\\ufeff';
const SP = '[\\s\\u00a0\\u202f]';
const HEADER = new RegExp(
  `^[${MARKS}]*(\\[)?[${MARKS}]*` +
    `(\\d{1,4})([-/.])${SP}?(\\d{1,2})\\3${SP}?(\\d{1,4})\\.?` + // date
    `(?:,|${SP})${SP}*(?:[^\\d\\n,\\[\\]]{1,6}?${SP}+)?` + // separator, optional word like "klo"
    `(\\d{1,2})[:.](\\d{2})(?:[:.](\\d{2}))?` + // time
    `(?:${SP}*([aApP])\\.?${SP}?[mM]\\.?)?` + // 12-hour marker
    `[${MARKS}]*(?:(\\])${SP}?|${SP}?[-\\u2013]${SP}|:${SP})`,
);
// Author: up to the first ": " within a sane length; names may contain colons only rarely.
const AUTHOR = /^([^\n]{1,80}?): /;
const AUTHOR_MARKS = new RegExp(`^[${MARKS}]+|[${MARKS}]+$`, 'g');

export function parseHeader(line: string): HeaderParts | null {
  const m = HEADER.exec(line);
  if (!m) return null;
  // A bracket opened must be closed, and an unbracketed line must use the dash form.
  if (Boolean(m[1]) !== Boolean(m[10])) return null;
  const a = m[2] ?? '';
  const b = m[4] ?? '';
  const c = m[5] ?? '';
  const hour = Number(m[6]);
  const minute = Number(m[7]);
  const second = m[8] ? Number(m[8]) : 0;
  const mer = m[9] ? (m[9].toLowerCase() === 'a' ? 'am' : 'pm') : null;
  if (minute > 59 || second > 59) return null;
  if (mer ? hour < 1 || hour > 12 : hour > 24) return null;
  const rest = line.slice(m[0].length);
  const am = AUTHOR.exec(rest);
  let author: string | null = null;
  let text = rest;
  if (am?.[1] && !am[1].includes('http')) {
    author = am[1].replace(AUTHOR_MARKS, '').trim();
    text = rest.slice(am[0].length);
    if (author === '') author = null;
  }
  return {
    date: [Number(a), Number(b), Number(c)],
    dateWidths: [a.length, b.length, c.length],
    hour,
    minute,
    second,
    meridiem: mer,
    author,
    text,
  };
}

export type DateOrder = 'day-first' | 'month-first' | 'year-first';

/**
 * Infers the date order from every distinct date in the file, in file order. A first part with 4
 * digits means year-first; a part above 12 decides day-first vs month-first; otherwise the part
 * that changes more often between consecutive dates is the day. Returns null when undecidable.
 */
export function inferDateOrder(
  dates: Iterable<[number, number, number]>,
  widths: [number, number, number] | null,
): DateOrder | null {
  if (widths && widths[0] === 4) return 'year-first';
  let prev: [number, number, number] | null = null;
  let firstChanges = 0;
  let secondChanges = 0;
  let firstBig = false;
  let secondBig = false;
  for (const d of dates) {
    if (d[0] > 12) firstBig = true;
    if (d[1] > 12) secondBig = true;
    if (prev) {
      if (prev[0] !== d[0]) firstChanges++;
      if (prev[1] !== d[1]) secondChanges++;
    }
    prev = d;
  }
  if (firstBig && !secondBig) return 'day-first';
  if (secondBig && !firstBig) return 'month-first';
  if (firstBig && secondBig) return null;
  if (firstChanges > secondChanges) return 'day-first';
  if (secondChanges > firstChanges) return 'month-first';
  return null;
}

export interface ResolvedDate {
  year: number;
  month: number;
  day: number;
}

export function resolveDate(
  parts: [number, number, number],
  order: DateOrder,
): ResolvedDate | null {
  let year: number;
  let month: number;
  let day: number;
  if (order === 'year-first') [year, month, day] = parts;
  else if (order === 'day-first') [day, month, year] = parts;
  else [month, day, year] = parts;
  if (year < 100) year += 2000;
  if (month < 1 || month > 12 || day < 1 || day > 31) return null;
  return { year, month, day };
}

export function to24h(hour: number, meridiem: 'am' | 'pm' | null): number {
  if (!meridiem) return hour === 24 ? 0 : hour;
  if (meridiem === 'am') return hour === 12 ? 0 : hour;
  return hour === 12 ? 12 : hour + 12;
}
