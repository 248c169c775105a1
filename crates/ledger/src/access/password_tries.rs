//! Wrong passwords for encrypted files tried from `xinghe-cli`, counted across runs: after five
//! in a row, further tries of that file wait 30 seconds and are refused without trying the key,
//! as the app does within one process (`operators::LoginFailures`). Each run of the CLI is a new
//! process, so the count lives in a small file.
//!
//! Where: `<the user's state folder>/xinghe/password-tries.json` (Linux `~/.local/state`,
//! Windows `%LOCALAPPDATA%`, macOS `~/Library/Application Support`), never beside the encrypted
//! file: that file and its folder are not written (a backup on a read-only USB stick, the
//! backup folder that rotation lists), and nothing is left beside a register that is copied.
//!
//! Keyed by the encrypted file's first 16 bytes, the random salt SQLCipher writes there (not a
//! secret: anyone with the file has it): a copy of the file under another name shares its count,
//! while a rekeyed file (which needs the password) starts afresh.
//!
//! What it is not: a defence against someone who copies the file and guesses with SQLCipher
//! directly, or who points the state folder elsewhere. That is why encryption passwords must be
//! strong (`operators::valid_encryption_password`); this only stops guessing at the keyboard
//! through the tool, like the app's wait.
//!
//! Failing safe: the count file is locked while a password is tried, so parallel runs cannot
//! each take a free guess. A damaged count file means a 30-second wait for every file (never
//! longer: it is rewritten as one wait from now), a deleted one a fresh count (deleting it takes
//! no more than copying the register). A time in the future (the clock set back) counts as now.
//! A count file that cannot be written at all is reported and the try goes on: refusing would
//! lock the owner out of their data over a broken home folder, and bought nothing, since the
//! folder can be pointed elsewhere anyway.

use crate::access::operators::{FAILURES_BEFORE_WAIT, WAIT_AFTER_FAILURES};
use crate::error::{Error, Result};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::fs::File;
use std::io::{Read, Seek, Write};
use std::path::{Path, PathBuf};
use std::time::{SystemTime, UNIX_EPOCH};

/// The entry that stands for every file (written when the count file was found damaged).
const EVERY_FILE: &str = "*";
/// Entries whose last wrong try is older than this are forgotten, so the file stays small.
const FORGET_AFTER_MS: u64 = 24 * 60 * 60 * 1000;
/// A count file larger than this is damaged (each entry is a few dozen bytes).
const MAX_COUNT_FILE_BYTES: u64 = 1 << 20;

#[derive(Debug, Clone, Copy, Serialize, Deserialize)]
struct Count {
    /// Wrong passwords in a row.
    wrong: u32,
    /// When the last one was tried, milliseconds since 1970 (UTC): the wait shown is exact to
    /// the second.
    last_ms: u64,
}

/// The count of wrong passwords for encrypted files, in the file at `path`.
pub struct PasswordTries {
    path: PathBuf,
    /// Told when the count file cannot be read or written (the CLI prints it as a warning).
    warn: Box<dyn Fn(&str)>,
}

fn millis(time: SystemTime) -> u64 {
    time.duration_since(UNIX_EPOCH).map_or(0, |d| d.as_millis() as u64)
}

/// The key for `file`: its salt in hex; None for a plain, empty or unreadable file (nothing to
/// guess at there, and the open reports the file's own problem).
fn file_key(file: &Path) -> Option<String> {
    if crate::store::cipher::is_plain_sqlite(file).unwrap_or(true) {
        return None;
    }
    let mut salt = [0u8; 16];
    File::open(file).and_then(|mut f| f.read_exact(&mut salt)).ok()?;
    Some(salt.iter().map(|b| format!("{b:02x}")).collect())
}

/// Milliseconds still to wait.
fn wait_left(count: Option<&Count>, now: u64) -> Option<u64> {
    let count = count?;
    let waited = now.saturating_sub(count.last_ms);
    let wait = WAIT_AFTER_FAILURES.as_millis() as u64;
    (count.wrong >= FAILURES_BEFORE_WAIT && waited < wait).then(|| wait - waited)
}

impl PasswordTries {
    /// The count file at `path` (created when first needed).
    pub fn at(path: impl Into<PathBuf>, warn: Box<dyn Fn(&str)>) -> PasswordTries {
        PasswordTries { path: path.into(), warn }
    }

    /// The count file in the user's state folder; None when there is no home folder at all.
    pub fn in_state_folder(warn: Box<dyn Fn(&str)>) -> Option<PasswordTries> {
        let folder = dirs::state_dir().or_else(dirs::data_local_dir)?;
        Some(PasswordTries::at(folder.join("xinghe").join("password-tries.json"), warn))
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Runs `try_key`, which opens the encrypted `file` with a password: refused ("密码错误次数
    /// 过多…，请 N 秒后再试") without running it while the wait after five wrong passwords in a
    /// row lasts; a wrong password (`Error::WrongPassword`) adds one, the file opened ends the
    /// count, anything else leaves it. A plain file is not counted.
    pub fn attempt<T>(&self, file: &Path, try_key: impl FnOnce() -> Result<T>) -> Result<T> {
        let Some(key) = file_key(file) else { return try_key() };
        let (mut handle, mut map, damaged) = match self.lock() {
            Ok(opened) => opened,
            Err(e) => {
                (self.warn)(&format!("无法记录密码错误次数（{}：{e}），这次不计数", self.path.display()));
                return try_key();
            }
        };
        let now = millis(SystemTime::now());
        // A time in the future (the clock was set back) counts as now: a wait never outlasts 30 s.
        for count in map.values_mut() {
            count.last_ms = count.last_ms.min(now);
        }
        if damaged {
            map = BTreeMap::from([(EVERY_FILE.to_string(), Count { wrong: FAILURES_BEFORE_WAIT, last_ms: now })]);
            self.save(&mut handle, &map);
        }
        let left = wait_left(map.get(&key), now).max(wait_left(map.get(EVERY_FILE), now));
        if let Some(left) = left {
            return Err(Error::Refused(format!(
                "文件 {} 的密码错误次数过多（连续 {FAILURES_BEFORE_WAIT} 次），请 {} 秒后再试（这次没有尝试密码）",
                file.display(),
                left.div_ceil(1000)
            )));
        }
        let result = try_key();
        match &result {
            Err(Error::WrongPassword { .. }) => {
                let count = map.entry(key).or_insert(Count { wrong: 0, last_ms: now });
                // A file that waited out its pause gets a fresh count.
                if count.wrong >= FAILURES_BEFORE_WAIT {
                    count.wrong = 0;
                }
                count.wrong += 1;
                count.last_ms = now;
            }
            Ok(_) => {
                map.remove(&key);
            }
            Err(_) => {}
        }
        map.retain(|name, count| {
            now.saturating_sub(count.last_ms) < FORGET_AFTER_MS
                && (name != EVERY_FILE || wait_left(Some(count), now).is_some())
        });
        self.save(&mut handle, &map);
        result
    }

    /// Opens and locks the count file (waiting for another run that holds it) and reads it:
    /// the file, the counts, and whether it was damaged.
    fn lock(&self) -> std::io::Result<(File, BTreeMap<String, Count>, bool)> {
        if let Some(folder) = self.path.parent() {
            std::fs::create_dir_all(folder)?;
        }
        let mut options = File::options();
        options.read(true).write(true).create(true).truncate(false);
        // Which files were guessed at is nobody else's business.
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
        let mut file = options.open(&self.path)?;
        file.lock()?;
        let mut text = String::new();
        let read = (&mut file).take(MAX_COUNT_FILE_BYTES + 1).read_to_string(&mut text);
        let parsed = match read {
            Ok(_) if text.trim().is_empty() => Some(BTreeMap::new()),
            Ok(n) if (n as u64) <= MAX_COUNT_FILE_BYTES => serde_json::from_str(&text).ok(),
            _ => None,
        };
        Ok(match parsed {
            Some(map) => (file, map, false),
            None => (file, BTreeMap::new(), true),
        })
    }

    /// Rewrites the count file in place (it is locked; a rename would leave the lock behind).
    fn save(&self, file: &mut File, map: &BTreeMap<String, Count>) {
        let written = (|| -> std::io::Result<()> {
            let text = serde_json::to_string(map).map_err(std::io::Error::other)?;
            file.set_len(0)?;
            file.rewind()?;
            file.write_all(text.as_bytes())?;
            file.sync_data()
        })();
        if let Err(e) = written {
            (self.warn)(&format!("无法记录密码错误次数（{}：{e}）", self.path.display()));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tries(dir: &Path) -> PasswordTries {
        PasswordTries::at(dir.join("state").join("password-tries.json"), Box::new(|w| panic!("{w}")))
    }

    fn encrypted_file(dir: &Path, name: &str) -> PathBuf {
        let path = dir.join(name);
        std::fs::write(&path, [7u8; 1024]).unwrap();
        path
    }

    fn wrong(file: &Path) -> Result<()> {
        Err(Error::WrongPassword { path: file.to_path_buf() })
    }

    #[test]
    fn five_wrong_passwords_make_the_file_and_its_copies_wait_without_trying() {
        let dir = tempfile::tempdir().unwrap();
        let file = encrypted_file(dir.path(), "x.db");
        let tries = tries(dir.path());
        for _ in 0..FAILURES_BEFORE_WAIT {
            assert_eq!(tries.attempt(&file, || wrong(&file)).unwrap_err().kind(), "wrong_password");
        }
        let mut tried = false;
        let err = tries
            .attempt(&file, || {
                tried = true;
                Ok(())
            })
            .unwrap_err();
        assert!(!tried, "the key is not tried while the file waits");
        assert!(err.to_string().contains("密码错误次数过多"), "{err}");
        let copy = dir.path().join("copy.db");
        std::fs::copy(&file, &copy).unwrap();
        assert!(tries.attempt(&copy, || Ok(())).is_err(), "a copy shares the count");
        let other = dir.path().join("other.db");
        std::fs::write(&other, [8u8; 1024]).unwrap();
        tries.attempt(&other, || Ok(())).unwrap();
    }

    #[test]
    fn a_right_password_ends_the_count_and_plain_files_are_not_counted() {
        let dir = tempfile::tempdir().unwrap();
        let file = encrypted_file(dir.path(), "x.db");
        let tries = tries(dir.path());
        for _ in 0..FAILURES_BEFORE_WAIT - 1 {
            let _ = tries.attempt(&file, || wrong(&file));
        }
        tries.attempt(&file, || Ok(())).unwrap();
        for _ in 0..FAILURES_BEFORE_WAIT - 1 {
            let _ = tries.attempt(&file, || wrong(&file));
        }
        tries.attempt(&file, || Ok(())).unwrap();
        let plain = dir.path().join("plain.db");
        rusqlite::Connection::open(&plain).unwrap().execute_batch("CREATE TABLE t(x)").unwrap();
        for _ in 0..10 {
            let _ = tries.attempt(&plain, || wrong(&plain));
        }
        tries.attempt(&plain, || Ok(())).unwrap();
    }

    #[test]
    fn a_damaged_count_file_waits_once_and_a_future_time_counts_as_now() {
        let dir = tempfile::tempdir().unwrap();
        let file = encrypted_file(dir.path(), "x.db");
        let tries = tries(dir.path());
        std::fs::create_dir_all(tries.path().parent().unwrap()).unwrap();
        std::fs::write(tries.path(), "{not json").unwrap();
        let err = tries.attempt(&file, || Ok(())).unwrap_err();
        assert!(err.to_string().contains("请 30 秒后再试"), "{err}");
        let written: BTreeMap<String, Count> =
            serde_json::from_str(&std::fs::read_to_string(tries.path()).unwrap()).unwrap();
        assert_eq!(written[EVERY_FILE].wrong, FAILURES_BEFORE_WAIT, "rewritten as one wait from now");

        let far = millis(SystemTime::now()) + 10 * 365 * 24 * 3600 * 1000;
        let map = BTreeMap::from([(file_key(&file).unwrap(), Count { wrong: FAILURES_BEFORE_WAIT, last_ms: far })]);
        std::fs::write(tries.path(), serde_json::to_string(&map).unwrap()).unwrap();
        let err = tries.attempt(&file, || Ok(())).unwrap_err();
        assert!(err.to_string().contains("请 30 秒后再试"), "{err}");

        let past = millis(SystemTime::now()) - WAIT_AFTER_FAILURES.as_millis() as u64;
        let map = BTreeMap::from([(EVERY_FILE.to_string(), Count { wrong: FAILURES_BEFORE_WAIT, last_ms: past })]);
        std::fs::write(tries.path(), serde_json::to_string(&map).unwrap()).unwrap();
        tries.attempt(&file, || Ok(())).unwrap();
        assert_eq!(std::fs::read_to_string(tries.path()).unwrap(), "{}", "the wait over, it is forgotten");
    }

    #[test]
    fn a_count_file_that_cannot_be_written_is_reported_and_the_try_goes_on() {
        let dir = tempfile::tempdir().unwrap();
        let file = encrypted_file(dir.path(), "x.db");
        std::fs::write(dir.path().join("state"), "a file where the folder should be").unwrap();
        let warnings = std::rc::Rc::new(std::cell::RefCell::new(Vec::new()));
        let seen = warnings.clone();
        let tries = PasswordTries::at(
            dir.path().join("state").join("password-tries.json"),
            Box::new(move |w| seen.borrow_mut().push(w.to_string())),
        );
        tries.attempt(&file, || Ok(())).unwrap();
        assert!(warnings.borrow()[0].contains("无法记录密码错误次数"), "{:?}", warnings.borrow());
    }
}
