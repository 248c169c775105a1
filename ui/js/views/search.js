// Global search box in the header: search as you type, a dropdown of .search-hit links, keyboard navigation.
import { html, setHtml } from '../html.js';
import { t, tv } from '../i18n.js';
import { orDash, ageText } from '../format.js';
import { createSearch } from '../search-runner.js';
import { highlightResident } from '../actions/households.js';
import { householdHref, navigate } from '../router.js';
import { errorText } from '../components/errors.js';

function hitMarkup(hit) {
  const meta = [tv('sex', hit.sex), ageText(hit.age), tv('relation', hit.relation)].filter((v) => v !== null && v !== undefined && v !== '');
  return html`<li><a class="search-hit" href="${householdHref(hit.household_id)}"
      data-household-id="${hit.household_id}" data-resident-id="${hit.id}">
    <span class="hit-line"><strong class="hit-name">${hit.name}</strong><span class="hit-meta">${meta.join(' · ')}</span></span>
    <span class="hit-line hit-sub"><span class="hit-address">${hit.address}</span><span class="hit-phone">${orDash(hit.phone_masked)}</span></span>
  </a></li>`;
}

export function mountSearch(box) {
  const input = box.querySelector('#search-input');
  const panel = box.querySelector('#search-results');
  let shown = { query: null, hits: [] };
  let enterPending = false;

  const setOpen = (open) => {
    panel.hidden = !open;
    input.setAttribute('aria-expanded', String(open));
  };
  const hitLinks = () => [...panel.querySelectorAll('.search-hit')];

  function open(link) {
    highlightResident(Number(link.dataset.householdId), Number(link.dataset.residentId));
    searcher.cancel();
    input.value = '';
    shown = { query: null, hits: [] };
    setOpen(false);
    navigate(link.getAttribute('href'));
  }

  function show(hits, query) {
    shown = { query, hits };
    if (query.trim() === '') {
      setOpen(false);
      setHtml(panel, html``);
      return;
    }
    setHtml(panel, hits.length
      ? html`<p class="search-count">${t('search.count', { count: hits.length })}</p><ul class="search-list">${hits.map(hitMarkup)}</ul>`
      : html`<p class="search-empty">${t('search.empty', { query })}</p>`);
    setOpen(box.contains(document.activeElement));
    if (enterPending) {
      enterPending = false;
      const first = hitLinks()[0];
      if (first) open(first);
    }
  }

  const searcher = createSearch({
    onResults: show,
    onError: (error) => {
      enterPending = false;
      setHtml(panel, html`<p class="search-empty search-error">${errorText(error)}</p>`);
      setOpen(true);
    },
  });

  input.addEventListener('input', () => {
    // Typing on after Enter means the earlier Enter no longer chooses the first hit.
    enterPending = false;
    searcher.run(input.value);
  });
  input.addEventListener('focus', () => {
    if (shown.query && shown.query === input.value) setOpen(true);
  });
  input.addEventListener('keydown', (event) => {
    if (event.key === 'Enter') {
      event.preventDefault();
      const first = hitLinks()[0];
      if (shown.query === input.value && first) open(first);
      else if (input.value.trim() !== '') {
        enterPending = true;
        searcher.now(input.value);
      }
    } else if (event.key === 'ArrowDown') {
      const first = hitLinks()[0];
      if (first && !panel.hidden) {
        event.preventDefault();
        first.focus();
      }
    } else if (event.key === 'Escape') {
      setOpen(false);
    }
  });
  panel.addEventListener('click', (event) => {
    const link = event.target.closest('.search-hit');
    if (!link) return;
    event.preventDefault();
    open(link);
  });
  panel.addEventListener('keydown', (event) => {
    const links = hitLinks();
    const index = links.indexOf(document.activeElement);
    if (event.key === 'ArrowDown' && index >= 0) {
      event.preventDefault();
      links[Math.min(index + 1, links.length - 1)].focus();
    } else if (event.key === 'ArrowUp' && index >= 0) {
      event.preventDefault();
      if (index === 0) input.focus();
      else links[index - 1].focus();
    } else if (event.key === 'Escape') {
      event.preventDefault();
      setOpen(false);
      input.focus();
    }
  });
  box.addEventListener('focusout', (event) => {
    if (!box.contains(event.relatedTarget)) setOpen(false);
  });
}
