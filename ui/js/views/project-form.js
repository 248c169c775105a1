// 新建项目 / 编辑项目 (save_project): name, line, owner, goal, period, the milestone rows (add, remove, move) and
// the linked activities (chosen from the activities in the project's period). The core validates.
import { html, setHtml } from '../html.js';
import { t, tv } from '../i18n.js';
import { getState } from '../store.js';
import { listActivities, loadActivityOptions } from '../actions/activities.js';
import { todayDate } from '../actions/basics.js';
import { saveProject } from '../actions/projects.js';
import { isDate, normaliseDate } from '../activity-model.js';
import { dateText } from '../format.js';
import { addMilestone, milestoneInputs, milestoneRows, moveMilestone, removeMilestone, updateMilestone } from '../project-model.js';
import { openFormDialog } from '../components/dialog.js';
import { field, fieldset, plainChoices, selectInput, textArea, textInput } from '../components/fields.js';
import { toast } from '../components/toast.js';

/** How many activities the picker lists at once (typing narrows it down). */
const MAX_ACTIVITIES_SHOWN = 80;

function rowMarkup(row, index, count) {
  const id = (name) => `ms-${name}-${row.key}`;
  return html`<li class="milestone-row" data-key="${row.key}">
    <span class="milestone-num" aria-hidden="true">${index + 1}</span>
    <span class="milestone-field milestone-title-field">
      <label class="visually-hidden" for="${id('title')}">${t('milestone.titleOf', { n: index + 1 })}</label>
      <input class="input ms-title" id="${id('title')}" data-name="title" value="${row.title}" placeholder="${t('milestone.titlePlaceholder')}" autocomplete="off">
    </span>
    <span class="milestone-field">
      <label class="visually-hidden" for="${id('due')}">${t('milestone.dueOf', { n: index + 1 })}</label>
      <input class="input input-date ms-due" id="${id('due')}" data-name="due_on" value="${row.due_on}" placeholder="${t('milestone.due')}" autocomplete="off">
    </span>
    <span class="milestone-field">
      <label class="visually-hidden" for="${id('done')}">${t('milestone.doneOf', { n: index + 1 })}</label>
      <input class="input input-date ms-done" id="${id('done')}" data-name="done_on" value="${row.done_on}" placeholder="${t('milestone.donePlaceholder')}" autocomplete="off">
    </span>
    <span class="milestone-tools">
      <button type="button" class="button button-small ms-up" data-key="${row.key}" ${index === 0 ? html`disabled` : ''}
        aria-label="${t('milestone.upOf', { n: index + 1 })}" title="${t('milestone.up')}">↑</button>
      <button type="button" class="button button-small ms-down" data-key="${row.key}" ${index === count - 1 ? html`disabled` : ''}
        aria-label="${t('milestone.downOf', { n: index + 1 })}" title="${t('milestone.down')}">↓</button>
      <button type="button" class="button button-small button-danger ms-remove" data-key="${row.key}"
        aria-label="${t('milestone.removeOf', { n: index + 1 })}">${t('milestone.remove')}</button>
    </span>
  </li>`;
}

function rowsMarkup(rows) {
  return html`<div class="milestone-head" aria-hidden="true"><span></span><span>${t('milestone.title')}</span><span>${t('milestone.due')}</span>
      <span>${t('milestone.done')}</span><span></span></div>
    ${rows.length ? html`<ol class="milestone-rows">${rows.map((row, i) => rowMarkup(row, i, rows.length))}</ol>`
      : html`<p class="muted">${t('milestone.none')}</p>`}`;
}

function activitiesMarkup(activities, query, selected, today) {
  if (activities === null) return html`<p class="muted">${t('common.loading')}</p>`;
  const q = query.trim().toLowerCase();
  const shown = activities.filter((a) => selected.has(a.id) || !q || `${a.title} ${a.date} ${a.series_name ?? ''}`.toLowerCase().includes(q));
  if (!shown.length) return html`<p class="muted">${activities.length ? t('project.noActivityMatch', { query }) : t('project.noActivities')}</p>`;
  const ordered = [...shown.filter((a) => selected.has(a.id)), ...shown.filter((a) => !selected.has(a.id))];
  const more = ordered.length - MAX_ACTIVITIES_SHOWN;
  return html`<ul class="volunteer-checks">${ordered.slice(0, MAX_ACTIVITIES_SHOWN).map((a) => html`<li>
      <label class="check" for="pj-act-${a.id}"><input type="checkbox" class="pj-activity" id="pj-act-${a.id}" value="${a.id}"
        ${selected.has(a.id) ? html`checked` : ''}> <span><strong>${a.title}</strong> <span class="muted">${dateText(a.date, today)}${a.cancelled_on
        ? ` · ${t('badge.cancelled')}` : ''}</span></span></label></li>`)}</ul>
    ${more > 0 ? html`<p class="field-hint">${t('project.moreActivities', { count: more })}</p>` : ''}`;
}

/**
 * Opens the form; `detail` (a ProjectDetail) edits that project. Resolves with the saved id, or null when cancelled.
 */
export async function openProjectForm({ detail = null } = {}) {
  if (!getState().activityOptions) await loadActivityOptions();
  const lines = getState().activityOptions?.lines ?? [];
  const p = detail?.project ?? {};
  const today = todayDate();
  let rows = milestoneRows(detail?.milestones);
  const selected = new Set((detail?.activities ?? []).map((a) => a.id));
  let activities = null;
  let activityQuery = '';

  const body = html`<div class="form-grid">
      ${field({ id: 'pj-name', label: t('project.name'), field: 'name', required: true, wide: true,
        control: textInput({ id: 'pj-name', value: p.name ?? '', required: true }) })}
      ${field({ id: 'pj-line', label: t('project.line'), field: 'line', required: true,
        control: selectInput({ id: 'pj-line', blank: t('common.pick'), value: p.line ?? '', choices: plainChoices(lines, (v) => tv('line', v)) }) })}
      ${field({ id: 'pj-owner', label: t('project.owner'), field: 'owner', required: true, hint: t('project.ownerHint'),
        control: textInput({ id: 'pj-owner', value: p.owner ?? '', required: true }) })}
      ${field({ id: 'pj-starts', label: t('project.startsOn'), field: 'starts_on', required: true, hint: t('actForm.dateHint'),
        control: textInput({ id: 'pj-starts', value: p.starts_on ?? '', placeholder: today, required: true }) })}
      ${field({ id: 'pj-ends', label: t('project.endsOn'), field: 'ends_on', required: true,
        control: textInput({ id: 'pj-ends', value: p.ends_on ?? '', placeholder: `${today.slice(0, 4)}-12-31`, required: true }) })}
      ${field({ id: 'pj-goal', label: t('project.goal'), field: 'goal', wide: true,
        control: textArea({ id: 'pj-goal', value: p.goal ?? '', rows: 2 }) })}
      ${fieldset({ legend: t('project.milestones'), field: 'milestones', hint: t('project.milestonesHint'), className: 'milestones-box',
        content: html`<div id="pj-milestones"></div>
          <p><button type="button" class="button" id="pj-add-milestone">${t('milestone.add')}</button></p>` })}
      ${fieldset({ legend: t('project.activities'), field: 'activity_ids', hint: t('project.activitiesHint'),
        content: html`<input class="input" id="pj-activity-filter" type="search" autocomplete="off"
            placeholder="${t('project.activityFilter')}" aria-label="${t('project.activityFilter')}">
          <p class="volunteer-count" id="pj-activity-count" aria-live="polite"></p>
          <div class="volunteer-box" id="pj-activities"></div>` })}
    </div>`;

  return openFormDialog({
    title: detail ? t('project.editTitle') : t('project.addTitle'),
    body,
    wide: true,
    submitId: 'pj-save',
    cancelId: 'pj-cancel',
    onReady: (form) => {
      const $ = (s) => form.querySelector(s);
      const slot = $('#pj-milestones');
      const paintRows = (focusKey = null, focusName = 'title') => {
        setHtml(slot, rowsMarkup(rows));
        if (focusKey) slot.querySelector(`.milestone-row[data-key="${focusKey}"] [data-name="${focusName}"]`)?.focus();
      };
      paintRows();
      // Typed values go into the rows as they are typed, so adding or moving a row never loses them.
      slot.addEventListener('input', (event) => {
        const input = event.target.closest('[data-name]');
        const row = input?.closest('.milestone-row');
        if (row) rows = updateMilestone(rows, row.dataset.key, { [input.dataset.name]: input.value });
      });
      slot.addEventListener('click', (event) => {
        const button = event.target.closest('button[data-key]');
        if (!button || button.disabled) return;
        const key = button.dataset.key;
        if (button.classList.contains('ms-remove')) {
          const index = rows.findIndex((r) => r.key === key);
          rows = removeMilestone(rows, key);
          const next = rows[Math.min(index, rows.length - 1)];
          paintRows();
          (next ? slot.querySelector(`.ms-remove[data-key="${next.key}"]`) : $('#pj-add-milestone'))?.focus();
        } else {
          const delta = button.classList.contains('ms-up') ? -1 : 1;
          rows = moveMilestone(rows, key, delta);
          paintRows();
          slot.querySelector(`.${button.classList.contains('ms-up') ? 'ms-up' : 'ms-down'}[data-key="${key}"]:not(:disabled)`)?.focus();
        }
      });
      $('#pj-add-milestone').addEventListener('click', () => {
        rows = addMilestone(rows);
        paintRows(rows[rows.length - 1].key);
      });

      // Activities: those in the project's period (all when the period is not typed yet).
      const list = $('#pj-activities');
      const count = () => {
        $('#pj-activity-count').textContent = selected.size ? t('project.activitiesChosen', { count: selected.size }) : '';
      };
      const paintActivities = () => {
        setHtml(list, activitiesMarkup(activities, activityQuery, selected, today));
        count();
      };
      let loadSeq = 0;
      const loadActivities = async () => {
        const from = normaliseDate($('#pj-starts').value);
        const to = normaliseDate($('#pj-ends').value);
        loadSeq += 1;
        const mine = loadSeq;
        try {
          const found = await listActivities({ from: isDate(from) ? from : null, to: isDate(to) ? to : null, series_id: null, line: null, include_cancelled: false });
          if (mine !== loadSeq) return;
          activities = found ?? [];
        } catch {
          if (mine !== loadSeq) return;
          activities = [];
        }
        // Linked activities outside the period stay listed (and ticked) so that saving does not silently drop them.
        for (const a of detail?.activities ?? []) if (!activities.some((x) => x.id === a.id)) activities.push(a);
        activities.sort((a, b) => String(a.date).localeCompare(String(b.date)));
        paintActivities();
      };
      paintActivities();
      loadActivities();
      $('#pj-starts').addEventListener('change', loadActivities);
      $('#pj-ends').addEventListener('change', loadActivities);
      $('#pj-activity-filter').addEventListener('input', (event) => {
        activityQuery = event.target.value;
        paintActivities();
      });
      $('#pj-activity-filter').addEventListener('keydown', (event) => {
        if (event.key === 'Enter') event.preventDefault();
      });
      list.addEventListener('change', (event) => {
        const box = event.target.closest('.pj-activity');
        if (!box) return;
        if (box.checked) selected.add(Number(box.value));
        else selected.delete(Number(box.value));
        count();
      });
    },
    onSubmit: async (form) => {
      const value = (id) => form.querySelector(`#${id}`).value;
      const problems = [];
      if (value('pj-name').trim() === '') problems.push({ field: 'name', message: t('project.nameRequired') });
      if (value('pj-line') === '') problems.push({ field: 'line', message: t('actForm.lineRequired') });
      if (problems.length) throw { kind: 'invalid', message: t('form.checkFields'), fields: problems };
      const input = {
        id: p.id ?? null,
        name: value('pj-name'),
        line: value('pj-line'),
        owner: value('pj-owner'),
        goal: value('pj-goal'),
        starts_on: normaliseDate(value('pj-starts')),
        ends_on: normaliseDate(value('pj-ends')),
        milestones: milestoneInputs(rows, normaliseDate),
        activity_ids: [...selected],
      };
      const id = await saveProject(input);
      toast(t('project.saved', { name: input.name.trim() }));
      return id;
    },
  });
}
