// The #toast live region: short success and error messages.
import { html, setHtml } from '../html.js';

let timer = null;

/** Shows `message` for a few seconds; `tone` is 'success' or 'error'. */
export function toast(message, tone = 'success') {
  const region = document.getElementById('toast');
  if (!region) return;
  clearTimeout(timer);
  setHtml(region, html`<div class="toast-message toast-${tone}">${message}</div>`);
  region.hidden = false;
  timer = setTimeout(() => {
    region.hidden = true;
    setHtml(region, html``);
  }, tone === 'error' ? 8000 : 4000);
}
