// The #toast live region: short success and error messages.
import { html, setHtml } from '../html.js';

let timer = null;
let wired = false;

/** Shows `message` for a few seconds; `tone` is 'success' or 'error'. */
export function toast(message, tone = 'success') {
  const region = document.getElementById('toast');
  if (!region) return;
  clearTimeout(timer);
  if (!wired) {
    // A click dismisses the message, so that it never hides what is under it for long.
    region.addEventListener('click', () => setHtml(region, html``));
    wired = true;
  }
  // The region itself stays in place (live regions must not be hidden); only its message comes and goes.
  setHtml(region, html`<div class="toast-message toast-${tone}">${message}</div>`);
  timer = setTimeout(() => setHtml(region, html``), tone === 'error' ? 8000 : 4000);
}
