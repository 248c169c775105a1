//! Opening a Xinghe database: refusing foreign files untouched, setting the pragmas every
//! connection needs, and applying the append-only migrations tracked by `PRAGMA user_version`.

use crate::encryption::{apply_key, Passphrase};
use crate::error::{Error, Result};
use rusqlite::{Connection, OpenFlags};
use std::path::Path;
use std::time::Duration;

/// Marks the file as ours in the SQLite header ("XHTZ"), so a stray .db is never adopted.
pub const APPLICATION_ID: i32 = 0x5848_545A;

/// Append-only: the schema version is the number of migrations applied.
const MIGRATIONS: &[&str] = &[
    include_str!("../migrations/0001_register.sql"),
    include_str!("../migrations/0002_activities.sql"),
    include_str!("../migrations/0003_volunteers.sql"),
    include_str!("../migrations/0004_audit.sql"),
    include_str!("../migrations/0005_operators.sql"),
    include_str!("../migrations/0006_register_identity.sql"),
];

pub fn schema_version() -> i64 {
    MIGRATIONS.len() as i64
}

/// Opens (creating if needed) and migrates the database at `path`. A damaged, read-only, full or
/// locked file gives its own error naming the file (crate::failure), and is never rewritten.
/// An encrypted file cannot be opened this way: it is reported as `corrupt` (see `open_with`).
pub fn open(path: &Path) -> Result<Connection> {
    open_with(path, None)
}

/// `open` for a register that may be encrypted (crate::encryption): `key` is applied to the
/// read-only inspection and to the connection returned. A wrong key gives `wrong_password`. A
/// plain or new file opens without the key: a key never turns encryption on by itself.
pub fn open_with(path: &Path, key: Option<&Passphrase>) -> Result<Connection> {
    open_keyed(path, key).map(|(conn, _)| conn)
}

/// `open_with`, and whether the key was used (the file is encrypted).
pub(crate) fn open_keyed(path: &Path, key: Option<&Passphrase>) -> Result<(Connection, bool)> {
    open_unnamed(path, key).map_err(|e| crate::encryption::wrong_password(e.at_open(path), path, key))
}

fn open_unnamed(path: &Path, key: Option<&Passphrase>) -> Result<(Connection, bool)> {
    if path.is_dir() {
        return Err(Error::Refused(format!(
            "{} 是一个文件夹，不是数据库文件；请指定文件夹中的 .db 文件",
            path.display()
        )));
    }
    let key = if path.exists() {
        // Even a read-only connection would leave read-only -wal/-shm files beside a read-only
        // file, which would stay read-only after the file itself is made writable again.
        if std::fs::metadata(path)?.permissions().readonly() {
            return Err(Error::ReadOnly { path: None, detail: "文件属性为只读".into() });
        }
        let key = crate::encryption::key_for(path, key)?;
        inspect_existing(path, key)?;
        key
    } else {
        if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
            std::fs::create_dir_all(parent)?;
        }
        None
    };
    let mut conn = Connection::open(path)?;
    if let Some(key) = key {
        apply_key(&conn, key)?;
    }
    configure(&conn)?;
    migrate(&mut conn)?;
    Ok((conn, key.is_some()))
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
fn inspect_existing(path: &Path, key: Option<&Passphrase>) -> Result<()> {
    if std::fs::metadata(path)?.len() == 0 {
        return Ok(());
    }
    let not_ours = || Error::NotXinghe { path: path.to_path_buf() };
    // Not SQLite at all or damaged (NOTADB, CORRUPT), locked: those errors; anything else: not ours.
    // A WAL database in a folder that cannot be written cannot even be read (SQLite needs its
    // -shm file): that is a read-only folder, not a foreign file.
    let refused = |e: rusqlite::Error| match Error::from(e) {
        Error::Database(e) if crate::failure::read_only_on_disk(path) => {
            Error::ReadOnly { path: Some(path.to_path_buf()), detail: e.to_string() }
        }
        Error::Database(_) => not_ours(),
        other => other.at(path),
    };
    let conn = Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX)
        .map_err(refused)?;
    if let Some(key) = key {
        apply_key(&conn, key)?;
    }
    let application_id: i32 = conn.pragma_query_value(None, "application_id", |r| r.get(0)).map_err(refused)?;
    let version: i64 = conn.pragma_query_value(None, "user_version", |r| r.get(0))?;
    // Reading the schema finds a damaged first page or schema table; the rest of the file is
    // not scanned at every start (Ledger::check does that, and reads meet damage as `corrupt`).
    let tables: i64 = conn.query_row("SELECT count(*) FROM sqlite_master", [], |r| r.get(0))?;
    if application_id != APPLICATION_ID && (tables > 0 || version != 0) {
        return Err(not_ours());
    }
    if version > schema_version() {
        return Err(Error::NewerSchema { found: version, supported: schema_version() });
    }
    Ok(())
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
pub(crate) fn migrate(conn: &mut Connection) -> Result<()> {
    let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
    let current: i64 = tx.pragma_query_value(None, "user_version", |r| r.get(0))?;
    if current > schema_version() {
        return Err(Error::NewerSchema { found: current, supported: schema_version() });
    }
    for (index, sql) in MIGRATIONS.iter().enumerate().skip(current as usize) {
        tx.execute_batch(sql)?;
        tx.pragma_update(None, "user_version", index as i64 + 1)?;
    }
    tx.pragma_update(None, "application_id", APPLICATION_ID)?;
    tx.commit()?;
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
