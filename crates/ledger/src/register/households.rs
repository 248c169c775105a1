//! Households (户): creating and editing them, the filtered and paged household list, the
//! household page with its members, and moving a household out (never a hard delete).

use crate::access::audit::{self, Change};
use crate::error::{Error, Result};
use crate::ledger::{Ledger, CURRENT};
use crate::register::hierarchy::head_from_row;
use crate::register::model::{
    HouseholdDetail, HouseholdFilter, HouseholdInput, HouseholdRow, Page, Place, HEAD_RELATION,
};
use crate::values::limits::{self, Kind};
use crate::values::phone::{mask_phone, Phone};
use crate::values::text::non_blank;
use crate::volunteers::{end_for_leaving, Leaving};
use rusqlite::types::Value;
use rusqlite::{named_params, params, params_from_iter, OptionalExtension};

pub const DEFAULT_PAGE_SIZE: u32 = 50;
const MAX_PAGE_SIZE: u32 = 500;

/// "8栋2单元301": the address as offices write it.
pub fn format_address(building: &str, unit: &str, room: &str) -> String {
    format!("{building}{unit}{room}")
}

/// Natural order of places: 2栋 before 10栋, then by name; h.id breaks ties (a moved-out and
/// a current household at one address) so paging never shows one twice.
pub(crate) const HOUSEHOLD_ORDER: &str =
    "b.grid_id, CAST(b.name AS INTEGER), b.name, CAST(u.name AS INTEGER), u.name, CAST(h.room AS INTEGER), h.room, h.id";

impl Ledger {
    pub fn save_household(&mut self, input: &HouseholdInput) -> Result<i64> {
        let room = non_blank(Some(&input.room)).ok_or_else(|| Error::invalid("room", "请填写房号"))?;
        let notes = input.notes.clone().unwrap_or_default();
        let mut errors = Vec::new();
        limits::check("room", "房号", &room, Kind::Label, &mut errors);
        limits::check("notes", "备注", &notes, Kind::Text, &mut errors);
        if !errors.is_empty() {
            return Err(Error::Invalid(errors));
        }
        let phone = match non_blank(input.phone.as_deref()) {
            Some(text) => Some(Phone::parse(&text).map_err(|e| Error::invalid("phone", e.to_string()))?),
            None => None,
        };
        let phone = phone.as_ref().map(Phone::as_str);
        let now = Ledger::now_text();
        let actor = self.actor();
        let tx = self.conn.transaction()?;
        let before = match input.id {
            Some(id) => audit::row_json(&tx, "households", id)?,
            None => None,
        };
        let result = match input.id {
            Some(id) => tx
                .execute(
                    "UPDATE households SET unit_id=?2, room=?3, phone=?4, notes=?5, updated_at=?6 WHERE id=?1",
                    params![id, input.unit_id, room, phone, notes, now],
                )
                .map(|n| (n, id)),
            None => tx
                .execute(
                    "INSERT INTO households(unit_id, room, phone, notes, created_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?5)",
                    params![input.unit_id, room, phone, notes, now],
                )
                .map(|n| (n, tx.last_insert_rowid())),
        };
        let (updated, id) = result.map_err(|e| match e {
            rusqlite::Error::SqliteFailure(f, _) if f.extended_code == rusqlite::ffi::SQLITE_CONSTRAINT_UNIQUE => {
                Error::Conflict(format!("该单元的 {room} 室已有在册住户"))
            }
            rusqlite::Error::SqliteFailure(f, _) if f.extended_code == rusqlite::ffi::SQLITE_CONSTRAINT_FOREIGNKEY => {
                Error::invalid("unit_id", "请选择住户所在的单元")
            }
            other => other.into(),
        })?;
        if updated == 0 {
            return Err(Error::NotFound { what: "住户", id });
        }
        let action = audit::save_action(&before);
        let change = Change::new(action, "住户", Some(id), format!("{action}住户 {}", household_address(&tx, id)?));
        audit::record(&tx, &actor, change.before(before).after(audit::row_json(&tx, "households", id)?))?;
        tx.commit()?;
        self.changed();
        Ok(id)
    }

    /// One page of households matching the filter, in address order, with the total count.
    pub fn list_households(&self, filter: &HouseholdFilter) -> Result<Page<HouseholdRow>> {
        let (where_sql, mut values) = self.household_conditions(filter);
        let from = "FROM households h JOIN units u ON u.id = h.unit_id JOIN buildings b ON b.id = u.building_id";
        let total: u64 = self.conn.query_row(
            &format!("SELECT count(*) {from} WHERE {where_sql}"),
            params_from_iter(values.iter()),
            |r| r.get(0),
        )?;
        let limit = filter.limit.unwrap_or(DEFAULT_PAGE_SIZE).clamp(1, MAX_PAGE_SIZE);
        values.push(Value::from(i64::from(limit)));
        values.push(Value::from(i64::from(filter.offset)));
        let n = values.len();
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT h.id {from} WHERE {where_sql} ORDER BY {HOUSEHOLD_ORDER} LIMIT ?{} OFFSET ?{n}",
            n - 1
        ))?;
        let ids: Vec<i64> =
            stmt.query_map(params_from_iter(values.iter()), |r| r.get(0))?.collect::<rusqlite::Result<_>>()?;
        let rows = ids.into_iter().map(|id| self.household_row(id)).collect::<Result<_>>()?;
        Ok(Page { total, rows })
    }

    pub(crate) fn household_conditions(&self, filter: &HouseholdFilter) -> (String, Vec<Value>) {
        let mut conditions = vec!["1 = 1".to_string()];
        let mut values: Vec<Value> = Vec::new();
        let mut bind = |value: Value| {
            values.push(value);
            format!("?{}", values.len())
        };
        if !filter.include_moved_out {
            conditions.push("h.moved_out_on IS NULL".into());
        }
        if let Some(grid) = filter.grid_id {
            conditions.push(format!("b.grid_id = {}", bind(grid.into())));
        }
        if let Some(building) = filter.building_id {
            conditions.push(format!("b.id = {}", bind(building.into())));
        }
        if let Some(care) = non_blank(filter.care.as_deref()) {
            conditions.push(format!(
                "h.id IN (SELECT r.household_id FROM care_needs c JOIN residents r ON r.id = c.resident_id
                          WHERE c.kind = {} AND {CURRENT})",
                bind(care.into())
            ));
        }
        if filter.aged_80_plus {
            conditions.push(format!(
                "h.id IN (SELECT r.household_id FROM residents r WHERE r.birth_date <= {} AND {CURRENT})",
                bind(self.aged_cutoff().into())
            ));
        }
        if filter.party_member {
            conditions.push(format!(
                "h.id IN (SELECT r.household_id FROM residents r WHERE r.political_status LIKE '中共%' AND {CURRENT})"
            ));
        }
        (conditions.join(" AND "), values)
    }

    fn household_row(&self, id: i64) -> Result<HouseholdRow> {
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT h.id, b.name, u.name, h.room, g.name, h.phone, h.moved_out_on,
               (SELECT r.name FROM residents r WHERE r.household_id = h.id AND r.relation = '{HEAD_RELATION}' AND {CURRENT}),
               (SELECT count(*) FROM residents r WHERE r.household_id = h.id AND {CURRENT}),
               EXISTS (SELECT 1 FROM residents r WHERE r.household_id = h.id AND {CURRENT} AND r.birth_date <= :cutoff),
               (SELECT group_concat(kind, ',') FROM (SELECT DISTINCT c.kind AS kind FROM care_needs c JOIN residents r ON r.id = c.resident_id
                 WHERE r.household_id = h.id AND {CURRENT} ORDER BY c.kind)),
               (SELECT count(*) FROM residents r WHERE r.household_id = h.id AND {CURRENT} AND r.political_status LIKE '中共%')
             FROM households h JOIN units u ON u.id = h.unit_id JOIN buildings b ON b.id = u.building_id
             JOIN grids g ON g.id = b.grid_id WHERE h.id = :id"
        ))?;
        let row = stmt.query_row(named_params! {":id": id, ":cutoff": self.aged_cutoff()}, |r| {
            let phone: Option<String> = r.get(5)?;
            let care: Option<String> = r.get(10)?;
            Ok(HouseholdRow {
                id: r.get(0)?,
                address: format_address(&r.get::<_, String>(1)?, &r.get::<_, String>(2)?, &r.get::<_, String>(3)?),
                grid_name: r.get(4)?,
                phone_masked: phone.as_deref().map(mask_phone),
                moved_out_on: r.get(6)?,
                head_name: r.get(7)?,
                member_count: r.get(8)?,
                has_80_plus: r.get(9)?,
                care_needs: care.map(|c| c.split(',').map(str::to_string).collect()).unwrap_or_default(),
                party_members: r.get(11)?,
            })
        });
        row.optional()?.ok_or(Error::NotFound { what: "住户", id })
    }

    /// The household page: address, the three heads, and every member (current ones first).
    pub fn household(&self, id: i64) -> Result<HouseholdDetail> {
        let place_head = |alias: &str| {
            format!("{alias}.head_resident_id, {alias}r.name, {alias}r.phone, {alias}.head_name, {alias}.head_phone")
        };
        let sql = format!(
            "SELECT h.id, h.unit_id, u.building_id, b.grid_id, b.name, u.name, h.room, h.phone, h.notes, h.moved_out_on,
                    g.name, {}, {}, {}
             FROM households h JOIN units u ON u.id = h.unit_id JOIN buildings b ON b.id = u.building_id
             JOIN grids g ON g.id = b.grid_id
             LEFT JOIN residents gr ON gr.id = g.head_resident_id
             LEFT JOIN residents br ON br.id = b.head_resident_id
             LEFT JOIN residents ur ON ur.id = u.head_resident_id
             WHERE h.id = ?1",
            place_head("g"),
            place_head("b"),
            place_head("u")
        );
        let detail = self
            .conn
            .query_row(&sql, [id], |r| {
                let building: String = r.get(4)?;
                let unit: String = r.get(5)?;
                let room: String = r.get(6)?;
                let phone: Option<String> = r.get(7)?;
                Ok(HouseholdDetail {
                    id: r.get(0)?,
                    unit_id: r.get(1)?,
                    building_id: r.get(2)?,
                    grid_id: r.get(3)?,
                    address: format_address(&building, &unit, &room),
                    phone_masked: phone.as_deref().map(mask_phone),
                    phone,
                    notes: r.get(8)?,
                    moved_out_on: r.get(9)?,
                    grid: Place { name: r.get(10)?, head: head_from_row(r, 11)? },
                    building: Place { name: building, head: head_from_row(r, 16)? },
                    unit: Place { name: unit, head: head_from_row(r, 21)? },
                    room,
                    members: vec![],
                })
            })
            .optional()?;
        let mut detail = detail.ok_or(Error::NotFound { what: "住户", id })?;
        detail.members = self.members(id)?;
        Ok(detail)
    }

    /// Marks the household and its current members as moved out; they stay in history.
    pub fn move_out_household(&mut self, id: i64, date: Option<&str>) -> Result<()> {
        let date = self.action_date(date, "date")?;
        let actor = self.actor();
        let tx = self.conn.transaction()?;
        let before = audit::row_json(&tx, "households", id)?;
        let updated = tx.execute(
            "UPDATE households SET moved_out_on = ?2, updated_at = ?3 WHERE id = ?1 AND moved_out_on IS NULL",
            params![id, date, Ledger::now_text()],
        )?;
        if updated == 0 {
            let exists: bool =
                tx.query_row("SELECT EXISTS(SELECT 1 FROM households WHERE id = ?1)", [id], |r| r.get(0))?;
            return Err(if exists {
                Error::Refused("该住户已经迁出".into())
            } else {
                Error::NotFound { what: "住户", id }
            });
        }
        let members = tx.execute(
            &format!(
                "UPDATE residents AS r SET moved_out_on = ?2, updated_at = ?3 WHERE r.household_id = ?1 AND {CURRENT}"
            ),
            params![id, date, Ledger::now_text()],
        )?;
        end_for_leaving(&tx, Leaving::Household(id), &date, &Ledger::now_text())?;
        let summary = format!("住户 {} 于 {date} 迁出，{members} 名在册成员一并迁出", household_address(&tx, id)?);
        let change = Change::new("迁出", "住户", Some(id), summary).before(before);
        audit::record(&tx, &actor, change.after(audit::row_json(&tx, "households", id)?))?;
        tx.commit()?;
        self.changed();
        Ok(())
    }

    /// A typed action date (迁出/去世), defaulting to today; never in the future.
    pub(crate) fn action_date(&self, date: Option<&str>, field: &'static str) -> Result<String> {
        let Some(text) = non_blank(date) else {
            return Ok(self.today().to_string());
        };
        match crate::values::dates::parse_date(&text) {
            Some(d) if d > self.today() => Err(Error::invalid(field, format!("日期 {text} 晚于今天"))),
            Some(d) => Ok(d.to_string()),
            None => Err(Error::invalid(field, format!("日期“{text}”不是有效日期"))),
        }
    }
}

/// "8栋2单元301" of a household, for audit summaries.
pub(crate) fn household_address(conn: &rusqlite::Connection, id: i64) -> Result<String> {
    Ok(conn.query_row(
        "SELECT b.name, u.name, h.room FROM households h JOIN units u ON u.id = h.unit_id
         JOIN buildings b ON b.id = u.building_id WHERE h.id = ?1",
        [id],
        |r| Ok(format_address(&r.get::<_, String>(0)?, &r.get::<_, String>(1)?, &r.get::<_, String>(2)?)),
    )?)
}
