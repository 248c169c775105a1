//! The register as the app holds it, for the operator, encryption and masked-form stories:
//! logins required, 李敏 its first administrator (logged in), 浏河社区 with 8栋1单元101 and
//! 孔喆 living there with his ID number and phone.
#![allow(dead_code)]

use std::path::Path;
use xinghe_ledger::dates::NaiveDate;
use xinghe_ledger::model::{BuildingInput, GridInput, HouseholdInput, ResidentInput, UnitInput};
use xinghe_ledger::Ledger;

pub const ADMIN: &str = "李敏";
pub const ADMIN_PASSWORD: &str = "liuhe-2026";
pub const NAME: &str = "孔喆";
pub const ID_NUMBER: &str = "430105196401060595";
pub const PHONE: &str = "13800000001";

pub struct LoggedInOffice {
    pub ledger: Ledger,
    pub unit: i64,
    pub household: i64,
    pub resident: i64,
}

/// Opens (creating) the register at `path` on 2026-11-28 with logins required, makes 李敏 its
/// first administrator and fills it in as her.
pub fn logged_in_office(path: &Path) -> LoggedInOffice {
    let mut ledger = Ledger::open(path).unwrap();
    ledger.set_today(NaiveDate::from_ymd_opt(2026, 11, 28).unwrap());
    ledger.require_login();
    ledger.create_first_admin(ADMIN, ADMIN_PASSWORD).unwrap();
    ledger.set_community_name("浏河社区").unwrap();
    let grid = ledger.save_grid(&GridInput { name: "第一网格".into(), ..Default::default() }).unwrap();
    let building =
        ledger.save_building(&BuildingInput { grid_id: grid, name: "8栋".into(), ..Default::default() }).unwrap();
    let unit =
        ledger.save_unit(&UnitInput { building_id: building, name: "1单元".into(), ..Default::default() }).unwrap();
    let household =
        ledger.save_household(&HouseholdInput { unit_id: unit, room: "101".into(), ..Default::default() }).unwrap();
    let resident = ledger
        .save_resident(&ResidentInput {
            household_id: household,
            name: NAME.into(),
            relation: "户主".into(),
            id_number: Some(ID_NUMBER.into()),
            phone: Some(PHONE.into()),
            ..Default::default()
        })
        .unwrap();
    LoggedInOffice { ledger, unit, household, resident }
}
