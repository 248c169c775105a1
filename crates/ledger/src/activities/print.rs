//! The activity sheets an office prints and fills in by hand: the 报名表 (sign-up sheet, with
//! blank rows for walk-ins and the waitlist), the 签到表 (sign-in sheet) and a series' 考勤表
//! (attendance grid, A4 landscape, continued onto further pages when the dates are too many).
//! sheets.rs reads the data from the register; this module only decides what goes on paper.

pub use super::sheets::{ActivitySheet, AttendanceGrid, AttendancePerson, SheetPerson};
use crate::error::Result;
use crate::values::phone::mask_phone;
use chrono::{Datelike, NaiveDate, NaiveDateTime};
use xinghe_formats::pdf::{self, Align, Column, Orientation, PrintedPdf, Row, Sheet};

/// Walk-ins turn up at most activities; ten rows cover a typical one.
pub const DEFAULT_BLANK_ROWS: usize = 10;

/// What marks a session attended. Noto Sans CJK SC has U+2713, and it copies out as itself.
pub const PRESENT_MARK: &str = "✓";

/// Tall enough to write a name or sign by hand, and for two printed lines of a long address.
const WRITING_ROW_MM: f32 = 10.0;

/// Grid rows leave room for a mark added by pen, yet keep a class of 24 on one page.
const GRID_ROW_MM: f32 = 6.5;

/// The narrowest date column that still shows "12-01" whole in the table font.
const MIN_DATE_MM: f32 = 11.0;
/// A short series gets wide date columns, room to tick by pen, up to this width; the address
/// column takes what is left.
const MAX_DATE_MM: f32 = 30.0;

#[derive(Debug, Clone)]
pub struct SheetOptions {
    /// Numbered empty rows after the registered people (sign-up and sign-in sheets only).
    pub blank_rows: usize,
    /// Print phones in full instead of 138****1234.
    pub unmasked: bool,
    pub printed_at: NaiveDateTime,
}

impl SheetOptions {
    /// Masked phones and [`DEFAULT_BLANK_ROWS`] blank rows.
    pub fn new(printed_at: NaiveDateTime) -> SheetOptions {
        SheetOptions { blank_rows: DEFAULT_BLANK_ROWS, unmasked: false, printed_at }
    }
}

/// The 报名表: registered people, blank rows for walk-ins, then the waitlist (if any) under
/// its own heading.
pub fn sign_up_sheet(sheet: &ActivitySheet, options: &SheetOptions) -> Result<PrintedPdf> {
    check_blank_rows(options)?;
    Ok(pdf::render(&sign_up(sheet, options))?)
}

/// More blank rows than a few pages' worth is a typing mistake, not a sheet.
pub const MAX_BLANK_ROWS: usize = 200;

fn check_blank_rows(options: &SheetOptions) -> Result<()> {
    if options.blank_rows > MAX_BLANK_ROWS {
        return Err(crate::Error::invalid(
            "blank_rows",
            format!("空白行最多 {MAX_BLANK_ROWS} 行，这里是 {} 行", options.blank_rows),
        ));
    }
    Ok(())
}

/// The 签到表: registered people, then blank rows for walk-ins.
pub fn sign_in_sheet(sheet: &ActivitySheet, options: &SheetOptions) -> Result<PrintedPdf> {
    check_blank_rows(options)?;
    Ok(pdf::render(&sign_in(sheet, options))?)
}

/// The 考勤表 of a series, A4 landscape: ✓ for each attended session, a total per person and
/// per date. Dates that do not fit across one page continue on the following pages, with the
/// name columns repeated.
pub fn attendance_sheet(grid: &AttendanceGrid, options: &SheetOptions) -> Result<PrintedPdf> {
    Ok(pdf::render_all(&attendance(grid, options))?)
}

fn chinese_date(date: NaiveDate) -> String {
    format!("{}年{}月{}日", date.year(), date.month(), date.day())
}

/// "2026年12月1日 星期二", as notices name the day of an activity.
fn long_date(date: NaiveDate) -> String {
    const WEEKDAYS: [&str; 7] = ["一", "二", "三", "四", "五", "六", "日"];
    let weekday = WEEKDAYS[date.weekday().num_days_from_monday() as usize];
    format!("{} 星期{weekday}", chinese_date(date))
}

/// Non-empty parts, separated the way the title block separates them.
fn joined<'a>(parts: impl IntoIterator<Item = &'a str>, separator: &str) -> String {
    parts.into_iter().map(str::trim).filter(|p| !p.is_empty()).collect::<Vec<_>>().join(separator)
}

fn labelled(label: &str, value: &str) -> String {
    if value.trim().is_empty() {
        String::new()
    } else {
        format!("{label}：{}", value.trim())
    }
}

/// Title and the lines under it, shared by both sheets of one activity: when and where, then
/// who runs it, then `counts` with the masking note.
fn title_block(sheet: &ActivitySheet, kind: &str, counts: &str, options: &SheetOptions) -> (String, String) {
    let title = joined([sheet.community.as_str(), &sheet.title, kind], " ");
    let time = joined([sheet.start_time.as_str(), &sheet.end_time], "–");
    let when = [format!("日期：{}", long_date(sheet.date)), labelled("时间", &time), labelled("地点", &sheet.place)];
    let series = sheet.series.as_deref().unwrap_or_default();
    let who = [labelled("系列", series), labelled("条线", &sheet.line), labelled("组织", &sheet.organiser)];
    let note = [counts.to_string(), pdf::privacy_note("电话", options.unmasked)];
    let lines = [&when[..], &who, &note].map(|parts| joined(parts.iter().map(String::as_str), "　"));
    (title, joined(lines.iter().map(String::as_str), "\n"))
}

fn person_cells(number: usize, person: &SheetPerson, options: &SheetOptions) -> Vec<String> {
    vec![
        number.to_string(),
        person.name.clone(),
        person.address.clone(),
        pdf::shown(person.phone.as_deref(), options.unmasked, mask_phone),
    ]
}

/// Registered people numbered from 1, then the blank rows, numbered on so a walk-in writes
/// only a name.
fn registered_rows(sheet: &ActivitySheet, options: &SheetOptions) -> Vec<Row> {
    let people = sheet.registered.iter().enumerate().map(|(i, p)| Row::Data(person_cells(i + 1, p, options)));
    let first_blank = sheet.registered.len() + 1;
    let blanks = (first_blank..first_blank + options.blank_rows).map(|n| Row::Data(vec![n.to_string()]));
    people.chain(blanks).collect()
}

fn number_column() -> Column {
    Column::new("序号", 10.0).align(Align::Center).max_lines(1)
}

/// Widths are millimetres of the 186 mm between an A4 portrait page's margins: a masked or
/// full mobile and a landline with area code fit the phone column on one line.
fn sign_up(sheet: &ActivitySheet, options: &SheetOptions) -> Sheet {
    let counts = if sheet.waitlist.is_empty() {
        format!("已报名 {} 人", sheet.registered.len())
    } else {
        format!("已报名 {} 人，候补 {} 人", sheet.registered.len(), sheet.waitlist.len())
    };
    let (title, subtitle) = title_block(sheet, "报名表", &counts, options);
    let mut rows = registered_rows(sheet, options);
    if !sheet.waitlist.is_empty() {
        let heading = format!("候补名单（{} 人，按报名先后递补）", sheet.waitlist.len());
        rows.push(Row::Group { level: 0, text: heading });
        rows.extend(sheet.waitlist.iter().enumerate().map(|(i, p)| Row::Data(person_cells(i + 1, p, options))));
    }
    Sheet {
        orientation: Orientation::Portrait,
        title,
        subtitle,
        printed_at: options.printed_at,
        columns: vec![
            number_column(),
            Column::new("姓名", 26.0),
            Column::new("楼栋单元房号", 50.0),
            Column::new("联系电话", 28.0).align(Align::Center).max_lines(1),
            Column::new("签名", 72.0),
        ],
        rows,
        min_row_height_mm: WRITING_ROW_MM,
    }
}

fn sign_in(sheet: &ActivitySheet, options: &SheetOptions) -> Sheet {
    let counts = format!("应到 {} 人", sheet.registered.len());
    let (title, subtitle) = title_block(sheet, "签到表", &counts, options);
    Sheet {
        orientation: Orientation::Portrait,
        title,
        subtitle,
        printed_at: options.printed_at,
        columns: vec![
            number_column(),
            Column::new("姓名", 26.0),
            Column::new("住址", 44.0),
            Column::new("联系电话", 28.0).align(Align::Center).max_lines(1),
            Column::new("签到时间", 20.0),
            Column::new("签名", 58.0),
        ],
        rows: registered_rows(sheet, options),
        min_row_height_mm: WRITING_ROW_MM,
    }
}

/// How many date columns each page of the grid carries: as many as fit beside the name
/// columns, spread evenly so the last page is not left with two or three dates.
fn dates_per_page(sessions: usize, room_mm: f32) -> usize {
    let fit = ((room_mm / MIN_DATE_MM).floor() as usize).max(1);
    let pages = sessions.div_ceil(fit).max(1);
    sessions.div_ceil(pages).max(1)
}

const GRID_NUMBER_MM: f32 = 10.0;
const GRID_NAME_MM: f32 = 22.0;
const GRID_MIN_ADDRESS_MM: f32 = 40.0;
const GRID_TOTAL_MM: f32 = 12.0;

fn is_present(person: &AttendancePerson, session: usize) -> bool {
    person.marks.get(session) == Some(&Some(true))
}

/// One landscape sheet per run of dates; the last also carries each person's total.
fn attendance(grid: &AttendanceGrid, options: &SheetOptions) -> Vec<Sheet> {
    let room =
        Orientation::Landscape.table_width_mm() - GRID_NUMBER_MM - GRID_NAME_MM - GRID_MIN_ADDRESS_MM - GRID_TOTAL_MM;
    let count = grid.sessions.len();
    let per_page = dates_per_page(count, room);
    // Every run gets the same date width, so the grid's pages line up with one another.
    let date_mm = (room / per_page as f32).min(MAX_DATE_MM);
    let totals: Vec<usize> = grid.people.iter().map(|p| (0..count).filter(|&s| is_present(p, s)).count()).collect();
    let starts: Vec<usize> = (0..count.max(1)).step_by(per_page).collect();
    let runs = starts.len();
    starts
        .iter()
        .enumerate()
        .map(|(run, &start)| {
            let part = GridPart { sessions: start..(start + per_page).min(count), date_mm, run, runs };
            part.sheet(grid, &totals, options)
        })
        .collect()
}

/// The dates one sheet of a grid carries.
struct GridPart {
    sessions: std::ops::Range<usize>,
    date_mm: f32,
    run: usize,
    runs: usize,
}

impl GridPart {
    fn last(&self) -> bool {
        self.run + 1 == self.runs
    }

    fn columns(&self, grid: &AttendanceGrid) -> Vec<Column> {
        let dates = &grid.sessions[self.sessions.clone()];
        let total_mm = if self.last() { GRID_TOTAL_MM } else { 0.0 };
        let address_mm = Orientation::Landscape.table_width_mm()
            - GRID_NUMBER_MM
            - GRID_NAME_MM
            - total_mm
            - self.date_mm * dates.len() as f32;
        let mut columns = vec![number_column(), Column::new("姓名", GRID_NAME_MM), Column::new("住址", address_mm)];
        let date = |d: &NaiveDate| Column::new(&d.format("%m-%d").to_string(), self.date_mm).align(Align::Center);
        columns.extend(dates.iter().map(date));
        if self.last() {
            columns.push(Column::new("合计", GRID_TOTAL_MM).align(Align::Center).max_lines(1));
        }
        columns
    }

    /// A row per person, then the 合计 row: the count of each date and, on the last run, of all.
    fn rows(&self, grid: &AttendanceGrid, totals: &[usize]) -> Vec<Row> {
        let mut rows: Vec<Row> = grid
            .people
            .iter()
            .zip(totals)
            .enumerate()
            .map(|(i, (person, total))| {
                let mut cells = vec![(i + 1).to_string(), person.name.clone(), person.address.clone()];
                let mark = |s| if is_present(person, s) { PRESENT_MARK } else { "" }.to_string();
                cells.extend(self.sessions.clone().map(mark));
                if self.last() {
                    cells.push(total.to_string());
                }
                Row::Data(cells)
            })
            .collect();
        let mut sums = vec![String::new(), "合计".to_string(), String::new()];
        let count = |s| grid.people.iter().filter(|p| is_present(p, s)).count().to_string();
        sums.extend(self.sessions.clone().map(count));
        if self.last() {
            sums.push(totals.iter().sum::<usize>().to_string());
        }
        rows.push(Row::Data(sums));
        rows
    }

    fn sheet(&self, grid: &AttendanceGrid, totals: &[usize], options: &SheetOptions) -> Sheet {
        let count = grid.sessions.len();
        let span = match (grid.sessions.first(), grid.sessions.last()) {
            (Some(first), Some(last)) => format!("{}至{}", chinese_date(*first), chinese_date(*last)),
            _ => "尚无课次".into(),
        };
        let range = if self.runs == 1 {
            format!("共 {count} 次")
        } else {
            let next = if self.last() { "" } else { "，后续日期见下页" };
            format!("本表第 {}–{} 次（共 {count} 次{next}）", self.sessions.start + 1, self.sessions.end)
        };
        Sheet {
            orientation: Orientation::Landscape,
            title: joined([grid.community.as_str(), &grid.series, "考勤表"], " "),
            subtitle: format!("{span}　{range}　{} 人\n{PRESENT_MARK} 出勤　空白 缺勤或未记", grid.people.len()),
            printed_at: options.printed_at,
            columns: self.columns(grid),
            rows: self.rows(grid, totals),
            min_row_height_mm: GRID_ROW_MM,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, m, d).unwrap()
    }

    fn person(name: &str, phone: Option<&str>) -> SheetPerson {
        SheetPerson { name: name.into(), address: "8栋2单元301".into(), phone: phone.map(str::to_string) }
    }

    fn activity(registered: usize, waitlist: usize) -> ActivitySheet {
        ActivitySheet {
            community: "浏河社区".into(),
            title: "重阳节敬老茶话会".into(),
            series: None,
            line: "银力量·离退休党员".into(),
            date: day(12, 1),
            start_time: "09:00".into(),
            end_time: "11:00".into(),
            place: "社区活动室".into(),
            organiser: String::new(),
            registered: (0..registered).map(|i| person(&format!("报名{i}"), Some("13812345678"))).collect(),
            waitlist: (0..waitlist).map(|i| person(&format!("候补{i}"), None)).collect(),
        }
    }

    fn options() -> SheetOptions {
        SheetOptions::new(day(11, 28).and_hms_opt(9, 0, 0).unwrap())
    }

    fn shape(sheet: &Sheet) -> Vec<String> {
        sheet
            .rows
            .iter()
            .map(|row| match row {
                Row::Group { text, .. } => format!("# {text}"),
                Row::Data(cells) => cells.join("|"),
            })
            .collect()
    }

    #[test]
    fn dates_name_the_weekday() {
        assert_eq!(long_date(day(12, 1)), "2026年12月1日 星期二");
        assert_eq!(long_date(day(11, 29)), "2026年11月29日 星期日");
    }

    #[test]
    fn the_sign_up_sheet_lists_people_then_numbered_blank_rows_then_the_waitlist() {
        let sheet = sign_up(&activity(2, 1), &SheetOptions { blank_rows: 2, ..options() });
        assert_eq!(
            shape(&sheet),
            [
                "1|报名0|8栋2单元301|138****5678",
                "2|报名1|8栋2单元301|138****5678",
                "3",
                "4",
                "# 候补名单（1 人，按报名先后递补）",
                "1|候补0|8栋2单元301|",
            ]
        );
        assert_eq!(sheet.title, "浏河社区 重阳节敬老茶话会 报名表");
        let lines: Vec<&str> = sheet.subtitle.lines().collect();
        assert_eq!(
            lines,
            [
                "日期：2026年12月1日 星期二　时间：09:00–11:00　地点：社区活动室",
                "条线：银力量·离退休党员",
                "已报名 2 人，候补 1 人　电话已隐去中间位",
            ]
        );
    }

    #[test]
    fn an_empty_waitlist_has_no_section_and_unmasked_phones_print_whole() {
        let sheet = sign_up(&activity(1, 0), &SheetOptions { unmasked: true, ..options() });
        assert!(sheet.rows.iter().all(|r| matches!(r, Row::Data(_))));
        assert_eq!(sheet.rows.len(), 1 + DEFAULT_BLANK_ROWS);
        assert_eq!(shape(&sheet)[0], "1|报名0|8栋2单元301|13812345678");
        assert!(sheet.subtitle.contains("含完整电话，请妥善保管"));
    }

    #[test]
    fn the_sign_in_sheet_has_the_sign_in_columns_and_no_waitlist() {
        let sheet = sign_in(&activity(3, 2), &SheetOptions { blank_rows: 1, ..options() });
        let titles: Vec<&str> = sheet.columns.iter().map(|c| c.title.as_str()).collect();
        assert_eq!(titles, ["序号", "姓名", "住址", "联系电话", "签到时间", "签名"]);
        assert_eq!(shape(&sheet).last().unwrap(), "4");
        assert_eq!(sheet.rows.len(), 4);
        assert!(sheet.title.ends_with("签到表") && sheet.subtitle.contains("应到 3 人"));
    }

    #[test]
    fn sheet_widths_add_up_to_the_page() {
        let portrait = Orientation::Portrait.table_width_mm();
        for sheet in [sign_up(&activity(1, 0), &options()), sign_in(&activity(1, 0), &options())] {
            let total: f32 = sheet.columns.iter().map(|c| c.width).sum();
            assert!((total - portrait).abs() < 0.01, "{}: {total} mm", sheet.title);
        }
    }

    #[test]
    fn dates_are_spread_evenly_over_the_pages() {
        assert_eq!(dates_per_page(30, 189.0), 15);
        assert_eq!(dates_per_page(17, 189.0), 17);
        assert_eq!(dates_per_page(18, 189.0), 9);
        assert_eq!(dates_per_page(0, 189.0), 1);
        assert_eq!(dates_per_page(5, 3.0), 1);
    }

    #[test]
    fn the_grid_marks_presence_and_totals_each_person_and_date() {
        let grid = AttendanceGrid {
            community: "浏河社区".into(),
            series: "太极拳班".into(),
            sessions: vec![day(12, 1), day(12, 8), day(12, 15)],
            people: vec![
                AttendancePerson {
                    name: "张三".into(),
                    address: "1栋".into(),
                    marks: vec![Some(true), Some(false), None],
                },
                AttendancePerson { name: "李四".into(), address: "2栋".into(), marks: vec![Some(true), Some(true)] },
            ],
        };
        let sheets = attendance(&grid, &options());
        assert_eq!(sheets.len(), 1);
        let sheet = &sheets[0];
        assert_eq!(sheet.orientation, Orientation::Landscape);
        let titles: Vec<&str> = sheet.columns.iter().map(|c| c.title.as_str()).collect();
        assert_eq!(titles, ["序号", "姓名", "住址", "12-01", "12-08", "12-15", "合计"]);
        assert_eq!(shape(sheet), ["1|张三|1栋|✓|||1", "2|李四|2栋|✓|✓||2", "|合计||2|1|0|3"]);
        let total: f32 = sheet.columns.iter().map(|c| c.width).sum();
        assert!((total - Orientation::Landscape.table_width_mm()).abs() < 0.01);
    }

    #[test]
    fn a_long_series_continues_with_the_next_dates_and_totals_on_the_last_part() {
        let sessions: Vec<NaiveDate> = (0..30).map(|i| day(9, 1) + chrono::Days::new(i * 7)).collect();
        let grid = AttendanceGrid {
            community: "浏河社区".into(),
            series: "书法班".into(),
            people: vec![AttendancePerson {
                name: "王五".into(), address: "3栋".into(), marks: vec![Some(true); 30]
            }],
            sessions,
        };
        let sheets = attendance(&grid, &options());
        assert_eq!(sheets.len(), 2);
        let titles = |sheet: &Sheet| sheet.columns.iter().map(|c| c.title.clone()).collect::<Vec<_>>();
        assert_eq!(titles(&sheets[0])[..4], ["序号", "姓名", "住址", "09-01"]);
        assert_eq!(titles(&sheets[0]).len(), 3 + 15);
        assert_eq!(titles(&sheets[1])[3], "12-15");
        assert_eq!(titles(&sheets[1]).last().unwrap(), "合计");
        assert_eq!(shape(&sheets[0])[1], format!("|合计|{}", "|1".repeat(15)));
        assert!(shape(&sheets[1])[0].ends_with("|✓|30"));
        assert!(sheets[0].subtitle.contains("本表第 1–15 次（共 30 次，后续日期见下页）"));
    }
}
