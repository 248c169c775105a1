//! Story: the office opens Xinghe on its start page and reads the counts, this month's
//! activities and attendance, confirmed hours per month, activities by line, the overdue
//! visits and late milestones — each count checked against a community built by hand.
//!
//! Volunteers and hours go through the volunteers module and the hours ledger
//! (support/small_community.rs), entries reviewed into the status each line needs.

use crate::support::small_community::{community, date, Community};
use crate::support::TODAY;
use xinghe_ledger::activities::{ActivityInput, AttendanceMark, Attendee};

fn activity(c: &mut Community, title: &str, line: &str, on: &str, capacity: Option<i64>) -> i64 {
    c.ledger
        .save_activity(&ActivityInput {
            title: title.into(),
            line: line.into(),
            date: on.into(),
            start_time: "09:00".into(),
            end_time: "10:30".into(),
            capacity,
            ..Default::default()
        })
        .unwrap()
}

fn sign_up(c: &mut Community, activity: i64, resident_id: i64) -> i64 {
    c.ledger.sign_up(activity, &Attendee::Resident { resident_id }).unwrap().signup_id
}

#[test]
fn the_start_page_adds_up() {
    let dir = tempfile::tempdir().unwrap();
    let mut c = community(&dir.path().join("board.db"), TODAY);

    // Register: 7 current households, 8 current residents, two aged 80+, six with care needs.
    let zhang_home = c.household(0, "101");
    let zhang = c.resident(zhang_home, "张建华", "户主", "1960-01-01", &["低保"]);
    let liu = c.resident(zhang_home, "刘芳", "配偶", "1962-02-02", &[]);
    let li_home = c.household(0, "102");
    let li = c.resident(li_home, "李秀英", "户主", "1940-05-01", &[]);
    let chen_home = c.household(1, "201");
    let chen = c.resident(chen_home, "陈桂兰", "户主", "1944-03-10", &["残疾"]);
    c.service(chen_home, "走访慰问", "2026-11-20", Some("2026-11-20"));
    let mut others = Vec::new();
    for room in ["304", "303", "302", "301"] {
        let home = c.household(1, room);
        others.push(c.resident(home, &format!("住户{room}"), "户主", "1970-01-01", &["低保"]));
    }
    let gone_home = c.household(1, "202");
    let gone = c.resident(gone_home, "周强", "户主", "1930-01-01", &["特困"]);

    // Volunteers: active ones have not left and are still in the register.
    let v_zhang = c.volunteer("张建华", Some(zhang));
    let v_li = c.volunteer("李秀英", Some(li));
    c.ledger.leave_volunteer(v_li, Some("2026-10-01")).unwrap();
    let v_shop = c.volunteer("王小店", None);
    c.volunteer("周强", Some(gone));
    c.ledger.move_out_household(gone_home, Some("2026-11-01")).unwrap();

    // Activities: this month two held (one still to come), one cancelled; others elsewhere in time.
    let held = activity(&mut c, "红色知识小课堂", "红引擎·在职党员", "2026-11-05", Some(3));
    let s1 = sign_up(&mut c, held, zhang);
    let s2 = sign_up(&mut c, held, liu);
    let s3 = sign_up(&mut c, held, chen);
    sign_up(&mut c, held, others[0]); // waitlisted: not a place
    let cancelled_signup = sign_up(&mut c, held, others[1]);
    c.ledger.cancel_signup(cancelled_signup).unwrap(); // was waiting: promotes nobody, counts for nothing
    let marks = [
        AttendanceMark { signup_id: s1, present: true },
        AttendanceMark { signup_id: s2, present: true },
        AttendanceMark { signup_id: s3, present: false },
    ];
    c.ledger.mark_attendance(held, &marks).unwrap();
    let coming = activity(&mut c, "银发YUE 文化课堂", "银力量·离退休党员", "2026-11-30", None);
    sign_up(&mut c, coming, li);
    let off = activity(&mut c, "青春FUN 共创空间", "青动力·两新组织", "2026-11-12", None);
    sign_up(&mut c, off, others[2]);
    c.ledger.cancel_activity(off).unwrap();
    let october = activity(&mut c, "楼道议事会", "红引擎·在职党员", "2026-10-30", None);
    sign_up(&mut c, october, others[3]);
    activity(&mut c, "新年联欢", "其他", "2026-12-10", None);
    activity(&mut c, "去年的课堂", "银力量·离退休党员", "2025-12-20", None);
    activity(&mut c, "元旦升旗", "红引擎·在职党员", "2026-01-01", None);

    // Hours: only confirmed ones in the six months June–November count.
    c.hours(v_zhang, "2026-11-02", "09:00", "11:15", "已确认");
    c.hours(v_shop, "2026-11-20", "14:00", "15:00", "已确认");
    c.hours(v_zhang, "2026-09-10", "08:00", "10:00", "已确认");
    c.hours(v_zhang, "2026-06-01", "08:00", "08:30", "已确认");
    c.hours(v_zhang, "2026-05-31", "08:00", "18:00", "已确认");
    c.hours(v_shop, "2026-11-25", "09:00", "10:00", "待审核");
    c.hours(v_shop, "2026-10-01", "09:00", "10:00", "已驳回");
    c.hours(v_zhang, "2026-11-27", "09:00", "09:30", "待审核");

    let board = c.ledger.dashboard().unwrap();
    assert_eq!(board.today, TODAY);
    assert_eq!(board.stats, c.ledger.stats().unwrap());
    let s = &board.stats;
    assert_eq!((s.households, s.residents, s.aged_80_plus, s.care_needs), (7, 8, 2, 6));
    assert_eq!(board.volunteers_active, 2);

    assert_eq!(board.month.label, "2026年11月");
    assert_eq!((board.month.activities, board.month.signups, board.month.attended), (2, 4, 2));
    // The rate is out of the sessions already held: the one on the 30th has no roll call yet.
    assert_eq!(board.month.held_signups, 3);

    let months: Vec<(&str, &str, i64)> =
        board.hours_by_month.iter().map(|m| (m.month.as_str(), m.label.as_str(), m.minutes)).collect();
    assert_eq!(
        months,
        [
            ("2026-06", "6月", 30),
            ("2026-07", "7月", 0),
            ("2026-08", "8月", 0),
            ("2026-09", "9月", 120),
            ("2026-10", "10月", 0),
            ("2026-11", "11月", 195),
        ]
    );
    assert_eq!(board.hours_by_month[5].hours, 3.25);
    assert_eq!(board.pending_hours, 2);

    let lines: Vec<(&str, i64)> = board.activities_by_line.iter().map(|l| (l.line.as_str(), l.count)).collect();
    assert_eq!(lines, [("红引擎·在职党员", 3), ("银力量·离退休党员", 1), ("青动力·两新组织", 0), ("其他", 1)]);

    // Six households wait for a first visit; the page shows the first five in address order.
    assert_eq!(board.overdue_visits_total, 6);
    let shown: Vec<&str> = board.overdue_visits.iter().map(|h| h.address.as_str()).collect();
    assert_eq!(shown, ["8栋1单元101", "8栋1单元102", "8栋2单元301", "8栋2单元302", "8栋2单元303"]);
    assert!(board.late_milestones.is_empty());
}

#[test]
fn the_charts_move_with_the_calendar() {
    let dir = tempfile::tempdir().unwrap();
    let mut c = community(&dir.path().join("january.db"), TODAY);
    let home = c.household(0, "101");
    let zhang = c.resident(home, "张建华", "户主", "1960-01-01", &[]);
    let v = c.volunteer("张建华", Some(zhang));
    c.hours(v, "2026-07-31", "20:00", "21:00", "已确认");
    c.hours(v, "2026-08-01", "20:00", "21:30", "已确认");
    activity(&mut c, "红色知识小课堂", "红引擎·在职党员", "2026-11-05", None);
    activity(&mut c, "新春课堂", "银力量·离退休党员", "2027-01-10", None);

    c.ledger.set_today(date("2027-01-15"));
    c.hours(v, "2027-01-03", "22:00", "01:00", "已确认");
    let board = c.ledger.dashboard().unwrap();
    assert_eq!(board.month.label, "2027年1月");
    assert_eq!(board.month.activities, 1);
    let months: Vec<(&str, i64)> = board.hours_by_month.iter().map(|m| (m.label.as_str(), m.minutes)).collect();
    assert_eq!(months, [("8月", 90), ("9月", 0), ("10月", 0), ("11月", 0), ("12月", 0), ("1月", 180)]);
    assert_eq!(board.hours_by_month[0].month, "2026-08");
    let lines: Vec<i64> = board.activities_by_line.iter().map(|l| l.count).collect();
    assert_eq!(lines, [0, 1, 0, 0], "only this calendar year");

    // Leaving counts from the day it is recorded.
    assert_eq!(board.volunteers_active, 1);
    c.ledger.leave_volunteer(v, None).unwrap();
    assert_eq!(c.ledger.dashboard().unwrap().volunteers_active, 0);
}
