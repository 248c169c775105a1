// Welcome screen shown when no database is open: name the community, create a demo or an empty one.
import { html, setHtml } from '../html.js';
import { t } from '../i18n.js';
import { createDatabase } from '../actions.js';
import { navigate, DASHBOARD } from '../router.js';
import { clearErrors, showErrors } from '../components/form-errors.js';
import { field, textInput } from '../components/fields.js';
import { toast } from '../components/toast.js';

export function mount(root, state, { onToggleLang }) {
  setHtml(root, html`<div class="welcome">
    <div class="welcome-card">
      <div class="welcome-top">
        <h1 class="welcome-title" tabindex="-1">${t('app.name')}</h1>
        <button id="lang-toggle" type="button" class="button button-quiet" lang="${t('lang.toggleCode')}">${t('lang.toggle')}</button>
      </div>
      <p class="welcome-lead">${t('welcome.lead')}</p>
      <form class="welcome-form" novalidate>
        ${field({ id: 'community-name', label: t('welcome.communityName'), field: 'name', required: true,
          hint: t('welcome.communityHint'),
          control: textInput({ id: 'community-name', value: t('welcome.defaultName'), required: true }) })}
        <div class="welcome-actions">
          <button id="create-demo" type="button" class="button button-primary button-big" data-mode="demo">
            <span class="button-big-title">${t('welcome.createDemo')}</span>
            <span class="button-big-note">${t('welcome.createDemoNote')}</span>
          </button>
          <button id="create-empty" type="button" class="button button-big" data-mode="empty">
            <span class="button-big-title">${t('welcome.createEmpty')}</span>
            <span class="button-big-note">${t('welcome.createEmptyNote')}</span>
          </button>
        </div>
        <p class="form-error" role="alert" tabindex="-1" hidden></p>
        <p class="welcome-busy" role="status" hidden>${t('welcome.creating')}</p>
      </form>
      ${state.app?.db_path ? html`<p class="welcome-path">${t('welcome.dbPath', { path: state.app.db_path })}</p>` : ''}
    </div>
  </div>`);

  const form = root.querySelector('form');
  const nameInput = root.querySelector('#community-name');
  const buttons = [...root.querySelectorAll('[data-mode]')];
  const busy = root.querySelector('.welcome-busy');
  root.querySelector('#lang-toggle').addEventListener('click', onToggleLang);
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
      await createDatabase(mode, name);
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
