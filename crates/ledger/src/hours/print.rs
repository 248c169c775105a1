//! What volunteers' hours look like on paper: the 志愿服务记录证明 (a draft certificate for
//! one volunteer and period, for the office to stamp) and the hours report (confirmed hours by
//! volunteer, line, organisation and month). The hours module builds the data; this module
//! only decides what goes on paper. Volunteers are named by number, never by full ID number.

use crate::error::Result;
use crate::hours::{format_minutes, minutes_to_hours, Certificate, GroupHours, HourEntryRow, HoursReport};
use chrono::{Datelike, NaiveDate, NaiveDateTime};
use xinghe_formats::pdf::{self, Align, Block, Column, Document, Orientation, PrintedPdf, Row, Seal, Table, Text};

/// The seal box: an official round seal is 42 mm across.
const SEAL_MM: f32 = 45.0;
/// What goes in the seal box.
pub const SEAL_LABEL: &str = "（盖章处）";
/// Printed where the issuer's details are not set, to be written in by hand.
const BLANK: &str = "＿＿＿＿＿＿＿＿";
/// What the certificate is, and what it is not, so nobody mistakes it for more.
pub const CERTIFICATE_NOTE: &str =
    "说明：本证明参照《志愿服务记录与证明出具办法（试行）》，根据本社区留存的志愿服务记录出具，\
     是社区对服务记录的证明，不是全国志愿服务信息系统或其他国家级的志愿服务认证。时长只计经审核确认的服务时间，\
     不含往返路途。加盖出具单位印章后有效。";

/// "2026年11月28日"; text that is not a date is printed as stored.
fn chinese_date(text: &str) -> String {
    match NaiveDate::parse_from_str(text, "%Y-%m-%d") {
        Ok(d) => format!("{}年{}月{}日", d.year(), d.month(), d.day()),
        Err(_) => text.to_string(),
    }
}

/// Hours with two decimals, as the workbook and the JSON give them.
pub fn hours_text(minutes: i64) -> String {
    format!("{:.2}", minutes_to_hours(minutes))
}

/// "09:00–11:30", or "22:00–次日 02:00" for a service ending the next day.
fn time_span(entry: &HourEntryRow) -> String {
    let next_day = if entry.overnight { "次日 " } else { "" };
    format!("{}–{next_day}{}", entry.start_time, entry.end_time)
}

fn or_blank(value: &str) -> String {
    if value.trim().is_empty() {
        BLANK.to_string()
    } else {
        value.trim().to_string()
    }
}

/// 志愿服务记录证明 as a PDF: the statement (name, masked ID number and volunteer number,
/// period, total), the list of confirmed services, the issuer's details beside an empty box for
/// the seal, and a note on what the paper is. A long list continues on further pages.
pub fn certificate_pdf(cert: &Certificate, printed_at: NaiveDateTime) -> Result<PrintedPdf> {
    Ok(pdf::render_document(&certificate_document(cert, printed_at))?)
}

/// The certificate's layout, before rendering.
pub fn certificate_document(cert: &Certificate, printed_at: NaiveDateTime) -> Document {
    let volunteer = &cert.volunteer;
    let mut who = vec![format!("志愿者编号 {}", volunteer.number)];
    if let Some(id) = &cert.id_number_masked {
        who.push(format!("身份证号 {id}"));
    }
    let mut belongs = vec![format!("所属条线：{}", volunteer.line)];
    if let Some(organisation) = &volunteer.organisation {
        belongs.push(format!("所属组织：{organisation}"));
    }
    let statement = format!(
        "　　兹证明 {}（{}）于 {} 至 {} 参加志愿服务，经{}审核确认的服务时长共计 {}（合 {} 小时），共 {} 次。{}。服务记录如下：",
        volunteer.name,
        who.join("，"),
        chinese_date(&cert.from),
        chinese_date(&cert.to),
        cert.issuer.organisation.trim(),
        cert.total_text,
        hours_text(cert.total_minutes),
        cert.entries.len(),
        belongs.join("，"),
    );
    let issuer = &cert.issuer;
    let seal = Seal {
        lines: vec![
            format!("出具单位：{}", or_blank(&issuer.organisation)),
            format!("负 责 人：{}", or_blank(&issuer.person_in_charge)),
            format!("经 办 人：{}", or_blank(&issuer.handler)),
            format!("联系电话：{}", or_blank(&issuer.contact)),
            format!("出具日期：{}", chinese_date(&cert.issued_on)),
        ],
        label: SEAL_LABEL.into(),
        size_mm: SEAL_MM,
    };
    Document {
        orientation: Orientation::Portrait,
        title: "志愿服务记录证明".into(),
        subtitle: format!("证明编号：{}", cert.certificate_number),
        printed_at,
        blocks: vec![
            Block::Space(2.0),
            Block::Text(Text::body(statement)),
            Block::Space(3.0),
            Block::Table(service_table(cert)),
            Block::Space(4.0),
            Block::Text(Text::body("　　以上记录经审核确认，情况属实。特此证明。").keep_with_next(true)),
            Block::Space(6.0),
            Block::Seal(seal),
            Block::Space(6.0),
            Block::Text(Text::small(CERTIFICATE_NOTE)),
        ],
    }
}

/// Widths are millimetres of the 186 mm between an A4 portrait page's margins: a date, a day
/// time span and "12 小时 30 分" each fit on one line.
fn service_table(cert: &Certificate) -> Table {
    let center = |title, width| Column::new(title, width).align(Align::Center);
    let mut rows: Vec<Row> = cert
        .entries
        .iter()
        .enumerate()
        .map(|(i, e)| {
            Row::Data(vec![
                (i + 1).to_string(),
                e.date.clone(),
                time_span(e),
                e.content.clone(),
                e.place.clone(),
                e.organiser.clone(),
                e.verifier.clone().unwrap_or_default(),
                e.duration_text.clone(),
            ])
        })
        .collect();
    rows.push(Row::Data(vec![
        String::new(),
        "合计".into(),
        String::new(),
        format!("共 {} 次", cert.entries.len()),
        String::new(),
        String::new(),
        String::new(),
        cert.total_text.clone(),
    ]));
    Table {
        columns: vec![
            center("序号", 9.0).max_lines(1),
            center("服务日期", 20.0).max_lines(1),
            center("服务时间", 22.0),
            Column::new("服务内容", 44.0).max_lines(3),
            Column::new("服务地点", 25.0),
            Column::new("组织单位", 26.0),
            center("审核人", 16.0),
            Column::new("时长", 24.0).align(Align::Right).max_lines(1),
        ],
        rows,
        min_row_height_mm: 0.0,
    }
}

/// The hours report as a PDF: by volunteer (numbers, not ID numbers), then by line,
/// organisation and month, each with its total. Confirmed hours only, and the paper says so.
pub fn hours_report_pdf(report: &HoursReport, community: &str, printed_at: NaiveDateTime) -> Result<PrintedPdf> {
    Ok(pdf::render_document(&hours_report_document(report, community, printed_at))?)
}

/// "2026年1月1日至2026年11月28日", "2026年1月1日起", "全部记录".
pub fn period_text(from: Option<&str>, to: Option<&str>) -> String {
    match (from, to) {
        (Some(from), Some(to)) => format!("{}至{}", chinese_date(from), chinese_date(to)),
        (Some(from), None) => format!("{}起", chinese_date(from)),
        (None, Some(to)) => format!("截至{}", chinese_date(to)),
        (None, None) => "全部记录".into(),
    }
}

/// The report's layout, before rendering.
pub fn hours_report_document(report: &HoursReport, community: &str, printed_at: NaiveDateTime) -> Document {
    let people = report.by_volunteer.len();
    let pending = if report.pending_minutes > 0 {
        format!("另有待审核 {} 未计入", format_minutes(report.pending_minutes))
    } else {
        "没有待审核的时长".into()
    };
    let subtitle = format!(
        "统计期间：{}　合计 {}（{} 小时），{people} 名志愿者\n只计已确认的时长，{pending}　志愿者以编号列出，不含身份证号",
        period_text(report.from.as_deref(), report.to.as_deref()),
        report.total_text,
        hours_text(report.total_minutes),
    );
    let mut blocks = vec![Block::Text(Text::heading("一、按志愿者"))];
    blocks.push(Block::Table(volunteer_table(report)));
    let sections = [
        ("二、按条线", "条线", &report.by_line),
        ("三、按组织", "所属组织", &report.by_organisation),
        ("四、按月份", "月份", &report.by_month),
    ];
    for (heading, label, groups) in sections {
        blocks.push(Block::Space(5.0));
        blocks.push(Block::Text(Text::heading(heading)));
        blocks.push(Block::Table(group_table(label, groups, report)));
    }
    Document {
        orientation: Orientation::Portrait,
        title: format!("{} 志愿服务时长统计", community.trim()).trim().to_string(),
        subtitle,
        printed_at,
        blocks,
    }
}

fn number_column() -> Column {
    Column::new("序号", 10.0).align(Align::Center).max_lines(1)
}

fn hours_columns() -> [Column; 3] {
    [
        Column::new("次数", 13.0).align(Align::Right).max_lines(1),
        Column::new("小时", 18.0).align(Align::Right).max_lines(1),
        Column::new("时长", 27.0).align(Align::Right).max_lines(1),
    ]
}

/// Ranked by hours (the report's order): 序号, 编号, 姓名, 条线, 组织, then the hours.
fn volunteer_table(report: &HoursReport) -> Table {
    let mut columns = vec![
        number_column(),
        Column::new("志愿者编号", 22.0).max_lines(1),
        Column::new("姓名", 20.0),
        Column::new("条线", 32.0),
        Column::new("所属组织", 44.0),
    ];
    columns.extend(hours_columns());
    let mut rows: Vec<Row> = report
        .by_volunteer
        .iter()
        .enumerate()
        .map(|(i, v)| {
            Row::Data(vec![
                (i + 1).to_string(),
                v.number.clone(),
                v.name.clone(),
                v.line.clone(),
                v.organisation.clone().unwrap_or_default(),
                v.entries.to_string(),
                hours_text(v.minutes),
                v.text.clone(),
            ])
        })
        .collect();
    let entries: i64 = report.by_volunteer.iter().map(|v| v.entries).sum();
    rows.push(Row::Data(vec![
        String::new(),
        "合计".into(),
        format!("{} 人", report.by_volunteer.len()),
        String::new(),
        String::new(),
        entries.to_string(),
        hours_text(report.total_minutes),
        report.total_text.clone(),
    ]));
    Table { columns, rows, min_row_height_mm: 0.0 }
}

/// One row per group and a 合计 row; the people of the total are counted once, not per group
/// (one volunteer serves in several months).
fn group_table(label: &str, groups: &[GroupHours], report: &HoursReport) -> Table {
    let mut columns =
        vec![number_column(), Column::new(label, 98.0), Column::new("人数", 20.0).align(Align::Right).max_lines(1)];
    columns.extend(hours_columns());
    let mut rows: Vec<Row> = groups
        .iter()
        .enumerate()
        .map(|(i, g)| {
            Row::Data(vec![
                (i + 1).to_string(),
                g.label.clone(),
                g.volunteers.to_string(),
                g.entries.to_string(),
                hours_text(g.minutes),
                g.text.clone(),
            ])
        })
        .collect();
    let entries: i64 = groups.iter().map(|g| g.entries).sum();
    rows.push(Row::Data(vec![
        String::new(),
        "合计".into(),
        report.by_volunteer.len().to_string(),
        entries.to_string(),
        hours_text(report.total_minutes),
        report.total_text.clone(),
    ]));
    Table { columns, rows, min_row_height_mm: 0.0 }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::hours::{CertificateIssuer, VolunteerHours};
    use crate::volunteers::VolunteerRow;

    fn at() -> NaiveDateTime {
        NaiveDate::from_ymd_opt(2026, 11, 28).unwrap().and_hms_opt(14, 30, 0).unwrap()
    }

    fn volunteer() -> VolunteerRow {
        VolunteerRow {
            id: 1,
            number: "LH-00001".into(),
            name: "张秀英".into(),
            resident_id: Some(7),
            household_id: Some(3),
            address: Some("8栋2单元301".into()),
            organisation_id: None,
            organisation: None,
            line: "银力量·离退休党员".into(),
            phone_masked: None,
            skills: String::new(),
            joined_on: "2026-01-01".into(),
            left_on: None,
            confirmed_minutes: 315,
            pending_minutes: 0,
            confirmed_text: "5 小时 15 分".into(),
        }
    }

    fn entry(date: &str, start: &str, end: &str, overnight: bool, minutes: i64) -> HourEntryRow {
        HourEntryRow {
            id: 1,
            volunteer_id: 1,
            number: "LH-00001".into(),
            name: "张秀英".into(),
            line: "银力量·离退休党员".into(),
            organisation: None,
            date: date.into(),
            start_time: start.into(),
            end_time: end.into(),
            overnight,
            minutes,
            duration_text: format_minutes(minutes),
            content: "重阳节敬老茶话会".into(),
            place: "社区活动室".into(),
            organiser: "浏河社区".into(),
            activity_id: None,
            activity_title: None,
            service_id: None,
            status: "已确认".into(),
            verifier: Some("李主任".into()),
            reviewed_at: None,
            review_note: String::new(),
            corrects_id: None,
            corrected_by: None,
            entered_by: "社区工作人员".into(),
            entered_at: "2026-11-01 10:00:00".into(),
        }
    }

    fn certificate(issuer: CertificateIssuer) -> Certificate {
        Certificate {
            certificate_number: "LH-ZM-20261128-LH-00001".into(),
            issued_on: "2026-11-28".into(),
            volunteer: volunteer(),
            id_number_masked: Some("430105********002X".into()),
            from: "2026-01-01".into(),
            to: "2026-11-28".into(),
            total_minutes: 315,
            total_text: "5 小时 15 分".into(),
            entries: vec![
                entry("2026-10-29", "09:00", "11:15", false, 135),
                entry("2026-11-20", "22:00", "01:00", true, 180),
            ],
            issuer,
        }
    }

    fn texts(document: &Document) -> Vec<String> {
        document
            .blocks
            .iter()
            .flat_map(|block| match block {
                Block::Text(t) => vec![t.text.clone()],
                Block::Table(t) => t
                    .rows
                    .iter()
                    .map(|r| match r {
                        Row::Data(cells) => cells.join("|"),
                        Row::Group { text, .. } => text.clone(),
                    })
                    .collect(),
                Block::Seal(s) => s.lines.iter().cloned().chain([s.label.clone()]).collect(),
                Block::Space(_) => vec![],
            })
            .collect()
    }

    #[test]
    fn the_certificate_states_who_when_and_how_long_and_lists_the_services() {
        let issuer = CertificateIssuer {
            organisation: "浏河社区居民委员会".into(),
            person_in_charge: "王建国".into(),
            handler: String::new(),
            contact: "0731-84123456".into(),
        };
        let document = certificate_document(&certificate(issuer), at());
        assert_eq!(document.subtitle, "证明编号：LH-ZM-20261128-LH-00001");
        let texts = texts(&document);
        assert!(texts[0].contains("兹证明 张秀英（志愿者编号 LH-00001，身份证号 430105********002X）"), "{}", texts[0]);
        assert!(texts[0].contains("于 2026年1月1日 至 2026年11月28日 参加志愿服务，经浏河社区居民委员会审核确认"));
        assert!(texts[0].contains("共计 5 小时 15 分（合 5.25 小时），共 2 次"), "{}", texts[0]);
        assert_eq!(texts[1], "1|2026-10-29|09:00–11:15|重阳节敬老茶话会|社区活动室|浏河社区|李主任|2 小时 15 分");
        assert_eq!(texts[2], "2|2026-11-20|22:00–次日 01:00|重阳节敬老茶话会|社区活动室|浏河社区|李主任|3 小时");
        assert_eq!(texts[3], "|合计||共 2 次||||5 小时 15 分");
        assert!(texts.contains(&"负 责 人：王建国".to_string()));
        assert!(texts.contains(&format!("经 办 人：{BLANK}")), "an unset handler is a line to write on");
        assert!(texts.contains(&"出具日期：2026年11月28日".to_string()));
        assert!(texts.contains(&SEAL_LABEL.to_string()));
        assert!(texts.last().unwrap().contains("不是全国志愿服务信息系统"));
    }

    #[test]
    fn a_volunteer_without_an_id_number_is_named_by_number_and_organisation() {
        let mut cert = certificate(CertificateIssuer::default());
        cert.id_number_masked = None;
        cert.volunteer.organisation = Some("邻里益仓便利店".into());
        let texts = texts(&certificate_document(&cert, at()));
        assert!(texts[0].contains("张秀英（志愿者编号 LH-00001）"), "{}", texts[0]);
        assert!(texts[0].contains("所属组织：邻里益仓便利店"));
        assert!(!texts[0].contains("身份证"));
    }

    #[test]
    fn the_certificate_table_fits_the_page_width() {
        let table = service_table(&certificate(CertificateIssuer::default()));
        let total: f32 = table.columns.iter().map(|c| c.width).sum();
        assert!((total - Orientation::Portrait.table_width_mm()).abs() < 0.01, "{total}");
    }

    fn report() -> HoursReport {
        let group = |label: &str, minutes: i64, volunteers: i64, entries: i64| GroupHours {
            label: label.into(),
            minutes,
            hours: minutes_to_hours(minutes),
            text: format_minutes(minutes),
            volunteers,
            entries,
        };
        let volunteer = |number: &str, name: &str, minutes: i64, entries: i64| VolunteerHours {
            volunteer_id: 1,
            number: number.into(),
            name: name.into(),
            line: "红引擎·在职党员".into(),
            organisation: None,
            minutes,
            hours: minutes_to_hours(minutes),
            text: format_minutes(minutes),
            entries,
        };
        HoursReport {
            from: Some("2026-11-01".into()),
            to: Some("2026-11-30".into()),
            total_minutes: 400,
            total_hours: minutes_to_hours(400),
            total_text: format_minutes(400),
            pending_minutes: 90,
            by_volunteer: vec![volunteer("LH-00002", "李四", 300, 2), volunteer("LH-00001", "张三", 100, 1)],
            by_line: vec![
                group("红引擎·在职党员", 400, 2, 3),
                group("银力量·离退休党员", 0, 0, 0),
                group("青动力·两新组织", 0, 0, 0),
            ],
            by_organisation: vec![group("社区居民", 400, 2, 3)],
            by_month: vec![group("2026-10", 100, 1, 1), group("2026-11", 300, 2, 2)],
        }
    }

    #[test]
    fn the_report_lists_volunteers_by_number_then_each_grouping_with_its_total() {
        let document = hours_report_document(&report(), "浏河社区", at());
        assert_eq!(document.title, "浏河社区 志愿服务时长统计");
        assert!(document.subtitle.contains("统计期间：2026年11月1日至2026年11月30日"), "{}", document.subtitle);
        assert!(document.subtitle.contains("合计 6 小时 40 分（6.67 小时），2 名志愿者"));
        assert!(document.subtitle.contains("只计已确认的时长，另有待审核 1 小时 30 分 未计入"));
        let texts = texts(&document);
        assert_eq!(
            texts[..4],
            [
                "一、按志愿者",
                "1|LH-00002|李四|红引擎·在职党员||2|5.00|5 小时",
                "2|LH-00001|张三|红引擎·在职党员||1|1.67|1 小时 40 分",
                "|合计|2 人|||3|6.67|6 小时 40 分",
            ]
        );
        assert_eq!(texts[4], "二、按条线");
        assert_eq!(texts[8], "|合计|2|3|6.67|6 小时 40 分");
        let months = texts.iter().position(|t| t == "四、按月份").unwrap();
        assert_eq!(texts[months + 1], "1|2026-10|1|1|1.67|1 小时 40 分");
        // Two people over two months: the total counts each person once.
        assert_eq!(texts[months + 3], "|合计|2|3|6.67|6 小时 40 分");
    }

    #[test]
    fn report_tables_fit_the_page_width_and_periods_read_naturally() {
        let portrait = Orientation::Portrait.table_width_mm();
        let report = report();
        for table in [volunteer_table(&report), group_table("条线", &report.by_line, &report)] {
            let total: f32 = table.columns.iter().map(|c| c.width).sum();
            assert!((total - portrait).abs() < 0.01, "{total}");
        }
        assert_eq!(period_text(None, None), "全部记录");
        assert_eq!(period_text(Some("2026-01-01"), None), "2026年1月1日起");
        assert_eq!(period_text(None, Some("2026-06-30")), "截至2026年6月30日");
        assert_eq!(hours_text(315), "5.25");
        assert_eq!(hours_text(100), "1.67");
    }
}
