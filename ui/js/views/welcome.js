// Welcome screen shown when no database is open: name the community, create a demo or an empty one. When the
// database file exists but cannot be opened (damaged, not ours, read-only, full disk, locked), it shows the core's
// Chinese message and the ways out: 从备份恢复… (the automatic backups beside the database, newest first, or another
// backup file; the broken file is renamed aside, never deleted; an encrypted backup asks for the password it was made
// under), 重试, 打开其他数据库…, 新建空白台账.
import { html, setHtml } from '../html.js';
import { t } from '../i18n.js';
import { pickOpenFile } from '../actions/files.js';
import { appInfo, createDatabase, openEncrypted, openOtherDatabase, recoverFromBackup, recoveryBackups, retryOpen, startFresh } from '../actions/opening.js';
import { forgetRegisterData } from '../actions/register.js';
import { enterRegister } from '../session.js';
import { setState } from '../store.js';
import { madeAt } from '../backup-model.js';
import { showNotice } from '../components/dialog.js';
import { reportError } from '../components/errors.js';
import { navigate, DASHBOARD } from '../router.js';
import { clearErrors, showErrors } from '../components/form-errors.js';
import { field, textInput } from '../components/fields.js';
import { toast } from '../components/toast.js';
import { askBackupPassword, needsBackupPassword } from './backup-settings.js';

/** Kinds for which the file itself is fine and trying again (after freeing it) is the way out. */
const RETRY_KINDS = ['locked', 'read_only', 'disk_full'];
/** Kinds for which the file may be an encrypted register waiting for its password. */
const UNLOCK_KINDS = ['corrupt', 'wrong_password'];

function problemMarkup(app) {
  const kind = app.open_error_kind;
  const retry = RETRY_KINDS.includes(kind);
  // A register on a network folder is not broken: nothing is restored over it (the core refuses).
  const restore = !retry && kind !== 'newer_schema' && kind !== 'network_folder';
  // An encrypted register opened without its password cannot be told apart from a damaged file.
  const unlock = UNLOCK_KINDS.includes(kind);
  return html`<section class="welcome-problem" id="open-problem">
    <h2 class="section-title">${t('welcome.problemTitle')}</h2>
    <p class="notice" role="alert" id="open-error" data-kind="${kind ?? ''}">${app.open_error}</p>
    ${unlock ? html`<form class="welcome-unlock" id="unlock-form" novalidate>
      <h3 class="welcome-subtitle">${t('welcome.unlockTitle')}</h3>
      <p class="field-hint">${t('welcome.unlockNote')}</p>
      ${field({ id: 'unlock-name', label: t('welcome.unlockName'), field: 'name', required: true,
        control: textInput({ id: 'unlock-name', required: true, autocomplete: 'username' }) })}
      ${field({ id: 'unlock-password', label: t('welcome.unlockPassword'), field: 'password', required: true,
        control: textInput({ id: 'unlock-password', type: 'password', required: true, autocomplete: 'current-password' }) })}
      <p><button type="submit" class="button button-primary" id="unlock-submit">${t('welcome.unlockSubmit')}</button></p>
      <p class="form-error" role="alert" tabindex="-1" hidden></p>
    </form>` : ''}
    ${restore ? html`<h3 class="welcome-subtitle">${t('welcome.restoreTitle')}</h3>
      <p class="field-hint">${t('welcome.restoreNote')}</p>
      <ul class="recovery-list" id="recovery-backups" aria-live="polite"><li>${t('common.loading')}</li></ul>` : ''}
    <p class="settings-actions welcome-ways-out">
      ${retry ? html`<button type="button" class="button button-primary" id="open-retry">${t('welcome.retry')}</button>` : ''}
      ${restore ? html`<button type="button" class="button" id="restore-other">${t('welcome.restoreOther')}</button>` : ''}
      <button type="button" class="button" id="open-other">${t('welcome.openOther')}</button>
    </p>
    <p class="welcome-busy" id="recovery-busy" role="status" hidden>${t('welcome.restoring')}</p>
  </section>`;
}

function backupsMarkup(found) {
  if (found.length === 0) return html`<li id="recovery-none">${t('welcome.noBackups')}</li>`;
  return found.map((b) => {
    if (!b.info && b.encrypted) {
      return html`<li class="recovery-item recovery-encrypted">
        <span class="recovery-line">${t('welcome.backupEncrypted', { name: b.file_name })}</span>
        <button type="button" class="button" data-restore-encrypted="${b.path}">${t('welcome.restoreEncrypted')}</button>
      </li>`;
    }
    if (!b.info) return html`<li class="recovery-unusable">${t('welcome.backupUnusable', { name: b.file_name, reason: b.error })}</li>`;
    const made = madeAt(b.info);
    return html`<li class="recovery-item">
      <span class="recovery-line">${t('welcome.backupLine', { time: made ? made.time : b.file_name,
        households: b.info.counts.households, residents: b.info.counts.residents })}</span>
      <button type="button" class="button button-primary" data-restore="${b.path}">${t('welcome.restoreThis')}</button>
    </li>`;
  });
}

/** A register is open (created, recovered or another one): forget the previous one's data, then log in to it
 * (a new register has no operator yet: the create-admin screen comes next). */
async function opened(app) {
  forgetRegisterData();
  setState({ activityOptions: null });
  await enterRegister(app);
}

function bindProblem(root, app) {
  const busy = root.querySelector('#recovery-busy');
  const run = async (button, action) => {
    const buttons = [...root.querySelectorAll('#open-problem button, [data-mode]')];
    buttons.forEach((b) => { b.disabled = true; });
    busy.hidden = false;
    try {
      await action();
    } catch (error) {
      reportError(error);
    } finally {
      if (root.isConnected) {
        buttons.forEach((b) => { b.disabled = false; });
        busy.hidden = true;
      }
    }
  };
  // An encrypted backup: its password first (a wrong one is told in the dialog, which stays open).
  const withPassword = (path) => askBackupPassword({ path, submitLabel: t('welcome.restoreEncryptedSubmit'),
    onSubmit: (password) => recoverFromBackup(path, password) });
  const recovered = async (recovery) => {
    const made = madeAt(recovery.restored);
    await showNotice({ title: t('welcome.restoredTitle'), okId: 'recovered-ok',
      body: html`<p class="dialog-message" id="recovered">${t('welcome.restored', { time: made ? made.time : recovery.restored.file_name })}</p>
        ${recovery.set_aside ? html`<p class="field-hint">${t('welcome.setAside')} <span class="break" id="recovered-aside">${recovery.set_aside}</span></p>` : ''}` });
    await opened(await appInfo());
  };
  const restore = (path) => run(null, async () => {
    let recovery;
    try {
      recovery = await recoverFromBackup(path);
    } catch (error) {
      if (!needsBackupPassword(error)) throw error;
      recovery = await withPassword(path);
    }
    if (recovery) await recovered(recovery);
  });
  const restoreEncrypted = (path) => run(null, async () => {
    const recovery = await withPassword(path);
    if (recovery) await recovered(recovery);
  });
  const list = root.querySelector('#recovery-backups');
  if (list) {
    recoveryBackups().then((found) => {
      if (!root.isConnected) return;
      setHtml(list, html`${backupsMarkup(found)}`);
      for (const button of list.querySelectorAll('[data-restore]')) {
        button.addEventListener('click', () => restore(button.dataset.restore));
      }
      for (const button of list.querySelectorAll('[data-restore-encrypted]')) {
        button.addEventListener('click', () => restoreEncrypted(button.dataset.restoreEncrypted));
      }
    }, (error) => { setHtml(list, html`<li class="notice">${error?.message || t('error.unknown')}</li>`); });
  }
  // 选择其他备份文件…: the file is restored at once (the core checks it first); one that needs a password asks for it.
  root.querySelector('#restore-other')?.addEventListener('click', () => run(null, async () => {
    const path = await pickOpenFile('backup');
    if (path) await restore(path);
  }));
  root.querySelector('#open-retry')?.addEventListener('click', () => run(null, async () => {
    try {
      await opened(await retryOpen());
    } catch (error) {
      setState({ app: await appInfo() });
      throw error;
    }
  }));
  const unlockForm = root.querySelector('#unlock-form');
  unlockForm?.addEventListener('submit', (event) => {
    event.preventDefault();
    clearErrors(unlockForm);
    const name = unlockForm.querySelector('#unlock-name').value;
    const password = unlockForm.querySelector('#unlock-password').value;
    run(null, async () => {
      try {
        await opened(await openEncrypted(name, password));
      } catch (error) {
        if (root.isConnected) showErrors(unlockForm, error);
      }
    });
  });
  root.querySelector('#open-other').addEventListener('click', () => run(null, async () => {
    const next = await openOtherDatabase();
    if (next) await opened(next);
  }));
  return app;
}

export function mount(root, state, { onToggleLang }) {
  const app = state.app ?? {};
  const problem = Boolean(app.open_error);
  const offerFresh = !problem || !RETRY_KINDS.includes(app.open_error_kind);
  setHtml(root, html`<div class="welcome">
    <div class="welcome-card">
      <div class="welcome-top">
        <h1 class="welcome-title" tabindex="-1">${t('app.name')}</h1>
        <button id="lang-toggle" type="button" class="button button-quiet" lang="${t('lang.toggleCode')}">${t('lang.toggle')}</button>
      </div>
      <p class="welcome-lead">${t('welcome.lead')}</p>
      ${problem ? problemMarkup(app) : ''}
      ${offerFresh ? html`<form class="welcome-form" novalidate>
        ${field({ id: 'community-name', label: t('welcome.communityName'), field: 'name', required: true,
          hint: t('welcome.communityHint'),
          control: textInput({ id: 'community-name', value: t('welcome.defaultName'), required: true }) })}
        <div class="welcome-actions">
          ${problem ? html`<button id="start-fresh" type="button" class="button button-big" data-mode="fresh">
            <span class="button-big-title">${t('welcome.startFresh')}</span>
            <span class="button-big-note">${t('welcome.startFreshNote')}</span>
          </button>` : html`<button id="create-demo" type="button" class="button button-primary button-big" data-mode="demo">
            <span class="button-big-title">${t('welcome.createDemo')}</span>
            <span class="button-big-note">${t('welcome.createDemoNote')}</span>
          </button>
          <button id="create-empty" type="button" class="button button-big" data-mode="empty">
            <span class="button-big-title">${t('welcome.createEmpty')}</span>
            <span class="button-big-note">${t('welcome.createEmptyNote')}</span>
          </button>`}
        </div>
        <p class="form-error" role="alert" tabindex="-1" hidden></p>
        <p class="welcome-busy" role="status" hidden>${t('welcome.creating')}</p>
      </form>` : ''}
      ${state.app?.db_path ? html`<p class="welcome-path">${t('welcome.dbPath', { path: state.app.db_path })}</p>` : ''}
    </div>
  </div>`);

  if (problem) bindProblem(root, app);
  root.querySelector('#lang-toggle').addEventListener('click', onToggleLang);
  const form = root.querySelector('form');
  if (!form) return { update() {} };
  const nameInput = root.querySelector('#community-name');
  const buttons = [...root.querySelectorAll('[data-mode]')];
  const busy = form.querySelector('.welcome-busy');
  form.addEventListener('submit', (event) => event.preventDefault());

  async function create(mode) {
    clearErrors(form);
    const name = nameInput.value;
    if (name.trim() === '') {
      showErrors(form, { kind: 'invalid', message: t('form.checkFields'), fields: [{ field: 'name', message: t('welcome.nameRequired') }] });
      return;
    }
    buttons.forEach((b) => { b.disabled = true; });
    busy.hidden = false;
    try {
      await opened(mode === 'fresh' ? await startFresh(name) : await createDatabase(mode, name));
      toast(t('welcome.created'));
      navigate(DASHBOARD);
    } catch (error) {
      showErrors(form, error);
    } finally {
      if (root.isConnected) {
        buttons.forEach((b) => { b.disabled = false; });
        busy.hidden = true;
      }
    }
  }
  for (const button of buttons) button.addEventListener('click', () => create(button.dataset.mode));

  return { update() {} };
}
