// Data actions shared by views: call the api, then put the answer in the store.
import * as api from './api.js';
import { getState, setState } from './store.js';
import { reportError } from './components/errors.js';
import { localToday } from './format.js';
import { viewRange } from './activity-model.js';

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

/**
 * Forgets what showed residents (households, a household, activities and sign-ups, the places' heads, an import
 * preview) when the register is locked or another one opens; answers still on their way are dropped, so none of it
 * comes back. A running import keeps its progress (it goes on in the core).
 */
export function forgetRegisterData() {
  listSeq += 1;
  hierarchySeq += 1;
  householdSeq += 1;
  activitiesSeq += 1;
  activitySeq += 1;
  previewSeq += 1;
  const { running, progress } = getState().importer ?? emptyImport();
  setState({
    households: emptyHouseholds(),
    household: null,
    hierarchy: null,
    activities: emptyActivities(),
    activity: null,
    importer: { ...emptyImport(), running, progress },
  });
}

/** Marks which member to highlight when a household is opened from a search hit (read once by the detail view). */
export function highlightResident(householdId, residentId) {
  const current = getState().household;
  const same = current?.id === householdId;
  setState({ household: { ...(same ? current : {}), id: householdId, highlight: residentId, detail: same ? current.detail : null } });
}

/** The import page's state: the chosen file, the user's column corrections, the dry-run preview, the run and its result. */
export const emptyImport = () => ({
  path: null,
  sheet: null,
  sheets: [],
  corrections: [],
  preview: null,
  loading: false,
  error: null,
  running: false,
  progress: null,
  runError: null,
  result: null,
});

const setImport = (patch) => setState({ importer: { ...getState().importer, ...patch } });
const importOptions = ({ sheet, corrections }, dryRun) => ({ sheet, columns: corrections, dry_run: dryRun });

let previewSeq = 0;

/** Re-runs the dry run for the current file, sheet and corrections; only the newest answer is kept. */
export async function previewImport() {
  const current = getState().importer;
  if (!current.path) return;
  previewSeq += 1;
  const mine = previewSeq;
  setImport({ loading: true, error: null });
  try {
    const preview = await api.previewImport(current.path, importOptions(current, true));
    if (mine !== previewSeq) return;
    setImport({ preview, sheets: preview.report.sheets ?? [], loading: false, error: null });
  } catch (error) {
    if (mine !== previewSeq) return;
    setImport({ loading: false, error });
  }
}

/** Asks for a register file; a cancelled dialog changes nothing. Resolves true when a file was chosen. */
export async function chooseImportFile() {
  if (getState().importer.running) return false;
  let path;
  try {
    path = await api.pickOpenFile('register');
  } catch (error) {
    reportError(error);
    return false;
  }
  if (!path) return false;
  previewSeq += 1;
  setState({ importer: { ...emptyImport(), path } });
  await previewImport();
  return true;
}

/** Another sheet of the workbook: its columns are other columns, so earlier corrections are dropped. */
export function setImportSheet(sheet) {
  setImport({ sheet, corrections: [] });
  return previewImport();
}

/** The user's meaning for column `index` (`field` null = do not import); the latest choice comes last. */
export function setImportColumn(index, field) {
  const corrections = [...getState().importer.corrections.filter((c) => c.index !== index), { index, field }];
  setImport({ corrections });
  return previewImport();
}

/** Imports the previewed file for real; afterwards the stats strip and the places are reloaded. */
export async function runImport() {
  const current = getState().importer;
  if (!current.path || current.running) return;
  setImport({ running: true, progress: null, runError: null });
  const onProgress = (progress) => {
    if (getState().importer.running) setImport({ progress });
  };
  const startedBy = getState().session?.operator_id;
  try {
    const result = await api.importFile(current.path, importOptions(current, false), onProgress);
    // Locked while it ran: the report (the file's rejected rows, with their names and numbers)
    // is not kept for whoever logs in next; the import itself is committed and in the 操作日志.
    if (getState().session?.operator_id !== startedBy) {
      setImport({ running: false });
      return;
    }
    setImport({ running: false, result });
    await Promise.all([refreshStats(), loadHierarchy()]);
  } catch (error) {
    setImport({ running: false, runError: error });
  }
}

/** Today as the core sees it (app_info), or this computer's date before that is known. */
export const todayDate = () => getState().app?.today ?? localToday();

/** The activities page: list / month / week, the date the calendar shows, the filters and the fetched rows. */
export const emptyActivities = () => ({
  view: 'list',
  anchor: null,
  series_id: null,
  line: null,
  rows: [],
  range: null,
  loading: false,
  loaded: false,
  error: null,
});

/** Lines, learning modes and series (for the filters and the activity form). */
export async function loadActivityOptions() {
  try {
    setState({ activityOptions: await api.activityOptions() });
  } catch (error) {
    reportError(error);
  }
}

let activitiesSeq = 0;

/** Loads the activities the page shows; `patch` changes the view, the calendar's date or a filter. */
export async function loadActivities(patch = null) {
  const next = { ...getState().activities, ...(patch ?? {}) };
  if (!next.anchor) next.anchor = todayDate();
  const range = viewRange(next.view, next.anchor);
  activitiesSeq += 1;
  const mine = activitiesSeq;
  setState({ activities: { ...next, loading: true } });
  try {
    const rows = await api.listActivities({
      from: range.from,
      to: range.to,
      series_id: next.series_id,
      line: next.line,
      include_cancelled: true,
    });
    if (mine !== activitiesSeq) return;
    setState({ activities: { ...getState().activities, rows: rows ?? [], range, loading: false, loaded: true, error: null } });
  } catch (error) {
    if (mine !== activitiesSeq) return;
    setState({ activities: { ...getState().activities, loading: false, loaded: true, error } });
    reportError(error);
  }
}

let activitySeq = 0;

/** Loads one activity with its sign-ups; keeps the shown one while reloading the same id. Resolves with the detail. */
export async function loadActivity(id) {
  activitySeq += 1;
  const mine = activitySeq;
  const current = getState().activity;
  setState({ activity: { id, detail: current?.id === id ? current.detail : null, loading: true, error: null } });
  try {
    const detail = await api.getActivity(id);
    if (mine !== activitySeq) return null;
    setState({ activity: { ...getState().activity, detail, loading: false } });
    return detail;
  } catch (error) {
    if (mine !== activitySeq) return null;
    setState({ activity: { ...getState().activity, loading: false, error } });
    if (getState().activity.detail) reportError(error);
    return null;
  }
}

/** Replaces the shown activity's detail after a local change (e.g. one attendance mark). A reload
 * that was already under way may answer with a snapshot from before the change: reload once more. */
export function patchActivity(id, change) {
  const current = getState().activity;
  if (current?.id !== id || !current.detail) return;
  setState({ activity: { ...current, detail: change(current.detail) } });
  if (current.loading) loadActivity(id);
}
