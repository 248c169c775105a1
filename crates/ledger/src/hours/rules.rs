//! The rules every entry obeys before it is written, checked inside the write transaction
//! (IMMEDIATE, so two PCs cannot both pass them): the volunteer exists and had not left, the
//! service is over, no more than 24 hours in one calendar day, and no overlap with the same
//! volunteer's other entries that are not rejected. Each rule has its own message naming the
//! entries it conflicts with.

use super::{describe_time, format_minutes, ValidEntry, MINUTES_PER_DAY, REJECTED};
use crate::error::{Error, Result};
use chrono::{Duration, NaiveDate, NaiveDateTime, NaiveTime};
use rusqlite::{params, Connection, OptionalExtension};

/// Another entry of the same volunteer, as an absolute interval.
#[derive(Debug, Clone)]
pub(crate) struct Booked {
    pub id: i64,
    pub start: NaiveDateTime,
    pub end: NaiveDateTime,
    pub label: String,
}

impl Booked {
    fn describe(&self) -> String {
        format!("第 {} 条（{}）", self.id, self.label)
    }
}

/// Minutes of `[start, end)` that fall on `day`.
fn minutes_on(day: NaiveDate, start: NaiveDateTime, end: NaiveDateTime) -> i64 {
    let day_start = day.and_time(NaiveTime::MIN);
    let day_end = day_start + Duration::days(1);
    (end.min(day_end) - start.max(day_start)).num_minutes().max(0)
}

/// Entries of the volunteer that could share a day with one on `date` (overnight ones from
/// the day before reach into it), rejected ones and `ignore` (the entry being corrected) left out.
pub(crate) fn booked_around(
    conn: &Connection,
    volunteer_id: i64,
    date: NaiveDate,
    ignore: Option<i64>,
) -> Result<Vec<Booked>> {
    let mut stmt = conn.prepare_cached(
        "SELECT id, date, start_time, end_time, overnight, content FROM hour_entries
         WHERE volunteer_id = ?1 AND date BETWEEN ?2 AND ?3 AND status <> ?4 AND id IS NOT ?5 ORDER BY date, start_time, id",
    )?;
    let rows = stmt.query_map(
        params![
            volunteer_id,
            (date - Duration::days(1)).to_string(),
            (date + Duration::days(1)).to_string(),
            REJECTED,
            ignore
        ],
        |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, String>(3)?,
                r.get::<_, bool>(4)?,
                r.get::<_, String>(5)?,
            ))
        },
    )?;
    let mut booked = Vec::new();
    for row in rows {
        let (id, day, start, end, overnight, content) = row?;
        let (Some(d), Some(s), Some(e)) =
            (crate::values::dates::parse_date(&day), super::parse_time(&start), super::parse_time(&end))
        else {
            continue;
        };
        let end_day = if overnight { d + Duration::days(1) } else { d };
        booked.push(Booked {
            id,
            start: d.and_time(s),
            end: end_day.and_time(e),
            label: format!("{} {content}", describe_time(&day, &start, &end, overnight)),
        });
    }
    Ok(booked)
}

/// The first calendar day the entry touches on which the volunteer would pass 24 hours.
pub(crate) fn day_limit_error(entry: &ValidEntry, booked: &[Booked], who: &str) -> Option<String> {
    let (start, end) = (entry.start(), entry.end());
    let mut day = start.date();
    while day.and_time(NaiveTime::MIN) < end {
        let on_day: Vec<&Booked> = booked.iter().filter(|b| minutes_on(day, b.start, b.end) > 0).collect();
        let already: i64 = on_day.iter().map(|b| minutes_on(day, b.start, b.end)).sum();
        let adding = minutes_on(day, start, end);
        if already + adding > MINUTES_PER_DAY {
            let listed: Vec<String> = on_day.iter().map(|b| b.describe()).collect();
            return Some(format!(
                "{who} {day} 已登记 {}（{}），加上本条 {} 共 {}，超过一天 24 小时",
                format_minutes(already),
                listed.join("；"),
                format_minutes(adding),
                format_minutes(already + adding)
            ));
        }
        day += Duration::days(1);
    }
    None
}

/// The first entry of the volunteer whose interval overlaps this one (touching ends are fine).
pub(crate) fn overlap_error(entry: &ValidEntry, booked: &[Booked], who: &str) -> Option<String> {
    let (start, end) = (entry.start(), entry.end());
    let clash = booked.iter().find(|b| b.start < end && start < b.end)?;
    Some(format!("{who} 本条 {} 与已登记的{}时间重叠", entry.when(), clash.describe()))
}

/// The volunteer's name and number, refusing one who does not exist or had left before `date`.
pub(crate) fn active_volunteer(conn: &Connection, volunteer_id: i64, date: NaiveDate) -> Result<String> {
    let found: Option<(String, String, String, Option<String>)> = conn
        .prepare_cached(
            "SELECT coalesce(r.name, v.name), v.number, v.joined_on, v.left_on FROM volunteers v
             LEFT JOIN residents r ON r.id = v.resident_id WHERE v.id = ?1",
        )?
        .query_row([volunteer_id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
        .optional()?;
    let (name, number, joined_on, left_on) = found.ok_or(Error::NotFound { what: "志愿者", id: volunteer_id })?;
    let who = format!("志愿者 {name}（{number}）");
    let date = date.to_string();
    // A certificate must never show service from before the volunteer joined.
    if date < joined_on {
        return Err(Error::invalid(
            "date",
            format!("{who}于 {joined_on} 加入，不能登记更早的 {date} 的服务时长；如确实更早加入，请先修改加入日期"),
        ));
    }
    if let Some(left) = left_on.filter(|l| *l < date) {
        return Err(Error::invalid("date", format!("{who}已于 {left} 退出，不能登记 {date} 的服务时长")));
    }
    Ok(who)
}

fn check_linked(conn: &Connection, entry: &ValidEntry) -> Result<()> {
    if let Some(id) = entry.activity_id {
        let found = conn.query_row("SELECT 1 FROM activities WHERE id = ?1", [id], |_| Ok(())).optional()?;
        found.ok_or(Error::NotFound { what: "活动", id })?;
    }
    if let Some(id) = entry.service_id {
        let found = conn.query_row("SELECT 1 FROM services WHERE id = ?1", [id], |_| Ok(())).optional()?;
        found.ok_or(Error::NotFound { what: "服务记录", id })?;
    }
    Ok(())
}

/// Every rule, in the order the messages should come: volunteer, future, 24 hours, overlap.
pub(crate) fn check_entry(
    conn: &Connection,
    entry: &ValidEntry,
    now: NaiveDateTime,
    ignore: Option<i64>,
) -> Result<()> {
    let who = active_volunteer(conn, entry.volunteer_id, entry.date)?;
    if entry.end() > now {
        return Err(Error::invalid(
            "end_time",
            format!("{who} 本条 {} 尚未结束，不能登记未来的服务时长", entry.when()),
        ));
    }
    check_linked(conn, entry)?;
    let booked = booked_around(conn, entry.volunteer_id, entry.date, ignore)?;
    if let Some(message) = day_limit_error(entry, &booked, &who) {
        return Err(Error::invalid("date", message));
    }
    if let Some(message) = overlap_error(entry, &booked, &who) {
        return Err(Error::invalid("start_time", message));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::hours::HourEntryInput;

    fn entry(date: &str, start: &str, end: &str, overnight: bool) -> ValidEntry {
        HourEntryInput {
            volunteer_id: 1,
            date: date.into(),
            start_time: start.into(),
            end_time: end.into(),
            overnight,
            content: "巡逻".into(),
            ..Default::default()
        }
        .validate()
        .unwrap()
    }

    fn booked(id: i64, e: &ValidEntry) -> Booked {
        Booked { id, start: e.start(), end: e.end(), label: e.when() }
    }

    #[test]
    fn touching_entries_do_not_overlap() {
        let night = booked(1, &entry("2026-11-20", "22:00", "02:00", true));
        assert!(
            overlap_error(&entry("2026-11-21", "02:00", "04:00", false), std::slice::from_ref(&night), "甲").is_none()
        );
        let err = overlap_error(&entry("2026-11-21", "01:00", "03:00", false), &[night], "甲").unwrap();
        assert!(err.contains("第 1 条（2026-11-20 22:00–次日 02:00）"), "{err}");
    }

    #[test]
    fn an_overnight_entry_is_split_at_midnight_for_the_daily_limit() {
        let day = booked(1, &entry("2026-11-21", "00:30", "23:00", false));
        // 22:00–02:00 puts 2 h on the 20th (fine) and 2 h on the 21st (22 h 30 + 2 h > 24 h).
        let err =
            day_limit_error(&entry("2026-11-20", "22:00", "02:00", true), std::slice::from_ref(&day), "甲").unwrap();
        assert!(err.starts_with("甲 2026-11-21 已登记 22 小时 30 分"), "{err}");
        assert!(err.contains("共 24 小时 30 分"), "{err}");
        assert!(day_limit_error(&entry("2026-11-20", "22:00", "00:30", true), &[day], "甲").is_none());
    }

    #[test]
    fn minutes_on_a_day_are_clipped_to_it() {
        let e = entry("2026-11-20", "22:00", "02:00", true);
        let d = |day| NaiveDate::from_ymd_opt(2026, 11, day).unwrap();
        assert_eq!((minutes_on(d(20), e.start(), e.end()), minutes_on(d(21), e.start(), e.end())), (120, 120));
        assert_eq!(minutes_on(d(22), e.start(), e.end()), 0);
    }
}
