//! 书记项目: projects with one owner, a timetable and milestones; linked activities and
//! services. A project's status (按计划 / 滞后 / 已完成) follows from its milestones on "today".

use crate::access::audit::{self, Change};
use crate::activities::LINES;
use crate::error::{Error, FieldError, Result};
use crate::ledger::Ledger;
use crate::register::households::format_address;
use crate::values::dates::parse_date;
use crate::values::text::non_blank;
use chrono::NaiveDate;
use rusqlite::{params, Connection, OptionalExtension};
use serde::{Deserialize, Serialize};
use std::collections::{HashMap, HashSet};

pub const ON_TRACK: &str = "on_track";
pub const LATE: &str = "late";
pub const DONE: &str = "done";

/// The label shown for a status key.
pub fn status_label(status: &str) -> &'static str {
    match status {
        LATE => "滞后",
        DONE => "已完成",
        _ => "按计划",
    }
}

/// A project as typed into the form. Milestones missing from `milestones` are removed;
/// `activity_ids` replaces the linked activities.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct ProjectInput {
    pub id: Option<i64>,
    pub name: String,
    pub line: String,
    pub owner: String,
    pub goal: String,
    pub starts_on: String,
    pub ends_on: String,
    pub milestones: Vec<MilestoneInput>,
    pub activity_ids: Vec<i64>,
}

#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct MilestoneInput {
    /// The milestone being edited; `None` adds a new one.
    pub id: Option<i64>,
    pub title: String,
    pub due_on: String,
    pub done_on: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ValidProject {
    pub name: String,
    pub line: String,
    pub owner: String,
    pub goal: String,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
    /// In the order typed; that order is the milestones' position.
    pub milestones: Vec<ValidMilestone>,
    pub activity_ids: Vec<i64>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ValidMilestone {
    pub id: Option<i64>,
    pub title: String,
    pub due_on: NaiveDate,
    pub done_on: Option<NaiveDate>,
}

fn date_field(
    errors: &mut Vec<FieldError>,
    field: &'static str,
    what: &str,
    text: &str,
    example: &str,
) -> Option<NaiveDate> {
    let text = text.trim();
    if text.is_empty() {
        errors.push(FieldError::new(field, format!("请填写{what}")));
        return None;
    }
    let date = parse_date(text);
    if date.is_none() {
        errors.push(FieldError::new(field, format!("{what}“{text}”不是有效日期，请写成 {example} 的样式")));
    }
    date
}

impl ProjectInput {
    /// Checks every field; milestone problems name the milestone by its place and title.
    pub fn validate(&self, today: NaiveDate) -> Result<ValidProject> {
        let mut errors = Vec::new();
        let name = self.name.trim().to_string();
        if name.is_empty() {
            errors.push(FieldError::new("name", "请填写项目名称"));
        }
        if !LINES.contains(&self.line.as_str()) {
            errors
                .push(FieldError::new("line", format!("条线“{}”无效，请选择 {}", self.line.trim(), LINES.join("、"))));
        }
        let owner = self.owner.trim().to_string();
        if owner.is_empty() {
            errors.push(FieldError::new("owner", "请填写项目负责人（书记）"));
        }
        let starts_on = date_field(&mut errors, "starts_on", "开始日期", &self.starts_on, "2026-01-01");
        let ends_on = date_field(&mut errors, "ends_on", "结束日期", &self.ends_on, "2026-12-31");
        if let (Some(start), Some(end)) = (starts_on, ends_on) {
            if end < start {
                errors.push(FieldError::new("ends_on", format!("结束日期 {end} 早于开始日期 {start}")));
            }
        }
        let mut milestones = Vec::new();
        let mut seen = HashSet::new();
        for (index, m) in self.milestones.iter().enumerate() {
            let title = m.title.trim().to_string();
            let which =
                if title.is_empty() { format!("第 {} 个节点", index + 1) } else { format!("节点“{title}”") };
            let mut bad = |message: String| errors.push(FieldError::new("milestones", message));
            if title.is_empty() {
                bad(format!("第 {} 个节点没有填写名称", index + 1));
            }
            if let Some(id) = m.id.filter(|id| !seen.insert(*id)) {
                bad(format!("{which}重复出现（节点编号 {id}）"));
            }
            let due_on = match non_blank(Some(&m.due_on)) {
                None => {
                    bad(format!("{which}没有填写截止日期"));
                    None
                }
                Some(text) => match parse_date(&text) {
                    None => {
                        bad(format!("{which}的截止日期“{text}”不是有效日期，请写成 2026-06-30 的样式"));
                        None
                    }
                    Some(due) => {
                        // A milestone outside the project's period cannot be planned by it.
                        if let Some(start) = starts_on.filter(|s| due < *s) {
                            bad(format!("{which}的截止日期 {due} 早于项目开始日期 {start}"));
                        } else if let Some(end) = ends_on.filter(|e| due > *e) {
                            bad(format!("{which}的截止日期 {due} 晚于项目结束日期 {end}"));
                        }
                        Some(due)
                    }
                },
            };
            let done_on = match non_blank(m.done_on.as_deref()) {
                None => None,
                Some(text) => match parse_date(&text) {
                    None => {
                        bad(format!("{which}的完成日期“{text}”不是有效日期，请写成 2026-06-30 的样式"));
                        None
                    }
                    Some(done) if done > today => {
                        bad(format!("{which}的完成日期 {done} 晚于今天"));
                        None
                    }
                    Some(done) => Some(done),
                },
            };
            if let Some(due_on) = due_on {
                milestones.push(ValidMilestone { id: m.id, title, due_on, done_on });
            }
        }
        let mut activity_ids = Vec::new();
        for id in &self.activity_ids {
            if !activity_ids.contains(id) {
                activity_ids.push(*id);
            }
        }
        if !errors.is_empty() {
            return Err(Error::Invalid(errors));
        }
        Ok(ValidProject {
            name,
            line: self.line.clone(),
            owner,
            goal: self.goal.trim().to_string(),
            starts_on: starts_on.expect("checked"),
            ends_on: ends_on.expect("checked"),
            milestones,
            activity_ids,
        })
    }
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct MilestoneRow {
    pub id: i64,
    pub title: String,
    pub due_on: String,
    pub done_on: Option<String>,
    /// Not done and due before today.
    pub late: bool,
    /// Days past the due date while late; 0 otherwise.
    pub days_late: i64,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct ProjectRow {
    pub id: i64,
    pub name: String,
    pub line: String,
    pub owner: String,
    pub goal: String,
    pub starts_on: String,
    pub ends_on: String,
    /// `on_track`, `late` or `done`.
    pub status: &'static str,
    /// 按计划, 滞后 or 已完成.
    pub status_label: &'static str,
    pub milestones_done: i64,
    pub milestones_total: i64,
    /// The undone milestone due first.
    pub next_milestone: Option<MilestoneRow>,
    pub late_milestones: i64,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct ProjectActivity {
    pub id: i64,
    pub title: String,
    pub date: String,
    pub cancelled_on: Option<String>,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct ProjectService {
    pub id: i64,
    pub kind: String,
    pub address: String,
    pub requested_on: String,
    pub done_on: Option<String>,
    pub cancelled_on: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct ProjectDetail {
    pub project: ProjectRow,
    /// In the order of the form.
    pub milestones: Vec<MilestoneRow>,
    pub activities: Vec<ProjectActivity>,
    pub services: Vec<ProjectService>,
}

/// An undone milestone past its due date, for the dashboard.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct LateMilestone {
    pub project_id: i64,
    pub project: String,
    pub owner: String,
    pub milestone_id: i64,
    pub title: String,
    pub due_on: String,
    pub days_late: i64,
}

fn milestone_row(id: i64, title: String, due_on: String, done_on: Option<String>, today: NaiveDate) -> MilestoneRow {
    let days_late = match (&done_on, NaiveDate::parse_from_str(&due_on, "%Y-%m-%d")) {
        (None, Ok(due)) => (today - due).num_days().max(0),
        _ => 0,
    };
    MilestoneRow { id, title, due_on, done_on, late: days_late > 0, days_late }
}

/// Done when there are milestones and all are done; late when one is past due (or the project
/// has ended with some undone); otherwise on track.
fn project_status(milestones: &[MilestoneRow], ends_on: &str, today: NaiveDate) -> &'static str {
    let undone = milestones.iter().filter(|m| m.done_on.is_none()).count();
    let ended = NaiveDate::parse_from_str(ends_on, "%Y-%m-%d").is_ok_and(|end| end < today);
    if !milestones.is_empty() && undone == 0 {
        DONE
    } else if milestones.iter().any(|m| m.late) || (ended && (undone > 0 || milestones.is_empty())) {
        // An ended project with nothing to show it was done is late, not "on track" forever.
        LATE
    } else {
        ON_TRACK
    }
}

fn status_rank(status: &str) -> u8 {
    match status {
        LATE => 0,
        ON_TRACK => 1,
        _ => 2,
    }
}

struct ProjectFacts {
    id: i64,
    name: String,
    line: String,
    owner: String,
    goal: String,
    starts_on: String,
    ends_on: String,
}

fn project_row(p: ProjectFacts, milestones: &[MilestoneRow], today: NaiveDate) -> ProjectRow {
    let status = project_status(milestones, &p.ends_on, today);
    let next_milestone =
        milestones.iter().filter(|m| m.done_on.is_none()).min_by(|a, b| a.due_on.cmp(&b.due_on)).cloned();
    ProjectRow {
        id: p.id,
        name: p.name,
        line: p.line,
        owner: p.owner,
        goal: p.goal,
        starts_on: p.starts_on,
        ends_on: p.ends_on,
        status,
        status_label: status_label(status),
        milestones_done: milestones.iter().filter(|m| m.done_on.is_some()).count() as i64,
        milestones_total: milestones.len() as i64,
        next_milestone,
        late_milestones: milestones.iter().filter(|m| m.late).count() as i64,
    }
}

const PROJECT_COLUMNS: &str = "id, name, line, owner, goal, starts_on, ends_on";

fn facts_from(r: &rusqlite::Row) -> rusqlite::Result<ProjectFacts> {
    Ok(ProjectFacts {
        id: r.get(0)?,
        name: r.get(1)?,
        line: r.get(2)?,
        owner: r.get(3)?,
        goal: r.get(4)?,
        starts_on: r.get(5)?,
        ends_on: r.get(6)?,
    })
}

fn write_project(conn: &Connection, id: Option<i64>, p: &ValidProject) -> Result<i64> {
    let now = Ledger::now_text();
    let values = params![p.name, p.line, p.owner, p.goal, p.starts_on.to_string(), p.ends_on.to_string(), now, id];
    let result = match id {
        Some(id) => conn
            .execute(
                "UPDATE projects SET name=?1, line=?2, owner=?3, goal=?4, starts_on=?5, ends_on=?6, updated_at=?7
                 WHERE id=?8",
                values,
            )
            .map(|n| (n, id)),
        None => conn
            .execute(
                // id is NULL here, so SQLite assigns the next rowid.
                "INSERT INTO projects(name, line, owner, goal, starts_on, ends_on, created_at, updated_at, id)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?7, ?8)",
                values,
            )
            .map(|n| (n, conn.last_insert_rowid())),
    };
    let (updated, id) = result.map_err(|e| match e {
        rusqlite::Error::SqliteFailure(f, _) if f.extended_code == rusqlite::ffi::SQLITE_CONSTRAINT_UNIQUE => {
            Error::Conflict(format!("项目“{}”已存在，请换一个名称", p.name))
        }
        other => other.into(),
    })?;
    if updated == 0 {
        return Err(Error::NotFound { what: "项目", id });
    }
    Ok(id)
}

/// Replaces the project's milestones with the form's: kept ones are updated in place (their ids
/// stay), missing ones are removed, new ones added; the form's order is their position.
fn write_milestones(conn: &Connection, project_id: i64, milestones: &[ValidMilestone]) -> Result<()> {
    let mut stmt = conn.prepare_cached("SELECT id FROM milestones WHERE project_id = ?1")?;
    let existing: HashSet<i64> = stmt.query_map([project_id], |r| r.get(0))?.collect::<rusqlite::Result<_>>()?;
    if let Some(id) = milestones.iter().filter_map(|m| m.id).find(|id| !existing.contains(id)) {
        return Err(Error::NotFound { what: "本项目的节点", id });
    }
    let kept: HashSet<i64> = milestones.iter().filter_map(|m| m.id).collect();
    for id in existing.difference(&kept) {
        conn.execute("DELETE FROM milestones WHERE id = ?1", [id])?;
    }
    for (position, m) in milestones.iter().enumerate() {
        let values =
            params![project_id, m.title, m.due_on.to_string(), m.done_on.map(|d| d.to_string()), position as i64, m.id];
        match m.id {
            Some(_) => conn.execute(
                "UPDATE milestones SET title=?2, due_on=?3, done_on=?4, position=?5 WHERE id=?6 AND project_id=?1",
                values,
            )?,
            None => conn.execute(
                "INSERT INTO milestones(project_id, title, due_on, done_on, position, id) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                values,
            )?,
        };
    }
    Ok(())
}

/// A project's row with its milestones and linked activities, for the audit trail.
fn project_json(conn: &Connection, id: i64) -> Result<Option<String>> {
    let Some(row) = audit::row_json(conn, "projects", id)? else {
        return Ok(None);
    };
    let mut stmt = conn.prepare_cached(
        "SELECT title || '（计划 ' || due_on || coalesce('，' || done_on || ' 完成', '') || '）'
         FROM milestones WHERE project_id = ?1 ORDER BY position",
    )?;
    let milestones: Vec<String> = stmt.query_map([id], |r| r.get(0))?.collect::<rusqlite::Result<_>>()?;
    let mut stmt =
        conn.prepare_cached("SELECT activity_id FROM project_activities WHERE project_id = ?1 ORDER BY activity_id")?;
    let activities: Vec<i64> = stmt.query_map([id], |r| r.get(0))?.collect::<rusqlite::Result<_>>()?;
    let row = audit::with_field(&row, "milestones", milestones.join("；").into());
    Ok(Some(audit::with_field(&row, "activity_ids", activities.into())))
}

fn write_activities(conn: &Connection, project_id: i64, activity_ids: &[i64]) -> Result<()> {
    conn.execute("DELETE FROM project_activities WHERE project_id = ?1", [project_id])?;
    for id in activity_ids {
        let exists: bool =
            conn.query_row("SELECT EXISTS(SELECT 1 FROM activities WHERE id = ?1)", [id], |r| r.get(0))?;
        if !exists {
            return Err(Error::NotFound { what: "活动", id: *id });
        }
        conn.execute("INSERT INTO project_activities(project_id, activity_id) VALUES (?1, ?2)", [project_id, *id])?;
    }
    Ok(())
}

impl Ledger {
    /// Creates (no id) or edits a project with its milestones and linked activities: one
    /// transaction, all or nothing.
    pub fn save_project(&mut self, input: &ProjectInput) -> Result<i64> {
        let valid = input.validate(self.today())?;
        let actor = self.actor();
        let tx = self.conn.transaction()?;
        let before = match input.id {
            Some(id) => project_json(&tx, id)?,
            None => None,
        };
        let id = write_project(&tx, input.id, &valid)?;
        write_milestones(&tx, id, &valid.milestones)?;
        write_activities(&tx, id, &valid.activity_ids)?;
        let action = audit::save_action(&before);
        let change = Change::new(action, "项目", Some(id), format!("{action}书记项目“{}”", valid.name));
        audit::record(&tx, &actor, change.before(before).after(project_json(&tx, id)?))?;
        tx.commit()?;
        self.changed();
        Ok(id)
    }

    /// Ticks a milestone done on `date` (default today; never in the future).
    pub fn complete_milestone(&mut self, milestone_id: i64, date: Option<&str>) -> Result<()> {
        let date = self.action_date(date, "done_on")?;
        let actor = self.actor();
        let tx = self.conn.transaction()?;
        let before = audit::row_json(&tx, "milestones", milestone_id)?;
        let updated = tx.execute(
            "UPDATE milestones SET done_on = ?2 WHERE id = ?1 AND done_on IS NULL",
            params![milestone_id, date],
        )?;
        if updated == 0 {
            let found: Option<(String, String)> = tx
                .query_row("SELECT title, done_on FROM milestones WHERE id = ?1", [milestone_id], |r| {
                    Ok((r.get(0)?, r.get(1)?))
                })
                .optional()?;
            return Err(match found {
                Some((title, done_on)) => Error::Refused(format!("节点“{title}”已于 {done_on} 完成")),
                None => Error::NotFound { what: "项目节点", id: milestone_id },
            });
        }
        let (title, project): (String, String) = tx.query_row(
            "SELECT m.title, p.name FROM milestones m JOIN projects p ON p.id = m.project_id WHERE m.id = ?1",
            [milestone_id],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )?;
        let summary = format!("书记项目“{project}”的节点“{title}”于 {date} 完成");
        let change = Change::new("完成", "节点", Some(milestone_id), summary).before(before);
        audit::record(&tx, &actor, change.after(audit::row_json(&tx, "milestones", milestone_id)?))?;
        tx.commit()?;
        self.changed();
        Ok(())
    }

    /// Every project: late ones first, then on track, then done; each group by start date.
    pub fn list_projects(&self) -> Result<Vec<ProjectRow>> {
        let today = self.today();
        let mut milestones = self.milestones_by_project(None)?;
        let mut stmt = self.conn.prepare_cached(&format!("SELECT {PROJECT_COLUMNS} FROM projects"))?;
        let facts: Vec<ProjectFacts> = stmt.query_map([], facts_from)?.collect::<rusqlite::Result<_>>()?;
        let mut rows: Vec<ProjectRow> = facts
            .into_iter()
            .map(|p| {
                let own = milestones.remove(&p.id).unwrap_or_default();
                project_row(p, &own, today)
            })
            .collect();
        rows.sort_by(|a, b| {
            (status_rank(a.status), &a.starts_on, &a.name, a.id).cmp(&(
                status_rank(b.status),
                &b.starts_on,
                &b.name,
                b.id,
            ))
        });
        Ok(rows)
    }

    /// The project page: the project, its milestones, linked activities and services.
    pub fn project(&self, id: i64) -> Result<ProjectDetail> {
        let today = self.today();
        let facts = self
            .conn
            .query_row(&format!("SELECT {PROJECT_COLUMNS} FROM projects WHERE id = ?1"), [id], facts_from)
            .optional()?
            .ok_or(Error::NotFound { what: "项目", id })?;
        let milestones = self.milestones_by_project(Some(id))?.remove(&id).unwrap_or_default();
        let project = project_row(facts, &milestones, today);
        let mut stmt = self.conn.prepare_cached(
            "SELECT a.id, a.title, a.date, a.cancelled_on FROM project_activities pa JOIN activities a ON a.id = pa.activity_id
             WHERE pa.project_id = ?1 ORDER BY a.date, a.start_time, a.id",
        )?;
        let activities = stmt
            .query_map([id], |r| {
                Ok(ProjectActivity { id: r.get(0)?, title: r.get(1)?, date: r.get(2)?, cancelled_on: r.get(3)? })
            })?
            .collect::<rusqlite::Result<_>>()?;
        let mut stmt = self.conn.prepare_cached(
            "SELECT s.id, s.kind, b.name, u.name, h.room, s.requested_on, s.done_on, s.cancelled_on
             FROM services s JOIN households h ON h.id = s.household_id JOIN units u ON u.id = h.unit_id
             JOIN buildings b ON b.id = u.building_id
             WHERE s.project_id = ?1 ORDER BY s.requested_on, s.id",
        )?;
        let services = stmt
            .query_map([id], |r| {
                Ok(ProjectService {
                    id: r.get(0)?,
                    kind: r.get(1)?,
                    address: format_address(&r.get::<_, String>(2)?, &r.get::<_, String>(3)?, &r.get::<_, String>(4)?),
                    requested_on: r.get(5)?,
                    done_on: r.get(6)?,
                    cancelled_on: r.get(7)?,
                })
            })?
            .collect::<rusqlite::Result<_>>()?;
        Ok(ProjectDetail { project, milestones, activities, services })
    }

    /// Undone milestones past their due date, the longest overdue first.
    pub fn late_milestones(&self) -> Result<Vec<LateMilestone>> {
        let today = self.today();
        let mut stmt = self.conn.prepare_cached(
            "SELECT p.id, p.name, p.owner, m.id, m.title, m.due_on FROM milestones m JOIN projects p ON p.id = m.project_id
             WHERE m.done_on IS NULL AND m.due_on < ?1 ORDER BY m.due_on, p.name, m.position, m.id",
        )?;
        let rows = stmt.query_map([today.to_string()], |r| {
            let due_on: String = r.get(5)?;
            let days_late =
                NaiveDate::parse_from_str(&due_on, "%Y-%m-%d").map(|d| (today - d).num_days()).unwrap_or_default();
            Ok(LateMilestone {
                project_id: r.get(0)?,
                project: r.get(1)?,
                owner: r.get(2)?,
                milestone_id: r.get(3)?,
                title: r.get(4)?,
                due_on,
                days_late,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    fn milestones_by_project(&self, project_id: Option<i64>) -> Result<HashMap<i64, Vec<MilestoneRow>>> {
        let today = self.today();
        let mut stmt = self.conn.prepare_cached(
            "SELECT project_id, id, title, due_on, done_on FROM milestones
             WHERE ?1 IS NULL OR project_id = ?1 ORDER BY project_id, position, id",
        )?;
        let rows = stmt.query_map([project_id], |r| {
            Ok((r.get::<_, i64>(0)?, milestone_row(r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, today)))
        })?;
        let mut by_project: HashMap<i64, Vec<MilestoneRow>> = HashMap::new();
        for row in rows {
            let (project, milestone) = row?;
            by_project.entry(project).or_default().push(milestone);
        }
        Ok(by_project)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 28).unwrap()
    }

    fn input() -> ProjectInput {
        ProjectInput {
            name: "楼道微更新".into(),
            line: "红引擎·在职党员".into(),
            owner: "周丽华".into(),
            starts_on: "2026-03-01".into(),
            ends_on: "2026-12-31".into(),
            milestones: vec![MilestoneInput {
                title: "摸底".into(),
                due_on: "2026-04-30".into(),
                ..Default::default()
            }],
            ..Default::default()
        }
    }

    fn m(due_on: &str, done_on: Option<&str>) -> MilestoneRow {
        milestone_row(1, "节点".into(), due_on.into(), done_on.map(str::to_string), today())
    }

    #[test]
    fn every_bad_field_is_named() {
        let err = ProjectInput {
            name: " ".into(),
            line: "红引擎".into(),
            owner: "".into(),
            starts_on: "2026-13-01".into(),
            ends_on: "".into(),
            ..input()
        }
        .validate(today())
        .unwrap_err();
        let fields: Vec<_> = err.fields().iter().map(|f| f.field).collect();
        assert_eq!(fields, ["name", "line", "owner", "starts_on", "ends_on"]);
    }

    #[test]
    fn milestones_stay_inside_the_project_period_and_are_not_done_in_the_future() {
        let err = ProjectInput {
            milestones: vec![
                MilestoneInput { title: "筹备".into(), due_on: "2026-02-01".into(), ..Default::default() },
                MilestoneInput { title: "总结".into(), due_on: "2027-01-05".into(), ..Default::default() },
                MilestoneInput {
                    title: "中期".into(),
                    due_on: "2026-06-30".into(),
                    done_on: Some("2026-11-29".into()),
                    ..Default::default()
                },
                MilestoneInput { title: "".into(), due_on: "".into(), ..Default::default() },
            ],
            ..input()
        }
        .validate(today())
        .unwrap_err();
        let messages: Vec<&str> = err.fields().iter().map(|f| f.message.as_str()).collect();
        assert_eq!(
            messages,
            [
                "节点“筹备”的截止日期 2026-02-01 早于项目开始日期 2026-03-01",
                "节点“总结”的截止日期 2027-01-05 晚于项目结束日期 2026-12-31",
                "节点“中期”的完成日期 2026-11-29 晚于今天",
                "第 4 个节点没有填写名称",
                "第 4 个节点没有填写截止日期",
            ]
        );
    }

    #[test]
    fn the_end_is_not_before_the_start() {
        let err = ProjectInput { ends_on: "2026-02-28".into(), ..input() }.validate(today()).unwrap_err();
        assert_eq!(err.fields()[0].message, "结束日期 2026-02-28 早于开始日期 2026-03-01");
    }

    #[test]
    fn status_follows_the_milestones() {
        let end = "2026-12-31";
        assert_eq!(project_status(&[], end, today()), ON_TRACK, "no milestones yet");
        assert_eq!(project_status(&[m("2026-12-01", None)], end, today()), ON_TRACK);
        assert_eq!(project_status(&[m("2026-11-28", None)], end, today()), ON_TRACK, "due today is not late");
        assert_eq!(project_status(&[m("2026-11-27", None), m("2026-12-01", None)], end, today()), LATE);
        assert_eq!(project_status(&[m("2026-11-01", Some("2026-11-20"))], end, today()), DONE);
        assert_eq!(
            project_status(&[m("2026-11-01", Some("2026-11-20")), m("2026-12-01", None)], end, today()),
            ON_TRACK
        );
        // Milestones from before the due-date rule could sit after the end of the project.
        assert_eq!(project_status(&[m("2026-12-01", None)], "2026-11-27", today()), LATE);
        // Regression: an ended project without milestones stayed on track forever.
        assert_eq!(project_status(&[], "2026-11-27", today()), LATE);
        assert_eq!(project_status(&[], "2026-11-28", today()), ON_TRACK, "ends today");
        assert_eq!(m("2026-11-18", None).days_late, 10);
        assert_eq!(m("2026-11-18", Some("2026-11-20")).days_late, 0);
    }
}
