//! Saving a volunteer, leaving, the filtered list, one volunteer's page and the form options.

use super::numbers::next_number;
use super::resident_link::default_line;
use super::{
    OrganisationRef, ValidVolunteer, VolunteerDetail, VolunteerFilter, VolunteerInput, VolunteerOptions, VolunteerRow,
    OFFER_SUGGESTIONS, ORGANISATION_KINDS, VOLUNTEER_LINES, YOUTH,
};
use crate::access::audit::{self, Change};
use crate::error::{Error, Result};
use crate::hours::{format_minutes, HoursFilter, STATUSES};
use crate::ledger::{Ledger, CURRENT};
use crate::register::households::format_address;
use crate::register::model::stored_if_masked;
use crate::services::SERVICE_KINDS;
use crate::values::phone::{mask_phone, Phone};
use chrono::NaiveDate;
use rusqlite::types::Value;
use rusqlite::{params, params_from_iter, Connection, OptionalExtension, Row, TransactionBehavior};

/// Everything a `VolunteerRow` shows; `v` is the volunteer, joined to its resident's address
/// and its organisation.
pub(crate) const VOLUNTEER_SELECT: &str = "SELECT v.id, v.number, coalesce(r.name, v.name), v.resident_id,
     r.household_id, b.name, u.name, h.room, v.organisation_id, o.name, v.line, coalesce(v.phone, r.phone), v.skills,
     v.joined_on, v.left_on,
     (SELECT coalesce(sum(e.minutes), 0) FROM hour_entries e WHERE e.volunteer_id = v.id AND e.status = '已确认'),
     (SELECT coalesce(sum(e.minutes), 0) FROM hour_entries e WHERE e.volunteer_id = v.id AND e.status = '待审核')
     FROM volunteers v
     LEFT JOIN residents r ON r.id = v.resident_id
     LEFT JOIN households h ON h.id = r.household_id
     LEFT JOIN units u ON u.id = h.unit_id
     LEFT JOIN buildings b ON b.id = u.building_id
     LEFT JOIN organisations o ON o.id = v.organisation_id";

pub(crate) fn volunteer_from(r: &Row) -> rusqlite::Result<VolunteerRow> {
    let address = match (r.get::<_, Option<String>>(5)?, r.get::<_, Option<String>>(6)?, r.get::<_, Option<String>>(7)?)
    {
        (Some(b), Some(u), Some(room)) => Some(format_address(&b, &u, &room)),
        _ => None,
    };
    let confirmed_minutes: i64 = r.get(15)?;
    Ok(VolunteerRow {
        id: r.get(0)?,
        number: r.get(1)?,
        name: r.get(2)?,
        resident_id: r.get(3)?,
        household_id: r.get(4)?,
        address,
        organisation_id: r.get(8)?,
        organisation: r.get(9)?,
        line: r.get(10)?,
        phone_masked: r.get::<_, Option<String>>(11)?.as_deref().map(mask_phone),
        skills: r.get(12)?,
        joined_on: r.get(13)?,
        left_on: r.get(14)?,
        confirmed_minutes,
        pending_minutes: r.get(16)?,
        confirmed_text: format_minutes(confirmed_minutes),
    })
}

/// WHERE clauses with their values, numbered in the order they are added. `{}` in a clause
/// stands for the clause's own value (it may appear more than once).
#[derive(Default)]
pub(crate) struct Conditions {
    clauses: Vec<String>,
    values: Vec<Value>,
}

impl Conditions {
    pub(crate) fn add(&mut self, clause: &str, value: impl Into<Value>) {
        self.values.push(value.into());
        self.clauses.push(clause.replace("{}", &format!("?{}", self.values.len())));
    }

    pub(crate) fn fixed(&mut self, clause: &str) {
        self.clauses.push(clause.to_string());
    }

    pub(crate) fn where_sql(&self) -> String {
        if self.clauses.is_empty() {
            String::new()
        } else {
            format!(" WHERE {}", self.clauses.join(" AND "))
        }
    }

    pub(crate) fn values(&self) -> &[Value] {
        &self.values
    }
}

pub(crate) fn volunteers_where(conn: &Connection, conditions: &Conditions) -> Result<Vec<VolunteerRow>> {
    let sql = format!("{VOLUNTEER_SELECT}{} ORDER BY v.left_on IS NOT NULL, v.id", conditions.where_sql());
    let mut stmt = conn.prepare_cached(&sql)?;
    let rows = stmt.query_map(params_from_iter(conditions.values()), volunteer_from)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

pub(crate) fn volunteer_row(conn: &Connection, id: i64) -> Result<VolunteerRow> {
    let mut conditions = Conditions::default();
    conditions.add("v.id = {}", id);
    volunteers_where(conn, &conditions)?.pop().ok_or(Error::NotFound { what: "志愿者", id })
}

/// A resident who can become a volunteer: the line they get by default.
fn current_resident_line(conn: &Connection, resident_id: i64, today: NaiveDate) -> Result<&'static str> {
    let (status, birth): (String, Option<String>) = conn
        .query_row(
            &format!("SELECT r.political_status, r.birth_date FROM residents r WHERE r.id = ?1 AND {CURRENT}"),
            [resident_id],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?
        .ok_or_else(|| {
            Error::invalid("resident_id", format!("居民（编号 {resident_id}）不存在或已不在册，不能登记为志愿者"))
        })?;
    let birth = birth.as_deref().and_then(crate::values::dates::parse_date);
    Ok(default_line(&status, birth, today))
}

fn check_organisation(conn: &Connection, organisation_id: Option<i64>) -> Result<()> {
    if let Some(id) = organisation_id {
        let found = conn.query_row("SELECT 1 FROM organisations WHERE id = ?1", [id], |_| Ok(())).optional()?;
        found.ok_or(Error::NotFound { what: "组织", id })?;
    }
    Ok(())
}

/// The unique resident_id means this resident already has a record: say whose number it is.
fn already_a_volunteer(conn: &Connection, err: rusqlite::Error, resident_id: Option<i64>) -> Error {
    let unique = matches!(&err, rusqlite::Error::SqliteFailure(f, Some(text))
        if f.extended_code == rusqlite::ffi::SQLITE_CONSTRAINT_UNIQUE && text.contains("resident_id"));
    let Some(resident_id) = resident_id.filter(|_| unique) else {
        return err.into();
    };
    let existing: Option<(String, String)> = conn
        .query_row(
            "SELECT r.name, v.number FROM volunteers v JOIN residents r ON r.id = v.resident_id WHERE v.resident_id = ?1",
            [resident_id],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()
        .ok()
        .flatten();
    let (name, number) = existing.unwrap_or_default();
    Error::invalid("resident_id", format!("居民“{name}”已是志愿者（编号 {number}），不能重复登记"))
}

struct Stored {
    resident_id: Option<i64>,
    left_on: Option<String>,
}

fn stored(conn: &Connection, id: i64) -> Result<Stored> {
    conn.query_row("SELECT resident_id, left_on FROM volunteers WHERE id = ?1", [id], |r| {
        Ok(Stored { resident_id: r.get(0)?, left_on: r.get(1)? })
    })
    .optional()?
    .ok_or(Error::NotFound { what: "志愿者", id })
}

fn insert_volunteer(conn: &Connection, v: &ValidVolunteer, line: &str, now: &str) -> Result<i64> {
    conn.execute(
        "INSERT INTO volunteers(number, resident_id, organisation_id, name, phone, line, skills, joined_on, created_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?9)",
        params![
            next_number(conn)?,
            v.resident_id,
            v.organisation_id,
            v.name,
            v.phone.as_ref().map(Phone::as_str),
            line,
            v.skills,
            v.joined_on.to_string(),
            now
        ],
    )
    .map_err(|e| already_a_volunteer(conn, e, v.resident_id))?;
    Ok(conn.last_insert_rowid())
}

fn update_volunteer(conn: &Connection, id: i64, v: &ValidVolunteer, line: &str, now: &str) -> Result<()> {
    let before = stored(conn, id)?;
    if before.resident_id.is_some() && before.resident_id != v.resident_id {
        return Err(Error::invalid("resident_id", "志愿者对应的居民不能更换；换人请另行登记"));
    }
    if let Some(left) = before.left_on.as_deref().filter(|l| *l < v.joined_on.to_string().as_str()) {
        return Err(Error::invalid("joined_on", format!("加入日期 {} 晚于退出日期 {left}", v.joined_on)));
    }
    conn.execute(
        "UPDATE volunteers SET resident_id = ?2, organisation_id = ?3, name = ?4, phone = ?5, line = ?6, skills = ?7,
         joined_on = ?8, updated_at = ?9 WHERE id = ?1",
        params![
            id,
            v.resident_id,
            v.organisation_id,
            v.name,
            v.phone.as_ref().map(Phone::as_str),
            line,
            v.skills,
            v.joined_on.to_string(),
            now
        ],
    )
    .map_err(|e| already_a_volunteer(conn, e, v.resident_id))?;
    Ok(())
}

impl Ledger {
    /// Saves a volunteer from the form; a new one gets the next number. A resident becomes
    /// ticked 志愿者 in the register in the same transaction.
    /// A masked phone sent back unchanged from a staff member's form keeps the stored one.
    pub fn save_volunteer(&mut self, input: &VolunteerInput) -> Result<i64> {
        let today = self.today();
        let mut input = input.clone();
        if let Some(id) = input.id {
            let stored: Option<Option<String>> =
                self.conn.query_row("SELECT phone FROM volunteers WHERE id = ?1", [id], |r| r.get(0)).optional()?;
            if let Some(kept) = stored_if_masked(&input.phone, stored.flatten().as_deref(), mask_phone) {
                input.phone = kept;
            }
        }
        let input = &input;
        let valid = input.validate(today)?;
        let actor = self.actor();
        // IMMEDIATE: the next number is read and taken under one write lock.
        let tx = self.conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let before = match input.id {
            Some(id) => audit::row_json(&tx, "volunteers", id)?,
            None => None,
        };
        let resident_line = match valid.resident_id {
            Some(resident_id) => Some(current_resident_line(&tx, resident_id, today)?),
            None => None,
        };
        check_organisation(&tx, valid.organisation_id)?;
        let line = valid.line.clone().unwrap_or_else(|| resident_line.unwrap_or(YOUTH).to_string());
        let now = Ledger::now_text();
        let id = match input.id {
            None => insert_volunteer(&tx, &valid, &line, &now)?,
            Some(id) => {
                update_volunteer(&tx, id, &valid, &line, &now)?;
                id
            }
        };
        if let Some(resident_id) = valid.resident_id {
            tx.execute(
                "UPDATE residents SET is_volunteer = 1, updated_at = ?2 WHERE id = ?1 AND is_volunteer = 0
                 AND (SELECT left_on FROM volunteers WHERE id = ?3) IS NULL",
                params![resident_id, now, id],
            )?;
        }
        let row = volunteer_row(&tx, id)?;
        let action = audit::save_action(&before);
        let change = Change::new(action, "志愿者", Some(id), format!("{action}志愿者 {}（{}）", row.name, row.number));
        audit::record(&tx, &actor, change.before(before).after(audit::row_json(&tx, "volunteers", id)?))?;
        tx.commit()?;
        self.changed();
        Ok(id)
    }

    /// Records that a volunteer stopped (default today); a resident is unticked 志愿者.
    /// Their entries stay; no hours can be recorded after the date.
    pub fn leave_volunteer(&mut self, id: i64, date: Option<&str>) -> Result<()> {
        let date = self.action_date(date, "date")?;
        let actor = self.actor();
        let tx = self.conn.transaction()?;
        let row = volunteer_row(&tx, id)?;
        let before = audit::row_json(&tx, "volunteers", id)?;
        if let Some(left) = &row.left_on {
            return Err(Error::Refused(format!("志愿者 {}（{}）已于 {left} 退出", row.name, row.number)));
        }
        if date < row.joined_on {
            return Err(Error::invalid(
                "date",
                format!("退出日期 {date} 早于 {} 的加入日期 {}", row.name, row.joined_on),
            ));
        }
        let last_entry: Option<String> = tx.query_row(
            "SELECT max(date) FROM hour_entries WHERE volunteer_id = ?1 AND status <> '已驳回'",
            [id],
            |r| r.get(0),
        )?;
        if let Some(last) = last_entry.filter(|last| *last > date) {
            return Err(Error::invalid(
                "date",
                format!("退出日期 {date} 早于 {} 最近一次登记的服务（{last}），请填写 {last} 或以后的日期", row.name),
            ));
        }
        let now = Ledger::now_text();
        tx.execute("UPDATE volunteers SET left_on = ?2, updated_at = ?3 WHERE id = ?1", params![id, date, now])?;
        if let Some(resident_id) = row.resident_id {
            tx.execute(
                "UPDATE residents SET is_volunteer = 0, updated_at = ?2 WHERE id = ?1",
                params![resident_id, now],
            )?;
        }
        let summary = format!("志愿者 {}（{}）于 {date} 退出", row.name, row.number);
        let change = Change::new("退出", "志愿者", Some(id), summary).before(before);
        audit::record(&tx, &actor, change.after(audit::row_json(&tx, "volunteers", id)?))?;
        tx.commit()?;
        self.changed();
        Ok(())
    }

    /// Volunteers in number order (those who left last), filtered.
    pub fn list_volunteers(&self, filter: &VolunteerFilter) -> Result<Vec<VolunteerRow>> {
        let mut conditions = Conditions::default();
        let query = filter.query.trim();
        if !query.is_empty() {
            conditions.add(
                "(instr(coalesce(r.name, v.name), {}) > 0 OR instr(lower(v.number), lower({})) > 0
                  OR instr(v.skills, {}) > 0 OR instr(coalesce(o.name, ''), {}) > 0
                  OR instr(coalesce(r.name_pinyin, ''), lower({})) > 0 OR instr(coalesce(r.name_initials, ''), lower({})) = 1)",
                query.to_string(),
            );
        }
        if let Some(line) = crate::values::text::non_blank(filter.line.as_deref()) {
            conditions.add("v.line = {}", line);
        }
        if let Some(organisation_id) = filter.organisation_id {
            conditions.add("v.organisation_id = {}", organisation_id);
        }
        if !filter.include_left {
            conditions.fixed("v.left_on IS NULL");
        }
        volunteers_where(&self.conn, &conditions)
    }

    /// One volunteer's page: the row, the phone for the form (full for an administrator and with
    /// logins off, masked for staff) and every entry.
    pub fn volunteer(&self, id: i64) -> Result<VolunteerDetail> {
        let volunteer = volunteer_row(&self.conn, id)?;
        let mut phone: Option<String> =
            self.conn.query_row("SELECT v.phone FROM volunteers v WHERE v.id = ?1", [id], |r| r.get(0))?;
        if !self.sees_full_numbers() {
            phone = phone.as_deref().map(mask_phone);
        }
        let entries = self.list_hours(&HoursFilter { volunteer_id: Some(id), ..HoursFilter::default() })?;
        Ok(VolunteerDetail { volunteer, phone, entries })
    }

    /// The volunteer printed under this number ("lh-00001" is found too).
    pub fn volunteer_by_number(&self, number: &str) -> Result<VolunteerRow> {
        let number = crate::values::text::to_half_width(number.trim()).to_ascii_uppercase();
        let mut conditions = Conditions::default();
        conditions.add("v.number = {}", number.clone());
        volunteers_where(&self.conn, &conditions)?
            .pop()
            .ok_or_else(|| Error::invalid("number", format!("没有编号为 {number} 的志愿者")))
    }

    pub fn volunteer_options(&self) -> Result<VolunteerOptions> {
        let mut stmt = self.conn.prepare_cached("SELECT id, name FROM organisations ORDER BY name")?;
        let organisations = stmt.query_map([], |r| Ok(OrganisationRef { id: r.get(0)?, name: r.get(1)? }))?;
        Ok(VolunteerOptions {
            lines: VOLUNTEER_LINES,
            organisation_kinds: ORGANISATION_KINDS,
            offer_suggestions: OFFER_SUGGESTIONS,
            service_kinds: SERVICE_KINDS,
            statuses: STATUSES,
            organisations: organisations.collect::<rusqlite::Result<_>>()?,
        })
    }
}
