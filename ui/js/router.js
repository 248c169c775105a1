// Hash routes: #/welcome, #/households, #/household/ID, #/activities, #/activity/ID, #/import, #/settings.
export const HOUSEHOLDS = '#/households';
export const ACTIVITIES = '#/activities';

/** Parses a location hash into `{ name, id? }`; anything unknown is the households list. */
export function parseHash(hash) {
  const parts = String(hash || '').replace(/^#\/?/, '').split('/');
  switch (parts[0]) {
    case 'welcome':
      return { name: 'welcome' };
    case 'settings':
      return { name: 'settings' };
    case 'import':
      return { name: 'import' };
    case 'household':
      if (/^\d+$/.test(parts[1] || '')) return { name: 'household', id: Number(parts[1]) };
      return { name: 'households' };
    case 'activities':
      return { name: 'activities' };
    case 'activity':
      if (/^\d+$/.test(parts[1] || '')) return { name: 'activity', id: Number(parts[1]) };
      return { name: 'activities' };
    default:
      return { name: 'households' };
  }
}

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
