//! Services to residents: listed, recorded, completed, cancelled.

use super::CmdResult;
use crate::state::AppState;
use tauri::State;
use xinghe_ledger::services::{ServiceDone, ServiceDoneInput, ServiceFilter, ServiceInput, ServiceRow};

#[tauri::command(async)]
pub fn list_services(state: State<'_, AppState>, filter: ServiceFilter) -> CmdResult<Vec<ServiceRow>> {
    Ok(state.with(|l| l.list_services(&filter))?)
}

#[tauri::command(async)]
pub fn get_service(state: State<'_, AppState>, id: i64) -> CmdResult<ServiceRow> {
    Ok(state.with(|l| l.service(id))?)
}

#[tauri::command(async)]
pub fn save_service(state: State<'_, AppState>, input: ServiceInput) -> CmdResult<i64> {
    Ok(state.with(|l| l.save_service(&input))?)
}

#[tauri::command(async)]
pub fn complete_service(state: State<'_, AppState>, id: i64, done: ServiceDoneInput) -> CmdResult<ServiceDone> {
    Ok(state.with(|l| l.complete_service(id, &done))?)
}

#[tauri::command(async)]
pub fn cancel_service(state: State<'_, AppState>, id: i64) -> CmdResult<()> {
    Ok(state.with(|l| l.cancel_service(id))?)
}
