// The bare screens shown before the app while nobody is logged in: 创建管理员 (a register without operators: its first
// administrator) and 登录 (name pre-filled with the last one; after 锁定 the heading says 已锁定). No shell, nothing
// of the register's data is shown here.
import { html, setHtml } from '../html.js';
import { t } from '../i18n.js';
import { createFirstAdmin, logIn } from '../actions/operators.js';
import { LOCKED, SIGNED_OUT, signedIn } from '../session.js';
import { NAME_MAX, PASSWORD_MIN, passwordProblems } from '../roles.js';
import { clearErrors, showErrors } from '../components/form-errors.js';
import { field, textInput } from '../components/fields.js';
import { toast } from '../components/toast.js';

const checkFields = (fields) => ({ kind: 'invalid', message: t('form.checkFields'), fields });

function nameField(value) {
  return field({ id: 'auth-name', label: t('auth.name'), field: 'name', required: true,
    control: textInput({ id: 'auth-name', value: value ?? '', required: true, autocomplete: 'username', maxlength: NAME_MAX }) });
}

function passwordField(label, hint = '') {
  return field({ id: 'auth-password', label, field: 'password', required: true, hint,
    control: textInput({ id: 'auth-password', type: 'password', required: true, autocomplete: 'current-password' }) });
}

function createMarkup() {
  return html`<section class="auth" id="auth-create">
    <h2 class="auth-title">${t('auth.createTitle')}</h2>
    <p class="auth-lead">${t('auth.createLead')}</p>
    <ul class="auth-points">
      <li>${t('auth.createAdminCan')}</li>
      <li>${t('auth.createStaff')}</li>
    </ul>
    <p class="notice auth-remember">${t('auth.createRemember')}</p>
    <form class="welcome-form auth-form" novalidate>
      ${nameField('')}
      ${passwordField(t('auth.password'), t('auth.passwordHint', { min: PASSWORD_MIN }))}
      ${field({ id: 'auth-confirm', label: t('auth.confirm'), field: 'confirm', required: true,
        control: textInput({ id: 'auth-confirm', type: 'password', required: true, autocomplete: 'new-password' }) })}
      <p class="form-error" role="alert" tabindex="-1" hidden></p>
      <p><button type="submit" class="button button-primary button-large" id="auth-submit">${t('auth.createSubmit')}</button></p>
    </form>
  </section>`;
}

function loginMarkup(auth) {
  const heading = auth.reason === LOCKED ? 'auth.lockedTitle' : auth.reason === SIGNED_OUT ? 'auth.signedOutTitle' : 'auth.loginTitle';
  const lead = auth.reason === LOCKED ? 'auth.lockedLead' : auth.reason === SIGNED_OUT ? 'auth.signedOutLead' : 'auth.loginLead';
  return html`<section class="auth" id="auth-login" data-reason="${auth.reason ?? ''}">
    <h2 class="auth-title" id="auth-heading">${t(heading)}</h2>
    <p class="auth-lead">${t(lead)}</p>
    <form class="welcome-form auth-form" novalidate>
      ${nameField(auth.last_name)}
      ${passwordField(t('auth.password'), t('auth.forgotHint'))}
      <p class="form-error" role="alert" tabindex="-1" hidden></p>
      <p><button type="submit" class="button button-primary button-large" id="auth-submit">${t('auth.loginSubmit')}</button></p>
    </form>
  </section>`;
}

/** Reads the form, checks what can be checked here, asks the core; the core's field messages show under the inputs. */
function bindForm(form, creating) {
  const $ = (s) => form.querySelector(s);
  const submit = $('#auth-submit');
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    if (submit.disabled) return;
    clearErrors(form);
    const name = $('#auth-name').value;
    const password = $('#auth-password').value;
    const problems = [];
    if (name.trim() === '') problems.push({ field: 'name', message: t('auth.nameRequired') });
    if (creating) {
      problems.push(...passwordProblems({ password, confirm: $('#auth-confirm').value }).map((p) => ({ field: p.field, message: t(p.key) })));
    } else if (password === '') {
      problems.push({ field: 'password', message: t('auth.passwordRequired') });
    }
    if (problems.length) {
      showErrors(form, checkFields(problems));
      return;
    }
    submit.disabled = true;
    form.setAttribute('aria-busy', 'true');
    try {
      const session = creating ? await createFirstAdmin(name, password) : await logIn(name, password);
      if (creating) toast(t('auth.created', { name: session.name }));
      await signedIn(session);
    } catch (error) {
      if (!form.isConnected) return;
      // A wrong password is typed again from scratch; the name stays.
      if (!creating) $('#auth-password').value = '';
      showErrors(form, error);
      // 姓名或密码不正确 comes as the message and as the password's: say it once, under the password.
      if ((error?.fields ?? []).some((f) => f.message === error.message)) $('.form-error').hidden = true;
    } finally {
      if (form.isConnected) {
        submit.disabled = false;
        form.removeAttribute('aria-busy');
      }
    }
  });
}

export function mount(root, state, { onToggleLang }) {
  const auth = state.auth ?? {};
  const creating = auth.has_operators === false;
  setHtml(root, html`<div class="welcome">
    <div class="welcome-card auth-card">
      <div class="welcome-top">
        <div>
          <h1 class="welcome-title" tabindex="-1">${t('app.name')}</h1>
          ${state.app?.community_name ? html`<p class="auth-community" id="auth-community">${state.app.community_name}</p>` : ''}
        </div>
        <button id="lang-toggle" type="button" class="button button-quiet" lang="${t('lang.toggleCode')}">${t('lang.toggle')}</button>
      </div>
      ${creating ? createMarkup() : loginMarkup(auth)}
    </div>
  </div>`);
  root.querySelector('#lang-toggle').addEventListener('click', onToggleLang);
  bindForm(root.querySelector('form'), creating);
  // Start where there is something to type: the password when the name is already there.
  const name = root.querySelector('#auth-name');
  (name.value ? root.querySelector('#auth-password') : name).focus();

  // main.js mounts this screen afresh when it should show the other form (see authRoute there).
  return { update() {} };
}
