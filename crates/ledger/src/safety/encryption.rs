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

use crate::access::audit::{record, settings_json, Actor, Change};
use crate::error::{Error, Result};
use crate::ledger::Ledger;
pub use crate::store::cipher::{Passphrase, OWNER_SETTING};
use rusqlite::{params, Connection, OptionalExtension};

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
        if !crate::access::operators::password_matches(password, &hash) {
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
        match (owner, crate::access::operators::encryption_password_weakness(password)) {
            (Some(_), Some(rule)) => {
                return Err(Error::invalid(
                    "password",
                    format!("您的登录密码太弱，不能用作加密密码：{rule}。请先在“修改我的密码”中换一个更强的登录密码，再开启加密"),
                ))
            }
            (Some(_), None) => {}
            (None, _) => crate::access::operators::valid_encryption_password("password", password)?,
        }
        let key = Passphrase::new(password)?;
        let actor = self.actor();
        self.rewrite_file(Some(key.clone()), |conn| record_setting(conn, &actor, owner, "开启数据加密"))?;
        let folder = crate::safety::backup::default_folder(self.path());
        // The register is encrypted by now: a backup folder that cannot be read is logged, not
        // reported as a failure of what has been done.
        match crate::safety::backup::encrypt_plain_copies(&folder, self.path(), &key, &self.conn) {
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
        let rewritten = crate::store::rewrite::rewrite_file(&path, self.key.as_ref(), new_key.as_ref(), change);
        match rewritten {
            Ok(value) => {
                // From here the file is the new one, whatever happens to the reopen.
                self.key = new_key;
                self.changed();
                self.conn = crate::store::db::open_with(&path, self.key.as_ref())?;
                Ok(value)
            }
            Err(e) => {
                match crate::store::db::open_with(&path, self.key.as_ref()) {
                    Ok(conn) => self.conn = conn,
                    Err(again) => tracing::error!(path = %path.display(), "cannot reopen the register: {again}"),
                }
                Err(e)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::cipher::*;
    use crate::store::rewrite::*;
    use rusqlite::backup::Backup;
    use std::path::{Path, PathBuf};

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
        assert_eq!(version, crate::store::db::schema_version());
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
