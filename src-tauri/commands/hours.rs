//! The hours ledger: entries, reviews, corrections, the report and its export, the certificate's
//! issuer.

use super::{period, CmdResult};
use crate::state::AppState;
use std::path::Path;
use tauri::State;
use xinghe_ledger::hours::{
    ActivityHours, CertificateIssuer, HourEntryInput, HourEntryRow, HourEvent, HoursFilter, HoursReport, HoursReview,
};

#[tauri::command(async)]
pub fn list_hours(state: State<'_, AppState>, filter: HoursFilter) -> CmdResult<Vec<HourEntryRow>> {
    Ok(state.with(|l| l.list_hours(&filter))?)
}

#[tauri::command(async)]
pub fn record_hours(state: State<'_, AppState>, input: HourEntryInput) -> CmdResult<i64> {
    Ok(state.with(|l| l.record_hours(&input))?)
}

#[tauri::command(async)]
pub fn record_activity_hours(state: State<'_, AppState>, activity_id: i64) -> CmdResult<ActivityHours> {
    Ok(state.with(|l| l.record_activity_hours(activity_id))?)
}

#[tauri::command(async)]
pub fn review_hours(state: State<'_, AppState>, ids: Vec<i64>, review: HoursReview) -> CmdResult<usize> {
    Ok(state.with(|l| l.review_hours(&ids, &review))?)
}

#[tauri::command(async)]
pub fn correct_hours(state: State<'_, AppState>, id: i64, input: HourEntryInput, reason: String) -> CmdResult<i64> {
    Ok(state.with(|l| l.correct_hours(id, &input, &reason))?)
}

#[tauri::command(async)]
pub fn hour_entry_history(state: State<'_, AppState>, id: i64) -> CmdResult<Vec<HourEvent>> {
    Ok(state.with(|l| l.hour_entry_history(id))?)
}

#[tauri::command(async)]
pub fn hours_report(state: State<'_, AppState>, from: Option<String>, to: Option<String>) -> CmdResult<HoursReport> {
    let (from, to) = period(from, to)?;
    Ok(state.with(|l| l.hours_report(from, to))?)
}

#[tauri::command(async)]
pub fn export_hours(
    state: State<'_, AppState>,
    from: Option<String>,
    to: Option<String>,
    out: String,
) -> CmdResult<usize> {
    let (from, to) = period(from, to)?;
    Ok(state.with(|l| l.export_hours(from, to, Path::new(&out)))?)
}

#[tauri::command(async)]
pub fn save_certificate_issuer(state: State<'_, AppState>, issuer: CertificateIssuer) -> CmdResult<()> {
    Ok(state.with(|l| l.save_certificate_issuer(&issuer))?)
}
