// Volunteers (#/volunteers): four tabs — 志愿者 (the list and the form), 组织 (两新组织), 时长 (the hours ledger with
// bulk review) and 统计 (the report, its PDF and workbook, certificates). Each tab is mounted the first time it is
// shown and reloads its data whenever it is shown again, so a change made on one tab is seen on the others.
import { html, setHtml } from '../html.js';
import { t } from '../i18n.js';
import { todayDate } from '../actions/basics.js';
import { listVolunteers, volunteerOptions } from '../actions/volunteers.js';
import { volunteersHref } from '../router.js';
import { reportError } from '../components/errors.js';
import { TABS } from '../volunteer-model.js';
import { mountVolunteerList } from './volunteer-list.js';
import { mountOrganisations } from './organisations.js';
import { mountHours } from './hours.js';
import { mountHoursReport } from './hours-report.js';

const MOUNTS = { list: mountVolunteerList, orgs: mountOrganisations, hours: mountHours, report: mountHoursReport };

/** What the tabs share: the vocabularies and organisations, and every volunteer (for the pickers of the ledger). */
function createContext() {
  const ctx = {
    options: null,
    volunteers: null,
    today: () => todayDate(),
    async loadOptions() {
      try {
        ctx.options = await volunteerOptions();
      } catch (error) {
        reportError(error);
      }
      return ctx.options;
    },
    /** Every volunteer, those who left included (old entries still name them). */
    async loadVolunteers() {
      try {
        ctx.volunteers = (await listVolunteers({ query: '', line: null, organisation_id: null, include_left: true })) ?? [];
      } catch (error) {
        reportError(error);
      }
      return ctx.volunteers ?? [];
    },
  };
  return ctx;
}

export function mount(root, state) {
  setHtml(root, html`<div class="page-head">
      <h1 class="page-title" tabindex="-1">${t('volunteers.title')}</h1>
    </div>
    <nav class="tabs" aria-label="${t('volunteers.tabs')}">
      ${TABS.map((tab) => html`<a class="tab" id="tab-${tab}" href="${volunteersHref(tab)}" data-tab="${tab}">${t(`volunteers.tab.${tab}`)}</a>`)}
    </nav>
    ${TABS.map((tab) => html`<div class="tab-panel" id="panel-${tab}" data-tab="${tab}" hidden></div>`)}`);

  const ctx = createContext();
  const mounted = {};
  const show = (route) => {
    for (const link of root.querySelectorAll('.tab')) {
      if (link.dataset.tab === route.tab) link.setAttribute('aria-current', 'page');
      else link.removeAttribute('aria-current');
    }
    for (const panel of root.querySelectorAll('.tab-panel')) panel.hidden = panel.dataset.tab !== route.tab;
    const panel = root.querySelector(`#panel-${route.tab}`);
    if (!mounted[route.tab]) mounted[route.tab] = MOUNTS[route.tab](panel, ctx);
    mounted[route.tab].show(route);
  };
  show(state.route);

  return {
    update(next, prev) {
      if (next.route !== prev.route && next.route.name === 'volunteers') show(next.route);
    },
  };
}
