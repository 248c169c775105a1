// 登记服务 (save_service: a new service, or editing an open one) and 完成服务 (complete_service: done date, times,
// outcome, follow-up; the volunteers sent get 待审核 hours). The core validates; errors stay in the dialog.
import { html, setHtml } from '../html.js';
import { t, tv } from '../i18n.js';
import { getState } from '../store.js';
import { loadVocabularies, todayDate } from '../actions/basics.js';
import { completeService, saveService } from '../actions/care.js';
import { listProjects } from '../actions/projects.js';
import { listVolunteers, volunteerOptions } from '../actions/volunteers.js';
import { normaliseDate, normaliseTime } from '../activity-model.js';
import { dateText } from '../format.js';
import { householdHits, pickVolunteers } from '../care-model.js';
import { openFormDialog } from '../components/dialog.js';
import { errorText } from '../components/errors.js';
import { field, fieldset, selectInput, textArea, textInput } from '../components/fields.js';
import { toast } from '../components/toast.js';
import { createSearch } from '../search-runner.js';

const MAX_HOUSEHOLD_HITS = 8;
/** How many volunteers the picker lists at once (typing narrows it down). */
const MAX_VOLUNTEERS_SHOWN = 60;

function chosenMarkup(household) {
  if (!household) return html`<span class="muted">${t('service.noHousehold')}</span>`;
  return html`${t('service.chosen')}<strong>${household.address}</strong>${household.names?.length
    ? html` <span class="muted">${household.names.join(t('careList.nameJoin'))}</span>` : ''}`;
}

function volunteerList(volunteers, query, selected) {
  const shown = pickVolunteers(volunteers, query, selected);
  if (!volunteers.length) return html`<p class="muted">${t('service.noVolunteers')}</p>`;
  if (!shown.length) return html`<p class="muted">${t('service.noVolunteerMatch', { query })}</p>`;
  const more = shown.length - MAX_VOLUNTEERS_SHOWN;
  return html`<ul class="volunteer-checks">${shown.slice(0, MAX_VOLUNTEERS_SHOWN).map((v) => html`<li>
      <label class="check" for="svc-vol-${v.id}"><input type="checkbox" class="svc-volunteer" id="svc-vol-${v.id}" value="${v.id}"
        ${selected.has(v.id) ? html`checked` : ''}> <span><strong>${v.name}</strong> <span class="muted">${[v.number, v.organisation,
        v.skills].filter(Boolean).join(' · ')}</span></span></label></li>`)}</ul>
    ${more > 0 ? html`<p class="field-hint">${t('service.moreVolunteers', { count: more })}</p>` : ''}`;
}

/**
 * Opens 登记服务. `household` `{ id, address, names }` preselects the household (from the care list), `kind` the
 * kind; `service` (a ServiceRow) edits an open service. Resolves with the saved id, or null when cancelled.
 */
export async function openServiceForm({ household = null, kind = null, service = null } = {}) {
  // The form still opens when a list cannot be read: the kinds come from the core's vocabularies (loaded with the
  // register), and the volunteer box says why it is empty.
  if (!getState().vocabularies) await loadVocabularies();
  let volunteersError = null;
  const [options, volunteers, projects] = await Promise.all([
    volunteerOptions().catch(() => null),
    listVolunteers({ query: '', line: null, organisation_id: null, include_left: false }).catch((error) => {
      volunteersError = error;
      return [];
    }),
    listProjects().catch(() => []),
  ]);
  let chosen = service ? { id: service.household_id, address: service.address, names: service.residents ?? [] } : household;
  const selected = new Set((service?.volunteers ?? []).map((v) => v.id));
  const kinds = getState().vocabularies?.service_kinds ?? [];
  const organisations = options?.organisations ?? [];
  const today = todayDate();

  const body = html`<div class="form-grid">
      <div class="field field-wide household-picker">
        <label class="field-label" for="svc-household-search">${t('service.household')}<span class="required" aria-hidden="true"> *</span></label>
        <p class="picker-chosen" id="svc-household-chosen" aria-live="polite">${chosenMarkup(chosen)}</p>
        <input id="svc-household-search" class="input" type="search" autocomplete="off" spellcheck="false"
          placeholder="${t('service.householdPlaceholder')}" aria-describedby="svc-household-hint svc-household-error">
        <p class="field-hint" id="svc-household-hint">${t('service.householdHint')}</p>
        <p class="field-error" data-field="household_id" id="svc-household-error" hidden></p>
        <div id="svc-household-results" class="pick-results"></div>
      </div>
      ${field({ id: 'svc-kind', label: t('service.kind'), field: 'kind', required: true,
        control: selectInput({ id: 'svc-kind', blank: t('common.pick'), value: service?.kind ?? kind ?? '',
          choices: kinds.map((k) => ({ value: k, label: tv('serviceKind', k) })) }) })}
      ${field({ id: 'svc-requested', label: t('service.requestedOn'), field: 'requested_on', hint: t('service.requestedHint'),
        control: textInput({ id: 'svc-requested', value: service?.requested_on ?? today, placeholder: today }) })}
      ${field({ id: 'svc-description', label: t('service.description'), field: 'description', wide: true,
        control: textArea({ id: 'svc-description', value: service?.description ?? '', rows: 2 }) })}
      ${field({ id: 'svc-organisation', label: t('service.organisation'), field: 'organisation_id', hint: t('service.organisationHint'),
        control: selectInput({ id: 'svc-organisation', blank: t('service.noOrganisation'), value: service?.organisation_id ?? '',
          choices: organisations.map((o) => ({ value: o.id, label: o.name })) }) })}
      ${field({ id: 'svc-project', label: t('service.project'), field: 'project_id',
        control: selectInput({ id: 'svc-project', blank: t('service.noProject'), value: service?.project_id ?? '',
          choices: projects.map((p) => ({ value: p.id, label: p.name })) }) })}
      ${fieldset({ legend: t('service.volunteers'), field: 'volunteer_ids', hint: t('service.volunteersHint'),
        content: html`<input class="input" id="svc-volunteer-filter" type="search" autocomplete="off"
            placeholder="${t('service.volunteerFilter')}" aria-label="${t('service.volunteerFilter')}">
          <p class="volunteer-count" id="svc-volunteer-count" aria-live="polite"></p>
          <div class="volunteer-box" id="svc-volunteers"></div>` })}
    </div>`;

  return openFormDialog({
    title: service ? t('service.editTitle') : t('service.addTitle'),
    body,
    wide: true,
    submitId: 'svc-save',
    cancelId: 'svc-cancel',
    onReady: (form) => {
      const $ = (s) => form.querySelector(s);
      const list = $('#svc-volunteers');
      const filter = $('#svc-volunteer-filter');
      const paintVolunteers = () => {
        setHtml(list, volunteersError ? html`<p class="field-error">${errorText(volunteersError)}</p>` : volunteerList(volunteers, filter.value, selected));
        $('#svc-volunteer-count').textContent = selected.size ? t('service.volunteersChosen', { count: selected.size }) : '';
      };
      paintVolunteers();
      filter.addEventListener('input', paintVolunteers);
      filter.addEventListener('keydown', (event) => {
        if (event.key === 'Enter') event.preventDefault();
      });
      list.addEventListener('change', (event) => {
        const box = event.target.closest('.svc-volunteer');
        if (!box) return;
        if (box.checked) selected.add(Number(box.value));
        else selected.delete(Number(box.value));
        $('#svc-volunteer-count').textContent = selected.size ? t('service.volunteersChosen', { count: selected.size }) : '';
      });

      const input = $('#svc-household-search');
      const results = $('#svc-household-results');
      const searcher = createSearch({
        onResults: (hits, query) => {
          if (query.trim() === '') return setHtml(results, html``);
          const households = householdHits(hits).slice(0, MAX_HOUSEHOLD_HITS);
          if (!households.length) return setHtml(results, html`<p class="search-empty">${t('search.empty', { query })}</p>`);
          return setHtml(results, html`<ul class="pick-list">${households.map((h) => html`<li class="pick-row">
            <button type="button" class="pick-hit household-hit" id="svc-household-${h.id}" data-id="${h.id}" data-address="${h.address}"
              data-names="${h.names.join('\u001f')}"><span class="hit-line"><strong class="hit-name">${h.address}</strong></span>
              <span class="hit-line hit-sub">${h.names.join(t('careList.nameJoin'))}</span></button></li>`)}</ul>`);
        },
        onError: (error) => setHtml(results, html`<p class="search-empty search-error">${errorText(error)}</p>`),
      });
      input.addEventListener('input', () => searcher.run(input.value));
      input.addEventListener('keydown', (event) => {
        if (event.key !== 'Enter') return;
        event.preventDefault();
        const first = results.querySelector('.household-hit');
        if (first) first.click();
        else searcher.now(input.value);
      });
      results.addEventListener('click', (event) => {
        const hit = event.target.closest('.household-hit');
        if (!hit) return;
        chosen = { id: Number(hit.dataset.id), address: hit.dataset.address, names: hit.dataset.names.split('\u001f') };
        setHtml($('#svc-household-chosen'), chosenMarkup(chosen));
        searcher.cancel();
        input.value = '';
        setHtml(results, html``);
        $('#svc-kind').focus();
      });
    },
    onSubmit: async (form) => {
      const value = (id) => form.querySelector(`#${id}`).value;
      const problems = [];
      if (!chosen) problems.push({ field: 'household_id', message: t('service.householdRequired') });
      if (value('svc-kind') === '') problems.push({ field: 'kind', message: t('service.kindRequired') });
      if (problems.length) throw { kind: 'invalid', message: t('form.checkFields'), fields: problems };
      const idOrNull = (v) => (v === '' ? null : Number(v));
      const input = {
        id: service?.id ?? null,
        household_id: chosen.id,
        kind: value('svc-kind'),
        description: value('svc-description'),
        requested_on: normaliseDate(value('svc-requested')),
        organisation_id: idOrNull(value('svc-organisation')),
        volunteer_ids: [...selected],
        project_id: idOrNull(value('svc-project')),
      };
      const id = await saveService(input);
      toast(service ? t('service.saved') : t('service.added', { address: chosen.address }));
      return id;
    },
  });
}

/** 完成服务: resolves with `{ hour_entries }` once done, or null when cancelled. */
export function openServiceDone(service) {
  const today = todayDate();
  const volunteers = service.volunteers ?? [];
  const body = html`<p class="dialog-message service-summary"><strong>${service.address}</strong>${service.residents?.length
      ? html` <span class="muted">${service.residents.join(t('careList.nameJoin'))}</span>` : ''}
    <span class="service-summary-what">${t('service.doneMessage', { date: dateText(service.requested_on, today),
      description: service.description || tv('serviceKind', service.kind) })}</span></p>
    ${volunteers.length ? html`<p class="notice" id="done-hours-note">${t('service.doneHoursNote', {
      count: volunteers.length, names: volunteers.map((v) => v.name).join(t('careList.nameJoin')) })}</p>` : ''}
    <div class="form-grid">
      ${field({ id: 'done-on', label: t('service.doneOn'), field: 'done_on', required: true,
        control: textInput({ id: 'done-on', value: today, placeholder: today, required: true }) })}
      ${field({ id: 'done-follow-up', label: t('service.followUpOn'), field: 'follow_up_on', hint: t('service.followUpHint'),
        control: textInput({ id: 'done-follow-up', placeholder: today }) })}
      ${field({ id: 'done-start', label: t('service.startTime'), field: 'start_time', required: volunteers.length > 0,
        hint: volunteers.length ? t('service.timesHint') : t('service.timesOptional'),
        control: textInput({ id: 'done-start', placeholder: '09:00', required: volunteers.length > 0 }) })}
      ${field({ id: 'done-end', label: t('service.endTime'), field: 'end_time', required: volunteers.length > 0,
        control: textInput({ id: 'done-end', placeholder: '10:30', required: volunteers.length > 0 }) })}
      ${field({ id: 'done-outcome', label: t('service.outcome'), field: 'outcome', wide: true, hint: t('service.outcomeHint'),
        control: textArea({ id: 'done-outcome', rows: 3 }) })}
    </div>`;
  return openFormDialog({
    title: t('service.doneTitleOf', { kind: tv('serviceKind', service.kind) }),
    body,
    wide: true,
    submitId: 'done-save',
    cancelId: 'done-cancel',
    submitLabel: t('service.completeSubmit'),
    onSubmit: async (form) => {
      const value = (id) => form.querySelector(`#${id}`).value;
      const done = {
        done_on: normaliseDate(value('done-on')),
        start_time: normaliseTime(value('done-start')),
        end_time: normaliseTime(value('done-end')),
        outcome: value('done-outcome'),
        follow_up_on: normaliseDate(value('done-follow-up')),
      };
      return completeService(service.id, done);
    },
  });
}
