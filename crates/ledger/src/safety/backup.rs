//! Backups and restore: copies of the register made with SQLite's online backup API, written to
//! a temporary file beside the target, checked (integrity_check, application_id, schema version)
//! and only then renamed into place; the automatic copies with their rotation (7 daily, 4 weekly,
//! 12 monthly); reading what a backup holds without changing it; and restoring a backup into the
//! open connection after a safety copy of the current data.
//!
//! Every copy of an encrypted register is encrypted under the register's own key
//! (crate::safety::encryption), and is read back with it: the functions that open a file take the key,
//! and the Ledger's methods pass their own.

use crate::error::{Error, Result};
use crate::ledger::Ledger;
use crate::store::cipher::{apply_key, attach, is_plain_sqlite, key_for, Passphrase, OWNER_SETTING};
use crate::store::copies::*;
pub use crate::store::copies::{
    default_folder, inspect_backup, inspect_backup_with, needs_password, verify_copy, verify_copy_with, BackupCounts,
    BackupInfo, TempCopy, BACKUP_EXTENSION, REGISTER_ID_SETTING,
};
use crate::store::db::{schema_version, APPLICATION_ID};
use crate::store::output::Destination;
use crate::values::dates::local_now;
use chrono::{Datelike, NaiveDateTime, TimeDelta};

use rusqlite::{Connection, ErrorCode, OptionalExtension};
use serde::Serialize;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// Automatic copies: `{database stem}-自动备份-2026-11-29-093012.xinghe.db`.
const AUTO_MARK: &str = "自动备份";
/// The copy of the current data taken before a restore; kept by its own rule (`safety_keep`).
const SAFETY_MARK: &str = "恢复前";
const AUTO_STAMP: &str = "%Y-%m-%d-%H%M%S";
const DATED_STAMP: &str = "%Y-%m-%d-%H%M";
/// A temporary file this old is left over from a crash, not a backup being written.
const STALE_TEMP: Duration = Duration::from_secs(3600);

/// How many automatic copies rotation keeps: the newest of each of the last N days, ISO weeks
/// and months that have a backup.
pub const KEEP_DAILY: usize = 7;
pub const KEEP_WEEKLY: usize = 4;
pub const KEEP_MONTHLY: usize = 12;
/// Safety copies taken before restores: every copy younger than KEEP_SAFETY_DAYS stays (a search
/// for the right backup can take many restores in a row, and the first copy holds the data as it
/// was before all of them), and of the older ones the newest this many; the rest are removed
/// after the next successful restore (each is a whole register; an office restores rarely).
pub const KEEP_SAFETY: usize = 10;
pub const KEEP_SAFETY_DAYS: i64 = 30;

/// How long a backup made by a reader waits for the write lock to record itself.
const RECORD_WAIT: Duration = Duration::from_secs(1);
/// The safety copy of a register that fails its own check is still kept, named so.
const DAMAGED_MARK: &str = "未通过检查";

/// What a restore did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RestoreReport {
    pub restored: BackupInfo,
    /// The copy of the data as it was before the restore.
    pub safety_backup: String,
    /// The backup's schema version when a migration brought it up to date.
    pub migrated_from: Option<i64>,
    pub schema_version: i64,
}

/// A backup the user made (`backup_to`, `backup_to_folder`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BackupMade {
    /// The file written.
    pub path: PathBuf,
    /// Set when the backup is complete but its 操作日志 record could not be written (disk
    /// full, register locked): the warning to show, naming the file and the reason.
    pub unrecorded: Option<String>,
}

/// One automatic backup written, and the older copies rotation removed after it was verified.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AutoBackup {
    pub path: String,
    pub created_at: String,
    pub removed: Vec<String>,
}

/// The automatic backups of one database.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BackupStatus {
    pub folder: String,
    pub count: usize,
    pub newest_at: Option<String>,
    pub newest_path: Option<String>,
    /// True when the newest automatic backup is more than a day old (or there is none).
    pub due: bool,
}

/// The name "Back up to…" gives a copy: 浏河社区-备份-2026-11-29-0930.xinghe.db.
pub fn dated_file_name(community_name: Option<&str>, at: NaiveDateTime) -> String {
    let name = community_name.map(safe_file_part).filter(|n| !n.is_empty()).unwrap_or_else(|| "星河社区台账".into());
    format!("{name}-备份-{}{BACKUP_EXTENSION}", at.format(DATED_STAMP))
}

/// Characters Windows forbids in file names become `_`.
fn safe_file_part(text: &str) -> String {
    let cleaned: String =
        text.chars().map(|c| if c.is_control() || r#"\/:*?"<>|"#.contains(c) { '_' } else { c }).collect();
    cleaned.trim().trim_matches('.').trim().to_string()
}

/// The database's own name part for automatic copies, so two registers in one folder keep
/// separate rotations.
fn stem_of(db: &Path) -> String {
    let stem = db.file_stem().map(|s| safe_file_part(&s.to_string_lossy())).unwrap_or_default();
    if stem.is_empty() {
        "xinghe".into()
    } else {
        stem
    }
}

fn auto_file_name(stem: &str, at: NaiveDateTime) -> String {
    format!("{stem}-{AUTO_MARK}-{}{BACKUP_EXTENSION}", at.format(AUTO_STAMP))
}

fn safety_file_name(stem: &str, at: NaiveDateTime) -> String {
    format!("{stem}-{SAFETY_MARK}-{}{BACKUP_EXTENSION}", at.format(AUTO_STAMP))
}

/// The time in an automatic backup's name, when `name` is one of `stem`'s automatic copies.
pub fn parse_auto_name(stem: &str, name: &str) -> Option<NaiveDateTime> {
    parse_marked_name(stem, AUTO_MARK, name)
}

fn parse_marked_name(stem: &str, mark: &str, name: &str) -> Option<NaiveDateTime> {
    let stamp = name.strip_prefix(stem)?.strip_prefix('-')?.strip_prefix(mark)?.strip_prefix('-')?;
    NaiveDateTime::parse_from_str(stamp.strip_suffix(BACKUP_EXTENSION)?, AUTO_STAMP).ok()
}

/// Rotation, pure: of backups made at `times`, the ones to keep — for each of the last
/// KEEP_DAILY days, KEEP_WEEKLY ISO weeks and KEEP_MONTHLY months that have a backup, the newest
/// backup of that day, week or month. The newest backup is always kept.
pub fn rotation_keep(times: &[NaiveDateTime]) -> BTreeSet<NaiveDateTime> {
    let mut newest_first = times.to_vec();
    newest_first.sort_unstable_by(|a, b| b.cmp(a));
    newest_first.dedup();
    let mut keep = BTreeSet::new();
    keep_newest_per(&newest_first, KEEP_DAILY, |t| (t.year(), t.ordinal()), &mut keep);
    keep_newest_per(
        &newest_first,
        KEEP_WEEKLY,
        |t| {
            let week = t.iso_week();
            (week.year(), week.week())
        },
        &mut keep,
    );
    keep_newest_per(&newest_first, KEEP_MONTHLY, |t| (t.year(), t.month()), &mut keep);
    keep
}

fn keep_newest_per(
    newest_first: &[NaiveDateTime],
    periods: usize,
    period_of: impl Fn(&NaiveDateTime) -> (i32, u32),
    keep: &mut BTreeSet<NaiveDateTime>,
) {
    let mut seen = 0;
    let mut last = None;
    for time in newest_first {
        let period = period_of(time);
        if last == Some(period) {
            continue;
        }
        if seen == periods {
            break;
        }
        seen += 1;
        last = Some(period);
        keep.insert(*time);
    }
}

/// The automatic copies of the database `stem` in `folder`, oldest first.
fn list_auto(folder: &Path, stem: &str) -> Result<Vec<(PathBuf, NaiveDateTime)>> {
    list_marked(folder, stem, AUTO_MARK)
}

/// `stem`'s copies named with `mark` (自动备份, 恢复前) in `folder`, oldest first.
fn list_marked(folder: &Path, stem: &str, mark: &str) -> Result<Vec<(PathBuf, NaiveDateTime)>> {
    let entries = match std::fs::read_dir(folder) {
        Ok(entries) => entries,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(folder_error(folder, e)),
    };
    let mut found = Vec::new();
    for entry in entries {
        let entry = entry.map_err(|e| folder_error(folder, e))?;
        if let Some(at) = entry.file_name().to_str().and_then(|name| parse_marked_name(stem, mark, name)) {
            found.push((entry.path(), at));
        }
    }
    found.sort_by_key(|(_, at)| *at);
    Ok(found)
}

/// The automatic copies of the database `db` in `folder`, newest first (the start screen's
/// list when the database cannot be opened).
pub fn auto_backups(folder: &Path, db: &Path) -> Result<Vec<PathBuf>> {
    Ok(list_auto(folder, &stem_of(db))?.into_iter().rev().map(|(path, _)| path).collect())
}

fn folder_error(folder: &Path, e: std::io::Error) -> Error {
    Error::Io(std::io::Error::new(e.kind(), format!("无法读取备份文件夹 {}：{e}", folder.display())))
}

fn is_due(newest: Option<NaiveDateTime>, now: NaiveDateTime) -> bool {
    newest.is_none_or(|newest| now - newest > TimeDelta::days(1))
}

/// The automatic backups of the database `db` in `folder`: how many, the newest, and whether
/// one is due.
pub fn status(folder: &Path, db: &Path, now: NaiveDateTime) -> Result<BackupStatus> {
    let found = list_auto(folder, &stem_of(db))?;
    let newest = found.last();
    Ok(BackupStatus {
        folder: folder.display().to_string(),
        count: found.len(),
        newest_at: newest.map(|(_, at)| at.format(TEXT_STAMP).to_string()),
        newest_path: newest.map(|(path, _)| path.display().to_string()),
        due: is_due(newest.map(|(_, at)| *at), now),
    })
}

/// The copy taken before a restore. A register that fails its own check (the reason to restore)
/// still gets its copy kept, with 未通过检查 in the name, so that the restore can go ahead.
fn safety_copy(src: &Connection, out: &Path, at: NaiveDateTime, key: Option<&Passphrase>) -> Result<PathBuf> {
    let temp = temp_beside(out)?;
    write_copy(src, &temp, out, at, key).map_err(|e| copy_error(out, e))?;
    if let Err(e) = verify_copy_with(&temp, key) {
        let name = out.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        let stem = name.strip_suffix(BACKUP_EXTENSION).unwrap_or(&name);
        let damaged = out.with_file_name(format!("{stem}-{DAMAGED_MARK}{BACKUP_EXTENSION}"));
        tracing::warn!(path = %damaged.display(), "the current register fails its check; its copy is kept: {e}");
        temp.persist(&damaged).map_err(|e| write_error(&damaged, e))?;
        return Ok(damaged);
    }
    install_copy(temp, Destination::internal(out), key)?;
    Ok(out.to_path_buf())
}

/// One automatic copy of `src` into `folder`, verified, then the rotation; with `only_if_due`
/// nothing is written while the newest copy is less than a day old.
fn auto_backup_from(
    src: &Connection,
    stem: &str,
    folder: &Path,
    at: NaiveDateTime,
    only_if_due: bool,
    key: Option<&Passphrase>,
) -> Result<Option<AutoBackup>> {
    if only_if_due && !is_due(list_auto(folder, stem)?.last().map(|(_, t)| *t), at) {
        return Ok(None);
    }
    std::fs::create_dir_all(folder).map_err(|e| write_error(folder, e))?;
    let out = folder.join(auto_file_name(stem, at));
    backup_connection(src, Destination::internal(&out), at, key)?;
    // Only now, with the new copy verified and in place, may older copies go.
    let removed = rotate(folder, stem)?;
    Ok(Some(AutoBackup {
        path: out.display().to_string(),
        created_at: at.format(TEXT_STAMP).to_string(),
        removed: removed.iter().map(|p| p.display().to_string()).collect(),
    }))
}

/// Removes the automatic copies rotation does not keep, and temporary files left by a crash.
/// A file that cannot be removed is left for the next time.
fn rotate(folder: &Path, stem: &str) -> Result<Vec<PathBuf>> {
    let found = list_auto(folder, stem)?;
    let keep = rotation_keep(&found.iter().map(|(_, at)| *at).collect::<Vec<_>>());
    let mut removed = Vec::new();
    for (path, at) in found {
        if keep.contains(&at) {
            continue;
        }
        match std::fs::remove_file(&path) {
            Ok(()) => removed.push(path),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => tracing::warn!(path = %path.display(), "cannot remove an old backup: {e}"),
        }
    }
    remove_stale_temps(folder);
    Ok(removed)
}

/// Rotation of the safety copies, pure: of copies made at `times`, the ones to keep at `now` —
/// every one younger than KEEP_SAFETY_DAYS, and the newest KEEP_SAFETY whatever their age.
pub fn safety_keep(times: &[NaiveDateTime], now: NaiveDateTime) -> BTreeSet<NaiveDateTime> {
    let mut newest_first = times.to_vec();
    newest_first.sort_unstable_by(|a, b| b.cmp(a));
    let young = |t: &NaiveDateTime| now - *t < TimeDelta::days(KEEP_SAFETY_DAYS);
    newest_first.iter().enumerate().filter(|(i, t)| *i < KEEP_SAFETY || young(t)).map(|(_, t)| *t).collect()
}

/// Removes the safety copies of `stem` that `safety_keep` does not keep; a copy that cannot be
/// removed is logged and left (a failed clean-up never fails the restore that came before it).
fn rotate_safety_copies(folder: &Path, stem: &str, now: NaiveDateTime) {
    let found = match list_marked(folder, stem, SAFETY_MARK) {
        Ok(found) => found,
        Err(e) => return tracing::warn!("cannot list the safety copies: {e}"),
    };
    let keep = safety_keep(&found.iter().map(|(_, at)| *at).collect::<Vec<_>>(), now);
    for (path, at) in found {
        if keep.contains(&at) {
            continue;
        }
        if let Err(e) = std::fs::remove_file(&path) {
            tracing::warn!(path = %path.display(), "cannot remove an old safety copy: {e}");
        }
    }
}

/// When a register is encrypted, the backups of it made before into its backup folder are still
/// plain files: its automatic backups and safety copies, and any dated copy written there by hand
/// (`backup --out backups`). Each is rewritten under `key` (a checked temporary copy renamed over
/// it), so no readable copy of the data stays in the backup folder. A plain backup of ANOTHER
/// register kept in the same folder (another `register_id`, or for backups from before register
/// ids another community name) is left alone: encrypting it would lock its own administrator
/// out. Returns how many were encrypted; a copy that cannot be is logged and left (the register
/// itself is already encrypted).
pub fn encrypt_plain_copies(folder: &Path, db: &Path, key: &Passphrase, register: &Connection) -> Result<usize> {
    let stem = stem_of(db);
    let register_id = setting(register, REGISTER_ID_SETTING)?;
    let community = setting(register, "community_name")?;
    let entries = match std::fs::read_dir(folder) {
        Ok(entries) => entries,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(0),
        Err(e) => return Err(folder_error(folder, e)),
    };
    let mut encrypted = 0;
    for entry in entries.flatten() {
        let path = entry.path();
        let name = entry.file_name().to_string_lossy().into_owned();
        if !name.ends_with(BACKUP_EXTENSION) || !path.is_file() || !is_plain_sqlite(&path).unwrap_or(false) {
            continue;
        }
        let named_ours = parse_marked_name(&stem, AUTO_MARK, &name).is_some()
            || parse_marked_name(&stem, SAFETY_MARK, &name).is_some();
        let ours = match copy_identity(&path) {
            Ok((id, _)) if id.is_some() && register_id.is_some() => id == register_id,
            Ok((_, name)) => named_ours || (name.is_some() && name == community),
            Err(e) => {
                tracing::warn!(path = %path.display(), "not a backup that can be read, left as it is: {e}");
                false
            }
        };
        if !ours {
            tracing::warn!(path = %path.display(), "a plain backup of another register, left as it is");
            continue;
        }
        match encrypt_copy(&path, key) {
            Ok(()) => encrypted += 1,
            Err(e) => tracing::error!(path = %path.display(), "cannot encrypt an older backup: {e}"),
        }
    }
    Ok(encrypted)
}

/// A plain Xinghe backup's `register_id` and community name.
fn copy_identity(path: &Path) -> Result<(Option<String>, Option<String>)> {
    let conn = open_backup(path, None)?;
    let application_id: i32 = conn.pragma_query_value(None, "application_id", |r| r.get(0))?;
    if application_id != APPLICATION_ID {
        return Err(Error::NotXinghe { path: path.to_path_buf() });
    }
    Ok((setting(&conn, REGISTER_ID_SETTING)?, setting(&conn, "community_name")?))
}

fn encrypt_copy(path: &Path, key: &Passphrase) -> Result<()> {
    const ALIAS: &str = "xinghe_encrypted_copy";
    let temp = temp_beside(path)?;
    let src = Connection::open(path)?;
    let temp_name =
        temp.to_str().ok_or_else(|| Error::Refused(format!("路径 {} 含有无法处理的字符", temp.display())))?;
    attach(&src, temp_name, ALIAS, Some(key))?;
    let version: i64 = src.pragma_query_value(None, "user_version", |r| r.get(0))?;
    src.query_row(&format!("SELECT sqlcipher_export('{ALIAS}')"), [], |_| Ok(()))?;
    // sqlcipher_export copies the schema and rows, not the header's two numbers.
    src.execute_batch(&format!(
        "PRAGMA {ALIAS}.user_version = {version}; PRAGMA {ALIAS}.application_id = {APPLICATION_ID};"
    ))?;
    src.execute(&format!("DETACH DATABASE {ALIAS}"), [])?;
    drop(src);
    install_copy(temp, Destination::internal(path), Some(key))
}

fn remove_stale_temps(folder: &Path) {
    let Ok(entries) = std::fs::read_dir(folder) else { return };
    for entry in entries.flatten() {
        let name = entry.file_name();
        let name = name.to_string_lossy();
        let journal = format!("{BACKUP_TEMP_SUFFIX}-journal");
        if !(name.starts_with(BACKUP_TEMP_PREFIX) && (name.ends_with(BACKUP_TEMP_SUFFIX) || name.ends_with(&journal))) {
            continue;
        }
        let old = entry.metadata().and_then(|m| m.modified()).ok().and_then(|m| m.elapsed().ok());
        if old.is_some_and(|age| age > STALE_TEMP) {
            let _ = std::fs::remove_file(entry.path());
        }
    }
}

/// The start-up backup without the app's connection: a read-only connection of its own on the
/// database file, so the window and its commands are not held up while the copy is written.
/// `key` is the register's password when it is encrypted (`Ledger::encryption_key`, None for a
/// plain one); the copy is encrypted under it too. The file's header is not read to find out:
/// the app's own connection is open, and closing a read of the file would drop its lock
/// (crate::store::output::is_same_file).
pub fn auto_backup_file(
    db: &Path,
    folder: &Path,
    at: NaiveDateTime,
    only_if_due: bool,
    key: Option<&Passphrase>,
) -> Result<Option<AutoBackup>> {
    let given = key;
    let opened = || -> Result<Connection> {
        let src = open_read_only_with(db, key)?;
        let application_id: i32 = src.pragma_query_value(None, "application_id", |r| r.get(0))?;
        if application_id != APPLICATION_ID {
            return Err(Error::NotXinghe { path: db.to_path_buf() });
        }
        Ok(src)
    };
    let src = opened().map_err(|e| crate::store::cipher::wrong_password(e.at(db), db, given))?;
    auto_backup_from(&src, &stem_of(db), folder, at, only_if_due, key)
}

impl Ledger {
    /// A verified copy of the register at `out` (online backup API), written atomically: `out`
    /// is either left as it was or replaced by the complete, checked copy.
    /// The copy is recorded in the 操作日志 (who, where to) afterwards: see `record_backup`.
    pub fn backup_to(&self, out: &Path) -> Result<BackupMade> {
        self.require_admin("把数据备份到其他位置")?;
        let destination = Destination::chosen(out)?;
        if out.exists() {
            self.refuse_unless_own_backup(out)?;
        }
        backup_connection(&self.conn, destination, local_now(), self.encryption_key())?;
        Ok(self.record_backup(out))
    }

    /// A backup replaces an existing file only when it is a Xinghe backup of this same register
    /// (the `register_id` it carries, read with the register's key when encrypted): never a
    /// spreadsheet, another register or a backup of another one, whatever the caller allowed.
    fn refuse_unless_own_backup(&self, out: &Path) -> Result<()> {
        let ours = self.setting(REGISTER_ID_SETTING)?;
        let theirs = || -> Result<(Option<String>, Option<String>)> {
            let conn = open_backup(out, key_for(out, self.encryption_key())?)?;
            let application_id: i32 = conn.pragma_query_value(None, "application_id", |r| r.get(0))?;
            if application_id != APPLICATION_ID {
                return Ok((None, None));
            }
            Ok((setting(&conn, REGISTER_ID_SETTING)?, setting(&conn, CREATED_AT_KEY)?))
        };
        match (ours, theirs()) {
            (Some(ours), Ok((Some(theirs), Some(_made_at)))) if ours == theirs => Ok(()),
            _ => Err(Error::invalid(
                "out",
                format!(
                    "{} 已存在，且不是本台账的备份（备份只会覆盖本台账以前的备份），没有改动；请换一个文件名",
                    out.display()
                ),
            )),
        }
    }

    /// "Back up to…": a dated copy (浏河社区-备份-2026-11-29-0930.xinghe.db) in `folder`, never
    /// over an existing file. Returns the file written; recorded like `backup_to`.
    pub fn backup_to_folder(&self, folder: &Path, at: NaiveDateTime) -> Result<BackupMade> {
        self.require_admin("把数据备份到其他位置")?;
        if !folder.is_dir() {
            return Err(Error::invalid("folder", format!("备份位置 {} 不是一个已有的文件夹", folder.display())));
        }
        let name = dated_file_name(self.community_name()?.as_deref(), at);
        let mut out = folder.join(&name);
        let mut n = 2;
        while out.exists() {
            let stem = name.strip_suffix(BACKUP_EXTENSION).unwrap_or(&name);
            out = folder.join(format!("{stem}-{n}{BACKUP_EXTENSION}"));
            n += 1;
        }
        backup_connection(&self.conn, Destination::chosen(&out)?, at, self.encryption_key())?;
        Ok(self.record_backup(&out))
    }

    /// The 操作日志 record of a backup the user made (a full copy, ID numbers and phones in
    /// full, taken off the PC): who, and where to. Automatic copies and safety copies stay in
    /// the backup folder and are not recorded.
    ///
    /// It is written AFTER the copy, as a short write of its own: a backup is a reader and must
    /// work when the disk is full or another program holds the write lock, and the copy it made
    /// is good either way. So a record that cannot be written does not undo or fail the backup;
    /// the backup is reported done with a warning saying it is not in the log, and why.
    fn record_backup(&self, out: &Path) -> BackupMade {
        let shown = std::path::absolute(out).unwrap_or_else(|_| out.to_path_buf());
        let summary = format!("备份全部数据（含完整身份证号和电话）到 {}", shown.display());
        let change = crate::access::audit::Change::new("生成", "备份", None, summary);
        let unrecorded = self.record_from_reader(change).err().map(|e| {
            tracing::warn!(out = %out.display(), "the backup is done but not in the audit trail: {e}");
            let why = match e {
                Error::DiskFull { .. } => "磁盘已满".to_string(),
                Error::Locked { .. } => "数据库正被其他程序占用".to_string(),
                Error::ReadOnly { .. } => "数据库不能写入".to_string(),
                other => other.to_string(),
            };
            format!("备份已完成（{}），但{why}，未能记入操作日志", out.display())
        });
        BackupMade { path: out.to_path_buf(), unrecorded }
    }

    /// Writes one audit record even on a register opened for reading (`Ledger::open_for_reading`,
    /// whose connection is `query_only`): the one write a reader makes. Not on a network folder,
    /// where no PC may write through WAL (crate::store::network_folder).
    fn record_from_reader(&self, change: crate::access::audit::Change) -> Result<()> {
        let reading: bool = self.conn.query_row("PRAGMA query_only", [], |r| r.get(0))?;
        if !reading {
            return crate::access::audit::record(&self.conn, &self.actor(), change);
        }
        if crate::store::network_folder::network_kind(self.path()).is_some() {
            return Err(Error::Refused("台账在网络文件夹中，不能写入".into()));
        }
        // A reader does not wait long for another program's write lock: the backup is done, and
        // a record that cannot be written in time is reported instead (record_backup).
        self.conn.busy_timeout(RECORD_WAIT)?;
        self.conn.pragma_update(None, "query_only", "OFF")?;
        let recorded = crate::access::audit::record(&self.conn, &self.actor(), change);
        self.conn.pragma_update(None, "query_only", "ON")?;
        self.conn.busy_timeout(std::time::Duration::from_secs(5))?;
        recorded
    }

    /// An automatic copy into `folder` (made at `at`), then the rotation. Older copies are
    /// removed only after the new one passed its check.
    pub fn auto_backup(&self, folder: &Path, at: NaiveDateTime) -> Result<AutoBackup> {
        auto_backup_from(&self.conn, &stem_of(self.path()), folder, at, false, self.encryption_key())?
            .ok_or_else(|| Error::Refused("自动备份没有写出文件".into()))
    }

    /// The start-up rule: an automatic copy only when the newest is more than a day old.
    pub fn auto_backup_if_due(&self, folder: &Path, at: NaiveDateTime) -> Result<Option<AutoBackup>> {
        auto_backup_from(&self.conn, &stem_of(self.path()), folder, at, true, self.encryption_key())
    }

    /// The same figures `inspect_backup` reads from a backup, for the current data.
    pub fn backup_counts(&self) -> Result<BackupCounts> {
        Ok(counts(&self.conn)?)
    }

    /// Replaces the register's data with the backup at `backup` (a backup of this community,
    /// read with the register's own key): `restore` with the default options.
    pub fn restore_from(&mut self, backup: &Path, folder: &Path) -> Result<RestoreReport> {
        let key = self.key.clone();
        self.restore(backup, folder, RestoreOptions { backup_key: key.as_ref(), ..Default::default() })
    }

    /// `restore_from` with the password the backup was made under, for an encrypted backup
    /// from before the key owner changed their password (or a register decrypted since). The
    /// register keeps its own key (or none).
    pub fn restore_from_with(
        &mut self,
        backup: &Path,
        folder: &Path,
        backup_key: Option<&Passphrase>,
    ) -> Result<RestoreReport> {
        self.restore(backup, folder, RestoreOptions { backup_key, ..Default::default() })
    }

    /// Replaces the register's data with the backup at `backup`.
    ///
    /// The backup is inspected first (a foreign, newer or damaged file, or a backup of another
    /// community without `other_community`, is refused and nothing changes). Then, in ONE write
    /// transaction on the open connection, so that no other program can commit in between: the
    /// current data is copied to `folder` (the safety copy, checked and renamed into place before
    /// anything is replaced), the register's tables are replaced by the backup's, an older backup
    /// is migrated, the trail of the replaced data is carried over, and everything is checked.
    /// Any failure rolls the whole transaction back: the register is exactly as it was. Every
    /// write another program reported as done is therefore either in the safety copy (it came
    /// before) or in the restored register (it waited for the restore and came after); one that
    /// waited too long is refused with 正在恢复备份.
    ///
    /// An encrypted register reads an encrypted backup with `backup_key`, and stays encrypted
    /// under its own key whatever the backup was (an older plain backup included).
    pub fn restore(&mut self, backup: &Path, folder: &Path, options: RestoreOptions) -> Result<RestoreReport> {
        self.require_admin("从备份恢复")?;
        if same_file(backup, self.path()) {
            return Err(Error::Refused(format!("{} 就是正在使用的数据库，不能从它恢复", backup.display())));
        }
        let info = inspect_backup_with(backup, options.backup_key)?;
        if !options.other_community {
            self.refuse_other_community(&info)?;
        }
        let at = local_now();
        std::fs::create_dir_all(folder).map_err(|e| write_error(folder, e))?;
        let backup_key = key_for(backup, options.backup_key)?;
        let safety_out = folder.join(safety_file_name(&stem_of(self.path()), at));
        let restoring = crate::store::failure::RestoreMarker::create(self.path());
        let safety = if self.is_damaged() {
            self.overwrite_damaged_with_backup(backup, backup_key, &safety_out, at, &info)
        } else {
            self.replace_with_backup(backup, backup_key, &safety_out, at, &info)
        };
        drop(restoring);
        let safety = safety?;
        // A fresh connection: the schema this one cached belongs to the replaced data. The old
        // one is closed first: opening reads the file's header, and closing that read would drop
        // the old connection's lock (POSIX locks belong to the process, crate::store::output::is_same_file).
        drop(std::mem::replace(&mut self.conn, Connection::open_in_memory()?));
        self.conn = crate::store::db::open_with(self.path(), self.key.as_ref())?;
        self.changed();
        rotate_safety_copies(folder, &stem_of(self.path()), at);
        // The restored data has its own operators: whoever is at the PC logs in again.
        self.lock();
        Ok(RestoreReport {
            migrated_from: info.needs_migration.then_some(info.schema_version),
            restored: info,
            safety_backup: safety.display().to_string(),
            schema_version: schema_version(),
        })
    }

    /// A backup whose community name differs from the register's (both named) is refused: a
    /// backup of 星火社区 would replace every household of 浏河社区. The caller asks the user and
    /// restores with `RestoreOptions::other_community`.
    /// A backup of this very register (the same `register_id`) is never another community's,
    /// whatever it was called then.
    pub fn refuse_other_community(&self, info: &BackupInfo) -> Result<()> {
        let named = |name: Option<&str>| name.map(str::trim).filter(|n| !n.is_empty()).map(str::to_string);
        let same_register = info.register_id.is_some() && info.register_id == self.setting(REGISTER_ID_SETTING)?;
        match (named(info.community_name.as_deref()), named(self.community_name()?.as_deref())) {
            (Some(backup), Some(current)) if backup != current && !same_register => {
                Err(Error::OtherCommunity { path: PathBuf::from(&info.path), backup, current })
            }
            _ => Ok(()),
        }
    }

    /// The restore's one transaction (see `restore`); returns the safety copy's path.
    fn replace_with_backup(
        &mut self,
        backup: &Path,
        backup_key: Option<&Passphrase>,
        safety_out: &Path,
        at: NaiveDateTime,
        info: &BackupInfo,
    ) -> Result<PathBuf> {
        let owner = self.owner_and_hash()?;
        let (actor, live) = (self.actor(), self.path().to_path_buf());
        // Tables are dropped and filled in any order; the result is checked before the commit.
        // (foreign_keys cannot change inside a transaction.)
        self.conn.pragma_update(None, "foreign_keys", "OFF")?;
        let attached = attach(&self.conn, &backup_uri(backup), RESTORE_SOURCE, backup_key);
        let result = attached.and_then(|()| {
            let tx = begin_immediate(&self.conn, &live)?;
            // The safety copy is read by a connection of its own (the online backup API cannot
            // read from a connection in a write transaction). Nothing has changed yet and nobody
            // else can commit while `tx` holds the write lock, so it sees exactly the data that
            // is about to be replaced.
            let reader = open_read_only_with(&live, self.key.as_ref())?;
            let safety = safety_copy(&reader, safety_out, at, self.key.as_ref())?;
            drop(reader);
            // The trail as it is now: the backup's replaces it, and these records are appended
            // to it again (audit::carry_over_trail), so history is never erased by a restore.
            let replaced_trail = crate::access::audit::read_trail(&tx)?;
            let identity = setting(&tx, REGISTER_ID_SETTING)?;
            replace_tables(&tx)?;
            crate::store::db::migrate_in(&tx)?;
            finish_restore(&tx, owner.as_ref(), identity.as_deref(), info)?;
            record_restore(&tx, &actor, info, &safety, &replaced_trail)?;
            tx.commit()?;
            Ok(safety)
        });
        let _ = self.conn.execute(&format!("DETACH DATABASE {RESTORE_SOURCE}"), []);
        self.conn.pragma_update(None, "foreign_keys", "ON")?;
        result.map_err(|e| e.at(&live))
    }
}

impl Ledger {
    /// quick_check finds damage a restore's transaction would trip over (dropping a damaged
    /// table reads it).
    fn is_damaged(&self) -> bool {
        let found = self
            .conn
            .prepare("PRAGMA main.quick_check")
            .and_then(|mut stmt| stmt.query_map([], |r| r.get::<_, String>(0))?.collect::<rusqlite::Result<Vec<_>>>());
        !matches!(found.as_deref(), Ok([ok]) if ok == "ok")
    }

    /// The restore of a DAMAGED register, which the transaction of `replace_with_backup` cannot
    /// read: the backup's pages are copied over the register's with the online backup API
    /// (brought under the register's key first), after the safety copy, then migrated, checked
    /// and recorded; a failure after the copy puts the safety copy back. Unlike the healthy
    /// case, a write another program commits between the safety copy and the copy is lost —
    /// into a register whose pages are already damaged (docs/reliability.md).
    fn overwrite_damaged_with_backup(
        &mut self,
        backup: &Path,
        backup_key: Option<&Passphrase>,
        safety_out: &Path,
        at: NaiveDateTime,
        info: &BackupInfo,
    ) -> Result<PathBuf> {
        let owner = self.owner_and_hash()?;
        let (actor, live) = (self.actor(), self.path().to_path_buf());
        let safety = safety_copy(&self.conn, safety_out, at, self.key.as_ref())?;
        // Damage may have reached the trail itself; what can be read of it is carried over (the
        // whole of it stays in the safety copy).
        let replaced_trail = crate::access::audit::read_trail(&self.conn).unwrap_or_else(|e| {
            tracing::error!("the damaged register's audit trail cannot be read, it stays in the safety copy: {e}");
            Vec::new()
        });
        let identity = setting(&self.conn, REGISTER_ID_SETTING).ok().flatten();
        let temp = temp_beside(&live)?;
        {
            let converted = Connection::open(&temp)?;
            if let Some(key) = &self.key {
                apply_key(&converted, key)?;
            }
            attach(&converted, &backup_uri(backup), RESTORE_SOURCE, backup_key)?;
            let exported = (|| -> Result<()> {
                converted.query_row(&format!("SELECT sqlcipher_export('main', '{RESTORE_SOURCE}')"), [], |_| Ok(()))?;
                // sqlcipher_export leaves the header's numbers; the version decides the migrations.
                let version: i64 =
                    converted.query_row(&format!("PRAGMA {RESTORE_SOURCE}.user_version"), [], |r| r.get(0))?;
                converted.execute_batch(&format!(
                    "PRAGMA main.user_version = {version}; PRAGMA main.application_id = {APPLICATION_ID};"
                ))?;
                Ok(())
            })();
            converted.execute(&format!("DETACH DATABASE {RESTORE_SOURCE}"), [])?;
            exported?;
            copy_database(&converted, &mut self.conn, &live)?;
        }
        drop(temp);
        let finished = (|| -> Result<()> {
            let tx = begin_immediate(&self.conn, &live)?;
            crate::store::db::migrate_in(&tx)?;
            finish_restore(&tx, owner.as_ref(), identity.as_deref(), info)?;
            record_restore(&tx, &actor, info, &safety, &replaced_trail)?;
            tx.commit()?;
            Ok(())
        })();
        if let Err(e) = finished {
            tracing::error!(backup = %backup.display(), "restore failed after the copy, putting the data back: {e}");
            let saved = open_read_only_with(&safety, self.encryption_key())?;
            copy_database(&saved, &mut self.conn, &live)?;
            return Err(e);
        }
        Ok(safety)
    }

    /// The encryption owner and their current password hash, which stay with the file's key.
    fn owner_and_hash(&self) -> Result<Option<(i64, Option<String>)>> {
        let Some(id) = self.encryption_owner()? else { return Ok(None) };
        let hash: Option<String> =
            self.conn.query_row("SELECT password_hash FROM operators WHERE id = ?1", [id], |r| r.get(0)).optional()?;
        Ok(Some((id, hash)))
    }
}

/// What a restore may do beyond the ordinary.
#[derive(Debug, Clone, Copy, Default)]
pub struct RestoreOptions<'a> {
    /// The password the backup was made under (None: the backup is plain).
    pub backup_key: Option<&'a Passphrase>,
    /// The user confirmed restoring a backup whose community name differs from the register's.
    pub other_community: bool,
}

/// The name the backup is attached under while a restore copies it in.
const RESTORE_SOURCE: &str = "xinghe_backup";

/// BEGIN IMMEDIATE on `conn`, retrying while another program writes (the busy timeout covers
/// one wait, a long import of another program more than that).
fn begin_immediate<'c>(conn: &'c Connection, live: &Path) -> Result<rusqlite::Transaction<'c>> {
    let deadline = std::time::Instant::now() + BUSY_FOR;
    loop {
        match rusqlite::Transaction::new_unchecked(conn, rusqlite::TransactionBehavior::Immediate) {
            Ok(tx) => return Ok(tx),
            Err(e)
                if std::time::Instant::now() < deadline
                    && matches!(e.sqlite_error_code(), Some(ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked)) =>
            {
                std::thread::sleep(BUSY_PAUSE)
            }
            Err(e) => return Err(Error::from(e).at(live)),
        }
    }
}

/// Drops every table and view of `main` and creates the backup's in their place, with its rows:
/// tables first, then their rows, then indexes, triggers and views (so the append-only triggers
/// are not in the way of the copy). The schema text is the backup's own, run on `main`.
fn replace_tables(conn: &Connection) -> Result<()> {
    let quoted = |name: &str| format!("\"{}\"", name.replace('"', "\"\""));
    let objects = |schema: &str| -> rusqlite::Result<Vec<(String, String, Option<String>)>> {
        let mut stmt = conn.prepare(&format!(
            "SELECT type, name, sql FROM {schema}.sqlite_schema WHERE substr(name, 1, 7) != 'sqlite_' ORDER BY rowid"
        ))?;
        let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?.collect();
        rows
    };
    for (kind, name, _) in objects("main")? {
        match kind.as_str() {
            "view" => conn.execute_batch(&format!("DROP VIEW IF EXISTS main.{}", quoted(&name)))?,
            "table" => conn.execute_batch(&format!("DROP TABLE IF EXISTS main.{}", quoted(&name)))?,
            _ => {} // indexes and triggers go with their tables
        }
    }
    let source = objects(RESTORE_SOURCE)?;
    let sql_of = |kinds: &[&str]| {
        source.iter().filter(|(kind, _, sql)| kinds.contains(&kind.as_str()) && sql.is_some()).collect::<Vec<_>>()
    };
    for (_, _, sql) in sql_of(&["table"]) {
        conn.execute_batch(sql.as_deref().unwrap_or_default())?;
    }
    for (_, name, _) in sql_of(&["table"]) {
        conn.execute_batch(&format!(
            "INSERT INTO main.{name} SELECT * FROM {RESTORE_SOURCE}.{name}",
            name = quoted(name)
        ))?;
    }
    for (_, _, sql) in sql_of(&["index", "trigger", "view"]) {
        conn.execute_batch(sql.as_deref().unwrap_or_default())?;
    }
    let version: i64 = conn.query_row(&format!("PRAGMA {RESTORE_SOURCE}.user_version"), [], |r| r.get(0))?;
    conn.execute_batch(&format!("PRAGMA main.user_version = {version}"))?;
    Ok(())
}

/// After the copy, in the restore's transaction: the live file's own stamp removed, the
/// register's encryption owner and their password hash kept, the resident volunteers that
/// opening a file would sync, and the checks (integrity, foreign keys) that decide the commit.
///
/// A backup from before register identities (migration 0006) was just given a new random one by
/// the migration; the register's own (`identity`) is put back, so its earlier backups are still
/// its own (crate::store::output, `encrypt_plain_copies`).
fn finish_restore(
    conn: &Connection,
    owner: Option<&(i64, Option<String>)>,
    identity: Option<&str>,
    info: &BackupInfo,
) -> Result<()> {
    conn.execute("DELETE FROM main.settings WHERE key = ?1", [CREATED_AT_KEY])?;
    if let (None, Some(identity)) = (&info.register_id, identity) {
        conn.execute("UPDATE main.settings SET value = ?2 WHERE key = ?1", (REGISTER_ID_SETTING, identity))?;
    }
    match owner {
        Some((id, hash)) => {
            conn.execute(
                "INSERT INTO main.settings(key, value) VALUES (?1, ?2) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                (OWNER_SETTING, id.to_string()),
            )?;
            conn.execute(
                "UPDATE main.operators SET password_hash = coalesce(?2, password_hash) WHERE id = ?1",
                (id, hash),
            )?;
        }
        None => {
            conn.execute("DELETE FROM main.settings WHERE key = ?1", [OWNER_SETTING])?;
        }
    }
    let mut stmt = conn.prepare("PRAGMA main.integrity_check")?;
    let found: Vec<String> = stmt.query_map([], |r| r.get(0))?.collect::<rusqlite::Result<_>>()?;
    if found != ["ok"] {
        return Err(Error::Refused(format!(
            "恢复后的数据库未通过完整性检查（{}），已还原为恢复前的数据",
            findings(&found)
        )));
    }
    let violations: i64 = conn.query_row("SELECT count(*) FROM pragma_foreign_key_check", [], |r| r.get(0))?;
    if violations > 0 {
        return Err(Error::Refused(format!(
            "恢复后的数据有 {violations} 处外键问题，已还原为恢复前的数据；这份备份不能使用"
        )));
    }
    Ok(())
}

/// The 恢复 record, written into the restored data (the trail of the backup continues), after
/// the records of the replaced trail the backup does not hold (`replaced`), carried over in the
/// same transaction.
fn record_restore(
    conn: &Connection,
    actor: &crate::access::audit::Actor,
    info: &BackupInfo,
    safety: &Path,
    replaced: &[crate::access::audit::TrailRow],
) -> Result<()> {
    let when = info.created_at.as_deref().or(info.modified.as_deref()).unwrap_or("时间不明");
    let carried = crate::access::audit::carry_over_trail(conn, replaced, &info.file_name)?;
    let kept = if carried > 0 {
        format!("；恢复前操作日志中备份里没有的 {carried} 条记录已附在其后（标为恢复前的记录）")
    } else {
        String::new()
    };
    let summary =
        format!("从备份“{}”（{when}）恢复数据；恢复前的数据已另存为 {}{kept}", info.file_name, safety.display());
    let after = serde_json::to_string(&info.counts).ok();
    crate::access::audit::record(
        conn,
        actor,
        crate::access::audit::Change::new("恢复", "备份", None, summary).after(after),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;

    fn at(y: i32, m: u32, d: u32, h: u32, min: u32) -> NaiveDateTime {
        NaiveDate::from_ymd_opt(y, m, d).unwrap().and_hms_opt(h, min, 0).unwrap()
    }

    #[test]
    fn no_backups_keep_nothing_and_one_backup_is_kept() {
        assert!(rotation_keep(&[]).is_empty());
        let only = at(2026, 11, 29, 9, 30);
        assert_eq!(rotation_keep(&[only]), BTreeSet::from([only]));
    }

    #[test]
    fn several_a_day_keep_only_the_newest_of_each_day() {
        let times = [at(2026, 11, 29, 8, 0), at(2026, 11, 29, 17, 30), at(2026, 11, 28, 8, 0), at(2026, 11, 28, 18, 0)];
        assert_eq!(rotation_keep(&times), BTreeSet::from([at(2026, 11, 29, 17, 30), at(2026, 11, 28, 18, 0)]));
    }

    #[test]
    fn a_year_of_daily_backups_keeps_7_days_4_weeks_12_months() {
        let first = NaiveDate::from_ymd_opt(2025, 12, 1).unwrap();
        let days: Vec<NaiveDateTime> =
            (0..365).map(|i| (first + TimeDelta::days(i)).and_hms_opt(9, 30, 0).unwrap()).collect();
        let last = *days.last().unwrap();
        assert_eq!(last.date(), NaiveDate::from_ymd_opt(2026, 11, 30).unwrap());
        let keep = rotation_keep(&days);
        let date = |m: u32, d: u32| NaiveDate::from_ymd_opt(2026, m, d).unwrap().and_hms_opt(9, 30, 0).unwrap();
        // 7 days: 24–30 Nov (Tue 24 … Mon 30).
        let daily: BTreeSet<_> = (24..=30).map(|d| date(11, d)).collect();
        // 4 ISO weeks: this week's newest (Mon 30 Nov), then the Sundays 29, 22 and 15 Nov.
        let weekly = BTreeSet::from([date(11, 30), date(11, 29), date(11, 22), date(11, 15)]);
        // 12 months: 30 Nov, then the last day of each month back to Dec 2025.
        let mut monthly = BTreeSet::from([date(11, 30)]);
        for m in 1..=10 {
            let next = NaiveDate::from_ymd_opt(2026, m + 1, 1).unwrap();
            monthly.insert((next - TimeDelta::days(1)).and_hms_opt(9, 30, 0).unwrap());
        }
        monthly.insert(at(2025, 12, 31, 9, 30));
        let expected: BTreeSet<_> = daily.iter().chain(&weekly).chain(&monthly).copied().collect();
        assert_eq!(keep, expected);
        assert_eq!(keep.len(), 7 + 2 + 11);
    }

    #[test]
    fn a_holiday_gap_still_keeps_seven_days_that_have_backups() {
        let mut times: Vec<NaiveDateTime> = (1..=5).map(|d| at(2026, 9, d, 9, 0)).collect();
        times.extend((10..=14).map(|d| at(2026, 10, d, 9, 0)));
        let keep = rotation_keep(&times);
        for d in 10..=14 {
            assert!(keep.contains(&at(2026, 10, d, 9, 0)));
        }
        assert!(keep.contains(&at(2026, 9, 5, 9, 0)) && keep.contains(&at(2026, 9, 4, 9, 0)));
        // 3 Sep is neither in the last 7 backup days nor the newest of its week or month.
        assert!(!keep.contains(&at(2026, 9, 3, 9, 0)));
    }

    #[test]
    fn safety_copies_younger_than_thirty_days_all_stay_and_older_ones_down_to_the_newest_ten() {
        let now = at(2026, 11, 29, 9, 0);
        // Fifteen restores this morning while looking for the right backup: every copy stays,
        // the first one (the data as it was before all of them) included.
        let morning: Vec<NaiveDateTime> = (0..15).map(|m| at(2026, 11, 29, 8, m)).collect();
        assert_eq!(safety_keep(&morning, now), morning.iter().copied().collect());
        // Twelve from last year and three recent ones: the recent ones, and the newest ten in all.
        let mut times: Vec<NaiveDateTime> = (1..=12).map(|m| at(2025, m, 1, 9, 0)).collect();
        times.extend([at(2026, 11, 1, 9, 0), at(2026, 11, 20, 9, 0), at(2026, 11, 28, 9, 0)]);
        let keep = safety_keep(&times, now);
        let expected: BTreeSet<_> = times[5..].iter().copied().collect();
        assert_eq!(keep, expected);
        // Eleven restores on one day a month ago: only the newest ten stay.
        let old: Vec<NaiveDateTime> = (0..11).map(|m| at(2026, 10, 29, 9, m)).collect();
        assert_eq!(safety_keep(&old, now).len(), KEEP_SAFETY);
        assert!(!safety_keep(&old, now).contains(&old[0]));
    }

    #[test]
    fn automatic_names_round_trip_and_other_files_are_ignored() {
        let t = NaiveDate::from_ymd_opt(2026, 11, 29).unwrap().and_hms_opt(9, 30, 12).unwrap();
        let name = auto_file_name("xinghe", t);
        assert_eq!(name, "xinghe-自动备份-2026-11-29-093012.xinghe.db");
        assert_eq!(parse_auto_name("xinghe", &name), Some(t));
        assert_eq!(parse_auto_name("liuhe", &name), None);
        assert_eq!(parse_auto_name("xinghe", &safety_file_name("xinghe", t)), None);
        assert_eq!(parse_auto_name("xinghe", "xinghe-自动备份-2026-11-29-093012.xinghe.db.tmp"), None);
    }

    #[test]
    fn the_dated_name_carries_the_community_and_is_a_safe_file_name() {
        let t = at(2026, 11, 29, 9, 30);
        assert_eq!(dated_file_name(Some("浏河社区"), t), "浏河社区-备份-2026-11-29-0930.xinghe.db");
        assert_eq!(dated_file_name(Some("A/B:社区?"), t), "A_B_社区_-备份-2026-11-29-0930.xinghe.db");
        assert_eq!(dated_file_name(None, t), "星河社区台账-备份-2026-11-29-0930.xinghe.db");
        assert_eq!(dated_file_name(Some("  "), t), "星河社区台账-备份-2026-11-29-0930.xinghe.db");
    }

    #[test]
    fn a_backup_is_due_after_a_day() {
        let newest = at(2026, 11, 28, 9, 30);
        assert!(is_due(None, newest));
        assert!(!is_due(Some(newest), at(2026, 11, 29, 9, 0)));
        assert!(is_due(Some(newest), at(2026, 11, 29, 10, 0)));
    }
}
