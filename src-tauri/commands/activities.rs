//! Activities: series, sessions, sign-ups, the waitlist and attendance.

use super::CmdResult;
use crate::state::AppState;
use tauri::State;
use xinghe_ledger::activities::{
    ActivityDetail, ActivityFilter, ActivityInput, ActivityOptions, ActivityRow, AttendanceCount, AttendanceMark,
    Attendee, CancelOutcome, Repeat, ResidentActivity, SeriesInput, SignupOutcome,
};

#[tauri::command(async)]
pub fn activity_options(state: State<'_, AppState>) -> CmdResult<ActivityOptions> {
    Ok(state.with(|l| l.activity_options())?)
}

#[tauri::command(async)]
pub fn save_series(state: State<'_, AppState>, input: SeriesInput) -> CmdResult<i64> {
    Ok(state.with(|l| l.save_series(&input))?)
}

#[tauri::command(async)]
pub fn list_activities(state: State<'_, AppState>, filter: ActivityFilter) -> CmdResult<Vec<ActivityRow>> {
    Ok(state.with(|l| l.list_activities(&filter))?)
}

#[tauri::command(async)]
pub fn get_activity(state: State<'_, AppState>, id: i64) -> CmdResult<ActivityDetail> {
    Ok(state.with(|l| l.activity(id))?)
}

#[tauri::command(async)]
pub fn save_activity(state: State<'_, AppState>, input: ActivityInput) -> CmdResult<i64> {
    Ok(state.with(|l| l.save_activity(&input))?)
}

#[tauri::command(async)]
pub fn create_sessions(state: State<'_, AppState>, input: ActivityInput, repeat: Repeat) -> CmdResult<Vec<i64>> {
    Ok(state.with(|l| l.create_sessions(&input, &repeat))?)
}

#[tauri::command(async)]
pub fn update_future_sessions(state: State<'_, AppState>, id: i64, input: ActivityInput) -> CmdResult<usize> {
    Ok(state.with(|l| l.update_future_sessions(id, &input))?)
}

#[tauri::command(async)]
pub fn cancel_activity(state: State<'_, AppState>, id: i64) -> CmdResult<()> {
    Ok(state.with(|l| l.cancel_activity(id))?)
}

#[tauri::command(async)]
pub fn sign_up(state: State<'_, AppState>, activity_id: i64, attendee: Attendee) -> CmdResult<SignupOutcome> {
    Ok(state.with(|l| l.sign_up(activity_id, &attendee))?)
}

#[tauri::command(async)]
pub fn sign_up_household(
    state: State<'_, AppState>,
    activity_id: i64,
    household_id: i64,
) -> CmdResult<Vec<SignupOutcome>> {
    Ok(state.with(|l| l.sign_up_household(activity_id, household_id))?)
}

#[tauri::command(async)]
pub fn cancel_signup(state: State<'_, AppState>, signup_id: i64) -> CmdResult<CancelOutcome> {
    Ok(state.with(|l| l.cancel_signup(signup_id))?)
}

#[tauri::command(async)]
pub fn mark_attendance(
    state: State<'_, AppState>,
    activity_id: i64,
    marks: Vec<AttendanceMark>,
) -> CmdResult<AttendanceCount> {
    Ok(state.with(|l| l.mark_attendance(activity_id, &marks))?)
}

#[tauri::command(async)]
pub fn mark_all(state: State<'_, AppState>, activity_id: i64, present: bool) -> CmdResult<AttendanceCount> {
    Ok(state.with(|l| l.mark_all(activity_id, present))?)
}

#[tauri::command(async)]
pub fn add_walk_in(state: State<'_, AppState>, activity_id: i64, attendee: Attendee) -> CmdResult<SignupOutcome> {
    Ok(state.with(|l| l.add_walk_in(activity_id, &attendee))?)
}

#[tauri::command(async)]
pub fn resident_activities(state: State<'_, AppState>, resident_id: i64) -> CmdResult<Vec<ResidentActivity>> {
    Ok(state.with(|l| l.resident_activities(resident_id))?)
}
