//! Story: the office backs up its register, keeps working, and restores — getting its data back
//! while the data it replaced waits in a safety copy; files that are not Xinghe backups, or come
//! from a newer version, are refused without changing anything; an older backup is migrated; the
//! automatic copies rotate over a year of office days; a damaged copy never pushes out the good
//! ones; and the same through `xinghe-cli backup` / `restore`.

use crate::support::small_community::{community, Community};
use crate::support::TODAY;
use chrono::Datelike;
use rusqlite::Connection;
use std::collections::BTreeSet;
use std::io::Write;
use std::path::Path;
use std::process::{Command, Output, Stdio};
use xinghe_ledger::register::model::{HouseholdInput, ResidentInput};
use xinghe_ledger::safety::backup::{self, inspect_backup, BackupCounts, KEEP_DAILY, KEEP_MONTHLY, KEEP_WEEKLY};
use xinghe_ledger::store::db::schema_version;
use xinghe_ledger::values::dates::{NaiveDate, NaiveDateTime};
use xinghe_ledger::Ledger;

/// Two households, three residents (one 80+), a volunteer with confirmed hours and a service.
fn liuhe(path: &Path) -> Community {
    let mut c = community(path, TODAY);
    let first = c.household(0, "301");
    let head = c.resident(first, "周桂兰", "户主", "1941-03-02", &["独居"]);
    c.resident(first, "周明", "子", "1970-05-01", &[]);
    let second = c.household(1, "502");
    let worker = c.resident(second, "李海燕", "户主", "1985-08-09", &[]);
    let volunteer = c.volunteer("李海燕", Some(worker));
    c.hours(volunteer, "2026-11-20", "09:00", "11:30", "已确认");
    c.service(first, "走访慰问", "2026-11-21", Some("2026-11-21"));
    let _ = head;
    c
}

fn names_found(ledger: &mut Ledger, query: &str) -> Vec<String> {
    ledger.search(query).unwrap().into_iter().map(|hit| hit.name).collect()
}

fn files_in(folder: &Path) -> BTreeSet<String> {
    match std::fs::read_dir(folder) {
        Ok(entries) => entries.map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect(),
        Err(_) => BTreeSet::new(),
    }
}

#[test]
fn backup_change_restore_gives_the_data_back_and_the_safety_copy_holds_the_changes() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("xinghe.db");
    let mut c = liuhe(&db);
    let before = c.ledger.backup_counts().unwrap();
    assert_eq!(
        before,
        BackupCounts {
            households: 2,
            residents: 3,
            activities: 0,
            volunteers: 1,
            hour_entries: 1,
            services: 1,
            projects: 0
        }
    );

    // "Back up to…" a USB stick: one dated, self-contained file (no -wal beside it), checked.
    let usb = dir.path().join("U盘");
    std::fs::create_dir(&usb).unwrap();
    let at = NaiveDate::from_ymd_opt(2026, 11, 29).unwrap().and_hms_opt(9, 30, 0).unwrap();
    let copy = c.ledger.backup_to_folder(&usb, at).unwrap().path;
    assert_eq!(copy, usb.join("浏河社区-备份-2026-11-29-0930.xinghe.db"));
    assert_eq!(files_in(&usb), BTreeSet::from(["浏河社区-备份-2026-11-29-0930.xinghe.db".to_string()]));
    let again = c.ledger.backup_to_folder(&usb, at).unwrap().path;
    assert_eq!(again, usb.join("浏河社区-备份-2026-11-29-0930-2.xinghe.db"), "an existing backup is never overwritten");
    let raw = Connection::open(&copy).unwrap();
    let mode: String = raw.pragma_query_value(None, "journal_mode", |r| r.get(0)).unwrap();
    assert_eq!(mode, "delete");
    drop(raw);

    let info = inspect_backup(&copy).unwrap();
    assert_eq!(info.community_name.as_deref(), Some("浏河社区"));
    assert_eq!(info.created_at.as_deref(), Some("2026-11-29 09:30:00"));
    assert_eq!(info.schema_version, schema_version());
    assert!(!info.needs_migration);
    assert_eq!(info.counts, before);
    assert!(info.modified.is_some() && info.size_bytes > 0);

    // The office keeps working: a new family moves in, the 80-year-old moves out.
    let third = c.household(2, "101");
    c.resident(third, "柳新来", "户主", "1990-01-01", &[]);
    let first: i64 =
        c.sql.query_row("SELECT household_id FROM residents WHERE name = '周桂兰'", [], |r| r.get(0)).unwrap();
    c.ledger.move_out_household(first, Some("2026-11-28")).unwrap();
    assert_eq!(names_found(&mut c.ledger, "柳新来"), ["柳新来"]);
    let changed = c.ledger.backup_counts().unwrap();
    assert_eq!((changed.households, changed.residents), (2, 2));

    // Restore: the same open Ledger keeps working, with the backup's data.
    let folder = backup::default_folder(&db);
    let report = c.ledger.restore_from(&copy, &folder).unwrap();
    assert_eq!(report.restored.counts, before);
    assert_eq!(report.migrated_from, None);
    assert_eq!(c.ledger.backup_counts().unwrap(), before);
    assert!(names_found(&mut c.ledger, "柳新来").is_empty(), "the search index follows the restore");
    assert_eq!(names_found(&mut c.ledger, "周桂兰"), ["周桂兰"]);
    assert!(c.ledger.check().unwrap().healthy);
    assert_eq!(c.ledger.stats().unwrap().households, 2);
    // Another connection (the CLI, a second window) sees the restored data too.
    let other: i64 = c.sql.query_row("SELECT count(*) FROM residents WHERE name = '柳新来'", [], |r| r.get(0)).unwrap();
    assert_eq!(other, 0);
    // And the connection still writes.
    let fourth = c.household(2, "102");
    c.resident(fourth, "赵安", "户主", "1980-02-02", &[]);

    // The safety copy holds the data as it was just before the restore.
    assert!(report.safety_backup.starts_with(&folder.display().to_string()));
    assert!(report.safety_backup.contains("恢复前"));
    let safety = inspect_backup(Path::new(&report.safety_backup)).unwrap();
    assert_eq!(safety.counts, changed);
    let mut from_safety = Ledger::open(Path::new(&report.safety_backup)).unwrap();
    assert_eq!(names_found(&mut from_safety, "柳新来"), ["柳新来"]);
    // No stamp of the restored copy lingers in the live file.
    let stamp: i64 =
        c.sql.query_row("SELECT count(*) FROM settings WHERE key = 'backup_created_at'", [], |r| r.get(0)).unwrap();
    assert_eq!(stamp, 0);
}

#[test]
fn backup_to_replaces_an_existing_file_only_with_a_complete_checked_copy() {
    let dir = tempfile::tempdir().unwrap();
    let c = liuhe(&dir.path().join("xinghe.db"));
    let out = dir.path().join("每日备份.xinghe.db");
    // Yesterday's backup of this register is replaced; a file that is not one never is.
    c.ledger.backup_to(&out).unwrap();
    let yesterday = std::os::unix::fs::MetadataExt::ino(&std::fs::metadata(&out).unwrap());
    c.ledger.backup_to(&out).unwrap();
    assert_ne!(std::os::unix::fs::MetadataExt::ino(&std::fs::metadata(&out).unwrap()), yesterday);
    assert_eq!(inspect_backup(&out).unwrap().counts.households, 2);
    let note = dir.path().join("备忘.txt");
    std::fs::write(&note, "不是备份").unwrap();
    let err = c.ledger.backup_to(&note).unwrap_err();
    assert!(err.to_string().contains("不是本台账的备份"), "{err}");
    assert_eq!(std::fs::read(&note).unwrap(), "不是备份".as_bytes());
    std::fs::remove_file(&note).unwrap();
    assert_eq!(
        files_in(dir.path()),
        BTreeSet::from(["xinghe.db", "xinghe.db-shm", "xinghe.db-wal", "每日备份.xinghe.db"].map(String::from))
    );
    let err = c.ledger.backup_to(&dir.path().join("xinghe.db")).unwrap_err();
    assert!(err.to_string().contains("正在使用的台账数据库"), "{err}");
    assert!(c.ledger.check().unwrap().healthy);
    let err = c.ledger.backup_to(&dir.path().join("没有这个文件夹").join("a.xinghe.db")).unwrap_err();
    assert!(err.to_string().contains("没有这个文件夹"), "{err}");
}

#[test]
fn a_plain_copy_of_the_database_file_restores_and_nothing_is_created_beside_it() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("xinghe.db");
    let mut c = liuhe(&db);
    c.sql.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(())).unwrap();
    let usb = dir.path().join("U盘");
    std::fs::create_dir(&usb).unwrap();
    // Copied in Explorer while the app was closed: the header still says WAL.
    let raw = usb.join("xinghe.db");
    std::fs::copy(&db, &raw).unwrap();
    let bytes = std::fs::read(&raw).unwrap();
    assert_eq!(inspect_backup(&raw).unwrap().counts.households, 2);
    let household = c.household(2, "909");
    c.resident(household, "钱多多", "户主", "1999-09-09", &[]);
    c.ledger.restore_from(&raw, &backup::default_folder(&db)).unwrap();
    assert_eq!(c.ledger.backup_counts().unwrap().households, 2);
    assert_eq!(files_in(&usb), BTreeSet::from(["xinghe.db".to_string()]), "no -wal or -shm beside the copy");
    assert_eq!(std::fs::read(&raw).unwrap(), bytes);
}

/// Stats, the raw bytes of the live file's tables and the backup folder, to prove a refusal
/// changed nothing.
fn snapshot(c: &Community, folder: &Path) -> (BackupCounts, Vec<String>, BTreeSet<String>) {
    let mut stmt = c
        .sql
        .prepare("SELECT name || ':' || room FROM residents JOIN households h ON h.id = household_id ORDER BY 1")
        .unwrap();
    let rows = stmt.query_map([], |r| r.get(0)).unwrap().map(Result::unwrap).collect();
    (c.ledger.backup_counts().unwrap(), rows, files_in(folder))
}

#[test]
fn a_foreign_file_a_damaged_one_and_a_newer_backup_are_refused_and_change_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("xinghe.db");
    let mut c = liuhe(&db);
    let folder = backup::default_folder(&db);
    let before = snapshot(&c, &folder);

    let text = dir.path().join("说明.xinghe.db");
    std::fs::write(&text, "这不是数据库").unwrap();
    let other = dir.path().join("其他软件.db");
    Connection::open(&other).unwrap().execute_batch("CREATE TABLE t(x); INSERT INTO t VALUES (1);").unwrap();
    let empty = dir.path().join("空文件.xinghe.db");
    std::fs::write(&empty, "").unwrap();
    for file in [&text, &other, &empty] {
        let bytes = std::fs::read(file).unwrap();
        let err = c.ledger.restore_from(file, &folder).unwrap_err();
        assert!(err.to_string().contains("不是星河社区台账的备份"), "{err}");
        assert!(err.to_string().contains(&file.display().to_string()), "{err}");
        assert_eq!(std::fs::read(file).unwrap(), bytes, "the refused file is untouched");
        assert_eq!(snapshot(&c, &folder), before);
    }
    let missing = c.ledger.restore_from(&dir.path().join("不存在.xinghe.db"), &folder).unwrap_err();
    assert!(missing.to_string().contains("文件不存在"), "{missing}");

    // A backup from a newer app.
    let newer = dir.path().join("新版本.xinghe.db");
    c.ledger.backup_to(&newer).unwrap();
    Connection::open(&newer).unwrap().pragma_update(None, "user_version", schema_version() + 1).unwrap();
    let bytes = std::fs::read(&newer).unwrap();
    let err = inspect_backup(&newer).unwrap_err();
    assert!(err.to_string().contains("更新版本") && err.to_string().contains("请先升级程序"), "{err}");
    let err = c.ledger.restore_from(&newer, &folder).unwrap_err();
    assert!(err.to_string().contains("新版本.xinghe.db"), "{err}");
    assert_eq!(std::fs::read(&newer).unwrap(), bytes);
    assert_eq!(snapshot(&c, &folder), before);

    // A damaged backup: a page in the middle overwritten.
    let damaged = dir.path().join("损坏.xinghe.db");
    c.ledger.backup_to(&damaged).unwrap();
    damage_a_table(&damaged, "residents");
    let err = c.ledger.restore_from(&damaged, &folder).unwrap_err();
    assert!(err.to_string().contains("已损坏"), "{err}");
    assert_eq!(snapshot(&c, &folder), before);
    assert_eq!(names_found(&mut c.ledger, "周桂兰"), ["周桂兰"]);

    // Restoring the live file onto itself is refused too.
    let err = c.ledger.restore_from(&db, &folder).unwrap_err();
    assert!(err.to_string().contains("正在使用的数据库"), "{err}");
    assert_eq!(snapshot(&c, &folder), before);
}

#[test]
fn a_damaged_register_is_restored_from_a_good_backup_keeping_its_damaged_copy() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("xinghe.db");
    let good = dir.path().join("好的备份.xinghe.db");
    {
        let c = liuhe(&db);
        c.ledger.backup_to(&good).unwrap();
    }
    damage_a_table(&db, "projects");
    let mut ledger = Ledger::open(&db).unwrap();
    assert!(ledger.check().map_or(true, |health| !health.healthy), "the register is damaged");
    let folder = backup::default_folder(&db);
    let report = ledger.restore_from(&good, &folder).unwrap();
    assert!(ledger.check().unwrap().healthy);
    assert_eq!(ledger.backup_counts().unwrap().households, 2);
    assert!(report.safety_backup.ends_with("-未通过检查.xinghe.db"), "{}", report.safety_backup);
    assert!(Path::new(&report.safety_backup).exists());
    let err = inspect_backup(Path::new(&report.safety_backup)).unwrap_err();
    assert!(err.to_string().contains("已损坏"), "{err}");
}

/// Overwrites the root page of `table` with garbage (the file must not be open elsewhere, or
/// be checkpointed first).
fn damage_a_table(path: &Path, table: &str) {
    let conn = Connection::open(path).unwrap();
    conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(())).unwrap();
    let page_size: u64 = conn.pragma_query_value(None, "page_size", |r| r.get(0)).unwrap();
    let root: u64 =
        conn.query_row("SELECT rootpage FROM sqlite_master WHERE name = ?1", [table], |r| r.get(0)).unwrap();
    drop(conn);
    let mut bytes = std::fs::read(path).unwrap();
    let start = ((root - 1) * page_size) as usize;
    bytes[start..start + page_size as usize].fill(0xA5);
    std::fs::write(path, bytes).unwrap();
}

/// A register as the app wrote it before volunteers existed: migrations 0001 and 0002 only,
/// with a resident ticked 志愿者.
fn register_at_version_2(path: &Path) {
    let conn = crate::support::register_at_version(path, 2);
    conn.execute_batch(
        "INSERT INTO settings(key, value) VALUES ('community_name', '浏河社区'), ('backup_created_at', '2026-03-01 17:30:00');
         INSERT INTO grids(id, name) VALUES (1, '第一网格');
         INSERT INTO buildings(id, grid_id, name) VALUES (1, 1, '3栋');
         INSERT INTO units(id, building_id, name) VALUES (1, 1, '1单元');
         INSERT INTO households(id, unit_id, room, created_at, updated_at) VALUES (1, 1, '201', '2026-01-05', '2026-01-05');
         INSERT INTO residents(household_id, name, relation, political_status, is_volunteer, birth_date,
                               name_pinyin, name_initials, created_at, updated_at)
         VALUES (1, '陈老师', '户主', '中共党员', 1, '1958-04-01', 'chenlaoshi', 'cls', '2026-01-05', '2026-01-05'),
                (1, '陈小雨', '女儿', '群众', 0, '1990-06-01', 'chenxiaoyu', 'cxy', '2026-01-05', '2026-01-05');",
    )
    .unwrap();
}

#[test]
fn an_older_backup_is_migrated_on_restore() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("xinghe.db");
    let mut c = liuhe(&db);
    let old = dir.path().join("2026年3月.xinghe.db");
    register_at_version_2(&old);

    let info = inspect_backup(&old).unwrap();
    assert_eq!(info.schema_version, 2);
    assert!(info.needs_migration);
    assert_eq!(info.created_at.as_deref(), Some("2026-03-01 17:30:00"));
    assert_eq!((info.counts.households, info.counts.residents, info.counts.volunteers), (1, 2, 0));

    let folder = backup::default_folder(&db);
    let report = c.ledger.restore_from(&old, &folder).unwrap();
    assert_eq!(report.migrated_from, Some(2));
    assert_eq!(report.schema_version, schema_version());
    let health = c.ledger.check().unwrap();
    assert!(health.healthy, "{health:?}");
    assert_eq!(health.schema_version, schema_version());
    // The migrated register works with today's features: the ticked resident is a volunteer.
    let counts = c.ledger.backup_counts().unwrap();
    assert_eq!((counts.households, counts.residents, counts.volunteers, counts.hour_entries), (1, 2, 1, 0));
    assert_eq!(names_found(&mut c.ledger, "cls"), ["陈老师"]);
    // The backup file itself stays at version 2.
    assert_eq!(inspect_backup(&old).unwrap().schema_version, 2);
}

fn at(date: NaiveDate, h: u32, m: u32) -> NaiveDateTime {
    date.and_hms_opt(h, m, 0).unwrap()
}

/// Monday = 0 … Sunday = 6.
fn weekday(date: NaiveDate) -> u32 {
    date.weekday().num_days_from_monday()
}

fn is_office_day(date: NaiveDate) -> bool {
    weekday(date) < 5
}

#[test]
fn over_a_year_of_office_days_rotation_keeps_exactly_7_daily_4_weekly_12_monthly() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("xinghe.db");
    let c = liuhe(&db);
    let folder = backup::default_folder(&db);
    let first = NaiveDate::from_ymd_opt(2025, 12, 1).unwrap();
    let last = NaiveDate::from_ymd_opt(2026, 11, 30).unwrap();
    let mut office_days = Vec::new();
    let mut start_ups = 0;
    let mut day = first;
    while day <= last {
        if is_office_day(day) {
            office_days.push(day);
            // Start-up: only when the newest copy is more than a day old (after a weekend).
            if let Some(done) = c.ledger.auto_backup_if_due(&folder, at(day, 8, 30)).unwrap() {
                start_ups += 1;
                assert!(done.path.ends_with("-083000.xinghe.db"));
            }
            // Exit: always.
            let done = c.ledger.auto_backup(&folder, at(day, 17, 30)).unwrap();
            assert!(Path::new(&done.path).exists());
            let status = backup::status(&folder, &db, at(day, 17, 31)).unwrap();
            assert!(status.count <= KEEP_DAILY + KEEP_WEEKLY + KEEP_MONTHLY, "{status:?}");
            assert_eq!(status.newest_at, Some(format!("{} 17:30:00", day)));
            assert!(!status.due);
        }
        day = day.succ_opt().unwrap();
    }
    // Every Monday but the first started with a due backup.
    assert_eq!(start_ups, 1 + office_days.iter().filter(|d| weekday(**d) == 0).count() - 1);

    // Expected, worked out from the calendar: the last 7 office days; the last office day of
    // each of the last 4 weeks; the last office day of each of the last 12 months.
    let mut expected = BTreeSet::new();
    for d in office_days.iter().rev().take(KEEP_DAILY) {
        expected.insert(*d);
    }
    let mut weeks = BTreeSet::new();
    let mut months = BTreeSet::new();
    for d in office_days.iter().rev() {
        let week = (*d - first).num_days() - weekday(*d) as i64;
        if weeks.len() < KEEP_WEEKLY && weeks.insert(week) {
            expected.insert(*d);
        }
        let month = d.format("%Y-%m").to_string();
        if months.len() < KEEP_MONTHLY && !months.contains(&month) {
            months.insert(month);
            expected.insert(*d);
        }
    }
    let expected: BTreeSet<String> =
        expected.iter().map(|d| format!("xinghe-自动备份-{}-173000.xinghe.db", d.format("%Y-%m-%d"))).collect();
    assert!(expected.contains("xinghe-自动备份-2025-12-31-173000.xinghe.db"));
    assert!(expected.contains("xinghe-自动备份-2026-05-29-173000.xinghe.db"), "the last office day of May");
    assert!(expected.contains("xinghe-自动备份-2026-11-20-173000.xinghe.db"));
    assert_eq!(files_in(&folder), expected);
    for name in &expected {
        inspect_backup(&folder.join(name)).unwrap();
    }
}

#[test]
fn a_damaged_copy_never_pushes_out_the_good_ones() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("xinghe.db");
    let folder = backup::default_folder(&db);
    {
        let c = liuhe(&db);
        for day in 1..=20 {
            let date = NaiveDate::from_ymd_opt(2026, 11, day).unwrap();
            c.ledger.auto_backup(&folder, at(date, 17, 30)).unwrap();
        }
    }
    let good = files_in(&folder);
    assert_eq!(good.len(), KEEP_DAILY + 2, "{good:?}");

    // The register's disk goes bad in a table nothing reads at start-up: every new copy of it
    // is damaged too, and fails its check.
    damage_a_table(&db, "projects");
    let ledger = Ledger::open(&db).unwrap();
    for day in 21..=30 {
        let date = NaiveDate::from_ymd_opt(2026, 11, day).unwrap();
        let err = ledger.auto_backup(&folder, at(date, 17, 30)).unwrap_err();
        assert!(err.to_string().contains("未通过完整性检查"), "{err}");
        assert_eq!(files_in(&folder), good, "nothing removed, nothing added, no temporary file left");
    }
    let status = backup::status(&folder, &db, at(NaiveDate::from_ymd_opt(2026, 11, 30).unwrap(), 18, 0)).unwrap();
    assert_eq!(status.newest_at.as_deref(), Some("2026-11-20 17:30:00"));
    assert!(status.due);
    // The good copies still restore.
    for name in &good {
        inspect_backup(&folder.join(name)).unwrap();
    }
}

#[test]
fn the_start_up_backup_reads_the_file_without_the_apps_connection() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("liuhe.db");
    let c = liuhe(&db);
    let folder = dir.path().join("backups");
    let now = at(NaiveDate::from_ymd_opt(2026, 11, 29).unwrap(), 8, 0);
    let done = backup::auto_backup_file(&db, &folder, now, true, None).unwrap().unwrap();
    assert!(done.path.ends_with("liuhe-自动备份-2026-11-29-080000.xinghe.db"), "{}", done.path);
    assert_eq!(inspect_backup(Path::new(&done.path)).unwrap().counts, c.ledger.backup_counts().unwrap());
    let evening = at(NaiveDate::from_ymd_opt(2026, 11, 29).unwrap(), 18, 0);
    assert!(backup::auto_backup_file(&db, &folder, evening, true, None).unwrap().is_none());
    let foreign = dir.path().join("other.db");
    Connection::open(&foreign).unwrap().execute_batch("CREATE TABLE t(x);").unwrap();
    assert_eq!(backup::auto_backup_file(&foreign, &folder, now, false, None).unwrap_err().kind(), "not_xinghe");
}

// ---- the CLI ----

fn cli(db: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_xinghe-cli")).arg("--db").arg(db).args(args).output().unwrap()
}

fn cli_with_input(db: &Path, args: &[&str], input: &str) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_xinghe-cli"))
        .arg("--db")
        .arg(db)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(input.as_bytes()).unwrap();
    child.wait_with_output().unwrap()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn stats(db: &Path) -> serde_json::Value {
    let output = cli(db, &["stats", "--json"]);
    assert!(output.status.success(), "{}", text(&output.stderr));
    serde_json::from_slice(&output.stdout).unwrap()
}

#[test]
fn the_cli_backs_up_and_restores_after_confirmation() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("liuhe.db");
    drop(liuhe(&db));
    let before = stats(&db);

    let out = dir.path().join("夜间备份.xinghe.db");
    let output = cli(&db, &["backup", "--out", out.to_str().unwrap()]);
    assert!(output.status.success(), "{}", text(&output.stderr));
    assert!(text(&output.stdout).contains("已备份到"), "{}", text(&output.stdout));
    assert_eq!(inspect_backup(&out).unwrap().counts.households, 2);
    // A folder as --out gets a dated file name (what a scheduled task wants).
    let usb = dir.path().join("U盘");
    std::fs::create_dir(&usb).unwrap();
    assert!(cli(&db, &["backup", "--out", usb.to_str().unwrap()]).status.success());
    let written: Vec<String> = files_in(&usb).into_iter().collect();
    assert_eq!(written.len(), 1);
    assert!(written[0].starts_with("浏河社区-备份-") && written[0].ends_with(".xinghe.db"), "{written:?}");
    // A folder a scheduled task names before it exists is created.
    let nightly = dir.path().join("星河备份");
    assert!(cli(&db, &["backup", "--out", nightly.to_str().unwrap()]).status.success());
    assert_eq!(files_in(&nightly).len(), 1);

    // Change the register.
    {
        let mut ledger = Ledger::open(&db).unwrap();
        let unit: i64 = Connection::open(&db)
            .unwrap()
            .query_row(
                "SELECT u.id FROM units u JOIN buildings b ON b.id = u.building_id WHERE b.name = '9栋'",
                [],
                |r| r.get(0),
            )
            .unwrap();
        let household =
            ledger.save_household(&HouseholdInput { unit_id: unit, room: "808".into(), ..Default::default() }).unwrap();
        let resident = ResidentInput {
            household_id: household,
            name: "孙立新".into(),
            relation: "户主".into(),
            ..Default::default()
        };
        ledger.save_resident(&resident).unwrap();
    }
    let changed = stats(&db);
    assert_ne!(changed, before);

    // Without --yes: the backup's contents, then a question; anything but y cancels.
    let output = cli_with_input(&db, &["restore", out.to_str().unwrap()], "n\n");
    let shown = text(&output.stdout);
    assert_eq!(output.status.code(), Some(1));
    assert!(shown.contains("浏河社区") && shown.contains("户数 2") && shown.contains("输入 y 确认"), "{shown}");
    assert!(shown.contains("已取消"), "{shown}");
    assert_eq!(stats(&db), changed);

    let output = cli_with_input(&db, &["restore", out.to_str().unwrap()], "y\n");
    assert!(output.status.success(), "{}", text(&output.stderr));
    assert!(text(&output.stdout).contains("恢复前的数据已备份到"), "{}", text(&output.stdout));
    assert_eq!(stats(&db), before);
    let safety: Vec<String> = files_in(&backup::default_folder(&db)).into_iter().collect();
    assert_eq!(safety.len(), 1);
    assert!(safety[0].starts_with("liuhe-恢复前-"), "{safety:?}");
    assert_eq!(inspect_backup(&backup::default_folder(&db).join(&safety[0])).unwrap().counts.residents, 4);

    // --yes for scripts; and a foreign file exits 1 with the reason, changing nothing.
    assert!(cli(&db, &["restore", out.to_str().unwrap(), "--yes"]).status.success());
    let photo = dir.path().join("photo.jpg");
    std::fs::write(&photo, b"\xff\xd8\xff\xe0").unwrap();
    let output = cli(&db, &["restore", photo.to_str().unwrap(), "--yes"]);
    assert_eq!(output.status.code(), Some(1));
    assert!(text(&output.stderr).contains("不是星河社区台账的备份"), "{}", text(&output.stderr));
    assert_eq!(stats(&db), before);
}

/// Regression: every restore left a whole safety copy behind and none was ever removed, so a
/// backup folder grew by a register per restore. The newest ten stay, older ones go.
#[test]
fn safety_copies_from_the_last_thirty_days_all_stay_and_of_older_ones_the_newest_ten() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("xinghe.db");
    let mut c = liuhe(&db);
    let folder = dir.path().join("backups");
    let copy = dir.path().join("copy.xinghe.db");
    c.ledger.backup_to(&copy).unwrap();
    std::fs::create_dir_all(&folder).unwrap();
    let safety_name = |at: NaiveDateTime| format!("xinghe-恢复前-{}.xinghe.db", at.format("%Y-%m-%d-%H%M%S"));
    // Twelve safety copies from restores of the past year, and one from two months ago.
    for month in 1..=12 {
        std::fs::copy(&copy, folder.join(format!("xinghe-恢复前-2025-{month:02}-01-090000.xinghe.db"))).unwrap();
    }
    let now = xinghe_ledger::values::dates::local_now();
    std::fs::copy(&copy, folder.join(safety_name(now - chrono::TimeDelta::days(60)))).unwrap();
    // Eleven restores in a row this morning while looking for the right backup: the first copy
    // holds the data as it was before all of them.
    let first = folder.join(safety_name(now - chrono::TimeDelta::hours(11)));
    for hours in 1..=11 {
        std::fs::copy(&copy, folder.join(safety_name(now - chrono::TimeDelta::hours(hours)))).unwrap();
    }
    let auto = folder.join("xinghe-自动备份-2025-01-01-090000.xinghe.db");
    std::fs::copy(&copy, &auto).unwrap();

    // The twelfth restore: every copy of the last 30 days stays, older ones only within the
    // newest ten (here there are more young ones than that, so none).
    let report = c.ledger.restore_from(&copy, &folder).unwrap();
    let safety: Vec<String> = files_in(&folder).into_iter().filter(|name| name.contains("恢复前")).collect();
    assert_eq!(safety.len(), 12, "{safety:?}");
    assert!(first.exists(), "the copy from before the first of the restores is kept: {safety:?}");
    assert!(report.safety_backup.ends_with(safety.last().unwrap()), "the new one is kept: {safety:?}");
    assert!(!safety.iter().any(|name| name.contains("2025-")), "{safety:?}");
    assert!(auto.exists(), "automatic backups rotate by their own rule");
}
