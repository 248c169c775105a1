//! Operators and sessions: the first administrator, logging in, locking, accounts and passwords.

use super::CmdResult;
use crate::state::AppState;
use tauri::State;
use xinghe_ledger::access::operators::{OperatorInput, OperatorRow, Session, SessionStatus};

#[tauri::command(async)]
pub fn session_status(state: State<'_, AppState>) -> CmdResult<SessionStatus> {
    Ok(state.with_signed_out(|l| l.session_status())?)
}

#[tauri::command(async)]
pub fn create_first_admin(state: State<'_, AppState>, name: String, password: String) -> CmdResult<Session> {
    Ok(state.with_signed_out(|l| l.create_first_admin(&name, &password))?)
}

#[tauri::command(async)]
pub fn log_in(state: State<'_, AppState>, name: String, password: String) -> CmdResult<Session> {
    Ok(state.with_signed_out(|l| l.log_in(&name, &password))?)
}

#[tauri::command(async)]
pub fn lock_session(state: State<'_, AppState>) -> CmdResult<()> {
    Ok(state.with_signed_out(|l| {
        l.lock();
        Ok(())
    })?)
}

#[tauri::command(async)]
pub fn list_operators(state: State<'_, AppState>) -> CmdResult<Vec<OperatorRow>> {
    Ok(state.with(|l| l.list_operators())?)
}

#[tauri::command(async)]
pub fn save_operator(state: State<'_, AppState>, input: OperatorInput) -> CmdResult<i64> {
    Ok(state.with(|l| l.save_operator(&input))?)
}

#[tauri::command(async)]
pub fn change_own_password(state: State<'_, AppState>, old_password: String, new_password: String) -> CmdResult<()> {
    Ok(state.with(|l| l.change_own_password(&old_password, &new_password))?)
}

#[tauri::command(async)]
pub fn set_idle_lock_minutes(state: State<'_, AppState>, minutes: u32) -> CmdResult<()> {
    Ok(state.with(|l| l.set_idle_lock_minutes(minutes))?)
}
