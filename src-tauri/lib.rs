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
        commands::app::app_info,
        commands::app::create_database,
        commands::dashboard::stats,
        commands::app::vocabularies,
        commands::register::hierarchy,
        commands::app::set_community_name,
        commands::register::save_grid,
        commands::register::save_building,
        commands::register::save_unit,
        commands::register::list_households,
        commands::register::get_household,
        commands::register::save_household,
        commands::register::move_out_household,
        commands::register::get_resident,
        commands::register::save_resident,
        commands::register::move_out_resident,
        commands::register::mark_deceased,
        commands::register::search,
        commands::dialogs::pick_open_file,
        commands::dialogs::pick_save_file,
        commands::dialogs::open_file,
        commands::import::preview_import,
        commands::import::import_file,
        commands::import::export_rejected_rows,
        commands::register::export_residents,
        commands::register::export_households,
        commands::printing::print_roster,
        commands::activities::activity_options,
        commands::activities::save_series,
        commands::activities::list_activities,
        commands::activities::get_activity,
        commands::activities::save_activity,
        commands::activities::create_sessions,
        commands::activities::update_future_sessions,
        commands::activities::cancel_activity,
        commands::activities::sign_up,
        commands::activities::sign_up_household,
        commands::activities::cancel_signup,
        commands::activities::mark_attendance,
        commands::activities::mark_all,
        commands::activities::add_walk_in,
        commands::activities::resident_activities,
        commands::printing::print_activity_sheet,
        commands::printing::print_attendance,
        // Dashboard, care visits, services, projects, settings.
        commands::dashboard::dashboard,
        commands::care::care_list,
        commands::audit::audit_log,
        commands::audit::audit_operators,
        commands::audit::audit_chain,
        commands::care::set_care_visit_days,
        commands::printing::print_care_list,
        commands::services::list_services,
        commands::services::get_service,
        commands::services::save_service,
        commands::services::complete_service,
        commands::services::cancel_service,
        commands::projects::list_projects,
        commands::projects::get_project,
        commands::projects::save_project,
        commands::projects::complete_milestone,
        commands::volunteers::volunteer_settings,
        commands::operators::session_status,
        commands::operators::create_first_admin,
        commands::operators::log_in,
        commands::operators::lock_session,
        commands::operators::list_operators,
        commands::operators::save_operator,
        commands::operators::change_own_password,
        commands::operators::set_idle_lock_minutes,
        commands::register::reveal_resident,
        commands::encryption::encryption_status,
        commands::encryption::encrypt_database,
        commands::encryption::decrypt_database,
        commands::encryption::open_encrypted,
        commands::volunteers::set_volunteer_prefix,
        commands::hours::save_certificate_issuer,
        // end dashboard, care visits, services, projects, settings
        // Volunteers, organisations, the hours ledger.
        commands::volunteers::volunteer_options,
        commands::volunteers::list_volunteers,
        commands::volunteers::get_volunteer,
        commands::volunteers::save_volunteer,
        commands::volunteers::leave_volunteer,
        commands::volunteers::list_organisations,
        commands::volunteers::get_organisation,
        commands::volunteers::save_organisation,
        commands::hours::list_hours,
        commands::hours::record_hours,
        commands::hours::record_activity_hours,
        commands::hours::review_hours,
        commands::hours::correct_hours,
        commands::hours::hour_entry_history,
        commands::hours::hours_report,
        commands::printing::print_hours_report,
        commands::hours::export_hours,
        commands::printing::print_certificate,
        // end volunteers
        // Backups and restore.
        commands::backup::backup_status,
        commands::backup::backup_to_folder,
        commands::backup::inspect_backup,
        commands::backup::restore_backup,
        commands::recovery::recovery_backups,
        commands::recovery::recover_from_backup,
        commands::recovery::retry_open,
        commands::recovery::open_other_database,
        commands::recovery::start_fresh,
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
