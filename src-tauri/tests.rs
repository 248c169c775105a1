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
}

fn chrono_date(y: i32, m: u32, d: u32) -> xinghe_ledger::dates::NaiveDate {
    xinghe_ledger::dates::NaiveDate::from_ymd_opt(y, m, d).unwrap()
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
}

#[test]
fn a_household_and_residents_through_the_commands() {
    let t = app();
    t.ok("create_database", json!({"mode": "empty", "communityName": "浏河社区"}));
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
        json!(xinghe_ledger::dates::age_on(chrono_date(1949, 12, 31), xinghe_ledger::dates::local_today()))
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
    t.ok("create_database", json!({"mode": "demo", "communityName": ""}));
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
    t.ok("create_database", json!({"mode": "demo", "communityName": ""}));
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
