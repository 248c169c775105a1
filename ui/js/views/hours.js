// The 时长 tab: the hours ledger (志愿服务记录) filtered by period, status, volunteer, text or one activity; row
// checkboxes with 批量确认 / 驳回 (verifier and note), 登记时长, 更正 with a reason, and an entry's history.
// Entries are never deleted: a wrong one is rejected or corrected, and the history says who did what when.
import { html, setHtml, setHtmlKeepFocus } from '../html.js';
import { getState } from '../store.js';
import { t, tv } from '../i18n.js';
import { latestOnly } from '../latest.js';
import { hourEntryHistory, listHours, reviewHours } from '../actions/hours.js';
import { activityHref, volunteersHref } from '../router.js';
import { orDash } from '../format.js';
import { normaliseDate } from '../activity-model.js';
import {
  CONFIRMED, defaultHoursFrom, durationText, entryTimeText, checkRange, PENDING, periodText, pruneSelection, REJECTED,
  selectedRows, selectionState, statusTotals, toggleAll, toggleSelected, volunteerLabel,
} from '../volunteer-model.js';
import { badge } from '../components/badges.js';
import { openFormDialog, showNotice } from '../components/dialog.js';
import { errorText, reportError } from '../components/errors.js';
import { clearErrors, showErrors } from '../components/form-errors.js';
import { field, selectInput, textArea, textInput } from '../components/fields.js';
import { toast } from '../components/toast.js';
import { openHourForm } from './hour-form.js';

const STATUS_TONES = { [PENDING]: 'warn', [CONFIRMED]: 'volunteer', [REJECTED]: 'gone' };
export const statusBadge = (status) => badge(tv('hourStatus', status), STATUS_TONES[status] ?? 'other');

// ---------- Filters and totals ----------

function filterMarkup(s, volunteers, statuses) {
  const f = s.filter;
  const dateField = (id, key, label) => html`<div class="filter filter-date">
    <label class="field-label" for="${id}">${label}</label>
    <input class="input" id="${id}" value="${f[key] ?? ''}" placeholder="${t('period.datePlaceholder')}" autocomplete="off" aria-describedby="${id}-error">
    <p class="field-error" data-field="${key}" id="${id}-error" hidden></p>
  </div>`;
  const activity = f.activity_id ? html`<div class="filter filter-chip" id="hours-activity-filter">
      <span class="chip">${t('hours.onlyActivity', { title: s.activityTitle ?? `#${f.activity_id}` })}
        <a class="chip-clear" id="hours-activity-clear" href="${volunteersHref('hours')}" aria-label="${t('hours.clearActivity')}">✕</a></span>
    </div>` : '';
  return html`${dateField('hours-from', 'from', t('period.from'))}
    ${dateField('hours-to', 'to', t('period.to'))}
    <div class="filter">
      <label class="field-label" for="hours-status">${t('hours.status')}</label>
      ${selectInput({ id: 'hours-status', blank: t('hours.allStatuses'), value: f.status, choices: statuses.map((st) => ({ value: st, label: tv('hourStatus', st) })) })}
    </div>
    <div class="filter filter-wide">
      <label class="field-label" for="hours-volunteer">${t('hours.volunteer')}</label>
      ${selectInput({ id: 'hours-volunteer', blank: t('hours.allVolunteers'), value: f.volunteer_id,
        choices: (volunteers ?? []).map((v) => ({ value: v.id, label: volunteerLabel(v, t) })) })}
    </div>
    <div class="filter">
      <label class="field-label" for="hours-query">${t('hours.query')}</label>
      <input class="input" id="hours-query" type="search" autocomplete="off" value="${f.query}" placeholder="${t('hours.queryPlaceholder')}">
    </div>
    ${activity}`;
}

function totalsMarkup(rows) {
  const totals = statusTotals(rows, [CONFIRMED, PENDING, REJECTED]);
  const item = (status, id) => html`<div class="total total-${id}" id="hours-total-${id}">
    <dt>${tv('hourStatus', status)}</dt>
    <dd>${durationText(totals[status].minutes, t)}</dd>
    <dd class="total-count">${t('hours.entries', { count: totals[status].count })}</dd>
  </div>`;
  return html`<dl class="totals hours-totals">${item(CONFIRMED, 'confirmed')}${item(PENDING, 'pending')}${item(REJECTED, 'rejected')}</dl>`;
}

function bulkMarkup(s) {
  const chosen = selectedRows(s.selected, s.rows);
  const minutes = chosen.reduce((sum, r) => sum + (r.minutes ?? 0), 0);
  const none = chosen.length === 0;
  return html`<span class="bulk-count" id="hours-selected" role="status">${none ? t('hours.noneSelected')
      : t('hours.selected', { count: chosen.length, duration: durationText(minutes, t) })}</span>
    <button type="button" class="button button-primary" id="hours-confirm" ${none ? html`disabled` : ''}>${t('hours.confirm')}</button>
    <button type="button" class="button button-danger" id="hours-reject" ${none ? html`disabled` : ''}>${t('hours.reject')}</button>
    ${none ? '' : html`<button type="button" class="button button-quiet" id="hours-clear">${t('hours.clearSelection')}</button>`}`;
}

// ---------- The table ----------

function contentCell(r) {
  const notes = [];
  if (r.corrects_id) notes.push(t('hours.correctsNote', { id: r.corrects_id }));
  if (r.corrected_by) notes.push(t('hours.correctedByNote', { id: r.corrected_by }));
  return html`<td class="hours-content">
    <span class="hours-content-text">${r.content}</span>
    ${r.place ? html`<span class="muted hours-place">${t('hours.at', { place: r.place })}</span>` : ''}
    ${r.activity_id ? html`<a class="hours-activity" href="${activityHref(r.activity_id)}">${t('hours.fromActivity', { title: r.activity_title ?? `#${r.activity_id}` })}</a>` : ''}
    ${r.service_id ? html`<span class="muted hours-service">${t('hours.fromService', { id: r.service_id })}</span>` : ''}
    ${notes.length ? html`<span class="muted hours-correction">${notes.join(t('hours.noteJoin'))}</span>` : ''}
  </td>`;
}

function reviewCell(r) {
  if (r.status === PENDING) return html`<td class="muted">${t('hours.notReviewed')}</td>`;
  return html`<td class="hours-review">${orDash(r.verifier)}${r.reviewed_at ? html`<br><span class="muted">${String(r.reviewed_at).slice(0, 10)}</span>` : ''}
    ${r.review_note ? html`<br><span class="hours-note">${r.review_note}</span>` : ''}</td>`;
}

function rowMarkup(r, s) {
  const pending = r.status === PENDING;
  const checked = s.selected.has(r.id);
  return html`<tr data-id="${r.id}" class="${[r.status === REJECTED ? 'is-gone' : '', checked ? 'is-selected' : ''].filter(Boolean).join(' ')}">
    <td class="select-cell">${pending ? html`<input type="checkbox" class="hours-select" id="hours-select-${r.id}" ${checked ? html`checked` : ''}
      aria-label="${t('hours.selectOf', { name: r.name, date: r.date })}">` : ''}</td>
    <td class="nowrap mono hours-when">${r.date}<br><span class="muted">${entryTimeText(r, t)}</span></td>
    <td class="nowrap num hours-duration">${durationText(r.minutes, t)}</td>
    <th scope="row" class="nowrap">${r.name}<br><span class="muted mono">${r.number}</span></th>
    ${contentCell(r)}
    <td class="nowrap">${statusBadge(r.status)}</td>
    ${reviewCell(r)}
    <td><div class="row-actions">
      ${r.status === REJECTED ? '' : html`<button type="button" class="button button-small hours-correct" id="hours-correct-${r.id}"
        aria-label="${t('hours.correctOf', { id: r.id })}">${t('hours.correct')}</button>`}
      <button type="button" class="button button-small hours-history" id="hours-history-${r.id}" aria-label="${t('hours.historyOf', { id: r.id })}">${t('hours.history')}</button>
    </div></td>
  </tr>`;
}

function tableMarkup(s) {
  if (!s.loaded) return html`<p class="empty">${t('common.loading')}</p>`;
  if (s.error && !s.rows.length) return html`<div class="empty"><p>${errorText(s.error)}</p></div>`;
  if (!s.rows.length) {
    const f = s.filter;
    const filtered = f.status !== null || f.volunteer_id !== null || f.activity_id !== null || f.query.trim() !== '';
    const period = periodText(f.from, f.to, t);
    return html`<div class="empty" id="hours-empty"><p>${t(filtered ? 'hours.emptyFiltered' : 'hours.empty', { period })}</p>
      ${filtered ? '' : html`<p class="muted">${t('hours.emptyHint')}</p>`}</div>`;
  }
  const all = selectionState(s.selected, s.rows);
  const anyPending = s.rows.some((r) => r.status === PENDING);
  return html`<div class="table-wrap"><table class="table hours-table" id="hours-table">
    <caption class="visually-hidden">${t('volunteers.tab.hours')}</caption>
    <thead><tr>
      <th scope="col" class="select-cell">${anyPending ? html`<input type="checkbox" id="hours-select-all" ${all === 'all' ? html`checked` : ''}
        data-state="${all}" aria-label="${t('hours.selectAll')}">` : ''}</th>
      <th scope="col">${t('hours.colWhen')}</th>
      <th scope="col" class="num">${t('hours.colDuration')}</th><th scope="col">${t('hours.colVolunteer')}</th>
      <th scope="col">${t('hours.colContent')}</th><th scope="col">${t('hours.colStatus')}</th>
      <th scope="col">${t('hours.colReview')}</th><th scope="col"><span class="visually-hidden">${t('volunteers.colActions')}</span></th>
    </tr></thead>
    <tbody>${s.rows.map((r) => rowMarkup(r, s))}</tbody>
  </table></div>`;
}

// ---------- Review and history ----------

/** 批量确认 (approve) or 驳回: verifier and note, then review_hours for all of them or none. Resolves with the count. */
function openReview(rows, approve) {
  const minutes = rows.reduce((sum, r) => sum + (r.minutes ?? 0), 0);
  const shown = rows.slice(0, 8);
  const body = html`<p class="dialog-message">${t(approve ? 'review.confirmMessage' : 'review.rejectMessage',
      { count: rows.length, duration: durationText(minutes, t) })}</p>
    <ul class="review-list">${shown.map((r) => html`<li>${t('review.item', { name: r.name, date: r.date, time: entryTimeText(r, t), duration: durationText(r.minutes, t), content: r.content })}</li>`)}
      ${rows.length > shown.length ? html`<li class="muted">${t('review.more', { count: rows.length - shown.length })}</li>` : ''}</ul>
    ${field({ id: 'review-verifier', label: t('review.verifier'), field: 'verifier', hint: t('review.verifierHint'),
      control: textInput({ id: 'review-verifier' }) })}
    ${field({ id: 'review-note', label: approve ? t('review.note') : t('review.reason'), field: 'note', required: !approve,
      hint: approve ? t('review.noteHint') : t('review.reasonHint'), control: textArea({ id: 'review-note', rows: 2 }) })}`;
  return openFormDialog({
    title: approve ? t('review.confirmTitle') : t('review.rejectTitle'),
    body,
    submitId: 'review-ok',
    cancelId: 'review-cancel',
    submitLabel: approve ? t('review.confirmSave', { count: rows.length }) : t('review.rejectSave', { count: rows.length }),
    tone: approve ? 'primary' : 'danger',
    onSubmit: async (form) => {
      const verifier = form.querySelector('#review-verifier').value;
      const note = form.querySelector('#review-note').value;
      if (!approve && note.trim() === '') {
        throw { kind: 'invalid', message: t('form.checkFields'), fields: [{ field: 'note', message: t('review.reasonRequired') }] };
      }
      const count = await reviewHours(rows.map((r) => r.id), { approve, verifier, note });
      return count ?? rows.length;
    },
  });
}

async function openHistory(entry) {
  let events;
  try {
    events = (await hourEntryHistory(entry.id)) ?? [];
  } catch (error) {
    reportError(error);
    return;
  }
  await showNotice({
    title: t('history.title', { id: entry.id }),
    wide: true,
    okId: 'history-ok',
    okLabel: t('action.close'),
    body: html`<p class="dialog-message">${t('history.entry', { name: entry.name, number: entry.number, date: entry.date,
        time: entryTimeText(entry, t), duration: durationText(entry.minutes, t), content: entry.content })}
      ${statusBadge(entry.status)}</p>
      <p class="muted">${t('history.entered', { by: entry.entered_by, at: entry.entered_at })}</p>
      ${events.length ? html`<div class="table-wrap"><table class="table" id="history-table">
        <caption class="visually-hidden">${t('history.title', { id: entry.id })}</caption>
        <thead><tr><th scope="col">${t('history.colAt')}</th><th scope="col">${t('history.colAction')}</th>
          <th scope="col">${t('history.colOperator')}</th><th scope="col">${t('history.colNote')}</th></tr></thead>
        <tbody>${events.map((ev) => html`<tr><td class="nowrap mono">${ev.at}</td><td class="nowrap">${tv('hourAction', ev.action)}</td>
          <td class="nowrap">${ev.operator}</td><td>${orDash(ev.note)}</td></tr>`)}</tbody>
      </table></div>` : html`<p class="empty">${t('history.none')}</p>`}
      <p class="field-hint">${t('history.neverDeleted')}</p>`,
  });
}

// ---------- Mount ----------

function skeleton() {
  return html`<div class="section-head tab-head">
      <p class="section-note">${t('hours.note')}</p>
      <button type="button" class="button button-primary" id="record-hours">${t('hours.add')}</button>
    </div>
    <form class="card filters" id="hours-filter" aria-label="${t('hours.filters')}" novalidate></form>
    <section class="card" id="hours-results" aria-label="${t('volunteers.tab.hours')}">
      <div id="hours-totals"></div>
      <div class="bulk-bar" id="hours-bulk"></div>
      <div id="hours-list"></div>
    </section>`;
}

/** The tab's parts and what it shows: the filter, the loaded rows and the selection; `load` lists the filtered entries. */
function createLedger(panel, ctx) {
  const filterForm = panel.querySelector('#hours-filter');
  const totalsSlot = panel.querySelector('#hours-totals');
  const bulk = panel.querySelector('#hours-bulk');
  const list = panel.querySelector('#hours-list');
  const s = {
    filter: { from: defaultHoursFrom(ctx.today()), to: null, status: null, volunteer_id: null, activity_id: null, query: '' },
    activityTitle: null,
    rows: [],
    selected: new Set(),
    loaded: false,
    error: null,
  };
  const latest = latestOnly();
  const hoursStatuses = () => getState().vocabularies?.hours_statuses ?? [];

  const paintFilter = () => setHtmlKeepFocus(filterForm, filterMarkup(s, ctx.volunteers, hoursStatuses()));
  const paintBulk = () => {
    bulk.hidden = !s.rows.some((r) => r.status === PENDING);
    setHtmlKeepFocus(bulk, bulkMarkup(s));
  };
  const paint = () => {
    setHtml(totalsSlot, s.loaded && s.rows.length ? totalsMarkup(s.rows) : html``);
    paintBulk();
    setHtmlKeepFocus(list, tableMarkup(s));
    const all = list.querySelector('#hours-select-all');
    if (all) all.indeterminate = all.dataset.state === 'some';
  };

  const load = async () => {
    clearErrors(filterForm);
    const range = checkRange(s.filter.from ?? '', s.filter.to ?? '', t);
    if (range.problems.length) {
      showErrors(filterForm, { kind: 'invalid', message: '', fields: range.problems });
      return;
    }
    const delivered = await latest(() => listHours(s.filter), {
      done: (answer) => {
        const rows = answer ?? [];
        const hadTitle = s.activityTitle;
        s.activityTitle = s.filter.activity_id ? rows.find((r) => r.activity_id === s.filter.activity_id)?.activity_title ?? s.activityTitle : null;
        Object.assign(s, { rows, loaded: true, error: null, selected: pruneSelection(s.selected, rows) });
        if (hadTitle !== s.activityTitle) paintFilter();
      },
      failed: (error) => {
        Object.assign(s, { loaded: true, error });
        reportError(error);
      },
    });
    if (delivered) paint();
  };

  return { filterForm, bulk, list, s, paintFilter, paint, load };
}

/** Period, status, volunteer and text: a change lists again (typing after a short pause). */
function bindFilter({ filterForm, s, load }) {
  let typing = null;
  filterForm.addEventListener('submit', (event) => event.preventDefault());
  filterForm.addEventListener('input', (event) => {
    if (event.target.id !== 'hours-query') return;
    s.filter.query = event.target.value;
    clearTimeout(typing);
    typing = setTimeout(load, 250);
  });
  filterForm.addEventListener('change', (event) => {
    const el = event.target;
    if (el.id === 'hours-from' || el.id === 'hours-to') {
      const value = normaliseDate(el.value);
      el.value = value;
      s.filter[el.id === 'hours-from' ? 'from' : 'to'] = value === '' ? null : value;
    } else if (el.id === 'hours-status') s.filter.status = el.value === '' ? null : el.value;
    else if (el.id === 'hours-volunteer') s.filter.volunteer_id = el.value === '' ? null : Number(el.value);
    else return;
    load();
  });
}

/** The row checkboxes and 批量确认 / 驳回 / 清除选择. */
function bindReview({ bulk, list, s, paint, load }, ctx) {
  const reviewSelected = async (approve) => {
    const rows = selectedRows(s.selected, s.rows);
    if (!rows.length) return;
    const count = await openReview(rows, approve);
    if (count === null) return;
    toast(t(approve ? 'review.confirmed' : 'review.rejected', { count }));
    s.selected = new Set();
    await load();
    ctx.loadVolunteers();
  };
  bulk.addEventListener('click', (event) => {
    if (event.target.closest('#hours-confirm')) reviewSelected(true);
    else if (event.target.closest('#hours-reject')) reviewSelected(false);
    else if (event.target.closest('#hours-clear')) {
      s.selected = new Set();
      paint();
    }
  });
  list.addEventListener('change', (event) => {
    const box = event.target;
    if (box.id === 'hours-select-all') s.selected = toggleAll(s.selected, s.rows);
    else if (box.classList.contains('hours-select')) s.selected = toggleSelected(s.selected, Number(box.closest('tr').dataset.id), box.checked);
    else return;
    paint();
  });
}

/** 登记时长, and a row's 更正 and 历史. */
function bindEntries(panel, { list, s, paintFilter, load }, ctx) {
  list.addEventListener('click', async (event) => {
    const row = event.target.closest('tr[data-id]');
    if (!row) return;
    const entry = s.rows.find((r) => r.id === Number(row.dataset.id));
    if (!entry) return;
    if (event.target.closest('.hours-history')) openHistory(entry);
    else if (event.target.closest('.hours-correct')) {
      const id = await openHourForm(ctx, { entry });
      if (id !== null) load();
    }
  });
  panel.querySelector('#record-hours').addEventListener('click', async () => {
    const id = await openHourForm(ctx, { defaults: { volunteer_id: s.filter.volunteer_id } });
    if (id !== null) {
      // Show the new entry even when the filter would hide it: it is 待审核, today or earlier.
      if (s.filter.status && s.filter.status !== PENDING) s.filter.status = null;
      paintFilter();
      load();
    }
  });
}

export function mountHours(panel, ctx) {
  setHtml(panel, skeleton());
  const ledger = createLedger(panel, ctx);
  const { s, paintFilter, paint, load } = ledger;
  bindFilter(ledger);
  bindReview(ledger, ctx);
  bindEntries(panel, ledger, ctx);

  paint();
  return {
    async show(route) {
      if (route.activityId !== undefined) {
        // From an activity's 记录志愿时长: every entry of that activity, whatever its date.
        Object.assign(s.filter, { activity_id: route.activityId, volunteer_id: null, from: null, to: null, status: null, query: '' });
      } else {
        s.filter.activity_id = null;
        if (route.volunteerId !== undefined) Object.assign(s.filter, { volunteer_id: route.volunteerId, from: null, to: null });
      }
      paintFilter();
      load();
      await ctx.loadVolunteers();
      paintFilter();
    },
  };
}
