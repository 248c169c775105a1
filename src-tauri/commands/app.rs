//! The app and its database: what the start screen shows, creating the register, and the word lists
//! every form offers.

use super::CmdResult;
use crate::state::AppState;
use serde::Serialize;
use tauri::State;
use xinghe_ledger::vocabularies::Vocabularies;

#[derive(Debug, Serialize)]
pub struct AppInfo {
    pub db_path: String,
    pub opened: bool,
    pub community_name: Option<String>,
    pub open_error: Option<String>,
    /// corrupt, not_xinghe, read_only, disk_full, locked, …: which ways out the start screen offers.
    pub open_error_kind: Option<&'static str>,
    pub version: &'static str,
    pub today: String,
}

impl AppInfo {
    /// What the start screen and the header show, read from the state.
    pub fn of(state: &AppState) -> AppInfo {
        let opened = state.with_signed_out(|l| l.community_name());
        AppInfo {
            db_path: state.db_path().display().to_string(),
            opened: opened.is_ok(),
            community_name: opened.ok().flatten(),
            open_error: state.open_error(),
            open_error_kind: state.open_error_kind(),
            version: env!("CARGO_PKG_VERSION"),
            today: xinghe_ledger::values::dates::local_today().to_string(),
        }
    }
}

#[tauri::command(async)]
pub fn app_info(state: State<'_, AppState>) -> CmdResult<AppInfo> {
    Ok(AppInfo::of(&state))
}

#[tauri::command(async)]
pub fn create_database(state: State<'_, AppState>, mode: String, community_name: String) -> CmdResult<AppInfo> {
    state.create(mode == "demo", &community_name)?;
    Ok(AppInfo::of(&state))
}

/// Every word list a form offers, from the core (the app keeps no copy of its own).
#[tauri::command]
pub fn vocabularies() -> Vocabularies {
    xinghe_ledger::vocabularies::vocabularies()
}

#[tauri::command(async)]
pub fn set_community_name(state: State<'_, AppState>, name: String) -> CmdResult<()> {
    Ok(state.with(|l| l.set_community_name(&name))?)
}
