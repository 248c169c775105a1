//! Writing entries (by hand, from an activity's attendance, as a correction), reviewing them
//! in batches, the filtered list and an entry's history.

use super::rules::check_entry;
use super::{
    filter_date, format_minutes, hhmm, ActivityHours, HourEntryInput, HourEntryRow, HourEvent, HoursFilter,
    HoursReview, SkippedVolunteer, ValidEntry, CONFIRMED, PENDING, REJECTED, STATUSES,
};
use crate::access::audit::{self, Change};
use crate::error::{Error, Result};
use crate::ledger::Ledger;
use crate::values::dates::{local_now, local_today};
use crate::volunteers::Conditions;
use chrono::{Duration, NaiveDateTime, NaiveTime};
use rusqlite::{params, params_from_iter, Connection, OptionalExtension, Row, TransactionBehavior};

const ENTRY_SELECT: &str = "SELECT e.id, e.volunteer_id, v.number, coalesce(r.name, v.name), v.line, o.name, e.date,
     e.start_time, e.end_time, e.overnight, e.minutes, e.content, e.place, e.organiser, e.activity_id, a.title,
     e.service_id, e.status, e.verifier, e.reviewed_at, e.review_note, e.corrects_id,
     (SELECT max(c.id) FROM hour_entries c WHERE c.corrects_id = e.id), e.entered_by, e.entered_at
     FROM hour_entries e
     JOIN volunteers v ON v.id = e.volunteer_id
     LEFT JOIN residents r ON r.id = v.resident_id
     LEFT JOIN organisations o ON o.id = v.organisation_id
     LEFT JOIN activities a ON a.id = e.activity_id";

fn entry_from(r: &Row) -> rusqlite::Result<HourEntryRow> {
    let minutes: i64 = r.get(10)?;
    Ok(HourEntryRow {
        id: r.get(0)?,
        volunteer_id: r.get(1)?,
        number: r.get(2)?,
        name: r.get(3)?,
        line: r.get(4)?,
        organisation: r.get(5)?,
        date: r.get(6)?,
        start_time: r.get(7)?,
        end_time: r.get(8)?,
        overnight: r.get(9)?,
        minutes,
        duration_text: format_minutes(minutes),
        content: r.get(11)?,
        place: r.get(12)?,
        organiser: r.get(13)?,
        activity_id: r.get(14)?,
        activity_title: r.get(15)?,
        service_id: r.get(16)?,
        status: r.get(17)?,
        verifier: r.get(18)?,
        reviewed_at: r.get(19)?,
        review_note: r.get(20)?,
        corrects_id: r.get(21)?,
        corrected_by: r.get(22)?,
        entered_by: r.get(23)?,
        entered_at: r.get(24)?,
    })
}

pub(crate) fn entries_where(conn: &Connection, conditions: &Conditions, order: &str) -> Result<Vec<HourEntryRow>> {
    let sql = format!("{ENTRY_SELECT}{} ORDER BY {order}", conditions.where_sql());
    let mut stmt = conn.prepare_cached(&sql)?;
    let rows = stmt.query_map(params_from_iter(conditions.values()), entry_from)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

fn entry_row(conn: &Connection, id: i64) -> Result<HourEntryRow> {
    let mut conditions = Conditions::default();
    conditions.add("e.id = {}", id);
    entries_where(conn, &conditions, "e.id")?.pop().ok_or(Error::NotFound { what: "志愿服务记录", id })
}

/// "第 12 条（2026-11-20 09:00–11:30 楼道清扫）", how messages name an entry.
fn describe(row: &HourEntryRow) -> String {
    let when = super::describe_time(&row.date, &row.start_time, &row.end_time, row.overnight);
    format!("第 {} 条（{} {} {}）", row.id, row.name, when, row.content)
}

/// An entry as the audit trail keeps it: the stored row.
fn hour_json(conn: &Connection, id: i64) -> Result<Option<String>> {
    audit::row_json(conn, "hour_entries", id)
}

pub(crate) fn add_event(conn: &Connection, entry_id: i64, operator: &str, action: &str, note: &str) -> Result<()> {
    conn.prepare_cached(
        "INSERT INTO hour_entry_events(entry_id, at, operator, action, note) VALUES (?1, ?2, ?3, ?4, ?5)",
    )?
    .execute(params![entry_id, Ledger::now_text(), operator, action, note])?;
    Ok(())
}

/// Inserts a checked entry as 待审核 with its first event.
pub(crate) fn insert_entry(
    conn: &Connection,
    entry: &ValidEntry,
    operator: &str,
    corrects: Option<i64>,
    event: (&str, &str),
) -> Result<i64> {
    conn.prepare_cached(
        "INSERT INTO hour_entries(volunteer_id, date, start_time, end_time, overnight, minutes, content, place, organiser,
         activity_id, service_id, status, corrects_id, entered_by, entered_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)",
    )?
    .execute(params![
        entry.volunteer_id,
        entry.date.to_string(),
        hhmm(entry.start_time),
        hhmm(entry.end_time),
        entry.overnight,
        entry.minutes(),
        entry.content,
        entry.place,
        entry.organiser,
        entry.activity_id,
        entry.service_id,
        PENDING,
        corrects,
        operator,
        Ledger::now_text()
    ])?;
    let id = conn.last_insert_rowid();
    add_event(conn, id, operator, event.0, event.1)?;
    Ok(id)
}

/// Checks and inserts one entry: what every way of recording hours goes through.
pub(crate) fn record_checked(conn: &Connection, entry: &ValidEntry, now: NaiveDateTime, operator: &str) -> Result<i64> {
    check_entry(conn, entry, now, None)?;
    insert_entry(conn, entry, operator, None, ("登记", ""))
}

struct AttendingActivity {
    title: String,
    date: String,
    start_time: String,
    end_time: String,
    place: String,
    organiser: String,
    cancelled_on: Option<String>,
}

impl AttendingActivity {
    /// True while the session has not ended by `now` (an unreadable stored time counts as ended
    /// here; the entries themselves are validated one by one).
    fn ends_after(&self, now: NaiveDateTime) -> bool {
        match (crate::values::dates::parse_date(&self.date), super::parse_time(&self.end_time)) {
            (Some(date), Some(end)) => date.and_time(end) > now,
            _ => false,
        }
    }
}

fn attending_activity(conn: &Connection, id: i64) -> Result<AttendingActivity> {
    conn.query_row(
        "SELECT title, date, start_time, end_time, place, organiser, cancelled_on FROM activities WHERE id = ?1",
        [id],
        |r| {
            Ok(AttendingActivity {
                title: r.get(0)?,
                date: r.get(1)?,
                start_time: r.get(2)?,
                end_time: r.get(3)?,
                place: r.get(4)?,
                organiser: r.get(5)?,
                cancelled_on: r.get(6)?,
            })
        },
    )
    .optional()?
    .ok_or(Error::NotFound { what: "活动", id })
}

/// Volunteers who attended: residents by their sign-up, and members of organisations (who sign
/// up as guests) by the phone number on their volunteer record. The flag says whether they
/// already have an entry for the activity, rejected ones included: a reviewer who rejected it
/// decided, and pressing the button again must not bring it back.
fn attending_volunteers(conn: &Connection, activity_id: i64, date: &str) -> Result<Vec<(i64, String, bool)>> {
    let mut stmt = conn.prepare(
        "SELECT v.id, coalesce(r.name, v.name),
                EXISTS (SELECT 1 FROM hour_entries e WHERE e.volunteer_id = v.id AND e.activity_id = ?1)
         FROM signups g
         JOIN volunteers v ON v.resident_id = g.resident_id
              OR (v.resident_id IS NULL AND g.resident_id IS NULL AND v.phone IS NOT NULL AND v.phone = g.guest_phone)
         LEFT JOIN residents r ON r.id = v.resident_id
         WHERE g.activity_id = ?1 AND g.status = 'registered' AND g.attended = 1
           AND (v.left_on IS NULL OR v.left_on >= ?2)
         GROUP BY v.id
         ORDER BY min(g.id)",
    )?;
    let rows = stmt.query_map(params![activity_id, date], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

impl Ledger {
    /// The latest moment an entry may end: the clock, or the end of a pinned day.
    pub(crate) fn now_limit(&self) -> NaiveDateTime {
        let today = self.today();
        if today == local_today() {
            local_now()
        } else {
            (today + Duration::days(1)).and_time(NaiveTime::MIN)
        }
    }

    /// Records one period of service as 待审核.
    pub fn record_hours(&mut self, input: &HourEntryInput) -> Result<i64> {
        let entry = input.validate()?;
        let (now, operator, actor) = (self.now_limit(), self.operator().to_string(), self.actor());
        let tx = self.conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let id = record_checked(&tx, &entry, now, &operator)?;
        let summary = format!("登记志愿服务{}", describe(&entry_row(&tx, id)?));
        audit::record(&tx, &actor, Change::new("登记", "志愿时长", Some(id), summary).after(hour_json(&tx, id)?))?;
        tx.commit()?;
        self.changed();
        Ok(id)
    }

    /// One 待审核 entry per volunteer who attended the activity, with its times, place and
    /// organiser. Those who already have an entry for it, or whom a rule refuses, are skipped
    /// with the reason; the others are written together.
    pub fn record_activity_hours(&mut self, activity_id: i64) -> Result<ActivityHours> {
        let (now, operator, actor) = (self.now_limit(), self.operator().to_string(), self.actor());
        let tx = self.conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let activity = attending_activity(&tx, activity_id)?;
        let when = super::describe_time(&activity.date, &activity.start_time, &activity.end_time, false);
        if let Some(cancelled) = &activity.cancelled_on {
            return Err(Error::Refused(format!("活动“{}”已于 {cancelled} 取消，不能记录志愿时长", activity.title)));
        }
        let input = |volunteer_id| HourEntryInput {
            volunteer_id,
            date: activity.date.clone(),
            start_time: activity.start_time.clone(),
            end_time: activity.end_time.clone(),
            overnight: false,
            content: activity.title.clone(),
            place: activity.place.clone(),
            organiser: activity.organiser.clone(),
            activity_id: Some(activity_id),
            service_id: None,
        };
        if activity.ends_after(now) {
            return Err(Error::Refused(format!("活动“{}”（{when}）尚未结束，结束后才能记录志愿时长", activity.title)));
        }
        let volunteers = attending_volunteers(&tx, activity_id, &activity.date)?;
        if volunteers.is_empty() {
            return Err(Error::Refused(format!(
                "活动“{}”（{when}）没有已签到的志愿者，没有可记录的时长",
                activity.title
            )));
        }
        let mut outcome = ActivityHours { created: Vec::new(), skipped: Vec::new() };
        for (volunteer_id, name, recorded) in volunteers {
            if recorded {
                outcome
                    .skipped
                    .push(SkippedVolunteer {
                        name, reason: "已有本场活动的志愿时长记录（含已驳回的）".into()
                    });
                continue;
            }
            match record_checked(&tx, &input(volunteer_id).validate()?, now, &operator) {
                Ok(id) => outcome.created.push(id),
                Err(Error::Invalid(fields)) => {
                    let reason = fields.into_iter().map(|f| f.message).collect::<Vec<_>>().join("；");
                    outcome.skipped.push(SkippedVolunteer { name, reason });
                }
                Err(other) => return Err(other),
            }
        }
        if !outcome.created.is_empty() {
            let summary = format!(
                "按签到登记活动“{}”（{when}）的志愿时长 {} 条{}",
                activity.title,
                outcome.created.len(),
                if outcome.skipped.is_empty() {
                    String::new()
                } else {
                    format!("，跳过 {} 人", outcome.skipped.len())
                }
            );
            audit::record(&tx, &actor, Change::new("登记", "活动", Some(activity_id), summary))?;
        }
        tx.commit()?;
        self.changed();
        Ok(outcome)
    }

    /// Confirms or rejects 待审核 entries, all or none.
    pub fn review_hours(&mut self, ids: &[i64], review: &HoursReview) -> Result<usize> {
        if ids.is_empty() {
            return Err(Error::invalid("ids", "请先勾选要审核的志愿服务记录"));
        }
        let note = review.note.trim();
        if !review.approve && note.is_empty() {
            return Err(Error::invalid("note", "驳回时请填写驳回原因"));
        }
        let verifier =
            crate::values::text::non_blank(Some(&review.verifier)).unwrap_or_else(|| self.operator().to_string());
        let (status, action) = if review.approve { (CONFIRMED, "确认") } else { (REJECTED, "驳回") };
        let operator = self.operator().to_string();
        let actor = self.actor();
        let tx = self.conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let mut ids = ids.to_vec();
        ids.sort_unstable();
        ids.dedup();
        for id in &ids {
            let row = entry_row(&tx, *id)?;
            if row.status != PENDING {
                return Err(Error::Refused(format!("{}已是{}，只有待审核的记录可以审核", describe(&row), row.status)));
            }
            let before = hour_json(&tx, *id)?;
            tx.execute(
                "UPDATE hour_entries SET status = ?2, verifier = ?3, reviewed_at = ?4, review_note = ?5 WHERE id = ?1",
                params![id, status, verifier, Ledger::now_text(), note],
            )?;
            add_event(&tx, *id, &operator, action, &format!("审核人：{verifier}{}", note_suffix(note)))?;
            let summary = format!("{action}志愿服务{}{}", describe(&row), note_suffix(note));
            let change = Change::new(action, "志愿时长", Some(*id), summary).before(before);
            audit::record(&tx, &actor, change.after(hour_json(&tx, *id)?))?;
        }
        tx.commit()?;
        self.changed();
        Ok(ids.len())
    }

    /// Replaces a wrong entry: the new one (待审核, `corrects_id` = id) is checked as if the old
    /// one were gone, and the old one is rejected with a note naming the new one.
    pub fn correct_hours(&mut self, id: i64, input: &HourEntryInput, reason: &str) -> Result<i64> {
        let reason = reason.trim();
        if reason.is_empty() {
            return Err(Error::invalid("reason", "请填写更正原因"));
        }
        let entry = input.validate()?;
        let (now, operator, actor) = (self.now_limit(), self.operator().to_string(), self.actor());
        let tx = self.conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let old = entry_row(&tx, id)?;
        if let Some(newer) = old.corrected_by {
            return Err(Error::Refused(format!("{}已更正为第 {newer} 条，请更正第 {newer} 条", describe(&old))));
        }
        check_entry(&tx, &entry, now, Some(id))?;
        let before = hour_json(&tx, id)?;
        let new_id = insert_entry(&tx, &entry, &operator, Some(id), ("更正", &format!("更正第 {id} 条：{reason}")))?;
        let note = format!("已更正为第 {new_id} 条：{reason}");
        tx.execute(
            "UPDATE hour_entries SET status = ?2, verifier = ?3, reviewed_at = ?4, review_note = ?5 WHERE id = ?1",
            params![id, REJECTED, operator, Ledger::now_text(), note],
        )?;
        add_event(&tx, id, &operator, "更正", &note)?;
        let summary = format!("更正志愿服务{}为第 {new_id} 条：{reason}", describe(&old));
        let change = Change::new("更正", "志愿时长", Some(new_id), summary).before(before);
        audit::record(&tx, &actor, change.after(hour_json(&tx, new_id)?))?;
        tx.commit()?;
        self.changed();
        Ok(new_id)
    }

    /// Entries newest first, filtered.
    pub fn list_hours(&self, filter: &HoursFilter) -> Result<Vec<HourEntryRow>> {
        let mut conditions = Conditions::default();
        if let Some(from) = filter_date(filter.from.as_deref(), "from", "开始日期")? {
            conditions.add("e.date >= {}", from.to_string());
        }
        if let Some(to) = filter_date(filter.to.as_deref(), "to", "结束日期")? {
            conditions.add("e.date <= {}", to.to_string());
        }
        if let Some(status) = crate::values::text::non_blank(filter.status.as_deref()) {
            if !STATUSES.contains(&status.as_str()) {
                return Err(Error::invalid("status", format!("状态“{status}”应为 {}", STATUSES.join("、"))));
            }
            conditions.add("e.status = {}", status);
        }
        if let Some(volunteer_id) = filter.volunteer_id {
            conditions.add("e.volunteer_id = {}", volunteer_id);
        }
        if let Some(activity_id) = filter.activity_id {
            conditions.add("e.activity_id = {}", activity_id);
        }
        let query = filter.query.trim();
        if !query.is_empty() {
            conditions.add(
                "(instr(coalesce(r.name, v.name), {}) > 0 OR instr(lower(v.number), lower({})) > 0 OR instr(e.content, {}) > 0)",
                query.to_string(),
            );
        }
        entries_where(&self.conn, &conditions, "e.date DESC, e.start_time DESC, e.id DESC")
    }

    /// Every status change of an entry, oldest first.
    pub fn hour_entry_history(&self, id: i64) -> Result<Vec<HourEvent>> {
        entry_row(&self.conn, id)?;
        let mut stmt = self.conn.prepare_cached(
            "SELECT at, operator, action, note FROM hour_entry_events WHERE entry_id = ?1 ORDER BY id",
        )?;
        let events = stmt.query_map([id], |r| {
            Ok(HourEvent { at: r.get(0)?, operator: r.get(1)?, action: r.get(2)?, note: r.get(3)? })
        })?;
        Ok(events.collect::<rusqlite::Result<_>>()?)
    }
}

fn note_suffix(note: &str) -> String {
    if note.is_empty() {
        String::new()
    } else {
        format!("；{note}")
    }
}
