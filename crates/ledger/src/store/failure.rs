//! The four ways a register file fails that a user must understand — damaged or not SQLite,
//! read-only, disk full, locked by another program — told apart from SQLite's result codes, and
//! the file named once it is known (`Error::at`). Also the way out for a file that cannot be
//! opened: set it aside under a dated name (never deleted); safety::recovery restores a backup
//! into a new file.

use crate::error::Error;
use rusqlite::ErrorCode;
use std::path::{Path, PathBuf};

impl From<rusqlite::Error> for Error {
    fn from(e: rusqlite::Error) -> Self {
        let Some(code) = e.sqlite_error_code() else { return Error::Database(e) };
        match code {
            ErrorCode::NotADatabase | ErrorCode::DatabaseCorrupt => {
                Error::Corrupt { path: PathBuf::new(), detail: e.to_string() }
            }
            ErrorCode::ReadOnly => Error::ReadOnly { path: None, detail: e.to_string() },
            ErrorCode::DiskFull => Error::DiskFull { path: None },
            ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked => Error::Locked { path: None },
            _ => Error::Database(e),
        }
    }
}

/// True when `path` (or, for a file not there yet, its folder) cannot be written. Permission
/// bits miss a folder on a read-only mount (a locked USB stick, a network share), so the folder
/// is also tried with a probe file — only on this error path, never on a normal open.
pub(crate) fn read_only_on_disk(path: &Path) -> bool {
    let folder = path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let read_only = |p: &Path| std::fs::metadata(p).is_ok_and(|m| m.permissions().readonly());
    // A full disk (no inode left for the probe) is not a read-only one.
    let refused = |e: std::io::Error| e.kind() != std::io::ErrorKind::StorageFull;
    read_only(folder) || read_only(path) || tempfile::tempfile_in(folder).is_err_and(refused)
}

/// True when the disk holding `path` has no room left: a probe file in its folder cannot take
/// 64 KB (what SQLite needs beside a register: the -shm file is 32 KB). Only asked on an error
/// path (an I/O failure while opening), never on a normal open; the probe is always removed.
pub(crate) fn no_room_on_disk(path: &Path) -> bool {
    use std::io::Write;
    let folder = path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let mut probe = match tempfile::tempfile_in(folder) {
        Ok(probe) => probe,
        // No inode left for a new file is a full disk too.
        Err(e) => return e.kind() == std::io::ErrorKind::StorageFull,
    };
    let written = probe.write_all(&[0u8; 64 * 1024]).and_then(|()| probe.sync_all());
    written.is_err_and(|e| e.kind() == std::io::ErrorKind::StorageFull)
}

impl Error {
    /// Names the database file in the four file-level failures, and tells a "cannot open" that
    /// comes from a read-only file or folder (SQLite cannot create the -wal file) as read-only.
    pub fn at(self, path: &Path) -> Error {
        let path_buf = || Some(path.to_path_buf());
        match self {
            Error::Corrupt { path: p, detail } if p.as_os_str().is_empty() => {
                Error::Corrupt { path: path.to_path_buf(), detail }
            }
            Error::ReadOnly { path: None, detail } => Error::ReadOnly { path: path_buf(), detail },
            Error::DiskFull { path: None } => Error::DiskFull { path: path_buf() },
            Error::Locked { path: None } if restore_in_progress(path) => Error::Restoring { path: path.to_path_buf() },
            Error::Locked { path: None } => Error::Locked { path: path_buf() },
            Error::Database(e) if e.sqlite_error_code() == Some(ErrorCode::CannotOpen) && read_only_on_disk(path) => {
                Error::ReadOnly { path: path_buf(), detail: e.to_string() }
            }
            other => other,
        }
    }

    /// `at` for opening or creating the file itself, where a file-system error (creating the
    /// folder, the file) is also about the database.
    pub fn at_open(self, path: &Path) -> Error {
        let path_buf = || Some(path.to_path_buf());
        match self {
            Error::Io(e)
                if matches!(
                    e.kind(),
                    std::io::ErrorKind::PermissionDenied | std::io::ErrorKind::ReadOnlyFilesystem
                ) =>
            {
                Error::ReadOnly { path: path_buf(), detail: e.to_string() }
            }
            Error::Io(e) if e.kind() == std::io::ErrorKind::StorageFull => Error::DiskFull { path: path_buf() },
            other => other.at(path),
        }
    }

    /// A failure to open the file that a restore from backup (or another file) is the way out of.
    pub fn needs_restore(&self) -> bool {
        matches!(self, Error::Corrupt { .. } | Error::NotXinghe { .. })
    }
}

/// Beside a register while a restore holds its write lock, so that another program whose write
/// waited in vain can say why (正在恢复备份) instead of a bare "locked". Removed when the restore
/// ends, however it ends; one left by a crash counts only for `RESTORE_MARKER_FRESH`.
pub(crate) struct RestoreMarker(Option<PathBuf>);

/// A restore holds the lock for seconds; a marker older than this was left by a crash.
const RESTORE_MARKER_FRESH: std::time::Duration = std::time::Duration::from_secs(15 * 60);

fn restore_marker_path(db: &Path) -> PathBuf {
    let name = db.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    db.with_file_name(format!(".{name}.restoring"))
}

impl RestoreMarker {
    /// Best effort: a restore on a full disk goes ahead without the marker (others then read
    /// the plain "locked" message).
    pub(crate) fn create(db: &Path) -> RestoreMarker {
        let path = restore_marker_path(db);
        match std::fs::write(&path, format!("{}\n", std::process::id())) {
            Ok(()) => RestoreMarker(Some(path)),
            Err(e) => {
                tracing::warn!(path = %path.display(), "cannot write the restore marker: {e}");
                RestoreMarker(None)
            }
        }
    }
}

impl Drop for RestoreMarker {
    fn drop(&mut self) {
        if let Some(path) = &self.0 {
            let _ = std::fs::remove_file(path);
        }
    }
}

/// True while another program restores a backup into the register at `db`.
pub(crate) fn restore_in_progress(db: &Path) -> bool {
    std::fs::metadata(restore_marker_path(db))
        .and_then(|m| m.modified())
        .is_ok_and(|at| at.elapsed().is_ok_and(|age| age < RESTORE_MARKER_FRESH))
}

/// The name a broken database is moved aside to: `xinghe.db.损坏-20261129-093012`.
pub fn set_aside_name(db: &Path, at: chrono::NaiveDateTime) -> PathBuf {
    let name = db.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| "xinghe.db".into());
    db.with_file_name(format!("{name}.损坏-{}", at.format("%Y%m%d-%H%M%S")))
}

fn with_suffix(path: &Path, suffix: &str) -> PathBuf {
    let mut s = path.as_os_str().to_owned();
    s.push(suffix);
    PathBuf::from(s)
}

/// Moves the database that cannot be opened (and its -wal / -shm files, which belong to it and
/// must not be replayed into a new file) aside under a dated name. Nothing is deleted; an
/// existing name is never overwritten. Returns the new name of the database file.
pub fn set_aside(db: &Path, at: chrono::NaiveDateTime) -> crate::Result<PathBuf> {
    // A register on a network folder is refused, not broken: another PC may be using it.
    crate::store::network_folder::refuse_writing(db)?;
    let mut aside = set_aside_name(db, at);
    let mut n = 2;
    while aside.exists() || with_suffix(&aside, "-wal").exists() {
        aside = with_suffix(&set_aside_name(db, at), &format!("-{n}"));
        n += 1;
    }
    let moved = |from: &Path, to: &Path| {
        std::fs::rename(from, to).map_err(|e| {
            Error::Io(std::io::Error::new(
                e.kind(),
                format!("无法把损坏的数据库 {} 改名为 {}：{e}；没有改动任何文件", from.display(), to.display()),
            ))
            .at_open(db)
        })
    };
    for suffix in ["-wal", "-shm"] {
        let side = with_suffix(db, suffix);
        if side.exists() {
            moved(&side, &with_suffix(&aside, suffix))?;
        }
    }
    if db.exists() {
        moved(db, &aside)?;
    }
    Ok(aside)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Ledger;

    /// SQLITE_FULL from a real full disk and from the database's own page limit is the same
    /// result code; max_page_count gives it without a small file system.
    #[test]
    fn a_full_database_is_disk_full_and_keeps_what_was_committed() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("full.db");
        let mut ledger = Ledger::open(&path).unwrap();
        ledger.set_community_name("浏河社区").unwrap();
        let pages: i64 = ledger.conn.pragma_query_value(None, "page_count", |r| r.get(0)).unwrap();
        ledger.conn.pragma_update(None, "max_page_count", pages).unwrap();
        let long = "长".repeat(5_000);
        let err = ledger
            .conn
            .execute("INSERT INTO settings(key, value) VALUES ('filler', ?1)", [long.repeat(20)])
            .map_err(|e| Error::from(e).at(&path))
            .unwrap_err();
        assert_eq!(err.kind(), "disk_full");
        assert!(err.to_string().contains("磁盘空间已满") && err.to_string().contains("full.db"), "{err}");
        assert_eq!(ledger.community_name().unwrap().as_deref(), Some("浏河社区"));
    }

    #[test]
    fn the_set_aside_name_keeps_the_file_name_and_the_time() {
        let at = chrono::NaiveDate::from_ymd_opt(2026, 11, 29).unwrap().and_hms_opt(9, 30, 12).unwrap();
        assert_eq!(set_aside_name(Path::new("/d/xinghe.db"), at), Path::new("/d/xinghe.db.损坏-20261129-093012"));
    }
}
