// Small SVG charts built with the html`` tag (no library, no inline style: the CSP allows none). The geometry
// helpers are pure so they can be tested; the markup uses classes (styled in app.css) and SVG attributes only.
import { html } from './html.js';

/** The smallest "round" step (1, 2, 2.5 or 5 × 10ⁿ) at or above `raw`; 1 for nothing to show. */
export function niceStep(raw) {
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= 0) return 1;
  const power = 10 ** Math.floor(Math.log10(value));
  for (const step of [1, 2, 2.5, 5, 10]) {
    const candidate = Number((step * power).toPrecision(12));
    // The tolerance keeps 0.30000000000000004-style results from skipping a step.
    if (candidate >= value * (1 - 1e-9)) return candidate;
  }
  return 10 * power;
}

/**
 * The value axis for a largest value `max`: gridlines every round `step` from 0 up to `top`, at most
 * `intervals` of them, so that labels read 0, 10, 20, 30, 40. `minTop` keeps small or empty charts on
 * whole numbers (an empty hours chart reads 0–4, not 0–0.25). Returns `{ top, step, ticks }`.
 */
export function scale(max, { minTop = 0, intervals = 4 } = {}) {
  const clean = Number.isFinite(Number(max)) && Number(max) > 0 ? Number(max) : 0;
  const value = Math.max(clean, minTop) || 1;
  const step = niceStep(value / intervals);
  const count = Math.max(1, Math.ceil(value / step - 1e-9));
  const ticks = Array.from({ length: count + 1 }, (_, i) => Number((step * i).toPrecision(12)));
  return { top: ticks[ticks.length - 1], step, ticks };
}

/** A tick value as short text: whole numbers plain, others with at most two decimals (12.5, 0.25). */
export function tickText(value) {
  return Number.isInteger(value) ? String(value) : String(Math.round(value * 100) / 100);
}

const positive = (values) => values.map((v) => (Number.isFinite(Number(v)) && Number(v) > 0 ? Number(v) : 0));

/**
 * Column positions in a plot area `{ left, top, width, height }`: one equal slot per value, the bar `fill`
 * of its slot wide and centred, its height proportional to value / top (the top of `scale`).
 * Negative or missing values count as 0. Returns `{ top, ticks, bars: [{ x, y, width, height, cx }] }`.
 */
export function columnLayout(values, area, { fill = 0.6, minTop = 0 } = {}) {
  const clean = positive(values);
  const { top, ticks } = scale(Math.max(0, ...clean), { minTop });
  const slot = clean.length ? area.width / clean.length : 0;
  const width = slot * fill;
  const bars = clean.map((v, i) => {
    const height = (v / top) * area.height;
    const x = area.left + slot * i + (slot - width) / 2;
    return { x: round(x), y: round(area.top + area.height - height), width: round(width), height: round(height), cx: round(x + width / 2) };
  });
  return { top, ticks, bars };
}

/** Row lengths for horizontal bars in `width` pixels: proportional to value / the top of `scale`. */
export function rowLengths(values, width) {
  const clean = positive(values);
  const { top } = scale(Math.max(0, ...clean));
  return { top, lengths: clean.map((v) => round((v / top) * width)) };
}

const round = (n) => Math.round(n * 10) / 10;

const COLUMN = { width: 560, height: 250, left: 44, right: 12, top: 26, bottom: 34 };

/**
 * A column chart. `bars`: `[{ label, value, valueText, title, current }]` (valueText shown above the column,
 * title read by screen readers and shown on hover); `label` is the chart's accessible name; `unit` names the
 * axis; the scale reaches at least `minTop`. Returns Html (an <svg> with role img).
 */
export function columnChart({ bars, label, unit = '', id = '', minTop = 4 }) {
  const c = COLUMN;
  const area = { left: c.left, top: c.top, width: c.width - c.left - c.right, height: c.height - c.top - c.bottom };
  const { top, ticks, bars: placed } = columnLayout(bars.map((b) => b.value), area, { minTop });
  const gridlines = ticks.map((value) => {
    const y = round(area.top + area.height - (value / top) * area.height);
    return html`<g class="chart-tick"><line class="chart-grid${value === 0 ? ' chart-axis' : ''}" x1="${area.left}" x2="${area.left + area.width}" y1="${y}" y2="${y}"></line>
      <text class="chart-tick-label" x="${area.left - 6}" y="${y + 4}" text-anchor="end">${tickText(value)}</text></g>`;
  });
  const columns = bars.map((bar, i) => {
    const p = placed[i];
    return html`<g class="chart-bar${bar.current ? ' is-current' : ''}" data-label="${bar.label}" data-value="${bar.value}">
      <title>${bar.title ?? `${bar.label} ${bar.valueText ?? bar.value}`}</title>
      <rect class="chart-rect" x="${p.x}" y="${p.y}" width="${p.width}" height="${Math.max(p.height, 0)}" rx="3"></rect>
      <text class="chart-value" x="${p.cx}" y="${p.y - 6}" text-anchor="middle">${bar.valueText ?? bar.value}</text>
      <text class="chart-label" x="${p.cx}" y="${c.height - c.bottom + 22}" text-anchor="middle">${bar.label}</text>
    </g>`;
  });
  return html`<svg class="chart chart-columns" ${id ? html`id="${id}"` : ''} viewBox="0 0 ${c.width} ${c.height}" role="img" aria-label="${label}"
    preserveAspectRatio="xMidYMid meet">
    ${unit ? html`<text class="chart-unit" x="${area.left - 6}" y="14" text-anchor="end">${unit}</text>` : ''}
    ${gridlines}${columns}
  </svg>`;
}

const ROWS = { width: 560, row: 44, left: 128, right: 56, top: 8, bar: 24 };

/**
 * Horizontal bars, one per row: `rows`: `[{ label, value, valueText, title, tone }]`; `tone` becomes the class
 * `tone-${tone}` (e.g. the line colours red / silver / green / neutral). Returns Html.
 */
export function rowChart({ rows, label, id = '' }) {
  const r = ROWS;
  const width = r.width - r.left - r.right;
  const { lengths } = rowLengths(rows.map((row) => row.value), width);
  const height = r.top * 2 + rows.length * r.row;
  const items = rows.map((row, i) => {
    const y = r.top + i * r.row;
    const barY = y + (r.row - r.bar) / 2;
    const length = lengths[i];
    return html`<g class="chart-row tone-${row.tone ?? 'neutral'}" data-label="${row.label}" data-value="${row.value}">
      <title>${row.title ?? `${row.label} ${row.valueText ?? row.value}`}</title>
      <text class="chart-row-label" x="${r.left - 10}" y="${y + r.row / 2 + 5}" text-anchor="end">${row.label}</text>
      <rect class="chart-track" x="${r.left}" y="${barY}" width="${width}" height="${r.bar}" rx="4"></rect>
      <rect class="chart-rect" x="${r.left}" y="${barY}" width="${length}" height="${r.bar}" rx="4"></rect>
      <text class="chart-value" x="${r.left + length + 8}" y="${y + r.row / 2 + 5}">${row.valueText ?? row.value}</text>
    </g>`;
  });
  return html`<svg class="chart chart-rows" ${id ? html`id="${id}"` : ''} viewBox="0 0 ${r.width} ${height}" role="img" aria-label="${label}"
    preserveAspectRatio="xMidYMid meet">${items}</svg>`;
}
