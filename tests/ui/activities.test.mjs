// Unit tests of the activity pages' pure helpers: calendar dates, the month grid, typed dates and times,
// weekly repeats and their description, list order, line colours, sign-up sections; and their strings.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  addDays, addMonths, attendanceCount, describeRepeat, groupByDate, isTime, lineShort, lineTone, monthGrid,
  MAX_SESSIONS, normaliseDate, normaliseTime, parseCount, parseDate, sessionDates, sharedHouseholds, signupSections,
  splitByToday, startOfWeek, timeRange, viewRange, weekDays, weekdayIndex,
} from '../../ui/js/activity-model.js';
import { t } from '../../ui/js/i18n.js';
import { dateText, dateWithWeekday, signupText } from '../../ui/js/format.js';
import zh from '../../ui/strings/zh-CN.js';
import en from '../../ui/strings/en.js';

test('dates: real calendar days only, arithmetic across months, years and leap days', () => {
  assert.deepEqual(parseDate('2028-02-29'), { year: 2028, month: 2, day: 29 });
  assert.equal(parseDate('2027-02-29'), null);
  assert.equal(parseDate('2026-13-01'), null);
  assert.equal(parseDate('2026-1-01'), null);
  assert.equal(addDays('2026-12-31', 1), '2027-01-01');
  assert.equal(addDays('2028-03-01', -1), '2028-02-29');
  assert.equal(addDays('2026-03-29', 7), '2026-04-05', 'no daylight-saving shift');
  assert.equal(addMonths('2026-11-28', 1), '2026-12-01');
  assert.equal(addMonths('2026-12-15', 1), '2027-01-01');
  assert.equal(addMonths('2026-01-31', -1), '2025-12-01');
});

test('weeks start on Monday', () => {
  assert.equal(weekdayIndex('2026-11-30'), 0, 'Monday');
  assert.equal(weekdayIndex('2026-12-01'), 1, 'Tuesday');
  assert.equal(weekdayIndex('2026-11-01'), 6, 'Sunday');
  assert.equal(startOfWeek('2026-11-01'), '2026-10-26');
  assert.equal(startOfWeek('2026-11-30'), '2026-11-30');
  assert.deepEqual(weekDays('2026-11-28'), ['2026-11-23', '2026-11-24', '2026-11-25', '2026-11-26', '2026-11-27', '2026-11-28', '2026-11-29']);
});

test('the month grid covers whole weeks around the month', () => {
  const nov = monthGrid('2026-11-28');
  assert.equal(nov.year, 2026);
  assert.equal(nov.month, 11);
  assert.equal(nov.from, '2026-10-26');
  assert.equal(nov.to, '2026-12-06');
  assert.equal(nov.weeks.length, 6);
  assert.ok(nov.weeks.every((w) => w.length === 7 && weekdayIndex(w[0]) === 0));
  assert.deepEqual(nov.weeks.flat().filter((d) => d.startsWith('2026-11')).length, 30);
  const feb = monthGrid('2027-02-10');
  assert.equal(feb.weeks.length, 4, 'February 2027 starts on a Monday and has exactly four weeks');
  assert.equal(feb.from, '2027-02-01');
  assert.equal(feb.to, '2027-02-28');
  assert.equal(monthGrid('2028-02-01').weeks.flat().filter((d) => d.startsWith('2028-02')).length, 29);
  assert.deepEqual(viewRange('month', '2026-11-05'), { from: '2026-10-26', to: '2026-12-06' });
  assert.deepEqual(viewRange('week', '2026-11-28'), { from: '2026-11-23', to: '2026-11-29' });
  assert.deepEqual(viewRange('list', '2026-11-28'), { from: null, to: null });
});

test('typed dates, times and numbers are tidied only when they clearly are ones', () => {
  assert.equal(normaliseDate('2026/12/1'), '2026-12-01');
  assert.equal(normaliseDate(' 2026.12.01 '), '2026-12-01');
  assert.equal(normaliseDate('2026年12月1日'), '2026-12-01');
  assert.equal(normaliseDate('２０２６－１２－０１'), '2026-12-01');
  assert.equal(normaliseDate('2026-02-30'), '2026-02-30', 'an impossible day is left for the core to explain');
  assert.equal(normaliseDate('下周二'), '下周二');
  assert.equal(normaliseDate(''), '');
  assert.equal(normaliseTime('9:00'), '09:00');
  assert.equal(normaliseTime('9：30'), '09:30');
  assert.equal(normaliseTime('14.30'), '14:30');
  assert.equal(normaliseTime('0930'), '09:30');
  assert.equal(normaliseTime('25:00'), '25:00');
  assert.equal(normaliseTime('上午九点'), '上午九点');
  assert.ok(isTime('09:00') && !isTime('9:00') && !isTime('24:00'));
  assert.equal(parseCount(''), null);
  assert.equal(parseCount(' 20 '), 20);
  assert.equal(parseCount('２０'), 20);
  assert.ok(Number.isNaN(parseCount('20人')));
  assert.ok(Number.isNaN(parseCount('-1')));
});

test('weekly sessions: N times or up to a date, every N weeks', () => {
  assert.deepEqual(sessionDates('2026-12-01', 1, { count: 3 }), ['2026-12-01', '2026-12-08', '2026-12-15']);
  assert.deepEqual(sessionDates('2026-12-01', 2, { until: '2027-01-12' }), ['2026-12-01', '2026-12-15', '2026-12-29', '2027-01-12']);
  assert.deepEqual(sessionDates('2026-12-01', 1, { until: '2026-11-30' }), []);
  assert.deepEqual(sessionDates('not a date', 1, { count: 3 }), []);
  assert.deepEqual(sessionDates('2026-12-01', 0, { count: 3 }), []);
  assert.equal(sessionDates('2026-12-01', 1, { until: '2030-12-31' }).length, MAX_SESSIONS, 'as many as the core makes up to a far date');
});

test('the repeat is explained in words, with the weekday from the strings table', () => {
  const base = { date: '2026-12-01', startTime: '09:00', endTime: '10:30', everyWeeks: 1 };
  assert.equal(describeRepeat({ ...base, count: 10 }, t), '每周二 09:00–10:30，共 10 次');
  assert.equal(describeRepeat({ ...base, everyWeeks: 2, count: 5 }, t), '每 2 周的周二 09:00–10:30，共 5 次');
  assert.equal(describeRepeat({ ...base, until: '2027-01-12' }, t), '每周二 09:00–10:30，到 2027-01-12 为止，共 7 次');
  assert.equal(describeRepeat({ ...base, startTime: '', endTime: '', count: 3 }, t), '每周二，共 3 次');
  assert.equal(describeRepeat({ ...base, date: '2026-13-01', count: 3 }, t), null);
  assert.equal(describeRepeat({ ...base, count: 0 }, t), null);
  assert.equal(describeRepeat({ ...base, until: '' }, t), null);
  const enT = (key, params) => en[key].replace(/\{(\w+)\}/g, (_, k) => String(params[k]));
  assert.equal(describeRepeat({ ...base, count: 10 }, enT), 'Every Tue 09:00–10:30, 10 times');
});

test('the list: upcoming from today in time order, past newest first', () => {
  const rows = [
    { id: 1, date: '2026-11-20', start_time: '09:00' },
    { id: 2, date: '2026-11-28', start_time: '14:00' },
    { id: 3, date: '2026-11-28', start_time: '09:00' },
    { id: 4, date: '2026-12-05', start_time: '09:00' },
    { id: 5, date: '2026-11-27', start_time: '19:00' },
    { id: 6, date: '2026-11-27', start_time: '08:00' },
  ];
  const { upcoming, past } = splitByToday(rows, '2026-11-28');
  assert.deepEqual(upcoming.map((r) => r.id), [3, 2, 4]);
  assert.deepEqual(past.map((r) => r.id), [5, 6, 1]);
  assert.deepEqual([...groupByDate(rows).get('2026-11-28')].map((r) => r.id), [3, 2]);
  assert.equal(timeRange('09:00', '10:30'), '09:00–10:30');
  assert.equal(timeRange('09:00', ''), '09:00');
});

test('lines have their colours; short names come before the dot', () => {
  assert.equal(lineTone('红引擎·在职党员'), 'red');
  assert.equal(lineTone('银力量·离退休党员'), 'silver');
  assert.equal(lineTone('青动力·两新组织'), 'green');
  assert.equal(lineTone('其他'), 'neutral');
  assert.equal(lineTone(null), 'neutral');
  assert.equal(lineShort('红引擎·在职党员'), '红引擎');
  assert.equal(lineShort('其他'), '其他');
});

test('sign-ups: sections, households with several people, the running count', () => {
  const signups = [
    { id: 1, household_id: 7, status: 'registered', attended: true },
    { id: 2, household_id: 7, status: 'registered', attended: null },
    { id: 3, household_id: 8, status: 'registered', attended: false },
    { id: 4, household_id: null, status: 'registered', attended: true },
    { id: 5, household_id: 9, status: 'waitlisted', position: 2 },
    { id: 6, household_id: 9, status: 'waitlisted', position: 1 },
    { id: 7, household_id: 7, status: 'cancelled' },
  ];
  const { registered, waitlisted, cancelled } = signupSections(signups);
  assert.deepEqual(registered.map((s) => s.id), [1, 2, 3, 4]);
  assert.deepEqual(waitlisted.map((s) => s.id), [6, 5]);
  assert.deepEqual(cancelled.map((s) => s.id), [7]);
  assert.deepEqual([...sharedHouseholds(registered)], [7]);
  assert.deepEqual(attendanceCount(signups), { present: 2, registered: 4 });
});

test('activity dates read as office staff write them', () => {
  assert.equal(dateText('2026-12-01', '2026-11-28'), '12月1日');
  assert.equal(dateText('2027-01-05', '2026-11-28'), '2027年1月5日');
  assert.equal(dateWithWeekday('2026-12-01', '2026-11-28'), '12月1日 周二');
  assert.equal(dateText('not a date', '2026-11-28'), 'not a date');
  assert.equal(signupText({ registered: 3, capacity: 20 }), '报名 3/20');
  assert.equal(signupText({ registered: 3, capacity: null }), '报名 3/不限');
});

test('keys built at run time exist in both languages', () => {
  const keys = [
    ...[0, 1, 2, 3, 4, 5, 6].map((i) => `weekday.${i}`),
    ...['list', 'month', 'week'].map((v) => `activities.view.${v}`),
    ...['month', 'week'].flatMap((v) => [`activities.prev.${v}`, `activities.next.${v}`]),
    ...['registered', 'waitlisted', 'cancelled'].map((s) => `signupStatus.${s}`),
  ];
  for (const key of keys) {
    assert.ok(zh[key], `zh ${key}`);
    assert.ok(en[key], `en ${key}`);
  }
  for (const line of ['红引擎·在职党员', '银力量·离退休党员', '青动力·两新组织', '其他']) assert.ok(en[`line.${line}`], `en line.${line}`);
  for (const mode of ['沉浸式', '快乐式', '专题式', '分享式']) assert.ok(en[`mode.${mode}`], `en mode.${mode}`);
});
