// 登记时长 (record_hours) and 更正 (correct_hours: a new 待审核 entry replaces the old one, which is rejected with the
// reason). The form shows the duration as the times are typed; 次日结束 is for a service that ends after midnight.
import { html } from '../html.js';
import { t } from '../i18n.js';
import { correctHours, recordHours } from '../actions/hours.js';
import { normaliseDate, normaliseTime } from '../activity-model.js';
import { durationText, endsNextDay, entryTimeText, spanMinutes, volunteerLabel } from '../volunteer-model.js';
import { openFormDialog } from '../components/dialog.js';
import { field, selectInput, textArea, textInput } from '../components/fields.js';
import { toast } from '../components/toast.js';

const invalid = (fields) => ({ kind: 'invalid', message: t('form.checkFields'), fields });

/** Volunteers who can get new hours (not left), plus the one of an entry being corrected. */
function volunteerChoices(volunteers, keepId) {
  return volunteers.filter((v) => !v.left_on || v.id === keepId).map((v) => ({ value: v.id, label: volunteerLabel(v, t) }));
}

function paintDuration(form) {
  const start = normaliseTime(form.querySelector('#hf-start').value);
  const end = normaliseTime(form.querySelector('#hf-end').value);
  const overnight = form.querySelector('#hf-overnight').checked;
  const out = form.querySelector('#hf-duration');
  const minutes = spanMinutes(start, end, overnight);
  out.classList.toggle('is-warning', minutes === null && start !== '' && end !== '');
  if (minutes !== null) out.textContent = t(overnight ? 'hourForm.durationOvernight' : 'hourForm.duration', { duration: durationText(minutes, t), end });
  else if (!overnight && endsNextDay(start, end)) out.textContent = t('hourForm.endBeforeStart');
  else out.textContent = t('hourForm.durationUnknown');
}

/**
 * Opens the form. `entry` (an HourEntryRow) corrects that entry; `defaults` preselect `{ volunteer_id }`.
 * Resolves with the new entry's id, or null when cancelled.
 */
export async function openHourForm(ctx, { entry = null, defaults = {} } = {}) {
  const volunteers = ctx.volunteers ?? (await ctx.loadVolunteers());
  const e = entry ?? {};
  const volunteerId = entry ? e.volunteer_id : defaults.volunteer_id ?? null;
  const correcting = !!entry;
  const body = html`${correcting ? html`<div class="notice" id="hf-correcting">
        <p>${t('hourForm.correctingNote', { id: e.id })}</p>
        <p class="muted">${t('hourForm.original', { date: e.date, time: entryTimeText(e, t), duration: durationText(e.minutes, t), content: e.content })}</p>
      </div>` : ''}
    <div class="form-grid">
      ${field({ id: 'hf-volunteer', label: t('hourForm.volunteer'), field: 'volunteer_id', required: true, wide: true,
        control: selectInput({ id: 'hf-volunteer', blank: t('common.pick'), value: volunteerId, choices: volunteerChoices(volunteers, volunteerId) }) })}
      ${field({ id: 'hf-date', label: t('hourForm.date'), field: 'date', required: true, hint: t('hourForm.dateHint'),
        control: textInput({ id: 'hf-date', value: e.date ?? ctx.today(), placeholder: ctx.today(), required: true }) })}
      <div class="field hf-times">
        <div class="hf-time-row">
          ${field({ id: 'hf-start', label: t('hourForm.start'), field: 'start_time', required: true,
            control: textInput({ id: 'hf-start', value: e.start_time ?? '', placeholder: '09:00', required: true }) })}
          ${field({ id: 'hf-end', label: t('hourForm.end'), field: 'end_time', required: true,
            control: textInput({ id: 'hf-end', value: e.end_time ?? '', placeholder: '11:30', required: true }) })}
        </div>
        <label class="check" for="hf-overnight"><input type="checkbox" id="hf-overnight" ${e.overnight ? html`checked` : ''}>
          <span>${t('hourForm.overnight')}</span></label>
        <p class="field-error" data-field="overnight" hidden></p>
      </div>
      <p class="hf-duration field-wide" id="hf-duration" role="status"></p>
      ${field({ id: 'hf-content', label: t('hourForm.content'), field: 'content', required: true, wide: true, hint: t('hourForm.contentHint'),
        control: textInput({ id: 'hf-content', value: e.content ?? '', required: true }) })}
      ${field({ id: 'hf-place', label: t('hourForm.place'), field: 'place',
        control: textInput({ id: 'hf-place', value: e.place ?? '' }) })}
      ${field({ id: 'hf-organiser', label: t('hourForm.organiser'), field: 'organiser',
        control: textInput({ id: 'hf-organiser', value: e.organiser ?? '' }) })}
      ${correcting ? field({ id: 'hf-reason', label: t('hourForm.reason'), field: 'reason', required: true, wide: true, hint: t('hourForm.reasonHint'),
        control: textArea({ id: 'hf-reason', rows: 2 }) }) : ''}
    </div>`;

  return openFormDialog({
    title: correcting ? t('hourForm.correctTitle', { id: e.id }) : t('hourForm.addTitle'),
    body,
    submitId: 'hf-save',
    cancelId: 'hf-cancel',
    submitLabel: correcting ? t('hourForm.correctSave') : t('hourForm.save'),
    wide: true,
    onReady: (form) => {
      paintDuration(form);
      form.addEventListener('input', () => paintDuration(form));
      form.addEventListener('change', () => paintDuration(form));
    },
    onSubmit: async (form) => {
      const value = (sel) => form.querySelector(sel).value;
      const problems = [];
      const volunteer = value('#hf-volunteer');
      if (volunteer === '') problems.push({ field: 'volunteer_id', message: t('hourForm.volunteerRequired') });
      if (value('#hf-content').trim() === '') problems.push({ field: 'content', message: t('hourForm.contentRequired') });
      const reason = correcting ? value('#hf-reason') : '';
      if (correcting && reason.trim() === '') problems.push({ field: 'reason', message: t('hourForm.reasonRequired') });
      if (problems.length) throw invalid(problems);
      const input = {
        volunteer_id: Number(volunteer),
        date: normaliseDate(value('#hf-date')),
        start_time: normaliseTime(value('#hf-start')),
        end_time: normaliseTime(value('#hf-end')),
        overnight: form.querySelector('#hf-overnight').checked,
        content: value('#hf-content'),
        place: value('#hf-place'),
        organiser: value('#hf-organiser'),
        activity_id: e.activity_id ?? null,
        service_id: e.service_id ?? null,
      };
      if (correcting) {
        const id = await correctHours(e.id, input, reason);
        toast(t('hourForm.corrected', { id: e.id, next: id }));
        return id;
      }
      const id = await recordHours(input);
      toast(t('hourForm.saved'));
      return id;
    },
  });
}
