//! Dates as offices write them (1949-12-31, 1949/12/31, 1949年12月31日, 19491231), ages, and
//! "today" — which tests and the demo can pin so results never depend on the wall clock.

use crate::error::FieldError;
use crate::values::text::to_half_width;
use chrono::Datelike;
pub use chrono::{NaiveDate, NaiveDateTime, NaiveTime};

/// A clock time as typed: 09:00, 9:00, 09：00 (full-width colon) or 9.00.
pub fn parse_time(text: &str) -> Option<NaiveTime> {
    let text = to_half_width(text.trim()).replace(['：', '.'], ":");
    NaiveTime::parse_from_str(&text, "%H:%M").ok()
}

/// A start and an end time as typed into a form (fields `start_time`, `end_time`): each one
/// that is not a time adds its message; how the two must relate is the caller's rule.
pub(crate) fn parse_times(
    start: &str,
    end: &str,
    errors: &mut Vec<FieldError>,
) -> (Option<NaiveTime>, Option<NaiveTime>) {
    let (parsed_start, parsed_end) = (parse_time(start), parse_time(end));
    if parsed_start.is_none() {
        errors.push(FieldError::new("start_time", format!("开始时间“{}”无效，请写成 09:00", start.trim())));
    }
    if parsed_end.is_none() {
        errors.push(FieldError::new("end_time", format!("结束时间“{}”无效，请写成 10:30", end.trim())));
    }
    (parsed_start, parsed_end)
}

/// Parses the date spellings found in office registers; `None` when it is not a real date.
pub fn parse_date(raw: &str) -> Option<NaiveDate> {
    let text = to_half_width(raw.trim());
    let text = text.trim_end_matches('日');
    let normalised: String = text.chars().map(|c| if matches!(c, '年' | '月' | '/' | '.') { '-' } else { c }).collect();
    if normalised.len() == 8 && normalised.bytes().all(|b| b.is_ascii_digit()) {
        return NaiveDate::parse_from_str(&normalised, "%Y%m%d").ok();
    }
    let mut parts = normalised.split('-').map(str::trim);
    let (y, m, d) = (parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some() || y.len() != 4 {
        return None;
    }
    NaiveDate::from_ymd_opt(y.parse().ok()?, m.parse().ok()?, d.parse().ok()?)
}

/// Full years lived on `today`.
pub fn age_on(birth: NaiveDate, today: NaiveDate) -> u32 {
    let mut years = today.year() - birth.year();
    if (today.month(), today.day()) < (birth.month(), birth.day()) {
        years -= 1;
    }
    years.max(0) as u32
}

/// The latest birth date of someone who is at least `years` old on `today`
/// (29 February birthdays count from 1 March in non-leap years).
pub fn born_on_or_before(years: u32, today: NaiveDate) -> NaiveDate {
    let year = today.year() - years as i32;
    NaiveDate::from_ymd_opt(year, today.month(), today.day())
        .unwrap_or_else(|| NaiveDate::from_ymd_opt(year, 2, 28).expect("valid"))
}

/// The environment variable that pins "today" for a whole process (tests, reproducible demos):
/// `XINGHE_TODAY=2027-02-28`. The app, xinghe-cli and the demo then all agree on the date.
pub const TODAY_VARIABLE: &str = "XINGHE_TODAY";

/// The date `XINGHE_TODAY` pins, read once per process: `Ok(None)` when it is unset or empty,
/// `Err` with a message naming the value when it is not a date written YYYY-MM-DD.
pub fn pinned_today() -> Result<Option<NaiveDate>, String> {
    static PINNED: std::sync::OnceLock<Result<Option<NaiveDate>, String>> = std::sync::OnceLock::new();
    PINNED.get_or_init(|| parse_pinned_today(std::env::var_os(TODAY_VARIABLE).as_deref())).clone()
}

/// Reads a `XINGHE_TODAY` value. Only the strict form YYYY-MM-DD is taken: a test setting that
/// half-matches (2027/2/28, 20270228) is more likely a mistake than a wish.
pub fn parse_pinned_today(value: Option<&std::ffi::OsStr>) -> Result<Option<NaiveDate>, String> {
    let Some(value) = value else { return Ok(None) };
    let refuse = |shown: &str| {
        Err(format!(
            "环境变量 {TODAY_VARIABLE}=“{shown}”不是有效日期，请写成 2027-02-28 这样的年-月-日，或删除这个变量"
        ))
    };
    let Some(text) = value.to_str() else { return refuse(&value.to_string_lossy()) };
    let text = text.trim();
    if text.is_empty() {
        return Ok(None);
    }
    let well_formed = text.len() == 10 && text.bytes().enumerate().all(|(i, b)| matches!(i, 4 | 7) == (b == b'-'));
    match NaiveDate::parse_from_str(text, "%Y-%m-%d") {
        Ok(date) if well_formed => Ok(Some(date)),
        _ => refuse(text),
    }
}

/// The clock now; on a pinned day (`XINGHE_TODAY`), that day at the clock's time of day.
pub fn local_now() -> NaiveDateTime {
    let now = chrono::Local::now().naive_local();
    match pinned() {
        Some(day) => day.and_time(now.time()),
        None => now,
    }
}

/// Today's local date, or the day `XINGHE_TODAY` pins.
pub fn local_today() -> NaiveDate {
    pinned().unwrap_or_else(|| chrono::Local::now().date_naive())
}

/// The pinned day. A malformed value stops the process here rather than quietly using the
/// clock; the app and xinghe-cli check `pinned_today()` at start-up and say so in Chinese first.
fn pinned() -> Option<NaiveDate> {
    pinned_today().unwrap_or_else(|message| panic!("{message}"))
}

/// 高龄: residents this old or older are in the care list and the 80+ counts (derived from the
/// birth date on the day asked, never stored).
pub const AGED_YEARS: u32 = 80;

/// Now, as the register writes times: `2026-11-28 09:30:00` (local time).
pub fn now_text() -> String {
    local_now().format("%Y-%m-%d %H:%M:%S").to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn office_spellings() {
        for text in ["1949-12-31", "1949/12/31", "1949年12月31日", "19491231", "1949.12.31", " １９４９-１２-３１ "]
        {
            assert_eq!(parse_date(text), Some(d(1949, 12, 31)), "{text}");
        }
        assert_eq!(parse_date("1949-2-3"), Some(d(1949, 2, 3)));
    }

    #[test]
    fn impossible_dates_are_none() {
        for text in ["1949-02-30", "19491331", "49-12-31", "abc", "", "1949-12-31-1"] {
            assert_eq!(parse_date(text), None, "{text}");
        }
    }

    #[test]
    fn age_turns_on_the_birthday() {
        assert_eq!(age_on(d(1946, 11, 28), d(2026, 11, 28)), 80);
        assert_eq!(age_on(d(1946, 11, 29), d(2026, 11, 28)), 79);
        assert_eq!(born_on_or_before(80, d(2026, 11, 28)), d(1946, 11, 28));
    }

    #[test]
    fn a_pinned_today_is_read_strictly_and_a_malformed_one_is_refused_naming_it() {
        use std::ffi::OsStr;
        assert_eq!(parse_pinned_today(None), Ok(None));
        assert_eq!(parse_pinned_today(Some(OsStr::new(""))), Ok(None));
        assert_eq!(parse_pinned_today(Some(OsStr::new("2028-02-29"))), Ok(Some(d(2028, 2, 29))));
        assert_eq!(parse_pinned_today(Some(OsStr::new(" 2027-01-31 "))), Ok(Some(d(2027, 1, 31))));
        for bad in ["2027-02-29", "2027/02/28", "20270228", "2027-2-28", "28.02.2027", "明天", "+2027-02-28"] {
            let message = parse_pinned_today(Some(OsStr::new(bad))).unwrap_err();
            assert!(message.contains("XINGHE_TODAY") && message.contains(bad.trim()), "{bad}: {message}");
        }
    }
}
