//! Story: the office prints, exports and backs up to paths it types — and a path that is the
//! open register (however it is spelled or linked), one of its SQLite files, or a backup in its
//! backup folder is refused by every writer of the core, with the file named and the register
//! untouched; a backup never replaces a file that is not a backup of the same register; and
//! the register's own copies (automatic backups, safety copies, re-encrypted backups) still go
//! into its backup folder.

use crate::support::small_community::community;
use crate::support::TODAY;
use std::path::{Path, PathBuf};
use xinghe_ledger::register::export::{write_rejected_rows, RejectedRow};
use xinghe_ledger::register::model::HouseholdFilter;
use xinghe_ledger::register::roster::RosterOptions;
use xinghe_ledger::safety::backup::{self, default_folder};
use xinghe_ledger::store::output::SavePdf;
use xinghe_ledger::values::dates::{local_now, NaiveDateTime};
use xinghe_ledger::{Error, Ledger};

fn at(text: &str) -> NaiveDateTime {
    NaiveDateTime::parse_from_str(text, "%Y-%m-%d %H:%M").unwrap()
}

/// A register named like a workbook, so that an export's own extension check lets every path
/// through to the writer, with one resident and one automatic backup.
fn workbook_named_office(dir: &Path) -> (Ledger, PathBuf, PathBuf) {
    let db = dir.join("台账.xlsx");
    let mut c = community(&db, TODAY);
    let household = c.household(0, "301");
    c.resident(household, "周桂兰", "户主", "1941-03-02", &["独居"]);
    let written = c.ledger.auto_backup(&default_folder(&db), at("2026-11-27 18:00")).unwrap();
    (c.ledger, db, PathBuf::from(written.path))
}

type Writer = (&'static str, Box<dyn Fn(&Ledger, &Path) -> Result<(), Error>>);

/// Every file the core writes from a path the user chose.
fn writers() -> Vec<Writer> {
    vec![
        (
            "roster PDF",
            Box::new(|l: &Ledger, out: &Path| {
                let options = RosterOptions { unmasked: false, printed_at: local_now() };
                l.roster_pdf(None, &options)?.1.save(out)
            }),
        ),
        (
            "residents export",
            Box::new(|l: &Ledger, out: &Path| l.export_residents(&HouseholdFilter::default(), out).map(drop)),
        ),
        (
            "households export",
            Box::new(|l: &Ledger, out: &Path| l.export_households(&HouseholdFilter::default(), out).map(drop)),
        ),
        ("hours workbook", Box::new(|l: &Ledger, out: &Path| l.export_hours(None, None, out).map(drop))),
        (
            "rejected rows",
            Box::new(|_: &Ledger, out: &Path| {
                let row =
                    RejectedRow { cells: vec!["张三".into()], reason: "缺少身份证号".into(), row_number: 2 };
                write_rejected_rows(out, &["姓名".into()], &[row])
            }),
        ),
        ("backup", Box::new(|l: &Ledger, out: &Path| l.backup_to(out).map(|_| ()))),
    ]
}

#[test]
fn every_writer_refuses_the_open_register_its_sqlite_files_and_its_backups() {
    let dir = tempfile::tempdir().unwrap();
    let (ledger, db, backup) = workbook_named_office(dir.path());
    std::fs::create_dir(dir.path().join("sub")).unwrap();
    std::os::unix::fs::symlink(&db, dir.path().join("link.xlsx")).unwrap();
    std::fs::hard_link(&db, dir.path().join("hard.xlsx")).unwrap();
    std::os::unix::fs::symlink(dir.path(), dir.path().join("same-folder")).unwrap();
    let backup_bytes = std::fs::read(&backup).unwrap();
    let before = ledger.stats().unwrap();
    let targets: Vec<(PathBuf, &str)> = vec![
        (db.clone(), "就是正在使用的台账数据库"),
        (dir.path().join("sub/../台账.xlsx"), "就是正在使用的台账数据库"),
        (dir.path().join("same-folder/台账.xlsx"), "就是正在使用的台账数据库"),
        (dir.path().join("link.xlsx"), "就是正在使用的台账数据库"),
        (dir.path().join("hard.xlsx"), "就是正在使用的台账数据库"),
        (dir.path().join("台账.xlsx-wal"), "SQLite 工作文件（-wal）"),
        (dir.path().join("台账.xlsx-shm"), "SQLite 工作文件（-shm）"),
        (dir.path().join("sub/../台账.XLSX-journal"), "SQLite 工作文件（-journal）"),
        (backup.clone(), "备份文件夹中已有的备份"),
    ];
    for (name, write) in writers() {
        for (out, says) in &targets {
            let err = write(&ledger, out).expect_err(&format!("{name} onto {}", out.display()));
            let message = err.to_string();
            // A workbook refuses a name like 台账.xlsx-wal by its extension first; refused either way.
            let refused_for =
                message.contains(says) || (name != "roster PDF" && name != "backup" && message.contains("扩展名"));
            assert!(message.contains(&out.display().to_string()) && refused_for, "{name}: {message}");
            assert_eq!(err.kind(), "invalid", "{name}: {message}");
        }
    }
    assert!(ledger.check().unwrap().healthy);
    assert_eq!(ledger.stats().unwrap(), before);
    drop(ledger);
    let reopened = Ledger::open(&db).unwrap();
    assert_eq!(reopened.stats().unwrap(), before, "the register still opens with its data");
    assert_eq!(std::fs::read(&backup).unwrap(), backup_bytes);
    crate::support::assert_no_temporary_files(dir.path());
}

#[test]
fn a_closed_register_is_no_longer_protected() {
    let dir = tempfile::tempdir().unwrap();
    let (ledger, db, _) = workbook_named_office(dir.path());
    let copy = dir.path().join("副本.xlsx");
    ledger.export_residents(&HouseholdFilter::default(), &copy).unwrap();
    drop(ledger);
    // Another register open in the same process protects only its own file.
    let other = Ledger::open(&dir.path().join("other.db")).unwrap();
    write_rejected_rows(&db, &["姓名".into()], &[]).unwrap();
    assert!(Ledger::open(&db).is_err(), "the closed register's path was written, as asked");
    drop(other);
}

#[test]
fn a_backup_replaces_only_an_earlier_backup_of_the_same_register() {
    let dir = tempfile::tempdir().unwrap();
    let (ledger, _db, _) = workbook_named_office(dir.path());
    let usb = dir.path().join("U盘.xinghe.db");
    ledger.backup_to(&usb).unwrap();
    ledger.backup_to(&usb).expect("an earlier backup of this register may be replaced");

    let sheet = dir.path().join("important.xlsx");
    std::fs::write(&sheet, "重要的表格").unwrap();
    let err = ledger.backup_to(&sheet).unwrap_err();
    assert!(err.to_string().contains("不是本台账的备份") && err.to_string().contains("important.xlsx"), "{err}");
    assert_eq!(std::fs::read(&sheet).unwrap(), "重要的表格".as_bytes());

    // Another register's backup is a Xinghe backup, but not of this register.
    let other_dir = tempfile::tempdir().unwrap();
    let (other, _, _) = workbook_named_office(other_dir.path());
    let theirs = dir.path().join("他们的.xinghe.db");
    other.backup_to(&theirs).unwrap();
    let bytes = std::fs::read(&theirs).unwrap();
    let err = ledger.backup_to(&theirs).unwrap_err();
    assert!(err.to_string().contains("不是本台账的备份"), "{err}");
    assert_eq!(std::fs::read(&theirs).unwrap(), bytes);
}

#[test]
fn a_backup_carries_the_register_identity_and_a_restore_keeps_the_backups() {
    let dir = tempfile::tempdir().unwrap();
    let (mut ledger, db, _) = workbook_named_office(dir.path());
    let id = ledger.setting("register_id").unwrap().expect("every register has an identity");
    assert_eq!(id.len(), 32, "{id}");
    let other_dir = tempfile::tempdir().unwrap();
    let (other, _, _) = workbook_named_office(other_dir.path());
    assert_ne!(other.setting("register_id").unwrap().unwrap(), id, "random per register");
    let theirs = dir.path().join("他们的.xinghe.db");
    other.backup_to(&theirs).unwrap();

    ledger.restore_from(&theirs, &default_folder(&db)).unwrap();
    assert_eq!(ledger.setting("register_id").unwrap(), other.setting("register_id").unwrap());
}

#[test]
fn the_registers_own_copies_still_go_into_its_backup_folder() {
    let dir = tempfile::tempdir().unwrap();
    let (mut ledger, db, first) = workbook_named_office(dir.path());
    let folder = default_folder(&db);
    let second = ledger.auto_backup(&folder, at("2026-11-28 18:00")).unwrap();
    assert_ne!(PathBuf::from(&second.path), first);
    let dated = ledger.backup_to_folder(&folder, at("2026-11-28 18:30")).unwrap();
    assert!(dated.path.starts_with(&folder));
    let report = ledger.restore_from(&first, &folder).unwrap();
    assert!(Path::new(&report.safety_backup).starts_with(&folder));
    assert_eq!(backup::auto_backups(&folder, &db).unwrap().len(), 2);
}

#[test]
fn a_register_opened_through_a_symlink_protects_the_backups_beside_the_link() {
    let dir = tempfile::tempdir().unwrap();
    let (ledger, db, _) = workbook_named_office(dir.path());
    drop(ledger);
    let desk = dir.path().join("桌面");
    std::fs::create_dir(&desk).unwrap();
    let link = desk.join("台账.xlsx");
    std::os::unix::fs::symlink(&db, &link).unwrap();
    let ledger = Ledger::open(&link).unwrap();
    // The app and `restore` write the backups beside the path the register was opened by.
    let written = ledger.auto_backup(&default_folder(&link), at("2026-11-28 18:00")).unwrap();
    let options = RosterOptions { unmasked: false, printed_at: local_now() };
    let err = ledger.roster_pdf(None, &options).unwrap().1.save(Path::new(&written.path)).unwrap_err();
    assert!(err.to_string().contains("备份文件夹中已有的备份"), "{err}");
    let err = ledger.backup_to(Path::new(&written.path)).unwrap_err();
    assert!(err.to_string().contains("备份文件夹中已有的备份"), "{err}");
}
