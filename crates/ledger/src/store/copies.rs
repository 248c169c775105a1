//! Checked copies of a register file: SQLite's online backup API into a temporary file beside
//! the target, integrity_check, the header's identity and schema version, then the rename; and
//! reading what a copy holds without changing it. Knows files, keys and tables, never the
//! `Ledger` (safety::backup builds the office's backups and restores on it).

use crate::error::{Error, Result};
use crate::store::cipher::{apply_key, is_plain_sqlite, key_for, Passphrase};
use crate::store::db::schema_version;
use crate::store::output::Destination;
pub use crate::store::output::{default_folder, BACKUP_EXTENSION};
use crate::store::sqlite_file::APPLICATION_ID;
use chrono::NaiveDateTime;
use rusqlite::backup::{Backup, StepResult};
use rusqlite::{Connection, OpenFlags, OptionalExtension};
use serde::Serialize;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// The register's own random identity (migration 0006), carried by its backups.
pub const REGISTER_ID_SETTING: &str = "register_id";
/// Written into each copy (not into the live database): when the backup was made.
pub(crate) const CREATED_AT_KEY: &str = "backup_created_at";
/// How times are written into a copy and shown for it.
pub(crate) const TEXT_STAMP: &str = "%Y-%m-%d %H:%M:%S";
pub(crate) const BACKUP_TEMP_PREFIX: &str = ".xinghe-backup-";
pub(crate) const BACKUP_TEMP_SUFFIX: &str = ".tmp";
/// Another program (the CLI, a second PC) holding a lock: retry this long before giving up.
pub(crate) const BUSY_FOR: Duration = Duration::from_secs(10);
pub(crate) const BUSY_PAUSE: Duration = Duration::from_millis(100);

/// What a register holds, as a restore shows it before replacing anything.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct BackupCounts {
    /// Households not moved out.
    pub households: u64,
    /// Residents not moved out or deceased.
    pub residents: u64,
    pub activities: u64,
    /// Volunteers who have not left.
    pub volunteers: u64,
    pub hour_entries: u64,
    pub services: u64,
    pub projects: u64,
}

/// One backup file, read without changing it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BackupInfo {
    pub path: String,
    pub file_name: String,
    pub size_bytes: u64,
    /// When the copy was made ("2026-11-29 09:30:12"), stamped inside the copy by Xinghe.
    pub created_at: Option<String>,
    /// The file's modification time, for copies made by other means.
    pub modified: Option<String>,
    pub community_name: Option<String>,
    /// The register the backup was made of (the `register_id` setting; None before it existed).
    pub register_id: Option<String>,
    pub schema_version: i64,
    pub supported_schema_version: i64,
    /// An older backup: a restore brings it up to this version.
    pub needs_migration: bool,
    pub counts: BackupCounts,
}

/// Copies the whole database `src` into `dest` with the online backup API, in one step (one
/// read transaction on the source, one write transaction on the destination), retrying while
/// another program holds a lock.
pub(crate) fn copy_database(src: &Connection, dest: &mut Connection, what: &Path) -> Result<()> {
    let backup = Backup::new(src, dest)?;
    let deadline = std::time::Instant::now() + BUSY_FOR;
    loop {
        match backup.step(-1)? {
            StepResult::Done => return Ok(()),
            _ if std::time::Instant::now() >= deadline => break,
            _ => std::thread::sleep(BUSY_PAUSE),
        }
    }
    Err(Error::Refused(format!("数据库正被其他程序占用，{} 没有写完，请稍后再试", what.display())))
}

pub(crate) fn open_read_only(path: &Path) -> rusqlite::Result<Connection> {
    Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX)
}

/// `open_read_only` with the key, for a file known to be encrypted under it (or None).
pub(crate) fn open_read_only_with(path: &Path, key: Option<&Passphrase>) -> Result<Connection> {
    let conn = open_read_only(path)?;
    if let Some(key) = key {
        apply_key(&conn, key)?;
    }
    Ok(conn)
}

/// A backup the user chose, as a read-only URI that leaves nothing beside it: a file that says
/// WAL in its header would otherwise get -wal and -shm files created next to it, even read-only.
/// Only a copy that came with its -wal file is opened the ordinary way, so the WAL's pages count.
pub(crate) fn backup_uri(path: &Path) -> String {
    let mut wal = path.as_os_str().to_owned();
    wal.push("-wal");
    crate::store::sqlite_file::read_only_uri(path, !Path::new(&wal).exists())
}

/// Opens a backup the user chose (see `backup_uri`), with `key` when it is encrypted.
pub(crate) fn open_backup(path: &Path, key: Option<&Passphrase>) -> Result<Connection> {
    let conn = Connection::open_with_flags(
        backup_uri(path),
        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX | OpenFlags::SQLITE_OPEN_URI,
    )?;
    if let Some(key) = key {
        apply_key(&conn, key)?;
    }
    Ok(conn)
}

/// integrity_check's findings; `["ok"]` when the file is sound.
pub(crate) fn integrity(conn: &Connection) -> rusqlite::Result<Vec<String>> {
    let mut stmt = conn.prepare("PRAGMA integrity_check")?;
    let rows: Vec<String> = stmt.query_map([], |r| r.get(0))?.collect::<rusqlite::Result<_>>()?;
    Ok(rows)
}

pub(crate) fn findings(found: &[String]) -> String {
    let mut text = found.iter().take(3).cloned().collect::<Vec<_>>().join("；");
    if found.len() > 3 {
        text.push_str(&format!("；等 {} 处", found.len()));
    }
    text
}

/// Opens a finished copy afresh and checks it: ours, this schema, integrity_check "ok".
pub fn verify_copy(path: &Path) -> Result<()> {
    verify_copy_with(path, None)
}

/// `verify_copy` for a copy that may be encrypted under `key`.
pub fn verify_copy_with(path: &Path, key: Option<&Passphrase>) -> Result<()> {
    let failed = |detail: String| {
        Error::Refused(format!("备份 {} 未通过完整性检查（{detail}），这份备份不能使用", path.display()))
    };
    let key = key_for(path, key).map_err(|e| failed(e.to_string()))?;
    let conn = open_read_only_with(path, key).map_err(|e| failed(e.to_string()))?;
    let application_id: i32 =
        conn.pragma_query_value(None, "application_id", |r| r.get(0)).map_err(|e| failed(e.to_string()))?;
    let version: i64 =
        conn.pragma_query_value(None, "user_version", |r| r.get(0)).map_err(|e| failed(e.to_string()))?;
    if application_id != APPLICATION_ID || version != schema_version() {
        return Err(failed(format!("标识 {application_id:#x}，数据版本 {version}")));
    }
    let found = integrity(&conn).map_err(|e| failed(e.to_string()))?;
    if found != ["ok"] {
        return Err(failed(findings(&found)));
    }
    Ok(())
}

pub(crate) fn write_error(out: &Path, e: std::io::Error) -> Error {
    if e.kind() == std::io::ErrorKind::StorageFull {
        return Error::BackupDiskFull { path: out.to_path_buf() };
    }
    let reason = match e.kind() {
        std::io::ErrorKind::NotFound => "文件夹不存在".to_string(),
        std::io::ErrorKind::PermissionDenied => "没有写入权限".to_string(),
        _ => e.to_string(),
    };
    Error::Io(std::io::Error::new(e.kind(), format!("无法写入备份 {}：{reason}", out.display())))
}

pub(crate) fn folder_of(out: &Path) -> &Path {
    match out.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent,
        _ => Path::new("."),
    }
}

/// A temporary copy being written beside its target. Dropped without `persist` — on every error
/// path, a full disk included — it removes the file and the -journal, -wal and -shm files SQLite
/// may have made beside it, so a failed backup leaves nothing behind.
pub struct TempCopy {
    file: Option<tempfile::TempPath>,
    name: PathBuf,
    /// Removed on a terminating signal too (a copy of an encrypted register is encrypted, but a
    /// plain register's copy is every resident in the clear).
    _tracked: crate::store::cleanup::Tracked,
}

impl TempCopy {
    /// Renames the finished copy to `out`.
    pub(crate) fn persist(mut self, out: &Path) -> std::io::Result<()> {
        let file = self.file.take().expect("a temporary copy is persisted once");
        // On failure the TempPath comes back inside the error and is removed when it drops.
        file.persist(out).map_err(|e| e.error)
    }
}

impl std::ops::Deref for TempCopy {
    type Target = Path;
    fn deref(&self) -> &Path {
        &self.name
    }
}

impl AsRef<Path> for TempCopy {
    fn as_ref(&self) -> &Path {
        &self.name
    }
}

impl Drop for TempCopy {
    fn drop(&mut self) {
        for suffix in ["-journal", "-wal", "-shm"] {
            let mut side = self.name.as_os_str().to_owned();
            side.push(suffix);
            match std::fs::remove_file(&side) {
                Ok(()) => {}
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                Err(e) => tracing::warn!(file = %Path::new(&side).display(), "cannot remove a temporary file: {e}"),
            }
        }
        // `file` (when not persisted) is removed as it drops, after this.
    }
}

/// A temporary file beside `out`, removed with its side files on drop unless persisted.
pub(crate) fn temp_beside(out: &Path) -> Result<TempCopy> {
    let file = tempfile::Builder::new()
        .prefix(BACKUP_TEMP_PREFIX)
        .suffix(BACKUP_TEMP_SUFFIX)
        .tempfile_in(folder_of(out))
        .map_err(|e| write_error(out, e))?
        .into_temp_path();
    let name = file.to_path_buf();
    Ok(TempCopy { _tracked: crate::store::cleanup::Tracked::new(&name), file: Some(file), name })
}

/// A failure while writing the copy for `out`, with the target named: a full disk is
/// `BackupDiskFull`, other failures say which backup could not be written.
pub(crate) fn copy_error(out: &Path, e: Error) -> Error {
    match e {
        Error::DiskFull { .. } | Error::BackupDiskFull { .. } => Error::BackupDiskFull { path: out.to_path_buf() },
        Error::Io(e) if e.kind() == std::io::ErrorKind::StorageFull => {
            Error::BackupDiskFull { path: out.to_path_buf() }
        }
        Error::ReadOnly { detail, .. } => Error::Io(std::io::Error::new(
            std::io::ErrorKind::PermissionDenied,
            format!("无法写入备份 {}：文件夹是只读的（{detail}）", out.display()),
        )),
        Error::Database(e) => Error::Io(std::io::Error::other(format!("无法写入备份 {}：{e}", out.display()))),
        other => other,
    }
}

/// Writes the copy of `src` into the (empty) file `temp`: online backup, rollback journal (one
/// self-contained file), the creation stamp. `key` is the source's: the copy of an encrypted
/// register is encrypted under the same key (and SQLCipher copies only encrypted to encrypted).
pub(crate) fn write_copy(
    src: &Connection,
    temp: &Path,
    out: &Path,
    at: NaiveDateTime,
    key: Option<&Passphrase>,
) -> Result<()> {
    let open_dest = || -> Result<Connection> {
        let dest = Connection::open(temp)?;
        if let Some(key) = key {
            apply_key(&dest, key)?;
        }
        Ok(dest)
    };
    {
        let mut dest = open_dest()?;
        copy_database(src, &mut dest, out)?;
    }
    // Reopened, so that the WAL flag copied with the header is seen and switched off.
    let dest = open_dest()?;
    let mode: String = dest.pragma_update_and_check(None, "journal_mode", "DELETE", |r| r.get(0))?;
    if !mode.eq_ignore_ascii_case("delete") {
        return Err(Error::Refused(format!("备份 {} 无法切换为单文件模式（{mode}）", out.display())));
    }
    dest.execute(
        "INSERT INTO settings(key, value) VALUES (?1, ?2) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
        (CREATED_AT_KEY, at.format(TEXT_STAMP).to_string()),
    )?;
    Ok(())
}

/// Checks the finished temporary copy and renames it to `out`; the temporary file is removed
/// when the check fails, so a bad copy never takes a backup's name (nor its place in rotation).
/// `out` says whether the user chose the path (then it was checked against the open registers
/// and their backups, crate::store::output) or the register writes its own copy.
pub fn install_copy(temp: TempCopy, out: Destination<'_>, key: Option<&Passphrase>) -> Result<()> {
    let out = out.path();
    verify_copy_with(&temp, key)?;
    std::fs::File::open(&*temp).and_then(|f| f.sync_all()).map_err(|e| write_error(out, e))?;
    temp.persist(out).map_err(|e| write_error(out, e))?;
    Ok(())
}

/// A verified copy of `src` at `out`, atomically: `out` is either untouched or the complete,
/// checked copy.
pub(crate) fn backup_connection(
    src: &Connection,
    out: Destination<'_>,
    at: NaiveDateTime,
    key: Option<&Passphrase>,
) -> Result<()> {
    let temp = temp_beside(out.path())?;
    write_copy(src, &temp, out.path(), at, key).map_err(|e| copy_error(out.path(), e))?;
    install_copy(temp, out, key)
}

pub(crate) fn table_exists(conn: &Connection, table: &str) -> rusqlite::Result<bool> {
    conn.query_row("SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = ?1", [table], |r| {
        r.get::<_, i64>(0)
    })
    .map(|n| n > 0)
}

/// Rows of `table` matching `condition`; 0 when an older schema has no such table.
pub(crate) fn count(conn: &Connection, table: &str, condition: &str) -> rusqlite::Result<u64> {
    if !table_exists(conn, table)? {
        return Ok(0);
    }
    conn.query_row(&format!("SELECT count(*) FROM {table} WHERE {condition}"), [], |r| r.get(0))
}

pub(crate) fn counts(conn: &Connection) -> rusqlite::Result<BackupCounts> {
    Ok(BackupCounts {
        households: count(conn, "households", "moved_out_on IS NULL")?,
        residents: count(conn, "residents", "moved_out_on IS NULL AND died_on IS NULL")?,
        activities: count(conn, "activities", "1")?,
        volunteers: count(conn, "volunteers", "left_on IS NULL")?,
        hour_entries: count(conn, "hour_entries", "1")?,
        services: count(conn, "services", "1")?,
        projects: count(conn, "projects", "1")?,
    })
}

pub(crate) fn setting(conn: &Connection, key: &str) -> rusqlite::Result<Option<String>> {
    if !table_exists(conn, "settings")? {
        return Ok(None);
    }
    conn.query_row("SELECT value FROM settings WHERE key = ?1", [key], |r| r.get(0)).optional()
}

pub(crate) fn modified_text(meta: &std::fs::Metadata) -> Option<String> {
    let modified = meta.modified().ok()?;
    Some(chrono::DateTime::<chrono::Local>::from(modified).format(TEXT_STAMP).to_string())
}

/// Reads what the backup at `path` holds, opening it read-only. Refuses, changing nothing, a
/// file that is not a Xinghe database, one from a newer version of the app, and a damaged one.
/// An encrypted backup needs its password: `inspect_backup_with`.
pub fn inspect_backup(path: &Path) -> Result<BackupInfo> {
    inspect_backup_with(path, None)
}

/// `inspect_backup` for a backup that may be encrypted: `key` is the password it was made
/// under (the register's, unless the key owner's password changed since). A plain backup is
/// read without it.
pub fn inspect_backup_with(path: &Path, key: Option<&Passphrase>) -> Result<BackupInfo> {
    let shown = path.display();
    let unreadable = |e: std::io::Error| {
        Error::Io(std::io::Error::new(e.kind(), format!("无法读取备份 {shown}：{}", io_reason(&e))))
    };
    let meta = std::fs::metadata(path).map_err(unreadable)?;
    let plain = is_plain_sqlite(path).map_err(unreadable)?;
    let not_ours = || {
        // Without a password an encrypted backup looks like any other file that is not SQLite.
        let or_encrypted =
            if plain || key.is_some() { "" } else { "，或是加密的备份、需要管理员的密码才能读取" };
        Error::Refused(format!(
            "文件 {shown} 不是星河社区台账的备份{or_encrypted}，已拒绝恢复；当前数据和这个文件都没有改动"
        ))
    };
    if !meta.is_file() || meta.len() == 0 {
        return Err(not_ours());
    }
    let given = key;
    let key = if plain { None } else { key };
    let refused = |e: Error| match crate::store::cipher::wrong_password(e.at(path), path, given) {
        wrong @ Error::WrongPassword { .. } => wrong,
        _ => not_ours(),
    };
    let conn = open_backup(path, key).map_err(refused)?;
    let application_id: i32 =
        conn.pragma_query_value(None, "application_id", |r| r.get(0)).map_err(|e| refused(e.into()))?;
    if application_id != APPLICATION_ID {
        return Err(not_ours());
    }
    let version: i64 = conn.pragma_query_value(None, "user_version", |r| r.get(0)).map_err(|_| not_ours())?;
    if version > schema_version() {
        return Err(Error::Refused(format!(
            "备份 {shown} 由更新版本的星河社区台账生成（数据版本 {version}，本程序支持到 {}），不能在本程序中恢复；请先升级程序。当前数据没有改动",
            schema_version()
        )));
    }
    if version < 1 {
        return Err(not_ours());
    }
    let damaged = |detail: String| {
        Error::Refused(format!("备份 {shown} 已损坏（完整性检查：{detail}），不能恢复；当前数据没有改动"))
    };
    let found = integrity(&conn).map_err(|e| damaged(e.to_string()))?;
    if found != ["ok"] {
        return Err(damaged(findings(&found)));
    }
    let read = || -> rusqlite::Result<_> {
        Ok((
            setting(&conn, CREATED_AT_KEY)?,
            setting(&conn, "community_name")?,
            setting(&conn, REGISTER_ID_SETTING)?,
            counts(&conn)?,
        ))
    };
    let (created_at, community_name, register_id, counts) = read().map_err(|e| damaged(e.to_string()))?;
    Ok(BackupInfo {
        path: path.display().to_string(),
        file_name: path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default(),
        size_bytes: meta.len(),
        created_at,
        modified: modified_text(&meta),
        community_name,
        register_id,
        schema_version: version,
        supported_schema_version: schema_version(),
        needs_migration: version < schema_version(),
        counts,
    })
}

/// True when reading the backup at `path` failed for want of its password, so that asking for
/// the password it was made under is the way on: `error` is a wrong password, or the backup was
/// read without one (`key` None) and the file could be encrypted. A file that is plainly not
/// ours, damaged or newer is not.
pub fn needs_password(path: &Path, key: Option<&Passphrase>, error: &Error) -> bool {
    match error {
        Error::WrongPassword { .. } => true,
        Error::Refused(_) => key.is_none() && crate::store::cipher::could_be_encrypted(path),
        _ => false,
    }
}

pub(crate) fn io_reason(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::NotFound => "文件不存在".into(),
        std::io::ErrorKind::PermissionDenied => "没有读取权限".into(),
        _ => e.to_string(),
    }
}

pub(crate) fn same_file(a: &Path, b: &Path) -> bool {
    // By identity: a hard link or another spelling is the same file too.
    crate::store::output::is_same_file(a, b)
}
