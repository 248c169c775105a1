// Project page (#/project/ID): owner, period, goal, status and progress; the milestones with 标记完成; the linked
// activities and services; 编辑项目.
import { html, setHtml, setHtmlKeepFocus } from '../html.js';
import { t, tv } from '../i18n.js';
import { todayDate } from '../actions/basics.js';
import { completeMilestone, getProject } from '../actions/projects.js';
import { activityHref, PROJECTS } from '../router.js';
import { dateText, orDash } from '../format.js';
import { badge, badgeList, lineBadge } from '../components/badges.js';
import { confirmAction } from '../components/dialog.js';
import { errorText } from '../components/errors.js';
import { toast } from '../components/toast.js';
import { openProjectForm } from './project-form.js';
import { progressMarkup, statusBadge } from './projects.js';

function milestoneStatus(m, today) {
  if (m.done_on) return badge(t('milestone.doneOn', { date: dateText(m.done_on, today) }), 'status-done');
  if (m.late) return badge(t('milestone.daysLate', { days: m.days_late }), 'late');
  return badge(t('milestone.open'), 'status-on_track');
}

function milestonesMarkup(d, today) {
  if (!d.milestones.length) return html`<p class="empty">${t('project.noMilestonesYet')}</p>`;
  return html`<div class="table-wrap"><table class="table milestones-table" id="milestones-table">
    <caption class="visually-hidden">${t('project.milestones')}</caption>
    <thead><tr><th scope="col" class="num">#</th><th scope="col">${t('milestone.title')}</th><th scope="col">${t('milestone.due')}</th>
      <th scope="col">${t('milestone.status')}</th><th scope="col"><span class="visually-hidden">${t('member.actions')}</span></th></tr></thead>
    <tbody>${d.milestones.map((m, i) => html`<tr data-milestone-id="${m.id}" class="${m.done_on ? 'is-done' : m.late ? 'is-late' : ''}">
      <td class="num">${i + 1}</td>
      <th scope="row" class="milestone-title">${m.title}</th>
      <td class="nowrap">${dateText(m.due_on, today)}</td>
      <td class="nowrap">${milestoneStatus(m, today)}</td>
      <td>${m.done_on ? '' : html`<button type="button" class="button button-small complete-milestone" id="complete-milestone-${m.id}"
        aria-label="${t('milestone.completeOf', { title: m.title })}">${t('milestone.complete')}</button>`}</td>
    </tr>`)}</tbody>
  </table></div>`;
}

function activitiesMarkup(d, today) {
  if (!d.activities.length) return html`<p class="empty">${t('project.noLinkedActivities')}</p>`;
  return html`<ul class="link-list" id="project-activities">${d.activities.map((a) => html`<li>
    <span class="nowrap link-date">${dateText(a.date, today)}</span> <a href="${activityHref(a.id)}">${a.title}</a>
    ${a.cancelled_on ? badge(t('badge.cancelled'), 'gone') : ''}</li>`)}</ul>`;
}

function servicesMarkup(d, today) {
  if (!d.services.length) return html`<p class="empty">${t('project.noLinkedServices')}</p>`;
  return html`<ul class="link-list" id="project-services">${d.services.map((s) => html`<li>
    <span class="nowrap link-date">${dateText(s.requested_on, today)}</span> ${tv('serviceKind', s.kind)} · ${s.address}
    ${s.done_on ? badge(t('service.doneOnBadge', { date: dateText(s.done_on, today) }), 'status-done')
      : s.cancelled_on ? badge(t('service.cancelled'), 'gone') : badge(t('service.open'), 'service')}</li>`)}</ul>`;
}

function detailMarkup(d, today) {
  const p = d.project;
  return html`<div class="page-head">
      <div>
        <p class="crumb"><a href="${PROJECTS}">${t('projects.title')}</a></p>
        <h1 class="page-title" tabindex="-1">${p.name}</h1>
        ${badgeList([statusBadge(p), lineBadge(p.line)])}
      </div>
      <div class="page-actions"><button type="button" class="button" id="edit-project">${t('project.edit')}</button></div>
    </div>
    <section class="card" aria-label="${t('project.info')}">
      <dl class="activity-facts">
        <div class="fact"><dt>${t('project.owner')}</dt><dd>${p.owner}</dd></div>
        <div class="fact"><dt>${t('project.periodLabel')}</dt><dd>${t('project.period', { from: dateText(p.starts_on, today), to: dateText(p.ends_on, today) })}</dd></div>
        <div class="fact"><dt>${t('project.progressTitle')}</dt><dd>${progressMarkup(p, 'project-progress')}</dd></div>
        <div class="fact fact-wide"><dt>${t('project.goal')}</dt><dd class="pre">${orDash(p.goal)}</dd></div>
      </dl>
    </section>
    <section class="card" aria-labelledby="milestones-title">
      <h2 class="section-title" id="milestones-title" tabindex="-1">${t('project.milestonesCount', { done: p.milestones_done, total: p.milestones_total })}</h2>
      ${milestonesMarkup(d, today)}
    </section>
    <div class="project-links">
      <section class="card" aria-labelledby="project-activities-title">
        <h2 class="section-title" id="project-activities-title">${t('project.linkedActivities', { count: d.activities.length })}</h2>
        ${activitiesMarkup(d, today)}
      </section>
      <section class="card" aria-labelledby="project-services-title">
        <h2 class="section-title" id="project-services-title">${t('project.linkedServices', { count: d.services.length })}</h2>
        ${servicesMarkup(d, today)}
      </section>
    </div>`;
}

export function mount(root, state) {
  const id = state.route.id;
  const section = document.createElement('div');
  section.id = 'project-detail';
  root.append(section);
  setHtml(section, html`<p class="empty">${t('common.loading')}</p>`);
  let detail = null;
  let first = true;

  const load = async () => {
    try {
      detail = await getProject(id);
      if (!section.isConnected) return;
      setHtmlKeepFocus(section, detailMarkup(detail, todayDate()));
      if (first) {
        first = false;
        if (!document.activeElement || document.activeElement === document.body) section.querySelector('.page-title')?.focus();
      }
    } catch (error) {
      if (!section.isConnected) return;
      setHtml(section, html`<div class="empty card"><p>${errorText(error)}</p><p><a href="${PROJECTS}">${t('project.back')}</a></p></div>`);
    }
  };

  section.addEventListener('click', async (event) => {
    const edit = event.target.closest('#edit-project');
    if (edit && detail) {
      if (await openProjectForm({ detail }) !== null) load();
      return;
    }
    const complete = event.target.closest('.complete-milestone');
    if (complete && detail) {
      const milestoneId = Number(complete.closest('tr[data-milestone-id]').dataset.milestoneId);
      const m = detail.milestones.find((x) => x.id === milestoneId);
      if (!m) return;
      const done = await confirmAction({
        title: t('milestone.completeTitle'),
        message: t('milestone.completeConfirm', { title: m.title }),
        confirmLabel: t('milestone.complete'),
        cancelLabel: t('action.cancel'),
        tone: 'primary',
        date: { label: t('milestone.doneDate'), value: todayDate(), required: true },
        onConfirm: ({ date }) => completeMilestone(milestoneId, date),
      });
      if (done) {
        toast(t('milestone.completed', { title: m.title }));
        await load();
        section.querySelector('#milestones-title')?.focus();
      }
    }
  });
  load();

  return { update() {} };
}
