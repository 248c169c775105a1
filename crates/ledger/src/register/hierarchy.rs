//! The community's places — 网格 → 楼栋 → 单元 — and their heads (三长制).

use crate::access::audit::{self, Change};
use crate::error::{Error, Result};
use crate::ledger::Ledger;
use crate::register::model::{
    BuildingInput, BuildingNode, GridInput, GridNode, Head, HeadInput, Hierarchy, UnitInput, UnitNode,
};
use crate::values::phone::{mask_phone, Phone};
use crate::values::text::non_blank;
use rusqlite::types::Value;
use rusqlite::{params_from_iter, Connection, OptionalExtension, Row};

/// Columns that every place table shares, read into a `Head`.
const HEAD_COLUMNS: &str = "t.head_resident_id, hr.name, hr.phone, t.head_name, t.head_phone";

pub(crate) fn head_from_row(row: &Row, first: usize) -> rusqlite::Result<Option<Head>> {
    let resident_id: Option<i64> = row.get(first)?;
    let resident_name: Option<String> = row.get(first + 1)?;
    let resident_phone: Option<String> = row.get(first + 2)?;
    let staff_name: Option<String> = row.get(first + 3)?;
    let staff_phone: Option<String> = row.get(first + 4)?;
    Ok(match (resident_id, resident_name, staff_name) {
        (Some(id), Some(name), _) => {
            Some(Head { resident_id: Some(id), name, phone_masked: resident_phone.as_deref().map(mask_phone) })
        }
        (_, _, Some(name)) => {
            Some(Head { resident_id: None, name, phone_masked: staff_phone.as_deref().map(mask_phone) })
        }
        _ => None,
    })
}

/// Validated head columns: (resident id, staff name, staff phone).
type HeadColumns = (Option<i64>, Option<String>, Option<String>);

fn validate_head(conn: &Connection, head: &HeadInput) -> Result<HeadColumns> {
    if let Some(id) = head.head_resident_id {
        let exists: bool =
            conn.query_row("SELECT EXISTS(SELECT 1 FROM residents WHERE id = ?1)", [id], |r| r.get(0))?;
        if !exists {
            return Err(Error::NotFound { what: "负责人（居民）", id });
        }
        return Ok((Some(id), None, None));
    }
    let phone = match non_blank(head.head_phone.as_deref()) {
        Some(text) => {
            Some(Phone::parse(&text).map_err(|e| Error::invalid("head_phone", e.to_string()))?.as_str().to_string())
        }
        None => None,
    };
    Ok((None, non_blank(head.head_name.as_deref()), phone))
}

/// What differs between the three kinds of place when saving one.
struct PlaceKind {
    table: &'static str,
    what: &'static str,
    /// The parent's column and its name for messages (grids have no parent).
    parent: Option<(&'static str, &'static str)>,
}

const GRID: PlaceKind = PlaceKind { table: "grids", what: "网格", parent: None };
const BUILDING: PlaceKind = PlaceKind { table: "buildings", what: "楼栋", parent: Some(("grid_id", "网格")) };
const UNIT: PlaceKind = PlaceKind { table: "units", what: "单元", parent: Some(("building_id", "楼栋")) };

impl Ledger {
    pub fn save_grid(&mut self, input: &GridInput) -> Result<i64> {
        self.save_place(&GRID, input.id, None, &input.name, &input.head)
    }

    pub fn save_building(&mut self, input: &BuildingInput) -> Result<i64> {
        self.save_place(&BUILDING, input.id, Some(input.grid_id), &input.name, &input.head)
    }

    pub fn save_unit(&mut self, input: &UnitInput) -> Result<i64> {
        self.save_place(&UNIT, input.id, Some(input.building_id), &input.name, &input.head)
    }

    /// Creates (no id) or updates one place with its head.
    fn save_place(
        &mut self,
        kind: &PlaceKind,
        id: Option<i64>,
        parent_id: Option<i64>,
        name: &str,
        head: &HeadInput,
    ) -> Result<i64> {
        let name = non_blank(Some(name)).ok_or_else(|| Error::invalid("name", format!("请填写{}名称", kind.what)))?;
        let (rid, hname, hphone) = validate_head(&self.conn, head)?;
        let table = kind.table;
        let mut columns = vec!["name", "head_resident_id", "head_name", "head_phone"];
        let mut values: Vec<Value> = vec![name.clone().into(), rid.into(), hname.into(), hphone.into()];
        if let Some((column, _)) = kind.parent {
            columns.push(column);
            values.push(parent_id.into());
        }
        let actor = self.actor();
        let tx = self.conn.transaction()?;
        let before = match id {
            Some(id) => audit::row_json(&tx, table, id)?,
            None => None,
        };
        let result = match id {
            Some(id) => {
                let sets: Vec<String> = columns.iter().enumerate().map(|(i, c)| format!("{c} = ?{}", i + 1)).collect();
                values.push(id.into());
                let sql = format!("UPDATE {table} SET {} WHERE id = ?{}", sets.join(", "), values.len());
                tx.execute(&sql, params_from_iter(values)).map(|n| (n, id))
            }
            None => {
                let marks: Vec<String> = (1..=columns.len()).map(|i| format!("?{i}")).collect();
                let sql = format!("INSERT INTO {table}({}) VALUES ({})", columns.join(", "), marks.join(", "));
                tx.execute(&sql, params_from_iter(values)).map(|n| (n, tx.last_insert_rowid()))
            }
        };
        let (updated, id) = result.map_err(|e| match e {
            rusqlite::Error::SqliteFailure(f, _) if f.extended_code == rusqlite::ffi::SQLITE_CONSTRAINT_FOREIGNKEY => {
                let (_, parent_what) = kind.parent.unwrap_or(("", "上级"));
                Error::NotFound { what: parent_what, id: parent_id.unwrap_or_default() }
            }
            rusqlite::Error::SqliteFailure(f, _) if f.extended_code == rusqlite::ffi::SQLITE_CONSTRAINT_UNIQUE => {
                Error::Conflict(format!("{}“{name}”已存在", kind.what))
            }
            other => other.into(),
        })?;
        if updated == 0 {
            return Err(Error::NotFound { what: kind.what, id });
        }
        let action = audit::save_action(&before);
        let change = Change::new(action, kind.what, Some(id), format!("{action}{}“{name}”", kind.what));
        audit::record(&tx, &actor, change.before(before).after(audit::row_json(&tx, table, id)?))?;
        tx.commit()?;
        self.changed();
        Ok(id)
    }

    /// The id of the grid with this name; the message lists the grids there are.
    pub fn grid_id_by_name(&self, name: &str) -> Result<i64> {
        let name = name.trim();
        let id = self.conn.query_row("SELECT id FROM grids WHERE name = ?1", [name], |r| r.get(0)).optional()?;
        if let Some(id) = id {
            return Ok(id);
        }
        let mut stmt = self.conn.prepare("SELECT name FROM grids ORDER BY id")?;
        let names: Vec<String> = stmt.query_map([], |r| r.get(0))?.collect::<rusqlite::Result<_>>()?;
        Err(Error::invalid("grid", format!("没有名为“{name}”的网格（现有：{}）", names.join("、"))))
    }

    /// The whole tree, in natural order (2栋 before 10栋).
    pub fn hierarchy(&self) -> Result<Hierarchy> {
        let community_name = self.community_name()?.unwrap_or_default();
        let mut grids: Vec<GridNode> = self.query_places("grids t", "", "ORDER BY t.id", |row, head| {
            Ok(GridNode { id: row.get(0)?, name: row.get(1)?, head, buildings: vec![] })
        })?;
        let buildings: Vec<BuildingNode> = self.query_places(
            "buildings t",
            ", t.grid_id",
            "ORDER BY CAST(t.name AS INTEGER), t.name",
            |row, head| {
                Ok(BuildingNode { id: row.get(0)?, name: row.get(1)?, grid_id: row.get(7)?, head, units: vec![] })
            },
        )?;
        let units: Vec<UnitNode> = self.query_places(
            "units t",
            ", t.building_id",
            "ORDER BY CAST(t.name AS INTEGER), t.name",
            |row, head| Ok(UnitNode { id: row.get(0)?, name: row.get(1)?, building_id: row.get(7)?, head }),
        )?;
        let mut buildings = buildings;
        for unit in units {
            if let Some(b) = buildings.iter_mut().find(|b| b.id == unit.building_id) {
                b.units.push(unit);
            }
        }
        for building in buildings {
            if let Some(g) = grids.iter_mut().find(|g| g.id == building.grid_id) {
                g.buildings.push(building);
            }
        }
        Ok(Hierarchy { community_name, grids })
    }

    fn query_places<T>(
        &self,
        table: &str,
        extra: &str,
        order: &str,
        map: impl Fn(&Row, Option<Head>) -> rusqlite::Result<T>,
    ) -> Result<Vec<T>> {
        let sql = format!(
            "SELECT t.id, t.name, {HEAD_COLUMNS}{extra} FROM {table}
             LEFT JOIN residents hr ON hr.id = t.head_resident_id {order}"
        );
        let mut stmt = self.conn.prepare(&sql)?;
        let rows = stmt.query_map([], |row| {
            let head = head_from_row(row, 2)?;
            map(row, head)
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }
}
