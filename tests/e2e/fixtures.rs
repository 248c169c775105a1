//! The registers the date-sensitive end-to-end tests start from, built through the core on a
//! given "today": the e2e tests pass the day their run pins for the app (harness::today), and
//! the story test tests/story/dates.rs builds the same registers for a spread of dates (month
//! and year ends, 29 February), so a fixture that breaks on some day of the year shows at once.
// Each user of this file (the e2e tests, the dates story) needs only part of it.
#![allow(dead_code)]

use std::path::Path;
use xinghe_ledger::values::dates::NaiveDate;
use xinghe_ledger::Ledger;

/// The date `n` days before `today`, as `YYYY-MM-DD`.
pub fn days_before(today: NaiveDate, n: u64) -> String {
    (0..n).fold(today, |day, _| day.pred_opt().unwrap()).to_string()
}

/// The date `n` days after `today`, as `YYYY-MM-DD`.
pub fn days_after(today: NaiveDate, n: u64) -> String {
    (0..n).fold(today, |day, _| day.succ_opt().unwrap()).to_string()
}

/// The 3rd of the month `back` months before `today`'s (yesterday when that is not past yet).
pub fn in_month(today: NaiveDate, back: i32) -> String {
    let text = today.to_string();
    let (year, month): (i32, i32) = (text[0..4].parse().unwrap(), text[5..7].parse().unwrap());
    let index = year * 12 + month - 1 - back;
    let date = format!("{}-{:02}-03", index / 12, index % 12 + 1);
    if date < text {
        date
    } else {
        days_before(today, 1)
    }
}

/// `db` opened with "today" pinned, as the app that is started on it will see the day.
pub fn open_on(db: &Path, today: NaiveDate) -> Ledger {
    let mut ledger = Ledger::open(db).unwrap();
    ledger.set_today(today);
    ledger
}

/// A name that only one current resident has, so searching for it finds exactly that person.
pub fn unique_names(ledger: &mut Ledger, households: &[i64]) -> Vec<(String, i64)> {
    let mut found = Vec::new();
    for household in households {
        for member in ledger.household(*household).unwrap().members {
            if ledger.search(&member.name).unwrap().iter().filter(|h| h.name == member.name).count() == 1 {
                found.push((member.name.clone(), *household));
                break;
            }
        }
    }
    found
}

/// Residents with names no one else has who were no volunteers before, made volunteers now
/// (joined 400 days ago). The demo's hours all belong to its own volunteers, placed relative
/// to today: a fixture that recorded hours for one of those collided with them on some days
/// (the care fixture on 2026-12-07). These have no hours at all, so whatever the date, what a
/// fixture records for them can only meet the fixture's own entries.
pub fn new_volunteers(ledger: &mut Ledger, households: &[i64], count: usize) -> Vec<(i64, String)> {
    use xinghe_ledger::hours::HoursFilter;
    use xinghe_ledger::volunteers::{VolunteerFilter, VolunteerInput};
    let joined_on = days_before(ledger.today(), 400);
    let known: std::collections::HashSet<i64> = ledger
        .list_volunteers(&VolunteerFilter { include_left: true, ..Default::default() })
        .unwrap()
        .into_iter()
        .filter_map(|v| v.resident_id)
        .collect();
    let mut made = Vec::new();
    for (name, household) in unique_names(ledger, households) {
        let resident = ledger.household(household).unwrap().members.into_iter().find(|m| m.name == name).unwrap().id;
        if known.contains(&resident) {
            continue;
        }
        let input = VolunteerInput { resident_id: Some(resident), joined_on: joined_on.clone(), ..Default::default() };
        let id = ledger.save_volunteer(&input).unwrap();
        let own = ledger.list_hours(&HoursFilter { volunteer_id: Some(id), ..Default::default() }).unwrap();
        assert!(own.is_empty(), "a new volunteer starts without hours: {own:?}");
        made.push((id, name));
        if made.len() == count {
            return made;
        }
    }
    panic!("the demo has fewer than {count} residents with a name of their own who are not volunteers");
}

/// The register before the app starts: the demo, three resident volunteers who attended an
/// activity three days ago (09:00–11:30), one of whom has already recorded other hours at the
/// same time; one volunteer also has 2 confirmed hours from before.
pub struct HoursFixture {
    pub activity: i64,
    pub title: String,
    pub volunteers: Vec<(i64, String)>,
}

pub fn hours_fixture(db: &Path, today: NaiveDate) -> HoursFixture {
    use xinghe_ledger::activities::{ActivityInput, AttendanceMark, Attendee};
    use xinghe_ledger::hours::{HourEntryInput, HoursReview};

    let mut ledger = open_on(db, today);
    ledger.create_demo(100, 11).unwrap();
    let date = days_before(today, 3);
    let page = ledger
        .list_households(&xinghe_ledger::register::model::HouseholdFilter { limit: Some(500), ..Default::default() })
        .unwrap();
    let households: Vec<i64> = page.rows.iter().map(|h| h.id).collect();
    // Three residents with names no one else has, made volunteers through the core; none of
    // them has demo hours that the activity's could overlap, whatever day it is.
    let volunteers = new_volunteers(&mut ledger, &households, 3);
    let title = "端到端测试·楼道清扫".to_string();
    let activity = ledger
        .save_activity(&ActivityInput {
            title: title.clone(),
            line: "红引擎·在职党员".into(),
            date: date.clone(),
            start_time: "09:00".into(),
            end_time: "11:30".into(),
            place: "3栋楼道".into(),
            organiser: "社区党委".into(),
            ..Default::default()
        })
        .unwrap();
    let mut marks = Vec::new();
    for (id, _) in &volunteers {
        let resident = ledger.volunteer(*id).unwrap().volunteer.resident_id.unwrap();
        let outcome = ledger.sign_up(activity, &Attendee::Resident { resident_id: resident }).unwrap();
        marks.push(AttendanceMark { signup_id: outcome.signup_id, present: true });
    }
    ledger.mark_attendance(activity, &marks).unwrap();
    let entry = |volunteer_id, date: &str, start: &str, end: &str, content: &str| HourEntryInput {
        volunteer_id,
        date: date.into(),
        start_time: start.into(),
        end_time: end.into(),
        content: content.into(),
        ..Default::default()
    };
    // The third volunteer was elsewhere at 10:00: the activity's hours would overlap.
    ledger.record_hours(&entry(volunteers[2].0, &date, "10:00", "12:00", "陪同就医")).unwrap();
    // Two hours confirmed earlier for the first volunteer.
    let earlier = days_before(today, 10);
    let old = ledger.record_hours(&entry(volunteers[0].0, &earlier, "14:00", "16:00", "助老送餐")).unwrap();
    ledger
        .review_hours(&[old], &HoursReview { approve: true, verifier: "周丽华".into(), note: String::new() })
        .unwrap();
    HoursFixture { activity, title, volunteers }
}

/// The register before the app starts: the demo; two resident volunteers with confirmed hours
/// in three of the last six months and one entry still to review; a late project and one on
/// track; an open 家电维修 for the first household on the care list, with one volunteer sent.
pub struct CareFixture {
    pub households: u64,
    /// The dashboard's figures as the core computes them (the demo brings hours of its own).
    pub dashboard: xinghe_ledger::dashboard::Dashboard,
    pub service: i64,
    pub household: i64,
    pub address: String,
    pub volunteer: i64,
    pub volunteer_name: String,
    pub late_project: String,
    pub on_track_project: String,
    /// The fixture's confirmed minutes dated this month (none on the 1st to the 3rd, when
    /// "this month's" entries fall on yesterday, in the month before).
    pub minutes_this_month: i64,
}

pub fn care_fixture(db: &Path, today: NaiveDate) -> CareFixture {
    use xinghe_ledger::hours::{HourEntryInput, HoursReview};
    use xinghe_ledger::projects::{MilestoneInput, ProjectInput};
    use xinghe_ledger::services::ServiceInput;
    let (ago, ahead) = (|n| days_before(today, n), |n| days_after(today, n));

    let mut ledger = open_on(db, today);
    ledger.create_demo(120, 21).unwrap();
    let page = ledger
        .list_households(&xinghe_ledger::register::model::HouseholdFilter { limit: Some(500), ..Default::default() })
        .unwrap();
    let households: Vec<i64> = page.rows.iter().map(|h| h.id).collect();
    // New volunteers: a demo volunteer's own hours (classes, visits, placed relative to today)
    // overlapped these on 2026-12-07 and the fixture panicked.
    let volunteers: Vec<i64> = new_volunteers(&mut ledger, &households, 2).into_iter().map(|(id, _)| id).collect();
    let entry = |volunteer_id, date: String, start: &str, end: &str| HourEntryInput {
        volunteer_id,
        date,
        start_time: start.into(),
        end_time: end.into(),
        content: "助老送餐".into(),
        ..Default::default()
    };
    let mut confirmed = Vec::new();
    let this_month = today.to_string()[..7].to_string();
    let mut minutes_this_month = 0;
    // Afternoons, so that none overlaps the service done yesterday morning.
    for (back, end, minutes) in [(4, "17:00", 240), (2, "16:15", 195), (0, "15:30", 150)] {
        let day = in_month(today, back);
        if day.starts_with(&this_month) {
            minutes_this_month += minutes + 120;
        }
        confirmed.push(ledger.record_hours(&entry(volunteers[0], day.clone(), "13:00", end)).unwrap());
        confirmed.push(ledger.record_hours(&entry(volunteers[1], day, "13:00", "15:00")).unwrap());
    }
    ledger
        .review_hours(&confirmed, &HoursReview { approve: true, verifier: "周丽华".into(), note: String::new() })
        .unwrap();
    ledger.record_hours(&entry(volunteers[1], ago(2), "09:00", "10:00")).unwrap();

    let milestone = |title: &str, due_on: String| MilestoneInput { title: title.into(), due_on, ..Default::default() };
    let late_project = "端到端·楼道微更新".to_string();
    ledger
        .save_project(&ProjectInput {
            name: late_project.clone(),
            line: "青动力·两新组织".into(),
            owner: "周丽华".into(),
            goal: "三个楼道完成微更新".into(),
            starts_on: ago(90),
            ends_on: ahead(90),
            milestones: vec![milestone("居民议事会", ago(60)), milestone("方案公示", ago(20))],
            ..Default::default()
        })
        .unwrap();
    let on_track_project = "端到端·银发助餐".to_string();
    ledger
        .save_project(&ProjectInput {
            name: on_track_project.clone(),
            line: "银力量·离退休党员".into(),
            owner: "李建华".into(),
            starts_on: ago(30),
            ends_on: ahead(200),
            milestones: vec![milestone("助餐点选址", ahead(15)), milestone("试运行", ahead(60))],
            ..Default::default()
        })
        .unwrap();

    let first = ledger.care_list(None).unwrap().households.remove(0);
    let service = ledger
        .save_service(&ServiceInput {
            household_id: first.household_id,
            kind: "家电维修".into(),
            description: "冰箱不制冷".into(),
            requested_on: ago(4),
            volunteer_ids: vec![volunteers[0]],
            ..Default::default()
        })
        .unwrap();
    CareFixture {
        households: ledger.stats().unwrap().households,
        dashboard: ledger.dashboard().unwrap(),
        service,
        household: first.household_id,
        address: first.address,
        volunteer: volunteers[0],
        volunteer_name: ledger.volunteer(volunteers[0]).unwrap().volunteer.name,
        late_project,
        on_track_project,
        minutes_this_month,
    }
}
