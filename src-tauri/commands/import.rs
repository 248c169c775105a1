//! Importing a register from Excel/CSV: the preview, the import with its progress, and the rejected
//! rows' file.

use super::CmdResult;
use crate::state::AppState;
use std::path::Path;
use tauri::ipc::Channel;
use tauri::State;
use xinghe_ledger::register::export::RejectedRow;
use xinghe_ledger::register::import::{ImportOptions, ImportReport, Preview, Progress};

#[tauri::command(async)]
pub fn preview_import(state: State<'_, AppState>, path: String, options: ImportOptions) -> CmdResult<Preview> {
    Ok(state.with(|l| l.preview_import(Path::new(&path), &options))?)
}

#[tauri::command(async)]
pub fn import_file(
    state: State<'_, AppState>,
    path: String,
    options: ImportOptions,
    on_progress: Channel<Progress>,
) -> CmdResult<ImportReport> {
    // A closed window only stops the progress bar, never the import.
    let mut report_progress = |p: Progress| drop(on_progress.send(p));
    Ok(state.with(|l| l.import_file(Path::new(&path), &options, &mut report_progress))?)
}

#[tauri::command(async)]
pub fn export_rejected_rows(out: String, headers: Vec<String>, rows: Vec<RejectedRow>) -> CmdResult<()> {
    Ok(xinghe_ledger::register::export::write_rejected_rows(Path::new(&out), &headers, &rows)?)
}
