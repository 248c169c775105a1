//! Native file dialogs and the system viewer, as commands (the dialogs themselves are in
//! crate::files).

use super::CmdResult;
use crate::files::{self, FileKind};
use std::path::Path;
use tauri::{AppHandle, Runtime};

#[tauri::command(async)]
pub fn pick_open_file<R: Runtime>(app: AppHandle<R>, kind: FileKind) -> Option<String> {
    files::pick_open(&app, kind).map(|p| p.display().to_string())
}

#[tauri::command(async)]
pub fn pick_save_file<R: Runtime>(app: AppHandle<R>, kind: FileKind, file_name: String) -> Option<String> {
    files::pick_save(&app, kind, &file_name).map(|p| p.display().to_string())
}

#[tauri::command(async)]
pub fn open_file<R: Runtime>(app: AppHandle<R>, path: String) -> CmdResult<()> {
    Ok(files::open_in_viewer(&app, Path::new(&path))?)
}
