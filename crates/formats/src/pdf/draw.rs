//! Renders sheets and documents: measures and fits every piece of text, flows the blocks
//! down the pages (tables cut into pages with their header repeated), then draws each page
//! (title block, shading, rules, text placed with absolute text matrices, footer) with the
//! total page count known, and saves one subset font per face used.

use super::fonts::Fonts;
use super::layout::{fit_lines, paginate_from, RowBox, Slot};
use super::{Align, Block, Column, Document, Orientation, PrintedPdf, Row, Seal, Sheet, Text, TextSize};
use crate::error::{Error, Result};
use chrono::{Datelike, NaiveDateTime, Offset, TimeZone, Timelike};
use printpdf::{
    Codepoint, Color, FontId, Greyscale, Line, LineDashPattern, LinePoint, Op, PaintMode, PdfDocument, PdfFontHandle,
    PdfPage, PdfSaveOptions, Point, Pt, Rect, TextItem, TextMatrix, WindingOrder,
};
use std::path::PathBuf;

const MM: f32 = 72.0 / 25.4;
const A4: (f32, f32) = (210.0 * MM, 297.0 * MM);
const MARGIN: f32 = 12.0 * MM;
const TITLE_SIZE: f32 = 15.0;
const TEXT_SIZE: f32 = 9.0;
const SMALL_SIZE: f32 = 8.0;
const BODY_SIZE: f32 = 10.5;
const HEADING_SIZE: f32 = 12.0;
/// Line height as a multiple of the font size.
const LEADING: f32 = 1.3;
/// Running text reads better with more air between lines than a table cell has.
const TEXT_LEADING: f32 = 1.6;
const PAD_X: f32 = 2.5;
const PAD_Y: f32 = 2.5;
/// Noto Sans CJK's ascender: the baseline sits this far (in em) below the top of the em box.
const ASCENT: f32 = 0.88;
const RULE_WIDTH: f32 = 0.5;
const HEADER_SHADE: f32 = 0.88;
/// Group headings get lighter with depth (网格 darkest, 户 lightest).
const GROUP_SHADES: [f32; 4] = [0.80, 0.86, 0.91, 0.955];
const CONTINUED: &str = "（续）";
/// Between the issuer's lines and the seal box.
const SEAL_GAP: f32 = 8.0 * MM;
/// Dashes of the seal box's border, in points: a place to stamp, not a printed frame.
const SEAL_DASH: [f32; 2] = [4.0, 2.5];

fn line_height(size: f32) -> f32 {
    size * LEADING
}

fn text_size(size: TextSize) -> f32 {
    match size {
        TextSize::Small => SMALL_SIZE,
        TextSize::Body => BODY_SIZE,
        TextSize::Heading => HEADING_SIZE,
    }
}

/// Characters the frame prints besides the sheet's own text (print time, page numbers).
const FRAME_TEXT: &str = "打印时间：0123456789-: 第页/共（续）…";

/// What is printed, borrowed from a [`Sheet`] (one table) or a [`Document`].
pub(super) struct Doc<'a> {
    orientation: Orientation,
    title: &'a str,
    subtitle: &'a str,
    printed_at: NaiveDateTime,
    parts: Vec<Part<'a>>,
}

enum Part<'a> {
    Text(&'a Text),
    Table { columns: &'a [Column], rows: &'a [Row], min_row_height_mm: f32 },
    Seal(&'a Seal),
    Space(f32),
}

impl<'a> Doc<'a> {
    pub(super) fn from_sheet(sheet: &'a Sheet) -> Doc<'a> {
        Doc {
            orientation: sheet.orientation,
            title: &sheet.title,
            subtitle: &sheet.subtitle,
            printed_at: sheet.printed_at,
            parts: vec![Part::Table {
                columns: &sheet.columns,
                rows: &sheet.rows,
                min_row_height_mm: sheet.min_row_height_mm,
            }],
        }
    }

    pub(super) fn from_document(document: &'a Document) -> Doc<'a> {
        let parts = document
            .blocks
            .iter()
            .map(|block| match block {
                Block::Text(text) => Part::Text(text),
                Block::Table(table) => Part::Table {
                    columns: &table.columns,
                    rows: &table.rows,
                    min_row_height_mm: table.min_row_height_mm,
                },
                Block::Seal(seal) => Part::Seal(seal),
                Block::Space(mm) => Part::Space(*mm),
            })
            .collect();
        Doc {
            orientation: document.orientation,
            title: &document.title,
            subtitle: &document.subtitle,
            printed_at: document.printed_at,
            parts,
        }
    }

    /// Every piece of text the document prints, so the fonts are resolved once, up front.
    fn texts(&self) -> Vec<&'a str> {
        let mut texts = vec![self.title, self.subtitle, FRAME_TEXT];
        for part in &self.parts {
            match part {
                Part::Text(text) => texts.push(&text.text),
                Part::Table { columns, rows, .. } => {
                    texts.extend(columns.iter().map(|c| c.title.as_str()));
                    for row in rows.iter() {
                        match row {
                            Row::Group { text, .. } => texts.push(text),
                            Row::Data(cells) => texts.extend(cells.iter().map(String::as_str)),
                        }
                    }
                }
                Part::Seal(seal) => {
                    texts.push(&seal.label);
                    texts.extend(seal.lines.iter().map(String::as_str));
                }
                Part::Space(_) => {}
            }
        }
        texts
    }
}

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

/// A part measured and fitted to the page width, before it is cut into pages.
enum Laid {
    Lines { lines: Vec<String>, size: f32, align: Align, keep_with_next: bool },
    Table(LaidTable),
    Seal { lines: Vec<String>, label: String, side: f32, height: f32 },
    Space(f32),
}

struct LaidTable {
    grid: Grid,
    header: Vec<Vec<String>>,
    header_height: f32,
    rows: Vec<FittedRow>,
}

impl Laid {
    /// How much of the part must fit below a heading kept with it: its first line or row.
    fn lead(&self) -> f32 {
        match self {
            Laid::Lines { size, .. } => text_line_height(*size),
            Laid::Table(table) => table.header_height + table.rows.first().map_or(0.0, |r| r.height),
            Laid::Seal { height, .. } => *height,
            Laid::Space(height) => *height,
        }
    }
}

fn text_line_height(size: f32) -> f32 {
    size * TEXT_LEADING
}

/// Where a piece of a part goes on its page (`top` in points from the top edge).
enum Piece {
    Line { part: usize, line: usize, top: f32 },
    Table { part: usize, top: f32, slots: Vec<Slot> },
    Seal { part: usize, top: f32 },
}

/// One document measured and cut into pages, before anything is drawn.
struct LaidOut<'a> {
    doc: &'a Doc<'a>,
    frame: Frame,
    parts: Vec<Laid>,
    pages: Vec<Vec<Piece>>,
}

pub(super) fn render(docs: &[Doc], fallback_dirs: &[PathBuf]) -> Result<PrintedPdf> {
    let Some(first) = docs.first() else {
        return Err(Error::Refused("没有可打印的内容".into()));
    };
    let mut fonts = Fonts::load(docs.iter().flat_map(Doc::texts).flat_map(str::chars), fallback_dirs)?;
    // Every document is laid out before any page is drawn: each footer needs the file's page count.
    let laid: Vec<LaidOut> = docs.iter().map(|doc| lay_out(&mut fonts, doc)).collect();
    let total: usize = laid.iter().map(|l| l.pages.len()).sum();
    let mut pages = Vec::with_capacity(total);
    for doc in &laid {
        for pieces in &doc.pages {
            pages.push(draw_page(&mut fonts, doc, pieces, pages.len() + 1, total));
        }
    }
    save(first, fonts, pages)
}

fn lay_out<'a>(fonts: &mut Fonts, doc: &'a Doc<'a>) -> LaidOut<'a> {
    let frame = Frame::new(doc);
    let parts: Vec<Laid> = doc.parts.iter().map(|part| lay_out_part(fonts, &frame, part)).collect();
    let pages = flow(&frame, &parts);
    LaidOut { doc, frame, parts, pages }
}

fn lay_out_part(fonts: &mut Fonts, frame: &Frame, part: &Part) -> Laid {
    match part {
        Part::Text(text) => {
            let size = text_size(text.size);
            let lines = text
                .text
                .split('\n')
                .flat_map(|line| {
                    fit_lines(line, (frame.right - frame.left) / size, usize::MAX, &mut |c| fonts.glyph(c).advance)
                })
                .collect();
            Laid::Lines { lines, size, align: text.align, keep_with_next: text.keep_with_next }
        }
        Part::Table { columns, rows, min_row_height_mm } => {
            let grid = Grid::new(frame, columns);
            let header = fit_cells(fonts, &grid, columns.iter().map(|c| (c.title.as_str(), 2)));
            let header_height = cells_height(&header, 0.0);
            let min_height = min_row_height_mm * MM;
            let rows = rows.iter().map(|row| fit_row(fonts, &grid, row, min_height)).collect();
            Laid::Table(LaidTable { grid, header, header_height, rows })
        }
        Part::Seal(seal) => {
            let side = seal.size_mm.max(10.0) * MM;
            let room = (frame.right - frame.left - side - SEAL_GAP) / BODY_SIZE;
            let lines: Vec<String> =
                seal.lines.iter().flat_map(|line| fit_lines(line, room, 2, &mut |c| fonts.glyph(c).advance)).collect();
            let height = side.max(lines.len() as f32 * text_line_height(BODY_SIZE));
            Laid::Seal { lines, label: seal.label.clone(), side, height }
        }
        Part::Space(mm) => Laid::Space(mm.max(0.0) * MM),
    }
}

/// Places the parts one below the other, starting a new page where the next piece does not
/// fit; a page never starts with space, nor ends on a heading kept with what follows it.
fn flow(frame: &Frame, parts: &[Laid]) -> Vec<Vec<Piece>> {
    let (top, bottom) = (frame.content_top, frame.body_bottom);
    let mut pages: Vec<Vec<Piece>> = vec![Vec::new()];
    let mut y = top;
    let new_page = |pages: &mut Vec<Vec<Piece>>, y: &mut f32| {
        pages.push(Vec::new());
        *y = top;
    };
    for (index, part) in parts.iter().enumerate() {
        match part {
            Laid::Space(height) => {
                if y > top {
                    if y + height > bottom {
                        new_page(&mut pages, &mut y);
                    } else {
                        y += height;
                    }
                }
            }
            Laid::Lines { lines, size, keep_with_next, .. } => {
                let line = text_line_height(*size);
                if *keep_with_next && y > top {
                    let own = line * lines.len() as f32;
                    let next: f32 = parts[index + 1..]
                        .iter()
                        .scan(true, |more, p| {
                            let lead = (*more).then(|| p.lead());
                            *more = matches!(p, Laid::Space(_));
                            lead
                        })
                        .sum();
                    if own + next <= bottom - top && y + own + next > bottom {
                        new_page(&mut pages, &mut y);
                    }
                }
                for n in 0..lines.len() {
                    if y + line > bottom && y > top {
                        new_page(&mut pages, &mut y);
                    }
                    pages.last_mut().expect("a page").push(Piece::Line { part: index, line: n, top: y });
                    y += line;
                }
            }
            Laid::Table(table) => {
                if y > top && y + part.lead() > bottom {
                    new_page(&mut pages, &mut y);
                }
                let boxes: Vec<RowBox> = table
                    .rows
                    .iter()
                    .map(|r| RowBox { group: matches!(r.row, Fitted::Group { .. }), height: r.height })
                    .collect();
                let cut = paginate_from(&boxes, bottom - top - table.header_height, y - top);
                let count = cut.len();
                for (n, slots) in cut.into_iter().enumerate() {
                    if n > 0 {
                        new_page(&mut pages, &mut y);
                    }
                    if slots.is_empty() && n + 1 < count {
                        // Not even the first rows fit under what came before.
                        continue;
                    }
                    let height: f32 = table.header_height
                        + slots.iter().map(|(Slot::Row(i) | Slot::Continued(i))| table.rows[*i].height).sum::<f32>();
                    pages.last_mut().expect("a page").push(Piece::Table { part: index, top: y, slots });
                    y += height;
                }
            }
            Laid::Seal { height, .. } => {
                if y > top && y + height > bottom {
                    new_page(&mut pages, &mut y);
                }
                pages.last_mut().expect("a page").push(Piece::Seal { part: index, top: y });
                y += height;
            }
        }
    }
    pages
}

fn draw_page(fonts: &mut Fonts, laid: &LaidOut, pieces: &[Piece], number: usize, total: usize) -> PdfPage {
    let frame = &laid.frame;
    let mut page = PageOps::new(frame);
    frame.draw_title_block(&mut page, fonts, laid.doc);
    for piece in pieces {
        match (piece, &laid.parts[piece.part()]) {
            (Piece::Line { line, top, .. }, Laid::Lines { lines, size, align, .. }) => {
                let line_top = top + (text_line_height(*size) - line_height(*size)) / 2.0;
                page.text_in(fonts, (frame.left, frame.right), line_top, *size, &lines[*line], *align);
            }
            (Piece::Table { top, slots, .. }, Laid::Table(table)) => {
                draw_table(&mut page, fonts, frame, table, *top, slots)
            }
            (Piece::Seal { top, .. }, Laid::Seal { lines, label, side, .. }) => {
                draw_seal(&mut page, fonts, frame, (lines, label, *side), *top)
            }
            _ => unreachable!("a piece is placed from its own part"),
        }
    }
    let footer = format!("第 {number} 页 / 共 {total} 页");
    let footer_top = frame.height - MARGIN - line_height(SMALL_SIZE);
    page.text_in(fonts, (frame.left, frame.right), footer_top, SMALL_SIZE, &footer, Align::Center);
    page.finish(frame)
}

impl Piece {
    fn part(&self) -> usize {
        match self {
            Piece::Line { part, .. } | Piece::Table { part, .. } | Piece::Seal { part, .. } => *part,
        }
    }
}

fn draw_table(page: &mut PageOps, fonts: &mut Fonts, frame: &Frame, table: &LaidTable, top: f32, slots: &[Slot]) {
    let mut ops = TableOps::new(&table.grid, top);
    ops.cells_row(page, fonts, &table.header, table.header_height, true);
    for slot in slots {
        let (row, continued) = match *slot {
            Slot::Row(i) => (&table.rows[i], false),
            Slot::Continued(i) => (&table.rows[i], true),
        };
        match &row.row {
            Fitted::Group { level, line } => {
                let text = if continued { continued_line(fonts, frame, *level, line) } else { line.clone() };
                ops.group_row(page, fonts, *level, &text, row.height);
            }
            Fitted::Data(cells) => ops.cells_row(page, fonts, cells, row.height, false),
        }
    }
    ops.rules(page);
}

/// The issuer's lines at the left, the dashed seal box at the right with its label inside.
fn draw_seal(page: &mut PageOps, fonts: &mut Fonts, frame: &Frame, seal: (&[String], &str, f32), top: f32) {
    let (lines, label, side) = seal;
    let line = text_line_height(BODY_SIZE);
    let span = (frame.left, frame.right - side - SEAL_GAP);
    for (n, text) in lines.iter().enumerate() {
        let line_top = top + n as f32 * line + (line - line_height(BODY_SIZE)) / 2.0;
        page.text_in(fonts, span, line_top, BODY_SIZE, text, Align::Left);
    }
    let (left, right, bottom) = (frame.right - side, frame.right, top + side);
    page.dashed(true);
    for (from, to) in [((left, top), (right, top)), ((right, top), (right, bottom)), ((right, bottom), (left, bottom))]
        .into_iter()
        .chain([((left, bottom), (left, top))])
    {
        page.rule(from, to);
    }
    page.dashed(false);
    let label_top = top + (side - line_height(BODY_SIZE)) / 2.0;
    page.text_in(fonts, (left, right), label_top, BODY_SIZE, label, Align::Center);
}

/// Page size and the fixed vertical bands of every page, in points from the top-left corner.
struct Frame {
    width: f32,
    height: f32,
    left: f32,
    right: f32,
    /// Where the first block (a sheet's table) starts, under the title block.
    content_top: f32,
    body_bottom: f32,
}

/// A table's columns across the page.
struct Grid {
    left: f32,
    right: f32,
    /// Left edge of each column, then the table's right edge.
    column_x: Vec<f32>,
    aligns: Vec<Align>,
    max_lines: Vec<usize>,
}

impl Grid {
    fn new(frame: &Frame, columns: &[Column]) -> Grid {
        let (left, right) = (frame.left, frame.right);
        let total: f32 = columns.iter().map(|c| c.width.max(0.0)).sum::<f32>().max(f32::EPSILON);
        let mut column_x = vec![left];
        for column in columns {
            column_x.push(column_x.last().unwrap() + column.width.max(0.0) / total * (right - left));
        }
        Grid {
            left,
            right,
            column_x,
            aligns: columns.iter().map(|c| c.align).collect(),
            max_lines: columns.iter().map(|c| c.max_lines).collect(),
        }
    }

    fn cell_width(&self, column: usize) -> f32 {
        self.column_x[column + 1] - self.column_x[column] - 2.0 * PAD_X
    }
}

fn group_indent(level: usize) -> f32 {
    PAD_X + level.min(GROUP_SHADES.len() - 1) as f32 * TEXT_SIZE
}

impl Frame {
    fn new(doc: &Doc) -> Frame {
        let (width, height) = page_size(doc.orientation);
        let subtitle_lines = doc.subtitle.lines().count().max(1) as f32;
        let content_top = MARGIN + line_height(TITLE_SIZE) + subtitle_lines * line_height(SMALL_SIZE) + 3.0 * MM;
        let body_bottom = height - MARGIN - line_height(SMALL_SIZE) - 2.0 * MM;
        Frame { width, height, left: MARGIN, right: width - MARGIN, content_top, body_bottom }
    }

    fn draw_title_block(&self, page: &mut PageOps, fonts: &mut Fonts, doc: &Doc) {
        let span = (self.left, self.right);
        let title = fit_one_line(fonts, doc.title, self.right - self.left, TITLE_SIZE);
        page.text_in(fonts, span, MARGIN, TITLE_SIZE, &title, Align::Center);
        let time = format!("打印时间：{}", doc.printed_at.format("%Y-%m-%d %H:%M"));
        let lines: Vec<&str> = if doc.subtitle.is_empty() { vec![""] } else { doc.subtitle.lines().collect() };
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

fn fit_cells<'a>(fonts: &mut Fonts, grid: &Grid, cells: impl Iterator<Item = (&'a str, usize)>) -> Vec<Vec<String>> {
    cells
        .enumerate()
        .take(grid.column_x.len() - 1)
        .map(|(i, (text, max_lines))| {
            fit_lines(text, grid.cell_width(i) / TEXT_SIZE, max_lines, &mut |c| fonts.glyph(c).advance)
        })
        .collect()
}

fn cells_height(cells: &[Vec<String>], min_height: f32) -> f32 {
    let lines = cells.iter().map(Vec::len).max().unwrap_or(1).max(1);
    (lines as f32 * line_height(TEXT_SIZE) + 2.0 * PAD_Y).max(min_height)
}

fn fit_row(fonts: &mut Fonts, grid: &Grid, row: &Row, min_height: f32) -> FittedRow {
    match row {
        Row::Group { level, text } => {
            let room = grid.right - grid.left - group_indent(*level) - PAD_X;
            let line = fit_one_line(fonts, text, room, TEXT_SIZE);
            FittedRow { row: Fitted::Group { level: *level, line }, height: cells_height(&[], 0.0) }
        }
        Row::Data(cells) => {
            let texts = (0..grid.max_lines.len()).map(|i| (cells.get(i).map_or("", String::as_str), grid.max_lines[i]));
            let cells = fit_cells(fonts, grid, texts);
            let height = cells_height(&cells, min_height);
            FittedRow { row: Fitted::Data(cells), height }
        }
    }
}

/// A heading repeated at the top of a page, marked "（续）" and still on one line.
fn continued_line(fonts: &mut Fonts, frame: &Frame, level: usize, line: &str) -> String {
    let room = frame.right - frame.left - group_indent(level) - PAD_X;
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

    /// Rules drawn from here on are dashed, or solid again.
    fn dashed(&mut self, dashed: bool) {
        let dash = if dashed { LineDashPattern::new(0.0, &SEAL_DASH) } else { LineDashPattern::solid() };
        self.rules.push(Op::SetLineDashPattern { dash });
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
    grid: &'a Grid,
    /// Each drawn row's top, bottom and whether it spans the table (no column rules).
    rows: Vec<(f32, f32, bool)>,
    top: f32,
    bottom: f32,
}

impl<'a> TableOps<'a> {
    fn new(grid: &'a Grid, top: f32) -> TableOps<'a> {
        TableOps { grid, rows: Vec::new(), top, bottom: top }
    }

    /// A row of cells: the shaded, centred header row or a data row in the columns' alignment.
    fn cells_row(&mut self, page: &mut PageOps, fonts: &mut Fonts, cells: &[Vec<String>], height: f32, header: bool) {
        let frame = self.grid;
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
        let frame = self.grid;
        let top = self.bottom;
        page.fill(frame.left, top, frame.right - frame.left, height, GROUP_SHADES[level.min(GROUP_SHADES.len() - 1)]);
        let span = (frame.left + group_indent(level), frame.right - PAD_X);
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
        let (left, right) = (self.grid.left, self.grid.right);
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
                let inner = self.grid.column_x.len().saturating_sub(2);
                for &x in self.grid.column_x.iter().skip(1).take(inner) {
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

fn save(first: &Doc, fonts: Fonts, pages: Vec<PdfPage>) -> Result<PrintedPdf> {
    let total = pages.len();
    let mut doc = PdfDocument::new(first.title);
    let info = &mut doc.metadata.info;
    let date = pdf_date(first.printed_at);
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pdf::Table;

    fn at() -> NaiveDateTime {
        chrono::NaiveDate::from_ymd_opt(2026, 11, 28).unwrap().and_hms_opt(9, 0, 0).unwrap()
    }

    fn table(rows: usize) -> Block {
        Block::Table(Table {
            columns: vec![Column::new("序号", 10.0), Column::new("服务内容", 60.0)],
            rows: (1..=rows).map(|n| Row::Data(vec![n.to_string(), "走访慰问".into()])).collect(),
            min_row_height_mm: 0.0,
        })
    }

    fn seal() -> Block {
        Block::Seal(Seal {
            lines: vec!["出具单位：浏河社区居民委员会".into()], label: "盖章处".into(), size_mm: 40.0
        })
    }

    fn document(blocks: Vec<Block>) -> Document {
        Document {
            orientation: Orientation::Portrait,
            title: "志愿服务记录证明".into(),
            subtitle: String::new(),
            printed_at: at(),
            blocks,
        }
    }

    /// Each page as the kinds of piece on it: "L" a text line, "T<rows>" a table part, "S" the seal.
    fn pages_of(document: &Document) -> Vec<Vec<String>> {
        let doc = Doc::from_document(document);
        let mut fonts = Fonts::load(doc.texts().into_iter().flat_map(str::chars), &[]).unwrap();
        let laid = lay_out(&mut fonts, &doc);
        laid.pages
            .iter()
            .map(|page| {
                page.iter()
                    .map(|piece| match piece {
                        Piece::Line { .. } => "L".to_string(),
                        Piece::Table { slots, .. } => format!("T{}", slots.len()),
                        Piece::Seal { .. } => "S".to_string(),
                    })
                    .collect()
            })
            .collect()
    }

    #[test]
    fn text_a_table_and_the_seal_follow_one_another_on_one_page() {
        let pages = pages_of(&document(vec![
            Block::Text(Text::body("兹证明")),
            table(3),
            Block::Space(5.0),
            Block::Text(Text::body("特此证明。")),
            seal(),
        ]));
        assert_eq!(pages, [["L", "T3", "L", "S"]]);
    }

    #[test]
    fn a_long_table_continues_with_its_header_and_the_seal_is_never_split() {
        let pages = pages_of(&document(vec![Block::Text(Text::body("兹证明")), table(120), seal()]));
        assert!(pages.len() >= 3, "{pages:?}");
        let rows: usize =
            pages.iter().flatten().filter_map(|p| p.strip_prefix('T')).map(|n| n.parse::<usize>().unwrap()).sum();
        assert_eq!(rows, 120);
        let table_pages = pages.iter().filter(|page| page.iter().any(|p| p.starts_with('T'))).count();
        assert!(pages[1..table_pages].iter().all(|page| page[0].starts_with('T')), "{pages:?}");
        // No room left under the last rows: the seal moves whole to a page of its own.
        assert_eq!(pages.last().unwrap(), &["S"], "{pages:?}");
    }

    #[test]
    fn a_heading_moves_to_the_page_of_its_table() {
        // Fill the first page with lines until a heading and a table's first row cannot both fit.
        let filler = vec!["一行正文"; 200].join("\n");
        let full = pages_of(&document(vec![Block::Text(Text::body(filler.clone()))]));
        let lines_on_first = full[0].len();
        let text = vec!["一行正文"; lines_on_first - 1].join("\n");
        let pages = pages_of(&document(vec![
            Block::Text(Text::body(text)),
            Block::Text(Text::heading("一、按志愿者")),
            table(5),
        ]));
        assert_eq!(pages[0].len(), lines_on_first - 1, "{pages:?}");
        assert_eq!(pages[1], ["L", "T5"]);
        // Without keep_with_next the heading stays behind, alone.
        let text = vec!["一行正文"; lines_on_first - 1].join("\n");
        let loose = Text::heading("一、按志愿者").keep_with_next(false);
        let pages = pages_of(&document(vec![Block::Text(Text::body(text)), Block::Text(loose), table(5)]));
        assert_eq!(pages[0].len(), lines_on_first);
    }

    #[test]
    fn space_is_dropped_at_the_top_of_a_page_and_an_empty_document_has_one_page() {
        assert_eq!(pages_of(&document(vec![Block::Space(50.0), Block::Text(Text::body("正文"))])), [["L"]]);
        assert_eq!(pages_of(&document(vec![])), [Vec::<String>::new()]);
    }

    #[test]
    fn long_running_text_wraps_to_the_page_width() {
        let pages = pages_of(&document(vec![Block::Text(Text::body("志愿服务".repeat(40)))]));
        // 160 characters at 10.5 pt across 186 mm: about 50 a line.
        assert_eq!(pages, [["L", "L", "L", "L"]]);
    }
}
