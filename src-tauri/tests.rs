//! Command tests through tauri's mock runtime: real commands, real IPC serialisation, a real
//! database in a temporary folder — only the webview is mocked.

use super::*;
use serde_json::{json, Value};
use tauri::ipc::{CallbackFn, InvokeBody};
use tauri::test::{get_ipc_response, mock_builder, mock_context, noop_assets, MockRuntime, INVOKE_KEY};
use tauri::webview::InvokeRequest;
use tauri::WebviewWindow;

struct TestApp {
    _app: tauri::App<MockRuntime>,
    webview: WebviewWindow<MockRuntime>,
    _dir: tempfile::TempDir,
}

fn app() -> TestApp {
    let dir = tempfile::tempdir().unwrap();
    let app = with_commands(mock_builder())
        .manage(AppState::new(dir.path().join("test.db")))
        .build(mock_context(noop_assets()))
        .unwrap();
    let webview = tauri::WebviewWindowBuilder::new(&app, "main", Default::default()).build().unwrap();
    TestApp { _app: app, webview, _dir: dir }
}

impl TestApp {
    fn call(&self, cmd: &str, args: Value) -> Result<Value, Value> {
        get_ipc_response(
            &self.webview,
            InvokeRequest {
                cmd: cmd.into(),
                callback: CallbackFn(0),
                error: CallbackFn(1),
                url: "tauri://localhost".parse().unwrap(),
                body: InvokeBody::Json(args),
                headers: Default::default(),
                invoke_key: INVOKE_KEY.to_string(),
            },
        )
        .map(|body| body.deserialize::<Value>().unwrap())
    }

    fn ok(&self, cmd: &str, args: Value) -> Value {
        self.call(cmd, args).unwrap_or_else(|e| panic!("{cmd} failed: {e}"))
    }

    /// The first start: a new register (the demo or an empty one) and its administrator.
    fn start(&self, mode: &str, community_name: &str) {
        self.ok("create_database", json!({"mode": mode, "communityName": community_name}));
        self.ok("create_first_admin", json!({"name": "李敏", "password": ADMIN_PASSWORD}));
    }
}

const ADMIN_PASSWORD: &str = "liuhe-2026";

fn chrono_date(y: i32, m: u32, d: u32) -> xinghe_ledger::values::dates::NaiveDate {
    xinghe_ledger::values::dates::NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

#[test]
fn a_first_start_has_no_database_until_the_user_chooses() {
    let t = app();
    let info = t.ok("app_info", json!({}));
    assert_eq!(info["opened"], false);
    let err = t.call("stats", json!({})).unwrap_err();
    assert_eq!(err["kind"], "no_database");
    assert!(err["message"].as_str().unwrap().contains("数据库"));
    let info = t.ok("create_database", json!({"mode": "empty", "communityName": "浏河社区"}));
    assert_eq!(info["opened"], true);
    assert_eq!(info["community_name"], "浏河社区");
    // The register is open, but nothing in it until its first administrator exists.
    assert_eq!(t.ok("session_status", json!({}))["has_operators"], false);
    assert_eq!(t.call("stats", json!({})).unwrap_err()["kind"], "signed_out");
    let session = t.ok("create_first_admin", json!({"name": "李敏", "password": ADMIN_PASSWORD}));
    assert_eq!((session["name"].as_str(), session["role"].as_str()), (Some("李敏"), Some("admin")));
    t.ok("stats", json!({}));
}

#[test]
fn staff_log_in_lock_and_are_refused_the_administrators_commands() {
    let t = app();
    t.start("demo", "");
    t.ok(
        "save_operator",
        json!({"input": {"id": null, "name": "王芳", "role": "staff", "active": true, "password": "wangfang1"}}),
    );
    let household = t.ok("list_households", json!({"filter": {}}))["rows"][0]["id"].clone();
    let member = t.ok("get_household", json!({"id": household}))["members"][0]["id"].clone();
    let revealed = t.ok("reveal_resident", json!({"id": member}));
    assert_eq!(revealed["id_number"].as_str().map(str::len), Some(18), "{revealed}");

    t.ok("lock_session", json!({}));
    let signed_out = t.call("list_households", json!({"filter": {}})).unwrap_err();
    assert_eq!(signed_out["kind"], "signed_out");
    assert_eq!(signed_out["message"], "台账已锁定，请先登录");
    assert_eq!(t.ok("session_status", json!({}))["last_name"], "李敏");
    let wrong = t.call("log_in", json!({"name": "王芳", "password": "nope-nope"})).unwrap_err();
    assert_eq!((wrong["kind"].as_str(), wrong["fields"][0]["field"].as_str()), (Some("invalid"), Some("password")));

    let session = t.ok("log_in", json!({"name": "王芳", "password": "wangfang1"}));
    assert_eq!(session["role"], "staff");
    t.ok("list_households", json!({"filter": {}}));
    for (cmd, args) in [
        ("set_community_name", json!({"name": "星河社区"})),
        ("reveal_resident", json!({"id": member})),
        ("audit_log", json!({"filter": {}})),
        ("list_operators", json!({})),
        ("set_idle_lock_minutes", json!({"minutes": 5})),
        ("backup_to_folder", json!({"folder": "/tmp"})),
        ("inspect_backup", json!({"path": "/nonexistent.xinghe.db"})),
        ("print_roster", json!({"out": "/tmp/never.pdf", "grid": null, "unmasked": true})),
    ] {
        let refused = t.call(cmd, args).unwrap_err();
        assert_eq!(refused["kind"], "forbidden", "{cmd}: {refused}");
        assert!(refused["message"].as_str().unwrap().starts_with("只有管理员可以"), "{cmd}: {refused}");
    }
    t.ok("change_own_password", json!({"oldPassword": "wangfang1", "newPassword": "wangfang2"}));
}

#[test]
fn a_household_and_residents_through_the_commands() {
    let t = app();
    t.start("empty", "浏河社区");
    let grid = t.ok("save_grid", json!({"input": {"name": "第一网格", "head_name": "周丽华"}}));
    let building = t.ok("save_building", json!({"input": {"grid_id": grid, "name": "8栋"}}));
    let unit = t.ok("save_unit", json!({"input": {"building_id": building, "name": "2单元"}}));
    let household =
        t.ok("save_household", json!({"input": {"unit_id": unit, "room": "301", "phone": "０７３１-84123456"}}));
    t.ok(
        "save_resident",
        json!({"input": {"household_id": household, "name": "曹𠇔", "relation": "户主",
                          "id_number": "11010519491231002x", "phone": "138 1234 5678", "care_needs": [], "is_volunteer": false}}),
    );
    let detail = t.ok("get_household", json!({"id": household}));
    assert_eq!(detail["address"], "8栋2单元301");
    assert_eq!(detail["grid"]["head"]["name"], "周丽华");
    assert_eq!(detail["members"][0]["name"], "曹𠇔");
    assert_eq!(detail["members"][0]["id_number_masked"], "110105********002X");
    assert_eq!(
        detail["members"][0]["age"],
        json!(xinghe_ledger::values::dates::age_on(
            chrono_date(1949, 12, 31),
            xinghe_ledger::values::dates::local_today()
        ))
    );
    let hits = t.ok("search", json!({"query": "c"}));
    assert_eq!(hits[0]["name"], "曹𠇔");
    let page = t.ok("list_households", json!({"filter": {"offset": 0}}));
    assert_eq!(page["total"], 1);
    assert_eq!(page["rows"][0]["head_name"], "曹𠇔");
}

#[test]
fn a_bad_id_number_comes_back_as_kind_and_chinese_message_per_field() {
    let t = app();
    t.start("demo", "");
    let err = t
        .call(
            "save_resident",
            json!({"input": {"household_id": 1, "name": "张三", "relation": "其他", "id_number": "110105194912310021"}}),
        )
        .unwrap_err();
    assert_eq!(err["kind"], "invalid");
    assert_eq!(err["fields"][0]["field"], "id_number");
    assert!(err["message"].as_str().unwrap().contains("校验位"), "{err}");
    assert!(!err["message"].as_str().unwrap().contains("Error"), "no Rust debug text: {err}");
}

#[test]
fn launch_options_read_db_and_demo() {
    let args = |a: &[&str]| a.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    let o = LaunchOptions::parse(args(&["--db", "/tmp/a.db", "--demo"]), None);
    assert_eq!(o, LaunchOptions { db: Some("/tmp/a.db".into()), demo_if_missing: true });
    let o = LaunchOptions::parse(args(&[]), Some("/tmp/env.db".into()));
    assert_eq!(o.db, Some(PathBuf::from("/tmp/env.db")));
    let o = LaunchOptions::parse(args(&["--db=/tmp/b.db"]), Some("/tmp/env.db".into()));
    assert_eq!(o.db, Some(PathBuf::from("/tmp/b.db")));
}

#[test]
fn a_class_through_the_commands_with_residents_and_guests() {
    let t = app();
    t.start("demo", "");
    let input = json!({"title": "命令测试课", "line": "其他", "date": "2030-01-08", "start_time": "9:00",
                       "end_time": "10:00", "capacity": 1});
    let id = t.ok("save_activity", json!({"input": input}));
    let resident = t.ok("search", json!({"query": "王"}))[0]["id"].clone();
    let first = t.ok("sign_up", json!({"activityId": id, "attendee": {"resident_id": resident}}));
    assert_eq!(first["status"], "registered");
    let guest = t.ok("sign_up", json!({"activityId": id, "attendee": {"guest_name": "外来人员", "guest_phone": null}}));
    assert_eq!(guest["status"], "waitlisted");
    let cancelled = t.ok("cancel_signup", json!({"signupId": first["signup_id"]}));
    assert_eq!(cancelled["promoted"]["name"], "外来人员");
    let count = t.ok("mark_all", json!({"activityId": id, "present": true}));
    assert_eq!(count, json!({"present": 1, "registered": 1}));
    let detail = t.ok("get_activity", json!({"id": id}));
    assert_eq!(detail["title"], "命令测试课", "the row's fields sit at the top level");
    assert_eq!(detail["start_time"], "09:00");
    let err =
        t.call("save_activity", json!({"input": {"title": "", "line": "其他", "date": "2030-02-30"}})).unwrap_err();
    assert_eq!(err["kind"], "invalid");
    let fields: Vec<&str> = err["fields"].as_array().unwrap().iter().map(|f| f["field"].as_str().unwrap()).collect();
    assert_eq!(fields, ["title", "date", "start_time", "end_time"]);
}

// ---- Dashboard, care visits, services, projects, settings ----

#[test]
fn a_service_is_done_through_the_commands_and_its_volunteer_gets_hours_to_review() {
    let t = app();
    t.start("demo", "");
    let yesterday = xinghe_ledger::values::dates::local_today().pred_opt().unwrap().to_string();
    let care = t.ok("care_list", json!({"thresholdDays": 30}));
    assert_eq!(care["threshold_days"], 30);
    let household = care["households"][0]["household_id"].clone();
    assert!(household.is_i64(), "the demo has households in care: {care}");
    // The demo may come with volunteers; otherwise one is added.
    let existing = t.ok("list_volunteers", json!({"filter": {}}));
    let volunteer = match existing.as_array().and_then(|v| v.first()) {
        Some(v) => v["id"].clone(),
        None => {
            let hit = t.ok("search", json!({"query": "王"}))[0].clone();
            t.ok(
                "save_volunteer",
                json!({"input": {"resident_id": hit["id"], "line": "红引擎·在职党员", "joined_on": "2020-01-01"}}),
            )
        }
    };
    let pending_before = t.ok("dashboard", json!({}))["pending_hours"].as_i64().unwrap();
    let service = t.ok(
        "save_service",
        json!({"input": {"household_id": household, "kind": "走访慰问", "requested_on": yesterday,
                          "volunteer_ids": [volunteer]}}),
    );
    let open = t.ok("list_services", json!({"filter": {"status": "open"}}));
    assert!(open.as_array().unwrap().iter().any(|s| s["id"] == service), "{open}");
    let done = t.ok(
        "complete_service",
        json!({"id": service, "done": {"done_on": yesterday, "start_time": "9:00", "end_time": "10:30", "outcome": "老人状况良好"}}),
    );
    assert_eq!(done["hour_entries"].as_array().unwrap().len(), 1);
    assert_eq!(t.ok("get_service", json!({"id": service}))["status"], "已完成");
    let after = t.ok("care_list", json!({}));
    let visited = after["households"].as_array().unwrap().iter().find(|h| h["household_id"] == household).unwrap();
    assert_eq!(visited["last_visit_on"], json!(yesterday));
    assert_eq!(visited["days_since"], 1);
    let dashboard = t.ok("dashboard", json!({}));
    assert_eq!(dashboard["pending_hours"], pending_before + 1, "{dashboard}");
    assert_eq!(dashboard["hours_by_month"].as_array().unwrap().len(), 6);
    assert!(dashboard["stats"]["households"].as_i64().unwrap() > 0);
    let err = t.call("cancel_service", json!({"id": service})).unwrap_err();
    assert!(err["message"].as_str().unwrap().chars().any(|c| c > '\u{2e80}'), "a Chinese message: {err}");
}

#[test]
fn projects_milestones_and_volunteer_settings_through_the_commands() {
    let t = app();
    t.start("empty", "浏河社区");
    let input = json!({"name": "银发YUE 助老项目", "line": "银力量·离退休党员", "owner": "周丽华", "goal": "",
                       "starts_on": "2020-01-01", "ends_on": "2040-12-31",
                       "milestones": [{"title": "入户摸底", "due_on": "2020-03-31"}, {"title": "总结", "due_on": "2040-12-01"}]});
    let id = t.ok("save_project", json!({"input": input}));
    let rows = t.ok("list_projects", json!({}));
    assert_eq!(rows[0]["status"], "late");
    assert_eq!(rows[0]["milestones_total"], 2);
    let detail = t.ok("get_project", json!({"id": id}));
    let first = detail["milestones"][0]["id"].clone();
    t.ok("complete_milestone", json!({"milestoneId": first, "date": "2020-03-30"}));
    let detail = t.ok("get_project", json!({"id": id}));
    assert_eq!(detail["project"]["status"], "on_track");
    assert_eq!(detail["milestones"][0]["done_on"], "2020-03-30");
    let err = t.call("save_project", json!({"input": {"name": "", "line": "其他"}})).unwrap_err();
    assert_eq!(err["kind"], "invalid");

    let settings = t.ok("volunteer_settings", json!({}));
    assert_eq!(settings["volunteer_prefix"], "LH");
    assert_eq!(settings["care_visit_days"], 30);
    assert_eq!(settings["issuer"]["organisation"], "浏河社区居民委员会");
    t.ok("set_volunteer_prefix", json!({"prefix": "lhsq"}));
    t.ok("set_care_visit_days", json!({"days": 45}));
    t.ok(
        "save_certificate_issuer",
        json!({"issuer": {"organisation": "", "person_in_charge": "周丽华", "handler": "李敏", "contact": "0731-84123456"}}),
    );
    let settings = t.ok("volunteer_settings", json!({}));
    assert_eq!(settings["volunteer_prefix"], "LHSQ");
    assert_eq!(settings["care_visit_days"], 45);
    assert_eq!(settings["issuer"]["handler"], "李敏");
    let err = t.call("set_care_visit_days", json!({"days": 0})).unwrap_err();
    assert_eq!(err["fields"][0]["field"], "care_visit_days");
}

#[test]
fn the_audit_log_command_pages_newest_first_and_masks_phones() {
    let t = app();
    t.start("empty", "浏河社区");
    t.ok("set_care_visit_days", json!({"days": 45}));
    t.ok("set_care_visit_days", json!({"days": 60}));
    let page = t.ok("audit_log", json!({"filter": {"entity": "设置", "limit": 1}}));
    assert_eq!(page["total"], 3, "the community name, then the two thresholds: {page}");
    assert_eq!(page["rows"][0]["summary"], "走访超期天数设为 60 天");
    assert_eq!(page["rows"][0]["changes"][0]["before"], "45");
    assert_eq!(page["rows"][0]["changes"][0]["after"], "60");
    let err = t.call("audit_log", json!({"filter": {"from": "昨天"}})).unwrap_err();
    assert_eq!(err["fields"][0]["field"], "from");
    assert!(t.ok("audit_operators", json!({})).as_array().is_some());
    assert_eq!(t.ok("audit_chain", json!({})), Value::Null, "an untouched trail's chain holds");
}

// ---- Volunteers, organisations, the hours ledger ----

#[test]
fn hours_are_recorded_reviewed_corrected_and_reported_through_the_commands() {
    let t = app();
    t.start("demo", "");
    let options = t.ok("volunteer_options", json!({}));
    assert_eq!(options["statuses"], json!(["待审核", "已确认", "已驳回"]));
    let org = t.ok(
        "save_organisation",
        json!({"input": {"name": "命令测试益仓便利店", "kind": "智慧益仓商户", "phone": "138 0000 1111",
                          "services": ["理发", "开锁"]}}),
    );
    let member = t.ok(
        "save_volunteer",
        json!({"input": {"organisation_id": org, "name": "外来师傅", "phone": "13900002222", "line": "青动力·两新组织",
                         "joined_on": "2026-01-01"}}),
    );
    let detail = t.ok("get_volunteer", json!({"id": member}));
    assert_eq!(detail["volunteer"]["phone_masked"], "139****2222", "lists mask the phone");
    assert_eq!(detail["phone"], "13900002222", "the edit form gets it whole");
    let orgs = t.ok("get_organisation", json!({"id": org}));
    assert_eq!(orgs["members"][0]["name"], "外来师傅");

    // Two days ago: the night ends before now whatever the time of day.
    let day = xinghe_ledger::values::dates::local_today().pred_opt().unwrap().pred_opt().unwrap().to_string();
    let entry = |start: &str, end: &str, overnight: bool| {
        json!({"volunteer_id": member, "date": day, "start_time": start, "end_time": end, "overnight": overnight,
               "content": "夜间巡逻"})
    };
    let night = t.ok("record_hours", json!({"input": entry("22:00", "02:00", true)}));
    let err = t.call("record_hours", json!({"input": entry("23:00", "23:30", false)})).unwrap_err();
    assert_eq!(err["kind"], "invalid");
    assert!(err["message"].as_str().unwrap().contains("重叠"), "{err}");
    let fixed =
        t.ok("correct_hours", json!({"id": night, "input": entry("21:00", "01:00", true), "reason": "开始时间记错"}));
    let rows = t.ok("list_hours", json!({"filter": {"volunteer_id": member}}));
    let statuses: Vec<&str> = rows.as_array().unwrap().iter().map(|r| r["status"].as_str().unwrap()).collect();
    assert_eq!(statuses.len(), 2);
    assert!(statuses.contains(&"已驳回") && statuses.contains(&"待审核"), "{statuses:?}");
    let err = t.call("review_hours", json!({"ids": [fixed], "review": {"approve": false, "note": ""}})).unwrap_err();
    assert_eq!(err["fields"][0]["field"], "note");
    assert_eq!(t.ok("review_hours", json!({"ids": [fixed], "review": {"approve": true, "verifier": "王主任"}})), 1);
    let history = t.ok("hour_entry_history", json!({"id": night}));
    let actions: Vec<&str> = history.as_array().unwrap().iter().map(|e| e["action"].as_str().unwrap()).collect();
    assert_eq!(actions, ["登记", "更正"]);

    let report = t.ok("hours_report", json!({"from": day, "to": null}));
    let mine = report["by_volunteer"].as_array().unwrap().iter().find(|v| v["volunteer_id"] == member).unwrap().clone();
    assert_eq!(mine["text"], "4 小时");
    let err = t.call("hours_report", json!({"from": "2026-02-30", "to": null})).unwrap_err();
    assert_eq!(err["fields"][0]["field"], "from");
    assert!(err["message"].as_str().unwrap().contains("2026-02-30"), "{err}");

    let dir = tempfile::tempdir().unwrap();
    let pdf = dir.path().join("证明.pdf");
    let printed = t.ok(
        "print_certificate",
        json!({"volunteerId": member, "from": day, "to": null, "out": pdf.display().to_string()}),
    );
    assert!(printed["pages"].as_u64().unwrap() >= 1);
    assert!(std::fs::metadata(&pdf).unwrap().len() > 1000);
    let report_pdf = dir.path().join("统计.pdf");
    t.ok("print_hours_report", json!({"from": null, "to": null, "out": report_pdf.display().to_string()}));
    assert!(report_pdf.exists());
    let xlsx = dir.path().join("时长.xlsx");
    let written = t.ok("export_hours", json!({"from": null, "to": null, "out": xlsx.display().to_string()}));
    assert!(written.as_u64().unwrap() >= 2, "every entry of the period, rejected ones too: {written}");
}
// ---- end volunteers ----

// ---- Backups and restore ----

/// The save dialog has asked before replacing a file, so the app replaces an ordinary one; but
/// the register, its SQLite files and the backups in its backup folder are refused all the same.
#[test]
fn printing_over_the_register_or_its_backups_is_refused_in_the_app_too() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("xinghe.db");
    let folder = xinghe_ledger::safety::backup::default_folder(&db);
    let t = app_on(&db, &folder);
    t.start("empty", "浏河社区");
    std::fs::create_dir_all(&folder).unwrap();
    let backup = t.ok("backup_to_folder", json!({"folder": folder.display().to_string()}));
    let backup = backup["path"].as_str().unwrap().to_string();
    let backup_bytes = std::fs::read(&backup).unwrap();
    let wal = dir.path().join("xinghe.db-wal");
    let spelled = dir.path().join(".").join("xinghe.db");
    for (out, says) in [
        (db.display().to_string(), "就是正在使用的台账数据库"),
        (spelled.display().to_string(), "就是正在使用的台账数据库"),
        (wal.display().to_string(), "SQLite 工作文件（-wal）"),
        (backup.clone(), "备份文件夹中已有的备份"),
    ] {
        let err = t.call("print_roster", json!({"out": out, "grid": null, "unmasked": false})).unwrap_err();
        assert_eq!(err["kind"], "invalid", "{err}");
        assert!(err["message"].as_str().unwrap().contains(says), "{err}");
        let err = t.call("print_care_list", json!({"out": out, "thresholdDays": null})).unwrap_err();
        assert!(err["message"].as_str().unwrap().contains(&out), "{err}");
    }
    assert_eq!(std::fs::read(&backup).unwrap(), backup_bytes);
    assert_eq!(t.ok("stats", json!({}))["households"], 0, "the register still answers");

    let chosen = dir.path().join("花名册.pdf");
    std::fs::write(&chosen, "上个月的花名册").unwrap();
    t.ok("print_roster", json!({"out": chosen.display().to_string(), "grid": null, "unmasked": false}));
    assert!(std::fs::read(&chosen).unwrap().starts_with(b"%PDF-"));
    drop(t);
    assert!(xinghe_ledger::Ledger::open(&db).unwrap().check().unwrap().healthy);
}

/// A damaged database at start: app_info says why (kind and message), the automatic backups are
/// listed, and a restore makes a new file while the broken one is kept under a dated name.
#[test]
fn a_corrupt_database_is_reported_and_restored_from_a_listed_backup_through_the_commands() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("xinghe.db");
    let folder = xinghe_ledger::safety::backup::default_folder(&db);
    {
        let mut ledger = xinghe_ledger::Ledger::open(&db).unwrap();
        ledger.set_community_name("浏河社区").unwrap();
        ledger.auto_backup(&folder, xinghe_ledger::values::dates::local_now()).unwrap();
    }
    std::fs::write(&db, [7u8; 4096]).unwrap();
    let t = app_on(&db, &folder);

    let info = t.ok("app_info", json!({}));
    assert_eq!(info["opened"], false);
    assert_eq!(info["open_error_kind"], "corrupt");
    assert!(info["open_error"].as_str().unwrap().contains("xinghe.db"), "{info}");
    let err = t.call("stats", json!({})).unwrap_err();
    assert_eq!(err["kind"], "no_database");

    let found = t.ok("recovery_backups", json!({}));
    assert_eq!(found.as_array().unwrap().len(), 1, "{found}");
    assert_eq!(found[0]["info"]["community_name"], "浏河社区");
    let recovery = t.ok("recover_from_backup", json!({"path": found[0]["path"]}));
    let aside = recovery["set_aside"].as_str().unwrap();
    assert!(aside.contains("xinghe.db.损坏-"), "{recovery}");
    assert_eq!(std::fs::read(aside).unwrap(), vec![7u8; 4096]);
    let info = t.ok("app_info", json!({}));
    assert_eq!(info["opened"], true);
    assert_eq!(info["community_name"], "浏河社区");
    assert_eq!(info["open_error"], Value::Null);
}

#[test]
fn backup_inspect_and_restore_through_the_commands() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("xinghe.db");
    let folder = xinghe_ledger::safety::backup::default_folder(&db);
    let t = app_on(&db, &folder);

    let status = t.ok("backup_status", json!({}));
    assert_eq!(status["folder"], folder.display().to_string());
    assert_eq!(status["count"], 0);
    assert_eq!(status["newest_at"], Value::Null);
    assert_eq!(status["due"], true);
    assert_eq!(
        t.call("backup_to_folder", json!({"folder": dir.path().display().to_string()})).unwrap_err()["kind"],
        "no_database"
    );

    t.start("empty", "浏河社区");
    let grid = t.ok("save_grid", json!({"input": {"name": "第一网格"}}));
    let building = t.ok("save_building", json!({"input": {"grid_id": grid, "name": "8栋"}}));
    let unit = t.ok("save_unit", json!({"input": {"building_id": building, "name": "1单元"}}));
    t.ok("save_household", json!({"input": {"unit_id": unit, "room": "301"}}));

    let usb = tempfile::tempdir().unwrap();
    let written = t.ok("backup_to_folder", json!({"folder": usb.path().display().to_string()}));
    assert_eq!(written["unrecorded"], Value::Null, "the backup is in the 操作日志: {written}");
    let written = written["path"].as_str().unwrap().to_string();
    assert!(written.contains("浏河社区-备份-") && written.ends_with(".xinghe.db"), "{written}");

    t.ok("save_household", json!({"input": {"unit_id": unit, "room": "302"}}));
    let preview = t.ok("inspect_backup", json!({"path": written}));
    assert_eq!(preview["community_name"], "浏河社区");
    assert_eq!(preview["counts"]["households"], 1);
    assert_eq!(preview["current"]["households"], 2);
    assert!(preview["created_at"].is_string());
    assert_eq!(preview["needs_migration"], false);

    let text = usb.path().join("说明.txt");
    std::fs::write(&text, "不是备份").unwrap();
    let err = t.call("inspect_backup", json!({"path": text.display().to_string()})).unwrap_err();
    assert_eq!(err["kind"], "refused");
    assert!(err["message"].as_str().unwrap().contains("不是星河社区台账的备份"), "{err}");
    assert!(t.call("restore_backup", json!({"path": text.display().to_string()})).is_err());
    assert_eq!(t.ok("stats", json!({}))["households"], 2);

    let report = t.ok("restore_backup", json!({"path": written}));
    assert_eq!(report["restored"]["counts"]["households"], 1);
    assert!(report["safety_backup"].as_str().unwrap().contains("恢复前"));
    // The restored data has its own operators: the administrator logs in again.
    assert_eq!(t.call("stats", json!({})).unwrap_err()["kind"], "signed_out");
    t.ok("log_in", json!({"name": "李敏", "password": ADMIN_PASSWORD}));
    assert_eq!(t.ok("stats", json!({}))["households"], 1);

    // The exit backup, as RunEvent::Exit runs it; then the status shows it.
    let state = t._app.state::<AppState>();
    t._app.state::<backups::Backups>().at_exit(&state);
    let status = t.ok("backup_status", json!({}));
    assert_eq!(status["count"], 1);
    assert_eq!(status["due"], false);
    assert_eq!(status["last_error"], Value::Null);
    assert!(status["newest_path"].as_str().unwrap().contains("xinghe-自动备份-"));
}
// ---- end backups and restore ----

/// Regression: once logins came, the start-up backup asked for a session and silently never
/// ran, since nobody is logged in while the app starts. Backups are the machine's, not a user's.
#[test]
fn the_automatic_backups_run_while_nobody_is_logged_in() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("xinghe.db");
    {
        let mut ledger = xinghe_ledger::Ledger::open(&db).unwrap();
        ledger.set_community_name("浏河社区").unwrap();
        ledger.require_login();
        ledger.create_first_admin("李敏", ADMIN_PASSWORD).unwrap();
    }
    let folder = xinghe_ledger::safety::backup::default_folder(&db);
    let t = app_on(&db, &folder);
    let state = t._app.state::<AppState>();
    assert!(matches!(state.with(|_| Ok(())), Err(xinghe_ledger::Error::SignedOut)));
    let backups = t._app.state::<backups::Backups>();
    backups.at_start_up(&state);
    backups.at_exit(&state);
    assert_eq!(backups.last_error(), None);
    let written = xinghe_ledger::safety::backup::auto_backups(&folder, &db).unwrap();
    assert!(!written.is_empty(), "the start-up and exit backups were written");
}

#[test]
fn staff_no_longer_read_full_numbers_through_get_resident_and_saving_the_mask_keeps_them() {
    let t = app();
    t.start("empty", "浏河社区");
    let grid = t.ok("save_grid", json!({"input": {"name": "第一网格"}}));
    let building = t.ok("save_building", json!({"input": {"grid_id": grid, "name": "8栋"}}));
    let unit = t.ok("save_unit", json!({"input": {"building_id": building, "name": "1单元"}}));
    let household = t.ok("save_household", json!({"input": {"unit_id": unit, "room": "101"}}));
    let resident = t.ok(
        "save_resident",
        json!({"input": {"household_id": household, "name": "孔喆", "relation": "户主",
            "id_number": "430105196401060595", "phone": "13800000001"}}),
    );
    t.ok(
        "save_operator",
        json!({"input": {"id": null, "name": "王芳", "role": "staff", "active": true, "password": "wangfang1"}}),
    );
    t.ok("lock_session", json!({}));
    t.ok("log_in", json!({"name": "王芳", "password": "wangfang1"}));

    let mut record = t.ok("get_resident", json!({"id": resident}));
    assert_eq!(
        (record["id_number"].as_str(), record["phone"].as_str()),
        (Some("430105********0595"), Some("138****0001"))
    );
    record["notes"] = json!("改了备注");
    record["care_needs"] = json!([]);
    t.ok("save_resident", json!({"input": record}));
    record["id_number"] = json!("430105********1111");
    let refused = t.call("save_resident", json!({"input": record})).unwrap_err();
    assert_eq!(refused["kind"], "invalid");
    assert_eq!(refused["fields"][0]["field"], "id_number");
    assert_eq!(refused["fields"][0]["message"], "身份证号只显示了一部分，请输入完整的 18 位身份证号");

    t.ok("lock_session", json!({}));
    t.ok("log_in", json!({"name": "李敏", "password": ADMIN_PASSWORD}));
    let record = t.ok("get_resident", json!({"id": resident}));
    assert_eq!(
        (record["id_number"].as_str(), record["phone"].as_str()),
        (Some("430105196401060595"), Some("13800000001"))
    );
    assert_eq!(record["notes"], "改了备注");
}

/// An app on the register at `db`, with its automatic backups in `folder`.
fn app_on(db: &std::path::Path, folder: &std::path::Path) -> TestApp {
    let app = with_commands(mock_builder())
        .manage(AppState::new(db.to_path_buf()))
        .manage(backups::Backups::new(folder.to_path_buf()))
        .build(mock_context(noop_assets()))
        .unwrap();
    let webview = tauri::WebviewWindowBuilder::new(&app, "main", Default::default()).build().unwrap();
    TestApp { _app: app, webview, _dir: tempfile::tempdir().unwrap() }
}

/// An encrypted register (李敏's password is the key) with one automatic backup.
fn encrypted_register(db: &std::path::Path, folder: &std::path::Path) {
    let mut ledger = xinghe_ledger::Ledger::open(db).unwrap();
    ledger.set_community_name("浏河社区").unwrap();
    ledger.require_login();
    ledger.create_first_admin("李敏", ADMIN_PASSWORD).unwrap();
    ledger.encrypt(ADMIN_PASSWORD).unwrap();
    ledger.auto_backup(folder, xinghe_ledger::values::dates::local_now()).unwrap();
}

/// Regression: a damaged encrypted register could not be restored from its own backups on the
/// start screen: they were read without a key (listed as unusable) and restored without one.
#[test]
fn a_damaged_encrypted_register_is_restored_from_its_encrypted_backup_with_the_password() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("xinghe.db");
    let folder = xinghe_ledger::safety::backup::default_folder(&db);
    encrypted_register(&db, &folder);
    std::fs::write(&db, [7u8; 4096]).unwrap();
    let t = app_on(&db, &folder);
    assert_eq!(t.ok("app_info", json!({}))["open_error_kind"], "corrupt");

    let found = t.ok("recovery_backups", json!({}));
    assert_eq!(found.as_array().unwrap().len(), 1, "{found}");
    assert_eq!(found[0]["encrypted"], true, "{found}");
    assert_eq!(found[0]["info"], Value::Null);
    let listed = t.ok("recovery_backups", json!({"password": ADMIN_PASSWORD}));
    assert_eq!(listed[0]["info"]["community_name"], "浏河社区", "{listed}");
    assert_eq!(listed[0]["encrypted"], false);
    let wrong = t.ok("recovery_backups", json!({"password": "liuhe-2025"}));
    assert_eq!(wrong[0]["encrypted"], true, "{wrong}");

    let path = found[0]["path"].clone();
    let err = t.call("recover_from_backup", json!({"path": path})).unwrap_err();
    assert_eq!(err["kind"], "needs_password", "{err}");
    let err = t.call("recover_from_backup", json!({"path": path, "password": "liuhe-2025"})).unwrap_err();
    assert_eq!(err["kind"], "wrong_password", "{err}");
    assert_eq!(std::fs::read(&db).unwrap(), vec![7u8; 4096], "nothing moved yet");

    let recovery = t.ok("recover_from_backup", json!({"path": path, "password": ADMIN_PASSWORD}));
    assert!(recovery["set_aside"].as_str().unwrap().contains("xinghe.db.损坏-"), "{recovery}");
    let info = t.ok("app_info", json!({}));
    assert_eq!((info["opened"].as_bool(), info["community_name"].as_str()), (Some(true), Some("浏河社区")));
    t.ok("log_in", json!({"name": "李敏", "password": ADMIN_PASSWORD}));
    assert_eq!(t.ok("encryption_status", json!({}))["encrypted"], true, "the new file is encrypted too");

    // 选择其他备份文件…: the same file picked by hand needs the password too.
    let other = dir.path().join("other");
    let t2 = app_on(&other.join("xinghe.db"), &other.join("backups"));
    let err = t2.call("inspect_backup", json!({"path": path})).unwrap_err();
    assert_eq!(err["kind"], "needs_password", "{err}");
    let preview = t2.ok("inspect_backup", json!({"path": path, "backupPassword": ADMIN_PASSWORD}));
    assert_eq!(preview["community_name"], "浏河社区");
}

/// Regression: 从备份恢复… read a backup only with the register's current key, so a backup made
/// before the key owner changed their password (or before encryption was turned off) was lost.
#[test]
fn inspect_and_restore_take_the_password_of_a_backup_made_under_another_key() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("xinghe.db");
    let t = app_on(&db, &xinghe_ledger::safety::backup::default_folder(&db));
    t.start("empty", "浏河社区");
    t.ok("encrypt_database", json!({"password": ADMIN_PASSWORD}));
    let usb = tempfile::tempdir().unwrap();
    let old = t.ok("backup_to_folder", json!({"folder": usb.path().display().to_string()}))["path"].clone();
    t.ok("change_own_password", json!({"oldPassword": ADMIN_PASSWORD, "newPassword": "liuhe-2027"}));

    let err = t.call("inspect_backup", json!({"path": old})).unwrap_err();
    assert_eq!(err["kind"], "wrong_password", "{err}");
    let err = t.call("inspect_backup", json!({"path": old, "backupPassword": "liuhe-2025"})).unwrap_err();
    assert_eq!(err["kind"], "wrong_password", "{err}");
    let preview = t.ok("inspect_backup", json!({"path": old, "backupPassword": ADMIN_PASSWORD}));
    assert_eq!(preview["community_name"], "浏河社区");
    let err = t.call("restore_backup", json!({"path": old})).unwrap_err();
    assert_eq!(err["kind"], "wrong_password", "{err}");

    // Encryption turned off since: the encrypted backup needs its password.
    t.ok("decrypt_database", json!({"password": "liuhe-2027"}));
    let err = t.call("inspect_backup", json!({"path": old})).unwrap_err();
    assert_eq!(err["kind"], "needs_password", "{err}");
    assert_eq!(t.call("restore_backup", json!({"path": old})).unwrap_err()["kind"], "needs_password");
    let report = t.ok("restore_backup", json!({"path": old, "backupPassword": ADMIN_PASSWORD}));
    assert!(report["safety_backup"].as_str().unwrap().contains("恢复前"), "{report}");
    t.ok("log_in", json!({"name": "李敏", "password": ADMIN_PASSWORD}));
    assert_eq!(t.ok("encryption_status", json!({}))["encrypted"], false, "the register keeps its own (no) key");
}

/// Regression: 解锁并登录 let anyone guess the key owner's password without limit.
#[test]
fn unlocking_an_encrypted_register_waits_after_five_wrong_passwords_in_a_row() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("xinghe.db");
    let folder = xinghe_ledger::safety::backup::default_folder(&db);
    encrypted_register(&db, &folder);
    let t = app_on(&db, &folder);
    assert_eq!(t.ok("app_info", json!({}))["open_error_kind"], "corrupt");
    for _ in 0..5 {
        let err = t.call("open_encrypted", json!({"name": "李敏", "password": "guess-123"})).unwrap_err();
        assert_eq!(err["kind"], "wrong_password", "{err}");
    }
    // Now even the right password waits, and so does every other way to try one.
    let err = t.call("open_encrypted", json!({"name": "李敏", "password": ADMIN_PASSWORD})).unwrap_err();
    assert_eq!(err["kind"], "refused");
    let message = err["message"].as_str().unwrap();
    assert!(message.contains("连续 5 次密码错误") && message.contains("秒后再试"), "{message}");
    let backup = xinghe_ledger::safety::backup::auto_backups(&folder, &db).unwrap().remove(0);
    let err = t.call("recover_from_backup", json!({"path": backup, "password": "guess-456"})).unwrap_err();
    assert_eq!(err["kind"], "refused", "{err}");
    assert_eq!(t.ok("app_info", json!({}))["opened"], false);
}
