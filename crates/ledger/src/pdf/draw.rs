//! Renders a [`Sheet`]: measures and fits every cell, paginates, then draws each page (title
//! block, shading, rules, text placed with absolute text matrices, footer) with the total page
//! count known, and saves one subset font per face used.

use super::fonts::Fonts;
use super::layout::{fit_lines, paginate, RowBox, Slot};
use super::{Align, Orientation, PrintedPdf, Row, Sheet};
use crate::error::{Error, Result};
use chrono::{Datelike, NaiveDateTime, Offset, TimeZone, Timelike};
use printpdf::{
    Codepoint, Color, FontId, Greyscale, Line, LinePoint, Op, PaintMode, PdfDocument, PdfFontHandle, PdfPage,
    PdfSaveOptions, Point, Pt, Rect, TextItem, TextMatrix, WindingOrder,
};
use std::path::PathBuf;

const MM: f32 = 72.0 / 25.4;
const A4: (f32, f32) = (210.0 * MM, 297.0 * MM);
const MARGIN: f32 = 12.0 * MM;
const TITLE_SIZE: f32 = 15.0;
const TEXT_SIZE: f32 = 9.0;
const SMALL_SIZE: f32 = 8.0;
/// Line height as a multiple of the font size.
const LEADING: f32 = 1.3;
const PAD_X: f32 = 2.5;
const PAD_Y: f32 = 2.5;
/// Noto Sans CJK's ascender: the baseline sits this far (in em) below the top of the em box.
const ASCENT: f32 = 0.88;
const RULE_WIDTH: f32 = 0.5;
const HEADER_SHADE: f32 = 0.88;
/// Group headings get lighter with depth (网格 darkest, 户 lightest).
const GROUP_SHADES: [f32; 4] = [0.80, 0.86, 0.91, 0.955];
const CONTINUED: &str = "（续）";

fn line_height(size: f32) -> f32 {
    size * LEADING
}

/// Characters the frame prints besides the sheet's own text (print time, page numbers).
const FRAME_TEXT: &str = "打印时间：0123456789-: 第页/共（续）…";

/// A row after its text has been fitted to the column widths.
enum Fitted {
    Group { level: usize, line: String },
    Data(Vec<Vec<String>>),
}

struct FittedRow {
    row: Fitted,
    height: f32,
}

/// Millimetres between the side margins of an A4 page in this orientation.
pub(super) fn table_width_mm(orientation: Orientation) -> f32 {
    (page_size(orientation).0 - 2.0 * MARGIN) / MM
}

fn page_size(orientation: Orientation) -> (f32, f32) {
    match orientation {
        Orientation::Portrait => A4,
        Orientation::Landscape => (A4.1, A4.0),
    }
}

/// One sheet measured and cut into pages, before anything is drawn.
struct LaidOut<'a> {
    sheet: &'a Sheet,
    frame: Frame,
    header: Vec<Vec<String>>,
    header_height: f32,
    rows: Vec<FittedRow>,
    pages: Vec<Vec<Slot>>,
}

pub(super) fn render(sheets: &[Sheet], fallback_dirs: &[PathBuf]) -> Result<PrintedPdf> {
    let Some(first) = sheets.first() else {
        return Err(Error::Refused("没有可打印的内容".into()));
    };
    let mut fonts = Fonts::load(sheets.iter().flat_map(sheet_chars).flat_map(str::chars), fallback_dirs)?;
    // Every sheet is laid out before any page is drawn: each footer needs the file's page count.
    let laid: Vec<LaidOut> = sheets.iter().map(|sheet| lay_out(&mut fonts, sheet)).collect();
    let total: usize = laid.iter().map(|l| l.pages.len()).sum();
    let mut pages = Vec::with_capacity(total);
    for sheet in &laid {
        for page_slots in &sheet.pages {
            pages.push(draw_page(&mut fonts, sheet, page_slots, pages.len() + 1, total));
        }
    }
    save(first, fonts, pages)
}

/// Every piece of text the sheet prints, so the fonts are resolved once, up front.
fn sheet_chars(sheet: &Sheet) -> impl Iterator<Item = &str> {
    let texts = sheet.rows.iter().flat_map(|row| match row {
        Row::Group { text, .. } => std::slice::from_ref(text),
        Row::Data(cells) => cells.as_slice(),
    });
    [sheet.title.as_str(), &sheet.subtitle, FRAME_TEXT]
        .into_iter()
        .chain(sheet.columns.iter().map(|c| c.title.as_str()))
        .chain(texts.map(String::as_str))
}

fn lay_out<'a>(fonts: &mut Fonts, sheet: &'a Sheet) -> LaidOut<'a> {
    let frame = Frame::new(sheet);
    let header = fit_cells(fonts, &frame, sheet.columns.iter().map(|c| (c.title.as_str(), 2)));
    let header_height = cells_height(&header, 0.0);
    let min_height = sheet.min_row_height_mm * MM;
    let rows: Vec<FittedRow> = sheet.rows.iter().map(|row| fit_row(fonts, &frame, row, min_height)).collect();
    let boxes: Vec<RowBox> =
        rows.iter().map(|r| RowBox { group: matches!(r.row, Fitted::Group { .. }), height: r.height }).collect();
    let body_top = frame.table_top + header_height;
    let pages = paginate(&boxes, frame.body_bottom - body_top);
    LaidOut { sheet, frame, header, header_height, rows, pages }
}

fn draw_page(fonts: &mut Fonts, laid: &LaidOut, slots: &[Slot], number: usize, total: usize) -> PdfPage {
    let frame = &laid.frame;
    let mut page = PageOps::new(frame);
    frame.draw_title_block(&mut page, fonts, laid.sheet);
    let mut table = TableOps::new(frame, frame.table_top);
    table.cells_row(&mut page, fonts, &laid.header, laid.header_height, true);
    for slot in slots {
        let (row, continued) = match *slot {
            Slot::Row(i) => (&laid.rows[i], false),
            Slot::Continued(i) => (&laid.rows[i], true),
        };
        match &row.row {
            Fitted::Group { level, line } => {
                let text = if continued { continued_line(fonts, frame, *level, line) } else { line.clone() };
                table.group_row(&mut page, fonts, *level, &text, row.height);
            }
            Fitted::Data(cells) => table.cells_row(&mut page, fonts, cells, row.height, false),
        }
    }
    table.rules(&mut page);
    let footer = format!("第 {number} 页 / 共 {total} 页");
    let footer_top = frame.height - MARGIN - line_height(SMALL_SIZE);
    page.text_in(fonts, (frame.left, frame.right), footer_top, SMALL_SIZE, &footer, Align::Center);
    page.finish(frame)
}

/// Page size and the fixed vertical bands of every page, in points from the top-left corner.
struct Frame {
    width: f32,
    height: f32,
    left: f32,
    right: f32,
    /// Left edge of each column, then the table's right edge.
    column_x: Vec<f32>,
    aligns: Vec<Align>,
    max_lines: Vec<usize>,
    table_top: f32,
    body_bottom: f32,
}

impl Frame {
    fn new(sheet: &Sheet) -> Frame {
        let (width, height) = page_size(sheet.orientation);
        let (left, right) = (MARGIN, width - MARGIN);
        let total: f32 = sheet.columns.iter().map(|c| c.width.max(0.0)).sum::<f32>().max(f32::EPSILON);
        let mut column_x = vec![left];
        for column in &sheet.columns {
            column_x.push(column_x.last().unwrap() + column.width.max(0.0) / total * (right - left));
        }
        let subtitle_lines = sheet.subtitle.lines().count().max(1) as f32;
        let table_top = MARGIN + line_height(TITLE_SIZE) + subtitle_lines * line_height(SMALL_SIZE) + 3.0 * MM;
        let body_bottom = height - MARGIN - line_height(SMALL_SIZE) - 2.0 * MM;
        Frame {
            width,
            height,
            left,
            right,
            column_x,
            aligns: sheet.columns.iter().map(|c| c.align).collect(),
            max_lines: sheet.columns.iter().map(|c| c.max_lines).collect(),
            table_top,
            body_bottom,
        }
    }

    fn cell_width(&self, column: usize) -> f32 {
        self.column_x[column + 1] - self.column_x[column] - 2.0 * PAD_X
    }

    fn group_indent(level: usize) -> f32 {
        PAD_X + level.min(GROUP_SHADES.len() - 1) as f32 * TEXT_SIZE
    }

    fn draw_title_block(&self, page: &mut PageOps, fonts: &mut Fonts, sheet: &Sheet) {
        let span = (self.left, self.right);
        let title = fit_one_line(fonts, &sheet.title, self.right - self.left, TITLE_SIZE);
        page.text_in(fonts, span, MARGIN, TITLE_SIZE, &title, Align::Center);
        let time = format!("打印时间：{}", sheet.printed_at.format("%Y-%m-%d %H:%M"));
        let lines: Vec<&str> = if sheet.subtitle.is_empty() { vec![""] } else { sheet.subtitle.lines().collect() };
        for (n, line) in lines.iter().enumerate() {
            let top = MARGIN + line_height(TITLE_SIZE) + n as f32 * line_height(SMALL_SIZE);
            let mut room = self.right - self.left;
            if n + 1 == lines.len() {
                page.text_in(fonts, span, top, SMALL_SIZE, &time, Align::Right);
                room -= (fonts.width(&time) + 2.0) * SMALL_SIZE;
            }
            let line = fit_one_line(fonts, line, room, SMALL_SIZE);
            page.text_in(fonts, span, top, SMALL_SIZE, &line, Align::Left);
        }
    }
}

fn fit_one_line(fonts: &mut Fonts, text: &str, width: f32, size: f32) -> String {
    fit_lines(text, width / size, 1, &mut |c| fonts.glyph(c).advance).remove(0)
}

fn fit_cells<'a>(fonts: &mut Fonts, frame: &Frame, cells: impl Iterator<Item = (&'a str, usize)>) -> Vec<Vec<String>> {
    cells
        .enumerate()
        .take(frame.column_x.len() - 1)
        .map(|(i, (text, max_lines))| {
            fit_lines(text, frame.cell_width(i) / TEXT_SIZE, max_lines, &mut |c| fonts.glyph(c).advance)
        })
        .collect()
}

fn cells_height(cells: &[Vec<String>], min_height: f32) -> f32 {
    let lines = cells.iter().map(Vec::len).max().unwrap_or(1).max(1);
    (lines as f32 * line_height(TEXT_SIZE) + 2.0 * PAD_Y).max(min_height)
}

fn fit_row(fonts: &mut Fonts, frame: &Frame, row: &Row, min_height: f32) -> FittedRow {
    match row {
        Row::Group { level, text } => {
            let room = frame.right - frame.left - Frame::group_indent(*level) - PAD_X;
            let line = fit_one_line(fonts, text, room, TEXT_SIZE);
            FittedRow { row: Fitted::Group { level: *level, line }, height: cells_height(&[], 0.0) }
        }
        Row::Data(cells) => {
            let texts =
                (0..frame.max_lines.len()).map(|i| (cells.get(i).map_or("", String::as_str), frame.max_lines[i]));
            let cells = fit_cells(fonts, frame, texts);
            let height = cells_height(&cells, min_height);
            FittedRow { row: Fitted::Data(cells), height }
        }
    }
}

/// A heading repeated at the top of a page, marked "（续）" and still on one line.
fn continued_line(fonts: &mut Fonts, frame: &Frame, level: usize, line: &str) -> String {
    let room = frame.right - frame.left - Frame::group_indent(level) - PAD_X;
    let suffix = fonts.width(CONTINUED) * TEXT_SIZE;
    format!("{}{CONTINUED}", fit_one_line(fonts, line.trim_end_matches('…'), room - suffix, TEXT_SIZE))
}

/// The ops of one page, kept in three layers so shading never covers rules or text.
struct PageOps {
    height: f32,
    fills: Vec<Op>,
    rules: Vec<Op>,
    text: Vec<Op>,
    /// The (face, size) the text layer last selected.
    font: Option<(usize, f32)>,
}

impl PageOps {
    fn new(frame: &Frame) -> PageOps {
        PageOps { height: frame.height, fills: Vec::new(), rules: Vec::new(), text: Vec::new(), font: None }
    }

    /// Page coordinates from the bottom-left corner, rounded to 1/100 pt: finer is invisible
    /// and only makes the content streams longer and less compressible.
    fn point(&self, x: f32, y: f32) -> Point {
        let round = |v: f32| (v * 100.0).round() / 100.0;
        Point { x: Pt(round(x)), y: Pt(round(self.height - y)) }
    }

    /// Draws one line of text whose line box starts at `top`, aligned within `span`.
    fn text_in(&mut self, fonts: &mut Fonts, span: (f32, f32), top: f32, size: f32, text: &str, align: Align) {
        if text.is_empty() {
            return;
        }
        let width = fonts.width(text) * size;
        let mut x = match align {
            Align::Left => span.0,
            Align::Center => (span.0 + span.1 - width) / 2.0,
            Align::Right => span.1 - width,
        };
        let baseline = top + (line_height(size) - size) / 2.0 + ASCENT * size;
        for (face, run) in fonts.runs(text) {
            if self.font != Some((face, size)) {
                self.text.push(Op::SetFont { font: face_handle(face), size: Pt(size) });
                self.font = Some((face, size));
            }
            let at = self.point(x, baseline);
            self.text.push(Op::SetTextMatrix { matrix: TextMatrix::Translate(at.x, at.y) });
            x += fonts.width(&run) * size;
            // Glyph ids we already resolved, each carrying its text for copying out: printpdf
            // would otherwise look every character up in the font's cmap twice more.
            let glyphs = run.chars().map(|c| Codepoint::with_cid(fonts.glyph(c).id, 0.0, c.to_string())).collect();
            self.text.push(Op::ShowText { items: vec![TextItem::GlyphIds(glyphs)] });
        }
    }

    fn fill(&mut self, x: f32, top: f32, width: f32, height: f32, grey: f32) {
        self.fills.push(Op::SetFillColor { col: Color::Greyscale(Greyscale::new(grey, None)) });
        let corner = self.point(x, top + height);
        self.fills.push(Op::DrawRectangle {
            rectangle: Rect {
                x: corner.x,
                y: corner.y,
                width: Pt(width),
                height: Pt(height),
                mode: Some(PaintMode::Fill),
                winding_order: Some(WindingOrder::NonZero),
            },
        });
    }

    fn rule(&mut self, from: (f32, f32), to: (f32, f32)) {
        let points = [from, to].map(|(x, y)| LinePoint { p: self.point(x, y), bezier: false }).to_vec();
        self.rules.push(Op::DrawLine { line: Line { points, is_closed: false } });
    }

    fn finish(self, frame: &Frame) -> PdfPage {
        let black = Color::Greyscale(Greyscale::new(0.0, None));
        let mut ops = self.fills;
        ops.push(Op::SetOutlineColor { col: Color::Greyscale(Greyscale::new(0.3, None)) });
        ops.push(Op::SetOutlineThickness { pt: Pt(RULE_WIDTH) });
        ops.extend(self.rules);
        ops.push(Op::SetFillColor { col: black });
        ops.push(Op::StartTextSection);
        ops.extend(self.text);
        ops.push(Op::EndTextSection);
        PdfPage::new(printpdf::Mm(frame.width / MM), printpdf::Mm(frame.height / MM), ops)
    }
}

/// Face i of `Fonts` is registered under a fixed name, so identical sheets give identical
/// content streams. printpdf takes the name's first six characters as the subset tag, which
/// readers only recognise as six capital letters ("XHFAAA+NotoSansCJKsc-Regular").
fn face_id(face: usize) -> FontId {
    let letter = |n: usize| char::from(b'A' + (n % 26) as u8);
    FontId(format!("XHF{}{}{}", letter(face / 676), letter(face / 26), letter(face)))
}

fn face_handle(face: usize) -> PdfFontHandle {
    PdfFontHandle::External(face_id(face))
}

/// The table on one page: rows are drawn top-down; rules are added once all rows are known.
struct TableOps<'a> {
    frame: &'a Frame,
    /// Each drawn row's top, bottom and whether it spans the table (no column rules).
    rows: Vec<(f32, f32, bool)>,
    top: f32,
    bottom: f32,
}

impl<'a> TableOps<'a> {
    fn new(frame: &'a Frame, top: f32) -> TableOps<'a> {
        TableOps { frame, rows: Vec::new(), top, bottom: top }
    }

    /// A row of cells: the shaded, centred header row or a data row in the columns' alignment.
    fn cells_row(&mut self, page: &mut PageOps, fonts: &mut Fonts, cells: &[Vec<String>], height: f32, header: bool) {
        let frame = self.frame;
        let top = self.bottom;
        if header {
            page.fill(frame.left, top, frame.right - frame.left, height, HEADER_SHADE);
        }
        let line = line_height(TEXT_SIZE);
        for (i, lines) in cells.iter().enumerate() {
            let align = if header { Align::Center } else { frame.aligns[i] };
            let span = (frame.column_x[i] + PAD_X, frame.column_x[i + 1] - PAD_X);
            let first = top + (height - lines.len() as f32 * line) / 2.0;
            for (n, text) in lines.iter().enumerate() {
                page.text_in(fonts, span, first + n as f32 * line, TEXT_SIZE, text, align);
            }
        }
        self.push(height, false);
    }

    fn group_row(&mut self, page: &mut PageOps, fonts: &mut Fonts, level: usize, text: &str, height: f32) {
        let frame = self.frame;
        let top = self.bottom;
        page.fill(frame.left, top, frame.right - frame.left, height, GROUP_SHADES[level.min(GROUP_SHADES.len() - 1)]);
        let span = (frame.left + Frame::group_indent(level), frame.right - PAD_X);
        let line_top = top + (height - line_height(TEXT_SIZE)) / 2.0;
        page.text_in(fonts, span, line_top, TEXT_SIZE, text, Align::Left);
        self.push(height, true);
    }

    fn push(&mut self, height: f32, spans: bool) {
        self.rows.push((self.bottom, self.bottom + height, spans));
        self.bottom += height;
    }

    /// Horizontal rules under every row; column rules only through runs of unspanned rows.
    fn rules(&self, page: &mut PageOps) {
        let (left, right) = (self.frame.left, self.frame.right);
        page.rule((left, self.top), (right, self.top));
        for &(_, bottom, _) in &self.rows {
            page.rule((left, bottom), (right, bottom));
        }
        page.rule((left, self.top), (left, self.bottom));
        page.rule((right, self.top), (right, self.bottom));
        let mut run_start: Option<f32> = None;
        for (index, &(top, bottom, spans)) in self.rows.iter().enumerate() {
            if !spans && run_start.is_none() {
                run_start = Some(top);
            }
            let run_ends = spans || self.rows.get(index + 1).is_none_or(|next| next.2);
            if let (Some(start), true) = (run_start, run_ends) {
                let end = if spans { top } else { bottom };
                let inner = self.frame.column_x.len().saturating_sub(2);
                for &x in self.frame.column_x.iter().skip(1).take(inner) {
                    page.rule((x, start), (x, end));
                }
                run_start = None;
            }
        }
    }
}

fn pdf_date(at: NaiveDateTime) -> printpdf::DateTime {
    let offset = chrono::Local.offset_from_local_datetime(&at).single().map_or(0, |o| o.fix().local_minus_utc());
    printpdf::DateTime {
        date: printpdf::Date { year: at.year(), month: at.month() as u8, day: at.day() as u8 },
        time: printpdf::Time {
            hour: at.hour() as u8,
            minute: at.minute() as u8,
            second: at.second() as u8,
            millisecond: 0,
        },
        offset: printpdf::Offset {
            hours: (offset / 3600) as i8,
            minutes: (offset % 3600 / 60) as i8,
            seconds: 0,
            milliseconds: 0,
        },
    }
}

fn save(sheet: &Sheet, fonts: Fonts, pages: Vec<PdfPage>) -> Result<PrintedPdf> {
    let total = pages.len();
    let mut doc = PdfDocument::new(&sheet.title);
    let info = &mut doc.metadata.info;
    let date = pdf_date(sheet.printed_at);
    (info.creation_date, info.modification_date, info.metadata_date) = (date, date, date);
    info.creator = "星河社区台账".into();
    info.producer = "星河社区台账 (printpdf)".into();
    for (index, face) in fonts.faces().iter().enumerate() {
        doc.resources.fonts.map.insert(face_id(index), printpdf::PdfFont::new((**face).clone()));
    }
    doc.with_pages(pages);
    let mut warnings = Vec::new();
    let options = PdfSaveOptions { subset_fonts: true, optimize: true, secure: true, image_optimization: None };
    let mut pdf = doc.to_lopdf_document(&options, &mut warnings);
    for warning in warnings.iter().filter(|w| w.severity != printpdf::PdfParseErrorSeverity::Info) {
        tracing::warn!(?warning, "PDF writer");
    }
    // printpdf always writes a GTS_PDFXVersion key, which makes readers take the file for a
    // PDF/X prepress document; an office print claims no such conformance.
    if let Ok(info) = pdf.trailer.get(b"Info").and_then(|i| i.as_reference()).and_then(|id| pdf.get_dictionary_mut(id))
    {
        info.remove(b"GTS_PDFXVersion");
    }
    pdf.compress();
    let mut bytes = Vec::new();
    pdf.save_to(&mut bytes)?;
    Ok(PrintedPdf { bytes, missing_characters: fonts.missing(), pages: total })
}
