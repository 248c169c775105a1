//! The register file's key (SQLCipher): a passphrase that never shows, applying it, attaching
//! files under a key, and telling plain from encrypted files. Knows files and keys only.

use crate::error::{Error, Result};
use rusqlite::{params, Connection, OptionalExtension};
use std::fmt;
use std::path::{Path, PathBuf};
use zeroize::Zeroizing;

/// The first 16 bytes of every plain SQLite file. An encrypted file starts with its random salt.
const PLAIN_HEADER: &[u8; 16] = b"SQLite format 3\0";

/// The operator whose login password is the key; absent when encrypted from the command line.
pub const OWNER_SETTING: &str = "encryption_owner";

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
        crate::store::sqlite_file::read_only_uri(path, true),
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
