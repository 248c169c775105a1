// Names and notes that hold markup, SQL, emoji, rare characters or 10,000 characters are shown
// exactly as typed: the html tag escapes them, and what a browser shows for the escaped markup
// is the very same text. Nothing in the frontend inserts markup any other way.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { html } from '../../ui/js/html.js';

const FAMILY = '👨\u200D👩\u200D👧';
const HOSTILE = [
  "'; DROP TABLE residents; --",
  '<script>alert(1)</script>',
  '<img src=x onerror=alert(1)>',
  '"><svg onload=alert(1)>',
  "' onmouseover='alert(1)",
  '</td></tr></table><b>粗体</b>',
  '&lt;b&gt; &amp; &#39; &#x3C;',
  '${1+1} {{name}} %s',
  `孔${FAMILY}`,
  '曹𠇔',
  '\u202Bمريم\u202C',
  '王\u200B五',
  'javascript:alert(1)',
];
const PIECE = `星河社区𠇔${FAMILY}<b>&'"'; DROP TABLE residents; --\n<img src=x onerror=alert(1)>`;
const LONG = [...PIECE.repeat(300)].slice(0, 10000).join('');

/** What a browser shows for escaped text: each entity the tag writes, read back once. */
function shown(markup) {
  const entities = { amp: '&', lt: '<', gt: '>', quot: '"', '#39': "'" };
  return markup.replace(/&(amp|lt|gt|quot|#39);/g, (_, name) => entities[name]);
}

test('the long text really is 10,000 characters', () => {
  assert.equal([...LONG].length, 10000);
});

test('in element content nothing becomes markup, and what is shown is exactly what was typed', () => {
  for (const text of [...HOSTILE, LONG]) {
    const out = String(html`<td class="name">${text}</td>`);
    const inner = out.slice('<td class="name">'.length, -'</td>'.length);
    assert.ok(!/[<>"']/.test(inner), `unescaped markup in ${inner.slice(0, 60)}`);
    assert.equal(shown(inner), text);
    assert.equal([...shown(inner)].length, [...text].length, 'no character is split or lost');
  }
});

test('in attribute values no quote can close the attribute', () => {
  for (const text of [...HOSTILE, LONG]) {
    const out = String(html`<tr data-name="${text}" title='${text}'>`);
    const [, double, single] = out.match(/^<tr data-name="([^"]*)" title='([^']*)'>$/s) ?? [];
    assert.equal(shown(double ?? ''), text);
    assert.equal(shown(single ?? ''), text);
  }
});

test('lists of hostile names are escaped item by item', () => {
  const rows = html`<ul>${HOSTILE.map((name) => html`<li>${name}</li>`)}</ul>`;
  const items = [...String(rows).matchAll(/<li>(.*?)<\/li>/gs)].map((m) => shown(m[1]));
  assert.deepEqual(items, HOSTILE);
});

const UI = fileURLToPath(new URL('../../ui/js', import.meta.url));
const sources = (dir) =>
  readdirSync(dir).flatMap((name) => {
    const path = `${dir}/${name}`;
    return statSync(path).isDirectory() ? sources(path) : path.endsWith('.js') ? [path] : [];
  });

test('markup is only ever inserted through the html tag', () => {
  const offenders = sources(UI)
    .filter((file) => !file.endsWith('/html.js'))
    .filter((file) => /innerHTML|outerHTML|insertAdjacentHTML|document\.write|\braw\(/.test(readFileSync(file, 'utf8')));
  assert.deepEqual(offenders.map((f) => f.slice(UI.length)), []);
});
