// Unit tests of the volunteer pages' pure helpers: durations written like the core, typed times with 次日结束, the
// selection for bulk review, totals per status, periods, the report's shares and months; and their routes and strings.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import {
  checkRange, defaultHoursFrom, defaultReportRange, durationText, endsNextDay, entryTimeText, hoursDecimal, monthLabel,
  periodFilePart, periodText, pruneSelection, selectedRows, selectionState, share, spanMinutes, splitLabels, statusTotals,
  TABS, toggleAll, toggleSelected, volunteerLabel,
} from '../../ui/js/volunteer-model.js';
import { t } from '../../ui/js/i18n.js';
import zh from '../../ui/strings/zh-CN.js';
import en from '../../ui/strings/en.js';

// i18n.js reads localStorage only inside try/catch; in node the table is Chinese.
const tz = t;

test('durations are written like the core: 5 小时 15 分, 3 小时, 45 分, 0 分', () => {
  assert.equal(durationText(315, tz), '5 小时 15 分');
  assert.equal(durationText(180, tz), '3 小时');
  assert.equal(durationText(45, tz), '45 分');
  assert.equal(durationText(0, tz), '0 分');
  assert.equal(durationText(null, tz), '0 分');
  assert.equal(durationText(1439, tz), '23 小时 59 分');
  assert.equal(durationText(6000, tz), '100 小时', 'hours are not wrapped into days');
});

test('the page writes durations exactly as the core does (the cases of hours::format_minutes’ own test)', () => {
  const source = readFileSync(new URL('../../crates/ledger/src/hours/mod.rs', import.meta.url), 'utf8');
  const cases = [...source.matchAll(/assert_eq!\(format_minutes\((\d+)\), "([^"]+)"\)/g)];
  assert.ok(cases.length >= 4, 'found the core’s cases');
  for (const [, minutes, text] of cases) assert.equal(durationText(Number(minutes), tz), text);
});

test('decimal hours have two places and add up like the workbook', () => {
  assert.equal(hoursDecimal(315), '5.25');
  assert.equal(hoursDecimal(20), '0.33');
  assert.equal(hoursDecimal(0), '0.00');
  assert.equal(hoursDecimal(90), '1.50');
});

test('a span is end minus start; 次日结束 spans midnight; never 24 h or more', () => {
  assert.equal(spanMinutes('09:00', '11:30', false), 150);
  assert.equal(spanMinutes('22:00', '02:00', true), 240);
  assert.equal(spanMinutes('22:00', '02:00', false), null, 'end before start without 次日结束');
  assert.equal(spanMinutes('09:00', '09:00', false), null, 'no zero-length service');
  assert.equal(spanMinutes('09:00', '09:00', true), null, 'a full 24 h is refused');
  assert.equal(spanMinutes('09:00', '08:59', true), 1439);
  assert.equal(spanMinutes('09:00', '17:00', true), null, 'overnight past 24 h');
  assert.equal(spanMinutes('9:00', '11:00', false), null, 'times must be normalised first');
  assert.equal(endsNextDay('22:00', '02:00'), true);
  assert.equal(endsNextDay('09:00', '10:00'), false);
  assert.equal(endsNextDay('', '10:00'), false);
});

test('an overnight entry shows 次日 before its end time', () => {
  assert.equal(entryTimeText({ start_time: '09:00', end_time: '11:30', overnight: false }, tz), '09:00–11:30');
  assert.equal(entryTimeText({ start_time: '22:00', end_time: '02:00', overnight: true }, tz), '22:00–次日 02:00');
});

const rows = [
  { id: 1, status: '待审核', minutes: 60 },
  { id: 2, status: '已确认', minutes: 90 },
  { id: 3, status: '待审核', minutes: 30 },
  { id: 4, status: '已驳回', minutes: 45 },
  { id: 5, status: '待审核', minutes: 15 },
];

test('bulk review selects only pending entries; the header box selects or clears them all', () => {
  let selected = new Set();
  selected = toggleSelected(selected, 1);
  selected = toggleSelected(selected, 3);
  assert.deepEqual([...selected], [1, 3]);
  assert.equal(selectionState(selected, rows), 'some');
  selected = toggleSelected(selected, 3);
  assert.deepEqual([...selected], [1]);
  selected = toggleSelected(selected, 1, true);
  assert.deepEqual([...selected], [1], 'explicit on is idempotent');

  selected = toggleAll(selected, rows);
  assert.deepEqual([...selected].sort(), [1, 3, 5], 'confirmed and rejected entries are never selected');
  assert.equal(selectionState(selected, rows), 'all');
  selected = toggleAll(selected, rows);
  assert.deepEqual([...selected], []);
  assert.equal(selectionState(selected, rows), 'none');
  assert.equal(selectionState(new Set(), []), 'none');
  assert.deepEqual(toggleAll(new Set(), [{ id: 9, status: '已确认' }]), new Set(), 'nothing to select');
});

test('the selection keeps only entries still shown and still pending', () => {
  const before = new Set([1, 3, 5]);
  const after = rows.map((r) => (r.id === 3 ? { ...r, status: '已确认' } : r)).filter((r) => r.id !== 5);
  assert.deepEqual([...pruneSelection(before, after)], [1]);
  assert.deepEqual(selectedRows(new Set([5, 1]), rows).map((r) => r.id), [1, 5], 'in list order');
  // toggleSelected never changes the set it was given (the view compares old and new).
  const fixed = new Set([1]);
  toggleSelected(fixed, 2);
  assert.deepEqual([...fixed], [1]);
});

// The hours statuses as the core's vocabularies list them.
const HOURS_STATUSES = ['待审核', '已确认', '已驳回'];

test('totals per status count entries and minutes', () => {
  const totals = statusTotals(rows, HOURS_STATUSES);
  assert.deepEqual(totals['待审核'], { count: 3, minutes: 105 });
  assert.deepEqual(totals['已确认'], { count: 1, minutes: 90 });
  assert.deepEqual(totals['已驳回'], { count: 1, minutes: 45 });
  assert.deepEqual(totals.total, { count: 5, minutes: 240 });
  assert.deepEqual(statusTotals([], HOURS_STATUSES)['已确认'], { count: 0, minutes: 0 });
});

test('periods: defaults, checks and words', () => {
  assert.equal(defaultHoursFrom('2026-11-28'), '2026-09-01');
  assert.equal(defaultHoursFrom('2026-01-05'), '2025-11-01');
  assert.deepEqual(defaultReportRange('2026-11-28'), { from: '2026-01-01', to: '2026-11-28' });
  assert.deepEqual(checkRange('', '', tz), { from: null, to: null, problems: [] });
  assert.deepEqual(checkRange('2026-01-01', '2026-02-01', tz).problems, []);
  const reversed = checkRange('2026-03-01', '2026-02-01', tz).problems;
  assert.equal(reversed.length, 1);
  assert.equal(reversed[0].field, 'to');
  assert.match(reversed[0].message, /2026-02-01.*2026-03-01/);
  const bad = checkRange('2026-02-30', 'x', tz).problems;
  assert.deepEqual(bad.map((p) => p.field), ['from', 'to']);
  assert.match(bad[0].message, /2026-02-30/);
  assert.equal(periodText('2026-01-01', '2026-11-28', tz), '2026-01-01 至 2026-11-28');
  assert.equal(periodText('2026-01-01', null, tz), '2026-01-01 起');
  assert.equal(periodText(null, '2026-11-28', tz), '截至 2026-11-28');
  assert.equal(periodText(null, null, tz), '全部时间');
  assert.equal(periodFilePart('2026-01-01', '2026-11-28', tz), '2026-01-01至2026-11-28');
  assert.equal(periodFilePart(null, null, tz), '全部');
});

test('the report: months, shares and labels', () => {
  assert.equal(monthLabel('2026-11', tz), '2026年11月');
  assert.equal(monthLabel('2026-01', tz), '2026年1月');
  assert.equal(monthLabel('other', tz), 'other');
  assert.equal(share(45, 180), 25);
  assert.equal(share(1, 3), 33.3);
  assert.equal(share(5, 0), 0);
  assert.equal(volunteerLabel({ name: '张三', number: 'LH-00001' }, tz), '张三（LH-00001）');
  assert.deepEqual(splitLabels('开锁、配钥匙，开锁; 修鞋\n'), ['开锁', '配钥匙', '修鞋']);
  assert.deepEqual(splitLabels('  '), []);
});

test('routes: the four tabs and the ledger filtered by an activity or a volunteer', async () => {
  const { parseHash, volunteersHref } = await import('../../ui/js/router.js');
  assert.deepEqual(TABS, ['list', 'orgs', 'hours', 'report']);
  assert.deepEqual(parseHash('#/volunteers'), { name: 'volunteers', tab: 'list' });
  assert.deepEqual(parseHash('#/volunteers/report'), { name: 'volunteers', tab: 'report' });
  assert.deepEqual(parseHash('#/volunteers/nonsense'), { name: 'volunteers', tab: 'list' });
  assert.deepEqual(parseHash('#/volunteers/hours/activity/12'), { name: 'volunteers', tab: 'hours', activityId: 12 });
  assert.deepEqual(parseHash('#/volunteers/hours/volunteer/3'), { name: 'volunteers', tab: 'hours', volunteerId: 3 });
  assert.deepEqual(parseHash('#/volunteers/hours/activity/x'), { name: 'volunteers', tab: 'hours' });
  for (const href of [volunteersHref(), volunteersHref('orgs'), volunteersHref('hours', { activityId: 7 }), volunteersHref('hours', { volunteerId: 2 })]) {
    const route = parseHash(href);
    assert.equal(route.name, 'volunteers', href);
  }
  assert.equal(volunteersHref('hours', { activityId: 7 }), '#/volunteers/hours/activity/7');
});

test('every status and action of the core has a label in both languages', () => {
  const source = readFileSync(new URL('../../crates/ledger/migrations/0003_volunteers.sql', import.meta.url), 'utf8');
  const statuses = source.match(/status\s+TEXT NOT NULL CHECK \(status IN \(([^)]*)\)\)/)[1].match(/'([^']+)'/g).map((s) => s.slice(1, -1));
  const actions = source.match(/action\s+TEXT NOT NULL CHECK \(action IN \(([^)]*)\)\)/)[1].match(/'([^']+)'/g).map((s) => s.slice(1, -1));
  const kinds = source.match(/kind\s+TEXT NOT NULL CHECK \(kind IN \('智慧益仓商户'[^)]*\)\)/)[0].match(/'([^']+)'/g).map((s) => s.slice(1, -1));
  for (const [group, values] of [['hourStatus', statuses], ['hourAction', actions], ['orgKind', kinds]]) {
    for (const value of values) {
      assert.ok(zh[`${group}.${value}`], `zh ${group}.${value}`);
      assert.ok(en[`${group}.${value}`], `en ${group}.${value}`);
    }
  }
  assert.equal(en['duration.hm'].replace('{h}', 5).replace('{m}', 15), '5 h 15 min');
});
