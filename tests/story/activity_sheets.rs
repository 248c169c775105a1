//! Story: before an activity the office prints its 报名表 and 签到表 — registered people with
//! masked phones, numbered blank rows for walk-ins, the waitlist under its own heading — and at
//! the end of a class series the 考勤表, a landscape grid of ✓ marks and totals that continues
//! onto further pages when the dates are too many. Every file is read back as a reader would,
//! with poppler's pdftotext, pdffonts and pdfinfo.
//!
//! Set XINGHE_PRINT_DIR to keep the PDFs there for looking at them.

use crate::support::poppler::poppler;
use crate::support::printed_at;

use std::path::{Path, PathBuf};
use xinghe_formats::pdf::PrintedPdf;
use xinghe_ledger::activities::print::{
    attendance_sheet, sign_in_sheet, sign_up_sheet, ActivitySheet, AttendanceGrid, AttendancePerson, SheetOptions,
    SheetPerson, DEFAULT_BLANK_ROWS,
};
use xinghe_ledger::store::output::SavePdf;
use xinghe_ledger::values::dates::NaiveDate;

const REGISTERED: usize = 42;
const LONG_ADDRESS: &str =
    "幸福里小区东区二期十八栋三单元一千七百零一室（靠近东门垃圾分类亭，老人独居请敲门，家属电话见备注）";
const LONG_NAME: &str = "阿依古丽·买买提艾力江·玉素甫";
const PHONE: &str = "13812345678";

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

fn options() -> SheetOptions {
    SheetOptions::new(printed_at())
}

/// Rare-character names first, one very long address and name, then ordinary residents.
fn people(count: usize, prefix: &str) -> Vec<SheetPerson> {
    let fixed =
        [("曹𠇔", LONG_ADDRESS), ("马英䶮", "1栋1单元701"), (LONG_NAME, "2栋3单元502"), ("郝堃", "3栋1单元101")];
    (0..count)
        .map(|i| {
            let (name, address) = match fixed.get(i) {
                Some((name, address)) => (name.to_string(), address.to_string()),
                None => (
                    format!("{prefix}{}", i + 1),
                    format!("{}栋{}单元{}0{}", i % 9 + 1, i % 3 + 1, i % 7 + 1, i % 4 + 1),
                ),
            };
            let phone = match i % 3 {
                0 => Some(PHONE.to_string()),
                1 => Some(format!("139{:08}", 10_000_000 + i)),
                _ => None,
            };
            SheetPerson { name, address, phone }
        })
        .collect()
}

fn activity(waitlist: usize) -> ActivitySheet {
    ActivitySheet {
        community: "浏河社区".into(),
        title: "重阳节敬老茶话会".into(),
        series: Some("银龄乐享季".into()),
        line: "银力量·离退休党员".into(),
        date: day(2026, 12, 1),
        start_time: "09:00".into(),
        end_time: "11:00".into(),
        place: "社区党群服务中心二楼活动室".into(),
        organiser: "周丽华".into(),
        registered: people(REGISTERED, "居民"),
        waitlist: people(waitlist, "候补").into_iter().skip(4).collect(),
    }
}

/// 30 weekly sessions from September; person i misses every third class from its own offset,
/// and the last few joined late (no mark for the first sessions).
fn grid() -> AttendanceGrid {
    let sessions: Vec<NaiveDate> = (0..30).map(|w| day(2026, 9, 2) + chrono::Days::new(w * 7)).collect();
    let people = people(45, "学员")
        .into_iter()
        .enumerate()
        .map(|(i, p)| AttendancePerson {
            name: p.name,
            address: p.address,
            marks: (0..30).map(|s| if i >= 40 && s < 10 { None } else { Some((i + s) % 3 != 0) }).collect(),
        })
        .collect();
    AttendanceGrid { community: "浏河社区".into(), series: "太极拳班（秋季）".into(), sessions, people }
}

fn save(printed: &PrintedPdf, dir: &Path, name: &str) -> PathBuf {
    assert!(printed.missing_characters.is_empty(), "{:?}", printed.missing_characters);
    let path = dir.join(name);
    printed.save(&path).unwrap();
    if let Some(keep) = std::env::var_os("XINGHE_PRINT_DIR") {
        std::fs::create_dir_all(&keep).unwrap();
        std::fs::copy(&path, Path::new(&keep).join(name)).unwrap();
    }
    path
}

/// Each page's lines in drawing order (pdftotext -raw), trimmed, empty ones dropped.
fn page_lines(pdf: &Path) -> Vec<Vec<String>> {
    let text = poppler("pdftotext", &["-raw"], pdf);
    let pages = text
        .split('\u{c}')
        .map(|page| page.lines().map(str::trim).filter(|l| !l.is_empty()).map(str::to_string).collect::<Vec<_>>());
    pages.filter(|p| !p.is_empty()).collect()
}

/// A page's text without whitespace (pdftotext separates cells with spaces).
fn squeezed(lines: &[String]) -> String {
    lines.concat().chars().filter(|c| !c.is_whitespace()).collect()
}

fn assert_frame(pdf: &Path, pages: &[Vec<String>], printed: &PrintedPdf, header: &[&str]) {
    assert_eq!(pages.len(), printed.pages, "pdftotext sees every page");
    for (index, page) in pages.iter().enumerate() {
        let text = squeezed(page);
        for title in header {
            assert!(text.contains(title), "page {}: no header column {title}", index + 1);
        }
        let footer = format!("第{}页/共{}页", index + 1, printed.pages);
        assert!(text.contains(&footer), "page {}: no footer {footer}", index + 1);
        assert!(text.contains("打印时间：2026-11-2814:30"), "page {}: no print time", index + 1);
    }
    let info = poppler("pdfinfo", &[], pdf);
    assert!(info.contains(&format!("Pages:           {}", printed.pages)), "{info}");

    let fonts = poppler("pdffonts", &[], pdf);
    let rows: Vec<&str> = fonts.lines().skip(2).collect();
    assert_eq!(rows.len(), 1, "one embedded font: {fonts}");
    let columns: Vec<&str> = rows[0].split_whitespace().collect();
    assert!(columns[0].contains("+NotoSansCJKsc-Regular"), "{fonts}");
    assert_eq!(&columns[columns.len() - 5..columns.len() - 2], ["yes", "yes", "yes"], "emb/sub/uni: {fonts}");
}

/// The numbers of the blank rows: lines holding nothing but a number past the registered
/// people's (a registered row's number can stand alone too, beside a cell of two lines), each
/// followed by the next blank row, the waitlist heading or the page's footer — never a name.
fn blank_rows(pages: &[Vec<String>]) -> Vec<usize> {
    let mut blank = Vec::new();
    for lines in pages {
        for (i, line) in lines.iter().enumerate() {
            // Phones printed in full are numbers too, but never this short.
            let Some(number) = line.parse::<usize>().ok().filter(|&n| n > REGISTERED && line.len() <= 4) else {
                continue;
            };
            let next = lines.get(i + 1).map_or("", String::as_str);
            let ends_row = next.parse::<usize>().is_ok() || next.starts_with("候补名单") || next.starts_with("第 ");
            assert!(ends_row, "blank row {number} is followed by {next}");
            blank.push(number);
        }
    }
    blank
}

/// Table words (below the header row, above the footer) that straddle a column rule at one of
/// `edges_mm` from the page's left edge: text that ran out of its cell. Rows spanning the
/// table (the waitlist heading) are left out.
fn words_across_columns(pdf: &Path, edges_mm: &[f32]) -> Vec<String> {
    let xml = poppler("pdftotext", &["-bbox"], pdf);
    let number = |line: &str, key: &str| -> f32 {
        line.split(&format!("{key}=\"")).nth(1).and_then(|v| v.split('"').next()).and_then(|v| v.parse().ok()).unwrap()
    };
    let (mut header_y, mut spanning_y) = (f32::MAX, f32::MAX);
    let mut across = Vec::new();
    for line in xml.lines().map(str::trim) {
        if line.starts_with("<page") {
            header_y = f32::MAX;
        }
        if !line.starts_with("<word") {
            continue;
        }
        let (x_min, x_max, y_min) = (number(line, "xMin"), number(line, "xMax"), number(line, "yMin"));
        if line.contains(">序号<") {
            header_y = y_min;
        }
        if line.contains(">候补名单") {
            spanning_y = y_min;
        }
        let in_table = y_min > header_y + 1.0 && y_min < 841.89 - 50.0 && (y_min - spanning_y).abs() > 0.5;
        let edges = edges_mm.iter().map(|mm| mm * 72.0 / 25.4);
        if in_table && edges.into_iter().any(|edge| x_min < edge - 0.5 && x_max > edge + 0.5) {
            across.push(line.to_string());
        }
    }
    across
}

/// Words whose right edge passes `limit` points on any page (pdftotext -bbox): text that ran
/// out of its cell, or off the paper.
fn words_beyond(pdf: &Path, limit: f32) -> Vec<String> {
    let xml = poppler("pdftotext", &["-bbox"], pdf);
    xml.lines()
        .filter(|l| l.trim_start().starts_with("<word"))
        .filter_map(|l| {
            let x_max: f32 = l.split("xMax=\"").nth(1)?.split('"').next()?.parse().ok()?;
            (x_max > limit).then(|| l.to_string())
        })
        .collect()
}

#[test]
fn the_sign_up_sheet_lists_people_blank_rows_and_the_waitlist() {
    let dir = tempfile::tempdir().unwrap();
    let sheet = activity(7);
    let printed = sign_up_sheet(&sheet, &options()).unwrap();
    let pdf = save(&printed, dir.path(), "报名表.pdf");
    let pages = page_lines(&pdf);
    assert!(printed.pages >= 3, "{} pages", printed.pages);
    assert_frame(&pdf, &pages, &printed, &["序号", "姓名", "楼栋单元房号", "联系电话", "签名"]);

    let first = squeezed(&pages[0]);
    assert!(first.contains("浏河社区重阳节敬老茶话会报名表"), "{first}");
    for part in ["日期：2026年12月1日星期二", "时间：09:00–11:00", "地点：社区党群服务中心二楼活动室"]
    {
        assert!(first.contains(part), "title block lacks {part}");
    }
    for part in ["系列：银龄乐享季", "条线：银力量·离退休党员", "组织：周丽华", "已报名42人，候补3人"]
    {
        assert!(first.contains(part), "title block lacks {part}");
    }

    let all: String = pages.iter().map(|p| squeezed(p)).collect();
    for name in ["曹𠇔", "马英䶮", "郝堃", "居民42", "候补5", "候补7"] {
        assert!(all.contains(name), "{name} is not in the text");
    }
    // The long name and address wrap to a second line in their cells and end in "…" there.
    assert!(all.contains("阿依古丽·买买") && !all.contains(LONG_NAME), "{all}");
    assert!(all.contains("幸福里小区") && !all.contains("家属电话见备注"));
    assert_eq!(all.matches('…').count(), 2);

    // Masked by default.
    assert!(all.contains("138****5678") && !all.contains(PHONE) && all.contains("电话已隐去中间位"));

    // Ten numbered blank rows follow the registered people.
    assert_eq!(blank_rows(&pages), (REGISTERED + 1..=REGISTERED + DEFAULT_BLANK_ROWS).collect::<Vec<_>>());

    // The waitlist comes after the blank rows, under its heading, numbered from 1.
    let heading = all.find("候补名单（3人，按报名先后递补）").expect("waitlist heading");
    assert!(heading > all.find(&format!("{}", REGISTERED + DEFAULT_BLANK_ROWS)).unwrap());
    assert!(all[heading..].contains("1候补5"), "{}", &all[heading..]);

    // Nothing runs out of its cell (columns of 10, 26, 50, 28 and 72 mm from the 12 mm margin)
    // or past the right margin.
    assert_eq!(words_across_columns(&pdf, &[22.0, 48.0, 98.0, 126.0]), Vec::<String>::new());
    assert_eq!(words_beyond(&pdf, 595.28 - 34.0 + 0.5), Vec::<String>::new());
}

#[test]
fn an_empty_waitlist_prints_no_waitlist_section_and_blank_rows_are_chosen() {
    let dir = tempfile::tempdir().unwrap();
    let options = SheetOptions { blank_rows: 3, unmasked: true, ..options() };
    let printed = sign_up_sheet(&activity(0), &options).unwrap();
    let pdf = save(&printed, dir.path(), "报名表-无候补.pdf");
    let pages = page_lines(&pdf);
    let all: String = pages.iter().map(|p| squeezed(p)).collect();
    assert!(!all.contains("候补"), "no waitlist section");
    assert!(all.contains(PHONE) && !all.contains("****") && all.contains("含完整电话，请妥善保管"));
    assert_eq!(blank_rows(&pages), [REGISTERED + 1, REGISTERED + 2, REGISTERED + 3]);
}

#[test]
fn the_sign_in_sheet_has_a_sign_in_time_column_and_blank_rows() {
    let dir = tempfile::tempdir().unwrap();
    let printed = sign_in_sheet(&activity(3), &options()).unwrap();
    let pdf = save(&printed, dir.path(), "签到表.pdf");
    let pages = page_lines(&pdf);
    assert!(printed.pages >= 2);
    assert_frame(&pdf, &pages, &printed, &["序号", "姓名", "住址", "联系电话", "签到时间", "签名"]);
    let all: String = pages.iter().map(|p| squeezed(p)).collect();
    assert!(all.contains("浏河社区重阳节敬老茶话会签到表") && all.contains("应到42人"));
    assert!(all.contains("曹𠇔") && all.contains("马英䶮") && all.contains("138****5678") && !all.contains(PHONE));
    assert!(!all.contains("候补"), "the waitlist does not sign in");
    assert_eq!(blank_rows(&pages).len(), DEFAULT_BLANK_ROWS);
    assert_eq!(words_beyond(&pdf, 595.28 - 34.0 + 0.5), Vec::<String>::new());
    assert!(poppler("pdfinfo", &[], &pdf).contains("595.276 x 841.89 pts (A4)"));
}

#[test]
fn the_attendance_grid_is_landscape_and_continues_with_the_next_dates() {
    let dir = tempfile::tempdir().unwrap();
    let grid = grid();
    let printed = attendance_sheet(&grid, &options()).unwrap();
    let pdf = save(&printed, dir.path(), "考勤表.pdf");
    let pages = page_lines(&pdf);
    assert_frame(&pdf, &pages, &printed, &["序号", "姓名", "住址"]);

    let info = poppler("pdfinfo", &["-box"], &pdf);
    assert!(info.contains("841.89 x 595.276 pts (A4)"), "{info}");
    let media = info.lines().find(|l| l.starts_with("MediaBox:")).expect("MediaBox");
    let numbers: Vec<f32> = media.split_whitespace().skip(1).map(|n| n.parse().unwrap()).collect();
    assert!(numbers[2] > numbers[3], "landscape MediaBox: {media}");

    // 45 people do not fit one page and 30 dates do not fit across: the first pages carry the
    // first 15 dates, the later ones the next 15 and the totals, names repeated on each.
    let texts: Vec<String> = pages.iter().map(|p| squeezed(p)).collect();
    assert!(texts.len() >= 4, "{} pages", texts.len());
    let with = |date: &str| texts.iter().filter(|t| t.contains(date)).count();
    let (first_date, sixteenth_date) = ("09-02", "12-16");
    assert_eq!(with(first_date) + with(sixteenth_date), texts.len(), "every page has one run of dates");
    assert!(with(first_date) >= 2 && with(sixteenth_date) >= 2);
    assert!(texts[0].contains(first_date) && texts[0].contains("12-09") && !texts[0].contains(sixteenth_date));
    assert!(texts.last().unwrap().contains(sixteenth_date) && texts.last().unwrap().contains("03-24"));
    let second_part: Vec<&String> = texts.iter().filter(|t| t.contains(sixteenth_date)).collect();
    assert!(second_part.iter().all(|t| t.contains("合计")), "the total column on the last dates");
    assert!(texts.iter().all(|t| t.contains("本表第")), "each page says which dates it holds");
    assert!(texts[0].contains("2026年9月2日至2027年3月24日"), "{}", texts[0]);
    for name in ["曹𠇔", "马英䶮", "郝堃", "学员45"] {
        assert_eq!(texts.iter().filter(|t| t.contains(name)).count(), 2, "{name} on both runs of dates");
    }

    // One ✓ per present mark, and one in each page's legend; it copies out as U+2713.
    let present: usize = grid.people.iter().map(|p| p.marks.iter().filter(|m| **m == Some(true)).count()).sum();
    let all = texts.concat();
    assert_eq!(all.matches('✓').count(), present + printed.pages);
    assert!(texts.iter().all(|t| t.contains("✓出勤空白缺勤或未记")));

    // The 合计 rows give each date's count, the 合计 column each person's.
    let lines = pages.concat();
    let totals: Vec<&String> = lines.iter().filter(|l| l.starts_with("合计 ")).collect();
    assert_eq!(totals.len(), 2, "one total row per run of dates: {totals:?}");
    let counted = |s: usize| grid.people.iter().filter(|p| p.marks[s] == Some(true)).count().to_string();
    let expected_first: Vec<String> = (0..15).map(counted).collect();
    let mut expected_second: Vec<String> = (15..30).map(counted).collect();
    expected_second.push(present.to_string());
    assert_eq!(totals[0].split_whitespace().skip(1).collect::<Vec<_>>(), expected_first);
    assert_eq!(totals[1].split_whitespace().skip(1).collect::<Vec<_>>(), expected_second);
    let total_45 = grid.people[44].marks.iter().filter(|m| **m == Some(true)).count();
    let row_45 = lines.iter().rev().find(|l| l.contains("学员45")).unwrap();
    assert!(row_45.ends_with(&format!(" {total_45}")), "{row_45}");

    assert_eq!(words_beyond(&pdf, 841.89 - 34.0 + 0.5), Vec::<String>::new());
}

#[test]
fn seventeen_dates_fit_across_one_landscape_page_each_whole() {
    let dir = tempfile::tempdir().unwrap();
    let mut grid = grid();
    grid.sessions.truncate(17);
    grid.people.truncate(5);
    let printed = attendance_sheet(&grid, &options()).unwrap();
    let pdf = save(&printed, dir.path(), "考勤表-17次.pdf");
    assert_eq!(printed.pages, 1);
    let lines = &page_lines(&pdf)[0];
    let header = lines.iter().find(|l| l.starts_with("序号")).expect("header row");
    let dates: Vec<String> = grid.sessions.iter().map(|d| d.format("%m-%d").to_string()).collect();
    assert_eq!(header.split_whitespace().collect::<Vec<_>>()[3..20], dates, "each date on one line: {header}");
    let text = squeezed(lines);
    assert!(text.contains("共17次") && text.contains("合计") && !text.contains("本表第"), "{text}");
    assert_eq!(words_beyond(&pdf, 841.89 - 34.0 + 0.5), Vec::<String>::new());
}
