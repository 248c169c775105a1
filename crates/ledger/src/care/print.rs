//! The printed 关爱走访清单: the care list as a checklist the 楼栋长 take round. One sheet per
//! building (A4 landscape), headed by the building and its 楼栋长 (repeated on every page the
//! building continues onto), its households in the care list's order — the longest without a
//! visit first — with blank columns to fill in by hand.

use crate::care::{CareHousehold, CareList};
use crate::error::Result;
use chrono::NaiveDateTime;
use xinghe_formats::pdf::{self, Align, Column, Orientation, PrintedPdf, Row, Sheet};

/// Tall enough to write a date, two lines of notes and a signature by hand.
const WRITING_ROW_MM: f32 = 14.0;
/// Marks a household past the threshold (or never visited).
pub const OVERDUE_MARK: &str = "（逾期）";
pub const NEVER_VISITED: &str = "从未上门";

/// The checklist as a PDF: one sheet per building, pages numbered through the file.
pub fn care_checklist_pdf(list: &CareList, community: &str, printed_at: NaiveDateTime) -> Result<PrintedPdf> {
    Ok(pdf::render_all(&care_checklist_sheets(list, community, printed_at))?)
}

/// One sheet per building, buildings in the order of their most urgent household (so the
/// sheets to hand out first come first); an empty list still prints one sheet saying so.
pub fn care_checklist_sheets(list: &CareList, community: &str, printed_at: NaiveDateTime) -> Vec<Sheet> {
    let mut buildings: Vec<(&str, &str, Vec<&CareHousehold>)> = Vec::new();
    for household in &list.households {
        match buildings
            .iter_mut()
            .find(|(grid, building, _)| *grid == household.grid && *building == household.building)
        {
            Some((_, _, households)) => households.push(household),
            None => buildings.push((&household.grid, &household.building, vec![household])),
        }
    }
    let title = format!("{} 关爱走访清单", community.trim()).trim().to_string();
    let note = format!(
        "逾期：超过 {} 天未上门或从未上门　计至 {}　上门后请填写本次走访日期、情况并签名，交回社区",
        list.threshold_days, list.today
    );
    if buildings.is_empty() {
        return vec![sheet(title, format!("没有需要走访的住户　{note}"), printed_at, Vec::new())];
    }
    buildings
        .into_iter()
        .map(|(grid, building, households)| {
            let head = households.iter().find_map(|h| h.building_head.as_deref()).unwrap_or("未设");
            let overdue = households.iter().filter(|h| h.overdue).count();
            let heading =
                format!("{grid}　{building}　楼栋长：{head}　需走访 {} 户，其中逾期 {overdue} 户", households.len());
            let mut rows = vec![Row::Group { level: 0, text: heading }];
            rows.extend(households.iter().enumerate().map(|(i, h)| household_row(i + 1, h)));
            sheet(title.clone(), note.clone(), printed_at, rows)
        })
        .collect()
}

fn sheet(title: String, subtitle: String, printed_at: NaiveDateTime, rows: Vec<Row>) -> Sheet {
    Sheet {
        orientation: Orientation::Landscape,
        title,
        subtitle,
        printed_at,
        columns: columns(),
        rows,
        min_row_height_mm: WRITING_ROW_MM,
    }
}

/// Widths are millimetres of the 273 mm between an A4 landscape page's margins; the blank
/// columns get the room a pen needs.
fn columns() -> Vec<Column> {
    vec![
        Column::new("序号", 9.0).align(Align::Center).max_lines(1),
        Column::new("户", 30.0),
        Column::new("人员及关爱需要", 70.0).max_lines(4),
        // Wide enough for "2026-11-18 走访慰问" on one line.
        Column::new("最近上门", 32.0).align(Align::Center),
        // "365 天（逾期）" on one line.
        Column::new("间隔天数", 25.0).align(Align::Center),
        Column::new("本次走访日期", 26.0),
        Column::new("情况记录", 53.0),
        Column::new("签名", 28.0),
    ]
}

/// "张三：残疾（肢体二级）、低保；李四：高龄 86 岁".
fn people_text(household: &CareHousehold) -> String {
    let people = household.people.iter().map(|p| {
        if p.needs.is_empty() {
            p.name.clone()
        } else {
            format!("{}：{}", p.name, p.needs.join("、"))
        }
    });
    people.collect::<Vec<_>>().join("；")
}

fn household_row(number: usize, household: &CareHousehold) -> Row {
    let last = match (&household.last_visit_on, &household.last_visit_kind) {
        (Some(date), Some(kind)) => format!("{date} {kind}"),
        (Some(date), None) => date.clone(),
        (None, _) => NEVER_VISITED.to_string(),
    };
    let days = household.days_since.map(|d| format!("{d} 天")).unwrap_or_else(|| "—".into());
    let days = if household.overdue { format!("{days}{OVERDUE_MARK}") } else { days };
    Row::Data(vec![number.to_string(), household.address.clone(), people_text(household), last, days])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::care::CarePerson;
    use chrono::NaiveDate;

    fn at() -> NaiveDateTime {
        NaiveDate::from_ymd_opt(2026, 11, 28).unwrap().and_hms_opt(9, 0, 0).unwrap()
    }

    fn household(building: &str, room: &str, days: Option<i64>, head: Option<&str>) -> CareHousehold {
        CareHousehold {
            household_id: 1,
            grid: "第一网格".into(),
            building: building.into(),
            unit: "1单元".into(),
            room: room.into(),
            address: format!("{building}1单元{room}"),
            building_head: head.map(str::to_string),
            people: vec![
                CarePerson {
                    resident_id: 1,
                    name: "张三".into(),
                    age: Some(86),
                    needs: vec!["高龄 86 岁".into()],
                    care_needs: Vec::new(),
                    aged: true,
                },
                CarePerson {
                    resident_id: 2,
                    name: "李四".into(),
                    age: Some(50),
                    needs: vec!["残疾（肢体二级）".into(), "低保".into()],
                    care_needs: Vec::new(),
                    aged: false,
                },
            ],
            last_visit_on: days
                .map(|d| (NaiveDate::from_ymd_opt(2026, 11, 28).unwrap() - chrono::Days::new(d as u64)).to_string()),
            last_visit_kind: days.map(|_| "走访慰问".into()),
            days_since: days,
            overdue: days.is_none_or(|d| d > 30),
        }
    }

    fn list(households: Vec<CareHousehold>) -> CareList {
        let overdue = households.iter().filter(|h| h.overdue).count() as i64;
        CareList { today: "2026-11-28".into(), threshold_days: 30, households, overdue }
    }

    fn shape(sheet: &Sheet) -> Vec<String> {
        sheet
            .rows
            .iter()
            .map(|row| match row {
                Row::Data(cells) => cells.join("|"),
                Row::Group { text, .. } => format!("# {text}"),
            })
            .collect()
    }

    #[test]
    fn one_sheet_per_building_in_the_order_of_its_most_urgent_household() {
        let list = list(vec![
            household("9栋", "101", None, None),
            household("8栋", "301", Some(45), Some("王芳")),
            household("9栋", "202", Some(40), None),
            household("8栋", "302", Some(3), Some("王芳")),
        ]);
        let sheets = care_checklist_sheets(&list, "浏河社区", at());
        assert_eq!(sheets.len(), 2);
        assert_eq!(sheets[0].title, "浏河社区 关爱走访清单");
        assert!(sheets[1].subtitle.contains("超过 30 天未上门或从未上门"));
        assert_eq!(
            shape(&sheets[0]),
            [
                "# 第一网格　9栋　楼栋长：未设　需走访 2 户，其中逾期 2 户",
                "1|9栋1单元101|张三：高龄 86 岁；李四：残疾（肢体二级）、低保|从未上门|—（逾期）",
                "2|9栋1单元202|张三：高龄 86 岁；李四：残疾（肢体二级）、低保|2026-10-19 走访慰问|40 天（逾期）",
            ]
        );
        assert_eq!(shape(&sheets[1])[0], "# 第一网格　8栋　楼栋长：王芳　需走访 2 户，其中逾期 1 户");
        assert_eq!(
            shape(&sheets[1])[2],
            "2|8栋1单元302|张三：高龄 86 岁；李四：残疾（肢体二级）、低保|2026-11-25 走访慰问|3 天"
        );
        let titles: Vec<&str> = sheets[0].columns.iter().map(|c| c.title.as_str()).collect();
        assert_eq!(
            titles,
            ["序号", "户", "人员及关爱需要", "最近上门", "间隔天数", "本次走访日期", "情况记录", "签名"]
        );
        assert_eq!(sheets[0].orientation, Orientation::Landscape);
        assert!(sheets[0].min_row_height_mm >= 12.0, "room to write by hand");
    }

    #[test]
    fn an_empty_list_prints_one_sheet_that_says_so() {
        let sheets = care_checklist_sheets(&list(vec![]), "浏河社区", at());
        assert_eq!(sheets.len(), 1);
        assert!(sheets[0].rows.is_empty() && sheets[0].subtitle.starts_with("没有需要走访的住户"));
    }

    #[test]
    fn the_columns_fill_a_landscape_page() {
        let total: f32 = columns().iter().map(|c| c.width).sum();
        assert!((total - Orientation::Landscape.table_width_mm()).abs() < 0.01, "{total}");
    }
}
