// Household form dialog (新增/编辑住户): cascading grid → building → unit selects, room, phone, notes.
import { html, setHtml } from '../html.js';
import { t } from '../i18n.js';
import { getState } from '../store.js';
import { loadHierarchy, refreshStats } from '../actions/basics.js';
import { saveHousehold } from '../actions/households.js';
import { openFormDialog } from '../components/dialog.js';
import { field, optionalText, selectInput, textArea, textInput } from '../components/fields.js';
import { toast } from '../components/toast.js';
import { navigate } from '../router.js';

const choicesOf = (items) => (items ?? []).map((item) => ({ value: item.id, label: item.name }));
const byId = (items, id) => (items ?? []).find((item) => String(item.id) === String(id));

function optionsMarkup(items, blank, value) {
  return html`<option value="">${blank}</option>${choicesOf(items).map((c) => html`<option value="${c.value}" ${String(c.value) === String(value ?? '') ? html`selected` : ''}>${c.label}</option>`)}`;
}

/**
 * Opens the form; `detail` (a HouseholdDetail) edits it, otherwise `gridId`/`buildingId` preselect the place.
 * Resolves with the saved household id, or null when cancelled.
 */
export async function openHouseholdForm({ detail = null, gridId = null, buildingId = null } = {}) {
  if (!getState().hierarchy) await loadHierarchy();
  const grids = getState().hierarchy?.grids ?? [];
  const start = {
    grid: detail?.grid_id ?? gridId,
    building: detail?.building_id ?? buildingId,
    unit: detail?.unit_id ?? null,
  };
  const grid = byId(grids, start.grid);
  const building = byId(grid?.buildings, start.building);

  const body = html`${grids.length ? '' : html`<p class="notice">${t('householdForm.noPlaces')} <a href="#/settings" data-dialog-link>${t('nav.settings')}</a></p>`}
    <div class="form-grid">
      ${field({ id: 'hh-grid', label: t('householdForm.grid'), field: 'grid_id', required: true,
        control: selectInput({ id: 'hh-grid', blank: t('householdForm.pickGrid'), value: grid?.id, choices: choicesOf(grids) }) })}
      ${field({ id: 'hh-building', label: t('householdForm.building'), field: 'building_id', required: true,
        control: selectInput({ id: 'hh-building', blank: t('householdForm.pickBuilding'), value: building?.id, choices: choicesOf(grid?.buildings) }) })}
      ${field({ id: 'hh-unit', label: t('householdForm.unit'), field: 'unit_id', required: true,
        control: selectInput({ id: 'hh-unit', blank: t('householdForm.pickUnit'), value: start.unit, choices: choicesOf(building?.units) }) })}
      ${field({ id: 'hh-room', label: t('householdForm.room'), field: 'room', required: true, hint: t('householdForm.roomHint'),
        control: textInput({ id: 'hh-room', value: detail?.room ?? '', required: true }) })}
      ${field({ id: 'hh-phone', label: t('householdForm.phone'), field: 'phone',
        control: textInput({ id: 'hh-phone', value: detail?.phone ?? '', type: 'tel', inputmode: 'tel' }) })}
      ${field({ id: 'hh-notes', label: t('householdForm.notes'), field: 'notes', wide: true,
        control: textArea({ id: 'hh-notes', value: detail?.notes ?? '' }) })}
    </div>`;

  const onReady = (form) => {
    const gridSelect = form.querySelector('#hh-grid');
    const buildingSelect = form.querySelector('#hh-building');
    const unitSelect = form.querySelector('#hh-unit');
    const currentGrid = () => byId(grids, gridSelect.value);
    gridSelect.addEventListener('change', () => {
      setHtml(buildingSelect, optionsMarkup(currentGrid()?.buildings, t('householdForm.pickBuilding')));
      setHtml(unitSelect, optionsMarkup([], t('householdForm.pickUnit')));
    });
    buildingSelect.addEventListener('change', () => {
      setHtml(unitSelect, optionsMarkup(byId(currentGrid()?.buildings, buildingSelect.value)?.units, t('householdForm.pickUnit')));
    });
    form.querySelector('[data-dialog-link]')?.addEventListener('click', (event) => {
      event.preventDefault();
      form.querySelector('[data-dialog-cancel]').click();
      navigate('#/settings');
    });
  };

  return openFormDialog({
    title: detail ? t('householdForm.editTitle') : t('householdForm.addTitle'),
    body,
    submitId: 'hh-save',
    cancelId: 'hh-cancel',
    wide: true,
    onReady,
    onSubmit: async (form) => {
      const unit = form.querySelector('#hh-unit').value;
      if (unit === '') {
        throw { kind: 'invalid', message: t('form.checkFields'), fields: [{ field: 'unit_id', message: t('householdForm.unitRequired') }] };
      }
      const input = {
        unit_id: Number(unit),
        room: form.querySelector('#hh-room').value,
        phone: optionalText(form.querySelector('#hh-phone').value),
        notes: optionalText(form.querySelector('#hh-notes').value),
      };
      if (detail) input.id = detail.id;
      const id = await saveHousehold(input);
      toast(t('householdForm.saved'));
      refreshStats();
      return id ?? detail?.id;
    },
  });
}
