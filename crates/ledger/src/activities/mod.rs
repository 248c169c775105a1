//! Classes and activities of the party committee's three volunteer lines: sessions (one-off
//! or recurring), sign-ups with capacity and a waitlist, attendance, and the data the printed
//! sheets are made from.

pub mod print;
pub(crate) mod sessions;
pub mod sheets;

pub(crate) mod signups;

use crate::error::{Error, FieldError, Result};
use crate::values::dates::parse_date;
use crate::values::limits::{self, Kind};
use crate::values::text::non_blank;
use chrono::{NaiveDate, NaiveTime};
use serde::{Deserialize, Serialize};

pub const LINES: &[&str] = &["红引擎·在职党员", "银力量·离退休党员", "青动力·两新组织", "其他"];
pub const LEARNING_MODES: &[&str] = &["沉浸式", "快乐式", "专题式", "分享式"];

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Series {
    pub id: i64,
    pub name: String,
}

#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct SeriesInput {
    pub id: Option<i64>,
    pub name: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct ActivityOptions {
    pub lines: &'static [&'static str],
    pub learning_modes: &'static [&'static str],
    pub series: Vec<Series>,
}

/// An activity as typed into the form.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct ActivityInput {
    pub id: Option<i64>,
    pub title: String,
    pub series_id: Option<i64>,
    pub line: String,
    pub date: String,
    pub start_time: String,
    pub end_time: String,
    pub place: String,
    pub organiser: String,
    pub capacity: Option<i64>,
    pub audience: String,
    pub description: String,
    pub learning_mode: Option<String>,
}

/// An activity whose fields passed validation.
#[derive(Debug, Clone, PartialEq)]
pub struct ValidActivity {
    pub title: String,
    pub series_id: Option<i64>,
    pub line: String,
    pub date: NaiveDate,
    pub start_time: NaiveTime,
    pub end_time: NaiveTime,
    pub place: String,
    pub organiser: String,
    pub capacity: Option<i64>,
    pub audience: String,
    pub description: String,
    pub learning_mode: Option<String>,
}

impl ActivityInput {
    pub fn validate(&self) -> Result<ValidActivity> {
        let mut errors = Vec::new();
        let title = self.title.trim().to_string();
        if title.is_empty() {
            errors.push(FieldError::new("title", "请填写活动名称"));
        }
        limits::check("title", "活动名称", &title, Kind::Label, &mut errors);
        limits::check("place", "地点", self.place.trim(), Kind::Label, &mut errors);
        limits::check("organiser", "负责人", self.organiser.trim(), Kind::Label, &mut errors);
        limits::check("audience", "面向对象", self.audience.trim(), Kind::Label, &mut errors);
        limits::check("description", "活动内容", &self.description, Kind::Text, &mut errors);
        if !LINES.contains(&self.line.as_str()) {
            errors.push(FieldError::new("line", format!("请选择条线（{}）", LINES.join("、"))));
        }
        let date = parse_date(&self.date);
        if date.is_none() {
            errors.push(FieldError::new(
                "date",
                format!("日期“{}”不是有效日期，请写成 2026-12-01 的样式", self.date.trim()),
            ));
        }
        let (start, end) = crate::values::dates::parse_times(&self.start_time, &self.end_time, &mut errors);
        if let (Some(s), Some(e)) = (start, end) {
            if e <= s {
                errors.push(FieldError::new(
                    "end_time",
                    format!("结束时间 {} 应晚于开始时间 {}", e.format("%H:%M"), s.format("%H:%M")),
                ));
            }
        }
        if let Some(c) = self.capacity.filter(|c| *c < 1) {
            errors.push(FieldError::new("capacity", format!("人数上限 {c} 无效：至少 1 人，不限请留空")));
        }
        let learning_mode = non_blank(self.learning_mode.as_deref());
        if let Some(mode) = learning_mode.as_deref().filter(|m| !LEARNING_MODES.contains(m)) {
            errors
                .push(FieldError::new("learning_mode", format!("学习方式“{mode}”应为 {}", LEARNING_MODES.join("、"))));
        }
        if !errors.is_empty() {
            return Err(Error::Invalid(errors));
        }
        Ok(ValidActivity {
            title,
            series_id: self.series_id,
            line: self.line.clone(),
            date: date.expect("checked"),
            start_time: start.expect("checked"),
            end_time: end.expect("checked"),
            place: self.place.trim().to_string(),
            organiser: self.organiser.trim().to_string(),
            capacity: self.capacity,
            audience: self.audience.trim().to_string(),
            description: self.description.clone(),
            learning_mode,
        })
    }
}

/// How a recurring class repeats: weekly from the first session's date.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct Repeat {
    pub every_weeks: u32,
    pub count: Option<u32>,
    pub until: Option<String>,
}

/// The most sessions one recurring class may create (two years of weekly classes).
pub const MAX_SESSIONS: u32 = 104;
/// The longest gap between sessions of one class (a yearly event is not a class).
pub const MAX_EVERY_WEEKS: u32 = 52;

#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct ActivityFilter {
    pub from: Option<String>,
    pub to: Option<String>,
    pub series_id: Option<i64>,
    pub line: Option<String>,
    pub include_cancelled: bool,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct ActivityRow {
    pub id: i64,
    pub title: String,
    pub series_id: Option<i64>,
    pub series_name: Option<String>,
    pub line: String,
    pub date: String,
    pub start_time: String,
    pub end_time: String,
    pub place: String,
    pub organiser: String,
    pub capacity: Option<i64>,
    pub registered: u32,
    pub waitlisted: u32,
    pub attended: u32,
    pub cancelled_on: Option<String>,
    pub recurrence_id: Option<i64>,
}

#[derive(Debug, Clone, Serialize)]
pub struct ActivityDetail {
    #[serde(flatten)]
    pub row: ActivityRow,
    pub audience: String,
    pub description: String,
    pub learning_mode: Option<String>,
    pub signups: Vec<Signup>,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Signup {
    pub id: i64,
    pub resident_id: Option<i64>,
    pub household_id: Option<i64>,
    pub name: String,
    pub address: Option<String>,
    pub phone_masked: Option<String>,
    pub status: String,
    pub walk_in: bool,
    pub attended: Option<bool>,
    /// Place on the waitlist, 1 = next to be promoted.
    pub position: Option<u32>,
}

/// Who is signing up: a resident of the register, or a guest who is not in it.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(untagged)]
pub enum Attendee {
    Resident { resident_id: i64 },
    Guest { guest_name: String, guest_phone: Option<String> },
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct SignupOutcome {
    pub signup_id: i64,
    pub name: String,
    pub status: String,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Promoted {
    pub signup_id: i64,
    pub name: String,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct CancelOutcome {
    pub promoted: Option<Promoted>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct AttendanceMark {
    pub signup_id: i64,
    pub present: bool,
}

#[derive(Debug, Clone, Copy, Serialize, PartialEq)]
pub struct AttendanceCount {
    pub present: u32,
    pub registered: u32,
}

#[derive(Debug, Clone, Serialize)]
pub struct ResidentActivity {
    pub activity_id: i64,
    pub title: String,
    pub date: String,
    pub status: String,
    pub attended: Option<bool>,
}

pub const REGISTERED: &str = "registered";
pub const WAITLISTED: &str = "waitlisted";
pub const CANCELLED: &str = "cancelled";

#[cfg(test)]
mod tests {
    use super::*;

    fn input() -> ActivityInput {
        ActivityInput {
            title: "红色知识小课堂".into(),
            line: "银力量·离退休党员".into(),
            date: "2026-12-01".into(),
            start_time: "9:00".into(),
            end_time: "10:30".into(),
            ..Default::default()
        }
    }

    #[test]
    fn a_valid_class() {
        let valid = input().validate().unwrap();
        assert_eq!(valid.start_time.format("%H:%M").to_string(), "09:00");
    }

    #[test]
    fn every_bad_field_is_named() {
        let err = ActivityInput {
            title: " ".into(),
            line: "红引擎".into(),
            date: "2026-02-30".into(),
            start_time: "10:30".into(),
            end_time: "９：００".into(),
            capacity: Some(0),
            learning_mode: Some("玩".into()),
            ..input()
        }
        .validate()
        .unwrap_err();
        let fields: Vec<_> = err.fields().iter().map(|f| f.field).collect();
        assert_eq!(fields, ["title", "line", "date", "end_time", "capacity", "learning_mode"]);
    }
}
