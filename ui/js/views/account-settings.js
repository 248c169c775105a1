// The settings page's account sections: 操作员 (administrators: the operators with their role, 启用/停用 and last
// login; add one; 编辑 changes the role, 启用/停用, or resets the password), 自动锁定 (the idle minutes; only
// administrators change them) and 修改我的密码 (everyone, for themselves).
import { html, setHtml } from '../html.js';
import { t } from '../i18n.js';
import { changeOwnPassword, listOperators, saveOperator, setIdleLockMinutes } from '../actions/operators.js';
import { getState, setState } from '../store.js';
import { IDLE_MAX, IDLE_MIN, loginTime, NAME_MAX, PASSWORD_MIN, parseIdleMinutes, passwordProblems, ROLES, sortOperators } from '../roles.js';
import { openFormDialog } from '../components/dialog.js';
import { errorText } from '../components/errors.js';
import { clearErrors, showErrors } from '../components/form-errors.js';
import { field, selectInput, textInput } from '../components/fields.js';
import { toast } from '../components/toast.js';

const checkFields = (fields) => ({ kind: 'invalid', message: t('form.checkFields'), fields });
const roleChoices = () => ROLES.map((role) => ({ value: role, label: t(`role.${role}`) }));

export const adminOnlyNote = (id) => html`<p class="admin-only-note" id="${id}">${t('settings.adminOnly')}</p>`;

// ---- 操作员 ----

function operatorRow(op, me) {
  const mine = op.id === me;
  return html`<tr data-id="${op.id}" class="${op.active ? '' : 'is-gone'}">
    <th scope="row" class="nowrap">${op.name}${mine ? html` <span class="muted">${t('operators.me')}</span>` : ''}</th>
    <td class="nowrap">${t(`role.${op.role}`)}</td>
    <td class="nowrap">${op.active ? t('operators.active') : html`<span class="badge badge-gone">${t('operators.inactive')}</span>`}</td>
    <td class="nowrap">${loginTime(op.last_login_at) ?? html`<span class="muted">${t('operators.never')}</span>`}</td>
    <td>${mine ? html`<span class="muted">${t('operators.selfHint')}</span>`
      : html`<button type="button" class="button button-small op-edit" id="op-edit-${op.id}" data-id="${op.id}"
        aria-label="${t('operators.editOf', { name: op.name })}">${t('operators.edit')}</button>`}</td>
  </tr>`;
}

function operatorsTable(rows, me) {
  if (!rows.length) return html`<p class="empty">${t('operators.none')}</p>`;
  return html`<div class="table-wrap"><table class="table operators-table" id="operators-table">
    <caption class="visually-hidden">${t('operators.title')}</caption>
    <thead><tr><th scope="col">${t('operators.colName')}</th><th scope="col">${t('operators.colRole')}</th>
      <th scope="col">${t('operators.colStatus')}</th><th scope="col">${t('operators.colLastLogin')}</th>
      <th scope="col"><span class="visually-hidden">${t('operators.colActions')}</span></th></tr></thead>
    <tbody>${sortOperators(rows).map((op) => operatorRow(op, me))}</tbody>
  </table></div>`;
}

function operatorsMarkup() {
  return html`<section class="card" id="operators-settings">
    <h2 class="section-title">${t('operators.title')}</h2>
    <p class="section-note">${t('operators.note')}</p>
    <div id="operators-list" aria-live="polite"><p class="empty">${t('common.loading')}</p></div>
    <h3 class="sub-title">${t('operators.addTitle')}</h3>
    <form class="inline-form" id="operator-add-form" novalidate>
      ${field({ id: 'op-name', label: t('operators.name'), field: 'name', required: true,
        control: textInput({ id: 'op-name', required: true, maxlength: NAME_MAX }) })}
      ${field({ id: 'op-role', label: t('operators.role'), field: 'role',
        control: selectInput({ id: 'op-role', value: 'staff', choices: roleChoices() }) })}
      ${field({ id: 'op-password', label: t('operators.password'), field: 'password', required: true, hint: t('operators.passwordHint', { min: PASSWORD_MIN }),
        control: textInput({ id: 'op-password', type: 'password', required: true, autocomplete: 'new-password' }) })}
      <button type="submit" class="button button-primary" id="op-add">${t('operators.add')}</button>
      <p class="form-error" role="alert" tabindex="-1" hidden></p>
    </form>
  </section>`;
}

/** 编辑: role, 启用/停用 and an optional new password (a reset). Resolves true when saved. */
function openOperatorDialog(op) {
  return openFormDialog({
    title: t('operators.editTitle', { name: op.name }),
    body: html`${field({ id: 'op-edit-role', label: t('operators.role'), field: 'role',
        control: selectInput({ id: 'op-edit-role', value: op.role, choices: roleChoices() }) })}
      <div class="field">
        <label class="check" for="op-edit-active">
          <input type="checkbox" id="op-edit-active" aria-describedby="op-edit-active-hint" ${op.active ? html`checked` : ''}>
          <span>${t('operators.activeLabel')}</span>
        </label>
        <p class="field-hint" id="op-edit-active-hint">${t('operators.activeHint')}</p>
        <p class="field-error" data-field="active" hidden></p>
      </div>
      ${field({ id: 'op-edit-password', label: t('operators.resetPassword'), field: 'password',
        hint: t('operators.resetHint', { min: PASSWORD_MIN }),
        control: textInput({ id: 'op-edit-password', type: 'password', autocomplete: 'new-password' }) })}`,
    submitId: 'op-edit-save',
    cancelId: 'op-edit-cancel',
    onSubmit: async (form) => {
      const password = form.querySelector('#op-edit-password').value;
      await saveOperator({
        id: op.id,
        name: op.name,
        role: form.querySelector('#op-edit-role').value,
        active: form.querySelector('#op-edit-active').checked,
        password: password === '' ? null : password,
      });
      toast(t(password === '' ? 'operators.saved' : 'operators.savedWithPassword', { name: op.name }));
      return true;
    },
  });
}

function bindOperators(root) {
  const list = root.querySelector('#operators-list');
  const form = root.querySelector('#operator-add-form');
  const $ = (s) => form.querySelector(s);
  let rows = [];
  const load = async () => {
    try {
      rows = (await listOperators()) ?? [];
      if (list.isConnected) setHtml(list, operatorsTable(rows, getState().session?.operator_id));
    } catch (error) {
      if (list.isConnected) setHtml(list, html`<p class="notice" role="alert">${errorText(error)}</p>`);
    }
  };
  list.addEventListener('click', async (event) => {
    const button = event.target.closest('.op-edit');
    const op = button && rows.find((r) => r.id === Number(button.dataset.id));
    if (op && await openOperatorDialog(op)) load();
  });
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    clearErrors(form);
    const name = $('#op-name').value;
    const password = $('#op-password').value;
    const problems = [];
    if (name.trim() === '') problems.push({ field: 'name', message: t('auth.nameRequired') });
    if (password === '') problems.push({ field: 'password', message: t('operators.passwordRequired') });
    if (problems.length) {
      showErrors(form, checkFields(problems));
      return;
    }
    const button = $('#op-add');
    button.disabled = true;
    try {
      await saveOperator({ id: null, name, role: $('#op-role').value, active: true, password });
      toast(t('operators.added', { name: name.trim() }));
      $('#op-name').value = '';
      $('#op-password').value = '';
      $('#op-role').value = 'staff';
      await load();
    } catch (error) {
      showErrors(form, error);
    } finally {
      button.disabled = false;
    }
  });
  load();
}

// ---- 自动锁定 ----

function idleMarkup(admin, minutes) {
  return html`<section class="card" id="idle-settings">
    <h2 class="section-title">${t('idle.title')}</h2>
    <p class="section-note">${t('idle.note')}</p>
    ${admin ? '' : adminOnlyNote('idle-admin-only')}
    <form class="inline-form" id="idle-form" novalidate>
      ${field({ id: 'idle-minutes', label: t('idle.minutes'), field: 'minutes', hint: t('idle.hint', { min: IDLE_MIN, max: IDLE_MAX }),
        control: textInput({ id: 'idle-minutes', value: minutes ?? '', inputmode: 'numeric', maxlength: 3, disabled: !admin }) })}
      ${admin ? html`<button type="submit" class="button button-primary" id="idle-save">${t('action.save')}</button>` : ''}
      <p class="form-error" role="alert" tabindex="-1" hidden></p>
    </form>
  </section>`;
}

function bindIdle(root) {
  const form = root.querySelector('#idle-form');
  const input = form.querySelector('#idle-minutes');
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    clearErrors(form);
    const minutes = parseIdleMinutes(input.value);
    if (minutes === null) {
      showErrors(form, checkFields([{ field: 'minutes', message: t('idle.invalid', { min: IDLE_MIN, max: IDLE_MAX }) }]));
      return;
    }
    const button = form.querySelector('#idle-save');
    button.disabled = true;
    try {
      await setIdleLockMinutes(minutes);
      // The idle timer (main.js) follows the store: it counts the new minutes from now on.
      setState({ auth: { ...getState().auth, idle_lock_minutes: minutes } });
      input.value = String(minutes);
      toast(t('idle.saved', { minutes }));
    } catch (error) {
      showErrors(form, error);
    } finally {
      button.disabled = false;
    }
  });
}

// ---- 修改我的密码 ----

function passwordMarkup(session) {
  const input = (id, key, label, autocomplete, hint = '') => field({ id, label: t(label), field: key, required: true, hint,
    control: textInput({ id, type: 'password', required: true, autocomplete }) });
  return html`<section class="card" id="password-settings">
    <h2 class="section-title">${t('password.title')}</h2>
    <p class="section-note">${t('password.note', { name: session?.name ?? '' })}</p>
    <form id="password-form" novalidate>
      <div class="form-grid">
        ${input('pw-old', 'old_password', 'password.old', 'current-password')}
        ${input('pw-new', 'new_password', 'password.new', 'new-password', t('auth.passwordHint', { min: PASSWORD_MIN }))}
        ${input('pw-confirm', 'confirm', 'password.confirm', 'new-password')}
      </div>
      <p class="form-error" role="alert" tabindex="-1" hidden></p>
      <p class="settings-actions"><button type="submit" class="button button-primary" id="pw-save">${t('password.save')}</button></p>
    </form>
  </section>`;
}

function bindPassword(root) {
  const form = root.querySelector('#password-form');
  const $ = (s) => form.querySelector(s);
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    clearErrors(form);
    const old = $('#pw-old').value;
    const next = $('#pw-new').value;
    const problems = old === '' ? [{ field: 'old_password', message: t('password.oldRequired') }] : [];
    problems.push(...passwordProblems({ password: next, confirm: $('#pw-confirm').value, passwordField: 'new_password' })
      .map((p) => ({ field: p.field, message: t(p.key) })));
    if (problems.length) {
      showErrors(form, checkFields(problems));
      return;
    }
    const button = $('#pw-save');
    button.disabled = true;
    try {
      await changeOwnPassword(old, next);
      form.reset();
      toast(t('password.saved'));
    } catch (error) {
      showErrors(form, error);
    } finally {
      button.disabled = false;
    }
  });
}

// ---- the three together ----

export function accountSectionsMarkup(state, admin) {
  return html`${admin ? operatorsMarkup() : ''}
    ${idleMarkup(admin, state.auth?.idle_lock_minutes)}
    ${passwordMarkup(state.session)}`;
}

export function bindAccountSections(root, admin) {
  if (admin) {
    bindOperators(root);
    bindIdle(root);
  }
  bindPassword(root);
}
