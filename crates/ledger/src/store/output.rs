//! Where Xinghe may write a file the user chose (a printout, an export, a backup): never over
//! the open register, its -wal/-shm/-journal files, or a backup in its backup folder — whatever
//! path leads there (a symlink, a hard link, `./reg.db`, `dir/../reg.db`, `REG.DB` on a
//! case-insensitive disk).
//!
//! Design: a process-wide list of protected registers, filled when a `Ledger` opens a file and
//! emptied when that Ledger is dropped (`Protection`), and consulted by the writers themselves
//! (`export::write_atomically`, through which every printout, export and workbook goes, and
//! `backup::install_copy`, which takes a `Destination`). The alternative, handing the Ledger to
//! every writer, would not cover the writers that have no Ledger (`PrintedPdf::save`, the
//! rejected-rows workbook written by the app before any import) and would be one more argument
//! a new writer could get wrong; with the list, a new writer that goes through the two is
//! guarded without knowing it, and a backup writer must say in its type whether the path was
//! chosen by the user (`Destination::chosen`, checked) or is the register's own copy
//! (`Destination::internal`: automatic backups, safety copies, re-encrypting old backups).
//!
//! An existing target is compared by file identity (`same_file`: device and inode, or the
//! volume serial and file index on Windows), so links and spellings all meet the same file. A
//! target not yet there is compared by its canonical folder and its name, ignoring case (a
//! name that differs only in case is refused on every system: harmless where case matters,
//! and needed where it does not).

use crate::error::{Error, Result};
use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;
use xinghe_formats::pdf::PrintedPdf;
use xinghe_formats::workbook::{self, ExportFormat, Table, Xlsx};

/// True when `a` and `b` are the same file (through links and spellings).
///
/// On Unix by `stat` alone, never by opening the files: closing any descriptor of the register
/// drops every POSIX lock this process holds on it — SQLite's shared lock included — after which
/// another program may checkpoint and delete the -wal and -shm still in use here ("disk I/O
/// error", "database disk image is malformed"). Windows locks belong to the handle, so the
/// `same_file` crate's handles (volume serial and file index) are safe there.
/// Every backup file ends so, e.g. 浏河社区-备份-2026-11-29-0930.xinghe.db.
pub const BACKUP_EXTENSION: &str = ".xinghe.db";

/// The automatic-backup folder of a database: `backups` beside it, which for the app's default
/// database is the app-data folder's `backups`.
pub fn default_folder(db: &Path) -> PathBuf {
    match db.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent.join("backups"),
        _ => PathBuf::from("backups"),
    }
}

pub fn is_same_file(a: &Path, b: &Path) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        match (std::fs::metadata(a), std::fs::metadata(b)) {
            (Ok(a), Ok(b)) => a.dev() == b.dev() && a.ino() == b.ino(),
            _ => false,
        }
    }
    #[cfg(not(unix))]
    {
        same_file::is_same_file(a, b).unwrap_or(false)
    }
}

/// SQLite's files beside a database: written to by SQLite, read back as part of the register.
const SIDECARS: [&str; 3] = ["-wal", "-shm", "-journal"];

struct Protected {
    id: u64,
    /// The register, canonical (it exists once opened).
    register: PathBuf,
    /// Its backup folders: `backup::default_folder` of the path it was opened by (where the app
    /// and `restore` write) and of the canonical path, when a symlink makes them differ.
    backups: Vec<PathBuf>,
}

static PROTECTED: Mutex<Vec<Protected>> = Mutex::new(Vec::new());
static NEXT_ID: AtomicU64 = AtomicU64::new(1);

fn protected() -> std::sync::MutexGuard<'static, Vec<Protected>> {
    // A panic elsewhere while the list was held leaves it consistent (pushes and retains only).
    PROTECTED.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// The open register's place in the list; dropping it (with its Ledger) takes it out.
#[derive(Debug)]
pub(crate) struct Protection {
    id: u64,
}

impl Drop for Protection {
    fn drop(&mut self) {
        protected().retain(|p| p.id != self.id);
    }
}

/// Protects the register at `register` (just opened) and its backups until the Protection is
/// dropped. A path that cannot be resolved protects nothing (there is no file to overwrite).
pub(crate) fn protect(register: &Path) -> Option<Protection> {
    let canonical = std::fs::canonicalize(register).ok()?;
    let mut backups = vec![default_folder(register), default_folder(&canonical)];
    backups.dedup();
    let register = canonical;
    let id = NEXT_ID.fetch_add(1, Ordering::Relaxed);
    protected().push(Protected { id, register, backups });
    Some(Protection { id })
}

/// A path a backup copy may be renamed onto: checked when the user chose it.
#[derive(Debug, Clone, Copy)]
pub struct Destination<'a> {
    path: &'a Path,
}

impl<'a> Destination<'a> {
    /// A path the user chose: refused when it is a protected file (see `refuse_protected`).
    pub fn chosen(path: &'a Path) -> Result<Destination<'a>> {
        refuse_protected(path)?;
        Ok(Destination { path })
    }

    /// A file the register writes for itself in its own backup folder (automatic backups, the
    /// safety copy before a restore, an older backup re-encrypted in place): not checked.
    pub(crate) fn internal(path: &'a Path) -> Destination<'a> {
        Destination { path }
    }

    pub fn path(&self) -> &'a Path {
        self.path
    }
}

/// Refuses `out` when writing it would replace or damage an open register, one of its SQLite
/// files, or an existing backup in its backup folder; the message names `out` and what it is.
pub fn refuse_protected(out: &Path) -> Result<()> {
    let list: Vec<(PathBuf, Vec<PathBuf>)> =
        protected().iter().map(|p| (p.register.clone(), p.backups.clone())).collect();
    for (register, backups) in &list {
        if let Some(what) = collides(out, register, backups) {
            return Err(Error::invalid(
                "out",
                format!("{} {what}，不能写入或覆盖；请换一个文件名或位置", out.display()),
            ));
        }
    }
    Ok(())
}

/// What `out` is, when it is `register`, one of its SQLite files or a backup in `backups`.
fn collides(out: &Path, register: &Path, backups: &[PathBuf]) -> Option<String> {
    let sidecar = |suffix: &str| {
        let mut name = register.as_os_str().to_owned();
        name.push(suffix);
        PathBuf::from(name)
    };
    // The message names `out` as the user wrote it; the register's own path would add nothing
    // (it is the same file, or beside it).
    let register_is = || "就是正在使用的台账数据库".to_string();
    let sidecar_is = |suffix: &str| format!("是正在使用的台账数据库的 SQLite 工作文件（{suffix}）");
    let backup_is = || "是备份文件夹中已有的备份".to_string();

    if out.exists() {
        // The same file, through whatever path: identity decides.
        if is_same_file(out, register) {
            return Some(register_is());
        }
        for suffix in SIDECARS {
            if is_same_file(out, &sidecar(suffix)) {
                return Some(sidecar_is(suffix));
            }
        }
        for entries in backups.iter().filter_map(|folder| std::fs::read_dir(folder).ok()) {
            for entry in entries.flatten() {
                if is_backup_name(&entry.file_name().to_string_lossy()) && is_same_file(out, &entry.path()) {
                    return Some(backup_is());
                }
            }
        }
    }
    // Not there (or not readable): the canonical folder and the name, ignoring case. The
    // register and its backups exist, so only a SQLite file not made yet is met this way.
    let (folder, name) = canonical_folder_and_name(out)?;
    let register_folder = register.parent()?;
    let register_name = register.file_name()?.to_string_lossy().to_lowercase();
    if folder == register_folder {
        if name == register_name {
            return Some(register_is());
        }
        for suffix in SIDECARS {
            if name == format!("{register_name}{suffix}") {
                return Some(sidecar_is(suffix));
            }
        }
    }
    None
}

/// `out`'s folder resolved (symlinks, `..`, `.`) and its name in lower case; None when the folder
/// does not exist (then nothing can be written there anyway).
fn canonical_folder_and_name(out: &Path) -> Option<(PathBuf, String)> {
    let name = out.file_name()?.to_string_lossy().to_lowercase();
    let folder = match out.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent,
        _ => Path::new("."),
    };
    Some((std::fs::canonicalize(folder).ok()?, name))
}

/// A backup file (`….xinghe.db`) or SQLite's file beside one.
fn is_backup_name(name: &str) -> bool {
    let name = name.to_lowercase();
    let base = SIDECARS.iter().find_map(|s| name.strip_suffix(s)).unwrap_or(&name);
    base.ends_with(BACKUP_EXTENSION)
}

/// One table as .xlsx or .csv, written atomically.
pub fn save_table(table: &Table, out: &Path, format: ExportFormat) -> Result<()> {
    match format {
        ExportFormat::Xlsx => save_workbook(std::slice::from_ref(table), out),
        ExportFormat::Csv => write_atomically(out, |w| Ok(workbook::write_csv(table, w)?)),
    }
}

/// Several sheets in one .xlsx file, in order, written atomically.
pub fn save_workbook(tables: &[Table], out: &Path) -> Result<()> {
    // Built fully in memory first, so a cell Excel cannot hold fails before any file exists.
    let workbook = Xlsx::build(tables)?;
    write_atomically(out, |w| Ok(workbook.write_to(w)?))
}

/// Saving a printed PDF to a file: through `write_atomically`, so a crash never leaves half a
/// PDF, the file is its owner's only (an unmasked roster holds full ID numbers), and never
/// over the open register or one of its backups.
pub trait SavePdf {
    fn save(&self, path: &Path) -> Result<()>;
}

impl SavePdf for PrintedPdf {
    fn save(&self, path: &Path) -> Result<()> {
        write_atomically(path, |writer| Ok(self.write_to(writer)?))
    }
}

/// Writes into a temporary file in `out`'s folder and renames it over `out` only once it is
/// complete and on disk (a rename within one folder is atomic): a crash or an error never
/// leaves a half file, and an existing file is replaced only by a whole new one. The
/// temporary file is removed on every error path. A path that is the open register, one of its
/// SQLite files or one of its backups is refused before anything is written (crate::store::output).
pub fn write_atomically(out: &Path, write: impl FnOnce(&mut BufWriter<&File>) -> Result<()>) -> Result<()> {
    crate::store::output::refuse_protected(out)?;
    let folder = match out.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent,
        _ => Path::new("."),
    };
    let context = |e: std::io::Error| {
        let reason = match e.kind() {
            std::io::ErrorKind::NotFound => format!("文件夹 {} 不存在", folder.display()),
            // Excel locks the files it has open: the usual reason an office meets here.
            std::io::ErrorKind::PermissionDenied => "没有写入权限；如果该文件正在 Excel 中打开，请先关闭".to_string(),
            _ => e.to_string(),
        };
        Error::Io(std::io::Error::new(e.kind(), format!("无法写入 {}：{reason}", out.display())))
    };
    // The temporary file is readable by its owner only (tempfile's default), and so is the
    // export: it holds full ID numbers and phones.
    let temp =
        tempfile::Builder::new().prefix(".xinghe-export-").suffix(".tmp").tempfile_in(folder).map_err(context)?;
    let mut writer = BufWriter::new(temp.as_file());
    write(&mut writer)?;
    writer.flush().map_err(context)?;
    drop(writer);
    temp.as_file().sync_all().map_err(context)?;
    temp.persist(out).map_err(|e| context(e.error))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_failed_write_keeps_the_old_file_and_leaves_no_temporary() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("名单.csv");
        std::fs::write(&out, "old").unwrap();
        let err = write_atomically(&out, |w| {
            w.write_all(b"half a file")?;
            Err(Error::Refused("boom".into()))
        });
        assert!(err.is_err());
        assert_eq!(std::fs::read_to_string(&out).unwrap(), "old");
        write_atomically(&out, |w| Ok(w.write_all(b"new")?)).unwrap();
        assert_eq!(std::fs::read_to_string(&out).unwrap(), "new");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[test]
    fn backup_names_and_their_sqlite_files_are_backups() {
        for name in ["a.xinghe.db", "浏河社区-备份-2026-11-29-0930.XINGHE.DB", "a.xinghe.db-journal", "a.xinghe.db-wal"]
        {
            assert!(is_backup_name(name), "{name}");
        }
        for name in ["a.db", "a.xlsx", "xinghe.db.pdf", "a.xinghe.db.bak"] {
            assert!(!is_backup_name(name), "{name}");
        }
    }

    #[test]
    fn the_register_is_protected_while_open_and_released_when_dropped() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("reg.db");
        std::fs::write(&db, b"x").unwrap();
        let spelled = dir.path().join("sub").join("..").join("reg.db");
        std::fs::create_dir(dir.path().join("sub")).unwrap();
        let protection = protect(&db).unwrap();
        for out in [db.clone(), spelled.clone(), dir.path().join("reg.db-wal"), dir.path().join("REG.DB-journal")] {
            let err = refuse_protected(&out).unwrap_err();
            assert!(err.to_string().contains(&out.display().to_string()), "{err}");
        }
        refuse_protected(&dir.path().join("名单.pdf")).unwrap();
        drop(protection);
        refuse_protected(&spelled).unwrap();
    }
}
