// Heads of grids/buildings/units (网格长/楼栋长/单元长): display text and the picker (a resident by search, or a staff name).
import { html, setHtml } from '../html.js';
import { t, tv } from '../i18n.js';
import { ageText } from '../format.js';
import { createSearch } from '../search-runner.js';
import { errorText } from '../components/errors.js';
import { field, fieldset, textInput } from '../components/fields.js';

/** "张三（138****1234）", or null when there is no head. */
export function headText(head) {
  if (!head?.name) return null;
  return head.phone_masked ? t('head.withPhone', { name: head.name, phone: head.phone_masked }) : head.name;
}

const modeOf = (head) => (head?.resident_id ? 'resident' : head?.name ? 'staff' : 'none');

/** Markup of the picker for `head` (may be null); `role` is its title, e.g. 网格长. */
export function headPickerMarkup(role, head) {
  const mode = modeOf(head);
  const radio = (value, label) => html`<label class="check" for="head-mode-${value}">
    <input type="radio" name="head-mode" id="head-mode-${value}" value="${value}" ${mode === value ? html`checked` : ''}> <span>${label}</span></label>`;
  return fieldset({
    legend: role,
    field: 'head',
    content: html`<div class="checks">${radio('none', t('head.none'))}${radio('resident', t('head.resident'))}${radio('staff', t('head.staff'))}</div>
      <div class="head-panel" data-mode="resident" ${mode === 'resident' ? '' : html`hidden`}>
        ${field({ id: 'head-search', label: t('head.searchLabel'), field: 'head_resident_id',
          control: textInput({ id: 'head-search', type: 'search', placeholder: t('search.placeholder') }) })}
        <p class="head-selected" id="head-selected" aria-live="polite" data-id="${mode === 'resident' ? head.resident_id : ''}">${mode === 'resident' ? t('head.selected', { name: head.name }) : t('head.noneSelected')}</p>
        <ul class="head-results" id="head-results"></ul>
      </div>
      <div class="head-panel" data-mode="staff" ${mode === 'staff' ? '' : html`hidden`}>
        ${field({ id: 'head-name', label: t('head.staffName'), field: 'head_name',
          control: textInput({ id: 'head-name', value: mode === 'staff' ? head.name : '' }) })}
      </div>`,
  });
}

/** Wires the picker inside `form`; returns `read()` → `{ head_resident_id, head_name }` (throws an `invalid` error if incomplete). */
export function bindHeadPicker(form) {
  const selected = form.querySelector('#head-selected');
  const results = form.querySelector('#head-results');
  const searchInput = form.querySelector('#head-search');
  const mode = () => form.querySelector('input[name="head-mode"]:checked')?.value ?? 'none';

  const searcher = createSearch({
    onResults: (hits, query) => {
      setHtml(results, query.trim() === '' ? html``
        : hits.length ? html`${hits.slice(0, 8).map((hit) => html`<li><button type="button" class="head-hit" data-id="${hit.id}" data-name="${hit.name}">
            <strong>${hit.name}</strong> <span class="muted">${[tv('sex', hit.sex), ageText(hit.age)].filter(Boolean).join(' · ')}</span>
            <span class="head-hit-address">${hit.address}</span></button></li>`)}`
          : html`<li class="muted">${t('search.empty', { query })}</li>`);
    },
    onError: (error) => setHtml(results, html`<li class="muted">${errorText(error)}</li>`),
  });

  form.addEventListener('change', (event) => {
    if (event.target.name !== 'head-mode') return;
    for (const panel of form.querySelectorAll('.head-panel')) panel.hidden = panel.dataset.mode !== mode();
  });
  searchInput.addEventListener('input', () => searcher.run(searchInput.value));
  searchInput.addEventListener('keydown', (event) => {
    if (event.key === 'Enter') {
      event.preventDefault();
      searcher.now(searchInput.value);
    }
  });
  results.addEventListener('click', (event) => {
    const hit = event.target.closest('.head-hit');
    if (!hit) return;
    selected.dataset.id = hit.dataset.id;
    selected.textContent = t('head.selected', { name: hit.dataset.name });
    setHtml(results, html``);
    searchInput.value = '';
    searchInput.focus();
  });

  return function read() {
    if (mode() === 'resident') {
      if (!selected.dataset.id) {
        throw { kind: 'invalid', message: t('form.checkFields'), fields: [{ field: 'head_resident_id', message: t('head.pickResident') }] };
      }
      return { head_resident_id: Number(selected.dataset.id), head_name: null };
    }
    if (mode() === 'staff') {
      const name = form.querySelector('#head-name').value;
      if (name.trim() === '') {
        throw { kind: 'invalid', message: t('form.checkFields'), fields: [{ field: 'head_name', message: t('head.nameRequired') }] };
      }
      return { head_resident_id: null, head_name: name };
    }
    return { head_resident_id: null, head_name: null };
  };
}
