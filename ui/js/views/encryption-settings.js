// The settings page's 数据加密 section: whether the register file (and so every backup of it) is encrypted, and for
// administrators the switch. The key is the logged-in administrator's own login password, typed again here; the
// trade-off (a forgotten password means the data is lost) must be acknowledged before encrypting.
import { html, setHtml } from '../html.js';
import { t } from '../i18n.js';
import { decryptDatabase, encryptDatabase, encryptionStatus } from '../actions/encryption.js';
import { clearErrors, showErrors } from '../components/form-errors.js';
import { field, textInput } from '../components/fields.js';
import { toast } from '../components/toast.js';

export function encryptionSectionMarkup(admin) {
  return html`<section class="card" id="encryption-settings">
    <h2 class="section-title">${t('encryption.title')}</h2>
    <p class="section-note">${t('encryption.note')}</p>
    <p class="section-note" id="encryption-residue">${t('encryption.residue')}</p>
    <p class="notice encryption-warning" id="encryption-warning">${t('encryption.warning')}</p>
    <p class="encryption-status" id="encryption-status" aria-live="polite">${t('common.loading')}</p>
    ${admin ? html`<form class="inline-form" id="encryption-form" novalidate>
      ${field({ id: 'encryption-password', label: t('encryption.password'), field: 'password', required: true,
        hint: t('encryption.passwordHint'),
        control: textInput({ id: 'encryption-password', type: 'password', required: true, autocomplete: 'current-password' }) })}
      <div class="field encryption-understood" id="encryption-understood-field" hidden>
        <label class="check" for="encryption-understood">
          <input type="checkbox" id="encryption-understood"> <span>${t('encryption.understood')}</span>
        </label>
        <p class="field-error" data-field="understood" hidden></p>
      </div>
      <button type="submit" class="button button-primary" id="encryption-submit">${t('encryption.turnOn')}</button>
      <p class="form-error" role="alert" tabindex="-1" hidden></p>
      <p class="field-hint" role="status" id="encryption-busy" hidden>${t('encryption.busy')}</p>
    </form>` : html`<p class="admin-only-note" id="encryption-admin-only">${t('settings.adminOnly')}</p>`}
  </section>`;
}

function statusText(status) {
  if (!status.encrypted) return t('encryption.off');
  return status.owner ? t('encryption.onOwner', { name: status.owner }) : t('encryption.on');
}

export function bindEncryptionSection(root, admin) {
  const line = root.querySelector('#encryption-status');
  const form = root.querySelector('#encryption-form');
  let encrypted = false;

  const show = (status) => {
    if (!root.isConnected) return;
    encrypted = status.encrypted;
    setHtml(line, html`${statusText(status)}`);
    line.dataset.encrypted = String(status.encrypted);
    if (!form) return;
    // Turning it on needs the trade-off acknowledged; turning it off does not.
    form.querySelector('#encryption-understood-field').hidden = encrypted;
    form.querySelector('#encryption-submit').textContent = encrypted ? t('encryption.turnOff') : t('encryption.turnOn');
  };
  const load = () => encryptionStatus().then(show, (error) => {
    if (root.isConnected) setHtml(line, html`${error?.message || t('error.unknown')}`);
  });
  load();
  if (!admin || !form) return;

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    clearErrors(form);
    const password = form.querySelector('#encryption-password').value;
    const fields = [];
    if (!password) fields.push({ field: 'password', message: t('auth.passwordRequired') });
    if (!encrypted && !form.querySelector('#encryption-understood').checked) {
      fields.push({ field: 'understood', message: t('encryption.mustUnderstand') });
    }
    if (fields.length) {
      showErrors(form, { kind: 'invalid', message: t('form.checkFields'), fields });
      return;
    }
    const button = form.querySelector('#encryption-submit');
    const busy = form.querySelector('#encryption-busy');
    button.disabled = true;
    busy.hidden = false;
    try {
      await (encrypted ? decryptDatabase(password) : encryptDatabase(password));
      form.reset();
      toast(encrypted ? t('encryption.turnedOff') : t('encryption.turnedOn'));
      await load();
    } catch (error) {
      showErrors(form, error);
    } finally {
      if (root.isConnected) {
        button.disabled = false;
        busy.hidden = true;
      }
    }
  });
}
