// Activity page (#/activity/ID): composes its sub-views — the details with editing and cancelling (activity/details.js),
// printing the sheets (activity/printing.js), signing residents and guests up (activity/signups.js), and the roll call
// with the sign-up list, the waitlist and walk-ins (activity/roll-call.js).
import { html, setHtml } from '../html.js';
import { t } from '../i18n.js';
import { getState } from '../store.js';
import { loadActivity } from '../actions/activities.js';
import { reportError } from '../components/errors.js';
import { createDetails } from './activity/details.js';
import { createPrinting } from './activity/printing.js';
import { createSignups, signupPanelMarkup } from './activity/signups.js';
import { createRollCall, rollPanelMarkup } from './activity/roll-call.js';

function skeleton() {
  return html`<div data-slot="head"><p class="empty">${t('common.loading')}</p></div>
    ${signupPanelMarkup()}
    ${rollPanelMarkup()}`;
}

/**
 * What the sub-views share: the activity's id, the page's element, the shown detail, reloading it, and `act(work)`,
 * which runs one change at a time (a double click signs up once) and reports its error.
 */
function createPage(id, section) {
  const page = {
    id,
    section,
    $: (selector) => section.querySelector(selector),
    detail: () => (getState().activity?.id === id ? getState().activity.detail : null),
    reload: () => loadActivity(id),
    busy: false,
    async act(work) {
      if (page.busy) return;
      page.busy = true;
      try {
        await work();
      } catch (error) {
        reportError(error);
      } finally {
        page.busy = false;
      }
    },
    // After a click in a result list the clicked button may be gone or disabled: go back to the search box for the next name.
    backTo(input) {
      if (!document.activeElement || document.activeElement === document.body) input.focus();
    },
  };
  return page;
}

/** One click listener for the page: the first selector the click is inside (and not disabled or taken) handles it. */
function dispatchClicks(section, handlers) {
  section.addEventListener('click', (event) => {
    for (const [selector, handler] of Object.entries(handlers)) {
      const button = event.target.closest(selector);
      if (button && section.contains(button) && !button.disabled && !button.classList.contains('is-taken')) {
        handler(button);
        return;
      }
    }
  });
}

export function mount(root, state) {
  const id = state.route.id;
  const section = document.createElement('div');
  section.id = 'activity-detail';
  section.className = 'activity-detail';
  root.append(section);
  setHtml(section, skeleton());
  const page = createPage(id, section);
  const head = page.$('[data-slot="head"]');
  const details = createDetails(page, head);
  const printing = createPrinting(page);
  const signups = createSignups(page);
  const rollCall = createRollCall(page);

  let titlePending = true;
  const paint = (activity) => {
    details.paint(activity);
    const d = activity?.detail;
    if (!d) {
      signups.hide();
      rollCall.hide();
      return;
    }
    signups.paint(d);
    rollCall.paint(d);
    if (titlePending) {
      titlePending = false;
      if (!document.activeElement || document.activeElement === document.body) head.querySelector('.page-title')?.focus();
    }
  };

  // 全家报名 sits inside a sign-up result row, so the sign-ups' handlers keep their own order.
  dispatchClicks(section, { ...details.handlers, ...printing.handlers, ...signups.handlers, ...rollCall.handlers });

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
