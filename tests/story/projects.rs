//! Story: the party secretary plans 书记项目 with milestones, links activities and services,
//! ticks milestones off, and sees which projects are late — on the project list and on the
//! dashboard — as the days pass.

use crate::support::small_community::{community, date};
use crate::support::TODAY;
use xinghe_ledger::activities::ActivityInput;
use xinghe_ledger::projects::{MilestoneInput, ProjectInput, ProjectRow};
use xinghe_ledger::Ledger;

fn milestone(title: &str, due_on: &str, done_on: Option<&str>) -> MilestoneInput {
    MilestoneInput { id: None, title: title.into(), due_on: due_on.into(), done_on: done_on.map(str::to_string) }
}

fn project(name: &str, starts_on: &str, milestones: Vec<MilestoneInput>) -> ProjectInput {
    ProjectInput {
        name: name.into(),
        line: "红引擎·在职党员".into(),
        owner: "周丽华".into(),
        goal: "让老楼道亮起来".into(),
        starts_on: starts_on.into(),
        ends_on: "2026-12-31".into(),
        milestones,
        ..Default::default()
    }
}

struct Plans {
    late: i64,
    on_track: i64,
    done: i64,
    empty: i64,
}

/// Saved in an order that is neither the status order nor the start-date order.
fn plans(ledger: &mut Ledger) -> Plans {
    let done = ledger
        .save_project(&project(
            "银发助餐",
            "2026-01-01",
            vec![
                milestone("选点", "2026-03-01", Some("2026-02-20")),
                milestone("开餐", "2026-06-01", Some("2026-06-01")),
            ],
        ))
        .unwrap();
    let on_track = ledger
        .save_project(&project(
            "青春FUN 共创空间",
            "2026-02-01",
            vec![milestone("招募", "2026-11-28", None), milestone("开放", "2026-12-20", None)],
        ))
        .unwrap();
    let late = ledger
        .save_project(&project(
            "楼道微更新",
            "2026-03-01",
            vec![
                milestone("摸底", "2026-04-30", Some("2026-04-28")),
                milestone("施工", "2026-11-20", None),
                milestone("验收", "2026-12-20", None),
            ],
        ))
        .unwrap();
    let empty = ledger.save_project(&project("智慧益仓联盟", "2026-05-01", vec![])).unwrap();
    Plans { late, on_track, done, empty }
}

fn statuses(rows: &[ProjectRow]) -> Vec<(i64, &'static str, &'static str)> {
    rows.iter().map(|r| (r.id, r.status, r.status_label)).collect()
}

#[test]
fn status_follows_the_milestones_and_the_list_shows_late_ones_first() {
    let dir = tempfile::tempdir().unwrap();
    let mut c = community(&dir.path().join("projects.db"), TODAY);
    let p = plans(&mut c.ledger);

    let rows = c.ledger.list_projects().unwrap();
    assert_eq!(
        statuses(&rows),
        [
            (p.late, "late", "滞后"),
            (p.on_track, "on_track", "按计划"),
            (p.empty, "on_track", "按计划"),
            (p.done, "done", "已完成"),
        ],
        "late first, then on track by start date, then done"
    );
    let late = &rows[0];
    assert_eq!((late.milestones_done, late.milestones_total, late.late_milestones), (1, 3, 1));
    let next = late.next_milestone.as_ref().unwrap();
    assert_eq!((next.title.as_str(), next.due_on.as_str(), next.late, next.days_late), ("施工", "2026-11-20", true, 8));
    assert_eq!(rows[1].next_milestone.as_ref().unwrap().title, "招募", "due today is not late yet");
    assert!(rows[3].next_milestone.is_none());

    // A week earlier nothing was late.
    c.ledger.set_today(date("2026-11-19"));
    let rows = c.ledger.list_projects().unwrap();
    assert_eq!(rows.iter().find(|r| r.id == p.late).unwrap().status, "on_track");
    assert!(c.ledger.late_milestones().unwrap().is_empty());

    // Back to today: ticking 施工 off puts the project back on track; the last one makes it done.
    c.ledger.set_today(date(TODAY));
    let detail = c.ledger.project(p.late).unwrap();
    let titles: Vec<&str> = detail.milestones.iter().map(|m| m.title.as_str()).collect();
    assert_eq!(titles, ["摸底", "施工", "验收"]);
    let (build, check) = (detail.milestones[1].id, detail.milestones[2].id);
    let err = c.ledger.complete_milestone(build, Some("2026-11-29")).unwrap_err();
    assert_eq!(err.kind(), "invalid", "not done in the future");
    c.ledger.complete_milestone(build, Some("2026-11-26")).unwrap();
    let err = c.ledger.complete_milestone(build, None).unwrap_err();
    assert_eq!(err.to_string(), "节点“施工”已于 2026-11-26 完成");
    assert_eq!(c.ledger.project(p.late).unwrap().project.status, "on_track");
    c.ledger.complete_milestone(check, None).unwrap();
    let detail = c.ledger.project(p.late).unwrap();
    assert_eq!((detail.project.status, detail.project.milestones_done), ("done", 3));
    assert_eq!(detail.milestones[2].done_on.as_deref(), Some(TODAY));
    assert_eq!(c.ledger.complete_milestone(9999, None).unwrap_err().kind(), "not_found");

    // A project that has ended with milestones undone is late even when none is past due:
    // registers from before the due-date rule can hold milestones after the end.
    c.sql.execute("UPDATE projects SET ends_on = '2026-11-25' WHERE id = ?1", [p.on_track]).unwrap();
    let row = c.ledger.list_projects().unwrap().into_iter().find(|r| r.id == p.on_track).unwrap();
    assert_eq!((row.status, row.late_milestones), ("late", 0));
}

#[test]
fn editing_a_project_keeps_removes_and_adds_milestones_in_one_step() {
    let dir = tempfile::tempdir().unwrap();
    let mut c = community(&dir.path().join("edit.db"), TODAY);
    let p = plans(&mut c.ledger);
    let before = c.ledger.project(p.late).unwrap();
    let (survey, build) = (before.milestones[0].id, before.milestones[1].id);

    // The form drops 验收, moves 施工 first, renames it, and adds 回访.
    let mut input = project(
        "楼道微更新",
        "2026-03-01",
        vec![
            MilestoneInput { id: Some(build), ..milestone("施工与安装", "2026-12-05", None) },
            MilestoneInput { id: Some(survey), ..milestone("摸底", "2026-04-30", Some("2026-04-28")) },
            milestone("回访", "2026-12-30", None),
        ],
    );
    input.id = Some(p.late);
    c.ledger.save_project(&input).unwrap();
    let after = c.ledger.project(p.late).unwrap();
    let rows: Vec<(i64, &str, &str)> =
        after.milestones.iter().map(|m| (m.id, m.title.as_str(), m.due_on.as_str())).collect();
    assert_eq!(rows[..2], [(build, "施工与安装", "2026-12-05"), (survey, "摸底", "2026-04-30")]);
    assert_eq!(rows[2].1, "回访");
    assert_eq!(after.project.status, "on_track", "the new due date is ahead");

    // A milestone of another project, a due date outside the period, a taken name: refused,
    // and nothing of the form is written.
    let other = c.ledger.project(p.done).unwrap().milestones[0].id;
    let mut stolen = input.clone();
    stolen.milestones.push(MilestoneInput { id: Some(other), ..milestone("选点", "2026-03-01", None) });
    assert_eq!(c.ledger.save_project(&stolen).unwrap_err().kind(), "not_found");
    let mut outside = input.clone();
    outside.milestones[2].due_on = "2027-01-10".into();
    let err = c.ledger.save_project(&outside).unwrap_err();
    assert_eq!(err.fields()[0].field, "milestones");
    assert!(err.to_string().contains("2027-01-10"), "{err}");
    let mut taken = input.clone();
    taken.name = "银发助餐".into();
    assert_eq!(c.ledger.save_project(&taken).unwrap_err().kind(), "conflict");
    assert_eq!(c.ledger.project(p.late).unwrap().milestones, after.milestones);
    assert_eq!(c.ledger.project(p.done).unwrap().milestones.len(), 2);
}

#[test]
fn a_project_page_lists_its_activities_and_services() {
    let dir = tempfile::tempdir().unwrap();
    let mut c = community(&dir.path().join("links.db"), TODAY);
    let p = plans(&mut c.ledger);
    let activity = |title: &str, date: &str| ActivityInput {
        title: title.into(),
        line: "红引擎·在职党员".into(),
        date: date.into(),
        start_time: "09:00".into(),
        end_time: "10:30".into(),
        ..Default::default()
    };
    let later = c.ledger.save_activity(&activity("楼道议事会（二）", "2026-12-05")).unwrap();
    let first = c.ledger.save_activity(&activity("楼道议事会（一）", "2026-10-10")).unwrap();
    let home = c.household(0, "101");
    c.resident(home, "张建华", "户主", "1960-01-01", &["低保"]);
    c.project_service(Some(p.late), home, "水电维修", "2026-11-20", Some("2026-11-21"));
    c.service(home, "走访慰问", "2026-11-22", None);

    let mut input = project("楼道微更新", "2026-03-01", vec![milestone("施工", "2026-11-20", None)]);
    input.id = Some(p.late);
    input.activity_ids = vec![later, first, later];
    c.ledger.save_project(&input).unwrap();
    let detail = c.ledger.project(p.late).unwrap();
    let activities: Vec<(i64, &str)> = detail.activities.iter().map(|a| (a.id, a.date.as_str())).collect();
    assert_eq!(activities, [(first, "2026-10-10"), (later, "2026-12-05")], "by date, each once");
    assert_eq!(detail.services.len(), 1);
    let s = &detail.services[0];
    assert_eq!(
        (s.kind.as_str(), s.address.as_str(), s.done_on.as_deref()),
        ("水电维修", "8栋1单元101", Some("2026-11-21"))
    );

    // Unlinking keeps the activities themselves; an unknown activity is refused.
    input.activity_ids = vec![first];
    c.ledger.save_project(&input).unwrap();
    assert_eq!(c.ledger.project(p.late).unwrap().activities.len(), 1);
    input.activity_ids = vec![first, 9999];
    assert_eq!(c.ledger.save_project(&input).unwrap_err().kind(), "not_found");
    assert_eq!(c.ledger.project(p.late).unwrap().activities.len(), 1);
    assert_eq!(c.ledger.project(4242).unwrap_err().kind(), "not_found");
}

#[test]
fn late_milestones_reach_the_dashboard_longest_overdue_first() {
    let dir = tempfile::tempdir().unwrap();
    let mut c = community(&dir.path().join("board.db"), TODAY);
    let p = plans(&mut c.ledger);
    let older = c
        .ledger
        .save_project(&project("红色知识小课堂进楼栋", "2026-04-01", vec![milestone("开课", "2026-10-31", None)]))
        .unwrap();

    let board = c.ledger.dashboard().unwrap();
    let late: Vec<(i64, &str, &str, i64)> = board
        .late_milestones
        .iter()
        .map(|m| (m.project_id, m.title.as_str(), m.due_on.as_str(), m.days_late))
        .collect();
    assert_eq!(late, [(older, "开课", "2026-10-31", 28), (p.late, "施工", "2026-11-20", 8)]);
    assert_eq!(board.late_milestones[1].project, "楼道微更新");
    assert_eq!(board.late_milestones[1].owner, "周丽华");

    let build = c.ledger.project(p.late).unwrap().milestones[1].id;
    c.ledger.complete_milestone(build, None).unwrap();
    let board = c.ledger.dashboard().unwrap();
    assert_eq!(board.late_milestones.iter().map(|m| m.project_id).collect::<Vec<_>>(), [older]);
}
