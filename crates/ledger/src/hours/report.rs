//! Confirmed hours for a date range, by volunteer, line, organisation and month — on screen,
//! and the source of the printed report, the .xlsx export and `xinghe-cli hours`.

use super::{format_minutes, minutes_to_hours, GroupHours, HoursReport, VolunteerHours, CONFIRMED, PENDING};
use crate::error::{Error, Result};
use crate::ledger::Ledger;
use crate::volunteers::VOLUNTEER_LINES;
use chrono::NaiveDate;
use rusqlite::params;
use std::collections::{BTreeMap, BTreeSet};

/// The group of volunteers who belong to no organisation.
pub const RESIDENTS_GROUP: &str = "社区居民";

/// One confirmed entry with what it is grouped by.
struct Counted {
    volunteer_id: i64,
    number: String,
    name: String,
    line: String,
    organisation: Option<String>,
    month: String,
    minutes: i64,
}

#[derive(Default)]
struct Tally {
    minutes: i64,
    entries: i64,
    volunteers: BTreeSet<i64>,
}

impl Tally {
    fn add(&mut self, entry: &Counted) {
        self.minutes += entry.minutes;
        self.entries += 1;
        self.volunteers.insert(entry.volunteer_id);
    }

    fn group(&self, label: &str) -> GroupHours {
        GroupHours {
            label: label.to_string(),
            minutes: self.minutes,
            hours: minutes_to_hours(self.minutes),
            text: format_minutes(self.minutes),
            volunteers: self.volunteers.len() as i64,
            entries: self.entries,
        }
    }
}

fn by_volunteer(entries: &[Counted]) -> Vec<VolunteerHours> {
    let mut rows: BTreeMap<i64, VolunteerHours> = BTreeMap::new();
    for e in entries {
        let row = rows.entry(e.volunteer_id).or_insert_with(|| VolunteerHours {
            volunteer_id: e.volunteer_id,
            number: e.number.clone(),
            name: e.name.clone(),
            line: e.line.clone(),
            organisation: e.organisation.clone(),
            minutes: 0,
            hours: 0.0,
            text: String::new(),
            entries: 0,
        });
        row.minutes += e.minutes;
        row.entries += 1;
    }
    let mut rows: Vec<VolunteerHours> = rows.into_values().collect();
    for row in &mut rows {
        row.hours = minutes_to_hours(row.minutes);
        row.text = format_minutes(row.minutes);
    }
    rows.sort_by(|a, b| b.minutes.cmp(&a.minutes).then_with(|| a.number.cmp(&b.number)));
    rows
}

fn grouped(entries: &[Counted], key: impl Fn(&Counted) -> String) -> BTreeMap<String, Tally> {
    let mut groups: BTreeMap<String, Tally> = BTreeMap::new();
    for e in entries {
        groups.entry(key(e)).or_default().add(e);
    }
    groups
}

fn by_line(entries: &[Counted]) -> Vec<GroupHours> {
    let groups = grouped(entries, |e| e.line.clone());
    VOLUNTEER_LINES
        .iter()
        .map(|line| groups.get(*line).map_or_else(|| Tally::default().group(line), |t| t.group(line)))
        .collect()
}

fn by_organisation(entries: &[Counted]) -> Vec<GroupHours> {
    let groups = grouped(entries, |e| e.organisation.clone().unwrap_or_else(|| RESIDENTS_GROUP.to_string()));
    let mut rows: Vec<GroupHours> = groups.iter().map(|(label, tally)| tally.group(label)).collect();
    rows.sort_by(|a, b| b.minutes.cmp(&a.minutes).then_with(|| a.label.cmp(&b.label)));
    rows
}

fn by_month(entries: &[Counted]) -> Vec<GroupHours> {
    grouped(entries, |e| e.month.clone()).iter().map(|(label, tally)| tally.group(label)).collect()
}

/// A report period as typed (either end may be blank for "open"): both ends parsed, and an end
/// before the start refused, each with a message naming the field and the value.
pub fn parse_period(from: Option<&str>, to: Option<&str>) -> Result<(Option<NaiveDate>, Option<NaiveDate>)> {
    let bound = |text: Option<&str>, field: &'static str, label: &str| -> Result<Option<NaiveDate>> {
        match text.map(str::trim).filter(|t| !t.is_empty()) {
            None => Ok(None),
            Some(t) => crate::values::dates::parse_date(t)
                .map(Some)
                .ok_or_else(|| Error::invalid(field, format!("{label}“{t}”不是有效日期，请写成 2026-12-01 的样式"))),
        }
    };
    let (from, to) = (bound(from, "from", "开始日期")?, bound(to, "to", "结束日期")?);
    check_range(from, to)?;
    Ok((from, to))
}

/// A period whose end comes before its start is a typing mistake, not an empty report.
pub(crate) fn check_range(from: Option<NaiveDate>, to: Option<NaiveDate>) -> Result<()> {
    match (from, to) {
        (Some(from), Some(to)) if to < from => Err(Error::invalid("to", format!("结束日期 {to} 早于开始日期 {from}"))),
        _ => Ok(()),
    }
}

impl Ledger {
    /// Confirmed hours between `from` and `to` (inclusive; open ends are unbounded), grouped.
    /// Pending entries are only counted in `pending_minutes`.
    pub fn hours_report(&self, from: Option<NaiveDate>, to: Option<NaiveDate>) -> Result<HoursReport> {
        check_range(from, to)?;
        let (from, to) = (from.map(|d| d.to_string()), to.map(|d| d.to_string()));
        let range = "(?1 IS NULL OR e.date >= ?1) AND (?2 IS NULL OR e.date <= ?2)";
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT e.volunteer_id, v.number, coalesce(r.name, v.name), v.line, o.name, substr(e.date, 1, 7), e.minutes
             FROM hour_entries e JOIN volunteers v ON v.id = e.volunteer_id
             LEFT JOIN residents r ON r.id = v.resident_id LEFT JOIN organisations o ON o.id = v.organisation_id
             WHERE e.status = ?3 AND {range} ORDER BY e.date, e.start_time, e.id"
        ))?;
        let entries: Vec<Counted> = stmt
            .query_map(params![from, to, CONFIRMED], |r| {
                Ok(Counted {
                    volunteer_id: r.get(0)?,
                    number: r.get(1)?,
                    name: r.get(2)?,
                    line: r.get(3)?,
                    organisation: r.get(4)?,
                    month: r.get(5)?,
                    minutes: r.get(6)?,
                })
            })?
            .collect::<rusqlite::Result<_>>()?;
        let pending_minutes: i64 = self.conn.query_row(
            &format!("SELECT coalesce(sum(e.minutes), 0) FROM hour_entries e WHERE e.status = ?3 AND {range}"),
            params![from, to, PENDING],
            |r| r.get(0),
        )?;
        let total_minutes: i64 = entries.iter().map(|e| e.minutes).sum();
        let by_volunteer = by_volunteer(&entries);
        // The sum of the parts, in their order: a script adding up by_volunteer gets exactly this
        // figure (minutes are the exact one).
        let total_hours = by_volunteer.iter().map(|v| v.hours).sum();
        Ok(HoursReport {
            from,
            to,
            total_minutes,
            total_hours,
            total_text: format_minutes(total_minutes),
            pending_minutes,
            by_volunteer,
            by_line: by_line(&entries),
            by_organisation: by_organisation(&entries),
            by_month: by_month(&entries),
        })
    }
}
