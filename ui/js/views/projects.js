// 书记项目 (#/projects): every project with its status (按计划 / 滞后 / 已完成), progress through its milestones and the
// next milestone; 新建项目.
import { html, setHtml } from '../html.js';
import { t } from '../i18n.js';
import { todayDate } from '../actions/basics.js';
import { listProjects } from '../actions/projects.js';
import { navigate, projectHref } from '../router.js';
import { dateText, orDash } from '../format.js';
import { countByStatus, progress } from '../project-model.js';
import { badge, badgeList, lineBadge } from '../components/badges.js';
import { errorText } from '../components/errors.js';
import { openProjectForm } from './project-form.js';

/** 按计划 / 滞后 (N 个节点逾期) / 已完成. */
export function statusBadge(row) {
  const label = t(`projectStatus.${row.status}`);
  const text = row.status === 'late' && row.late_milestones > 1 ? t('project.lateCount', { label, count: row.late_milestones }) : label;
  return badge(text, `status-${row.status}`);
}

/** A progress bar (the <progress> element: no inline style needed) with "3 / 5". */
export function progressMarkup(row, id = '') {
  const p = progress(row);
  if (!p.total) return html`<span class="muted">${t('project.noMilestones')}</span>`;
  return html`<span class="progress-cell"><progress class="progress" ${id ? html`id="${id}"` : ''} max="${p.total}" value="${p.done}"
    aria-label="${t('project.progressLabel', { done: p.done, total: p.total })}">${p.percent}%</progress>
    <span class="progress-text">${t('project.progress', { done: p.done, total: p.total })}</span></span>`;
}

function nextMarkup(row, today) {
  const m = row.next_milestone;
  if (!m) return orDash(null);
  return html`<span class="next-title">${m.title}</span>
    <span class="next-due${m.late ? ' is-late' : ''}">${t('project.dueOn', { date: dateText(m.due_on, today) })}${m.late
      ? html` ${badge(t('milestone.daysLate', { days: m.days_late }), 'late')}` : ''}</span>`;
}

function rowMarkup(row, today) {
  return html`<tr data-id="${row.id}" class="project-row is-${row.status}">
    <td class="project-name-cell"><a class="project-name" href="${projectHref(row.id)}">${row.name}</a>
      ${badgeList([lineBadge(row.line, { short: true })])}</td>
    <td class="nowrap">${row.owner}</td>
    <td class="nowrap">${t('project.period', { from: dateText(row.starts_on, today), to: dateText(row.ends_on, today) })}</td>
    <td>${progressMarkup(row)}</td>
    <td class="project-next">${nextMarkup(row, today)}</td>
    <td class="nowrap">${statusBadge(row)}</td>
  </tr>`;
}

function listMarkup(rows, today) {
  if (!rows.length) {
    return html`<div class="empty" id="projects-empty"><p>${t('projects.empty')}</p></div>`;
  }
  const counts = countByStatus(rows);
  return html`<p class="projects-summary" id="projects-summary">${t('projects.summary', { count: rows.length })}
      ${badge(`${t('projectStatus.on_track')} ${counts.on_track}`, 'status-on_track')}
      ${badge(`${t('projectStatus.late')} ${counts.late}`, 'status-late')}
      ${badge(`${t('projectStatus.done')} ${counts.done}`, 'status-done')}</p>
    <div class="table-wrap"><table class="table table-click projects-table" id="projects-table">
      <caption class="visually-hidden">${t('projects.title')}</caption>
      <thead><tr><th scope="col">${t('projects.colName')}</th><th scope="col">${t('projects.colOwner')}</th>
        <th scope="col">${t('projects.colPeriod')}</th><th scope="col">${t('projects.colProgress')}</th>
        <th scope="col">${t('projects.colNext')}</th><th scope="col">${t('projects.colStatus')}</th></tr></thead>
      <tbody>${rows.map((row) => rowMarkup(row, today))}</tbody>
    </table></div>`;
}

export function mount(root) {
  setHtml(root, html`<div class="page-head">
      <h1 class="page-title" tabindex="-1">${t('projects.title')}</h1>
      <div class="page-actions"><button type="button" class="button button-primary" id="add-project">${t('projects.add')}</button></div>
    </div>
    <p class="section-note">${t('projects.note')}</p>
    <section class="card" id="projects-list" aria-label="${t('projects.title')}"><p class="empty">${t('common.loading')}</p></section>`);
  const list = root.querySelector('#projects-list');

  const load = async () => {
    try {
      const rows = await listProjects();
      if (root.isConnected) setHtml(list, listMarkup(rows ?? [], todayDate()));
    } catch (error) {
      if (root.isConnected) setHtml(list, html`<div class="empty"><p>${errorText(error)}</p></div>`);
    }
  };

  root.querySelector('#add-project').addEventListener('click', async () => {
    const id = await openProjectForm({});
    if (id !== null && id !== undefined) navigate(projectHref(id));
  });
  // A click anywhere on a row opens the project (the name is the link for the keyboard).
  list.addEventListener('click', (event) => {
    if (event.target.closest('a')) return;
    const row = event.target.closest('tr[data-id]');
    if (row) navigate(projectHref(Number(row.dataset.id)));
  });
  load();

  return { update() {} };
}
