//! Keeps residents ticked 志愿者 and their volunteer records together: the resident form and
//! the import call `link_resident` inside their transaction; migration 0008 runs
//! the migration step `backfill` once for registers from before the volunteer table.

use super::numbers::{last_sequence, next_number, prefix};
use super::{RED_ENGINE, SILVER, SILVER_AGE, YOUTH};
use crate::access::audit::{record, Actor, Change};
use crate::error::Result;
use crate::ledger::CURRENT;
use crate::ledger::DEFAULT_OPERATOR;
use crate::register::model::{is_party_member, ValidResident};
use crate::store::db::MigrationStep;
use crate::values::dates::local_today;
use crate::values::dates::{age_on, born_on_or_before};
use chrono::NaiveDate;
use rusqlite::{params, Connection, OptionalExtension};

/// Retired members belong to 银力量 whatever their age; so does any member aged 60 or more.
const RETIRED_MEMBER: &str = "中共党员（离退休）";

/// The line a resident volunteers in unless the office chooses another.
pub fn default_line(political_status: &str, birth_date: Option<NaiveDate>, today: NaiveDate) -> &'static str {
    if !is_party_member(political_status) {
        return YOUTH;
    }
    let senior = birth_date.is_some_and(|b| age_on(b, today) >= SILVER_AGE);
    if senior || political_status == RETIRED_MEMBER {
        SILVER
    } else {
        RED_ENGINE
    }
}

/// Ticking creates the record (or clears its `left_on`); unticking sets `left_on` to today.
pub(crate) fn link_resident(
    conn: &Connection,
    resident_id: i64,
    resident: &ValidResident,
    today: NaiveDate,
    now: &str,
) -> Result<()> {
    let existing: Option<(i64, bool)> = conn
        .prepare_cached("SELECT id, left_on IS NOT NULL FROM volunteers WHERE resident_id = ?1")?
        .query_row([resident_id], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?;
    match (resident.is_volunteer, existing) {
        (true, None) => {
            let line = default_line(&resident.political_status, resident.birth_date, today);
            conn.prepare_cached(
                "INSERT INTO volunteers(number, resident_id, line, joined_on, created_at, updated_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?5)",
            )?
            .execute(params![next_number(conn)?, resident_id, line, today.to_string(), now])?;
        }
        (true, Some((id, true))) => {
            conn.prepare_cached("UPDATE volunteers SET left_on = NULL, updated_at = ?2 WHERE id = ?1")?
                .execute(params![id, now])?;
        }
        (false, Some((id, false))) => {
            // max(): a record synced on the wall-clock date never leaves before it joined.
            conn.prepare_cached("UPDATE volunteers SET left_on = max(joined_on, ?2), updated_at = ?3 WHERE id = ?1")?
                .execute(params![id, today.to_string(), now])?;
        }
        _ => {}
    }
    Ok(())
}

/// Whose volunteering ends when residents leave the register: one resident, or a household.
pub(crate) enum Leaving {
    Resident(i64),
    Household(i64),
}

/// A resident who moves out or dies stops volunteering that day; their hours stay on record.
pub(crate) fn end_for_leaving(conn: &Connection, leaving: Leaving, date: &str, now: &str) -> Result<()> {
    let (condition, id) = match leaving {
        Leaving::Resident(id) => ("resident_id = ?1", id),
        Leaving::Household(id) => ("resident_id IN (SELECT id FROM residents WHERE household_id = ?1)", id),
    };
    conn.execute(
        // Never before joining, nor before service already on record (a death entered late).
        &format!(
            "UPDATE volunteers SET updated_at = ?3, left_on = max(joined_on, ?2, coalesce(
                 (SELECT max(e.date) FROM hour_entries e WHERE e.volunteer_id = volunteers.id AND e.status <> '已驳回'), ''))
             WHERE left_on IS NULL AND {condition}"
        ),
        params![id, date, now],
    )?;
    Ok(())
}

const MISSING: &str = "r.is_volunteer = 1 AND NOT EXISTS (SELECT 1 FROM volunteers v WHERE v.resident_id = r.id)";

#[linkme::distributed_slice(crate::store::db::MIGRATION_STEPS)]
static BACKFILL: MigrationStep = MigrationStep { version: 8, run: backfill };

/// Migration 0008: residents ticked 志愿者 before the volunteer table existed get their records,
/// once per register (an older backup restored included), with one 操作日志 record when any was
/// made. Runs inside the migration's write transaction.
fn backfill(conn: &Connection) -> Result<()> {
    let created = sync_resident_volunteers(conn, local_today())?;
    if created > 0 {
        let actor = Actor { operator: DEFAULT_OPERATOR.to_string(), quiet: false };
        let summary = format!("数据升级：为 {created} 位勾选了志愿者的居民建立志愿者档案");
        record(conn, &actor, Change::new("新增", "志愿者", None, summary))?;
    }
    Ok(())
}

/// Creates the missing records of current residents ticked 志愿者, numbered in resident order,
/// in one statement, inside the caller's write transaction.
fn sync_resident_volunteers(conn: &Connection, today: NaiveDate) -> Result<usize> {
    let count_sql = format!("SELECT count(*) FROM residents r WHERE {MISSING} AND {CURRENT}");
    let missing: i64 = conn.query_row(&count_sql, [], |r| r.get(0))?;
    if missing == 0 {
        return Ok(0);
    }
    let prefix = prefix(conn)?;
    let base = last_sequence(conn, &prefix)?;
    let sql = format!(
        "INSERT INTO volunteers(number, resident_id, line, joined_on, created_at, updated_at)
         SELECT ?1 || '-' || printf('%05d', ?2 + row_number() OVER (ORDER BY r.id)), r.id,
                CASE WHEN r.political_status NOT LIKE '中共%' THEN ?3
                     WHEN r.political_status = ?4 OR r.birth_date <= ?5 THEN ?6
                     ELSE ?7 END,
                ?8, ?9, ?9
         FROM residents r WHERE {MISSING} AND {CURRENT} ORDER BY r.id"
    );
    let created = conn.execute(
        &sql,
        params![
            prefix,
            base,
            YOUTH,
            RETIRED_MEMBER,
            born_on_or_before(SILVER_AGE, today).to_string(),
            SILVER,
            RED_ENGINE,
            today.to_string(),
            crate::ledger::Ledger::now_text(),
        ],
    )?;
    Ok(created)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn the_default_line_follows_party_membership_and_age() {
        let today = d(2026, 11, 28);
        assert_eq!(default_line("中共党员（在职）", Some(d(1966, 11, 28)), today), SILVER);
        assert_eq!(default_line("中共预备党员", Some(d(1966, 11, 29)), today), RED_ENGINE);
        assert_eq!(default_line("中共党员（离退休）", Some(d(1970, 1, 1)), today), SILVER);
        assert_eq!(default_line("中共党员（在职）", None, today), RED_ENGINE);
        assert_eq!(default_line("群众", Some(d(1940, 1, 1)), today), YOUTH);
    }
}
