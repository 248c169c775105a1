//! Story: the office prints what volunteers' hours and the care visits look like on paper — a
//! 志愿服务记录证明 to stamp, the hours report, the building heads' 走访清单 — and exports the
//! hours workbook; each is read back as a reader would (pdftotext, pdffonts, pdfinfo; calamine
//! for the .xlsx). Only confirmed hours ever count: a pending and a rejected entry sit beside
//! the confirmed ones and must not show up in any total.

use crate::support::joined::joined_in_january;
use crate::support::poppler::poppler;
use crate::support::{eight_with_its_head, open, printed_at, today};

use calamine::{open_workbook, Data, Reader, Xlsx};
use std::path::Path;
use xinghe_ledger::care::print::care_checklist_pdf;
use xinghe_ledger::hours::print::{certificate_pdf, hours_report_pdf, SEAL_LABEL};
use xinghe_ledger::hours::{CertificateIssuer, HourEntryInput, HoursReview};
use xinghe_ledger::register::model::{BuildingInput, CareNeed, GridInput, HouseholdInput, ResidentInput, UnitInput};
use xinghe_ledger::services::{ServiceDoneInput, ServiceInput};
use xinghe_ledger::store::output::SavePdf;
use xinghe_ledger::values::dates::NaiveDate;
use xinghe_ledger::values::idcard::check_character;
use xinghe_ledger::volunteers::{OrganisationInput, VolunteerFilter, VolunteerInput};
use xinghe_ledger::Ledger;

const ZHANG_ID17: &str = "43010519500101002";

fn day(text: &str) -> NaiveDate {
    NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap()
}

fn zhang_id() -> String {
    format!("{ZHANG_ID17}{}", check_character(ZHANG_ID17.as_bytes()))
}

/// 浏河社区: 8栋 (楼栋长 王建国) and 9栋 (no head); three volunteers with known hours and four
/// households on the care list, each visited at a known time.
struct Office {
    ledger: Ledger,
    zhang: i64,
    li: i64,
    zhao: i64,
}

fn certificates_office(dir: &Path) -> Office {
    let mut ledger = open(&dir.join("liuhe.db"));
    ledger.set_community_name("浏河社区").unwrap();
    let grid = ledger.save_grid(&GridInput { name: "第一网格".into(), ..Default::default() }).unwrap();
    let eight = eight_with_its_head(&mut ledger, grid);
    let nine =
        ledger.save_building(&BuildingInput { grid_id: grid, name: "9栋".into(), ..Default::default() }).unwrap();
    let unit_8 =
        ledger.save_unit(&UnitInput { building_id: eight, name: "1单元".into(), ..Default::default() }).unwrap();
    let unit_9 =
        ledger.save_unit(&UnitInput { building_id: nine, name: "1单元".into(), ..Default::default() }).unwrap();

    let household = |ledger: &mut Ledger, unit_id: i64, room: &str| {
        ledger.save_household(&HouseholdInput { unit_id, room: room.into(), ..Default::default() }).unwrap()
    };
    let person = |household_id: i64, name: &str, born: &str| ResidentInput {
        household_id,
        name: name.into(),
        relation: "户主".into(),
        birth_date: Some(born.into()),
        ..Default::default()
    };

    // Volunteers: two residents ticked 志愿者, one member of a shop who lives elsewhere.
    let h = household(&mut ledger, unit_8, "101");
    let zhang_resident = ledger
        .save_resident(&ResidentInput {
            id_number: Some(zhang_id()),
            political_status: Some("中共党员".into()),
            is_volunteer: true,
            ..person(h, "张秀英", "1950-01-01")
        })
        .unwrap();
    let h = household(&mut ledger, unit_8, "102");
    let li_resident = ledger
        .save_resident(&ResidentInput {
            political_status: Some("中共党员".into()),
            is_volunteer: true,
            ..person(h, "李建军", "1985-06-01")
        })
        .unwrap();
    let volunteers = ledger.list_volunteers(&VolunteerFilter::default()).unwrap();
    let record = |resident: i64| volunteers.iter().find(|v| v.resident_id == Some(resident)).unwrap().id;
    let (zhang, li) = (record(zhang_resident), record(li_resident));
    joined_in_january(&mut ledger, zhang);
    joined_in_january(&mut ledger, li);
    let shop = ledger
        .save_organisation(&OrganisationInput {
            name: "邻里益仓便利店".into(),
            kind: "智慧益仓商户".into(),
            services: vec!["家电维修".into()],
            ..Default::default()
        })
        .unwrap();
    let zhao = ledger
        .save_volunteer(&VolunteerInput {
            organisation_id: Some(shop),
            name: "赵师傅".into(),
            line: "青动力·两新组织".into(),
            joined_on: "2026-01-01".into(),
            ..Default::default()
        })
        .unwrap();

    // Care list: never visited, visited 88, 49 and 8 days ago; one household not on it.
    let aged = household(&mut ledger, unit_8, "201");
    ledger.save_resident(&person(aged, "王奶奶", "1940-05-01")).unwrap();
    let disabled = household(&mut ledger, unit_8, "202");
    let need = CareNeed {
        kind: "残疾".into(),
        disability_category: Some("肢体".into()),
        disability_grade: Some(2),
        ..Default::default()
    };
    ledger
        .save_resident(&ResidentInput { care_needs: vec![need], ..person(disabled, "刘爷爷", "1960-02-01") })
        .unwrap();
    let poor = household(&mut ledger, unit_8, "203");
    let need = CareNeed { kind: "低保".into(), ..Default::default() };
    ledger.save_resident(&ResidentInput { care_needs: vec![need], ..person(poor, "陈阿姨", "1970-03-01") }).unwrap();
    let alone = household(&mut ledger, unit_9, "101");
    let need = CareNeed { kind: "独居".into(), ..Default::default() };
    ledger.save_resident(&ResidentInput { care_needs: vec![need], ..person(alone, "孙大爷", "1955-04-01") }).unwrap();
    let young = household(&mut ledger, unit_8, "204");
    ledger.save_resident(&person(young, "周小青", "1995-01-01")).unwrap();
    for (household_id, kind, done_on) in
        [(disabled, "走访慰问", "2026-09-01"), (alone, "水电维修", "2026-10-10"), (poor, "走访慰问", "2026-11-20")]
    {
        let id = ledger
            .save_service(&ServiceInput {
                household_id,
                kind: kind.into(),
                requested_on: done_on.into(),
                ..Default::default()
            })
            .unwrap();
        let done = ServiceDoneInput { done_on: done_on.into(), outcome: "已完成".into(), ..Default::default() };
        ledger.complete_service(id, &done).unwrap();
    }

    let mut office = Office { ledger, zhang, li, zhao };
    // 张秀英: 135 + 180 (overnight) confirmed = 5 小时 15 分; 60 pending and 120 rejected do not count.
    office.hours(zhang, "2026-10-29", "09:00", "11:15", false, "重阳节敬老茶话会", Some(true));
    office.hours(zhang, "2026-11-20", "22:00", "01:00", true, "夜间防火巡逻", Some(true));
    office.hours(zhang, "2026-11-21", "09:00", "10:00", false, "尚待审核的楼道清扫", None);
    office.hours(zhang, "2026-11-22", "14:00", "16:00", false, "已被驳回的登记", Some(false));
    office.hours(li, "2026-09-15", "08:00", "10:00", false, "垃圾分类宣传", Some(true));
    office.hours(zhao, "2026-11-05", "15:00", "15:45", false, "上门维修电饭煲", Some(true));
    office
        .ledger
        .save_certificate_issuer(&CertificateIssuer {
            organisation: String::new(),
            person_in_charge: "王书记".into(),
            handler: "李红".into(),
            contact: "0731-84123456".into(),
        })
        .unwrap();
    office
}

/// Confirmed 8 hours in all: 张秀英 315, 李建军 120, 赵师傅 45 minutes.
const TOTAL_MINUTES: i64 = 480;

impl Office {
    /// An entry, then confirmed (`Some(true)`), rejected (`Some(false)`) or left pending.
    #[allow(clippy::too_many_arguments)]
    fn hours(
        &mut self,
        volunteer_id: i64,
        date: &str,
        start: &str,
        end: &str,
        overnight: bool,
        content: &str,
        review: Option<bool>,
    ) -> i64 {
        let id = self
            .ledger
            .record_hours(&HourEntryInput {
                volunteer_id,
                date: date.into(),
                start_time: start.into(),
                end_time: end.into(),
                overnight,
                content: content.into(),
                place: "社区活动室".into(),
                organiser: "第一网格".into(),
                ..Default::default()
            })
            .unwrap();
        if let Some(approve) = review {
            let note = if approve { "" } else { "时间登记有误" };
            let review = HoursReview { approve, verifier: "周主任".into(), note: note.into() };
            self.ledger.review_hours(&[id], &review).unwrap();
        }
        id
    }
}

/// The text of each page, whitespace runs collapsed to one space (pdftotext -raw keeps the
/// drawing order, so a cell's wrapped lines stay together).
fn pages_of(pdf: &Path) -> Vec<String> {
    let text = poppler("pdftotext", &["-raw"], pdf);
    let pages = text.split('\u{c}').map(|p| p.split_whitespace().collect::<Vec<_>>().join(" "));
    pages.filter(|p| !p.is_empty()).collect()
}

fn squeezed(text: &str) -> String {
    text.chars().filter(|c| !c.is_whitespace()).collect()
}

/// Exactly one font, embedded as a subset with a Unicode map.
fn assert_one_subset_font(pdf: &Path) {
    let fonts = poppler("pdffonts", &[], pdf);
    let rows: Vec<&str> = fonts.lines().skip(2).collect();
    assert_eq!(rows.len(), 1, "{fonts}");
    let columns: Vec<&str> = rows[0].split_whitespace().collect();
    assert!(columns[0].contains("+NotoSansCJKsc-Regular"), "{fonts}");
    assert_eq!(&columns[columns.len() - 5..columns.len() - 2], ["yes", "yes", "yes"], "emb/sub/uni: {fonts}");
}

#[test]
fn the_certificate_reads_back_with_name_masked_id_total_services_number_and_seal() {
    let dir = tempfile::tempdir().unwrap();
    let office = certificates_office(dir.path());
    let cert = office.ledger.certificate(office.zhang, Some(day("2026-01-01")), Some(today())).unwrap();
    assert_eq!(cert.total_minutes, 315);
    let printed = certificate_pdf(&cert, printed_at()).unwrap();
    assert!(printed.missing_characters.is_empty(), "{:?}", printed.missing_characters);
    assert_eq!(printed.pages, 1);
    let pdf = dir.path().join("证明.pdf");
    printed.save(&pdf).unwrap();

    let pages = pages_of(&pdf);
    assert_eq!(pages.len(), 1);
    let text = &pages[0];
    let flat = squeezed(text);
    assert!(text.starts_with("志愿服务记录证明"), "{text}");
    assert!(flat.contains("兹证明张秀英"), "{text}");
    let number = &cert.volunteer.number;
    assert!(number.starts_with("LH-"), "{number}");
    assert!(flat.contains(&format!("志愿者编号{number}")), "{text}");
    // The ID number only masked.
    assert!(flat.contains("430105********"), "{text}");
    assert!(!flat.contains(&zhang_id()) && !flat.contains(ZHANG_ID17), "{text}");
    assert!(flat.contains("2026年1月1日至2026年11月28日"), "{text}");
    assert!(text.contains("共计 5 小时 15 分（合 5.25 小时），共 2 次"), "{text}");
    // The services: both confirmed entries with their times; nothing pending or rejected.
    assert!(text.contains("2026-10-29 09:00–11:15 重阳节敬老茶话会"), "{text}");
    assert!(text.contains("2026-11-20 22:00–次日 01:00 夜间防火巡逻"), "{text}");
    assert!(text.contains("2 小时 15 分") && text.contains("3 小时"), "{text}");
    assert!(!text.contains("尚待审核") && !text.contains("已被驳回"), "{text}");
    assert!(text.contains("合计 共 2 次 5 小时 15 分"), "{text}");
    // Who issues it, the number and date, the seal box, and what it is not.
    let certificate_number = format!("LH-ZM-20261128-{number}");
    assert_eq!(cert.certificate_number, certificate_number);
    assert!(flat.contains(&format!("证明编号：{certificate_number}")), "{text}");
    assert!(flat.contains("出具单位：浏河社区居民委员会"), "{text}");
    assert!(flat.contains("负责人：王书记") && flat.contains("经办人：李红"), "{text}");
    assert!(flat.contains("联系电话：0731-84123456") && flat.contains("出具日期：2026年11月28日"), "{text}");
    assert!(flat.contains(&squeezed(SEAL_LABEL)) && flat.contains("盖章处"), "{text}");
    assert!(flat.contains("不是全国志愿服务信息系统或其他国家级的志愿服务认证"), "{text}");
    assert!(flat.contains("第1页/共1页"), "{text}");

    assert_one_subset_font(&pdf);
    let info = poppler("pdfinfo", &[], &pdf);
    assert!(info.contains("Pages:           1") && info.contains("A4"), "{info}");
    assert!(info.contains("Title:") && info.contains("志愿服务记录证明"), "{info}");
}

#[test]
fn a_member_without_an_id_number_is_named_by_number_and_no_hours_means_no_certificate() {
    let dir = tempfile::tempdir().unwrap();
    let mut office = certificates_office(dir.path());
    let cert = office.ledger.certificate(office.zhao, None, None).unwrap();
    let pdf = dir.path().join("赵.pdf");
    certificate_pdf(&cert, printed_at()).unwrap().save(&pdf).unwrap();
    let flat = squeezed(&pages_of(&pdf).concat());
    assert!(flat.contains(&format!("赵师傅（志愿者编号{}）", cert.volunteer.number)), "{flat}");
    assert!(flat.contains("所属组织：邻里益仓便利店") && !flat.contains("身份证号"), "{flat}");
    assert!(flat.contains("45分"), "{flat}");

    // Only a pending entry in the period: no certificate.
    let err = office.ledger.certificate(office.zhang, Some(day("2026-11-21")), Some(day("2026-11-21"))).unwrap_err();
    assert!(err.to_string().contains("没有已确认的服务时长"), "{err}");
    // A rejected one neither.
    office.hours(office.li, "2026-11-01", "09:00", "10:00", false, "又一条驳回", Some(false));
    assert!(office.ledger.certificate(office.li, Some(day("2026-11-01")), None).is_err());
}

#[test]
fn a_long_service_list_continues_on_the_next_page_with_its_header_and_the_seal_whole() {
    let dir = tempfile::tempdir().unwrap();
    let mut office = certificates_office(dir.path());
    let first = day("2026-06-01");
    for n in 0..60 {
        let date = (first + chrono::Days::new(n)).to_string();
        office.hours(office.li, &date, "19:00", "20:30", false, &format!("第{}次夜间巡逻", n + 1), Some(true));
    }
    let cert = office.ledger.certificate(office.li, None, None).unwrap();
    assert_eq!(cert.entries.len(), 61);
    let printed = certificate_pdf(&cert, printed_at()).unwrap();
    assert!(printed.pages >= 2, "{} pages", printed.pages);
    let pdf = dir.path().join("长证明.pdf");
    printed.save(&pdf).unwrap();
    let pages = pages_of(&pdf);
    assert_eq!(pages.len(), printed.pages);
    for (index, page) in pages.iter().enumerate() {
        assert!(page.starts_with("志愿服务记录证明"), "page {}", index + 1);
        assert!(squeezed(page).contains(&format!("第{}页/共{}页", index + 1, printed.pages)));
    }
    // The table's header on each page it reaches, every entry once, the seal box whole at the end.
    let header = "序号 服务日期 服务时间 服务内容 服务地点 组织单位 审核人 时长";
    assert!(pages[0].contains(header) && pages[1].contains(header), "{}", pages[1]);
    let all = pages.join(" ");
    for n in 1..=60 {
        assert_eq!(all.matches(&format!("第{n}次夜间巡逻")).count(), 1, "entry {n}");
    }
    assert!(all.contains("合计 共 61 次 92 小时"), "60 × 1.5 h + 2 h");
    let last = squeezed(pages.last().unwrap());
    assert!(last.contains("盖章处") && last.contains("出具单位") && last.contains("特此证明"), "{last}");
}

#[test]
fn the_hours_report_prints_totals_by_volunteer_line_organisation_and_month_from_confirmed_hours() {
    let dir = tempfile::tempdir().unwrap();
    let office = certificates_office(dir.path());
    let report = office.ledger.hours_report(None, None).unwrap();
    assert_eq!(report.total_minutes, TOTAL_MINUTES);
    let printed = hours_report_pdf(&report, "浏河社区", printed_at()).unwrap();
    let pdf = dir.path().join("时长统计.pdf");
    printed.save(&pdf).unwrap();
    let text = pages_of(&pdf).join(" ");
    assert!(text.starts_with("浏河社区 志愿服务时长统计"), "{text}");
    assert!(text.contains("统计期间：全部记录 合计 8 小时（8.00 小时），3 名志愿者"), "{text}");
    assert!(text.contains("只计已确认的时长，另有待审核 1 小时 未计入"), "{text}");
    assert!(text.contains("志愿者以编号列出，不含身份证号"), "{text}");
    let number = |id: i64| report.by_volunteer.iter().find(|v| v.volunteer_id == id).unwrap().number.clone();
    // Ranked by hours, numbers not ID numbers.
    let rows = [
        format!("1 {} 张秀英 银力量·离退休党员 2 5.25 5 小时 15 分", number(office.zhang)),
        format!("2 {} 李建军 红引擎·在职党员 1 2.00 2 小时", number(office.li)),
        format!("3 {} 赵师傅 青动力·两新组织 邻里益仓便利店 1 0.75 45 分", number(office.zhao)),
    ];
    let mut at = 0;
    for row in &rows {
        let found = text[at..].find(row.as_str()).unwrap_or_else(|| panic!("{row} in order: {text}"));
        at += found;
    }
    assert!(!squeezed(&text).contains("430105"), "no ID numbers");
    assert!(text.contains("合计 3 人 4 8.00 8 小时"), "{text}");
    for heading in ["一、按志愿者", "二、按条线", "三、按组织", "四、按月份"] {
        assert!(text.contains(heading), "{heading}");
    }
    assert!(text.contains("青动力·两新组织 1 1 0.75 45 分"), "{text}");
    assert!(
        text.contains("邻里益仓便利店 1 1 0.75 45 分") && text.contains("社区居民 2 3 7.25 7 小时 15 分"),
        "{text}"
    );
    assert!(text.contains("2026-09 1 1 2.00 2 小时"), "{text}");
    assert!(text.contains("2026-11 2 2 3.75 3 小时 45 分"), "{text}");
    assert_eq!(text.matches("合计 3 4 8.00 8 小时").count(), 3, "line, organisation and month totals: {text}");
    assert!(!text.contains("尚待审核") && !text.contains("已被驳回"));
    assert_one_subset_font(&pdf);

    // A period: only what falls in it.
    let november = office.ledger.hours_report(Some(day("2026-11-01")), Some(day("2026-11-30"))).unwrap();
    let pdf = dir.path().join("十一月.pdf");
    hours_report_pdf(&november, "浏河社区", printed_at()).unwrap().save(&pdf).unwrap();
    let text = pages_of(&pdf).join(" ");
    assert!(
        text.contains("统计期间：2026年11月1日至2026年11月30日 合计 3 小时 45 分（3.75 小时），2 名志愿者"),
        "{text}"
    );
    assert!(!text.contains("李建军"), "{text}");
}

#[test]
fn the_care_checklist_gives_each_building_head_their_households_longest_unvisited_first() {
    let dir = tempfile::tempdir().unwrap();
    let office = certificates_office(dir.path());
    let list = office.ledger.care_list(None).unwrap();
    let printed = care_checklist_pdf(&list, "浏河社区", printed_at()).unwrap();
    let pdf = dir.path().join("走访清单.pdf");
    printed.save(&pdf).unwrap();
    let info = poppler("pdfinfo", &[], &pdf);
    assert!(info.contains("841.89 x 595.276 pts"), "landscape A4: {info}");
    let pages = pages_of(&pdf);
    assert_eq!(pages.len(), 2, "one page per building: {pages:?}");
    for page in &pages {
        assert!(page.starts_with("浏河社区 关爱走访清单"), "{page}");
        assert!(page.contains("序号 户 人员及关爱需要 最近上门 间隔天数 本次走访日期 情况记录 签名"), "{page}");
        assert!(page.contains("超过 30 天未上门或从未上门"), "{page}");
    }
    // 8栋 first (its 王奶奶 was never visited), rows never visited, then 88 days, then 8 days.
    let eight = &pages[0];
    assert!(eight.contains("第一网格 8栋 楼栋长：王建国 需走访 3 户，其中逾期 2 户"), "{eight}");
    let order: Vec<usize> = ["8栋1单元201", "8栋1单元202", "8栋1单元203"]
        .iter()
        .map(|address| eight.find(address).unwrap_or_else(|| panic!("{address}: {eight}")))
        .collect();
    assert!(order.windows(2).all(|w| w[0] < w[1]), "{eight}");
    assert!(eight.contains("1 8栋1单元201 王奶奶：高龄 86 岁 从未上门 —（逾期）"), "{eight}");
    assert!(eight.contains("2 8栋1单元202 刘爷爷：残疾（肢体二级） 2026-09-01 走访慰问 88 天（逾期）"), "{eight}");
    assert!(eight.contains("3 8栋1单元203 陈阿姨：低保 2026-11-20 走访慰问 8 天"), "{eight}");
    assert!(
        !eight.contains("走访慰问 8 天（逾期）") && !eight.contains("周小青") && !eight.contains("张秀英"),
        "{eight}"
    );
    let nine = &pages[1];
    assert!(nine.contains("9栋 楼栋长：未设 需走访 1 户，其中逾期 1 户"), "{nine}");
    assert!(nine.contains("1 9栋1单元101 孙大爷：独居 2026-10-10 水电维修 49 天（逾期）"), "{nine}");
    assert!(squeezed(nine).contains("第2页/共2页"));
    assert_one_subset_font(&pdf);

    // A longer threshold: 49 days is no longer overdue.
    let relaxed = office.ledger.care_list(Some(60)).unwrap();
    let pdf = dir.path().join("六十天.pdf");
    care_checklist_pdf(&relaxed, "浏河社区", printed_at()).unwrap().save(&pdf).unwrap();
    let pages = pages_of(&pdf);
    assert!(pages[1].contains("49 天 ") && !pages[1].contains("49 天（逾期）"), "{}", pages[1]);
    assert!(pages[0].contains("超过 60 天未上门或从未上门"));
}

fn cell_text(cell: &Data) -> String {
    match cell {
        Data::String(s) => s.clone(),
        Data::Empty => String::new(),
        other => other.to_string(),
    }
}

fn number(cell: &Data) -> f64 {
    match cell {
        Data::Float(f) => *f,
        Data::Int(i) => *i as f64,
        other => panic!("not a number: {other:?}"),
    }
}

#[test]
fn the_hours_workbook_reads_back_with_numbers_that_add_up_and_every_entry_in_detail() {
    let dir = tempfile::tempdir().unwrap();
    let office = certificates_office(dir.path());
    let out = dir.path().join("志愿时长.xlsx");
    let written = office.ledger.export_hours(None, None, &out).unwrap();
    assert_eq!(written, 6, "every entry, whatever its status");
    let mut workbook: Xlsx<_> = open_workbook(&out).unwrap();
    assert_eq!(workbook.sheet_names(), ["按志愿者", "按条线", "按组织", "按月份", "明细"]);

    let sheet = workbook.worksheet_range("按志愿者").unwrap();
    let rows: Vec<&[Data]> = sheet.rows().collect();
    let headers: Vec<String> = rows[0].iter().map(cell_text).collect();
    assert_eq!(
        headers,
        ["序号", "志愿者编号", "姓名", "条线", "所属组织", "服务次数", "时长（分钟）", "时长（小时）", "时长"]
    );
    let people: Vec<&[Data]> = rows[1..].iter().copied().take_while(|r| cell_text(&r[1]) != "合计").collect();
    assert_eq!(people.len(), 3);
    assert_eq!(cell_text(&people[0][2]), "张秀英");
    assert_eq!(number(&people[0][6]), 315.0);
    assert!((number(&people[0][7]) - 5.25).abs() < 1e-9, "hours are numbers");
    assert_eq!(cell_text(&people[0][8]), "5 小时 15 分");
    assert!((number(&people[2][7]) - 0.75).abs() < 1e-9);
    let sum: f64 = people.iter().map(|r| number(&r[7])).sum();
    let total = rows[people.len() + 1];
    assert_eq!(cell_text(&total[1]), "合计");
    assert!((sum - number(&total[7])).abs() < 1e-9 && (sum - 8.0).abs() < 1e-9, "{sum}");
    assert_eq!(cell_text(&total[8]), "8 小时");
    let note = rows.iter().map(|r| r.iter().map(cell_text).collect::<String>()).collect::<Vec<_>>().concat();
    assert!(note.contains("只计已确认的时长，另有待审核 1 小时 未计入"), "{note}");

    // Each grouping adds up to the same total.
    for name in ["按条线", "按组织", "按月份"] {
        let sheet = workbook.worksheet_range(name).unwrap();
        let rows: Vec<&[Data]> = sheet.rows().skip(1).collect();
        let groups: Vec<&[Data]> = rows.iter().copied().take_while(|r| cell_text(&r[1]) != "合计").collect();
        // 序号, label, 人数, 服务次数, 时长（分钟）, 时长（小时）, 时长
        let minutes: f64 = groups.iter().map(|r| number(&r[4])).sum();
        assert_eq!(minutes, TOTAL_MINUTES as f64, "{name}");
        assert_eq!(number(&rows[groups.len()][4]), TOTAL_MINUTES as f64, "{name} 合计");
        assert!((number(&rows[groups.len()][5]) - 8.0).abs() < 1e-9, "{name} 合计");
    }
    let months = workbook.worksheet_range("按月份").unwrap();
    let labels: Vec<String> = months.rows().skip(1).take(3).map(|r| cell_text(&r[1])).collect();
    assert_eq!(labels, ["2026-09", "2026-10", "2026-11"]);

    // 明细: every entry, oldest first, with its status and verifier.
    let detail = workbook.worksheet_range("明细").unwrap();
    let rows: Vec<&[Data]> = detail.rows().collect();
    let headers: Vec<String> = rows[0].iter().map(cell_text).collect();
    let column = |title: &str| headers.iter().position(|h| h == title).unwrap_or_else(|| panic!("{title}"));
    assert_eq!(rows.len(), 7);
    let statuses: Vec<String> = rows[1..].iter().map(|r| cell_text(&r[column("状态")])).collect();
    assert_eq!(statuses.iter().filter(|s| *s == "已确认").count(), 4);
    assert!(statuses.contains(&"待审核".to_string()) && statuses.contains(&"已驳回".to_string()));
    assert!(matches!(rows[1][column("服务日期")], Data::DateTime(_)), "dates are dates: {:?}", rows[1]);
    assert_eq!(cell_text(&rows[1][column("服务内容")]), "垃圾分类宣传", "oldest first");
    let night = rows.iter().find(|r| cell_text(&r[column("服务内容")]) == "夜间防火巡逻").unwrap();
    assert_eq!(cell_text(&night[column("次日结束")]), "是");
    assert_eq!(cell_text(&night[column("审核人")]), "周主任");
    assert_eq!(number(&night[column("时长（分钟）")]), 180.0);
    let rejected = rows.iter().find(|r| cell_text(&r[column("状态")]) == "已驳回").unwrap();
    assert_eq!(cell_text(&rejected[column("审核意见")]), "时间登记有误");
}
