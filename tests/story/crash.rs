//! Crash safety: `xinghe-cli` is killed with SIGKILL at random moments while it imports a
//! register file of 3,000 rows, signs residents up one by one and records hours one by one.
//! After every kill the database must pass `check`, hold every change the CLI reported as
//! committed, and hold nothing half applied: an import is there completely or not at all, a
//! loop has committed exactly the lines it reported (plus at most the one in flight), and each
//! hours entry has its history row.
//!
//! Short by default (20 kills, for CI). The full run, figures in docs/reliability.md:
//! `XINGHE_CRASH_KILLS=200 cargo test -p xinghe-cli --test story -- crash:: --nocapture`;
//! `XINGHE_CRASH_SEED=N` replays one run.

use rusqlite::Connection;
use serde_json::Value;
use std::collections::HashSet;
use std::io::Read;
use std::os::unix::process::ExitStatusExt;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};
use xinghe_ledger::activities::ActivityInput;
use xinghe_ledger::values::idcard::check_character;
use xinghe_ledger::Ledger;

const DEFAULT_KILLS: usize = 20;
const IMPORT_ROWS: usize = 3_000;
const SIGNUP_COUNT_PER_ROUND: usize = 400;
const HOURS_PER_ROUND: usize = 300;

fn cli(db: &Path) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_xinghe-cli"));
    command.arg("--db").arg(db).env_remove("XINGHE_DB");
    command
}

/// How one run of the CLI ended: what it printed up to then, and how it ended.
struct Run {
    stdout: String,
    stderr: String,
    status: ExitStatus,
    took: Duration,
}

impl Run {
    /// True when our SIGKILL ended the process (not a normal exit before the kill came).
    fn killed(&self) -> bool {
        self.status.signal() == Some(9)
    }

    /// The JSON lines the CLI finished writing: each one a change already committed.
    fn committed(&self) -> Vec<Value> {
        let complete = &self.stdout[..self.stdout.rfind('\n').map_or(0, |i| i + 1)];
        complete
            .lines()
            .map(|line| serde_json::from_str(line).unwrap_or_else(|e| panic!("not a JSON line {line:?}: {e}")))
            .collect()
    }
}

/// Runs the CLI and, when `kill_after` is given, sends it SIGKILL after that long. Output is
/// read on threads, so what was written before the kill is kept and the pipes never fill.
fn run(mut command: Command, kill_after: Option<Duration>) -> Run {
    let started = Instant::now();
    let mut child = command.stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().expect("xinghe-cli starts");
    let reader = |mut pipe: Box<dyn Read + Send>| {
        std::thread::spawn(move || {
            let mut text = String::new();
            pipe.read_to_string(&mut text).unwrap();
            text
        })
    };
    let stdout = reader(Box::new(child.stdout.take().unwrap()));
    let stderr = reader(Box::new(child.stderr.take().unwrap()));
    if let Some(delay) = kill_after {
        std::thread::sleep(delay);
        // Rust's Child::kill is SIGKILL on Unix; a process that already ended is only reaped.
        let _ = child.kill();
    }
    let status = child.wait().unwrap();
    let took = started.elapsed();
    Run { stdout: stdout.join().unwrap(), stderr: stderr.join().unwrap(), status, took }
}

/// `xinghe-cli check --json` after the kill: exit 0 and healthy.
fn assert_healthy(db: &Path, context: &str) {
    let mut command = cli(db);
    command.args(["check", "--json"]);
    let check = run(command, None);
    assert!(check.status.success(), "{context}: check failed: {}{}", check.stdout, check.stderr);
    let report: Value = serde_json::from_str(&check.stdout).unwrap();
    assert_eq!(report["healthy"], true, "{context}: {report}");
    assert_eq!(report["integrity"], serde_json::json!(["ok"]), "{context}");
    assert_eq!(report["foreign_key_violations"], 0, "{context}");
}

fn count(conn: &Connection, sql: &str) -> i64 {
    conn.query_row(sql, [], |r| r.get(0)).unwrap()
}

fn demo_database(path: &Path, households: u32, seed: u64) {
    Ledger::open(path).unwrap().create_demo(households, seed).unwrap();
}

#[derive(Default)]
struct PhaseFigures {
    kills: usize,
    finished_before_kill: usize,
    /// Changes the CLI reported as committed before it was killed, all found afterwards.
    reported: usize,
    /// Kills that landed after a commit and before its line was written: found, not reported.
    in_flight_committed: usize,
    /// Imports: how many kills found the file fully imported / not at all.
    imports_complete: usize,
    imports_absent: usize,
}

// ---- (a) imports: all or nothing ----

struct ImportPhase {
    db: PathBuf,
    dir: PathBuf,
    round: usize,
    /// Residents, households, buildings and units one complete import adds.
    delta: Option<[i64; 4]>,
    committed_rounds: i64,
    base: [i64; 4],
    calibrated: Duration,
}

const IMPORT_REGION: &str = "110101";

fn import_totals(conn: &Connection) -> [i64; 4] {
    [
        count(conn, "SELECT count(*) FROM residents"),
        count(conn, "SELECT count(*) FROM households"),
        count(conn, "SELECT count(*) FROM buildings"),
        count(conn, "SELECT count(*) FROM units"),
    ]
}

/// A register of `IMPORT_ROWS` new residents in new buildings: three to a household, valid ID
/// numbers that no other round (nor the demo) uses.
fn register_file(dir: &Path, round: usize, rng: &mut fastrand::Rng) -> (PathBuf, Vec<String>) {
    let surnames = ["王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "曹", "孔"];
    let given = ["建国", "秀英", "志刚", "桂英", "伟", "芳", "𠇔", "堃", "喆", "丽", "强", "敏"];
    let relations = ["户主", "配偶", "子"];
    let mut csv = String::from("所属网格,楼号,单元,门牌号,姓名,与户主关系,公民身份号码\n");
    let mut ids = Vec::with_capacity(IMPORT_ROWS);
    let born_from = chrono::NaiveDate::from_ymd_opt(1940, 1, 1).unwrap();
    for i in 0..IMPORT_ROWS {
        let g = round * IMPORT_ROWS + i;
        let household = i / 3;
        let building = 100 + round * 100 + household / 24;
        let (unit, room) = (household / 12 % 2 + 1, household % 12 / 2 * 100 + 101 + household % 2);
        let born = born_from + chrono::Duration::days((g / 450) as i64);
        let first17 = format!("{IMPORT_REGION}{}{:03}", born.format("%Y%m%d"), g % 450 * 2 + 1);
        let id = format!("{first17}{}", check_character(first17.as_bytes()));
        let name = format!("{}{}", surnames[rng.usize(..surnames.len())], given[rng.usize(..given.len())]);
        csv.push_str(&format!("第九网格,{building}栋,{unit}单元,{room},{name},{},{id}\n", relations[i % 3]));
        ids.push(id);
    }
    let path = dir.join(format!("register-{round}.csv"));
    std::fs::write(&path, csv).unwrap();
    (path, ids)
}

impl ImportPhase {
    fn new(dir: &Path) -> ImportPhase {
        let db = dir.join("import.db");
        demo_database(&db, 60, 1);
        let base = import_totals(&Connection::open(&db).unwrap());
        ImportPhase {
            db,
            dir: dir.to_path_buf(),
            round: 0,
            delta: None,
            committed_rounds: 0,
            base,
            calibrated: Duration::ZERO,
        }
    }

    fn command(&self, file: &Path) -> Command {
        let mut command = cli(&self.db);
        command.arg("import").arg(file).arg("--json");
        command
    }

    /// One uncut import: it must succeed, and tells how long an import takes and what it adds.
    fn calibrate(&mut self, rng: &mut fastrand::Rng) {
        let (file, _) = register_file(&self.dir, self.round, rng);
        self.round += 1;
        let done = run(self.command(&file), None);
        assert!(done.status.success(), "uncut import: {}", done.stderr);
        let report: Value = serde_json::from_str(&done.stdout).unwrap();
        assert_eq!(report["residents_created"], IMPORT_ROWS as u64, "{}", done.stdout);
        let after = import_totals(&Connection::open(&self.db).unwrap());
        self.delta = Some(std::array::from_fn(|i| after[i] - self.base[i]));
        self.committed_rounds = 1;
        self.calibrated = done.took;
    }

    fn kill_round(&mut self, rng: &mut fastrand::Rng, figures: &mut PhaseFigures) -> bool {
        let (file, ids) = register_file(&self.dir, self.round, rng);
        self.round += 1;
        // Half the kills anywhere, half near the end where the commit is: both outcomes occur.
        let at = if rng.bool() { rng.f64() } else { 0.9 + 0.2 * rng.f64() };
        let delay = self.calibrated.mul_f64(at);
        let ended = run(self.command(&file), Some(delay));
        let context = format!("import round {} killed after {delay:?}", self.round);
        assert_healthy(&self.db, &context);
        let conn = Connection::open(&self.db).unwrap();
        let mut stmt = conn.prepare("SELECT id_number FROM residents WHERE id_number LIKE '110101%'").unwrap();
        let stored: HashSet<String> = stmt.query_map([], |r| r.get(0)).unwrap().map(Result::unwrap).collect();
        let present = ids.iter().filter(|id| stored.contains(*id)).count();
        assert!(present == 0 || present == ids.len(), "{context}: {present} of {} rows present", ids.len());
        if !ended.killed() {
            assert!(ended.status.success(), "{context}: {}", ended.stderr);
            assert_eq!(present, ids.len(), "{context}: the import finished, so every row is there");
        } else if ended.stdout.contains("residents_created") {
            assert_eq!(present, ids.len(), "{context}: the report was printed, so every row is there");
        }
        if present > 0 {
            self.committed_rounds += 1;
        }
        // Nothing else moved: no empty household, building or unit from a rolled-back import.
        let delta = self.delta.unwrap();
        let expected: [i64; 4] = std::array::from_fn(|i| self.base[i] + self.committed_rounds * delta[i]);
        assert_eq!(import_totals(&conn), expected, "{context}: residents, households, buildings, units");
        if !ended.killed() {
            figures.finished_before_kill += 1;
            self.calibrated = self.calibrated.min(ended.took);
            return false;
        }
        figures.kills += 1;
        if present > 0 {
            figures.imports_complete += 1;
            if !ended.stdout.contains("residents_created") {
                figures.in_flight_committed += 1;
            }
        } else {
            figures.imports_absent += 1;
        }
        true
    }
}

// ---- (b) sign-up loops and (c) hours loops: exactly what was reported, plus at most one ----

/// Checks a loop that was killed: the rows it wrote, in order, are exactly the first lines of
/// its input; every reported line is among them; at most one (the one in flight) is unreported.
fn check_prefix(context: &str, written: usize, reported: usize, figures: &mut PhaseFigures) {
    assert!(
        written == reported || written == reported + 1,
        "{context}: {reported} changes reported as committed, {written} found"
    );
    figures.reported += reported;
    if written == reported + 1 {
        figures.in_flight_committed += 1;
    }
}

struct SignupPhase {
    db: PathBuf,
    dir: PathBuf,
    residents: Vec<i64>,
    round: usize,
    calibrated: Duration,
}

impl SignupPhase {
    fn new(dir: &Path) -> SignupPhase {
        let db = dir.join("signups.db");
        demo_database(&db, 200, 2);
        let conn = Connection::open(&db).unwrap();
        let mut stmt = conn
            .prepare("SELECT id FROM residents WHERE moved_out_on IS NULL AND died_on IS NULL ORDER BY id")
            .unwrap();
        let residents: Vec<i64> = stmt.query_map([], |r| r.get(0)).unwrap().map(Result::unwrap).collect();
        assert!(residents.len() >= SIGNUP_COUNT_PER_ROUND, "{} residents", residents.len());
        SignupPhase { db, dir: dir.to_path_buf(), residents, round: 0, calibrated: Duration::ZERO }
    }

    /// A new session with room for some, and the residents who will sign up, in order.
    fn prepare(&mut self, rng: &mut fastrand::Rng) -> (i64, i64, Vec<i64>, PathBuf) {
        self.round += 1;
        let capacity = rng.i64(20..200);
        let date = (xinghe_ledger::values::dates::local_today() + chrono::Duration::days(30)).to_string();
        let input = ActivityInput {
            title: format!("崩溃测试活动 第{}场", self.round),
            line: "其他".into(),
            date,
            start_time: "09:00".into(),
            end_time: "10:30".into(),
            capacity: Some(capacity),
            ..Default::default()
        };
        let activity = Ledger::open(&self.db).unwrap().save_activity(&input).unwrap();
        let mut residents = self.residents.clone();
        rng.shuffle(&mut residents);
        residents.truncate(SIGNUP_COUNT_PER_ROUND);
        let file = self.dir.join(format!("residents-{}.txt", self.round));
        let lines: Vec<String> = residents.iter().map(i64::to_string).collect();
        std::fs::write(&file, lines.join("\n")).unwrap();
        (activity, capacity, residents, file)
    }

    fn command(&self, activity: i64, file: &Path) -> Command {
        let mut command = cli(&self.db);
        command.args(["signup", "--activity", &activity.to_string(), "--json", "--residents-file"]).arg(file);
        command
    }

    fn calibrate(&mut self, rng: &mut fastrand::Rng) {
        let (activity, capacity, residents, file) = self.prepare(rng);
        let done = run(self.command(activity, &file), None);
        assert!(done.status.success(), "uncut sign-ups: {}", done.stderr);
        let mut figures = PhaseFigures::default();
        self.check(activity, capacity, &residents, &done, "uncut sign-ups", &mut figures);
        assert_eq!(figures.reported, residents.len());
        self.calibrated = done.took;
    }

    fn check(
        &self,
        activity: i64,
        capacity: i64,
        residents: &[i64],
        ended: &Run,
        context: &str,
        figures: &mut PhaseFigures,
    ) {
        let conn = Connection::open(&self.db).unwrap();
        let mut stmt =
            conn.prepare("SELECT id, resident_id, status FROM signups WHERE activity_id = ?1 ORDER BY id").unwrap();
        let rows: Vec<(i64, i64, String)> = stmt
            .query_map([activity], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
            .unwrap()
            .map(Result::unwrap)
            .collect();
        let reported = ended.committed();
        for (line, row) in reported.iter().zip(&rows) {
            assert_eq!(line["committed"], "signup", "{context}");
            assert_eq!(line["signup_id"], row.0, "{context}: reported {line}, stored {row:?}");
            assert_eq!(line["resident_id"], row.1, "{context}: reported {line}, stored {row:?}");
            assert_eq!(line["status"], row.2.as_str(), "{context}: reported {line}, stored {row:?}");
        }
        check_prefix(context, rows.len(), reported.len(), figures);
        // In order of arrival: the residents of the file, first come first registered.
        for (i, row) in rows.iter().enumerate() {
            assert_eq!(row.1, residents[i], "{context}: sign-up {i} is not the file's line {i}");
            let expected = if (i as i64) < capacity { "registered" } else { "waitlisted" };
            assert_eq!(row.2, expected, "{context}: sign-up {i} with capacity {capacity}");
        }
    }

    fn kill_round(&mut self, rng: &mut fastrand::Rng, figures: &mut PhaseFigures) -> bool {
        let (activity, capacity, residents, file) = self.prepare(rng);
        let delay = self.calibrated.mul_f64(rng.f64() * 0.95);
        let ended = run(self.command(activity, &file), Some(delay));
        let context = format!("sign-up round {} killed after {delay:?}", self.round);
        assert_healthy(&self.db, &context);
        if !ended.killed() {
            // Finished before the kill: complete, and faster than the uncut run; aim the next
            // kills within this one's time.
            assert!(ended.status.success(), "{context}: {}", ended.stderr);
            self.check(activity, capacity, &residents, &ended, &context, &mut PhaseFigures::default());
            figures.finished_before_kill += 1;
            self.calibrated = self.calibrated.min(ended.took);
            return false;
        }
        self.check(activity, capacity, &residents, &ended, &context, figures);
        figures.kills += 1;
        true
    }
}

struct HoursPhase {
    db: PathBuf,
    dir: PathBuf,
    volunteers: Vec<String>,
    /// Slots handed out so far: each line of each round gets its own hour, so no two overlap.
    next_slot: usize,
    round: usize,
    calibrated: Duration,
}

struct HoursLine {
    volunteer: String,
    date: String,
    start: String,
    end: String,
    content: String,
}

impl HoursPhase {
    fn new(dir: &Path) -> HoursPhase {
        let db = dir.join("hours.db");
        demo_database(&db, 120, 3);
        // Volunteers of a partner organisation since 2019, so every slot from 2020 on is open.
        let mut ledger = Ledger::open(&db).unwrap();
        let volunteers: Vec<String> = (1..=30)
            .map(|i| crate::support::organisation_volunteer(&mut ledger, &format!("崩溃测试志愿者{i}"), "2019-01-01"))
            .collect();
        HoursPhase { db, dir: dir.to_path_buf(), volunteers, next_slot: 0, round: 0, calibrated: Duration::ZERO }
    }

    fn prepare(&mut self) -> (Vec<HoursLine>, PathBuf) {
        self.round += 1;
        let first_day = chrono::NaiveDate::from_ymd_opt(2020, 1, 1).unwrap();
        let v = self.volunteers.len();
        let mut lines = Vec::with_capacity(HOURS_PER_ROUND);
        let mut csv = String::from("志愿者编号,服务日期,开始时间,结束时间,服务内容\n");
        for i in 0..HOURS_PER_ROUND {
            let k = self.next_slot + i;
            let (volunteer, slot) = (&self.volunteers[k % v], k / v);
            let date = first_day + chrono::Duration::days((slot / 12) as i64);
            let hour = 7 + slot % 12;
            let line = HoursLine {
                volunteer: volunteer.clone(),
                date: date.to_string(),
                start: format!("{hour:02}:00"),
                end: format!("{hour:02}:45"),
                content: format!("崩溃测试 第{}轮 第{i}条", self.round),
            };
            csv.push_str(&format!("{},{},{},{},{}\n", line.volunteer, line.date, line.start, line.end, line.content));
            lines.push(line);
        }
        self.next_slot += HOURS_PER_ROUND;
        let file = self.dir.join(format!("hours-{}.csv", self.round));
        std::fs::write(&file, csv).unwrap();
        (lines, file)
    }

    fn command(&self, file: &Path) -> Command {
        let mut command = cli(&self.db);
        command.args(["hours", "add", "--json", "--file"]).arg(file);
        command
    }

    fn calibrate(&mut self) {
        let (lines, file) = self.prepare();
        let done = run(self.command(&file), None);
        assert!(done.status.success(), "uncut hours: {}", done.stderr);
        let mut figures = PhaseFigures::default();
        self.check(&lines, &done, "uncut hours", &mut figures);
        assert_eq!(figures.reported, lines.len());
        self.calibrated = done.took;
    }

    fn check(&self, lines: &[HoursLine], ended: &Run, context: &str, figures: &mut PhaseFigures) {
        let conn = Connection::open(&self.db).unwrap();
        let mut stmt = conn
            .prepare(
                "SELECT e.id, v.number, e.date, e.start_time, e.end_time, e.content, e.status,
                        (SELECT count(*) FROM hour_entry_events h WHERE h.entry_id = e.id AND h.action = '登记'),
                        (SELECT count(*) FROM hour_entry_events h WHERE h.entry_id = e.id)
                 FROM hour_entries e JOIN volunteers v ON v.id = e.volunteer_id
                 WHERE e.content LIKE ?1 ORDER BY e.id",
            )
            .unwrap();
        type Stored = (i64, String, String, String, String, String, String, i64, i64);
        let rows: Vec<Stored> = stmt
            .query_map([format!("崩溃测试 第{}轮 %", self.round)], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?, r.get(6)?, r.get(7)?, r.get(8)?))
            })
            .unwrap()
            .map(Result::unwrap)
            .collect();
        let reported = ended.committed();
        for (line, row) in reported.iter().zip(&rows) {
            assert_eq!(line["committed"], "hours", "{context}");
            assert_eq!(line["entry_id"], row.0, "{context}: reported {line}, stored {row:?}");
            assert_eq!(line["volunteer"], row.1.as_str(), "{context}: reported {line}, stored {row:?}");
            assert_eq!(line["minutes"], 45, "{context}: {line}");
        }
        check_prefix(context, rows.len(), reported.len(), figures);
        for (i, row) in rows.iter().enumerate() {
            let line = &lines[i];
            let stored = (&row.1, &row.2, &row.3, &row.4, &row.5);
            assert_eq!(stored, (&line.volunteer, &line.date, &line.start, &line.end, &line.content), "{context}: {i}");
            assert_eq!(row.6, "待审核", "{context}: entry {}", row.0);
            // Half applied would be an entry without its history row (or one with two).
            assert_eq!((row.7, row.8), (1, 1), "{context}: entry {} has {} events", row.0, row.8);
        }
        // Nor a history row whose entry was lost.
        let orphans = count(
            &conn,
            "SELECT count(*) FROM hour_entry_events h LEFT JOIN hour_entries e ON e.id = h.entry_id WHERE e.id IS NULL",
        );
        assert_eq!(orphans, 0, "{context}");
    }

    fn kill_round(&mut self, rng: &mut fastrand::Rng, figures: &mut PhaseFigures) -> bool {
        let (lines, file) = self.prepare();
        let delay = self.calibrated.mul_f64(rng.f64() * 0.95);
        let ended = run(self.command(&file), Some(delay));
        let context = format!("hours round {} killed after {delay:?}", self.round);
        assert_healthy(&self.db, &context);
        if !ended.killed() {
            // Finished before the kill: complete, and faster than the uncut run; aim the next
            // kills within this one's time.
            assert!(ended.status.success(), "{context}: {}", ended.stderr);
            self.check(&lines, &ended, &context, &mut PhaseFigures::default());
            figures.finished_before_kill += 1;
            self.calibrated = self.calibrated.min(ended.took);
            return false;
        }
        self.check(&lines, &ended, &context, figures);
        figures.kills += 1;
        true
    }
}

fn env_number(name: &str) -> Option<u64> {
    let value = std::env::var(name).ok()?;
    Some(value.trim().parse().unwrap_or_else(|_| panic!("{name}={value:?} is not a number")))
}

#[test]
fn sigkill_at_random_moments_never_loses_a_committed_change_nor_leaves_half_of_one() {
    let kills = env_number("XINGHE_CRASH_KILLS").map_or(DEFAULT_KILLS, |n| n as usize);
    let seed = env_number("XINGHE_CRASH_SEED").unwrap_or(20261129);
    let mut rng = fastrand::Rng::with_seed(seed);
    let started = Instant::now();
    let dir = tempfile::tempdir().unwrap();

    let mut imports = ImportPhase::new(dir.path());
    let mut signups = SignupPhase::new(dir.path());
    let mut hours = HoursPhase::new(dir.path());
    imports.calibrate(&mut rng);
    signups.calibrate(&mut rng);
    hours.calibrate();
    let calibrated = [imports.calibrated, signups.calibrated, hours.calibrated];

    let mut figures: [PhaseFigures; 3] = Default::default();
    let mut delivered = 0;
    let mut attempts = 0;
    while delivered < kills {
        attempts += 1;
        assert!(attempts <= kills * 3, "too many runs finished before the kill came: {attempts} runs");
        let phase = delivered % 3;
        let landed = match phase {
            0 => imports.kill_round(&mut rng, &mut figures[0]),
            1 => signups.kill_round(&mut rng, &mut figures[1]),
            _ => hours.kill_round(&mut rng, &mut figures[2]),
        };
        if landed {
            delivered += 1;
        }
    }
    // Every phase's database still opens, passes check and gives its figures.
    for db in [&imports.db, &signups.db, &hours.db] {
        assert_healthy(db, "at the end");
        let mut command = cli(db);
        command.args(["stats", "--json"]);
        assert!(run(command, None).status.success());
    }

    let took = started.elapsed();
    let names = ["import (3,000 rows)", "sign-up loop", "hours loop"];
    println!("seed {seed}: {delivered} kills in {:.1} s, all healthy", took.as_secs_f64());
    println!("| phase | uncut run | kills | reported changes found | committed, not yet reported | finished first |");
    for (i, f) in figures.iter().enumerate() {
        let outcome = if i == 0 {
            format!("complete {} / absent {}", f.imports_complete, f.imports_absent)
        } else {
            f.reported.to_string()
        };
        println!(
            "| {} | {:.2} s | {} | {outcome} | {} | {} |",
            names[i],
            calibrated[i].as_secs_f64(),
            f.kills,
            f.in_flight_committed,
            f.finished_before_kill
        );
    }
    assert_eq!(figures.iter().map(|f| f.kills).sum::<usize>(), kills);
    // Kills must land inside the work, not all before the first commit.
    if kills >= 9 {
        assert!(figures[1].reported > 0 && figures[2].reported > 0, "no kill landed after a commit");
    }
}

#[test]
fn a_line_cut_by_the_kill_is_not_read_as_committed() {
    let status = Command::new("true").status().unwrap();
    let run = Run {
        stdout: "{\"committed\":\"signup\",\"signup_id\":1}\n{\"committed\":\"sig".into(),
        stderr: String::new(),
        status,
        took: Duration::ZERO,
    };
    let lines = run.committed();
    assert_eq!(lines.len(), 1);
    assert_eq!(lines[0]["signup_id"], 1);
}
