// Display formatting of data values: empty values, care needs, disability grades, ages, activity dates and places.
import { html } from './html.js';
import { t, tv } from './i18n.js';
import { parseDate, weekdayIndex } from './activity-model.js';

/** The value, or a muted dash when there is none. */
export function orDash(value) {
  return value === null || value === undefined || value === "" ? html`<span class="muted">—</span>` : value;
}

export const gradeLabel = (grade) => t(`grade.${grade}`);

/** Kinds whose extra details are a disability category and grade. */
export function isDisability(kind) {
  return /残疾|disab/i.test(String(kind ?? ''));
}

/** E.g. 残疾（肢体二级）, 低保. Uses the core's label when it gives one. */
export function careText(need) {
  if (need.label) return need.label;
  const kind = tv('care', need.kind);
  if (isDisability(need.kind) && (need.disability_category || need.disability_grade)) {
    const detail = [need.disability_category ? tv('disability', need.disability_category) : '',
      need.disability_grade ? gradeLabel(need.disability_grade) : ''].filter(Boolean).join(t('care.detailJoin'));
    return t('care.withDetail', { kind, detail });
  }
  return kind;
}

export const ageText = (age) => (age === null || age === undefined ? null : t('common.age', { age }));

/** Today on this computer as YYYY-MM-DD (for suggested file names). */
export function localToday(now = new Date()) {
  const pad = (n) => String(n).padStart(2, '0');
  return `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}`;
}

/** A suggested file name without the characters Windows forbids in names (\ / : * ? " < > |). */
export function safeFileName(name) {
  return String(name).replace(/[\\/:*?"<>|\u0000-\u001f]+/g, '_').trim();
}

/** The last part of a path (Windows or Unix separators). */
export const fileNameOf = (path) => String(path ?? '').split(/[\\/]/).pop();

/** 周一 … 周日 of a date. */
export const weekdayText = (date) => t(`weekday.${weekdayIndex(date)}`);

/** 12月1日 (this year) or 2025年12月1日 (another year); anything that is not a date is shown as it is. */
export function dateText(date, today = localToday()) {
  const p = parseDate(date);
  if (!p) return String(date ?? '');
  const sameYear = String(today).slice(0, 4) === String(p.year);
  return t(sameYear ? 'date.md' : 'date.ymd', { year: p.year, month: p.month, day: p.day });
}

/** The date with its weekday: 12月1日 周二. */
export const dateWithWeekday = (date, today) => (parseDate(date) ? t('date.withWeekday', { date: dateText(date, today), weekday: weekdayText(date) }) : String(date ?? ''));

/** 报名 registered/capacity, or registered/不限. */
export const signupText = (row) => t('activity.signupCount', {
  registered: row.registered ?? 0,
  capacity: row.capacity === null || row.capacity === undefined ? t('activity.unlimited') : row.capacity,
});
