//! Story: the office plans a weekly class, residents sign up until it is full, the next ones
//! wait, a cancellation promotes the first in line, a whole household signs up, and the roll
//! call adds up — also when two PCs race for the last place.

use crate::support::demo;
use std::sync::{Arc, Barrier};
use xinghe_ledger::activities::{ActivityFilter, ActivityInput, AttendanceMark, Attendee, Repeat};
use xinghe_ledger::register::model::HouseholdFilter;
use xinghe_ledger::Ledger;

fn class(capacity: Option<i64>) -> ActivityInput {
    ActivityInput {
        title: "红色知识小课堂：家风家训".into(),
        series_id: Some(1),
        line: "银力量·离退休党员".into(),
        date: "2027-06-01".into(),
        start_time: "09:00".into(),
        end_time: "10:30".into(),
        place: "社区党群服务中心二楼".into(),
        organiser: "周丽华".into(),
        capacity,
        learning_mode: Some("分享式".into()),
        ..Default::default()
    }
}

/// Current residents of the demo, one per household, in address order.
fn residents(ledger: &Ledger, n: usize) -> Vec<i64> {
    let page = ledger.list_households(&HouseholdFilter { limit: Some(500), ..Default::default() }).unwrap();
    page.rows.iter().take(n).map(|h| ledger.household(h.id).unwrap().members[0].id).collect()
}

/// Only the activities these stories make (the demo has its own, around today).
fn ours() -> ActivityFilter {
    ActivityFilter { from: Some("2027-06-01".into()), ..ActivityFilter::default() }
}

fn resident(id: i64) -> Attendee {
    Attendee::Resident { resident_id: id }
}

#[test]
fn a_full_class_waitlists_in_order_and_a_cancellation_promotes_the_first() {
    let dir = tempfile::tempdir().unwrap();
    let mut ledger = demo(&dir.path().join("a.db"), 100, 11);
    let activity = ledger.save_activity(&class(Some(2))).unwrap();
    let people = residents(&ledger, 4);
    let outcomes: Vec<String> =
        people.iter().map(|p| ledger.sign_up(activity, &resident(*p)).unwrap().status).collect();
    assert_eq!(outcomes, ["registered", "registered", "waitlisted", "waitlisted"]);
    let err = ledger.sign_up(activity, &resident(people[0])).unwrap_err();
    assert_eq!(err.kind(), "conflict", "nobody is signed up twice");

    let detail = ledger.activity(activity).unwrap();
    let positions: Vec<Option<u32>> = detail.signups.iter().map(|s| s.position).collect();
    assert_eq!(positions, [None, None, Some(1), Some(2)]);
    let first_waiting = detail.signups[2].name.clone();

    let outcome = ledger.cancel_signup(detail.signups[0].id).unwrap();
    assert_eq!(outcome.promoted.unwrap().name, first_waiting);
    let row = &ledger.list_activities(&ours()).unwrap()[0];
    assert_eq!((row.registered, row.waitlisted), (2, 1));
    // Cancelling someone on the waitlist promotes nobody.
    let waiting = ledger.activity(activity).unwrap().signups.iter().find(|s| s.position == Some(1)).unwrap().id;
    assert!(ledger.cancel_signup(waiting).unwrap().promoted.is_none());
    // A larger room takes the waitlist in (none left here) and later sign-ups directly.
    ledger.save_activity(&ActivityInput { id: Some(activity), ..class(Some(5)) }).unwrap();
    let again = ledger.sign_up(activity, &resident(people[0])).unwrap();
    assert_eq!(again.status, "registered", "a cancelled sign-up can sign up again");
}

#[test]
fn two_sign_ups_racing_for_the_last_place_get_one_place_and_one_wait() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("race.db");
    let mut ledger = demo(&path, 100, 11);
    let people = residents(&ledger, 40);
    for round in 0..20 {
        let activity = ledger.save_activity(&class(Some(1))).unwrap();
        let barrier = Arc::new(Barrier::new(2));
        let threads: Vec<_> = [people[round * 2], people[round * 2 + 1]]
            .into_iter()
            .map(|person| {
                let (path, barrier) = (path.clone(), barrier.clone());
                std::thread::spawn(move || {
                    let mut own = Ledger::open(&path).unwrap();
                    barrier.wait();
                    own.sign_up(activity, &resident(person)).unwrap().status
                })
            })
            .collect();
        let mut statuses: Vec<String> = threads.into_iter().map(|t| t.join().unwrap()).collect();
        statuses.sort();
        assert_eq!(statuses, ["registered", "waitlisted"], "round {round}");
    }
}

#[test]
fn a_household_signs_up_together_and_the_roll_call_adds_up() {
    let dir = tempfile::tempdir().unwrap();
    let mut ledger = demo(&dir.path().join("h.db"), 100, 11);
    let households = ledger.list_households(&HouseholdFilter { limit: Some(500), ..Default::default() }).unwrap();
    let big = households.rows.iter().find(|h| h.member_count >= 3).unwrap();
    let activity = ledger.save_activity(&class(Some(2))).unwrap();
    let outcomes = ledger.sign_up_household(activity, big.id).unwrap();
    assert_eq!(outcomes.len(), big.member_count as usize);
    assert_eq!(outcomes.iter().filter(|o| o.status == "registered").count(), 2);
    let err = ledger.sign_up_household(activity, big.id).unwrap_err();
    assert!(err.to_string().contains("都已报名"), "{err}");

    let signups = ledger.activity(activity).unwrap().signups;
    let count = ledger
        .mark_attendance(
            activity,
            &[
                AttendanceMark { signup_id: signups[0].id, present: true },
                AttendanceMark { signup_id: signups[1].id, present: false },
            ],
        )
        .unwrap();
    assert_eq!((count.present, count.registered), (1, 2));
    // Someone on the waitlist turns up: they are simply promoted and marked present.
    let waiting = signups.iter().find(|s| s.status == "waitlisted").unwrap();
    ledger.add_walk_in(activity, &resident(waiting.resident_id.unwrap())).unwrap();
    // A guest who is not in the register walks in, beyond the capacity.
    let guest = Attendee::Guest { guest_name: "外来志愿者".into(), guest_phone: Some("139 0731 0000".into()) };
    assert_eq!(ledger.add_walk_in(activity, &guest).unwrap().status, "registered");
    let count = ledger.attendance_count(activity).unwrap();
    assert_eq!((count.present, count.registered), (3, 4));
    let count = ledger.mark_all(activity, true).unwrap();
    assert_eq!((count.present, count.registered), (4, 4));
    let row = &ledger.list_activities(&ours()).unwrap()[0];
    assert_eq!((row.registered, row.waitlisted, row.attended), (4, big.member_count - 3, 4), "the rest still wait");

    let history = ledger.resident_activities(signups[0].resident_id.unwrap()).unwrap();
    assert_eq!(history[0].title, "红色知识小课堂：家风家训", "newest first");
    assert_eq!(history[0].attended, Some(true));
}

#[test]
fn a_weekly_class_is_planned_edited_from_a_session_on_and_one_session_cancelled() {
    let dir = tempfile::tempdir().unwrap();
    let mut ledger = demo(&dir.path().join("w.db"), 100, 11);
    let repeat = Repeat { every_weeks: 1, count: Some(10), until: None };
    let ids = ledger.create_sessions(&class(Some(20)), &repeat).unwrap();
    assert_eq!(ids.len(), 10);
    let all = ledger.list_activities(&ours()).unwrap();
    assert_eq!(all.first().unwrap().date, "2027-06-01");
    assert_eq!(all.last().unwrap().date, "2027-08-03", "ten Tuesdays");
    let until = Repeat { every_weeks: 2, count: None, until: Some("2027-06-30".into()) };
    assert_eq!(ledger.create_sessions(&class(None), &until).unwrap().len(), 3, "1, 15 and 29 June");

    // From the 4th session on, the class moves to 14:30 in another room.
    let changed = ActivityInput {
        start_time: "14:30".into(),
        end_time: "16:00".into(),
        place: "浏河书屋".into(),
        date: "2027-06-22".into(),
        ..class(Some(20))
    };
    assert_eq!(ledger.update_future_sessions(ids[3], &changed).unwrap(), 7);
    let series =
        ledger.list_activities(&ActivityFilter { from: Some("2026-12-01".into()), ..Default::default() }).unwrap();
    let of_class: Vec<_> = series.iter().filter(|a| a.recurrence_id == Some(ids[0])).collect();
    assert_eq!(of_class[2].start_time, "09:00");
    assert_eq!((of_class[3].start_time.as_str(), of_class[3].place.as_str()), ("14:30", "浏河书屋"));
    assert_eq!(of_class[9].date, "2027-08-03", "later sessions keep their dates");

    ledger.cancel_activity(ids[5]).unwrap();
    let listed = ledger.list_activities(&ours()).unwrap();
    assert!(!listed.iter().any(|a| a.id == ids[5]));
    let with_cancelled = ledger.list_activities(&ActivityFilter { include_cancelled: true, ..ours() }).unwrap();
    assert!(with_cancelled.iter().any(|a| a.id == ids[5] && a.cancelled_on.is_some()));
    let err = ledger.sign_up(ids[5], &resident(residents(&ledger, 1)[0])).unwrap_err();
    assert!(err.to_string().contains("已取消"), "{err}");
}

#[test]
fn a_bad_activity_form_names_its_fields_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let mut ledger = demo(&dir.path().join("v.db"), 100, 11);
    let err = ledger
        .save_activity(&ActivityInput { end_time: "08:00".into(), capacity: Some(0), ..class(None) })
        .unwrap_err();
    let fields: Vec<_> = err.fields().iter().map(|f| f.field).collect();
    assert_eq!(fields, ["end_time", "capacity"]);
    let err = ledger.create_sessions(&class(None), &Repeat { every_weeks: 1, count: None, until: None }).unwrap_err();
    assert_eq!(err.fields()[0].field, "count");
    assert!(ledger.list_activities(&ActivityFilter { include_cancelled: true, ..ours() }).unwrap().is_empty());
}
