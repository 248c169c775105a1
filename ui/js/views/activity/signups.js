// The activity page's sign-ups: search a resident (报名, 全家报名) or register a guest; the outcome says 已报名 or
// 已进入候补 with the place in line.
import { html } from '../../html.js';
import { t } from '../../i18n.js';
import { signUp, signUpHousehold } from '../../actions/activities.js';
import { toast } from '../../components/toast.js';
import { bindGuestForm, bindResidentSearch, guestForm, hitRow, hitsMarkup, hitState, residentSearch, signupOf } from './attendees.js';

export function signupPanelMarkup() {
  return html`<section class="card signup-panel" id="signup-panel" aria-labelledby="signup-title" hidden>
      <h2 class="section-title" id="signup-title">${t('signup.title')}</h2>
      <div class="signup-columns">
        ${residentSearch('signup', t('signup.searchLabel'), t('signup.searchHint'))}
        ${guestForm('guest', 'guest-add', t('guest.add'), t('guest.note'))}
      </div>
    </section>`;
}

const signupHitsMarkup = (search, d) => hitsMarkup(search, (hit) => {
  const signup = signupOf(d, hit.id);
  return hitRow('signup', hit, !!signup, html`${hitState(signup)}
    <button type="button" class="button button-small signup-household" id="signup-household-${hit.id}" data-household-id="${hit.household_id}"
      aria-label="${t('signup.householdOf', { name: hit.name })}">${t('signup.household')}</button>`);
});

/** After a sign-up: 已报名, or 已进入候补（第 N 位） with the place read from the reloaded list. */
function tellOutcome(outcome, fresh) {
  if (outcome.status === 'waitlisted') {
    const position = fresh?.signups?.find((s) => s.id === outcome.signup_id)?.position;
    toast(position ? t('signup.waitlisted', { name: outcome.name, position }) : t('signup.waitlistedNoPos', { name: outcome.name }));
  } else {
    toast(t('signup.registered', { name: outcome.name }));
  }
}

/** Several members at once: who got a place and who is waiting. */
function tellHouseholdOutcomes(outcomes, fresh) {
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
}

/** The sign-up panel (hidden for a cancelled activity). */
export function createSignups(page) {
  const panel = page.$('#signup-panel');
  const search = bindResidentSearch(page, 'signup', signupHitsMarkup);
  bindGuestForm(page, 'guest', (attendee) => signUp(page.id, attendee), tellOutcome);

  const signUpResident = (button) => page.act(async () => {
    const outcome = await signUp(page.id, { resident_id: Number(button.dataset.residentId) });
    tellOutcome(outcome, await page.reload());
    page.backTo(search.input);
  });

  const signUpWholeHousehold = (button) => page.act(async () => {
    const outcomes = (await signUpHousehold(page.id, Number(button.dataset.householdId))) ?? [];
    const fresh = await page.reload();
    tellHouseholdOutcomes(outcomes, fresh);
    if (outcomes.length > 1) page.backTo(search.input);
  });

  return {
    hide() {
      panel.hidden = true;
    },
    paint(d) {
      panel.hidden = !!d.cancelled_on;
      search.paint();
    },
    // 全家报名 sits inside a result row, so it is matched before the row itself.
    handlers: {
      '.signup-household': signUpWholeHousehold,
      '.signup-hit': signUpResident,
    },
  };
}
