//! The office register of the operator, encryption, masked-form and audit stories: 浏河社区
//! with 8栋1单元101 and 孔喆 living there with his ID number and phone — either as the app
//! holds it (logins required, 李敏 its first administrator, logged in) or with logins off and
//! 李敏 named as the operator, as the CLI and the audit stories work on it.
#![allow(dead_code)]

use super::{liuhe_unit, open};
use std::path::Path;
use xinghe_ledger::register::model::{HouseholdInput, ResidentInput};
use xinghe_ledger::Ledger;

pub const ADMIN: &str = "李敏";
pub const ADMIN_PASSWORD: &str = "liuhe-2026";
pub const NAME: &str = "孔喆";
pub const ID_NUMBER: &str = "430105196401060595";
pub const PHONE: &str = "13800000001";

pub struct Office {
    pub ledger: Ledger,
    pub unit: i64,
    pub household: i64,
    /// 孔喆.
    pub resident: i64,
}

/// Opens (creating) the register at `path` on 2026-11-28 with logins required, makes 李敏 its
/// first administrator and fills it in as her.
pub fn logged_in_office(path: &Path) -> Office {
    let mut ledger = open(path);
    ledger.require_login();
    ledger.create_first_admin(ADMIN, ADMIN_PASSWORD).unwrap();
    fill_in(ledger)
}

/// Opens (creating) the register at `path` on 2026-11-28 with logins off, names 李敏 as the
/// operator and fills it in as her.
pub fn named_office(path: &Path) -> Office {
    let mut ledger = open(path);
    ledger.set_operator_name(ADMIN).unwrap();
    fill_in(ledger)
}

/// 孔喆 as the form saves him: 户主 of `household_id`, with his ID number and `phone`; `id`
/// to edit the saved one.
pub fn kong(household_id: i64, id: Option<i64>, phone: &str) -> ResidentInput {
    ResidentInput {
        id,
        household_id,
        name: NAME.into(),
        relation: "户主".into(),
        id_number: Some(ID_NUMBER.into()),
        phone: Some(phone.into()),
        ..Default::default()
    }
}

fn fill_in(mut ledger: Ledger) -> Office {
    let unit = liuhe_unit(&mut ledger);
    let household =
        ledger.save_household(&HouseholdInput { unit_id: unit, room: "101".into(), ..Default::default() }).unwrap();
    let resident = ledger.save_resident(&kong(household, None, PHONE)).unwrap();
    Office { ledger, unit, household, resident }
}
