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
