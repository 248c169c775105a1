//! Encryption at rest: its status, encrypting and decrypting, and unlocking an encrypted register
//! on the start screen.

use super::app::AppInfo;
use super::CmdResult;
use crate::state::AppState;
use tauri::{AppHandle, Runtime, State};
use xinghe_ledger::safety::encryption::EncryptionStatus;

/// 设置 → 数据加密: whether the file is encrypted and whose password unlocks it.
#[tauri::command(async)]
pub fn encryption_status(state: State<'_, AppState>) -> CmdResult<EncryptionStatus> {
    Ok(state.with(|l| l.encryption_status())?)
}

/// Encrypts the register (and its later backups) under the logged-in administrator's password.
#[tauri::command(async)]
pub fn encrypt_database(state: State<'_, AppState>, password: String) -> CmdResult<()> {
    Ok(state.with(|l| l.encrypt(&password))?)
}

#[tauri::command(async)]
pub fn decrypt_database(state: State<'_, AppState>, password: String) -> CmdResult<()> {
    Ok(state.with(|l| l.decrypt(&password))?)
}

/// The start screen's 解锁并登录 for an encrypted register; then the start-up backup, if due.
#[tauri::command(async)]
pub fn open_encrypted<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    name: String,
    password: String,
) -> CmdResult<AppInfo> {
    state.open_encrypted(&name, &password)?;
    crate::backups::start_up_in_background(&app);
    Ok(AppInfo::of(&state))
}
