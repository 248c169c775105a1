// Form field markup shared by every form: label, control, hint and a .field-error slot per backend field key.
import { html } from '../html.js';

const describedBy = (id) => `${id}-hint ${id}-error`;

/** A labelled field. `field` is the backend key used by `.field-error[data-field]`. */
export function field({ id, label, field: key, control, hint, required = false, wide = false }) {
  return html`<div class="field${wide ? ' field-wide' : ''}">
    <label class="field-label" for="${id}">${label}${required ? html`<span class="required" aria-hidden="true"> *</span>` : ''}</label>
    ${control}
    ${hint ? html`<p class="field-hint" id="${id}-hint">${hint}</p>` : ''}
    <p class="field-error" data-field="${key}" id="${id}-error" hidden></p>
  </div>`;
}

/** A field whose controls are a group (checkboxes, radios) rather than one input. */
export function fieldset({ legend, field: key, content, hint, wide = true, className = '' }) {
  return html`<fieldset class="field field-group${wide ? ' field-wide' : ''} ${className}">
    <legend class="field-label">${legend}</legend>
    ${content}
    ${hint ? html`<p class="field-hint">${hint}</p>` : ''}
    <p class="field-error" data-field="${key}" hidden></p>
  </fieldset>`;
}

export function textInput({ id, value = '', type = 'text', placeholder = '', required = false, autocomplete = 'off', inputmode = '', maxlength = '', disabled = false }) {
  return html`<input class="input" id="${id}" type="${type}" value="${value ?? ''}" placeholder="${placeholder}"
    autocomplete="${autocomplete}" ${inputmode ? html`inputmode="${inputmode}"` : ''} ${maxlength ? html`maxlength="${maxlength}"` : ''}
    ${required ? html`required aria-required="true"` : ''} ${disabled ? html`disabled` : ''} aria-describedby="${describedBy(id)}">`;
}

export function textArea({ id, value = '', rows = 3 }) {
  return html`<textarea class="input" id="${id}" rows="${rows}" aria-describedby="${describedBy(id)}">${value ?? ''}</textarea>`;
}

/** `choices` are `{ value, label }`; `blank` adds a first empty choice; a stored value missing from `choices` is kept. */
export function selectInput({ id, choices, value = '', blank = null, disabled = false }) {
  const current = value === null || value === undefined ? '' : String(value);
  const known = current === '' || choices.some((c) => String(c.value) === current);
  if (!known) choices = [...choices, { value: current, label: current }];
  return html`<select class="input" id="${id}" aria-describedby="${describedBy(id)}" ${disabled ? html`disabled` : ''}>
    ${blank !== null ? html`<option value="">${blank}</option>` : ''}
    ${choices.map((c) => html`<option value="${c.value}" ${String(c.value) === current ? html`selected` : ''}>${c.label}</option>`)}
  </select>`;
}

/** `choices` for a select from plain strings. */
export const plainChoices = (values, translate = (v) => v) => (values ?? []).map((v) => ({ value: v, label: translate(v) }));

/** Blank text becomes null (for optional `?` fields); anything else is sent exactly as typed. */
export const optionalText = (value) => (value.trim() === '' ? null : value);
