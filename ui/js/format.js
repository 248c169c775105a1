// Display formatting of data values: empty values, care needs, disability grades, ages.
import { html } from './html.js';
import { t, tv } from './i18n.js';

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
