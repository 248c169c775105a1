// Settings (#/settings): community name, operators, the idle lock, one's own password, the grid → building → unit tree
// with names and heads, the volunteer number prefix, the care-visit threshold, the issuer of volunteer certificates,
// backups and restore, and app info. Staff see the administrators' settings read-only with a short note (the core
// refuses their changes); the places tree and their own password they change themselves.
import { html, setHtml, setHtmlKeepFocus } from '../html.js';
import { t } from '../i18n.js';
import { getState } from '../store.js';
import { loadHierarchy, refreshStats } from '../actions/basics.js';
import { setCareVisitDays } from '../actions/care.js';
import { saveBuilding, saveCertificateIssuer, saveGrid, saveUnit, setCommunityName, setVolunteerPrefix, volunteerSettings } from '../actions/settings.js';
import { orDash } from '../format.js';
import { openFormDialog } from '../components/dialog.js';
import { clearErrors, showErrors } from '../components/form-errors.js';
import { field, textInput } from '../components/fields.js';
import { toast } from '../components/toast.js';
import { bindHeadPicker, headPickerMarkup, headText } from './heads.js';
import { parseThreshold } from '../care-model.js';
import { backupSectionMarkup, bindBackupSection } from './backup-settings.js';
import { bindEncryptionSection, encryptionSectionMarkup } from './encryption-settings.js';
import { accountSectionsMarkup, adminOnlyNote, bindAccountSections } from './account-settings.js';
import { isAdmin } from '../roles.js';

/** Per level: its save command, the parent key it needs, and its string keys. */
const LEVELS = {
  grid: { save: saveGrid, parentKey: null, child: 'building' },
  building: { save: saveBuilding, parentKey: 'grid_id', child: 'unit' },
  unit: { save: saveUnit, parentKey: 'building_id', child: null },
};

function nodeMarkup(level, node, children) {
  const { child } = LEVELS[level];
  return html`<li class="tree-node tree-${level}">
    <div class="tree-row">
      <span class="tree-name">${node.name}</span>
      <span class="tree-head"><span class="tree-head-role">${t(`place.${level}Head`)}</span> ${orDash(headText(node.head))}</span>
      <span class="tree-actions">
        <button type="button" class="button button-small" id="node-edit-${level}-${node.id}" data-action="edit" data-level="${level}" data-id="${node.id}"
          aria-label="${t('settings.editOf', { name: node.name })}">${t('settings.edit')}</button>
        ${child ? html`<button type="button" class="button button-small" id="node-add-${child}-${node.id}" data-action="add" data-level="${child}" data-parent="${node.id}"
          aria-label="${t(`settings.add${child === 'building' ? 'Building' : 'Unit'}To`, { name: node.name })}">${t(`place.add.${child}`)}</button>` : ''}
      </span>
    </div>
    ${children?.length ? html`<ul class="tree-children">${children}</ul>` : ''}
  </li>`;
}

function treeMarkup(hierarchy) {
  if (!hierarchy) return html`<p class="empty">${t('common.loading')}</p>`;
  if (!hierarchy.grids.length) return html`<p class="empty">${t('settings.noGrids')}</p>`;
  return html`<ul class="tree">${hierarchy.grids.map((g) => nodeMarkup('grid', g,
    g.buildings.map((b) => nodeMarkup('building', b, b.units.map((u) => nodeMarkup('unit', u, null))))))}</ul>`;
}

function findNode(hierarchy, level, id) {
  for (const g of hierarchy?.grids ?? []) {
    if (level === 'grid' && g.id === id) return g;
    for (const b of g.buildings) {
      if (level === 'building' && b.id === id) return b;
      const u = b.units.find((unit) => level === 'unit' && unit.id === id);
      if (u) return u;
    }
  }
  return null;
}

/** Add (`parentId`) or edit (`node`) a grid, building or unit with its head. Resolves true when saved. */
function openNodeDialog(level, { node = null, parentId = null }) {
  let readHead = null;
  return openFormDialog({
    title: t(node ? `place.edit.${level}` : `place.add.${level}`),
    body: html`${field({ id: 'node-name', label: t(`place.${level}Name`), field: 'name', required: true,
        control: textInput({ id: 'node-name', value: node?.name ?? '', required: true }) })}
      ${headPickerMarkup(t(`place.${level}Head`), node?.head ?? null)}`,
    submitId: 'node-save',
    cancelId: 'node-cancel',
    onReady: (form) => { readHead = bindHeadPicker(form); },
    onSubmit: async (form) => {
      const name = form.querySelector('#node-name').value;
      if (name.trim() === '') {
        throw { kind: 'invalid', message: t('form.checkFields'), fields: [{ field: 'name', message: t('settings.nameRequired') }] };
      }
      const { save, parentKey } = LEVELS[level];
      const input = { name, ...readHead() };
      if (node) input.id = node.id;
      if (parentKey) input[parentKey] = node ? node[parentKey] : parentId;
      await save(input);
      toast(t('settings.saved', { name }));
      return true;
    },
  });
}

// ---- Volunteers, care visits, certificates ----

const ISSUER_FIELDS = [
  ['organisation', 'settings.issuerOrganisation', 'settings.issuerOrganisationHint'],
  ['person_in_charge', 'settings.issuerPerson', null],
  ['handler', 'settings.issuerHandler', null],
  ['contact', 'settings.issuerContact', 'settings.issuerContactHint'],
];

/** A save button, for administrators only (staff see the value and the note instead). */
const saveButton = (admin, id) => (admin ? html`<button type="submit" class="button button-primary" id="${id}">${t('action.save')}</button>` : '');

function volunteerSettingsMarkup(admin) {
  const locked = !admin;
  return html`<section class="card" id="volunteer-settings">
      <h2 class="section-title">${t('settings.volunteerTitle')}</h2>
      ${admin ? '' : adminOnlyNote('volunteer-admin-only')}
      <form class="inline-form" id="prefix-form" novalidate>
        ${field({ id: 'settings-prefix', label: t('settings.prefix'), field: 'volunteer_prefix', hint: t('settings.prefixHint'),
          control: textInput({ id: 'settings-prefix', maxlength: 8, disabled: locked }) })}
        ${saveButton(admin, 'settings-prefix-save')}
        <p class="form-error" role="alert" tabindex="-1" hidden></p>
      </form>
      <form class="inline-form settings-gap" id="care-days-form" novalidate>
        ${field({ id: 'settings-care-days', label: t('settings.careDays'), field: 'care_visit_days', hint: t('settings.careDaysHint'),
          control: textInput({ id: 'settings-care-days', inputmode: 'numeric', disabled: locked }) })}
        ${saveButton(admin, 'settings-care-days-save')}
        <p class="form-error" role="alert" tabindex="-1" hidden></p>
      </form>
    </section>
    <section class="card" id="issuer-settings">
      <h2 class="section-title">${t('settings.issuerTitle')}</h2>
      <p class="section-note">${t('settings.issuerNote')}</p>
      ${admin ? '' : adminOnlyNote('issuer-admin-only')}
      <form id="issuer-form" novalidate>
        <div class="form-grid">${ISSUER_FIELDS.map(([key, label, hint]) => field({ id: `issuer-${key}`, label: t(label), field: key,
          hint: hint ? t(hint) : '', control: textInput({ id: `issuer-${key}`, disabled: locked }) }))}</div>
        <p class="form-error" role="alert" tabindex="-1" hidden></p>
        ${admin ? html`<p class="settings-actions">${saveButton(admin, 'issuer-save')}</p>` : ''}
      </form>
    </section>`;
}

/** Fills the three forms from volunteer_settings; an administrator saves each on its own (one action, one change). */
function bindVolunteerSettings(root, admin) {
  const $ = (s) => root.querySelector(s);
  const fill = (settings) => {
    $('#settings-prefix').value = settings.volunteer_prefix ?? '';
    $('#settings-care-days').value = String(settings.care_visit_days ?? '');
    for (const [key] of ISSUER_FIELDS) $(`#issuer-${key}`).value = settings.issuer?.[key] ?? '';
  };
  const load = async () => {
    try {
      fill(await volunteerSettings());
    } catch (error) {
      showErrors($('#prefix-form'), error);
    }
  };
  const submit = (form, run, done) => form.addEventListener('submit', async (event) => {
    event.preventDefault();
    clearErrors(form);
    const button = form.querySelector('button[type=submit]');
    button.disabled = true;
    try {
      await run();
      toast(done());
      await load();
    } catch (error) {
      showErrors(form, error);
    } finally {
      button.disabled = false;
    }
  });
  load();
  if (!admin) return;
  submit($('#prefix-form'), () => setVolunteerPrefix($('#settings-prefix').value), () => t('settings.prefixSaved'));
  submit($('#care-days-form'), () => {
    const days = parseThreshold($('#settings-care-days').value);
    if (Number.isNaN(days)) throw { kind: 'invalid', message: t('form.checkFields'), fields: [{ field: 'care_visit_days', message: t('careList.thresholdInvalid') }] };
    return setCareVisitDays(days);
  }, () => t('settings.careDaysSaved'));
  submit($('#issuer-form'), () => saveCertificateIssuer(Object.fromEntries(ISSUER_FIELDS.map(([key]) => [key, $(`#issuer-${key}`).value]))),
    () => t('settings.issuerSaved'));
}

// ---- end volunteers, care visits, certificates ----

export function mount(root, state) {
  const admin = isAdmin(state.session);
  setHtml(root, html`<div class="page-head"><h1 class="page-title" tabindex="-1">${t('settings.title')}</h1></div>
    <section class="card" id="community-settings">
      <h2 class="section-title">${t('settings.community')}</h2>
      ${admin ? '' : adminOnlyNote('community-admin-only')}
      <form class="inline-form" id="community-form" novalidate>
        ${field({ id: 'settings-community-name', label: t('settings.communityName'), field: 'name', required: admin,
          control: textInput({ id: 'settings-community-name', value: state.hierarchy?.community_name ?? state.app?.community_name ?? '', required: admin, disabled: !admin }) })}
        ${saveButton(admin, 'settings-community-save')}
        <p class="form-error" role="alert" tabindex="-1" hidden></p>
      </form>
    </section>
    ${accountSectionsMarkup(state, admin)}
    ${volunteerSettingsMarkup(admin)}
    <section class="card">
      <div class="section-head">
        <h2 class="section-title">${t('settings.places')}</h2>
        <button type="button" class="button button-primary" id="add-grid">${t('place.add.grid')}</button>
      </div>
      <p class="section-note">${t('settings.placesNote')}</p>
      <div id="places-tree"></div>
    </section>
    ${backupSectionMarkup(admin)}
    ${encryptionSectionMarkup(admin)}
    <section class="card">
      <h2 class="section-title">${t('settings.about')}</h2>
      <dl class="facts">
        <div><dt>${t('settings.version')}</dt><dd>${orDash(state.app?.version)}</dd></div>
        <div class="facts-wide"><dt>${t('settings.dbPath')}</dt><dd class="break">${orDash(state.app?.db_path)}</dd></div>
      </dl>
    </section>`);

  // No form here ever navigates, including a staff member's read-only ones that have no handler of their own.
  root.addEventListener('submit', (event) => event.preventDefault());
  const form = root.querySelector('#community-form');
  const nameInput = root.querySelector('#settings-community-name');
  const tree = root.querySelector('#places-tree');
  setHtml(tree, treeMarkup(state.hierarchy));

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    if (!admin) return;
    clearErrors(form);
    const name = nameInput.value;
    if (name.trim() === '') {
      showErrors(form, { kind: 'invalid', message: t('form.checkFields'), fields: [{ field: 'name', message: t('settings.nameRequired') }] });
      return;
    }
    const button = form.querySelector('#settings-community-save');
    button.disabled = true;
    try {
      await setCommunityName(name);
      toast(t('settings.communitySaved'));
      await loadHierarchy();
    } catch (error) {
      showErrors(form, error);
    } finally {
      button.disabled = false;
    }
  });

  const afterSave = async (saved) => {
    if (!saved) return;
    await loadHierarchy();
    refreshStats();
  };
  root.querySelector('#add-grid').addEventListener('click', async () => afterSave(await openNodeDialog('grid', {})));
  tree.addEventListener('click', async (event) => {
    const button = event.target.closest('button[data-action]');
    if (!button) return;
    const { action, level } = button.dataset;
    if (action === 'edit') {
      const node = findNode(getState().hierarchy, level, Number(button.dataset.id));
      if (node) afterSave(await openNodeDialog(level, { node }));
    } else {
      afterSave(await openNodeDialog(level, { parentId: Number(button.dataset.parent) }));
    }
  });

  bindAccountSections(root, admin);
  bindVolunteerSettings(root, admin);
  bindBackupSection(root);
  bindEncryptionSection(root, admin);
  loadHierarchy();

  return {
    update(next, prev) {
      if (next.hierarchy !== prev.hierarchy) {
        setHtmlKeepFocus(tree, treeMarkup(next.hierarchy));
        // Keep a name the user typed but has not saved yet.
        const typedButUnsaved = nameInput.value !== (prev.hierarchy?.community_name ?? '');
        if (document.activeElement !== nameInput && next.hierarchy && !typedButUnsaved) {
          nameInput.value = next.hierarchy.community_name ?? '';
        }
      }
    },
  };
}
