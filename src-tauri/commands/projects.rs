//! Projects and their milestones.

use super::CmdResult;
use crate::state::AppState;
use tauri::State;
use xinghe_ledger::projects::{ProjectDetail, ProjectInput, ProjectRow};

#[tauri::command(async)]
pub fn list_projects(state: State<'_, AppState>) -> CmdResult<Vec<ProjectRow>> {
    Ok(state.with(|l| l.list_projects())?)
}

#[tauri::command(async)]
pub fn get_project(state: State<'_, AppState>, id: i64) -> CmdResult<ProjectDetail> {
    Ok(state.with(|l| l.project(id))?)
}

#[tauri::command(async)]
pub fn save_project(state: State<'_, AppState>, input: ProjectInput) -> CmdResult<i64> {
    Ok(state.with(|l| l.save_project(&input))?)
}

#[tauri::command(async)]
pub fn complete_milestone(state: State<'_, AppState>, milestone_id: i64, date: Option<String>) -> CmdResult<()> {
    Ok(state.with(|l| l.complete_milestone(milestone_id, date.as_deref()))?)
}
