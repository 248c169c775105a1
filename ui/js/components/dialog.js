// Modal dialogs: a form dialog that stays open on errors, and a confirmation dialog (optionally asking a date).
import { html, setHtml } from '../html.js';
import { t } from '../i18n.js';
import { clearErrors, showErrors } from './form-errors.js';
import { field, textInput } from './fields.js';

let counter = 0;

/** Returned by a form dialog's `onSubmit` to leave the dialog open without an error (e.g. a file dialog was cancelled). */
export const KEEP_OPEN = Symbol('keep the dialog open');

/**
 * Opens a modal form. `onSubmit(form)` may throw `{ kind, message, fields }`: the dialog then shows the
 * errors and stays open with the typed values; returning KEEP_OPEN also keeps it open.
 * Resolves with onSubmit's result, or null when cancelled.
 */
export function openFormDialog({ title, body, submitId, cancelId, submitLabel, cancelLabel, tone = 'primary', wide = false, onReady, onSubmit }) {
  counter += 1;
  const titleId = `dialog-title-${counter}`;
  const opener = document.activeElement;
  const dialog = document.createElement('dialog');
  dialog.className = wide ? 'dialog dialog-wide' : 'dialog';
  dialog.setAttribute('aria-labelledby', titleId);
  setHtml(dialog, html`<form class="dialog-form" novalidate>
    <h2 class="dialog-title" id="${titleId}">${title}</h2>
    <div class="dialog-body">${body}</div>
    <div class="dialog-footer">
      <p class="form-error" role="alert" tabindex="-1" hidden></p>
      <div class="dialog-actions">
        <button type="button" class="button" ${cancelId ? html`id="${cancelId}"` : ''} data-dialog-cancel>${cancelLabel ?? t('action.cancel')}</button>
        <button type="submit" class="button button-${tone}" ${submitId ? html`id="${submitId}"` : ''}>${submitLabel ?? t('action.save')}</button>
      </div>
    </div>
  </form>`);
  document.body.append(dialog);
  const form = dialog.querySelector('form');
  const submit = form.querySelector('button[type=submit]');

  return new Promise((resolve) => {
    let busy = false;
    let result = null;
    // However the dialog closes (our buttons, or the browser forcing Escape), it is removed and the promise settles.
    dialog.addEventListener('close', () => {
      dialog.remove();
      if (opener && opener.isConnected) opener.focus();
      resolve(result);
    });
    const finish = (value) => {
      result = value;
      dialog.close();
    };
    form.querySelector('[data-dialog-cancel]').addEventListener('click', () => {
      if (!busy) finish(null);
    });
    dialog.addEventListener('cancel', (event) => {
      event.preventDefault();
      if (!busy) finish(null);
    });
    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      if (busy) return;
      busy = true;
      submit.disabled = true;
      form.setAttribute('aria-busy', 'true');
      clearErrors(form);
      try {
        const result = await onSubmit(form);
        if (result !== KEEP_OPEN) finish(result ?? true);
      } catch (error) {
        showErrors(form, error);
      } finally {
        busy = false;
        submit.disabled = false;
        form.removeAttribute('aria-busy');
      }
    });
    onReady?.(form);
    dialog.showModal();
    form.querySelector('.dialog-body input:not([type=hidden]), .dialog-body select, .dialog-body textarea')?.focus();
  });
}

/**
 * Asks before doing something. With `date`, the dialog has a date input (`#confirm-date`, field key `date`).
 * `onConfirm({ date })` runs the action; its errors are shown in the dialog. Resolves true when done.
 */
export function confirmAction({ title, message, confirmLabel, cancelLabel, tone = 'danger', date = null, onConfirm }) {
  const body = html`<p class="dialog-message">${message}</p>
    ${date ? field({ id: 'confirm-date', label: date.label, field: 'date', required: date.required, hint: date.hint,
      control: textInput({ id: 'confirm-date', type: 'date', value: date.value ?? '', required: date.required }) }) : ''}`;
  return openFormDialog({
    title,
    body,
    submitId: 'confirm-ok',
    cancelId: 'confirm-cancel',
    submitLabel: confirmLabel,
    cancelLabel,
    tone,
    onSubmit: async (form) => {
      const value = form.querySelector('#confirm-date')?.value ?? '';
      if (date?.required && value === '') {
        throw { kind: 'invalid', message: t('form.checkFields'), fields: [{ field: 'date', message: t('form.dateRequired') }] };
      }
      await onConfirm({ date: value === '' ? null : value });
      return true;
    },
  });
}

/**
 * A message with one button (e.g. a warning after a job is done). `body` is Html; an in-app link (#/…) in it
 * closes the dialog on its way; `id` names the dialog element. Resolves when closed (the dialog is then removed).
 */
export function showNotice({ title, body, okLabel, okId = 'notice-ok', tone = 'primary', wide = false, id = '' }) {
  counter += 1;
  const titleId = `dialog-title-${counter}`;
  const opener = document.activeElement;
  const dialog = document.createElement('dialog');
  dialog.className = wide ? 'dialog dialog-wide' : 'dialog';
  if (id) dialog.id = id;
  dialog.setAttribute('aria-labelledby', titleId);
  setHtml(dialog, html`<div class="dialog-form">
    <h2 class="dialog-title" id="${titleId}">${title}</h2>
    <div class="dialog-body">${body}</div>
    <div class="dialog-footer">
      <div class="dialog-actions">
        <button type="button" class="button button-${tone}" id="${okId}">${okLabel ?? t('action.ok')}</button>
      </div>
    </div>
  </div>`);
  document.body.append(dialog);
  return new Promise((resolve) => {
    dialog.addEventListener('close', () => {
      dialog.remove();
      if (opener && opener.isConnected) opener.focus();
      resolve(true);
    });
    dialog.querySelector(`[id="${okId}"]`).addEventListener('click', () => dialog.close());
    dialog.querySelector('.dialog-body').addEventListener('click', (event) => {
      if (event.target.closest('a[href^="#/"]')) dialog.close();
    });
    dialog.showModal();
    dialog.querySelector(`[id="${okId}"]`).focus();
  });
}

/**
 * Asks which of a few ways to go on: one large button per choice (`{ id, label, note?, value }`) and 取消.
 * Resolves with the chosen value, or null when cancelled.
 */
export function chooseAction({ title, message, choices, cancelId = 'choice-cancel' }) {
  counter += 1;
  const titleId = `dialog-title-${counter}`;
  const opener = document.activeElement;
  const dialog = document.createElement('dialog');
  dialog.className = 'dialog';
  dialog.setAttribute('aria-labelledby', titleId);
  setHtml(dialog, html`<div class="dialog-form">
    <h2 class="dialog-title" id="${titleId}">${title}</h2>
    <div class="dialog-body">
      ${message ? html`<p class="dialog-message">${message}</p>` : ''}
      <div class="choices">${choices.map((c, i) => html`<button type="button" class="button button-big choice" id="${c.id}" data-choice="${i}">
        <span class="button-big-title">${c.label}</span>${c.note ? html`<span class="button-big-note">${c.note}</span>` : ''}</button>`)}</div>
    </div>
    <div class="dialog-footer">
      <div class="dialog-actions">
        <button type="button" class="button" id="${cancelId}">${t('action.cancel')}</button>
      </div>
    </div>
  </div>`);
  document.body.append(dialog);
  return new Promise((resolve) => {
    let result = null;
    dialog.addEventListener('close', () => {
      dialog.remove();
      if (opener && opener.isConnected) opener.focus();
      resolve(result);
    });
    dialog.addEventListener('click', (event) => {
      const choice = event.target.closest('[data-choice]');
      if (choice) result = choices[Number(choice.dataset.choice)].value;
      if (choice || event.target.closest(`[id="${cancelId}"]`)) dialog.close();
    });
    dialog.showModal();
    dialog.querySelector('[data-choice]')?.focus();
  });
}
