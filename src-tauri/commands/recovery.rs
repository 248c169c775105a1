//! A database that cannot be opened: the start screen's ways out (its backups, 重试, another file, a
//! fresh register).

use super::app::AppInfo;
use super::CmdResult;
use crate::backups::Backups;
use crate::files::{self, FileKind};
use crate::state::AppState;
use std::path::Path;
use tauri::{AppHandle, Runtime, State};
use xinghe_ledger::safety::recovery::{self, Recovery, RecoveryBackup};

/// The automatic backups of the configured database, newest first, each read without changing
/// it; with `password`, encrypted ones are read with it.
#[tauri::command(async)]
pub fn recovery_backups(
    state: State<'_, AppState>,
    backups: State<'_, Backups>,
    password: Option<String>,
) -> CmdResult<Vec<RecoveryBackup>> {
    let db = state.db_path();
    Ok(recovery::recovery_backups(backups.folder(), &db, password.as_deref(), state.passwords())?)
}

/// 从备份恢复 on the start screen: the broken file is renamed aside, the backup becomes a new file;
/// `password` is the one an encrypted backup was made under.
#[tauri::command(async)]
pub fn recover_from_backup(state: State<'_, AppState>, path: String, password: Option<String>) -> CmdResult<Recovery> {
    Ok(state.recover_from_backup(Path::new(&path), password.as_deref())?)
}

/// 重试: opens the configured file again (after another program let go of it).
#[tauri::command(async)]
pub fn retry_open(state: State<'_, AppState>) -> CmdResult<AppInfo> {
    state.open_existing()?;
    Ok(AppInfo::of(&state))
}

/// 打开其他数据库…: the file the user picks; null when cancelled.
#[tauri::command(async)]
pub fn open_other_database<R: Runtime>(app: AppHandle<R>, state: State<'_, AppState>) -> CmdResult<Option<AppInfo>> {
    let Some(path) = files::pick_open(&app, FileKind::Backup) else { return Ok(None) };
    state.open_other(path)?;
    Ok(Some(AppInfo::of(&state)))
}

/// 新建空白台账 in place of a file that cannot be opened (which is renamed aside, not deleted).
#[tauri::command(async)]
pub fn start_fresh(state: State<'_, AppState>, community_name: String) -> CmdResult<AppInfo> {
    state.start_fresh(&community_name)?;
    Ok(AppInfo::of(&state))
}
