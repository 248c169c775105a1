//! Services and visits to vulnerable households, and the hours volunteers earn from them.
//!
//! A service is requested (or a visit planned), then done — which gives every volunteer sent
//! one 待审核 hour entry under the same rules as any other entry, all or nothing — or cancelled.

use crate::access::audit::{self, Change};
use crate::error::{Error, FieldError, Result};
use crate::hours::{filter_date, hhmm, record_checked, ValidEntry};
use crate::ledger::{Ledger, CURRENT};
use crate::register::households::format_address;
use crate::values::dates::parse_date;
use crate::values::text::non_blank;
use crate::volunteers::Conditions;
use chrono::{NaiveDate, NaiveTime};
use rusqlite::{params, params_from_iter, Connection, OptionalExtension, Row, TransactionBehavior};
use serde::{Deserialize, Serialize};

pub const SERVICE_KINDS: [&str; 5] = ["家电维修", "水电维修", "走访慰问", "代办服务", "其他"];
pub const OPEN: &str = "待处理";
pub const DONE: &str = "已完成";
pub const CANCELLED: &str = "已取消";

/// A service request or visit as typed into the form.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct ServiceInput {
    pub id: Option<i64>,
    pub household_id: i64,
    pub kind: String,
    pub description: String,
    /// Blank means today.
    pub requested_on: String,
    pub organisation_id: Option<i64>,
    pub volunteer_ids: Vec<i64>,
    pub project_id: Option<i64>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ValidService {
    pub household_id: i64,
    pub kind: String,
    pub description: String,
    pub requested_on: NaiveDate,
    pub organisation_id: Option<i64>,
    pub volunteer_ids: Vec<i64>,
    pub project_id: Option<i64>,
}

impl ServiceInput {
    pub fn validate(&self, today: NaiveDate) -> Result<ValidService> {
        let mut errors = Vec::new();
        if self.household_id <= 0 {
            errors.push(FieldError::new("household_id", "请选择服务的住户"));
        }
        let kind = self.kind.trim().to_string();
        if !SERVICE_KINDS.contains(&kind.as_str()) {
            errors.push(FieldError::new("kind", format!("服务类型“{kind}”应为 {}", SERVICE_KINDS.join("、"))));
        }
        let requested_on = match non_blank(Some(&self.requested_on)) {
            None => Some(today),
            Some(text) => parse_date(&text).or_else(|| {
                errors.push(FieldError::new(
                    "requested_on",
                    format!("申请日期“{text}”不是有效日期，请写成 2026-12-01 的样式"),
                ));
                None
            }),
        };
        let mut volunteer_ids = Vec::new();
        for id in &self.volunteer_ids {
            if !volunteer_ids.contains(id) {
                volunteer_ids.push(*id);
            }
        }
        if !errors.is_empty() {
            return Err(Error::Invalid(errors));
        }
        Ok(ValidService {
            household_id: self.household_id,
            kind,
            description: self.description.trim().to_string(),
            requested_on: requested_on.expect("checked"),
            organisation_id: self.organisation_id,
            volunteer_ids,
            project_id: self.project_id,
        })
    }
}

/// What was done, as typed when the service is completed.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct ServiceDoneInput {
    /// Blank means today.
    pub done_on: String,
    /// Required when volunteers were sent: their hours are computed from these.
    pub start_time: String,
    pub end_time: String,
    pub outcome: String,
    /// Optional date of the next visit.
    pub follow_up_on: String,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct ServiceDone {
    pub hour_entries: Vec<i64>,
}

#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct ServiceFilter {
    /// "open", "done" or "cancelled"; none for all.
    pub status: Option<String>,
    pub household_id: Option<i64>,
    pub kind: Option<String>,
    pub organisation_id: Option<i64>,
    pub project_id: Option<i64>,
    /// Requested on or after.
    pub from: Option<String>,
    /// Requested on or before.
    pub to: Option<String>,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct VolunteerRef {
    pub id: i64,
    pub number: String,
    pub name: String,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct ServiceRow {
    pub id: i64,
    pub household_id: i64,
    pub address: String,
    /// Current members of the household, 户主 first.
    pub residents: Vec<String>,
    pub kind: String,
    pub description: String,
    pub requested_on: String,
    pub organisation_id: Option<i64>,
    pub organisation: Option<String>,
    pub volunteers: Vec<VolunteerRef>,
    pub done_on: Option<String>,
    pub outcome: String,
    pub follow_up_on: Option<String>,
    pub cancelled_on: Option<String>,
    pub project_id: Option<i64>,
    pub project: Option<String>,
    /// 待处理, 已完成 or 已取消.
    pub status: String,
}

impl ServiceDoneInput {
    /// The done date, follow-up date and (when given or needed) the times of the work.
    fn validate(&self, requested_on: &str, today: NaiveDate, needs_times: bool) -> Result<ValidDone> {
        let mut errors = Vec::new();
        let done_on = match non_blank(Some(&self.done_on)) {
            None => Some(today),
            Some(text) => parse_date(&text).or_else(|| {
                errors.push(FieldError::new(
                    "done_on",
                    format!("完成日期“{text}”不是有效日期，请写成 2026-12-01 的样式"),
                ));
                None
            }),
        };
        if let Some(done) = done_on {
            if done > today {
                errors.push(FieldError::new("done_on", format!("完成日期 {done} 晚于今天 {today}")));
            } else if done.to_string().as_str() < requested_on {
                errors.push(FieldError::new("done_on", format!("完成日期 {done} 早于申请日期 {requested_on}")));
            }
        }
        let times = times(&self.start_time, &self.end_time, needs_times, &mut errors);
        let follow_up_on = match non_blank(Some(&self.follow_up_on)) {
            None => None,
            Some(text) => match parse_date(&text) {
                Some(d) if done_on.is_some_and(|done| d < done) => {
                    errors.push(FieldError::new("follow_up_on", format!("回访日期 {d} 早于完成日期")));
                    None
                }
                Some(d) => Some(d),
                None => {
                    errors.push(FieldError::new(
                        "follow_up_on",
                        format!("回访日期“{text}”不是有效日期，请写成 2026-12-01 的样式"),
                    ));
                    None
                }
            },
        };
        if !errors.is_empty() {
            return Err(Error::Invalid(errors));
        }
        Ok(ValidDone {
            done_on: done_on.expect("checked"),
            times,
            outcome: self.outcome.trim().to_string(),
            follow_up_on,
        })
    }
}

/// Start and end of the work: required when volunteers earn hours from it, else optional.
fn times(start: &str, end: &str, required: bool, errors: &mut Vec<FieldError>) -> Option<(NaiveTime, NaiveTime)> {
    if !required && start.trim().is_empty() && end.trim().is_empty() {
        return None;
    }
    let (parsed_start, parsed_end) = crate::values::dates::parse_times(start, end, errors);
    let (s, e) = (parsed_start?, parsed_end?);
    if e <= s {
        errors.push(FieldError::new("end_time", format!("结束时间 {} 应晚于开始时间 {}", hhmm(e), hhmm(s))));
        return None;
    }
    Some((s, e))
}

struct ValidDone {
    done_on: NaiveDate,
    times: Option<(NaiveTime, NaiveTime)>,
    outcome: String,
    follow_up_on: Option<NaiveDate>,
}

const SERVICE_SELECT: &str = "SELECT s.id, s.household_id, b.name, u.name, h.room, s.kind, s.description,
     s.requested_on, s.organisation_id, o.name, s.done_on, s.outcome, s.follow_up_on, s.cancelled_on, s.project_id, p.name
     FROM services s
     JOIN households h ON h.id = s.household_id
     JOIN units u ON u.id = h.unit_id
     JOIN buildings b ON b.id = u.building_id
     LEFT JOIN organisations o ON o.id = s.organisation_id
     LEFT JOIN projects p ON p.id = s.project_id";

fn status_of(done_on: &Option<String>, cancelled_on: &Option<String>) -> &'static str {
    match (done_on, cancelled_on) {
        (_, Some(_)) => CANCELLED,
        (Some(_), None) => DONE,
        (None, None) => OPEN,
    }
}

fn service_from(r: &Row) -> rusqlite::Result<ServiceRow> {
    let done_on: Option<String> = r.get(10)?;
    let cancelled_on: Option<String> = r.get(13)?;
    Ok(ServiceRow {
        id: r.get(0)?,
        household_id: r.get(1)?,
        address: format_address(&r.get::<_, String>(2)?, &r.get::<_, String>(3)?, &r.get::<_, String>(4)?),
        residents: Vec::new(),
        kind: r.get(5)?,
        description: r.get(6)?,
        requested_on: r.get(7)?,
        organisation_id: r.get(8)?,
        organisation: r.get(9)?,
        volunteers: Vec::new(),
        status: status_of(&done_on, &cancelled_on).to_string(),
        done_on,
        outcome: r.get(11)?,
        follow_up_on: r.get(12)?,
        cancelled_on,
        project_id: r.get(14)?,
        project: r.get(15)?,
    })
}

fn residents_of(conn: &Connection, household_id: i64) -> Result<Vec<String>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT r.name FROM residents r WHERE r.household_id = ?1 AND {CURRENT} ORDER BY {}",
        crate::register::residents::MEMBER_ORDER
    ))?;
    let names = stmt.query_map([household_id], |r| r.get(0))?;
    Ok(names.collect::<rusqlite::Result<_>>()?)
}

fn volunteers_of(conn: &Connection, service_id: i64) -> Result<Vec<VolunteerRef>> {
    let mut stmt = conn.prepare_cached(
        "SELECT v.id, v.number, coalesce(r.name, v.name) FROM service_volunteers sv
         JOIN volunteers v ON v.id = sv.volunteer_id LEFT JOIN residents r ON r.id = v.resident_id
         WHERE sv.service_id = ?1 ORDER BY v.id",
    )?;
    let refs =
        stmt.query_map([service_id], |r| Ok(VolunteerRef { id: r.get(0)?, number: r.get(1)?, name: r.get(2)? }))?;
    Ok(refs.collect::<rusqlite::Result<_>>()?)
}

fn services_where(conn: &Connection, conditions: &Conditions) -> Result<Vec<ServiceRow>> {
    let sql = format!("{SERVICE_SELECT}{} ORDER BY s.requested_on DESC, s.id DESC", conditions.where_sql());
    let mut stmt = conn.prepare_cached(&sql)?;
    let rows = stmt.query_map(params_from_iter(conditions.values()), service_from)?;
    let rows: Vec<ServiceRow> = rows.collect::<rusqlite::Result<_>>()?;
    rows.into_iter()
        .map(|mut row| {
            row.residents = residents_of(conn, row.household_id)?;
            row.volunteers = volunteers_of(conn, row.id)?;
            Ok(row)
        })
        .collect()
}

fn service_row(conn: &Connection, id: i64) -> Result<ServiceRow> {
    let mut conditions = Conditions::default();
    conditions.add("s.id = {}", id);
    services_where(conn, &conditions)?.pop().ok_or(Error::NotFound { what: "服务记录", id })
}

fn exists(conn: &Connection, table: &str, id: i64) -> Result<bool> {
    Ok(conn.query_row(&format!("SELECT 1 FROM {table} WHERE id = ?1"), [id], |_| Ok(())).optional()?.is_some())
}

/// The household is current, the provider and project exist and every volunteer is active.
fn check_references(conn: &Connection, service: &ValidService) -> Result<()> {
    let moved_out: Option<Option<String>> = conn
        .query_row("SELECT moved_out_on FROM households WHERE id = ?1", [service.household_id], |r| r.get(0))
        .optional()?;
    match moved_out {
        None => return Err(Error::NotFound { what: "住户", id: service.household_id }),
        Some(Some(date)) => {
            return Err(Error::invalid("household_id", format!("这一户已于 {date} 迁出，不能登记服务")));
        }
        Some(None) => {}
    }
    if let Some(id) = service.organisation_id.filter(|id| !exists(conn, "organisations", *id).unwrap_or(false)) {
        return Err(Error::NotFound { what: "组织", id });
    }
    if let Some(id) = service.project_id.filter(|id| !exists(conn, "projects", *id).unwrap_or(false)) {
        return Err(Error::NotFound { what: "书记项目", id });
    }
    for volunteer_id in &service.volunteer_ids {
        check_sent(conn, *volunteer_id)?;
    }
    Ok(())
}

/// A volunteer sent on a service exists and has not left.
fn check_sent(conn: &Connection, volunteer_id: i64) -> Result<()> {
    let found: Option<(String, String, Option<String>)> = conn
        .query_row(
            "SELECT coalesce(r.name, v.name), v.number, v.left_on FROM volunteers v
             LEFT JOIN residents r ON r.id = v.resident_id WHERE v.id = ?1",
            [volunteer_id],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .optional()?;
    match found {
        None => Err(Error::NotFound { what: "志愿者", id: volunteer_id }),
        Some((name, number, Some(left))) => {
            Err(Error::invalid("volunteer_ids", format!("志愿者 {name}（{number}）已于 {left} 退出，不能派出服务")))
        }
        Some(_) => Ok(()),
    }
}

fn open_service(conn: &Connection, id: i64) -> Result<ServiceRow> {
    let row = service_row(conn, id)?;
    if row.status != OPEN {
        return Err(Error::Refused(format!("{}的“{}”服务{}，不能再修改", row.address, row.kind, row.status)));
    }
    Ok(row)
}

fn write_service(conn: &Connection, id: Option<i64>, s: &ValidService, now: &str) -> Result<i64> {
    let values = params![
        s.household_id,
        s.kind,
        s.description,
        s.requested_on.to_string(),
        s.organisation_id,
        s.project_id,
        now,
        id
    ];
    let id = match id {
        None => {
            conn.execute(
                "INSERT INTO services(household_id, kind, description, requested_on, organisation_id, project_id,
                 created_at, updated_at, id) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?7, ?8)",
                values,
            )?;
            conn.last_insert_rowid()
        }
        Some(id) => {
            open_service(conn, id)?;
            conn.execute(
                "UPDATE services SET household_id = ?1, kind = ?2, description = ?3, requested_on = ?4,
                 organisation_id = ?5, project_id = ?6, updated_at = ?7 WHERE id = ?8",
                values,
            )?;
            id
        }
    };
    conn.execute("DELETE FROM service_volunteers WHERE service_id = ?1", [id])?;
    let mut insert = conn.prepare_cached("INSERT INTO service_volunteers(service_id, volunteer_id) VALUES (?1, ?2)")?;
    for volunteer_id in &s.volunteer_ids {
        insert.execute(params![id, volunteer_id])?;
    }
    Ok(id)
}

/// A service's row with the volunteers sent, for the audit trail.
fn service_json(conn: &Connection, id: i64) -> Result<Option<String>> {
    let Some(row) = audit::row_json(conn, "services", id)? else {
        return Ok(None);
    };
    let mut stmt =
        conn.prepare_cached("SELECT volunteer_id FROM service_volunteers WHERE service_id = ?1 ORDER BY volunteer_id")?;
    let ids: Vec<i64> = stmt.query_map([id], |r| r.get(0))?.collect::<rusqlite::Result<_>>()?;
    Ok(Some(audit::with_field(&row, "volunteer_ids", ids.into())))
}

/// "上门维修 8栋1单元101（2026-11-20）" of a service, for audit summaries.
fn service_label(conn: &Connection, id: i64) -> Result<String> {
    let (kind, household_id, requested_on): (String, i64, String) =
        conn.query_row("SELECT kind, household_id, requested_on FROM services WHERE id = ?1", [id], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?))
        })?;
    Ok(format!("{kind} {}（{requested_on}）", crate::register::households::household_address(conn, household_id)?))
}

impl Ledger {
    /// Saves a service request or visit; only open ones can be changed.
    pub fn save_service(&mut self, input: &ServiceInput) -> Result<i64> {
        let valid = input.validate(self.today())?;
        let actor = self.actor();
        let tx = self.conn.transaction()?;
        check_references(&tx, &valid)?;
        let before = match input.id {
            Some(id) => service_json(&tx, id)?,
            None => None,
        };
        let id = write_service(&tx, input.id, &valid, &Ledger::now_text())?;
        let action = audit::save_action(&before);
        let summary = format!("{action}服务：{}", service_label(&tx, id)?);
        audit::record(
            &tx,
            &actor,
            Change::new(action, "服务", Some(id), summary).before(before).after(service_json(&tx, id)?),
        )?;
        tx.commit()?;
        self.changed();
        Ok(id)
    }

    /// Marks a service done; every volunteer sent gets one 待审核 entry for the times of the work,
    /// under the rules of any entry. All or nothing. The entry names the building, not the
    /// flat: it is printed on certificates handed to volunteers, and the households served are
    /// the vulnerable ones.
    pub fn complete_service(&mut self, id: i64, input: &ServiceDoneInput) -> Result<ServiceDone> {
        let (now, operator, today) = (self.now_limit(), self.operator().to_string(), self.today());
        let actor = self.actor();
        let organiser = self.certificate_issuer()?.organisation;
        let tx = self.conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let service = open_service(&tx, id)?;
        let before = service_json(&tx, id)?;
        let done = input.validate(&service.requested_on, today, !service.volunteers.is_empty())?;
        let building: String = tx.query_row(
            "SELECT b.name FROM households h JOIN units u ON u.id = h.unit_id JOIN buildings b ON b.id = u.building_id
             WHERE h.id = ?1",
            [service.household_id],
            |r| r.get(0),
        )?;
        let content = match service.description.trim() {
            "" => format!("{}（{building}）", service.kind),
            description => format!("{}（{building}）：{description}", service.kind),
        };
        let mut hour_entries = Vec::new();
        if let Some((start_time, end_time)) = done.times {
            for volunteer in &service.volunteers {
                let entry = ValidEntry {
                    volunteer_id: volunteer.id,
                    date: done.done_on,
                    start_time,
                    end_time,
                    overnight: false,
                    content: content.clone(),
                    place: building.clone(),
                    organiser: service.organisation.clone().unwrap_or_else(|| organiser.clone()),
                    activity_id: None,
                    service_id: Some(id),
                };
                hour_entries.push(record_checked(&tx, &entry, now, &operator)?);
            }
        }
        tx.execute(
            "UPDATE services SET done_on = ?2, outcome = ?3, follow_up_on = ?4, updated_at = ?5 WHERE id = ?1",
            params![
                id,
                done.done_on.to_string(),
                done.outcome,
                done.follow_up_on.map(|d| d.to_string()),
                Ledger::now_text()
            ],
        )?;
        let mut summary = format!("完成服务：{}", service_label(&tx, id)?);
        if !hour_entries.is_empty() {
            summary.push_str(&format!("，为 {} 名志愿者登记待审核时长", hour_entries.len()));
        }
        let change = Change::new("完成", "服务", Some(id), summary).before(before);
        audit::record(&tx, &actor, change.after(service_json(&tx, id)?))?;
        tx.commit()?;
        self.changed();
        Ok(ServiceDone { hour_entries })
    }

    /// Cancels an open service (today); it stays in the list as 已取消.
    pub fn cancel_service(&mut self, id: i64) -> Result<()> {
        let today = self.today().to_string();
        let actor = self.actor();
        let tx = self.conn.transaction()?;
        open_service(&tx, id)?;
        let before = service_json(&tx, id)?;
        tx.execute(
            "UPDATE services SET cancelled_on = ?2, updated_at = ?3 WHERE id = ?1",
            params![id, today, Ledger::now_text()],
        )?;
        let change = Change::new("取消", "服务", Some(id), format!("取消服务：{}", service_label(&tx, id)?));
        audit::record(&tx, &actor, change.before(before).after(service_json(&tx, id)?))?;
        tx.commit()?;
        self.changed();
        Ok(())
    }

    /// Services newest request first, filtered.
    pub fn list_services(&self, filter: &ServiceFilter) -> Result<Vec<ServiceRow>> {
        let mut conditions = Conditions::default();
        match non_blank(filter.status.as_deref()).as_deref() {
            None => {}
            Some("open") => conditions.fixed("s.done_on IS NULL AND s.cancelled_on IS NULL"),
            Some("done") => conditions.fixed("s.done_on IS NOT NULL AND s.cancelled_on IS NULL"),
            Some("cancelled") => conditions.fixed("s.cancelled_on IS NOT NULL"),
            Some(other) => {
                return Err(Error::invalid("status", format!("状态“{other}”应为 open、done 或 cancelled")));
            }
        }
        if let Some(id) = filter.household_id {
            conditions.add("s.household_id = {}", id);
        }
        if let Some(kind) = non_blank(filter.kind.as_deref()) {
            conditions.add("s.kind = {}", kind);
        }
        if let Some(id) = filter.organisation_id {
            conditions.add("s.organisation_id = {}", id);
        }
        if let Some(id) = filter.project_id {
            conditions.add("s.project_id = {}", id);
        }
        if let Some(from) = filter_date(filter.from.as_deref(), "from", "开始日期")? {
            conditions.add("s.requested_on >= {}", from.to_string());
        }
        if let Some(to) = filter_date(filter.to.as_deref(), "to", "结束日期")? {
            conditions.add("s.requested_on <= {}", to.to_string());
        }
        services_where(&self.conn, &conditions)
    }

    pub fn service(&self, id: i64) -> Result<ServiceRow> {
        service_row(&self.conn, id)
    }
}
