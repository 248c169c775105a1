// 关爱走访: the care list (with the threshold applied on the page) and the open and finished services in
// `state.care`; recording, completing and cancelling services, the default visit interval.
import * as api from '../api.js';
import { getState, setState } from '../store.js';
import { reportError } from '../components/errors.js';

/**
 * `list`: the care list as the core sent it (null until loaded), `listError` why it failed; `open` / `done`: the open
 * and the finished or cancelled services (null until loaded); `threshold`: the days applied on the page (null = the
 * register's default).
 */
export const emptyCare = () => ({ list: null, listError: null, open: null, done: null, threshold: null });

const setCare = (patch) => setState({ care: { ...(getState().care ?? emptyCare()), ...patch } });

// Bumped when the page starts afresh or the register is left: answers from before are dropped.
let careEpoch = 0;

async function fetchList(threshold) {
  try {
    return { list: await api.careList(threshold), listError: null };
  } catch (error) {
    reportError(error);
    return { listError: error };
  }
}

async function fetchOpen() {
  try {
    return await api.listServices({ status: 'open' });
  } catch (error) {
    reportError(error);
    return [];
  }
}

async function fetchDone() {
  try {
    const [done, cancelled] = await Promise.all([api.listServices({ status: 'done' }), api.listServices({ status: 'cancelled' })]);
    return [...done, ...cancelled];
  } catch (error) {
    reportError(error);
    return [];
  }
}

/** The page starts empty (its loading notes), as on its first visit. */
export function resetCare() {
  careEpoch += 1;
  setState({ care: emptyCare() });
}

/**
 * Reloads the care list and the open services, and the finished ones when `withDone`; one store update when all
 * are in. `dropDone` forgets the finished ones that were not reloaded (they changed).
 */
export async function reloadCare({ withDone = false, dropDone = false } = {}) {
  const mine = careEpoch;
  const [list, open, done] = await Promise.all([fetchList(getState().care?.threshold ?? null), fetchOpen(), withDone ? fetchDone() : null]);
  if (mine !== careEpoch) return;
  const keptDone = dropDone ? null : getState().care?.done ?? null;
  setCare({ ...list, open, done: withDone ? done : keptDone });
}

/** Reloads only the care list (after the threshold changed). */
export async function reloadCareList() {
  const mine = careEpoch;
  const list = await fetchList(getState().care?.threshold ?? null);
  if (mine !== careEpoch) return;
  setCare(list);
}

/** Loads the finished and cancelled services (the 最近完成 section, when it is opened). */
export async function loadDoneServices() {
  const mine = careEpoch;
  const done = await fetchDone();
  if (mine !== careEpoch) return;
  setCare({ done });
}

/** Shows the care list with `days` as the visit interval (this page only). */
export function applyCareThreshold(days) {
  setCare({ threshold: days });
  return reloadCareList();
}

/** Saves `days` as the register's default interval (admin) and shows the list with it; a refusal is thrown. */
export async function saveCareThreshold(days) {
  await api.setCareVisitDays(days);
  setCare({ threshold: null });
  await reloadCareList();
}

/** Drops care loads still on their way (the caller clears `state.care`). */
export function forgetCare() {
  careEpoch += 1;
}

/** The register's default visit interval (settings); resolves when saved. */
export const setCareVisitDays = (days) => api.setCareVisitDays(days);

/** Saves a service (new or edited); resolves with its id. */
export const saveService = (input) => api.saveService(input);
/** 完成: resolves with the finished service (and any hour entries it created for the volunteers sent). */
export const completeService = (id, done) => api.completeService(id, done);
export const cancelService = (id) => api.cancelService(id);
