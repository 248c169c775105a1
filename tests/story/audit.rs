//! Story: 李敏 of 浏河社区 works through her day — edits a resident's phone, moves a household
//! out, imports a list, signs a resident up for a class, records and confirms a volunteer's
//! hours, completes a service and saves a project. Every action leaves exactly its own records
//! in the 操作日志 with her name and the values before and after; a refused action leaves none;
//! and the trail itself cannot be rewritten or deleted, not even with SQL.

use crate::support::demo;
use crate::support::logged_in_office::{kong, named_office, Office, ID_NUMBER};
use rusqlite::Connection;
use std::path::Path;
use std::process::{Command, Output};
use xinghe_ledger::access::audit::{AuditFilter, AuditRow};
use xinghe_ledger::activities::{ActivityInput, Attendee};
use xinghe_ledger::hours::{HourEntryInput, HoursReview};
use xinghe_ledger::projects::{MilestoneInput, ProjectInput};
use xinghe_ledger::register::import::ImportOptions;
use xinghe_ledger::register::model::{HouseholdInput, ResidentInput};
use xinghe_ledger::services::{ServiceDoneInput, ServiceInput};
use xinghe_ledger::values::dates::NaiveDate;
use xinghe_ledger::volunteers::VolunteerInput;
use xinghe_ledger::Ledger;

fn last_id(ledger: &Ledger) -> i64 {
    ledger.audit_log(&AuditFilter { limit: Some(1), ..Default::default() }).unwrap().rows.first().map_or(0, |r| r.id)
}

/// The records written since `after`, oldest first.
fn since(ledger: &Ledger, after: i64) -> Vec<AuditRow> {
    let page = ledger.audit_log(&AuditFilter { limit: Some(500), ..Default::default() }).unwrap();
    let mut rows: Vec<AuditRow> = page.rows.into_iter().filter(|r| r.id > after).collect();
    rows.reverse();
    rows
}

fn actions(rows: &[AuditRow]) -> Vec<(&str, &str)> {
    rows.iter().map(|r| (r.action.as_str(), r.entity.as_str())).collect()
}

fn changed(row: &AuditRow) -> Vec<&str> {
    row.changes.iter().map(|c| c.field.as_str()).collect()
}

#[test]
fn every_action_of_the_day_leaves_exactly_its_own_records() {
    let dir = tempfile::tempdir().unwrap();
    let Office { mut ledger, unit, household, resident: kong_id } = named_office(&dir.path().join("a.db"));

    // Setting up the register was recorded too, in order, under her name.
    let setup = since(&ledger, 0);
    assert_eq!(
        actions(&setup),
        [
            ("修改", "设置"),
            ("修改", "设置"),
            ("新增", "网格"),
            ("新增", "楼栋"),
            ("新增", "单元"),
            ("新增", "住户"),
            ("新增", "居民")
        ]
    );
    assert_eq!(setup[0].operator, "社区工作人员", "the name is set by this very action");
    assert!(setup[1..].iter().all(|r| r.operator == "李敏"));

    // 1. Edit a resident: one 修改 record naming only the phone, masked unless asked.
    let mark = last_id(&ledger);
    ledger.save_resident(&kong(household, Some(kong_id), "13900000009")).unwrap();
    let rows = since(&ledger, mark);
    assert_eq!(actions(&rows), [("修改", "居民")]);
    assert_eq!(rows[0].entity_id, Some(kong_id));
    assert_eq!(rows[0].summary, "修改居民“孔喆”");
    assert_eq!(changed(&rows[0]), ["phone"]);
    assert_eq!(rows[0].changes[0].label, "电话");
    assert_eq!(rows[0].changes[0].before, "138****0001");
    assert_eq!(rows[0].changes[0].after, "139****0009");
    assert_ne!(rows[0].after.as_ref().unwrap()["id_number"], ID_NUMBER, "masked in the browsing API");
    let full =
        ledger.audit_log(&AuditFilter { unmasked: true, entity_id: Some(kong_id), ..Default::default() }).unwrap();
    assert_eq!(full.rows[0].changes[0].before, "13800000001");
    assert_eq!(full.rows[0].after.as_ref().unwrap()["id_number"], ID_NUMBER);

    // A refused save (a wrong ID number) writes no record.
    let mark = last_id(&ledger);
    let mut wrong = kong(household, Some(kong_id), "13900000009");
    wrong.id_number = Some("430105196401060590".into());
    assert_eq!(ledger.save_resident(&wrong).unwrap_err().kind(), "invalid");
    assert!(ledger.move_out_household(household, Some("2099-01-01")).is_err(), "a future date is refused");
    assert!(since(&ledger, mark).is_empty());

    // 2. Move a household out: one record for the household, its members included.
    let leaving =
        ledger.save_household(&HouseholdInput { unit_id: unit, room: "102".into(), ..Default::default() }).unwrap();
    ledger
        .save_resident(&ResidentInput {
            household_id: leaving,
            name: "孙八".into(),
            relation: "户主".into(),
            ..Default::default()
        })
        .unwrap();
    let mark = last_id(&ledger);
    ledger.move_out_household(leaving, Some("2026-11-20")).unwrap();
    let rows = since(&ledger, mark);
    assert_eq!(actions(&rows), [("迁出", "住户")]);
    assert_eq!(rows[0].summary, "住户 8栋1单元102 于 2026-11-20 迁出，1 名在册成员一并迁出");
    assert_eq!(changed(&rows[0]), ["moved_out_on"]);
    assert_eq!(rows[0].changes[0].after, "2026-11-20");

    // 3. Import a file: one record with the file name and the counts, not one per row.
    let file = dir.path().join("九栋名单.csv");
    std::fs::write(&file, "姓名,地址,关系\n周九,9栋1单元101,户主\n吴十,9栋1单元101,配偶\n").unwrap();
    let mark = last_id(&ledger);
    ledger.import_file(&file, &ImportOptions { dry_run: true, ..Default::default() }, &mut |_| {}).unwrap();
    assert!(since(&ledger, mark).is_empty(), "a dry run leaves no record");
    ledger.import_file(&file, &ImportOptions::default(), &mut |_| {}).unwrap();
    let rows = since(&ledger, mark);
    assert_eq!(actions(&rows), [("导入", "居民")]);
    assert!(rows[0].summary.starts_with("导入文件“九栋名单.csv”"), "{}", rows[0].summary);
    assert!(rows[0].summary.contains("新增居民 2 人"), "{}", rows[0].summary);
    assert_eq!(rows[0].after.as_ref().unwrap()["residents_created"], 2);

    // 4. A class and a sign-up.
    let class = ledger
        .save_activity(&ActivityInput {
            title: "智能手机课".into(),
            line: "银力量·离退休党员".into(),
            date: "2026-12-03".into(),
            start_time: "09:00".into(),
            end_time: "10:30".into(),
            place: "党群服务中心".into(),
            capacity: Some(20),
            ..Default::default()
        })
        .unwrap();
    let mark = last_id(&ledger);
    let signup = ledger.sign_up(class, &Attendee::Resident { resident_id: kong_id }).unwrap();
    let rows = since(&ledger, mark);
    assert_eq!(actions(&rows), [("报名", "报名")]);
    assert_eq!(rows[0].entity_id, Some(signup.signup_id));
    assert_eq!(rows[0].summary, "孔喆报名“智能手机课”（2026-12-03）（已报名）");

    // 5. Hours: recorded, then confirmed — each its own record with before and after.
    let volunteer = ledger
        .save_volunteer(&VolunteerInput {
            resident_id: Some(kong_id),
            joined_on: "2026-01-01".into(),
            ..Default::default()
        })
        .unwrap();
    let mark = last_id(&ledger);
    let entry = ledger
        .record_hours(&HourEntryInput {
            volunteer_id: volunteer,
            date: "2026-11-27".into(),
            start_time: "09:00".into(),
            end_time: "11:00".into(),
            content: "楼道清扫".into(),
            place: "8栋".into(),
            organiser: "浏河社区".into(),
            ..Default::default()
        })
        .unwrap();
    ledger
        .review_hours(&[entry], &HoursReview { approve: true, verifier: String::new(), note: String::new() })
        .unwrap();
    let rows = since(&ledger, mark);
    assert_eq!(actions(&rows), [("登记", "志愿时长"), ("确认", "志愿时长")]);
    assert!(rows.iter().all(|r| r.entity_id == Some(entry) && r.operator == "李敏"));
    assert!(rows[0].before.is_none());
    assert_eq!(rows[0].after.as_ref().unwrap()["minutes"], 120);
    let status = rows[1].changes.iter().find(|c| c.field == "status").unwrap();
    assert_eq!((status.before.as_str(), status.after.as_str()), (Some("待审核"), Some("已确认")));

    // 6. A service completed.
    let service = ledger
        .save_service(&ServiceInput {
            household_id: household,
            kind: "走访慰问".into(),
            requested_on: "2026-11-24".into(),
            ..Default::default()
        })
        .unwrap();
    let mark = last_id(&ledger);
    ledger
        .complete_service(
            service,
            &ServiceDoneInput { done_on: "2026-11-26".into(), outcome: "老人身体好".into(), ..Default::default() },
        )
        .unwrap();
    let rows = since(&ledger, mark);
    assert_eq!(actions(&rows), [("完成", "服务")]);
    assert!(rows[0].summary.contains("8栋1单元101"), "{}", rows[0].summary);
    let mut fields = changed(&rows[0]);
    fields.sort_unstable();
    assert_eq!(fields, ["done_on", "outcome"]);

    // 7. A project saved, then edited.
    let mark = last_id(&ledger);
    let mut project = ProjectInput {
        name: "银龄互助".into(),
        line: "银力量·离退休党员".into(),
        owner: "李敏".into(),
        starts_on: "2026-09-01".into(),
        ends_on: "2026-12-31".into(),
        milestones: vec![MilestoneInput { title: "结对".into(), due_on: "2026-10-01".into(), ..Default::default() }],
        ..Default::default()
    };
    let project_id = ledger.save_project(&project).unwrap();
    project.id = Some(project_id);
    project.goal = "结对 20 户".into();
    ledger.save_project(&project).unwrap();
    let rows = since(&ledger, mark);
    assert_eq!(actions(&rows), [("新增", "项目"), ("修改", "项目")]);
    assert_eq!(rows[0].summary, "新增书记项目“银龄互助”");
    assert_eq!(rows[0].after.as_ref().unwrap()["milestones"], "结对（计划 2026-10-01）");
    assert_eq!(changed(&rows[1]), ["goal"]);

    // Browsing: filters by operator, action, entity, date and text; newest first.
    let page = ledger.audit_log(&AuditFilter { entity: Some("居民".into()), ..Default::default() }).unwrap();
    assert!(page.rows.windows(2).all(|w| w[0].id > w[1].id), "newest first");
    assert!(page.rows.iter().all(|r| r.entity == "居民"));
    let page = ledger.audit_log(&AuditFilter { query: Some("智能手机".into()), ..Default::default() }).unwrap();
    assert_eq!(page.total, 2, "the class saved and the sign-up");
    let page = ledger.audit_log(&AuditFilter { operator: Some("李敏".into()), ..Default::default() }).unwrap();
    assert_eq!(page.total as usize, since(&ledger, 0).len() - 1);
    let page = ledger.audit_log(&AuditFilter { to: Some("2000-01-01".into()), ..Default::default() }).unwrap();
    assert_eq!(page.total, 0);
    let bad = ledger.audit_log(&AuditFilter { action: Some("篡改".into()), ..Default::default() }).unwrap_err();
    assert_eq!(bad.kind(), "invalid");
    let page = ledger.audit_log(&AuditFilter { limit: Some(3), offset: Some(3), ..Default::default() }).unwrap();
    assert_eq!(page.rows.len(), 3);
}

#[test]
fn the_trail_refuses_update_and_delete_even_from_sql() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("a.db");
    let office = named_office(&path);
    let before = office.ledger.audit_log(&AuditFilter::default()).unwrap().total;
    drop(office);
    let sql = Connection::open(&path).unwrap();
    let update = sql.execute("UPDATE audit_log SET operator = '别人'", []).unwrap_err();
    assert!(update.to_string().contains("操作日志只能追加，不能修改"), "{update}");
    let delete = sql.execute("DELETE FROM audit_log", []).unwrap_err();
    assert!(delete.to_string().contains("操作日志只能追加，不能删除"), "{delete}");
    let ledger = Ledger::open(&path).unwrap();
    assert_eq!(ledger.audit_log(&AuditFilter::default()).unwrap().total, before);
}

#[test]
fn a_demo_is_one_record_and_a_restore_is_recorded_in_the_restored_data() {
    let dir = tempfile::tempdir().unwrap();
    let mut ledger = demo(&dir.path().join("demo.db"), 24, 7);
    let rows = since(&ledger, 0);
    assert_eq!(actions(&rows), [("生成", "台账")], "the partners filled through the Ledger add no records");

    let copy = dir.path().join("copy.db");
    ledger.backup_to(&copy).unwrap();
    ledger.set_community_name("改过的名字").unwrap();
    ledger.restore_from(&copy, &dir.path().join("safety")).unwrap();
    let rows = since(&ledger, 0);
    assert_eq!(
        actions(&rows),
        [("生成", "台账"), ("生成", "备份"), ("修改", "设置"), ("恢复", "备份")],
        "the restored trail, the records written after the backup (kept), then the restore"
    );
    assert!(rows[3].summary.contains("copy.db"), "{}", rows[3].summary);
}

#[test]
fn the_cli_lists_the_trail_newest_first_and_filters_by_date() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("a.db");
    let Office { mut ledger, household, resident: kong_id, .. } = named_office(&path);
    ledger.save_resident(&kong(household, Some(kong_id), "13900000009")).unwrap();
    drop(ledger);
    let cli = |args: &[&str]| {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_xinghe-cli"))
            .arg("--db")
            .arg(&path)
            .args(args)
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        String::from_utf8(out.stdout).unwrap()
    };
    let text = cli(&["audit"]);
    let first = text.lines().nth(1).unwrap();
    assert!(first.contains("李敏  修改居民  修改居民“孔喆”"), "{text}");
    assert!(text.contains("    电话：138****0001 → 139****0009"), "{text}");
    let json: serde_json::Value = serde_json::from_str(&cli(&["audit", "--json", "--from", "2000-01-01"])).unwrap();
    assert_eq!(json["total"], 8);
    let none: serde_json::Value = serde_json::from_str(&cli(&["audit", "--json", "--to", "2000-01-01"])).unwrap();
    assert_eq!(none["total"], 0);
}

fn xinghe_cli(db: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_xinghe-cli")).arg("--db").arg(db).args(args).output().unwrap()
}

fn text(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr)
}

/// Regression (issue 11): `backup --out` wrote a full copy of the register — every ID number in
/// full — and left no trace in the 操作日志, while exporting the same residents did. Every backup
/// a user makes (a file, a folder, "备份到…") is now recorded: who, and where to. Automatic copies
/// are not: they stay in the backup folder beside the register.
#[test]
fn a_backup_to_a_folder_is_recorded_in_the_audit_trail() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("a.db");
    let Office { ledger, .. } = named_office(&db);
    let usb = dir.path().join("U盘");
    std::fs::create_dir(&usb).unwrap();
    let before = last_id(&ledger);
    let at = NaiveDate::from_ymd_opt(2026, 11, 29).unwrap().and_hms_opt(9, 30, 0).unwrap();
    let made = ledger.backup_to_folder(&usb, at).unwrap();
    assert_eq!(made.unrecorded, None);
    let rows = since(&ledger, before);
    assert_eq!(actions(&rows), [("生成", "备份")]);
    assert_eq!(rows[0].operator, "李敏");
    assert!(rows[0].summary.contains(&made.path.display().to_string()), "{}", rows[0].summary);
    assert!(rows[0].summary.contains("完整身份证号"), "{}", rows[0].summary);

    // A named file is recorded the same way; an automatic copy is not.
    let file = dir.path().join("周五.xinghe.db");
    assert_eq!(ledger.backup_to(&file).unwrap().unrecorded, None);
    ledger.auto_backup(&dir.path().join("backups"), at).unwrap();
    let rows = since(&ledger, before);
    assert_eq!(actions(&rows), [("生成", "备份"), ("生成", "备份")]);
    assert!(rows[1].summary.contains("周五.xinghe.db"), "{}", rows[1].summary);
    drop(ledger);

    // The command line: `backup --out FOLDER` leaves its record, naming the file it wrote.
    let out = xinghe_cli(&db, &["backup", "--out", usb.to_str().unwrap()]);
    assert!(out.status.success(), "{}", text(&out));
    let ledger = Ledger::open(&db).unwrap();
    let last = since(&ledger, before).pop().unwrap();
    assert_eq!((last.action.as_str(), last.entity.as_str(), last.operator.as_str()), ("生成", "备份", "李敏"));
    assert!(last.summary.contains("U盘/浏河社区-备份-"), "{}", last.summary);
    assert!(ledger.check().unwrap().healthy);
}

/// The record of a backup is a short write of its own after the copy: when another program holds
/// the register's write lock, the backup is still made and kept, and the user is told it is not
/// in the 操作日志 (`unrecorded`: the CLI prints it on stderr and exits 0, the app shows it).
/// Through the Ledger, opened before the lock is taken: opening from the CLI while another
/// program writes is issue 11's item 11 (opening for reading must not write).
#[test]
fn a_backup_made_while_another_program_writes_is_kept_and_says_it_is_not_in_the_audit_trail() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("a.db");
    let Office { ledger, .. } = named_office(&db);
    let holder = Connection::open(&db).unwrap();
    holder.execute_batch("BEGIN IMMEDIATE; UPDATE settings SET value = value;").unwrap();
    let out_file = dir.path().join("副本.xinghe.db");
    let made = ledger.backup_to(&out_file);
    holder.execute_batch("ROLLBACK").unwrap();
    let warning = made.unwrap().unrecorded.expect("told that the backup is not in the log");
    assert!(out_file.exists(), "the backup stands");
    xinghe_ledger::safety::backup::verify_copy(&out_file).unwrap();
    assert!(warning.contains("备份已完成") && warning.contains("未能记入操作日志"), "{warning}");
    assert!(warning.contains("副本.xinghe.db") && warning.contains("占用"), "{warning}");
    let rows = since(&ledger, 0);
    assert!(!rows.iter().any(|r| r.action == "生成" && r.entity == "备份"), "no record was written");
    assert!(ledger.check().unwrap().healthy);
}

/// Regression (issue 11): a restore replaced the 操作日志 with the backup's, so restoring an old
/// backup erased every record written since it was made — the way to hide what one did. The
/// replaced records are now appended after the restored ones, with their original time, operator
/// and action, marked as from before the restore; the chain still holds; and a second restore
/// keeps them again.
#[test]
fn restoring_an_old_backup_keeps_the_replaced_trail() {
    let dir = tempfile::tempdir().unwrap();
    let Office { mut ledger, household, resident: kong_id, .. } = named_office(&dir.path().join("a.db"));
    let old = dir.path().join("旧.xinghe.db");
    ledger.backup_to(&old).unwrap();
    let in_backup = last_id(&ledger) - 1; // the backup's own record came after the copy
    ledger.save_resident(&kong(household, Some(kong_id), "13900000009")).unwrap();
    ledger.set_operator_name("王芳").unwrap();
    ledger.move_out_household(household, Some("2026-11-20")).unwrap();
    let written_since = since(&ledger, in_backup);
    assert_eq!(actions(&written_since), [("生成", "备份"), ("修改", "居民"), ("修改", "设置"), ("迁出", "住户")]);

    ledger.restore_from(&old, &dir.path().join("safety")).unwrap();
    let rows = since(&ledger, 0);
    assert_eq!(rows.len() as i64, in_backup + written_since.len() as i64 + 1);
    let carried = &rows[in_backup as usize..rows.len() - 1];
    for (kept, original) in carried.iter().zip(&written_since) {
        assert_eq!(
            (&kept.at, &kept.operator, &kept.action, &kept.entity, &kept.summary),
            (&original.at, &original.operator, &original.action, &original.entity, &original.summary)
        );
        let mark = kept.carried_from.as_deref().expect("marked as from before the restore");
        assert!(mark.contains(&format!("第 {} 条", original.id)) && mark.contains("旧.xinghe.db"), "{mark}");
    }
    assert_eq!(carried[3].operator, "王芳", "the operator of each record is kept");
    let restore = rows.last().unwrap();
    assert_eq!((restore.action.as_str(), restore.carried_from.as_deref()), ("恢复", None));
    assert!(restore.summary.contains("4 条记录已附在其后"), "{}", restore.summary);
    assert!(ledger.check().unwrap().healthy, "{:?}", ledger.check().unwrap().audit_chain);

    // Restoring the same old backup again: the records kept the first time are kept again (with
    // both marks), the first restore's record too; nothing the backup already holds is repeated.
    let total = rows.len();
    ledger.restore_from(&old, &dir.path().join("safety")).unwrap();
    let again = since(&ledger, 0);
    assert_eq!(again.len(), total + 1);
    assert_eq!(actions(&again[in_backup as usize..total]), actions(&rows[in_backup as usize..]));
    let twice = again[in_backup as usize].carried_from.as_deref().unwrap();
    assert!(twice.matches("旧.xinghe.db").count() == 2, "{twice}");
    assert!(ledger.check().unwrap().healthy);
}

/// Runs `sql` on `db` with the sqlite3 command-line tool, as someone with the file would.
fn sqlite3(db: &Path, sql: &str) {
    let out = Command::new("sqlite3").arg(db).arg(sql).output().expect("the sqlite3 tool (tests/setup.sh)");
    assert!(out.status.success(), "sqlite3: {}", text(&out));
}

const LIFT_TRIGGERS: &str = "DROP TRIGGER audit_log_never_updated; DROP TRIGGER audit_log_never_deleted;";
const PUT_BACK_TRIGGERS: &str = "
    CREATE TRIGGER audit_log_never_updated BEFORE UPDATE ON audit_log
    BEGIN SELECT RAISE(ABORT, '操作日志只能追加，不能修改'); END;
    CREATE TRIGGER audit_log_never_deleted BEFORE DELETE ON audit_log
    BEGIN SELECT RAISE(ABORT, '操作日志只能追加，不能删除'); END;";

/// Regression (issue 11): the append-only triggers stop the app, not a person with the sqlite3
/// tool, who could drop them, rewrite a record and put them back without a trace. Each record now
/// carries a hash chained to the one before it: `check` fails (exit 1) and names the first record
/// that does not match — an edited one, the one after a deleted one, an inserted one — and the
/// 操作日志 page says the same.
#[test]
fn an_audit_row_edited_with_sqlite3_is_found_by_check() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("a.db");
    let Office { ledger, .. } = named_office(&db);
    let rows = since(&ledger, 0);
    let third = rows[2].clone();
    drop(ledger);
    let good = xinghe_cli(&db, &["check"]);
    assert!(good.status.success(), "{}", text(&good));
    assert!(text(&good).contains("操作日志：记录链完整"), "{}", text(&good));
    let pristine = dir.path().join("pristine.db");
    sqlite3(&db, &format!("VACUUM INTO '{}'", pristine.display()));
    let copy_of_pristine = |name: &str| {
        let path = dir.path().join(name);
        std::fs::copy(&pristine, &path).unwrap();
        path
    };

    // Edited: the third record's summary rewritten, the triggers back in place.
    let edited = copy_of_pristine("edited.db");
    sqlite3(
        &edited,
        &format!("{LIFT_TRIGGERS} UPDATE audit_log SET summary = '无事' WHERE id = 3; {PUT_BACK_TRIGGERS}"),
    );
    let out = xinghe_cli(&edited, &["check"]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    let named = format!("操作日志第 3 条（{}，{}）", third.at, third.operator);
    assert!(text(&out).contains(&named), "{}", text(&out));
    let ledger = Ledger::open(&edited).unwrap();
    let report = ledger.check().unwrap();
    assert!(!report.healthy);
    assert_eq!(report.audit_chain.as_ref().map(|b| b.id), Some(3));
    assert_eq!(ledger.audit_chain().unwrap().map(|b| b.id), Some(3), "the 操作日志 page is told too");
    drop(ledger);

    // Deleted: the third record removed; the chain breaks at the fourth.
    let deleted = copy_of_pristine("deleted.db");
    sqlite3(&deleted, &format!("{LIFT_TRIGGERS} DELETE FROM audit_log WHERE id = 3; {PUT_BACK_TRIGGERS}"));
    let out = xinghe_cli(&deleted, &["check"]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert!(text(&out).contains(&format!("操作日志第 4 条（{}", rows[3].at)), "{}", text(&out));

    // Inserted: a record added at the end without the core (no triggers needed for that).
    let inserted = copy_of_pristine("inserted.db");
    sqlite3(
        &inserted,
        "INSERT INTO audit_log(at, operator, action, entity, summary)
         VALUES ('2026-11-28 23:00:00', '无名氏', '新增', '居民', '补记')",
    );
    let out = xinghe_cli(&inserted, &["check"]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    let last = rows.len() + 1;
    assert!(text(&out).contains(&format!("操作日志第 {last} 条（2026-11-28 23:00:00，无名氏）")), "{}", text(&out));

    // And a register written on since the edit still names the same record: the break stays.
    let mut ledger = Ledger::open(&edited).unwrap();
    ledger.set_community_name("浏河社区（新）").unwrap();
    assert_eq!(ledger.check().unwrap().audit_chain.map(|b| b.id), Some(3));
}

/// A register written before the chain existed (schema 5, today's release) gets its existing
/// records chained when it is opened, so an edit of one of THEM is found too.
#[test]
fn a_register_from_before_the_chain_has_its_old_records_chained_when_opened() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("old.xinghe.db");
    {
        let conn = crate::support::register_at_version(&db, 5);
        for (at, summary) in [("2026-11-01 09:00:00", "新增居民“孔喆”"), ("2026-11-02 10:00:00", "修改居民“孔喆”")]
        {
            conn.execute(
                "INSERT INTO audit_log(at, operator, action, entity, entity_id, summary) VALUES (?1, '李敏', '新增', '居民', 7, ?2)",
                [at, summary],
            )
            .unwrap();
        }
    }
    let mut ledger = Ledger::open(&db).unwrap();
    assert!(ledger.check().unwrap().healthy);
    ledger.set_community_name("浏河社区").unwrap();
    assert!(ledger.check().unwrap().healthy, "a new record chains onto the old ones");
    drop(ledger);
    let hashes: i64 = Connection::open(&db)
        .unwrap()
        .query_row("SELECT count(*) FROM audit_log WHERE length(hash) = 64", [], |r| r.get(0))
        .unwrap();
    assert_eq!(hashes, 3);
    sqlite3(&db, &format!("{LIFT_TRIGGERS} UPDATE audit_log SET operator = '别人' WHERE id = 1; {PUT_BACK_TRIGGERS}"));
    let out = xinghe_cli(&db, &["check"]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert!(text(&out).contains("操作日志第 1 条（2026-11-01 09:00:00，别人）"), "{}", text(&out));
}
