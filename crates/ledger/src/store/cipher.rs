//! The register file's key (SQLCipher) and rewriting the file under a new key: a passphrase
//! that never shows, applying it, telling plain from encrypted files, and the exclusive,
//! crash-safe swap of a rewritten copy (what safety::encryption builds on). Knows files and
//! keys only, never what the register holds.

use crate::error::{Error, Result};
use crate::store::db::APPLICATION_ID;
use rusqlite::{params, Connection, OptionalExtension};
use std::fmt;
use std::path::{Path, PathBuf};
use zeroize::Zeroizing;

/// The first 16 bytes of every plain SQLite file. An encrypted file starts with its random salt.
const PLAIN_HEADER: &[u8; 16] = b"SQLite format 3\0";

/// The name the new file is attached under while the register is copied into it.
const TARGET: &str = "xinghe_rekey";
const TEMP_PREFIX: &str = ".xinghe-rekey-";
const TEMP_SUFFIX: &str = ".tmp";

/// A password used as a database key. Its bytes are wiped when it is dropped, and Debug never
/// shows it, so it cannot leak into a log line or a panic message.
#[derive(Clone)]
pub struct Passphrase(Zeroizing<String>);

impl Passphrase {
    /// An empty passphrase would mean "no encryption" to SQLCipher, and a NUL character would
    /// end the key early; both are refused.
    pub fn new(password: &str) -> Result<Passphrase> {
        if password.is_empty() {
            return Err(Error::invalid("password", "请输入密码"));
        }
        if password.contains('\0') {
            return Err(Error::invalid("password", "密码中不能有空字符（\\0）"));
        }
        Ok(Passphrase(Zeroizing::new(password.to_owned())))
    }

    pub(crate) fn as_str(&self) -> &str {
        &self.0
    }

    /// True when `password` is exactly this passphrase.
    pub fn matches(&self, password: &str) -> bool {
        self.0.as_bytes() == password.as_bytes()
    }
}

impl fmt::Debug for Passphrase {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Passphrase(***)")
    }
}

/// Gives `conn` its key. Must be the first statement on the connection: SQLCipher reads the
/// first page (salt, then the key check) on the first access, with whatever key it has then.
pub fn apply_key(conn: &Connection, key: &Passphrase) -> Result<()> {
    // PRAGMA key takes no bound parameters, so the key goes into the SQL text as a literal;
    // that text is built in a buffer that is wiped too (sized up front so it never moves).
    let mut sql = Zeroizing::new(String::with_capacity(key.as_str().len() * 2 + 32));
    sql.push_str("PRAGMA key = '");
    for c in key.as_str().chars() {
        if c == '\'' {
            sql.push('\'');
        }
        sql.push(c);
    }
    sql.push('\'');
    conn.execute_batch(&sql)?;
    quiet_cipher_log(conn)
}

/// SQLCipher writes its own diagnostics (every failed key check) to stderr unless told not to;
/// the caller gets the error anyway. Global, and only takes effect once SQLCipher has been
/// activated by a first key, so it follows every key and keyed ATTACH.
fn quiet_cipher_log(conn: &Connection) -> Result<()> {
    conn.query_row("PRAGMA cipher_log = off", [], |_| Ok(())).optional()?;
    Ok(())
}

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

/// True for a plain SQLite file ("SQLite format 3\0" header) and for an empty or missing file;
/// false for anything else: an encrypted file, or not SQLite at all.
///
/// The header is read through SQLite (a read-only, immutable connection asked for the schema
/// version: SQLITE_NOTADB means the magic is not there), never with `std::fs`: the file may be a
/// register this process has open, and closing a descriptor of it would drop every POSIX lock
/// the process holds on it, SQLite's included (crate::store::output::is_same_file). SQLite's own VFS
/// keeps such a descriptor open until its other connections let go.
pub fn is_plain_sqlite(path: &Path) -> std::io::Result<bool> {
    let meta = match std::fs::metadata(path) {
        Ok(meta) => meta,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(true),
        Err(e) => return Err(e),
    };
    if meta.len() == 0 {
        return Ok(true);
    }
    if meta.len() < PLAIN_HEADER.len() as u64 {
        return Ok(false);
    }
    let conn = Connection::open_with_flags(
        crate::store::db::read_only_uri(path, true),
        rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY
            | rusqlite::OpenFlags::SQLITE_OPEN_NO_MUTEX
            | rusqlite::OpenFlags::SQLITE_OPEN_URI,
    )
    .map_err(std::io::Error::other)?;
    match conn.query_row("PRAGMA schema_version", [], |r| r.get::<_, i64>(0)) {
        Ok(_) => Ok(true),
        Err(e) => match e.sqlite_error_code() {
            Some(rusqlite::ErrorCode::NotADatabase) => Ok(false),
            // The magic was there; the damage is past it.
            Some(rusqlite::ErrorCode::DatabaseCorrupt) => Ok(true),
            _ => Err(std::io::Error::other(e)),
        },
    }
}

/// `key` when the file at `path` needs one (it is not plain SQLite), else None: a key given for
/// a plain file is not used, as SQLCipher would take the plain file for a damaged one.
pub(crate) fn key_for<'a>(path: &Path, key: Option<&'a Passphrase>) -> Result<Option<&'a Passphrase>> {
    match key {
        Some(key) if !is_plain_sqlite(path)? => Ok(Some(key)),
        _ => Ok(None),
    }
}

/// A file SQLCipher might have written: whole pages (at least 512 bytes each) and no plain
/// header. Anything else that fails to open is damage, whatever the password.
pub(crate) fn could_be_encrypted(path: &Path) -> bool {
    let len = std::fs::metadata(path).map(|m| m.len()).unwrap_or(0);
    len >= 512 && len.is_multiple_of(512) && !is_plain_sqlite(path).unwrap_or(true)
}

/// A keyed open that SQLite calls "not a database" (SQLITE_NOTADB) is a wrong password for a
/// file that could be encrypted; damage cannot be told apart, which the message says.
pub(crate) fn wrong_password(e: Error, path: &Path, key: Option<&Passphrase>) -> Error {
    match e {
        Error::Corrupt { .. } if key.is_some() && could_be_encrypted(path) => {
            Error::WrongPassword { path: path.to_path_buf() }
        }
        other => other,
    }
}

/// Attaches `file` under `alias` with `key`, or as plain SQLite without one. The KEY clause is
/// always given: without it, SQLCipher would attach with the main database's key.
pub(crate) fn attach(conn: &Connection, file: &str, alias: &str, key: Option<&Passphrase>) -> Result<()> {
    conn.execute(&format!("ATTACH DATABASE ?1 AS {alias} KEY ?2"), params![file, key.map_or("", |k| k.as_str())])?;
    quiet_cipher_log(conn)
}

pub(crate) fn utf8_path(path: &Path) -> Result<&str> {
    path.to_str()
        .ok_or_else(|| Error::Refused(format!("文件路径 {} 含有无法识别的字符，请换一个文件夹", path.display())))
}

pub(crate) fn with_suffix(path: &Path, suffix: &str) -> PathBuf {
    let mut s = path.as_os_str().to_owned();
    s.push(suffix);
    PathBuf::from(s)
}

pub(crate) fn folder_of(path: &Path) -> &Path {
    match path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent,
        _ => Path::new("."),
    }
}

/// Makes the rename of a file into `folder` durable where the platform allows it (not Windows,
/// whose folders cannot be opened as files).
pub(crate) fn sync_folder(folder: &Path) {
    #[cfg(unix)]
    if let Err(e) = std::fs::File::open(folder).and_then(|f| f.sync_all()) {
        tracing::warn!(folder = %folder.display(), "cannot sync the folder after a rename: {e}");
    }
    #[cfg(not(unix))]
    let _ = folder;
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
        crate::safety::backup::verify_copy_with(&temp, new_key)?;
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
struct ExclusiveHold {
    conn: Connection,
}

/// How long taking the hold keeps trying while other programs have the register open.
const HOLD_TRIES_FOR: std::time::Duration = std::time::Duration::from_secs(10);

impl ExclusiveHold {
    fn take(path: &Path, key: Option<&Passphrase>) -> Result<ExclusiveHold> {
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
    fn export_into(&self, temp: &Path, key: Option<&Passphrase>) -> Result<()> {
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

