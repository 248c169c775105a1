//! Writing tables for Excel: one or more [`Table`]s as an .xlsx workbook (bold, frozen header
//! row, column widths by content, text cells stored as text so ID numbers and phones keep every
//! digit, real dates) or one table as .csv (UTF-8 with BOM, CRLF, the formula guard), each to
//! a writer. Which file it goes to, atomically and never over the open register, is the
//! ledger's (`xinghe_ledger::export`).

use crate::error::{Error, Result};
use chrono::{Datelike, NaiveDate};
use rust_xlsxwriter::{ExcelDateTime, Format, Workbook, XlsxError};
use std::io::Write;
use std::path::Path;

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

/// One exported value; its kind decides how Excel stores it.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
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
    pub fn text(value: Option<String>) -> Cell {
        Cell::Text(value.unwrap_or_default())
    }

    /// A stored YYYY-MM-DD date; anything else stays text, so nothing stored is lost.
    pub fn date(value: Option<String>) -> Cell {
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
    pub fn count(value: i64) -> Cell {
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
#[derive(Debug, Clone, PartialEq)]
pub struct Table {
    pub sheet: &'static str,
    pub headers: Vec<String>,
    pub rows: Vec<Vec<Cell>>,
}

impl Table {
    pub fn new(sheet: &'static str, headers: &[&str], rows: Vec<Vec<Cell>>) -> Table {
        Table { sheet, headers: headers.iter().map(|h| h.to_string()).collect(), rows }
    }
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
pub const FORMULA_STARTS: [char; 6] = ['=', '+', '-', '@', '\t', '\r'];

pub fn neutralise_formula(text: &str) -> String {
    if text.starts_with(FORMULA_STARTS) || text.starts_with('\'') {
        format!("'{text}")
    } else {
        text.to_string()
    }
}

/// An .xlsx workbook built whole in memory ([`Xlsx::build`]), so a cell Excel cannot hold
/// fails before the caller creates any file; [`Xlsx::write_to`] then writes it out.
pub struct Xlsx(Workbook);

impl Xlsx {
    /// Several sheets, in order.
    pub fn build(tables: &[Table]) -> Result<Xlsx> {
        let mut workbook = Workbook::new();
        for table in tables {
            add_sheet(&mut workbook, table)?;
        }
        Ok(Xlsx(workbook))
    }

    pub fn write_to(mut self, writer: impl Write + Send) -> Result<()> {
        self.0.save_to_writer(writer).map_err(xlsx_error)
    }
}

/// Several sheets as one .xlsx file written to `writer`: [`Xlsx::build`], then its `write_to`.
pub fn write_xlsx(tables: &[Table], writer: impl Write + Send) -> Result<()> {
    Xlsx::build(tables)?.write_to(writer)
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

/// One table as CSV: UTF-8 with a byte-order mark — without it Excel reads the file in the
/// local ANSI code page and shows the Chinese as mojibake — and CRLF line ends as RFC 4180
/// writes them.
pub fn write_csv(table: &Table, out: &mut impl Write) -> Result<()> {
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
    fn stored_dates_become_dates_and_odd_text_is_kept() {
        assert_eq!(Cell::date(Some("1949-12-31".into())), Cell::Date(NaiveDate::from_ymd_opt(1949, 12, 31).unwrap()));
        assert_eq!(Cell::date(Some("1949年".into())), Cell::Text("1949年".into()));
        assert_eq!(Cell::date(None), Cell::Text(String::new()));
        assert!(excel_date(NaiveDate::from_ymd_opt(1899, 12, 31).unwrap()).is_none());
        assert!(excel_date(NaiveDate::from_ymd_opt(1900, 2, 28).unwrap()).is_none());
        assert!(excel_date(NaiveDate::from_ymd_opt(1900, 3, 1).unwrap()).is_some());
    }

    #[test]
    fn csv_has_a_bom_crlf_and_guarded_text() {
        let table = Table::new(
            "t",
            &["姓名", "=表头"],
            vec![vec![Cell::Text("=1+1".into()), Cell::Count(3)], vec![Cell::Decimal(1.5), Cell::date(None)]],
        );
        let mut out = Vec::new();
        write_csv(&table, &mut out).unwrap();
        assert_eq!(String::from_utf8(out).unwrap(), "\u{feff}姓名,'=表头\r\n'=1+1,3\r\n1.50,\r\n");
    }

    #[test]
    fn a_cell_longer_than_excel_holds_is_refused_before_anything_is_written() {
        let table = Table::new("t", &["备注"], vec![vec![Cell::Text("x".repeat(EXCEL_MAX_CHARS + 1))]]);
        let err = Xlsx::build(std::slice::from_ref(&table)).err().unwrap();
        assert!(matches!(&err, Error::Refused(m) if m.starts_with("第 2 行“备注”超过 Excel 单元格的上限")), "{err}");
        let mut out = Vec::new();
        write_xlsx(&[Table::new("t", &["备注"], vec![vec![Cell::Text("x".into())]])], &mut out).unwrap();
        assert!(out.starts_with(b"PK\x03\x04"));
    }
}
