//! The hours workbook (.xlsx): confirmed hours by volunteer, line, organisation and month, and
//! every entry of the period with its status and verifier, for the office's own sums in Excel.
//! Hours are numbers (shown with two decimals, kept exact) beside the "5 小时 15 分" text.

use crate::error::{Error, Result};
use crate::hours::print::period_text;
use crate::hours::{format_minutes, minutes_to_hours, GroupHours, HourEntryRow, HoursFilter, HoursReport};
use crate::ledger::Ledger;
use crate::store::output::save_workbook;
use chrono::NaiveDate;
use std::path::Path;
use xinghe_formats::workbook::{Cell, ExportFormat, Table};

pub const VOLUNTEERS_SHEET: &str = "按志愿者";
pub const LINES_SHEET: &str = "按条线";
pub const ORGANISATIONS_SHEET: &str = "按组织";
pub const MONTHS_SHEET: &str = "按月份";
pub const ENTRIES_SHEET: &str = "明细";
/// The label of each summary sheet's totals row, in its second column.
pub const TOTAL_LABEL: &str = "合计";

const HOURS_HEADERS: [&str; 4] = ["服务次数", "时长（分钟）", "时长（小时）", "时长"];

impl Ledger {
    /// Writes the hours workbook for `from`..=`to` (open ends unbounded) to `out`, which must
    /// be .xlsx. The four summary sheets count confirmed entries only; 明细 lists every entry of
    /// the period, oldest first, whatever its status. Returns the number of entries in 明细.
    pub fn export_hours(&self, from: Option<NaiveDate>, to: Option<NaiveDate>, out: &Path) -> Result<usize> {
        if ExportFormat::from_path(out)? != ExportFormat::Xlsx {
            return Err(Error::invalid(
                "out",
                format!("志愿时长统计有多个工作表，只能导出为 .xlsx，不能导出为“{}”", out.display()),
            ));
        }
        let report = self.hours_report(from, to)?;
        let filter =
            HoursFilter { from: from.map(|d| d.to_string()), to: to.map(|d| d.to_string()), ..HoursFilter::default() };
        let mut entries = self.list_hours(&filter)?;
        entries.reverse();
        save_workbook(&hours_tables(&report, &entries), out)?;
        Ok(entries.len())
    }
}

/// The five sheets, in order.
fn hours_tables(report: &HoursReport, entries: &[HourEntryRow]) -> Vec<Table> {
    vec![
        volunteers_table(report),
        group_table(LINES_SHEET, "条线", &report.by_line, report),
        group_table(ORGANISATIONS_SHEET, "所属组织", &report.by_organisation, report),
        group_table(MONTHS_SHEET, "月份", &report.by_month, report),
        entries_table(entries),
    ]
}

fn hours_cells(entries: i64, minutes: i64) -> [Cell; 4] {
    [
        Cell::count(entries),
        Cell::count(minutes),
        Cell::Decimal(minutes_to_hours(minutes)),
        Cell::Text(format_minutes(minutes)),
    ]
}

/// A blank row, then what the figures are: the period, and that only confirmed hours count.
fn note_rows(report: &HoursReport, width: usize) -> Vec<Vec<Cell>> {
    let pending = if report.pending_minutes > 0 {
        format!("另有待审核 {} 未计入", format_minutes(report.pending_minutes))
    } else {
        "没有待审核的时长".to_string()
    };
    let note =
        format!("统计期间：{}；只计已确认的时长，{pending}", period_text(report.from.as_deref(), report.to.as_deref()));
    let mut row = vec![Cell::Text(String::new()); width];
    row[1] = Cell::Text(note);
    vec![Vec::new(), row]
}

fn with_hours(headers: &[&'static str]) -> Vec<&'static str> {
    headers.iter().copied().chain(HOURS_HEADERS).collect()
}

fn volunteers_table(report: &HoursReport) -> Table {
    let headers = with_hours(&["序号", "志愿者编号", "姓名", "条线", "所属组织"]);
    let mut rows: Vec<Vec<Cell>> = report
        .by_volunteer
        .iter()
        .enumerate()
        .map(|(i, v)| {
            let mut row = vec![
                Cell::count(i as i64 + 1),
                Cell::Text(v.number.clone()),
                Cell::Text(v.name.clone()),
                Cell::Text(v.line.clone()),
                Cell::text(v.organisation.clone()),
            ];
            row.extend(hours_cells(v.entries, v.minutes));
            row
        })
        .collect();
    let entries = report.by_volunteer.iter().map(|v| v.entries).sum();
    let mut total = vec![
        Cell::Text(String::new()),
        Cell::Text(TOTAL_LABEL.into()),
        Cell::Text(format!("{} 人", report.by_volunteer.len())),
        Cell::Text(String::new()),
        Cell::Text(String::new()),
    ];
    total.extend(hours_cells(entries, report.total_minutes));
    rows.push(total);
    rows.extend(note_rows(report, headers.len()));
    Table::new(VOLUNTEERS_SHEET, &headers, rows)
}

/// One row per group, then 合计: its people count each volunteer once, whatever the groups.
fn group_table(sheet: &'static str, label: &'static str, groups: &[GroupHours], report: &HoursReport) -> Table {
    let headers = with_hours(&["序号", label, "人数"]);
    let mut rows: Vec<Vec<Cell>> = groups
        .iter()
        .enumerate()
        .map(|(i, g)| {
            let mut row = vec![Cell::count(i as i64 + 1), Cell::Text(g.label.clone()), Cell::count(g.volunteers)];
            row.extend(hours_cells(g.entries, g.minutes));
            row
        })
        .collect();
    let entries = groups.iter().map(|g| g.entries).sum();
    let mut total =
        vec![Cell::Text(String::new()), Cell::Text(TOTAL_LABEL.into()), Cell::count(report.by_volunteer.len() as i64)];
    total.extend(hours_cells(entries, report.total_minutes));
    rows.push(total);
    rows.extend(note_rows(report, headers.len()));
    Table::new(sheet, &headers, rows)
}

const ENTRY_HEADERS: [&str; 23] = [
    "记录编号",
    "服务日期",
    "开始时间",
    "结束时间",
    "次日结束",
    "志愿者编号",
    "姓名",
    "条线",
    "所属组织",
    "服务内容",
    "服务地点",
    "组织单位",
    "关联活动",
    "时长（分钟）",
    "时长（小时）",
    "时长",
    "状态",
    "审核人",
    "审核时间",
    "审核意见",
    "更正自记录",
    "登记人",
    "登记时间",
];

fn entries_table(entries: &[HourEntryRow]) -> Table {
    let rows = entries
        .iter()
        .map(|e| {
            vec![
                Cell::count(e.id),
                Cell::date(Some(e.date.clone())),
                Cell::Text(e.start_time.clone()),
                Cell::Text(e.end_time.clone()),
                Cell::Text(if e.overnight { "是" } else { "" }.into()),
                Cell::Text(e.number.clone()),
                Cell::Text(e.name.clone()),
                Cell::Text(e.line.clone()),
                Cell::text(e.organisation.clone()),
                Cell::Text(e.content.clone()),
                Cell::Text(e.place.clone()),
                Cell::Text(e.organiser.clone()),
                Cell::text(e.activity_title.clone()),
                Cell::count(e.minutes),
                Cell::Decimal(minutes_to_hours(e.minutes)),
                Cell::Text(e.duration_text.clone()),
                Cell::Text(e.status.clone()),
                Cell::text(e.verifier.clone()),
                Cell::text(e.reviewed_at.clone()),
                Cell::Text(e.review_note.clone()),
                e.corrects_id.map_or_else(|| Cell::Text(String::new()), Cell::count),
                Cell::Text(e.entered_by.clone()),
                Cell::Text(e.entered_at.clone()),
            ]
        })
        .collect();
    Table::new(ENTRIES_SHEET, &ENTRY_HEADERS, rows)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_csv_is_refused_before_anything_is_written() {
        let dir = tempfile::tempdir().unwrap();
        let ledger = Ledger::open_in_memory().unwrap();
        let out = dir.path().join("时长.csv");
        let err = ledger.export_hours(None, None, &out).unwrap_err();
        assert_eq!(err.fields()[0].field, "out");
        assert!(err.to_string().contains("只能导出为 .xlsx"), "{err}");
        assert!(!out.exists());
    }

    #[test]
    fn an_empty_register_still_gives_every_sheet_with_zero_totals() {
        let dir = tempfile::tempdir().unwrap();
        let ledger = Ledger::open_in_memory().unwrap();
        let out = dir.path().join("时长.xlsx");
        assert_eq!(ledger.export_hours(None, None, &out).unwrap(), 0);
        let report = ledger.hours_report(None, None).unwrap();
        let tables = hours_tables(&report, &[]);
        let names: Vec<&str> = tables.iter().map(|t| t.sheet).collect();
        assert_eq!(names, [VOLUNTEERS_SHEET, LINES_SHEET, ORGANISATIONS_SHEET, MONTHS_SHEET, ENTRIES_SHEET]);
        assert_eq!(tables[0].rows[0][1], Cell::Text(TOTAL_LABEL.into()));
        assert_eq!(tables[0].rows[0][7], Cell::Decimal(0.0));
        // Every line is listed even at zero.
        assert_eq!(tables[1].rows.len(), 3 + 1 + 2);
        for table in &tables {
            assert!(table.rows.iter().all(|row| row.len() <= table.headers.len()), "{}", table.sheet);
        }
    }
}
