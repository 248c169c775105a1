// The 志愿者 tab: volunteers filtered by line, organisation and text; 新增志愿者 / 编辑 (a resident chosen by search, or a
// member of an organisation with name and phone), 离开, and a link to each one's hours.
import { html, setHtml, setHtmlKeepFocus } from '../html.js';
import { t, tv } from '../i18n.js';
import { latestOnly } from '../latest.js';
import { refreshStats } from '../actions/basics.js';
import { getVolunteer, leaveVolunteer, listVolunteers, saveVolunteer } from '../actions/volunteers.js';
import { volunteersHref } from '../router.js';
import { orDash } from '../format.js';
import { normaliseDate } from '../activity-model.js';
import { durationText } from '../volunteer-model.js';
import { badge, badgeList, lineBadge } from '../components/badges.js';
import { confirmAction, openFormDialog } from '../components/dialog.js';
import { errorText, reportError } from '../components/errors.js';
import { field, plainChoices, selectInput, textInput } from '../components/fields.js';
import { toast } from '../components/toast.js';
import { bindResidentPicker, residentPickerMarkup } from '../components/resident-picker.js';

const idOrNull = (value) => (value === '' || value === null || value === undefined ? null : Number(value));
const invalid = (fields) => ({ kind: 'invalid', message: t('form.checkFields'), fields });

const orgChoices = (options) => (options?.organisations ?? []).map((o) => ({ value: o.id, label: o.name }));

// ---------- The form ----------

/**
 * 新增志愿者 / 编辑志愿者. `id` edits that volunteer; `defaults` preselect `{ mode: 'resident'|'member', organisation_id }`.
 * Resolves with the saved id, or null when cancelled.
 */
export async function openVolunteerForm(ctx, { id = null, defaults = {} } = {}) {
  const options = ctx.options ?? (await ctx.loadOptions()) ?? {};
  let detail = null;
  if (id !== null) {
    try {
      detail = await getVolunteer(id);
    } catch (error) {
      reportError(error);
      return null;
    }
  }
  const v = detail?.volunteer ?? {};
  const mode = detail ? (v.resident_id ? 'resident' : 'member') : (defaults.mode ?? 'resident');
  const orgId = detail ? v.organisation_id : defaults.organisation_id ?? null;
  const radio = (value, label) => html`<label class="check" for="vf-mode-${value}">
    <input type="radio" name="vf-mode" id="vf-mode-${value}" value="${value}" ${mode === value ? html`checked` : ''} ${detail ? html`disabled` : ''}>
    <span>${label}</span></label>`;
  const chosen = v.resident_id ? { id: v.resident_id, name: v.name, address: v.address } : null;

  const body = html`${detail ? html`<p class="notice">${t('volunteerForm.numberIs', { number: v.number })}</p>` : ''}
    <fieldset class="field field-group">
      <legend class="field-label">${t('volunteerForm.who')}</legend>
      <div class="checks">${radio('resident', t('volunteerForm.resident'))}${radio('member', t('volunteerForm.member'))}</div>
    </fieldset>
    <div class="vf-panel" data-mode="resident" ${mode === 'resident' ? '' : html`hidden`}>
      ${residentPickerMarkup({ prefix: 'vf-resident', label: t('volunteerForm.pickResident'), hint: t('volunteerForm.pickResidentHint'),
        field: 'resident_id', chosen })}
    </div>
    <div class="vf-panel" data-mode="member" ${mode === 'member' ? '' : html`hidden`}>
      ${field({ id: 'vf-name', label: t('volunteerForm.name'), field: 'name', required: true,
        control: textInput({ id: 'vf-name', value: v.resident_id ? '' : v.name ?? '' }) })}
    </div>
    <div class="form-grid">
      ${field({ id: 'vf-organisation', label: t('volunteerForm.organisation'), field: 'organisation_id', hint: t('volunteerForm.organisationHint'),
        control: selectInput({ id: 'vf-organisation', blank: t('volunteerForm.noOrganisation'), value: orgId, choices: orgChoices(options) }) })}
      ${field({ id: 'vf-phone', label: t('volunteerForm.phone'), field: 'phone', hint: String(detail?.phone ?? '').includes('*') ? `${t('volunteerForm.phoneHint')} ${t('form.maskedHint')}` : t('volunteerForm.phoneHint'),
        control: textInput({ id: 'vf-phone', type: 'tel', inputmode: 'tel', value: detail?.phone ?? '' }) })}
      ${field({ id: 'vf-line', label: t('volunteerForm.line'), field: 'line', hint: t('volunteerForm.lineHint'),
        control: selectInput({ id: 'vf-line', blank: t('volunteerForm.lineAuto'), value: v.line, choices: plainChoices(options.lines, (l) => tv('line', l)) }) })}
      ${field({ id: 'vf-joined', label: t('volunteerForm.joinedOn'), field: 'joined_on', hint: t('common.dateHint'),
        control: textInput({ id: 'vf-joined', value: v.joined_on ?? '', placeholder: ctx.today() }) })}
      ${field({ id: 'vf-skills', label: t('volunteerForm.skills'), field: 'skills', wide: true, hint: t('volunteerForm.skillsHint'),
        control: textInput({ id: 'vf-skills', value: v.skills ?? '' }) })}
    </div>`;

  let picker = null;
  return openFormDialog({
    title: detail ? t('volunteerForm.editTitle', { name: v.name }) : t('volunteerForm.addTitle'),
    body,
    submitId: 'vf-save',
    cancelId: 'vf-cancel',
    wide: true,
    onReady: (form) => {
      picker = bindResidentPicker(form, 'vf-resident');
      form.addEventListener('change', (event) => {
        if (event.target.name !== 'vf-mode') return;
        for (const panel of form.querySelectorAll('.vf-panel')) panel.hidden = panel.dataset.mode !== event.target.value;
      });
    },
    onSubmit: async (form) => {
      const value = (sel) => form.querySelector(sel).value;
      const member = form.querySelector('#vf-mode-member').checked;
      const input = {
        id: detail ? v.id : null,
        resident_id: member ? null : picker.picked()?.id ?? null,
        organisation_id: idOrNull(value('#vf-organisation')),
        name: member ? value('#vf-name') : '',
        phone: value('#vf-phone'),
        line: value('#vf-line'),
        skills: value('#vf-skills'),
        joined_on: normaliseDate(value('#vf-joined')),
      };
      if (!member && input.resident_id === null) throw invalid([{ field: 'resident_id', message: t('volunteerForm.residentRequired') }]);
      const saved = await saveVolunteer(input);
      toast(detail ? t('volunteerForm.saved', { name: v.name }) : t('volunteerForm.added'));
      refreshStats();
      return saved ?? v.id;
    },
  }).finally(() => picker?.cancel());
}

// ---------- The list ----------

function toolbarMarkup(filter, options) {
  return html`<div class="filter filter-wide">
      <label class="field-label" for="vol-query">${t('volunteers.query')}</label>
      <input class="input" id="vol-query" type="search" autocomplete="off" spellcheck="false" value="${filter.query}"
        placeholder="${t('volunteers.queryPlaceholder')}">
    </div>
    <div class="filter">
      <label class="field-label" for="vol-line">${t('volunteers.line')}</label>
      ${selectInput({ id: 'vol-line', blank: t('volunteers.allLines'), value: filter.line, choices: plainChoices(options?.lines, (l) => tv('line', l)) })}
    </div>
    <div class="filter">
      <label class="field-label" for="vol-org">${t('volunteers.organisation')}</label>
      ${selectInput({ id: 'vol-org', blank: t('volunteers.allOrganisations'), value: filter.organisation_id, choices: orgChoices(options) })}
    </div>
    <div class="filter filter-checks">
      <label class="check" for="vol-include-left"><input type="checkbox" id="vol-include-left" ${filter.include_left ? html`checked` : ''}>
        <span>${t('volunteers.includeLeft')}</span></label>
    </div>`;
}

function rowMarkup(v) {
  const left = !!v.left_on;
  const where = v.organisation ? html`${v.organisation}${v.address ? html`<br><span class="muted">${v.address}</span>` : ''}` : orDash(v.address);
  return html`<tr data-id="${v.id}" class="${left ? 'is-gone' : ''}">
    <th scope="row" class="nowrap">${v.name} ${left ? badge(t('volunteers.leftOn', { date: v.left_on }), 'gone') : ''}<br>
      <span class="muted mono vol-number">${v.number}</span></th>
    <td>${badgeList([lineBadge(v.line, { short: true })])}</td>
    <td class="vol-where">${where}</td>
    <td class="nowrap">${orDash(v.phone_masked)}</td>
    <td class="vol-skills">${orDash(v.skills)}</td>
    <td class="nowrap">${v.joined_on}</td>
    <td class="nowrap num"><span class="vol-confirmed">${durationText(v.confirmed_minutes, t)}</span>
      ${v.pending_minutes ? html`<br><span class="muted vol-pending">${t('volunteers.pendingText', { duration: durationText(v.pending_minutes, t) })}</span>` : ''}</td>
    <td><div class="row-actions">
      <button type="button" class="button button-small vol-edit" id="vol-edit-${v.id}" aria-label="${t('volunteers.editOf', { name: v.name })}">${t('volunteers.edit')}</button>
      <a class="button button-small" id="vol-hours-${v.id}" href="${volunteersHref('hours', { volunteerId: v.id })}"
        aria-label="${t('volunteers.hoursOf', { name: v.name })}">${t('volunteers.hours')}</a>
      ${left ? '' : html`<button type="button" class="button button-small button-danger vol-leave" id="vol-leave-${v.id}"
        aria-label="${t('volunteers.leaveOf', { name: v.name })}">${t('volunteers.leave')}</button>`}
    </div></td>
  </tr>`;
}

const isFiltered = (f) => f.query.trim() !== '' || f.line !== null || f.organisation_id !== null;

function listMarkup(s) {
  if (!s.loaded) return html`<p class="empty">${t('common.loading')}</p>`;
  if (s.error && !s.rows.length) return html`<div class="empty"><p>${errorText(s.error)}</p></div>`;
  if (!s.rows.length) {
    return html`<div class="empty" id="volunteers-empty"><p>${isFiltered(s.filter) ? t('volunteers.emptyFiltered') : t('volunteers.emptyAll')}</p>
      ${isFiltered(s.filter) ? '' : html`<p class="muted">${t('volunteers.emptyHint')}</p>`}</div>`;
  }
  const confirmed = s.rows.reduce((sum, v) => sum + (v.confirmed_minutes ?? 0), 0);
  return html`<p class="list-summary" id="volunteers-summary">${t('volunteers.summary', { count: s.rows.length, total: durationText(confirmed, t) })}</p>
    <div class="table-wrap"><table class="table volunteers-table" id="volunteers-table">
      <caption class="visually-hidden">${t('volunteers.title')}</caption>
      <thead><tr>
        <th scope="col">${t('volunteers.colNameNumber')}</th>
        <th scope="col">${t('volunteers.colLine')}</th><th scope="col">${t('volunteers.colWhere')}</th>
        <th scope="col">${t('volunteers.colPhone')}</th><th scope="col">${t('volunteers.colSkills')}</th>
        <th scope="col">${t('volunteers.colJoined')}</th><th scope="col" class="num">${t('volunteers.colConfirmed')}</th>
        <th scope="col"><span class="visually-hidden">${t('volunteers.colActions')}</span></th>
      </tr></thead>
      <tbody>${s.rows.map(rowMarkup)}</tbody>
    </table></div>`;
}

export function mountVolunteerList(panel, ctx) {
  setHtml(panel, html`<div class="section-head tab-head">
      <p class="section-note">${t('volunteers.note')}</p>
      <button type="button" class="button button-primary" id="add-volunteer">${t('volunteers.add')}</button>
    </div>
    <form class="card filters" id="volunteers-filter" aria-label="${t('volunteers.filters')}" novalidate></form>
    <section class="card" id="volunteers-results" aria-label="${t('volunteers.tab.list')}"></section>`);
  const toolbar = panel.querySelector('#volunteers-filter');
  const results = panel.querySelector('#volunteers-results');
  const s = { filter: { query: '', line: null, organisation_id: null, include_left: false }, rows: [], loaded: false, error: null };
  const latest = latestOnly();

  const paintToolbar = () => setHtmlKeepFocus(toolbar, toolbarMarkup(s.filter, ctx.options));
  const paint = () => setHtmlKeepFocus(results, listMarkup(s));
  const load = async () => {
    const delivered = await latest(() => listVolunteers(s.filter), {
      done: (rows) => Object.assign(s, { rows: rows ?? [], loaded: true, error: null }),
      failed: (error) => {
        Object.assign(s, { loaded: true, error });
        reportError(error);
      },
    });
    if (delivered) paint();
  };

  let typing = null;
  toolbar.addEventListener('submit', (event) => event.preventDefault());
  toolbar.addEventListener('input', (event) => {
    if (event.target.id !== 'vol-query') return;
    s.filter.query = event.target.value;
    clearTimeout(typing);
    typing = setTimeout(load, 200);
  });
  toolbar.addEventListener('change', (event) => {
    const el = event.target;
    if (el.id === 'vol-line') s.filter.line = el.value === '' ? null : el.value;
    else if (el.id === 'vol-org') s.filter.organisation_id = idOrNull(el.value);
    else if (el.id === 'vol-include-left') s.filter.include_left = el.checked;
    else return;
    load();
  });

  const afterSave = async (saved) => {
    if (saved === null || saved === undefined) return;
    await Promise.all([load(), ctx.loadVolunteers()]);
  };
  panel.querySelector('#add-volunteer').addEventListener('click', async () => afterSave(await openVolunteerForm(ctx)));
  results.addEventListener('click', async (event) => {
    const row = event.target.closest('tr[data-id]');
    if (!row) return;
    const v = s.rows.find((r) => r.id === Number(row.dataset.id));
    if (!v) return;
    if (event.target.closest('.vol-edit')) {
      afterSave(await openVolunteerForm(ctx, { id: v.id }));
    } else if (event.target.closest('.vol-leave')) {
      const done = await confirmAction({
        title: t('volunteers.leaveTitle'),
        message: t('volunteers.leaveConfirm', { name: v.name, number: v.number }),
        confirmLabel: t('volunteers.leave'),
        cancelLabel: t('action.cancel'),
        date: { label: t('volunteers.leaveDate'), hint: t('common.dateHint'), value: ctx.today(), required: false },
        onConfirm: ({ date }) => leaveVolunteer(v.id, date),
      });
      if (done) {
        toast(t('volunteers.leaveDone', { name: v.name }));
        refreshStats();
        afterSave(v.id);
      }
    }
  });

  paint();
  return {
    async show() {
      if (!ctx.options) await ctx.loadOptions();
      paintToolbar();
      load();
    },
  };
}
