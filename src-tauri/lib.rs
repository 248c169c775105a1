//! The desktop app: wires the core (`xinghe-ledger`) to the webview. Resolves where the
//! database lives, registers the commands and plugins, and starts the window.

pub mod backups;
pub mod commands;
pub mod files;
pub mod navigation;
pub mod state;

use state::AppState;
use std::path::PathBuf;
use tauri::{Manager, Runtime};

/// How the app was started: `--db PATH` (or XINGHE_DB) and `--demo`.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct LaunchOptions {
    pub db: Option<PathBuf>,
    /// Create the demo community when no database exists yet (the README's run command).
    pub demo_if_missing: bool,
}

impl LaunchOptions {
    pub fn parse(args: impl IntoIterator<Item = String>, env_db: Option<String>) -> LaunchOptions {
        let mut options =
            LaunchOptions { db: env_db.filter(|s| !s.is_empty()).map(PathBuf::from), ..Default::default() };
        let mut args = args.into_iter();
        while let Some(arg) = args.next() {
            match arg.as_str() {
                "--db" => options.db = args.next().map(PathBuf::from),
                "--demo" => options.demo_if_missing = true,
                other => {
                    if let Some(path) = other.strip_prefix("--db=") {
                        options.db = Some(PathBuf::from(path));
                    }
                }
            }
        }
        options
    }
}

/// Registers the state and every command on a builder (the real one, or tauri's mock in tests).
pub fn with_commands<R: Runtime>(builder: tauri::Builder<R>) -> tauri::Builder<R> {
    builder.invoke_handler(tauri::generate_handler![
        commands::app_info,
        commands::create_database,
        commands::stats,
        commands::vocabularies,
        commands::hierarchy,
        commands::set_community_name,
        commands::save_grid,
        commands::save_building,
        commands::save_unit,
        commands::list_households,
        commands::get_household,
        commands::save_household,
        commands::move_out_household,
        commands::get_resident,
        commands::save_resident,
        commands::move_out_resident,
        commands::mark_deceased,
        commands::search,
        commands::pick_open_file,
        commands::pick_save_file,
        commands::open_file,
        commands::preview_import,
        commands::import_file,
        commands::export_rejected_rows,
        commands::export_residents,
        commands::export_households,
        commands::print_roster,
        commands::activity_options,
        commands::save_series,
        commands::list_activities,
        commands::get_activity,
        commands::save_activity,
        commands::create_sessions,
        commands::update_future_sessions,
        commands::cancel_activity,
        commands::sign_up,
        commands::sign_up_household,
        commands::cancel_signup,
        commands::mark_attendance,
        commands::mark_all,
        commands::add_walk_in,
        commands::resident_activities,
        commands::print_activity_sheet,
        commands::print_attendance,
        // Dashboard, care visits, services, projects, settings.
        commands::dashboard,
        commands::care_list,
        commands::audit_log,
        commands::audit_operators,
        commands::audit_chain,
        commands::set_care_visit_days,
        commands::print_care_list,
        commands::list_services,
        commands::get_service,
        commands::save_service,
        commands::complete_service,
        commands::cancel_service,
        commands::list_projects,
        commands::get_project,
        commands::save_project,
        commands::complete_milestone,
        commands::volunteer_settings,
        commands::session_status,
        commands::create_first_admin,
        commands::log_in,
        commands::lock_session,
        commands::list_operators,
        commands::save_operator,
        commands::change_own_password,
        commands::set_idle_lock_minutes,
        commands::reveal_resident,
        commands::encryption_status,
        commands::encrypt_database,
        commands::decrypt_database,
        commands::open_encrypted,
        commands::set_volunteer_prefix,
        commands::save_certificate_issuer,
        // end dashboard, care visits, services, projects, settings
        // Volunteers, organisations, the hours ledger.
        commands::volunteer_options,
        commands::list_volunteers,
        commands::get_volunteer,
        commands::save_volunteer,
        commands::leave_volunteer,
        commands::list_organisations,
        commands::get_organisation,
        commands::save_organisation,
        commands::list_hours,
        commands::record_hours,
        commands::record_activity_hours,
        commands::review_hours,
        commands::correct_hours,
        commands::hour_entry_history,
        commands::hours_report,
        commands::print_hours_report,
        commands::export_hours,
        commands::print_certificate,
        // end volunteers
        // Backups and restore.
        commands::backup_status,
        commands::backup_to_folder,
        commands::inspect_backup,
        commands::restore_backup,
        commands::recovery_backups,
        commands::recover_from_backup,
        commands::retry_open,
        commands::open_other_database,
        commands::start_fresh,
        // end backups
    ])
}

pub fn run() {
    tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info".into()))
        .with_writer(std::io::stderr)
        .init();
    // A rewrite's plain temporary copy goes with the process on SIGTERM too (as by default, the
    // process then ends without the exit backup).
    xinghe_ledger::store::cleanup::install_signal_handlers();
    let options = LaunchOptions::parse(std::env::args().skip(1), std::env::var("XINGHE_DB").ok());
    // A malformed XINGHE_TODAY (a testing setting) stops the app before any date is shown.
    if let Err(message) = xinghe_ledger::values::dates::pinned_today() {
        tracing::error!("{message}");
        std::process::exit(2);
    }
    let builder = tauri::Builder::default()
        // First plugin, so a second start only focuses the open window.
        .plugin(tauri_plugin_single_instance::init(|app, _args, _cwd| {
            if let Some(window) = app.get_webview_window("main") {
                let _ = window.unminimize();
                let _ = window.set_focus();
            }
        }))
        .plugin(tauri_plugin_dialog::init())
        .plugin(tauri_plugin_opener::init())
        // The webview shows only the app's own pages (with the CSP: no network request at all).
        .plugin(navigation::stay_in_the_app())
        .setup(move |app| {
            let db_path = match &options.db {
                Some(path) => path.clone(),
                None => app.path().app_data_dir()?.join("xinghe.db"),
            };
            if options.demo_if_missing && !db_path.exists() {
                let state = AppState::new(db_path.clone());
                state.create(true, "")?;
                app.manage(state);
            } else {
                app.manage(AppState::new(db_path));
            }
            // Automatic backups: in the app-data folder, or beside a database given with --db.
            let backup_folder = match &options.db {
                Some(path) => xinghe_ledger::safety::backup::default_folder(path),
                None => app.path().app_data_dir()?.join("backups"),
            };
            app.manage(backups::Backups::new(backup_folder));
            backups::start_up_in_background(app.handle());
            Ok(())
        });
    let app = with_commands(builder).build(tauri::generate_context!()).unwrap_or_else(|e| {
        tracing::error!("the app could not start: {e}");
        std::process::exit(1);
    });
    app.run(|handle, event| {
        if let tauri::RunEvent::Exit = event {
            backups::at_exit(handle);
        }
    });
}

#[cfg(test)]
mod tests;
