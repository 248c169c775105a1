//! Every PDF the app prints: rosters, activity sheets, hours reports, certificates, care
//! checklists. The one file that knows the core's PDF type.

use super::{period, CmdResult};
use crate::state::AppState;
use serde::Serialize;
use std::path::Path;
use tauri::State;
use xinghe_formats::pdf::PrintedPdf;
use xinghe_ledger::activities::print as activity_sheets;
use xinghe_ledger::activities::print::{ActivitySheet, SheetOptions};
use xinghe_ledger::care::print as care_sheet;
use xinghe_ledger::hours::print as volunteer_sheets;
use xinghe_ledger::register::roster::RosterOptions;
use xinghe_ledger::store::output::SavePdf;
use xinghe_ledger::values::dates::local_now;

#[derive(Debug, Serialize)]
pub struct Printed {
    pub path: String,
    pub pages: usize,
    /// Characters no font could print: the user is told to write them in by hand.
    pub missing_characters: String,
}

fn save_printed(printed: PrintedPdf, out: String) -> CmdResult<Printed> {
    printed.save(Path::new(&out))?;
    Ok(Printed { path: out, pages: printed.pages, missing_characters: printed.missing_characters.iter().collect() })
}

/// Which sheet of one session to print.
#[derive(Debug, Clone, Copy, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SheetKind {
    SignUp,
    SignIn,
}

/// The sheet of one session, rendered: `blank_rows` empty rows for walk-ins (the default when None).
fn render_sheet(
    sheet: &ActivitySheet,
    kind: SheetKind,
    blank_rows: Option<usize>,
) -> xinghe_ledger::Result<PrintedPdf> {
    let defaults = SheetOptions::new(local_now());
    let options = SheetOptions { blank_rows: blank_rows.unwrap_or(defaults.blank_rows), ..defaults };
    match kind {
        SheetKind::SignUp => activity_sheets::sign_up_sheet(sheet, &options),
        SheetKind::SignIn => activity_sheets::sign_in_sheet(sheet, &options),
    }
}

#[tauri::command(async)]
pub fn print_roster(
    state: State<'_, AppState>,
    out: String,
    grid: Option<String>,
    unmasked: bool,
) -> CmdResult<Printed> {
    let options = RosterOptions { unmasked, printed_at: local_now() };
    save_printed(state.with(|l| l.roster_pdf(grid.as_deref(), &options))?.1, out)
}

#[tauri::command(async)]
pub fn print_activity_sheet(
    state: State<'_, AppState>,
    activity_id: i64,
    kind: SheetKind,
    out: String,
    blank_rows: Option<usize>,
) -> CmdResult<Printed> {
    let sheet = state.with(|l| l.activity_sheet(activity_id))?;
    save_printed(render_sheet(&sheet, kind, blank_rows)?, out)
}

#[tauri::command(async)]
pub fn print_attendance(state: State<'_, AppState>, series_id: i64, out: String) -> CmdResult<Printed> {
    let grid = state.with(|l| l.attendance_grid(series_id))?;
    save_printed(activity_sheets::attendance_sheet(&grid, &SheetOptions::new(local_now()))?, out)
}

#[tauri::command(async)]
pub fn print_hours_report(
    state: State<'_, AppState>,
    from: Option<String>,
    to: Option<String>,
    out: String,
) -> CmdResult<Printed> {
    let (from, to) = period(from, to)?;
    let (report, community) =
        state.with(|l| Ok((l.hours_report(from, to)?, l.community_name()?.unwrap_or_default())))?;
    save_printed(volunteer_sheets::hours_report_pdf(&report, &community, local_now())?, out)
}

#[tauri::command(async)]
pub fn print_certificate(
    state: State<'_, AppState>,
    volunteer_id: i64,
    from: Option<String>,
    to: Option<String>,
    out: String,
) -> CmdResult<Printed> {
    let (from, to) = period(from, to)?;
    let certificate = state.with(|l| l.issue_certificate(volunteer_id, from, to))?;
    save_printed(volunteer_sheets::certificate_pdf(&certificate, local_now())?, out)
}

#[tauri::command(async)]
pub fn print_care_list(state: State<'_, AppState>, out: String, threshold_days: Option<i64>) -> CmdResult<Printed> {
    let (list, community) =
        state.with(|l| Ok((l.care_list(threshold_days)?, l.community_name()?.unwrap_or_default())))?;
    save_printed(care_sheet::care_checklist_pdf(&list, &community, local_now())?, out)
}
