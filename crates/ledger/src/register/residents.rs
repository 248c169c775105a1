//! Residents (居民): saving validated residents with their care needs, reading them back for
//! the edit form and the household page, moving out and recording a death.

use crate::access::audit::{self, Change};
use crate::error::{Error, Result};
use crate::ledger::Ledger;
use crate::register::model::{
    age_from, stored_if_masked, CareNeed, ResidentInput, ResidentRecord, ResidentSummary, ValidResident, AGED_YEARS,
};
use crate::values::idcard::mask_id_number;
use crate::values::names::pinyin_keys;
use crate::values::phone::mask_phone;
use crate::volunteers::{end_for_leaving, link_resident, Leaving};
use chrono::NaiveDate;
use rusqlite::{params, Connection, OptionalExtension, Row};

/// Members of one household as they are listed everywhere: 户主 first, then oldest first.
pub(crate) const MEMBER_ORDER: &str = "r.relation <> '户主', r.birth_date, r.id";

const RESIDENT_COLUMNS: &str = "id, household_id, name, sex, id_number, birth_date, phone, relation, political_status,
     is_volunteer, notes, moved_out_on, died_on";

fn record_from_row(r: &Row) -> rusqlite::Result<ResidentRecord> {
    Ok(ResidentRecord {
        id: r.get(0)?,
        household_id: r.get(1)?,
        name: r.get(2)?,
        sex: r.get(3)?,
        id_number: r.get(4)?,
        birth_date: r.get(5)?,
        phone: r.get(6)?,
        relation: r.get(7)?,
        political_status: r.get(8)?,
        is_volunteer: r.get(9)?,
        notes: r.get(10)?,
        moved_out_on: r.get(11)?,
        died_on: r.get(12)?,
        care_needs: vec![],
    })
}

pub(crate) fn care_needs_of(conn: &Connection, resident_id: i64) -> rusqlite::Result<Vec<CareNeed>> {
    let mut stmt = conn.prepare_cached(
        "SELECT kind, label, disability_category, disability_grade FROM care_needs WHERE resident_id = ?1 ORDER BY rowid",
    )?;
    let needs = stmt.query_map([resident_id], |r| {
        let label: String = r.get(1)?;
        Ok(CareNeed {
            kind: r.get(0)?,
            label: (!label.is_empty()).then_some(label),
            disability_category: r.get(2)?,
            disability_grade: r.get(3)?,
        })
    })?;
    needs.collect()
}

/// Writes one validated resident (insert when `id` is None), replaces its care needs and keeps
/// its volunteer record in step with the 志愿者 tick. Shared by the form, the demo generator and
/// the importer, inside their transaction; `today` is the register's date (joining, leaving).
pub(crate) fn write_resident(
    conn: &Connection,
    id: Option<i64>,
    household_id: i64,
    resident: &ValidResident,
    today: NaiveDate,
    now: &str,
) -> Result<i64> {
    let keys = pinyin_keys(&resident.name);
    let id_number = resident.id_number.as_ref().map(|i| i.as_str());
    let values = params![
        household_id,
        resident.name,
        resident.sex.map(|s| s.label()),
        id_number,
        resident.birth_date.map(|d| d.to_string()),
        resident.phone.as_ref().map(|p| p.as_str()),
        resident.relation,
        resident.political_status,
        resident.is_volunteer,
        resident.notes,
        keys.full,
        keys.initials,
        now,
        id,
    ];
    let result = match id {
        Some(id) => conn
            .prepare_cached(
                "UPDATE residents SET household_id=?1, name=?2, sex=?3, id_number=?4, birth_date=?5, phone=?6, relation=?7,
                 political_status=?8, is_volunteer=?9, notes=?10, name_pinyin=?11, name_initials=?12, updated_at=?13
                 WHERE id=?14",
            )?
            .execute(values)
            .map(|n| (n, id)),
        None => conn
            .prepare_cached(
                // id is NULL here, so SQLite assigns the next rowid.
                "INSERT INTO residents(household_id, name, sex, id_number, birth_date, phone, relation, political_status,
                 is_volunteer, notes, name_pinyin, name_initials, created_at, updated_at, id)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?13, ?14)",
            )?
            .execute(values)
            .map(|n| (n, conn.last_insert_rowid())),
    };
    let (updated, id) = result.map_err(|e| constraint_message(conn, e, resident, household_id))?;
    if updated == 0 {
        return Err(Error::NotFound { what: "居民", id });
    }
    conn.prepare_cached("DELETE FROM care_needs WHERE resident_id = ?1")?.execute([id])?;
    let mut insert = conn.prepare_cached(
        "INSERT INTO care_needs(resident_id, kind, label, disability_category, disability_grade) VALUES (?1, ?2, ?3, ?4, ?5)",
    )?;
    for need in &resident.care_needs {
        insert.execute(params![
            id,
            need.kind,
            need.label.clone().unwrap_or_default(),
            need.disability_category,
            need.disability_grade
        ])?;
    }
    link_resident(conn, id, resident, today, now)?;
    Ok(id)
}

/// Explains a failed write in the user's words: whose ID number it is, which 户主 exists.
fn constraint_message(conn: &Connection, err: rusqlite::Error, resident: &ValidResident, household_id: i64) -> Error {
    let rusqlite::Error::SqliteFailure(failure, Some(text)) = &err else {
        return err.into();
    };
    match failure.extended_code {
        rusqlite::ffi::SQLITE_CONSTRAINT_UNIQUE if text.contains("id_number") => {
            let number = resident.id_number.as_ref().map(|i| i.as_str()).unwrap_or_default();
            let owner: Option<String> = conn
                .query_row("SELECT name FROM residents WHERE id_number = ?1", [number], |r| r.get(0))
                .optional()
                .ok()
                .flatten();
            Error::Invalid(vec![crate::FieldError::new(
                "id_number",
                format!(
                    "身份证号 {} 已登记在居民“{}”名下，同一号码不能重复登记",
                    mask_id_number(number),
                    owner.unwrap_or_default()
                ),
            )])
        }
        rusqlite::ffi::SQLITE_CONSTRAINT_UNIQUE if text.contains("household_id") => {
            Error::invalid("relation", "这一户已有户主，请先修改原户主的关系")
        }
        rusqlite::ffi::SQLITE_CONSTRAINT_FOREIGNKEY => Error::NotFound { what: "住户", id: household_id },
        _ => err.into(),
    }
}

impl Ledger {
    /// Validates and saves a resident from the form: one transaction, all or nothing.
    /// A masked ID number or phone sent back unchanged from a staff member's form keeps the
    /// stored value.
    pub fn save_resident(&mut self, input: &ResidentInput) -> Result<i64> {
        let today = self.today();
        let input = &self.keep_masked_numbers(input)?;
        let valid = input.validate(today)?;
        let actor = self.actor();
        let tx = self.conn.transaction()?;
        let before = match input.id {
            Some(id) => audit::resident_json(&tx, id)?,
            None => None,
        };
        let id = write_resident(&tx, input.id, input.household_id, &valid, today, &Ledger::now_text())?;
        let action = audit::save_action(&before);
        let name = input.name.trim();
        let change = Change::new(action, "居民", Some(id), format!("{action}居民“{name}”"));
        audit::record(&tx, &actor, change.before(before).after(audit::resident_json(&tx, id)?))?;
        tx.commit()?;
        self.changed();
        Ok(id)
    }

    /// The stored record, for the edit form: in full for an administrator (and with logins
    /// off); a staff member gets the ID number and phone masked, as everywhere else.
    pub fn resident(&self, id: i64) -> Result<ResidentRecord> {
        let record = self
            .conn
            .query_row(&format!("SELECT {RESIDENT_COLUMNS} FROM residents WHERE id = ?1"), [id], record_from_row)
            .optional()?;
        let mut record = record.ok_or(Error::NotFound { what: "居民", id })?;
        record.care_needs = care_needs_of(&self.conn, id)?;
        if !self.sees_full_numbers() {
            record.id_number = record.id_number.as_deref().map(mask_id_number);
            record.phone = record.phone.as_deref().map(mask_phone);
        }
        Ok(record)
    }

    /// The input with a typed ID number or phone that is exactly the mask of the stored value
    /// replaced by that value (the form showed the mask and it was not retyped).
    fn keep_masked_numbers(&self, input: &ResidentInput) -> Result<ResidentInput> {
        let mut input = input.clone();
        let Some(id) = input.id else { return Ok(input) };
        let stored: Option<(Option<String>, Option<String>)> = self
            .conn
            .query_row("SELECT id_number, phone FROM residents WHERE id = ?1", [id], |r| Ok((r.get(0)?, r.get(1)?)))
            .optional()?;
        let Some((stored_id, stored_phone)) = stored else { return Ok(input) };
        if let Some(kept) =
            input.id_number.as_deref().and_then(|t| stored_if_masked(t, stored_id.as_deref(), mask_id_number))
        {
            input.id_number = Some(kept);
        }
        if let Some(kept) =
            input.phone.as_deref().and_then(|t| stored_if_masked(t, stored_phone.as_deref(), mask_phone))
        {
            input.phone = Some(kept);
        }
        Ok(input)
    }

    /// Members of a household for its page: current members first (户主 first), masked.
    pub(crate) fn members(&self, household_id: i64) -> Result<Vec<ResidentSummary>> {
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT {RESIDENT_COLUMNS} FROM residents WHERE household_id = ?1
             ORDER BY (moved_out_on IS NOT NULL OR died_on IS NOT NULL), relation <> '户主', birth_date, id"
        ))?;
        let records: Vec<ResidentRecord> =
            stmt.query_map([household_id], record_from_row)?.collect::<rusqlite::Result<_>>()?;
        let today = self.today();
        records
            .into_iter()
            .map(|r| {
                let age = age_from(r.birth_date.as_deref(), today);
                Ok(ResidentSummary {
                    care_needs: care_needs_of(&self.conn, r.id)?,
                    id: r.id,
                    name: r.name,
                    sex: r.sex,
                    age,
                    aged_80_plus: age.is_some_and(|a| a >= AGED_YEARS),
                    relation: r.relation,
                    id_number_masked: r.id_number.as_deref().map(mask_id_number),
                    phone_masked: r.phone.as_deref().map(mask_phone),
                    political_status: r.political_status,
                    is_volunteer: r.is_volunteer,
                    moved_out_on: r.moved_out_on,
                    died_on: r.died_on,
                })
            })
            .collect()
    }

    pub fn move_out_resident(&mut self, id: i64, date: Option<&str>) -> Result<()> {
        let date = self.action_date(date, "date")?;
        self.end_residence(id, "moved_out_on", &date)
    }

    pub fn mark_deceased(&mut self, id: i64, date: Option<&str>) -> Result<()> {
        let date = self.action_date(date, "date")?;
        self.end_residence(id, "died_on", &date)
    }

    fn end_residence(&mut self, id: i64, column: &str, date: &str) -> Result<()> {
        let now = Ledger::now_text();
        let actor = self.actor();
        let tx = self.conn.transaction()?;
        let before = audit::resident_json(&tx, id)?;
        let updated = tx.execute(
            &format!("UPDATE residents SET {column} = ?2, updated_at = ?3 WHERE id = ?1 AND moved_out_on IS NULL AND died_on IS NULL"),
            params![id, date, now],
        )?;
        if updated == 0 {
            drop(tx);
            self.resident(id)?;
            return Err(Error::Refused("该居民已不在册（已迁出或已去世）".into()));
        }
        end_for_leaving(&tx, Leaving::Resident(id), date, &now)?;
        let name: String = tx.query_row("SELECT name FROM residents WHERE id = ?1", [id], |r| r.get(0))?;
        let (action, summary) = match column {
            "died_on" => ("去世", format!("居民“{name}”于 {date} 去世")),
            _ => ("迁出", format!("居民“{name}”于 {date} 迁出")),
        };
        let change = Change::new(action, "居民", Some(id), summary).before(before);
        audit::record(&tx, &actor, change.after(audit::resident_json(&tx, id)?))?;
        tx.commit()?;
        self.changed();
        Ok(())
    }
}
