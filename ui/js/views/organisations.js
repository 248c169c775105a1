// The 组织 tab: 两新组织 (智慧益仓 shops, companies, social organisations) with their contact, the services they offer
// and their members; 新增组织 / 编辑, and a member list with 添加成员 (the volunteer form, as a member of this one).
import { html, setHtml, setHtmlKeepFocus } from '../html.js';
import { t, tv } from '../i18n.js';
import { getOrganisation, listOrganisations, saveOrganisation } from '../actions/volunteers.js';
import { orDash } from '../format.js';
import { durationText, splitLabels } from '../volunteer-model.js';
import { badge, badgeList, lineBadge } from '../components/badges.js';
import { openFormDialog } from '../components/dialog.js';
import { errorText, reportError } from '../components/errors.js';
import { field, fieldset, plainChoices, selectInput, textArea, textInput } from '../components/fields.js';
import { toast } from '../components/toast.js';
import { openVolunteerForm } from './volunteer-list.js';

// ---------- The form ----------

/** 新增组织 / 编辑组织 (`id`). Resolves with the saved id, or null when cancelled. */
export async function openOrganisationForm(ctx, { id = null } = {}) {
  const options = ctx.options ?? (await ctx.loadOptions()) ?? {};
  let detail = null;
  if (id !== null) {
    try {
      detail = await getOrganisation(id);
    } catch (error) {
      reportError(error);
      return null;
    }
  }
  const o = detail?.organisation ?? {};
  const offered = o.services ?? [];
  const suggestions = options.offer_suggestions ?? [];
  const others = offered.filter((s) => !suggestions.includes(s));
  const body = html`<div class="form-grid">
      ${field({ id: 'of-name', label: t('organisationForm.name'), field: 'name', required: true,
        control: textInput({ id: 'of-name', value: o.name ?? '', required: true }) })}
      ${field({ id: 'of-kind', label: t('organisationForm.kind'), field: 'kind', required: true,
        control: selectInput({ id: 'of-kind', blank: t('common.pick'), value: o.kind, choices: plainChoices(options.organisation_kinds, (k) => tv('orgKind', k)) }) })}
      ${field({ id: 'of-contact', label: t('organisationForm.contact'), field: 'contact_person',
        control: textInput({ id: 'of-contact', value: o.contact_person ?? '' }) })}
      ${field({ id: 'of-phone', label: t('organisationForm.phone'), field: 'phone', hint: String(detail?.phone ?? '').includes('*') ? t('form.maskedHint') : '',
        control: textInput({ id: 'of-phone', type: 'tel', inputmode: 'tel', value: detail?.phone ?? '' }) })}
      ${field({ id: 'of-address', label: t('organisationForm.address'), field: 'address', wide: true,
        control: textInput({ id: 'of-address', value: o.address ?? '' }) })}
      ${fieldset({ legend: t('organisationForm.services'), field: 'services', hint: t('organisationForm.servicesHint'),
        content: html`<div class="checks">${suggestions.map((s, i) => html`<label class="check" for="of-offer-${i}">
            <input type="checkbox" id="of-offer-${i}" class="of-offer" value="${s}" ${offered.includes(s) ? html`checked` : ''}> <span>${tv('offer', s)}</span></label>`)}</div>
          <div class="field of-other">
            <label class="field-label" for="of-other">${t('organisationForm.otherServices')}</label>
            ${textInput({ id: 'of-other', value: others.join('、'), placeholder: t('organisationForm.otherPlaceholder') })}
          </div>` })}
      ${field({ id: 'of-notes', label: t('organisationForm.notes'), field: 'notes', wide: true,
        control: textArea({ id: 'of-notes', value: o.notes ?? '', rows: 2 }) })}
    </div>`;
  return openFormDialog({
    title: detail ? t('organisationForm.editTitle', { name: o.name }) : t('organisationForm.addTitle'),
    body,
    submitId: 'of-save',
    cancelId: 'of-cancel',
    wide: true,
    onSubmit: async (form) => {
      const value = (sel) => form.querySelector(sel).value;
      const problems = [];
      if (value('#of-name').trim() === '') problems.push({ field: 'name', message: t('organisationForm.nameRequired') });
      if (value('#of-kind') === '') problems.push({ field: 'kind', message: t('organisationForm.kindRequired') });
      if (problems.length) throw { kind: 'invalid', message: t('form.checkFields'), fields: problems };
      const services = [...form.querySelectorAll('.of-offer:checked')].map((box) => box.value);
      for (const label of splitLabels(value('#of-other'))) if (!services.includes(label)) services.push(label);
      const input = {
        id: detail ? o.id : null,
        name: value('#of-name'),
        kind: value('#of-kind'),
        contact_person: value('#of-contact'),
        phone: value('#of-phone'),
        address: value('#of-address'),
        services,
        notes: value('#of-notes'),
      };
      const saved = await saveOrganisation(input);
      toast(t('organisationForm.saved', { name: input.name.trim() }));
      return saved ?? o.id;
    },
  });
}

/** The members of one organisation; 添加成员 opens the volunteer form. Resolves true when a member was added. */
async function openMembers(ctx, id) {
  let detail;
  try {
    detail = await getOrganisation(id);
  } catch (error) {
    reportError(error);
    return false;
  }
  const o = detail.organisation;
  const members = detail.members ?? [];
  const body = html`<p class="dialog-message">${o.name} ${badge(tv('orgKind', o.kind), 'other')}</p>
    ${members.length ? html`<div class="table-wrap"><table class="table" id="org-members-table">
      <caption class="visually-hidden">${t('organisations.membersOf', { name: o.name })}</caption>
      <thead><tr><th scope="col">${t('volunteers.colNumber')}</th><th scope="col">${t('volunteers.colName')}</th>
        <th scope="col">${t('volunteers.colLine')}</th><th scope="col">${t('volunteers.colPhone')}</th>
        <th scope="col" class="num">${t('volunteers.colConfirmed')}</th></tr></thead>
      <tbody>${members.map((m) => html`<tr class="${m.left_on ? 'is-gone' : ''}"><td class="mono nowrap">${m.number}</td>
        <th scope="row" class="nowrap">${m.name}${m.left_on ? html` ${badge(t('volunteers.leftOn', { date: m.left_on }), 'gone')}` : ''}</th>
        <td>${lineBadge(m.line, { short: true })}</td><td class="nowrap">${orDash(m.phone_masked)}</td>
        <td class="num nowrap">${durationText(m.confirmed_minutes, t)}</td></tr>`)}</tbody>
    </table></div>` : html`<p class="empty">${t('organisations.noMembers')}</p>`}`;
  const add = await openFormDialog({
    title: t('organisations.membersOf', { name: o.name }),
    body,
    submitId: 'org-add-member',
    cancelId: 'org-members-close',
    submitLabel: t('organisations.addMember'),
    cancelLabel: t('action.close'),
    wide: true,
    onSubmit: async () => 'add',
  });
  if (add !== 'add') return false;
  const saved = await openVolunteerForm(ctx, { defaults: { mode: 'member', organisation_id: id } });
  return saved !== null && saved !== undefined;
}

// ---------- The list ----------

function listMarkup(s) {
  if (!s.loaded) return html`<p class="empty">${t('common.loading')}</p>`;
  if (s.error && !s.rows.length) return html`<div class="empty"><p>${errorText(s.error)}</p></div>`;
  if (!s.rows.length) return html`<div class="empty" id="organisations-empty"><p>${t('organisations.empty')}</p><p class="muted">${t('organisations.emptyHint')}</p></div>`;
  return html`<div class="table-wrap"><table class="table organisations-table" id="organisations-table">
    <caption class="visually-hidden">${t('volunteers.tab.orgs')}</caption>
    <thead><tr>
      <th scope="col">${t('organisations.colName')}</th><th scope="col">${t('organisations.colKind')}</th>
      <th scope="col">${t('organisations.colContact')}</th><th scope="col">${t('organisations.colAddress')}</th>
      <th scope="col">${t('organisations.colServices')}</th><th scope="col" class="num">${t('organisations.colMembers')}</th>
      <th scope="col"><span class="visually-hidden">${t('volunteers.colActions')}</span></th>
    </tr></thead>
    <tbody>${s.rows.map((o) => html`<tr data-id="${o.id}">
      <th scope="row">${o.name}${o.notes ? html`<br><span class="muted org-notes">${o.notes}</span>` : ''}</th>
      <td class="nowrap">${tv('orgKind', o.kind)}</td>
      <td class="nowrap">${orDash(o.contact_person)}${o.phone_masked ? html`<br><span class="muted">${o.phone_masked}</span>` : ''}</td>
      <td class="org-address">${orDash(o.address)}</td>
      <td>${o.services?.length ? badgeList(o.services.map((sv) => badge(tv('offer', sv), 'other'))) : orDash(null)}</td>
      <td class="num">${o.members}</td>
      <td><div class="row-actions">
        <button type="button" class="button button-small org-edit" id="org-edit-${o.id}" aria-label="${t('organisations.editOf', { name: o.name })}">${t('volunteers.edit')}</button>
        <button type="button" class="button button-small org-members" id="org-members-${o.id}" aria-label="${t('organisations.membersOf', { name: o.name })}">${t('organisations.members')}</button>
      </div></td>
    </tr>`)}</tbody>
  </table></div>`;
}

export function mountOrganisations(panel, ctx) {
  setHtml(panel, html`<div class="section-head tab-head">
      <p class="section-note">${t('organisations.note')}</p>
      <button type="button" class="button button-primary" id="add-organisation">${t('organisations.add')}</button>
    </div>
    <section class="card" id="organisations-results" aria-label="${t('volunteers.tab.orgs')}"></section>`);
  const results = panel.querySelector('#organisations-results');
  const s = { rows: [], loaded: false, error: null };
  const paint = () => setHtmlKeepFocus(results, listMarkup(s));
  const load = async () => {
    try {
      Object.assign(s, { rows: (await listOrganisations()) ?? [], loaded: true, error: null });
    } catch (error) {
      Object.assign(s, { loaded: true, error });
      reportError(error);
    }
    paint();
  };
  const afterSave = async (saved) => {
    if (saved === null || saved === undefined || saved === false) return;
    await Promise.all([load(), ctx.loadOptions(), ctx.loadVolunteers()]);
  };
  panel.querySelector('#add-organisation').addEventListener('click', async () => afterSave(await openOrganisationForm(ctx)));
  results.addEventListener('click', async (event) => {
    const row = event.target.closest('tr[data-id]');
    if (!row) return;
    const id = Number(row.dataset.id);
    if (event.target.closest('.org-edit')) afterSave(await openOrganisationForm(ctx, { id }));
    else if (event.target.closest('.org-members')) afterSave(await openMembers(ctx, id));
  });
  paint();
  return {
    show() {
      if (!ctx.options) ctx.loadOptions();
      load();
    },
  };
}
