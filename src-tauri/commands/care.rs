//! Care visits: the list of residents to visit and its threshold.

use super::CmdResult;
use crate::state::AppState;
use tauri::State;
use xinghe_ledger::care::CareList;

#[tauri::command(async)]
pub fn care_list(state: State<'_, AppState>, threshold_days: Option<i64>) -> CmdResult<CareList> {
    Ok(state.with(|l| l.care_list(threshold_days))?)
}

#[tauri::command(async)]
pub fn set_care_visit_days(state: State<'_, AppState>, days: i64) -> CmdResult<()> {
    Ok(state.with(|l| l.set_care_visit_days(days))?)
}
