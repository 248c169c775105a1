//! What the stories share: the day they are pinned to, opening a register on it, the office
//! fixtures (a small hand-built community, the app's logged-in register, the demo) and readers
//! for what the core writes.

pub mod hostile_files;
pub mod joined;
pub mod logged_in_office;
pub mod namespace;
pub mod poppler;
pub mod small_community;
pub mod unprivileged;

use std::path::Path;
use xinghe_ledger::register::model::{BuildingInput, GridInput, HeadInput, UnitInput};
use xinghe_ledger::values::dates::{NaiveDate, NaiveDateTime};
use xinghe_ledger::Ledger;

/// The day the stories are pinned to unless one says otherwise.
pub const TODAY: &str = "2026-11-28";

/// `TODAY` as a date.
pub fn today() -> NaiveDate {
    NaiveDate::parse_from_str(TODAY, "%Y-%m-%d").unwrap()
}

/// When the stories print their sheets: 14:30 on `today()`.
pub fn printed_at() -> NaiveDateTime {
    today().and_hms_opt(14, 30, 0).unwrap()
}

/// Opens (creating) the register at `path` with `today()` pinned.
pub fn open(path: &Path) -> Ledger {
    open_on(path, today())
}

/// Opens (creating) the register at `path` with `day` pinned as today.
pub fn open_on(path: &Path, day: NaiveDate) -> Ledger {
    let mut ledger = Ledger::open(path).unwrap();
    ledger.set_today(day);
    ledger
}

/// The demo community (`households` households from `seed`) built at `path` on `today()`.
pub fn demo(path: &Path, households: u32, seed: u64) -> Ledger {
    let mut ledger = open(path);
    ledger.create_demo(households, seed).unwrap();
    ledger
}

/// Names the community 浏河社区 and builds 第一网格, its 8栋 and 8栋1单元; returns the unit.
pub fn liuhe_unit(ledger: &mut Ledger) -> i64 {
    ledger.set_community_name("浏河社区").unwrap();
    let grid = ledger.save_grid(&GridInput { name: "第一网格".into(), ..Default::default() }).unwrap();
    let building =
        ledger.save_building(&BuildingInput { grid_id: grid, name: "8栋".into(), ..Default::default() }).unwrap();
    ledger.save_unit(&UnitInput { building_id: building, name: "1单元".into(), ..Default::default() }).unwrap()
}

/// 8栋 in `grid`, with 王建国 its 楼栋长; returns the building.
pub fn eight_with_its_head(ledger: &mut Ledger, grid: i64) -> i64 {
    let head = HeadInput { head_name: Some("王建国".into()), ..Default::default() };
    ledger.save_building(&BuildingInput { grid_id: grid, name: "8栋".into(), head, ..Default::default() }).unwrap()
}

/// The shipped migrations, in order (crates/ledger/migrations): a register as an older release
/// wrote it is these up to its version.
const MIGRATIONS: [&str; 8] = [
    include_str!("../../../crates/ledger/migrations/0001_register.sql"),
    include_str!("../../../crates/ledger/migrations/0002_activities.sql"),
    include_str!("../../../crates/ledger/migrations/0003_volunteers.sql"),
    include_str!("../../../crates/ledger/migrations/0004_audit.sql"),
    include_str!("../../../crates/ledger/migrations/0005_operators.sql"),
    include_str!("../../../crates/ledger/migrations/0006_register_identity.sql"),
    include_str!("../../../crates/ledger/migrations/0007_audit_chain.sql"),
    include_str!("../../../crates/ledger/migrations/0008_resident_volunteers.sql"),
];

/// A register file at `path` as the release with schema `version` wrote it: migrations
/// 0001..=version (without the Rust steps of later releases), marked as ours. The connection is
/// the caller's to fill with that release's rows.
pub fn register_at_version(path: &Path, version: usize) -> rusqlite::Connection {
    let conn = rusqlite::Connection::open(path).unwrap();
    for sql in &MIGRATIONS[..version] {
        conn.execute_batch(sql).unwrap();
    }
    conn.pragma_update(None, "user_version", version as i64).unwrap();
    conn.pragma_update(None, "application_id", xinghe_ledger::store::db::APPLICATION_ID).unwrap();
    conn
}

/// A new volunteer of the register's first partner organisation, joined on `joined_on`; returns
/// their number (the one `xinghe-cli hours add --volunteer` takes).
pub fn organisation_volunteer(ledger: &mut Ledger, name: &str, joined_on: &str) -> String {
    let organisation = ledger.list_organisations().unwrap()[0].id;
    let input = xinghe_ledger::volunteers::VolunteerInput {
        organisation_id: Some(organisation),
        name: name.into(),
        joined_on: joined_on.into(),
        ..Default::default()
    };
    let id = ledger.save_volunteer(&input).unwrap();
    ledger.volunteer(id).unwrap().volunteer.number
}

/// Fails when a temporary file (`*.tmp`, an atomic write's) is left in `dir`.
pub fn assert_no_temporary_files(dir: &Path) {
    let leftovers: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().ends_with(".tmp"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}
