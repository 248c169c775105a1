//! Passwords typed for encrypted files within one process (the app): the count of wrong ones,
//! the wait after five in a row, and which error a file read with or without a password gives.
//!
//! The register and its backups are (nearly always) under the same key, so every way to try one
//! counts together: opening an encrypted register, reading or restoring an encrypted backup.
//! After `FAILURES_BEFORE_WAIT` wrong passwords in a row, `WAIT_AFTER_FAILURES` of wait (the
//! logins' rule, `operators::LoginFailures`), so the key owner's password cannot be guessed
//! without limit. Only an encrypted file opened ends the count: a plain file opens with any
//! password. The CLI keeps its own count across runs (`password_tries`).
//!
//! Pure policy: the reading itself is a closure given by the caller (the store's copies, the
//! safety module's restores).

use crate::access::operators::LoginFailures;
use crate::error::{Error, Result};
use crate::store::cipher::{is_plain_sqlite, Passphrase};
use crate::store::copies::needs_password;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard};
use std::time::Instant;

/// The one name every encrypted file's wrong passwords are counted under.
const FILE_PASSWORD: &str = "encrypted file";

/// The count of wrong passwords for encrypted files, shared by the threads of one process.
#[derive(Debug, Default)]
pub struct FilePasswords(Mutex<LoginFailures>);

/// A password typed for a file; None when none was typed.
pub fn typed_key(password: Option<&str>) -> Result<Option<Passphrase>> {
    password.map(Passphrase::new).transpose()
}

/// The error a file read with a key (`keyed`) or without one gives: `Error::NeedsPassword` when
/// it was read without a password and could be encrypted (the screens then ask for the password
/// it was made under); anything else, a wrong password included, as it is.
pub fn asking_for_password(error: Error, path: &Path, keyed: bool) -> Error {
    if keyed || !needs_password(path, None, &error) {
        return error;
    }
    Error::NeedsPassword { path: path.to_path_buf(), message: error.to_string() }
}

fn is_encrypted(file: &Path) -> bool {
    !is_plain_sqlite(file).unwrap_or(true)
}

impl FilePasswords {
    fn failures(&self) -> MutexGuard<'_, LoginFailures> {
        // A panic elsewhere must not end the count (nor lock the owner out).
        self.0.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Refused while the wait after five wrong passwords in a row lasts.
    pub fn wait(&self) -> Result<()> {
        self.wait_at(Instant::now())
    }

    fn wait_at(&self, now: Instant) -> Result<()> {
        self.failures().check(FILE_PASSWORD, now)
    }

    /// Counts the outcome of a password typed for `file`: a wrong password adds one (and is
    /// logged: the file and the count, never the password), an encrypted file opened ends the
    /// count, anything else leaves it.
    pub fn tried(&self, file: &Path, outcome: Result<(), &Error>) {
        self.tried_at(file, outcome, Instant::now())
    }

    fn tried_at(&self, file: &Path, outcome: Result<(), &Error>, now: Instant) {
        match outcome {
            Err(Error::WrongPassword { .. }) => {
                let mut failures = self.failures();
                failures.failed(FILE_PASSWORD, now);
                let in_a_row = failures.in_a_row(FILE_PASSWORD);
                tracing::warn!(file = %file.display(), in_a_row, "wrong password for an encrypted file");
            }
            Ok(()) if is_encrypted(file) => self.failures().succeeded(FILE_PASSWORD),
            _ => {}
        }
    }

    /// Runs `attempt`, which reads the encrypted `file` with a password typed by the user:
    /// refused without running it while the wait lasts; its outcome counted as in `tried`.
    pub fn attempt<T>(&self, file: &Path, attempt: impl FnOnce() -> Result<T>) -> Result<T> {
        self.wait()?;
        let result = attempt();
        self.tried(file, result.as_ref().map(|_| ()));
        result
    }

    /// Reads `file` with the password `typed` for it (counted, as in `attempt`), or else with
    /// `own_key` (the open register's key, not counted: nobody typed it). The error asks for the
    /// password when the file was read without any and could be encrypted (`asking_for_password`).
    pub fn read_with<T>(
        &self,
        file: &Path,
        typed: Option<&str>,
        own_key: Option<&Passphrase>,
        read: impl FnOnce(Option<&Passphrase>) -> Result<T>,
    ) -> Result<T> {
        match typed_key(typed)? {
            Some(key) => self.attempt(file, || read(Some(&key))),
            None => read(own_key).map_err(|e| asking_for_password(e, file, own_key.is_some())),
        }
    }

    /// Reads each of `files` with the password `typed` (or none): one password typed counts once
    /// — opened if it opened any encrypted file, wrong if it opened none and was wrong for one.
    /// Refused before reading anything while the wait lasts (only when a password was typed).
    pub fn read_each<T>(
        &self,
        files: Vec<PathBuf>,
        typed: Option<&Passphrase>,
        read: impl Fn(&Path, Option<&Passphrase>) -> Result<T>,
    ) -> Result<Vec<(PathBuf, Result<T>)>> {
        if typed.is_some() {
            self.wait()?;
        }
        let read: Vec<_> = files.into_iter().map(|path| (read(&path, typed), path)).collect();
        if typed.is_some() {
            let opened = read.iter().find(|(r, p)| r.is_ok() && is_encrypted(p));
            let wrong = read.iter().find(|(r, _)| matches!(r, Err(Error::WrongPassword { .. })));
            match (opened, wrong) {
                (Some((_, path)), _) => self.tried(path, Ok(())),
                (None, Some((Err(e), path))) => self.tried(path, Err(e)),
                _ => {}
            }
        }
        Ok(read.into_iter().map(|(r, p)| (p, r)).collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::access::operators::{FAILURES_BEFORE_WAIT, WAIT_AFTER_FAILURES};

    /// A file that is not plain SQLite: as an encrypted one looks.
    fn encrypted_file(dir: &Path, name: &str) -> PathBuf {
        let path = dir.join(name);
        std::fs::write(&path, [7u8; 1024]).unwrap();
        path
    }

    fn plain_file(dir: &Path) -> PathBuf {
        let path = dir.join("plain.db");
        rusqlite::Connection::open(&path).unwrap().execute_batch("CREATE TABLE t(x)").unwrap();
        path
    }

    fn wrong(file: &Path) -> Error {
        Error::WrongPassword { path: file.to_path_buf() }
    }

    #[test]
    fn five_wrong_passwords_make_every_encrypted_file_wait_and_the_wait_ends() {
        let dir = tempfile::tempdir().unwrap();
        let file = encrypted_file(dir.path(), "x.db");
        let passwords = FilePasswords::default();
        let start = Instant::now();
        for _ in 0..FAILURES_BEFORE_WAIT {
            passwords.wait_at(start).unwrap();
            passwords.tried_at(&file, Err(&wrong(&file)), start);
        }
        let err = passwords.wait_at(start).unwrap_err();
        assert_eq!(err.kind(), "refused");
        assert!(err.to_string().contains("请 30 秒后再试"), "{err}");
        let mut tried = false;
        let refused = passwords.attempt(&encrypted_file(dir.path(), "other.db"), || {
            tried = true;
            Ok(())
        });
        assert!(refused.is_err() && !tried, "another encrypted file waits too, without trying the key");
        passwords.wait_at(start + WAIT_AFTER_FAILURES).unwrap();
    }

    #[test]
    fn an_encrypted_file_opened_ends_the_count_a_plain_one_does_not() {
        let dir = tempfile::tempdir().unwrap();
        let file = encrypted_file(dir.path(), "x.db");
        let plain = plain_file(dir.path());
        let passwords = FilePasswords::default();
        let start = Instant::now();
        for _ in 0..FAILURES_BEFORE_WAIT - 1 {
            passwords.tried_at(&file, Err(&wrong(&file)), start);
        }
        passwords.tried_at(&plain, Ok(()), start);
        passwords.tried_at(&file, Err(&Error::Refused("其他错误".into())), start);
        assert_eq!(passwords.failures().in_a_row(FILE_PASSWORD), FAILURES_BEFORE_WAIT - 1);
        passwords.tried_at(&file, Ok(()), start);
        assert_eq!(passwords.failures().in_a_row(FILE_PASSWORD), 0);
    }

    #[test]
    fn a_file_read_without_a_password_that_could_be_encrypted_asks_for_one() {
        let dir = tempfile::tempdir().unwrap();
        let file = encrypted_file(dir.path(), "x.db");
        let unreadable = || Error::Refused("无法读取".into());
        let asked = asking_for_password(unreadable(), &file, false);
        assert_eq!((asked.kind(), asked.to_string()), ("needs_password", "无法读取".to_string()));
        assert_eq!(asking_for_password(unreadable(), &file, true).kind(), "refused", "a key was given");
        assert_eq!(asking_for_password(wrong(&file), &file, true).kind(), "wrong_password");
        let plain = plain_file(dir.path());
        assert_eq!(asking_for_password(unreadable(), &plain, false).kind(), "refused", "plainly not encrypted");
    }

    #[test]
    fn read_with_counts_only_a_typed_password() {
        let dir = tempfile::tempdir().unwrap();
        let file = encrypted_file(dir.path(), "x.db");
        let passwords = FilePasswords::default();
        let own = Passphrase::new("liuhe-2026").unwrap();
        for _ in 0..FAILURES_BEFORE_WAIT {
            let err = passwords.read_with(&file, None, Some(&own), |_| Err::<(), _>(wrong(&file))).unwrap_err();
            assert_eq!(err.kind(), "wrong_password");
        }
        passwords.wait().unwrap();
        let err = passwords.read_with(&file, None, None, |_| Err::<(), _>(Error::Refused("x".into()))).unwrap_err();
        assert_eq!(err.kind(), "needs_password");
        for _ in 0..FAILURES_BEFORE_WAIT {
            let typed = passwords.read_with(&file, Some("liuhe-2027"), None, |key| {
                assert!(key.is_some());
                Err::<(), _>(wrong(&file))
            });
            assert_eq!(typed.unwrap_err().kind(), "wrong_password");
        }
        assert_eq!(passwords.wait().unwrap_err().kind(), "refused");
    }

    #[test]
    fn one_password_typed_for_many_files_counts_once() {
        let dir = tempfile::tempdir().unwrap();
        let a = encrypted_file(dir.path(), "a.db");
        let b = encrypted_file(dir.path(), "b.db");
        let passwords = FilePasswords::default();
        let key = Passphrase::new("liuhe-2026").unwrap();
        let all_wrong = |p: &Path, _: Option<&Passphrase>| Err::<(), _>(wrong(p));
        passwords.read_each(vec![a.clone(), b.clone()], Some(&key), all_wrong).unwrap();
        assert_eq!(passwords.failures().in_a_row(FILE_PASSWORD), 1);
        let one_opens = |p: &Path, _: Option<&Passphrase>| if p == a { Ok(()) } else { Err(wrong(p)) };
        let read = passwords.read_each(vec![a.clone(), b.clone()], Some(&key), one_opens).unwrap();
        assert_eq!(passwords.failures().in_a_row(FILE_PASSWORD), 0, "it opened one");
        assert_eq!(read[0].0, a);
        assert!(read[0].1.is_ok() && read[1].1.is_err());
        passwords.read_each(vec![a, b], None, all_wrong).unwrap();
        assert_eq!(passwords.failures().in_a_row(FILE_PASSWORD), 0, "no password typed, nothing counted");
    }
}
