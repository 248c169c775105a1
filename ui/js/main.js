// Entry point: wires the store, the hash router, the app shell and the views; starts with app_info.
import { html, setHtml } from './html.js';
import { getLang, otherLang, setLang, t } from './i18n.js';
import { setState, subscribe } from './store.js';
import * as api from './api.js';
import { emptyActivities, emptyFilter, emptyImport, loadBasics } from './actions.js';
import { DASHBOARD, parseHash, replaceRoute, sameRoute } from './router.js';
import { errorText } from './components/errors.js';
import { mountLayout } from './views/layout.js';
import * as welcome from './views/welcome.js';
import * as households from './views/households.js';
import * as household from './views/household.js';
import * as settings from './views/settings.js';
import * as importer from './views/import.js';
import * as activities from './views/activities.js';
import * as activity from './views/activity.js';
import * as dashboard from './views/dashboard.js';
import * as care from './views/care.js';
import * as projects from './views/projects.js';
import * as project from './views/project.js';
import * as volunteers from './views/volunteers.js';
import * as audit from './views/audit.js';

const VIEWS = {
  welcome,
  dashboard,
  households,
  household,
  care,
  activities,
  activity,
  volunteers,
  projects,
  project,
  settings,
  audit,
  import: importer,
};
const appRoot = document.getElementById('app');

/** What is on screen now: the shell (null on the welcome screen), the mounted view, and for which route/language. */
let screen = { layout: null, view: null, route: null, lang: null };

function toggleLang() {
  setLang(otherLang());
  setState({ lang: getLang() });
}

function showMessage(text) {
  screen = { layout: null, view: null, route: null, lang: null };
  setHtml(appRoot, html`<div class="splash"><p>${text}</p></div>`);
}

/** Keeps the route consistent with whether a database is open; returns false when it changed the route. */
function guardRoute(state) {
  const wantWelcome = !state.app.opened;
  if (wantWelcome && state.route.name !== 'welcome') {
    setState({ route: replaceRoute('#/welcome') });
    return false;
  }
  if (!wantWelcome && state.route.name === 'welcome') {
    setState({ route: replaceRoute(DASHBOARD) });
    return false;
  }
  return true;
}

function render(state, prev) {
  if (!state.app) return;
  if (!guardRoute(state)) return;
  const relang = screen.lang !== state.lang;
  const bare = state.route.name === 'welcome';

  if (relang || bare !== !screen.layout) {
    document.title = t('app.name');
    if (bare) {
      screen = { layout: null, view: null, route: null, lang: state.lang };
    } else {
      screen = { layout: mountLayout(appRoot, state, { onToggleLang: toggleLang }), view: null, route: null, lang: state.lang };
    }
  } else if (screen.layout) {
    screen.layout.update(state, prev);
  }

  if (!sameRoute(screen.route, state.route) || !screen.view) {
    const slot = screen.layout ? screen.layout.view : appRoot;
    const fresh = document.createElement('div');
    fresh.className = 'view-root';
    slot.replaceChildren(fresh);
    const moved = screen.route !== null;
    screen.view = VIEWS[state.route.name].mount(fresh, state, { onToggleLang: toggleLang });
    screen.route = state.route;
    if (moved) {
      fresh.querySelector('.page-title, .welcome-title')?.focus();
      slot.closest('.app-main')?.scrollTo(0, 0);
    }
  } else {
    screen.view.update(state, prev);
  }
}

async function start() {
  setLang(getLang());
  document.title = t('app.name');
  setState({
    lang: getLang(),
    route: parseHash(location.hash),
    app: null,
    stats: null,
    options: null,
    hierarchy: null,
    households: { filter: emptyFilter(), total: 0, rows: [], loading: false, loaded: false },
    household: null,
    importer: emptyImport(),
    activityOptions: null,
    activities: emptyActivities(),
    activity: null,
  });
  subscribe(render);
  window.addEventListener('hashchange', () => setState({ route: parseHash(location.hash) }));
  showMessage(t('common.starting'));
  try {
    const app = await api.appInfo();
    if (app.opened) await loadBasics();
    setState({ app });
  } catch (error) {
    showMessage(t('error.start', { message: errorText(error) }));
  }
}

start();
