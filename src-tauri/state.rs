//! The app's shared state: where the database lives and the one open `Ledger`, behind a mutex
//! because commands run on worker threads while the window stays responsive.

use std::path::{Path, PathBuf};
use std::sync::Mutex;
use xinghe_ledger::access::login::FilePasswords;
use xinghe_ledger::safety::recovery::{self, Recovery};
use xinghe_ledger::store::cipher::Passphrase;
use xinghe_ledger::store::failure;
use xinghe_ledger::values::dates::local_now;
use xinghe_ledger::{Error, Ledger};

pub struct AppState {
    /// Changes only when the start screen opens another database.
    db_path: Mutex<PathBuf>,
    ledger: Mutex<Option<Ledger>>,
    /// Why the existing file could not be opened (kind, message), shown on the start screen.
    open_error: Mutex<Option<(&'static str, String)>>,
    /// Wrong passwords typed for encrypted files in a row; after five, 30 seconds' wait.
    passwords: FilePasswords,
}

impl AppState {
    /// Opens the database when the file exists; a missing file waits for the start screen.
    pub fn new(db_path: PathBuf) -> AppState {
        let state = AppState {
            db_path: Mutex::new(db_path),
            ledger: Mutex::new(None),
            open_error: Mutex::new(None),
            passwords: FilePasswords::default(),
        };
        if state.db_path().exists() {
            let _ = state.open_existing();
        }
        state
    }

    pub fn db_path(&self) -> PathBuf {
        self.db_path.lock().unwrap_or_else(|p| p.into_inner()).clone()
    }

    pub fn open_error(&self) -> Option<String> {
        self.open_error.lock().unwrap_or_else(|p| p.into_inner()).as_ref().map(|(_, m)| m.clone())
    }

    /// The error's kind (corrupt, not_xinghe, read_only, disk_full, locked, …): which ways out
    /// the start screen offers.
    pub fn open_error_kind(&self) -> Option<&'static str> {
        self.open_error.lock().unwrap_or_else(|p| p.into_inner()).as_ref().map(|(k, _)| *k)
    }

    fn set_open_error(&self, error: Option<&Error>) {
        *self.open_error.lock().unwrap_or_else(|p| p.into_inner()) = error.map(|e| (e.kind(), e.to_string()));
    }

    /// Opens the file at the database path (at start-up, and 重试 on the start screen); on
    /// failure remembers why, and the file is left as it was.
    pub fn open_existing(&self) -> xinghe_ledger::Result<()> {
        let path = self.db_path();
        let mut guard = self.lock();
        if guard.is_some() {
            return Ok(());
        }
        match Ledger::open(&path) {
            Ok(ledger) => {
                *guard = Some(with_logins(ledger));
                self.set_open_error(None);
                Ok(())
            }
            Err(e) => {
                tracing::error!(path = %path.display(), "cannot open database: {e}");
                self.set_open_error(Some(&e));
                Err(e)
            }
        }
    }

    /// 打开其他数据库…: switches to the file at `path` (it must exist) when no register is open.
    pub fn open_other(&self, path: PathBuf) -> xinghe_ledger::Result<()> {
        if self.lock().is_some() {
            return Err(Error::Refused("数据库已经打开，请先关闭程序再打开其他数据库".into()));
        }
        if !path.is_file() {
            return Err(Error::invalid("path", format!("文件 {} 不存在", path.display())));
        }
        *self.db_path.lock().unwrap_or_else(|p| p.into_inner()) = path;
        self.open_existing()
    }

    /// The count of wrong passwords typed for encrypted files (crate::access::login's policy).
    pub fn passwords(&self) -> &FilePasswords {
        &self.passwords
    }

    /// Reads the backup at `path` (inspects or restores it, `read`) with the password `typed`
    /// for it, or else with the open register's own key (when someone is logged in).
    pub fn read_backup<T>(
        &self,
        path: &Path,
        typed: Option<&str>,
        read: impl FnOnce(Option<&Passphrase>) -> xinghe_ledger::Result<T>,
    ) -> xinghe_ledger::Result<T> {
        let own_key = self.with(|l| Ok(l.encryption_key().cloned())).ok().flatten();
        self.passwords.read_with(path, typed, own_key.as_ref(), read)
    }

    /// 从备份恢复 on the start screen: the broken file is renamed aside (never deleted), and the
    /// backup becomes a new database file at the configured path. `password` is the one an
    /// encrypted backup was made under; the new file is encrypted under it too.
    pub fn recover_from_backup(&self, backup: &Path, password: Option<&str>) -> xinghe_ledger::Result<Recovery> {
        let path = self.db_path();
        let mut guard = self.lock();
        if guard.is_some() {
            return Err(Error::Refused("数据库已经打开；请在“设置 → 数据备份”中从备份恢复".into()));
        }
        let restore = |key: Option<&Passphrase>| recovery::restore_into_new_file(&path, backup, local_now(), key);
        let (ledger, recovery) = self.passwords.read_with(backup, password, None, restore)?;
        *guard = Some(with_logins(ledger));
        self.set_open_error(None);
        Ok(recovery)
    }

    /// An encrypted register at the database path (the start screen's 解锁并登录): opened with the
    /// key owner's password, who is then logged in with it. A login that fails (say, a mistyped
    /// name) leaves the register open at the login screen. Wrong passwords count as every
    /// password typed for an encrypted file (`passwords`): after five in a row, 30 seconds' wait.
    pub fn open_encrypted(&self, name: &str, password: &str) -> xinghe_ledger::Result<()> {
        let path = self.db_path();
        let mut guard = self.lock();
        if guard.is_some() {
            return Err(Error::Refused("数据库已经打开".into()));
        }
        let opened =
            self.passwords.attempt(&path, || Ledger::open_with_password(&path, password).map_err(|e| e.at(&path)));
        let mut ledger = with_logins(opened?);
        if let Err(e) = ledger.log_in(name, password) {
            tracing::warn!("the register is unlocked, the login failed: {e}");
        }
        *guard = Some(ledger);
        self.set_open_error(None);
        Ok(())
    }

    /// 新建空白台账 in place of a file that cannot be opened: it is renamed aside first.
    pub fn start_fresh(&self, community_name: &str) -> xinghe_ledger::Result<Option<String>> {
        if community_name.trim().is_empty() {
            return Err(Error::invalid("community_name", "请填写社区名称"));
        }
        let path = self.db_path();
        let aside = if path.exists() && self.lock().is_none() {
            Some(failure::set_aside(&path, local_now())?.display().to_string())
        } else {
            None
        };
        self.create(false, community_name)?;
        Ok(aside)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Option<Ledger>> {
        // A panic in one command must not lock the office out of its register.
        self.ledger.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// A check for what the start screen also offers while no register is open: it applies
    /// only once a register is.
    pub fn check_if_open(&self, check: impl FnOnce(&Ledger) -> xinghe_ledger::Result<()>) -> xinghe_ledger::Result<()> {
        self.lock().as_ref().map_or(Ok(()), check)
    }

    /// Runs `f` on the open ledger for the logged-in operator (`signed_out` when nobody is).
    pub fn with<T>(&self, f: impl FnOnce(&mut Ledger) -> xinghe_ledger::Result<T>) -> xinghe_ledger::Result<T> {
        self.with_signed_out(|ledger| {
            ledger.refresh_session()?;
            f(ledger)
        })
    }

    /// Runs `f` on the open ledger whether or not anyone is logged in: logging in, the start
    /// and login screens, and the automatic backups.
    pub fn with_signed_out<T>(
        &self,
        f: impl FnOnce(&mut Ledger) -> xinghe_ledger::Result<T>,
    ) -> xinghe_ledger::Result<T> {
        let mut guard = self.lock();
        let ledger = guard.as_mut().ok_or(Error::NoDatabase)?;
        // A read-only, full, locked or damaged file is named in the message.
        f(ledger).map_err(|e| e.at(&self.db_path()))
    }

    /// Creates the database file on first start: the demo community, or an empty one.
    pub fn create(&self, demo: bool, community_name: &str) -> xinghe_ledger::Result<()> {
        let mut guard = self.lock();
        if guard.is_some() {
            return Err(Error::Refused("数据库已经打开，不能重复创建".into()));
        }
        let mut ledger = Ledger::open(&self.db_path())?;
        if demo {
            ledger.create_demo(xinghe_ledger::demo::DEFAULT_HOUSEHOLDS, 20261128)?;
        }
        let name = community_name.trim();
        if !name.is_empty() {
            ledger.set_community_name(name)?;
        } else if !demo {
            return Err(Error::invalid("community_name", "请填写社区名称"));
        }
        *guard = Some(with_logins(ledger));
        self.set_open_error(None);
        Ok(())
    }
}

/// In the app every action needs a logged-in operator; the first start creates one.
fn with_logins(mut ledger: Ledger) -> Ledger {
    ledger.require_login();
    ledger
}
