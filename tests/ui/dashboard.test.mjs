// Unit tests of the dashboard's pure helpers: chart scaling and geometry, the SVG markup (classes and attributes
// only, escaped labels), the bars of the two charts, this month against recent months, and their strings.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { columnChart, columnLayout, niceStep, rowChart, rowLengths, scale, tickText } from '../../ui/js/chart.js';
import { attendanceRate, chartSummary, durationText, hoursBars, hoursComparison, hoursText, lineRows, monthLabel } from '../../ui/js/dashboard-model.js';
import { t, tv } from '../../ui/js/i18n.js';
import zh from '../../ui/strings/zh-CN.js';
import en from '../../ui/strings/en.js';

test('the value axis: round steps, at most four intervals, whole numbers for small charts', () => {
  assert.equal(niceStep(0), 1);
  assert.equal(niceStep(-3), 1);
  assert.equal(niceStep(Number.NaN), 1);
  assert.equal(niceStep(0.3), 0.5);
  assert.equal(niceStep(1.2), 2);
  assert.equal(niceStep(2.2), 2.5);
  assert.equal(niceStep(7), 10);
  assert.equal(niceStep(9.25), 10);
  assert.equal(niceStep(62.5), 100);
  assert.deepEqual(scale(37), { top: 40, step: 10, ticks: [0, 10, 20, 30, 40] });
  assert.deepEqual(scale(31.5).ticks, [0, 10, 20, 30, 40]);
  assert.deepEqual(scale(8).ticks, [0, 2, 4, 6, 8]);
  assert.deepEqual(scale(250).ticks, [0, 100, 200, 300]);
  assert.deepEqual(scale(0).ticks, [0, 0.25, 0.5, 0.75, 1], 'nothing to show still has an axis');
  assert.deepEqual(scale(0, { minTop: 4 }).ticks, [0, 1, 2, 3, 4], 'an empty hours chart reads 0–4');
  assert.deepEqual(scale(1.5, { minTop: 4 }).ticks, [0, 1, 2, 3, 4]);
  assert.deepEqual(scale(33, { minTop: 4 }).ticks, [0, 10, 20, 30, 40]);
  for (const max of [0.1, 1, 3, 7, 12, 19, 99, 101, 1234]) {
    const { top, ticks } = scale(max);
    assert.ok(top >= max && ticks.length <= 5 && ticks[0] === 0, `${max}: ${ticks}`);
  }
  assert.equal(tickText(12.5), '12.5');
  assert.equal(tickText(40), '40');
  assert.equal(tickText(0.25), '0.25');
  assert.equal(tickText(1 / 3), '0.33');
});

test('columns share the width and grow from the baseline in proportion', () => {
  const area = { left: 40, top: 10, width: 600, height: 200 };
  const { top, bars } = columnLayout([0, 5, 10, -1, null, 2.5], area);
  assert.equal(top, 10);
  assert.equal(bars.length, 6);
  const slot = 100;
  bars.forEach((b, i) => {
    assert.equal(b.width, 60, 'each bar fills 60% of its slot');
    assert.equal(b.x, 40 + slot * i + 20, 'centred in its slot');
    assert.equal(b.cx, b.x + 30);
    assert.equal(b.y + b.height, 210, 'every bar stands on the baseline');
  });
  assert.deepEqual(bars.map((b) => b.height), [0, 100, 200, 0, 0, 50]);
  assert.deepEqual(columnLayout([], area).bars, []);
  assert.equal(columnLayout([0, 0], area, { minTop: 4 }).top, 4, 'an empty chart keeps whole-number gridlines');
  assert.equal(columnLayout([37], area, { minTop: 4 }).top, 40);
  assert.deepEqual(rowLengths([3, 0, 8], 300), { top: 8, lengths: [112.5, 0, 300] });
});

test('the charts are SVG with classes and attributes only (the CSP forbids inline style) and escape labels', () => {
  const svg = String(columnChart({
    bars: [{ label: '<b>11月</b>', value: 2, valueText: '2', title: 'x', current: true }, { label: '12月', value: 0, valueText: '0', title: 'y' }],
    label: '时长 "图"',
    unit: '小时',
    id: 'hours-chart',
  }));
  assert.match(svg, /^<svg class="chart chart-columns" id="hours-chart"/);
  assert.match(svg, /role="img" aria-label="时长 &quot;图&quot;"/);
  assert.doesNotMatch(svg, /style=/);
  assert.doesNotMatch(svg, /<b>/, 'labels are escaped');
  assert.match(svg, /&lt;b&gt;11月&lt;\/b&gt;/);
  assert.equal((svg.match(/class="chart-bar/g) ?? []).length, 2);
  assert.equal((svg.match(/class="chart-bar is-current"/g) ?? []).length, 1, 'this month is marked');
  assert.match(svg, /<title>x<\/title>/);
  const rows = String(rowChart({ rows: [{ label: '红引擎', value: 3, tone: 'red' }, { label: '其他', value: 0 }], label: '条线' }));
  assert.match(rows, /class="chart-row tone-red"/);
  assert.match(rows, /class="chart-row tone-neutral"/);
  assert.doesNotMatch(rows, /style=/);
});

const MONTHS = [
  { month: '2026-06', label: '6月', minutes: 0, hours: 0 },
  { month: '2026-07', label: '7月', minutes: 90, hours: 1.5 },
  { month: '2026-08', label: '8月', minutes: 315, hours: 5.25 },
  { month: '2026-09', label: '9月', minutes: 0, hours: 0 },
  { month: '2026-10', label: '10月', minutes: 600, hours: 10 },
  { month: '2026-11', label: '11月', minutes: 45, hours: 0.75 },
];

test('the hours chart: one bar per month, this month marked, titles written like the core', () => {
  const bars = hoursBars(MONTHS, '2026-11-28', t);
  assert.deepEqual(bars.map((b) => b.label), ['6月', '7月', '8月', '9月', '10月', '11月']);
  assert.deepEqual(bars.map((b) => b.current), [false, false, false, false, false, true]);
  assert.deepEqual(bars.map((b) => b.valueText), ['0', '1.5', '5.3', '0', '10', '0.8']);
  assert.equal(bars[2].value, 5.25);
  assert.equal(bars[2].title, '8月：5 小时 15 分');
  assert.equal(hoursText(180), '3');
  assert.equal(durationText(315, t), '5 小时 15 分');
  assert.equal(durationText(0, t), '0 分');
  assert.deepEqual(hoursComparison(MONTHS, '2026-11-28'), { minutes: 45, average: 201, months: 5 });
  assert.deepEqual(hoursComparison([], '2026-11-28'), { minutes: 0, average: null, months: 0 });
  assert.equal(monthLabel('2026-01', t), '1月');
  assert.equal(chartSummary('时长', bars.slice(0, 2), t), '时长：6月：0 分；7月：1 小时 30 分');
});

test('activities by line: every line in its colour, short labels, full names in the titles', () => {
  const rows = lineRows([
    { line: '红引擎·在职党员', count: 4 },
    { line: '银力量·离退休党员', count: 0 },
    { line: '青动力·两新组织', count: 2 },
    { line: '其他', count: 1 },
  ], t, tv);
  assert.deepEqual(rows.map((r) => r.label), ['红引擎', '银力量', '青动力', '其他']);
  assert.deepEqual(rows.map((r) => r.tone), ['red', 'silver', 'green', 'neutral']);
  assert.deepEqual(rows.map((r) => r.value), [4, 0, 2, 1]);
  assert.equal(rows[1].title, '银力量·离退休党员：0 场');
});

test('attendance rate of the month', () => {
  assert.equal(attendanceRate({ activities: 3, signups: 40, held_signups: 40, attended: 31 }), 78);
  assert.equal(attendanceRate({ activities: 1, signups: 0, held_signups: 0, attended: 0 }), null);
  // Sessions later this month have sign-ups but no roll call yet: they must not lower the rate.
  assert.equal(attendanceRate({ activities: 2, signups: 6, held_signups: 1, attended: 1 }), 100);
  assert.equal(attendanceRate({ activities: 1, signups: 5, held_signups: 0, attended: 0 }), null);
  assert.equal(attendanceRate(null), null);
});

test('every month has a short and a long name in both languages', () => {
  for (let m = 1; m <= 12; m += 1) {
    for (const table of [zh, en]) {
      assert.ok(table[`monthShort.${m}`], `monthShort.${m}`);
      assert.ok(table[`monthLong.${m}`], `monthLong.${m}`);
    }
  }
  for (const key of ['dashboard.volunteersActive', 'dashboard.pendingHours', 'projectStatus.on_track', 'projectStatus.late', 'projectStatus.done']) {
    assert.ok(zh[key] && en[key], key);
  }
});
