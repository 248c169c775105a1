//! Automatic backups of the open register: at start-up in a background thread (only when the
//! newest copy is more than a day old) and on exit. Knows the backup folder — `backups` in the
//! app-data folder, or beside a database given with --db, so a test or a second register never
//! rotates the office's copies — and the last failure, which the settings page shows.

use crate::state::AppState;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use tauri::{AppHandle, Manager, Runtime};
use xinghe_ledger::safety::backup::{self, AutoBackup};
use xinghe_ledger::values::dates::local_now;
use xinghe_ledger::Error;

pub struct Backups {
    folder: PathBuf,
    /// One automatic backup at a time: the start-up copy may still be running at exit.
    running: Mutex<()>,
    last_error: Mutex<Option<String>>,
}

impl Backups {
    pub fn new(folder: PathBuf) -> Backups {
        Backups { folder, running: Mutex::new(()), last_error: Mutex::new(None) }
    }

    pub fn folder(&self) -> &Path {
        &self.folder
    }

    /// Why the last automatic backup failed, until one succeeds.
    pub fn last_error(&self) -> Option<String> {
        self.last_error.lock().unwrap_or_else(|p| p.into_inner()).clone()
    }

    fn record(&self, when: &str, result: xinghe_ledger::Result<Option<AutoBackup>>) {
        let error = match result {
            Ok(Some(done)) => {
                tracing::info!(path = done.path, removed = done.removed.len(), "automatic backup at {when}");
                None
            }
            Ok(None) => return,
            Err(Error::NoDatabase) => return,
            Err(e) => {
                tracing::error!(folder = %self.folder.display(), "automatic backup at {when} failed: {e}");
                Some(format!("{when}自动备份失败：{e}"))
            }
        };
        *self.last_error.lock().unwrap_or_else(|p| p.into_inner()) = error;
    }

    /// The start-up backup, through a read-only connection of its own on the database file, so
    /// the window and its commands never wait for it. Nothing when no register is open (an
    /// encrypted one opens only once unlocked, and is then read with its key).
    pub fn at_start_up(&self, state: &AppState) {
        let Ok(key) = state.with_signed_out(|l| Ok(l.encryption_key().cloned())) else {
            return;
        };
        let _turn = self.running.lock().unwrap_or_else(|p| p.into_inner());
        self.record(
            "启动时",
            backup::auto_backup_file(&state.db_path(), &self.folder, local_now(), true, key.as_ref()),
        );
    }

    /// The exit backup: always, through the app's own connection.
    pub fn at_exit(&self, state: &AppState) {
        let _turn = self.running.lock().unwrap_or_else(|p| p.into_inner());
        self.record("退出时", state.with_signed_out(|l| l.auto_backup(&self.folder, local_now()).map(Some)));
    }
}

/// Starts the start-up backup on its own thread.
pub fn start_up_in_background<R: Runtime>(app: &AppHandle<R>) {
    let app = app.clone();
    let spawned = std::thread::Builder::new().name("xinghe-backup".into()).spawn(move || {
        let state = app.state::<AppState>();
        app.state::<Backups>().at_start_up(&state);
    });
    if let Err(e) = spawned {
        tracing::error!("cannot start the automatic backup: {e}");
    }
}

/// Called once the app is about to exit.
pub fn at_exit<R: Runtime>(app: &AppHandle<R>) {
    if let (Some(state), Some(backups)) = (app.try_state::<AppState>(), app.try_state::<Backups>()) {
        backups.at_exit(&state);
    }
}
