//! Sign-ups and attendance. Capacity is checked inside the write transaction (IMMEDIATE, so
//! two offices' PCs or two clicks can never both take the last place); beyond it people join
//! the waitlist in order of arrival, and a cancellation promotes the first of them.

use super::{
    AttendanceCount, AttendanceMark, Attendee, CancelOutcome, Promoted, ResidentActivity, Signup, SignupOutcome,
    CANCELLED, REGISTERED, WAITLISTED,
};
use crate::access::audit::{self, Change};
use crate::error::{Error, Result};
use crate::ledger::{Ledger, CURRENT};
use crate::register::households::format_address;
use crate::values::phone::{mask_phone, Phone};
use crate::values::text::non_blank;
use rusqlite::{params, Connection, OptionalExtension, TransactionBehavior};

/// Name, address and phone of a sign-up, whether resident or guest.
const PERSON_COLUMNS: &str =
    "g.id, g.resident_id, r.household_id, coalesce(r.name, g.guest_name), b.name, u.name, h.room,
     coalesce(r.phone, g.guest_phone), g.status, g.walk_in, g.attended";
const PERSON_JOINS: &str = "LEFT JOIN residents r ON r.id = g.resident_id
     LEFT JOIN households h ON h.id = r.household_id
     LEFT JOIN units u ON u.id = h.unit_id
     LEFT JOIN buildings b ON b.id = u.building_id";

fn signup_from(r: &rusqlite::Row) -> rusqlite::Result<Signup> {
    let building: Option<String> = r.get(4)?;
    let unit: Option<String> = r.get(5)?;
    let room: Option<String> = r.get(6)?;
    let phone: Option<String> = r.get(7)?;
    Ok(Signup {
        id: r.get(0)?,
        resident_id: r.get(1)?,
        household_id: r.get(2)?,
        name: r.get(3)?,
        address: match (building, unit, room) {
            (Some(b), Some(u), Some(room)) => Some(format_address(&b, &u, &room)),
            _ => None,
        },
        phone_masked: phone.as_deref().map(mask_phone),
        status: r.get(8)?,
        walk_in: r.get(9)?,
        attended: r.get(10)?,
        position: None,
    })
}

/// Everyone signed up: registered first, then the waitlist in order, then cancelled ones.
pub(crate) fn signups_of(conn: &Connection, activity_id: i64) -> Result<Vec<Signup>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {PERSON_COLUMNS} FROM signups g {PERSON_JOINS} WHERE g.activity_id = ?1
         ORDER BY CASE g.status WHEN 'registered' THEN 0 WHEN 'waitlisted' THEN 1 ELSE 2 END, g.id"
    ))?;
    let mut signups: Vec<Signup> = stmt.query_map([activity_id], signup_from)?.collect::<rusqlite::Result<_>>()?;
    for (position, signup) in signups.iter_mut().filter(|s| s.status == WAITLISTED).enumerate() {
        signup.position = Some(position as u32 + 1);
    }
    Ok(signups)
}

/// Promotes people from the waitlist while there is room; returns who was promoted.
pub(crate) fn fill_from_waitlist(conn: &Connection, activity_id: i64) -> Result<Vec<Promoted>> {
    let mut promoted = Vec::new();
    loop {
        let (capacity, registered): (Option<i64>, i64) = conn.query_row(
            "SELECT capacity, (SELECT count(*) FROM signups WHERE activity_id = ?1 AND status = 'registered')
             FROM activities WHERE id = ?1",
            [activity_id],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )?;
        if capacity.is_some_and(|c| registered >= c) {
            return Ok(promoted);
        }
        let next: Option<(i64, String)> = conn
            .query_row(
                "SELECT g.id, coalesce(r.name, g.guest_name) FROM signups g LEFT JOIN residents r ON r.id = g.resident_id
                 WHERE g.activity_id = ?1 AND g.status = 'waitlisted' ORDER BY g.id LIMIT 1",
                [activity_id],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?;
        let Some((signup_id, name)) = next else {
            return Ok(promoted);
        };
        conn.execute("UPDATE signups SET status = 'registered' WHERE id = ?1", [signup_id])?;
        promoted.push(Promoted { signup_id, name });
    }
}

/// Refuses sign-ups to a session that is cancelled or does not exist.
fn open_activity(conn: &Connection, activity_id: i64) -> Result<(Option<i64>, String)> {
    let (capacity, title, cancelled): (Option<i64>, String, Option<String>) = conn
        .query_row("SELECT capacity, title, cancelled_on FROM activities WHERE id = ?1", [activity_id], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?))
        })
        .optional()?
        .ok_or(Error::NotFound { what: "活动", id: activity_id })?;
    if cancelled.is_some() {
        return Err(Error::Refused(format!("“{title}”这场活动已取消，不能再报名")));
    }
    Ok((capacity, title))
}

/// Inserts one sign-up with the status capacity allows (or `registered` for walk-ins).
pub(crate) fn insert_signup(
    conn: &Connection,
    activity_id: i64,
    attendee: &Attendee,
    walk_in: bool,
    now: &str,
) -> Result<SignupOutcome> {
    let (capacity, title) = open_activity(conn, activity_id)?;
    let registered: i64 = conn.query_row(
        "SELECT count(*) FROM signups WHERE activity_id = ?1 AND status = 'registered'",
        [activity_id],
        |r| r.get(0),
    )?;
    let status = if walk_in || capacity.is_none_or(|c| registered < c) { REGISTERED } else { WAITLISTED };
    let attended = walk_in.then_some(true);
    let (name, result) = match attendee {
        Attendee::Resident { resident_id } => {
            let name: String = conn
                .query_row(
                    &format!("SELECT r.name FROM residents r WHERE r.id = ?1 AND {CURRENT}"),
                    [resident_id],
                    |r| r.get(0),
                )
                .optional()?
                .ok_or_else(|| Error::Refused("该居民不在册（不存在、已迁出或已去世），不能报名".into()))?;
            let result = conn.execute(
                "INSERT INTO signups(activity_id, resident_id, status, walk_in, attended, signed_up_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                params![activity_id, resident_id, status, walk_in, attended, now],
            );
            (name, result)
        }
        Attendee::Guest { guest_name, guest_phone } => {
            let name =
                non_blank(Some(guest_name)).ok_or_else(|| Error::invalid("guest_name", "请填写外来人员的姓名"))?;
            let phone = match non_blank(guest_phone.as_deref()) {
                Some(text) => Some(Phone::parse(&text).map_err(|e| Error::invalid("guest_phone", e.to_string()))?),
                None => None,
            };
            let result = conn.execute(
                "INSERT INTO signups(activity_id, guest_name, guest_phone, status, walk_in, attended, signed_up_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                params![activity_id, name, phone.as_ref().map(Phone::as_str), status, walk_in, attended, now],
            );
            (name, result)
        }
    };
    result.map_err(|e| match e {
        rusqlite::Error::SqliteFailure(f, _) if f.extended_code == rusqlite::ffi::SQLITE_CONSTRAINT_UNIQUE => {
            Error::Conflict(format!("{name} 已经报名了“{title}”"))
        }
        other => other.into(),
    })?;
    Ok(SignupOutcome { signup_id: conn.last_insert_rowid(), name, status: status.into() })
}

/// “title”（date） of an activity, for audit summaries.
fn activity_label(conn: &Connection, activity_id: i64) -> Result<String> {
    let (title, date): (String, String) =
        conn.query_row("SELECT title, date FROM activities WHERE id = ?1", [activity_id], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })?;
    Ok(format!("“{title}”（{date}）"))
}

fn signup_name(conn: &Connection, signup_id: i64) -> Result<String> {
    Ok(conn.query_row(
        "SELECT coalesce(r.name, g.guest_name) FROM signups g LEFT JOIN residents r ON r.id = g.resident_id WHERE g.id = ?1",
        [signup_id],
        |r| r.get(0),
    )?)
}

fn status_text(status: &str) -> &'static str {
    match status {
        REGISTERED => "已报名",
        WAITLISTED => "候补",
        _ => "已取消",
    }
}

/// One record per roll call: how many were marked and the counts after it.
fn record_attendance(conn: &Connection, actor: &audit::Actor, activity_id: i64, marked: usize) -> Result<()> {
    let (present, registered): (i64, i64) = conn.query_row(
        "SELECT count(*) FILTER (WHERE attended = 1), count(*) FROM signups WHERE activity_id = ?1 AND status = 'registered'",
        [activity_id],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?;
    let summary = format!(
        "{}签到：标记 {marked} 人，现到场 {present} 人 / 报名 {registered} 人",
        activity_label(conn, activity_id)?
    );
    audit::record(conn, actor, Change::new("签到", "活动", Some(activity_id), summary))
}

impl Ledger {
    pub fn signups(&self, activity_id: i64) -> Result<Vec<Signup>> {
        signups_of(&self.conn, activity_id)
    }

    /// Signs one person up: registered while there is room, otherwise on the waitlist.
    pub fn sign_up(&mut self, activity_id: i64, attendee: &Attendee) -> Result<SignupOutcome> {
        // IMMEDIATE takes the write lock before counting, so the count cannot go stale.
        let actor = self.actor();
        let tx = self.conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let outcome = insert_signup(&tx, activity_id, attendee, false, &Ledger::now_text())?;
        let summary =
            format!("{}报名{}（{}）", outcome.name, activity_label(&tx, activity_id)?, status_text(&outcome.status));
        audit::record(
            &tx,
            &actor,
            Change::new("报名", "报名", Some(outcome.signup_id), summary).after(audit::row_json(
                &tx,
                "signups",
                outcome.signup_id,
            )?),
        )?;
        tx.commit()?;
        Ok(outcome)
    }

    /// Signs up every current member of a household not signed up yet, oldest first.
    pub fn sign_up_household(&mut self, activity_id: i64, household_id: i64) -> Result<Vec<SignupOutcome>> {
        let actor = self.actor();
        let tx = self.conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let members: Vec<i64> = {
            let mut stmt = tx.prepare(&format!(
                "SELECT r.id FROM residents r WHERE r.household_id = ?1 AND {CURRENT}
                 AND r.id NOT IN (SELECT resident_id FROM signups WHERE activity_id = ?2 AND status <> 'cancelled' AND resident_id IS NOT NULL)
                 ORDER BY {}",
                crate::register::residents::MEMBER_ORDER
            ))?;
            let rows = stmt.query_map(params![household_id, activity_id], |r| r.get(0))?;
            rows.collect::<rusqlite::Result<_>>()?
        };
        if members.is_empty() {
            open_activity(&tx, activity_id)?;
            return Err(Error::Refused("这一户没有可以报名的成员（都已报名或不在册）".into()));
        }
        let now = Ledger::now_text();
        let outcomes = members
            .into_iter()
            .map(|resident_id| insert_signup(&tx, activity_id, &Attendee::Resident { resident_id }, false, &now))
            .collect::<Result<Vec<_>>>()?;
        let people: Vec<String> =
            outcomes.iter().map(|o| format!("{}（{}）", o.name, status_text(&o.status))).collect();
        let summary = format!("全户报名{}：{}", activity_label(&tx, activity_id)?, people.join("、"));
        audit::record(&tx, &actor, Change::new("报名", "活动", Some(activity_id), summary))?;
        tx.commit()?;
        Ok(outcomes)
    }

    /// Cancels a sign-up; when it freed a place, the first on the waitlist is registered.
    pub fn cancel_signup(&mut self, signup_id: i64) -> Result<CancelOutcome> {
        let actor = self.actor();
        let tx = self.conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let (activity_id, status): (i64, String) = tx
            .query_row("SELECT activity_id, status FROM signups WHERE id = ?1", [signup_id], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })
            .optional()?
            .ok_or(Error::NotFound { what: "报名记录", id: signup_id })?;
        if status == CANCELLED {
            return Err(Error::Refused("这条报名已经取消".into()));
        }
        let before = audit::row_json(&tx, "signups", signup_id)?;
        tx.execute(
            "UPDATE signups SET status = 'cancelled', cancelled_at = ?2, attended = NULL WHERE id = ?1",
            params![signup_id, Ledger::now_text()],
        )?;
        let promoted =
            if status == REGISTERED { fill_from_waitlist(&tx, activity_id)?.into_iter().next() } else { None };
        let name = signup_name(&tx, signup_id)?;
        let mut summary = format!("{name}取消报名{}", activity_label(&tx, activity_id)?);
        if let Some(p) = &promoted {
            summary.push_str(&format!("，候补{}转为正式报名", p.name));
        }
        let change = Change::new("取消", "报名", Some(signup_id), summary).before(before);
        audit::record(&tx, &actor, change.after(audit::row_json(&tx, "signups", signup_id)?))?;
        tx.commit()?;
        Ok(CancelOutcome { promoted })
    }

    /// Marks who came (true) or did not (false); only registered people can be marked.
    pub fn mark_attendance(&mut self, activity_id: i64, marks: &[AttendanceMark]) -> Result<AttendanceCount> {
        let actor = self.actor();
        let tx = self.conn.transaction()?;
        for mark in marks {
            let updated = tx.execute(
                "UPDATE signups SET attended = ?3 WHERE id = ?1 AND activity_id = ?2 AND status = 'registered'",
                params![mark.signup_id, activity_id, mark.present],
            )?;
            if updated == 0 {
                return Err(Error::Refused(format!("报名记录 {} 不是本场的正式报名，不能签到", mark.signup_id)));
            }
        }
        record_attendance(&tx, &actor, activity_id, marks.len())?;
        tx.commit()?;
        self.attendance_count(activity_id)
    }

    /// Marks everyone registered present or absent.
    pub fn mark_all(&mut self, activity_id: i64, present: bool) -> Result<AttendanceCount> {
        self.activity_row(activity_id)?;
        let actor = self.actor();
        let tx = self.conn.transaction()?;
        let marked = tx.execute(
            "UPDATE signups SET attended = ?2 WHERE activity_id = ?1 AND status = 'registered'",
            params![activity_id, present],
        )?;
        record_attendance(&tx, &actor, activity_id, marked)?;
        tx.commit()?;
        self.attendance_count(activity_id)
    }

    /// Someone who came without signing up: registered and present, whatever the capacity.
    pub fn add_walk_in(&mut self, activity_id: i64, attendee: &Attendee) -> Result<SignupOutcome> {
        let actor = self.actor();
        let tx = self.conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        open_activity(&tx, activity_id)?;
        // A walk-in who was on the waitlist simply came: promote that sign-up.
        if let Attendee::Resident { resident_id } = attendee {
            let waiting: Option<(i64, String)> = tx
                .query_row(
                    "SELECT g.id, r.name FROM signups g JOIN residents r ON r.id = g.resident_id
                     WHERE g.activity_id = ?1 AND g.resident_id = ?2 AND g.status = 'waitlisted'",
                    params![activity_id, resident_id],
                    |r| Ok((r.get(0)?, r.get(1)?)),
                )
                .optional()?;
            if let Some((signup_id, name)) = waiting {
                let before = audit::row_json(&tx, "signups", signup_id)?;
                tx.execute(
                    "UPDATE signups SET status = 'registered', walk_in = 1, attended = 1 WHERE id = ?1",
                    [signup_id],
                )?;
                let summary = format!("候补的{name}到场参加{}，转为正式报名并签到", activity_label(&tx, activity_id)?);
                let change = Change::new("签到", "报名", Some(signup_id), summary).before(before);
                audit::record(&tx, &actor, change.after(audit::row_json(&tx, "signups", signup_id)?))?;
                tx.commit()?;
                return Ok(SignupOutcome { signup_id, name, status: REGISTERED.into() });
            }
        }
        let outcome = insert_signup(&tx, activity_id, attendee, true, &Ledger::now_text())?;
        let summary = format!("{}未报名到场参加{}，已签到", outcome.name, activity_label(&tx, activity_id)?);
        let change = Change::new("签到", "报名", Some(outcome.signup_id), summary);
        audit::record(&tx, &actor, change.after(audit::row_json(&tx, "signups", outcome.signup_id)?))?;
        tx.commit()?;
        Ok(outcome)
    }

    pub fn attendance_count(&self, activity_id: i64) -> Result<AttendanceCount> {
        Ok(self.conn.query_row(
            "SELECT count(*) FILTER (WHERE attended = 1), count(*) FROM signups WHERE activity_id = ?1 AND status = 'registered'",
            [activity_id],
            |r| Ok(AttendanceCount { present: r.get(0)?, registered: r.get(1)? }),
        )?)
    }

    /// A resident's sign-ups and attendance, newest first (the resident's page).
    pub fn resident_activities(&self, resident_id: i64) -> Result<Vec<ResidentActivity>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT a.id, a.title, a.date, g.status, g.attended FROM signups g JOIN activities a ON a.id = g.activity_id
             WHERE g.resident_id = ?1 ORDER BY a.date DESC, a.start_time DESC, g.id DESC",
        )?;
        let rows = stmt.query_map([resident_id], |r| {
            Ok(ResidentActivity {
                activity_id: r.get(0)?,
                title: r.get(1)?,
                date: r.get(2)?,
                status: r.get(3)?,
                attended: r.get(4)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }
}
