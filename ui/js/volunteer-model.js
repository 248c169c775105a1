// Pure helpers of the volunteer pages (no DOM, no IPC): durations written like the core ("5 小时 15 分"), typed
// start/end times with 次日结束, the selection for bulk review, totals per status, and the report's tables.
// Times are 'HH:MM' strings, dates 'YYYY-MM-DD'; `t` is the strings lookup, passed in so this module stays pure.
import { addMonths, isDate, isTime } from './activity-model.js';

export const PENDING = '待审核';
export const CONFIRMED = '已确认';
export const REJECTED = '已驳回';

/** The page's tabs, in order; the first is the default. */
export const TABS = ['list', 'orgs', 'hours', 'report'];

/** Minutes as the core writes them: 315 → 5 小时 15 分, 180 → 3 小时, 45 → 45 分, 0 → 0 分. */
export function durationText(minutes, t) {
  const m = Math.max(0, Math.round(Number(minutes) || 0));
  const hours = Math.floor(m / 60);
  const rest = m % 60;
  if (hours && rest) return t('duration.hm', { h: hours, m: rest });
  if (hours) return t('duration.h', { h: hours });
  return t('duration.m', { m: rest });
}

/** Minutes as decimal hours with two places (the report's and the workbook's number): 315 → '5.25'. */
export const hoursDecimal = (minutes) => (Math.round((Number(minutes) || 0) * 100 / 60) / 100).toFixed(2);

const minutesOfDay = (time) => Number(time.slice(0, 2)) * 60 + Number(time.slice(3, 5));

/**
 * The length of a service from typed (already normalised) times: minutes, or null when the times are not both
 * valid, or the end is not after the start on the same day (then `overnight` is needed), or it would reach 24 h.
 */
export function spanMinutes(start, end, overnight) {
  if (!isTime(start) || !isTime(end)) return null;
  const minutes = minutesOfDay(end) - minutesOfDay(start) + (overnight ? 1440 : 0);
  return minutes > 0 && minutes < 1440 ? minutes : null;
}

/** Whether the end time alone says the service ended the next day (end at or before start). */
export const endsNextDay = (start, end) => isTime(start) && isTime(end) && minutesOfDay(end) <= minutesOfDay(start);

/** '09:00–11:30', or '22:00–次日 02:00' for an entry that ends the next day. */
export function entryTimeText(entry, t) {
  const end = entry.overnight ? t('hours.nextDay', { time: entry.end_time }) : entry.end_time;
  return `${entry.start_time}–${end}`;
}

/** Entries that can be reviewed (confirmed or rejected): only 待审核 ones. */
export const reviewable = (rows) => rows.filter((r) => r.status === PENDING);

/** The selection after toggling `id` (a new Set). */
export function toggleSelected(selected, id, on = !selected.has(id)) {
  const next = new Set(selected);
  if (on) next.add(id);
  else next.delete(id);
  return next;
}

/** Every reviewable row of `rows` selected, or none when they all already are (the header checkbox). */
export function toggleAll(selected, rows) {
  const ids = reviewable(rows).map((r) => r.id);
  const all = ids.length > 0 && ids.every((id) => selected.has(id));
  return all ? new Set([...selected].filter((id) => !ids.includes(id))) : new Set([...selected, ...ids]);
}

/** The header checkbox's state: 'none', 'some' or 'all' of the reviewable rows selected. */
export function selectionState(selected, rows) {
  const ids = reviewable(rows).map((r) => r.id);
  const count = ids.filter((id) => selected.has(id)).length;
  if (!count) return 'none';
  return count === ids.length ? 'all' : 'some';
}

/** Keeps only ids still shown and still reviewable (after a reload, a review or a filter change). */
export function pruneSelection(selected, rows) {
  const open = new Set(reviewable(rows).map((r) => r.id));
  return new Set([...selected].filter((id) => open.has(id)));
}

/** The selected rows, in list order. */
export const selectedRows = (selected, rows) => rows.filter((r) => selected.has(r.id));

/**
 * Number and minutes of the rows per status: `{ 待审核: { count, minutes }, … , total: { count, minutes } }`; every
 * status of `statuses` is there, at zero when no row has it.
 */
export function statusTotals(rows, statuses) {
  const out = { total: { count: 0, minutes: 0 } };
  for (const s of statuses) out[s] = { count: 0, minutes: 0 };
  for (const r of rows) {
    const bucket = out[r.status] ?? (out[r.status] = { count: 0, minutes: 0 });
    bucket.count += 1;
    bucket.minutes += r.minutes ?? 0;
    out.total.count += 1;
    out.total.minutes += r.minutes ?? 0;
  }
  return out;
}

/** The hours ledger's default period: from the first day of the month two months back (three months in all). */
export const defaultHoursFrom = (today) => addMonths(today, -2);

/** The report's default period: this calendar year up to today. */
export const defaultReportRange = (today) => ({ from: `${String(today).slice(0, 4)}-01-01`, to: today });

/** A typed period: `{ from, to }` with blanks as null, and the problems (a bad date, or from after to). */
export function checkRange(from, to, t) {
  const problems = [];
  const f = from === '' ? null : from;
  const e = to === '' ? null : to;
  if (f !== null && !isDate(f)) problems.push({ field: 'from', message: t('period.badDate', { value: f }) });
  if (e !== null && !isDate(e)) problems.push({ field: 'to', message: t('period.badDate', { value: e }) });
  if (!problems.length && f !== null && e !== null && f > e) problems.push({ field: 'to', message: t('period.reversed', { from: f, to: e }) });
  return { from: f, to: e, problems };
}

/** The period as words: 2026-01-01 至 2026-11-28, 2026-01-01 起, 至 2026-11-28, or 全部时间. */
export function periodText(from, to, t) {
  if (from && to) return t('period.between', { from, to });
  if (from) return t('period.since', { from });
  if (to) return t('period.until', { to });
  return t('period.all');
}

/** '2026-11' → 2026年11月 (as the strings table writes a month). */
export function monthLabel(month, t) {
  const m = /^(\d{4})-(\d{2})$/.exec(String(month ?? ''));
  return m ? t('period.month', { year: Number(m[1]), month: Number(m[2]) }) : String(month ?? '');
}

/** A group's share of the total, 0–100 (for the bars of the report). */
export const share = (minutes, total) => (total > 0 ? Math.round((minutes / total) * 1000) / 10 : 0);

/** Splits typed services (、，, ; or new lines) into distinct labels, keeping their order. */
export function splitLabels(text) {
  const out = [];
  for (const part of String(text ?? '').split(/[、，,;；\n]+/)) {
    const label = part.trim();
    if (label && !out.includes(label)) out.push(label);
  }
  return out;
}

/** The volunteer's name with the number: 张三（LH-00001）. */
export const volunteerLabel = (v, t) => (v.number ? t('volunteers.nameNumber', { name: v.name, number: v.number }) : v.name);

/** A suggested file name part for a period: 2026-01-01至2026-11-28, or 全部. */
export function periodFilePart(from, to, t) {
  if (!from && !to) return t('period.allShort');
  return `${from ?? ''}${t('period.to')}${to ?? ''}`;
}
