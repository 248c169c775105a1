//! Printed tables as PDF: A4 pages (portrait or landscape) in the bundled CJK font, with a
//! title block, a table whose header row repeats on every page, group heading rows, text that
//! wraps or ends in "…" inside its cell, and a "第 N 页 / 共 M 页" footer. The roster, sign-up
//! and sign-in sheets and attendance grids are all a [`Sheet`]; a grid too wide for one page is
//! several sheets printed into one file with [`render_all`]. Papers that read as documents (a
//! certificate, a report with several tables) are a [`Document`]: running text, tables and a
//! box for the seal flowing down the pages under the same title block and footer.

mod draw;
mod fonts;
mod layout;

pub use fonts::MISSING_MARK;

use crate::error::Result;
use chrono::NaiveDateTime;
use std::io::Write;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Orientation {
    #[default]
    Portrait,
    Landscape,
}

impl Orientation {
    /// Millimetres between the side margins: what column widths given in millimetres add up to.
    pub fn table_width_mm(self) -> f32 {
        draw::table_width_mm(self)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Align {
    #[default]
    Left,
    Center,
    Right,
}

#[derive(Debug, Clone)]
pub struct Column {
    pub title: String,
    /// Share of the table width, relative to the other columns.
    pub width: f32,
    pub align: Align,
    /// Lines a cell may wrap to; text beyond them ends in "…". 1 means never wrap.
    pub max_lines: usize,
}

impl Column {
    /// A left-aligned column whose text may wrap to two lines.
    pub fn new(title: &str, width: f32) -> Column {
        Column { title: title.into(), width, align: Align::Left, max_lines: 2 }
    }

    pub fn align(self, align: Align) -> Column {
        Column { align, ..self }
    }

    pub fn max_lines(self, max_lines: usize) -> Column {
        Column { max_lines, ..self }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum Row {
    /// A heading across the whole table (网格, 楼栋, 单元, 户); deeper levels are indented.
    Group { level: usize, text: String },
    /// One cell per column.
    Data(Vec<String>),
}

/// Everything printed: page frame, table columns and rows.
#[derive(Debug, Clone)]
pub struct Sheet {
    pub orientation: Orientation,
    pub title: String,
    /// Lines under the title (scope, date and place, counts, masking note), separated by '\n';
    /// the print time goes opposite the last one.
    pub subtitle: String,
    pub printed_at: NaiveDateTime,
    pub columns: Vec<Column>,
    pub rows: Vec<Row>,
    /// Minimum data row height in millimetres, e.g. room to sign; 0 fits the text.
    pub min_row_height_mm: f32,
}

/// A document: the title block on every page, then its blocks one after another, continuing
/// onto further pages as needed.
#[derive(Debug, Clone)]
pub struct Document {
    pub orientation: Orientation,
    pub title: String,
    /// Lines under the title, as in [`Sheet::subtitle`]; the print time goes opposite the last one.
    pub subtitle: String,
    pub printed_at: NaiveDateTime,
    pub blocks: Vec<Block>,
}

#[derive(Debug, Clone)]
pub enum Block {
    /// Running text across the page; long text continues on the next page line by line.
    Text(Text),
    /// A table whose header row is repeated on every page it continues onto.
    Table(Table),
    /// Lines (who issues the paper) beside an empty box for the seal; never split.
    Seal(Seal),
    /// Vertical space in millimetres; none at the top of a page.
    Space(f32),
}

/// The sizes running text comes in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum TextSize {
    /// 8 pt: notes and remarks.
    Small,
    /// 10.5 pt (五号), the body of a document.
    #[default]
    Body,
    /// 12 pt (小四), a section heading.
    Heading,
}

#[derive(Debug, Clone)]
pub struct Text {
    /// Lines separated by '\n'; each wraps to the page width. A paragraph indented two
    /// characters starts with two ideographic spaces ("　　").
    pub text: String,
    pub size: TextSize,
    pub align: Align,
    /// Moved to the next page rather than left alone at the bottom of one, apart from the
    /// start of the block after it (a heading and its table).
    pub keep_with_next: bool,
}

impl Text {
    /// Body text, left aligned.
    pub fn body(text: impl Into<String>) -> Text {
        Text { text: text.into(), size: TextSize::Body, align: Align::Left, keep_with_next: false }
    }

    /// A section heading, kept on the page of what follows it.
    pub fn heading(text: impl Into<String>) -> Text {
        Text { text: text.into(), size: TextSize::Heading, align: Align::Left, keep_with_next: true }
    }

    /// A small note.
    pub fn small(text: impl Into<String>) -> Text {
        Text { text: text.into(), size: TextSize::Small, align: Align::Left, keep_with_next: false }
    }

    pub fn align(self, align: Align) -> Text {
        Text { align, ..self }
    }

    pub fn keep_with_next(self, keep_with_next: bool) -> Text {
        Text { keep_with_next, ..self }
    }
}

/// A table inside a [`Document`]: the same columns and rows as a [`Sheet`]'s.
#[derive(Debug, Clone, Default)]
pub struct Table {
    pub columns: Vec<Column>,
    pub rows: Vec<Row>,
    /// Minimum data row height in millimetres; 0 fits the text.
    pub min_row_height_mm: f32,
}

/// The issuer's lines on the left (出具单位, 负责人, …) and, on the right, an empty dashed box
/// of `size_mm` square with `label` (e.g. "盖章处") in it, where the office stamps the paper.
#[derive(Debug, Clone)]
pub struct Seal {
    pub lines: Vec<String>,
    pub label: String,
    pub size_mm: f32,
}

#[derive(Debug, Clone)]
pub struct PrintedPdf {
    pub bytes: Vec<u8>,
    /// Characters no available font has; they print as "□" and must be written in by hand.
    pub missing_characters: Vec<char>,
    pub pages: usize,
}

impl PrintedPdf {
    /// The file's bytes.
    pub fn bytes(&self) -> &[u8] {
        &self.bytes
    }

    pub fn into_bytes(self) -> Vec<u8> {
        self.bytes
    }

    /// Writes the file's bytes to `writer`. Saving to a path is the ledger's
    /// (`xinghe_ledger::export::SavePdf`): owner-only and atomic, like exports, since an
    /// unmasked roster holds full ID numbers, and never over the open register.
    pub fn write_to(&self, writer: &mut impl Write) -> std::io::Result<()> {
        writer.write_all(&self.bytes)
    }
}

/// Lays the sheet out and renders it with the bundled font, falling back to system fonts for
/// characters the bundled font lacks.
pub fn render(sheet: &Sheet) -> Result<PrintedPdf> {
    render_all(std::slice::from_ref(sheet))
}

/// Several sheets in one file, one after the other, each starting on a new page and with its
/// own header row; pages are numbered through the whole file. The file takes the first
/// sheet's title and print time.
pub fn render_all(sheets: &[Sheet]) -> Result<PrintedPdf> {
    let docs: Vec<draw::Doc> = sheets.iter().map(draw::Doc::from_sheet).collect();
    draw::render(&docs, &fonts::system_font_dirs())
}

/// A document, laid out and rendered like a sheet (same fonts, title block and footer).
pub fn render_document(document: &Document) -> Result<PrintedPdf> {
    render_documents(std::slice::from_ref(document))
}

/// Several documents in one file, each starting on a new page, pages numbered through.
pub fn render_documents(documents: &[Document]) -> Result<PrintedPdf> {
    let docs: Vec<draw::Doc> = documents.iter().map(draw::Doc::from_document).collect();
    draw::render(&docs, &fonts::system_font_dirs())
}

/// A sensitive value as printed: masked (138****1234) unless the print asks for it in full.
pub fn shown(value: Option<&str>, unmasked: bool, mask: fn(&str) -> String) -> String {
    value.map(|v| if unmasked { v.to_string() } else { mask(v) }).unwrap_or_default()
}

/// The subtitle's note on `what` was printed, so whoever holds the paper knows how to keep it.
pub fn privacy_note(what: &str, unmasked: bool) -> String {
    if unmasked {
        format!("含完整{what}，请妥善保管")
    } else {
        format!("{what}已隐去中间位")
    }
}
