// Pure helpers of the activity pages (no DOM, no IPC): calendar dates, the month grid, typed dates and times,
// weekly repeats and their description, list ordering, line colours and the sign-up sections.
// Dates are 'YYYY-MM-DD' strings throughout; arithmetic is done in UTC so that no time zone can shift a day.

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DAY_MS = 86400000;
const pad = (n) => String(n).padStart(2, '0');

/** `{ year, month, day }` of a valid 'YYYY-MM-DD' (a real calendar day), else null. */
export function parseDate(text) {
  const m = DATE.exec(String(text ?? ''));
  if (!m) return null;
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const d = new Date(Date.UTC(year, month - 1, day));
  if (d.getUTCFullYear() !== year || d.getUTCMonth() !== month - 1 || d.getUTCDate() !== day) return null;
  return { year, month, day };
}

export const isDate = (text) => parseDate(text) !== null;

const toUtc = (text) => {
  const p = parseDate(text);
  if (!p) throw new RangeError(`not a date: ${text}`);
  return Date.UTC(p.year, p.month - 1, p.day);
};
const fromUtc = (ms) => {
  const d = new Date(ms);
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
};

/** The date `n` days later (earlier when negative). */
export const addDays = (date, n) => fromUtc(toUtc(date) + n * DAY_MS);

/** 0 = Monday … 6 = Sunday (the office week starts on Monday). */
export const weekdayIndex = (date) => (new Date(toUtc(date)).getUTCDay() + 6) % 7;

/** The Monday of the week of `date`. */
export const startOfWeek = (date) => addDays(date, -weekdayIndex(date));

/** The seven dates (Monday … Sunday) of the week of `date`. */
export function weekDays(date) {
  const monday = startOfWeek(date);
  return Array.from({ length: 7 }, (_, i) => addDays(monday, i));
}

/** The first day of the month `n` months after the month of `date`. */
export function addMonths(date, n) {
  const { year, month } = parseDate(date) ?? {};
  if (!year) throw new RangeError(`not a date: ${date}`);
  const index = year * 12 + (month - 1) + n;
  return `${Math.floor(index / 12)}-${pad((index % 12) + 1)}-01`;
}

/** `YYYY-MM` of a date. */
export const monthOf = (date) => String(date).slice(0, 7);

/**
 * The month of `date` as calendar weeks, Monday first: `{ year, month, weeks: [[7 dates]], from, to }`.
 * The first week starts on the Monday on or before the 1st, the last ends on the Sunday on or after the last day.
 */
export function monthGrid(date) {
  const first = addMonths(date, 0);
  const last = addDays(addMonths(date, 1), -1);
  const from = startOfWeek(first);
  const to = addDays(startOfWeek(last), 6);
  const weeks = [];
  for (let day = from; day <= to; day = addDays(day, 7)) {
    weeks.push(Array.from({ length: 7 }, (_, i) => addDays(day, i)));
  }
  const { year, month } = parseDate(first);
  return { year, month, weeks, from, to };
}

/** The dates a view shows and fetches: the whole calendar grid of the month, or the week; null bounds = everything. */
export function viewRange(view, anchor) {
  if (view === 'month') {
    const { from, to } = monthGrid(anchor);
    return { from, to };
  }
  if (view === 'week') {
    const days = weekDays(anchor);
    return { from: days[0], to: days[6] };
  }
  return { from: null, to: null };
}

/** Full-width digits and punctuation (typed with a Chinese input method) as ASCII. */
export function halfWidth(text) {
  return String(text ?? '')
    .replace(/[\uFF10-\uFF19]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xFF10 + 48))
    .replace(/[：]/g, ':')
    .replace(/[－—–]/g, '-')
    .replace(/[／]/g, '/')
    .replace(/[．。]/g, '.');
}

/**
 * A typed date as 'YYYY-MM-DD' when it is clearly one (2026-12-1, 2026/12/01, 2026.12.1, 2026年12月1日);
 * anything else is returned trimmed, for the core to judge and explain.
 */
export function normaliseDate(text) {
  const s = halfWidth(text).trim();
  const m = /^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$/.exec(s);
  if (!m) return s;
  const out = `${m[1]}-${pad(Number(m[2]))}-${pad(Number(m[3]))}`;
  return isDate(out) ? out : s;
}

/** A typed time as 'HH:MM' when it is clearly one (9:00, 09：00, 9.30, 0930); anything else is returned trimmed. */
export function normaliseTime(text) {
  const s = halfWidth(text).trim();
  const m = /^(\d{1,2})[:.](\d{2})$/.exec(s) ?? /^(\d{2})(\d{2})$/.exec(s);
  if (!m) return s;
  const [h, min] = [Number(m[1]), Number(m[2])];
  return h <= 23 && min <= 59 ? `${pad(h)}:${pad(min)}` : s;
}

export const isTime = (text) => /^([01]\d|2[0-3]):[0-5]\d$/.test(String(text ?? ''));

/** A typed whole number (full-width digits allowed): the number; blank: null; anything else: NaN. */
export function parseCount(text) {
  const s = halfWidth(text).trim();
  if (s === '') return null;
  return /^\d+$/.test(s) ? Number(s) : NaN;
}

/** Up to a date, the core makes at most this many sessions of one class (two years of weekly classes). */
export const MAX_SESSIONS = 104;
/** A bound for previews of absurd counts (the core refuses more than MAX_SESSIONS with a message). */
const MAX_COUNTED = 1000;

/** The dates of a weekly series: from `first`, every `everyWeeks` weeks, `count` times or up to `until` (inclusive). */
export function sessionDates(first, everyWeeks, { count = null, until = null } = {}) {
  if (!isDate(first) || !(everyWeeks >= 1)) return [];
  if (count === null && !isDate(until)) return [];
  const limit = count === null ? MAX_SESSIONS : Math.min(count, MAX_COUNTED);
  const out = [];
  for (let day = first; out.length < limit; day = addDays(day, 7 * everyWeeks)) {
    if (count === null && day > until) break;
    out.push(day);
  }
  return out;
}

/** '09:00–10:30', or one time alone, or ''. */
export function timeRange(start, end) {
  if (start && end) return `${start}–${end}`;
  return start || end || '';
}

/**
 * The sentence that explains a weekly series, e.g. 每周二 09:00–10:30，共 10 次. `t` is the strings lookup.
 * Returns null while the first date is not a valid date (there is no weekday to name yet).
 */
export function describeRepeat({ date, startTime, endTime, everyWeeks, count = null, until = null }, t) {
  if (!isDate(date) || !(everyWeeks >= 1)) return null;
  const weekday = t(`weekday.${weekdayIndex(date)}`);
  const every = everyWeeks === 1 ? t('repeat.everyWeek', { weekday }) : t('repeat.everyNWeeks', { n: everyWeeks, weekday });
  const times = isTime(startTime) ? timeRange(startTime, isTime(endTime) ? endTime : '') : '';
  const head = times ? t('repeat.withTime', { every, time: times }) : every;
  if (count !== null) return count >= 1 ? t('repeat.count', { head, count }) : null;
  if (!isDate(until)) return null;
  const dates = sessionDates(date, everyWeeks, { until });
  return t('repeat.until', { head, until, count: dates.length });
}

const byDateTime = (a, b) => (a.date === b.date ? String(a.start_time ?? '').localeCompare(String(b.start_time ?? '')) : a.date < b.date ? -1 : 1);

/** Upcoming (today and later, earliest first) and past (newest first) activities. */
export function splitByToday(rows, today) {
  const upcoming = rows.filter((r) => r.date >= today).sort(byDateTime);
  const past = rows.filter((r) => r.date < today).sort((a, b) => byDateTime(b, a));
  return { upcoming, past };
}

/** Activities by date, each day in start-time order. */
export function groupByDate(rows) {
  const days = new Map();
  for (const row of [...rows].sort(byDateTime)) {
    if (!days.has(row.date)) days.set(row.date, []);
    days.get(row.date).push(row);
  }
  return days;
}

/** The colour family of a line (条线): 红引擎 red, 银力量 silver, 青动力 green, anything else neutral. */
export function lineTone(line) {
  const s = String(line ?? '');
  if (s.includes('红引擎')) return 'red';
  if (s.includes('银力量')) return 'silver';
  if (s.includes('青动力')) return 'green';
  return 'neutral';
}

/** The short name of a (translated) line: the part before '·' (红引擎·在职党员 → 红引擎). */
export const lineShort = (label) => String(label ?? '').split('·')[0].trim();

/** Sign-ups in their three sections: registered (as given), the waitlist by position, cancelled. */
export function signupSections(signups) {
  const registered = signups.filter((s) => s.status === 'registered');
  const waitlisted = signups.filter((s) => s.status === 'waitlisted')
    .sort((a, b) => (a.position ?? Infinity) - (b.position ?? Infinity));
  const cancelled = signups.filter((s) => s.status === 'cancelled');
  return { registered, waitlisted, cancelled };
}

/** Households with more than one registered person (their rows get 全家到场). */
export function sharedHouseholds(registered) {
  const seen = new Map();
  for (const s of registered) if (s.household_id !== null && s.household_id !== undefined) seen.set(s.household_id, (seen.get(s.household_id) ?? 0) + 1);
  return new Set([...seen].filter(([, n]) => n > 1).map(([id]) => id));
}

/** 已到 N / 报名 M from the sign-ups as shown. */
export function attendanceCount(signups) {
  const registered = signups.filter((s) => s.status === 'registered');
  return { present: registered.filter((s) => s.attended === true).length, registered: registered.length };
}
