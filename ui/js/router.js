// Hash routes: #/welcome, #/dashboard (the start page), #/households, #/household/ID, #/activities, #/activity/ID,
// #/care, #/projects, #/project/ID, #/volunteers…, #/import, #/settings.
export const HOUSEHOLDS = '#/households';
export const ACTIVITIES = '#/activities';
// ---- Dashboard, care, projects ----
export const DASHBOARD = '#/dashboard';
export const CARE = '#/care';
export const PROJECTS = '#/projects';
export const VOLUNTEERS = '#/volunteers';
export const projectHref = (id) => `#/project/${id}`;
// ---- end dashboard, care, projects ----

/** Parses a location hash into `{ name, id? }`; an empty or unknown hash is the dashboard (the start page). */
export function parseHash(hash) {
  const parts = String(hash || '').replace(/^#\/?/, '').split('/');
  switch (parts[0]) {
    case 'welcome':
      return { name: 'welcome' };
    case 'settings':
      return { name: 'settings' };
    case 'import':
      return { name: 'import' };
    case 'audit':
      return { name: 'audit' };
    case 'household':
      if (/^\d+$/.test(parts[1] || '')) return { name: 'household', id: Number(parts[1]) };
      return { name: 'households' };
    case 'activities':
      return { name: 'activities' };
    case 'activity':
      if (/^\d+$/.test(parts[1] || '')) return { name: 'activity', id: Number(parts[1]) };
      return { name: 'activities' };
    // Volunteers: #/volunteers[/list|orgs|hours|report][/activity|volunteer/ID] (the ledger filtered by one).
    case 'volunteers':
      return volunteersRoute(parts);
    // Dashboard, care, projects.
    case 'households':
      return { name: 'households' };
    case 'care':
      return { name: 'care' };
    case 'projects':
      return { name: 'projects' };
    case 'project':
      if (/^\d+$/.test(parts[1] || '')) return { name: 'project', id: Number(parts[1]) };
      return { name: 'projects' };
    default:
      return { name: 'dashboard' };
  }
}

// ---- Volunteers ----
const VOLUNTEER_TABS = ['list', 'orgs', 'hours', 'report'];

function volunteersRoute(parts) {
  const tab = VOLUNTEER_TABS.includes(parts[1]) ? parts[1] : 'list';
  const route = { name: 'volunteers', tab };
  if (tab === 'hours' && ['activity', 'volunteer'].includes(parts[2]) && /^\d+$/.test(parts[3] || '')) {
    route[parts[2] === 'activity' ? 'activityId' : 'volunteerId'] = Number(parts[3]);
  }
  return route;
}

/** The volunteers page on a tab; `by` = { activityId } or { volunteerId } filters the hours ledger. */
export function volunteersHref(tab = 'list', by = {}) {
  if (by.activityId) return `#/volunteers/hours/activity/${by.activityId}`;
  if (by.volunteerId) return `#/volunteers/hours/volunteer/${by.volunteerId}`;
  return tab === 'list' ? '#/volunteers' : `#/volunteers/${tab}`;
}
// ---- end volunteers ----

export const householdHref = (id) => `#/household/${id}`;
export const activityHref = (id) => `#/activity/${id}`;

export function navigate(hash) {
  if (location.hash !== hash) location.hash = hash;
}

/** Changes the hash without adding a history entry; the caller updates the route in the store. */
export function replaceRoute(hash) {
  history.replaceState(null, '', hash);
  return parseHash(hash);
}

export function sameRoute(a, b) {
  return !!a && !!b && a.name === b.name && a.id === b.id;
}
