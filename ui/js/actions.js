// Data actions shared by views: call the api, then put the answer in the store.
import * as api from './api.js';
import { getState, setState } from './store.js';
import { reportError } from './components/errors.js';

export const PAGE_SIZE = 50;

export const emptyFilter = () => ({
  grid_id: null,
  building_id: null,
  care: null,
  aged_80_plus: false,
  party_member: false,
  include_moved_out: false,
  offset: 0,
  limit: PAGE_SIZE,
});

/** Loads what every screen needs once a database is open. */
export async function loadBasics() {
  await Promise.all([refreshStats(), loadOptions(), loadHierarchy()]);
}

export async function refreshStats() {
  try {
    setState({ stats: await api.stats() });
  } catch (error) {
    reportError(error);
  }
}

export async function loadOptions() {
  try {
    setState({ options: await api.options() });
  } catch (error) {
    reportError(error);
  }
}

export async function loadHierarchy() {
  try {
    const hierarchy = await api.hierarchy();
    const app = getState().app;
    setState({ hierarchy, app: app ? { ...app, community_name: hierarchy.community_name } : app });
  } catch (error) {
    reportError(error);
  }
}

export async function createDatabase(mode, communityName) {
  const app = await api.createDatabase(mode, communityName);
  setState({ app, households: { filter: emptyFilter(), total: 0, rows: [], loading: false, loaded: false } });
  await loadBasics();
  return app;
}

let listSeq = 0;

/** Loads a page of households; `patch` changes the filter (a filter change without `offset` goes back to page 1). */
export async function loadHouseholds(patch = null) {
  const current = getState().households;
  const filter = { ...current.filter, ...(patch ?? {}) };
  if (patch && !('offset' in patch)) filter.offset = 0;
  listSeq += 1;
  const mine = listSeq;
  setState({ households: { ...current, filter, loading: true } });
  try {
    const { total, rows } = await api.listHouseholds(filter);
    if (mine !== listSeq) return;
    setState({ households: { filter, total, rows, loading: false, loaded: true, error: null } });
  } catch (error) {
    if (mine !== listSeq) return;
    setState({ households: { ...getState().households, loading: false, error } });
    reportError(error);
  }
}

let householdSeq = 0;

/** Loads one household for the detail page; keeps the shown one while reloading the same id. */
export async function loadHousehold(id) {
  householdSeq += 1;
  const mine = householdSeq;
  const current = getState().household;
  setState({
    household: { id, detail: current?.id === id ? current.detail : null, highlight: null, loading: true, error: null },
  });
  try {
    const detail = await api.getHousehold(id);
    if (mine !== householdSeq) return;
    setState({ household: { ...getState().household, detail, loading: false } });
  } catch (error) {
    if (mine !== householdSeq) return;
    setState({ household: { ...getState().household, loading: false, error } });
  }
}

/** Marks which member to highlight when a household is opened from a search hit (read once by the detail view). */
export function highlightResident(householdId, residentId) {
  const current = getState().household;
  const same = current?.id === householdId;
  setState({ household: { ...(same ? current : {}), id: householdId, highlight: residentId, detail: same ? current.detail : null } });
}
