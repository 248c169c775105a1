//! The dashboard and the register's figures.

use super::CmdResult;
use crate::state::AppState;
use tauri::State;
use xinghe_ledger::dashboard::Dashboard;
use xinghe_ledger::register::model::Stats;

#[tauri::command(async)]
pub fn dashboard(state: State<'_, AppState>) -> CmdResult<Dashboard> {
    Ok(state.with(|l| l.dashboard())?)
}

#[tauri::command(async)]
pub fn stats(state: State<'_, AppState>) -> CmdResult<Stats> {
    Ok(state.with(|l| l.stats())?)
}
