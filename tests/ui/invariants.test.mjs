// The frontend's invariants, checked over the source: one strings table per language with
// the same keys, every t('key') defined, invoke only in api.js, nothing from the network.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import zh from '../../ui/strings/zh-CN.js';
import en from '../../ui/strings/en.js';

const UI = fileURLToPath(new URL('../../ui', import.meta.url));

function files(dir, ext) {
  return readdirSync(dir).flatMap((name) => {
    const path = `${dir}/${name}`;
    if (statSync(path).isDirectory()) return name === 'fonts' ? [] : files(path, ext);
    return ext.some((e) => name.endsWith(e)) ? [path] : [];
  });
}

// Translations of data values (relations, care kinds, activity lines and learning modes …) exist only where English needs them.
const isDataValueKey = (k) => /^(sex|care|relation|political|disability|line|mode)\.[^a-zA-Z]/.test(k);

test('zh-CN and en have the same interface keys', () => {
  assert.deepEqual(Object.keys(zh).filter((k) => !(k in en)), []);
  assert.deepEqual(Object.keys(en).filter((k) => !(k in zh) && !isDataValueKey(k)), []);
});

test("every static t('key') in the code is defined in Chinese", () => {
  const used = new Set();
  for (const file of files(`${UI}/js`, ['.js'])) {
    for (const m of readFileSync(file, 'utf8').matchAll(/\bt\('([a-zA-Z0-9_.]+)'/g)) used.add(m[1]);
  }
  assert.ok(used.size > 50, 'found the t() calls');
  assert.deepEqual([...used].filter((k) => !(k in zh)), []);
});

test('only api.js calls invoke', () => {
  const callers = files(`${UI}/js`, ['.js']).filter((f) => /\binvoke\s*\(/.test(readFileSync(f, 'utf8')));
  assert.deepEqual(callers.map((f) => f.slice(UI.length)), ['/js/api.js']);
});

test('nothing loads from the network and no inline script or style', () => {
  for (const file of files(UI, ['.js', '.html', '.css'])) {
    const text = readFileSync(file, 'utf8');
    assert.doesNotMatch(text, /https?:\/\//, `${file} names a remote URL`);
    if (file.endsWith('.html')) {
      assert.doesNotMatch(text, /<script(?![^>]*\bsrc=)[^>]*>/, `${file} has an inline script`);
      assert.doesNotMatch(text, /\son\w+=|\sstyle=/, `${file} has inline handlers or styles`);
    }
  }
});
