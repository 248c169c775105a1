//! The app's shared state: where the database lives and the one open `Ledger`, behind a mutex
//! because commands run on worker threads while the window stays responsive.

use std::path::{Path, PathBuf};
use std::sync::Mutex;
use xinghe_ledger::{Error, Ledger};

pub struct AppState {
    db_path: PathBuf,
    ledger: Mutex<Option<Ledger>>,
    /// Why the existing file could not be opened, shown on the start screen.
    open_error: Mutex<Option<String>>,
}

impl AppState {
    /// Opens the database when the file exists; a missing file waits for the start screen.
    pub fn new(db_path: PathBuf) -> AppState {
        let state = AppState { db_path, ledger: Mutex::new(None), open_error: Mutex::new(None) };
        if state.db_path.exists() {
            match Ledger::open(&state.db_path) {
                Ok(ledger) => *state.lock() = Some(ledger),
                Err(e) => {
                    tracing::error!(path = %state.db_path.display(), "cannot open database: {e}");
                    *state.open_error.lock().unwrap_or_else(|p| p.into_inner()) = Some(e.to_string());
                }
            }
        }
        state
    }

    pub fn db_path(&self) -> &Path {
        &self.db_path
    }

    pub fn open_error(&self) -> Option<String> {
        self.open_error.lock().unwrap_or_else(|p| p.into_inner()).clone()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Option<Ledger>> {
        // A panic in one command must not lock the office out of its register.
        self.ledger.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Runs `f` on the open ledger.
    pub fn with<T>(&self, f: impl FnOnce(&mut Ledger) -> xinghe_ledger::Result<T>) -> xinghe_ledger::Result<T> {
        let mut guard = self.lock();
        let ledger = guard.as_mut().ok_or(Error::NoDatabase)?;
        f(ledger)
    }

    /// Creates the database file on first start: the demo community, or an empty one.
    pub fn create(&self, demo: bool, community_name: &str) -> xinghe_ledger::Result<()> {
        let mut guard = self.lock();
        if guard.is_some() {
            return Err(Error::Refused("数据库已经打开，不能重复创建".into()));
        }
        let mut ledger = Ledger::open(&self.db_path)?;
        if demo {
            ledger.create_demo(xinghe_ledger::demo::DEFAULT_HOUSEHOLDS, 20261128)?;
        }
        let name = community_name.trim();
        if !name.is_empty() {
            ledger.set_community_name(name)?;
        } else if !demo {
            return Err(Error::invalid("community_name", "请填写社区名称"));
        }
        *guard = Some(ledger);
        *self.open_error.lock().unwrap_or_else(|p| p.into_inner()) = None;
        Ok(())
    }
}
