// Households and residents: the filtered, paged list and one household's page in the store; saving, moving out,
// 去世, 查看完整信息 and the list exports.
import * as api from '../api.js';
import { getState, setState } from '../store.js';
import { reportError } from '../components/errors.js';

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

export const emptyHouseholds = () => ({ filter: emptyFilter(), total: 0, rows: [], loading: false, loaded: false });

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
    // With the old detail still shown the view would not show the error: say it here.
    if (getState().household.detail) reportError(error);
  }
}

/** Drops list and household loads still on their way (the caller clears the state). */
export function forgetHouseholds() {
  listSeq += 1;
  householdSeq += 1;
}

/** Marks which member to highlight when a household is opened from a search hit (read once by the detail view). */
export function highlightResident(householdId, residentId) {
  const current = getState().household;
  const same = current?.id === householdId;
  setState({ household: { ...(same ? current : {}), id: householdId, highlight: residentId, detail: same ? current.detail : null } });
}

/** Saves a household; resolves with its id. */
export const saveHousehold = (input) => api.saveHousehold(input);
export const moveOutHousehold = (id, date = null) => api.moveOutHousehold(id, date);

/** One resident's full record for the form. */
export const getResident = (id) => api.getResident(id);
/** Saves a resident; resolves with its id. */
export const saveResident = (input) => api.saveResident(input);
export const moveOutResident = (id, date = null) => api.moveOutResident(id, date);
export const markDeceased = (id, date) => api.markDeceased(id, date);
/** The full ID number and phone of one resident (admin; audited by the core). Never kept in the store. */
export const revealResident = (id) => api.revealResident(id);

/** Writes the filtered residents / households to `out` (.xlsx or .csv); resolves with the number of rows. */
export const exportResidents = (filter, out) => api.exportResidents(filter, out);
export const exportHouseholds = (filter, out) => api.exportHouseholds(filter, out);
