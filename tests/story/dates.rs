//! Story: the office's date-sensitive work on a spread of days — month ends, the last day of
//! the year and the first of the next, 28 and 29 February, and 2026-12-07, the day the e2e
//! care fixture collided with the demo's hours. For each day the demo register is built with
//! that day as "today" (the demo places its classes, visits and hours relative to it) and the
//! end-to-end fixtures (tests/e2e/fixtures.rs, the same code) are built on it; then the steps
//! the e2e tests take in the window are walked through the core: hours on the last days, a
//! service done from the care list giving hours, milestones ticked, the dashboard's month
//! figures, the overdue list and the 80+ count, each checked against a count made here.

#[path = "../e2e/fixtures.rs"]
mod fixtures;

use chrono::{Datelike, NaiveDate};
use fixtures::{days_after, days_before, open_on};
use std::path::Path;
use xinghe_ledger::hours::{HourEntryInput, HoursFilter, HoursReview};
use xinghe_ledger::projects::{MilestoneInput, ProjectInput};
use xinghe_ledger::register::model::ResidentInput;
use xinghe_ledger::services::{ServiceDoneInput, ServiceInput};
use xinghe_ledger::volunteers::{OrganisationInput, VolunteerInput};
use xinghe_ledger::Ledger;

/// Month ends (31 and 30 days), the year's end and start, a common and a leap February's
/// last day, and the day the e2e suite failed.
const DAYS: &[&str] =
    &["2026-12-07", "2026-12-31", "2027-01-01", "2027-01-31", "2027-02-28", "2027-04-30", "2028-02-29"];

fn day(text: &str) -> NaiveDate {
    NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap()
}

/// Runs `walk` for every day of `DAYS` on a fresh file, naming the day when it fails.
fn on_every_day(walk: impl Fn(&Path, NaiveDate)) {
    for text in DAYS {
        let dir = tempfile::tempdir().unwrap();
        let today = day(text);
        let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| walk(&dir.path().join("day.db"), today)));
        if let Err(panic) = result {
            eprintln!("— on {text}");
            std::panic::resume_unwind(panic);
        }
    }
}

/// Full years on `today`, counted here rather than by the core (29 February birthdays come
/// of age on 1 March in common years).
fn age(born: NaiveDate, today: NaiveDate) -> i32 {
    let had_birthday = (today.month(), today.day()) >= (born.month(), born.day());
    today.year() - born.year() - i32::from(!had_birthday)
}

/// "2027-02" for the month `back` months before `today`'s.
fn month_before(today: NaiveDate, back: i32) -> String {
    let index = today.year() * 12 + today.month() as i32 - 1 - back;
    format!("{}-{:02}", index.div_euclid(12), index.rem_euclid(12) + 1)
}

fn sql(db: &Path) -> rusqlite::Connection {
    rusqlite::Connection::open(db).unwrap()
}

#[test]
fn the_care_fixture_never_overlaps_the_demo_hours_on_any_day() {
    on_every_day(|db, today| {
        // Panicked with "与已登记的第 11 条…时间重叠" on 2026-12-07 when it reused demo volunteers.
        let fixture = fixtures::care_fixture(db, today);
        let mut ledger = open_on(db, today);
        let (yesterday, this_month) = (days_before(today, 1), month_before(today, 0));

        // The start page: this month and the five before it, this month last, the fixture's hours in it.
        let board = ledger.dashboard().unwrap();
        assert_eq!(board.today, today.to_string());
        let months: Vec<String> = board.hours_by_month.iter().map(|m| m.month.clone()).collect();
        assert_eq!(months, (0..6).rev().map(|back| month_before(today, back)).collect::<Vec<_>>());
        assert_eq!(board.hours_by_month[5].label, format!("{}月", today.month()));
        let db_sql = sql(db);
        for month in &board.hours_by_month {
            let confirmed: i64 = db_sql
                .query_row(
                    "SELECT coalesce(sum(minutes), 0) FROM hour_entries WHERE status = '已确认' AND substr(date, 1, 7) = ?1",
                    [&month.month],
                    |r| r.get(0),
                )
                .unwrap();
            assert_eq!(month.minutes, confirmed, "{}", month.month);
        }
        assert!(board.hours_by_month[5].minutes >= fixture.minutes_this_month);
        assert_eq!(fixture.minutes_this_month, if today.day() > 3 { 270 } else { 0 });
        // This month's activities, counted from the list between its first and last day.
        assert_eq!(board.month.label, format!("{}年{}月", today.year(), today.month()));
        let first = format!("{this_month}-01");
        let last = (1..=31)
            .rev()
            .map(|d| format!("{this_month}-{d:02}"))
            .find(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").is_ok());
        let in_month = ledger
            .list_activities(&xinghe_ledger::activities::ActivityFilter {
                from: Some(first),
                to: last,
                ..Default::default()
            })
            .unwrap();
        assert_eq!(board.month.activities, in_month.len() as i64);
        assert_eq!(board.month.signups, in_month.iter().map(|a| i64::from(a.registered)).sum::<i64>());
        assert_eq!(board.month.attended, in_month.iter().map(|a| i64::from(a.attended)).sum::<i64>());
        let held: i64 = in_month.iter().filter(|a| a.date < today.to_string()).map(|a| i64::from(a.registered)).sum();
        assert_eq!(board.month.held_signups, held);
        assert_eq!(board.pending_hours, fixture.dashboard.pending_hours);
        assert!(board.late_milestones.iter().any(|m| m.project == fixture.late_project));
        assert!(board.overdue_visits.iter().any(|h| h.address == fixture.address));

        // 关爱走访: a new visit planned with the volunteer, then the open repair done yesterday
        // morning, which gives the volunteer sent one pending entry of 90 minutes.
        let care = ledger.care_list(None).unwrap();
        let row = care.households.iter().find(|h| h.household_id == fixture.household).unwrap();
        assert_eq!(row.days_since, None, "never visited before");
        ledger
            .save_service(&ServiceInput {
                household_id: fixture.household,
                kind: "走访慰问".into(),
                description: "节前走访慰问".into(),
                requested_on: today.to_string(),
                volunteer_ids: vec![fixture.volunteer],
                ..Default::default()
            })
            .unwrap();
        let done = ServiceDoneInput {
            done_on: yesterday.clone(),
            start_time: "9:00".into(),
            end_time: "10:30".into(),
            outcome: "更换温控器，冰箱恢复制冷".into(),
            follow_up_on: String::new(),
        };
        let entries = ledger.complete_service(fixture.service, &done).unwrap().hour_entries;
        assert_eq!(entries.len(), 1);
        let hours =
            ledger.list_hours(&HoursFilter { volunteer_id: Some(fixture.volunteer), ..Default::default() }).unwrap();
        let from_service: Vec<_> = hours.iter().filter(|e| e.service_id == Some(fixture.service)).collect();
        assert_eq!(
            (from_service[0].status.as_str(), from_service[0].minutes, from_service[0].date.as_str()),
            ("待审核", 90, yesterday.as_str())
        );
        let care = ledger.care_list(None).unwrap();
        let row = care.households.iter().find(|h| h.household_id == fixture.household).unwrap();
        assert_eq!((row.days_since, row.last_visit_on.as_deref()), (Some(1), Some(yesterday.as_str())));
        // The 90-day threshold: overdue are the never visited and those last seen over 90 days ago.
        let ninety = ledger.care_list(Some(90)).unwrap();
        let expected = ninety.households.iter().filter(|h| h.days_since.is_none_or(|d| d > 90)).count() as i64;
        assert_eq!(ninety.overdue, expected);
        assert!(ninety.households.iter().all(|h| h.overdue == h.days_since.is_none_or(|d| d > 90)));

        // 书记项目: the late one becomes done when both milestones are ticked (today), and is
        // under way again with a new milestone a month ahead.
        let projects = ledger.list_projects().unwrap();
        let late = projects.iter().find(|p| p.name == fixture.late_project).unwrap();
        let on_track = projects.iter().find(|p| p.name == fixture.on_track_project).unwrap();
        assert_eq!((late.status_label, late.late_milestones), ("滞后", 2));
        assert_eq!((on_track.status_label, on_track.late_milestones), ("按计划", 0));
        let detail = ledger.project(late.id).unwrap();
        for milestone in &detail.milestones {
            ledger.complete_milestone(milestone.id, None).unwrap();
        }
        let detail = ledger.project(late.id).unwrap();
        assert_eq!(detail.project.status_label, "已完成");
        assert!(detail.milestones.iter().all(|m| m.done_on.as_deref() == Some(today.to_string().as_str())));
        let mut milestones: Vec<MilestoneInput> = detail
            .milestones
            .iter()
            .map(|m| MilestoneInput {
                id: Some(m.id),
                title: m.title.clone(),
                due_on: m.due_on.clone(),
                done_on: m.done_on.clone(),
            })
            .collect();
        milestones.push(MilestoneInput {
            title: "验收总结".into(),
            due_on: days_after(today, 30),
            ..Default::default()
        });
        let p = &detail.project;
        ledger
            .save_project(&ProjectInput {
                id: Some(p.id),
                name: p.name.clone(),
                line: p.line.clone(),
                owner: p.owner.clone(),
                goal: p.goal.clone(),
                starts_on: p.starts_on.clone(),
                ends_on: p.ends_on.clone(),
                milestones,
                activity_ids: detail.activities.iter().map(|a| a.id).collect(),
            })
            .unwrap();
        assert_eq!(ledger.project(late.id).unwrap().project.status_label, "按计划");
        assert!(!ledger.late_milestones().unwrap().iter().any(|m| m.project == fixture.late_project));
    });
}

#[test]
fn the_activity_hours_fixture_records_two_and_skips_the_overlap_on_any_day() {
    on_every_day(|db, today| {
        let fixture = fixtures::hours_fixture(db, today);
        let mut ledger = open_on(db, today);
        let recorded = ledger.record_activity_hours(fixture.activity).unwrap();
        assert_eq!(recorded.created.len(), 2, "{:?}", recorded.skipped);
        assert_eq!(recorded.skipped.len(), 1);
        assert_eq!(recorded.skipped[0].name, fixture.volunteers[2].1);
        assert!(recorded.skipped[0].reason.contains("陪同就医"), "{}", recorded.skipped[0].reason);
        ledger
            .review_hours(
                &recorded.created,
                &HoursReview { approve: true, verifier: "王主任".into(), note: String::new() },
            )
            .unwrap();
        // 2 h confirmed ten days ago and 2 h 30 min now, whatever month either falls in.
        assert_eq!(ledger.volunteer(fixture.volunteers[0].0).unwrap().volunteer.confirmed_minutes, 270);
    });
}

/// The night-shift test's steps: a shop's member joins 30 days ago and works 22:00 to 02:00
/// two days ago — across the turn of the month or the year on the 1st and 2nd — and the
/// report of the last 30 days counts the corrected 4 h 30 min.
#[test]
fn a_night_shift_on_the_last_days_counts_in_the_report_on_any_day() {
    on_every_day(|db, today| {
        fixtures::hours_fixture(db, today);
        let mut ledger = open_on(db, today);
        let shop = ledger
            .save_organisation(&OrganisationInput {
                name: "端到端·邻里益仓便利店".into(),
                kind: "智慧益仓商户".into(),
                ..Default::default()
            })
            .unwrap();
        let member = ledger
            .save_volunteer(&VolunteerInput {
                organisation_id: Some(shop),
                name: "端到端·夜班师傅".into(),
                phone: "13900003333".into(),
                joined_on: days_before(today, 30),
                ..Default::default()
            })
            .unwrap();
        let night = HourEntryInput {
            volunteer_id: member,
            date: days_before(today, 2),
            start_time: "21:30".into(),
            end_time: "02:00".into(),
            overnight: true,
            content: "夜间巡逻".into(),
            ..Default::default()
        };
        let id = ledger.record_hours(&night).unwrap();
        ledger
            .review_hours(&[id], &HoursReview { approve: true, verifier: "王主任".into(), note: String::new() })
            .unwrap();
        let report = ledger.hours_report(Some(day(&days_before(today, 30))), Some(today)).unwrap();
        let row = report.by_volunteer.iter().find(|v| v.volunteer_id == member).unwrap();
        assert_eq!((row.minutes, row.text.as_str()), (270, "4 小时 30 分"));
        // Tonight's watch would end tomorrow: in the future, refused on every day.
        let tonight = HourEntryInput { date: today.to_string(), ..night };
        assert!(ledger.record_hours(&tonight).is_err(), "a night that ends tomorrow is in the future");
    });
}

/// The 80+ count of the stats, the dashboard and the care list on every day, with two people
/// added at the boundary: one 80 today, one who turns 80 tomorrow.
#[test]
fn the_80_plus_count_turns_on_the_birthday_on_any_day() {
    on_every_day(|db, today| {
        let mut ledger = open_on(db, today);
        ledger.create_demo(80, 7).unwrap();
        let household = ledger.list_households(&Default::default()).unwrap().rows[0].id;
        let eighty = NaiveDate::from_ymd_opt(today.year() - 80, today.month(), today.day())
            .unwrap_or_else(|| NaiveDate::from_ymd_opt(today.year() - 80, 2, 28).unwrap());
        let tomorrow_eighty = eighty.succ_opt().unwrap();
        for (name, born) in [("边界八十", eighty), ("明天八十", tomorrow_eighty)] {
            ledger
                .save_resident(&ResidentInput {
                    household_id: household,
                    name: name.into(),
                    relation: "其他".into(),
                    birth_date: Some(born.to_string()),
                    ..Default::default()
                })
                .unwrap();
        }
        assert_eq!(age(eighty, today), 80);
        assert_eq!(age(tomorrow_eighty, today), 79);
        let births: Vec<NaiveDate> = {
            let conn = sql(db);
            let mut stmt = conn
                .prepare("SELECT birth_date FROM residents WHERE birth_date IS NOT NULL AND moved_out_on IS NULL AND died_on IS NULL")
                .unwrap();
            let rows = stmt.query_map([], |r| r.get::<_, String>(0)).unwrap();
            rows.map(|b| day(&b.unwrap())).collect()
        };
        let counted = births.iter().filter(|b| age(**b, today) >= 80).count() as u64;
        assert_eq!(ledger.stats().unwrap().aged_80_plus, counted);
        assert_eq!(ledger.dashboard().unwrap().stats.aged_80_plus, counted);
        let care = ledger.care_list(None).unwrap();
        let people: Vec<_> = care.households.iter().flat_map(|h| h.people.iter()).collect();
        assert!(people.iter().any(|p| p.name == "边界八十" && p.aged), "80 today is on the care list");
        assert!(!people.iter().any(|p| p.name == "明天八十" && p.aged), "79 until tomorrow");
        // Tomorrow the second one is 80 too.
        let tomorrow = today.succ_opt().unwrap();
        let counted_tomorrow = births.iter().filter(|b| age(**b, tomorrow) >= 80).count() as u64;
        assert!(counted_tomorrow > counted);
        assert_eq!(open_on(db, tomorrow).stats().unwrap().aged_80_plus, counted_tomorrow);
    });
}

/// The demo itself on each day: it is built through the same Ledger methods as the app, so a
/// rule it breaks on some date (an overlap, a date in the future) would stop it.
#[test]
fn the_demo_is_built_on_any_day() {
    on_every_day(|db, today| {
        let mut ledger: Ledger = open_on(db, today);
        ledger.create_demo(150, 3).unwrap();
        let board = ledger.dashboard().unwrap();
        assert_eq!(board.today, today.to_string());
        assert!(board.stats.households >= 150);
        let future: i64 = sql(db)
            .query_row("SELECT count(*) FROM hour_entries WHERE date > ?1", [today.to_string()], |r| r.get(0))
            .unwrap();
        assert_eq!(future, 0, "no hours dated after today");
    });
}

fn cli(db: &Path, today: Option<&str>, args: &[&str]) -> std::process::Output {
    let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_xinghe-cli"));
    command.arg("--db").arg(db).args(args).env_remove(xinghe_ledger::values::dates::TODAY_VARIABLE);
    if let Some(today) = today {
        command.env(xinghe_ledger::values::dates::TODAY_VARIABLE, today);
    }
    command.output().unwrap()
}

/// A pinned day that was silently ignored would make a "reproducible" demo depend on the
/// clock after all: a value that is not YYYY-MM-DD stops every command, naming it.
#[test]
fn a_malformed_xinghe_today_stops_the_cli_naming_the_value_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("never.db");
    for bad in ["2027-02-29", "2027/02/28", "20270228", "tomorrow"] {
        for args in [&["stats"][..], &["demo", "--households", "100"][..]] {
            let output = cli(&db, Some(bad), args);
            let stderr = String::from_utf8_lossy(&output.stderr);
            assert_eq!(output.status.code(), Some(2), "{bad} {args:?}: {stderr}");
            assert!(stderr.contains("环境变量 XINGHE_TODAY") && stderr.contains(bad), "{stderr}");
            assert!(!stderr.contains("panicked"), "{stderr}");
            assert!(!db.exists(), "nothing is created");
        }
    }
    // Empty means unset.
    assert!(cli(&db, Some(""), &["demo", "--households", "100"]).status.success());
}

/// The CLI and its demo take the pinned day as today: the demo's hours end on it, records are
/// stamped with it, and hours on the day before it — a year and more ahead of the clock — are
/// accepted, which the clock alone refuses as in the future.
#[test]
fn xinghe_today_pins_the_cli_and_the_demo_it_creates() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("pinned.db");
    let pinned = chrono::Local::now().date_naive() + chrono::Duration::days(400);
    let pinned_text = pinned.to_string();
    let demo = cli(&db, Some(&pinned_text), &["demo", "--households", "100", "--seed", "5"]);
    assert!(demo.status.success(), "{}", String::from_utf8_lossy(&demo.stderr));
    let conn = sql(&db);
    let (last_hours, stamped): (String, String) = conn
        .query_row(
            "SELECT (SELECT max(date) FROM hour_entries), (SELECT min(substr(created_at, 1, 10)) FROM residents)",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert!(last_hours < pinned_text && last_hours >= days_before(pinned, 14), "{last_hours}");
    assert_eq!(stamped, pinned_text);
    let number: String = conn.query_row("SELECT number FROM volunteers ORDER BY id LIMIT 1", [], |r| r.get(0)).unwrap();
    let day_before = days_before(pinned, 1);
    let add = |today: Option<&str>, start: &str| {
        let args = ["hours", "add", "--volunteer", &number, "--date", &day_before, "--start", start, "--end"];
        cli(&db, today, &[&args[..], &["05:30", "--content", "清晨巡逻"]].concat())
    };
    let unpinned = add(None, "05:00");
    assert_eq!(unpinned.status.code(), Some(1), "the clock's today is 400 days earlier");
    assert!(String::from_utf8_lossy(&unpinned.stderr).contains("不能登记未来的服务时长"));
    let pinned_add = add(Some(&pinned_text), "05:00");
    assert!(pinned_add.status.success(), "{}", String::from_utf8_lossy(&pinned_add.stderr));
}
