// Dashboard (#/dashboard, the start page): the counts, this month's activities and attendance, a column chart of
// confirmed volunteer hours for six months, activities by line this year, overdue care visits and late milestones.
import { html, setHtml } from '../html.js';
import { t, tv } from '../i18n.js';
import { refreshStats, todayDate } from '../actions/basics.js';
import { loadDashboard } from '../actions/dashboard.js';
import { CARE, householdHref, PROJECTS, projectHref, VOLUNTEERS } from '../router.js';
import { dateText, dateWithWeekday, orDash } from '../format.js';
import { columnChart, rowChart } from '../chart.js';
import { attendanceRate, chartSummary, durationText, hoursBars, hoursComparison, lineRows } from '../dashboard-model.js';
import { badge } from '../components/badges.js';
import { errorText } from '../components/errors.js';

/** The count cards: value key in the dashboard, label, and where a click leads. */
const COUNTS = [
  { id: 'households', value: (d) => d.stats.households, label: 'stats.households', href: '#/households' },
  { id: 'residents', value: (d) => d.stats.residents, label: 'stats.residents', href: '#/households' },
  { id: 'aged80', value: (d) => d.stats.aged_80_plus, label: 'stats.aged80', href: CARE },
  { id: 'care', value: (d) => d.stats.care_needs, label: 'stats.care', href: CARE },
  { id: 'volunteers', value: (d) => d.volunteers_active, label: 'dashboard.volunteersActive', href: VOLUNTEERS },
  { id: 'pending', value: (d) => d.pending_hours, label: 'dashboard.pendingHours', href: VOLUNTEERS, warn: (d) => d.pending_hours > 0 },
];

function countsMarkup(d) {
  return html`<section class="dash-counts" id="dash-counts" aria-label="${t('stats.label')}">${COUNTS.map((c) => html`<a class="dash-count${c.warn?.(d) ? ' is-warn' : ''}"
      id="dash-count-${c.id}" href="${c.href}">
      <span class="dash-count-label">${t(c.label)}</span>
      <span class="dash-count-value">${c.value(d) ?? 0}</span>
    </a>`)}</section>`;
}

function monthMarkup(d) {
  const m = d.month ?? {};
  const rate = attendanceRate(m);
  const fact = (label, value, id) => html`<div class="total"><dt>${label}</dt><dd id="${id}">${value}</dd></div>`;
  return html`<section class="card dash-card" id="dash-month" aria-labelledby="dash-month-title">
    <div class="section-head"><h2 class="section-title" id="dash-month-title">${t('dashboard.monthTitle', { month: monthName(d.today) })}</h2>
      <a href="#/activities">${t('dashboard.toActivities')}</a></div>
    ${m.activities ? html`<dl class="totals dash-totals">
        ${fact(t('dashboard.monthActivities'), t('dashboard.sessions', { count: m.activities }), 'dash-month-activities')}
        ${fact(t('dashboard.monthSignups'), t('dashboard.people', { count: m.signups ?? 0 }), 'dash-month-signups')}
        ${fact(t('dashboard.monthAttended'), t('dashboard.people', { count: m.attended ?? 0 }), 'dash-month-attended')}
        ${fact(t('dashboard.monthRate'), rate === null ? orDash(null) : `${rate}%`, 'dash-month-rate')}
      </dl>`
      : html`<p class="empty dash-empty">${t('dashboard.noActivitiesThisMonth')}</p>`}
  </section>`;
}

/** 2026年11月 / November 2026 from the core's today. */
function monthName(today) {
  const [year, month] = String(today ?? todayDate()).split('-').map(Number);
  return t('dashboard.monthName', { year, month: t(`monthLong.${month}`) });
}

function hoursMarkup(d) {
  const bars = hoursBars(d.hours_by_month, d.today, t);
  const total = (d.hours_by_month ?? []).reduce((sum, m) => sum + (Number(m.minutes) || 0), 0);
  const cmp = hoursComparison(d.hours_by_month, d.today);
  const title = t('dashboard.hoursTitle');
  return html`<section class="card dash-card" id="dash-hours" aria-labelledby="dash-hours-title">
    <div class="section-head"><h2 class="section-title" id="dash-hours-title">${title}</h2>
      <span class="dash-note">${t('dashboard.confirmedOnly')}</span></div>
    <p class="dash-lead" id="dash-hours-lead">${t('dashboard.hoursThisMonth', { text: durationText(cmp.minutes, t) })}${cmp.average !== null && total > 0
      ? html` <span class="muted">${t('dashboard.hoursAverage', { months: cmp.months, text: durationText(cmp.average, t) })}</span>` : ''}</p>
    <div class="chart-box">${columnChart({ bars, label: chartSummary(title, bars, t), unit: t('dashboard.hoursUnit'), id: 'hours-chart' })}</div>
    ${total === 0 ? html`<p class="field-hint dash-chart-note">${t('dashboard.noHours')}</p>` : ''}
  </section>`;
}

function linesMarkup(d) {
  const rows = lineRows(d.activities_by_line, t, tv);
  const title = t('dashboard.linesTitle', { year: String(d.today ?? todayDate()).slice(0, 4) });
  const total = rows.reduce((sum, r) => sum + r.value, 0);
  return html`<section class="card dash-card" id="dash-lines" aria-labelledby="dash-lines-title">
    <div class="section-head"><h2 class="section-title" id="dash-lines-title">${title}</h2>
      <span class="dash-note">${t('dashboard.linesTotal', { count: total })}</span></div>
    <div class="chart-box">${rowChart({ rows, label: chartSummary(title, rows, t), id: 'lines-chart' })}</div>
    ${total === 0 ? html`<p class="field-hint dash-chart-note">${t('dashboard.noActivitiesThisYear')}</p>` : ''}
  </section>`;
}

function overdueMarkup(d) {
  const list = d.overdue_visits ?? [];
  const total = d.overdue_visits_total ?? list.length;
  return html`<section class="card dash-card" id="dash-overdue" aria-labelledby="dash-overdue-title">
    <div class="section-head"><h2 class="section-title" id="dash-overdue-title">${t('dashboard.overdueTitle')}
      ${total ? badge(t('dashboard.householdsCount', { count: total }), 'late') : ''}</h2>
      <a href="${CARE}" id="dash-to-care">${total > list.length ? t('dashboard.allOverdue', { count: total }) : t('dashboard.toCare')}</a></div>
    ${list.length ? html`<ul class="dash-list">${list.map((h) => html`<li class="dash-item">
        <a class="dash-item-main" href="${householdHref(h.household_id)}">${h.address}</a>
        <span class="dash-item-sub">${(h.people ?? []).map((p) => p.name).join(t('careList.nameJoin'))}</span>
        <span class="dash-item-side">${h.days_since === null || h.days_since === undefined ? badge(t('careList.never'), 'late')
          : badge(t('careList.daysAgo', { days: h.days_since }), 'late')}</span>
      </li>`)}</ul>`
      : html`<p class="empty dash-empty">${t('dashboard.noOverdue')}</p>`}
  </section>`;
}

/** How many late milestones the dashboard lists (the longest overdue first); the projects page has them all. */
const LATE_SHOWN = 6;

function lateMarkup(d) {
  const all = d.late_milestones ?? [];
  const list = all.slice(0, LATE_SHOWN);
  return html`<section class="card dash-card" id="dash-late" aria-labelledby="dash-late-title">
    <div class="section-head"><h2 class="section-title" id="dash-late-title">${t('dashboard.lateTitle')}
      ${all.length ? badge(t('dashboard.milestonesCount', { count: all.length }), 'late') : ''}</h2>
      <a href="${PROJECTS}">${all.length > list.length ? t('dashboard.allLate', { count: all.length }) : t('dashboard.toProjects')}</a></div>
    ${list.length ? html`<ul class="dash-list">${list.map((m) => html`<li class="dash-item">
        <a class="dash-item-main" href="${projectHref(m.project_id)}">${m.project}</a>
        <span class="dash-item-sub">${t('dashboard.lateItem', { title: m.title, due: dateText(m.due_on, d.today), owner: m.owner })}</span>
        <span class="dash-item-side">${badge(t('milestone.daysLate', { days: m.days_late }), 'late')}</span>
      </li>`)}</ul>`
      : html`<p class="empty dash-empty">${t('dashboard.noLate')}</p>`}
  </section>`;
}

function bodyMarkup(d) {
  return html`${countsMarkup(d)}
    <div class="dash-grid">
      <div class="dash-col">${monthMarkup(d)}${linesMarkup(d)}${overdueMarkup(d)}</div>
      <div class="dash-col">${hoursMarkup(d)}${lateMarkup(d)}</div>
    </div>`;
}

export function mount(root) {
  setHtml(root, html`<div class="page-head">
      <div><h1 class="page-title" tabindex="-1">${t('dashboard.title')}</h1>
        <p class="page-sub" id="dash-today">${dateWithWeekday(todayDate(), todayDate())}</p></div>
    </div>
    <div id="dashboard" aria-live="polite"><p class="empty">${t('common.loading')}</p></div>`);
  const body = root.querySelector('#dashboard');

  const load = async () => {
    try {
      const d = await loadDashboard();
      if (!root.isConnected) return;
      setHtml(root.querySelector('#dash-today'), html`${dateWithWeekday(d.today, d.today)}`);
      setHtml(body, bodyMarkup(d));
    } catch (error) {
      if (!root.isConnected) return;
      setHtml(body, html`<div class="empty card"><p>${errorText(error)}</p>
        <p><button type="button" class="button" id="dash-retry">${t('dashboard.retry')}</button></p></div>`);
    }
  };
  body.addEventListener('click', (event) => {
    if (event.target.closest('#dash-retry')) load();
  });
  load();
  // The strip's counts are what the cards show: keep both current.
  refreshStats();

  return { update() {} };
}
