//! Story: a new office loads its Excel register — title rows, merged addresses, an ID number
//! Excel turned into a number, full-width digits, GBK CSV, duplicates, blank and totals rows —
//! sees exactly which rows were refused and why, re-imports an updated file without creating
//! duplicates, and never ends up with half an import.

use crate::support::open;
use rust_xlsxwriter::{ExcelDateTime, Format, Workbook};
use std::path::{Path, PathBuf};
use xinghe_ledger::register::import::columns::{ColumnOverride, Field};
use xinghe_ledger::register::import::{ImportOptions, ImportReport};
use xinghe_ledger::register::model::HouseholdFilter;
use xinghe_ledger::Ledger;

/// One fixture cell.
#[derive(Clone, Copy)]
enum Fx<'a> {
    S(&'a str),
    N(f64),
    D(u16, u8, u8),
    Blank,
}
use Fx::{Blank, D, N, S};

/// Writes rows (row 0 = Excel row 1) and merges (first_row, first_col, last_row, last_col, text).
fn xlsx(path: &Path, rows: &[Vec<Fx>], merges: &[(u32, u16, u32, u16, &str)]) {
    let mut workbook = Workbook::new();
    let sheet = workbook.add_worksheet();
    sheet.set_name("居民花名册").unwrap();
    let date_format = Format::new().set_num_format("yyyy-mm-dd");
    for (r, row) in rows.iter().enumerate() {
        for (c, cell) in row.iter().enumerate() {
            let (r, c) = (r as u32, c as u16);
            match *cell {
                S(text) => {
                    sheet.write_string(r, c, text).unwrap();
                }
                N(n) => {
                    sheet.write_number(r, c, n).unwrap();
                }
                D(y, m, d) => {
                    sheet
                        .write_datetime_with_format(r, c, ExcelDateTime::from_ymd(y, m, d).unwrap(), &date_format)
                        .unwrap();
                }
                Blank => {}
            }
        }
    }
    for &(first_row, first_col, last_row, last_col, text) in merges {
        sheet.merge_range(first_row, first_col, last_row, last_col, text, &Format::new()).unwrap();
    }
    workbook.save(path).unwrap();
}

fn import(ledger: &mut Ledger, file: &Path) -> ImportReport {
    ledger.import_file(file, &ImportOptions::default(), &mut |_| {}).unwrap()
}

fn rejected(report: &ImportReport) -> Vec<(u32, &str)> {
    report.rejected.iter().map(|i| (i.row, i.kind)).collect()
}

fn names_at(ledger: &mut Ledger, query: &str) -> Vec<String> {
    ledger.search(query).unwrap().into_iter().map(|h| format!("{}@{}", h.name, h.address)).collect()
}

fn shared_sample() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/samples")
}

#[test]
fn the_shared_office_sample_imports_exactly_as_expected() {
    let expected: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(shared_sample().join("register_sample_expected.json")).unwrap())
            .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let mut ledger = open(&dir.path().join("register.db"));
    let report = import(&mut ledger, &shared_sample().join("register_sample.xlsx"));
    assert_eq!(report.data_rows, expected["data_rows"].as_u64().unwrap() as u32);
    assert_eq!(report.residents_created, expected["residents_valid"].as_u64().unwrap() as u32);
    assert_eq!(report.households_created, expected["households"].as_u64().unwrap() as u32);
    fn kind_of(reason: &str) -> &str {
        match reason {
            "checksum" => "id_checksum",
            "id-as-number" => "id_as_number",
            other => other,
        }
    }
    let want: Vec<(u32, &str)> = expected["rejected"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| (r["row"].as_u64().unwrap() as u32, kind_of(r["reason"].as_str().unwrap())))
        .collect();
    assert_eq!(rejected(&report), want);
    assert!(report.rejected.iter().all(|i| i.column == "公民身份号码"));
    for name in expected["rare_names"].as_array().unwrap() {
        let name = name.as_str().unwrap();
        assert!(ledger.search(name).unwrap().iter().any(|h| h.name == name), "{name} is stored and found");
    }
    for id in expected["x_ids"].as_array().unwrap() {
        let id = id.as_str().unwrap();
        assert_eq!(ledger.search(&id[14..].to_lowercase()).unwrap().len(), 1, "{id} stored with upper-case X");
    }
    let stats = ledger.stats().unwrap();
    assert_eq!((stats.households, stats.residents), (57, 131));

    // The same file again: nothing new, nothing changed.
    let again = import(&mut ledger, &shared_sample().join("register_sample.xlsx"));
    assert_eq!((again.households_created, again.residents_created, again.residents_updated), (0, 0, 0));
    assert_eq!(again.residents_unchanged, 131);
    assert_eq!(ledger.stats().unwrap().residents, 131);
}

/// The way offices keep it: a merged title, a 填报单位 line, headers in their own words, the
/// address merged down over each household, and every kind of damage.
fn messy_workbook(path: &Path) {
    let header = [
        "序号",
        "所属网格",
        "住址",
        "姓名",
        "关系",
        "性别",
        "身份证号码",
        "联系方式",
        "出生年月",
        "人员类别",
        "兴趣爱好",
    ];
    let rows: Vec<Vec<Fx>> = vec![
        vec![S("浏河社区居民信息登记表")],
        vec![S("填报单位：浏河社区居委会"), Blank, Blank, Blank, Blank, Blank, Blank, S("填报日期：2026年11月")],
        header.iter().map(|h| S(h)).collect(),
        // Row 4: 户主 of 8栋2单元301; the address is merged down to row 6.
        vec![
            N(1.0),
            S("第一网格"),
            S("8栋2单元301"),
            S("张三"),
            S("户主"),
            S("女"),
            S("11010519491231002x"),
            S("１３８ 1234-5678"),
            Blank,
            S("独居老人、重病"),
        ],
        vec![N(2.0), Blank, Blank, S("曹𠇔"), S("妻子"), S("男"), Blank, Blank, D(1950, 3, 5), S("残疾（肢体二级）")],
        // Row 6: ID number typed into a number cell.
        vec![N(3.0), Blank, Blank, S("李四"), S("子"), S("男"), N(430105197001010011.0), S("13900001111")],
        vec![],
        // Row 8: a second household, birth date as Chinese text, unknown relation kept.
        vec![
            N(4.0),
            S("第一网格"),
            S("8栋2单元302室"),
            S("王五"),
            S("户主"),
            S("男"),
            Blank,
            S("0731-84123456"),
            S("1956年3月12日"),
            S("低保"),
        ],
        vec![N(5.0), Blank, Blank, S("王小五"), S("外甥"), S("男"), Blank, Blank, S("2010-07-01")],
        // Row 10: a bad phone; row 11: a bad date; row 12: the totals row.
        vec![N(6.0), S("第二网格"), S("9栋1单元101"), S("赵六"), S("户主"), S("男"), Blank, S("12345")],
        vec![N(7.0), S("第二网格"), S("9栋1单元102"), S("钱七"), S("户主"), S("女"), Blank, Blank, S("1949-02-30")],
        vec![Blank, Blank, Blank, S("合计"), Blank, Blank, Blank, S("共7人")],
    ];
    xlsx(
        path,
        &rows,
        &[(0, 0, 0, 10, "浏河社区居民信息登记表"), (3, 1, 5, 1, "第一网格"), (3, 2, 5, 2, "8栋2单元301")],
    );
}

#[test]
fn a_messy_office_workbook_reports_every_problem_by_excel_row_and_column() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("登记表.xlsx");
    messy_workbook(&file);
    let mut ledger = open(&dir.path().join("register.db"));
    let report = import(&mut ledger, &file);

    assert_eq!(report.header_row, 3);
    assert_eq!(report.unknown_columns, ["兴趣爱好"]);
    assert_eq!(report.skipped, [7, 12], "the blank row and the 合计 row");
    assert_eq!(rejected(&report), [(6, "id_as_number"), (10, "invalid"), (11, "invalid")]);
    let reasons: Vec<(&str, &str)> = report.rejected.iter().map(|i| (i.column.as_str(), i.reason.as_str())).collect();
    assert!(reasons[0].1.contains("存成了数字"), "{reasons:?}");
    assert_eq!(reasons[1].0, "联系方式");
    assert!(reasons[1].1.contains("12345"));
    assert_eq!(reasons[2].0, "出生年月");
    assert!(reasons[2].1.contains("1949-02-30"));
    assert_eq!((report.residents_created, report.households_created), (4, 2));
    assert!(
        report.warnings.iter().any(|w| w.row == 4 && w.reason.contains("重病")),
        "unknown care label kept with a warning"
    );
    assert!(report.warnings.iter().any(|w| w.row == 9 && w.reason.contains("外甥")));
    // The sex typed for 张三 (女) agrees with the ID number; the row is imported.

    let household = ledger.list_households(&HouseholdFilter::default()).unwrap();
    let addresses: Vec<&str> = household.rows.iter().map(|r| r.address.as_str()).collect();
    assert_eq!(addresses, ["8栋2单元301", "8栋2单元302"]);
    let first = ledger.household(household.rows[0].id).unwrap();
    let members: Vec<(&str, &str)> = first.members.iter().map(|m| (m.name.as_str(), m.relation.as_str())).collect();
    assert_eq!(members, [("张三", "户主"), ("曹𠇔", "配偶")], "merged address fills down; 妻子 → 配偶");
    let zhang = &first.members[0];
    let care: Vec<String> = zhang.care_needs.iter().map(|c| c.display()).collect();
    assert_eq!(care, ["独居", "重病"]);
    assert_eq!(first.members[1].care_needs[0].display(), "残疾（肢体二级）");
    assert_eq!(first.members[1].age, Some(76), "an Excel date cell");
    assert_eq!(names_at(&mut ledger, "5678"), ["张三@8栋2单元301"], "full-width phone digits normalised");
    assert_eq!(names_at(&mut ledger, "002X"), ["张三@8栋2单元301"], "lower-case x stored as X");
    let wang = ledger.search("王五").unwrap();
    assert_eq!(wang[0].age, Some(70), "1956年3月12日");
}

#[test]
fn a_gbk_csv_with_continuation_rows_and_duplicates() {
    let dir = tempfile::tempdir().unwrap();
    let csv = "姓名,身份证号,性别,楼栋,单元,房号,与户主关系,手机\n\
               孔喆,430105196401060595,男,1,1,101,户主,13800000001\n\
               郝堃,,女,,,,配偶,\n\
               \n\
               孙八,4.30105E+17,男,1,1,102,户主,\n\
               孔喆,430105196401060595,男,1,1,101,户主,13800000001\n\
               小计,,,,,,,\n";
    let (bytes, _, _) = encoding_rs::GBK.encode(csv);
    let file = dir.path().join("gbk.csv");
    std::fs::write(&file, &bytes).unwrap();
    let mut ledger = open(&dir.path().join("register.db"));
    let report = import(&mut ledger, &file);
    assert_eq!(rejected(&report), [(5, "id_as_number"), (6, "duplicate")]);
    assert!(report.rejected[1].reason.contains("第 2 行"), "names the earlier row");
    assert_eq!(report.skipped, [4, 7]);
    assert_eq!(names_at(&mut ledger, "郝堃"), ["郝堃@1栋1单元101"], "blank address continues the household above");
}

#[test]
fn re_importing_an_updated_file_updates_fills_blanks_and_never_erases() {
    let dir = tempfile::tempdir().unwrap();
    let mut ledger = open(&dir.path().join("register.db"));
    let first = dir.path().join("v1.csv");
    std::fs::write(
        &first,
        "姓名,身份证号,地址,关系,电话,备注\n\
         孔喆,430105196401060595,1栋1单元101,户主,13800000001,老党员\n\
         郝堃,,1栋1单元101,配偶,13800000002,\n",
    )
    .unwrap();
    let report = import(&mut ledger, &first);
    assert_eq!((report.residents_created, report.households_created), (2, 1));

    // v2: 孔喆's phone changed and his note left blank; 郝堃 (no ID number, matched by name
    // at the address) gets a care need; 周九 is new.
    let second = dir.path().join("v2.csv");
    std::fs::write(
        &second,
        "\u{feff}姓名,身份证号,地址,关系,电话,备注,特殊人群\n\
         孔喆,430105196401060595,1栋1单元101,户主,13900000009,,\n\
         郝堃,,1栋1单元101,配偶,,,低保\n\
         周九,,1栋1单元101,子,,,\n",
    )
    .unwrap();
    let report = import(&mut ledger, &second);
    assert_eq!(
        (report.residents_created, report.residents_updated, report.residents_unchanged, report.households_created),
        (1, 2, 0, 0)
    );
    let hit = &ledger.search("孔喆").unwrap()[0];
    let kong = ledger.resident(hit.id).unwrap();
    assert_eq!(kong.phone.as_deref(), Some("13900000009"));
    assert_eq!(kong.notes, "老党员", "a blank cell never erases");
    let hao_id = ledger.search("郝堃").unwrap()[0].id;
    let hao = ledger.resident(hao_id).unwrap();
    assert_eq!(hao.phone.as_deref(), Some("13800000002"));
    assert_eq!(hao.care_needs[0].kind, "低保");
    assert_eq!(ledger.stats().unwrap().residents, 3);
}

#[test]
fn a_dry_run_reports_everything_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("登记表.xlsx");
    messy_workbook(&file);
    let mut ledger = open(&dir.path().join("register.db"));
    let options = ImportOptions { dry_run: true, ..ImportOptions::default() };
    let report = ledger.import_file(&file, &options, &mut |_| {}).unwrap();
    assert_eq!(report.residents_created, 4);
    assert!(ledger.is_empty().unwrap());
    let preview = ledger.preview_import(&file, &ImportOptions::default()).unwrap();
    assert_eq!(preview.sample[0].row_number, 4);
    assert_eq!(preview.sample[0].cells[3], "张三");
    assert!(ledger.is_empty().unwrap());
}

#[test]
fn a_failure_part_way_leaves_the_register_exactly_as_it_was() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("登记表.xlsx");
    messy_workbook(&file);
    let mut ledger = open(&dir.path().join("register.db"));
    ledger.create_demo(100, 5).unwrap();
    let before = ledger.stats().unwrap();
    // Make the database itself fail on the third person of the file, after two were written.
    rusqlite::Connection::open(dir.path().join("register.db"))
        .unwrap()
        .execute_batch(
            "CREATE TRIGGER fail_mid_import BEFORE INSERT ON residents WHEN NEW.name = '王五'
             BEGIN SELECT RAISE(ABORT, 'disk gone'); END;",
        )
        .unwrap();
    let err = ledger.import_file(&file, &ImportOptions::default(), &mut |_| {}).unwrap_err();
    assert_eq!(err.kind(), "database");
    assert_eq!(ledger.stats().unwrap(), before, "no household or resident of the file was kept");
    assert!(ledger.search("曹𠇔").unwrap().is_empty());
}

#[test]
fn the_user_corrects_a_column_the_importer_did_not_know() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("odd.csv");
    std::fs::write(&file, "姓名,现居住房屋,电话\n孔喆,1栋1单元101,13800000001\n").unwrap();
    let mut ledger = open(&dir.path().join("register.db"));
    let preview = ledger.preview_import(&file, &ImportOptions::default()).unwrap();
    assert_eq!(preview.report.unknown_columns, ["现居住房屋"]);
    assert_eq!(rejected(&preview.report), [(2, "missing")]);
    let corrected = ImportOptions {
        columns: vec![ColumnOverride { index: 1, field: Some(Field::Address) }],
        ..ImportOptions::default()
    };
    let report = ledger.import_file(&file, &corrected, &mut |_| {}).unwrap();
    assert!(report.rejected.is_empty(), "{:?}", report.rejected);
    assert_eq!(names_at(&mut ledger, "孔喆"), ["孔喆@1栋1单元101"]);
}

#[test]
fn not_a_register_is_refused_with_a_clear_message() {
    let dir = tempfile::tempdir().unwrap();
    let mut ledger = open(&dir.path().join("register.db"));
    let photo = dir.path().join("photo.xlsx");
    std::fs::write(&photo, b"\xff\xd8\xff\xe0 not a workbook").unwrap();
    let err = ledger.import_file(&photo, &ImportOptions::default(), &mut |_| {}).unwrap_err();
    assert!(err.to_string().contains("无法读取文件"), "{err}");
    let no_header = dir.path().join("list.csv");
    std::fs::write(&no_header, "a,b\n1,2\n").unwrap();
    let err = ledger.import_file(&no_header, &ImportOptions::default(), &mut |_| {}).unwrap_err();
    assert!(err.to_string().contains("找不到表头"), "{err}");
    assert!(ledger.is_empty().unwrap());
}

/// Converts `file` with LibreOffice (what many offices and WPS users save with).
fn libreoffice_convert(file: &Path, to: &str, out_dir: &Path) -> PathBuf {
    let profile = out_dir.join(format!("lo-profile-{to}"));
    let status = std::process::Command::new("soffice")
        .arg(format!("-env:UserInstallation=file://{}", profile.display()))
        .args(["--headless", "--convert-to", to, "--outdir"])
        .arg(out_dir)
        .arg(file)
        .stdout(std::process::Stdio::null())
        .status()
        .expect("LibreOffice (soffice) is installed by tests/setup.sh");
    assert!(status.success(), "soffice --convert-to {to} failed");
    out_dir.join(file.with_extension(to).file_name().unwrap())
}

#[test]
fn files_written_by_libreoffice_import_the_same() {
    let dir = tempfile::tempdir().unwrap();
    let original = dir.path().join("登记表.xlsx");
    messy_workbook(&original);
    let converted_dir = dir.path().join("converted");
    std::fs::create_dir_all(&converted_dir).unwrap();
    for format in ["xls", "ods", "xlsx"] {
        let source = if format == "xlsx" {
            // Re-saved by LibreOffice from its own .ods: a different xlsx writer.
            let ods = libreoffice_convert(&original, "ods", &converted_dir);
            let resaved_dir = converted_dir.join("resaved");
            std::fs::create_dir_all(&resaved_dir).unwrap();
            libreoffice_convert(&ods, "xlsx", &resaved_dir)
        } else {
            libreoffice_convert(&original, format, &converted_dir)
        };
        let db_dir = dir.path().join(format!("db-{format}"));
        std::fs::create_dir_all(&db_dir).unwrap();
        let mut ledger = open(&db_dir.join("register.db"));
        let report = import(&mut ledger, &source);
        assert_eq!(rejected(&report), [(6, "id_as_number"), (10, "invalid"), (11, "invalid")], "{format}");
        assert_eq!(report.skipped, [7, 12], "{format}");
        assert_eq!((report.residents_created, report.households_created), (4, 2), "{format}");
        assert_eq!(names_at(&mut ledger, "𠇔"), ["曹𠇔@8栋2单元301"], "{format}");
        assert_eq!(ledger.search("曹𠇔").unwrap()[0].age, Some(76), "{format}: the date cell survives");
    }
}

/// Found by the import benchmark: a new person with their own ID number, who shares a name
/// with a registered member of the household, overwrote that member's ID number.
#[test]
fn a_namesake_with_another_id_number_is_a_different_person() {
    let dir = tempfile::tempdir().unwrap();
    let mut ledger = open(&dir.path().join("register.db"));
    let file = dir.path().join("a.csv");
    std::fs::write(&file, "姓名,身份证号,地址,关系\n王芳,430105196401060595,1栋1单元101,户主\n").unwrap();
    import(&mut ledger, &file);
    std::fs::write(&file, "姓名,身份证号,地址,关系\n王芳,430105197204082036,1栋1单元101,女\n").unwrap();
    let report = import(&mut ledger, &file);
    assert_eq!((report.residents_created, report.residents_updated), (1, 0));
    assert_eq!(ledger.search("0595").unwrap().len(), 1, "the first 王芳 keeps her ID number");
    assert_eq!(ledger.stats().unwrap().residents, 2);
}

/// Found in review: re-importing a sheet without a relation column (to update phones) made
/// every matched 户主 "其他", and the households lost their head.
#[test]
fn a_sheet_without_relations_keeps_the_registered_heads() {
    let dir = tempfile::tempdir().unwrap();
    let mut ledger = open(&dir.path().join("register.db"));
    let file = dir.path().join("a.csv");
    std::fs::write(&file, "姓名,身份证号,地址,关系\n孔喆,430105196401060595,1栋1单元101,户主\n").unwrap();
    import(&mut ledger, &file);
    std::fs::write(&file, "姓名,身份证号,地址,手机\n孔喆,430105196401060595,1栋1单元101,13900000001\n").unwrap();
    let report = import(&mut ledger, &file);
    assert_eq!(report.residents_updated, 1);
    let hit = &ledger.search("孔喆").unwrap()[0];
    assert_eq!(hit.relation, "户主");
    assert_eq!(ledger.resident(hit.id).unwrap().phone.as_deref(), Some("13900000001"));
}

/// Found in review: a row refused while writing left an empty building and household behind.
#[test]
fn a_refused_row_leaves_no_empty_household_behind() {
    let dir = tempfile::tempdir().unwrap();
    let mut ledger = open(&dir.path().join("register.db"));
    let file = dir.path().join("a.csv");
    std::fs::write(&file, "姓名,身份证号,地址,关系\n孔喆,430105196401060595,1栋1单元101,户主\n").unwrap();
    import(&mut ledger, &file);
    let id = ledger.search("孔喆").unwrap()[0].id;
    ledger.mark_deceased(id, Some("2026-01-01")).unwrap();
    std::fs::write(&file, "姓名,身份证号,地址,关系\n孔喆,430105196401060595,99栋1单元101,户主\n").unwrap();
    let report = import(&mut ledger, &file);
    assert_eq!(rejected(&report), [(2, "invalid")]);
    assert!(report.rejected[0].reason.contains("去世"));
    assert_eq!(report.households_created, 0);
    assert!(ledger.hierarchy().unwrap().grids.iter().flat_map(|g| &g.buildings).all(|b| b.name != "99栋"));
}

/// Found in review: a person whose note began with 小计 was skipped as a totals row.
#[test]
fn a_note_that_starts_with_subtotal_words_is_still_a_person() {
    let dir = tempfile::tempdir().unwrap();
    let mut ledger = open(&dir.path().join("register.db"));
    let file = dir.path().join("a.csv");
    std::fs::write(&file, "姓名,地址,关系,备注\n孔喆,1栋1单元101,户主,小计3人同住\n合计,,,共1人\n").unwrap();
    let report = import(&mut ledger, &file);
    assert_eq!(report.residents_created, 1);
    assert_eq!(report.skipped, [3]);
}
