//! Register files for the hostile-input stories, written the way offices and other programs
//! write them — and the way they break: CSV in any encoding, .xlsx from rust_xlsxwriter or
//! assembled by hand (inline strings, formulas with or without a cached value, error cells,
//! streamed to a million rows), a minimal .ods, and a database fingerprint to prove that a
//! refused import changed nothing.

#![allow(dead_code)]

use super::{demo, open};
use std::collections::hash_map::DefaultHasher;
use std::hash::{Hash, Hasher};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use xinghe_ledger::register::import::{ImportOptions, ImportReport};
use xinghe_ledger::values::dates::NaiveDate;
use xinghe_ledger::values::idcard::check_character;
use xinghe_ledger::{Error, Ledger};

pub const HEADER: [&str; 7] = ["姓名", "身份证号", "楼栋", "单元", "房号", "与户主关系", "备注"];

/// A valid ID number, unique for every `n` below 10,000,000.
pub fn id_number(n: u32) -> String {
    let birth = NaiveDate::from_ymd_opt(1930, 1, 1).unwrap() + chrono::Duration::days(i64::from(n / 1000));
    let first17 = format!("430105{}{:03}", birth.format("%Y%m%d"), n % 1000);
    format!("{first17}{}", check_character(first17.as_bytes()))
}

/// Person `n` of a generated register: four people a household, 25 households a unit.
pub fn person(n: u32) -> Vec<String> {
    const SURNAMES: [&str; 6] = ["王", "李", "曹", "司马", "欧阳", "孔"];
    vec![
        format!("{}{n}", SURNAMES[n as usize % SURNAMES.len()]),
        id_number(n),
        format!("{}", n / 600 + 1),
        format!("{}", n / 100 % 6 + 1),
        format!("{}", n % 100 / 4 + 101),
        if n.is_multiple_of(4) { "户主".into() } else { "子".into() },
        String::new(),
    ]
}

/// The header and `people` generated people.
pub fn register(people: u32) -> Vec<Vec<String>> {
    std::iter::once(HEADER.iter().map(|h| h.to_string()).collect()).chain((0..people).map(person)).collect()
}

/// CSV text as Excel writes it (fields quoted when needed).
pub fn csv_text(rows: &[Vec<String>]) -> String {
    let mut writer = csv::WriterBuilder::new().flexible(true).from_writer(Vec::new());
    for row in rows {
        writer.write_record(row).unwrap();
    }
    String::from_utf8(writer.into_inner().unwrap()).unwrap()
}

/// A generated register as UTF-8 CSV, written row by row (a million rows stay cheap).
pub fn write_csv_register(path: &Path, people: u32) {
    let mut out = std::io::BufWriter::new(std::fs::File::create(path).unwrap());
    writeln!(out, "{}", HEADER.join(",")).unwrap();
    for n in 0..people {
        writeln!(out, "{}", person(n).join(",")).unwrap();
    }
    out.flush().unwrap();
}

/// The ways a CSV file's text is encoded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    Utf8,
    Utf8Bom,
    Utf16LeBom,
    Utf16BeBom,
    Utf16Le,
    Utf16Be,
    Gb18030,
}

pub const ENCODINGS: [Encoding; 7] = [
    Encoding::Utf8,
    Encoding::Utf8Bom,
    Encoding::Utf16LeBom,
    Encoding::Utf16BeBom,
    Encoding::Utf16Le,
    Encoding::Utf16Be,
    Encoding::Gb18030,
];

pub fn encode(text: &str, encoding: Encoding) -> Vec<u8> {
    let utf16 = |big_endian: bool| -> Vec<u8> {
        text.encode_utf16().flat_map(|u| if big_endian { u.to_be_bytes() } else { u.to_le_bytes() }).collect()
    };
    match encoding {
        Encoding::Utf8 => text.as_bytes().to_vec(),
        Encoding::Utf8Bom => [&[0xEF, 0xBB, 0xBF][..], text.as_bytes()].concat(),
        Encoding::Utf16LeBom => [vec![0xFF, 0xFE], utf16(false)].concat(),
        Encoding::Utf16BeBom => [vec![0xFE, 0xFF], utf16(true)].concat(),
        Encoding::Utf16Le => utf16(false),
        Encoding::Utf16Be => utf16(true),
        Encoding::Gb18030 => {
            let (bytes, _, unmappable) = encoding_rs::GB18030.encode(text);
            assert!(!unmappable, "GB18030 covers all of Unicode");
            bytes.into_owned()
        }
    }
}

/// A normal .xlsx written by rust_xlsxwriter (shared strings, styles), every cell text.
pub fn write_xlsx(path: &Path, rows: &[Vec<String>]) {
    let mut workbook = rust_xlsxwriter::Workbook::new();
    let sheet = workbook.add_worksheet();
    sheet.set_name("居民名单").unwrap();
    for (r, row) in rows.iter().enumerate() {
        for (c, text) in row.iter().enumerate() {
            if !text.is_empty() {
                sheet.write_string(r as u32, c as u16, text).unwrap();
            }
        }
    }
    workbook.save(path).unwrap();
}

/// Excel's column letters: 0 → A, 25 → Z, 26 → AA, 16383 → XFD.
pub fn column_letters(mut column: u32) -> String {
    let mut letters = Vec::new();
    loop {
        letters.push(b'A' + (column % 26) as u8);
        if column < 26 {
            break;
        }
        column = column / 26 - 1;
    }
    letters.reverse();
    String::from_utf8(letters).unwrap()
}

pub fn xml_escape(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

/// One hand-written .xlsx cell.
#[derive(Debug, Clone)]
pub enum XCell {
    Text(String),
    /// A formula and the value Excel cached when it last calculated (None: never calculated).
    Formula(String, Option<String>),
    /// A formula whose cached value is an error such as #REF!.
    Error(String),
}

pub fn text_cell(text: &str) -> XCell {
    XCell::Text(text.to_string())
}

pub fn cell_xml(row: u32, column: u32, cell: &XCell) -> String {
    let at = format!("{}{}", column_letters(column), row + 1);
    match cell {
        XCell::Text(text) => format!(r#"<c r="{at}" t="inlineStr"><is><t>{}</t></is></c>"#, xml_escape(text)),
        XCell::Formula(formula, Some(value)) => {
            format!(r#"<c r="{at}" t="str"><f>{}</f><v>{}</v></c>"#, xml_escape(formula), xml_escape(value))
        }
        XCell::Formula(formula, None) => format!(r#"<c r="{at}"><f>{}</f></c>"#, xml_escape(formula)),
        XCell::Error(value) => format!(r#"<c r="{at}" t="e"><f>{value}</f><v>{value}</v></c>"#),
    }
}

fn zip_options() -> zip::write::SimpleFileOptions {
    zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .compression_level(Some(1))
        .large_file(true)
}

/// A minimal .xlsx assembled by hand; `sheet_data` writes the rows inside `<sheetData>`.
pub fn write_raw_xlsx(path: &Path, sheet_data: impl FnOnce(&mut dyn Write)) {
    let mut zip = zip::ZipWriter::new(std::io::BufWriter::new(std::fs::File::create(path).unwrap()));
    let parts: [(&str, &str); 4] = [
        (
            "[Content_Types].xml",
            r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>"#,
        ),
        (
            "_rels/.rels",
            r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#,
        ),
        (
            "xl/workbook.xml",
            r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="名单" sheetId="1" r:id="rId1"/></sheets></workbook>"#,
        ),
        (
            "xl/_rels/workbook.xml.rels",
            r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>"#,
        ),
    ];
    for (name, xml) in parts {
        zip.start_file(name, zip_options()).unwrap();
        zip.write_all(xml.as_bytes()).unwrap();
    }
    zip.start_file("xl/worksheets/sheet1.xml", zip_options()).unwrap();
    zip.write_all(br#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>"#).unwrap();
    {
        let mut out = std::io::BufWriter::with_capacity(1 << 16, &mut zip);
        sheet_data(&mut out);
        out.flush().unwrap();
    }
    zip.write_all(b"</sheetData></worksheet>").unwrap();
    zip.finish().unwrap().flush().unwrap();
}

/// Writes rows of hand-made cells (row 0 is Excel's row 1).
pub fn write_cells_xlsx(path: &Path, rows: &[Vec<XCell>]) {
    write_raw_xlsx(path, |out| {
        for (r, row) in rows.iter().enumerate() {
            write!(out, r#"<row r="{}">"#, r + 1).unwrap();
            for (c, cell) in row.iter().enumerate() {
                out.write_all(cell_xml(r as u32, c as u32, cell).as_bytes()).unwrap();
            }
            out.write_all(b"</row>").unwrap();
        }
    });
}

/// A generated register as a hand-made .xlsx with inline strings, streamed row by row.
pub fn write_xlsx_register(path: &Path, people: u32) {
    write_raw_xlsx(path, |out| {
        let mut write_row = |r: u32, cells: &[String]| {
            write!(out, r#"<row r="{}">"#, r + 1).unwrap();
            for (c, text) in cells.iter().enumerate().filter(|(_, t)| !t.is_empty()) {
                out.write_all(cell_xml(r, c as u32, &XCell::Text(text.clone())).as_bytes()).unwrap();
            }
            out.write_all(b"</row>").unwrap();
        };
        write_row(0, &HEADER.map(String::from));
        for n in 0..people {
            write_row(n + 1, &person(n));
        }
    });
}

/// A minimal .ods (what WPS and LibreOffice save) with every cell a string.
pub fn write_ods(path: &Path, rows: &[Vec<String>]) {
    let mut xml = String::new();
    for row in rows {
        xml.push_str("<table:table-row>");
        for text in row {
            xml.push_str(&ods_cell(text, 1));
        }
        xml.push_str("</table:table-row>");
    }
    write_ods_table(path, &xml);
}

/// One .ods cell, repeated `columns` times (blank when `text` is empty).
pub fn ods_cell(text: &str, columns: u32) -> String {
    let repeat = if columns > 1 { format!(r#" table:number-columns-repeated="{columns}""#) } else { String::new() };
    if text.is_empty() {
        format!("<table:table-cell{repeat}/>")
    } else {
        format!(
            r#"<table:table-cell{repeat} office:value-type="string"><text:p>{}</text:p></table:table-cell>"#,
            xml_escape(text)
        )
    }
}

/// An .ods whose one sheet holds `rows_xml` (table-row elements, repeats and all).
pub fn write_ods_table(path: &Path, rows_xml: &str) {
    let mut zip = zip::ZipWriter::new(std::fs::File::create(path).unwrap());
    let stored = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    zip.start_file("mimetype", stored).unwrap();
    zip.write_all(b"application/vnd.oasis.opendocument.spreadsheet").unwrap();
    zip.start_file("META-INF/manifest.xml", zip_options()).unwrap();
    zip.write_all(br#"<?xml version="1.0" encoding="UTF-8"?><manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2"><manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/><manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/></manifest:manifest>"#).unwrap();
    zip.start_file("content.xml", zip_options()).unwrap();
    zip.write_all(r#"<?xml version="1.0" encoding="UTF-8"?><office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2"><office:body><office:spreadsheet><table:table table:name="名单">"#.as_bytes()).unwrap();
    zip.write_all(rows_xml.as_bytes()).unwrap();
    zip.write_all(b"</table:table></office:spreadsheet></office:body></office:document-content>").unwrap();
    zip.finish().unwrap();
}

/// A zip package holding the given parts (a Word document, a zip of photos …).
pub fn write_zip(path: &Path, parts: &[(&str, &[u8])]) {
    let mut zip = zip::ZipWriter::new(std::fs::File::create(path).unwrap());
    for (name, bytes) in parts {
        zip.start_file(*name, zip_options()).unwrap();
        zip.write_all(bytes).unwrap();
    }
    zip.finish().unwrap();
}

/// Everything the database holds, as row counts per table and one hash over every value:
/// equal fingerprints mean the register is exactly as it was.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fingerprint {
    pub rows: Vec<(String, i64)>,
    pub hash: u64,
}

pub fn fingerprint(db: &Path) -> Fingerprint {
    let conn = rusqlite::Connection::open_with_flags(db, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY).unwrap();
    let tables: Vec<String> = conn
        .prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    let mut hasher = DefaultHasher::new();
    let mut rows = Vec::new();
    for table in tables {
        let mut stmt = conn.prepare(&format!("SELECT * FROM \"{table}\"")).unwrap();
        let columns = stmt.column_count();
        let mut count = 0;
        let mut result = stmt.query([]).unwrap();
        while let Some(row) = result.next().unwrap() {
            count += 1;
            for c in 0..columns {
                format!("{:?}", row.get_ref(c).unwrap()).hash(&mut hasher);
            }
        }
        rows.push((table, count));
    }
    Fingerprint { rows, hash: hasher.finish() }
}

pub fn residents_count(db: &Path) -> i64 {
    fingerprint(db).rows.iter().find(|(t, _)| t == "residents").map(|(_, n)| *n).unwrap_or(0)
}

/// The database file's bytes and its write-ahead log's, to show a refusal touched neither.
pub fn file_bytes(db: &Path) -> (Vec<u8>, Vec<u8>) {
    let wal = db.with_file_name(format!("{}-wal", db.file_name().unwrap().to_string_lossy()));
    (std::fs::read(db).unwrap(), std::fs::read(wal).unwrap_or_default())
}

/// Peak resident memory of this process so far, in kB (Linux: VmHWM in /proc/self/status).
pub fn peak_rss_kb() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// A register with data in every table (the demo community), made once and copied per case.
pub fn template() -> &'static Path {
    static TEMPLATE: OnceLock<(tempfile::TempDir, PathBuf)> = OnceLock::new();
    let (_, path) = TEMPLATE.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("template.db");
        drop(demo(&path, 100, 5));
        (dir, path)
    });
    path
}

pub struct Office {
    pub dir: tempfile::TempDir,
    pub db: PathBuf,
    pub ledger: Ledger,
}

impl Office {
    pub fn new() -> Office {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("register.db");
        std::fs::copy(template(), &db).unwrap();
        let ledger = open(&db);
        Office { dir, db, ledger }
    }

    pub fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    /// Imports `file` and checks the promise whatever happened: a refused import leaves the
    /// database byte for byte and row for row as it was; an accepted one accounts for every
    /// data row and adds exactly the residents it reports.
    pub fn import(&mut self, file: &Path) -> Result<ImportReport, Error> {
        let before = fingerprint(&self.db);
        let (bytes_before, _) = file_bytes(&self.db);
        let residents = residents_count(&self.db);
        let result = self.ledger.import_file(file, &ImportOptions::default(), &mut |_| {});
        match &result {
            Err(_) => {
                assert_eq!(fingerprint(&self.db), before, "a refused import changed the register");
                assert!(file_bytes(&self.db).0 == bytes_before, "a refused import changed the database file");
            }
            Ok(report) => {
                let written = report.residents_created + report.residents_updated + report.residents_unchanged;
                assert_eq!(report.data_rows as usize, written as usize + report.rejected_rows.len(), "{report:?}");
                assert_eq!(residents_count(&self.db), residents + i64::from(report.residents_created));
            }
        }
        result
    }

    pub fn names(&self) -> Vec<String> {
        let conn = rusqlite::Connection::open(&self.db).unwrap();
        let mut stmt = conn.prepare("SELECT name FROM residents ORDER BY id").unwrap();
        stmt.query_map([], |r| r.get(0)).unwrap().collect::<Result<_, _>>().unwrap()
    }
}

/// A raw deflate stream (RFC 1951: one block of fixed Huffman codes) that unpacks to `prefix`
/// and then `repeats` bytes "A" — a literal, then copies of 258 bytes from one byte back, 13
/// bits each. Made by hand: compressing 1.5 GB with the zip crate takes minutes in a debug build.
pub fn deflate_repeating(prefix: &[u8], repeats: u64) -> Vec<u8> {
    let (mut out, mut bits, mut held) = (Vec::new(), 0u64, 0u32);
    let mut put = |value: u32, count: u32| {
        bits |= u64::from(value) << held;
        held += count;
        while held >= 8 {
            out.push(bits as u8);
            bits >>= 8;
            held -= 8;
        }
    };
    // Huffman codes go most significant bit first into a stream filled from the lowest bit.
    let code = |code: u32, count: u32| (code.reverse_bits() >> (32 - count), count);
    let literal = |byte: u8| match byte {
        0..=143 => code(0x30 + u32::from(byte), 8),
        _ => code(0x190 + u32::from(byte) - 144, 9),
    };
    put(1, 1); // the last block
    put(1, 2); // fixed Huffman codes
    for byte in prefix.iter().copied().chain([b'A']) {
        let (value, count) = literal(byte);
        put(value, count);
    }
    let mut left = repeats - 1;
    let (copy_258, from_one_back) = (code(0xC0 + 5, 8), code(0, 5));
    while left >= 258 {
        put(copy_258.0, copy_258.1);
        put(from_one_back.0, from_one_back.1);
        left -= 258;
    }
    for _ in 0..left {
        let (value, count) = literal(b'A');
        put(value, count);
    }
    let end_of_block = code(0, 7);
    put(end_of_block.0, end_of_block.1);
    put(0, 7); // to the byte boundary
    out
}

/// The parts of an .xlsx with one sheet whose A1 is shared string 0; the shared strings
/// (xl/sharedStrings.xml) are left to the caller.
pub fn minimal_xlsx_parts() -> Vec<(&'static str, &'static str)> {
    vec![
        (
            "[Content_Types].xml",
            r#"<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="xml" ContentType="application/xml"/></Types>"#,
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
            r#"<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>"#,
        ),
        (
            "xl/worksheets/sheet1.xml",
            r#"<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData><row r="1"><c r="A1" t="s"><v>0</v></c></row></sheetData></worksheet>"#,
        ),
    ]
}

/// A package (`xlsx` or `ods`) whose `part` unpacks to `unpacked` bytes while its zip directory
/// says 4 KB. A real zip is written with the zip crate, holding the part's deflate stream as a
/// stored part; then the part's method (stored → deflated) and uncompressed size are patched
/// in its local header and in the central directory, as a tampered file would have them.
pub fn write_lying_package(path: &Path, format: &str, unpacked: u64) -> &'static str {
    let (part, parts): (&str, Vec<(&str, &str)>) = match format {
        "xlsx" => ("xl/sharedStrings.xml", minimal_xlsx_parts()),
        _ => (
            "content.xml",
            vec![
                ("mimetype", "application/vnd.oasis.opendocument.spreadsheet"),
                (
                    "META-INF/manifest.xml",
                    r#"<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0"><manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/></manifest:manifest>"#,
                ),
            ],
        ),
    };
    let prefix = match format {
        "xlsx" => r#"<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" uniqueCount="1"><si><t>"#,
        _ => {
            r#"<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"><office:body><office:spreadsheet><table:table table:name="名单"><table:table-row><table:table-cell office:value-type="string"><text:p>"#
        }
    };
    let stream = deflate_repeating(prefix.as_bytes(), unpacked - prefix.len() as u64);
    let mut zip = zip::ZipWriter::new(std::fs::File::create(path).unwrap());
    let stored = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    for (name, xml) in parts {
        zip.start_file(name, stored).unwrap();
        zip.write_all(xml.as_bytes()).unwrap();
    }
    zip.start_file(part, stored).unwrap();
    zip.write_all(&stream).unwrap();
    zip.finish().unwrap();
    let mut bytes = std::fs::read(path).unwrap();
    let name = part.as_bytes();
    let mut patched = 0;
    for at in 0..bytes.len().saturating_sub(46) {
        let name_len = |offset: usize| usize::from(u16::from_le_bytes([bytes[at + offset], bytes[at + offset + 1]]));
        // (signature, where the method, the uncompressed size, the name length and the name are)
        let fields = if bytes[at..].starts_with(b"PK\x03\x04") {
            (8, 22, 26, 30)
        } else if bytes[at..].starts_with(b"PK\x01\x02") {
            (10, 24, 28, 46)
        } else {
            continue;
        };
        let (method, size, length, name_at) = fields;
        if name_len(length) == name.len() && bytes[at + name_at..].starts_with(name) {
            bytes[at + method..at + method + 2].copy_from_slice(&8u16.to_le_bytes());
            bytes[at + size..at + size + 4].copy_from_slice(&4096u32.to_le_bytes());
            patched += 1;
        }
    }
    assert_eq!(patched, 2, "the local header and the central directory entry");
    std::fs::write(path, bytes).unwrap();
    part
}

/// A small real compound file (.xls container) with one Workbook stream, version 3 (512-byte
/// sectors, so sector n starts at 512 × (n + 1)).
pub fn compound_file_bytes() -> Vec<u8> {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("book.xls");
    let mut compound =
        cfb::CompoundFile::create_with_version(cfb::Version::V3, std::fs::File::create(&path).unwrap()).unwrap();
    let mut stream = compound.create_stream("/Workbook").unwrap();
    stream.write_all(&[0u8; 8192]).unwrap();
    drop(stream);
    compound.flush().unwrap();
    drop(compound);
    std::fs::read(&path).unwrap()
}

/// The compound file with its directory chain pointed back at itself: a reader that follows
/// chains without looking for loops never reaches the end.
pub fn looping_compound_file() -> Vec<u8> {
    let mut bytes = compound_file_bytes();
    let u32_at = |bytes: &[u8], at: usize| u32::from_le_bytes(bytes[at..at + 4].try_into().unwrap()) as usize;
    let (fat_sector, directory) = (u32_at(&bytes, 76), u32_at(&bytes, 48));
    let entry = 512 * (fat_sector + 1) + 4 * directory;
    bytes[entry..entry + 4].copy_from_slice(&(directory as u32).to_le_bytes());
    bytes
}

/// A minimal .xls: a compound file whose Workbook stream holds the workbook globals (BOF, one
/// sheet, EOF) and one sheet with nothing but its DIMENSIONS record — rows `first_row` up to
/// (not including) `end_row`, columns up to `end_column`.
pub fn xls_with_dimensions(first_row: u32, end_row: u32, end_column: u16) -> Vec<u8> {
    let record = |kind: u16, data: &[u8]| {
        let mut bytes = kind.to_le_bytes().to_vec();
        bytes.extend((data.len() as u16).to_le_bytes());
        bytes.extend(data);
        bytes
    };
    let bof = |kind: u16| record(0x0809, &[&0x0600u16.to_le_bytes()[..], &kind.to_le_bytes(), &[0; 12]].concat());
    let sheet_name = [2u8, 0, b'S', b'1'];
    let globals_len = bof(5).len() + record(0x0085, &[&[0u8; 6][..], &sheet_name].concat()).len() + 4;
    let mut stream = bof(5);
    stream.extend(record(0x0085, &[&(globals_len as u32).to_le_bytes()[..], &[0, 0], &sheet_name].concat()));
    stream.extend(record(0x000A, &[]));
    stream.extend(bof(0x10));
    let dimensions =
        [&first_row.to_le_bytes()[..], &end_row.to_le_bytes(), &0u16.to_le_bytes(), &end_column.to_le_bytes(), &[0, 0]]
            .concat();
    stream.extend(record(0x0200, &dimensions));
    stream.extend(record(0x000A, &[]));
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("book.xls");
    let mut compound =
        cfb::CompoundFile::create_with_version(cfb::Version::V3, std::fs::File::create(&path).unwrap()).unwrap();
    compound.create_stream("/Workbook").unwrap().write_all(&stream).unwrap();
    compound.flush().unwrap();
    drop(compound);
    std::fs::read(&path).unwrap()
}
