// What every screen shares once a register is open: the stats strip, the vocabularies (word lists), the places, today.
import * as api from '../api.js';
import { getState, setState } from '../store.js';
import { reportError } from '../components/errors.js';
import { localToday } from '../format.js';

/** Loads what every screen needs once a database is open. */
export async function loadBasics() {
  await Promise.all([refreshStats(), loadVocabularies(), loadHierarchy()]);
}

export async function refreshStats() {
  try {
    setState({ stats: await api.stats() });
  } catch (error) {
    reportError(error);
  }
}

/** The core's word lists (sexes, relations, care kinds, lines, service kinds, hours statuses …) into `state.vocabularies`. */
export async function loadVocabularies() {
  try {
    setState({ vocabularies: await api.vocabularies() });
  } catch (error) {
    reportError(error);
  }
}

let hierarchySeq = 0;

export async function loadHierarchy() {
  const seq = ++hierarchySeq;
  try {
    const hierarchy = await api.hierarchy();
    // A lock (or a newer load) while this was on its way: the answer must not put names back.
    if (seq !== hierarchySeq) return;
    const app = getState().app;
    setState({ hierarchy, app: app ? { ...app, community_name: hierarchy.community_name } : app });
  } catch (error) {
    reportError(error);
  }
}

/** Drops a places load still on its way (the caller clears `state.hierarchy`). */
export function forgetHierarchy() {
  hierarchySeq += 1;
}

/** Today as the core sees it (app_info), or this computer's date before that is known. */
export const todayDate = () => getState().app?.today ?? localToday();
