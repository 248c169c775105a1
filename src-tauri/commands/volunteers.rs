//! Volunteers and organisations, and the volunteer settings.

use super::CmdResult;
use crate::state::AppState;
use tauri::State;
use xinghe_ledger::volunteers::{
    OrganisationDetail, OrganisationInput, OrganisationRow, VolunteerDetail, VolunteerFilter, VolunteerInput,
    VolunteerOptions, VolunteerRow, VolunteerSettings,
};

#[tauri::command(async)]
pub fn volunteer_options(state: State<'_, AppState>) -> CmdResult<VolunteerOptions> {
    Ok(state.with(|l| l.volunteer_options())?)
}

#[tauri::command(async)]
pub fn list_volunteers(state: State<'_, AppState>, filter: VolunteerFilter) -> CmdResult<Vec<VolunteerRow>> {
    Ok(state.with(|l| l.list_volunteers(&filter))?)
}

#[tauri::command(async)]
pub fn get_volunteer(state: State<'_, AppState>, id: i64) -> CmdResult<VolunteerDetail> {
    Ok(state.with(|l| l.volunteer(id))?)
}

#[tauri::command(async)]
pub fn save_volunteer(state: State<'_, AppState>, input: VolunteerInput) -> CmdResult<i64> {
    Ok(state.with(|l| l.save_volunteer(&input))?)
}

#[tauri::command(async)]
pub fn leave_volunteer(state: State<'_, AppState>, id: i64, date: Option<String>) -> CmdResult<()> {
    Ok(state.with(|l| l.leave_volunteer(id, date.as_deref()))?)
}

#[tauri::command(async)]
pub fn list_organisations(state: State<'_, AppState>) -> CmdResult<Vec<OrganisationRow>> {
    Ok(state.with(|l| l.list_organisations())?)
}

#[tauri::command(async)]
pub fn get_organisation(state: State<'_, AppState>, id: i64) -> CmdResult<OrganisationDetail> {
    Ok(state.with(|l| l.organisation(id))?)
}

#[tauri::command(async)]
pub fn save_organisation(state: State<'_, AppState>, input: OrganisationInput) -> CmdResult<i64> {
    Ok(state.with(|l| l.save_organisation(&input))?)
}

#[tauri::command(async)]
pub fn volunteer_settings(state: State<'_, AppState>) -> CmdResult<VolunteerSettings> {
    Ok(state.with(|l| l.volunteer_settings())?)
}

#[tauri::command(async)]
pub fn set_volunteer_prefix(state: State<'_, AppState>, prefix: String) -> CmdResult<()> {
    Ok(state.with(|l| l.set_volunteer_prefix(&prefix))?)
}
