//! Backdating a volunteer's joining date in story tests: a resident ticked 志愿者 joins on the
//! day of the tick, and hours before joining are refused.

use xinghe_ledger::volunteers::VolunteerInput;
use xinghe_ledger::Ledger;

/// These have served since January, as the office records in the volunteer form.
pub fn joined_in_january(ledger: &mut Ledger, volunteer_id: i64) {
    let row = ledger.volunteer(volunteer_id).unwrap().volunteer;
    let input = VolunteerInput {
        id: Some(row.id),
        resident_id: row.resident_id,
        organisation_id: row.organisation_id,
        line: row.line,
        skills: row.skills,
        joined_on: "2026-01-01".into(),
        ..Default::default()
    };
    ledger.save_volunteer(&input).unwrap();
}
