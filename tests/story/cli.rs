//! Story: a script drives `xinghe-cli` — fills a demo, reads stats, checks health, searches —
//! and every mistake ends in a Chinese message and exit code 1, never a panic or a change.

use serde_json::Value;
use std::path::Path;
use std::process::{Command, Output};

fn cli(db: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_xinghe-cli")).arg("--db").arg(db).args(args).output().unwrap()
}

fn stdout_json(output: &Output) -> Value {
    assert!(output.status.success(), "stderr: {}", String::from_utf8_lossy(&output.stderr));
    serde_json::from_slice(&output.stdout).unwrap()
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

#[test]
fn demo_stats_check_and_search() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("demo.db");
    assert!(cli(&db, &["demo", "--households", "120", "--seed", "3"]).status.success());
    let stats = stdout_json(&cli(&db, &["stats", "--json"]));
    assert_eq!(stats["households"], 120);
    assert!(stats["residents"].as_u64().unwrap() > 120);
    assert!(stats["aged_80_plus"].as_u64().unwrap() > 0);
    assert!(cli(&db, &["check"]).status.success());
    let report = stdout_json(&cli(&db, &["check", "--json"]));
    assert_eq!(report["healthy"], true);
    let hits = stdout_json(&cli(&db, &["search", "王", "--json"]));
    let first = &hits.as_array().unwrap()[0];
    assert!(first["id"].is_i64() && first["household_id"].is_i64());
    assert!(first["name"].as_str().unwrap().contains('王'));
}

#[test]
fn demo_refuses_a_database_that_has_data() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("demo.db");
    assert!(cli(&db, &["demo", "--households", "100"]).status.success());
    let before = stdout_json(&cli(&db, &["stats", "--json"]));
    let again = cli(&db, &["demo"]);
    assert_eq!(again.status.code(), Some(1));
    assert!(stderr(&again).contains("空数据库"), "{}", stderr(&again));
    assert_eq!(stdout_json(&cli(&db, &["stats", "--json"])), before);
}

#[test]
fn a_file_that_is_not_ours_is_refused_and_left_unchanged() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("photo.jpg");
    std::fs::write(&db, b"\xff\xd8\xff\xe0 not a database").unwrap();
    let output = cli(&db, &["stats", "--json"]);
    assert_eq!(output.status.code(), Some(1));
    assert!(stderr(&output).contains("不是星河社区台账的数据库"), "{}", stderr(&output));
    assert_eq!(std::fs::read(&db).unwrap(), b"\xff\xd8\xff\xe0 not a database");
}

#[test]
fn bad_arguments_exit_1_without_a_panic() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("x.db");
    for args in [&["demo", "--households", "0"][..], &["demo", "--households", "many"], &["frobnicate"]] {
        let output = cli(&db, args);
        assert_eq!(output.status.code(), Some(1), "{args:?}");
        assert!(!stderr(&output).contains("panicked"), "{args:?}: {}", stderr(&output));
    }
    let no_db =
        Command::new(env!("CARGO_BIN_EXE_xinghe-cli")).args(["stats"]).env_remove("XINGHE_DB").output().unwrap();
    assert_eq!(no_db.status.code(), Some(1));
    assert!(stderr(&no_db).contains("--db"));
}

#[test]
fn activities_and_signups_as_json() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("demo.db");
    assert!(cli(&db, &["demo", "--households", "150"]).status.success());
    let activities = stdout_json(&cli(&db, &["activities", "--json"]));
    let activities = activities.as_array().unwrap();
    let series: std::collections::HashSet<i64> = activities.iter().filter_map(|a| a["series_id"].as_i64()).collect();
    assert!(series.len() >= 3, "activities in at least three series");
    for key in ["id", "title", "date", "series_id", "capacity", "registered", "waitlisted", "attended"] {
        assert!(activities[0].get(key).is_some(), "{key}");
    }
    let full = activities.iter().find(|a| a["waitlisted"].as_u64().unwrap() > 0).expect("a full class with a waitlist");
    assert_eq!(full["registered"], full["capacity"]);
    assert!(activities.iter().any(|a| a["attended"].as_u64().unwrap() > 0), "attendance taken for past sessions");
    assert!(activities.iter().any(|a| a["capacity"].is_null()), "an activity without a limit");

    let id = full["id"].as_i64().unwrap().to_string();
    let signups = stdout_json(&cli(&db, &["signups", "--activity", &id, "--json"]));
    let statuses: Vec<&str> = signups.as_array().unwrap().iter().map(|s| s["status"].as_str().unwrap()).collect();
    assert!(statuses.contains(&"registered") && statuses.contains(&"waitlisted"));
    assert!(signups[0]["name"].is_string());
    let missing = cli(&db, &["signups", "--activity", "99999", "--json"]);
    assert_eq!(missing.status.code(), Some(1));
    assert!(stderr(&missing).contains("未找到活动"), "{}", stderr(&missing));
}

// ---- Volunteers' hours: `hours`, `print certificate|hours|care-list`, `export hours` ----

use xinghe_ledger::hours::HoursFilter;

fn run_ok(db: &Path, args: &[&str]) -> String {
    let output = cli(db, args);
    assert!(output.status.success(), "{args:?}: {}", stderr(&output));
    String::from_utf8_lossy(&output.stdout).into_owned()
}

#[test]
fn hours_json_adds_up_to_the_total_of_confirmed_hours_only() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("demo.db");
    assert!(cli(&db, &["demo", "--households", "150"]).status.success());
    let report = stdout_json(&cli(&db, &["hours", "--json"]));
    let total = report["total_hours"].as_f64().unwrap();
    let people = report["by_volunteer"].as_array().unwrap();
    assert!(total > 0.0 && !people.is_empty(), "the demo has confirmed hours");
    for person in people {
        assert!(person["number"].is_string() && person["name"].is_string(), "{person}");
        assert!(person["hours"].as_f64().unwrap() > 0.0, "{person}");
    }
    let sum: f64 = people.iter().map(|p| p["hours"].as_f64().unwrap()).sum();
    assert!((sum - total).abs() < 1e-9, "by_volunteer adds up to {sum}, total_hours is {total}");

    // Only confirmed entries count: the demo also has pending ones, left out of the total.
    let ledger = xinghe_ledger::Ledger::open(&db).unwrap();
    let minutes = |status: Option<&str>| -> i64 {
        let filter = HoursFilter { status: status.map(str::to_string), ..Default::default() };
        ledger.list_hours(&filter).unwrap().iter().map(|e| e.minutes).sum()
    };
    assert!((minutes(Some("已确认")) as f64 / 60.0 - total).abs() < 1e-9);
    let pending = minutes(Some("待审核"));
    assert!(pending > 0, "the demo has pending hours");
    assert_eq!(report["pending_minutes"].as_i64().unwrap(), pending);
    assert!(minutes(None) > minutes(Some("已确认")));

    // A period holds no more than everything, and still adds up.
    let month = stdout_json(&cli(&db, &["hours", "--from", "2026-11-01", "--to", "2026-11-30", "--json"]));
    let month_total = month["total_hours"].as_f64().unwrap();
    assert!(month_total <= total);
    let month_sum: f64 = month["by_volunteer"].as_array().unwrap().iter().map(|p| p["hours"].as_f64().unwrap()).sum();
    assert!((month_sum - month_total).abs() < 1e-9);

    // Without --json, a readable Chinese table.
    let table = run_ok(&db, &["hours"]);
    assert!(table.contains("志愿服务时长统计（全部记录）") && table.contains("只计已确认的时长"), "{table}");
    let first = people[0]["number"].as_str().unwrap();
    assert!(table.contains(first) && table.contains("按条线：") && table.contains("按月份："), "{table}");
}

#[test]
fn certificate_hours_report_care_list_and_hours_workbook_from_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("demo.db");
    assert!(cli(&db, &["demo", "--households", "150"]).status.success());
    let report = stdout_json(&cli(&db, &["hours", "--json"]));
    let top = &report["by_volunteer"][0];
    let (number, name) = (top["number"].as_str().unwrap(), top["name"].as_str().unwrap());
    let path = |name: &str| dir.path().join(name);
    let text = |pdf: &Path| -> String {
        let raw = crate::support::poppler::poppler("pdftotext", &["-raw"], pdf);
        raw.chars().filter(|c| !c.is_whitespace()).collect()
    };

    let cert = path("证明.pdf");
    let out =
        run_ok(&db, &["print", "certificate", "--volunteer", &number.to_lowercase(), "--out", cert.to_str().unwrap()]);
    assert!(out.contains("志愿服务记录证明") && out.contains(number) && out.contains("页"), "{out}");
    let printed = text(&cert);
    assert!(printed.contains(&format!("兹证明{name}（志愿者编号{number}")), "{printed}");
    assert!(printed.contains("盖章处") && printed.contains("证明编号："), "{printed}");
    let total = top["text"].as_str().unwrap().replace(' ', "");
    assert!(printed.contains(&format!("共计{total}")), "{total}: {printed}");

    let hours = path("时长.pdf");
    let out = run_ok(&db, &["print", "hours", "--from", "2026-01-01", "--out", hours.to_str().unwrap()]);
    assert!(out.contains("志愿服务时长统计"), "{out}");
    let printed = text(&hours);
    assert!(printed.contains("统计期间：2026年1月1日起") && printed.contains(number), "{printed}");

    let care = path("走访.pdf");
    let out = run_ok(&db, &["print", "care-list", "--days", "45", "--out", care.to_str().unwrap()]);
    assert!(out.contains("关爱走访清单") && out.contains("逾期"), "{out}");
    let printed = text(&care);
    assert!(printed.contains("超过45天未上门或从未上门") && printed.contains("楼栋长："), "{printed}");

    let workbook = path("时长.xlsx");
    let out = run_ok(&db, &["export", "hours", "--out", workbook.to_str().unwrap()]);
    assert!(out.contains("已导出志愿时长统计") && out.contains("条服务记录"), "{out}");
    assert!(std::fs::read(&workbook).unwrap().starts_with(b"PK"));
    crate::support::assert_no_temporary_files(dir.path());
}

#[test]
fn hours_commands_refuse_bad_input_with_a_message_and_write_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("demo.db");
    assert!(cli(&db, &["demo", "--households", "100"]).status.success());
    let out = |name: &str| dir.path().join(name).to_string_lossy().into_owned();
    let cases: [(&[&str], &str); 7] = [
        (&["print", "certificate", "--volunteer", "LH-99999", "--out", &out("a.pdf")], "没有编号为 LH-99999 的志愿者"),
        (&["hours", "--from", "2026-13-01"], "开始日期“2026-13-01”不是有效日期"),
        (&["hours", "--from", "2026-11-30", "--to", "2026-11-01"], "早于开始日期"),
        (&["print", "hours", "--to", "昨天", "--out", &out("b.pdf")], "结束日期“昨天”不是有效日期"),
        (&["print", "care-list", "--days", "0", "--out", &out("c.pdf")], "走访提醒天数 0 无效"),
        (&["export", "hours", "--out", &out("d.csv")], "只能导出为 .xlsx"),
        (&["export", "residents", "--from", "2026-01-01", "--out", &out("e.xlsx")], "只用于导出志愿时长"),
    ];
    for (args, message) in cases {
        let output = cli(&db, args);
        assert_eq!(output.status.code(), Some(1), "{args:?}");
        assert!(stderr(&output).contains(message), "{args:?}: {}", stderr(&output));
        assert!(!stderr(&output).contains("panicked"));
    }
    for name in ["a.pdf", "b.pdf", "c.pdf", "d.csv", "e.xlsx"] {
        assert!(!dir.path().join(name).exists(), "{name}");
    }
}

// ---- Writing from the command line: `signup` and `hours add`, one line per commit ----

fn stdout_lines(output: &Output) -> Vec<String> {
    String::from_utf8_lossy(&output.stdout).lines().map(str::to_string).collect()
}

#[test]
fn signup_reports_each_person_as_committed_and_goes_on_past_a_refusal() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("demo.db");
    assert!(cli(&db, &["demo", "--households", "100"]).status.success());
    let (activity, residents) = {
        let mut ledger = xinghe_ledger::Ledger::open(&db).unwrap();
        let input = xinghe_ledger::activities::ActivityInput {
            title: "剪纸课".into(),
            line: "其他".into(),
            date: (xinghe_ledger::values::dates::local_today() + chrono::Duration::days(7)).to_string(),
            start_time: "09:00".into(),
            end_time: "10:00".into(),
            capacity: Some(2),
            ..Default::default()
        };
        let activity = ledger.save_activity(&input).unwrap().to_string();
        let hits = stdout_json(&cli(&db, &["search", "王", "--json"]));
        let ids: Vec<String> = hits.as_array().unwrap().iter().take(3).map(|h| h["id"].to_string()).collect();
        (activity, ids)
    };
    let [a, b, c] = [&residents[0], &residents[1], &residents[2]];
    let args = ["signup", "--activity", &activity, "--resident", a, "--resident", b, "--resident", c];
    let output = cli(&db, &[&args[..], &["--resident", "999999"]].concat());
    assert_eq!(output.status.code(), Some(1), "one resident was refused");
    let lines = stdout_lines(&output);
    assert!(lines[0].starts_with("已报名：") && lines[1].starts_with("已报名："), "{lines:?}");
    assert!(lines[2].starts_with("已进入候补："), "{lines:?}");
    assert!(lines[3].contains("本次报名 2 人，候补 1 人，未能报名 1 人"), "{lines:?}");
    assert!(stderr(&output).contains("居民 999999：该居民不在册"), "{}", stderr(&output));

    // Again for the first one: refused, nothing printed as committed.
    let again = cli(&db, &["signup", "--activity", &activity, "--resident", a, "--json"]);
    assert_eq!(again.status.code(), Some(1));
    assert!(again.stdout.is_empty() && stderr(&again).contains("已经报名了“剪纸课”"), "{}", stderr(&again));

    // From a file, as JSON lines; a line that is not a number refuses the file before any write.
    let file = dir.path().join("ids.txt");
    std::fs::write(&file, "# 剪纸课\n\n12x\n").unwrap();
    let bad = cli(&db, &["signup", "--activity", &activity, "--residents-file", file.to_str().unwrap()]);
    assert_eq!(bad.status.code(), Some(1));
    assert!(stderr(&bad).contains("第 3 行“12x”不是居民编号"), "{}", stderr(&bad));
    let others = stdout_json(&cli(&db, &["search", "李", "--json"]));
    let id = others[0]["id"].as_i64().unwrap();
    std::fs::write(&file, format!("# 剪纸课\n\n{id}\n")).unwrap();
    let output = cli(&db, &["signup", "--activity", &activity, "--residents-file", file.to_str().unwrap(), "--json"]);
    assert!(output.status.success(), "{}", stderr(&output));
    let line: Value = serde_json::from_str(&stdout_lines(&output)[0]).unwrap();
    assert_eq!((line["committed"].as_str(), line["resident_id"].as_i64()), (Some("signup"), Some(id)));
    assert_eq!(line["status"], "waitlisted");
    let signups = stdout_json(&cli(&db, &["signups", "--activity", &activity, "--json"]));
    assert_eq!(signups.as_array().unwrap().len(), 4);
    assert_eq!(signups[3]["id"], line["signup_id"]);
}

#[test]
fn hours_add_records_one_entry_or_a_file_line_by_line() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("demo.db");
    assert!(cli(&db, &["demo", "--households", "100"]).status.success());
    let number = {
        let mut ledger = xinghe_ledger::Ledger::open(&db).unwrap();
        crate::support::organisation_volunteer(&mut ledger, "命令行志愿者", "2024-01-01")
    };
    let add = |extra: &[&str]| {
        let base = ["hours", "add", "--volunteer", &number, "--date", "2025-03-01", "--content", "夜间巡逻"];
        cli(&db, &[&base[..], extra].concat())
    };
    let output = add(&["--start", "22:00", "--end", "次日 01:30"]);
    assert!(output.status.success(), "{}", stderr(&output));
    let text = String::from_utf8_lossy(&output.stdout).into_owned();
    assert!(text.starts_with("已登记第 ") && text.contains("（待审核）"), "{text}");
    assert!(text.contains("2025-03-01 22:00–次日 01:30 夜间巡逻，3 小时 30 分"), "{text}");
    let overlap = add(&["--start", "23:00", "--end", "23:30"]);
    assert_eq!(overlap.status.code(), Some(1));
    assert!(stderr(&overlap).contains("时间重叠") && overlap.stdout.is_empty(), "{}", stderr(&overlap));

    // A file as Chinese Excel saves it (GBK), with a header; a refused line does not stop the rest.
    let csv = format!(
        "志愿者编号,服务日期,开始时间,结束时间,服务内容,服务地点\n\
         {number},2025-03-02,09:00,10:00,楼道清扫,1栋\n\
         {number},2025-03-02,09:30,10:30,楼道清扫,1栋\n\
         LH-99999,2025-03-02,09:00,10:00,楼道清扫\n\
         {number},2025-03-03,14:00,16:15,助老送餐\n"
    );
    let file = dir.path().join("时长.csv");
    std::fs::write(&file, encoding_rs::GBK.encode(&csv).0).unwrap();
    let output = cli(&db, &["hours", "add", "--file", file.to_str().unwrap(), "--json"]);
    assert_eq!(output.status.code(), Some(1));
    let lines: Vec<Value> = stdout_lines(&output).iter().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(lines.len(), 2, "{lines:?}");
    assert_eq!((lines[0]["date"].as_str(), lines[0]["minutes"].as_i64()), (Some("2025-03-02"), Some(60)));
    assert_eq!((lines[1]["date"].as_str(), lines[1]["minutes"].as_i64()), (Some("2025-03-03"), Some(135)));
    assert!(lines.iter().all(|l| l["committed"] == "hours" && l["volunteer"] == number.as_str()));
    let refused = stderr(&output);
    assert!(refused.contains("第 3 行：") && refused.contains("时间重叠"), "{refused}");
    assert!(refused.contains("第 4 行：没有编号为 LH-99999 的志愿者"), "{refused}");

    // Too few columns refuses the whole file before anything is written.
    std::fs::write(&file, format!("{number},2025-03-04,09:00,10:00,巡逻\n{number},2025-03-05,09:00\n")).unwrap();
    let short = cli(&db, &["hours", "add", "--file", file.to_str().unwrap()]);
    assert_eq!(short.status.code(), Some(1));
    assert!(stderr(&short).contains("第 2 行只有 3 列"), "{}", stderr(&short));
    let ledger = xinghe_ledger::Ledger::open(&db).unwrap();
    let entries = ledger.list_hours(&HoursFilter { query: number.clone(), ..Default::default() }).unwrap();
    assert_eq!(entries.len(), 3, "the night watch and two lines of the file");
}

/// Regression (issue 12): `xinghe-cli search 雷 --json | head` panicked ("failed printing to
/// stdout: Broken pipe") with a stack trace. A closed output now ends every command quietly, with
/// exit code 141 (128 + SIGPIPE, what cat or grep report there; not 0, because a writing command
/// stops at once and has not gone through all its input).
#[test]
fn search_into_a_closed_pipe_ends_quietly() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("demo.db");
    assert!(cli(&db, &["demo", "--households", "100"]).status.success());
    let commands: &[&[&str]] = &[
        &["search", "王", "--json"],
        &["search", "王"],
        &["stats"],
        &["stats", "--json"],
        &["check"],
        &["activities"],
        &["signups", "--activity", "1"],
        &["hours"],
        &["hours", "--json"],
        &["audit"],
        &["--help"],
    ];
    for args in commands {
        let mut child = Command::new(env!("CARGO_BIN_EXE_xinghe-cli"))
            .arg("--db")
            .arg(&db)
            .args(*args)
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        // The reader goes away before the command writes a line: its first write meets EPIPE.
        drop(child.stdout.take());
        let output = child.wait_with_output().unwrap();
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(!stderr.contains("panicked") && !stderr.contains("Broken pipe"), "{args:?}: {stderr}");
        assert!(stderr.is_empty(), "{args:?} ends quietly: {stderr}");
        if args[0] != "--help" {
            assert_eq!(output.status.code(), Some(141), "{args:?}");
        }
    }
}

/// A writing command whose reader goes away stops after the change it could not report: the
/// script reading its "committed" lines knows everything that was written.
#[test]
fn hours_add_into_a_closed_pipe_stops_after_the_first_commit() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("demo.db");
    assert!(cli(&db, &["demo", "--households", "100"]).status.success());
    let volunteer =
        stdout_json(&cli(&db, &["hours", "--json"]))["by_volunteer"][0]["number"].as_str().unwrap().to_string();
    let file = dir.path().join("时长.csv");
    // Early-morning service on the last five days: after any volunteer's joining, clear of the
    // demo's daytime hours.
    let today = xinghe_ledger::values::dates::local_now().date();
    let lines: String =
        (1..=5).map(|d| format!("{volunteer},{},05:00,05:30,楼道清扫\n", today - chrono::TimeDelta::days(d))).collect();
    std::fs::write(&file, lines).unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_xinghe-cli"))
        .arg("--db")
        .arg(&db)
        .args(["hours", "add", "--file", file.to_str().unwrap(), "--json"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let output = child.wait_with_output().unwrap();
    assert_eq!(output.status.code(), Some(141), "{}", stderr(&output));
    assert!(stderr(&output).is_empty(), "{}", stderr(&output));
    let recorded: i64 = rusqlite::Connection::open(&db)
        .unwrap()
        .query_row("SELECT count(*) FROM hour_entries WHERE start_time = '05:00'", [], |r| r.get(0))
        .unwrap();
    assert_eq!(recorded, 1, "one entry committed, then the command stopped");
}

// ---- Output paths: never the register, its SQLite files or its backups; never another file ----

/// A demo register named like a spreadsheet (`reg.xlsx`) and a copy named `reg.csv`, so that
/// `export --out` can name the register itself, with the ids the print commands need.
struct Writers {
    dir: tempfile::TempDir,
    activity: String,
    series: String,
    volunteer: String,
}

impl Writers {
    fn new() -> Writers {
        let dir = tempfile::tempdir().unwrap();
        let xlsx = dir.path().join("reg.xlsx");
        run_ok(&xlsx, &["demo", "--households", "100"]);
        std::fs::copy(&xlsx, dir.path().join("reg.csv")).unwrap();
        let activities = stdout_json(&cli(&xlsx, &["activities", "--json"]));
        let activities = activities.as_array().unwrap();
        let activity = activities[0]["id"].to_string();
        let series = activities.iter().find_map(|a| a["series_id"].as_i64()).unwrap().to_string();
        let hours = stdout_json(&cli(&xlsx, &["hours", "--json"]));
        let volunteer = hours["by_volunteer"][0]["number"].as_str().unwrap().to_string();
        Writers { dir, activity, series, volunteer }
    }

    fn path(&self, name: &str) -> std::path::PathBuf {
        self.dir.path().join(name)
    }

    /// Every command that writes a file: its name, the register it runs on, and its arguments
    /// up to `--out` (the path follows).
    fn commands(&self) -> Vec<(String, std::path::PathBuf, Vec<String>)> {
        let words = |w: &[&str]| w.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        let xlsx = self.path("reg.xlsx");
        vec![
            ("print roster".into(), xlsx.clone(), words(&["print", "roster"])),
            ("print sign-up".into(), xlsx.clone(), words(&["print", "sign-up", "--activity", &self.activity])),
            ("print sign-in".into(), xlsx.clone(), words(&["print", "sign-in", "--activity", &self.activity])),
            ("print attendance".into(), xlsx.clone(), words(&["print", "attendance", "--series", &self.series])),
            (
                "print certificate".into(),
                xlsx.clone(),
                words(&["print", "certificate", "--volunteer", &self.volunteer]),
            ),
            ("print hours".into(), xlsx.clone(), words(&["print", "hours"])),
            ("print care-list".into(), xlsx.clone(), words(&["print", "care-list"])),
            ("export residents .xlsx".into(), xlsx.clone(), words(&["export", "residents"])),
            ("export households .csv".into(), self.path("reg.csv"), words(&["export", "households"])),
            ("backup".into(), xlsx, words(&["backup"])),
        ]
    }

    /// Runs `command` onto `out` (with --force when asked) and expects a refusal that names
    /// `out` and says `says`; the register still opens, passes its check and has its data.
    fn refused(&self, (name, db, args): &(String, std::path::PathBuf, Vec<String>), out: &Path, says: &str) {
        let before = stdout_json(&cli(db, &["stats", "--json"]));
        for force in [false, true] {
            let mut args: Vec<&str> = args.iter().map(String::as_str).collect();
            args.extend(["--out", out.to_str().unwrap()]);
            if force {
                args.push("--force");
            }
            let output = cli(db, &args);
            let message = stderr(&output);
            assert_eq!(output.status.code(), Some(1), "{name} --force {force}: {message}");
            assert!(message.contains(&out.display().to_string()) && message.contains(says), "{name}: {message}");
            assert!(!message.contains("panicked"), "{name}: {message}");
            assert!(std::fs::read(db).unwrap().starts_with(b"SQLite format 3\0"), "{name}: the register was replaced");
            assert!(cli(db, &["check"]).status.success(), "{name}: the register fails its check");
            assert_eq!(stdout_json(&cli(db, &["stats", "--json"])), before, "{name}");
        }
    }
}

#[test]
fn printing_over_the_register_is_refused_and_the_register_still_opens() {
    let writers = Writers::new();
    for command in writers.commands() {
        let register = command.1.clone();
        writers.refused(&command, &register, "就是正在使用的台账数据库");
    }
}

#[test]
fn writing_through_a_symlink_to_the_register_is_refused() {
    let writers = Writers::new();
    for command in writers.commands() {
        let link = writers.path(&format!("link-{}", command.1.file_name().unwrap().to_string_lossy()));
        let _ = std::fs::remove_file(&link);
        std::os::unix::fs::symlink(&command.1, &link).unwrap();
        writers.refused(&command, &link, "就是正在使用的台账数据库");
        // A hard link is the same file too.
        let hard = writers.path(&format!("hard-{}", command.1.file_name().unwrap().to_string_lossy()));
        let _ = std::fs::remove_file(&hard);
        std::fs::hard_link(&command.1, &hard).unwrap();
        writers.refused(&command, &hard, "就是正在使用的台账数据库");
    }
}

#[test]
fn writing_to_another_spelling_of_the_register_path_is_refused() {
    let writers = Writers::new();
    std::fs::create_dir(writers.path("dir")).unwrap();
    for command in writers.commands() {
        let name = command.1.file_name().unwrap().to_string_lossy().into_owned();
        writers.refused(&command, &writers.path("dir").join("..").join(&name), "就是正在使用的台账数据库");
        writers.refused(&command, &writers.path(".").join(&name), "就是正在使用的台账数据库");
    }
}

#[test]
fn writing_onto_the_registers_wal_file_is_refused() {
    let writers = Writers::new();
    for command in writers.commands() {
        let mut wal = command.1.clone().into_os_string();
        wal.push("-wal");
        writers.refused(&command, Path::new(&wal), "SQLite 工作文件（-wal）");
        let mut journal = command.1.clone().into_os_string();
        journal.push("-JOURNAL");
        writers.refused(&command, Path::new(&journal), "SQLite 工作文件（-journal）");
    }
}

#[test]
fn writing_over_an_existing_backup_in_the_backup_folder_is_refused() {
    let writers = Writers::new();
    let backups = writers.path("backups");
    run_ok(&writers.path("reg.xlsx"), &["backup", "--out", backups.to_str().unwrap()]);
    let backup = std::fs::read_dir(&backups).unwrap().flatten().next().unwrap().path();
    let bytes = std::fs::read(&backup).unwrap();
    for command in writers.commands() {
        writers.refused(&command, &backup, "中已有的备份");
        assert_eq!(std::fs::read(&backup).unwrap(), bytes, "{}", command.0);
    }
}

#[test]
fn an_existing_file_needs_force() {
    let writers = Writers::new();
    for (name, db, args) in writers.commands() {
        let extension = if name.contains(".csv") {
            "csv"
        } else if name.contains(".xlsx") {
            "xlsx"
        } else if name == "backup" {
            "xinghe.db"
        } else {
            "pdf"
        };
        let out = writers.path(&format!("已有的文件.{extension}"));
        let mut args: Vec<&str> = args.iter().map(String::as_str).collect();
        args.extend(["--out", out.to_str().unwrap()]);
        if name == "backup" {
            // A backup replaces only an earlier backup of this register: make one.
            run_ok(&db, &args);
        } else {
            std::fs::write(&out, "别人的文件").unwrap();
        }
        let before = std::fs::read(&out).unwrap();
        let output = cli(&db, &args);
        let message = stderr(&output);
        assert_eq!(output.status.code(), Some(1), "{name}: {message}");
        assert!(message.contains(&out.display().to_string()) && message.contains("--force"), "{name}: {message}");
        assert_eq!(std::fs::read(&out).unwrap(), before, "{name}");

        let inode = || std::os::unix::fs::MetadataExt::ino(&std::fs::metadata(&out).unwrap());
        let old = inode();
        args.push("--force");
        run_ok(&db, &args);
        assert_ne!(inode(), old, "{name}: --force replaces the file");
        std::fs::remove_file(&out).unwrap();
    }
}

#[test]
fn backup_over_an_unrelated_file_is_refused_even_with_force() {
    let writers = Writers::new();
    let db = writers.path("reg.xlsx");
    let important = writers.path("important.xlsx");
    std::fs::write(&important, "重要的表格").unwrap();
    // Another register, and a backup of it: Xinghe files, but not this register's.
    let other = writers.path("other.db");
    drop(xinghe_ledger::Ledger::open(&other).unwrap());
    let other_backup = writers.path("other-backup.xinghe.db");
    run_ok(&other, &["backup", "--out", other_backup.to_str().unwrap()]);
    // A plain copy of this register is not a backup of it either.
    let copy = writers.path("copy.xinghe.db");
    std::fs::copy(&db, &copy).unwrap();
    for target in [&important, &other, &other_backup, &copy] {
        let before = std::fs::read(target).unwrap();
        let output = cli(&db, &["backup", "--out", target.to_str().unwrap(), "--force"]);
        let message = stderr(&output);
        assert_eq!(output.status.code(), Some(1), "{}: {message}", target.display());
        assert!(message.contains(&target.display().to_string()) && message.contains("不是本台账的备份"), "{message}");
        assert_eq!(std::fs::read(target).unwrap(), before, "{}", target.display());
    }
    let leftovers: Vec<_> = std::fs::read_dir(writers.dir.path())
        .unwrap()
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().contains(".tmp"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

// ---- Files the command line reads: encodings and sizes (issue 11) ----

/// A demo register with one new volunteer; returns (database, volunteer number).
fn register_with_volunteer(dir: &Path) -> (std::path::PathBuf, String) {
    let db = dir.join("demo.db");
    assert!(cli(&db, &["demo", "--households", "100"]).status.success());
    let mut ledger = xinghe_ledger::Ledger::open(&db).unwrap();
    let number = crate::support::organisation_volunteer(&mut ledger, "文件志愿者", "2024-01-01");
    (db, number)
}

/// Every hours entry in the register, as (volunteer number, content).
fn hours_contents(db: &Path) -> Vec<(String, String)> {
    let ledger = xinghe_ledger::Ledger::open(db).unwrap();
    let entries = ledger.list_hours(&HoursFilter::default()).unwrap();
    let mut contents: Vec<(String, String)> = entries.into_iter().map(|e| (e.number, e.content)).collect();
    contents.sort();
    contents
}

/// Found by attacking the register (issue 11): one damaged byte in a UTF-8 hours file made the
/// CLI read the whole file as GBK and commit garble into the append-only ledger ("楼道清扫" →
/// "妤奸亾娓呮壂"). Now the file is refused, naming it, the line and the byte offset, and
/// nothing is written; a genuine GBK file still works.
#[test]
fn a_utf8_hours_file_with_one_bad_byte_is_refused_naming_line_and_offset() {
    let dir = tempfile::tempdir().unwrap();
    let (db, number) = register_with_volunteer(dir.path());
    let before = hours_contents(&db);
    let text = format!(
        "志愿者编号,服务日期,开始时间,结束时间,服务内容\n\
         {number},2025-03-02,09:00,10:00,助老送餐\n\
         {number},2025-03-03,09:00,10:00,楼道清扫\n"
    );
    let mut bytes = text.as_bytes().to_vec();
    // The second byte of 楼 (E6 A5 BC) damaged: the sequence breaks where 楼 starts.
    let offset = text.find("楼道").unwrap();
    bytes[offset + 1] = 0xFF;
    let file = dir.path().join("时长.csv");
    std::fs::write(&file, &bytes).unwrap();
    let output = cli(&db, &["hours", "add", "--file", file.to_str().unwrap(), "--json"]);
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    assert!(output.stdout.is_empty(), "nothing committed: {}", String::from_utf8_lossy(&output.stdout));
    let message = stderr(&output);
    let expected = format!("文件 {} 第 3 行有无法识别的字节 0xE6（字节偏移 {offset}，", file.display());
    assert!(message.contains(&expected), "{message}");
    assert!(
        message.contains("文件是 UTF-8 编码，但这里的字节已损坏") && message.contains("没有写入任何内容"),
        "{message}"
    );
    assert!(!message.contains("panicked"));
    assert_eq!(hours_contents(&db), before, "not even the good first line was written");

    // The same list read from a residents file for a sign-up: refused the same way.
    let ids = dir.path().join("居民.txt");
    std::fs::write(&ids, [&b"# \xE5\x89\xAA\xFF\xE7\xBA\xB8\n"[..], b"1\n"].concat()).unwrap();
    let signup = cli(&db, &["signup", "--activity", "1", "--residents-file", ids.to_str().unwrap()]);
    assert_eq!(signup.status.code(), Some(1));
    assert!(stderr(&signup).contains("第 1 行有无法识别的字节"), "{}", stderr(&signup));

    // A genuine GBK file, as Chinese Excel saves it, is still read.
    std::fs::write(&file, encoding_rs::GBK.encode(&text).0).unwrap();
    let output = cli(&db, &["hours", "add", "--file", file.to_str().unwrap()]);
    assert!(output.status.success(), "{}", stderr(&output));
    let mut expected = before.clone();
    expected.push((number.clone(), "助老送餐".into()));
    expected.push((number.clone(), "楼道清扫".into()));
    expected.sort();
    assert_eq!(hours_contents(&db), expected);
}

/// Found by attacking the register (issue 11): `hours add --file /dev/zero` read without limit
/// until memory ran out. Every file the CLI reads is now limited while it is read (a device or
/// a pipe has no size to check first); a pipe within the limit is still read.
#[test]
fn hours_from_dev_zero_are_refused_at_the_size_limit() {
    let dir = tempfile::tempdir().unwrap();
    let (db, number) = register_with_volunteer(dir.path());
    let before = hours_contents(&db);
    // Within 1 GB of address space: the old unbounded read fails here at once.
    let limited = |args: &[&str]| {
        Command::new("sh")
            .args(["-c", "ulimit -v 1048576 && exec \"$0\" \"$@\""])
            .arg(env!("CARGO_BIN_EXE_xinghe-cli"))
            .arg("--db")
            .arg(&db)
            .args(args)
            .output()
            .unwrap()
    };
    for args in
        [&["hours", "add", "--file", "/dev/zero"][..], &["signup", "--activity", "1", "--residents-file", "/dev/zero"]]
    {
        let output = limited(args);
        assert_eq!(output.status.code(), Some(1), "{args:?}: {}", stderr(&output));
        let message = stderr(&output);
        assert!(message.contains("文件 /dev/zero 的内容超过上限 100 MB，没有写入任何内容"), "{message}");
    }
    assert_eq!(hours_contents(&db), before);

    // A pipe (here stdin) within the limit is read as a file is.
    let mut child = Command::new(env!("CARGO_BIN_EXE_xinghe-cli"))
        .arg("--db")
        .arg(&db)
        .args(["hours", "add", "--file", "/dev/stdin"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    use std::io::Write;
    child
        .stdin
        .take()
        .unwrap()
        .write_all(format!("{number},2025-03-04,09:00,10:00,管道送来的时长\n").as_bytes())
        .unwrap();
    let output = child.wait_with_output().unwrap();
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(hours_contents(&db).contains(&(number, "管道送来的时长".to_string())));
}
