//! The IPC commands: each one a few lines that call the core and return its errors as
//! `{kind, message, fields}`. Only this module (and lib.rs) knows about IPC.

use crate::files::{self, FileKind};
use crate::state::AppState;
use serde::Serialize;
use std::path::Path;
use tauri::ipc::Channel;
use tauri::{AppHandle, Runtime, State};
use xinghe_ledger::activities::{
    ActivityDetail, ActivityFilter, ActivityInput, ActivityOptions, ActivityRow, AttendanceCount, AttendanceMark,
    Attendee, CancelOutcome, Repeat, ResidentActivity, SeriesInput, SignupOutcome,
};
use xinghe_ledger::activity_sheets::{self, SheetOptions};
use xinghe_ledger::audit::{AuditFilter, AuditRow, ChainBreak};
use xinghe_ledger::care::CareList;
use xinghe_ledger::care_sheet;
use xinghe_ledger::dashboard::Dashboard;
use xinghe_ledger::dates::NaiveDate;
use xinghe_ledger::encryption::EncryptionStatus;
use xinghe_ledger::export::{RejectedRow, SavePdf};
use xinghe_ledger::hours::CertificateIssuer;
use xinghe_ledger::hours::{
    ActivityHours, HourEntryInput, HourEntryRow, HourEvent, HoursFilter, HoursReport, HoursReview,
};
use xinghe_ledger::import::{ImportOptions, ImportReport, Preview, Progress};
use xinghe_ledger::model::{
    BuildingInput, GridInput, Hierarchy, HouseholdDetail, HouseholdFilter, HouseholdInput, HouseholdRow, Options, Page,
    ResidentInput, ResidentRecord, Stats, UnitInput,
};
use xinghe_ledger::operators::{OperatorInput, OperatorRow, RevealedResident, Session, SessionStatus};
use xinghe_ledger::projects::{ProjectDetail, ProjectInput, ProjectRow};
use xinghe_ledger::roster::RosterOptions;
use xinghe_ledger::services::{ServiceDone, ServiceDoneInput, ServiceFilter, ServiceInput, ServiceRow};
use xinghe_ledger::volunteer_sheets;
use xinghe_ledger::volunteers::VolunteerSettings;
use xinghe_ledger::volunteers::{
    OrganisationDetail, OrganisationInput, OrganisationRow, VolunteerDetail, VolunteerFilter, VolunteerInput,
    VolunteerOptions, VolunteerRow,
};
use xinghe_ledger::{Error, FieldError, SearchHit};

/// What a rejected `invoke` carries to the frontend.
#[derive(Debug, Serialize, PartialEq)]
pub struct CommandError {
    pub kind: &'static str,
    pub message: String,
    pub fields: Vec<FieldError>,
}

impl From<Error> for CommandError {
    fn from(e: Error) -> Self {
        CommandError { kind: e.kind(), message: e.to_string(), fields: e.fields().to_vec() }
    }
}

type CmdResult<T> = Result<T, CommandError>;

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

#[tauri::command(async)]
pub fn app_info(state: State<'_, AppState>) -> CmdResult<AppInfo> {
    let opened = state.with_signed_out(|l| l.community_name());
    Ok(AppInfo {
        db_path: state.db_path().display().to_string(),
        opened: opened.is_ok(),
        community_name: opened.ok().flatten(),
        open_error: state.open_error(),
        open_error_kind: state.open_error_kind(),
        version: env!("CARGO_PKG_VERSION"),
        today: xinghe_ledger::dates::local_today().to_string(),
    })
}

#[tauri::command(async)]
pub fn create_database(state: State<'_, AppState>, mode: String, community_name: String) -> CmdResult<AppInfo> {
    state.create(mode == "demo", &community_name)?;
    app_info(state)
}

#[tauri::command(async)]
pub fn stats(state: State<'_, AppState>) -> CmdResult<Stats> {
    Ok(state.with(|l| l.stats())?)
}

#[tauri::command]
pub fn options() -> Options {
    xinghe_ledger::model::options()
}

#[tauri::command(async)]
pub fn hierarchy(state: State<'_, AppState>) -> CmdResult<Hierarchy> {
    Ok(state.with(|l| l.hierarchy())?)
}

#[tauri::command(async)]
pub fn set_community_name(state: State<'_, AppState>, name: String) -> CmdResult<()> {
    Ok(state.with(|l| l.set_community_name(&name))?)
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

#[tauri::command(async)]
pub fn pick_open_file<R: Runtime>(app: AppHandle<R>, kind: FileKind) -> Option<String> {
    files::pick_open(&app, kind).map(|p| p.display().to_string())
}

#[tauri::command(async)]
pub fn pick_save_file<R: Runtime>(app: AppHandle<R>, kind: FileKind, file_name: String) -> Option<String> {
    files::pick_save(&app, kind, &file_name).map(|p| p.display().to_string())
}

#[tauri::command(async)]
pub fn open_file<R: Runtime>(app: AppHandle<R>, path: String) -> CmdResult<()> {
    files::open_in_viewer(&app, Path::new(&path)).map_err(|message| CommandError {
        kind: "io",
        message,
        fields: vec![],
    })
}

#[tauri::command(async)]
pub fn preview_import(state: State<'_, AppState>, path: String, options: ImportOptions) -> CmdResult<Preview> {
    Ok(state.with(|l| l.preview_import(Path::new(&path), &options))?)
}

#[tauri::command(async)]
pub fn import_file(
    state: State<'_, AppState>,
    path: String,
    options: ImportOptions,
    on_progress: Channel<Progress>,
) -> CmdResult<ImportReport> {
    // A closed window only stops the progress bar, never the import.
    let mut report_progress = |p: Progress| {
        let _ = on_progress.send(p);
    };
    Ok(state.with(|l| l.import_file(Path::new(&path), &options, &mut report_progress))?)
}

#[tauri::command(async)]
pub fn export_rejected_rows(out: String, headers: Vec<String>, rows: Vec<RejectedRow>) -> CmdResult<()> {
    Ok(xinghe_ledger::export::write_rejected_rows(Path::new(&out), &headers, &rows)?)
}

#[tauri::command(async)]
pub fn export_residents(state: State<'_, AppState>, filter: HouseholdFilter, out: String) -> CmdResult<usize> {
    Ok(state.with(|l| l.export_residents(&filter, Path::new(&out)))?)
}

#[tauri::command(async)]
pub fn export_households(state: State<'_, AppState>, filter: HouseholdFilter, out: String) -> CmdResult<usize> {
    Ok(state.with(|l| l.export_households(&filter, Path::new(&out)))?)
}

#[derive(Debug, Serialize)]
pub struct Printed {
    pub path: String,
    pub pages: usize,
    /// Characters no font could print: the user is told to write them in by hand.
    pub missing_characters: String,
}

#[tauri::command(async)]
pub fn print_roster(
    state: State<'_, AppState>,
    out: String,
    grid: Option<String>,
    unmasked: bool,
) -> CmdResult<Printed> {
    let options = RosterOptions { unmasked, printed_at: chrono_now() };
    save_printed(state.with(|l| l.roster_pdf(grid.as_deref(), &options))?.1, out)
}

fn chrono_now() -> xinghe_ledger::dates::NaiveDateTime {
    xinghe_ledger::dates::local_now()
}

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

/// Which sheet of one session to print.
#[derive(Debug, Clone, Copy, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SheetKind {
    SignUp,
    SignIn,
}

fn save_printed(printed: xinghe_formats::pdf::PrintedPdf, out: String) -> CmdResult<Printed> {
    printed.save(Path::new(&out))?;
    Ok(Printed { path: out, pages: printed.pages, missing_characters: printed.missing_characters.iter().collect() })
}

#[tauri::command(async)]
pub fn print_activity_sheet(
    state: State<'_, AppState>,
    activity_id: i64,
    kind: SheetKind,
    out: String,
    blank_rows: Option<usize>,
) -> CmdResult<Printed> {
    let defaults = SheetOptions::new(chrono_now());
    let options = SheetOptions { blank_rows: blank_rows.unwrap_or(defaults.blank_rows), ..defaults };
    let sheet = state.with(|l| l.activity_sheet(activity_id))?;
    let printed = match kind {
        SheetKind::SignUp => activity_sheets::sign_up_sheet(&sheet, &options)?,
        SheetKind::SignIn => activity_sheets::sign_in_sheet(&sheet, &options)?,
    };
    save_printed(printed, out)
}

#[tauri::command(async)]
pub fn print_attendance(state: State<'_, AppState>, series_id: i64, out: String) -> CmdResult<Printed> {
    let grid = state.with(|l| l.attendance_grid(series_id))?;
    save_printed(activity_sheets::attendance_sheet(&grid, &SheetOptions::new(chrono_now()))?, out)
}

// ---- Volunteers, organisations, the hours ledger, reports and certificates ----

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

fn period(from: Option<String>, to: Option<String>) -> CmdResult<(Option<NaiveDate>, Option<NaiveDate>)> {
    Ok(xinghe_ledger::hours::parse_period(from.as_deref(), to.as_deref())?)
}

#[tauri::command(async)]
pub fn hours_report(state: State<'_, AppState>, from: Option<String>, to: Option<String>) -> CmdResult<HoursReport> {
    let (from, to) = period(from, to)?;
    Ok(state.with(|l| l.hours_report(from, to))?)
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
    save_printed(volunteer_sheets::hours_report_pdf(&report, &community, chrono_now())?, out)
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
pub fn print_certificate(
    state: State<'_, AppState>,
    volunteer_id: i64,
    from: Option<String>,
    to: Option<String>,
    out: String,
) -> CmdResult<Printed> {
    let (from, to) = period(from, to)?;
    let certificate = state.with(|l| l.issue_certificate(volunteer_id, from, to))?;
    save_printed(volunteer_sheets::certificate_pdf(&certificate, chrono_now())?, out)
}
// ---- end volunteers ----

// ---- Dashboard, care visits, services, projects, settings ----

#[tauri::command(async)]
pub fn dashboard(state: State<'_, AppState>) -> CmdResult<Dashboard> {
    Ok(state.with(|l| l.dashboard())?)
}

/// 操作日志: newest first, filtered and paged; ID numbers and phones masked.
#[tauri::command(async)]
pub fn audit_log(state: State<'_, AppState>, filter: AuditFilter) -> CmdResult<Page<AuditRow>> {
    Ok(state.with(|l| l.audit_log(&AuditFilter { unmasked: false, ..filter }))?)
}

/// Where the 操作日志's record chain first breaks (a record edited or removed behind the app's
/// back), or null while it holds.
#[tauri::command(async)]
pub fn audit_chain(state: State<'_, AppState>) -> CmdResult<Option<ChainBreak>> {
    Ok(state.with(|l| l.audit_chain())?)
}

#[tauri::command(async)]
pub fn audit_operators(state: State<'_, AppState>) -> CmdResult<Vec<String>> {
    Ok(state.with(|l| l.audit_operators())?)
}

#[tauri::command(async)]
pub fn care_list(state: State<'_, AppState>, threshold_days: Option<i64>) -> CmdResult<CareList> {
    Ok(state.with(|l| l.care_list(threshold_days))?)
}

#[tauri::command(async)]
pub fn set_care_visit_days(state: State<'_, AppState>, days: i64) -> CmdResult<()> {
    Ok(state.with(|l| l.set_care_visit_days(days))?)
}

#[tauri::command(async)]
pub fn print_care_list(state: State<'_, AppState>, out: String, threshold_days: Option<i64>) -> CmdResult<Printed> {
    let (list, community) =
        state.with(|l| Ok((l.care_list(threshold_days)?, l.community_name()?.unwrap_or_default())))?;
    save_printed(care_sheet::care_checklist_pdf(&list, &community, chrono_now())?, out)
}

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

#[tauri::command(async)]
pub fn volunteer_settings(state: State<'_, AppState>) -> CmdResult<VolunteerSettings> {
    Ok(state.with(|l| l.volunteer_settings())?)
}

#[tauri::command(async)]
pub fn session_status(state: State<'_, AppState>) -> CmdResult<SessionStatus> {
    Ok(state.with_signed_out(|l| l.session_status())?)
}

#[tauri::command(async)]
pub fn create_first_admin(state: State<'_, AppState>, name: String, password: String) -> CmdResult<Session> {
    Ok(state.with_signed_out(|l| l.create_first_admin(&name, &password))?)
}

#[tauri::command(async)]
pub fn log_in(state: State<'_, AppState>, name: String, password: String) -> CmdResult<Session> {
    Ok(state.with_signed_out(|l| l.log_in(&name, &password))?)
}

#[tauri::command(async)]
pub fn lock_session(state: State<'_, AppState>) -> CmdResult<()> {
    Ok(state.with_signed_out(|l| {
        l.lock();
        Ok(())
    })?)
}

#[tauri::command(async)]
pub fn list_operators(state: State<'_, AppState>) -> CmdResult<Vec<OperatorRow>> {
    Ok(state.with(|l| l.list_operators())?)
}

#[tauri::command(async)]
pub fn save_operator(state: State<'_, AppState>, input: OperatorInput) -> CmdResult<i64> {
    Ok(state.with(|l| l.save_operator(&input))?)
}

#[tauri::command(async)]
pub fn change_own_password(state: State<'_, AppState>, old_password: String, new_password: String) -> CmdResult<()> {
    Ok(state.with(|l| l.change_own_password(&old_password, &new_password))?)
}

#[tauri::command(async)]
pub fn set_idle_lock_minutes(state: State<'_, AppState>, minutes: u32) -> CmdResult<()> {
    Ok(state.with(|l| l.set_idle_lock_minutes(minutes))?)
}

/// 设置 → 数据加密: whether the file is encrypted and whose password unlocks it.
#[tauri::command(async)]
pub fn encryption_status(state: State<'_, AppState>) -> CmdResult<EncryptionStatus> {
    Ok(state.with(|l| l.encryption_status())?)
}

/// Encrypts the register (and its later backups) under the logged-in administrator's password.
#[tauri::command(async)]
pub fn encrypt_database(state: State<'_, AppState>, password: String) -> CmdResult<()> {
    Ok(state.with(|l| l.encrypt(&password))?)
}

#[tauri::command(async)]
pub fn decrypt_database(state: State<'_, AppState>, password: String) -> CmdResult<()> {
    Ok(state.with(|l| l.decrypt(&password))?)
}

/// The start screen's 解锁并登录 for an encrypted register; then the start-up backup, if due.
#[tauri::command(async)]
pub fn open_encrypted<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    name: String,
    password: String,
) -> CmdResult<AppInfo> {
    state.open_encrypted(&name, &password)?;
    crate::backups::start_up_in_background(&app);
    app_info(state)
}

/// 查看完整信息: one resident's full ID number and phone, for an administrator, audited.
#[tauri::command(async)]
pub fn reveal_resident(state: State<'_, AppState>, id: i64) -> CmdResult<RevealedResident> {
    Ok(state.with(|l| l.reveal_resident(id))?)
}

#[tauri::command(async)]
pub fn set_volunteer_prefix(state: State<'_, AppState>, prefix: String) -> CmdResult<()> {
    Ok(state.with(|l| l.set_volunteer_prefix(&prefix))?)
}

#[tauri::command(async)]
pub fn save_certificate_issuer(state: State<'_, AppState>, issuer: CertificateIssuer) -> CmdResult<()> {
    Ok(state.with(|l| l.save_certificate_issuer(&issuer))?)
}
// ---- end dashboard, care visits, services, projects, settings ----

// ---- Backups and restore ----

use crate::backups::Backups;
use std::path::PathBuf;
use xinghe_ledger::backup::{self, BackupCounts, BackupInfo, BackupMade, BackupStatus, RestoreReport};
use xinghe_ledger::dates::local_now;
use xinghe_ledger::encryption::Passphrase;

/// The settings page's backup section: where automatic copies go, the newest one, and why the
/// last automatic backup failed (if it did).
#[derive(Debug, Serialize)]
pub struct BackupStatusView {
    #[serde(flatten)]
    pub status: BackupStatus,
    pub last_error: Option<String>,
}

#[tauri::command(async)]
pub fn backup_status(state: State<'_, AppState>, backups: State<'_, Backups>) -> CmdResult<BackupStatusView> {
    state.check_if_open(|l| l.require_session())?;
    let status = backup::status(backups.folder(), &state.db_path(), local_now())?;
    Ok(BackupStatusView { status, last_error: backups.last_error() })
}

/// "Back up to…": a dated copy in `folder`, or in the folder the user picks; null when cancelled.
/// `unrecorded` is set when the copy is done but its 操作日志 record could not be written.
#[tauri::command(async)]
pub fn backup_to_folder<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    folder: Option<String>,
) -> CmdResult<Option<BackupMade>> {
    state.with(|l| l.require_admin("把数据备份到其他位置"))?;
    let Some(folder) = folder.map(PathBuf::from).or_else(|| files::pick_folder(&app, "选择备份位置（例如 U 盘）"))
    else {
        return Ok(None);
    };
    Ok(Some(state.with(|l| l.backup_to_folder(&folder, local_now()))?))
}

/// What a backup holds, beside the same figures for the current data.
#[derive(Debug, Serialize)]
pub struct BackupPreview {
    #[serde(flatten)]
    pub info: BackupInfo,
    pub current: Option<BackupCounts>,
    /// The register's community name when the backup is of another community (restoring it
    /// needs the user's explicit confirmation); None otherwise.
    pub other_community_than: Option<String>,
}

/// A password typed for a backup file; None when none was typed.
fn typed_key(password: Option<&str>) -> Result<Option<Passphrase>, Error> {
    password.map(Passphrase::new).transpose()
}

/// A backup read with a key (`keyed`) or without one failed: kind `needs_password` when it was
/// read without a password and could be encrypted (the screens then ask for the password it was
/// made under); a wrong password stays `wrong_password`.
fn backup_error(e: Error, path: &Path, keyed: bool) -> CommandError {
    let asks = !keyed && backup::needs_password(path, None, &e);
    let mut error = CommandError::from(e);
    if asks {
        error.kind = "needs_password";
    }
    error
}

/// Reads a backup (`path`, or the file the user picks) without changing anything; null when
/// cancelled. `backup_password` is the password the backup was made under, when it is not the
/// register's own key (the key owner changed it since, or encryption was turned off since).
#[tauri::command(async)]
pub fn inspect_backup<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    path: Option<String>,
    backup_password: Option<String>,
) -> CmdResult<Option<BackupPreview>> {
    state.check_if_open(|l| l.require_admin("从备份恢复"))?;
    let Some(path) = path.map(PathBuf::from).or_else(|| files::pick_open(&app, FileKind::Backup)) else {
        return Ok(None);
    };
    let info = match typed_key(backup_password.as_deref())? {
        Some(key) => state
            .try_password(&path, || backup::inspect_backup_with(&path, Some(&key)))
            .map_err(|e| backup_error(e, &path, true))?,
        None => {
            // A backup of an encrypted register is read with its key.
            let key = state.with(|l| Ok(l.encryption_key().cloned())).ok().flatten();
            backup::inspect_backup_with(&path, key.as_ref()).map_err(|e| backup_error(e, &path, key.is_some()))?
        }
    };
    let current = state.with(|l| l.backup_counts()).ok();
    let other_community_than = match state.with(|l| l.refuse_other_community(&info)) {
        Err(Error::OtherCommunity { current, .. }) => Some(current),
        _ => None,
    };
    Ok(Some(BackupPreview { info, current, other_community_than }))
}

/// Replaces the data with the backup at `path`, after a safety copy into the backup folder;
/// `backup_password` as for `inspect_backup` (the register keeps its own key, or none).
#[tauri::command(async)]
pub fn restore_backup(
    state: State<'_, AppState>,
    backups: State<'_, Backups>,
    path: String,
    backup_password: Option<String>,
    other_community: Option<bool>,
) -> CmdResult<RestoreReport> {
    let path = PathBuf::from(path);
    let other_community = other_community.unwrap_or(false);
    match typed_key(backup_password.as_deref())? {
        Some(key) => state
            .try_password(&path, || {
                let options = backup::RestoreOptions { backup_key: Some(&key), other_community };
                state.with(|l| l.restore(&path, backups.folder(), options))
            })
            .map_err(|e| backup_error(e, &path, true)),
        None => {
            let key = state.with(|l| Ok(l.encryption_key().cloned())).ok().flatten();
            let options = backup::RestoreOptions { backup_key: key.as_ref(), other_community };
            state
                .with(|l| l.restore(&path, backups.folder(), options))
                .map_err(|e| backup_error(e, &path, key.is_some()))
        }
    }
}
// ---- A database that cannot be opened: the start screen's ways out ----

/// One automatic backup found beside a database that cannot be opened: what it holds, or why it
/// cannot be used.
#[derive(Debug, Serialize)]
pub struct RecoveryBackup {
    pub path: String,
    pub file_name: String,
    pub info: Option<BackupInfo>,
    pub error: Option<String>,
    /// The backup could be encrypted and was read without its password (or with a wrong one):
    /// restoring it asks for the password it was made under.
    pub encrypted: bool,
}

/// The automatic backups of the configured database, newest first, each read without changing
/// it; with `password`, encrypted ones are read with it.
#[tauri::command(async)]
pub fn recovery_backups(
    state: State<'_, AppState>,
    backups: State<'_, Backups>,
    password: Option<String>,
) -> CmdResult<Vec<RecoveryBackup>> {
    let key = typed_key(password.as_deref())?;
    if key.is_some() {
        state.password_wait()?;
    }
    let found = backup::auto_backups(backups.folder(), &state.db_path())?;
    let read: Vec<_> = found.into_iter().map(|path| (backup::inspect_backup_with(&path, key.as_ref()), path)).collect();
    // One password typed counts once: opened if it opened any backup, wrong if only wrong.
    if key.is_some() {
        let encrypted = |p: &Path| !xinghe_ledger::encryption::is_plain_sqlite(p).unwrap_or(true);
        let opened = read.iter().find(|(r, p)| r.is_ok() && encrypted(p));
        let wrong = read.iter().find(|(r, _)| matches!(r, Err(Error::WrongPassword { .. })));
        match (opened, wrong) {
            (Some((_, path)), _) => state.password_tried(path, Ok(())),
            (None, Some((Err(e), path))) => state.password_tried(path, Err(e)),
            _ => {}
        }
    }
    Ok(read
        .into_iter()
        .map(|(read, path)| {
            let (info, error, encrypted) = match read {
                Ok(info) => (Some(info), None, false),
                Err(e) => {
                    let encrypted = backup::needs_password(&path, key.as_ref(), &e);
                    (None, Some(e.to_string()), encrypted)
                }
            };
            let file_name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
            RecoveryBackup { path: path.display().to_string(), file_name, info, error, encrypted }
        })
        .collect())
}

/// 从备份恢复 on the start screen: the broken file is renamed aside, the backup becomes a new file;
/// `password` is the one an encrypted backup was made under.
#[tauri::command(async)]
pub fn recover_from_backup(
    state: State<'_, AppState>,
    path: String,
    password: Option<String>,
) -> CmdResult<xinghe_ledger::failure::Recovery> {
    let path = PathBuf::from(path);
    state.recover_from_backup(&path, password.as_deref()).map_err(|e| backup_error(e, &path, password.is_some()))
}

/// 重试: opens the configured file again (after another program let go of it).
#[tauri::command(async)]
pub fn retry_open(state: State<'_, AppState>) -> CmdResult<AppInfo> {
    state.open_existing()?;
    app_info(state)
}

/// 打开其他数据库…: the file the user picks; null when cancelled.
#[tauri::command(async)]
pub fn open_other_database<R: Runtime>(app: AppHandle<R>, state: State<'_, AppState>) -> CmdResult<Option<AppInfo>> {
    let Some(path) = files::pick_open(&app, FileKind::Backup) else { return Ok(None) };
    state.open_other(path)?;
    Ok(Some(app_info(state)?))
}

/// 新建空白台账 in place of a file that cannot be opened (which is renamed aside, not deleted).
#[tauri::command(async)]
pub fn start_fresh(state: State<'_, AppState>, community_name: String) -> CmdResult<AppInfo> {
    state.start_fresh(&community_name)?;
    app_info(state)
}
// ---- end a database that cannot be opened ----
// ---- end backups and restore ----
