//! The hours ledger (志愿服务记录): entries, review, corrections, reports and the certificate.
//!
//! Follows 《志愿服务记录与证明出具办法（试行）》: an entry is never deleted or edited (the
//! schema's triggers refuse it); a wrong one is rejected or corrected by a new entry, and every
//! status change is kept in `hour_entry_events`. Totals count confirmed entries only.

mod certificate;
mod entries;
pub mod export;
pub mod print;
mod report;
pub(crate) mod rules;

pub(crate) use entries::record_checked;
pub use report::{parse_period, RESIDENTS_GROUP};

use crate::error::{Error, FieldError, Result};
use crate::values::dates::parse_date;
use crate::values::limits::{self, Kind};
use crate::volunteers::VolunteerRow;
use chrono::{Duration, NaiveDate, NaiveDateTime, NaiveTime};
use serde::{Deserialize, Serialize};

pub const PENDING: &str = "待审核";
pub const CONFIRMED: &str = "已确认";
pub const REJECTED: &str = "已驳回";
pub const STATUSES: [&str; 3] = [PENDING, CONFIRMED, REJECTED];

pub const MINUTES_PER_DAY: i64 = 24 * 60;

/// 315 → "5 小时 15 分", 180 → "3 小时", 45 → "45 分", 0 → "0 分".
pub fn format_minutes(minutes: i64) -> String {
    let sign = if minutes < 0 { "-" } else { "" };
    let (hours, rest) = (minutes.abs() / 60, minutes.abs() % 60);
    match (hours, rest) {
        (0, m) => format!("{sign}{m} 分"),
        (h, 0) => format!("{sign}{h} 小时"),
        (h, m) => format!("{sign}{h} 小时 {m} 分"),
    }
}

/// Minutes as hours for reports: unrounded, so the parts add up to the total.
pub fn minutes_to_hours(minutes: i64) -> f64 {
    minutes as f64 / 60.0
}

/// One period of service as typed into the form.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct HourEntryInput {
    pub volunteer_id: i64,
    pub date: String,
    pub start_time: String,
    pub end_time: String,
    /// The service ends the next day (a night watch 22:00–次日 02:00).
    pub overnight: bool,
    pub content: String,
    pub place: String,
    pub organiser: String,
    pub activity_id: Option<i64>,
    pub service_id: Option<i64>,
}

/// An entry whose fields passed validation; the checks against other entries come later.
#[derive(Debug, Clone, PartialEq)]
pub struct ValidEntry {
    pub volunteer_id: i64,
    pub date: NaiveDate,
    pub start_time: NaiveTime,
    pub end_time: NaiveTime,
    pub overnight: bool,
    pub content: String,
    pub place: String,
    pub organiser: String,
    pub activity_id: Option<i64>,
    pub service_id: Option<i64>,
}

impl ValidEntry {
    pub fn start(&self) -> NaiveDateTime {
        self.date.and_time(self.start_time)
    }

    pub fn end(&self) -> NaiveDateTime {
        let day = if self.overnight { self.date + Duration::days(1) } else { self.date };
        day.and_time(self.end_time)
    }

    pub fn minutes(&self) -> i64 {
        (self.end() - self.start()).num_minutes()
    }

    /// "2026-11-20 09:00–11:30", with 次日 for an overnight end.
    pub fn when(&self) -> String {
        describe_time(&self.date.to_string(), &hhmm(self.start_time), &hhmm(self.end_time), self.overnight)
    }
}

pub(crate) fn hhmm(time: NaiveTime) -> String {
    time.format("%H:%M").to_string()
}

pub(crate) fn describe_time(date: &str, start: &str, end: &str, overnight: bool) -> String {
    let next_day = if overnight { "次日 " } else { "" };
    format!("{date} {start}–{next_day}{end}")
}

pub(crate) use crate::values::dates::parse_time;

impl HourEntryInput {
    pub fn validate(&self) -> Result<ValidEntry> {
        let mut errors = Vec::new();
        if self.volunteer_id <= 0 {
            errors.push(FieldError::new("volunteer_id", "请选择志愿者"));
        }
        let date = parse_date(&self.date);
        if date.is_none() {
            errors.push(FieldError::new(
                "date",
                format!("服务日期“{}”不是有效日期，请写成 2026-12-01 的样式", self.date.trim()),
            ));
        }
        let (start, end) = crate::values::dates::parse_times(&self.start_time, &self.end_time, &mut errors);
        if let (Some(s), Some(e)) = (start, end) {
            if let Some(message) = span_error(s, e, self.overnight) {
                errors.push(FieldError::new("end_time", message));
            }
        }
        let content = self.content.trim().to_string();
        if content.is_empty() {
            errors.push(FieldError::new("content", "请填写服务内容"));
        }
        limits::check("content", "服务内容", &content, Kind::Text, &mut errors);
        limits::check("place", "服务地点", self.place.trim(), Kind::Label, &mut errors);
        limits::check("organiser", "组织单位", self.organiser.trim(), Kind::Label, &mut errors);
        if !errors.is_empty() {
            return Err(Error::Invalid(errors));
        }
        Ok(ValidEntry {
            volunteer_id: self.volunteer_id,
            date: date.expect("checked"),
            start_time: start.expect("checked"),
            end_time: end.expect("checked"),
            overnight: self.overnight,
            content,
            place: self.place.trim().to_string(),
            organiser: self.organiser.trim().to_string(),
            activity_id: self.activity_id,
            service_id: self.service_id,
        })
    }
}

/// Same day: the end is after the start. Overnight: the end is on the next day, so it must be
/// before the start there (otherwise the span would reach 24 hours).
fn span_error(start: NaiveTime, end: NaiveTime, overnight: bool) -> Option<String> {
    let (s, e) = (hhmm(start), hhmm(end));
    if !overnight && end <= start {
        return Some(format!("结束时间 {e} 应晚于开始时间 {s}；跨夜服务请勾选“次日结束”"));
    }
    if overnight && end >= start {
        return Some(format!("跨夜服务次日 {e} 结束、{s} 开始，时长达到或超过 24 小时，请检查时间"));
    }
    None
}

/// A reviewer's decision on a batch of entries.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct HoursReview {
    pub approve: bool,
    /// 审核人; blank means the operator.
    pub verifier: String,
    /// Required when rejecting.
    pub note: String,
}

#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct HoursFilter {
    pub from: Option<String>,
    pub to: Option<String>,
    pub status: Option<String>,
    pub volunteer_id: Option<i64>,
    pub activity_id: Option<i64>,
    /// Matches the volunteer's name or number, or the content.
    pub query: String,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct HourEntryRow {
    pub id: i64,
    pub volunteer_id: i64,
    pub number: String,
    pub name: String,
    pub line: String,
    pub organisation: Option<String>,
    pub date: String,
    pub start_time: String,
    pub end_time: String,
    pub overnight: bool,
    pub minutes: i64,
    pub duration_text: String,
    pub content: String,
    pub place: String,
    pub organiser: String,
    pub activity_id: Option<i64>,
    pub activity_title: Option<String>,
    pub service_id: Option<i64>,
    pub status: String,
    pub verifier: Option<String>,
    pub reviewed_at: Option<String>,
    pub review_note: String,
    /// The entry this one corrects.
    pub corrects_id: Option<i64>,
    /// The entry that corrected this one.
    pub corrected_by: Option<i64>,
    pub entered_by: String,
    pub entered_at: String,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct HourEvent {
    pub at: String,
    pub operator: String,
    pub action: String,
    pub note: String,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct SkippedVolunteer {
    pub name: String,
    pub reason: String,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct ActivityHours {
    pub created: Vec<i64>,
    pub skipped: Vec<SkippedVolunteer>,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct VolunteerHours {
    pub volunteer_id: i64,
    pub number: String,
    pub name: String,
    pub line: String,
    pub organisation: Option<String>,
    pub minutes: i64,
    pub hours: f64,
    pub text: String,
    pub entries: i64,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct GroupHours {
    pub label: String,
    pub minutes: i64,
    pub hours: f64,
    pub text: String,
    pub volunteers: i64,
    pub entries: i64,
}

/// Confirmed hours in a date range, grouped four ways.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct HoursReport {
    pub from: Option<String>,
    pub to: Option<String>,
    pub total_minutes: i64,
    pub total_hours: f64,
    pub total_text: String,
    /// Entries still 待审核 in the range (not in any total).
    pub pending_minutes: i64,
    /// Minutes descending, then number.
    pub by_volunteer: Vec<VolunteerHours>,
    /// Every line, in the order of `VOLUNTEER_LINES`, even at zero.
    pub by_line: Vec<GroupHours>,
    /// Members of no organisation are grouped under "社区居民".
    pub by_organisation: Vec<GroupHours>,
    /// Label "2026-11", oldest first.
    pub by_month: Vec<GroupHours>,
}

/// Who issues the certificate, from the settings.
#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
#[serde(default)]
pub struct CertificateIssuer {
    pub organisation: String,
    pub person_in_charge: String,
    pub handler: String,
    pub contact: String,
}

/// 志愿服务记录证明: the data of the draft the office prints and stamps.
#[derive(Debug, Clone, Serialize)]
pub struct Certificate {
    pub certificate_number: String,
    pub issued_on: String,
    pub volunteer: VolunteerRow,
    pub id_number_masked: Option<String>,
    /// The period asked for; when open, the first and last confirmed entry's date.
    pub from: String,
    pub to: String,
    pub total_minutes: i64,
    pub total_text: String,
    /// Confirmed entries of the period, by date.
    pub entries: Vec<HourEntryRow>,
    pub issuer: CertificateIssuer,
}

/// Parses an optional filter date, naming the field when it is not a date.
pub(crate) fn filter_date(text: Option<&str>, field: &'static str, label: &str) -> Result<Option<NaiveDate>> {
    match crate::values::text::non_blank(text) {
        None => Ok(None),
        Some(t) => parse_date(&t)
            .map(Some)
            .ok_or_else(|| Error::invalid(field, format!("{label}“{t}”不是有效日期，请写成 2026-12-01 的样式"))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn minutes_read_like_the_office_writes_them() {
        assert_eq!(format_minutes(315), "5 小时 15 分");
        assert_eq!(format_minutes(180), "3 小时");
        assert_eq!(format_minutes(45), "45 分");
        assert_eq!(format_minutes(0), "0 分");
    }

    fn input() -> HourEntryInput {
        HourEntryInput {
            volunteer_id: 1,
            date: "2026-11-20".into(),
            start_time: "9:00".into(),
            end_time: "11:30".into(),
            content: "楼道清扫".into(),
            ..Default::default()
        }
    }

    #[test]
    fn a_day_entry_counts_its_minutes() {
        let valid = input().validate().unwrap();
        assert_eq!(valid.minutes(), 150);
        assert_eq!(valid.when(), "2026-11-20 09:00–11:30");
    }

    #[test]
    fn an_overnight_entry_spans_midnight() {
        let valid = HourEntryInput { start_time: "22:00".into(), end_time: "02:00".into(), overnight: true, ..input() }
            .validate()
            .unwrap();
        assert_eq!(valid.minutes(), 240);
        assert_eq!(valid.end().date().to_string(), "2026-11-21");
        assert_eq!(valid.when(), "2026-11-20 22:00–次日 02:00");
    }

    #[test]
    fn the_end_must_follow_the_start() {
        let err = HourEntryInput { end_time: "09:00".into(), ..input() }.validate().unwrap_err();
        assert_eq!(err.fields()[0].field, "end_time");
        assert!(err.to_string().contains("应晚于开始时间 09:00"), "{err}");
        let err = HourEntryInput { end_time: "09:00".into(), overnight: true, ..input() }.validate().unwrap_err();
        assert!(err.to_string().contains("24 小时"), "{err}");
    }

    #[test]
    fn every_bad_field_is_named() {
        let err = HourEntryInput {
            volunteer_id: 0,
            date: "2026-02-30".into(),
            start_time: "25:00".into(),
            end_time: "x".into(),
            content: " ".into(),
            ..Default::default()
        }
        .validate()
        .unwrap_err();
        let fields: Vec<_> = err.fields().iter().map(|f| f.field).collect();
        assert_eq!(fields, ["volunteer_id", "date", "start_time", "end_time", "content"]);
    }
}
