//! The data of the printed activity sheets, read from the register; print.rs draws it.

use super::{signups::signups_of, REGISTERED, WAITLISTED};
use crate::error::{Error, Result};
use crate::ledger::Ledger;
use chrono::NaiveDate;
use rusqlite::OptionalExtension;
use std::collections::HashMap;

#[derive(Debug, Clone)]
pub struct SheetPerson {
    pub name: String,
    pub address: String,
    /// The full number; it is masked when printed unless the options ask otherwise.
    pub phone: Option<String>,
}

/// One activity with the people signed up for it, in sign-up order.
#[derive(Debug, Clone)]
pub struct ActivitySheet {
    pub community: String,
    pub title: String,
    pub series: Option<String>,
    /// The volunteer line (条线), e.g. 银力量·离退休党员.
    pub line: String,
    pub date: NaiveDate,
    pub start_time: String,
    pub end_time: String,
    pub place: String,
    pub organiser: String,
    pub registered: Vec<SheetPerson>,
    pub waitlist: Vec<SheetPerson>,
}

/// A series' attendance: one row per person, one mark per session.
#[derive(Debug, Clone)]
pub struct AttendanceGrid {
    pub community: String,
    pub series: String,
    pub sessions: Vec<NaiveDate>,
    pub people: Vec<AttendancePerson>,
}

#[derive(Debug, Clone)]
pub struct AttendancePerson {
    pub name: String,
    pub address: String,
    /// One per session: `Some(true)` present, `Some(false)` absent, `None` not signed up or not
    /// marked. Absent and unmarked both print blank, so a late mark can still be written in.
    pub marks: Vec<Option<bool>>,
}

impl Ledger {
    /// Everyone on one session's sheet: registered people in sign-up order, then the waitlist.
    pub fn activity_sheet(&self, activity_id: i64) -> Result<ActivitySheet> {
        let row = self.activity_row(activity_id)?;
        let signups = signups_of(&self.conn, activity_id)?;
        let phones: HashMap<i64, Option<String>> = self.signup_phones(activity_id)?;
        let people = |status: &str| -> Vec<SheetPerson> {
            signups
                .iter()
                .filter(|s| s.status == status)
                .map(|s| SheetPerson {
                    name: s.name.clone(),
                    address: s.address.clone().unwrap_or_default(),
                    phone: phones.get(&s.id).cloned().flatten(),
                })
                .collect()
        };
        Ok(ActivitySheet {
            community: self.community_name()?.unwrap_or_default(),
            title: row.title,
            series: row.series_name,
            line: row.line,
            date: NaiveDate::parse_from_str(&row.date, "%Y-%m-%d")
                .map_err(|_| Error::Refused(format!("活动日期 {} 无效", row.date)))?,
            start_time: row.start_time,
            end_time: row.end_time,
            place: row.place,
            organiser: row.organiser,
            registered: people(REGISTERED),
            waitlist: people(WAITLISTED),
        })
    }

    /// Full phone numbers of one session's sign-ups (the sheet masks them when printing).
    fn signup_phones(&self, activity_id: i64) -> Result<HashMap<i64, Option<String>>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT g.id, coalesce(r.phone, g.guest_phone) FROM signups g LEFT JOIN residents r ON r.id = g.resident_id
             WHERE g.activity_id = ?1",
        )?;
        let rows = stmt.query_map([activity_id], |r| Ok((r.get(0)?, r.get(1)?)))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// A series' attendance: every session held or planned (not cancelled) and everyone who
    /// was registered for at least one of them.
    pub fn attendance_grid(&self, series_id: i64) -> Result<AttendanceGrid> {
        let series: String = self
            .conn
            .query_row("SELECT name FROM series WHERE id = ?1", [series_id], |r| r.get(0))
            .optional()?
            .ok_or(Error::NotFound { what: "活动系列", id: series_id })?;
        let sessions: Vec<(i64, String)> = {
            let mut stmt = self.conn.prepare(
                "SELECT id, date FROM activities WHERE series_id = ?1 AND cancelled_on IS NULL ORDER BY date, start_time, id",
            )?;
            let rows = stmt.query_map([series_id], |r| Ok((r.get(0)?, r.get(1)?)))?;
            rows.collect::<rusqlite::Result<_>>()?
        };
        let mut people: Vec<AttendancePerson> = Vec::new();
        let mut index: HashMap<String, usize> = HashMap::new();
        for (column, (activity_id, _)) in sessions.iter().enumerate() {
            // Only people who had a place: someone who only waited never attended.
            for signup in signups_of(&self.conn, *activity_id)?.into_iter().filter(|s| s.status == REGISTERED) {
                // Residents are one row across sessions; a guest is known by name.
                let key = signup.resident_id.map(|id| format!("r{id}")).unwrap_or_else(|| format!("g{}", signup.name));
                let row = *index.entry(key).or_insert_with(|| {
                    people.push(AttendancePerson {
                        name: signup.name.clone(),
                        address: signup.address.clone().unwrap_or_default(),
                        marks: vec![None; sessions.len()],
                    });
                    people.len() - 1
                });
                people[row].marks[column] = signup.attended;
            }
        }
        Ok(AttendanceGrid {
            community: self.community_name()?.unwrap_or_default(),
            series,
            sessions: sessions.iter().filter_map(|(_, d)| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok()).collect(),
            people,
        })
    }
}
