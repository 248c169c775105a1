//! Backups: their status, backing up to a folder, reading a backup and restoring it into the open
//! register.

use super::CmdResult;
use crate::backups::Backups;
use crate::files::{self, FileKind};
use crate::state::AppState;
use serde::Serialize;
use std::path::PathBuf;
use tauri::{AppHandle, Runtime, State};
use xinghe_ledger::safety::backup::{self, BackupCounts, BackupInfo, BackupMade, BackupStatus, RestoreReport};
use xinghe_ledger::values::dates::local_now;
use xinghe_ledger::Error;

/// The settings page's backup section: where automatic copies go, the newest one, and why the
/// last automatic backup failed (if it did).
#[derive(Debug, Serialize)]
pub struct BackupStatusView {
    #[serde(flatten)]
    pub status: BackupStatus,
    pub last_error: Option<String>,
}

#[tauri::command(async)]
pub fn backup_status(state: State<'_, AppState>, backups: State<'_, Backups>) -> CmdResult<BackupStatusView> {
    state.check_if_open(|l| l.require_session())?;
    let status = backup::status(backups.folder(), &state.db_path(), local_now())?;
    Ok(BackupStatusView { status, last_error: backups.last_error() })
}

/// "Back up to…": a dated copy in `folder`, or in the folder the user picks; null when cancelled.
/// `unrecorded` is set when the copy is done but its 操作日志 record could not be written.
#[tauri::command(async)]
pub fn backup_to_folder<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    folder: Option<String>,
) -> CmdResult<Option<BackupMade>> {
    state.with(|l| l.require_admin("把数据备份到其他位置"))?;
    let pick = || files::pick_folder(&app, "选择备份位置（例如 U 盘）");
    let Some(folder) = files::given_or_picked(folder, pick) else { return Ok(None) };
    Ok(Some(state.with(|l| l.backup_to_folder(&folder, local_now()))?))
}

/// What a backup holds, beside the same figures for the current data.
#[derive(Debug, Serialize)]
pub struct BackupPreview {
    #[serde(flatten)]
    pub info: BackupInfo,
    pub current: Option<BackupCounts>,
    /// The register's community name when the backup is of another community (restoring it
    /// needs the user's explicit confirmation); None otherwise.
    pub other_community_than: Option<String>,
}

impl BackupPreview {
    /// `info` beside the open register's figures (none while no register is open or nobody is
    /// logged in).
    fn of(state: &AppState, info: BackupInfo) -> BackupPreview {
        let current = state.with(|l| l.backup_counts()).ok();
        let other_community_than = match state.with(|l| l.refuse_other_community(&info)) {
            Err(Error::OtherCommunity { current, .. }) => Some(current),
            _ => None,
        };
        BackupPreview { info, current, other_community_than }
    }
}

/// Reads a backup (`path`, or the file the user picks) without changing anything; null when
/// cancelled. `backup_password` is the password the backup was made under, when it is not the
/// register's own key (the key owner changed it since, or encryption was turned off since).
#[tauri::command(async)]
pub fn inspect_backup<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    path: Option<String>,
    backup_password: Option<String>,
) -> CmdResult<Option<BackupPreview>> {
    state.check_if_open(|l| l.require_admin("从备份恢复"))?;
    let Some(path) = files::given_or_picked(path, || files::pick_open(&app, FileKind::Backup)) else { return Ok(None) };
    let info = state.read_backup(&path, backup_password.as_deref(), |key| backup::inspect_backup_with(&path, key))?;
    Ok(Some(BackupPreview::of(&state, info)))
}

/// Replaces the data with the backup at `path`, after a safety copy into the backup folder;
/// `backup_password` as for `inspect_backup` (the register keeps its own key, or none).
#[tauri::command(async)]
pub fn restore_backup(
    state: State<'_, AppState>,
    backups: State<'_, Backups>,
    path: String,
    backup_password: Option<String>,
    other_community: Option<bool>,
) -> CmdResult<RestoreReport> {
    let (path, other_community) = (PathBuf::from(path), other_community.unwrap_or(false));
    Ok(state.read_backup(&path, backup_password.as_deref(), |backup_key| {
        state.with(|l| l.restore(&path, backups.folder(), backup::RestoreOptions { backup_key, other_community }))
    })?)
}
