// The activity page's roll call: the sign-up list with the waitlist and the cancelled ones, 到场 ticks (one, a
// household, 全部到场 / 全部未到), cancelling a sign-up (候补转正 shown until 知道了), walk-ins, and 记录志愿时长.
import { html, setHtml, setHtmlKeepFocus } from '../../html.js';
import { t } from '../../i18n.js';
import { todayDate } from '../../actions/basics.js';
import { addWalkIn, cancelSignup, markAll, markAttendance, patchActivity } from '../../actions/activities.js';
import { orDash } from '../../format.js';
import { attendanceCount, sharedHouseholds, signupSections } from '../../activity-model.js';
import { badge } from '../../components/badges.js';
import { confirmAction } from '../../components/dialog.js';
import { reportError } from '../../components/errors.js';
import { toast } from '../../components/toast.js';
import { recordVolunteerHours } from '../activity-hours.js';
import { bindGuestForm, bindResidentSearch, guestForm, hitRow, hitsMarkup, hitState, residentSearch, signupOf } from './attendees.js';

export function rollPanelMarkup() {
  return html`<section class="card" id="roll-panel" aria-labelledby="roll-title" hidden>
      <div class="section-head">
        <h2 class="section-title" id="roll-title">${t('signup.listTitle')}</h2>
        <span class="attendance-count" id="attendance-count" role="status"></span>
        <div class="page-actions roll-actions">
          <button type="button" class="button" id="mark-all-present">${t('signup.allPresent')}</button>
          <button type="button" class="button" id="mark-all-absent">${t('signup.allAbsent')}</button>
          <button type="button" class="button button-primary" id="record-volunteer-hours" hidden>${t('activityHours.record')}</button>
        </div>
      </div>
      <div data-slot="promoted"></div>
      <div data-slot="table"></div>
      <div class="walkin" id="walkin-panel">
        <h3 class="sub-title">${t('walkin.title')}</h3>
        <div class="signup-columns">
          ${residentSearch('walkin', t('walkin.searchLabel'), t('walkin.searchHint'))}
          ${guestForm('walkin-guest', 'walkin-guest-add', t('walkin.guestAdd'), t('walkin.guestNote'))}
        </div>
      </div>
    </section>`;
}

// ---------- The sign-up list ----------

function nameCell(s) {
  return html`<th scope="row" class="signup-name"><span class="nowrap">${s.name}</span>
    ${s.resident_id === null || s.resident_id === undefined ? badge(t('signup.guest'), 'other') : ''}
    ${s.walk_in ? badge(t('signup.walkIn'), 'volunteer') : ''}</th>`;
}

const cancelButton = (s) => html`<button type="button" class="button button-small button-danger cancel-signup" id="cancel-signup-${s.id}"
      aria-label="${t('signup.cancelOf', { name: s.name })}">${t('signup.cancel')}</button>`;

function registeredRow(s, index, shared, locked) {
  const inHousehold = shared.has(s.household_id);
  return html`<tr data-signup-id="${s.id}" data-name="${s.name}" data-household-id="${s.household_id ?? ''}" class="${s.attended ? 'is-present' : ''}">
    <td class="num">${index + 1}</td>
    ${nameCell(s)}
    <td class="signup-address">${orDash(s.address)}</td>
    <td class="nowrap">${orDash(s.phone_masked)}</td>
    <td class="attend-cell"><div class="attend-controls">
      <label class="check attend-check" for="attend-${s.id}">
        <input type="checkbox" class="attend-toggle" id="attend-${s.id}" ${s.attended ? html`checked` : ''} ${locked ? html`disabled` : ''}
          aria-label="${t('signup.presentOf', { name: s.name })}"> <span aria-hidden="true">${t('signup.present')}</span></label>
      ${inHousehold && !locked ? html`<button type="button" class="button button-small attend-household" id="attend-household-${s.id}"
        aria-label="${t('signup.householdPresentOf', { name: s.name })}">${t('signup.householdPresent')}</button>` : ''}
    </div></td>
    <td>${locked ? '' : cancelButton(s)}</td>
  </tr>`;
}

function waitlistRow(s, locked) {
  return html`<tr data-signup-id="${s.id}" data-name="${s.name}" class="is-waitlisted">
    <td class="nowrap">${t('signup.position', { position: s.position ?? '?' })}</td>
    ${nameCell(s)}
    <td class="signup-address">${orDash(s.address)}</td>
    <td class="nowrap">${orDash(s.phone_masked)}</td>
    <td>${orDash(null)}</td>
    <td>${locked ? '' : cancelButton(s)}</td>
  </tr>`;
}

function cancelledRow(s) {
  return html`<tr data-signup-id="${s.id}" class="is-gone">
    <td>${orDash(null)}</td>
    ${nameCell(s)}
    <td class="signup-address">${orDash(s.address)}</td>
    <td class="nowrap">${orDash(s.phone_masked)}</td>
    <td>${orDash(null)}</td>
    <td>${badge(t('signup.cancelled'), 'gone')}</td>
  </tr>`;
}

function tableMarkup(d, showCancelled) {
  const signups = d.signups ?? [];
  if (!signups.length) return html`<div class="empty"><p>${d.cancelled_on ? t('signup.noneCancelled') : t('signup.none')}</p></div>`;
  const { registered, waitlisted, cancelled } = signupSections(signups);
  const locked = !!d.cancelled_on;
  const shared = sharedHouseholds(registered);
  const section = (text, extra = '') => html`<tr class="table-section"><th scope="colgroup" colspan="6">${text}${extra}</th></tr>`;
  return html`<div class="table-wrap"><table id="signups-table" class="table signups-table">
    <caption class="visually-hidden">${t('signup.listTitle')}</caption>
    <thead><tr>
      <th scope="col" class="num">${t('signup.colNo')}</th><th scope="col">${t('signup.colName')}</th>
      <th scope="col">${t('signup.colAddress')}</th><th scope="col">${t('signup.colPhone')}</th>
      <th scope="col">${t('signup.colPresent')}</th><th scope="col"><span class="visually-hidden">${t('signup.colActions')}</span></th>
    </tr></thead>
    <tbody class="signups-registered">
      ${registered.length ? registered.map((s, i) => registeredRow(s, i, shared, locked))
        : html`<tr><td colspan="6" class="muted">${t('signup.noneRegistered')}</td></tr>`}
    </tbody>
    ${waitlisted.length ? html`<tbody class="signups-waitlist">
      ${section(t('signup.waitlistTitle', { count: waitlisted.length }))}
      ${waitlisted.map((s) => waitlistRow(s, locked))}
    </tbody>` : ''}
    ${cancelled.length ? html`<tbody class="signups-cancelled">
      <tr class="table-section"><th scope="colgroup" colspan="6">
        <button type="button" class="button button-quiet section-toggle" id="toggle-cancelled" aria-expanded="${showCancelled ? 'true' : 'false'}">
          <span aria-hidden="true">${showCancelled ? '▾' : '▸'}</span> ${t('signup.cancelledTitle', { count: cancelled.length })}</button>
      </th></tr>
      ${showCancelled ? cancelled.map(cancelledRow) : ''}
    </tbody>` : ''}
  </table></div>`;
}

const countMarkup = (d) => {
  const { present, registered } = attendanceCount(d.signups ?? []);
  return html`${t('signup.count', { present, registered })}`;
};

const walkinHitsMarkup = (search, d) => hitsMarkup(search, (hit) => {
  const signup = signupOf(d, hit.id);
  const registered = signup?.status === 'registered';
  return hitRow('walkin', hit, registered, registered ? html`<span class="muted">${t('walkin.alreadyRegistered')}</span>` : hitState(signup));
});

/** 候补转正: stays on the page (above the list) until 知道了, so the roll call can go on meanwhile. */
const promotedMarkup = (promoted) => (promoted ? html`<div class="notice notice-promoted" id="signup-promoted" role="alert" tabindex="-1">
      <p class="notice-promoted-text">${t('signup.promoted', promoted)}</p>
      <p class="field-hint">${t('signup.promotedHint', promoted)}</p>
      <button type="button" class="button button-small" id="signup-promoted-ok">${t('action.gotIt')}</button>
    </div>` : html``);

// ---------- Changes ----------

/** 取消报名 after a confirmation naming who moves up from the waitlist; `promote(notice)` shows who did. */
async function cancelOneSignup(page, button, promote) {
  const signupId = Number(button.closest('tr[data-signup-id]').dataset.signupId);
  const d = page.detail();
  const signup = d.signups.find((s) => s.id === signupId);
  if (!signup) return;
  const { waitlisted } = signupSections(d.signups);
  const next = signup.status === 'registered' ? waitlisted[0] : null;
  let answer = null;
  const done = await confirmAction({
    title: t('signup.cancelTitle'),
    message: next ? t('signup.cancelConfirmNext', { name: signup.name, next: next.name }) : t('signup.cancelConfirm', { name: signup.name }),
    confirmLabel: t('signup.cancel'),
    cancelLabel: t('signup.keep'),
    onConfirm: async () => {
      answer = await cancelSignup(signupId);
    },
  });
  if (!done) return;
  await page.reload();
  const promoted = answer?.promoted;
  if (promoted) {
    const position = waitlisted.find((s) => s.id === promoted.signup_id)?.position ?? 1;
    promote({ name: signup.name, position, promoted: promoted.name });
  } else {
    toast(t('signup.cancelDone', { name: signup.name }));
  }
}

/** 全部到场 / 全部未到 (the latter asks first when someone is already marked present). */
async function markEveryone(page, present) {
  const d = page.detail();
  if (!present && attendanceCount(d.signups ?? []).present > 0) {
    const ok = await confirmAction({
      title: t('signup.allAbsentTitle'),
      message: t('signup.allAbsentConfirm'),
      confirmLabel: t('signup.allAbsent'),
      cancelLabel: t('signup.keep'),
      onConfirm: async () => {},
    });
    if (!ok) return;
  }
  const count = await markAll(page.id, present);
  await page.reload();
  toast(t(present ? 'signup.allPresentDone' : 'signup.allAbsentDone', { present: count?.present ?? 0, registered: count?.registered ?? 0 }));
}

/** The roll panel: the list, its buttons and the walk-ins. */
export function createRollCall(page) {
  const $ = page.$;
  const panel = $('#roll-panel');
  const tableSlot = $('[data-slot="table"]');
  let showCancelled = false;
  let promoted = null;

  const paintTable = () => {
    const d = page.detail();
    if (!d) return;
    setHtmlKeepFocus(tableSlot, tableMarkup(d, showCancelled));
    setHtml($('#attendance-count'), countMarkup(d));
  };
  const paintPromoted = () => setHtml($('[data-slot="promoted"]'), promotedMarkup(promoted));

  const search = bindResidentSearch(page, 'walkin', walkinHitsMarkup);
  const walkedIn = (outcome) => toast(t('walkin.added', { name: outcome.name }));
  bindGuestForm(page, 'walkin-guest', (attendee) => addWalkIn(page.id, attendee), walkedIn);

  // Marks are independent of each other (ticking quickly down the list must not drop a click), so they do not wait for `busy`.
  const setPresent = async (signupIds, present) => {
    if (!signupIds.length) return;
    try {
      await markAttendance(page.id, signupIds.map((signupId) => ({ signup_id: signupId, present })));
    } catch (error) {
      paintTable();
      reportError(error);
      return;
    }
    const changed = new Set(signupIds);
    patchActivity(page.id, (d) => ({
      ...d,
      signups: d.signups.map((s) => (changed.has(s.id) ? { ...s, attended: present } : s)),
    }));
  };

  const walkIn = (button) => page.act(async () => {
    const outcome = await addWalkIn(page.id, { resident_id: Number(button.dataset.residentId) });
    await page.reload();
    walkedIn(outcome);
    page.backTo(search.input);
  });

  const promote = (notice) => {
    promoted = notice;
    paintPromoted();
    $('#signup-promoted')?.focus();
  };

  // A tick on one row (the checkbox's change event).
  page.section.addEventListener('change', (event) => {
    const box = event.target;
    if (!box.classList.contains('attend-toggle')) return;
    setPresent([Number(box.closest('tr[data-signup-id]').dataset.signupId)], box.checked);
  });

  return {
    hide() {
      panel.hidden = true;
    },
    paint(d) {
      const locked = !!d.cancelled_on;
      panel.hidden = false;
      $('#walkin-panel').hidden = locked;
      $('#mark-all-present').hidden = locked;
      $('#mark-all-absent').hidden = locked;
      // Hours are recorded once the activity has taken place (the core refuses cancelled and future ones).
      $('#record-volunteer-hours').hidden = locked || d.date > todayDate();
      paintTable();
      search.paint();
    },
    handlers: {
      '#signup-promoted-ok': () => {
        promoted = null;
        paintPromoted();
        panel.querySelector('.page-actions button:not([hidden])')?.focus();
      },
      '.walkin-hit': walkIn,
      '.attend-household': (button) => {
        const d = page.detail();
        const householdId = button.closest('tr[data-household-id]').dataset.householdId;
        const ids = signupSections(d.signups).registered.filter((s) => String(s.household_id) === householdId).map((s) => s.id);
        return setPresent(ids, true);
      },
      '.cancel-signup': (button) => cancelOneSignup(page, button, promote),
      '#mark-all-present': () => page.act(() => markEveryone(page, true)),
      '#record-volunteer-hours': () => page.act(() => recordVolunteerHours(page.id)),
      '#mark-all-absent': () => page.act(() => markEveryone(page, false)),
      '#toggle-cancelled': () => {
        showCancelled = !showCancelled;
        paintTable();
      },
    },
  };
}
