//! Reading a register file into a grid of cells numbered as Excel shows them: .xlsx, .xls and
//! .ods through calamine (merged cells filled down within their range) and .csv in UTF-8 (with
//! or without BOM), UTF-16 or GB18030/GBK, which Chinese Excel writes by default.
//!
//! The reader is chosen by what the file holds, not its name (offices rename files; systems
//! export web pages and text as ".xls"). Size is bounded before anything is held in memory:
//! the file, each unpacked part of a workbook, the rows (`MAX_ROWS`, counted while reading, so
//! a larger sheet is refused before it is read to the end) and the cells (`MAX_CELLS`).

use crate::error::{Error, Result};
use calamine::{Data, DataRef, Dimensions, Range, Reader, Sheets};
use chrono::NaiveDate;
use std::io::Read;
use std::path::Path;

/// The most sheet rows one import reads, title and header rows included. A community's
/// register holds a few thousand to a few tens of thousands of people.
pub const MAX_ROWS: u32 = 100_000;
/// The largest file accepted: a 100,000-row .xlsx is about 4 MB, the same as CSV 7–15 MB.
pub const MAX_FILE_BYTES: u64 = 100 * 1024 * 1024;
/// The largest part of an .xlsx/.ods package once unpacked. Shared strings and .ods content
/// are unpacked whole by calamine; worksheets are read as a stream and may be larger.
pub const MAX_UNPACKED_BYTES: u64 = 256 * 1024 * 1024;
pub const MAX_UNPACKED_SHEET_BYTES: u64 = 512 * 1024 * 1024;
/// The most cells held for one sheet (each row as wide as its last filled cell): enough for
/// `MAX_ROWS` rows of 50 columns; stops a sheet with a value in column XFD on every row.
pub const MAX_CELLS: usize = 5_000_000;

#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Empty,
    Text(String),
    Number(f64),
    Date(NaiveDate),
    Bool(bool),
    /// A formula's error value as Excel shows it (#REF!, #N/A, #DIV/0! …): never data.
    Error(String),
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
            Cell::Error(e) => e.clone(),
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

/// A file refused for a reason the sentence already explains (what it is, what to do).
fn refused_file(path: &Path, sentence: impl std::fmt::Display) -> Error {
    Error::invalid("file", format!("无法读取文件 {}：{sentence}", path.display()))
}

/// A workbook the reader started on but could not finish: the technical detail goes to the log.
fn damaged(path: &Path, detail: impl std::fmt::Display) -> Error {
    tracing::warn!(path = %path.display(), "workbook unreadable: {detail}");
    refused_file(path, "文件已损坏或不完整（可能没有保存完、下载完或复制完），请在 Excel/WPS 中打开并重新保存后再导入")
}

fn too_many_rows(path: &Path, sheet: &str, row: u64) -> Error {
    Error::invalid(
        "file",
        format!(
            "文件 {} 的工作表“{sheet}”第 {row} 行仍有内容，超过一次导入的上限 {MAX_ROWS} 行（含标题和表头），\
             未导入任何内容。请删去表格下方多余的行，或把名单分成几个文件分别导入",
            path.display()
        ),
    )
}

fn too_many_cells(path: &Path, sheet: &str) -> Error {
    Error::invalid(
        "file",
        format!(
            "文件 {} 的工作表“{sheet}”单元格过多（超过 {MAX_CELLS} 个，常见原因是表格右侧很远的列里有内容），\
             未导入任何内容。请删去多余的列，或把名单分成几个文件分别导入",
            path.display()
        ),
    )
}

/// What a file really holds, from its first bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Content {
    /// .xlsx, .xlsb and .ods are zip packages.
    Zip,
    /// .xls is an OLE compound file.
    Ole,
    Pdf,
    Html,
    Other,
}

fn sniff(head: &[u8]) -> Content {
    if head.starts_with(b"PK\x03\x04") || head.starts_with(b"PK\x05\x06") {
        return Content::Zip;
    }
    if head.starts_with(&[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]) {
        return Content::Ole;
    }
    if head.starts_with(b"%PDF") {
        return Content::Pdf;
    }
    let text = String::from_utf8_lossy(head).to_ascii_lowercase();
    let text = text.trim_start_matches('\u{feff}').trim_start();
    if text.starts_with("<!doctype html") || text.starts_with("<html") || text.starts_with("<table") {
        return Content::Html;
    }
    Content::Other
}

pub fn read(path: &Path, sheet: Option<&str>) -> Result<Table> {
    if !path.exists() {
        return Err(Error::invalid("file", format!("找不到文件 {}", path.display())));
    }
    if path.is_dir() {
        return Err(Error::invalid("file", format!("{} 是一个文件夹，不是文件，请选择其中的表格文件", path.display())));
    }
    let size = std::fs::metadata(path)?.len();
    if size == 0 {
        return Err(refused_file(path, "文件是空的（0 字节），可能没有保存完或复制完，请重新保存或复制后再导入"));
    }
    if size > MAX_FILE_BYTES {
        return Err(Error::invalid(
            "file",
            format!(
                "文件 {} 有 {:.1} MB，超过导入上限 {} MB（一次最多导入 {MAX_ROWS} 行），未导入任何内容。\
                 请把名单分成几个文件分别导入",
                path.display(),
                size as f64 / 1024.0 / 1024.0,
                MAX_FILE_BYTES / 1024 / 1024
            ),
        ));
    }
    let mut head = Vec::with_capacity(512);
    std::fs::File::open(path)?.take(512).read_to_end(&mut head)?;
    let extension = path.extension().and_then(|e| e.to_str()).unwrap_or_default().to_ascii_lowercase();
    match sniff(&head) {
        Content::Pdf => Err(refused_file(path, "这是一个 PDF 文件，不是表格。请导入 Excel、WPS 或 CSV 格式的名单")),
        Content::Html => Err(refused_file(
            path,
            "这是网页（HTML）格式的文件，只是扩展名像表格。请用 Excel 或 WPS 打开它，“另存为” .xlsx 后再导入",
        )),
        content @ (Content::Zip | Content::Ole) => {
            // calamine has panicked on some malformed files; a bad file must be an error, not a crash.
            let opened = std::panic::catch_unwind(|| read_workbook(path, content, sheet));
            opened.unwrap_or_else(|_| Err(damaged(path, "reader panicked")))
        }
        Content::Other if matches!(extension.as_str(), "xlsx" | "xlsm" | "xlsb" | "xls" | "ods") => {
            // Some systems export tab-separated text as ".xls": read it as text when it is text.
            read_csv(path, Some(&extension))
        }
        Content::Other => read_csv(path, None),
    }
}

/// Which workbook a zip package holds, after checking that no part unpacks to more than the
/// limits (a damaged or hostile package must not exhaust memory before calamine reads it).
fn inspect_package(path: &Path) -> Result<&'static str> {
    let file = std::io::BufReader::new(std::fs::File::open(path)?);
    let mut zip = zip::ZipArchive::new(file).map_err(|e| damaged(path, e))?;
    let mut kind = None;
    for index in 0..zip.len() {
        let entry = zip.by_index_raw(index).map_err(|e| damaged(path, e))?;
        let name = entry.name().to_ascii_lowercase();
        let limit = if name.starts_with("xl/worksheets/") { MAX_UNPACKED_SHEET_BYTES } else { MAX_UNPACKED_BYTES };
        if entry.size() > limit {
            return Err(refused_file(
                path,
                format!(
                    "文件中的“{}”解压后有 {} MB，超过上限 {} MB，未导入任何内容。请把名单分成几个文件分别导入",
                    entry.name(),
                    entry.size() / 1024 / 1024,
                    limit / 1024 / 1024
                ),
            ));
        }
        kind = kind.or(match name.as_str() {
            "xl/workbook.xml" => Some("xlsx"),
            "xl/workbook.bin" => Some("xlsb"),
            "mimetype" | "content.xml" => Some("ods"),
            "word/document.xml" => Some("docx"),
            "ppt/presentation.xml" => Some("pptx"),
            _ => None,
        });
    }
    match kind {
        Some("docx") => Err(refused_file(path, "这是 Word 文档，不是表格。请把名单放在 Excel 或 WPS 表格中再导入")),
        Some("pptx") => {
            Err(refused_file(path, "这是 PowerPoint 演示文稿，不是表格。请把名单放在 Excel 或 WPS 表格中再导入"))
        }
        Some(kind) => Ok(kind),
        None => Err(refused_file(path, "这是一个压缩包，里面没有 Excel 或 WPS 表格。请解压后选择其中的表格文件")),
    }
}

fn read_workbook(path: &Path, content: Content, sheet: Option<&str>) -> Result<Table> {
    let file = || std::fs::File::open(path).map(std::io::BufReader::new);
    let mut workbook = match content {
        Content::Ole => Sheets::Xls(calamine::Xls::new(file()?).map_err(|e| damaged(path, e))?),
        _ => match inspect_package(path)? {
            "xlsx" => Sheets::Xlsx(calamine::Xlsx::new(file()?).map_err(|e| damaged(path, e))?),
            "xlsb" => Sheets::Xlsb(calamine::Xlsb::new(file()?).map_err(|e| damaged(path, e))?),
            _ => {
                check_ods_size(path)?;
                Sheets::Ods(calamine::Ods::new(file()?).map_err(|e| damaged(path, e))?)
            }
        },
    };
    let sheets = workbook.sheet_names();
    let name = match sheet {
        Some(wanted) => sheets.iter().find(|s| s.as_str() == wanted).cloned().ok_or_else(|| {
            Error::invalid("sheet", format!("文件中没有名为“{wanted}”的工作表（有：{}）", sheets.join("、")))
        })?,
        None => sheets.first().cloned().ok_or_else(|| unreadable(path, "文件中没有工作表"))?,
    };
    let mut rows = match &mut workbook {
        // .xlsx sheets are streamed, so a sheet over the limits is refused before it is read whole.
        Sheets::Xlsx(xlsx) => xlsx_rows(xlsx, &name, path)?,
        other => {
            let range = other.worksheet_range(&name).map_err(|e| damaged(path, e))?;
            if let Some((last_row, _)) = range.end().filter(|(row, _)| *row >= MAX_ROWS) {
                return Err(too_many_rows(path, &name, u64::from(last_row) + 1));
            }
            if range.get_size().0.saturating_mul(range.get_size().1) > MAX_CELLS {
                return Err(too_many_cells(path, &name));
            }
            rows_from_range(&range)
        }
    };
    let merged = merged_regions(&mut workbook, &name);
    fill_merged(&mut rows, &merged);
    Ok(Table { rows, sheet: name, sheets })
}

/// calamine reads every sheet of an .ods whole and expands the rows and cells the file stores
/// once with a count (LibreOffice writes a value filled down to row 1,048,576 as one row
/// repeated a million times). Counts them first, so no sheet beyond `MAX_ROWS` or `MAX_CELLS`
/// is ever expanded.
fn check_ods_size(path: &Path) -> Result<()> {
    use quick_xml::events::Event;
    let file = std::io::BufReader::new(std::fs::File::open(path)?);
    let mut zip = zip::ZipArchive::new(file).map_err(|e| damaged(path, e))?;
    let content = zip.by_name("content.xml").map_err(|e| damaged(path, e))?;
    let mut reader = quick_xml::Reader::from_reader(std::io::BufReader::new(content));
    let decoder = reader.decoder();
    let text = |e: &quick_xml::events::BytesStart, name: &str| -> Option<String> {
        let attribute = e.try_get_attribute(name).ok().flatten()?;
        attribute.decode_and_unescape_value(decoder).ok().map(|v| v.into_owned())
    };
    let repeats =
        |e: &quick_xml::events::BytesStart, name: &str| text(e, name).and_then(|v| v.parse().ok()).unwrap_or(1);
    let (mut sheet, mut row, mut row_repeats, mut cells) = (String::new(), 0u64, 1u64, 0u64);
    // Within a row: the next column, and the width up to its last filled cell.
    let (mut column, mut width) = (0u64, 0u64);
    let mut buf = Vec::new();
    loop {
        let event = reader.read_event_into(&mut buf).map_err(|e| damaged(path, e))?;
        let empty = matches!(event, Event::Empty(_));
        match event {
            Event::Start(e) | Event::Empty(e) => match e.name().as_ref() {
                b"table:table" => {
                    sheet = text(&e, "table:name").unwrap_or_default();
                    (row, cells) = (0, 0);
                }
                b"table:table-row" => {
                    (row_repeats, column, width) = (repeats(&e, "table:number-rows-repeated"), 0, 0);
                    if empty {
                        row += row_repeats;
                    }
                }
                b"table:table-cell" | b"table:covered-table-cell" => {
                    column += repeats(&e, "table:number-columns-repeated");
                    if e.try_get_attribute("office:value-type").ok().flatten().is_some() {
                        width = column;
                    }
                }
                _ => {}
            },
            Event::End(e) if e.name().as_ref() == b"table:table-row" => {
                row += row_repeats;
                if width > 0 && row > u64::from(MAX_ROWS) {
                    return Err(too_many_rows(path, &sheet, row));
                }
                cells += width.saturating_mul(row_repeats);
                if cells > MAX_CELLS as u64 {
                    return Err(too_many_cells(path, &sheet));
                }
            }
            Event::Eof => return Ok(()),
            _ => {}
        }
        buf.clear();
    }
}

/// Reads an .xlsx sheet cell by cell into rows, refusing it at the first cell beyond
/// `MAX_ROWS` or once the rows would hold more than `MAX_CELLS` cells.
fn xlsx_rows<RS: std::io::Read + std::io::Seek>(
    xlsx: &mut calamine::Xlsx<RS>,
    sheet: &str,
    path: &Path,
) -> Result<Vec<Row>> {
    let mut reader = xlsx.worksheet_cells_reader(sheet).map_err(|e| damaged(path, e))?;
    // Cells come row by row in ascending order, as the format requires, so each goes into the
    // last row read. A file out of order switches to rows looked up by number.
    let mut rows: Vec<Row> = Vec::new();
    let mut by_number: Option<std::collections::BTreeMap<u32, Vec<Cell>>> = None;
    let mut cells_held = 0usize;
    while let Some(cell) = reader.next_cell().map_err(|e| damaged(path, e))? {
        let ((row, column), value) = (cell.get_position(), cell.get_value());
        if *value == DataRef::Empty {
            continue;
        }
        if row >= MAX_ROWS {
            return Err(too_many_rows(path, sheet, u64::from(row) + 1));
        }
        let number = row + 1;
        let cells = match (&mut by_number, rows.last().map(|r| r.number)) {
            (Some(by_number), _) => by_number.entry(number).or_default(),
            (None, Some(last)) if last == number => &mut rows.last_mut().expect("a last row").cells,
            (None, last) if last.is_none_or(|last| last < number) => {
                rows.push(Row { number, cells: Vec::new() });
                &mut rows.last_mut().expect("just pushed").cells
            }
            (None, _) => {
                let by_number = by_number.insert(rows.drain(..).map(|r| (r.number, r.cells)).collect());
                by_number.entry(number).or_default()
            }
        };
        let column = column as usize;
        if cells.len() <= column {
            cells_held += column + 1 - cells.len();
            if cells_held > MAX_CELLS {
                return Err(too_many_cells(path, sheet));
            }
            cells.resize(column + 1, Cell::Empty);
        }
        cells[column] = cell_from_ref(value);
    }
    if let Some(by_number) = by_number {
        rows = by_number.into_iter().map(|(number, cells)| Row { number, cells }).collect();
    }
    Ok(consecutive(rows))
}

/// Rows in ascending order as consecutive rows from the first to the last, blank rows
/// included, as Excel numbers them.
fn consecutive(rows: Vec<Row>) -> Vec<Row> {
    let Some(first) = rows.first().map(|r| r.number) else { return rows };
    if rows.last().is_some_and(|last| last.number - first + 1 == rows.len() as u32) {
        return rows;
    }
    let mut filled = Vec::with_capacity(rows.len());
    for row in rows {
        let next = first + filled.len() as u32;
        filled.extend((next..row.number).map(|number| Row { number, cells: Vec::new() }));
        filled.push(row);
    }
    filled
}

fn merged_regions<RS: std::io::Read + std::io::Seek>(workbook: &mut Sheets<RS>, sheet: &str) -> Vec<Dimensions> {
    match workbook {
        // Only the imported sheet's merges: load_merged_regions would parse every sheet of the
        // workbook again and keep two strings per region.
        Sheets::Xlsx(xlsx) => match xlsx.worksheet_merge_cells(sheet) {
            Some(Ok(regions)) => regions,
            Some(Err(e)) => {
                tracing::warn!("merged regions unreadable: {e}");
                Vec::new()
            }
            None => Vec::new(),
        },
        Sheets::Xls(xls) => xls.worksheet_merge_cells(sheet).unwrap_or_default(),
        // calamine does not expose merges for .ods/.xlsb: continuation rows are handled later.
        _ => Vec::new(),
    }
}

fn cell_from(data: &Data) -> Cell {
    cell_from_ref(&match data {
        Data::Empty => DataRef::Empty,
        Data::String(s) => DataRef::SharedString(s),
        Data::Int(i) => DataRef::Int(*i),
        Data::Float(f) => DataRef::Float(*f),
        Data::Bool(b) => DataRef::Bool(*b),
        Data::DateTime(dt) => DataRef::DateTime(*dt),
        Data::DateTimeIso(s) => DataRef::DateTimeIso(s.clone()),
        Data::DurationIso(s) => DataRef::DurationIso(s.clone()),
        Data::Error(e) => DataRef::Error(e.clone()),
    })
}

/// Borrowed from the reader, so each text is copied once, into the cell.
fn cell_from_ref(data: &DataRef) -> Cell {
    match data {
        DataRef::Empty => Cell::Empty,
        DataRef::String(s) => Cell::Text(s.clone()),
        DataRef::SharedString(s) => Cell::Text(s.to_string()),
        DataRef::Int(i) => Cell::Number(*i as f64),
        DataRef::Float(f) => Cell::Number(*f),
        DataRef::Bool(b) => Cell::Bool(*b),
        DataRef::DateTime(dt) if dt.is_datetime() => {
            dt.as_datetime().map(|d| Cell::Date(d.date())).unwrap_or(Cell::Number(dt.as_f64()))
        }
        DataRef::DateTime(dt) => Cell::Number(dt.as_f64()),
        DataRef::DateTimeIso(s) => s
            .get(..10)
            .and_then(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok())
            .map(Cell::Date)
            .unwrap_or_else(|| Cell::Text(s.clone())),
        DataRef::DurationIso(s) => Cell::Text(s.clone()),
        DataRef::Error(e) => Cell::Error(e.to_string()),
    }
}

fn rows_from_range(range: &Range<Data>) -> Vec<Row> {
    let (first_row, first_col) = range.start().unwrap_or((0, 0));
    range
        .rows()
        .enumerate()
        .map(|(i, cells)| {
            let mut row: Vec<Cell> = vec![Cell::Empty; first_col as usize];
            row.extend(cells.iter().map(cell_from));
            Row { number: first_row + i as u32 + 1, cells: row }
        })
        .collect()
}

/// A merged cell holds its value in the top-left cell only; offices merge an address down
/// over a household's members, so every member gets the value of their column.
fn fill_merged(rows: &mut [Row], merged: &[Dimensions]) {
    let Some(first_row) = rows.first().map(|r| r.number - 1) else { return };
    let mut cells_held: usize = rows.iter().map(|r| r.cells.len()).sum();
    for region in merged {
        let column = region.start.1 as usize;
        // Rows are consecutive from `first_row`, so a sheet row indexes them directly.
        let index = |sheet_row: u32| sheet_row.checked_sub(first_row).map(|i| i as usize);
        let Some(value) = index(region.start.0).and_then(|i| rows.get(i)).map(|r| r.cell(column).clone()) else {
            continue;
        };
        if value.is_blank() {
            continue;
        }
        let last = index(region.end.0).map_or(0, |i| i.min(rows.len().saturating_sub(1)));
        for sheet_row in region.start.0 + 1..=first_row + last as u32 {
            let Some(row) = index(sheet_row).and_then(|i| rows.get_mut(i)) else { continue };
            if row.cells.len() <= column {
                // A merge far to the right over many rows must not widen them without bound.
                cells_held += column + 1 - row.cells.len();
                if cells_held > MAX_CELLS {
                    tracing::warn!("merged region {region:?} not filled: too many cells");
                    break;
                }
                row.cells.resize(column + 1, Cell::Empty);
            }
            if row.cells[column].is_blank() {
                row.cells[column] = value.clone();
            }
        }
    }
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

/// UTF-16 written without a BOM: a register is mostly ASCII digits, commas and line breaks,
/// so one byte of most pairs is zero (the high byte: second in little-endian, first in big).
fn utf16_without_bom(bytes: &[u8]) -> Option<&'static encoding_rs::Encoding> {
    let sample = &bytes[..bytes.len().min(4096) & !1];
    let pairs = sample.len() / 2;
    if pairs < 2 {
        return None;
    }
    let zeros = |offset: usize| sample.iter().skip(offset).step_by(2).filter(|b| **b == 0).count();
    let (first, second) = (zeros(0), zeros(1));
    if second * 4 >= pairs && first * 10 < pairs {
        Some(encoding_rs::UTF_16LE)
    } else if first * 4 >= pairs && second * 10 < pairs {
        Some(encoding_rs::UTF_16BE)
    } else {
        None
    }
}

/// How the bytes read as UTF-8: (valid multi-byte characters, invalid sequences).
fn utf8_shape(bytes: &[u8]) -> (usize, usize) {
    let multi_byte = |text: &str| text.chars().filter(|c| c.len_utf8() > 1).count();
    let (mut valid, mut invalid, mut rest) = (0, 0, bytes);
    loop {
        match std::str::from_utf8(rest) {
            Ok(text) => return (valid + multi_byte(text), invalid),
            Err(e) => {
                valid += std::str::from_utf8(&rest[..e.valid_up_to()]).map_or(0, multi_byte);
                invalid += 1;
                match e.error_len() {
                    Some(len) => rest = &rest[e.valid_up_to() + len..],
                    None => return (valid, invalid),
                }
            }
        }
    }
}

/// Decodes CSV bytes: a BOM decides; then UTF-16 without a BOM; UTF-8 if valid; else
/// GB18030 (a superset of GBK). A UTF-8 file with a few damaged bytes stays UTF-8 with "�"
/// in their place (the rows holding them are refused), rather than turning into GB18030 garble.
/// UTF-8 text takes over the bytes without a copy: a file near the size limit is held once.
fn decode(mut bytes: Vec<u8>) -> Option<(String, &'static str)> {
    if let Some((encoding, bom_len)) = encoding_rs::Encoding::for_bom(&bytes) {
        if encoding == encoding_rs::UTF_8 {
            // Excel's "CSV UTF-8": damaged bytes become "�" and only their rows are refused.
            bytes.drain(..bom_len);
            let text = String::from_utf8(bytes).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned());
            return Some((text, "UTF-8"));
        }
        let (text, had_errors) = encoding.decode_without_bom_handling(&bytes[bom_len..]);
        return (!had_errors).then(|| (text.into_owned(), encoding.name()));
    }
    if let Some(encoding) = utf16_without_bom(&bytes) {
        let (text, had_errors) = encoding.decode_without_bom_handling(&bytes);
        return (!had_errors).then(|| (text.into_owned(), encoding.name()));
    }
    let bytes = match String::from_utf8(bytes) {
        Ok(text) => return Some((text, "UTF-8")),
        Err(e) => e.into_bytes(),
    };
    let (valid, invalid) = utf8_shape(&bytes);
    if valid >= 10 * invalid {
        return Some((String::from_utf8_lossy(&bytes).into_owned(), "UTF-8"));
    }
    let (text, had_errors) = encoding_rs::GB18030.decode_without_bom_handling(&bytes);
    (!had_errors).then(|| (text.into_owned(), "GB18030"))
}

/// Reads a CSV (or tab-separated) file. `disguised` is the spreadsheet extension of a file
/// that holds no workbook: it is read only if it is plainly text.
fn read_csv(path: &Path, disguised: Option<&str>) -> Result<Table> {
    let not_a_table = |extension: &str| {
        let what = format!("文件内容不是 Excel、WPS 或 CSV 表格（可能是改了扩展名 .{extension} 的其他文件，或已损坏），请选择名单的原始文件");
        refused_file(path, what)
    };
    let (text, encoding) = {
        let bytes = std::fs::read(path)?;
        match (decode(bytes), disguised) {
            (Some(decoded), _) => decoded,
            (None, Some(extension)) => return Err(not_a_table(extension)),
            (None, None) => return Err(unreadable(path, "无法识别文字编码（支持 UTF-8、UTF-16 与 GBK/GB18030）")),
        }
    };
    let binary = |c: char| c == char::REPLACEMENT_CHARACTER || (c.is_control() && !matches!(c, '\t' | '\n' | '\r'));
    if let Some(extension) = disguised.filter(|_| text.chars().any(binary)) {
        return Err(not_a_table(extension));
    }
    tracing::debug!(encoding, "csv decoded");
    // Excel for Mac's "CSV (Macintosh)" ends lines with a lone CR. The csv crate splits records
    // there but counts lines by LF only, so every row would be reported as row 1.
    let bytes = text.as_bytes();
    let lone_cr = bytes.windows(2).any(|w| w[0] == b'\r' && w[1] != b'\n') || bytes.ends_with(b"\r");
    let text = if lone_cr { text.replace("\r\n", "\n").replace('\r', "\n") } else { text };
    let sheet = path.file_stem().and_then(|s| s.to_str()).unwrap_or("CSV").to_string();
    let first_line = text.lines().next().unwrap_or_default();
    let delimiter = if first_line.matches('\t').count() > first_line.matches(',').count() { b'\t' } else { b',' };
    let mut reader =
        csv::ReaderBuilder::new().has_headers(false).flexible(true).delimiter(delimiter).from_reader(text.as_bytes());
    // Excel numbers CSV rows by line and shows blank lines, which the csv crate skips: keep
    // the numbering by line and put the blank rows back, so reports name the right row.
    let mut rows = Vec::new();
    let mut next_line = 1u64;
    let mut cells_held = 0usize;
    for record in reader.records() {
        let record = record.map_err(|e| damaged(path, e))?;
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
        if line > u64::from(MAX_ROWS) {
            return Err(too_many_rows(path, &sheet, line));
        }
        cells_held += record.len();
        if cells_held > MAX_CELLS {
            return Err(too_many_cells(path, &sheet));
        }
        while next_line < line {
            rows.push(Row { number: next_line as u32, cells: Vec::new() });
            next_line += 1;
        }
        let cells = record.iter().map(csv_cell).collect();
        rows.push(Row { number: line as u32, cells });
        next_line = line + 1 + record.iter().map(|f| f.matches('\n').count() as u64).sum::<u64>();
    }
    Ok(Table { sheets: vec![sheet.clone()], sheet, rows })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gbk_csv_is_decoded() {
        let (bytes, _, _) = encoding_rs::GBK.encode("姓名,身份证号\n张三,110105194912310021\n");
        let (text, encoding) = decode(bytes.into_owned()).unwrap();
        assert_eq!(encoding, "GB18030");
        assert!(text.starts_with("姓名"));
    }

    #[test]
    fn utf8_with_bom_is_decoded_without_the_bom() {
        let mut bytes = vec![0xEF, 0xBB, 0xBF];
        bytes.extend("姓名".as_bytes());
        assert_eq!(decode(bytes).unwrap().0, "姓名");
    }

    /// Excel writes rows in order; other programs may not, and a row may even come in two parts.
    #[test]
    fn xlsx_rows_out_of_order_are_read_in_order_with_blank_rows_between() {
        use std::io::Write;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("out-of-order.xlsx");
        let mut zip = zip::ZipWriter::new(std::fs::File::create(&path).unwrap());
        let text = |at: &str, t: &str| format!(r#"<c r="{at}" t="inlineStr"><is><t>{t}</t></is></c>"#);
        let sheet = format!(
            r#"<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>
               <row r="5">{}{}</row><row r="2">{}</row><row r="5">{}{}</row></sheetData></worksheet>"#,
            text("A5", "张三"),
            text("B5", "旧"),
            text("A2", "姓名"),
            text("B5", "新"),
            text("C5", "户主")
        );
        let parts = [
            (
                "[Content_Types].xml",
                r#"<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>"#,
            ),
            (
                "_rels/.rels",
                r#"<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#,
            ),
            (
                "xl/workbook.xml",
                r#"<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="名单" sheetId="1" r:id="rId1"/></sheets></workbook>"#,
            ),
            (
                "xl/_rels/workbook.xml.rels",
                r#"<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>"#,
            ),
            ("xl/worksheets/sheet1.xml", sheet.as_str()),
        ];
        for (name, xml) in parts {
            zip.start_file(name, zip::write::SimpleFileOptions::default()).unwrap();
            zip.write_all(xml.as_bytes()).unwrap();
        }
        zip.finish().unwrap();
        let table = read(&path, None).unwrap();
        let texts = |r: &Row| r.cells.iter().map(Cell::text).collect::<Vec<_>>();
        assert_eq!(table.rows.iter().map(|r| r.number).collect::<Vec<_>>(), [2, 3, 4, 5]);
        assert_eq!(texts(&table.rows[0]), ["姓名"]);
        assert!(table.rows[1].cells.is_empty() && table.rows[2].cells.is_empty());
        assert_eq!(texts(&table.rows[3]), ["张三", "新", "户主"], "the later value of a cell read twice wins");
    }

    #[test]
    fn numbers_read_as_people_write_them() {
        assert_eq!(Cell::Number(101.0).text(), "101");
        assert_eq!(Cell::Number(13812345678.0).text(), "13812345678");
        assert_eq!(Cell::Number(1.5).text(), "1.5");
    }
}
