// Unit tests of the backup section's pure helpers: the figures of a backup beside the current ones, when it was made,
// and the automatic-backup line.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { autoStatus, COUNT_KEYS, countRows, madeAt, shortTime } from '../../ui/js/backup-model.js';
import zh from '../../ui/strings/zh-CN.js';
import en from '../../ui/strings/en.js';

const counts = { households: 300, residents: 812, activities: 40, volunteers: 35, hour_entries: 120, services: 18, projects: 14 };

test('every figure has its label in both languages', () => {
  for (const key of COUNT_KEYS) {
    assert.ok(zh[`backup.count.${key}`], key);
    assert.ok(en[`backup.count.${key}`], key);
  }
});

test('figures of the backup beside the current data, marking what differs', () => {
  const rows = countRows({ counts, current: { ...counts, households: 302 } });
  assert.deepEqual(rows.map((r) => r.key), COUNT_KEYS);
  assert.deepEqual(rows[0], { key: 'households', backup: 300, current: 302, differs: true });
  assert.deepEqual(rows[1], { key: 'residents', backup: 812, current: 812, differs: false });
  const alone = countRows({ counts: { households: 2 }, current: null });
  assert.deepEqual(alone[0], { key: 'households', backup: 2, current: null, differs: false });
  assert.equal(alone[6].backup, 0, 'an older backup without projects shows 0');
});

test('when a backup was made: its own stamp, else the file time, else nothing', () => {
  assert.deepEqual(madeAt({ created_at: '2026-11-29 09:30:12', modified: '2026-12-01 10:00:00' }), { time: '2026-11-29 09:30', fromFile: false });
  assert.deepEqual(madeAt({ created_at: null, modified: '2026-12-01 10:00:00' }), { time: '2026-12-01 10:00', fromFile: true });
  assert.equal(madeAt({}), null);
  assert.equal(shortTime(null), '');
});

test('the automatic-backup line', () => {
  assert.equal(autoStatus(null).key, 'common.loading');
  assert.equal(autoStatus({ newest_at: null, count: 0 }).key, 'backup.autoNone');
  assert.deepEqual(autoStatus({ newest_at: '2026-11-29 17:30:05', count: 9 }), { key: 'backup.autoLast', params: { time: '2026-11-29 17:30', count: 9 } });
});
