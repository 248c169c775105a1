// The only bridge to the Rust core: one async function per IPC command (see docs/ipc-contract.md).
const invoke = window.__TAURI__.core.invoke;

/** Every rejection becomes `{ kind, message, fields }`, so callers can always show `message`. */
function normalise(error) {
  if (error && typeof error === 'object' && typeof error.kind === 'string') {
    return {
      kind: error.kind,
      message: String(error.message ?? ''),
      fields: Array.isArray(error.fields) ? error.fields : [],
    };
  }
  let message;
  if (typeof error === 'string') message = error;
  else if (error && typeof error.message === 'string') message = error.message;
  else {
    try {
      message = JSON.stringify(error) ?? String(error);
    } catch {
      message = String(error);
    }
  }
  return { kind: 'unknown', message, fields: [] };
}

async function call(command, args) {
  try {
    return await invoke(command, args);
  } catch (error) {
    throw normalise(error);
  }
}

export const appInfo = () => call('app_info');
export const createDatabase = (mode, communityName) => call('create_database', { mode, communityName });
export const stats = () => call('stats');
export const options = () => call('options');
export const hierarchy = () => call('hierarchy');
export const setCommunityName = (name) => call('set_community_name', { name });
export const saveGrid = (input) => call('save_grid', { input });
export const saveBuilding = (input) => call('save_building', { input });
export const saveUnit = (input) => call('save_unit', { input });
export const listHouseholds = (filter) => call('list_households', { filter });
export const getHousehold = (id) => call('get_household', { id });
export const saveHousehold = (input) => call('save_household', { input });
export const moveOutHousehold = (id, date = null) => call('move_out_household', { id, date });
export const getResident = (id) => call('get_resident', { id });
export const saveResident = (input) => call('save_resident', { input });
export const moveOutResident = (id, date = null) => call('move_out_resident', { id, date });
export const markDeceased = (id, date) => call('mark_deceased', { id, date });
export const search = (query) => call('search', { query });

// Files: dialogs and the system viewer run in Rust; `kind` is register | pdf | xlsx | csv. Cancelled dialogs give null.
export const pickOpenFile = (kind) => call('pick_open_file', { kind });
export const pickSaveFile = (kind, fileName) => call('pick_save_file', { kind, fileName });
export const openFile = (path) => call('open_file', { path });
export const previewImport = (path, options) => call('preview_import', { path, options });

/** Imports for real; `onProgress({ done, total })` is called while rows are written. */
export function importFile(path, options, onProgress) {
  const channel = new window.__TAURI__.core.Channel();
  channel.onmessage = onProgress ?? (() => {});
  return call('import_file', { path, options, onProgress: channel });
}

export const exportRejectedRows = (out, headers, rows) => call('export_rejected_rows', { out, headers, rows });
export const exportResidents = (filter, out) => call('export_residents', { filter, out });
export const exportHouseholds = (filter, out) => call('export_households', { filter, out });
export const printRoster = (out, grid, unmasked) => call('print_roster', { out, grid, unmasked });
