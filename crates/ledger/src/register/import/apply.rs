//! Writing parsed rows inside the import's transaction: places and households are found or
//! created by address, people already registered are matched (ID number, else name at the
//! address) and updated field by field — a blank cell never erases what is stored.

use super::rows::{Address, ParsedRow};
use super::{ImportReport, Issue, Progress};
use crate::error::{Error, Result};
use crate::ledger::{Ledger, CURRENT};
use crate::register::model::{ResidentInput, ValidResident, HEAD_RELATION};
use crate::register::residents::{care_needs_of, write_resident};
use crate::values::idcard::{IdNumber, Sex};
use crate::values::phone::Phone;
use chrono::NaiveDate;
use rusqlite::{params, Connection, OptionalExtension, ToSql};
use std::collections::HashMap;

const UNASSIGNED_GRID: &str = "未分网格";
const PROGRESS_EVERY: u32 = 200;

/// Ids of places already resolved in this import, so each is looked up once.
#[derive(Default)]
struct Places {
    grids: HashMap<String, i64>,
    buildings: HashMap<String, i64>,
    units: HashMap<(i64, String), i64>,
    households: HashMap<(i64, String), i64>,
}

fn field_column(field: &str) -> super::columns::Field {
    use super::columns::Field;
    match field {
        "sex" => Field::Sex,
        "id_number" => Field::IdNumber,
        "birth_date" => Field::BirthDate,
        "phone" => Field::Phone,
        "relation" => Field::Relation,
        "care_needs" => Field::CareNeeds,
        "notes" => Field::Notes,
        _ => Field::Name,
    }
}

pub(super) fn write(
    conn: &Connection,
    rows: Vec<ParsedRow>,
    today: NaiveDate,
    report: &mut ImportReport,
    progress: &mut dyn FnMut(Progress),
) -> Result<()> {
    let now = Ledger::now_text();
    let total = rows.len() as u32;
    let mut places = Places::default();
    let columns = report.columns.clone();
    let header = |field: &str| {
        let field = field_column(field);
        columns
            .iter()
            .find(|c| c.field == Some(field))
            .map(|c| c.header.clone())
            .unwrap_or_else(|| field.label().into())
    };
    let mut rejected = Vec::new();
    for (done, mut row) in rows.into_iter().enumerate() {
        if (done as u32).is_multiple_of(PROGRESS_EVERY) {
            progress(Progress { done: done as u32, total });
        }
        report.warnings.append(&mut row.warnings);
        // A new person with no relation is recorded as 其他; for a matched person a blank
        // relation keeps the stored one (merge reads `row.resident`, which stays blank).
        let validated = if row.resident.relation.is_empty() {
            ResidentInput { relation: "其他".into(), ..row.resident.clone() }.validate(today)
        } else {
            row.resident.validate(today)
        };
        let refused = |fields: Vec<crate::error::FieldError>| -> Vec<Issue> {
            let issue = |f: crate::error::FieldError| Issue {
                row: row.row,
                column: header(f.field),
                kind: "invalid",
                reason: f.message,
            };
            fields.into_iter().map(issue).collect()
        };
        let valid = match validated {
            Ok(valid) => valid,
            Err(Error::Invalid(fields)) => {
                rejected.extend(refused(fields));
                continue;
            }
            Err(other) => return Err(other),
        };
        // Every check that can refuse a new person runs before the row's first write.
        let registered = registered_by_id(conn, &valid)?;
        if let Some((_, Some(died_on))) = &registered {
            let reason = format!("该身份证号登记的居民已于 {died_on} 去世，请核对后在程序中处理");
            rejected.push(Issue { row: row.row, column: header("id_number"), kind: "invalid", reason });
            continue;
        }
        let households_before = report.households_created;
        let mut writes = RowWrites::begin(conn);
        // Updating a registered person can still be refused after writing (their stored 户主
        // moving into a household that has one), so those rows write inside a SAVEPOINT.
        if registered.is_some() {
            writes.protect(conn)?;
        }
        let household = household_for(conn, &mut places, &row.address, row.row, report, &now)?;
        let matched = match registered {
            Some((id, _)) => Some(id),
            None => namesake(conn, household, &valid)?,
        };
        if matched.is_some() {
            // A namesake lives in a household that already existed, so nothing is written yet.
            writes.protect(conn)?;
        }
        let refusal = match write_row(conn, &row, valid, Target { household, matched }, today, &now, report) {
            Ok(()) => None,
            Err(Error::Invalid(fields)) => Some(refused(fields)),
            Err(Error::Refused(reason)) => {
                Some(vec![Issue { row: row.row, column: header("id_number"), kind: "invalid", reason }])
            }
            Err(other) => return Err(other),
        };
        match refusal {
            None => writes.keep(conn)?,
            Some(issues) => {
                if writes.undo(conn)? == Undone::Partly {
                    let reasons = issues.iter().map(|i| i.reason.as_str()).collect::<Vec<_>>().join("；");
                    return Err(Error::Conflict(format!(
                        "第 {} 行写入到一半时被拒绝（{reasons}）。为不留下半行数据，本次导入没有写入任何内容，\
                         请改正这一行后重新导入",
                        row.row
                    )));
                }
                report.households_created = households_before;
                // Ids created inside the rolled-back savepoint no longer exist.
                places = Places::default();
                rejected.extend(issues);
            }
        }
    }
    progress(Progress { done: total, total });
    report.rejected.append(&mut rejected);
    Ok(())
}

/// How much of a refused row's writes could be taken back.
#[derive(Debug, PartialEq, Eq)]
enum Undone {
    Completely,
    /// Something was written outside the row's SAVEPOINT: only the whole import can be undone.
    Partly,
}

/// The writes of one row, all of which a refusal must take back. A SAVEPOINT is opened only
/// for rows that may be refused after writing: on every row it took as long as the writing
/// itself (SQLite copies each page a row changes into the statement journal first).
struct RowWrites {
    /// `total_changes()` when the row began, and when its SAVEPOINT was opened.
    began: u64,
    savepoint: Option<u64>,
}

impl RowWrites {
    fn begin(conn: &Connection) -> Self {
        RowWrites { began: conn.total_changes(), savepoint: None }
    }

    /// From here on the row's writes can be rolled back on their own.
    fn protect(&mut self, conn: &Connection) -> Result<()> {
        if self.savepoint.is_none() {
            conn.execute_batch("SAVEPOINT import_row")?;
            self.savepoint = Some(conn.total_changes());
        }
        Ok(())
    }

    fn keep(self, conn: &Connection) -> Result<()> {
        if self.savepoint.is_some() {
            conn.execute_batch("RELEASE import_row")?;
        }
        Ok(())
    }

    fn undo(self, conn: &Connection) -> Result<Undone> {
        let unprotected_until = match self.savepoint {
            Some(opened) => {
                conn.execute_batch("ROLLBACK TO import_row; RELEASE import_row")?;
                opened
            }
            None => conn.total_changes(),
        };
        Ok(if unprotected_until == self.began { Undone::Completely } else { Undone::Partly })
    }
}

fn household_for(
    conn: &Connection,
    places: &mut Places,
    address: &Address,
    row: u32,
    report: &mut ImportReport,
    now: &str,
) -> Result<i64> {
    let building = match places.buildings.get(&address.building) {
        Some(id) => *id,
        None => {
            let existing: Option<(i64, String)> = conn
                .query_row(
                    "SELECT b.id, g.name FROM buildings b JOIN grids g ON g.id = b.grid_id WHERE b.name = ?1",
                    [&address.building],
                    |r| Ok((r.get(0)?, r.get(1)?)),
                )
                .optional()?;
            let id = match existing {
                Some((id, grid_name)) => {
                    if let Some(wanted) = address.grid.as_ref().filter(|g| **g != grid_name) {
                        report.warnings.push(Issue {
                            row,
                            column: "网格".into(),
                            kind: "warning",
                            reason: format!(
                                "{} 已登记在{grid_name}，文件中写的是{wanted}，按已登记的网格导入",
                                address.building
                            ),
                        });
                    }
                    id
                }
                None => {
                    let grid_name = address.grid.clone().unwrap_or_else(|| {
                        report.warnings.push(Issue {
                            row,
                            column: "网格".into(),
                            kind: "warning",
                            reason: format!(
                                "{} 没有写网格，已放入“{UNASSIGNED_GRID}”，可在设置中调整",
                                address.building
                            ),
                        });
                        UNASSIGNED_GRID.to_string()
                    });
                    let grid = grid_id(conn, places, &grid_name)?;
                    conn.execute(
                        "INSERT INTO buildings(grid_id, name) VALUES (?1, ?2)",
                        params![grid, address.building],
                    )?;
                    conn.last_insert_rowid()
                }
            };
            places.buildings.insert(address.building.clone(), id);
            id
        }
    };
    let unit_key = (building, address.unit.clone());
    let unit = match places.units.get(&unit_key) {
        Some(id) => *id,
        None => {
            let values = params![building, address.unit];
            let (id, _) = find_or_insert(
                conn,
                ("SELECT id FROM units WHERE building_id = ?1 AND name = ?2", values),
                ("INSERT INTO units(building_id, name) VALUES (?1, ?2)", values),
            )?;
            places.units.insert(unit_key, id);
            id
        }
    };
    let household_key = (unit, address.room.clone());
    if let Some(id) = places.households.get(&household_key) {
        return Ok(*id);
    }
    let (id, created) = find_or_insert(
        conn,
        (
            "SELECT id FROM households WHERE unit_id = ?1 AND room = ?2 AND moved_out_on IS NULL",
            params![unit, address.room],
        ),
        (
            "INSERT INTO households(unit_id, room, created_at, updated_at) VALUES (?1, ?2, ?3, ?3)",
            params![unit, address.room, now],
        ),
    )?;
    if created {
        report.households_created += 1;
    }
    places.households.insert(household_key, id);
    Ok(id)
}

fn grid_id(conn: &Connection, places: &mut Places, name: &str) -> Result<i64> {
    if let Some(id) = places.grids.get(name) {
        return Ok(*id);
    }
    let find = ("SELECT id FROM grids WHERE name = ?1", params![name]);
    let (id, _) = find_or_insert(conn, find, ("INSERT INTO grids(name) VALUES (?1)", params![name]))?;
    places.grids.insert(name.to_string(), id);
    Ok(id)
}

/// The id of the row `find` selects, or of the row `insert` creates (then `true`).
fn find_or_insert(
    conn: &Connection,
    (find, find_values): (&str, &[&dyn ToSql]),
    (insert, insert_values): (&str, &[&dyn ToSql]),
) -> Result<(i64, bool)> {
    let found: Option<i64> = conn.prepare_cached(find)?.query_row(find_values, |r| r.get(0)).optional()?;
    if let Some(id) = found {
        return Ok((id, false));
    }
    conn.prepare_cached(insert)?.execute(insert_values)?;
    Ok((conn.last_insert_rowid(), true))
}

/// A stored resident as a validated value, to merge the file's values into.
fn stored_resident(conn: &Connection, id: i64, today: NaiveDate) -> Result<(ValidResident, i64)> {
    let (household, name, sex, id_number, birth, phone, relation, political, volunteer, notes) = conn
        .prepare_cached(
            "SELECT household_id, name, sex, id_number, birth_date, phone, relation, political_status, is_volunteer,
             notes FROM residents WHERE id = ?1",
        )?
        .query_row([id], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, Option<String>>(2)?,
                r.get::<_, Option<String>>(3)?,
                r.get::<_, Option<String>>(4)?,
                r.get::<_, Option<String>>(5)?,
                r.get::<_, String>(6)?,
                r.get::<_, String>(7)?,
                r.get::<_, bool>(8)?,
                r.get::<_, String>(9)?,
            ))
        })?;
    let valid = ValidResident {
        name,
        sex: sex.as_deref().and_then(Sex::from_label),
        id_number: id_number.and_then(|n| IdNumber::parse(&n, today).ok()),
        birth_date: birth.and_then(|b| NaiveDate::parse_from_str(&b, "%Y-%m-%d").ok()),
        phone: phone.and_then(|p| Phone::parse(&p).ok()),
        relation,
        political_status: political,
        care_needs: care_needs_of(conn, id)?,
        is_volunteer: volunteer,
        notes,
    };
    Ok((valid, household))
}

/// The stored values with every field the file provides laid over them; never erases.
fn merge(stored: &ValidResident, incoming: ValidResident, provided: &ResidentInput) -> ValidResident {
    let mut care_needs = stored.care_needs.clone();
    for need in incoming.care_needs {
        match care_needs.iter_mut().find(|n| n.kind == need.kind && n.label == need.label) {
            Some(existing) => {
                existing.disability_category = need.disability_category.or(existing.disability_category.take());
                existing.disability_grade = need.disability_grade.or(existing.disability_grade);
            }
            None => care_needs.push(need),
        }
    }
    ValidResident {
        name: incoming.name,
        sex: incoming.sex.or(stored.sex),
        id_number: incoming.id_number.or_else(|| stored.id_number.clone()),
        birth_date: incoming.birth_date.or(stored.birth_date),
        phone: incoming.phone.or_else(|| stored.phone.clone()),
        relation: if provided.relation.is_empty() { stored.relation.clone() } else { incoming.relation },
        political_status: if provided.political_status.is_some() {
            incoming.political_status
        } else {
            stored.political_status.clone()
        },
        care_needs,
        is_volunteer: stored.is_volunteer || incoming.is_volunteer,
        notes: if provided.notes.is_some() { incoming.notes } else { stored.notes.clone() },
    }
}

/// The registered person holding the row's ID number: (id, the date of death if recorded).
fn registered_by_id(conn: &Connection, valid: &ValidResident) -> Result<Option<(i64, Option<String>)>> {
    let Some(id) = &valid.id_number else { return Ok(None) };
    let mut find = conn.prepare_cached("SELECT id, died_on FROM residents WHERE id_number = ?1")?;
    Ok(find.query_row([id.as_str()], |r| Ok((r.get(0)?, r.get(1)?))).optional()?)
}

/// Name + address identifies a person only where an ID number cannot: the row has none, or
/// the registered namesake has none. Two ID numbers that differ are two people.
fn namesake(conn: &Connection, household: i64, valid: &ValidResident) -> Result<Option<i64>> {
    let mut find = conn.prepare_cached(&format!(
        "SELECT r.id FROM residents r WHERE r.household_id = ?1 AND r.name = ?2 AND {CURRENT}
         AND (?3 IS NULL OR r.id_number IS NULL) ORDER BY r.id LIMIT 1"
    ))?;
    let values = params![household, valid.name, valid.id_number.as_ref().map(|i| i.as_str())];
    Ok(find.query_row(values, |r| r.get(0)).optional()?)
}

/// Where a row goes: its household, and the registered person it updates (`None`: a new one).
struct Target {
    household: i64,
    matched: Option<i64>,
}

fn write_row(
    conn: &Connection,
    row: &ParsedRow,
    mut valid: ValidResident,
    Target { household, matched }: Target,
    today: NaiveDate,
    now: &str,
    report: &mut ImportReport,
) -> Result<()> {
    if valid.relation == HEAD_RELATION {
        let head: Option<i64> = conn
            .prepare_cached(&format!(
                "SELECT r.id FROM residents r WHERE r.household_id = ?1 AND r.relation = '{HEAD_RELATION}' AND {CURRENT}"
            ))?
            .query_row([household], |r| r.get(0))
            .optional()?;
        if head.is_some_and(|h| Some(h) != matched) {
            report.warnings.push(Issue {
                row: row.row,
                column: "与户主关系".into(),
                kind: "warning",
                reason: format!("{} 所在的户已有户主，本行的关系改记为“其他”", valid.name),
            });
            valid.relation = "其他".into();
        }
    }
    let Some(id) = matched else {
        write_resident(conn, None, household, &valid, today, now)?;
        report.residents_created += 1;
        return Ok(());
    };
    let (stored, stored_household) = stored_resident(conn, id, today)?;
    let merged = merge(&stored, valid, &row.resident);
    let moved_back: bool = conn
        .prepare_cached("SELECT moved_out_on IS NOT NULL FROM residents WHERE id = ?1")?
        .query_row([id], |r| r.get(0))?;
    if merged == stored && stored_household == household && !moved_back {
        report.residents_unchanged += 1;
        return Ok(());
    }
    write_resident(conn, Some(id), household, &merged, today, now)?;
    if moved_back {
        conn.execute("UPDATE residents SET moved_out_on = NULL WHERE id = ?1", [id])?;
        report.warnings.push(Issue {
            row: row.row,
            column: "姓名".into(),
            kind: "warning",
            reason: format!("{} 原登记为已迁出，按导入文件恢复为在册", merged.name),
        });
    }
    report.residents_updated += 1;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::register::model::CareNeed;

    fn person(name: &str) -> ValidResident {
        ValidResident {
            name: name.into(),
            sex: None,
            id_number: None,
            birth_date: None,
            phone: None,
            relation: "户主".into(),
            political_status: "群众".into(),
            care_needs: vec![],
            is_volunteer: false,
            notes: "老住户".into(),
        }
    }

    #[test]
    fn a_blank_cell_never_erases() {
        let stored = ValidResident { phone: Phone::parse("13812345678").ok(), ..person("张三") };
        let incoming = person("张三");
        let provided = ResidentInput { name: "张三".into(), ..Default::default() };
        let merged =
            merge(&stored, ValidResident { notes: String::new(), relation: "其他".into(), ..incoming }, &provided);
        assert_eq!(merged.phone, stored.phone);
        assert_eq!(merged.notes, "老住户");
        assert_eq!(merged.relation, "户主");
    }

    #[test]
    fn only_writes_inside_the_savepoint_can_be_taken_back() {
        let conn = Connection::open_in_memory().unwrap();
        conn.execute_batch("CREATE TABLE t(x)").unwrap();
        let count = || conn.query_row("SELECT count(*) FROM t", [], |r| r.get::<_, i64>(0)).unwrap();
        assert_eq!(RowWrites::begin(&conn).undo(&conn).unwrap(), Undone::Completely, "nothing written");
        let mut writes = RowWrites::begin(&conn);
        writes.protect(&conn).unwrap();
        conn.execute("INSERT INTO t VALUES (1)", []).unwrap();
        assert_eq!(writes.undo(&conn).unwrap(), Undone::Completely);
        assert_eq!(count(), 0);
        let mut writes = RowWrites::begin(&conn);
        conn.execute("INSERT INTO t VALUES (2)", []).unwrap();
        writes.protect(&conn).unwrap();
        assert_eq!(writes.undo(&conn).unwrap(), Undone::Partly, "a write before the savepoint stays");
    }

    /// The one refusal that can come after a row began writing: a registered 户主, re-imported
    /// without a relation column, moving into a household that has its own.
    #[test]
    fn a_registered_head_moving_into_a_headed_household_is_refused_untouched() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("a.csv");
        let mut ledger = Ledger::open_in_memory().unwrap();
        let mut import = |text: &str| {
            std::fs::write(&file, text).unwrap();
            ledger.import_file(&file, &super::super::ImportOptions::default(), &mut |_| {}).unwrap()
        };
        import(
            "姓名,身份证号,地址,关系\n孔喆,430105196401060595,1栋1单元101,户主\n\
             王芳,430105197204082036,1栋1单元102,户主\n",
        );
        let report = import("姓名,身份证号,地址,手机\n孔喆,430105196401060595,1栋1单元102,13900000001\n");
        assert_eq!(report.rejected.iter().map(|i| (i.row, i.kind)).collect::<Vec<_>>(), [(2, "invalid")]);
        assert!(report.rejected[0].reason.contains("已有户主"), "{:?}", report.rejected);
        assert_eq!(report.residents_updated, 0);
        let hit = &ledger.search("孔喆").unwrap()[0];
        assert_eq!(hit.relation, "户主");
        assert_eq!(ledger.resident(hit.id).unwrap().phone, None);
    }

    #[test]
    fn care_needs_are_added_not_replaced() {
        let stored = ValidResident {
            care_needs: vec![CareNeed { kind: "低保".into(), ..Default::default() }],
            ..person("李四")
        };
        let incoming = ValidResident {
            care_needs: vec![CareNeed { kind: "独居".into(), ..Default::default() }],
            ..person("李四")
        };
        let merged = merge(&stored, incoming, &ResidentInput::default());
        assert_eq!(merged.care_needs.len(), 2);
    }
}
