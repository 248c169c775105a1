//! Story: residents ticked 志愿者 get numbered volunteer records; the office records their hours
//! by hand and from an activity's roll call, and the ledger refuses overlapping periods, more
//! than 24 hours in a day and hours that have not happened yet. Reviewers confirm in batches,
//! all or nothing; a wrong entry is corrected, never deleted, and keeps its history; totals,
//! reports and the certificate count confirmed hours only.

use crate::support::{liuhe_unit, open, today};
use std::path::Path;
use xinghe_ledger::activities::{ActivityInput, AttendanceMark, Attendee};
use xinghe_ledger::hours::{HourEntryInput, HourEntryRow, HoursFilter, HoursReview};
use xinghe_ledger::register::model::{HouseholdInput, ResidentInput};
use xinghe_ledger::values::dates::NaiveDate;
use xinghe_ledger::volunteers::{OrganisationInput, VolunteerFilter, VolunteerInput, VolunteerRow};
use xinghe_ledger::Ledger;

/// 浏河社区 with one unit; people are added one household each.
struct Office {
    ledger: Ledger,
    unit: i64,
    rooms: u32,
}

fn one_unit_office(path: &Path) -> Office {
    let mut ledger = open(path);
    let unit = liuhe_unit(&mut ledger);
    Office { ledger, unit, rooms: 0 }
}

impl Office {
    /// A resident heading a new household; `political` None means 群众. One ticked 志愿者 is
    /// recorded as joining on the day of the tick; `resident` dates it back to the start of the
    /// year, as the office does in the volunteer form for someone who has served for long.
    fn resident(&mut self, name: &str, political: Option<&str>, birth: &str, volunteer: bool) -> i64 {
        let id = self.ticked_resident(name, political, birth, volunteer);
        if volunteer {
            let record = self.record_of(id);
            let input = VolunteerInput {
                id: Some(record.id),
                resident_id: Some(id),
                line: record.line,
                joined_on: "2026-01-01".into(),
                ..Default::default()
            };
            self.ledger.save_volunteer(&input).unwrap();
        }
        id
    }

    fn ticked_resident(&mut self, name: &str, political: Option<&str>, birth: &str, volunteer: bool) -> i64 {
        self.rooms += 1;
        let room = format!("{}", 100 + self.rooms);
        let household =
            self.ledger.save_household(&HouseholdInput { unit_id: self.unit, room, ..Default::default() }).unwrap();
        self.ledger
            .save_resident(&ResidentInput {
                household_id: household,
                name: name.into(),
                relation: "户主".into(),
                birth_date: Some(birth.into()),
                political_status: political.map(Into::into),
                is_volunteer: volunteer,
                ..Default::default()
            })
            .unwrap()
    }

    /// A resident who joined as a volunteer at the start of the year: the record id.
    fn volunteer(&mut self, name: &str) -> i64 {
        let resident = self.resident(name, Some("中共党员（在职）"), "1980-03-01", false);
        let input =
            VolunteerInput { resident_id: Some(resident), joined_on: "2026-01-01".into(), ..Default::default() };
        self.ledger.save_volunteer(&input).unwrap()
    }

    fn record_of(&self, resident_id: i64) -> VolunteerRow {
        let all = self.ledger.list_volunteers(&VolunteerFilter { include_left: true, ..Default::default() }).unwrap();
        all.into_iter().find(|v| v.resident_id == Some(resident_id)).expect("a volunteer record")
    }

    fn entry(&self, id: i64) -> HourEntryRow {
        self.ledger.list_hours(&HoursFilter::default()).unwrap().into_iter().find(|e| e.id == id).unwrap()
    }

    fn confirm(&mut self, ids: &[i64]) {
        self.ledger.review_hours(ids, &HoursReview { approve: true, ..Default::default() }).unwrap();
    }
}

fn hours(volunteer_id: i64, date: &str, start: &str, end: &str, content: &str) -> HourEntryInput {
    HourEntryInput {
        volunteer_id,
        date: date.into(),
        start_time: start.into(),
        end_time: end.into(),
        content: content.into(),
        place: "8栋楼道".into(),
        organiser: "第一网格".into(),
        ..Default::default()
    }
}

fn overnight(volunteer_id: i64, date: &str, start: &str, end: &str, content: &str) -> HourEntryInput {
    HourEntryInput { overnight: true, ..hours(volunteer_id, date, start, end, content) }
}

#[test]
fn a_resident_ticked_as_volunteer_gets_a_number_and_a_default_line() {
    let dir = tempfile::tempdir().unwrap();
    let mut office = one_unit_office(&dir.path().join("a.db"));
    let senior = office.ticked_resident("周国强", Some("中共党员（在职）"), "1960-05-01", true);
    let young = office.ticked_resident("李晓", None, "1998-02-11", true);
    let member = office.ticked_resident("陈红", Some("中共预备党员"), "1990-07-07", true);
    let not_ticked = office.ticked_resident("赵平", None, "1970-01-01", false);

    let rows: Vec<(String, String)> =
        [senior, young, member].iter().map(|r| office.record_of(*r)).map(|v| (v.number, v.line)).collect();
    assert_eq!(
        rows,
        [
            ("LH-00001".to_string(), "银力量·离退休党员".to_string()),
            ("LH-00002".to_string(), "青动力·两新组织".to_string()),
            ("LH-00003".to_string(), "红引擎·在职党员".to_string()),
        ]
    );
    assert_eq!(office.ledger.list_volunteers(&VolunteerFilter::default()).unwrap().len(), 3);
    assert!(office
        .ledger
        .list_volunteers(&VolunteerFilter::default())
        .unwrap()
        .iter()
        .all(|v| v.resident_id != Some(not_ticked)));
    let found = office.ledger.volunteer_by_number("lh-00002").unwrap();
    assert_eq!((found.name.as_str(), found.address.as_deref()), ("李晓", Some("8栋1单元102")));
    assert_eq!(found.joined_on, "2026-11-28");

    // Unticking in the resident form ends the record (kept, with left_on); re-ticking clears it.
    let mut form = office.ledger.resident(young).unwrap();
    let untick = ResidentInput {
        id: Some(young),
        household_id: form.household_id,
        name: form.name.clone(),
        relation: form.relation.clone(),
        birth_date: form.birth_date.clone(),
        is_volunteer: false,
        ..Default::default()
    };
    office.ledger.save_resident(&untick).unwrap();
    assert_eq!(office.record_of(young).left_on.as_deref(), Some("2026-11-28"));
    assert_eq!(office.ledger.list_volunteers(&VolunteerFilter::default()).unwrap().len(), 2);
    office.ledger.save_resident(&ResidentInput { is_volunteer: true, ..untick }).unwrap();
    let back = office.record_of(young);
    assert_eq!((back.number.as_str(), back.left_on), ("LH-00002", None), "same number, active again");

    // Leaving from the volunteer page unticks the resident, so saving the form keeps it ended.
    let err = office.ledger.leave_volunteer(back.id, Some("2026-11-20")).unwrap_err();
    assert!(err.to_string().contains("早于 李晓 的加入日期 2026-11-28"), "{err}");
    office.ledger.leave_volunteer(back.id, None).unwrap();
    form = office.ledger.resident(young).unwrap();
    assert!(!form.is_volunteer);
    let err = office.ledger.leave_volunteer(back.id, None).unwrap_err();
    assert_eq!(err.kind(), "refused");
    assert!(err.to_string().contains("已于 2026-11-28 退出"), "{err}");

    // A volunteer saved from the volunteer form ticks the resident; a second record is refused.
    let id =
        office.ledger.save_volunteer(&VolunteerInput { resident_id: Some(not_ticked), ..Default::default() }).unwrap();
    assert!(office.ledger.resident(not_ticked).unwrap().is_volunteer);
    assert_eq!(office.ledger.volunteer(id).unwrap().volunteer.number, "LH-00004");
    let err =
        office.ledger.save_volunteer(&VolunteerInput { resident_id: Some(senior), ..Default::default() }).unwrap_err();
    assert!(err.to_string().contains("周国强") && err.to_string().contains("LH-00001"), "{err}");

    // Offices may choose their own prefix for numbers given from now on.
    office.ledger.set_volunteer_prefix("lhsq").unwrap();
    let next = office.ticked_resident("钱多", None, "1985-01-01", true);
    assert_eq!(office.record_of(next).number, "LHSQ-00001");
    assert_eq!(office.ledger.set_volunteer_prefix("浏河").unwrap_err().kind(), "invalid");
}

#[test]
fn residents_ticked_by_import_or_before_the_volunteer_table_get_records() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("a.db");
    let file = dir.path().join("register.csv");
    std::fs::write(
        &file,
        "姓名,地址,关系,政治面貌,出生日期,志愿者\n\
         孔喆,1栋1单元101,户主,中共党员（离退休）,1950-01-06,是\n\
         郝堃,1栋1单元101,配偶,群众,1952-03-01,\n\
         孙八,1栋1单元102,户主,群众,1990-03-01,是\n",
    )
    .unwrap();
    {
        let mut ledger = open(&path);
        ledger.import_file(&file, &Default::default(), &mut |_| {}).unwrap();
        let names: Vec<String> =
            ledger.list_volunteers(&VolunteerFilter::default()).unwrap().into_iter().map(|v| v.name).collect();
        assert_eq!(names, ["孔喆", "孙八"], "the import ticks create records in its transaction");
    }
    // A register from before the volunteer table: ticked residents without records, at a schema
    // version from before the back-fill (migration 0008, which runs once per register).
    {
        let conn = rusqlite::Connection::open(&path).unwrap();
        conn.execute_batch("DELETE FROM volunteers; PRAGMA user_version = 7;").unwrap();
    }
    let numbers = |path: &Path| -> Vec<(String, String, String)> {
        let ledger = Ledger::open(path).unwrap();
        let rows = ledger.list_volunteers(&VolunteerFilter::default()).unwrap();
        rows.into_iter().map(|v| (v.number, v.name, v.line)).collect()
    };
    let first = numbers(&path);
    assert_eq!(
        first,
        [
            ("XH-00001".to_string(), "孔喆".to_string(), "银力量·离退休党员".to_string()),
            ("XH-00002".to_string(), "孙八".to_string(), "青动力·两新组织".to_string()),
        ]
    );
    assert_eq!(numbers(&path), first, "opening again creates nothing");
    let ledger = Ledger::open(&path).unwrap();
    let upgrade: Vec<String> = ledger
        .audit_log(&Default::default())
        .unwrap()
        .rows
        .into_iter()
        .filter(|r| r.entity == "志愿者" && r.summary.contains("数据升级"))
        .map(|r| r.summary)
        .collect();
    assert_eq!(upgrade, ["数据升级：为 2 位勾选了志愿者的居民建立志愿者档案"], "the back-fill is audited, once");
}

#[test]
fn overlapping_periods_and_more_than_24_hours_a_day_are_refused_naming_the_entry() {
    let dir = tempfile::tempdir().unwrap();
    let mut office = one_unit_office(&dir.path().join("a.db"));
    let zhou = office.volunteer("周国强");
    let sweep = office.ledger.record_hours(&hours(zhou, "2026-11-20", "08:00", "10:30", "楼道清扫")).unwrap();

    let err = office.ledger.record_hours(&hours(zhou, "2026-11-20", "10:00", "11:00", "文明劝导")).unwrap_err();
    assert_eq!((err.kind(), err.fields()[0].field), ("invalid", "start_time"));
    let message = err.to_string();
    assert!(message.contains(&format!("第 {sweep} 条（2026-11-20 08:00–10:30 楼道清扫）")), "{message}");
    assert!(message.contains("时间重叠"), "{message}");
    // Touching ends are not an overlap.
    office.ledger.record_hours(&hours(zhou, "2026-11-20", "10:30", "11:00", "文明劝导")).unwrap();

    // An overnight watch blocks the early hours of the next day.
    let watch = office.ledger.record_hours(&overnight(zhou, "2026-11-20", "22:00", "02:00", "夜间巡逻")).unwrap();
    assert_eq!(office.entry(watch).minutes, 240);
    let err = office.ledger.record_hours(&hours(zhou, "2026-11-21", "01:30", "03:00", "送医")).unwrap_err();
    assert!(err.to_string().contains("2026-11-20 22:00–次日 02:00 夜间巡逻"), "{err}");
    office.ledger.record_hours(&hours(zhou, "2026-11-21", "02:00", "03:00", "送医")).unwrap();

    // A rejected entry no longer blocks its time.
    office
        .ledger
        .review_hours(&[sweep], &HoursReview { approve: false, note: "时间记错".into(), ..Default::default() })
        .unwrap();
    office.ledger.record_hours(&hours(zhou, "2026-11-20", "09:00", "10:00", "楼道清扫")).unwrap();

    // 24 hours a day: checked before the overlap, so it has its own message; an overnight entry
    // counts on each side of midnight.
    let li = office.volunteer("李晓");
    let long = office.ledger.record_hours(&hours(li, "2026-11-10", "00:00", "23:30", "防汛值守")).unwrap();
    let err = office.ledger.record_hours(&hours(li, "2026-11-10", "12:00", "12:45", "送餐")).unwrap_err();
    assert_eq!(err.fields()[0].field, "date");
    let message = err.to_string();
    assert!(message.contains("2026-11-10 已登记 23 小时 30 分"), "{message}");
    assert!(message.contains(&format!("第 {long} 条")) && message.contains("防汛值守"), "{message}");
    assert!(message.contains("超过一天 24 小时") && !message.contains("重叠"), "{message}");
    // 22:00–次日 00:45 is 2 h 45 on the 9th, but 45 min on the 10th: 24 h 15 there.
    let err = office.ledger.record_hours(&overnight(li, "2026-11-09", "22:00", "00:45", "夜间巡逻")).unwrap_err();
    assert!(err.to_string().contains("2026-11-10 已登记 23 小时 30 分"), "{err}");
    assert!(err.to_string().contains("共 24 小时 15 分"), "{err}");
    // 22:00–次日 00:30 stays within 24 h but overlaps the 00:00 start: the overlap rule speaks.
    let err = office.ledger.record_hours(&overnight(li, "2026-11-09", "22:00", "00:30", "夜间巡逻")).unwrap_err();
    assert!(err.to_string().contains("时间重叠"), "{err}");
    office.ledger.record_hours(&overnight(li, "2026-11-09", "22:00", "00:00", "夜间巡逻")).unwrap();
}

#[test]
fn hours_that_have_not_happened_or_fall_after_leaving_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let mut office = one_unit_office(&dir.path().join("a.db"));
    let zhou = office.volunteer("周国强");
    let err = office.ledger.record_hours(&hours(zhou, "2026-11-29", "09:00", "10:00", "文明劝导")).unwrap_err();
    assert_eq!(err.fields()[0].field, "end_time");
    assert!(err.to_string().contains("尚未结束"), "{err}");
    let err = office.ledger.record_hours(&overnight(zhou, "2026-11-28", "22:00", "02:00", "夜间巡逻")).unwrap_err();
    assert!(err.to_string().contains("次日 02:00") && err.to_string().contains("尚未结束"), "{err}");

    // With "today" pinned to a past day, "now" is the end of that day.
    office.ledger.set_today(NaiveDate::from_ymd_opt(2026, 3, 10).unwrap());
    office.ledger.record_hours(&hours(zhou, "2026-03-10", "21:00", "23:59", "夜间巡逻")).unwrap();
    office.ledger.set_today(today());

    // Regression: a certificate showed service from before the volunteer joined.
    let err = office.ledger.record_hours(&hours(zhou, "2025-12-31", "09:00", "10:00", "文明劝导")).unwrap_err();
    assert!(err.to_string().contains("于 2026-01-01 加入"), "{err}");

    office.ledger.leave_volunteer(zhou, Some("2026-11-15")).unwrap();
    let err = office.ledger.record_hours(&hours(zhou, "2026-11-16", "09:00", "10:00", "文明劝导")).unwrap_err();
    assert!(err.to_string().contains("已于 2026-11-15 退出"), "{err}");
    office.ledger.record_hours(&hours(zhou, "2026-11-15", "09:00", "10:00", "文明劝导")).unwrap();
    assert_eq!(
        office.ledger.record_hours(&hours(999, "2026-11-15", "09:00", "10:00", "x")).unwrap_err().kind(),
        "not_found"
    );
}

#[test]
fn totals_count_confirmed_hours_only() {
    let dir = tempfile::tempdir().unwrap();
    let mut office = one_unit_office(&dir.path().join("a.db"));
    let zhou = office.volunteer("周国强");
    let shop = office
        .ledger
        .save_organisation(&OrganisationInput {
            name: "邻里益仓便利店".into(),
            kind: "智慧益仓商户".into(),
            ..Default::default()
        })
        .unwrap();
    let wang = office
        .ledger
        .save_volunteer(&VolunteerInput {
            name: "王师傅".into(),
            organisation_id: Some(shop),
            joined_on: "2026-01-01".into(),
            ..Default::default()
        })
        .unwrap();
    let a = office.ledger.record_hours(&hours(zhou, "2026-10-05", "09:00", "11:00", "楼道清扫")).unwrap();
    let b = office.ledger.record_hours(&hours(zhou, "2026-11-05", "09:00", "10:15", "文明劝导")).unwrap();
    office.ledger.record_hours(&hours(zhou, "2026-11-06", "09:00", "10:00", "送餐")).unwrap();
    let rejected = office.ledger.record_hours(&hours(zhou, "2026-11-07", "09:00", "10:30", "送餐")).unwrap();
    let c = office.ledger.record_hours(&hours(wang, "2026-11-08", "08:00", "13:15", "家电维修")).unwrap();
    office.confirm(&[a, b, c]);
    office
        .ledger
        .review_hours(&[rejected], &HoursReview { approve: false, note: "重复登记".into(), ..Default::default() })
        .unwrap();

    let report = office.ledger.hours_report(None, None).unwrap();
    assert_eq!((report.total_minutes, report.total_text.as_str()), (510, "8 小时 30 分"));
    assert_eq!(report.pending_minutes, 60);
    let people: Vec<(&str, i64, &str)> =
        report.by_volunteer.iter().map(|v| (v.name.as_str(), v.minutes, v.text.as_str())).collect();
    assert_eq!(people, [("王师傅", 315, "5 小时 15 分"), ("周国强", 195, "3 小时 15 分")]);
    let sum: f64 = report.by_volunteer.iter().map(|v| v.hours).sum();
    assert!((sum - report.total_hours).abs() < 1e-9 && (report.total_hours - 8.5).abs() < 1e-9);
    let lines: Vec<(&str, i64)> = report.by_line.iter().map(|g| (g.label.as_str(), g.minutes)).collect();
    assert_eq!(lines, [("红引擎·在职党员", 195), ("银力量·离退休党员", 0), ("青动力·两新组织", 315)]);
    let groups: Vec<(&str, i64, i64)> =
        report.by_organisation.iter().map(|g| (g.label.as_str(), g.minutes, g.volunteers)).collect();
    assert_eq!(groups, [("邻里益仓便利店", 315, 1), ("社区居民", 195, 1)]);
    let months: Vec<(&str, i64, i64)> =
        report.by_month.iter().map(|g| (g.label.as_str(), g.minutes, g.entries)).collect();
    assert_eq!(months, [("2026-10", 120, 1), ("2026-11", 390, 2)]);

    let november = office
        .ledger
        .hours_report(NaiveDate::from_ymd_opt(2026, 11, 1), NaiveDate::from_ymd_opt(2026, 11, 30))
        .unwrap();
    assert_eq!((november.total_minutes, november.from.as_deref()), (390, Some("2026-11-01")));

    let reversed =
        office.ledger.hours_report(NaiveDate::from_ymd_opt(2026, 11, 30), NaiveDate::from_ymd_opt(2026, 11, 1));
    assert_eq!(reversed.unwrap_err().fields()[0].field, "to");

    let row = office.ledger.volunteer(zhou).unwrap().volunteer;
    assert_eq!((row.confirmed_minutes, row.pending_minutes, row.confirmed_text.as_str()), (195, 60, "3 小时 15 分"));
    assert_eq!(office.ledger.list_organisations().unwrap()[0].members, 1);
}

#[test]
fn review_is_all_or_nothing_and_a_rejection_needs_a_reason() {
    let dir = tempfile::tempdir().unwrap();
    let mut office = one_unit_office(&dir.path().join("a.db"));
    office.ledger.set_operator("李梅");
    let zhou = office.volunteer("周国强");
    let a = office.ledger.record_hours(&hours(zhou, "2026-11-01", "09:00", "10:00", "楼道清扫")).unwrap();
    let b = office.ledger.record_hours(&hours(zhou, "2026-11-02", "09:00", "10:00", "文明劝导")).unwrap();
    let c = office.ledger.record_hours(&hours(zhou, "2026-11-03", "09:00", "10:00", "送餐")).unwrap();
    office.confirm(&[b]);

    let err = office.ledger.review_hours(&[a, b, c], &HoursReview { approve: true, ..Default::default() }).unwrap_err();
    assert_eq!(err.kind(), "refused");
    assert!(
        err.to_string().contains(&format!("第 {b} 条（周国强 2026-11-02 09:00–10:00 文明劝导）已是已确认")),
        "{err}"
    );
    assert_eq!([office.entry(a).status, office.entry(c).status], ["待审核", "待审核"], "nothing was reviewed");

    let err = office.ledger.review_hours(&[a], &HoursReview { approve: false, ..Default::default() }).unwrap_err();
    assert_eq!(err.fields()[0].field, "note");
    let count = office
        .ledger
        .review_hours(&[a, c], &HoursReview { approve: false, verifier: "张书记".into(), note: "无签到记录".into() })
        .unwrap();
    assert_eq!(count, 2);
    let rejected = office.entry(a);
    assert_eq!(
        (rejected.status.as_str(), rejected.verifier.as_deref(), rejected.review_note.as_str()),
        ("已驳回", Some("张书记"), "无签到记录")
    );
    assert_eq!(office.entry(b).verifier.as_deref(), Some("李梅"), "a blank verifier is the operator");
    assert_eq!(office.entry(b).entered_by, "李梅");

    let history: Vec<(String, String)> =
        office.ledger.hour_entry_history(a).unwrap().into_iter().map(|e| (e.action, e.operator)).collect();
    assert_eq!(history, [("登记".to_string(), "李梅".to_string()), ("驳回".to_string(), "李梅".to_string())]);
    let pending = HoursFilter { status: Some("待审核".into()), ..Default::default() };
    assert!(office.ledger.list_hours(&pending).unwrap().is_empty());
}

#[test]
fn a_correction_keeps_the_wrong_entry_and_its_history() {
    let dir = tempfile::tempdir().unwrap();
    let mut office = one_unit_office(&dir.path().join("a.db"));
    let zhou = office.volunteer("周国强");
    let wrong = office.ledger.record_hours(&hours(zhou, "2026-11-20", "09:00", "12:00", "楼道清扫")).unwrap();
    office.confirm(&[wrong]);

    let err =
        office.ledger.correct_hours(wrong, &hours(zhou, "2026-11-20", "09:00", "11:00", "楼道清扫"), " ").unwrap_err();
    assert_eq!(err.fields()[0].field, "reason");
    // The new times overlap the wrong entry's: the check ignores the entry being corrected.
    let right = office
        .ledger
        .correct_hours(wrong, &hours(zhou, "2026-11-20", "09:00", "11:00", "楼道清扫"), "多记了一小时")
        .unwrap();

    let old = office.entry(wrong);
    assert_eq!((old.status.as_str(), old.corrected_by), ("已驳回", Some(right)));
    assert_eq!(old.review_note, format!("已更正为第 {right} 条：多记了一小时"));
    let new = office.entry(right);
    assert_eq!((new.status.as_str(), new.corrects_id, new.minutes), ("待审核", Some(wrong), 120));
    let actions =
        |id| -> Vec<String> { office.ledger.hour_entry_history(id).unwrap().into_iter().map(|e| e.action).collect() };
    assert_eq!(actions(wrong), ["登记", "确认", "更正"]);
    assert_eq!(actions(right), ["更正"]);

    let again = office
        .ledger
        .correct_hours(wrong, &hours(zhou, "2026-11-20", "09:00", "10:00", "楼道清扫"), "再改")
        .unwrap_err();
    assert!(again.to_string().contains(&format!("已更正为第 {right} 条")), "{again}");
    assert_eq!(office.ledger.hours_report(None, None).unwrap().total_minutes, 0, "the correction awaits review");
    office.confirm(&[right]);
    assert_eq!(office.ledger.hours_report(None, None).unwrap().total_minutes, 120);
}

#[test]
fn entries_are_never_deleted_or_rewritten() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("a.db");
    let mut office = one_unit_office(&path);
    let zhou = office.volunteer("周国强");
    let id = office.ledger.record_hours(&hours(zhou, "2026-11-20", "09:00", "12:00", "楼道清扫")).unwrap();
    drop(office);
    let conn = rusqlite::Connection::open(&path).unwrap();
    let err = conn.execute("DELETE FROM hour_entries WHERE id = ?1", [id]).unwrap_err();
    assert!(err.to_string().contains("志愿服务记录不能删除"), "{err}");
    let err = conn.execute("UPDATE hour_entries SET minutes = 600 WHERE id = ?1", [id]).unwrap_err();
    assert!(err.to_string().contains("登记后不能修改"), "{err}");
    let err = conn.execute("DELETE FROM hour_entry_events", []).unwrap_err();
    assert!(err.to_string().contains("历史不能删除"), "{err}");
}

#[test]
fn hours_from_an_activity_roll_call() {
    let dir = tempfile::tempdir().unwrap();
    let mut office = one_unit_office(&dir.path().join("a.db"));
    let a = office.resident("周国强", Some("中共党员（在职）"), "1960-05-01", true);
    let b = office.resident("李晓", None, "1998-02-11", true);
    let busy = office.resident("陈红", None, "1990-07-07", true);
    let absent = office.resident("钱多", None, "1985-01-01", true);
    let guest = office.resident("赵平", None, "1970-01-01", false);
    let busy_volunteer = office.record_of(busy).id;
    office.ledger.record_hours(&hours(busy_volunteer, "2026-11-20", "10:00", "12:00", "送餐")).unwrap();

    let class = ActivityInput {
        title: "红色知识小课堂".into(),
        line: "银力量·离退休党员".into(),
        date: "2026-11-20".into(),
        start_time: "09:00".into(),
        end_time: "11:00".into(),
        place: "党群服务中心".into(),
        organiser: "周丽华".into(),
        ..Default::default()
    };
    let activity = office.ledger.save_activity(&class).unwrap();
    let mut marks = Vec::new();
    for resident_id in [a, b, busy, absent, guest] {
        let signup = office.ledger.sign_up(activity, &Attendee::Resident { resident_id }).unwrap().signup_id;
        marks.push(AttendanceMark { signup_id: signup, present: resident_id != absent });
    }
    office.ledger.mark_attendance(activity, &marks).unwrap();

    let outcome = office.ledger.record_activity_hours(activity).unwrap();
    assert_eq!(outcome.created.len(), 2);
    assert_eq!(outcome.skipped.len(), 1);
    assert_eq!(outcome.skipped[0].name, "陈红");
    assert!(outcome.skipped[0].reason.contains("时间重叠"), "{:?}", outcome.skipped);
    let entries = office.ledger.list_hours(&HoursFilter { activity_id: Some(activity), ..Default::default() }).unwrap();
    let mut names: Vec<&str> = entries.iter().map(|e| e.name.as_str()).collect();
    names.sort_unstable();
    assert_eq!(names, ["周国强", "李晓"]);
    let first = &entries[0];
    assert_eq!(
        (first.content.as_str(), first.place.as_str(), first.organiser.as_str(), first.minutes, first.status.as_str()),
        ("红色知识小课堂", "党群服务中心", "周丽华", 120, "待审核")
    );
    assert_eq!(first.activity_title.as_deref(), Some("红色知识小课堂"));

    let again = office.ledger.record_activity_hours(activity).unwrap();
    assert!(again.created.is_empty());
    assert_eq!(again.skipped.len(), 3);
    assert!(again.skipped.iter().any(|s| s.name == "周国强" && s.reason.contains("已有本场活动")));

    let later = office.ledger.save_activity(&ActivityInput { date: "2026-12-05".into(), ..class.clone() }).unwrap();
    let err = office.ledger.record_activity_hours(later).unwrap_err();
    assert!(err.to_string().contains("尚未结束"), "{err}");
    let cancelled = office.ledger.save_activity(&ActivityInput { date: "2026-11-21".into(), ..class }).unwrap();
    office.ledger.cancel_activity(cancelled).unwrap();
    let err = office.ledger.record_activity_hours(cancelled).unwrap_err();
    assert!(err.to_string().contains("已于") && err.to_string().contains("取消"), "{err}");
}

#[test]
fn the_certificate_lists_confirmed_hours_with_the_masked_id_and_the_issuer() {
    let dir = tempfile::tempdir().unwrap();
    let mut office = one_unit_office(&dir.path().join("a.db"));
    let resident = office.resident("周国强", Some("中共党员（在职）"), "1960-05-01", true);
    let mut form = office.ledger.resident(resident).unwrap();
    form.id_number = Some("430105196005010019".into());
    let with_id = ResidentInput {
        id: Some(resident),
        household_id: form.household_id,
        name: form.name,
        relation: form.relation,
        id_number: form.id_number,
        political_status: Some(form.political_status),
        is_volunteer: true,
        ..Default::default()
    };
    office.ledger.save_resident(&with_id).unwrap();
    let zhou = office.record_of(resident).id;
    let late = office.ledger.record_hours(&hours(zhou, "2026-11-20", "09:00", "11:00", "楼道清扫")).unwrap();
    let early = office.ledger.record_hours(&hours(zhou, "2026-10-02", "14:00", "17:15", "文明劝导")).unwrap();
    office.ledger.record_hours(&hours(zhou, "2026-11-21", "09:00", "10:00", "送餐")).unwrap();
    office.confirm(&[late, early]);

    let certificate = office.ledger.certificate(zhou, None, None).unwrap();
    assert_eq!(certificate.certificate_number, "LH-ZM-20261128-LH-00001");
    assert_eq!(certificate.id_number_masked.as_deref().map(|m| m.contains('*')), Some(true));
    assert!(!certificate.id_number_masked.unwrap().contains("19600501"));
    assert_eq!((certificate.from.as_str(), certificate.to.as_str()), ("2026-10-02", "2026-11-20"));
    assert_eq!((certificate.total_minutes, certificate.total_text.as_str()), (315, "5 小时 15 分"));
    let ids: Vec<i64> = certificate.entries.iter().map(|e| e.id).collect();
    assert_eq!(ids, [early, late], "confirmed entries by date");
    assert_eq!(certificate.issuer.organisation, "浏河社区居民委员会");

    let issuer = xinghe_ledger::hours::CertificateIssuer {
        organisation: "".into(),
        person_in_charge: "张书记".into(),
        handler: "李梅".into(),
        contact: "0512-53123456".into(),
    };
    office.ledger.save_certificate_issuer(&issuer).unwrap();
    let saved = office.ledger.certificate_issuer().unwrap();
    assert_eq!((saved.organisation.as_str(), saved.handler.as_str()), ("浏河社区居民委员会", "李梅"));

    let november = office.ledger.certificate(zhou, NaiveDate::from_ymd_opt(2026, 11, 1), None).unwrap();
    assert_eq!((november.total_minutes, november.from.as_str()), (120, "2026-11-01"));
    let err = office.ledger.certificate(zhou, NaiveDate::from_ymd_opt(2026, 11, 21), None).unwrap_err();
    assert!(err.to_string().contains("没有已确认的服务时长"), "{err}");

    // Regression: two certificates for one volunteer issued on one day shared a number.
    let first = office.ledger.issue_certificate(zhou, None, None).unwrap();
    let second = office.ledger.issue_certificate(zhou, NaiveDate::from_ymd_opt(2026, 11, 1), None).unwrap();
    assert_eq!(
        (first.certificate_number.as_str(), second.certificate_number.as_str()),
        ("LH-ZM-2026-0001", "LH-ZM-2026-0002")
    );
    assert!(office.ledger.issue_certificate(zhou, NaiveDate::from_ymd_opt(2026, 11, 21), None).is_err());
    let issued = office
        .ledger
        .audit_log(&xinghe_ledger::access::audit::AuditFilter {
            query: Some("出具志愿服务记录证明".into()),
            ..Default::default()
        })
        .unwrap();
    assert_eq!(issued.total, 2, "each issue is audited; a refused one is not");
}

#[test]
fn a_volunteer_who_moves_out_or_dies_stops_volunteering_and_keeps_the_hours() {
    let dir = tempfile::tempdir().unwrap();
    let mut office = one_unit_office(&dir.path().join("register.db"));
    let volunteer = office.volunteer("迁出人");
    let mover = office.ledger.volunteer(volunteer).unwrap().volunteer.resident_id.unwrap();
    let deceased = office.volunteer("故去人");
    let deceased = office.ledger.volunteer(deceased).unwrap().volunteer.resident_id.unwrap();
    let entry = office.ledger.record_hours(&hours(volunteer, "2026-11-20", "09:00", "10:00", "楼道清扫")).unwrap();
    office.confirm(&[entry]);

    office.ledger.move_out_resident(mover, Some("2026-11-25")).unwrap();
    office.ledger.mark_deceased(deceased, Some("2026-11-26")).unwrap();

    assert_eq!(office.record_of(mover).left_on.as_deref(), Some("2026-11-25"));
    assert_eq!(office.record_of(deceased).left_on.as_deref(), Some("2026-11-26"));
    let current = office.ledger.list_volunteers(&VolunteerFilter::default()).unwrap();
    assert!(current.iter().all(|v| v.resident_id != Some(mover) && v.resident_id != Some(deceased)));
    assert_eq!(office.ledger.hours_report(None, None).unwrap().total_minutes, 60, "hours stay on record");
}

/// Regressions from the review of the hours ledger: a cancelled activity kept its hours, a
/// rejected roll-call entry came back on the next click, members of organisations (who sign up
/// as guests) never got roll-call hours, and a leaving date could fall before recorded service.
#[test]
fn roll_call_hours_respect_rejections_guests_cancellation_and_leaving() {
    let dir = tempfile::tempdir().unwrap();
    let mut office = one_unit_office(&dir.path().join("a.db"));
    let resident = office.resident("周国强", Some("中共党员（在职）"), "1960-05-01", true);
    let zhou = office.record_of(resident).id;
    let shop = office
        .ledger
        .save_organisation(&OrganisationInput {
            name: "邻里益仓便利店".into(),
            kind: "智慧益仓商户".into(),
            ..Default::default()
        })
        .unwrap();
    let member = VolunteerInput {
        name: "王师傅".into(),
        organisation_id: Some(shop),
        phone: "13900001111".into(),
        joined_on: "2026-01-01".into(),
        ..Default::default()
    };
    let wang = office.ledger.save_volunteer(&member).unwrap();

    let class = ActivityInput {
        title: "楼道清扫".into(),
        line: "青动力·两新组织".into(),
        date: "2026-11-20".into(),
        start_time: "09:00".into(),
        end_time: "11:00".into(),
        ..Default::default()
    };
    let activity = office.ledger.save_activity(&class).unwrap();
    let resident_signup = office.ledger.sign_up(activity, &Attendee::Resident { resident_id: resident }).unwrap();
    let guest = Attendee::Guest { guest_name: "王师傅".into(), guest_phone: Some("139 0000 1111".into()) };
    let guest_signup = office.ledger.sign_up(activity, &guest).unwrap();
    let marks: Vec<AttendanceMark> = [resident_signup.signup_id, guest_signup.signup_id]
        .into_iter()
        .map(|signup_id| AttendanceMark { signup_id, present: true })
        .collect();
    office.ledger.mark_attendance(activity, &marks).unwrap();

    let outcome = office.ledger.record_activity_hours(activity).unwrap();
    let names: Vec<String> = outcome.created.iter().map(|id| office.entry(*id).name).collect();
    assert_eq!(names, ["周国强", "王师傅"], "the member signed up as a guest is matched by phone");

    let zhou_entry = outcome.created[0];
    let reject = HoursReview { approve: false, verifier: "周丽华".into(), note: "只是参加活动".into() };
    office.ledger.review_hours(&[zhou_entry], &reject).unwrap();
    let again = office.ledger.record_activity_hours(activity).unwrap();
    assert!(again.created.is_empty(), "a rejected entry must not come back: {again:?}");

    let err = office.ledger.cancel_activity(activity).unwrap_err();
    assert!(err.to_string().contains("已登记 1 条志愿服务时长"), "{err}");
    let err = office.ledger.leave_volunteer(wang, Some("2026-11-10")).unwrap_err();
    assert!(err.to_string().contains("2026-11-20"), "{err}");
    office.ledger.leave_volunteer(wang, Some("2026-11-20")).unwrap();
    office.ledger.leave_volunteer(zhou, Some("2026-11-10")).unwrap(); // only a rejected entry after it
}

/// Regression: every entry said it was entered by 社区工作人员, because nothing named the person
/// at the PC. The office names them once in the settings; the name survives a restart.
#[test]
fn entries_record_the_operator_named_in_the_settings() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("a.db");
    let mut office = one_unit_office(&path);
    let zhou = office.volunteer("周国强");
    office.ledger.set_operator_name("  刘芳 ").unwrap();
    drop(office);

    let mut ledger = open(&path);
    assert_eq!(ledger.operator(), "刘芳");
    let id = ledger.record_hours(&hours(zhou, "2026-11-20", "09:00", "10:00", "文明劝导")).unwrap();
    ledger.review_hours(&[id], &HoursReview { approve: true, ..Default::default() }).unwrap();
    let entry = ledger.list_hours(&HoursFilter::default()).unwrap().into_iter().find(|e| e.id == id).unwrap();
    assert_eq!((entry.entered_by.as_str(), entry.verifier.as_deref()), ("刘芳", Some("刘芳")));
    assert!(ledger.set_operator_name(&"长".repeat(21)).is_err());
    ledger.set_operator_name("").unwrap();
    assert_eq!(Ledger::open(&path).unwrap().operator(), "社区工作人员");
}
