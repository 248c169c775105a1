// Activity page (#/activity/ID): the details, editing and cancelling, printing the sheets, signing residents and
// guests up, the sign-up list with the waitlist, and the roll call (到场, 全部到场, walk-ins).
import { html, setHtml, setHtmlKeepFocus } from '../html.js';
import { t, tv } from '../i18n.js';
import * as api from '../api.js';
import { getState } from '../store.js';
import { loadActivity, patchActivity, todayDate } from '../actions.js';
import { ACTIVITIES } from '../router.js';
import { ageText, dateWithWeekday, orDash, signupText } from '../format.js';
import { attendanceCount, parseCount, sharedHouseholds, signupSections, timeRange } from '../activity-model.js';
import { badge, badgeList, cancelledBadge, lineBadge, seriesBadge, waitlistBadge } from '../components/badges.js';
import { chooseAction, confirmAction, KEEP_OPEN, openFormDialog } from '../components/dialog.js';
import { errorText, reportError } from '../components/errors.js';
import { clearErrors, showErrors } from '../components/form-errors.js';
import { field, optionalText, textInput } from '../components/fields.js';
import { toast } from '../components/toast.js';
import { createSearch } from '../search-runner.js';
import { openActivityForm } from './activity-form.js';
import { deliverPrinted, printToChosenFile } from './print-result.js';
import { recordVolunteerHours } from './activity-hours.js';

const DEFAULT_BLANK_ROWS = 10;
const MAX_BLANK_ROWS = 200;

// ---------- Details ----------

function factsMarkup(d) {
  const item = (label, value, wide = false) => html`<div class="${wide ? 'fact fact-wide' : 'fact'}"><dt>${label}</dt><dd>${value}</dd></div>`;
  const capacity = d.capacity === null || d.capacity === undefined ? t('activity.unlimited') : t('activity.capacityN', { count: d.capacity });
  return html`<dl class="activity-facts">
    ${item(t('activity.date'), dateWithWeekday(d.date, todayDate()))}
    ${item(t('activity.time'), orDash(timeRange(d.start_time, d.end_time)))}
    ${item(t('activity.place'), orDash(d.place))}
    ${item(t('activity.organiser'), orDash(d.organiser))}
    ${item(t('activity.audience'), orDash(d.audience))}
    ${item(t('activity.capacity'), capacity)}
    ${item(t('activity.signups'), html`${signupText(d)}${d.waitlisted > 0 ? html` ${waitlistBadge(d.waitlisted)}` : ''}`)}
    ${d.learning_mode ? item(t('activity.mode'), tv('mode', d.learning_mode)) : ''}
    ${item(t('activity.description'), html`<span class="pre">${orDash(d.description)}</span>`, true)}
  </dl>`;
}

function headMarkup(d) {
  const cancelled = !!d.cancelled_on;
  const past = d.date < todayDate();
  return html`<div class="page-head">
      <div>
        <p class="crumb"><a href="${ACTIVITIES}">${t('nav.activities')}</a></p>
        <h1 class="page-title" tabindex="-1">${d.title}</h1>
        ${badgeList([cancelled ? cancelledBadge() : null, !cancelled && past ? badge(t('activity.ended'), 'gone') : null,
          d.series_name ? seriesBadge(d.series_name) : null, lineBadge(d.line),
          d.learning_mode ? badge(tv('mode', d.learning_mode), 'other') : null].filter(Boolean))}
      </div>
      ${cancelled ? '' : html`<div class="page-actions">
        <button type="button" class="button" id="edit-activity">${t('activity.edit')}</button>
        <button type="button" class="button button-danger" id="cancel-activity">${t('activity.cancel')}</button>
      </div>`}
    </div>
    ${cancelled ? html`<p class="notice notice-gone notice-big" id="activity-cancelled" role="note">${t('activity.cancelledBanner', { date: d.cancelled_on })}</p>` : ''}
    <section class="card" aria-label="${t('activity.info')}">
      ${factsMarkup(d)}
      <div class="print-actions">
        <span class="print-label">${t('activity.print')}</span>
        ${cancelled ? '' : html`<button type="button" class="button" id="print-sign-up">${t('activity.printSignUp')}</button>
        <button type="button" class="button" id="print-sign-in">${t('activity.printSignIn')}</button>`}
        ${d.series_id !== null && d.series_id !== undefined ? html`<button type="button" class="button" id="print-attendance">${t('activity.printAttendance')}</button>` : ''}
      </div>
    </section>`;
}

// ---------- The sign-up list ----------

function nameCell(s) {
  return html`<th scope="row" class="signup-name"><span class="nowrap">${s.name}</span>
    ${s.resident_id === null || s.resident_id === undefined ? badge(t('signup.guest'), 'other') : ''}
    ${s.walk_in ? badge(t('signup.walkIn'), 'volunteer') : ''}</th>`;
}

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
    <td>${locked ? '' : html`<button type="button" class="button button-small button-danger cancel-signup" id="cancel-signup-${s.id}"
      aria-label="${t('signup.cancelOf', { name: s.name })}">${t('signup.cancel')}</button>`}</td>
  </tr>`;
}

function waitlistRow(s, locked) {
  return html`<tr data-signup-id="${s.id}" data-name="${s.name}" class="is-waitlisted">
    <td class="nowrap">${t('signup.position', { position: s.position ?? '?' })}</td>
    ${nameCell(s)}
    <td class="signup-address">${orDash(s.address)}</td>
    <td class="nowrap">${orDash(s.phone_masked)}</td>
    <td>${orDash(null)}</td>
    <td>${locked ? '' : html`<button type="button" class="button button-small button-danger cancel-signup" id="cancel-signup-${s.id}"
      aria-label="${t('signup.cancelOf', { name: s.name })}">${t('signup.cancel')}</button>`}</td>
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

function tableMarkup(d, ui) {
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
        <button type="button" class="button button-quiet section-toggle" id="toggle-cancelled" aria-expanded="${ui.showCancelled ? 'true' : 'false'}">
          <span aria-hidden="true">${ui.showCancelled ? '▾' : '▸'}</span> ${t('signup.cancelledTitle', { count: cancelled.length })}</button>
      </th></tr>
      ${ui.showCancelled ? cancelled.map(cancelledRow) : ''}
    </tbody>` : ''}
  </table></div>`;
}

const countMarkup = (d) => {
  const { present, registered } = attendanceCount(d.signups ?? []);
  return html`${t('signup.count', { present, registered })}`;
};

// ---------- Search results (sign up, walk in) ----------

/** The sign-up a resident already has here (not cancelled), if any. */
const signupOf = (d, residentId) => (d?.signups ?? []).find((s) => s.resident_id === residentId && s.status !== 'cancelled');

function hitState(signup) {
  if (!signup) return '';
  return signup.status === 'waitlisted' ? badge(t('signup.position', { position: signup.position ?? '?' }), 'warn') : badge(t('signup.already'), 'volunteer');
}

function hitText(hit) {
  const meta = [ageText(hit.age), tv('relation', hit.relation)].filter((v) => v !== null && v !== undefined && v !== '');
  return html`<span class="hit-line"><strong class="hit-name">${hit.name}</strong><span class="hit-meta">${meta.join(' · ')}</span></span>
    <span class="hit-line hit-sub"><span class="hit-address">${hit.address}</span></span>`;
}

/**
 * One search result: the whole row (`.signup-hit` / `.walkin-hit`) can be clicked, and its main button does the same
 * for the keyboard; `side` holds the state badge and, for sign-ups, 全家报名.
 */
function hitRow(kind, hit, taken, side) {
  return html`<li class="pick-row ${kind}-hit${taken ? ' is-taken' : ''}" data-resident-id="${hit.id}" data-name="${hit.name}">
    <button type="button" class="pick-hit" id="${kind}-hit-${hit.id}" ${taken ? html`disabled aria-disabled="true"` : ''}>${hitText(hit)}</button>
    <span class="pick-side">${side}</span>
  </li>`;
}

function hitsMarkup(search, row) {
  if (search.query.trim() === '') return html``;
  if (search.error) return html`<p class="search-empty search-error">${errorText(search.error)}</p>`;
  if (!search.hits.length) return html`<p class="search-empty">${t('search.empty', { query: search.query })}</p>`;
  return html`<ul class="pick-list">${search.hits.map(row)}</ul>`;
}

const signupHitsMarkup = (search, d) => hitsMarkup(search, (hit) => {
  const signup = signupOf(d, hit.id);
  return hitRow('signup', hit, !!signup, html`${hitState(signup)}
    <button type="button" class="button button-small signup-household" id="signup-household-${hit.id}" data-household-id="${hit.household_id}"
      aria-label="${t('signup.householdOf', { name: hit.name })}">${t('signup.household')}</button>`);
});

const walkinHitsMarkup = (search, d) => hitsMarkup(search, (hit) => {
  const signup = signupOf(d, hit.id);
  const registered = signup?.status === 'registered';
  return hitRow('walkin', hit, registered, registered ? html`<span class="muted">${t('walkin.alreadyRegistered')}</span>` : hitState(signup));
});

// ---------- Page skeleton ----------

function guestForm(prefix, submitId, submitLabel, note) {
  return html`<form class="guest-form" id="${prefix}-form" novalidate>
    <p class="section-note">${note}</p>
    <div class="inline-form">
      ${field({ id: `${prefix}-name`, label: t('guest.name'), field: 'guest_name', required: true,
        control: textInput({ id: `${prefix}-name`, required: true }) })}
      ${field({ id: `${prefix}-phone`, label: t('guest.phone'), field: 'guest_phone',
        control: textInput({ id: `${prefix}-phone`, type: 'tel', inputmode: 'tel' }) })}
      <button type="submit" class="button" id="${submitId}">${submitLabel}</button>
      <p class="form-error" role="alert" tabindex="-1" hidden></p>
    </div>
  </form>`;
}

/** A resident search box: `#<prefix>-search` and its results `#<prefix>-results`. */
function residentSearch(prefix, label, hint) {
  return html`<div class="signup-search">
    <label class="field-label" for="${prefix}-search">${label}</label>
    <input id="${prefix}-search" class="input" type="search" autocomplete="off" spellcheck="false" placeholder="${t('search.placeholder')}"
      aria-describedby="${prefix}-search-hint" aria-controls="${prefix}-results">
    <p class="field-hint" id="${prefix}-search-hint">${hint}</p>
    <div id="${prefix}-results" class="pick-results" aria-live="polite"></div>
  </div>`;
}

function skeleton() {
  return html`<div data-slot="head"><p class="empty">${t('common.loading')}</p></div>
    <section class="card signup-panel" id="signup-panel" aria-labelledby="signup-title" hidden>
      <h2 class="section-title" id="signup-title">${t('signup.title')}</h2>
      <div class="signup-columns">
        ${residentSearch('signup', t('signup.searchLabel'), t('signup.searchHint'))}
        ${guestForm('guest', 'guest-add', t('guest.add'), t('guest.note'))}
      </div>
    </section>
    <section class="card" id="roll-panel" aria-labelledby="roll-title" hidden>
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

// ---------- Printing ----------

async function withBusy(button, work) {
  button.disabled = true;
  button.setAttribute('aria-busy', 'true');
  try {
    return await work();
  } finally {
    if (button.isConnected) {
      button.disabled = false;
      button.removeAttribute('aria-busy');
    }
  }
}

/** 打印报名表: how many blank rows to add, then where to save; the dialog stays open when the save dialog is cancelled. */
async function printSignUpSheet(d) {
  const printed = await openFormDialog({
    title: t('sheet.signUpTitle'),
    body: html`${field({ id: 'sheet-blank-rows', label: t('sheet.blankRows'), field: 'blank_rows', hint: t('sheet.blankRowsHint'),
        control: textInput({ id: 'sheet-blank-rows', value: String(DEFAULT_BLANK_ROWS), inputmode: 'numeric' }) })}
      <p class="section-note roster-note">${t('print.note')}</p>
      <p class="dialog-busy" role="status" hidden>${t('print.busy')}</p>`,
    submitId: 'sheet-print',
    cancelId: 'sheet-cancel',
    submitLabel: t('sheet.print'),
    onSubmit: async (form) => {
      const rows = parseCount(form.querySelector('#sheet-blank-rows').value);
      if (rows !== null && !(Number.isInteger(rows) && rows <= MAX_BLANK_ROWS)) {
        throw { kind: 'invalid', message: t('form.checkFields'), fields: [{ field: 'blank_rows', message: t('sheet.blankRowsInvalid', { max: MAX_BLANK_ROWS }) }] };
      }
      const busy = form.querySelector('.dialog-busy');
      const result = await printToChosenFile(t('sheet.signUpFile', { title: d.title, date: d.date }), async (out) => {
        busy.hidden = false;
        try {
          return await api.printActivitySheet(d.id, 'sign_up', out, rows);
        } finally {
          busy.hidden = true;
        }
      });
      return result ?? KEEP_OPEN;
    },
  });
  if (printed && typeof printed === 'object') await deliverPrinted(printed);
}

async function printDirect(button, fileName, run) {
  let printed;
  try {
    printed = await withBusy(button, () => printToChosenFile(fileName, run));
  } catch (error) {
    reportError(error);
    return;
  }
  if (printed) await deliverPrinted(printed);
}

// ---------- Mount ----------

export function mount(root, state) {
  const id = state.route.id;
  const section = document.createElement('div');
  section.id = 'activity-detail';
  section.className = 'activity-detail';
  root.append(section);
  setHtml(section, skeleton());
  const $ = (selector) => section.querySelector(selector);
  const head = $('[data-slot="head"]');
  const tableSlot = $('[data-slot="table"]');
  const signupPanel = $('#signup-panel');
  const rollPanel = $('#roll-panel');
  const signupResults = $('#signup-results');
  const walkinResults = $('#walkin-results');

  // View-only state: the two searches, whether the cancelled sign-ups are shown, the last promotion from the waitlist.
  const ui = {
    showCancelled: false,
    promoted: null,
    signup: { query: '', hits: [], error: null },
    walkin: { query: '', hits: [], error: null },
  };
  const detail = () => (getState().activity?.id === id ? getState().activity.detail : null);
  const reload = () => loadActivity(id);
  let busy = false;

  const paintHits = () => {
    const d = detail();
    setHtmlKeepFocus(signupResults, signupHitsMarkup(ui.signup, d));
    setHtmlKeepFocus(walkinResults, walkinHitsMarkup(ui.walkin, d));
  };
  /** 候补转正: stays on the page (above the list) until 知道了, so the roll call can go on meanwhile. */
  const paintPromoted = () => {
    const slot = $('[data-slot="promoted"]');
    setHtml(slot, ui.promoted ? html`<div class="notice notice-promoted" id="signup-promoted" role="alert" tabindex="-1">
      <p class="notice-promoted-text">${t('signup.promoted', ui.promoted)}</p>
      <p class="field-hint">${t('signup.promotedHint', ui.promoted)}</p>
      <button type="button" class="button button-small" id="signup-promoted-ok">${t('action.gotIt')}</button>
    </div>` : html``);
  };
  const paintTable = () => {
    const d = detail();
    if (!d) return;
    setHtmlKeepFocus(tableSlot, tableMarkup(d, ui));
    setHtml($('#attendance-count'), countMarkup(d));
  };

  let titlePending = true;
  let shown = null;
  const paint = (activity) => {
    const d = activity?.detail;
    if (!d) {
      signupPanel.hidden = true;
      rollPanel.hidden = true;
      if (activity?.error) {
        setHtmlKeepFocus(head, html`<div class="empty card"><p>${errorText(activity.error)}</p><p><a href="${ACTIVITIES}">${t('activity.back')}</a></p></div>`);
      } else {
        setHtmlKeepFocus(head, html`<p class="empty">${t('common.loading')}</p>`);
      }
      return;
    }
    if (d !== shown) {
      const headChanged = !shown || ['title', 'series_id', 'series_name', 'line', 'date', 'start_time', 'end_time', 'place', 'organiser',
        'capacity', 'audience', 'description', 'learning_mode', 'cancelled_on', 'registered', 'waitlisted'].some((k) => shown[k] !== d[k]);
      if (headChanged) setHtmlKeepFocus(head, headMarkup(d));
      shown = d;
    }
    const locked = !!d.cancelled_on;
    signupPanel.hidden = locked;
    rollPanel.hidden = false;
    $('#walkin-panel').hidden = locked;
    $('#mark-all-present').hidden = locked;
    $('#mark-all-absent').hidden = locked;
    // Hours are recorded once the activity has taken place (the core refuses cancelled and future ones).
    $('#record-volunteer-hours').hidden = locked || d.date > todayDate();
    paintTable();
    paintHits();
    if (titlePending) {
      titlePending = false;
      if (!document.activeElement || document.activeElement === document.body) head.querySelector('.page-title')?.focus();
    }
  };

  // --- the two searches
  const searchFor = (key) => createSearch({
    onResults: (hits, query) => {
      ui[key] = { query, hits, error: null };
      paintHits();
    },
    onError: (error, query) => {
      ui[key] = { query, hits: [], error };
      paintHits();
    },
  });
  const signupInput = $('#signup-search');
  const walkinInput = $('#walkin-search');
  const signupSearch = searchFor('signup');
  const walkinSearch = searchFor('walkin');
  signupInput.addEventListener('input', () => signupSearch.run(signupInput.value));
  walkinInput.addEventListener('input', () => walkinSearch.run(walkinInput.value));
  for (const [input, search] of [[signupInput, signupSearch], [walkinInput, walkinSearch]]) {
    input.addEventListener('keydown', (event) => {
      if (event.key === 'Enter') {
        event.preventDefault();
        search.now(input.value);
      }
    });
  }

  /** Runs one change at a time (a double click signs up once); reloads the activity afterwards. */
  const act = async (work) => {
    if (busy) return;
    busy = true;
    try {
      await work();
    } catch (error) {
      reportError(error);
    } finally {
      busy = false;
    }
  };

  /** After a sign-up: 已报名, or 已进入候补（第 N 位） with the place read from the reloaded list. */
  const tellOutcome = (outcome, fresh) => {
    if (outcome.status === 'waitlisted') {
      const position = fresh?.signups?.find((s) => s.id === outcome.signup_id)?.position;
      toast(position ? t('signup.waitlisted', { name: outcome.name, position }) : t('signup.waitlistedNoPos', { name: outcome.name }));
    } else {
      toast(t('signup.registered', { name: outcome.name }));
    }
  };

  // After a click in a result list the clicked button may be gone or disabled: go back to the search box for the next name.
  const backTo = (input) => {
    if (!document.activeElement || document.activeElement === document.body) input.focus();
  };

  const signUpResident = (button) => act(async () => {
    const outcome = await api.signUp(id, { resident_id: Number(button.dataset.residentId) });
    tellOutcome(outcome, await reload());
    backTo(signupInput);
  });

  const signUpHousehold = (button) => act(async () => {
    const outcomes = (await api.signUpHousehold(id, Number(button.dataset.householdId))) ?? [];
    const fresh = await reload();
    if (!outcomes.length) {
      toast(t('signup.householdNone'));
      return;
    }
    if (outcomes.length === 1) {
      tellOutcome(outcomes[0], fresh);
      return;
    }
    const registered = outcomes.filter((o) => o.status === 'registered');
    const waitlisted = outcomes.filter((o) => o.status === 'waitlisted');
    const names = (list) => list.map((o) => o.name).join(t('signup.nameJoin'));
    if (!waitlisted.length) toast(t('signup.householdDone', { count: registered.length, names: names(registered) }));
    else if (!registered.length) toast(t('signup.householdAllWaitlisted', { count: waitlisted.length, names: names(waitlisted) }));
    else toast(t('signup.householdSomeWaitlisted', { registered: registered.length, waitlisted: waitlisted.length, names: names(waitlisted) }));
    backTo(signupInput);
  });

  const walkIn = (button) => act(async () => {
    const outcome = await api.addWalkIn(id, { resident_id: Number(button.dataset.residentId) });
    await reload();
    toast(t('walkin.added', { name: outcome.name }));
    backTo(walkinInput);
  });

  /** The two guest forms: 登记外来人员 (sign_up) and the walk-in guest (add_walk_in). Errors stay in the form. */
  const submitGuest = async (form, prefix, run) => {
    if (busy) return;
    clearErrors(form);
    const name = form.querySelector(`#${prefix}-name`).value;
    const phone = form.querySelector(`#${prefix}-phone`).value;
    if (name.trim() === '') {
      showErrors(form, { kind: 'invalid', message: t('form.checkFields'), fields: [{ field: 'guest_name', message: t('guest.nameRequired') }] });
      return;
    }
    busy = true;
    const submit = form.querySelector('button[type=submit]');
    submit.disabled = true;
    try {
      const outcome = await run({ guest_name: name, guest_phone: optionalText(phone) });
      const fresh = await reload();
      form.reset();
      if (prefix === 'guest') tellOutcome(outcome, fresh);
      else toast(t('walkin.added', { name: outcome.name }));
      form.querySelector(`#${prefix}-name`).focus();
    } catch (error) {
      showErrors(form, error);
    } finally {
      busy = false;
      submit.disabled = false;
    }
  };
  $('#guest-form').addEventListener('submit', (event) => {
    event.preventDefault();
    submitGuest(event.currentTarget, 'guest', (attendee) => api.signUp(id, attendee));
  });
  $('#walkin-guest-form').addEventListener('submit', (event) => {
    event.preventDefault();
    submitGuest(event.currentTarget, 'walkin-guest', (attendee) => api.addWalkIn(id, attendee));
  });

  // --- attendance
  // Marks are independent of each other (ticking quickly down the list must not drop a click), so they do not wait for `busy`.
  const setPresent = async (signupIds, present) => {
    if (!signupIds.length) return;
    try {
      await api.markAttendance(id, signupIds.map((signupId) => ({ signup_id: signupId, present })));
    } catch (error) {
      paintTable();
      reportError(error);
      return;
    }
    const changed = new Set(signupIds);
    patchActivity(id, (d) => ({
      ...d,
      signups: d.signups.map((s) => (changed.has(s.id) ? { ...s, attended: present } : s)),
    }));
  };

  const markAll = (present) => act(async () => {
    const d = detail();
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
    const count = await api.markAll(id, present);
    await reload();
    toast(t(present ? 'signup.allPresentDone' : 'signup.allAbsentDone', { present: count?.present ?? 0, registered: count?.registered ?? 0 }));
  });

  const cancelSignup = async (button) => {
    const row = button.closest('tr[data-signup-id]');
    const signupId = Number(row.dataset.signupId);
    const d = detail();
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
        answer = await api.cancelSignup(signupId);
      },
    });
    if (!done) return;
    await reload();
    const promoted = answer?.promoted;
    if (promoted) {
      const position = waitlisted.find((s) => s.id === promoted.signup_id)?.position ?? 1;
      ui.promoted = { name: signup.name, position, promoted: promoted.name };
      paintPromoted();
      $('#signup-promoted')?.focus();
    } else {
      toast(t('signup.cancelDone', { name: signup.name }));
    }
  };

  // --- the activity itself
  const editActivity = async () => {
    const d = detail();
    let mode = 'single';
    if (d.recurrence_id !== null && d.recurrence_id !== undefined) {
      mode = await chooseAction({
        title: t('activity.editScopeTitle'),
        message: t('activity.editScopeMessage'),
        choices: [
          { id: 'edit-scope-one', label: t('activity.editOne'), note: t('activity.editOneNote', { date: dateWithWeekday(d.date, todayDate()) }), value: 'single' },
          { id: 'edit-scope-future', label: t('activity.editFuture'), note: t('activity.editFutureNote'), value: 'future' },
        ],
      });
      if (!mode) return;
    }
    if (await openActivityForm({ detail: d, mode }) !== null) reload();
  };

  const cancelActivity = async () => {
    const d = detail();
    const done = await confirmAction({
      title: t('activity.cancelTitle'),
      message: t('activity.cancelConfirm', { title: d.title, date: dateWithWeekday(d.date, todayDate()), count: d.registered ?? 0 }),
      confirmLabel: t('activity.cancel'),
      cancelLabel: t('activity.keep'),
      onConfirm: () => api.cancelActivity(id),
    });
    if (done) {
      toast(t('activity.cancelledToast'));
      reload();
    }
  };

  const handlers = {
    '#edit-activity': editActivity,
    '#cancel-activity': cancelActivity,
    '#print-sign-up': () => printSignUpSheet(detail()),
    '#print-sign-in': (button) => {
      const d = detail();
      return printDirect(button, t('sheet.signInFile', { title: d.title, date: d.date }), (out) => api.printActivitySheet(id, 'sign_in', out, null));
    },
    '#print-attendance': (button) => {
      const d = detail();
      return printDirect(button, t('sheet.attendanceFile', { series: d.series_name ?? d.title, date: todayDate() }), (out) => api.printAttendance(d.series_id, out));
    },
    '#signup-promoted-ok': () => {
      ui.promoted = null;
      paintPromoted();
      rollPanel.querySelector('.page-actions button:not([hidden])')?.focus();
    },
    // 全家报名 sits inside a result row, so it is matched before the row itself.
    '.signup-household': signUpHousehold,
    '.signup-hit': signUpResident,
    '.walkin-hit': walkIn,
    '.attend-household': (button) => {
      const d = detail();
      const householdId = button.closest('tr[data-household-id]').dataset.householdId;
      const ids = signupSections(d.signups).registered.filter((s) => String(s.household_id) === householdId).map((s) => s.id);
      return setPresent(ids, true);
    },
    '.cancel-signup': cancelSignup,
    '#mark-all-present': () => markAll(true),
    '#record-volunteer-hours': () => act(() => recordVolunteerHours(id)),
    '#mark-all-absent': () => markAll(false),
    '#toggle-cancelled': () => {
      ui.showCancelled = !ui.showCancelled;
      paintTable();
    },
  };

  section.addEventListener('click', (event) => {
    for (const [selector, handler] of Object.entries(handlers)) {
      const button = event.target.closest(selector);
      if (button && section.contains(button) && !button.disabled && !button.classList.contains('is-taken')) {
        handler(button);
        return;
      }
    }
  });
  section.addEventListener('change', (event) => {
    const box = event.target;
    if (!box.classList.contains('attend-toggle')) return;
    const signupId = Number(box.closest('tr[data-signup-id]').dataset.signupId);
    setPresent([signupId], box.checked);
  });

  const mine = (activity) => (activity?.id === id ? activity : null);
  paint(mine(state.activity));
  loadActivity(id);

  return {
    update(next, prev) {
      if (next.activity === prev.activity && next.app === prev.app) return;
      paint(mine(next.activity));
    },
  };
}
