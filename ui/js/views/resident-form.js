// Resident form dialog (添加成员/编辑): every field as typed; the Rust core validates and reports per field.
import { html } from '../html.js';
import { t, tv } from '../i18n.js';
import { getState } from '../store.js';
import { loadVocabularies, refreshStats } from '../actions/basics.js';
import { saveResident } from '../actions/households.js';
import { gradeLabel, isDisability } from '../format.js';
import { openFormDialog } from '../components/dialog.js';
import { field, fieldset, optionalText, plainChoices, selectInput, textArea, textInput } from '../components/fields.js';
import { toast } from '../components/toast.js';

/** Staff get ID numbers and phones masked (the core keeps the stored one when the mask comes back unchanged). */
const maskedHint = (value) => (String(value ?? '').includes('*') ? t('form.maskedHint') : '');

/** Stored care needs the checkboxes do not list (kind 其他: words kept verbatim from an import). */
function otherNeeds(kinds, needs) {
  return needs.filter((n) => !kinds.includes(n.kind));
}

function careMarkup(kinds, needs) {
  const others = otherNeeds(kinds, needs);
  return html`<div class="checks">${kinds.map((kind, i) => html`<label class="check" for="rs-care-${i}">
    <input type="checkbox" name="rs-care" id="rs-care-${i}" value="${kind}" ${needs.some((n) => n.kind === kind) ? html`checked` : ''}>
    <span>${tv('care', kind)}</span></label>`)}${others.map((need, i) => html`<label class="check" for="rs-care-other-${i}">
    <input type="checkbox" name="rs-care-other" id="rs-care-other-${i}" data-index="${i}" checked>
    <span>${need.label ?? need.kind}</span></label>`)}</div>`;
}

/**
 * Opens the resident form for `householdId`; `record` (a ResidentRecord) with `residentId` edits that resident.
 * `suggestHead` preselects 户主 for the first member. Resolves with the saved id, or null when cancelled.
 */
export async function openResidentForm({ householdId, residentId = null, record = null, suggestHead = false }) {
  if (!getState().vocabularies) await loadVocabularies();
  const vocabularies = getState().vocabularies ?? {};
  const sexes = vocabularies.sexes ?? [];
  const relations = vocabularies.relations ?? [];
  const statuses = vocabularies.political_statuses ?? [];
  const kinds = vocabularies.care_kinds ?? [];
  const needs = record?.care_needs ?? [];
  const disability = needs.find((n) => isDisability(n.kind));
  const relation = record?.relation ?? (suggestHead && relations.includes('户主') ? '户主' : '');
  const political = record?.political_status ?? (statuses.includes('群众') ? '群众' : '');

  const body = html`<div class="form-grid">
    ${field({ id: 'rs-name', label: t('residentForm.name'), field: 'name', required: true,
      control: textInput({ id: 'rs-name', value: record?.name ?? '', required: true }) })}
    ${field({ id: 'rs-relation', label: t('residentForm.relation'), field: 'relation', required: true,
      control: selectInput({ id: 'rs-relation', blank: t('common.pick'), value: relation, choices: plainChoices(relations, (v) => tv('relation', v)) }) })}
    ${field({ id: 'rs-id-number', label: t('residentForm.idNumber'), field: 'id_number', hint: maskedHint(record?.id_number),
      control: textInput({ id: 'rs-id-number', value: record?.id_number ?? '' }) })}
    ${field({ id: 'rs-sex', label: t('residentForm.sex'), field: 'sex',
      control: selectInput({ id: 'rs-sex', blank: t('residentForm.sexBlank'), value: record?.sex, choices: plainChoices(sexes, (v) => tv('sex', v)) }) })}
    ${field({ id: 'rs-birth-date', label: t('residentForm.birthDate'), field: 'birth_date', hint: t('residentForm.birthDateHint'),
      control: textInput({ id: 'rs-birth-date', value: record?.birth_date ?? '', placeholder: '1949-12-31' }) })}
    ${field({ id: 'rs-phone', label: t('residentForm.phone'), field: 'phone', hint: maskedHint(record?.phone),
      control: textInput({ id: 'rs-phone', value: record?.phone ?? '', type: 'tel', inputmode: 'tel' }) })}
    ${field({ id: 'rs-political', label: t('residentForm.political'), field: 'political_status',
      control: selectInput({ id: 'rs-political', blank: t('common.pick'), value: political, choices: plainChoices(statuses, (v) => tv('political', v)) }) })}
    <div class="field field-check">
      <span class="field-label" aria-hidden="true">&nbsp;</span>
      <label class="check" for="rs-volunteer"><input type="checkbox" id="rs-volunteer" ${record?.is_volunteer ? html`checked` : ''}>
        <span>${t('residentForm.volunteer')}</span></label>
    </div>
    ${fieldset({ legend: t('residentForm.care'), field: 'care_needs', content: html`${careMarkup(kinds, needs)}
      <div class="disability-details" id="rs-disability" ${disability ? '' : html`hidden`}>
        ${field({ id: 'rs-disability-category', label: t('residentForm.disabilityCategory'), field: 'disability_category',
          control: selectInput({ id: 'rs-disability-category', blank: t('common.pick'), value: disability?.disability_category,
            choices: plainChoices(vocabularies.disability_categories, (v) => tv('disability', v)) }) })}
        ${field({ id: 'rs-disability-grade', label: t('residentForm.disabilityGrade'), field: 'disability_grade',
          control: selectInput({ id: 'rs-disability-grade', blank: t('common.pick'), value: disability?.disability_grade,
            choices: (vocabularies.disability_grades ?? []).map((g) => ({ value: g, label: gradeLabel(g) })) }) })}
      </div>` })}
    ${field({ id: 'rs-notes', label: t('residentForm.notes'), field: 'notes', wide: true,
      control: textArea({ id: 'rs-notes', value: record?.notes ?? '' }) })}
  </div>`;

  const disabilityChecked = (form) => [...form.querySelectorAll('input[name="rs-care"]:checked')].some((box) => isDisability(box.value));

  return openFormDialog({
    title: record ? t('residentForm.editTitle', { name: record.name }) : t('residentForm.addTitle'),
    body,
    submitId: 'rs-save',
    cancelId: 'rs-cancel',
    wide: true,
    onReady: (form) => {
      form.addEventListener('change', (event) => {
        if (event.target.name === 'rs-care') form.querySelector('#rs-disability').hidden = !disabilityChecked(form);
      });
    },
    onSubmit: async (form) => {
      const value = (id) => form.querySelector(`#${id}`).value;
      const name = value('rs-name');
      if (name.trim() === '') {
        throw { kind: 'invalid', message: t('form.checkFields'), fields: [{ field: 'name', message: t('residentForm.nameRequired') }] };
      }
      const category = value('rs-disability-category');
      const grade = value('rs-disability-grade');
      const careNeeds = [...form.querySelectorAll('input[name="rs-care"]:checked')].map((box) => {
        const need = { kind: box.value };
        const before = needs.find((n) => n.kind === box.value);
        if (before?.label) need.label = before.label;
        if (isDisability(box.value)) {
          need.disability_category = category === '' ? null : category;
          need.disability_grade = grade === '' ? null : Number(grade);
        }
        return need;
      }).concat([...form.querySelectorAll('input[name="rs-care-other"]:checked')]
        .map((box) => otherNeeds(kinds, needs)[Number(box.dataset.index)]));
      const sex = value('rs-sex');
      const input = {
        household_id: householdId,
        name,
        sex: sex === '' ? null : sex,
        id_number: optionalText(value('rs-id-number')),
        birth_date: optionalText(value('rs-birth-date')),
        phone: optionalText(value('rs-phone')),
        relation: value('rs-relation'),
        political_status: value('rs-political'),
        care_needs: careNeeds,
        is_volunteer: form.querySelector('#rs-volunteer').checked,
        notes: value('rs-notes'),
      };
      const existingId = residentId ?? record?.id ?? null;
      if (existingId !== null) input.id = existingId;
      const id = await saveResident(input);
      toast(t('residentForm.saved', { name }));
      refreshStats();
      return id ?? existingId;
    },
  });
}
