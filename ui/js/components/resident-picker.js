// Choosing one resident inside a form: the search used on the activity page (name, 拼音, initials, phone, ID tail),
// a short list of hits, and the chosen person shown above it. The chosen id is read with `picked()`.
import { html, setHtml } from '../html.js';
import { t, tv } from '../i18n.js';
import { ageText } from '../format.js';
import { createSearch } from '../search-runner.js';
import { errorText } from './errors.js';

const MAX_HITS = 8;

/**
 * The markup: `#<prefix>-search`, `#<prefix>-chosen` and `#<prefix>-results`; `field` is the backend key whose
 * errors are shown under it. `chosen` is `{ id, name, address? }` or null.
 */
export function residentPickerMarkup({ prefix, label, hint, field, chosen = null }) {
  return html`<div class="field resident-picker">
    <label class="field-label" for="${prefix}-search">${label}</label>
    <input id="${prefix}-search" class="input" type="search" autocomplete="off" spellcheck="false" placeholder="${t('search.placeholder')}"
      aria-describedby="${prefix}-search-hint ${prefix}-search-error" aria-controls="${prefix}-results">
    ${hint ? html`<p class="field-hint" id="${prefix}-search-hint">${hint}</p>` : ''}
    <p class="picker-chosen" id="${prefix}-chosen" aria-live="polite" data-id="${chosen?.id ?? ''}">${chosenText(chosen)}</p>
    <p class="field-error" data-field="${field}" id="${prefix}-search-error" hidden></p>
    <div id="${prefix}-results" class="pick-results"></div>
  </div>`;
}

function chosenText(chosen) {
  if (!chosen) return html`<span class="muted">${t('picker.noneChosen')}</span>`;
  return html`${t('picker.chosen')}<strong>${chosen.name}</strong>${chosen.address ? html` <span class="muted">${chosen.address}</span>` : ''}`;
}

function hitMarkup(prefix, hit) {
  const meta = [tv('sex', hit.sex), ageText(hit.age), tv('relation', hit.relation)].filter((v) => v !== null && v !== undefined && v !== '');
  return html`<li class="pick-row"><button type="button" class="pick-hit ${prefix}-hit" id="${prefix}-hit-${hit.id}" data-id="${hit.id}"
      data-name="${hit.name}" data-address="${hit.address}">
    <span class="hit-line"><strong class="hit-name">${hit.name}</strong><span class="hit-meta">${meta.join(' · ')}</span></span>
    <span class="hit-line hit-sub"><span class="hit-address">${hit.address}</span><span class="hit-phone">${hit.phone_masked ?? ''}</span></span>
  </button></li>`;
}

/** Wires the picker inside `root`; `onPick(chosen)` is told of each choice. Returns `{ picked(), cancel() }`. */
export function bindResidentPicker(root, prefix, { onPick } = {}) {
  const input = root.querySelector(`#${prefix}-search`);
  const results = root.querySelector(`#${prefix}-results`);
  const chosenEl = root.querySelector(`#${prefix}-chosen`);
  let chosen = chosenEl.dataset.id ? { id: Number(chosenEl.dataset.id) } : null;

  const searcher = createSearch({
    onResults: (hits, query) => {
      if (query.trim() === '') setHtml(results, html``);
      else if (!hits.length) setHtml(results, html`<p class="search-empty">${t('search.empty', { query })}</p>`);
      else setHtml(results, html`<ul class="pick-list">${hits.slice(0, MAX_HITS).map((hit) => hitMarkup(prefix, hit))}</ul>`);
    },
    onError: (error) => setHtml(results, html`<p class="search-empty search-error">${errorText(error)}</p>`),
  });
  input.addEventListener('input', () => searcher.run(input.value));
  input.addEventListener('keydown', (event) => {
    if (event.key !== 'Enter') return;
    // Enter searches at once (and never submits the dialog); with a list shown it takes the first hit.
    event.preventDefault();
    const first = results.querySelector('.pick-hit');
    if (first) first.click();
    else searcher.now(input.value);
  });
  results.addEventListener('click', (event) => {
    const hit = event.target.closest('.pick-hit');
    if (!hit) return;
    chosen = { id: Number(hit.dataset.id), name: hit.dataset.name, address: hit.dataset.address };
    chosenEl.dataset.id = String(chosen.id);
    setHtml(chosenEl, chosenText(chosen));
    searcher.cancel();
    input.value = '';
    setHtml(results, html``);
    input.focus();
    onPick?.(chosen);
  });

  return {
    picked: () => chosen,
    cancel: () => searcher.cancel(),
  };
}
