//! The register: grids, buildings, units, households, residents, search, 查看完整信息 and the register's
//! exports.

use super::CmdResult;
use crate::state::AppState;
use std::path::Path;
use tauri::State;
use xinghe_ledger::access::operators::RevealedResident;
use xinghe_ledger::register::model::{
    BuildingInput, GridInput, Hierarchy, HouseholdDetail, HouseholdFilter, HouseholdInput, HouseholdRow, Page,
    ResidentInput, ResidentRecord, UnitInput,
};
use xinghe_ledger::SearchHit;

#[tauri::command(async)]
pub fn hierarchy(state: State<'_, AppState>) -> CmdResult<Hierarchy> {
    Ok(state.with(|l| l.hierarchy())?)
}

#[tauri::command(async)]
pub fn save_grid(state: State<'_, AppState>, input: GridInput) -> CmdResult<i64> {
    Ok(state.with(|l| l.save_grid(&input))?)
}

#[tauri::command(async)]
pub fn save_building(state: State<'_, AppState>, input: BuildingInput) -> CmdResult<i64> {
    Ok(state.with(|l| l.save_building(&input))?)
}

#[tauri::command(async)]
pub fn save_unit(state: State<'_, AppState>, input: UnitInput) -> CmdResult<i64> {
    Ok(state.with(|l| l.save_unit(&input))?)
}

#[tauri::command(async)]
pub fn list_households(state: State<'_, AppState>, filter: HouseholdFilter) -> CmdResult<Page<HouseholdRow>> {
    Ok(state.with(|l| l.list_households(&filter))?)
}

#[tauri::command(async)]
pub fn get_household(state: State<'_, AppState>, id: i64) -> CmdResult<HouseholdDetail> {
    Ok(state.with(|l| l.household(id))?)
}

#[tauri::command(async)]
pub fn save_household(state: State<'_, AppState>, input: HouseholdInput) -> CmdResult<i64> {
    Ok(state.with(|l| l.save_household(&input))?)
}

#[tauri::command(async)]
pub fn move_out_household(state: State<'_, AppState>, id: i64, date: Option<String>) -> CmdResult<()> {
    Ok(state.with(|l| l.move_out_household(id, date.as_deref()))?)
}

#[tauri::command(async)]
pub fn get_resident(state: State<'_, AppState>, id: i64) -> CmdResult<ResidentRecord> {
    Ok(state.with(|l| l.resident(id))?)
}

#[tauri::command(async)]
pub fn save_resident(state: State<'_, AppState>, input: ResidentInput) -> CmdResult<i64> {
    Ok(state.with(|l| l.save_resident(&input))?)
}

#[tauri::command(async)]
pub fn move_out_resident(state: State<'_, AppState>, id: i64, date: Option<String>) -> CmdResult<()> {
    Ok(state.with(|l| l.move_out_resident(id, date.as_deref()))?)
}

#[tauri::command(async)]
pub fn mark_deceased(state: State<'_, AppState>, id: i64, date: Option<String>) -> CmdResult<()> {
    Ok(state.with(|l| l.mark_deceased(id, date.as_deref()))?)
}

#[tauri::command(async)]
pub fn search(state: State<'_, AppState>, query: String) -> CmdResult<Vec<SearchHit>> {
    Ok(state.with(|l| l.search(&query))?)
}

/// 查看完整信息: one resident's full ID number and phone, for an administrator, audited.
#[tauri::command(async)]
pub fn reveal_resident(state: State<'_, AppState>, id: i64) -> CmdResult<RevealedResident> {
    Ok(state.with(|l| l.reveal_resident(id))?)
}

#[tauri::command(async)]
pub fn export_residents(state: State<'_, AppState>, filter: HouseholdFilter, out: String) -> CmdResult<usize> {
    Ok(state.with(|l| l.export_residents(&filter, Path::new(&out)))?)
}

#[tauri::command(async)]
pub fn export_households(state: State<'_, AppState>, filter: HouseholdFilter, out: String) -> CmdResult<usize> {
    Ok(state.with(|l| l.export_households(&filter, Path::new(&out)))?)
}
