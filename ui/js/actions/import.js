// The import page (Excel/CSV): the chosen file, the user's column corrections, the dry-run preview, the run and its
// result in `state.importer`; saving the rejected rows.
import * as api from '../api.js';
import { getState, setState } from '../store.js';
import { reportError } from '../components/errors.js';
import { loadHierarchy, refreshStats } from './basics.js';

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

/** Drops a preview still on its way (the caller resets `state.importer`). */
export function forgetImportPreview() {
  previewSeq += 1;
}

/** Writes the rejected rows of an import (with the file's own headers) to the workbook `out`. */
export const exportRejectedRows = (out, headers, rows) => api.exportRejectedRows(out, headers, rows);
