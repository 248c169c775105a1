//! Activity sessions: the editable list of series, saving one session, creating a recurring
//! class's sessions, changing all future sessions, cancelling one, the list and the page.

use super::{
    ActivityDetail, ActivityFilter, ActivityInput, ActivityOptions, ActivityRow, Repeat, Series, SeriesInput,
    ValidActivity, LEARNING_MODES, LINES, MAX_EVERY_WEEKS, MAX_SESSIONS,
};
use crate::access::audit::{self, Change};
use crate::error::{Error, Result};
use crate::ledger::Ledger;
use crate::values::dates::parse_date;
use crate::values::text::non_blank;
use chrono::{Duration, NaiveDate};
use rusqlite::types::Value;
use rusqlite::{named_params, params_from_iter, Connection, OptionalExtension, Row};

const ROW_COLUMNS: &str = "a.id, a.title, a.series_id, s.name, a.line, a.date, a.start_time, a.end_time, a.place,
     a.organiser, a.capacity,
     (SELECT count(*) FROM signups g WHERE g.activity_id = a.id AND g.status = 'registered'),
     (SELECT count(*) FROM signups g WHERE g.activity_id = a.id AND g.status = 'waitlisted'),
     (SELECT count(*) FROM signups g WHERE g.activity_id = a.id AND g.status = 'registered' AND g.attended = 1),
     a.cancelled_on, a.recurrence_id";

fn row_from(r: &Row) -> rusqlite::Result<ActivityRow> {
    Ok(ActivityRow {
        id: r.get(0)?,
        title: r.get(1)?,
        series_id: r.get(2)?,
        series_name: r.get(3)?,
        line: r.get(4)?,
        date: r.get(5)?,
        start_time: r.get(6)?,
        end_time: r.get(7)?,
        place: r.get(8)?,
        organiser: r.get(9)?,
        capacity: r.get(10)?,
        registered: r.get(11)?,
        waitlisted: r.get(12)?,
        attended: r.get(13)?,
        cancelled_on: r.get(14)?,
        recurrence_id: r.get(15)?,
    })
}

/// The columns every write of a session sets, in this order (?1 … ?12), plus updated_at ?13.
const WRITE_COLUMNS: [&str; 12] = [
    "title",
    "series_id",
    "line",
    "date",
    "start_time",
    "end_time",
    "place",
    "organiser",
    "capacity",
    "audience",
    "description",
    "learning_mode",
];

fn write_values(a: &ValidActivity, date: NaiveDate) -> Vec<Value> {
    vec![
        a.title.clone().into(),
        a.series_id.into(),
        a.line.clone().into(),
        date.to_string().into(),
        a.start_time.format("%H:%M").to_string().into(),
        a.end_time.format("%H:%M").to_string().into(),
        a.place.clone().into(),
        a.organiser.clone().into(),
        a.capacity.into(),
        a.audience.clone().into(),
        a.description.clone().into(),
        a.learning_mode.clone().into(),
        Ledger::now_text().into(),
    ]
}

pub(crate) fn insert_session(
    conn: &Connection,
    a: &ValidActivity,
    date: NaiveDate,
    recurrence: Option<i64>,
) -> Result<i64> {
    let mut values = write_values(a, date);
    values.push(recurrence.into());
    let sql = format!(
        "INSERT INTO activities({}, created_at, updated_at, recurrence_id) VALUES ({}, ?13, ?13, ?14)",
        WRITE_COLUMNS.join(", "),
        (1..=12).map(|i| format!("?{i}")).collect::<Vec<_>>().join(", ")
    );
    conn.execute(&sql, params_from_iter(values)).map_err(|e| series_error(e, a.series_id))?;
    Ok(conn.last_insert_rowid())
}

fn series_error(e: rusqlite::Error, series_id: Option<i64>) -> Error {
    match e {
        rusqlite::Error::SqliteFailure(f, _) if f.extended_code == rusqlite::ffi::SQLITE_CONSTRAINT_FOREIGNKEY => {
            Error::NotFound { what: "活动系列", id: series_id.unwrap_or_default() }
        }
        other => other.into(),
    }
}

impl Ledger {
    pub fn series(&self) -> Result<Vec<Series>> {
        let mut stmt = self.conn.prepare_cached("SELECT id, name FROM series ORDER BY id")?;
        let series = stmt.query_map([], |r| Ok(Series { id: r.get(0)?, name: r.get(1)? }))?;
        Ok(series.collect::<rusqlite::Result<_>>()?)
    }

    pub fn activity_options(&self) -> Result<ActivityOptions> {
        Ok(ActivityOptions { lines: LINES, learning_modes: LEARNING_MODES, series: self.series()? })
    }

    pub fn save_series(&mut self, input: &SeriesInput) -> Result<i64> {
        let name = non_blank(Some(&input.name)).ok_or_else(|| Error::invalid("name", "请填写系列名称"))?;
        let actor = self.actor();
        let tx = self.conn.transaction()?;
        let before = match input.id {
            Some(id) => audit::row_json(&tx, "series", id)?,
            None => None,
        };
        let result = match input.id {
            Some(id) => {
                tx.execute("UPDATE series SET name = ?2 WHERE id = ?1", rusqlite::params![id, name]).map(|n| (n, id))
            }
            None => tx.execute("INSERT INTO series(name) VALUES (?1)", [&name]).map(|n| (n, tx.last_insert_rowid())),
        };
        let (updated, id) = result.map_err(|e| match e {
            rusqlite::Error::SqliteFailure(f, _) if f.extended_code == rusqlite::ffi::SQLITE_CONSTRAINT_UNIQUE => {
                Error::Conflict(format!("系列“{name}”已存在"))
            }
            other => other.into(),
        })?;
        if updated == 0 {
            return Err(Error::NotFound { what: "活动系列", id });
        }
        let action = audit::save_action(&before);
        let change = Change::new(action, "活动系列", Some(id), format!("{action}活动系列“{name}”"));
        audit::record(&tx, &actor, change.before(before).after(audit::row_json(&tx, "series", id)?))?;
        tx.commit()?;
        Ok(id)
    }

    /// Creates a session (no id) or edits this one session. A larger capacity promotes people
    /// from the waitlist in their order of arrival.
    pub fn save_activity(&mut self, input: &ActivityInput) -> Result<i64> {
        let valid = input.validate()?;
        let actor = self.actor();
        let tx = self.conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        let before = match input.id {
            Some(id) => audit::row_json(&tx, "activities", id)?,
            None => None,
        };
        let (id, promoted) = match input.id {
            None => (insert_session(&tx, &valid, valid.date, None)?, Vec::new()),
            Some(id) => {
                update_session(&tx, id, &valid, valid.date)?;
                (id, super::signups::fill_from_waitlist(&tx, id)?)
            }
        };
        let action = audit::save_action(&before);
        let mut summary = format!("{action}活动“{}”（{}）", valid.title, valid.date);
        if !promoted.is_empty() {
            let names: Vec<&str> = promoted.iter().map(|p| p.name.as_str()).collect();
            summary.push_str(&format!("，候补转正：{}", names.join("、")));
        }
        let change = Change::new(action, "活动", Some(id), summary).before(before);
        audit::record(&tx, &actor, change.after(audit::row_json(&tx, "activities", id)?))?;
        tx.commit()?;
        Ok(id)
    }

    /// Creates the sessions of a recurring class: weekly (every N weeks) from `input.date`,
    /// `count` times or until a date. All sessions or none.
    pub fn create_sessions(&mut self, input: &ActivityInput, repeat: &Repeat) -> Result<Vec<i64>> {
        let valid = input.validate()?;
        if repeat.every_weeks > MAX_EVERY_WEEKS {
            return Err(Error::invalid("every_weeks", format!("间隔最多 {MAX_EVERY_WEEKS} 周")));
        }
        let every = repeat.every_weeks.max(1);
        let until = match non_blank(repeat.until.as_deref()) {
            Some(text) => Some(
                parse_date(&text).ok_or_else(|| Error::invalid("until", format!("截止日期“{text}”不是有效日期")))?,
            ),
            None => None,
        };
        let dates: Vec<NaiveDate> = match (repeat.count, until) {
            (Some(n), _) if n == 0 || n > MAX_SESSIONS => {
                return Err(Error::invalid("count", format!("次数应在 1 到 {MAX_SESSIONS} 之间")))
            }
            (Some(n), _) => (0..n).map(|i| valid.date + Duration::weeks(i64::from(i * every))).collect(),
            (None, Some(until)) if until < valid.date => {
                return Err(Error::invalid("until", format!("截止日期 {until} 早于第一次上课的日期 {}", valid.date)))
            }
            (None, Some(until)) => (0..)
                .map(|i| valid.date + Duration::weeks(i64::from(i * every)))
                .take_while(|d| *d <= until)
                .take(MAX_SESSIONS as usize)
                .collect(),
            (None, None) => return Err(Error::invalid("count", "请填写上课次数或截止日期")),
        };
        let actor = self.actor();
        let tx = self.conn.transaction()?;
        let first = insert_session(&tx, &valid, dates[0], None)?;
        tx.execute("UPDATE activities SET recurrence_id = ?1 WHERE id = ?1", [first])?;
        let mut ids = vec![first];
        for date in &dates[1..] {
            ids.push(insert_session(&tx, &valid, *date, Some(first))?);
        }
        let last = dates[dates.len() - 1];
        let summary = format!("新增系列课程“{}”共 {} 次（{} 至 {last}）", valid.title, ids.len(), dates[0]);
        audit::record(
            &tx,
            &actor,
            Change::new("新增", "活动", Some(first), summary).after(audit::row_json(&tx, "activities", first)?),
        )?;
        tx.commit()?;
        Ok(ids)
    }

    /// Applies the form to this session and every later, not cancelled session of the same
    /// recurring class; each keeps its own date. Returns how many sessions changed.
    pub fn update_future_sessions(&mut self, id: i64, input: &ActivityInput) -> Result<usize> {
        let valid = input.validate()?;
        let actor = self.actor();
        let tx = self.conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        let (recurrence, date): (Option<i64>, String) = tx
            .query_row("SELECT recurrence_id, date FROM activities WHERE id = ?1", [id], |r| Ok((r.get(0)?, r.get(1)?)))
            .optional()?
            .ok_or(Error::NotFound { what: "活动", id })?;
        let sessions: Vec<(i64, String)> = match recurrence {
            None => vec![(id, valid.date.to_string())],
            Some(recurrence) => {
                let mut stmt = tx.prepare(
                    "SELECT id, date FROM activities WHERE recurrence_id = ?1 AND date >= ?2 AND cancelled_on IS NULL ORDER BY date",
                )?;
                let rows = stmt.query_map(rusqlite::params![recurrence, date], |r| Ok((r.get(0)?, r.get(1)?)))?;
                rows.collect::<rusqlite::Result<_>>()?
            }
        };
        let before = audit::row_json(&tx, "activities", id)?;
        // The form's date moves this session; later ones keep their own dates.
        for (session, session_date) in &sessions {
            let date = if *session == id { valid.date } else { parse_date(session_date).unwrap_or(valid.date) };
            update_session(&tx, *session, &valid, date)?;
            super::signups::fill_from_waitlist(&tx, *session)?;
        }
        let summary = format!("修改活动“{}”及以后共 {} 次课程", valid.title, sessions.len());
        let change = Change::new("修改", "活动", Some(id), summary).before(before);
        audit::record(&tx, &actor, change.after(audit::row_json(&tx, "activities", id)?))?;
        tx.commit()?;
        Ok(sessions.len())
    }

    /// Cancels one session; it stays in the calendar and the history, marked cancelled.
    /// An activity whose volunteers' hours are recorded took place: its hours must be rejected
    /// first, so a certificate never counts service at a cancelled activity.
    pub fn cancel_activity(&mut self, id: i64) -> Result<()> {
        let today = self.today().to_string();
        let actor = self.actor();
        let tx = self.conn.transaction()?;
        let recorded: i64 = tx.query_row(
            "SELECT count(*) FROM hour_entries WHERE activity_id = ?1 AND status <> '已驳回'",
            [id],
            |r| r.get(0),
        )?;
        if recorded > 0 {
            return Err(Error::Refused(format!(
                "这场活动已登记 {recorded} 条志愿服务时长，请先在“志愿者 → 时长”中驳回这些记录，再取消活动"
            )));
        }
        let before = audit::row_json(&tx, "activities", id)?;
        let updated = tx.execute(
            "UPDATE activities SET cancelled_on = ?2 WHERE id = ?1 AND cancelled_on IS NULL",
            rusqlite::params![id, today],
        )?;
        if updated == 0 {
            drop(tx);
            self.activity_row(id)?;
            return Err(Error::Refused("这场活动已经取消".into()));
        }
        let (title, date): (String, String) =
            tx.query_row("SELECT title, date FROM activities WHERE id = ?1", [id], |r| Ok((r.get(0)?, r.get(1)?)))?;
        let change = Change::new("取消", "活动", Some(id), format!("取消活动“{title}”（{date}）")).before(before);
        audit::record(&tx, &actor, change.after(audit::row_json(&tx, "activities", id)?))?;
        tx.commit()?;
        Ok(())
    }

    pub fn list_activities(&self, filter: &ActivityFilter) -> Result<Vec<ActivityRow>> {
        let mut conditions = vec!["1 = 1".to_string()];
        let mut values: Vec<Value> = Vec::new();
        let mut bind = |condition: &str, value: Value| {
            values.push(value);
            conditions.push(condition.replace('?', &format!("?{}", values.len())));
        };
        if let Some(from) = non_blank(filter.from.as_deref()) {
            bind("a.date >= ?", from.into());
        }
        if let Some(to) = non_blank(filter.to.as_deref()) {
            bind("a.date <= ?", to.into());
        }
        if let Some(series) = filter.series_id {
            bind("a.series_id = ?", series.into());
        }
        if let Some(line) = non_blank(filter.line.as_deref()) {
            bind("a.line = ?", line.into());
        }
        if !filter.include_cancelled {
            conditions.push("a.cancelled_on IS NULL".into());
        }
        let sql = format!(
            "SELECT {ROW_COLUMNS} FROM activities a LEFT JOIN series s ON s.id = a.series_id
             WHERE {} ORDER BY a.date, a.start_time, a.id",
            conditions.join(" AND ")
        );
        let mut stmt = self.conn.prepare_cached(&sql)?;
        let rows = stmt.query_map(params_from_iter(values), row_from)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    pub(crate) fn activity_row(&self, id: i64) -> Result<ActivityRow> {
        let sql =
            format!("SELECT {ROW_COLUMNS} FROM activities a LEFT JOIN series s ON s.id = a.series_id WHERE a.id = :id");
        self.conn
            .query_row(&sql, named_params! {":id": id}, row_from)
            .optional()?
            .ok_or(Error::NotFound { what: "活动", id })
    }

    /// The activity page: the session and everyone signed up.
    pub fn activity(&self, id: i64) -> Result<ActivityDetail> {
        let row = self.activity_row(id)?;
        let (audience, description, learning_mode) = self.conn.query_row(
            "SELECT audience, description, learning_mode FROM activities WHERE id = ?1",
            [id],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )?;
        Ok(ActivityDetail { row, audience, description, learning_mode, signups: self.signups(id)? })
    }
}

fn update_session(conn: &Connection, id: i64, a: &ValidActivity, date: NaiveDate) -> Result<()> {
    let mut values = write_values(a, date);
    values.push(id.into());
    let sets: Vec<String> = WRITE_COLUMNS.iter().enumerate().map(|(i, c)| format!("{c} = ?{}", i + 1)).collect();
    let sql = format!("UPDATE activities SET {}, updated_at = ?13 WHERE id = ?14", sets.join(", "));
    let updated = conn.execute(&sql, params_from_iter(values)).map_err(|e| series_error(e, a.series_id))?;
    if updated == 0 {
        return Err(Error::NotFound { what: "活动", id });
    }
    Ok(())
}
