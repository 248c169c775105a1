//! Story: an office prints its 居民花名册 — every current resident, rare-character names
//! included, in address order, masked unless asked, page N of M, one subset font — and checks
//! the PDF as a reader would, with poppler's pdftotext, pdffonts and pdfinfo, and through the CLI.

use crate::support::poppler::poppler;
use crate::support::{demo, printed_at};

use std::path::{Path, PathBuf};
use std::process::Command;
use xinghe_formats::pdf::{self, Align, Column, Orientation, Row, Sheet};
use xinghe_ledger::register::model::{CareNeed, HouseholdFilter, HouseholdInput, ResidentInput};
use xinghe_ledger::register::roster::{self, RosterOptions};
use xinghe_ledger::store::output::SavePdf;
use xinghe_ledger::values::idcard::check_character;
use xinghe_ledger::Ledger;

const CAO_ID: &str = "43010519800101123";
const CAO_PHONE: &str = "13812345678";
const LONG_CARE_NOTE: &str = "需定期上门送药的慢性病患者（糖尿病、高血压、冠心病），家属长期在外地工作";

fn options(unmasked: bool) -> RosterOptions {
    RosterOptions { unmasked, printed_at: printed_at() }
}

fn id_number(first17: &str) -> String {
    format!("{first17}{}", check_character(first17.as_bytes()))
}

/// The demo community (two grids) plus a household of rare-character names, one deceased
/// member and one who moved out.
fn rare_names_office(dir: &Path) -> Ledger {
    let mut ledger = demo(&dir.join("liuhe.db"), 120, 7);
    let unit = ledger.hierarchy().unwrap().grids[0].buildings[0].units[0].id;
    let household =
        ledger.save_household(&HouseholdInput { unit_id: unit, room: "701".into(), ..Default::default() }).unwrap();
    let person = |name: &str, relation: &str| ResidentInput {
        household_id: household,
        name: name.into(),
        relation: relation.into(),
        ..Default::default()
    };
    ledger
        .save_resident(&ResidentInput {
            id_number: Some(id_number(CAO_ID)),
            phone: Some(CAO_PHONE.into()),
            care_needs: vec![CareNeed { kind: LONG_CARE_NOTE.into(), ..Default::default() }],
            ..person("曹𠇔", "户主")
        })
        .unwrap();
    ledger.save_resident(&ResidentInput { birth_date: Some("1941-03-05".into()), ..person("马英䶮", "配偶") }).unwrap();
    ledger.save_resident(&person("郝堃", "子")).unwrap();
    ledger.save_resident(&person("孔喆", "女")).unwrap();
    ledger.save_resident(&person("刘龑", "孙子")).unwrap();
    ledger.save_resident(&person("武曌", "孙女")).unwrap();
    let gone = ledger.save_resident(&person("钱已故", "父亲")).unwrap();
    ledger.mark_deceased(gone, None).unwrap();
    let moved = ledger.save_resident(&person("孙迁出", "其他")).unwrap();
    ledger.move_out_resident(moved, None).unwrap();
    ledger
}

fn print(ledger: &Ledger, grid: Option<&str>, unmasked: bool, out: &Path) -> (roster::Roster, usize) {
    let roster = ledger.roster(grid).unwrap();
    let printed = roster::render(&roster, &options(unmasked)).unwrap();
    assert!(printed.missing_characters.is_empty(), "{:?}", printed.missing_characters);
    printed.save(out).unwrap();
    (roster, printed.pages)
}

/// The text of each page in drawing order, without whitespace (pdftotext turns the
/// ideographic space into spaces and separates cells with them).
fn text_pages(pdf: &Path) -> Vec<String> {
    let text = poppler("pdftotext", &["-raw"], pdf);
    let pages = text.split('\u{c}').map(|p| p.chars().filter(|c| !c.is_whitespace()).collect::<String>());
    pages.filter(|p| !p.is_empty()).collect()
}

#[test]
fn the_roster_prints_every_current_resident_masked_in_one_subset_font() {
    let dir = tempfile::tempdir().unwrap();
    let ledger = rare_names_office(dir.path());
    let pdf = dir.path().join("花名册.pdf");
    let (roster, pages) = print(&ledger, None, false, &pdf);

    // Only current residents, in the household list's address order.
    assert_eq!(roster.residents() as u64, ledger.stats().unwrap().residents);
    let listed: Vec<String> = ledger
        .list_households(&HouseholdFilter { limit: Some(500), ..Default::default() })
        .unwrap()
        .rows
        .into_iter()
        .filter(|h| h.member_count > 0)
        .map(|h| h.address)
        .collect();
    assert_eq!(roster.households.iter().map(|h| h.address.clone()).collect::<Vec<_>>(), listed);

    let pages_text = text_pages(&pdf);
    assert!(pages > 5, "{pages} pages");
    assert_eq!(pages_text.len(), pages);
    let all = pages_text.concat();
    assert!(all.contains("浏河社区居民花名册") && all.contains("打印时间：2026-11-2814:30"));
    for name in ["曹𠇔", "马英䶮", "郝堃", "孔喆", "刘龑", "武曌"] {
        assert!(all.contains(name), "{name} is not in the text");
    }
    assert!(!all.contains("钱已故") && !all.contains("孙迁出"));
    assert!(all.contains("1栋1单元701户主：曹𠇔"), "the rare-name household has its heading");
    assert!(all.contains("网格长：") && all.contains("楼栋长：") && all.contains("单元长："));
    assert!(all.contains("高龄"), "马英䶮 is over 80");
    assert!(all.contains('…') && !all.contains("家属长期在外地工作"), "a long care note ends in an ellipsis");

    // Masked by default.
    let full_id = id_number(CAO_ID);
    assert!(all.contains("430105********123") && !all.contains(&full_id));
    assert!(all.contains("138****5678") && !all.contains(CAO_PHONE));

    // Header row on every page, footer "第 N 页 / 共 M 页".
    for (index, page) in pages_text.iter().enumerate() {
        assert!(page.contains("身份证号") && page.contains("关爱标记"), "page {} has no header row", index + 1);
        let footer = format!("第{}页/共{pages}页", index + 1);
        assert!(page.contains(&footer), "page {} has no footer {footer}", index + 1);
    }

    let info = poppler("pdfinfo", &[], &pdf);
    assert!(info.contains(&format!("Pages:           {pages}")), "{info}");
    assert!(info.contains("A4"), "{info}");
    assert!(info.contains("CreationDate:") && info.contains("Nov 28 14:30:00 2026"), "{info}");
    assert!(info.contains("ModDate:") && !info.contains("PDF/X"), "{info}");

    // Exactly one embedded font, and it is a subset.
    let fonts = poppler("pdffonts", &[], &pdf);
    let rows: Vec<&str> = fonts.lines().skip(2).collect();
    assert_eq!(rows.len(), 1, "{fonts}");
    let columns: Vec<&str> = rows[0].split_whitespace().collect();
    assert!(columns[0].contains("+NotoSansCJKsc-Regular"), "{fonts}");
    assert_eq!(&columns[columns.len() - 5..columns.len() - 2], ["yes", "yes", "yes"], "emb/sub/uni: {fonts}");
    assert!(std::fs::metadata(&pdf).unwrap().len() < 1_000_000);
}

#[test]
fn unmasked_prints_id_numbers_and_phones_in_full() {
    let dir = tempfile::tempdir().unwrap();
    let ledger = rare_names_office(dir.path());
    let pdf = dir.path().join("full.pdf");
    print(&ledger, None, true, &pdf);
    let all = text_pages(&pdf).concat();
    assert!(all.contains(&id_number(CAO_ID)) && all.contains(CAO_PHONE));
    assert!(!all.contains("********") && all.contains("请妥善保管"));
}

#[test]
fn one_grid_prints_only_its_own_places() {
    let dir = tempfile::tempdir().unwrap();
    let ledger = rare_names_office(dir.path());
    let grids = ledger.hierarchy().unwrap().grids;
    assert!(grids.len() >= 2);
    let pdf = dir.path().join("grid.pdf");
    let (roster, _) = print(&ledger, Some(&grids[1].name), false, &pdf);
    assert!(roster.households.iter().all(|h| h.grid.id == grids[1].id) && roster.residents() > 0);
    let all = text_pages(&pdf).concat();
    assert!(all.contains(&format!("{}网格长", grids[1].name)));
    assert!(!all.contains(&grids[0].name) && !all.contains("曹𠇔"));

    let err = ledger.roster(Some("第九十九网格")).unwrap_err();
    assert!(err.to_string().contains("没有名为“第九十九网格”的网格"), "{err}");
    assert!(err.to_string().contains(&grids[0].name), "the message lists the grids that exist: {err}");
}

#[test]
fn a_character_no_font_has_is_reported_and_printed_as_a_box() {
    let dir = tempfile::tempdir().unwrap();
    let mut ledger = rare_names_office(dir.path());
    let household = ledger.roster(None).unwrap().households[0].id;
    // U+2F000 is an unassigned plane-2 code point: no font can have it.
    let name = "张\u{2F000}";
    ledger
        .save_resident(&ResidentInput {
            household_id: household,
            name: name.into(),
            relation: "其他".into(),
            ..Default::default()
        })
        .unwrap();
    let printed = roster::render(&ledger.roster(None).unwrap(), &options(false)).unwrap();
    assert_eq!(printed.missing_characters, ['\u{2F000}']);
    let pdf = dir.path().join("missing.pdf");
    printed.save(&pdf).unwrap();
    assert!(text_pages(&pdf).concat().contains("张□"));
}

/// The next prints (报名表, 签到表, attendance grids) are the same printer with other columns.
fn sign_up_sheet(title: &str, blank_rows: usize) -> Sheet {
    Sheet {
        orientation: Orientation::Landscape,
        title: title.into(),
        subtitle: "活动时间：2026年10月29日 上午9:00　地点：社区活动室".into(),
        printed_at: options(false).printed_at,
        columns: vec![
            Column::new("序号", 12.0).align(Align::Center),
            Column::new("姓名", 40.0),
            Column::new("楼栋单元房号", 50.0),
            Column::new("联系电话", 45.0),
            Column::new("签名", 80.0),
        ],
        rows: (1..=blank_rows).map(|n| Row::Data(vec![n.to_string()])).collect(),
        min_row_height_mm: 12.0,
    }
}

#[test]
fn a_landscape_sign_up_sheet_with_blank_rows_uses_the_same_printer() {
    let dir = tempfile::tempdir().unwrap();
    let printed = pdf::render(&sign_up_sheet("浏河社区 重阳节敬老活动报名表", 30)).unwrap();
    let out = dir.path().join("报名表.pdf");
    printed.save(&out).unwrap();
    assert!(printed.pages >= 3 && printed.missing_characters.is_empty());
    let info = poppler("pdfinfo", &[], &out);
    assert!(info.contains("841.89 x 595.276 pts"), "landscape A4: {info}");
    let pages = text_pages(&out);
    assert_eq!(pages.len(), printed.pages);
    for (index, page) in pages.iter().enumerate() {
        assert!(page.contains("楼栋单元房号") && page.contains("签名"), "header row on page {}", index + 1);
        assert!(page.contains(&format!("第{}页/共{}页", index + 1, printed.pages)));
    }
    assert!(pages.last().unwrap().contains("30"));
}

#[test]
fn a_character_the_bundled_font_lacks_prints_from_a_system_font() {
    // Georgian Ⴀ is not in Noto Sans CJK SC; most desktops have a font with it (DejaVu Sans).
    let mut sheet = sign_up_sheet("报名表", 1);
    sheet.rows = vec![Row::Data(vec!["1".into(), "张Ⴀ".into()])];
    let printed = pdf::render(&sheet).unwrap();
    if printed.missing_characters == ['Ⴀ'] {
        eprintln!("skipped: no installed font has Ⴀ");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("fallback.pdf");
    printed.save(&out).unwrap();
    assert!(text_pages(&out).concat().contains("张Ⴀ"));
    let fonts = poppler("pdffonts", &[], &out);
    let rows: Vec<&str> = fonts.lines().skip(2).collect();
    assert_eq!(rows.len(), 2, "the bundled font and one fallback: {fonts}");
    assert!(rows.iter().all(|r| r.contains(" yes yes yes ")), "both embedded subsets: {fonts}");
}

fn cli(db: &Path, args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_xinghe-cli")).arg("--db").arg(db).args(args).output().unwrap()
}

#[test]
fn the_cli_prints_a_roster_file_and_refuses_an_unknown_grid() {
    let dir = tempfile::tempdir().unwrap();
    drop(rare_names_office(dir.path()));
    let db = dir.path().join("liuhe.db");
    let out: PathBuf = dir.path().join("花名册.pdf");
    let output = cli(&db, &["print", "roster", "--out", out.to_str().unwrap()]);
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    assert!(stdout.contains("页") && stdout.contains("人"), "{stdout}");
    assert!(std::fs::read(&out).unwrap().starts_with(b"%PDF-"));
    let entries: Vec<_> = std::fs::read_dir(dir.path()).unwrap().flatten().map(|e| e.file_name()).collect();
    assert!(!entries.iter().any(|n| n.to_string_lossy().ends_with(".tmp")), "{entries:?}");

    let refused = dir.path().join("refused.pdf");
    let output = cli(&db, &["print", "roster", "--grid", "不存在的网格", "--out", refused.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("没有名为“不存在的网格”的网格") && !stderr.contains("panicked"), "{stderr}");
    assert!(!refused.exists());

    let output = cli(&db, &["print", "roster", "--out", dir.path().join("no/such/dir/x.pdf").to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&output.stderr).contains("错误"));
}
