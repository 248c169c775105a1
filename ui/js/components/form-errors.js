// Shows backend `invalid` errors under their inputs (.field-error[data-field]) and others in the form's general area.
import { html, setHtml } from '../html.js';
import { errorText } from './errors.js';

/** Removes every message shown by showErrors/showFieldError inside `root`. */
export function clearErrors(root) {
  for (const el of root.querySelectorAll('.field-error')) {
    el.textContent = '';
    el.hidden = true;
    el.closest('.field')?.classList.remove('has-error');
  }
  for (const el of root.querySelectorAll('[aria-invalid="true"]')) el.removeAttribute('aria-invalid');
  const general = root.querySelector('.form-error');
  if (general) {
    general.textContent = '';
    general.hidden = true;
  }
}

/** Puts `message` under the input of `field`; returns false when the form has no place for that field. */
export function showFieldError(root, field, message) {
  const slot = [...root.querySelectorAll('.field-error')].find((el) => el.dataset.field === field);
  if (!slot) return false;
  const previous = slot.textContent;
  slot.textContent = previous ? `${previous} ${message}` : message;
  slot.hidden = false;
  const wrap = slot.closest('.field');
  wrap?.classList.add('has-error');
  wrap?.querySelector('input:not([type=checkbox]):not([type=radio]), select, textarea')?.setAttribute('aria-invalid', 'true');
  return true;
}

/** Shows `error` inside `root`: field messages under their inputs, the rest in `.form-error`; focuses the first bad input. */
export function showErrors(root, error) {
  clearErrors(root);
  const unplaced = [];
  for (const { field, message } of error?.fields ?? []) {
    if (!showFieldError(root, field, message)) unplaced.push(message);
  }
  const general = root.querySelector('.form-error');
  if (general) {
    setHtml(general, html`${[errorText(error), ...unplaced].map((line) => html`<span class="form-error-line">${line}</span>`)}`);
    general.hidden = false;
  }
  const first = root.querySelector('.field.has-error input, .field.has-error select, .field.has-error textarea');
  (first ?? general)?.focus?.();
}
