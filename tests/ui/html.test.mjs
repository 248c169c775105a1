// Unit tests of the html`` tag: everything interpolated is escaped unless it is Html.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { html, raw, escapeHtml } from '../../ui/js/html.js';

const s = (h) => String(h);

test('script and attribute breakers are escaped', () => {
  assert.equal(s(html`<p>${'<script>alert(1)</script>'}</p>`), '<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>');
  assert.equal(s(html`<a title="${'a"b\'c&d'}">`), '<a title="a&quot;b&#39;c&amp;d">');
  assert.equal(escapeHtml(`'); DROP TABLE residents;--`), '&#39;); DROP TABLE residents;--');
});

test('nested html is not escaped twice and arrays are joined', () => {
  const inner = html`<b>${'<i>'}</b>`;
  assert.equal(s(html`<p>${inner}</p>`), '<p><b>&lt;i&gt;</b></p>');
  assert.equal(s(html`<ul>${['<a>', html`<li>${'&'}</li>`]}</ul>`), '<ul>&lt;a&gt;<li>&amp;</li></ul>');
});

test('characters outside the BMP survive whole', () => {
  assert.equal(s(html`<td>${'曹𠇔'}</td>`), '<td>曹𠇔</td>');
  assert.equal([...s(html`${'𠇔'}`)].length, 1);
});

test('empty values render as nothing, zero as 0; raw is explicit', () => {
  assert.equal(s(html`${0}|${null}|${undefined}|${false}`), '0|||');
  assert.equal(s(html`${raw('<br>')}`), '<br>');
  assert.equal(s(html`${{ toString: () => '<x>' }}`), '&lt;x&gt;');
});
