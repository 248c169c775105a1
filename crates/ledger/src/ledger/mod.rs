//! `Ledger`: one open register file. Owns the connection, the clock the register reads
//! ("today"), the search index cache, community settings, statistics and the health check.

pub mod access;

use crate::access::audit::Change;
use crate::error::Result;
use crate::store::cipher::Passphrase;
use crate::store::db::OpenMode;
use crate::values::dates::AGED_YEARS;
use crate::values::dates::{born_on_or_before, local_today};
use chrono::NaiveDate;
use rusqlite::{Connection, OptionalExtension};
use serde::Serialize;
use std::any::{Any, TypeId};
use std::collections::HashMap;
use std::path::{Path, PathBuf};

pub struct Ledger {
    pub(crate) conn: Connection,
    path: PathBuf,
    today: Option<NaiveDate>,
    operator: String,
    /// What features derive from the data and keep between calls (the search index).
    pub(crate) derived: Derived,
    /// True while the demo fills the register through the Ledger's methods (one 生成 record).
    pub(crate) audit_quiet: bool,
    /// Set by the app: every action needs a logged-in operator (crate::access::operators).
    pub(crate) login_required: bool,
    pub(crate) session: Option<crate::access::operators::Session>,
    pub(crate) login_failures: crate::access::operators::LoginFailures,
    /// The file's key when it is encrypted (crate::safety::encryption); every copy of it uses it too.
    pub(crate) key: Option<Passphrase>,
    /// Keeps every writer of user-chosen files off this register and its backups while it is
    /// open (crate::store::output); None in memory.
    _protection: Option<crate::store::output::Protection>,
}

/// Who is recorded as entering a change when the office has not named anyone.
/// Data a feature derives from the register and keeps between calls, one value per type (the
/// search index, crate::register::search): dropped whenever this Ledger changes the data. The
/// Ledger holds it without knowing the features that fill it.
#[derive(Default)]
pub(crate) struct Derived(HashMap<TypeId, Box<dyn Any + Send>>);

impl Derived {
    pub(crate) fn get<T: Any + Send>(&self) -> Option<&T> {
        self.0.get(&TypeId::of::<T>()).and_then(|value| value.downcast_ref())
    }

    pub(crate) fn put<T: Any + Send>(&mut self, value: T) -> &T {
        let slot = self.0.entry(TypeId::of::<T>()).insert_entry(Box::new(value));
        slot.into_mut().downcast_ref().expect("stored under its own type")
    }

    fn clear(&mut self) {
        self.0.clear();
    }
}

pub const DEFAULT_OPERATOR: &str = "社区工作人员";
/// The setting that names the person at this PC (录入人) until staff log in by name.
const OPERATOR_SETTING: &str = "operator_name";

/// SQL condition for a resident who is still part of the register's current lists.
pub(crate) const CURRENT: &str = "r.moved_out_on IS NULL AND r.died_on IS NULL";

#[derive(Debug, Clone, Serialize)]
pub struct HealthReport {
    pub healthy: bool,
    pub integrity: Vec<String>,
    pub foreign_key_violations: u64,
    pub schema_version: i64,
    pub supported_schema_version: i64,
    /// The first 操作日志 record that does not match the trail's hash chain (edited, or a record
    /// before it deleted or inserted behind the core's back); None while the chain holds.
    pub audit_chain: Option<crate::access::audit::ChainBreak>,
}

impl Ledger {
    pub fn open(path: &Path) -> Result<Ledger> {
        Ledger::open_keyed(path, None)
    }

    /// Opens a register that may be encrypted, with the administrator's password. A plain file
    /// opens as with `open` and the password is not kept; a wrong one gives `wrong_password`.
    pub fn open_with_password(path: &Path, password: &str) -> Result<Ledger> {
        Ledger::open_keyed(path, Some(Passphrase::new(password)?))
    }

    /// Opens a register only to read it (crate::store::db::OpenMode::Read): nothing is written to
    /// the register when the schema is current (a plain copy a killed rewrite left beside it is
    /// still removed), so statistics, checks, exports and backups work on a full disk, beside a
    /// writer holding the lock, and from a network folder. Every change through this Ledger is refused by
    /// SQLite (`query_only`). A new file or an older schema is opened as by `open`.
    pub fn open_for_reading(path: &Path) -> Result<Ledger> {
        Ledger::open_keyed_as(path, None, OpenMode::Read)
    }

    /// `open_for_reading` for a register that may be encrypted.
    pub fn open_for_reading_with_password(path: &Path, password: &str) -> Result<Ledger> {
        Ledger::open_keyed_as(path, Some(Passphrase::new(password)?), OpenMode::Read)
    }

    pub(crate) fn open_keyed(path: &Path, key: Option<Passphrase>) -> Result<Ledger> {
        Ledger::open_keyed_as(path, key, OpenMode::Write)
    }

    fn open_keyed_as(path: &Path, key: Option<Passphrase>, mode: OpenMode) -> Result<Ledger> {
        let (conn, encrypted) = crate::store::db::open_keyed(path, key.as_ref(), mode)?;
        let key = key.filter(|_| encrypted);
        // Not a write to the register: a plain copy a killed rewrite left must go at the first
        // open of any kind (the open connection proves no rewrite is running, crate::safety::encryption).
        crate::store::rewrite::remove_stale_rewrites(path);
        let mut ledger = Ledger {
            conn,
            path: path.to_path_buf(),
            today: None,
            operator: DEFAULT_OPERATOR.into(),
            derived: Derived::default(),
            audit_quiet: false,
            login_required: false,
            session: None,
            login_failures: Default::default(),
            key,
            _protection: crate::store::output::protect(path),
        };
        if let Some(name) = ledger.setting(OPERATOR_SETTING)? {
            ledger.set_operator(&name);
        }
        Ok(ledger)
    }

    /// A register that lives only in memory (dry runs against a file not created yet).
    pub fn open_in_memory() -> Result<Ledger> {
        let conn = crate::store::db::open_in_memory()?;
        Ok(Ledger {
            conn,
            path: PathBuf::new(),
            today: None,
            operator: DEFAULT_OPERATOR.into(),
            derived: Derived::default(),
            audit_quiet: false,
            login_required: false,
            session: None,
            login_failures: Default::default(),
            key: None,
            _protection: None,
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Pins "today" (tests, reproducible demos); otherwise the local date is used.
    pub fn set_today(&mut self, today: NaiveDate) {
        self.today = Some(today);
    }

    pub fn today(&self) -> NaiveDate {
        self.today.unwrap_or_else(local_today)
    }

    /// The person recorded as entering changes (hours ledger "录入人", review history).
    pub fn set_operator(&mut self, name: &str) {
        let name = name.trim();
        self.operator = if name.is_empty() { DEFAULT_OPERATOR.into() } else { name.into() };
    }

    /// The logged-in operator, or else the name set for this register or process.
    pub fn operator(&self) -> &str {
        self.session.as_ref().map_or(&self.operator, |s| &s.name)
    }

    /// Names the person recorded for changes made without a login (xinghe-cli, scheduled tasks),
    /// and remembers the name for the next start; a blank name goes back to the default.
    pub fn set_operator_name(&mut self, name: &str) -> Result<()> {
        self.require_admin("修改设置")?;
        let name = name.trim();
        if name.chars().count() > 20 {
            return Err(crate::Error::invalid("operator_name", "操作人姓名不能超过 20 个字"));
        }
        let actor = self.actor();
        let tx = self.conn.transaction()?;
        let before = crate::access::audit::settings_json(&tx, &[OPERATOR_SETTING])?;
        if name.is_empty() {
            tx.execute("DELETE FROM settings WHERE key = ?1", [OPERATOR_SETTING])?;
        } else {
            tx.execute(
                "INSERT INTO settings(key, value) VALUES (?1, ?2) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                [OPERATOR_SETTING, name],
            )?;
        }
        let after = crate::access::audit::settings_json(&tx, &[OPERATOR_SETTING])?;
        let summary = if name.is_empty() {
            "操作人恢复为默认".to_string()
        } else {
            format!("操作人设为“{name}”")
        };
        crate::access::audit::record(
            &tx,
            &actor,
            Change::new("修改", "设置", None, summary).before(before).after(after),
        )?;
        tx.commit()?;
        self.set_operator(name);
        Ok(())
    }

    pub(crate) fn aged_cutoff(&self) -> String {
        born_on_or_before(AGED_YEARS, self.today()).to_string()
    }

    /// Called after every committed write of this connection, whose own commits do not move
    /// SQLite's data_version.
    pub(crate) fn changed(&mut self) {
        self.derived.clear();
    }

    pub fn now_text() -> String {
        crate::values::dates::now_text()
    }

    /// True while the register holds no grids, households or residents.
    pub fn is_empty(&self) -> Result<bool> {
        let count: i64 = self.conn.query_row(
            "SELECT (SELECT count(*) FROM grids) + (SELECT count(*) FROM households) + (SELECT count(*) FROM residents)",
            [],
            |r| r.get(0),
        )?;
        Ok(count == 0)
    }

    pub fn setting(&self, key: &str) -> Result<Option<String>> {
        Ok(self.conn.query_row("SELECT value FROM settings WHERE key = ?1", [key], |r| r.get(0)).optional()?)
    }

    pub fn community_name(&self) -> Result<Option<String>> {
        self.setting("community_name")
    }

    pub fn set_community_name(&mut self, name: &str) -> Result<()> {
        self.require_admin("修改设置")?;
        let name = name.trim();
        if name.is_empty() {
            return Err(crate::Error::invalid("community_name", "请填写社区名称"));
        }
        let actor = self.actor();
        let tx = self.conn.transaction()?;
        let before = crate::access::audit::settings_json(&tx, &["community_name"])?;
        tx.execute(
            "INSERT INTO settings(key, value) VALUES ('community_name', ?1)
             ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            [name],
        )?;
        let after = crate::access::audit::settings_json(&tx, &["community_name"])?;
        let change = Change::new("修改", "设置", None, format!("社区名称设为“{name}”")).before(before).after(after);
        crate::access::audit::record(&tx, &actor, change)?;
        tx.commit()?;
        Ok(())
    }

    /// integrity_check, foreign_key_check and the schema version, as `xinghe-cli check` reports.
    /// Damage so bad that a check itself fails (SQLITE_CORRUPT) is reported as unhealthy, with
    /// SQLite's message among the findings; only a locked or unreadable file is an error.
    pub fn check(&self) -> Result<HealthReport> {
        let mut integrity: Vec<String> =
            match self.conn.prepare("PRAGMA integrity_check").and_then(|mut stmt| {
                stmt.query_map([], |r| r.get::<_, String>(0))?.collect::<rusqlite::Result<Vec<_>>>()
            }) {
                Ok(found) => found,
                Err(e)
                    if matches!(
                        e.sqlite_error_code(),
                        Some(rusqlite::ErrorCode::DatabaseCorrupt | rusqlite::ErrorCode::NotADatabase)
                    ) =>
                {
                    vec![format!("数据库已损坏：{e}")]
                }
                Err(e) => return Err(crate::Error::from(e).at(&self.path)),
            };
        if self.is_encrypted() && integrity == ["ok"] {
            // Each encrypted page carries an HMAC: this finds a page changed behind SQLCipher's
            // back that still happens to parse. It lists failures only.
            let tampered: Vec<String> = self
                .conn
                .prepare("PRAGMA cipher_integrity_check")
                .and_then(|mut stmt| stmt.query_map([], |r| r.get::<_, String>(0))?.collect())
                .unwrap_or_else(|e| vec![format!("加密校验失败：{e}")]);
            if !tampered.is_empty() {
                integrity = tampered;
            }
        }
        let foreign_key_violations = match self.conn.prepare("PRAGMA foreign_key_check") {
            Ok(mut fk) => fk.query_map([], |_| Ok(())).map(|rows| rows.count() as u64).unwrap_or(1),
            Err(_) => 1,
        };
        let schema_version: i64 = self.conn.pragma_query_value(None, "user_version", |r| r.get(0))?;
        let supported_schema_version = crate::store::db::schema_version();
        // A damaged file's trail cannot be read reliably: the integrity findings already say so.
        let audit_chain = if integrity == ["ok"] && schema_version == supported_schema_version {
            crate::access::audit::verify_chain(&self.conn).map_err(|e| e.at(&self.path))?
        } else {
            None
        };
        let healthy = integrity == ["ok"]
            && foreign_key_violations == 0
            && schema_version == supported_schema_version
            && audit_chain.is_none();
        Ok(HealthReport {
            healthy,
            integrity,
            foreign_key_violations,
            schema_version,
            supported_schema_version,
            audit_chain,
        })
    }
}
