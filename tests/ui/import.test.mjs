// Unit tests of the import page's pure helpers and of file-name formatting.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { appliedColumns, columnLetter, FIELDS, rejectedRowCount } from '../../ui/js/import-model.js';
import { fileNameOf, localToday, safeFileName } from '../../ui/js/format.js';
import zh from '../../ui/strings/zh-CN.js';
import en from '../../ui/strings/en.js';

test('the column selects offer exactly the core’s Field values, each with a label in both languages', () => {
  const source = readFileSync(new URL('../../crates/ledger/src/register/import/columns.rs', import.meta.url), 'utf8');
  const body = source.match(/pub enum Field \{([^}]*)\}/)[1];
  const variants = body.split('\n').map((l) => l.trim()).filter((l) => /^[A-Z]\w*,?$/.test(l)).map((l) => l.replace(',', ''));
  const snake = variants.map((v) => v.replace(/[A-Z]/g, (c, i) => (i ? '_' : '') + c.toLowerCase()));
  assert.deepEqual([...FIELDS].sort(), snake.sort());
  for (const key of ['none', ...FIELDS]) {
    assert.ok(zh[`importField.${key}`], `zh importField.${key}`);
    assert.ok(en[`importField.${key}`], `en importField.${key}`);
  }
});

test('column letters are Excel’s', () => {
  assert.deepEqual([0, 1, 25, 26, 27, 51, 52, 701, 702].map(columnLetter), ['A', 'B', 'Z', 'AA', 'AB', 'AZ', 'BA', 'ZZ', 'AAA']);
});

test('corrections apply like the core: a field moves to the chosen column, the latest choice wins', () => {
  const detected = [
    { index: 0, header: '姓名', field: 'name' },
    { index: 1, header: '户主', field: 'head_name' },
    { index: 2, header: '籍贯', field: null },
  ];
  const fields = (cols) => cols.map((c) => c.field);
  assert.deepEqual(fields(appliedColumns(detected, [])), ['name', 'head_name', null]);
  assert.deepEqual(fields(appliedColumns(detected, [{ index: 2, field: 'name' }])), [null, 'head_name', 'name']);
  assert.deepEqual(fields(appliedColumns(detected, [{ index: 1, field: null }])), ['name', null, null]);
  const twice = [{ index: 2, field: 'notes' }, { index: 1, field: 'notes' }];
  assert.deepEqual(fields(appliedColumns(detected, twice)), ['name', 'notes', null]);
  // Applying the same corrections to an already corrected mapping changes nothing.
  const once = appliedColumns(detected, twice);
  assert.deepEqual(appliedColumns(once, twice), once);
  assert.equal(detected[0].field, 'name', 'the input is not changed');
});

test('rows with several problems count once', () => {
  const report = { rejected: [{ row: 5 }, { row: 8 }, { row: 8 }, { row: 12 }] };
  assert.equal(rejectedRowCount(report), 3);
  assert.equal(rejectedRowCount({ rejected: [] }), 0);
});

test('suggested file names: local date, no characters Windows refuses, last part of a path', () => {
  assert.equal(localToday(new Date(2026, 0, 5, 23, 59)), '2026-01-05');
  assert.equal(safeFileName('居民名单-浏河/东风:社区?-2026-01-05.xlsx'), '居民名单-浏河_东风_社区_-2026-01-05.xlsx');
  assert.equal(safeFileName('曹𠇔.pdf'), '曹𠇔.pdf');
  assert.equal(fileNameOf('C:\\Users\\社区\\Desktop\\登记表.xlsx'), '登记表.xlsx');
  assert.equal(fileNameOf('/home/a/登记表.csv'), '登记表.csv');
});
