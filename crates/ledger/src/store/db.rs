//! Opening a Xinghe database: refusing foreign files untouched, setting the pragmas every
//! connection needs, and applying the append-only migrations tracked by `PRAGMA user_version`.

use crate::error::{Error, Result};
use crate::store::cipher::{apply_key, Passphrase};
use rusqlite::{Connection, ErrorCode, OpenFlags};
use std::path::Path;
use std::time::Duration;

use crate::store::sqlite_file::read_only_uri;
pub use crate::store::sqlite_file::APPLICATION_ID;

/// Append-only: the schema version is the number of migrations applied.
const MIGRATIONS: &[&str] = &[
    include_str!("../../migrations/0001_register.sql"),
    include_str!("../../migrations/0002_activities.sql"),
    include_str!("../../migrations/0003_volunteers.sql"),
    include_str!("../../migrations/0004_audit.sql"),
    include_str!("../../migrations/0005_operators.sql"),
    include_str!("../../migrations/0006_register_identity.sql"),
    include_str!("../../migrations/0007_audit_chain.sql"),
    include_str!("../../migrations/0008_resident_volunteers.sql"),
];

/// Rust code that belongs to a migration: `run` goes right after migration `version`'s SQL, in
/// the same transaction, once per register (a restored older backup included). The module that
/// owns the data declares it into `MIGRATION_STEPS` with `#[linkme::distributed_slice]`, so the
/// store runs it without naming a feature: the dependency points from the feature to the store.
/// (linkme rather than a list here: a list would make the store depend on every feature.)
pub struct MigrationStep {
    pub version: i64,
    pub run: fn(&Connection) -> Result<()>,
}

#[linkme::distributed_slice]
pub static MIGRATION_STEPS: [MigrationStep];

pub fn schema_version() -> i64 {
    MIGRATIONS.len() as i64
}

/// How a register is opened.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OpenMode {
    /// To change it (the app, and every command that writes): a new file is created, migrations
    /// run, and a register on a network folder is refused (crate::store::network_folder).
    Write,
    /// Only to read it (statistics, checks, search, exports without an audit row, backups):
    /// nothing at all is written to the disk when the schema is current, so a full disk or a
    /// writer holding the lock does not stop it, and the connection is `query_only`. A file that
    /// is new or needs a migration is opened as for `Write`.
    Read,
}

/// Opens (creating if needed) and migrates the database at `path`. A damaged, read-only, full or
/// locked file gives its own error naming the file (crate::store::failure), and is never rewritten.
/// An encrypted file cannot be opened this way: it is reported as `corrupt` (see `open_with`).
pub fn open(path: &Path) -> Result<Connection> {
    open_with(path, None)
}

/// `open` for a register that may be encrypted (crate::safety::encryption): `key` is applied to the
/// read-only inspection and to the connection returned. A wrong key gives `wrong_password`. A
/// plain or new file opens without the key: a key never turns encryption on by itself.
pub fn open_with(path: &Path, key: Option<&Passphrase>) -> Result<Connection> {
    open_keyed(path, key, OpenMode::Write).map(|(conn, _)| conn)
}

/// `open_with` in `mode` (`Read` opens as `Write` a new file or one that needs a migration); also
/// whether the key was used (the file is encrypted).
pub(crate) fn open_keyed(path: &Path, key: Option<&Passphrase>, mode: OpenMode) -> Result<(Connection, bool)> {
    let stubs = Stubs::before(path);
    let opened =
        open_unnamed(path, key, mode).map_err(|e| crate::store::cipher::wrong_password(e.at_open(path), path, key));
    if let Err(Error::DiskFull { .. }) = &opened {
        stubs.remove();
    }
    opened
}

/// The -wal and -shm files beside a register that an open on a full disk starts and cannot
/// finish: a -shm shorter than SQLite's 32 KB index (no connection can be using it) and an empty
/// -wal, which were not there before. They are removed, so a failed open leaves nothing behind.
struct Stubs {
    wal: Option<std::path::PathBuf>,
    shm: Option<std::path::PathBuf>,
}

impl Stubs {
    fn before(path: &Path) -> Stubs {
        let side = |suffix: &str| {
            let mut name = path.as_os_str().to_owned();
            name.push(suffix);
            Some(std::path::PathBuf::from(name)).filter(|p| !p.exists())
        };
        Stubs { wal: side("-wal"), shm: side("-shm") }
    }

    /// True when the -wal was there before the open.
    fn had_wal(&self) -> bool {
        self.wal.is_none()
    }

    fn remove(&self) {
        let size = |p: &Option<std::path::PathBuf>| p.as_ref().and_then(|p| std::fs::metadata(p).ok()).map(|m| m.len());
        if size(&self.shm).is_some_and(|n| n < 32 * 1024) {
            let _ = std::fs::remove_file(self.shm.as_ref().unwrap());
            if size(&self.wal) == Some(0) {
                let _ = std::fs::remove_file(self.wal.as_ref().unwrap());
            }
        }
    }
}

fn open_unnamed(path: &Path, key: Option<&Passphrase>, mode: OpenMode) -> Result<(Connection, bool)> {
    if path.is_dir() {
        return Err(Error::Refused(format!(
            "{} 是一个文件夹，不是数据库文件；请指定文件夹中的 .db 文件",
            path.display()
        )));
    }
    let exists = path.exists();
    if exists {
        // Even a read-only connection would leave read-only -wal/-shm files beside a read-only
        // file, which would stay read-only after the file itself is made writable again.
        if std::fs::metadata(path)?.permissions().readonly() {
            return Err(Error::ReadOnly { path: None, detail: "文件属性为只读".into() });
        }
    }
    let key = crate::store::cipher::key_for(path, key)?;
    if mode == OpenMode::Read && exists {
        if let Some(conn) = open_for_reading(path, key)? {
            return Ok((conn, key.is_some()));
        }
    }
    crate::store::network_folder::refuse_writing(path)?;
    if exists {
        inspect_existing(path, key)?;
    } else if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent)?;
    }
    let mut conn = Connection::open(path)?;
    if let Some(key) = key {
        apply_key(&conn, key)?;
    }
    configure(&conn)?;
    migrate(&mut conn)?;
    Ok((conn, key.is_some()))
}

/// A connection that only reads the register, or None when the file needs writing first (empty,
/// or an older schema to migrate). The file is inspected read-only first, as for a writer. On a
/// disk too full for SQLite's shared-memory file (the -shm beside the register, 32 KB), the
/// index of the WAL is kept in this process's memory instead (locking_mode EXCLUSIVE, which
/// holds other programs off while the command runs: the price of reading a full disk at all).
fn open_for_reading(path: &Path, key: Option<&Passphrase>) -> Result<Option<Connection>> {
    let stubs = Stubs::before(path);
    let (conn, version) = match inspect_existing(path, key) {
        Ok(Some(version)) if version == schema_version() => (reader(path, key, false)?, version),
        Ok(_) => return Ok(None),
        Err(Error::DiskFull { .. }) => {
            let in_memory = reader(path, key, true).and_then(|conn| Ok((inspect(&conn, path)?, conn)));
            let (version, conn) = match in_memory {
                Ok(found) => found,
                // Not even an empty -wal can be created (no inode left). Without a -wal the file
                // alone is the whole register, and no writer can start on this disk: it is read
                // as it stands, without locks (SQLite's `immutable`).
                Err(Error::DiskFull { .. }) if !stubs.had_wal() => {
                    let conn = immutable_reader(path, key)?;
                    (inspect(&conn, path)?, conn)
                }
                Err(e) => return Err(e),
            };
            // This connection holds the file's exclusive lock: the read-only attempt's stubs go.
            stubs.remove();
            (conn, version.unwrap_or_default())
        }
        Err(e) => return Err(e),
    };
    if version != schema_version() {
        // A migration needs room on the disk; the full disk is the reason it cannot run.
        return Err(Error::DiskFull { path: Some(path.to_path_buf()) });
    }
    Ok(Some(conn))
}

/// The connection of `OpenMode::Read`: never creates the file, writes nothing (`query_only`),
/// and on a network folder does not checkpoint when it closes (another PC's WAL is not ours).
fn reader(path: &Path, key: Option<&Passphrase>, index_in_memory: bool) -> Result<Connection> {
    let conn = Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX)?;
    if let Some(key) = key {
        apply_key(&conn, key)?;
    }
    if index_in_memory {
        conn.pragma_update(None, "locking_mode", "EXCLUSIVE")?;
    }
    conn.pragma_update(None, "query_only", "ON")?;
    conn.pragma_update(None, "foreign_keys", "ON")?;
    conn.busy_timeout(Duration::from_secs(5))?;
    if crate::store::network_folder::network_kind(path).is_some() {
        conn.set_db_config(rusqlite::config::DbConfig::SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, true)?;
    }
    Ok(conn)
}

/// A read-only connection that reads the file as it stands, with no lock, -wal or -shm: only for
/// a disk where no file can be created (see `open_for_reading`).
fn immutable_reader(path: &Path, key: Option<&Passphrase>) -> Result<Connection> {
    let uri = read_only_uri(path, true);
    let flags = OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX | OpenFlags::SQLITE_OPEN_URI;
    let conn = Connection::open_with_flags(uri, flags)?;
    if let Some(key) = key {
        apply_key(&conn, key)?;
    }
    conn.pragma_update(None, "foreign_keys", "ON")?;
    Ok(conn)
}

/// A fresh database in memory with the full schema: a dry run on a file that does not exist
/// yet must still be checked against the real schema, and must create no file.
pub fn open_in_memory() -> Result<Connection> {
    let mut conn = Connection::open_in_memory()?;
    conn.pragma_update(None, "foreign_keys", "ON")?;
    migrate(&mut conn)?;
    Ok(conn)
}

/// Looks at an existing file read-only, so a file that is not ours is refused unmodified.
/// Returns its schema version, or None for an empty file (a register about to be created).
fn inspect_existing(path: &Path, key: Option<&Passphrase>) -> Result<Option<i64>> {
    if std::fs::metadata(path)?.len() == 0 {
        return Ok(None);
    }
    let conn = Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX)
        .map_err(|e| refused(path, e))?;
    if let Some(key) = key {
        apply_key(&conn, key)?;
    }
    inspect(&conn, path)
}

/// Why a file could not be inspected. Not SQLite at all or damaged (NOTADB, CORRUPT), locked:
/// those errors. A WAL database in a folder that cannot be written cannot even be read (SQLite
/// needs its -shm file): that is a read-only folder, not a foreign file; on a full disk the -shm
/// cannot grow: that is a full disk. Any other I/O failure is told as it is; anything else
/// (a query SQLite refuses on a file that parses): not ours.
fn refused(path: &Path, e: rusqlite::Error) -> Error {
    let io_failure =
        matches!(e.sqlite_error_code(), Some(ErrorCode::SystemIoFailure | ErrorCode::DiskFull | ErrorCode::CannotOpen));
    match Error::from(e) {
        Error::DiskFull { .. } => Error::DiskFull { path: Some(path.to_path_buf()) },
        Error::Database(_) if io_failure && crate::store::failure::no_room_on_disk(path) => {
            Error::DiskFull { path: Some(path.to_path_buf()) }
        }
        Error::Database(e) if crate::store::failure::read_only_on_disk(path) => {
            Error::ReadOnly { path: Some(path.to_path_buf()), detail: e.to_string() }
        }
        Error::Database(e) if io_failure => {
            Error::Io(std::io::Error::other(format!("无法读取数据库 {}：{e}", path.display())))
        }
        Error::Database(_) => Error::NotXinghe { path: path.to_path_buf() },
        other => other.at(path),
    }
}

/// The schema version of a file that is ours (None: an empty SQLite file, nothing in it yet).
fn inspect(conn: &Connection, path: &Path) -> Result<Option<i64>> {
    let refused = |e| refused(path, e);
    let application_id: i32 = conn.pragma_query_value(None, "application_id", |r| r.get(0)).map_err(refused)?;
    let version: i64 = conn.pragma_query_value(None, "user_version", |r| r.get(0)).map_err(refused)?;
    // Reading the schema finds a damaged first page or schema table; the rest of the file is
    // not scanned at every start (Ledger::check does that, and reads meet damage as `corrupt`).
    let tables: i64 = conn.query_row("SELECT count(*) FROM sqlite_master", [], |r| r.get(0)).map_err(refused)?;
    if application_id != APPLICATION_ID && (tables > 0 || version != 0) {
        return Err(Error::NotXinghe { path: path.to_path_buf() });
    }
    if version > schema_version() {
        return Err(Error::NewerSchema { found: version, supported: schema_version() });
    }
    Ok((application_id == APPLICATION_ID).then_some(version))
}

fn configure(conn: &Connection) -> Result<()> {
    // WAL + synchronous=FULL: a committed transaction survives a power cut.
    let mode: String = conn.pragma_update_and_check(None, "journal_mode", "WAL", |r| r.get(0))?;
    if !mode.eq_ignore_ascii_case("wal") {
        tracing::warn!(mode, "WAL not available; using the rollback journal");
    }
    conn.pragma_update(None, "synchronous", "FULL")?;
    conn.pragma_update(None, "foreign_keys", "ON")?;
    conn.busy_timeout(Duration::from_secs(5))?;
    Ok(())
}

/// Also run by a restore, on an older backup copied into the open connection.
/// Writes nothing (takes no write lock) when the schema is current and the file is marked ours.
pub(crate) fn migrate(conn: &mut Connection) -> Result<()> {
    let current = |conn: &Connection| -> Result<bool> {
        let version: i64 = conn.pragma_query_value(None, "user_version", |r| r.get(0))?;
        let application_id: i32 = conn.pragma_query_value(None, "application_id", |r| r.get(0))?;
        Ok(version == schema_version() && application_id == APPLICATION_ID)
    };
    if current(conn)? {
        return Ok(());
    }
    let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
    migrate_in(&tx)?;
    tx.commit()?;
    Ok(())
}

/// The migrations of `main`, inside a transaction the caller holds (a restore replaces the data
/// and brings an older backup up to date in one transaction).
pub(crate) fn migrate_in(conn: &Connection) -> Result<()> {
    let current: i64 = conn.query_row("PRAGMA main.user_version", [], |r| r.get(0))?;
    if current > schema_version() {
        return Err(Error::NewerSchema { found: current, supported: schema_version() });
    }
    for (index, sql) in MIGRATIONS.iter().enumerate().skip(current as usize) {
        conn.execute_batch(sql)?;
        let version = index as i64 + 1;
        for step in MIGRATION_STEPS.iter().filter(|step| step.version == version) {
            (step.run)(conn)?;
        }
        conn.execute_batch(&format!("PRAGMA main.user_version = {version}"))?;
    }
    conn.execute_batch(&format!("PRAGMA main.application_id = {APPLICATION_ID}"))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_new_file_gets_the_schema_and_pragmas() {
        let dir = tempfile::tempdir().unwrap();
        let conn = open(&dir.path().join("a.db")).unwrap();
        let version: i64 = conn.pragma_query_value(None, "user_version", |r| r.get(0)).unwrap();
        assert_eq!(version, schema_version());
        let fk: i64 = conn.pragma_query_value(None, "foreign_keys", |r| r.get(0)).unwrap();
        assert_eq!(fk, 1);
        let sync: i64 = conn.pragma_query_value(None, "synchronous", |r| r.get(0)).unwrap();
        assert_eq!(sync, 2, "FULL");
        let mode: String = conn.pragma_query_value(None, "journal_mode", |r| r.get(0)).unwrap();
        assert_eq!(mode, "wal");
    }

    #[test]
    fn a_text_file_is_refused_and_left_unchanged() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("notes.db");
        std::fs::write(&path, "这不是数据库").unwrap();
        let err = open(&path).unwrap_err();
        // Not SQLite at all: told as damaged or not a database, which a restore is the way out of.
        assert_eq!(err.kind(), "corrupt");
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "这不是数据库");
    }

    #[test]
    fn another_programs_sqlite_file_is_refused_and_left_unchanged() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("other.db");
        Connection::open(&path).unwrap().execute_batch("CREATE TABLE t(x); INSERT INTO t VALUES (1);").unwrap();
        let before = std::fs::read(&path).unwrap();
        assert_eq!(open(&path).unwrap_err().kind(), "not_xinghe");
        assert_eq!(std::fs::read(&path).unwrap(), before);
    }

    #[test]
    fn a_newer_schema_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("new.db");
        drop(open(&path).unwrap());
        Connection::open(&path).unwrap().pragma_update(None, "user_version", 99).unwrap();
        assert_eq!(open(&path).unwrap_err().kind(), "newer_schema");
    }

    #[test]
    fn reopening_keeps_the_version() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("x.db");
        drop(open(&path).unwrap());
        drop(open(&path).unwrap());
        let conn = open(&path).unwrap();
        let version: i64 = conn.pragma_query_value(None, "user_version", |r| r.get(0)).unwrap();
        assert_eq!(version, schema_version());
    }
}
