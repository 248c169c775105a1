// Unit tests of the project and care pages' pure helpers: status badges and progress, the milestone rows of the
// project form (add / remove / move keep typed values; blank rows are dropped; core error keys), and the care
// list's threshold, filtering and service helpers.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  addMilestone, countByStatus, isBlankRow, milestoneField, milestoneInputs, milestoneRow, milestoneRows, moveMilestone,
  progress, removeMilestone, sentKeys, statusTone, updateMilestone,
} from '../../ui/js/project-model.js';
import { daysOver, filterCare, householdHits, parseThreshold, pickVolunteers, providerNames, serviceTone, sortOpen } from '../../ui/js/care-model.js';
import { normaliseDate } from '../../ui/js/activity-model.js';

test('status tones and progress', () => {
  assert.equal(statusTone('on_track'), 'ontrack');
  assert.equal(statusTone('late'), 'late');
  assert.equal(statusTone('done'), 'done');
  assert.equal(statusTone('anything'), 'ontrack');
  assert.deepEqual(progress({ milestones_done: 2, milestones_total: 5 }), { done: 2, total: 5, percent: 40 });
  assert.deepEqual(progress({ milestones_done: 0, milestones_total: 0 }), { done: 0, total: 0, percent: 0 });
  assert.deepEqual(progress({ milestones_done: 7, milestones_total: 3 }), { done: 3, total: 3, percent: 100 }, 'never over 100%');
  assert.deepEqual(countByStatus([{ status: 'late' }, { status: 'late' }, { status: 'done' }, { status: 'on_track' }]), { on_track: 1, late: 2, done: 1 });
});

test('milestone rows: a new project starts with one empty row; saved ones keep their ids', () => {
  const fresh = milestoneRows([]);
  assert.equal(fresh.length, 1);
  assert.ok(isBlankRow(fresh[0]));
  const saved = milestoneRows([{ id: 7, title: '入户摸底', due_on: '2026-03-31', done_on: null }]);
  assert.deepEqual({ ...saved[0], key: 'k' }, { key: 'k', id: 7, title: '入户摸底', due_on: '2026-03-31', done_on: '' });
  assert.ok(!isBlankRow(saved[0]));
  assert.ok(!isBlankRow({ ...milestoneRow({ id: 3 }) }), 'a saved milestone emptied by the user is still sent (the core names the problem)');
});

test('milestone rows: add after a row, remove, change and move keep the other rows as typed', () => {
  let rows = milestoneRows([{ id: 1, title: 'A', due_on: '2026-01-31' }, { id: 2, title: 'B', due_on: '2026-02-28' }]);
  const [a, b] = rows;
  rows = addMilestone(rows, a.key);
  assert.deepEqual(rows.map((r) => r.title), ['A', '', 'B'], 'inserted after A');
  const added = rows[1];
  rows = updateMilestone(rows, added.key, { title: '中期评估', due_on: '2026/2/15' });
  rows = addMilestone(rows);
  assert.deepEqual(rows.map((r) => r.title), ['A', '中期评估', 'B', '']);
  rows = moveMilestone(rows, b.key, -1);
  assert.deepEqual(rows.map((r) => r.title), ['A', 'B', '中期评估', '']);
  assert.equal(moveMilestone(rows, a.key, -1), rows, 'the first row cannot move up');
  assert.equal(moveMilestone(rows, rows[3].key, 1), rows, 'the last row cannot move down');
  rows = removeMilestone(rows, a.key);
  assert.deepEqual(rows.map((r) => r.id), [2, null, null]);
  assert.deepEqual(milestoneInputs(rows, normaliseDate), [
    { id: 2, title: 'B', due_on: '2026-02-28', done_on: null },
    { id: null, title: '中期评估', due_on: '2026-02-15', done_on: null },
  ], 'the blank last row is not sent; dates are tidied');
  assert.deepEqual(sentKeys(rows), [rows[0].key, rows[1].key]);
  const done = updateMilestone(rows, b.key, { done_on: '2026年3月2日' });
  assert.equal(milestoneInputs(done, normaliseDate)[0].done_on, '2026-03-02');
});

test('milestone error keys from the core', () => {
  assert.deepEqual(milestoneField('milestones[2].due_on'), { index: 2, name: 'due_on' });
  assert.deepEqual(milestoneField('milestones.0.title'), { index: 0, name: 'title' });
  assert.deepEqual(milestoneField('milestones.3'), { index: 3, name: null });
  assert.equal(milestoneField('milestones'), null);
  assert.equal(milestoneField('name'), null);
});

const CARE = [
  { household_id: 1, address: '1栋1单元101', building_head: '王楼长', overdue: true, days_since: null,
    people: [{ name: '张秀英', needs: ['独居', '高龄 86 岁'] }] },
  { household_id: 2, address: '2栋1单元302', building_head: null, overdue: true, days_since: 45,
    people: [{ name: '李建国', needs: ['残疾（肢体二级）'] }] },
  { household_id: 3, address: '3栋2单元501', building_head: '赵楼长', overdue: false, days_since: 12,
    people: [{ name: '刘桂兰', needs: ['低保'] }] },
];

test('the care threshold and filters', () => {
  assert.equal(parseThreshold('30'), 30);
  assert.equal(parseThreshold(' ４５ '), 45, 'full-width digits');
  assert.ok(Number.isNaN(parseThreshold('0')));
  assert.ok(Number.isNaN(parseThreshold('366')));
  assert.ok(Number.isNaN(parseThreshold('三十')));
  assert.ok(Number.isNaN(parseThreshold('')));
  assert.equal(daysOver(CARE[1], 30), 15);
  assert.equal(daysOver(CARE[2], 30), null);
  assert.equal(daysOver(CARE[0], 30), null, 'never visited is not a number of days over');
  assert.deepEqual(filterCare(CARE, { overdueOnly: true }).map((h) => h.household_id), [1, 2]);
  assert.deepEqual(filterCare(CARE, { query: '低保' }).map((h) => h.household_id), [3]);
  assert.deepEqual(filterCare(CARE, { query: '王楼长' }).map((h) => h.household_id), [1]);
  assert.deepEqual(filterCare(CARE, { query: '2栋' }).map((h) => h.household_id), [2]);
  assert.deepEqual(filterCare(CARE, { overdueOnly: true, query: '刘' }), []);
  assert.equal(filterCare(CARE).length, 3);
});

test('services: provider names, tones, oldest open request first', () => {
  assert.deepEqual(providerNames({ organisation: '浏河家电维修部', volunteers: [{ name: '王芳' }, { name: '李强' }] }), ['浏河家电维修部', '王芳', '李强']);
  assert.deepEqual(providerNames({ organisation: null, volunteers: [] }), []);
  assert.equal(serviceTone('待处理'), 'open');
  assert.equal(serviceTone('已完成'), 'done');
  assert.equal(serviceTone('已取消'), 'gone');
  const open = sortOpen([{ id: 3, requested_on: '2026-11-20' }, { id: 1, requested_on: '2026-11-02' }, { id: 2, requested_on: '2026-11-20' }]);
  assert.deepEqual(open.map((s) => s.id), [1, 2, 3]);
});

test('the volunteer picker: matches name, number, organisation or skills; chosen ones first', () => {
  const list = [
    { id: 1, name: '王芳', number: 'LH-00001', organisation: null, skills: '理发' },
    { id: 2, name: '李强', number: 'LH-00002', organisation: '浏河家电维修部', skills: '家电维修' },
    { id: 3, name: '陈静', number: 'LH-00003', organisation: null, skills: '' },
  ];
  assert.deepEqual(pickVolunteers(list, '家电').map((v) => v.id), [2]);
  assert.deepEqual(pickVolunteers(list, 'lh-00003').map((v) => v.id), [3]);
  assert.deepEqual(pickVolunteers(list, '', new Set([3])).map((v) => v.id), [3, 1, 2]);
});

test('household search hits: one entry per household with the matching names', () => {
  const hits = [
    { id: 10, household_id: 5, name: '张三', address: '1栋1单元101' },
    { id: 11, household_id: 5, name: '张小三', address: '1栋1单元101' },
    { id: 12, household_id: 6, name: '张四', address: '1栋1单元102' },
  ];
  assert.deepEqual(householdHits(hits), [
    { id: 5, address: '1栋1单元101', names: ['张三', '张小三'] },
    { id: 6, address: '1栋1单元102', names: ['张四'] },
  ]);
});
