// Activities (#/activities): list (upcoming, then 已结束), month calendar or week; filters by series and line;
// 新建活动 and 新建系列课程.
import { html, setHtml, setHtmlKeepFocus } from '../html.js';
import { t, tv } from '../i18n.js';
import { getState } from '../store.js';
import { loadActivities, loadActivityOptions } from '../actions/activities.js';
import { todayDate } from '../actions/basics.js';
import { activityHref, navigate } from '../router.js';
import { dateText, dateWithWeekday, orDash, signupText, weekdayText } from '../format.js';
import { addDays, addMonths, groupByDate, lineTone, monthGrid, parseDate, splitByToday, timeRange, weekDays } from '../activity-model.js';
import { badge, badgeList, cancelledBadge, lineBadge, seriesBadge, waitlistBadge } from '../components/badges.js';
import { errorText } from '../components/errors.js';
import { selectInput } from '../components/fields.js';
import { toast } from '../components/toast.js';
import { openActivityForm } from './activity-form.js';

const VIEWS = ['list', 'month', 'week'];
/** How many past activities are shown at first (and added by 显示更早的). */
const PAST_STEP = 50;
/** How many activities a day of the month shows before “还有 N 项”. */
const MONTH_ITEMS = 3;

const idOrNull = (value) => (value === '' ? null : Number(value));
const isFiltered = (a) => a.series_id !== null || a.line !== null;

function toolbarMarkup(state) {
  const a = state.activities;
  const options = state.activityOptions;
  const viewButton = (view) => html`<button type="button" class="button view-switch-button" id="activities-view-${view}"
    aria-pressed="${a.view === view ? 'true' : 'false'}">${t(`activities.view.${view}`)}</button>`;
  return html`<div class="view-switch" role="group" aria-label="${t('activities.viewLabel')}">${VIEWS.map(viewButton)}</div>
    <div class="filter">
      <label class="field-label" for="activities-series">${t('activities.series')}</label>
      ${selectInput({ id: 'activities-series', blank: t('activities.allSeries'), value: a.series_id,
        choices: (options?.series ?? []).map((s) => ({ value: s.id, label: s.name })) })}
    </div>
    <div class="filter">
      <label class="field-label" for="activities-line">${t('activities.line')}</label>
      ${selectInput({ id: 'activities-line', blank: t('activities.allLines'), value: a.line,
        choices: (options?.lines ?? []).map((line) => ({ value: line, label: tv('line', line) })) })}
    </div>`;
}

// ---------- List ----------

function listRow(row, today, past) {
  const cancelled = !!row.cancelled_on;
  const classes = ['activity-row', cancelled ? 'is-gone' : '', row.date === today ? 'is-today' : ''].filter(Boolean).join(' ');
  return html`<tr data-id="${row.id}" class="${classes}">
    <td class="nowrap act-when">${dateText(row.date, today)} <span class="weekday">${weekdayText(row.date)}</span>
      ${row.date === today ? badge(t('activities.today'), 'today') : ''}</td>
    <td class="nowrap mono">${orDash(timeRange(row.start_time, row.end_time))}</td>
    <td class="act-title-cell"><a class="act-title" href="${activityHref(row.id)}">${row.title}</a>
      ${badgeList([cancelled ? cancelledBadge() : null, row.series_name ? seriesBadge(row.series_name) : null,
        lineBadge(row.line, { short: true })].filter(Boolean))}</td>
    <td class="act-place">${orDash(row.place)}</td>
    <td class="nowrap">${signupText(row)}${row.waitlisted > 0 ? html` ${waitlistBadge(row.waitlisted)}` : ''}</td>
    ${past ? html`<td class="nowrap">${cancelled ? orDash(null) : t('activities.attended', { count: row.attended ?? 0 })}</td>` : ''}
  </tr>`;
}

function listTable(id, rows, today, past, caption) {
  return html`<div class="table-wrap"><table id="${id}" class="table table-click activities-table">
    <caption class="visually-hidden">${caption}</caption>
    <thead><tr>
      <th scope="col">${t('activities.colDate')}</th><th scope="col">${t('activities.colTime')}</th>
      <th scope="col">${t('activities.colTitle')}</th><th scope="col">${t('activities.colPlace')}</th>
      <th scope="col">${t('activities.colSignups')}</th>${past ? html`<th scope="col">${t('activities.colAttended')}</th>` : ''}
    </tr></thead>
    <tbody>${rows.map((row) => listRow(row, today, past))}</tbody>
  </table></div>`;
}

function listMarkup(a, today, ui) {
  const { upcoming, past } = splitByToday(a.rows, today);
  if (!upcoming.length && !past.length) {
    return html`<div id="activities-list"><div class="empty"><p>${isFiltered(a) ? t('activities.emptyFiltered') : t('activities.emptyAll')}</p></div></div>`;
  }
  const shownPast = past.slice(0, ui.pastLimit);
  return html`<div id="activities-list">
    <h2 class="section-title">${t('activities.upcoming', { count: upcoming.length })}</h2>
    ${upcoming.length ? listTable('activities-upcoming', upcoming, today, false, t('activities.upcomingCaption'))
      : html`<p class="empty">${t('activities.noUpcoming')}</p>`}
    ${past.length ? html`<details class="activities-past" id="activities-past" ${ui.pastOpen ? html`open` : ''}>
      <summary id="activities-past-summary">${t('activities.past', { count: past.length })}</summary>
      ${ui.pastOpen ? html`${listTable('activities-past-table', shownPast, today, true, t('activities.pastCaption'))}
        ${past.length > shownPast.length ? html`<p class="more-row"><button type="button" class="button" id="activities-past-more">
          ${t('activities.pastMore', { count: past.length - shownPast.length })}</button></p>` : ''}` : ''}
    </details>` : ''}
  </div>`;
}

// ---------- Calendar (month and week) ----------

function calendarNav(label, view) {
  return html`<div class="cal-nav">
    <button type="button" class="button" id="activities-prev">${t(`activities.prev.${view}`)}</button>
    <h2 class="section-title cal-label" id="activities-range" aria-live="polite">${label}</h2>
    <button type="button" class="button" id="activities-next">${t(`activities.next.${view}`)}</button>
    <button type="button" class="button" id="activities-today">${t('activities.today')}</button>
  </div>`;
}

const itemClass = (row, base) => [base, `line-${lineTone(row.line)}`, row.cancelled_on ? 'is-cancelled' : ''].filter(Boolean).join(' ');

function monthItem(row) {
  const label = t('activities.itemLabel', { time: timeRange(row.start_time, row.end_time), title: row.title })
    + (row.cancelled_on ? t('activities.cancelledSuffix') : '');
  return html`<li><a class="${itemClass(row, 'cal-item')}" href="${activityHref(row.id)}" title="${label}" aria-label="${label}">
    <span class="cal-time">${row.start_time}</span> <span class="cal-title">${row.title}</span></a></li>`;
}

function monthMarkup(a, today) {
  const grid = monthGrid(a.anchor);
  const days = groupByDate(a.rows);
  const month = String(a.anchor).slice(0, 7);
  const cell = (date) => {
    const rows = days.get(date) ?? [];
    const outside = date.slice(0, 7) !== month;
    const classes = ['cal-day', outside ? 'is-outside' : '', date === today ? 'is-today' : ''].filter(Boolean).join(' ');
    return html`<td class="${classes}" data-date="${date}">
      <div class="cal-day-head"><span class="cal-day-num" aria-hidden="true">${parseDate(date).day}</span>
        <span class="visually-hidden">${dateWithWeekday(date, today)}</span>
        ${date === today ? html`<span class="cal-today-mark">${t('activities.today')}</span>` : ''}</div>
      ${rows.length ? html`<ul class="cal-items">${rows.slice(0, MONTH_ITEMS).map(monthItem)}</ul>` : ''}
      ${rows.length > MONTH_ITEMS ? html`<button type="button" class="cal-more" data-date="${date}">${t('activities.more', { count: rows.length - MONTH_ITEMS })}</button>` : ''}
    </td>`;
  };
  return html`<div id="activities-month">
    ${calendarNav(t('activities.monthLabel', { year: grid.year, month: grid.month }), 'month')}
    <table class="cal-month">
      <caption class="visually-hidden">${t('activities.monthLabel', { year: grid.year, month: grid.month })}</caption>
      <thead><tr>${[0, 1, 2, 3, 4, 5, 6].map((i) => html`<th scope="col" class="${i >= 5 ? 'is-weekend' : ''}">${t(`weekday.${i}`)}</th>`)}</tr></thead>
      <tbody>${grid.weeks.map((week) => html`<tr>${week.map(cell)}</tr>`)}</tbody>
    </table>
  </div>`;
}

function weekItem(row) {
  return html`<li><a class="${itemClass(row, 'week-item')}" href="${activityHref(row.id)}">
    <span class="week-time mono">${orDash(timeRange(row.start_time, row.end_time))}</span>
    <span class="week-title">${row.title}</span>
    ${row.place ? html`<span class="week-place">${row.place}</span>` : ''}
    <span class="week-count">${signupText(row)}</span>
    ${badgeList([row.cancelled_on ? cancelledBadge() : null, row.waitlisted > 0 ? waitlistBadge(row.waitlisted) : null,
      row.series_name ? seriesBadge(row.series_name) : null, lineBadge(row.line, { short: true })].filter(Boolean))}
  </a></li>`;
}

function weekMarkup(a, today) {
  const dates = weekDays(a.anchor);
  const days = groupByDate(a.rows);
  const label = t('activities.weekLabel', { from: dateText(dates[0], today), to: dateText(dates[6], today) });
  return html`<div id="activities-week">
    ${calendarNav(label, 'week')}
    <div class="cal-week">${dates.map((date, i) => {
      const rows = days.get(date) ?? [];
      const classes = ['cal-week-day', date === today ? 'is-today' : '', i >= 5 ? 'is-weekend' : ''].filter(Boolean).join(' ');
      return html`<section class="${classes}" aria-labelledby="week-day-${date}">
        <h3 class="cal-week-head" id="week-day-${date}"><span class="cal-week-weekday">${weekdayText(date)}</span>
          <span class="cal-week-date">${dateText(date, today)}</span>${date === today ? badge(t('activities.today'), 'today') : ''}</h3>
        ${rows.length ? html`<ul class="week-items">${rows.map(weekItem)}</ul>` : html`<p class="muted week-none">${t('activities.noneThisDay')}</p>`}
      </section>`;
    })}</div>
  </div>`;
}

function resultsMarkup(a, today, ui) {
  if (!a.loaded) return html`<p class="empty">${t('common.loading')}</p>`;
  if (a.error && !a.rows.length) {
    return html`<div class="empty"><p>${errorText(a.error)}</p><p><button type="button" class="button" id="activities-retry">${t('activities.retry')}</button></p></div>`;
  }
  const body = a.view === 'month' ? monthMarkup(a, today) : a.view === 'week' ? weekMarkup(a, today) : listMarkup(a, today, ui);
  return html`<div class="list-status${a.loading ? ' is-loading' : ''}" aria-busy="${a.loading ? 'true' : 'false'}">${body}</div>`;
}

/** The date the calendar moves to: a month or a week before/after, or today. */
function movedAnchor(a, step) {
  if (step === 0) return todayDate();
  return a.view === 'month' ? addMonths(a.anchor, step) : addDays(a.anchor, 7 * step);
}

export function mount(root, state) {
  setHtml(root, html`<div class="page-head">
      <h1 class="page-title" tabindex="-1">${t('activities.title')}</h1>
      <div class="page-actions">
        <button type="button" class="button" id="add-sessions">${t('activities.addSessions')}</button>
        <button type="button" class="button button-primary" id="add-activity">${t('activities.add')}</button>
      </div>
    </div>
    <form class="card filters activities-toolbar" id="activities-toolbar" aria-label="${t('activities.filters')}" novalidate></form>
    <section class="card" id="activities-results" aria-label="${t('activities.title')}"></section>`);
  const toolbar = root.querySelector('#activities-toolbar');
  const results = root.querySelector('#activities-results');
  // View-only state: whether 已结束 is open and how many of its rows are shown.
  const ui = { pastOpen: false, pastLimit: PAST_STEP };
  const today = () => todayDate();
  const paintResults = (s) => setHtmlKeepFocus(results, resultsMarkup(s.activities, today(), ui));
  setHtml(toolbar, toolbarMarkup(state));
  paintResults(state);

  toolbar.addEventListener('submit', (event) => event.preventDefault());
  toolbar.addEventListener('click', (event) => {
    const button = event.target.closest('.view-switch-button');
    if (!button) return;
    const view = button.id.replace('activities-view-', '');
    const a = getState().activities;
    if (view !== a.view) loadActivities({ view, anchor: a.anchor ?? today() });
  });
  toolbar.addEventListener('change', (event) => {
    const el = event.target;
    if (el.id === 'activities-series') loadActivities({ series_id: idOrNull(el.value) });
    else if (el.id === 'activities-line') loadActivities({ line: el.value === '' ? null : el.value });
  });

  results.addEventListener('click', (event) => {
    const a = getState().activities;
    const target = event.target;
    if (target.closest('#activities-prev')) loadActivities({ anchor: movedAnchor(a, -1) });
    else if (target.closest('#activities-next')) loadActivities({ anchor: movedAnchor(a, 1) });
    else if (target.closest('#activities-today')) loadActivities({ anchor: movedAnchor(a, 0) });
    else if (target.closest('#activities-retry')) loadActivities();
    else if (target.closest('.cal-more')) loadActivities({ view: 'week', anchor: target.closest('.cal-more').dataset.date });
    else if (target.closest('#activities-past-more')) {
      ui.pastLimit += PAST_STEP;
      paintResults(getState());
    } else {
      const row = target.closest('tbody tr[data-id]');
      if (row && !target.closest('a')) navigate(activityHref(row.dataset.id));
    }
  });
  // 'toggle' does not bubble: listen in the capture phase. The past rows are rendered only while open.
  results.addEventListener('toggle', (event) => {
    if (event.target.id !== 'activities-past' || ui.pastOpen === event.target.open) return;
    ui.pastOpen = event.target.open;
    paintResults(getState());
  }, true);

  root.querySelector('#add-activity').addEventListener('click', async () => {
    const a = getState().activities;
    const id = await openActivityForm({ defaults: { series_id: a.series_id, line: a.line } });
    if (id !== null) navigate(activityHref(id));
  });
  root.querySelector('#add-sessions').addEventListener('click', async () => {
    const a = getState().activities;
    const ids = await openActivityForm({ mode: 'repeat', defaults: { series_id: a.series_id, line: a.line } });
    if (ids !== null) {
      toast(t('actForm.createdSessions', { count: Array.isArray(ids) ? ids.length : 0 }));
      loadActivities();
    }
  });

  if (!state.activityOptions) loadActivityOptions();
  loadActivities();

  return {
    update(next, prev) {
      if (next.activityOptions !== prev.activityOptions || next.activities.view !== prev.activities.view
        || next.activities.series_id !== prev.activities.series_id || next.activities.line !== prev.activities.line) {
        setHtmlKeepFocus(toolbar, toolbarMarkup(next));
      }
      if (next.activities !== prev.activities || next.app !== prev.app) paintResults(next);
    },
  };
}
