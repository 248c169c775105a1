//! Story: 李敏 of 浏河社区 works through her day — edits a resident's phone, moves a household
//! out, imports a list, signs a resident up for a class, records and confirms a volunteer's
//! hours, completes a service and saves a project. Every action leaves exactly its own records
//! in the 操作日志 with her name and the values before and after; a refused action leaves none;
//! and the trail itself cannot be rewritten or deleted, not even with SQL.

use rusqlite::Connection;
use xinghe_ledger::activities::{ActivityInput, Attendee};
use xinghe_ledger::audit::{AuditFilter, AuditRow};
use xinghe_ledger::dates::NaiveDate;
use xinghe_ledger::hours::{HourEntryInput, HoursReview};
use xinghe_ledger::import::ImportOptions;
use xinghe_ledger::model::{BuildingInput, GridInput, HouseholdInput, ResidentInput, UnitInput};
use xinghe_ledger::projects::{MilestoneInput, ProjectInput};
use xinghe_ledger::services::{ServiceDoneInput, ServiceInput};
use xinghe_ledger::volunteers::VolunteerInput;
use xinghe_ledger::Ledger;

const ID_NUMBER: &str = "430105196401060595";

struct Office {
    ledger: Ledger,
    unit: i64,
    household: i64,
    kong: i64,
}

fn office(path: &std::path::Path) -> Office {
    let mut ledger = Ledger::open(path).unwrap();
    ledger.set_today(NaiveDate::from_ymd_opt(2026, 11, 28).unwrap());
    ledger.set_operator_name("李敏").unwrap();
    ledger.set_community_name("浏河社区").unwrap();
    let grid = ledger.save_grid(&GridInput { name: "第一网格".into(), ..Default::default() }).unwrap();
    let building =
        ledger.save_building(&BuildingInput { grid_id: grid, name: "8栋".into(), ..Default::default() }).unwrap();
    let unit =
        ledger.save_unit(&UnitInput { building_id: building, name: "1单元".into(), ..Default::default() }).unwrap();
    let household =
        ledger.save_household(&HouseholdInput { unit_id: unit, room: "101".into(), ..Default::default() }).unwrap();
    let kong = ledger.save_resident(&kong(household, None, "13800000001")).unwrap();
    Office { ledger, unit, household, kong }
}

fn kong(household_id: i64, id: Option<i64>, phone: &str) -> ResidentInput {
    ResidentInput {
        id,
        household_id,
        name: "孔喆".into(),
        relation: "户主".into(),
        id_number: Some(ID_NUMBER.into()),
        phone: Some(phone.into()),
        ..Default::default()
    }
}

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
    let Office { mut ledger, unit, household, kong: kong_id } = office(&dir.path().join("a.db"));

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
    let office = office(&path);
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
    let mut ledger = Ledger::open(&dir.path().join("demo.db")).unwrap();
    ledger.set_today(NaiveDate::from_ymd_opt(2026, 11, 28).unwrap());
    ledger.create_demo(24, 7).unwrap();
    let rows = since(&ledger, 0);
    assert_eq!(actions(&rows), [("生成", "台账")], "the partners filled through the Ledger add no records");

    let copy = dir.path().join("copy.db");
    ledger.backup_to(&copy).unwrap();
    ledger.set_community_name("改过的名字").unwrap();
    ledger.restore_from(&copy, &dir.path().join("safety")).unwrap();
    let rows = since(&ledger, 0);
    assert_eq!(actions(&rows), [("生成", "台账"), ("恢复", "备份")], "the restored trail plus the restore");
    assert!(rows[1].summary.contains("copy.db"), "{}", rows[1].summary);
}

#[test]
fn the_cli_lists_the_trail_newest_first_and_filters_by_date() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("a.db");
    let Office { mut ledger, household, kong: kong_id, .. } = office(&path);
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
