//! Story: an office exports its register for Excel — the whole community and filtered lists, as
//! .xlsx and .csv — and gets exactly what the list shows: whole ID numbers, landlines with their
//! leading 0, real dates, the rarest names, and no typed formula that could ever run.

use crate::support::demo;
use calamine::{open_workbook, Data, Reader, Xlsx};
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::Command;
use xinghe_ledger::register::export::{write_rejected_rows, RejectedRow, HOUSEHOLD_HEADERS, RESIDENT_HEADERS};
use xinghe_ledger::register::model::{CareNeed, HouseholdFilter, HouseholdInput, HouseholdRow, ResidentInput};
use xinghe_ledger::values::dates::NaiveDate;
use xinghe_ledger::Ledger;

const ID_NUMBER: &str = "11010519491231002X";
const LANDLINE: &str = "0731-84123456";

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

struct Office {
    dir: tempfile::TempDir,
    db: PathBuf,
    ledger: Ledger,
    household: i64,
}

impl Office {
    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    fn files(&self) -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(self.dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| !n.starts_with("liuhe.db"))
            .collect();
        names.sort();
        names
    }
}

/// The demo community plus one household that holds everything awkward: a rare character, an
/// ID number ending in X, a landline, an unrecognised care label and notes that look like formulas.
fn awkward_office() -> Office {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("liuhe.db");
    let mut ledger = demo(&db, 100, 7);
    let unit_id = ledger.hierarchy().unwrap().grids[0].buildings[0].units[0].id;
    let household = ledger
        .save_household(&HouseholdInput {
            unit_id,
            room: "9901".into(),
            phone: Some(LANDLINE.into()),
            notes: Some("=1+1".into()),
            ..Default::default()
        })
        .unwrap();
    // The spouse is registered first; the export still lists the 户主 first.
    ledger
        .save_resident(&ResidentInput {
            household_id: household,
            name: "李秀英".into(),
            relation: "配偶".into(),
            sex: Some("女".into()),
            birth_date: Some("1951-03-08".into()),
            notes: Some("@SUM(A1)".into()),
            ..Default::default()
        })
        .unwrap();
    ledger
        .save_resident(&ResidentInput {
            household_id: household,
            name: "曹𠇔".into(),
            relation: "户主".into(),
            id_number: Some(ID_NUMBER.into()),
            phone: Some(LANDLINE.into()),
            political_status: Some("中共党员（离退休）".into()),
            care_needs: vec![
                CareNeed {
                    kind: "残疾".into(),
                    disability_category: Some("肢体".into()),
                    disability_grade: Some(2),
                    ..Default::default()
                },
                CareNeed { kind: "重病（术后）".into(), ..Default::default() },
            ],
            is_volunteer: true,
            notes: Some("=1+1".into()),
            ..Default::default()
        })
        .unwrap();
    Office { dir, db, ledger, household }
}

fn sheet(path: &Path, name: &str) -> Vec<Vec<Data>> {
    let mut workbook: Xlsx<_> = open_workbook(path).unwrap();
    let range = workbook.worksheet_range(name).unwrap();
    range.rows().map(<[Data]>::to_vec).collect()
}

fn text(cell: &Data) -> String {
    match cell {
        Data::String(s) => s.clone(),
        Data::Empty => String::new(),
        other => panic!("expected text, got {other:?}"),
    }
}

fn column(rows: &[Vec<Data>], header: &str) -> usize {
    rows[0].iter().position(|h| text(h) == header).unwrap_or_else(|| panic!("no column {header}"))
}

/// One part of the .xlsx package (it is a zip of XML files).
fn xlsx_part(path: &Path, part: &str) -> String {
    let mut zip = zip::ZipArchive::new(std::fs::File::open(path).unwrap()).unwrap();
    let mut xml = String::new();
    zip.by_name(part).unwrap().read_to_string(&mut xml).unwrap();
    xml
}

/// Every household the list shows for `filter`, all pages.
fn shown(ledger: &Ledger, filter: &HouseholdFilter) -> Vec<HouseholdRow> {
    let mut rows = Vec::new();
    loop {
        let page =
            ledger.list_households(&HouseholdFilter { offset: rows.len() as u32, limit: Some(50), ..filter.clone() });
        let page = page.unwrap();
        let done = page.rows.is_empty();
        rows.extend(page.rows);
        if done || rows.len() as u64 >= page.total {
            return rows;
        }
    }
}

fn csv_records(path: &Path) -> (Vec<String>, Vec<Vec<String>>) {
    let bytes = std::fs::read(path).unwrap();
    assert!(bytes.starts_with(b"\xEF\xBB\xBF"), "a CSV for Excel starts with the UTF-8 BOM");
    let mut reader = csv::Reader::from_reader(&bytes[3..]);
    let headers = reader.headers().unwrap().iter().map(str::to_string).collect();
    let records = reader.records().map(|r| r.unwrap().iter().map(str::to_string).collect()).collect();
    (headers, records)
}

#[test]
fn the_whole_community_to_excel_keeps_every_digit_date_and_character() {
    let office = awkward_office();
    let out = office.path("居民.xlsx");
    let written = office.ledger.export_residents(&HouseholdFilter::default(), &out).unwrap();
    assert_eq!(written as u64, office.ledger.stats().unwrap().residents);

    let rows = sheet(&out, "居民");
    let headers: Vec<String> = rows[0].iter().map(text).collect();
    assert_eq!(
        headers,
        [
            "姓名",
            "性别",
            "身份证号",
            "出生日期",
            "联系电话",
            "网格",
            "楼栋",
            "单元",
            "房号",
            "与户主关系",
            "政治面貌",
            "特殊人群",
            "残疾类别",
            "残疾等级",
            "志愿者",
            "备注"
        ]
    );
    assert_eq!(headers, RESIDENT_HEADERS);
    assert_eq!(rows.len(), written + 1);

    let (id, birth, phone) = (column(&rows, "身份证号"), column(&rows, "出生日期"), column(&rows, "联系电话"));
    for row in &rows[1..] {
        match &row[id] {
            Data::String(s) => assert_eq!(s.chars().count(), 18, "{s}"),
            Data::Empty => {}
            other => panic!("身份证号 stored as {other:?}"),
        }
        assert!(matches!(&row[phone], Data::String(_) | Data::Empty), "联系电话 stored as {:?}", row[phone]);
        assert!(matches!(&row[birth], Data::DateTime(_) | Data::Empty), "出生日期 stored as {:?}", row[birth]);
    }

    let cao = rows.iter().position(|r| text(&r[0]) == "曹𠇔").unwrap();
    let row: Vec<String> =
        rows[cao].iter().map(|c| if let Data::DateTime(_) = c { "date".into() } else { text(c) }).collect();
    assert_eq!(
        row,
        [
            "曹𠇔",
            "女",
            ID_NUMBER,
            "date",
            LANDLINE,
            "第一网格",
            "1栋",
            "1单元",
            "9901",
            "户主",
            "中共党员（离退休）",
            "残疾、重病（术后）",
            "肢体",
            "二级",
            "是",
            "=1+1"
        ]
    );
    let Data::DateTime(born) = &rows[cao][birth] else { unreachable!() };
    assert_eq!(born.as_datetime().unwrap().date(), date(1949, 12, 31));
    assert_eq!(text(&rows[cao + 1][0]), "李秀英", "户主 first, then the household's other members");
    assert_eq!(text(&rows[cao + 1][column(&rows, "志愿者")]), "");

    let styles = xlsx_part(&out, "xl/styles.xml");
    assert!(styles.contains(r#"formatCode="yyyy-mm-dd""#), "{styles}");
    assert!(styles.contains("<b/>"), "bold header");
    let worksheet = xlsx_part(&out, "xl/worksheets/sheet1.xml");
    assert!(worksheet.contains(r#"ySplit="1""#) && worksheet.contains(r#"state="frozen""#), "frozen header row");
    assert!(worksheet.contains("<cols>"), "column widths are set");
}

#[test]
fn a_filtered_list_exports_exactly_what_it_shows() {
    let mut office = awkward_office();
    let second_grid = office.ledger.hierarchy().unwrap().grids[1].id;
    // A moved-out household is shown only when asked for, with its 迁出日期 as a real date.
    let moved = shown(&office.ledger, &HouseholdFilter::default())[3].id;
    office.ledger.move_out_household(moved, Some("2026-10-01")).unwrap();
    let filters = [
        HouseholdFilter { aged_80_plus: true, ..Default::default() },
        HouseholdFilter { grid_id: Some(second_grid), ..Default::default() },
        HouseholdFilter { care: Some("残疾".into()), party_member: true, ..Default::default() },
        HouseholdFilter { include_moved_out: true, ..Default::default() },
        // Paging is the screen's business: the file holds every matching household.
        HouseholdFilter { offset: 10, limit: Some(5), ..Default::default() },
    ];
    for filter in filters {
        let list = shown(&office.ledger, &filter);
        assert!(!list.is_empty(), "{filter:?}");

        let out = office.path("住户.xlsx");
        assert_eq!(office.ledger.export_households(&filter, &out).unwrap(), list.len());
        let rows = sheet(&out, "住户");
        assert_eq!(rows[0].iter().map(text).collect::<Vec<_>>(), HOUSEHOLD_HEADERS);
        let exported: Vec<(String, String, f64)> = rows[1..]
            .iter()
            .map(|r| match &r[6] {
                Data::Float(n) => (text(&r[4]), text(&r[5]), *n),
                other => panic!("人数 stored as {other:?}"),
            })
            .collect();
        let expected: Vec<(String, String, f64)> = list
            .iter()
            .map(|h| (h.address.clone(), h.head_name.clone().unwrap_or_default(), h.member_count.into()))
            .collect();
        assert_eq!(exported, expected, "{filter:?}");
        for (row, household) in rows[1..].iter().zip(&list) {
            assert_eq!(matches!(row[9], Data::DateTime(_)), household.moved_out_on.is_some());
        }

        let out = office.path("居民.xlsx");
        let written = office.ledger.export_residents(&filter, &out).unwrap();
        assert_eq!(written, list.iter().map(|h| h.member_count as usize).sum::<usize>(), "{filter:?}");
        let rows = sheet(&out, "居民");
        let mut addresses: Vec<String> =
            rows[1..].iter().map(|r| format!("{}{}{}", text(&r[6]), text(&r[7]), text(&r[8]))).collect();
        addresses.dedup();
        let with_members: Vec<String> = list.iter().filter(|h| h.member_count > 0).map(|h| h.address.clone()).collect();
        assert_eq!(addresses, with_members, "{filter:?}");
    }
}

#[test]
fn csv_opens_in_excel_as_chinese_and_runs_no_formula() {
    let office = awkward_office();
    let out = office.path("居民.CSV");
    let written = office.ledger.export_residents(&HouseholdFilter::default(), &out).unwrap();
    let (headers, records) = csv_records(&out);
    assert_eq!(headers, RESIDENT_HEADERS);
    assert_eq!(records.len(), written);
    let cao = records.iter().find(|r| r[0] == "曹𠇔").unwrap();
    assert_eq!(cao[2], ID_NUMBER);
    assert_eq!(cao[3], "1949-12-31");
    assert_eq!(cao[4], LANDLINE);
    assert_eq!(cao[11], "残疾、重病（术后）");
    assert_eq!(cao[15], "'=1+1", "a formula-looking note is shown as text, never run");
    let spouse = records.iter().find(|r| r[0] == "李秀英").unwrap();
    assert_eq!(spouse[15], "'@SUM(A1)");
    assert!(std::fs::read(&out).unwrap().windows(2).any(|w| w == b"\r\n"), "RFC 4180 line ends");

    let out = office.path("住户.csv");
    office.ledger.export_households(&HouseholdFilter::default(), &out).unwrap();
    let (headers, records) = csv_records(&out);
    assert_eq!(headers, HOUSEHOLD_HEADERS);
    let ours = records.iter().find(|r| r[4] == "1栋1单元9901").unwrap();
    assert_eq!(ours[5..9], ["曹𠇔", "2", LANDLINE, "'=1+1"]);
    assert_eq!(ours[9], "");
}

#[test]
fn an_unknown_format_is_refused_and_nothing_is_written() {
    let office = awkward_office();
    for name in ["居民.txt", "居民.xls", "居民"] {
        let err = office.ledger.export_residents(&HouseholdFilter::default(), &office.path(name)).unwrap_err();
        assert_eq!(err.kind(), "invalid");
        assert!(err.to_string().contains("扩展名"), "{err}");
        let err = office.ledger.export_households(&HouseholdFilter::default(), &office.path(name)).unwrap_err();
        assert_eq!(err.kind(), "invalid");
    }
    assert!(office.files().is_empty(), "{:?}", office.files());
}

#[test]
fn an_existing_file_is_replaced_only_by_a_complete_new_one() {
    let mut office = awkward_office();
    let out = office.path("居民.xlsx");
    std::fs::write(&out, b"last month's list").unwrap();
    // Excel cannot hold more than 32,767 characters in one cell, so this export fails. The
    // form refuses notes over 10,000 characters; this one was stored before that limit existed.
    let long = office
        .ledger
        .save_resident(&ResidentInput {
            household_id: office.household,
            name: "王长庚".into(),
            relation: "子".into(),
            ..Default::default()
        })
        .unwrap();
    rusqlite::Connection::open(&office.db)
        .unwrap()
        .execute("UPDATE residents SET notes = ?1 WHERE id = ?2", rusqlite::params!["长".repeat(40_000), long])
        .unwrap();
    let err = office.ledger.export_residents(&HouseholdFilter::default(), &out).unwrap_err();
    assert!(err.to_string().contains("32767") && err.to_string().contains("备注"), "{err}");
    assert_eq!(std::fs::read(&out).unwrap(), b"last month's list");
    assert_eq!(office.files(), ["居民.xlsx"], "no temporary file is left behind");

    office.ledger.move_out_resident(long, None).unwrap();
    let nowhere = office.path("没有这个文件夹").join("居民.xlsx");
    let err = office.ledger.export_residents(&HouseholdFilter::default(), &nowhere).unwrap_err();
    assert!(err.kind() == "io" && err.to_string().contains("不存在"), "{err}");

    let written = office.ledger.export_residents(&HouseholdFilter::default(), &out).unwrap();
    assert_eq!(sheet(&out, "居民").len(), written + 1);
    assert_eq!(office.files(), ["居民.xlsx"]);
}

#[test]
fn rejected_import_rows_come_back_as_text_with_row_number_and_reason() {
    let office = awkward_office();
    let out = office.path("未导入的行.xlsx");
    let headers: Vec<String> = ["姓名", "身份证号", "联系电话"].map(String::from).to_vec();
    let rows = [RejectedRow {
        cells: vec!["张三".into(), "430105194912310021".into(), "07318412345".into()],
        reason: "身份证号校验位不对".into(),
        row_number: 7,
    }];
    write_rejected_rows(&out, &headers, &rows).unwrap();
    let sheet = sheet(&out, "未导入");
    assert_eq!(sheet[0].iter().map(text).collect::<Vec<_>>(), ["姓名", "身份证号", "联系电话", "行号", "原因"]);
    assert!(sheet[1].iter().all(|c| matches!(c, Data::String(_))), "{:?}", sheet[1]);
    assert_eq!(
        sheet[1].iter().map(text).collect::<Vec<_>>(),
        ["张三", "430105194912310021", "07318412345", "7", "身份证号校验位不对"]
    );
}

#[test]
fn the_cli_exports_and_explains_mistakes_in_chinese() {
    let office = awkward_office();
    let cli = |args: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_xinghe-cli")).arg("--db").arg(&office.db).args(args).output().unwrap()
    };
    let out = office.path("居民.xlsx");
    let output = cli(&["export", "residents", "--out", out.to_str().unwrap()]);
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let stdout = String::from_utf8_lossy(&output.stdout);
    let total = office.ledger.stats().unwrap().residents;
    assert!(stdout.contains(&format!("已导出 {total} 位居民到")), "{stdout}");

    let out = office.path("第二网格.csv");
    let output = cli(&["export", "households", "--out", out.to_str().unwrap(), "--grid", "第二网格"]);
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let second_grid = office.ledger.hierarchy().unwrap().grids[1].id;
    let list = shown(&office.ledger, &HouseholdFilter { grid_id: Some(second_grid), ..Default::default() });
    assert_eq!(csv_records(&out).1.len(), list.len());

    let before = office.files();
    let (xlsx, txt) = (office.path("x.xlsx"), office.path("x.txt"));
    let (xlsx, txt) = (xlsx.to_str().unwrap(), txt.to_str().unwrap());
    for (args, says) in [
        (&["export", "residents", "--out", xlsx, "--grid", "第九网格"][..], "没有名为“第九网格”的网格"),
        (&["export", "residents", "--out", txt], "扩展名"),
        (&["export", "people", "--out", xlsx], "people"),
    ] {
        let output = cli(args);
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(1), "{args:?}");
        assert!(stderr.contains(says) && !stderr.contains("panicked"), "{args:?}: {stderr}");
    }
    assert_eq!(office.files(), before);
}
