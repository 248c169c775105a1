//! The dashboard (start page): counts, this month's activities, the data of its two charts
//! (confirmed hours per month, activities by line) and what is overdue.

use crate::activities::LINES;
use crate::care::CareHousehold;
use crate::error::Result;
use crate::ledger::{Ledger, CURRENT};
use crate::projects::LateMilestone;
use crate::register::model::Stats;
use chrono::{Datelike, Months, NaiveDate};
use rusqlite::named_params;
use serde::Serialize;
use std::collections::HashMap;

/// Months in the hours chart, ending with the current one.
pub const HOURS_MONTHS: u32 = 6;
/// Overdue households shown on the dashboard; the care list has the rest.
pub const OVERDUE_SHOWN: usize = 5;

#[derive(Debug, Clone, Serialize)]
pub struct Dashboard {
    pub today: String,
    pub stats: Stats,
    /// Volunteers who have not left and, for residents, are still in the register.
    pub volunteers_active: i64,
    pub month: MonthActivity,
    /// Oldest month first; months without hours are included at 0.
    pub hours_by_month: Vec<MonthHours>,
    /// Every line, in the order of `activities::LINES`, also at 0.
    pub activities_by_line: Vec<LineCount>,
    pub overdue_visits: Vec<CareHousehold>,
    pub overdue_visits_total: i64,
    pub late_milestones: Vec<LateMilestone>,
    /// Hour entries waiting for review (待审核).
    pub pending_hours: i64,
}

/// This calendar month's activities that were not cancelled.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct MonthActivity {
    /// "2026年11月".
    pub label: String,
    pub activities: i64,
    /// Registered places (not the waitlist, not cancelled sign-ups).
    pub signups: i64,
    /// Registered places of the sessions already held (before today): what `attended` is out of.
    pub held_signups: i64,
    pub attended: i64,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct MonthHours {
    /// "2026-11".
    pub month: String,
    /// "11月".
    pub label: String,
    /// Confirmed minutes of entries dated in this month.
    pub minutes: i64,
    pub hours: f64,
}

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct LineCount {
    pub line: String,
    pub count: i64,
}

fn first_of_month(date: NaiveDate) -> NaiveDate {
    date.with_day(1).expect("every month has a first day")
}

/// The first days of the `count` months ending with `today`'s month, oldest first.
fn recent_months(today: NaiveDate, count: u32) -> Vec<NaiveDate> {
    let this = first_of_month(today);
    (0..count).rev().map(|back| this - Months::new(back)).collect()
}

impl Ledger {
    /// The register's headline counts (the start page, `xinghe-cli stats`).
    pub fn stats(&self) -> Result<Stats> {
        let sql = format!(
            "SELECT
                (SELECT count(*) FROM households WHERE moved_out_on IS NULL),
                (SELECT count(*) FROM residents r WHERE {CURRENT}),
                (SELECT count(*) FROM residents r WHERE {CURRENT} AND r.birth_date <= ?1),
                (SELECT count(DISTINCT c.resident_id) FROM care_needs c JOIN residents r ON r.id = c.resident_id WHERE {CURRENT}),
                (SELECT count(*) FROM residents r WHERE {CURRENT} AND r.political_status LIKE '中共%'),
                (SELECT count(*) FROM residents r WHERE {CURRENT} AND r.is_volunteer = 1),
                (SELECT count(*) FROM grids),
                (SELECT count(*) FROM buildings),
                (SELECT count(*) FROM units)"
        );
        Ok(self.conn.query_row(&sql, [self.aged_cutoff()], |r| {
            Ok(Stats {
                households: r.get(0)?,
                residents: r.get(1)?,
                aged_80_plus: r.get(2)?,
                care_needs: r.get(3)?,
                party_members: r.get(4)?,
                volunteers: r.get(5)?,
                grids: r.get(6)?,
                buildings: r.get(7)?,
                units: r.get(8)?,
            })
        })?)
    }
}

impl Ledger {
    pub fn dashboard(&self) -> Result<Dashboard> {
        let today = self.today();
        let care = self.care_list(None)?;
        let overdue_visits: Vec<CareHousehold> =
            care.households.into_iter().filter(|h| h.overdue).take(OVERDUE_SHOWN).collect();
        Ok(Dashboard {
            today: today.to_string(),
            stats: self.stats()?,
            volunteers_active: self.volunteers_active()?,
            month: self.month_activity(today)?,
            hours_by_month: self.hours_by_month(today)?,
            activities_by_line: self.activities_by_line(today)?,
            overdue_visits,
            overdue_visits_total: care.overdue,
            late_milestones: self.late_milestones()?,
            pending_hours: self.conn.query_row(
                "SELECT count(*) FROM hour_entries WHERE status = '待审核'",
                [],
                |r| r.get(0),
            )?,
        })
    }

    /// Not left (as the volunteer list counts them), and not moved out or died: someone who
    /// is no longer in the register does not serve in it.
    fn volunteers_active(&self) -> Result<i64> {
        let sql = format!(
            "SELECT count(*) FROM volunteers v LEFT JOIN residents r ON r.id = v.resident_id
             WHERE v.left_on IS NULL AND (v.resident_id IS NULL OR ({CURRENT}))"
        );
        Ok(self.conn.query_row(&sql, [], |r| r.get(0))?)
    }

    fn month_activity(&self, today: NaiveDate) -> Result<MonthActivity> {
        let from = first_of_month(today);
        let to = from + Months::new(1);
        let (activities, signups, held_signups, attended) = self.conn.query_row(
            "SELECT count(*),
                    coalesce(sum((SELECT count(*) FROM signups g WHERE g.activity_id = a.id AND g.status = 'registered')), 0),
                    coalesce(sum(CASE WHEN a.date < :today THEN
                        (SELECT count(*) FROM signups g WHERE g.activity_id = a.id AND g.status = 'registered') END), 0),
                    coalesce(sum((SELECT count(*) FROM signups g
                                  WHERE g.activity_id = a.id AND g.status = 'registered' AND g.attended = 1)), 0)
             FROM activities a WHERE a.cancelled_on IS NULL AND a.date >= :from AND a.date < :to",
            named_params! {":from": from.to_string(), ":to": to.to_string(), ":today": today.to_string()},
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
        )?;
        let label = format!("{}年{}月", today.year(), today.month());
        Ok(MonthActivity { label, activities, signups, held_signups, attended })
    }

    fn hours_by_month(&self, today: NaiveDate) -> Result<Vec<MonthHours>> {
        let months = recent_months(today, HOURS_MONTHS);
        let from = months[0];
        let to = first_of_month(today) + Months::new(1);
        let mut stmt = self.conn.prepare_cached(
            "SELECT substr(date, 1, 7), sum(minutes) FROM hour_entries
             WHERE status = '已确认' AND date >= :from AND date < :to GROUP BY substr(date, 1, 7)",
        )?;
        let minutes: HashMap<String, i64> = stmt
            .query_map(named_params! {":from": from.to_string(), ":to": to.to_string()}, |r| {
                Ok((r.get(0)?, r.get(1)?))
            })?
            .collect::<rusqlite::Result<_>>()?;
        Ok(months
            .into_iter()
            .map(|first| {
                let month = first.format("%Y-%m").to_string();
                let minutes = minutes.get(&month).copied().unwrap_or(0);
                MonthHours { label: format!("{}月", first.month()), month, minutes, hours: minutes as f64 / 60.0 }
            })
            .collect())
    }

    fn activities_by_line(&self, today: NaiveDate) -> Result<Vec<LineCount>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT line, count(*) FROM activities WHERE cancelled_on IS NULL AND substr(date, 1, 4) = :year GROUP BY line",
        )?;
        let counts: HashMap<String, i64> = stmt
            .query_map(named_params! {":year": format!("{:04}", today.year())}, |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<rusqlite::Result<_>>()?;
        Ok(LINES
            .iter()
            .map(|line| LineCount { line: (*line).to_string(), count: counts.get(*line).copied().unwrap_or(0) })
            .collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn six_months_cross_the_new_year() {
        let today = NaiveDate::from_ymd_opt(2027, 2, 28).unwrap();
        let months: Vec<String> = recent_months(today, 6).iter().map(|d| d.format("%Y-%m").to_string()).collect();
        assert_eq!(months, ["2026-09", "2026-10", "2026-11", "2026-12", "2027-01", "2027-02"]);
    }

    #[test]
    fn an_empty_register_has_every_line_and_month_at_zero() {
        let mut ledger = Ledger::open_in_memory().unwrap();
        ledger.set_today(NaiveDate::from_ymd_opt(2026, 11, 28).unwrap());
        let board = ledger.dashboard().unwrap();
        assert_eq!(board.month.label, "2026年11月");
        assert_eq!(board.hours_by_month.len(), 6);
        assert_eq!(board.hours_by_month[5].label, "11月");
        assert!(board.hours_by_month.iter().all(|m| m.minutes == 0));
        assert_eq!(board.activities_by_line.len(), LINES.len());
        assert!(board.overdue_visits.is_empty() && board.late_milestones.is_empty());
    }
}
