// Unit tests of the 操作日志 page's pure helpers: the 修改内容 lines (field: before → after), the filter sent to the
// core and the paging text.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { auditFilter, changeLines, pageInfo, valueText } from '../../ui/js/audit-model.js';

test('a changed field renders as label: before → after, masked values kept as the core sent them', () => {
  const row = {
    before: { phone: '138****0001' },
    after: { phone: '139****0009' },
    changes: [
      { field: 'phone', label: '电话', before: '138****0001', after: '139****0009' },
      { field: 'moved_out_on', label: '迁出日期', before: null, after: '2026-11-20' },
      { field: 'is_volunteer', label: '', before: 0, after: 1 },
    ],
  };
  assert.deepEqual(changeLines(row), [
    { field: 'phone', label: '电话', before: '138****0001', after: '139****0009', added: false },
    { field: 'moved_out_on', label: '迁出日期', before: '—', after: '2026-11-20', added: false },
    { field: 'is_volunteer', label: 'is_volunteer', before: '0', after: '1', added: false },
  ]);
});

test('a new record lists its filled fields as added; a record without changes has no lines', () => {
  const lines = changeLines({ before: null, after: { room: '101' }, changes: [{ field: 'room', label: '房号', before: null, after: '101' }] });
  assert.equal(lines[0].added, true);
  assert.equal(lines[0].before, '—');
  assert.deepEqual(changeLines({ changes: [] }), []);
  assert.deepEqual(changeLines(undefined), []);
});

test('values: empty, booleans, lists and objects', () => {
  assert.equal(valueText(''), '—');
  assert.equal(valueText(null, { empty: '(empty)' }), '(empty)');
  assert.equal(valueText(true), '是');
  assert.equal(valueText(false, { no: 'no' }), 'no');
  assert.equal(valueText([3, 5]), '3、5');
  assert.equal(valueText([]), '—');
  assert.equal(valueText({ a: 1 }), '{"a":1}');
  assert.equal(valueText('<b>x</b>'), '<b>x</b>', 'escaping is the html tag’s job, not the model’s');
});

test('the filter drops blanks and the paging text counts from 1', () => {
  assert.deepEqual(auditFilter({ from: ' 2026-11-01 ', operator: '', query: '孔喆' }, 50), {
    from: '2026-11-01', to: null, operator: null, action: null, entity: null, query: '孔喆', limit: 50, offset: 50,
  });
  assert.deepEqual(pageInfo(120, 50), { first: 51, last: 100, total: 120, hasPrev: true, hasNext: true, prevOffset: 0, nextOffset: 100 });
  assert.deepEqual(pageInfo(0, 0), { first: 0, last: 0, total: 0, hasPrev: false, hasNext: false, prevOffset: 0, nextOffset: 0 });
});
