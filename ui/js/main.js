// Entry point: wires the store, the hash router, the app shell and the views; starts with app_info, then asks who is
// logged in (session_status). While nobody is, the bare 创建管理员 / 登录 screen shows instead of the app; the route
// the user was on is kept and shown after logging in.
import { html, setHtml } from './html.js';
import { getLang, otherLang, setLang, t } from './i18n.js';
import { setState, subscribe } from './store.js';
import * as api from './api.js';
import { emptyActivities } from './actions/activities.js';
import { emptyCare } from './actions/care.js';
import { emptyHouseholds } from './actions/households.js';
import { emptyImport } from './actions/import.js';
import { emptyAuth, enterRegister, lock, signedOut } from './session.js';
import { routeAllowed } from './roles.js';
import { createIdleTimer, watchInput } from './idle.js';
import { DASHBOARD, parseHash, replaceRoute, sameRoute } from './router.js';
import { errorText } from './components/errors.js';
import { mountLayout } from './views/layout.js';
import * as welcome from './views/welcome.js';
import * as auth from './views/auth.js';
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
  auth,
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

/** Keeps the route consistent with whether a database is open and who is logged in; returns false when it changed the route. */
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
  // A staff member who lands on an administrator's page (e.g. #/audit left by the previous user) starts at the dashboard.
  if (state.session && !routeAllowed(state.route, state.session)) {
    setState({ route: replaceRoute(DASHBOARD) });
    return false;
  }
  return true;
}

/** What to show: the route, or — with a register open and nobody logged in — the create-admin or login screen. */
function shownRoute(state) {
  if (!state.app.opened || state.session) return state.route;
  return { name: 'auth', id: state.auth?.has_operators === false ? 'create' : 'login' };
}

const isBare = (name) => name === 'welcome' || name === 'auth';

function render(state, prev) {
  if (!state.app) return;
  if (!guardRoute(state)) return;
  const relang = screen.lang !== state.lang;
  const route = shownRoute(state);
  const bare = isBare(route.name);

  if (relang || bare !== !screen.layout) {
    document.title = t('app.name');
    if (bare) {
      screen = { layout: null, view: null, route: null, lang: state.lang };
    } else {
      screen = { layout: mountLayout(appRoot, state, { onToggleLang: toggleLang, onLock: lock }), view: null, route: null, lang: state.lang };
    }
  } else if (screen.layout) {
    screen.layout.update(state, prev);
  }

  if (!sameRoute(screen.route, route) || !screen.view) {
    const slot = screen.layout ? screen.layout.view : appRoot;
    const fresh = document.createElement('div');
    fresh.className = 'view-root';
    slot.replaceChildren(fresh);
    const moved = screen.route !== null;
    screen.view = VIEWS[route.name].mount(fresh, state, { onToggleLang: toggleLang });
    screen.route = route;
    // The login screens put the focus in their first empty field themselves.
    if (moved && route.name !== 'auth') {
      fresh.querySelector('.page-title, .welcome-title')?.focus();
      slot.closest('.app-main')?.scrollTo(0, 0);
    }
  } else {
    screen.view.update(state, prev);
  }
}

/** Locks after the register's idle minutes without input while someone is logged in; returns the store subscriber. */
function watchIdle() {
  const idle = createIdleTimer({ onIdle: lock });
  watchInput(window, idle);
  return (state) => idle.set(state.session ? state.auth?.idle_lock_minutes : null);
}

async function start() {
  setLang(getLang());
  document.title = t('app.name');
  setState({
    lang: getLang(),
    route: parseHash(location.hash),
    app: null,
    stats: null,
    vocabularies: null,
    hierarchy: null,
    session: null,
    auth: emptyAuth(),
    households: emptyHouseholds(),
    household: null,
    importer: emptyImport(),
    activityOptions: null,
    activities: emptyActivities(),
    activity: null,
    care: emptyCare(),
  });
  subscribe(render);
  subscribe(watchIdle());
  api.onSignedOut(signedOut);
  window.addEventListener('hashchange', () => setState({ route: parseHash(location.hash) }));
  showMessage(t('common.starting'));
  try {
    const app = await api.appInfo();
    if (app.opened) await enterRegister(app);
    else setState({ app });
  } catch (error) {
    showMessage(t('error.start', { message: errorText(error) }));
  }
}

start();
