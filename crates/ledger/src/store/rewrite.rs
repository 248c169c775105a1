//! Rewriting the register file under a new key (store::rewrite::rewrite_file): the register is
//! held for this process alone, exported into a copy beside it, the copy checked and renamed
//! over it — what safety::encryption's encrypt, decrypt and rekey build on — and the copies a
//! crash left behind removed at the next open.

use crate::error::{Error, Result};
use crate::store::cipher::{apply_key, attach, folder_of, sync_folder, utf8_path, with_suffix, Passphrase};
use crate::store::sqlite_file::APPLICATION_ID;
use rusqlite::Connection;
use std::path::Path;

/// The name the new file is attached under while the register is copied into it.
pub(crate) const TARGET: &str = "xinghe_rekey";
pub(crate) const TEMP_PREFIX: &str = ".xinghe-rekey-";
pub(crate) const TEMP_SUFFIX: &str = ".tmp";

/// The start of the name of `register`'s rewrite copies: `.xinghe-rekey-xinghe.db-`, so that
/// the copies of two registers in one folder are told apart.
pub(crate) fn rewrite_prefix(register: &Path) -> String {
    let name = register.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    format!("{TEMP_PREFIX}{name}-")
}

/// How old another rewrite's copy (another register's in the same folder, or one named before
/// the register's name was part of it) must be before it counts as left over by a crash.
const STALE_OTHER_REWRITE: std::time::Duration = std::time::Duration::from_secs(10 * 60);

/// Deletes the temporary files (and their -journal/-wal/-shm) that a crash in the middle of
/// encrypting or decrypting left beside the register. After a crash during decrypt such a file
/// is a plain copy of the data: it must not stay on the disk of a register meant to be
/// encrypted. This register's own copies go at once, whatever their age: called with the
/// register open on a WAL connection, which holds a shared lock on it for as long as it is open,
/// while a rewrite holds the register for itself alone (`ExclusiveHold`) from before its copy
/// exists until the copy is renamed into place — so no rewrite of it can be running now. Copies
/// of other registers in the folder (and unnamed ones from earlier versions) go once they are
/// ten minutes old, as a rewrite in progress writes to its copy all the time.
pub(crate) fn remove_stale_rewrites(register: &Path) {
    let Ok(entries) = std::fs::read_dir(folder_of(register)) else { return };
    let own = rewrite_prefix(register);
    for entry in entries.flatten() {
        let name = entry.file_name();
        let name = name.to_string_lossy();
        if !(name.starts_with(TEMP_PREFIX) && name.contains(TEMP_SUFFIX)) {
            continue;
        }
        let old = || {
            entry
                .metadata()
                .and_then(|m| m.modified())
                .is_ok_and(|modified| modified.elapsed().is_ok_and(|age| age >= STALE_OTHER_REWRITE))
        };
        if !name.starts_with(&own) && !old() {
            continue;
        }
        match std::fs::remove_file(entry.path()) {
            Ok(()) => tracing::warn!(file = %entry.path().display(), "removed a rewrite left by a crash"),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => tracing::error!(file = %entry.path().display(), "cannot remove a rewrite left by a crash: {e}"),
        }
    }
}

#[cfg(test)]
thread_local! {
    /// Unit tests fail the rewrite at its last step before the swap.
    pub(crate) static FAIL_BEFORE_SWAP: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Rewrites the register file at `path` (opened with `key`) under `new_key` (None: plain
/// SQLite), with `change` applied to the new file only; see `Ledger::rewrite_file` for why.
/// The caller has closed its own connection: the hold needs the file to itself. Until the
/// rename the original file is untouched; after it, the new file is complete.
pub(crate) fn rewrite_file<T>(
    path: &Path,
    key: Option<&Passphrase>,
    new_key: Option<&Passphrase>,
    change: impl FnOnce(&mut Connection) -> Result<T>,
) -> Result<T> {
    let hold = ExclusiveHold::take(path, key)?;
    let temp = tempfile::Builder::new()
        .prefix(&rewrite_prefix(path))
        .suffix(TEMP_SUFFIX)
        .tempfile_in(folder_of(path))
        .map_err(|e| Error::from(e).at_open(path))?
        .into_temp_path();
    // On SIGTERM the temporary copy (plain, after a decrypt) is removed too.
    let _tracked = crate::store::cleanup::Tracked::new(&temp);
    hold.export_into(&temp, new_key).map_err(|e| e.at(path))?;
    let mut copy = Connection::open(&temp)?;
    if let Some(key) = &new_key {
        apply_key(&copy, key)?;
    }
    let value = change(&mut copy)?;
    copy.close().map_err(|(_, e)| Error::from(e))?;
    crate::store::copies::verify_copy_with(&temp, new_key)?;
    std::fs::File::open(&temp).and_then(|f| f.sync_all()).map_err(|e| Error::from(e).at_open(path))?;
    #[cfg(test)]
    if FAIL_BEFORE_SWAP.with(|fail| fail.get()) {
        return Err(Error::Refused("测试：在换上新文件之前失败".into()));
    }
    // The old file has no -wal (the hold switched it to a rollback journal); an -shm
    // left from WAL days must not greet the new file.
    remove_if_there(&with_suffix(path, "-shm")).map_err(|e| e.at_open(path))?;
    temp.persist(path).map_err(|e| Error::from(e.error).at_open(path))?;
    sync_folder(folder_of(path));
    // Released only now: a program that waited for the old file finds it moved, and
    // SQLite refuses to write to a moved file in rollback-journal mode.
    drop(hold);
    Ok(value)
}

fn remove_if_there(path: &Path) -> Result<()> {
    match std::fs::remove_file(path) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(e.into()),
        _ => Ok(()),
    }
}

/// The register held for this process alone while it is rewritten: a connection of its own in
/// exclusive locking mode, switched from WAL to a rollback journal (which SQLite allows only to
/// the last connection: another program with the file open makes this fail, after a few tries,
/// as `locked`), then holding an EXCLUSIVE lock until dropped. Under it nobody can read or write
/// the old file; and the file is in rollback-journal mode, in which SQLite refuses to write to a
/// file that has been renamed away (SQLITE_READONLY_DBMOVED), so a program that was waiting for
/// it cannot commit into the replaced file afterwards. The next ordinary open turns WAL on again.
pub(crate) struct ExclusiveHold {
    conn: Connection,
}

/// How long taking the hold keeps trying while other programs have the register open.
const HOLD_TRIES_FOR: std::time::Duration = std::time::Duration::from_secs(10);

impl ExclusiveHold {
    pub(crate) fn take(path: &Path, key: Option<&Passphrase>) -> Result<ExclusiveHold> {
        let conn = Connection::open(path)?;
        if let Some(key) = key {
            apply_key(&conn, key)?;
        }
        conn.busy_timeout(std::time::Duration::from_millis(200))?;
        conn.pragma_update(None, "locking_mode", "EXCLUSIVE")?;
        let deadline = std::time::Instant::now() + HOLD_TRIES_FOR;
        loop {
            let taken = conn
                .pragma_update_and_check(None, "journal_mode", "DELETE", |r| r.get::<_, String>(0))
                .and_then(|mode| {
                    // Taken and kept (exclusive locking mode) until this connection closes.
                    conn.execute_batch("BEGIN EXCLUSIVE; COMMIT;")?;
                    Ok(mode)
                });
            match taken {
                Ok(mode) if mode.eq_ignore_ascii_case("delete") => {
                    // Under the lock: still a rollback journal (nobody switched WAL back on).
                    let now: String = conn.query_row("PRAGMA journal_mode", [], |r| r.get(0))?;
                    if now.eq_ignore_ascii_case("delete") {
                        return Ok(ExclusiveHold { conn });
                    }
                }
                Ok(_) => {}
                Err(e) => match Error::from(e) {
                    Error::Locked { .. } => {}
                    other => return Err(other.at(path)),
                },
            }
            if std::time::Instant::now() >= deadline {
                return Err(Error::Locked { path: Some(path.to_path_buf()) });
            }
            std::thread::sleep(std::time::Duration::from_millis(100));
        }
    }

    /// Copies the whole register into the empty file `temp` under `key`.
    pub(crate) fn export_into(&self, temp: &Path, key: Option<&Passphrase>) -> Result<()> {
        attach(&self.conn, utf8_path(temp)?, TARGET, key)?;
        let exported = (|| -> Result<()> {
            let version: i64 = self.conn.query_row("PRAGMA main.user_version", [], |r| r.get(0))?;
            let tx = self.conn.unchecked_transaction()?;
            tx.query_row(&format!("SELECT sqlcipher_export('{TARGET}')"), [], |_| Ok(()))?;
            // sqlcipher_export copies the schema and rows, not the header's two numbers.
            tx.execute_batch(&format!(
                "PRAGMA {TARGET}.user_version = {version}; PRAGMA {TARGET}.application_id = {APPLICATION_ID};"
            ))?;
            tx.commit()?;
            Ok(())
        })();
        let detached = self.conn.execute(&format!("DETACH DATABASE {TARGET}"), []);
        exported?;
        detached?;
        Ok(())
    }
}
