//! A small hand-built community for the care, project and dashboard stories, where every count
//! is known, with short writers for services, volunteers and hour entries that go through the
//! same Ledger methods as the app. `sql` is a second connection for the rare state the app
//! cannot make (data from before a rule existed).
#![allow(dead_code)]

use super::{eight_with_its_head, open_on};
use rusqlite::Connection;
use std::path::Path;
use xinghe_ledger::hours::{HourEntryInput, HoursReview};
use xinghe_ledger::register::model::{BuildingInput, CareNeed, GridInput, HouseholdInput, ResidentInput, UnitInput};
use xinghe_ledger::services::{ServiceDoneInput, ServiceInput};
use xinghe_ledger::values::dates::NaiveDate;
use xinghe_ledger::volunteers::{OrganisationInput, VolunteerInput};
use xinghe_ledger::Ledger;

pub fn date(text: &str) -> NaiveDate {
    NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap()
}

pub struct Community {
    pub ledger: Ledger,
    /// A second connection to the same file, for states the app itself cannot produce.
    pub sql: Connection,
    pub building: i64,
    /// 8栋1单元, 8栋2单元, 9栋1单元 (9栋 is in the second grid).
    pub units: [i64; 3],
}

/// 浏河社区: 第一网格 with 8栋 (楼栋长 王建国, staff) and 第二网格 with 9栋 (no head).
pub fn community(path: &Path, today: &str) -> Community {
    let mut ledger = open_on(path, date(today));
    ledger.set_community_name("浏河社区").unwrap();
    let grid = ledger.save_grid(&GridInput { name: "第一网格".into(), ..Default::default() }).unwrap();
    let second = ledger.save_grid(&GridInput { name: "第二网格".into(), ..Default::default() }).unwrap();
    let building = eight_with_its_head(&mut ledger, grid);
    let nine =
        ledger.save_building(&BuildingInput { grid_id: second, name: "9栋".into(), ..Default::default() }).unwrap();
    let unit = |ledger: &mut Ledger, building_id: i64, name: &str| {
        ledger.save_unit(&UnitInput { building_id, name: name.into(), ..Default::default() }).unwrap()
    };
    let units =
        [unit(&mut ledger, building, "1单元"), unit(&mut ledger, building, "2单元"), unit(&mut ledger, nine, "1单元")];
    let sql = Connection::open(path).unwrap();
    sql.pragma_update(None, "foreign_keys", "ON").unwrap();
    sql.busy_timeout(std::time::Duration::from_secs(5)).unwrap();
    Community { ledger, sql, building, units }
}

impl Community {
    pub fn household(&mut self, unit: usize, room: &str) -> i64 {
        self.ledger
            .save_household(&HouseholdInput { unit_id: self.units[unit], room: room.into(), ..Default::default() })
            .unwrap()
    }

    /// A resident with a birth date and care needs (kinds; 残疾 gets 肢体二级, unknown kinds are
    /// kept as labels).
    pub fn resident(&mut self, household_id: i64, name: &str, relation: &str, born: &str, needs: &[&str]) -> i64 {
        let care_needs = needs
            .iter()
            .map(|kind| match *kind {
                "残疾" => CareNeed {
                    kind: "残疾".into(),
                    disability_category: Some("肢体".into()),
                    disability_grade: Some(2),
                    ..Default::default()
                },
                other => CareNeed { kind: other.into(), ..Default::default() },
            })
            .collect();
        self.ledger
            .save_resident(&ResidentInput {
                household_id,
                name: name.into(),
                relation: relation.into(),
                birth_date: Some(born.into()),
                care_needs,
                ..Default::default()
            })
            .unwrap()
    }

    /// A service through the services module: requested, and done on `done_on` if given.
    pub fn service(&mut self, household_id: i64, kind: &str, requested_on: &str, done_on: Option<&str>) -> i64 {
        self.project_service(None, household_id, kind, requested_on, done_on)
    }

    pub fn project_service(
        &mut self,
        project_id: Option<i64>,
        household_id: i64,
        kind: &str,
        requested_on: &str,
        done_on: Option<&str>,
    ) -> i64 {
        let id = self
            .ledger
            .save_service(&ServiceInput {
                household_id,
                kind: kind.into(),
                requested_on: requested_on.into(),
                project_id,
                ..Default::default()
            })
            .unwrap();
        if let Some(done_on) = done_on {
            let done = ServiceDoneInput { done_on: done_on.into(), outcome: "已完成".into(), ..Default::default() };
            self.ledger.complete_service(id, &done).unwrap();
        }
        id
    }

    /// A volunteer through the volunteers module: a resident, or a named member of a new shop.
    pub fn volunteer(&mut self, name: &str, resident_id: Option<i64>) -> i64 {
        let organisation_id = match resident_id {
            Some(_) => None,
            None => Some(
                self.ledger
                    .save_organisation(&OrganisationInput {
                        name: format!("{name}的小店"),
                        kind: "智慧益仓商户".into(),
                        ..Default::default()
                    })
                    .unwrap(),
            ),
        };
        let input = VolunteerInput {
            resident_id,
            organisation_id,
            name: if resident_id.is_some() { String::new() } else { name.into() },
            line: "青动力·两新组织".into(),
            joined_on: "2026-01-01".into(),
            ..Default::default()
        };
        self.ledger.save_volunteer(&input).unwrap()
    }

    /// An hour entry through the hours ledger, then reviewed into `status`; an end before the
    /// start is overnight.
    pub fn hours(&mut self, volunteer_id: i64, date: &str, start: &str, end: &str, status: &str) -> i64 {
        let id = self
            .ledger
            .record_hours(&HourEntryInput {
                volunteer_id,
                date: date.into(),
                start_time: start.into(),
                end_time: end.into(),
                overnight: end <= start,
                content: "楼道清扫".into(),
                ..Default::default()
            })
            .unwrap();
        let review = match status {
            "已确认" => Some(HoursReview { approve: true, ..Default::default() }),
            "已驳回" => Some(HoursReview { approve: false, note: "时间有误".into(), ..Default::default() }),
            _ => None,
        };
        if let Some(review) = review {
            self.ledger.review_hours(&[id], &review).unwrap();
        }
        id
    }
}
