//! Reading a register file into a grid of cells numbered as Excel shows them: .xlsx, .xls and
//! .ods through calamine (merged cells filled down within their range) and .csv in UTF-8 (with
//! or without BOM), UTF-16 or GB18030/GBK, which Chinese Excel writes by default.

use crate::error::{Error, Result};
use calamine::{Data, Dimensions, Range, Reader, Sheets};
use chrono::NaiveDate;
use std::path::Path;

#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Empty,
    Text(String),
    Number(f64),
    Date(NaiveDate),
    Bool(bool),
}

impl Cell {
    pub fn is_blank(&self) -> bool {
        match self {
            Cell::Empty => true,
            Cell::Text(t) => t.trim().is_empty(),
            _ => false,
        }
    }

    /// The cell as a user would read it: integers without ".0", dates as YYYY-MM-DD.
    pub fn text(&self) -> String {
        match self {
            Cell::Empty => String::new(),
            Cell::Text(t) => t.trim().to_string(),
            Cell::Number(n) if n.fract() == 0.0 && n.abs() < 1e15 => format!("{}", *n as i64),
            Cell::Number(n) => n.to_string(),
            Cell::Date(d) => d.to_string(),
            Cell::Bool(true) => "是".into(),
            Cell::Bool(false) => "否".into(),
        }
    }
}

/// One row of the sheet; `number` is the row number Excel shows (1-based, title rows included).
#[derive(Debug, Clone)]
pub struct Row {
    pub number: u32,
    pub cells: Vec<Cell>,
}

impl Row {
    pub fn cell(&self, column: usize) -> &Cell {
        self.cells.get(column).unwrap_or(&Cell::Empty)
    }
}

#[derive(Debug, Clone)]
pub struct Table {
    pub sheet: String,
    pub sheets: Vec<String>,
    pub rows: Vec<Row>,
}

fn unreadable(path: &Path, detail: impl std::fmt::Display) -> Error {
    Error::invalid(
        "file",
        format!(
            "无法读取文件 {}：{detail}。请确认它是 Excel（.xlsx/.xls）、WPS/LibreOffice（.ods）或 CSV 文件",
            path.display()
        ),
    )
}

pub fn read(path: &Path, sheet: Option<&str>) -> Result<Table> {
    if !path.exists() {
        return Err(Error::invalid("file", format!("找不到文件 {}", path.display())));
    }
    let extension = path.extension().and_then(|e| e.to_str()).unwrap_or_default().to_ascii_lowercase();
    if extension == "csv" || extension == "txt" {
        return read_csv(path);
    }
    // calamine has panicked on some malformed files; a bad file must be an error, not a crash.
    let opened = std::panic::catch_unwind(|| read_workbook(path, sheet));
    opened.unwrap_or_else(|_| Err(unreadable(path, "文件已损坏")))
}

fn read_workbook(path: &Path, sheet: Option<&str>) -> Result<Table> {
    let mut workbook = calamine::open_workbook_auto(path).map_err(|e| unreadable(path, e))?;
    let sheets = workbook.sheet_names();
    let name = match sheet {
        Some(wanted) => sheets.iter().find(|s| s.as_str() == wanted).cloned().ok_or_else(|| {
            Error::invalid("sheet", format!("文件中没有名为“{wanted}”的工作表（有：{}）", sheets.join("、")))
        })?,
        None => sheets.first().cloned().ok_or_else(|| unreadable(path, "文件中没有工作表"))?,
    };
    let range = workbook.worksheet_range(&name).map_err(|e| unreadable(path, e))?;
    let merged = merged_regions(&mut workbook, &name);
    Ok(Table { rows: rows_from_range(&range, &merged), sheet: name, sheets })
}

fn merged_regions<RS: std::io::Read + std::io::Seek>(workbook: &mut Sheets<RS>, sheet: &str) -> Vec<Dimensions> {
    match workbook {
        Sheets::Xlsx(xlsx) => match xlsx.load_merged_regions() {
            Ok(()) => xlsx.merged_regions_by_sheet(sheet).into_iter().map(|(_, _, d)| *d).collect(),
            Err(e) => {
                tracing::warn!("merged regions unreadable: {e}");
                Vec::new()
            }
        },
        Sheets::Xls(xls) => xls.worksheet_merge_cells(sheet).unwrap_or_default(),
        // calamine does not expose merges for .ods/.xlsb: continuation rows are handled later.
        _ => Vec::new(),
    }
}

fn cell_from(data: &Data) -> Cell {
    match data {
        Data::Empty => Cell::Empty,
        Data::String(s) => Cell::Text(s.clone()),
        Data::Int(i) => Cell::Number(*i as f64),
        Data::Float(f) => Cell::Number(*f),
        Data::Bool(b) => Cell::Bool(*b),
        Data::DateTime(dt) if dt.is_datetime() => {
            dt.as_datetime().map(|d| Cell::Date(d.date())).unwrap_or(Cell::Number(dt.as_f64()))
        }
        Data::DateTime(dt) => Cell::Number(dt.as_f64()),
        Data::DateTimeIso(s) => s
            .get(..10)
            .and_then(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok())
            .map(Cell::Date)
            .unwrap_or_else(|| Cell::Text(s.clone())),
        Data::DurationIso(s) => Cell::Text(s.clone()),
        Data::Error(e) => Cell::Text(format!("#{e}")),
    }
}

fn rows_from_range(range: &Range<Data>, merged: &[Dimensions]) -> Vec<Row> {
    let (first_row, first_col) = range.start().unwrap_or((0, 0));
    let mut rows: Vec<Row> = range
        .rows()
        .enumerate()
        .map(|(i, cells)| {
            let mut row: Vec<Cell> = vec![Cell::Empty; first_col as usize];
            row.extend(cells.iter().map(cell_from));
            Row { number: first_row + i as u32 + 1, cells: row }
        })
        .collect();
    // A merged cell holds its value in the top-left cell only; offices merge an address
    // down over a household's members, so every member gets the value of their column.
    for region in merged {
        let column = region.start.1 as usize;
        // Range rows are consecutive from `first_row`, so a sheet row indexes them directly.
        let index = |sheet_row: u32| sheet_row.checked_sub(first_row).map(|i| i as usize);
        let Some(value) = index(region.start.0).and_then(|i| rows.get(i)).map(|r| r.cell(column).clone()) else {
            continue;
        };
        for sheet_row in region.start.0 + 1..=region.end.0 {
            let Some(row) = index(sheet_row).and_then(|i| rows.get_mut(i)) else { continue };
            if row.cells.len() <= column {
                row.cells.resize(column + 1, Cell::Empty);
            }
            if row.cells[column].is_blank() {
                row.cells[column] = value.clone();
            }
        }
    }
    rows
}

/// A CSV field as a cell. Our CSV export writes "'=…" for text that Excel would run as a
/// formula, and "''…" for text that starts with ' itself; reading drops exactly that one '.
fn csv_cell(field: &str) -> Cell {
    if field.trim().is_empty() {
        return Cell::Empty;
    }
    match field.strip_prefix('\'') {
        Some(rest) if rest.starts_with(crate::export::FORMULA_STARTS) || rest.starts_with('\'') => {
            Cell::Text(rest.to_string())
        }
        _ => Cell::Text(field.to_string()),
    }
}

/// Decodes CSV bytes: a BOM decides; otherwise UTF-8 if valid, else GB18030 (a superset of GBK).
fn decode(bytes: &[u8]) -> Option<(String, &'static str)> {
    if let Some((encoding, bom_len)) = encoding_rs::Encoding::for_bom(bytes) {
        let (text, had_errors) = encoding.decode_without_bom_handling(&bytes[bom_len..]);
        return (!had_errors).then(|| (text.into_owned(), encoding.name()));
    }
    if let Ok(text) = std::str::from_utf8(bytes) {
        return Some((text.to_string(), "UTF-8"));
    }
    let (text, had_errors) = encoding_rs::GB18030.decode_without_bom_handling(bytes);
    (!had_errors).then(|| (text.into_owned(), "GB18030"))
}

fn read_csv(path: &Path) -> Result<Table> {
    let bytes = std::fs::read(path)?;
    let (text, encoding) =
        decode(&bytes).ok_or_else(|| unreadable(path, "无法识别文字编码（支持 UTF-8 与 GBK/GB18030）"))?;
    tracing::debug!(encoding, "csv decoded");
    let first_line = text.lines().next().unwrap_or_default();
    let delimiter = if first_line.matches('\t').count() > first_line.matches(',').count() { b'\t' } else { b',' };
    let mut reader =
        csv::ReaderBuilder::new().has_headers(false).flexible(true).delimiter(delimiter).from_reader(text.as_bytes());
    // Excel numbers CSV rows by line and shows blank lines, which the csv crate skips: keep
    // the numbering by line and put the blank rows back, so reports name the right row.
    let mut rows = Vec::new();
    let mut next_line = 1u64;
    for record in reader.records() {
        let record = record.map_err(|e| unreadable(path, e))?;
        // A record's position is where the reader resumed, before any blank lines it skipped.
        let line = match record.position() {
            Some(p) => {
                let after = text.as_bytes().get(p.byte() as usize..).unwrap_or_default();
                let blank_lines =
                    after.iter().take_while(|b| matches!(b, b'\n' | b'\r')).filter(|b| **b == b'\n').count();
                p.line() + blank_lines as u64
            }
            None => next_line,
        };
        while next_line < line {
            rows.push(Row { number: next_line as u32, cells: Vec::new() });
            next_line += 1;
        }
        let cells = record.iter().map(csv_cell).collect();
        rows.push(Row { number: line as u32, cells });
        next_line = line + 1 + record.iter().map(|f| f.matches('\n').count() as u64).sum::<u64>();
    }
    let sheet = path.file_stem().and_then(|s| s.to_str()).unwrap_or("CSV").to_string();
    Ok(Table { sheets: vec![sheet.clone()], sheet, rows })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gbk_csv_is_decoded() {
        let (bytes, _, _) = encoding_rs::GBK.encode("姓名,身份证号\n张三,110105194912310021\n");
        let (text, encoding) = decode(&bytes).unwrap();
        assert_eq!(encoding, "GB18030");
        assert!(text.starts_with("姓名"));
    }

    #[test]
    fn utf8_with_bom_is_decoded_without_the_bom() {
        let mut bytes = vec![0xEF, 0xBB, 0xBF];
        bytes.extend("姓名".as_bytes());
        assert_eq!(decode(&bytes).unwrap().0, "姓名");
    }

    #[test]
    fn numbers_read_as_people_write_them() {
        assert_eq!(Cell::Number(101.0).text(), "101");
        assert_eq!(Cell::Number(13812345678.0).text(), "13812345678");
        assert_eq!(Cell::Number(1.5).text(), "1.5");
    }
}
