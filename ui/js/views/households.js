// Households list (#/households): filters, the households table with badges, paging, 新增住户, export and 打印花名册.
import { html, setHtml, setHtmlKeepFocus } from '../html.js';
import { t, tv } from '../i18n.js';
import { getState } from '../store.js';
import { pickSaveFile } from '../actions/files.js';
import { PAGE_SIZE, exportHouseholds, exportResidents, loadHouseholds } from '../actions/households.js';
import { householdHref, navigate } from '../router.js';
import { localToday, orDash, safeFileName } from '../format.js';
import { agedBadge, badgeList, careBadge, movedOutBadge, partyBadge } from '../components/badges.js';
import { reportError } from '../components/errors.js';
import { selectInput } from '../components/fields.js';
import { toast } from '../components/toast.js';
import { openHouseholdForm } from './household-form.js';
import { openRosterDialog } from './roster-dialog.js';
import { isAdmin } from '../roles.js';

const idOrNull = (value) => (value === '' ? null : Number(value));

function filtersMarkup(state) {
  const { filter } = state.households;
  const grids = state.hierarchy?.grids ?? [];
  const grid = grids.find((g) => g.id === filter.grid_id);
  const check = (id, key, label) => html`<label class="check" for="${id}">
    <input type="checkbox" id="${id}" data-key="${key}" ${filter[key] ? html`checked` : ''}> <span>${label}</span></label>`;
  return html`<div class="filter">
      <label class="field-label" for="filter-grid">${t('households.grid')}</label>
      ${selectInput({ id: 'filter-grid', blank: t('households.allGrids'), value: filter.grid_id, choices: grids.map((g) => ({ value: g.id, label: g.name })) })}
    </div>
    <div class="filter">
      <label class="field-label" for="filter-building">${t('households.building')}</label>
      ${selectInput({ id: 'filter-building', blank: grid ? t('households.allBuildings') : t('households.pickGridFirst'), value: filter.building_id, disabled: !grid,
        choices: (grid?.buildings ?? []).map((b) => ({ value: b.id, label: b.name })) })}
    </div>
    <div class="filter">
      <label class="field-label" for="filter-care">${t('households.care')}</label>
      ${selectInput({ id: 'filter-care', blank: t('households.allCare'), value: filter.care, choices: (state.vocabularies?.care_kinds ?? []).map((k) => ({ value: k, label: tv('care', k) })) })}
    </div>
    <div class="filter filter-checks">
      ${check('filter-80', 'aged_80_plus', t('households.aged80'))}
      ${check('filter-party', 'party_member', t('households.party'))}
      ${check('filter-moved-out', 'include_moved_out', t('households.includeMovedOut'))}
    </div>`;
}

function rowMarkup(row) {
  const badges = [
    row.has_80_plus ? agedBadge() : null,
    ...(row.care_needs ?? []).map((kind) => careBadge({ kind })),
    row.party_members > 0 ? partyBadge(row.party_members) : null,
    row.moved_out_on ? movedOutBadge(row.moved_out_on) : null,
  ].filter(Boolean);
  return html`<tr data-id="${row.id}" class="${row.moved_out_on ? 'is-gone' : ''}">
    <td class="col-address"><a href="${householdHref(row.id)}">${row.address}</a></td>
    <td class="nowrap">${row.grid_name}</td>
    <td class="nowrap">${orDash(row.head_name)}</td>
    <td class="num">${row.member_count}</td>
    <td class="nowrap">${orDash(row.phone_masked)}</td>
    <td>${badgeList(badges)}</td>
  </tr>`;
}

/** The list's filter without its paging: every row the filters select. */
function exportFilter() {
  const { limit, ...filter } = getState().households.filter;
  return { ...filter, offset: 0 };
}

/** 导出居民 / 导出住户: asks where to save (.xlsx suggested; the dialog also allows .csv), then writes the filtered rows. */
const EXPORTS = {
  'export-residents': { run: exportResidents, fileName: 'export.residentsFile' },
  'export-households': { run: exportHouseholds, fileName: 'export.householdsFile' },
};

async function exportList(button) {
  const { run, fileName } = EXPORTS[button.id];
  const filter = exportFilter();
  const community = getState().app?.community_name ?? '';
  button.disabled = true;
  button.setAttribute('aria-busy', 'true');
  try {
    const out = await pickSaveFile('xlsx', safeFileName(t(fileName, { community, date: localToday() })));
    if (!out) return;
    const count = await run(filter, out);
    toast(t('export.done', { count, path: out }));
  } catch (error) {
    reportError(error);
  } finally {
    button.disabled = false;
    button.removeAttribute('aria-busy');
  }
}

const isPlain = (f) => !f.grid_id && !f.building_id && !f.care && !f.aged_80_plus && !f.party_member;

function resultsMarkup(list) {
  const { filter, total, rows, loading, loaded } = list;
  if (!loaded) return html`<p class="empty">${t('common.loading')}</p>`;
  const pages = Math.max(1, Math.ceil(total / PAGE_SIZE));
  const page = Math.floor(filter.offset / PAGE_SIZE) + 1;
  const table = rows.length
    ? html`<div class="table-wrap"><table id="households-table" class="table table-click">
        <caption class="visually-hidden">${t('households.title')}</caption>
        <thead><tr>
          <th scope="col">${t('households.colAddress')}</th><th scope="col">${t('households.colGrid')}</th>
          <th scope="col">${t('households.colHead')}</th><th scope="col" class="num">${t('households.colMembers')}</th>
          <th scope="col">${t('households.colPhone')}</th><th scope="col">${t('households.colMarks')}</th>
        </tr></thead>
        <tbody>${rows.map(rowMarkup)}</tbody>
      </table></div>`
    : html`<div class="empty"><p>${total === 0 && isPlain(filter) ? t('households.emptyAll') : t('households.emptyFiltered')}</p></div>`;
  return html`<div class="list-status${loading ? ' is-loading' : ''}" aria-busy="${loading ? 'true' : 'false'}">${table}</div>
    <div class="pager">
      <span class="pager-total" role="status">${t('households.total', { total })}</span>
      ${pages > 1 ? html`<span class="pager-page">${t('households.page', { page, pages })}</span>
      <button type="button" class="button" id="page-prev" ${page <= 1 ? html`disabled` : ''}>${t('households.prev')}</button>
      <button type="button" class="button" id="page-next" ${page >= pages ? html`disabled` : ''}>${t('households.next')}</button>` : ''}
    </div>`;
}

export function mount(root, state) {
  // Exports hold every full ID number and phone: only administrators may make them (the core refuses staff).
  const exports = isAdmin(state.session);
  setHtml(root, html`<div class="page-head">
      <h1 class="page-title" tabindex="-1">${t('households.title')}</h1>
      <div class="page-actions">
        ${exports ? html`<button type="button" class="button" id="export-residents">${t('export.residents')}</button>
        <button type="button" class="button" id="export-households">${t('export.households')}</button>` : ''}
        <button type="button" class="button" id="print-roster">${t('roster.open')}</button>
        <button type="button" class="button button-primary" id="add-household">${t('households.add')}</button>
      </div>
    </div>
    <form class="card filters" id="households-filters" aria-label="${t('households.filters')}" novalidate></form>
    <section class="card" id="households-results"></section>`);
  const filters = root.querySelector('#households-filters');
  const results = root.querySelector('#households-results');
  setHtml(filters, filtersMarkup(state));
  setHtml(results, resultsMarkup(state.households));

  filters.addEventListener('submit', (event) => event.preventDefault());
  filters.addEventListener('change', (event) => {
    const el = event.target;
    if (el.id === 'filter-grid') loadHouseholds({ grid_id: idOrNull(el.value), building_id: null });
    else if (el.id === 'filter-building') loadHouseholds({ building_id: idOrNull(el.value) });
    else if (el.id === 'filter-care') loadHouseholds({ care: el.value === '' ? null : el.value });
    else if (el.dataset.key) loadHouseholds({ [el.dataset.key]: el.checked });
  });
  results.addEventListener('click', (event) => {
    const { filter } = getState().households;
    const turn = (offset) => loadHouseholds({ offset }).then(() => results.scrollIntoView({ block: 'start' }));
    if (event.target.closest('#page-prev')) turn(Math.max(0, filter.offset - PAGE_SIZE));
    else if (event.target.closest('#page-next')) turn(filter.offset + PAGE_SIZE);
    else {
      const row = event.target.closest('tbody tr[data-id]');
      if (row && !event.target.closest('a')) navigate(householdHref(row.dataset.id));
    }
  });
  root.querySelector('#add-household').addEventListener('click', async () => {
    const { filter } = getState().households;
    const id = await openHouseholdForm({ gridId: filter.grid_id, buildingId: filter.building_id });
    if (id !== null) navigate(householdHref(id));
  });
  for (const id of Object.keys(EXPORTS)) {
    const button = root.querySelector(`#${id}`);
    button?.addEventListener('click', () => exportList(button));
  }
  root.querySelector('#print-roster').addEventListener('click', () => {
    openRosterDialog({ gridId: getState().households.filter.grid_id });
  });

  loadHouseholds();

  return {
    update(next, prev) {
      const filterChanged = next.households.filter.grid_id !== prev.households?.filter.grid_id;
      if (next.hierarchy !== prev.hierarchy || next.vocabularies !== prev.vocabularies || filterChanged) {
        setHtmlKeepFocus(filters, filtersMarkup(next));
      }
      if (next.households !== prev.households) setHtmlKeepFocus(results, resultsMarkup(next.households));
    },
  };
}
