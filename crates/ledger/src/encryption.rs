//! Encryption at rest, an option an administrator turns on: the register file (and every backup
//! of it) is encrypted page by page with SQLCipher, under a key derived from the administrator's
//! password.
//!
//! The password is given to SQLCipher as a passphrase (`PRAGMA key`); SQLCipher derives the
//! 256-bit page key from it with PBKDF2-HMAC-SHA512 (256,000 rounds) and a random salt stored in
//! the file's first 16 bytes, so two files under one password still have different keys, and
//! each page carries an HMAC that finds tampering. Nothing about the key is stored anywhere else.
//!
//! The trade-off, which the app must tell the administrator before turning this on: **a
//! forgotten password means lost data**. There is no recovery key and no back door; the backups
//! are encrypted with the same password, so they do not help either. Only a copy exported while
//! the register was open (or a backup from before encryption was turned on) can be read.
//!
//! Whose password: the administrator who turned encryption on is the key's owner (the setting
//! `encryption_owner`). When the owner's password changes, the file is rewritten under the new
//! one in the same step (`Ledger::rewrite_file`), so the password that logs them in is always
//! the one that opens the file. A register encrypted from the command line has no owner: its key
//! is the password given there and stays until it is turned off.
//!
//! Plain files are untouched by all this: a plain (or new) file opens without a key even when
//! one is given, and only `Ledger::encrypt` turns encryption on.

use crate::audit::{record, settings_json, Actor, Change};
use crate::db::APPLICATION_ID;
use crate::error::{Error, Result};
use crate::ledger::Ledger;
use rusqlite::{params, Connection, OptionalExtension};
use std::fmt;
use std::path::{Path, PathBuf};
use zeroize::Zeroizing;

/// The operator whose login password is the key; absent when encrypted from the command line.
pub const OWNER_SETTING: &str = "encryption_owner";

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
fn rewrite_prefix(register: &Path) -> String {
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
/// the process holds on it, SQLite's included (crate::output::is_same_file). SQLite's own VFS
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
        crate::db::read_only_uri(path, true),
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

fn utf8_path(path: &Path) -> Result<&str> {
    path.to_str()
        .ok_or_else(|| Error::Refused(format!("文件路径 {} 含有无法识别的字符，请换一个文件夹", path.display())))
}

fn with_suffix(path: &Path, suffix: &str) -> PathBuf {
    let mut s = path.as_os_str().to_owned();
    s.push(suffix);
    PathBuf::from(s)
}

fn folder_of(path: &Path) -> &Path {
    match path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent,
        _ => Path::new("."),
    }
}

/// Makes the rename of a file into `folder` durable where the platform allows it (not Windows,
/// whose folders cannot be opened as files).
fn sync_folder(folder: &Path) {
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
    static FAIL_BEFORE_SWAP: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// The encryption setting's change and its audit record, for the new file.
fn record_setting(conn: &mut Connection, actor: &Actor, owner: Option<i64>, summary: &str) -> Result<()> {
    let tx = conn.transaction()?;
    let before = settings_json(&tx, &[OWNER_SETTING])?;
    match owner {
        Some(id) => tx.execute(
            "INSERT INTO settings(key, value) VALUES (?1, ?2) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            params![OWNER_SETTING, id.to_string()],
        )?,
        None => tx.execute("DELETE FROM settings WHERE key = ?1", [OWNER_SETTING])?,
    };
    let after = settings_json(&tx, &[OWNER_SETTING])?;
    record(&tx, actor, Change::new("修改", "设置", None, summary).before(before).after(after))?;
    tx.commit()?;
    Ok(())
}

/// What 设置 → 数据加密 shows: whether the file is encrypted, and whose login password unlocks it.
#[derive(Debug, Clone, serde::Serialize)]
pub struct EncryptionStatus {
    pub encrypted: bool,
    /// The key owner's name; None for a plain register or one encrypted from the CLI.
    pub owner: Option<String>,
}

impl Ledger {
    pub fn encryption_status(&self) -> Result<EncryptionStatus> {
        let owner = match self.encryption_owner()?.filter(|_| self.is_encrypted()) {
            Some(id) => {
                self.conn.query_row("SELECT name FROM operators WHERE id = ?1", [id], |r| r.get(0)).optional()?
            }
            None => None,
        };
        Ok(EncryptionStatus { encrypted: self.is_encrypted(), owner })
    }

    /// True when the register file is encrypted (opened with a password).
    pub fn is_encrypted(&self) -> bool {
        self.key.is_some()
    }

    /// The file's key, for copies made on a connection of their own (e.g. the app's start-up
    /// `backup::auto_backup_file` on another thread). None for a plain register.
    pub fn encryption_key(&self) -> Option<&Passphrase> {
        self.key.as_ref()
    }

    /// The operator whose password is the key, if the register is encrypted and has one.
    pub fn encryption_owner(&self) -> Result<Option<i64>> {
        if !self.is_encrypted() {
            return Ok(None);
        }
        Ok(self.setting(OWNER_SETTING)?.and_then(|v| v.parse().ok()))
    }

    pub(crate) fn is_key_owner(&self, operator_id: i64) -> Result<bool> {
        Ok(self.encryption_owner()? == Some(operator_id))
    }

    /// With someone logged in, `password` must be their own login password (who they are is
    /// proven again before the file's key changes); returns their id. From the command line
    /// (no session) there is nothing to check it against.
    fn own_password(&self, password: &str) -> Result<Option<i64>> {
        let Some(session) = &self.session else { return Ok(None) };
        let hash: String =
            self.conn
                .query_row("SELECT password_hash FROM operators WHERE id = ?1", [session.operator_id], |r| r.get(0))?;
        if !crate::operators::password_matches(password, &hash) {
            return Err(Error::invalid("password", format!("密码不正确，请输入“{}”自己的登录密码", session.name)));
        }
        Ok(Some(session.operator_id))
    }

    /// Turns encryption on: the file is rewritten encrypted under `password`, which with someone
    /// logged in is their own login password (they become the key's owner).
    ///
    /// A forgotten password means lost data: nothing can open the file or its backups without it.
    pub fn encrypt(&mut self, password: &str) -> Result<()> {
        self.require_admin("加密数据库")?;
        if self.is_encrypted() {
            return Err(Error::Refused(format!(
                "台账 {} 已经加密；要换密码，请由开启加密的管理员修改自己的登录密码（命令行加密的台账：先取消加密再重新加密）",
                self.path().display()
            )));
        }
        let owner = self.own_password(password)?;
        // In the app the key is the administrator's login password, checked just above.
        match (owner, crate::operators::encryption_password_weakness(password)) {
            (Some(_), Some(rule)) => {
                return Err(Error::invalid(
                    "password",
                    format!("您的登录密码太弱，不能用作加密密码：{rule}。请先在“修改我的密码”中换一个更强的登录密码，再开启加密"),
                ))
            }
            (Some(_), None) => {}
            (None, _) => crate::operators::valid_encryption_password("password", password)?,
        }
        let key = Passphrase::new(password)?;
        let actor = self.actor();
        self.rewrite_file(Some(key.clone()), |conn| record_setting(conn, &actor, owner, "开启数据加密"))?;
        let folder = crate::backup::default_folder(self.path());
        // The register is encrypted by now: a backup folder that cannot be read is logged, not
        // reported as a failure of what has been done.
        match crate::backup::encrypt_plain_copies(&folder, self.path(), &key, &self.conn) {
            Ok(encrypted) => tracing::info!(encrypted, "older backups encrypted with the register"),
            Err(e) => tracing::error!(folder = %folder.display(), "cannot encrypt the older backups: {e}"),
        }
        Ok(())
    }

    /// Turns encryption off: the file is rewritten as plain SQLite. `password` is the logged-in
    /// administrator's own login password, or from the command line the register's password.
    pub fn decrypt(&mut self, password: &str) -> Result<()> {
        self.require_admin("加密数据库")?;
        let Some(key) = &self.key else {
            return Err(Error::Refused(format!("台账 {} 没有加密", self.path().display())));
        };
        if self.own_password(password)?.is_none() && !key.matches(password) {
            return Err(Error::invalid("password", "密码不正确，请输入打开这个台账的密码"));
        }
        let actor = self.actor();
        self.rewrite_file(None, |conn| record_setting(conn, &actor, None, "关闭数据加密"))
    }

    /// Rewrites the register file under `new_key` (None: plain SQLite) — the one way encryption
    /// is turned on, turned off, or moved to a new password. `change` is the write that goes
    /// with it (its audit record, a new password hash); it is made in the NEW file only, so the
    /// change and the key arrive together or not at all.
    ///
    /// Crash-safe and exclusive: the register is taken for this process alone (`ExclusiveHold`:
    /// refused while another program has it open), exported into a temporary file beside it
    /// (ATTACH … KEY + sqlcipher_export, as SQLCipher's backup API will not copy between a plain
    /// and an encrypted database), `change` is applied there, the copy is checked from a fresh
    /// connection and synced, and only then renamed over the register — all under the hold, so
    /// no other program can commit to the old file in between and lose its write with it. Until
    /// the rename the original file is untouched; after it, the new file is complete.
    pub(crate) fn rewrite_file<T>(
        &mut self,
        new_key: Option<Passphrase>,
        change: impl FnOnce(&mut Connection) -> Result<T>,
    ) -> Result<T> {
        let path = self.path().to_path_buf();
        if path.as_os_str().is_empty() {
            return Err(Error::Refused("这个台账只在内存中，没有文件可以加密".into()));
        }
        // Our own connection goes first: the hold needs the file to itself.
        let live = std::mem::replace(&mut self.conn, Connection::open_in_memory()?);
        if let Err((conn, e)) = live.close() {
            self.conn = conn;
            return Err(Error::from(e).at(&path));
        }
        let rewritten = (|| -> Result<T> {
            let hold = ExclusiveHold::take(&path, self.key.as_ref())?;
            let temp = tempfile::Builder::new()
                .prefix(&rewrite_prefix(&path))
                .suffix(TEMP_SUFFIX)
                .tempfile_in(folder_of(&path))
                .map_err(|e| Error::from(e).at_open(&path))?
                .into_temp_path();
            // On SIGTERM the temporary copy (plain, after a decrypt) is removed too.
            let _tracked = crate::cleanup::Tracked::new(&temp);
            hold.export_into(&temp, new_key.as_ref()).map_err(|e| e.at(&path))?;
            let mut copy = Connection::open(&temp)?;
            if let Some(key) = &new_key {
                apply_key(&copy, key)?;
            }
            let value = change(&mut copy)?;
            copy.close().map_err(|(_, e)| Error::from(e))?;
            crate::backup::verify_copy_with(&temp, new_key.as_ref())?;
            std::fs::File::open(&temp).and_then(|f| f.sync_all()).map_err(|e| Error::from(e).at_open(&path))?;
            #[cfg(test)]
            if FAIL_BEFORE_SWAP.with(|fail| fail.get()) {
                return Err(Error::Refused("测试：在换上新文件之前失败".into()));
            }
            // The old file has no -wal (the hold switched it to a rollback journal); an -shm
            // left from WAL days must not greet the new file.
            remove_if_there(&with_suffix(&path, "-shm")).map_err(|e| e.at_open(&path))?;
            temp.persist(&path).map_err(|e| Error::from(e.error).at_open(&path))?;
            sync_folder(folder_of(&path));
            // Released only now: a program that waited for the old file finds it moved, and
            // SQLite refuses to write to a moved file in rollback-journal mode.
            drop(hold);
            Ok(value)
        })();
        match rewritten {
            Ok(value) => {
                // From here the file is the new one, whatever happens to the reopen.
                self.key = new_key;
                self.changed();
                self.conn = crate::db::open_with(&path, self.key.as_ref())?;
                Ok(value)
            }
            Err(e) => {
                match crate::db::open_with(&path, self.key.as_ref()) {
                    Ok(conn) => self.conn = conn,
                    Err(again) => tracing::error!(path = %path.display(), "cannot reopen the register: {again}"),
                }
                Err(e)
            }
        }
    }
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

#[cfg(test)]
mod tests {
    use super::*;
    use rusqlite::backup::Backup;

    fn table_with_rows(conn: &Connection) {
        conn.execute_batch(
            "CREATE TABLE t(id INTEGER PRIMARY KEY, name TEXT NOT NULL) STRICT;
             INSERT INTO t(name) VALUES ('张三丰'), ('李四');",
        )
        .unwrap();
    }

    fn names(conn: &Connection) -> Vec<String> {
        let mut stmt = conn.prepare("SELECT name FROM t ORDER BY id").unwrap();
        stmt.query_map([], |r| r.get(0)).unwrap().collect::<rusqlite::Result<_>>().unwrap()
    }

    fn key(text: &str) -> Passphrase {
        Passphrase::new(text).unwrap()
    }

    #[test]
    fn a_passphrase_is_never_shown_and_refuses_empty_and_nul() {
        let p = key("星河'2026");
        assert_eq!(format!("{p:?}"), "Passphrase(***)");
        assert!(p.matches("星河'2026") && !p.matches("星河'2025"));
        assert_eq!(Passphrase::new("").unwrap_err().kind(), "invalid");
        assert_eq!(Passphrase::new("a\0b").unwrap_err().kind(), "invalid");
    }

    /// Plain SQLite behaves as before the switch to SQLCipher: WAL, STRICT, JSON, backup API.
    #[test]
    fn plain_files_keep_wal_strict_json_and_the_backup_api() {
        let dir = tempfile::tempdir().unwrap();
        let conn = Connection::open(dir.path().join("plain.db")).unwrap();
        let mode: String = conn.pragma_update_and_check(None, "journal_mode", "WAL", |r| r.get(0)).unwrap();
        assert_eq!(mode, "wal");
        table_with_rows(&conn);
        assert!(conn.execute("INSERT INTO t(id, name) VALUES ('x', 'y')", []).is_err(), "STRICT");
        let json: String =
            conn.query_row("SELECT json_object('name', name) FROM t WHERE id = 1", [], |r| r.get(0)).unwrap();
        assert_eq!(json, r#"{"name":"张三丰"}"#);
        let mut copy = Connection::open(dir.path().join("copy.db")).unwrap();
        Backup::new(&conn, &mut copy).unwrap().step(-1).unwrap();
        assert_eq!(names(&copy), ["张三丰", "李四"]);
        assert!(is_plain_sqlite(&dir.path().join("copy.db")).unwrap());
    }

    /// The key is derived from the passphrase by SQLCipher (PBKDF2-HMAC-SHA512) with a salt of
    /// each file's own; the backup API copies between two encrypted connections (not between a
    /// plain and an encrypted one); sqlcipher_export leaves the header numbers to us.
    #[test]
    fn sqlcipher_derives_the_key_per_file_and_copies_between_encrypted_files() {
        let dir = tempfile::tempdir().unwrap();
        let mut salts = Vec::new();
        for name in ["a.db", "b.db"] {
            let path = dir.path().join(name);
            let conn = Connection::open(&path).unwrap();
            apply_key(&conn, &key("同一个密码")).unwrap();
            table_with_rows(&conn);
            let kdf: String = conn.query_row("PRAGMA cipher_kdf_algorithm", [], |r| r.get(0)).unwrap();
            assert_eq!(kdf, "PBKDF2_HMAC_SHA512");
            let rounds: String = conn.query_row("PRAGMA kdf_iter", [], |r| r.get(0)).unwrap();
            assert_eq!(rounds, "256000");
            drop(conn);
            assert!(!is_plain_sqlite(&path).unwrap());
            salts.push(std::fs::read(&path).unwrap()[..16].to_vec());
        }
        assert_ne!(salts[0], salts[1], "a random salt per file");

        let src = Connection::open(dir.path().join("a.db")).unwrap();
        apply_key(&src, &key("同一个密码")).unwrap();
        let mut same = Connection::open(dir.path().join("same.db")).unwrap();
        apply_key(&same, &key("同一个密码")).unwrap();
        Backup::new(&src, &mut same).unwrap().step(-1).unwrap();
        assert_eq!(names(&same), ["张三丰", "李四"]);
        let mut plain = Connection::open(dir.path().join("plain.db")).unwrap();
        assert!(Backup::new(&src, &mut plain).is_err(), "plain <-> encrypted needs sqlcipher_export");

        src.pragma_update(None, "user_version", 5).unwrap();
        attach(&src, utf8_path(&dir.path().join("export.db")).unwrap(), "x", None).unwrap();
        src.query_row("SELECT sqlcipher_export('x')", [], |_| Ok(())).unwrap();
        let version: i64 = src.query_row("PRAGMA x.user_version", [], |r| r.get(0)).unwrap();
        assert_eq!(version, 0, "export does not copy user_version");
        src.execute("DETACH DATABASE x", []).unwrap();
        assert!(is_plain_sqlite(&dir.path().join("export.db")).unwrap());
        assert_eq!(names(&Connection::open(dir.path().join("export.db")).unwrap()), ["张三丰", "李四"]);
    }

    #[test]
    fn a_wrong_key_and_no_key_are_not_a_database() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("e.db");
        table_with_rows(&{
            let conn = Connection::open(&path).unwrap();
            apply_key(&conn, &key("right")).unwrap();
            conn
        });
        for given in [None, Some(key("wrong"))] {
            let conn = Connection::open(&path).unwrap();
            if let Some(k) = &given {
                apply_key(&conn, k).unwrap();
            }
            let err = Error::from(conn.query_row("SELECT count(*) FROM t", [], |r| r.get::<_, i64>(0)).unwrap_err());
            assert_eq!(err.kind(), "corrupt");
            let expected = if given.is_some() { "wrong_password" } else { "corrupt" };
            assert_eq!(wrong_password(err.at(&path), &path, given.as_ref()).kind(), expected);
        }
        // A short text file given a password is damage, not a wrong password.
        let text = dir.path().join("notes.db");
        std::fs::write(&text, "这不是数据库").unwrap();
        let err = Error::Corrupt { path: text.clone(), detail: String::new() };
        assert_eq!(wrong_password(err, &text, Some(&key("x"))).kind(), "corrupt");
    }

    #[test]
    fn plain_means_the_sqlite_header_or_nothing() {
        let dir = tempfile::tempdir().unwrap();
        assert!(is_plain_sqlite(&dir.path().join("missing.db")).unwrap());
        std::fs::write(dir.path().join("empty.db"), b"").unwrap();
        assert!(is_plain_sqlite(&dir.path().join("empty.db")).unwrap());
        std::fs::write(dir.path().join("short.db"), b"SQLite").unwrap();
        assert!(!is_plain_sqlite(&dir.path().join("short.db")).unwrap());
    }

    fn liuhe(path: &Path) -> Ledger {
        let mut ledger = Ledger::open(path).unwrap();
        ledger.set_community_name("浏河社区").unwrap();
        ledger
    }

    #[test]
    fn encrypt_and_decrypt_rewrite_the_file_and_keep_the_data() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("x.db");
        let mut ledger = liuhe(&path);
        ledger.encrypt("星河-2026!").unwrap();
        assert!(ledger.is_encrypted());
        assert!(!is_plain_sqlite(&path).unwrap());
        assert_eq!(ledger.community_name().unwrap().as_deref(), Some("浏河社区"));
        assert_eq!(ledger.check().unwrap().integrity, ["ok"]);
        let version: i64 = ledger.conn.pragma_query_value(None, "user_version", |r| r.get(0)).unwrap();
        assert_eq!(version, crate::db::schema_version());
        let mode: String = ledger.conn.pragma_query_value(None, "journal_mode", |r| r.get(0)).unwrap();
        assert_eq!(mode, "wal");
        drop(ledger);

        assert_eq!(Ledger::open(&path).err().unwrap().kind(), "corrupt");
        assert_eq!(Ledger::open_with_password(&path, "星河2026").err().unwrap().kind(), "wrong_password");
        let mut ledger = Ledger::open_with_password(&path, "星河-2026!").unwrap();
        assert!(ledger.is_encrypted());
        assert_eq!(ledger.decrypt("wrong!!").unwrap_err().kind(), "invalid");
        ledger.decrypt("星河-2026!").unwrap();
        assert!(!ledger.is_encrypted());
        assert!(is_plain_sqlite(&path).unwrap());
        drop(ledger);
        let ledger = Ledger::open(&path).unwrap();
        assert_eq!(ledger.community_name().unwrap().as_deref(), Some("浏河社区"));
        let summaries: Vec<String> = ledger
            .conn
            .prepare("SELECT summary FROM audit_log WHERE entity = '设置' ORDER BY id")
            .unwrap()
            .query_map([], |r| r.get(0))
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap();
        assert_eq!(summaries[1..], ["开启数据加密", "关闭数据加密"]);
        assert!(!dir.path().read_dir().unwrap().any(|e| e
            .unwrap()
            .file_name()
            .to_string_lossy()
            .starts_with(TEMP_PREFIX)));
    }

    /// Regression (issue 11): a rewrite killed by SIGKILL left a plain copy that stayed until
    /// an open at least ten minutes later.
    #[test]
    fn a_plain_copy_left_by_a_killed_rewrite_is_removed_at_the_next_open_whatever_its_age() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("x.db");
        drop(liuhe(&path));
        let own = rewrite_prefix(&path);
        let left: Vec<PathBuf> = ["abc", "abc", "def", "def"]
            .iter()
            .zip(["", "-wal", "", "-journal"])
            .map(|(name, side)| dir.path().join(format!("{own}{name}{TEMP_SUFFIX}{side}")))
            .collect();
        // Another register's rewrite in the same folder, running now.
        let theirs = dir.path().join(format!("{}xyz{TEMP_SUFFIX}", rewrite_prefix(&dir.path().join("y.db"))));
        for file in left.iter().chain([&theirs]) {
            std::fs::write(file, b"a plain copy of the register").unwrap();
        }
        drop(Ledger::open(&path).unwrap());
        for file in &left {
            assert!(!file.exists(), "{} is gone", file.display());
        }
        assert!(theirs.exists(), "another register's rewrite in progress is left alone");
        let an_hour_ago = std::time::SystemTime::now() - std::time::Duration::from_secs(3600);
        std::fs::File::options().write(true).open(&theirs).unwrap().set_modified(an_hour_ago).unwrap();
        drop(Ledger::open(&path).unwrap());
        assert!(!theirs.exists(), "left over by a crash long ago");
    }

    /// The reason the open may remove them at once: a rewrite holds the register for itself
    /// from before its temporary file exists, so an open meanwhile is refused and removes nothing.
    #[test]
    fn a_rewrite_in_progress_keeps_other_opens_out() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("x.db");
        drop(liuhe(&path));
        let hold = ExclusiveHold::take(&path, None).unwrap();
        let temp = dir.path().join(format!("{}running{TEMP_SUFFIX}", rewrite_prefix(&path)));
        std::fs::write(&temp, b"being written").unwrap();
        let err = Ledger::open(&path).err().unwrap();
        assert_eq!(err.kind(), "locked", "{err}");
        assert!(temp.exists(), "the running rewrite's file is left alone");
        drop(hold);
        drop(Ledger::open(&path).unwrap());
        assert!(!temp.exists());
    }

    /// A file's bytes apart from the header's change counters (a journal-mode switch and back
    /// counts as a change) and its WAL flag.
    fn data_bytes(path: &Path) -> Vec<u8> {
        let mut bytes = std::fs::read(path).unwrap();
        for at in [18, 19, 24, 25, 26, 27, 92, 93, 94, 95] {
            bytes[at] = 0;
        }
        bytes
    }

    #[test]
    fn a_failure_before_the_swap_leaves_the_file_as_it_was() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("x.db");
        drop(liuhe(&path));
        let mut ledger = Ledger::open(&path).unwrap();
        let before = data_bytes(&path);
        FAIL_BEFORE_SWAP.with(|fail| fail.set(true));
        let err = ledger.encrypt("星河-2026!").unwrap_err();
        FAIL_BEFORE_SWAP.with(|fail| fail.set(false));
        assert_eq!(err.kind(), "refused", "{err}");
        assert!(!ledger.is_encrypted());
        assert!(data_bytes(&path) == before, "the data pages are as they were");
        assert_eq!(ledger.community_name().unwrap().as_deref(), Some("浏河社区"));
        assert!(!dir.path().read_dir().unwrap().any(|e| e
            .unwrap()
            .file_name()
            .to_string_lossy()
            .starts_with(TEMP_PREFIX)));
    }

    #[test]
    fn another_connection_on_the_file_stops_the_swap() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("x.db");
        let mut ledger = liuhe(&path);
        let other = Connection::open(&path).unwrap();
        let _: i64 = other.query_row("SELECT count(*) FROM settings", [], |r| r.get(0)).unwrap();
        let err = ledger.encrypt("星河-2026!").unwrap_err();
        assert_eq!(err.kind(), "locked", "{err}");
        assert!(!ledger.is_encrypted() && is_plain_sqlite(&path).unwrap());
        assert_eq!(ledger.community_name().unwrap().as_deref(), Some("浏河社区"));
        drop(other);
        ledger.encrypt("星河-2026!").unwrap();
        assert!(ledger.is_encrypted());
    }
}
