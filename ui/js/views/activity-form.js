// Activity form dialog: 新建活动 (save_activity), 新建系列课程 (create_sessions, weekly), 编辑 one session
// (save_activity) or this and the later sessions of a recurring class (update_future_sessions). The core validates.
import { html, setHtml } from '../html.js';
import { t, tv } from '../i18n.js';
import { getState } from '../store.js';
import { createSessions, loadActivityOptions, saveActivity, saveSeries, updateFutureSessions } from '../actions/activities.js';
import { todayDate } from '../actions/basics.js';
import { describeRepeat, isDate, normaliseDate, normaliseTime, parseCount, sessionDates } from '../activity-model.js';
import { weekdayText } from '../format.js';
import { openFormDialog } from '../components/dialog.js';
import { errorText } from '../components/errors.js';
import { showFieldError } from '../components/form-errors.js';
import { field, plainChoices, selectInput, textArea, textInput } from '../components/fields.js';
import { toast } from '../components/toast.js';

const DEFAULT_COUNT = 10;

const seriesChoices = () => (getState().activityOptions?.series ?? []).map((s) => ({ value: s.id, label: s.name }));

function seriesOptions(value) {
  const current = value === null || value === undefined ? '' : String(value);
  return html`<option value="">${t('actForm.noSeries')}</option>${seriesChoices().map((c) => html`<option value="${c.value}" ${String(c.value) === current ? html`selected` : ''}>${c.label}</option>`)}`;
}

function seriesField(value) {
  return html`<div class="field">
    <label class="field-label" for="act-series">${t('actForm.series')}</label>
    <div class="input-with-button">
      <select class="input" id="act-series" aria-describedby="act-series-hint act-series-error">${seriesOptions(value)}</select>
      <button type="button" class="button" id="act-series-new" aria-expanded="false" aria-controls="act-series-panel"
        title="${t('actForm.newSeries')}">${t('actForm.newSeriesShort')}</button>
    </div>
    <p class="field-hint" id="act-series-hint">${t('actForm.seriesHint')}</p>
    <p class="field-error" data-field="series_id" id="act-series-error" hidden></p>
    <div class="series-panel field" id="act-series-panel" hidden>
      <label class="field-label" for="act-series-name">${t('actForm.newSeriesName')}</label>
      <div class="input-with-button">
        ${textInput({ id: 'act-series-name', placeholder: t('actForm.newSeriesPlaceholder') })}
        <button type="button" class="button button-primary" id="act-series-save">${t('actForm.newSeriesSave')}</button>
      </div>
      <p class="field-error" data-field="series_name" id="act-series-name-error" hidden></p>
    </div>
  </div>`;
}

function repeatMarkup(example) {
  return html`<fieldset class="field field-group field-wide repeat-box">
    <legend class="field-label">${t('repeat.legend')}</legend>
    <div class="repeat-grid">
      <div class="field repeat-line">
        <span class="repeat-words">
          <label for="act-repeat-every">${t('repeat.everyBefore')}</label>
          <input class="input input-short" id="act-repeat-every" value="1" inputmode="numeric" autocomplete="off" aria-describedby="act-repeat-every-error">
          <span>${t('repeat.everyAfter')}</span>
        </span>
        <p class="field-error" data-field="every_weeks" id="act-repeat-every-error" hidden></p>
      </div>
      <div class="field repeat-line">
        <span class="repeat-words">
          <label class="check" for="act-repeat-by-count"><input type="radio" name="act-repeat-end" id="act-repeat-by-count" value="count" checked>
            <span>${t('repeat.countBefore')}</span></label>
          <input class="input input-short" id="act-repeat-count" value="${DEFAULT_COUNT}" inputmode="numeric" autocomplete="off"
            aria-label="${t('repeat.countLabel')}" aria-describedby="act-repeat-count-error">
          <span>${t('repeat.countAfter')}</span>
        </span>
        <p class="field-error" data-field="count" id="act-repeat-count-error" hidden></p>
      </div>
      <div class="field repeat-line">
        <span class="repeat-words">
          <label class="check" for="act-repeat-by-until"><input type="radio" name="act-repeat-end" id="act-repeat-by-until" value="until">
            <span>${t('repeat.untilBefore')}</span></label>
          <input class="input input-date" id="act-repeat-until" placeholder="${example}" autocomplete="off"
            aria-label="${t('repeat.untilLabel')}" aria-describedby="act-repeat-until-error">
        </span>
        <p class="field-error" data-field="until" id="act-repeat-until-error" hidden></p>
      </div>
    </div>
    <p class="repeat-summary" id="act-repeat-summary" role="status"></p>
    <p class="field-hint" id="act-repeat-dates"></p>
    <p class="field-error" data-field="repeat" hidden></p>
  </fieldset>`;
}

/** What the form says about the repeat, from the typed values: the sentence and the first/last dates. */
function readRepeat(form) {
  const value = (id) => form.querySelector(`#${id}`).value;
  const byCount = form.querySelector('#act-repeat-by-count').checked;
  const everyWeeks = parseCount(value('act-repeat-every'));
  const count = byCount ? parseCount(value('act-repeat-count')) : null;
  const until = byCount ? null : normaliseDate(value('act-repeat-until'));
  return { byCount, everyWeeks, count, until };
}

function paintRepeat(form) {
  const summary = form.querySelector('#act-repeat-summary');
  const dates = form.querySelector('#act-repeat-dates');
  if (!summary) return;
  const date = normaliseDate(form.querySelector('#act-date').value);
  const { byCount, everyWeeks, count, until } = readRepeat(form);
  const sentence = describeRepeat({
    date,
    startTime: normaliseTime(form.querySelector('#act-start').value),
    endTime: normaliseTime(form.querySelector('#act-end').value),
    everyWeeks,
    count: byCount ? (count ?? NaN) : null,
    until,
  }, t);
  if (!isDate(date)) summary.textContent = t('repeat.needDate');
  else if (!(Number.isInteger(everyWeeks) && everyWeeks >= 1)) summary.textContent = t('repeat.everyInvalid');
  else summary.textContent = sentence ?? (byCount ? t('repeat.needCount') : t('repeat.needUntil'));
  const list = sentence ? sessionDates(date, everyWeeks, byCount ? { count } : { until }) : [];
  dates.textContent = list.length > 1 ? t('repeat.firstLast', { first: list[0], last: list[list.length - 1] })
    : list.length === 1 ? t('repeat.onlyOne', { first: list[0] }) : '';
}

/** The date hint: the weekday once a date is typed. */
function paintDateHint(form) {
  const hint = form.querySelector('#act-date-hint');
  if (!hint) return;
  const date = normaliseDate(form.querySelector('#act-date').value);
  hint.textContent = isDate(date) ? t('actForm.dateIs', { date, weekday: weekdayText(date) }) : t('actForm.dateHint');
}

const invalid = (fields) => ({ kind: 'invalid', message: t('form.checkFields'), fields });

/** The ActivityInput from the form (dates and times tidied when they clearly are ones); throws `invalid` for what the core could not read. */
function readInput(form) {
  const value = (id) => form.querySelector(`#${id}`).value;
  const problems = [];
  const title = value('act-title');
  if (title.trim() === '') problems.push({ field: 'title', message: t('actForm.titleRequired') });
  const line = value('act-line');
  if (line === '') problems.push({ field: 'line', message: t('actForm.lineRequired') });
  const date = normaliseDate(value('act-date'));
  if (date === '') problems.push({ field: 'date', message: t('form.dateRequired') });
  const capacity = parseCount(value('act-capacity'));
  if (Number.isNaN(capacity)) problems.push({ field: 'capacity', message: t('actForm.capacityNumber') });
  const series = value('act-series');
  const mode = value('act-mode');
  const input = {
    title,
    series_id: series === '' ? null : Number(series),
    line,
    date,
    start_time: normaliseTime(value('act-start')),
    end_time: normaliseTime(value('act-end')),
    place: value('act-place'),
    organiser: value('act-organiser'),
    capacity,
    audience: value('act-audience'),
    description: value('act-description'),
    learning_mode: mode === '' ? null : mode,
  };
  return { input, problems };
}

function readRepeatInput(form, problems) {
  const { byCount, everyWeeks, count, until } = readRepeat(form);
  if (!(Number.isInteger(everyWeeks) && everyWeeks >= 1)) problems.push({ field: 'every_weeks', message: t('repeat.everyInvalid') });
  if (byCount && !(Number.isInteger(count) && count >= 1)) problems.push({ field: 'count', message: t('repeat.countInvalid') });
  if (!byCount && until === '') problems.push({ field: 'until', message: t('repeat.untilRequired') });
  return { every_weeks: everyWeeks, count: byCount ? count : null, until: byCount ? null : until };
}

/** Adds a series by name (save_series), reloads the options and selects it. */
async function addSeries(form) {
  const input = form.querySelector('#act-series-name');
  const slot = form.querySelector('#act-series-name-error');
  slot.textContent = '';
  slot.hidden = true;
  input.removeAttribute('aria-invalid');
  const name = input.value;
  if (name.trim() === '') {
    showFieldError(form, 'series_name', t('actForm.newSeriesRequired'));
    input.focus();
    return;
  }
  const button = form.querySelector('#act-series-save');
  button.disabled = true;
  try {
    const id = await saveSeries({ name });
    await loadActivityOptions();
    setHtml(form.querySelector('#act-series'), seriesOptions(id));
    form.querySelector('#act-series-panel').hidden = true;
    form.querySelector('#act-series-new').setAttribute('aria-expanded', 'false');
    input.value = '';
    form.querySelector('#act-series').focus();
    toast(t('actForm.seriesAdded', { name: name.trim() }));
  } catch (error) {
    const messages = error?.fields?.length ? error.fields.map((f) => f.message) : [errorText(error)];
    for (const message of messages) showFieldError(form, 'series_name', message);
    input.focus();
  } finally {
    button.disabled = false;
  }
}

/**
 * Opens the form. `mode`: 'single' (new, or edit `detail` as this one session), 'repeat' (a weekly class: create_sessions)
 * or 'future' (edit `detail` and the later sessions of its class; dates are kept). `defaults` preselect series and line.
 * Resolves with the saved id (single), the new ids (repeat), the number of sessions changed (future), or null.
 */
export async function openActivityForm({ detail = null, mode = 'single', defaults = {} } = {}) {
  if (!getState().activityOptions) await loadActivityOptions();
  const options = getState().activityOptions ?? {};
  const d = detail ?? {};
  const seriesId = detail ? d.series_id : defaults.series_id;
  const line = detail ? d.line : defaults.line;
  const future = mode === 'future';
  const repeat = mode === 'repeat';
  const example = todayDate();

  const title = future ? t('actForm.futureTitle') : repeat ? t('actForm.repeatTitle') : detail ? t('actForm.editTitle') : t('actForm.addTitle');
  const body = html`${future ? html`<p class="notice">${t('actForm.futureNote', { date: d.date })}</p>` : ''}
    ${detail && !future && d.recurrence_id ? html`<p class="notice">${t('actForm.oneNote', { date: d.date })}</p>` : ''}
    <div class="form-grid">
      ${field({ id: 'act-title', label: t('actForm.title'), field: 'title', required: true, wide: true,
        control: textInput({ id: 'act-title', value: d.title ?? '', required: true }) })}
      ${seriesField(seriesId)}
      ${field({ id: 'act-line', label: t('actForm.line'), field: 'line', required: true,
        control: selectInput({ id: 'act-line', blank: t('common.pick'), value: line, choices: plainChoices(options.lines, (v) => tv('line', v)) }) })}
      ${field({ id: 'act-date', label: repeat ? t('actForm.firstDate') : t('actForm.date'), field: 'date', required: true,
        hint: future ? t('actForm.dateKept') : t('actForm.dateHint'),
        control: textInput({ id: 'act-date', value: d.date ?? '', placeholder: example, required: true }) })}
      ${field({ id: 'act-mode', label: t('actForm.mode'), field: 'learning_mode', hint: t('actForm.modeHint'),
        control: selectInput({ id: 'act-mode', blank: t('actForm.noMode'), value: d.learning_mode, choices: plainChoices(options.learning_modes, (v) => tv('mode', v)) }) })}
      ${field({ id: 'act-start', label: t('actForm.start'), field: 'start_time', required: true, hint: t('actForm.timeHint'),
        control: textInput({ id: 'act-start', value: d.start_time ?? '', placeholder: '09:00', required: true }) })}
      ${field({ id: 'act-end', label: t('actForm.end'), field: 'end_time', required: true,
        control: textInput({ id: 'act-end', value: d.end_time ?? '', placeholder: '10:30', required: true }) })}
      ${field({ id: 'act-place', label: t('actForm.place'), field: 'place',
        control: textInput({ id: 'act-place', value: d.place ?? '' }) })}
      ${field({ id: 'act-organiser', label: t('actForm.organiser'), field: 'organiser',
        control: textInput({ id: 'act-organiser', value: d.organiser ?? '' }) })}
      ${field({ id: 'act-capacity', label: t('actForm.capacity'), field: 'capacity', hint: t('actForm.capacityHint'),
        control: textInput({ id: 'act-capacity', value: d.capacity ?? '', inputmode: 'numeric', placeholder: t('activity.unlimited') }) })}
      ${field({ id: 'act-audience', label: t('actForm.audience'), field: 'audience', hint: t('actForm.audienceHint'),
        control: textInput({ id: 'act-audience', value: d.audience ?? '' }) })}
      ${field({ id: 'act-description', label: t('actForm.description'), field: 'description', wide: true,
        control: textArea({ id: 'act-description', value: d.description ?? '', rows: 3 }) })}
      ${repeat ? repeatMarkup(example) : ''}
    </div>`;

  const onReady = (form) => {
    if (future) form.querySelector('#act-date').disabled = true;
    paintDateHint(form);
    paintRepeat(form);
    form.addEventListener('input', (event) => {
      const id = event.target.id;
      if (id === 'act-date') paintDateHint(form);
      if (id === 'act-repeat-count') form.querySelector('#act-repeat-by-count').checked = true;
      if (id === 'act-repeat-until') form.querySelector('#act-repeat-by-until').checked = true;
      paintRepeat(form);
    });
    form.addEventListener('change', () => paintRepeat(form));
    form.querySelector('#act-series-new').addEventListener('click', (event) => {
      const panel = form.querySelector('#act-series-panel');
      panel.hidden = !panel.hidden;
      event.currentTarget.setAttribute('aria-expanded', String(!panel.hidden));
      if (!panel.hidden) form.querySelector('#act-series-name').focus();
    });
    form.querySelector('#act-series-save').addEventListener('click', () => addSeries(form));
    // Enter in the new series' name adds the series (instead of submitting the whole form).
    form.querySelector('#act-series-name').addEventListener('keydown', (event) => {
      if (event.key === 'Enter') {
        event.preventDefault();
        addSeries(form);
      }
    });
  };

  return openFormDialog({
    title,
    body,
    submitId: 'act-save',
    cancelId: 'act-cancel',
    submitLabel: repeat ? t('actForm.createSessions') : t('action.save'),
    wide: true,
    onReady,
    onSubmit: async (form) => {
      const { input, problems } = readInput(form);
      const repeatInput = repeat ? readRepeatInput(form, problems) : null;
      if (future) input.date = d.date;
      if (problems.length) throw invalid(problems);
      if (future) {
        input.id = d.id;
        const changed = await updateFutureSessions(d.id, input);
        toast(t('actForm.savedFuture', { count: changed ?? 0 }));
        return changed ?? 0;
      }
      if (repeat) {
        const ids = await createSessions(input, repeatInput);
        return ids ?? [];
      }
      if (detail) input.id = d.id;
      const id = await saveActivity(input);
      toast(t('actForm.saved', { title: input.title.trim() }));
      return id ?? d.id;
    },
  });
}
