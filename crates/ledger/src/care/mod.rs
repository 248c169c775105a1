//! Care list (关爱走访): households with care needs or someone aged 80+, and the days since
//! someone was last in the home — longest first; past a threshold a household is overdue. print.rs draws
//! the 走访清单 for building heads.

pub mod print;

use crate::error::{Error, Result};
use crate::ledger::{Ledger, CURRENT};
use crate::register::hierarchy::head_from_row;
use crate::register::households::{format_address, HOUSEHOLD_ORDER};
use crate::register::model::CareNeed;
use crate::register::residents::MEMBER_ORDER;
use chrono::NaiveDate;
use rusqlite::named_params;
use serde::Serialize;
use std::collections::HashMap;

/// Days without a visit after which a household is overdue, until the office sets its own.
pub const DEFAULT_CARE_VISIT_DAYS: i64 = 30;
/// A threshold longer than a year would hide every household; one day is the shortest.
pub const MAX_CARE_VISIT_DAYS: i64 = 365;
const CARE_VISIT_DAYS: &str = "care_visit_days";

#[derive(Debug, Clone, Serialize)]
pub struct CareList {
    /// The day the list was computed for (`YYYY-MM-DD`).
    pub today: String,
    pub threshold_days: i64,
    pub households: Vec<CareHousehold>,
    /// How many of `households` are overdue.
    pub overdue: i64,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct CareHousehold {
    pub household_id: i64,
    pub grid: String,
    pub building: String,
    pub unit: String,
    pub room: String,
    pub address: String,
    /// The 楼栋长 who takes the printed checklist round.
    pub building_head: Option<String>,
    pub people: Vec<CarePerson>,
    pub last_visit_on: Option<String>,
    /// The kind of the service that was the last visit (走访慰问, 家电维修, …).
    pub last_visit_kind: Option<String>,
    pub days_since: Option<i64>,
    pub overdue: bool,
}

/// A current member who is the reason the household is on the list.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct CarePerson {
    pub resident_id: i64,
    pub name: String,
    pub age: Option<i64>,
    /// "残疾（肢体二级）", "低保", a verbatim label, and "高龄 86 岁" last: the printed words.
    pub needs: Vec<String>,
    /// The same needs as data, so the page can word them in its own language.
    pub care_needs: Vec<CareNeed>,
    /// 80 or older on the day asked.
    pub aged: bool,
}

fn check_threshold(days: i64) -> Result<i64> {
    if (1..=MAX_CARE_VISIT_DAYS).contains(&days) {
        Ok(days)
    } else {
        Err(Error::invalid(
            "care_visit_days",
            format!("走访提醒天数 {days} 无效：应在 1 到 {MAX_CARE_VISIT_DAYS} 天之间"),
        ))
    }
}

/// Someone "in the home" on this household's behalf: any service done and not cancelled, up to
/// today (a done date in the future cannot have been a visit yet).
const LAST_VISITS: &str = "SELECT household_id, done_on, kind,
            row_number() OVER (PARTITION BY household_id ORDER BY done_on DESC, id DESC) AS n
     FROM services WHERE cancelled_on IS NULL AND done_on IS NOT NULL AND done_on <= :today";

/// Current residents of current households who have a care need or are 80+ on the day asked.
fn cared_for(alias: &str) -> String {
    format!(
        "{CURRENT} AND h.moved_out_on IS NULL
         AND ({alias}.birth_date <= :cutoff OR EXISTS (SELECT 1 FROM care_needs c WHERE c.resident_id = {alias}.id))"
    )
}

impl Ledger {
    /// The office's threshold for overdue visits (setting `care_visit_days`, default 30).
    pub fn care_visit_days(&self) -> Result<i64> {
        let stored = self.setting(CARE_VISIT_DAYS)?.and_then(|v| v.trim().parse::<i64>().ok());
        Ok(stored.and_then(|d| check_threshold(d).ok()).unwrap_or(DEFAULT_CARE_VISIT_DAYS))
    }

    pub fn set_care_visit_days(&mut self, days: i64) -> Result<()> {
        self.require_admin("修改设置")?;
        let days = check_threshold(days)?;
        let actor = self.actor();
        let tx = self.conn.transaction()?;
        let before = crate::access::audit::settings_json(&tx, &[CARE_VISIT_DAYS])?;
        tx.execute(
            "INSERT INTO settings(key, value) VALUES (?1, ?2) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            [CARE_VISIT_DAYS, &days.to_string()],
        )?;
        let after = crate::access::audit::settings_json(&tx, &[CARE_VISIT_DAYS])?;
        let change = crate::access::audit::Change::new("修改", "设置", None, format!("走访超期天数设为 {days} 天"));
        crate::access::audit::record(&tx, &actor, change.before(before).after(after))?;
        tx.commit()?;
        self.changed();
        Ok(())
    }

    /// Households to visit: never visited first, then the longest since the last visit, then
    /// in address order. `threshold_days` overrides the setting for this one list.
    pub fn care_list(&self, threshold_days: Option<i64>) -> Result<CareList> {
        let threshold_days = match threshold_days {
            Some(days) => check_threshold(days)?,
            None => self.care_visit_days()?,
        };
        let today = self.today();
        let cutoff = self.aged_cutoff();
        let mut people = self.care_people(&cutoff)?;
        let sql = format!(
            "WITH last AS ({LAST_VISITS})
             SELECT h.id, g.name, b.name, u.name, h.room,
                    b.head_resident_id, br.name, br.phone, b.head_name, b.head_phone,
                    last.done_on, last.kind
             FROM households h JOIN units u ON u.id = h.unit_id JOIN buildings b ON b.id = u.building_id
             JOIN grids g ON g.id = b.grid_id
             LEFT JOIN residents br ON br.id = b.head_resident_id
             LEFT JOIN last ON last.household_id = h.id AND last.n = 1
             WHERE h.id IN (SELECT r.household_id FROM residents r JOIN households h ON h.id = r.household_id
                            WHERE {})
             ORDER BY {HOUSEHOLD_ORDER}",
            cared_for("r")
        );
        let mut stmt = self.conn.prepare_cached(&sql)?;
        let rows = stmt.query_map(named_params! {":today": today.to_string(), ":cutoff": cutoff}, |r| {
            let building: String = r.get(2)?;
            let unit: String = r.get(3)?;
            let room: String = r.get(4)?;
            let last_visit_on: Option<String> = r.get(10)?;
            let days_since = last_visit_on.as_deref().and_then(|d| days_between(d, today));
            Ok(CareHousehold {
                household_id: r.get(0)?,
                grid: r.get(1)?,
                address: format_address(&building, &unit, &room),
                building,
                unit,
                room,
                building_head: head_from_row(r, 5)?.map(|h| h.name),
                people: vec![],
                overdue: days_since.is_none_or(|d| d > threshold_days),
                last_visit_on,
                last_visit_kind: r.get(11)?,
                days_since,
            })
        })?;
        let mut households: Vec<CareHousehold> = rows.collect::<rusqlite::Result<_>>()?;
        for household in &mut households {
            household.people = people.remove(&household.household_id).unwrap_or_default();
        }
        // Stable: households visited equally long ago keep the address order of the query.
        households.sort_by_key(|h| (h.last_visit_on.is_some(), std::cmp::Reverse(h.days_since)));
        let overdue = households.iter().filter(|h| h.overdue).count() as i64;
        Ok(CareList { today: today.to_string(), threshold_days, households, overdue })
    }

    /// The people who put each household on the list, 户主 first then oldest, by household.
    fn care_people(&self, cutoff: &str) -> Result<HashMap<i64, Vec<CarePerson>>> {
        let today = self.today();
        let mut needs: HashMap<i64, Vec<CareNeed>> = HashMap::new();
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT c.resident_id, c.kind, c.label, c.disability_category, c.disability_grade
             FROM care_needs c JOIN residents r ON r.id = c.resident_id JOIN households h ON h.id = r.household_id
             WHERE {CURRENT} AND h.moved_out_on IS NULL ORDER BY c.rowid"
        ))?;
        let rows = stmt.query_map([], |r| {
            let label: String = r.get(2)?;
            let need = CareNeed {
                kind: r.get(1)?,
                label: (!label.is_empty()).then_some(label),
                disability_category: r.get(3)?,
                disability_grade: r.get(4)?,
            };
            Ok((r.get::<_, i64>(0)?, need))
        })?;
        for row in rows {
            let (resident, need) = row?;
            needs.entry(resident).or_default().push(need);
        }
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT r.id, r.household_id, r.name, r.birth_date, r.birth_date <= :cutoff
             FROM residents r JOIN households h ON h.id = r.household_id
             WHERE {} ORDER BY r.household_id, {MEMBER_ORDER}",
            cared_for("r")
        ))?;
        let rows = stmt.query_map(named_params! {":cutoff": cutoff}, |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, i64>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, Option<String>>(3)?,
                r.get::<_, Option<bool>>(4)?.unwrap_or(false),
            ))
        })?;
        let mut people: HashMap<i64, Vec<CarePerson>> = HashMap::new();
        for row in rows {
            let (resident_id, household_id, name, birth_date, aged) = row?;
            let age = crate::register::model::age_from(birth_date.as_deref(), today).map(i64::from);
            let care_needs = needs.remove(&resident_id).unwrap_or_default();
            let mut labels: Vec<String> = care_needs.iter().map(CareNeed::display).collect();
            if aged {
                labels.push(format!("高龄 {} 岁", age.unwrap_or_default()));
            }
            let person = CarePerson { resident_id, name, age, needs: labels, care_needs, aged };
            people.entry(household_id).or_default().push(person);
        }
        Ok(people)
    }
}

fn days_between(date: &str, today: NaiveDate) -> Option<i64> {
    let date = NaiveDate::parse_from_str(date, "%Y-%m-%d").ok()?;
    Some((today - date).num_days())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_threshold_is_between_one_day_and_a_year() {
        assert_eq!(check_threshold(1).unwrap(), 1);
        assert_eq!(check_threshold(365).unwrap(), 365);
        for bad in [0, -3, 366] {
            let err = check_threshold(bad).unwrap_err();
            assert_eq!(err.fields()[0].field, "care_visit_days");
            assert!(err.to_string().contains(&bad.to_string()), "{err}");
        }
    }

    #[test]
    fn a_setting_out_of_range_falls_back_to_the_default() {
        let mut ledger = Ledger::open_in_memory().unwrap();
        assert_eq!(ledger.care_visit_days().unwrap(), DEFAULT_CARE_VISIT_DAYS);
        ledger.set_care_visit_days(45).unwrap();
        assert_eq!(ledger.care_visit_days().unwrap(), 45);
        assert!(ledger.set_care_visit_days(400).is_err());
        assert_eq!(ledger.care_visit_days().unwrap(), 45, "a refused value changes nothing");
        ledger.conn.execute("UPDATE settings SET value = '十天' WHERE key = 'care_visit_days'", []).unwrap();
        assert_eq!(ledger.care_visit_days().unwrap(), DEFAULT_CARE_VISIT_DAYS);
    }

    #[test]
    fn days_between_counts_calendar_days() {
        let today = NaiveDate::from_ymd_opt(2026, 11, 28).unwrap();
        assert_eq!(days_between("2026-10-29", today), Some(30));
        assert_eq!(days_between("not a date", today), None);
    }
}
