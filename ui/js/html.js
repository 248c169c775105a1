// Escaping tagged template `html`: every interpolated value is escaped unless it is an Html value or raw().
const ESCAPES = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Markup that is already safe: produced by `html` or explicitly trusted with `raw`. */
export class Html {
  constructor(markup) {
    this.markup = markup;
  }
  toString() {
    return this.markup;
  }
}

/** Escapes & < > " ' (whole code points are kept: nothing is sliced). */
export function escapeHtml(value) {
  return String(value).replace(/[&<>"']/g, (c) => ESCAPES[c]);
}

function render(value) {
  if (value === null || value === undefined || value === false) return '';
  if (value instanceof Html) return value.markup;
  if (Array.isArray(value)) return value.map(render).join('');
  return escapeHtml(value);
}

/** Tagged template: html`<p>${text}</p>` → Html. Arrays are joined, nested Html is kept as is. */
export function html(strings, ...values) {
  let out = strings[0];
  for (let i = 0; i < values.length; i += 1) {
    out += render(values[i]) + strings[i + 1];
  }
  return new Html(out);
}

/** Trusted markup, inserted without escaping. Use only for constant strings written in this code base. */
export function raw(markup) {
  return new Html(String(markup));
}

/** Replaces the content of `el` with `content`, which must be an Html value. */
export function setHtml(el, content) {
  if (!(content instanceof Html)) throw new TypeError('setHtml expects an html`` value');
  el.innerHTML = content.markup;
}

/** Like setHtml, but gives focus back to the element with the same id when it is still there (re-renders). */
export function setHtmlKeepFocus(el, content) {
  const focusedId = el.contains(document.activeElement) ? document.activeElement.id : '';
  setHtml(el, content);
  if (!focusedId) return;
  const again = el.querySelector(`[id="${focusedId}"]`);
  if (again && !again.disabled) again.focus();
}
