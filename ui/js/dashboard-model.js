// Pure helpers of the dashboard (no DOM, no IPC): durations as text, the bars of the two charts and the
// month's figures. `t` / `tv` are the strings lookups, passed in so the helpers stay testable.
import { lineShort, lineTone } from './activity-model.js';
import { tickText } from './chart.js';
import { durationText } from './volunteer-model.js';

export { durationText };

/** Hours with at most one decimal, for a bar's label: 5.25 → 5.3, 3 → 3. */
export const hoursText = (minutes) => tickText(Math.round((Number(minutes) || 0) / 6) / 10);

/** Month 'YYYY-MM' → its short label (11月 / Nov). */
export const monthLabel = (month, t) => t(`monthShort.${Number(String(month).slice(5, 7))}`);

/** The bars of the hours chart: one per month, this month marked. */
export function hoursBars(months, today, t) {
  const current = String(today ?? '').slice(0, 7);
  return (months ?? []).map((m) => ({
    label: monthLabel(m.month, t),
    value: (Number(m.minutes) || 0) / 60,
    valueText: hoursText(m.minutes),
    title: t('dashboard.hoursBarTitle', { month: monthLabel(m.month, t), text: durationText(m.minutes, t) }),
    current: m.month === current,
  }));
}

/** This month's confirmed minutes against the average of the months before it (null when there are none). */
export function hoursComparison(months, today) {
  const current = String(today ?? '').slice(0, 7);
  const list = months ?? [];
  const now = list.find((m) => m.month === current);
  const before = list.filter((m) => m.month < current);
  const average = before.length ? before.reduce((sum, m) => sum + (Number(m.minutes) || 0), 0) / before.length : null;
  return { minutes: Number(now?.minutes) || 0, average: average === null ? null : Math.round(average), months: before.length };
}

/** The rows of the activities-by-line chart, in the core's order, coloured by line; labels shortened (红引擎). */
export function lineRows(lines, t, tv) {
  return (lines ?? []).map((l) => ({
    label: lineShort(tv('line', l.line)),
    value: Number(l.count) || 0,
    valueText: String(Number(l.count) || 0),
    title: t('dashboard.lineBarTitle', { line: tv('line', l.line), count: Number(l.count) || 0 }),
    tone: lineTone(l.line),
  }));
}

/** Attendance at the month's sessions already held, as a whole percentage; null before any was held. */
export function attendanceRate(month) {
  const signups = Number(month?.held_signups) || 0;
  if (!signups) return null;
  return Math.round(((Number(month.attended) || 0) / signups) * 100);
}

/** The sentence a screen reader gets for a chart: its title, then each bar's title. */
export const chartSummary = (title, items, t) => t('chart.summary', { title, items: items.map((i) => i.title).join(t('chart.join')) });
