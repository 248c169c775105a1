//! The way out for a register that cannot be opened at all: it is set aside under a dated name
//! (store::failure::set_aside, never deleted) and a backup is restored into a new file.

use crate::access::login::{typed_key, FilePasswords};
use crate::error::Error;
use crate::ledger::Ledger;
use crate::store::cipher::{apply_key, key_for, Passphrase};
use crate::store::copies::{inspect_backup_with, needs_password, verify_copy_with, BackupInfo};
use crate::store::failure::set_aside;
use serde::Serialize;
use std::path::Path;

/// What "从备份恢复" on the start screen did.
#[derive(Debug, Clone, Serialize)]
pub struct Recovery {
    pub restored: BackupInfo,
    /// Where the broken file now is (None when there was no file at the path).
    pub set_aside: Option<String>,
}

/// Restores `backup` into a NEW database file at `db`, after moving the file that cannot be
/// opened aside. The backup is checked first: a foreign, newer or damaged backup is refused and
/// nothing is moved. The copy is written beside `db`, verified, then renamed into place.
///
/// `key` is the password an encrypted backup was made under; the new file is encrypted exactly
/// when the backup is, under the same key. A plain backup gives a plain file: a password typed
/// here was never checked against anything, and a typo would lock the data away for good.
pub fn restore_into_new_file(
    db: &Path,
    backup: &Path,
    at: chrono::NaiveDateTime,
    key: Option<&Passphrase>,
) -> crate::Result<(Ledger, Recovery)> {
    crate::store::network_folder::refuse_writing(db)?;
    let restored = inspect_backup_with(backup, key)?;
    let key = key_for(backup, key)?;
    let folder = db.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let temp = tempfile::Builder::new()
        .prefix(".xinghe-restore-")
        .suffix(".tmp")
        .tempfile_in(folder)
        .map_err(|e| Error::from(e).at_open(db))?;
    // The backup's data, plain when the backup is: removed on a terminating signal too.
    let _tracked = crate::store::cleanup::Tracked::new(temp.path());
    {
        let source = rusqlite::Connection::open_with_flags(
            backup,
            rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY | rusqlite::OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )?;
        let mut dest = rusqlite::Connection::open(temp.path()).map_err(|e| Error::from(e).at(db))?;
        if let Some(key) = key {
            apply_key(&source, key)?;
            apply_key(&dest, key)?;
        }
        // One step: the whole file in one read transaction on the backup.
        let step = rusqlite::backup::Backup::new(&source, &mut dest)?.step(-1).map_err(|e| Error::from(e).at(db))?;
        if step != rusqlite::backup::StepResult::Done {
            return Err(Error::Locked { path: Some(backup.to_path_buf()) });
        }
    }
    verify_copy_with(temp.path(), key)?;
    let set_aside = if db.exists() { Some(set_aside(db, at)?) } else { None };
    temp.persist(db).map_err(|e| Error::from(e.error).at_open(db))?;
    let ledger = Ledger::open_keyed(db, key.cloned())?;
    // The copy's own "made at" stamp is not a setting of the live register.
    ledger.conn.execute("DELETE FROM settings WHERE key = 'backup_created_at'", [])?;
    Ok((ledger, Recovery { restored, set_aside: set_aside.map(|p| p.display().to_string()) }))
}

/// One automatic backup found beside a database that cannot be opened: what it holds, or why it
/// cannot be used.
#[derive(Debug, Serialize)]
pub struct RecoveryBackup {
    pub path: String,
    pub file_name: String,
    pub info: Option<BackupInfo>,
    pub error: Option<String>,
    /// The backup could be encrypted and was read without its password (or with a wrong one):
    /// restoring it asks for the password it was made under.
    pub encrypted: bool,
}

/// The automatic backups of the database at `db` in `folder`, newest first, each read without
/// changing it; with `password`, encrypted ones are read with it, and the password counts once
/// among the wrong ones typed in this process (`passwords`, crate::access::login).
pub fn recovery_backups(
    folder: &Path,
    db: &Path,
    password: Option<&str>,
    passwords: &FilePasswords,
) -> crate::Result<Vec<RecoveryBackup>> {
    let key = typed_key(password)?;
    let found = crate::safety::backup::auto_backups(folder, db)?;
    let read = passwords.read_each(found, key.as_ref(), inspect_backup_with)?;
    Ok(read
        .into_iter()
        .map(|(path, read)| {
            let (info, error, encrypted) = match read {
                Ok(info) => (Some(info), None, false),
                Err(e) => (None, Some(e.to_string()), needs_password(&path, key.as_ref(), &e)),
            };
            let file_name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
            RecoveryBackup { path: path.display().to_string(), file_name, info, error, encrypted }
        })
        .collect())
}
