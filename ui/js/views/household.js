// Household detail (#/household/ID): address, places and their heads, members table and the actions on them.
// Administrators also get 查看完整 per member: the full ID number and phone in a dialog (the core records the viewing in
// 操作日志); the values live only in that dialog and are gone when it closes.
import { html, setHtmlKeepFocus } from '../html.js';
import { t, tv } from '../i18n.js';
import { getState } from '../store.js';
import { refreshStats } from '../actions/basics.js';
import { getResident, loadHousehold, markDeceased, moveOutHousehold, moveOutResident, revealResident } from '../actions/households.js';
import { HOUSEHOLDS } from '../router.js';
import { orDash } from '../format.js';
import { agedBadge, badge, badgeList, careBadge, deceasedBadge, movedOutBadge, volunteerBadge } from '../components/badges.js';
import { confirmAction, showNotice } from '../components/dialog.js';
import { errorText, reportError } from '../components/errors.js';
import { toast } from '../components/toast.js';
import { headText } from './heads.js';
import { openHouseholdForm } from './household-form.js';
import { openResidentForm } from './resident-form.js';
import { openResidentActivities } from './resident-activities.js';
import { isAdmin } from '../roles.js';

const isParty = (status) => /党员/.test(String(status ?? ''));
const isGone = (m) => !!(m.moved_out_on || m.died_on);

/** 查看完整: only for administrators, and only when there is something masked to see. */
function revealButton(m, admin) {
  if (!admin || (!m.id_number_masked && !m.phone_masked)) return '';
  return html`<button type="button" class="button button-small reveal-resident" data-id="${m.id}"
    aria-label="${t('reveal.buttonOf', { name: m.name })}">${t('reveal.button')}</button>`;
}

function memberRow(m, highlight, admin) {
  const gone = isGone(m);
  const classes = [gone ? 'is-gone' : '', m.id === highlight ? 'is-highlight' : ''].filter(Boolean).join(' ');
  return html`<tr data-id="${m.id}" data-name="${m.name}" class="${classes}">
    <th scope="row" class="member-name"><span class="nowrap">${m.name}</span>
      ${m.moved_out_on ? movedOutBadge(m.moved_out_on) : ''}${m.died_on ? deceasedBadge(m.died_on) : ''}</th>
    <td class="nowrap">${tv('relation', m.relation)}</td>
    <td class="nowrap">${orDash(tv('sex', m.sex))}</td>
    <td class="num">${orDash(m.age)}${m.aged_80_plus ? html` ${agedBadge()}` : ''}</td>
    <td class="nowrap mono">${orDash(m.id_number_masked)}</td>
    <td class="member-phone"><span class="nowrap">${orDash(m.phone_masked)}</span> ${revealButton(m, admin)}</td>
    <td class="nowrap">${isParty(m.political_status) ? badge(tv('political', m.political_status), 'party') : tv('political', m.political_status)}</td>
    <td>${m.care_needs?.length ? badgeList(m.care_needs.map(careBadge)) : orDash(null)}</td>
    <td>${m.is_volunteer ? volunteerBadge() : ''}</td>
    <td><div class="row-actions">
      <button type="button" class="button button-small resident-activities" aria-label="${t('member.activitiesOf', { name: m.name })}">${t('member.activities')}</button>
      <button type="button" class="button button-small edit-resident" aria-label="${t('member.editOf', { name: m.name })}">${t('member.edit')}</button>
      ${gone ? '' : html`<button type="button" class="button button-small button-danger move-out-resident" aria-label="${t('member.moveOutOf', { name: m.name })}">${t('member.moveOut')}</button>
      <button type="button" class="button button-small button-danger mark-deceased" aria-label="${t('member.deceasedOf', { name: m.name })}">${t('member.deceased')}</button>`}
    </div></td>
  </tr>`;
}

function membersMarkup(members, highlight, admin) {
  if (!members.length) return html`<div class="empty"><p>${t('household.noMembers')}</p></div>`;
  const ordered = [...members.filter((m) => !isGone(m)), ...members.filter(isGone)];
  return html`<div class="table-wrap"><table id="members-table" class="table">
    <caption class="visually-hidden">${t('household.members')}</caption>
    <thead><tr>
      <th scope="col">${t('member.name')}</th><th scope="col">${t('member.relation')}</th><th scope="col">${t('member.sex')}</th>
      <th scope="col" class="num">${t('member.age')}</th><th scope="col">${t('member.idNumber')}</th><th scope="col">${t('member.phone')}</th>
      <th scope="col">${t('member.political')}</th><th scope="col">${t('member.care')}</th><th scope="col">${t('member.volunteer')}</th>
      <th scope="col"><span class="visually-hidden">${t('member.actions')}</span></th>
    </tr></thead>
    <tbody>${ordered.map((m) => memberRow(m, highlight, admin))}</tbody>
  </table></div>`;
}

function placeMarkup(label, headLabel, place) {
  return html`<div class="place">
    <dt>${label}</dt><dd>${place?.name ?? ''}</dd>
    <dt>${headLabel}</dt><dd>${orDash(headText(place?.head))}</dd>
  </div>`;
}

function detailMarkup(d, highlight, admin) {
  const active = d.members.filter((m) => !isGone(m)).length;
  return html`<div class="page-head">
      <div>
        <p class="crumb"><a href="${HOUSEHOLDS}">${t('nav.households')}</a></p>
        <h1 class="page-title" tabindex="-1">${d.address}</h1>
      </div>
      <div class="page-actions">
        <button type="button" class="button" id="edit-household">${t('household.edit')}</button>
        ${d.moved_out_on ? '' : html`<button type="button" class="button button-danger" id="move-out-household">${t('household.moveOut')}</button>`}
      </div>
    </div>
    ${d.moved_out_on ? html`<p class="notice notice-gone">${t('household.movedOutNotice', { date: d.moved_out_on })}</p>` : ''}
    <section class="card" aria-label="${t('household.info')}">
      <dl class="places">
        ${placeMarkup(t('household.grid'), t('household.gridHead'), d.grid)}
        ${placeMarkup(t('household.building'), t('household.buildingHead'), d.building)}
        ${placeMarkup(t('household.unit'), t('household.unitHead'), d.unit)}
      </dl>
      <dl class="facts">
        <div><dt>${t('household.phone')}</dt><dd>${orDash(d.phone_masked)}</dd></div>
        <div class="facts-wide"><dt>${t('household.notes')}</dt><dd class="pre">${orDash(d.notes)}</dd></div>
      </dl>
    </section>
    <section class="card" aria-labelledby="members-title">
      <div class="section-head">
        <h2 id="members-title" class="section-title">${t('household.membersCount', { count: active })}</h2>
        ${d.moved_out_on ? '' : html`<button type="button" class="button button-primary" id="add-resident">${t('household.addResident')}</button>`}
      </div>
      ${membersMarkup(d.members, highlight, admin)}
    </section>`;
}

/** Renders `household` (the store's slice, only when it is this page's); returns true once the details are shown. */
function render(root, household, highlight, admin) {
  if (household?.detail) {
    setHtmlKeepFocus(root, detailMarkup(household.detail, highlight, admin));
    return true;
  }
  if (household?.error) {
    setHtmlKeepFocus(root, html`<div class="empty card"><p>${errorText(household.error)}</p><p><a href="${HOUSEHOLDS}">${t('household.back')}</a></p></div>`);
    return;
  }
  setHtmlKeepFocus(root, html`<p class="empty">${t('common.loading')}</p>`);
  return false;
}

/** Asks the core for the full values (it records the viewing) and shows them until the dialog is closed. */
async function reveal(residentId, name) {
  let full; // held only here and in the dialog, which is removed when it closes
  try {
    full = await revealResident(residentId);
  } catch (error) {
    reportError(error);
    return;
  }
  // Locked while the answer was on its way: show nothing over the login screen.
  if (!getState().session) return;
  await showNotice({
    id: 'reveal-dialog',
    title: t('reveal.title', { name }),
    okId: 'reveal-close',
    okLabel: t('action.close'),
    body: html`<dl class="facts reveal-facts">
        <div><dt>${t('member.idNumber')}</dt><dd class="mono reveal-value" id="reveal-id-number">${orDash(full?.id_number)}</dd></div>
        <div><dt>${t('member.phone')}</dt><dd class="mono reveal-value" id="reveal-phone">${orDash(full?.phone)}</dd></div>
      </dl>
      <p class="field-hint reveal-note" id="reveal-note">${t('reveal.note')}</p>`,
  });
}

/** The page's buttons: editing and moving out the household, and each member's 活动 / 查看完整信息 / 编辑 / 迁出 / 去世. */
function householdHandlers(id) {
  const detail = () => getState().household?.detail;
  const reload = () => {
    refreshStats();
    return loadHousehold(id);
  };
  const member = (button) => {
    const row = button.closest('tr[data-id]');
    return { id: Number(row.dataset.id), name: row.dataset.name };
  };
  const today = () => getState().app?.today ?? '';

  return {
    '#edit-household': async () => {
      if (await openHouseholdForm({ detail: detail() }) !== null) reload();
    },
    '#move-out-household': async () => {
      const done = await confirmAction({
        title: t('household.moveOutTitle'),
        message: t('household.moveOutConfirm', { address: detail().address }),
        confirmLabel: t('household.moveOut'),
        date: { label: t('common.moveOutDate'), value: today(), hint: t('common.dateHint') },
        onConfirm: ({ date }) => moveOutHousehold(id, date),
      });
      if (done) {
        toast(t('household.movedOut'));
        reload();
      }
    },
    '#add-resident': async () => {
      const suggestHead = !detail().members.some((m) => !isGone(m));
      if (await openResidentForm({ householdId: id, suggestHead }) !== null) reload();
    },
    '.resident-activities': (button) => openResidentActivities(member(button)),
    '.reveal-resident': (button) => {
      const { id: residentId, name } = member(button);
      return reveal(residentId, name);
    },
    '.edit-resident': async (button) => {
      const { id: residentId } = member(button);
      let record;
      try {
        record = await getResident(residentId);
      } catch (error) {
        reportError(error);
        return;
      }
      if (!getState().session) return; // locked meanwhile: the form would show a full ID number
      if (await openResidentForm({ householdId: id, residentId, record }) !== null) reload();
    },
    '.move-out-resident': async (button) => {
      const { id: residentId, name } = member(button);
      const done = await confirmAction({
        title: t('member.moveOutTitle'),
        message: t('member.moveOutConfirm', { name }),
        confirmLabel: t('member.moveOut'),
        date: { label: t('common.moveOutDate'), value: today(), hint: t('common.dateHint') },
        onConfirm: ({ date }) => moveOutResident(residentId, date),
      });
      if (done) {
        toast(t('member.movedOut', { name }));
        reload();
      }
    },
    '.mark-deceased': async (button) => {
      const { id: residentId, name } = member(button);
      const done = await confirmAction({
        title: t('member.deceasedTitle'),
        message: t('member.deceasedConfirm', { name }),
        confirmLabel: t('member.deceasedOk'),
        date: { label: t('member.deceasedDate'), value: today(), required: true },
        onConfirm: ({ date }) => markDeceased(residentId, date),
      });
      if (done) {
        toast(t('member.markedDeceased', { name }));
        reload();
      }
    },
  };
}

export function mount(root, state) {
  const id = state.route.id;
  const admin = isAdmin(state.session);
  const handlers = householdHandlers(id);

  const section = document.createElement('div');
  section.id = 'household-detail';
  section.className = 'household-detail';
  root.append(section);
  section.addEventListener('click', (event) => {
    for (const [selector, handler] of Object.entries(handlers)) {
      const button = event.target.closest(selector);
      if (button && section.contains(button)) {
        handler(button);
        return;
      }
    }
  });

  const mine = (household) => (household?.id === id ? household : null);
  // The member to highlight (opened from a search hit) is read once; reloading the household clears it in the store.
  let highlight = mine(state.household)?.highlight ?? null;
  // When the page first shows its details, focus its title unless the user is already somewhere (e.g. the search box).
  let titlePending = true;
  const show = (household) => {
    if (render(section, household, highlight, admin) && titlePending) {
      titlePending = false;
      if (!document.activeElement || document.activeElement === document.body) section.querySelector('.page-title')?.focus();
    }
  };
  show(mine(state.household));
  loadHousehold(id);

  return {
    update(next, prev) {
      if (next.household === prev.household) return;
      const household = mine(next.household);
      if (household?.highlight && household.highlight !== prev.household?.highlight) {
        // A search hit in the household already shown: highlight it and reload (which also clears it in the store).
        highlight = household.highlight;
        loadHousehold(id);
      }
      show(household);
    },
  };
}

