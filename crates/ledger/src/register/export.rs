//! Exports for Excel: the residents and households of a household filter as .xlsx or .csv, and
//! the rows an import rejected. A file is written whole or not at all. The same writer makes
//! workbooks of several sheets (the hours workbook, in hours_export.rs).

use crate::error::{Error, Result};
use crate::ledger::{Ledger, CURRENT};
use crate::register::households::{format_address, HOUSEHOLD_ORDER};
use crate::register::model::{CareNeed, HouseholdFilter, GRADE_LABELS, HEAD_RELATION, OTHER_CARE_KIND};
use crate::register::residents::care_needs_of;
use crate::register::residents::MEMBER_ORDER;
use chrono::{Datelike, NaiveDate};
use rusqlite::params_from_iter;
use rust_xlsxwriter::{ExcelDateTime, Format, Workbook, XlsxError};
use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::Path;

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
/// Excel refuses longer text in one cell.
const EXCEL_MAX_CHARS: usize = 32_767;
const MIN_COLUMN_WIDTH: usize = 6;
const MAX_COLUMN_WIDTH: usize = 60;

/// The file formats an export can take, chosen by the output file's extension.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExportFormat {
    Xlsx,
    Csv,
}

impl ExportFormat {
    /// .xlsx or .csv, in any letter case; anything else is refused before anything is written.
    pub fn from_path(out: &Path) -> Result<ExportFormat> {
        let extension = out.extension().and_then(|e| e.to_str()).map(str::to_ascii_lowercase);
        match extension.as_deref() {
            Some("xlsx") => Ok(ExportFormat::Xlsx),
            Some("csv") => Ok(ExportFormat::Csv),
            _ => Err(Error::invalid(
                "out",
                format!("无法导出到“{}”：文件扩展名应为 .xlsx（Excel 表格）或 .csv", out.display()),
            )),
        }
    }
}

/// A row an import could not take, with its row number in the imported file and the reason.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct RejectedRow {
    pub cells: Vec<String>,
    pub reason: String,
    pub row_number: u32,
}

/// One exported value; its kind decides how Excel stores it.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Cell {
    /// Always stored as text, never as a number or a formula: ID numbers and phones keep every
    /// digit and a landline its leading 0.
    Text(String),
    Count(u32),
    Date(NaiveDate),
    /// A number shown with two decimals (hours); the value itself is kept whole, so sums in
    /// Excel come out exact.
    Decimal(f64),
}

impl Cell {
    pub(crate) fn text(value: Option<String>) -> Cell {
        Cell::Text(value.unwrap_or_default())
    }

    /// A stored YYYY-MM-DD date; anything else stays text, so nothing stored is lost.
    pub(crate) fn date(value: Option<String>) -> Cell {
        match value {
            None => Cell::Text(String::new()),
            Some(text) => match NaiveDate::parse_from_str(&text, "%Y-%m-%d") {
                Ok(date) => Cell::Date(date),
                Err(_) => Cell::Text(text),
            },
        }
    }

    fn csv_text(&self) -> String {
        match self {
            Cell::Text(text) => neutralise_formula(text),
            Cell::Count(n) => n.to_string(),
            Cell::Date(date) => date.format("%Y-%m-%d").to_string(),
            Cell::Decimal(value) => format!("{value:.2}"),
        }
    }

    /// A count that cannot be negative in practice; out of range saturates rather than wraps.
    pub(crate) fn count(value: i64) -> Cell {
        Cell::Count(u32::try_from(value.max(0)).unwrap_or(u32::MAX))
    }

    fn display_width(&self) -> usize {
        match self {
            Cell::Text(text) => display_width(text),
            Cell::Count(n) => n.to_string().len(),
            Cell::Date(_) => "2026-11-28".len(),
            Cell::Decimal(value) => format!("{value:.2}").len(),
        }
    }
}

/// One sheet of an export: what both the .xlsx and the .csv writer take.
pub(crate) struct Table {
    pub sheet: &'static str,
    pub headers: Vec<String>,
    pub rows: Vec<Vec<Cell>>,
}

impl Table {
    pub(crate) fn new(sheet: &'static str, headers: &[&str], rows: Vec<Vec<Cell>>) -> Table {
        Table { sheet, headers: headers.iter().map(|h| h.to_string()).collect(), rows }
    }
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
        save(&table, out, format)?;
        Ok(table.rows.len())
    }

    /// Every household `filter` matches, in the household list's order (paging ignored).
    /// Returns the number of households written.
    pub fn export_households(&self, filter: &HouseholdFilter, out: &Path) -> Result<usize> {
        let format = ExportFormat::from_path(out)?;
        let table = Table::new(HOUSEHOLDS_SHEET, &HOUSEHOLD_HEADERS, self.household_rows(filter)?);
        let summary = format!("导出住户 {} 户（完整电话）到 {}", table.rows.len(), out.display());
        self.authorize_unmasked(&summary, "住户", None)?;
        save(&table, out, format)?;
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
    save(&Table { sheet: REJECTED_SHEET, headers: all_headers, rows }, out, format)
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

/// Excel measures column widths in characters of its default font; a Chinese character (and
/// most other non-ASCII text here) takes about two.
fn display_width(text: &str) -> usize {
    text.chars().map(|c| if c.is_ascii() { 1 } else { 2 }).sum()
}

fn column_widths(table: &Table) -> Vec<f64> {
    (0..table.headers.len())
        .map(|col| {
            let header = display_width(&table.headers[col]);
            let widest = table.rows.iter().filter_map(|row| row.get(col)).map(Cell::display_width).max();
            let width = (widest.unwrap_or(0).max(header) + 2).clamp(MIN_COLUMN_WIDTH, MAX_COLUMN_WIDTH);
            width as f64
        })
        .collect()
}

/// Excel runs a CSV cell that starts with = + - @ as a formula (it skips a leading tab or
/// carriage return first), so a name or note typed as `=HYPERLINK(...)` would become live when
/// the file is opened. A leading ' makes Excel show the text as typed. Only CSV needs this: an
/// .xlsx stores text cells as text. Phones are stored normalised (no +86), so real data is
/// never touched. Text that already starts with ' gets one more, so the importer, which drops
/// exactly one, gives back what was typed.
/// First characters that make Excel treat a CSV cell as a formula.
pub(crate) const FORMULA_STARTS: [char; 6] = ['=', '+', '-', '@', '\t', '\r'];

fn neutralise_formula(text: &str) -> String {
    if text.starts_with(FORMULA_STARTS) || text.starts_with('\'') {
        format!("'{text}")
    } else {
        text.to_string()
    }
}

fn save(table: &Table, out: &Path, format: ExportFormat) -> Result<()> {
    match format {
        ExportFormat::Xlsx => save_workbook(std::slice::from_ref(table), out),
        ExportFormat::Csv => write_atomically(out, |w| write_csv(table, w)),
    }
}

/// Several sheets in one .xlsx file, in order, written atomically.
pub(crate) fn save_workbook(tables: &[Table], out: &Path) -> Result<()> {
    // Built fully in memory first, so a cell Excel cannot hold fails before any file exists.
    let mut workbook = Workbook::new();
    for table in tables {
        add_sheet(&mut workbook, table)?;
    }
    write_atomically(out, |w| workbook.save_to_writer(w).map_err(xlsx_error))
}

fn add_sheet(workbook: &mut Workbook, table: &Table) -> Result<()> {
    let sheet = workbook.add_worksheet();
    sheet.set_name(table.sheet).map_err(xlsx_error)?;
    let bold = Format::new().set_bold();
    // "@" (Text) keeps a cell text even when someone retypes it in Excel later.
    let text = Format::new().set_num_format("@");
    let date = Format::new().set_num_format("yyyy-mm-dd");
    let decimal = Format::new().set_num_format("0.00");
    for (col, header) in table.headers.iter().enumerate() {
        sheet.write_string_with_format(0, col as u16, header, &bold).map_err(xlsx_error)?;
    }
    for (index, cells) in table.rows.iter().enumerate() {
        let row = u32::try_from(index + 1).unwrap_or(u32::MAX);
        for (col, cell) in cells.iter().enumerate() {
            let col = col as u16;
            let written = match cell {
                Cell::Text(value) if value.is_empty() => continue,
                Cell::Text(value) if value.chars().count() > EXCEL_MAX_CHARS => {
                    return Err(Error::Refused(format!(
                        "第 {} 行“{}”超过 Excel 单元格的上限 {EXCEL_MAX_CHARS} 个字，无法导出为 .xlsx，可改为导出 .csv",
                        index + 2,
                        table.headers[usize::from(col)]
                    )))
                }
                Cell::Text(value) => sheet.write_string_with_format(row, col, value, &text),
                Cell::Count(n) => sheet.write_number(row, col, *n),
                Cell::Decimal(value) => sheet.write_number_with_format(row, col, *value, &decimal),
                Cell::Date(value) => match excel_date(*value) {
                    Some(excel) => sheet.write_datetime_with_format(row, col, &excel, &date),
                    None => sheet.write_string_with_format(row, col, value.to_string(), &text),
                },
            };
            written.map_err(xlsx_error)?;
        }
    }
    for (col, width) in column_widths(table).into_iter().enumerate() {
        sheet.set_column_width(col as u16, width).map_err(xlsx_error)?;
    }
    sheet.set_freeze_panes(1, 0).map_err(xlsx_error)?;
    Ok(())
}

/// Excel has no dates before 1900 and counts a 29 February 1900 that never was, so its
/// serial numbers mean different days to other readers before March 1900: such a (rare) date is
/// written as text instead.
fn excel_date(date: NaiveDate) -> Option<ExcelDateTime> {
    if date < NaiveDate::from_ymd_opt(1900, 3, 1)? {
        return None;
    }
    let year = u16::try_from(date.year()).ok()?;
    ExcelDateTime::from_ymd(year, date.month() as u8, date.day() as u8).ok()
}

fn xlsx_error(e: XlsxError) -> Error {
    match e {
        XlsxError::IoError(io) => Error::Io(io),
        other => Error::Io(std::io::Error::other(format!("生成 Excel 文件失败：{other}"))),
    }
}

/// UTF-8 with a byte-order mark — without it Excel reads the file in the local ANSI code page
/// and shows the Chinese as mojibake — and CRLF line ends as RFC 4180 writes them.
fn write_csv(table: &Table, out: &mut impl Write) -> Result<()> {
    out.write_all("\u{feff}".as_bytes())?;
    let mut writer = csv::WriterBuilder::new().terminator(csv::Terminator::CRLF).from_writer(out);
    // Headers of rejected rows come from an imported file, so they are guarded like any text.
    writer.write_record(table.headers.iter().map(|h| neutralise_formula(h))).map_err(std::io::Error::from)?;
    for row in &table.rows {
        writer.write_record(row.iter().map(Cell::csv_text)).map_err(std::io::Error::from)?;
    }
    writer.flush()?;
    Ok(())
}

/// Writes into a temporary file in `out`'s folder and renames it over `out` only once it is
/// complete and on disk (a rename within one folder is atomic): a crash or an error never
/// leaves a half file, and an existing file is replaced only by a whole new one. The
/// temporary file is removed on every error path. A path that is the open register, one of its
/// SQLite files or one of its backups is refused before anything is written (crate::store::output).
pub(crate) fn write_atomically(out: &Path, write: impl FnOnce(&mut BufWriter<&File>) -> Result<()>) -> Result<()> {
    crate::store::output::refuse_protected(out)?;
    let folder = match out.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent,
        _ => Path::new("."),
    };
    let context = |e: std::io::Error| {
        let reason = match e.kind() {
            std::io::ErrorKind::NotFound => format!("文件夹 {} 不存在", folder.display()),
            // Excel locks the files it has open: the usual reason an office meets here.
            std::io::ErrorKind::PermissionDenied => "没有写入权限；如果该文件正在 Excel 中打开，请先关闭".to_string(),
            _ => e.to_string(),
        };
        Error::Io(std::io::Error::new(e.kind(), format!("无法写入 {}：{reason}", out.display())))
    };
    // The temporary file is readable by its owner only (tempfile's default), and so is the
    // export: it holds full ID numbers and phones.
    let temp =
        tempfile::Builder::new().prefix(".xinghe-export-").suffix(".tmp").tempfile_in(folder).map_err(context)?;
    let mut writer = BufWriter::new(temp.as_file());
    write(&mut writer)?;
    writer.flush().map_err(context)?;
    drop(writer);
    temp.as_file().sync_all().map_err(context)?;
    temp.persist(out).map_err(|e| context(e.error))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_extension_chooses_the_format() {
        assert_eq!(ExportFormat::from_path(Path::new("居民.xlsx")).unwrap(), ExportFormat::Xlsx);
        assert_eq!(ExportFormat::from_path(Path::new("/tmp/a.XLSX")).unwrap(), ExportFormat::Xlsx);
        assert_eq!(ExportFormat::from_path(Path::new("a.Csv")).unwrap(), ExportFormat::Csv);
        for bad in ["a.xls", "a.txt", "名单", "a.xlsx.bak", ".xlsx"] {
            let err = ExportFormat::from_path(Path::new(bad)).unwrap_err();
            assert_eq!(err.fields()[0].field, "out", "{bad}");
            assert!(err.to_string().contains(".xlsx") && err.to_string().contains(bad), "{err}");
        }
    }

    #[test]
    fn formula_starts_are_neutralised_and_other_text_is_not() {
        for formula in ["=1+1", "+1", "-1", "@SUM(A1)", "\t=1", "\r=1", "=HYPERLINK(\"http://x\")"] {
            assert_eq!(neutralise_formula(formula), format!("'{formula}"));
        }
        for plain in ["0731-84123456", "13812345678", "张三", "", "a=b", "11010519491231002X"] {
            assert_eq!(neutralise_formula(plain), plain);
        }
    }

    #[test]
    fn chinese_counts_double_in_column_widths() {
        assert_eq!(display_width("301"), 3);
        assert_eq!(display_width("第一网格"), 8);
        assert_eq!(display_width("曹𠇔"), 4);
        let table =
            Table::new("t", &["姓名", "备注"], vec![vec![Cell::Text("欧阳建国".into()), Cell::Text("x".repeat(500))]]);
        assert_eq!(column_widths(&table), [10.0, MAX_COLUMN_WIDTH as f64]);
        assert_eq!(column_widths(&Table::new("t", &["a"], vec![])), [MIN_COLUMN_WIDTH as f64]);
    }

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
    fn stored_dates_become_dates_and_odd_text_is_kept() {
        assert_eq!(Cell::date(Some("1949-12-31".into())), Cell::Date(NaiveDate::from_ymd_opt(1949, 12, 31).unwrap()));
        assert_eq!(Cell::date(Some("1949年".into())), Cell::Text("1949年".into()));
        assert_eq!(Cell::date(None), Cell::Text(String::new()));
        assert!(excel_date(NaiveDate::from_ymd_opt(1899, 12, 31).unwrap()).is_none());
        assert!(excel_date(NaiveDate::from_ymd_opt(1900, 2, 28).unwrap()).is_none());
        assert!(excel_date(NaiveDate::from_ymd_opt(1900, 3, 1).unwrap()).is_some());
    }

    #[test]
    fn a_failed_write_keeps_the_old_file_and_leaves_no_temporary() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("名单.csv");
        std::fs::write(&out, "old").unwrap();
        let err = write_atomically(&out, |w| {
            w.write_all(b"half a file")?;
            Err(Error::Refused("boom".into()))
        });
        assert!(err.is_err());
        assert_eq!(std::fs::read_to_string(&out).unwrap(), "old");
        write_atomically(&out, |w| Ok(w.write_all(b"new")?)).unwrap();
        assert_eq!(std::fs::read_to_string(&out).unwrap(), "new");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
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
