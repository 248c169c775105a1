//! Importing residents and households from one sheet of an office register (.xlsx, .xls,
//! .ods, .csv): find the header, read every row with the form's rules, form households by
//! address, match people already registered, and write all valid rows in ONE transaction —
//! or none (dry run, or any failure). The report names every rejected row by its Excel row
//! number, column and reason.

mod apply;
pub mod columns;
pub mod rows;

use crate::error::{Error, Result};
use crate::ledger::Ledger;
use columns::{Column, ColumnOverride, Field};
use rows::{Address, Outcome, ParsedRow};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::path::Path;
use xinghe_formats::table;

/// A rejected row or a warning: row as Excel numbers it, the column's header, and why.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Issue {
    pub row: u32,
    pub column: String,
    /// Machine-readable: id_checksum, id_as_number, id_invalid, duplicate, missing, invalid,
    /// cell_error (a formula's error value such as #REF!), warning.
    pub kind: &'static str,
    pub reason: String,
}

#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct ImportOptions {
    pub sheet: Option<String>,
    /// The user's corrections of the detected column mapping.
    pub columns: Vec<ColumnOverride>,
    /// Validate and count, write nothing.
    pub dry_run: bool,
}

/// The original cells of a rejected row, so the office can fix and re-import them.
pub use crate::register::export::RejectedRow;

#[derive(Debug, Clone, Default, Serialize)]
pub struct ImportReport {
    pub sheet: String,
    pub sheets: Vec<String>,
    pub header_row: u32,
    pub columns: Vec<Column>,
    pub unknown_columns: Vec<String>,
    /// Rows that hold a person (imported or rejected); blank and totals rows are not counted.
    pub data_rows: u32,
    pub households_created: u32,
    pub residents_created: u32,
    pub residents_updated: u32,
    pub residents_unchanged: u32,
    pub rejected: Vec<Issue>,
    /// Blank rows and totals rows (合计/总计/小计): skipped, not errors.
    pub skipped: Vec<u32>,
    pub warnings: Vec<Issue>,
    pub dry_run: bool,
    /// The header texts and the original cells of every rejected row ("export rejected rows").
    pub headers: Vec<String>,
    pub rejected_rows: Vec<RejectedRow>,
}

/// The first rows as read, for the preview next to the detected mapping.
#[derive(Debug, Clone, Serialize)]
pub struct Preview {
    pub report: ImportReport,
    pub sample: Vec<RejectedRow>,
}

const PREVIEW_ROWS: usize = 10;

/// Progress of a running import: rows handled so far of the total.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct Progress {
    pub done: u32,
    pub total: u32,
}

struct ReadSheet {
    report: ImportReport,
    parsed: Vec<ParsedRow>,
    /// The sheet as read, for the original cells of rows refused later (not copied per row:
    /// at the row limit a copy of every row was a third of the import's memory).
    table: table::Table,
    width: usize,
    sample: Vec<RejectedRow>,
}

/// Sheet row `number` as the user reads it, `width` columns (rows are in ascending order).
fn row_texts(table: &table::Table, number: u32, width: usize) -> Vec<String> {
    let index = table.rows.binary_search_by_key(&number, |r| r.number).ok();
    index.map(|i| (0..width).map(|c| table.rows[i].cell(c).text()).collect()).unwrap_or_default()
}

impl Ledger {
    /// Reads and checks the file, and reports exactly what an import would do, writing nothing.
    pub fn preview_import(&mut self, path: &Path, options: &ImportOptions) -> Result<Preview> {
        let options = ImportOptions { dry_run: true, ..options.clone() };
        let mut sample = Vec::new();
        let report = self.run_import(path, &options, &mut |_| {}, Some(&mut sample))?;
        Ok(Preview { report, sample })
    }

    /// Imports the file: all valid rows in one transaction (none with `dry_run`).
    pub fn import_file(
        &mut self,
        path: &Path,
        options: &ImportOptions,
        progress: &mut dyn FnMut(Progress),
    ) -> Result<ImportReport> {
        self.run_import(path, options, progress, None)
    }

    fn run_import(
        &mut self,
        path: &Path,
        options: &ImportOptions,
        progress: &mut dyn FnMut(Progress),
        sample: Option<&mut Vec<RejectedRow>>,
    ) -> Result<ImportReport> {
        let today = self.today();
        let ReadSheet { mut report, parsed, table, width, sample: first_rows } = read_sheet(path, options, today)?;
        if let Some(sample) = sample {
            *sample = first_rows;
        }
        let actor = self.actor();
        let tx = self.conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        apply::write(&tx, parsed, today, &mut report, progress)?;
        if !options.dry_run {
            // One record per import (not one per row): the file, the sheet and the counts.
            let file = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
            let summary = format!(
                "导入文件“{file}”（工作表“{}”）：新增住户 {} 户，新增居民 {} 人，更新 {} 人，未变 {} 人，拒绝 {} 行",
                report.sheet,
                report.households_created,
                report.residents_created,
                report.residents_updated,
                report.residents_unchanged,
                report.rejected.iter().map(|i| i.row).collect::<std::collections::BTreeSet<_>>().len()
            );
            let counts = serde_json::json!({
                "file": file,
                "sheet": report.sheet,
                "data_rows": report.data_rows,
                "households_created": report.households_created,
                "residents_created": report.residents_created,
                "residents_updated": report.residents_updated,
                "residents_unchanged": report.residents_unchanged,
            });
            let change =
                crate::access::audit::Change::new("导入", "居民", None, summary).after(Some(counts.to_string()));
            crate::access::audit::record(&tx, &actor, change)?;
        }
        if options.dry_run {
            tx.rollback()?;
        } else {
            tx.commit()?;
            self.changed();
        }
        report.rejected.sort_by_key(|i| i.row);
        // One row may fail on several fields: it is one row to fix, with all its reasons.
        let mut rejected_rows: Vec<RejectedRow> = Vec::new();
        for issue in &report.rejected {
            match rejected_rows.last_mut().filter(|r| r.row_number == issue.row) {
                Some(row) => row.reason = format!("{}；{}", row.reason, issue.reason),
                None => rejected_rows.push(RejectedRow {
                    row_number: issue.row,
                    cells: row_texts(&table, issue.row, width),
                    reason: issue.reason.clone(),
                }),
            }
        }
        report.rejected_rows = rejected_rows;
        Ok(report)
    }
}

fn read_sheet(path: &Path, options: &ImportOptions, today: chrono::NaiveDate) -> Result<ReadSheet> {
    let table = table::read(path, options.sheet.as_deref())?;
    let (header_position, mut map) = columns::find_header(&table).ok_or_else(|| {
        Error::invalid("file", format!("在工作表“{}”的前 30 行中找不到表头：表头行应包含“姓名”等列", table.sheet))
    })?;
    let unrecognised = map.unknown_headers();
    map.apply(&options.columns);
    if map.column_of(Field::Name).is_none() {
        return Err(Error::invalid("columns", "没有对应“姓名”的列，无法导入"));
    }
    let mut report = ImportReport {
        sheet: table.sheet.clone(),
        sheets: table.sheets.clone(),
        header_row: map.header_row,
        // What the importer did not recognise and the user did not map: ignored columns.
        unknown_columns: unrecognised.into_iter().filter(|h| map.unknown_headers().contains(h)).collect(),
        headers: map.columns.iter().map(|c| c.header.clone()).collect(),
        columns: map.columns.clone(),
        dry_run: options.dry_run,
        ..ImportReport::default()
    };
    let width = map.columns.len();
    let mut parsed = Vec::new();
    let mut sample = Vec::new();
    let mut previous: Option<Address> = None;
    let mut first_row_of_id: HashMap<String, u32> = HashMap::new();
    for row in &table.rows[header_position + 1..] {
        let (outcome, address) = rows::parse(row, &map, previous.as_ref(), today);
        if address.is_some() {
            previous = address;
        }
        if sample.len() < PREVIEW_ROWS && !matches!(outcome, Outcome::Blank) {
            let cells = (0..width).map(|c| row.cell(c).text()).collect();
            sample.push(RejectedRow { row_number: row.number, cells, reason: String::new() });
        }
        match outcome {
            Outcome::Blank | Outcome::Total => report.skipped.push(row.number),
            Outcome::Rejected(issue) => {
                report.data_rows += 1;
                report.rejected.push(issue);
            }
            Outcome::Parsed(row_data) => {
                report.data_rows += 1;
                let duplicate_of = row_data.resident.id_number.as_ref().and_then(|id| {
                    let first = *first_row_of_id.entry(id.clone()).or_insert(row.number);
                    (first != row.number).then_some(first)
                });
                if let Some(first) = duplicate_of {
                    report.rejected.push(Issue {
                        row: row.number,
                        column: map.header_of(Field::IdNumber),
                        kind: "duplicate",
                        reason: format!("身份证号与第 {first} 行重复（同一人重复录入），本行未导入"),
                    });
                } else {
                    parsed.push(*row_data);
                }
            }
        }
    }
    Ok(ReadSheet { report, parsed, table, width, sample })
}
