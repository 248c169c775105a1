// Finding whom to sign up or add as a walk-in on the activity page: a resident search box with its results (the
// whole row can be clicked), and the form for a guest who is not a resident. Shared by sign-ups and the roll call.
import { html, setHtmlKeepFocus } from '../../html.js';
import { t, tv } from '../../i18n.js';
import { ageText } from '../../format.js';
import { badge } from '../../components/badges.js';
import { errorText } from '../../components/errors.js';
import { clearErrors, showErrors } from '../../components/form-errors.js';
import { field, optionalText, textInput } from '../../components/fields.js';
import { createSearch } from '../../search-runner.js';

/** The sign-up a resident already has here (not cancelled), if any. */
export const signupOf = (d, residentId) => (d?.signups ?? []).find((s) => s.resident_id === residentId && s.status !== 'cancelled');

export function hitState(signup) {
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
export function hitRow(kind, hit, taken, side) {
  return html`<li class="pick-row ${kind}-hit${taken ? ' is-taken' : ''}" data-resident-id="${hit.id}" data-name="${hit.name}">
    <button type="button" class="pick-hit" id="${kind}-hit-${hit.id}" ${taken ? html`disabled aria-disabled="true"` : ''}>${hitText(hit)}</button>
    <span class="pick-side">${side}</span>
  </li>`;
}

export function hitsMarkup(search, row) {
  if (search.query.trim() === '') return html``;
  if (search.error) return html`<p class="search-empty search-error">${errorText(search.error)}</p>`;
  if (!search.hits.length) return html`<p class="search-empty">${t('search.empty', { query: search.query })}</p>`;
  return html`<ul class="pick-list">${search.hits.map(row)}</ul>`;
}

/** A guest form `#<prefix>-form` with `#<prefix>-name`, `#<prefix>-phone` and the submit button `#<submitId>`. */
export function guestForm(prefix, submitId, submitLabel, note) {
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
export function residentSearch(prefix, label, hint) {
  return html`<div class="signup-search">
    <label class="field-label" for="${prefix}-search">${label}</label>
    <input id="${prefix}-search" class="input" type="search" autocomplete="off" spellcheck="false" placeholder="${t('search.placeholder')}"
      aria-describedby="${prefix}-search-hint" aria-controls="${prefix}-results">
    <p class="field-hint" id="${prefix}-search-hint">${hint}</p>
    <div id="${prefix}-results" class="pick-results" aria-live="polite"></div>
  </div>`;
}

/**
 * Wires the search box `#<prefix>-search` (as you type; Enter at once) to its results `#<prefix>-results`, painted by
 * `markup(search, detail)`. Returns `{ input, paint }`.
 */
export function bindResidentSearch(page, prefix, markup) {
  const input = page.$(`#${prefix}-search`);
  const results = page.$(`#${prefix}-results`);
  let state = { query: '', hits: [], error: null };
  const paint = () => setHtmlKeepFocus(results, markup(state, page.detail()));
  const search = createSearch({
    onResults: (hits, query) => {
      state = { query, hits, error: null };
      paint();
    },
    onError: (error, query) => {
      state = { query, hits: [], error };
      paint();
    },
  });
  input.addEventListener('input', () => search.run(input.value));
  input.addEventListener('keydown', (event) => {
    if (event.key === 'Enter') {
      event.preventDefault();
      search.now(input.value);
    }
  });
  return { input, paint };
}

/**
 * The guest form `#<prefix>-form`: `run(attendee)` signs the guest up (or adds the walk-in), then the activity is
 * reloaded and `after(outcome, fresh)` tells the user. Errors stay in the form; one change at a time (`page.busy`).
 */
export function bindGuestForm(page, prefix, run, after) {
  const form = page.$(`#${prefix}-form`);
  const submitGuest = async () => {
    if (page.busy) return;
    clearErrors(form);
    const name = form.querySelector(`#${prefix}-name`).value;
    const phone = form.querySelector(`#${prefix}-phone`).value;
    if (name.trim() === '') {
      showErrors(form, { kind: 'invalid', message: t('form.checkFields'), fields: [{ field: 'guest_name', message: t('guest.nameRequired') }] });
      return;
    }
    page.busy = true;
    const submit = form.querySelector('button[type=submit]');
    submit.disabled = true;
    try {
      const outcome = await run({ guest_name: name, guest_phone: optionalText(phone) });
      const fresh = await page.reload();
      form.reset();
      after(outcome, fresh);
      form.querySelector(`#${prefix}-name`).focus();
    } catch (error) {
      showErrors(form, error);
    } finally {
      page.busy = false;
      submit.disabled = false;
    }
  };
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    submitGuest();
  });
}
