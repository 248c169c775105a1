//! Reading a register file into a grid of cells numbered as Excel shows them: .xlsx, .xls and
//! .ods through calamine (merged cells filled down within their range) and .csv in UTF-8 (with
//! or without BOM), UTF-16 or GB18030/GBK, which Chinese Excel writes by default.
//!
//! The reader is chosen by what the file holds, not its name (offices rename files; systems
//! export web pages and text as ".xls"). Size is bounded before anything is held in memory:
//! the file, each unpacked part of a workbook, the rows (`MAX_ROWS`, counted while reading, so
//! a larger sheet is refused before it is read to the end) and the cells (`MAX_CELLS`).

use crate::error::{Error, Result};
use crate::text_file;
use calamine::{Data, DataRef, Dimensions, Range, Reader, Sheets};
use chrono::NaiveDate;
use std::io::Read;
use std::path::Path;

/// The most sheet rows one import reads, title and header rows included. A community's
/// register holds a few thousand to a few tens of thousands of people.
pub const MAX_ROWS: u32 = 100_000;
/// The largest file accepted: a 100,000-row .xlsx is about 4 MB, the same as CSV 7–15 MB.
pub use crate::text_file::MAX_FILE_BYTES;
/// The largest part of an .xlsx/.ods package once unpacked. Shared strings and .ods content
/// are unpacked whole by calamine; worksheets are read as a stream and may be larger.
pub const MAX_UNPACKED_BYTES: u64 = 256 * 1024 * 1024;
pub const MAX_UNPACKED_SHEET_BYTES: u64 = 512 * 1024 * 1024;
/// All parts of one package together, unpacked: the largest sheet and the largest other part
/// with room beside them. Bounds the time a package of many bombs takes to be refused.
pub const MAX_UNPACKED_TOTAL_BYTES: u64 = 1024 * 1024 * 1024;
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

/// What every refusal of a whole file says was not done.
const NOTHING_IMPORTED: &str = "未导入任何内容。请把名单分成几个文件分别导入";

pub fn read(path: &Path, sheet: Option<&str>) -> Result<Table> {
    if !path.exists() {
        return Err(Error::invalid("file", format!("找不到文件 {}", path.display())));
    }
    if path.is_dir() {
        return Err(Error::invalid("file", format!("{} 是一个文件夹，不是文件，请选择其中的表格文件", path.display())));
    }
    let meta = std::fs::metadata(path)?;
    if !meta.is_file() {
        // A pipe or a device (/dev/zero) has no size and cannot be read twice, as a workbook is.
        return Err(refused_file(
            path,
            "这不是保存在磁盘上的文件（而是管道或设备），未导入任何内容。请先把名单保存为文件，再选择该文件导入",
        ));
    }
    let size = meta.len();
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
fn inspect_package(path: &Path, file: Opened) -> Result<&'static str> {
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
        Some(kind) => {
            count_unpacked(path, &mut zip)?;
            Ok(kind)
        }
        None => Err(refused_file(path, "这是一个压缩包，里面没有 Excel 或 WPS 表格。请解压后选择其中的表格文件")),
    }
}

/// A sink that counts what is written to it and finds the largest `uniqueCount="N"` written
/// anywhere in it (the shared strings' declared count, wherever in the part it stands).
#[derive(Default)]
struct Counted {
    bytes: u64,
    most_declared: u64,
    /// The end of the previous write, so a count split across two writes is still found.
    carry: Vec<u8>,
}

impl std::io::Write for Counted {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        const NAME: &[u8] = b"uniqueCount";
        self.bytes += buf.len() as u64;
        let mut window = std::mem::take(&mut self.carry);
        window.extend_from_slice(&buf[..buf.len().min(128)]);
        let scan = |text: &[u8], most: &mut u64| {
            for at in memchr::memmem::find_iter(text, NAME) {
                let rest = &text[at + NAME.len()..];
                let rest = rest.trim_ascii_start().strip_prefix(b"=").unwrap_or_default().trim_ascii_start();
                let digits = rest.get(1..).unwrap_or_default();
                let end = digits.iter().position(|b| !b.is_ascii_digit()).unwrap_or(digits.len());
                // More than 20 digits is beyond any count (and beyond u64): a lie as well.
                let value = match end {
                    0..=20 => std::str::from_utf8(&digits[..end]).ok().and_then(|d| d.parse().ok()).unwrap_or(0),
                    _ => u64::MAX,
                };
                *most = (*most).max(value);
            }
        };
        // The seam between the writes, then this write; a name wholly inside either is found once
        // or twice, which does not change the largest.
        scan(&window, &mut self.most_declared);
        scan(buf, &mut self.most_declared);
        self.carry = buf[buf.len().saturating_sub(128)..].to_vec();
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Unpacks every part of the package once, counting the bytes that come out of the
/// decompressor, and refuses the file at the first part past its limit.
///
/// The zip directory's sizes (checked first, for a quick message) can lie: an .xlsx whose
/// directory said its shared strings were 4 KB unpacked to 1.5 GB inside calamine and aborted
/// the process (memory allocation failed). calamine opens the zip itself and has no hook on
/// what it unpacks, so the parts are unpacked here first, each through `take(limit + 1)` into a
/// counting sink: memory stays at one buffer whatever a part holds, at the cost of unpacking
/// the package twice (milliseconds for a real register). A re-packed, checked copy handed to
/// calamine instead would hold up to the limits in memory or on disk. The file is opened once
/// for this check and for calamine (`read_workbook`), so both read the same bytes.
fn count_unpacked<R: std::io::Read + std::io::Seek>(path: &Path, zip: &mut zip::ZipArchive<R>) -> Result<()> {
    let mut total = 0u64;
    for index in 0..zip.len() {
        let entry = zip.by_index(index).map_err(|e| damaged(path, e))?;
        let (name, declared) = (entry.name().to_string(), entry.size());
        let lower = name.to_ascii_lowercase();
        let limit = if lower.starts_with("xl/worksheets/") { MAX_UNPACKED_SHEET_BYTES } else { MAX_UNPACKED_BYTES };
        let mut sink = Counted::default();
        std::io::copy(&mut entry.take(limit + 1), &mut sink).map_err(|e| damaged(path, e))?;
        if sink.bytes > limit {
            return Err(refused_file(
                path,
                format!(
                    "文件中的“{name}”解压后超过上限 {} MB（压缩包目录中记的是 {}，与实际不符，文件已损坏或被改动过），\
                     未导入任何内容。请把名单分成几个文件分别导入",
                    limit / 1024 / 1024,
                    match declared {
                        0..1_048_576 => format!("{} KB", declared.div_ceil(1024)),
                        _ => format!("{} MB", declared / 1024 / 1024),
                    }
                ),
            ));
        }
        total += sink.bytes;
        if total > MAX_UNPACKED_TOTAL_BYTES {
            return Err(refused_file(
                path,
                format!(
                    "文件中各部分解压后合计超过上限 {} MB，未导入任何内容。请把名单分成几个文件分别导入",
                    MAX_UNPACKED_TOTAL_BYTES / 1024 / 1024
                ),
            ));
        }
        if lower == "xl/sharedstrings.xml" {
            check_declared_strings(path, &sink)?;
        }
    }
    Ok(())
}

/// calamine reserves room for as many shared strings as the part's `uniqueCount` says, before
/// reading one: a count of billions aborts the process as surely as a bomb. Each string takes
/// at least five bytes (`<si/>`), so a count beyond a fifth of the part's size is a lie.
fn check_declared_strings(path: &Path, part: &Counted) -> Result<()> {
    if part.most_declared > part.bytes / 5 {
        return Err(damaged(path, format!("sharedStrings uniqueCount {} in {} bytes", part.most_declared, part.bytes)));
    }
    Ok(())
}

/// The workbook file, opened once: the checks and calamine each get their own handle on the
/// same open file (rewound), so what is checked is what calamine reads.
type Opened = std::io::BufReader<std::fs::File>;

fn read_workbook(path: &Path, content: Content, sheet: Option<&str>) -> Result<Table> {
    let opened = std::fs::File::open(path)?;
    let file = || -> Result<Opened> {
        use std::io::Seek;
        let mut handle = opened.try_clone()?;
        handle.rewind()?;
        Ok(std::io::BufReader::new(handle))
    };
    let mut workbook = match content {
        Content::Ole => {
            check_compound_file(path, file()?)?;
            Sheets::Xls(calamine::Xls::new(file()?).map_err(|e| damaged(path, e))?)
        }
        _ => match inspect_package(path, file()?)? {
            "xlsx" => Sheets::Xlsx(calamine::Xlsx::new(file()?).map_err(|e| damaged(path, e))?),
            "xlsb" => Sheets::Xlsb(calamine::Xlsb::new(file()?).map_err(|e| damaged(path, e))?),
            _ => {
                check_ods_size(path, file()?)?;
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

/// An .xls is an OLE compound file that calamine reads without distrusting it: it follows
/// sector chains without looking for loops (a 2 KB file whose chain points back into itself
/// grows memory without end) and reserves memory from counts the file declares (FAT sectors
/// in the header, a sheet's rows × columns in its DIMENSIONS record) before reading anything:
/// a lie there aborts the process. So the file is first opened with the cfb crate, which checks
/// the structure (every sector used once, no loops, chains within the file); every stream is
/// read through `take` and counted, as the parts of a zip are; and the declared counts are
/// checked against what the format allows. The streams are bounded by the file's 100 MB.
fn check_compound_file(path: &Path, mut file: Opened) -> Result<()> {
    use std::io::{Read, Seek};
    let mut header = [0u8; 512];
    file.read_exact(&mut header).map_err(|e| damaged(path, e))?;
    let u32_at = |at: usize| u32::from_le_bytes(header[at..at + 4].try_into().expect("4 bytes"));
    // calamine's Vec::with_capacity from: FAT sectors (44), the mini FAT (64), DIFAT sectors (72)
    // and a count it reads across offsets 62..66. A real file of 100 MB needs under 200,000.
    let most = MAX_UNPACKED_BYTES / 4;
    if let Some(at) = [44, 62, 64, 72].into_iter().find(|at| u64::from(u32_at(*at)) > most) {
        return Err(damaged(path, format!("compound file header count at {at}: {}", u32_at(at))));
    }
    file.rewind()?;
    let mut compound = cfb::CompoundFile::open(file).map_err(|e| damaged(path, e))?;
    let streams: Vec<std::path::PathBuf> =
        compound.walk().filter(|e| e.is_stream()).map(|e| e.path().to_path_buf()).collect();
    for name in streams {
        let stream = compound.open_stream(&name).map_err(|e| damaged(path, e))?;
        let mut bytes = Vec::new();
        // Reading follows each chain to its end: a chain the checks let through still stops here.
        stream.take(MAX_FILE_BYTES + 1).read_to_end(&mut bytes).map_err(|e| damaged(path, e))?;
        // calamine takes the first of Workbook, Book, WORKBOOK, BOOK.
        let stream_name = name.to_string_lossy().to_ascii_lowercase();
        if matches!(stream_name.as_str(), "/workbook" | "/book") {
            check_xls_dimensions(path, &bytes)?;
        }
    }
    Ok(())
}

/// Every DIMENSIONS record (a sheet's used range) within what .xls allows — 65,536 rows and
/// 256 columns, last after first — since calamine reserves rows × columns cells from it.
fn check_xls_dimensions(path: &Path, stream: &[u8]) -> Result<()> {
    let mut at = 0usize;
    while at + 4 <= stream.len() {
        let kind = u16::from_le_bytes([stream[at], stream[at + 1]]);
        let len = usize::from(u16::from_le_bytes([stream[at + 2], stream[at + 3]]));
        let data = &stream[at + 4..(at + 4 + len).min(stream.len())];
        if kind == 0x0200 {
            let (first_row, last_row, last_column) = match data.len() {
                10 => (
                    u32::from(u16::from_le_bytes([data[0], data[1]])),
                    u32::from(u16::from_le_bytes([data[2], data[3]])),
                    u16::from_le_bytes([data[6], data[7]]),
                ),
                14 => (
                    u32::from_le_bytes(data[0..4].try_into().expect("4 bytes")),
                    u32::from_le_bytes(data[4..8].try_into().expect("4 bytes")),
                    u16::from_le_bytes([data[10], data[11]]),
                ),
                _ => (0, 0, 0),
            };
            if last_row > 65_536 || last_column > 256 || (last_row >= 1 && last_row - 1 < first_row) {
                return Err(damaged(
                    path,
                    format!("xls dimensions rows {first_row}..{last_row}, columns ..{last_column}"),
                ));
            }
        }
        at += 4 + len;
    }
    Ok(())
}

/// calamine reads every sheet of an .ods whole and expands the rows and cells the file stores
/// once with a count (LibreOffice writes a value filled down to row 1,048,576 as one row
/// repeated a million times). Counts them first, so no sheet beyond `MAX_ROWS` or `MAX_CELLS`
/// is ever expanded.
fn check_ods_size(path: &Path, file: Opened) -> Result<()> {
    use quick_xml::events::Event;
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
        Some(rest) if rest.starts_with(crate::workbook::FORMULA_STARTS) || rest.starts_with('\'') => {
            Cell::Text(rest.to_string())
        }
        _ => Cell::Text(field.to_string()),
    }
}

/// Reads a CSV (or tab-separated) file. `disguised` is the spreadsheet extension of a file
/// that holds no workbook: it is read only if it is plainly text.
fn read_csv(path: &Path, disguised: Option<&str>) -> Result<Table> {
    let not_a_table = |extension: &str| {
        let what = format!("文件内容不是 Excel、WPS 或 CSV 表格（可能是改了扩展名 .{extension} 的其他文件，或已损坏），请选择名单的原始文件");
        refused_file(path, what)
    };
    // Counted while reading: the file may have grown since its size was checked.
    let bytes = text_file::read_bounded(path, MAX_FILE_BYTES, NOTHING_IMPORTED)?;
    // The shared decoding of every text file a user hands over; only here a UTF-8 file with a
    // few damaged bytes is read with "�" in their place: the rows holding one are refused and
    // listed, the rest imported (the import is reviewed before it is written).
    let (text, encoding) = match (text_file::decode(bytes), disguised) {
        (Ok(decoded), _) => (decoded.text, decoded.encoding),
        (Err((bad, bytes)), None) => match text_file::lossy_utf8(&bad, bytes) {
            Some(decoded) => (decoded.text, decoded.encoding),
            None => {
                let consequence = "未导入任何内容。请在 Excel 或 WPS 中打开它，另存为“CSV UTF-8”后再导入";
                return Err(Error::invalid("file", bad.message(path, consequence)));
            }
        },
        (Err(_), Some(extension)) => return Err(not_a_table(extension)),
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

    /// The declared count is found wherever the decompressor's chunks split it.
    #[test]
    fn a_declared_string_count_split_across_chunks_is_found() {
        use std::io::Write;
        let text = format!("{}<sst uniqueCount = \"4000000000\"><si><t>x</t></si></sst>", " ".repeat(5000));
        for split in [5000, 5010, 5014, 5020, 5024, 5026] {
            let mut sink = Counted::default();
            sink.write_all(&text.as_bytes()[..split]).unwrap();
            sink.write_all(&text.as_bytes()[split..]).unwrap();
            assert_eq!(sink.most_declared, 4_000_000_000, "split at {split}");
            assert_eq!(sink.bytes, text.len() as u64);
        }
    }

    #[test]
    fn numbers_read_as_people_write_them() {
        assert_eq!(Cell::Number(101.0).text(), "101");
        assert_eq!(Cell::Number(13812345678.0).text(), "13812345678");
        assert_eq!(Cell::Number(1.5).text(), "1.5");
    }
}
