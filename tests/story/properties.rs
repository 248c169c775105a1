//! Properties of the import/export pair over random registers and random damage: exporting
//! and importing gives back the same people, and no file, however broken, makes it panic.

use crate::support::open;
use proptest::prelude::*;
use std::path::Path;
use xinghe_ledger::register::import::ImportOptions;
use xinghe_ledger::register::model::{
    BuildingInput, CareNeed, GridInput, HouseholdFilter, HouseholdInput, ResidentInput, UnitInput, POLITICAL_STATUSES,
    RELATIONS,
};
use xinghe_ledger::values::dates::NaiveDate;
use xinghe_ledger::values::idcard::check_character;
use xinghe_ledger::Ledger;

#[derive(Debug, Clone)]
struct Person {
    name: String,
    id_seed: Option<(u32, u32)>,
    phone: Option<String>,
    relation: usize,
    political: usize,
    care: Vec<CareNeed>,
    volunteer: bool,
    notes: String,
}

fn name() -> impl Strategy<Value = String> {
    let surname = prop::sample::select(vec!["王", "李", "曹", "司马", "欧阳", "孔"]);
    let given = prop::collection::vec(
        prop::sample::select(vec!["𠇔", "䶮", "堃", "喆", "秀", "英", "建", "国", "A", "·"]),
        1..3,
    );
    (surname, given).prop_map(|(s, g)| format!("{s}{}", g.concat()))
}

fn notes() -> impl Strategy<Value = String> {
    prop::collection::vec(
        prop::sample::select(vec!["老住户", "=1+1", "含,逗号", "含\"引号\"", "换\n行", "😀", "-5", "@x", "<b>", "'"]),
        0..3,
    )
    .prop_map(|parts| parts.concat().trim().to_string())
}

fn care() -> impl Strategy<Value = Vec<CareNeed>> {
    let need = prop_oneof![
        prop::sample::select(vec!["低保", "特困", "独居", "孤寡", "空巢"])
            .prop_map(|k| CareNeed { kind: k.into(), ..Default::default() }),
        (prop::sample::select(vec!["视力", "肢体", "精神"]), 1u8..5).prop_map(|(c, g)| CareNeed {
            kind: "残疾".into(),
            disability_category: Some(c.into()),
            disability_grade: Some(g),
            ..Default::default()
        }),
        prop::sample::select(vec!["重病", "失独家庭"]).prop_map(|l| CareNeed {
            kind: "其他".into(),
            label: Some(l.into()),
            ..Default::default()
        }),
    ];
    prop::collection::vec(need, 0..3)
}

fn person() -> impl Strategy<Value = Person> {
    (
        name(),
        prop::option::of((0u32..30_000, 0u32..500)),
        prop::option::of(prop_oneof![
            (3u64..10, 0u64..1_000_000_000).prop_map(|(b, n)| format!("1{b}{n:09}")),
            (0u32..10_000_000).prop_map(|n| format!("0731-8{n:07}")),
        ]),
        1usize..RELATIONS.len(),
        0usize..POLITICAL_STATUSES.len(),
        care(),
        any::<bool>(),
        notes(),
    )
        .prop_map(|(name, id_seed, phone, relation, political, care, volunteer, notes)| Person {
            name,
            id_seed,
            phone,
            relation,
            political,
            care,
            volunteer,
            notes,
        })
}

/// Households of 1–3 people; the first of each is the 户主.
fn register() -> impl Strategy<Value = Vec<Vec<Person>>> {
    prop::collection::vec(prop::collection::vec(person(), 1..4), 1..6)
}

fn id_number(day: u32, sequence: u32) -> String {
    let birth = NaiveDate::from_ymd_opt(1930, 1, 1).unwrap() + chrono::Duration::days(i64::from(day));
    let first17 = format!("430105{}{sequence:03}", birth.format("%Y%m%d"));
    format!("{first17}{}", check_character(first17.as_bytes()))
}

/// Writes the register through the same API the forms use.
fn build(path: &Path, households: &[Vec<Person>]) -> Ledger {
    let mut ledger = open(path);
    let grid = ledger.save_grid(&GridInput { name: "第一网格".into(), ..Default::default() }).unwrap();
    let building =
        ledger.save_building(&BuildingInput { grid_id: grid, name: "8栋".into(), ..Default::default() }).unwrap();
    let unit =
        ledger.save_unit(&UnitInput { building_id: building, name: "2单元".into(), ..Default::default() }).unwrap();
    let mut used_ids = std::collections::HashSet::new();
    for (h, people) in households.iter().enumerate() {
        let household = ledger
            .save_household(&HouseholdInput { unit_id: unit, room: format!("{}", 101 + h), ..Default::default() })
            .unwrap();
        let mut names = std::collections::HashSet::new();
        for (i, p) in people.iter().enumerate() {
            // Two people of one name, without ID numbers, at one address are one row in any
            // spreadsheet; the generator does not make them.
            if !names.insert(p.name.clone()) {
                continue;
            }
            let id_number = p.id_seed.map(|(day, seq)| id_number(day, seq)).filter(|id| used_ids.insert(id.clone()));
            let input = ResidentInput {
                household_id: household,
                name: p.name.clone(),
                id_number,
                phone: p.phone.clone(),
                relation: if i == 0 { "户主".into() } else { RELATIONS[p.relation].into() },
                political_status: Some(POLITICAL_STATUSES[p.political].into()),
                care_needs: p.care.clone(),
                is_volunteer: p.volunteer,
                notes: Some(p.notes.clone()),
                ..Default::default()
            };
            ledger.save_resident(&input).unwrap();
        }
    }
    ledger
}

/// Everything a register says about its people, in a comparable form.
fn snapshot(ledger: &Ledger) -> Vec<String> {
    let page = ledger.list_households(&HouseholdFilter { limit: Some(500), ..Default::default() }).unwrap();
    let mut people = Vec::new();
    for row in page.rows {
        let household = ledger.household(row.id).unwrap();
        for member in household.members {
            let r = ledger.resident(member.id).unwrap();
            let mut care: Vec<String> = r.care_needs.iter().map(CareNeed::display).collect();
            care.sort();
            people.push(format!(
                "{}|{}|{}|{:?}|{:?}|{:?}|{:?}|{}|{}|{:?}|{}|{:?}",
                household.grid.name,
                household.address,
                r.name,
                r.sex,
                r.id_number,
                r.birth_date,
                r.phone,
                r.relation,
                r.political_status,
                care,
                r.is_volunteer,
                r.notes
            ));
        }
    }
    people.sort();
    people
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn export_then_import_gives_back_the_same_register(households in register()) {
        let dir = tempfile::tempdir().unwrap();
        let original = build(&dir.path().join("original.db"), &households);
        let expected = snapshot(&original);
        for format in ["xlsx", "csv"] {
            let file = dir.path().join(format!("residents.{format}"));
            original.export_residents(&HouseholdFilter::default(), &file).unwrap();
            let mut copy = open(&dir.path().join(format!("copy-{format}.db")));
            let report = copy.import_file(&file, &ImportOptions::default(), &mut |_| {}).unwrap();
            prop_assert!(report.rejected.is_empty(), "{format}: {:?}", report.rejected);
            prop_assert_eq!(&snapshot(&copy), &expected, "{}", format);
        }
    }

    #[test]
    fn a_malformed_file_never_panics_and_never_writes_half(
        bytes in prop::collection::vec(any::<u8>(), 0..4096),
        extension in prop::sample::select(vec!["xlsx", "xls", "ods", "csv"]),
    ) {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join(format!("broken.{extension}"));
        std::fs::write(&file, &bytes).unwrap();
        let mut ledger = Ledger::open(&dir.path().join("r.db")).unwrap();
        let result = ledger.import_file(&file, &ImportOptions::default(), &mut |_| {});
        if result.is_err() {
            prop_assert!(ledger.is_empty().unwrap());
        }
    }

    #[test]
    fn a_damaged_workbook_never_panics(cut in 0.0f64..1.0, flips in prop::collection::vec((0.0f64..1.0, any::<u8>()), 0..8)) {
        let dir = tempfile::tempdir().unwrap();
        let source = build(&dir.path().join("s.db"), &[vec![Person {
            name: "曹𠇔".into(), id_seed: Some((100, 1)), phone: None, relation: 1, political: 0,
            care: vec![], volunteer: false, notes: "备注".into(),
        }]]);
        let file = dir.path().join("residents.xlsx");
        source.export_residents(&HouseholdFilter::default(), &file).unwrap();
        let mut bytes = std::fs::read(&file).unwrap();
        for (at, value) in flips {
            let i = (at * bytes.len() as f64) as usize % bytes.len();
            bytes[i] = value;
        }
        bytes.truncate(((cut * bytes.len() as f64) as usize).max(1));
        std::fs::write(&file, &bytes).unwrap();
        let mut ledger = Ledger::open(&dir.path().join("r.db")).unwrap();
        let result = ledger.import_file(&file, &ImportOptions::default(), &mut |_| {});
        if result.is_err() {
            prop_assert!(ledger.is_empty().unwrap());
        }
    }
}

/// Found by the round-trip property: a note typed as '-5 came back as -5 from CSV.
#[test]
fn a_note_typed_with_a_leading_apostrophe_survives_a_csv_round_trip() {
    let dir = tempfile::tempdir().unwrap();
    let typed = ["'-5", "''", "'abc", "=1+1", "-5"];
    let people: Vec<Person> = typed
        .iter()
        .enumerate()
        .map(|(i, note)| Person {
            name: format!("王{}", ["一", "二", "三", "四", "五"][i]),
            id_seed: None,
            phone: None,
            relation: 1,
            political: 0,
            care: vec![],
            volunteer: false,
            notes: note.to_string(),
        })
        .collect();
    let original = build(&dir.path().join("o.db"), &[people]);
    let file = dir.path().join("r.csv");
    original.export_residents(&HouseholdFilter::default(), &file).unwrap();
    let mut copy = Ledger::open(&dir.path().join("c.db")).unwrap();
    copy.import_file(&file, &ImportOptions::default(), &mut |_| {}).unwrap();
    assert_eq!(snapshot(&copy), snapshot(&original));
}
