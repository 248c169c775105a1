//! Exports for Excel: the residents and households of a household filter as .xlsx or .csv, and
//! the rows an import rejected. The formats are xinghe_formats::workbook's; here is what goes
//! into them. crate::store::output writes each file whole or not at all.

use crate::error::Result;
use crate::ledger::{Ledger, CURRENT};
use crate::register::households::{format_address, HOUSEHOLD_ORDER};
use crate::register::model::{CareNeed, HouseholdFilter, GRADE_LABELS, HEAD_RELATION, OTHER_CARE_KIND};
use crate::register::residents::care_needs_of;
use crate::register::residents::MEMBER_ORDER;

use crate::store::output::save_table;
use rusqlite::params_from_iter;
use std::path::Path;
use xinghe_formats::workbook::{Cell, ExportFormat, Table};

/// Headers of the residents sheet, in order. The importer recognises exactly these, so that
/// importing an export gives back the same data.
pub const RESIDENT_HEADERS: [&str; 16] = [
    "姓名",
    "性别",
    "身份证号",
    "出生日期",
    "联系电话",
    "网格",
    "楼栋",
    "单元",
    "房号",
    "与户主关系",
    "政治面貌",
    "特殊人群",
    "残疾类别",
    "残疾等级",
    "志愿者",
    "备注",
];
pub const HOUSEHOLD_HEADERS: [&str; 10] =
    ["网格", "楼栋", "单元", "房号", "地址", "户主", "人数", "联系电话", "备注", "迁出日期"];
/// Joins several care needs in one 特殊人群 cell, as offices write lists.
pub const CARE_SEPARATOR: &str = "、";
/// The 志愿者 cell of a volunteer; others leave it empty.
pub const VOLUNTEER_MARK: &str = "是";

const RESIDENTS_SHEET: &str = "居民";
const HOUSEHOLDS_SHEET: &str = "住户";
const REJECTED_SHEET: &str = "未导入";
const DISABILITY_KIND: &str = "残疾";
const PLACES: &str = "households h JOIN units u ON u.id = h.unit_id JOIN buildings b ON b.id = u.building_id
     JOIN grids g ON g.id = b.grid_id";

/// A row an import could not take, with its row number in the imported file and the reason.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct RejectedRow {
    pub cells: Vec<String>,
    pub reason: String,
    pub row_number: u32,
}

impl Ledger {
    /// Every current resident of the households `filter` matches — the household list's own
    /// filter, so a filtered list exports exactly what it shows — in address order, 户主 first
    /// in each household. Paging (`offset`, `limit`) is ignored: the file holds every matching
    /// row. Returns the number of residents written.
    pub fn export_residents(&self, filter: &HouseholdFilter, out: &Path) -> Result<usize> {
        let format = ExportFormat::from_path(out)?;
        let table = Table::new(RESIDENTS_SHEET, &RESIDENT_HEADERS, self.resident_rows(filter)?);
        let summary = format!("导出居民 {} 人（完整身份证号和电话）到 {}", table.rows.len(), out.display());
        self.authorize_unmasked(&summary, "居民", None)?;
        save_table(&table, out, format)?;
        Ok(table.rows.len())
    }

    /// Every household `filter` matches, in the household list's order (paging ignored).
    /// Returns the number of households written.
    pub fn export_households(&self, filter: &HouseholdFilter, out: &Path) -> Result<usize> {
        let format = ExportFormat::from_path(out)?;
        let table = Table::new(HOUSEHOLDS_SHEET, &HOUSEHOLD_HEADERS, self.household_rows(filter)?);
        let summary = format!("导出住户 {} 户（完整电话）到 {}", table.rows.len(), out.display());
        self.authorize_unmasked(&summary, "住户", None)?;
        save_table(&table, out, format)?;
        Ok(table.rows.len())
    }

    fn resident_rows(&self, filter: &HouseholdFilter) -> Result<Vec<Vec<Cell>>> {
        let (where_sql, values) = self.household_conditions(filter);
        // h.id keeps a household's members together when a moved-out household shares its address.
        let mut stmt = self.conn.prepare(&format!(
            "SELECT r.id, r.name, r.sex, r.id_number, r.birth_date, r.phone, g.name, b.name, u.name, h.room,
                    r.relation, r.political_status, r.is_volunteer, r.notes
             FROM {PLACES} JOIN residents r ON r.household_id = h.id
             WHERE ({where_sql}) AND {CURRENT}
             ORDER BY {HOUSEHOLD_ORDER}, {MEMBER_ORDER}"
        ))?;
        let mut query = stmt.query(params_from_iter(values.iter()))?;
        let mut rows = Vec::new();
        while let Some(r) = query.next()? {
            let needs = care_needs_of(&self.conn, r.get(0)?)?;
            let disability = needs.iter().find(|n| n.kind == DISABILITY_KIND);
            let is_volunteer: bool = r.get(12)?;
            rows.push(vec![
                Cell::Text(r.get(1)?),
                Cell::text(r.get(2)?),
                Cell::text(r.get(3)?),
                Cell::date(r.get(4)?),
                Cell::text(r.get(5)?),
                Cell::Text(r.get(6)?),
                Cell::Text(r.get(7)?),
                Cell::Text(r.get(8)?),
                Cell::Text(r.get(9)?),
                Cell::Text(r.get(10)?),
                Cell::Text(r.get(11)?),
                Cell::Text(care_cell(&needs)),
                Cell::text(disability.and_then(|n| n.disability_category.clone())),
                Cell::text(disability.and_then(|n| grade_label(n.disability_grade)).map(str::to_string)),
                Cell::Text(if is_volunteer { VOLUNTEER_MARK } else { "" }.to_string()),
                Cell::Text(r.get(13)?),
            ]);
        }
        Ok(rows)
    }

    fn household_rows(&self, filter: &HouseholdFilter) -> Result<Vec<Vec<Cell>>> {
        let (where_sql, values) = self.household_conditions(filter);
        let mut stmt = self.conn.prepare(&format!(
            "SELECT g.name, b.name, u.name, h.room,
               (SELECT r.name FROM residents r WHERE r.household_id = h.id AND r.relation = '{HEAD_RELATION}' AND {CURRENT}),
               (SELECT count(*) FROM residents r WHERE r.household_id = h.id AND {CURRENT}),
               h.phone, h.notes, h.moved_out_on
             FROM {PLACES} WHERE {where_sql} ORDER BY {HOUSEHOLD_ORDER}"
        ))?;
        let rows = stmt.query_map(params_from_iter(values.iter()), |r| {
            let (building, unit, room): (String, String, String) = (r.get(1)?, r.get(2)?, r.get(3)?);
            let address = format_address(&building, &unit, &room);
            Ok(vec![
                Cell::Text(r.get(0)?),
                Cell::Text(building),
                Cell::Text(unit),
                Cell::Text(room),
                Cell::Text(address),
                Cell::text(r.get(4)?),
                Cell::Count(r.get(5)?),
                Cell::text(r.get(6)?),
                Cell::Text(r.get(7)?),
                Cell::date(r.get(8)?),
            ])
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }
}

/// Writes the rows an import rejected — the imported file's headers, then 行号 and 原因 — with
/// every cell as text, so the office can correct them in Excel and import that file again.
/// `out` should be .xlsx; .csv is accepted too.
pub fn write_rejected_rows(out: &Path, headers: &[String], rows: &[RejectedRow]) -> Result<()> {
    let format = ExportFormat::from_path(out)?;
    // A row longer than the header line keeps its extra cells, under blank headers.
    let width = rows.iter().map(|r| r.cells.len()).chain([headers.len()]).max().unwrap_or(0);
    let mut all_headers = headers.to_vec();
    all_headers.resize(width, String::new());
    all_headers.extend(["行号".to_string(), "原因".to_string()]);
    let rows = rows
        .iter()
        .map(|row| {
            let mut cells: Vec<Cell> = row.cells.iter().cloned().map(Cell::Text).collect();
            cells.resize(width, Cell::Text(String::new()));
            cells.push(Cell::Text(row.row_number.to_string()));
            cells.push(Cell::Text(row.reason.clone()));
            cells
        })
        .collect();
    save_table(&Table { sheet: REJECTED_SHEET, headers: all_headers, rows }, out, format)
}

/// 特殊人群: known kinds by their name, unrecognised ones by the words the office used.
fn care_cell(needs: &[CareNeed]) -> String {
    let labels: Vec<&str> = needs
        .iter()
        .map(|n| if n.kind == OTHER_CARE_KIND { n.label.as_deref().unwrap_or(OTHER_CARE_KIND) } else { &n.kind })
        .collect();
    labels.join(CARE_SEPARATOR)
}

fn grade_label(grade: Option<u8>) -> Option<&'static str> {
    GRADE_LABELS.get(usize::from(grade?).checked_sub(1)?).copied()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn care_cells_use_kinds_and_verbatim_labels() {
        let need = |kind: &str, label: Option<&str>| CareNeed {
            kind: kind.into(),
            label: label.map(str::to_string),
            ..CareNeed::default()
        };
        let needs = [need("残疾", None), need(OTHER_CARE_KIND, Some("重病 (术后)")), need("独居", None)];
        assert_eq!(care_cell(&needs), "残疾、重病 (术后)、独居");
        assert_eq!(care_cell(&[]), "");
        assert_eq!(grade_label(Some(2)), Some("二级"));
        assert_eq!(grade_label(Some(0)), None);
        assert_eq!(grade_label(Some(5)), None);
        assert_eq!(grade_label(None), None);
    }

    #[test]
    fn rejected_rows_keep_every_cell_and_add_row_number_and_reason() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("未导入.csv");
        let rows = [
            RejectedRow {
                cells: vec!["张三".into(), "123".into()], reason: "身份证号位数不对".into(), row_number: 7
            },
            RejectedRow {
                cells: vec!["李四".into(), "1".into(), "多出".into()], reason: "r".into(), row_number: 9
            },
        ];
        write_rejected_rows(&out, &["姓名".into(), "=身份证号".into()], &rows).unwrap();
        let text = std::fs::read_to_string(&out).unwrap();
        assert_eq!(text, "\u{feff}姓名,'=身份证号,,行号,原因\r\n张三,123,,7,身份证号位数不对\r\n李四,1,多出,9,r\r\n");
    }
}
