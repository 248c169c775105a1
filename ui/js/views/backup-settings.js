// The settings page's 数据备份 section: when the last automatic backup ran and where they are kept; 备份到… (a dated
// copy in a folder the user picks, e.g. a USB stick); 从备份恢复… (pick a backup, see its date and what it holds
// beside the current data, confirm; the core first copies the current data to the backup folder). After a restore
// the whole window reloads, so every page shows the restored register. Staff see when the automatic backups ran and
// where they are; 备份到… and 从备份恢复… are for administrators (the core refuses staff). An encrypted backup that the
// register's own key does not open (the key owner changed their password since, or encryption was turned off since)
// asks for the password it was made under (askBackupPassword, also used by the start screen).
import { html, setHtml } from '../html.js';
import { t } from '../i18n.js';
import { backupStatus, backupToFolder, inspectBackup, restoreBackup } from '../actions/backup.js';
import { pickOpenFile } from '../actions/files.js';
import { openFormDialog, showNotice } from '../components/dialog.js';
import { reportError } from '../components/errors.js';
import { field, textInput } from '../components/fields.js';
import { toast } from '../components/toast.js';
import { autoStatus, countRows, madeAt } from '../backup-model.js';

export function backupSectionMarkup(admin) {
  return html`<section class="card" id="backup-settings">
    <h2 class="section-title">${t('backup.title')}</h2>
    <p class="section-note">${t('backup.note')}</p>
    <div id="backup-auto" aria-live="polite"><p class="backup-auto-line">${t('common.loading')}</p></div>
    ${admin ? html`<p class="settings-actions backup-actions">
      <button type="button" class="button button-primary" id="backup-to">${t('backup.to')}</button>
      <button type="button" class="button" id="backup-restore">${t('backup.restore')}</button>
    </p>` : html`<p class="admin-only-note" id="backup-admin-only">${t('backup.adminOnly')}</p>`}
  </section>`;
}

function autoMarkup(status) {
  const line = autoStatus(status);
  return html`<p class="backup-auto-line" id="backup-auto-last">${t(line.key, line.params)}</p>
    ${status?.last_error ? html`<p class="notice backup-auto-error" role="alert">${status.last_error}</p>` : ''}
    ${status ? html`<p class="field-hint">${t('backup.folder')} <span class="break" id="backup-folder">${status.folder}</span></p>` : ''}`;
}

function previewMarkup(preview) {
  const made = madeAt(preview);
  const current = preview.current !== null && preview.current !== undefined;
  return html`<div id="restore-preview">
    <dl class="facts backup-facts">
      <div><dt>${t('backup.community')}</dt><dd id="restore-community">${preview.community_name ?? t('backup.noName')}</dd></div>
      <div><dt>${t('backup.madeAt')}</dt><dd id="restore-made-at">${made ? made.time : t('backup.unknownTime')}${made?.fromFile ? html` <span class="field-hint">${t('backup.fileTime')}</span>` : ''}</dd></div>
      <div class="facts-wide"><dt>${t('backup.file')}</dt><dd class="break">${preview.path}</dd></div>
    </dl>
    <div class="table-wrap"><table class="table backup-counts" id="restore-counts">
      <thead><tr><th scope="col">${t('backup.countWhat')}</th><th scope="col" class="num">${t('backup.inBackup')}</th>
        ${current ? html`<th scope="col" class="num">${t('backup.now')}</th>` : ''}</tr></thead>
      <tbody>${countRows(preview).map((row) => html`<tr class="${row.differs ? 'is-different' : ''}" data-count="${row.key}">
        <th scope="row">${t(`backup.count.${row.key}`)}</th><td class="num">${row.backup}</td>
        ${current ? html`<td class="num">${row.current}</td>` : ''}</tr>`)}</tbody>
    </table></div>
    ${preview.needs_migration ? html`<p class="field-hint">${t('backup.older', { version: preview.schema_version })}</p>` : ''}
    ${preview.other_community_than ? html`<div class="notice notice-danger" id="restore-other-community" role="alert">
      <p>${t('backup.otherCommunity', { backup: preview.community_name, current: preview.other_community_than })}</p>
      <label class="check"><input type="checkbox" id="restore-other-community-confirm" name="other_community">
        ${t('backup.otherCommunityConfirm', { backup: preview.community_name })}</label>
    </div>` : ''}
    <p class="notice restore-warning">${t('backup.warning')}</p>
  </div>`;
}

/** True when reading a backup failed for want of its password: read without one, or with a wrong one. */
export function needsBackupPassword(error) {
  return error?.kind === 'needs_password' || error?.kind === 'wrong_password';
}

/**
 * Asks for the password an encrypted backup at `path` was made under. `onSubmit(password)` reads or restores with it;
 * its errors (a wrong password) are shown in the dialog, which stays open. Resolves with its result, or null when
 * cancelled.
 */
export function askBackupPassword({ path, submitLabel, onSubmit }) {
  return openFormDialog({
    title: t('backup.passwordTitle'),
    body: html`<p class="dialog-message" id="backup-password-note">${t('backup.passwordNote')}</p>
      <p class="field-hint">${t('backup.passwordFile')} <span class="break" id="backup-password-file">${path}</span></p>
      ${field({ id: 'backup-password', label: t('backup.passwordLabel'), field: 'password', required: true,
        control: textInput({ id: 'backup-password', type: 'password', required: true, autocomplete: 'off' }) })}`,
    submitId: 'backup-password-submit',
    cancelId: 'backup-password-cancel',
    submitLabel,
    onSubmit: (form) => onSubmit(form.querySelector('#backup-password').value),
  });
}

/** 从备份恢复…: pick, show (asking for the backup's password when it needs one), confirm, restore, report, reload. */
async function restore() {
  const path = await pickOpenFile('backup');
  if (!path) return;
  let preview;
  let backupPassword = null;
  try {
    preview = await inspectBackup(path);
  } catch (error) {
    if (!needsBackupPassword(error)) {
      await showNotice({ title: t('backup.refusedTitle'), okId: 'restore-refused-ok', okLabel: t('action.gotIt'),
        body: html`<p class="dialog-message" id="restore-refused">${error?.message || t('error.unknown')}</p>` });
      return;
    }
    const read = await askBackupPassword({ path, submitLabel: t('backup.passwordRead'),
      onSubmit: async (password) => ({ preview: await inspectBackup(path, password), password }) });
    if (!read) return;
    ({ preview } = read);
    backupPassword = read.password;
  }
  if (!preview) return;
  const report = await openFormDialog({
    title: t('backup.confirmTitle'),
    body: previewMarkup(preview),
    submitId: 'restore-confirm',
    cancelId: 'restore-cancel',
    submitLabel: t('backup.confirm'),
    tone: 'danger',
    wide: true,
    onSubmit: (form) => {
      // A backup of another community replaces every household of this one: only on purpose.
      const otherCommunity = Boolean(preview.other_community_than);
      if (otherCommunity && !form.querySelector('#restore-other-community-confirm').checked) {
        throw { kind: 'invalid', message: t('backup.otherCommunityNeeded'), fields: [] };
      }
      return restoreBackup(preview.path, backupPassword, otherCommunity);
    },
  });
  if (!report) return;
  const made = madeAt(report.restored);
  await showNotice({
    title: t('backup.restoredTitle'),
    okId: 'restore-done-ok',
    body: html`<p class="dialog-message" id="restore-done">${t('backup.restored', { time: made ? made.time : t('backup.unknownTime') })}</p>
      <p class="field-hint">${t('backup.safety')} <span class="break" id="restore-safety">${report.safety_backup}</span></p>`,
  });
  window.location.reload();
}

export function bindBackupSection(root) {
  const auto = root.querySelector('#backup-auto');
  const load = async () => {
    try {
      setHtml(auto, autoMarkup(await backupStatus()));
    } catch (error) {
      setHtml(auto, html`<p class="notice backup-auto-error" role="alert">${error?.message || t('error.unknown')}</p>`);
    }
  };
  const busy = async (button, run) => {
    button.disabled = true;
    try {
      await run();
    } catch (error) {
      reportError(error);
    } finally {
      button.disabled = false;
    }
  };
  load();
  const toButton = root.querySelector('#backup-to');
  if (!toButton) return; // staff: nothing to press
  toButton.addEventListener('click', () => busy(toButton, async () => {
    const written = await backupToFolder();
    if (!written) return;
    // The copy is done either way; a record that could not be written (disk full, register locked) is said plainly.
    if (written.unrecorded) toast(written.unrecorded, 'error');
    else toast(t('backup.saved', { path: written.path }));
  }));
  const restoreButton = root.querySelector('#backup-restore');
  restoreButton.addEventListener('click', () => busy(restoreButton, restore));
}
