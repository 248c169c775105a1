// The app shell: header (name, community, search, language, who is logged in and 锁定), left navigation (首页, 台账, 关爱,
// 活动, 志愿者, 项目, 导入, 操作日志 for administrators, 设置), the stats strip (not on the dashboard, whose cards show the
// same counts) and the #view slot.
import { html, setHtml } from '../html.js';
import { t } from '../i18n.js';
import { isAdmin } from '../roles.js';
import { mountSearch } from './search.js';

const STATS = [
  ['households', 'stats.households'],
  ['residents', 'stats.residents'],
  ['aged_80_plus', 'stats.aged80'],
  ['care_needs', 'stats.care'],
  ['party_members', 'stats.party'],
  ['volunteers', 'stats.volunteers'],
];

/** Which navigation entry a route belongs to. */
const NAV_OF = {
  dashboard: 'dashboard',
  households: 'households',
  household: 'households',
  care: 'care',
  activities: 'activities',
  activity: 'activities',
  volunteers: 'volunteers',
  volunteer: 'volunteers',
  organisation: 'volunteers',
  projects: 'projects',
  project: 'projects',
  import: 'import',
  settings: 'settings',
  audit: 'audit',
};

function navFor(route) {
  return NAV_OF[route?.name] ?? 'dashboard';
}

/** The dashboard shows the counts as its own cards. */
const showStats = (route) => route?.name !== 'dashboard';

function statsMarkup(stats) {
  return html`${STATS.map(([key, label]) => html`<div class="stat">
    <span class="stat-label">${t(label)}</span>
    <span class="stat-value">${stats ? (stats[key] ?? 0) : '…'}</span>
  </div>`)}`;
}

function sessionMarkup(session) {
  if (!session) return html``;
  return html`<span class="session-name" id="session-name">${session.name}</span>
    <span class="session-role role-${session.role}" id="session-role">${t(`role.${session.role}`)}</span>`;
}

/** Renders the shell into `root`; `onToggleLang` switches the language, `onLock` locks. Returns the view slot and an updater. */
export function mountLayout(root, state, { onToggleLang, onLock }) {
  setHtml(root, html`<div class="app">
    <header class="app-header">
      <div class="brand">
        <span class="brand-name">${t('app.name')}</span>
        <span class="brand-community" id="community-label">${state.app?.community_name ?? ''}</span>
      </div>
      <div class="search" role="search">
        <label class="visually-hidden" for="search-input">${t('search.label')}</label>
        <input id="search-input" class="input search-input" type="search" autocomplete="off" spellcheck="false"
          placeholder="${t('search.placeholder')}" aria-controls="search-results" aria-expanded="false" aria-autocomplete="list">
        <div id="search-results" class="search-results" hidden></div>
      </div>
      <button id="lang-toggle" type="button" class="button button-quiet" lang="${t('lang.toggleCode')}">${t('lang.toggle')}</button>
      <div class="session-box" id="session-box" role="group" aria-label="${t('session.label')}">${sessionMarkup(state.session)}</div>
      <button id="lock-button" type="button" class="button lock-button" title="${t('session.lockHint')}">${t('session.lock')}</button>
    </header>
    <div class="app-body">
      <nav class="app-nav" aria-label="${t('nav.label')}">
        <a class="nav-link" data-nav="dashboard" href="#/dashboard">${t('nav.dashboard')}</a>
        <a class="nav-link" data-nav="households" href="#/households">${t('nav.households')}</a>
        <a class="nav-link" data-nav="care" href="#/care">${t('nav.care')}</a>
        <a class="nav-link" data-nav="activities" href="#/activities">${t('nav.activities')}</a>
        <a class="nav-link" data-nav="volunteers" href="#/volunteers">${t('nav.volunteers')}</a>
        <a class="nav-link" data-nav="projects" href="#/projects">${t('nav.projects')}</a>
        <a class="nav-link" data-nav="import" href="#/import">${t('nav.import')}</a>
        <a class="nav-link" data-nav="audit" href="#/audit" ${isAdmin(state.session) ? '' : html`hidden`}>${t('nav.audit')}</a>
        <a class="nav-link" data-nav="settings" href="#/settings">${t('nav.settings')}</a>
      </nav>
      <main class="app-main">
        <section class="stats" id="stats-strip" aria-label="${t('stats.label')}" ${showStats(state.route) ? '' : html`hidden`}>${statsMarkup(state.stats)}</section>
        <div id="view" class="view"></div>
      </main>
    </div>
  </div>`);

  root.querySelector('#lang-toggle').addEventListener('click', onToggleLang);
  root.querySelector('#lock-button').addEventListener('click', onLock);
  mountSearch(root.querySelector('.search'));

  const navLinks = [...root.querySelectorAll('[data-nav]')];
  const strip = root.querySelector('#stats-strip');
  const setActive = (route) => {
    strip.hidden = !showStats(route);
    const active = navFor(route);
    for (const link of navLinks) {
      if (link.dataset.nav === active) link.setAttribute('aria-current', 'page');
      else link.removeAttribute('aria-current');
    }
  };
  setActive(state.route);

  return {
    view: root.querySelector('#view'),
    update(next, prev) {
      if (next.stats !== prev.stats) setHtml(strip, statsMarkup(next.stats));
      if (next.app?.community_name !== prev.app?.community_name) {
        root.querySelector('#community-label').textContent = next.app?.community_name ?? '';
      }
      if (next.route !== prev.route) setActive(next.route);
      if (next.session !== prev.session) {
        setHtml(root.querySelector('#session-box'), sessionMarkup(next.session));
        root.querySelector('[data-nav="audit"]').hidden = !isAdmin(next.session);
      }
    },
  };
}
