// The frontend's layers, checked over the source: views and components never import api.js (they render state and
// report intents; ui/js/actions/ calls the core), and no view's mount function grows past 120 lines.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const JS = fileURLToPath(new URL('../../ui/js', import.meta.url));
const API = join(JS, 'api.js');
const MAX_MOUNT_LINES = 120;

function jsFiles(dir) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return jsFiles(path);
    return name.endsWith('.js') ? [path] : [];
  });
}

/** The module specifiers a source imports: static imports (with or without bindings), re-exports and import(). */
export function importedSpecifiers(source) {
  const found = [];
  const patterns = [
    /^\s*import\s+(?:[\w*{}\s,$]+?\s+from\s+)?['"]([^'"]+)['"]/gm,
    /^\s*export\s+(?:\*|\{[^}]*\})(?:\s+as\s+\w+)?\s+from\s+['"]([^'"]+)['"]/gm,
    /\bimport\s*\(\s*['"]([^'"]+)['"]\s*\)/g,
  ];
  for (const pattern of patterns) for (const m of source.matchAll(pattern)) found.push(m[1]);
  return found;
}

/**
 * The mount functions of a source (`function mount(`, `function mountHours(` …, exported or not) and the lines each
 * spans, from its declaration to the brace that closes its body (a plain count of { and }).
 */
export function mountSizes(source) {
  const lines = source.split('\n');
  const sizes = [];
  lines.forEach((line, start) => {
    const m = line.match(/^(?:export\s+)?(?:async\s+)?function\s+(mount\w*)\s*\(/);
    if (!m) return;
    let depth = 0;
    let opened = false;
    for (let i = start; i < lines.length; i += 1) {
      for (const c of lines[i]) {
        if (c === '{') {
          depth += 1;
          opened = true;
        } else if (c === '}') {
          depth -= 1;
        }
      }
      if (opened && depth <= 0) {
        sizes.push({ name: m[1], lines: i - start + 1 });
        return;
      }
    }
    sizes.push({ name: m[1], lines: lines.length - start });
  });
  return sizes;
}

test('the checks see what they look for', () => {
  assert.deepEqual(importedSpecifiers(`import * as api from '../api.js';\nimport { a, b } from "./x.js";\nimport './side.js';\n` +
    `export { c } from '../api.js';\nconst later = import('../api.js');`), ['../api.js', './x.js', './side.js', '../api.js', '../api.js']);
  const long = `export function mount(root) {\n${'  root.append(1);\n'.repeat(130)}  return { update() {} };\n}\n`;
  assert.deepEqual(mountSizes(long), [{ name: 'mount', lines: 133 }]);
  assert.deepEqual(mountSizes('function mountHours(p) {\n  if (p) { p(); }\n}\nfunction other() {}\n'), [{ name: 'mountHours', lines: 3 }]);
});

test('no view or component imports api.js: they go through ui/js/actions/', () => {
  const offenders = [];
  for (const dir of ['views', 'components']) {
    for (const file of jsFiles(join(JS, dir))) {
      for (const specifier of importedSpecifiers(readFileSync(file, 'utf8'))) {
        if (specifier.startsWith('.') && resolve(dirname(file), specifier) === API) offenders.push(relative(JS, file));
      }
    }
  }
  assert.deepEqual(offenders, []);
});

test(`no view's mount function is over ${MAX_MOUNT_LINES} lines`, () => {
  const views = jsFiles(join(JS, 'views'));
  const measured = views.flatMap((file) => mountSizes(readFileSync(file, 'utf8')).map((m) => ({ file: relative(JS, file), ...m })));
  assert.ok(measured.length >= 10, 'found the views’ mount functions');
  assert.deepEqual(measured.filter((m) => m.lines > MAX_MOUNT_LINES), []);
});
