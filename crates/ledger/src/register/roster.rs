//! The printed resident roster (居民花名册): current residents in address order, grouped by
//! 网格 → 楼栋 → 单元 → 户 with each place's head, as a printable [`Sheet`].

use crate::error::Result;
use crate::ledger::{Ledger, CURRENT};
use crate::register::households::{format_address, HOUSEHOLD_ORDER};
use crate::register::model::{age_from, CareNeed, HouseholdFilter, AGED_YEARS, HEAD_RELATION};
use crate::register::residents::care_needs_of;
use crate::register::residents::MEMBER_ORDER;
use crate::values::idcard::mask_id_number;
use crate::values::phone::mask_phone;
use chrono::{NaiveDate, NaiveDateTime};
use rusqlite::{params_from_iter, Row as SqlRow};
use serde::Serialize;
use xinghe_formats::pdf::{self, Align, Column, PrintedPdf, Row, Sheet};

#[derive(Debug, Clone, Serialize)]
pub struct Roster {
    pub community_name: String,
    /// The grid the roster is limited to, if any.
    pub grid: Option<String>,
    /// The day ages and 高龄 are counted on.
    pub today: NaiveDate,
    pub households: Vec<RosterHousehold>,
}

/// A 网格, 楼栋 or 单元 with its head (网格长/楼栋长/单元长).
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct RosterPlace {
    pub id: i64,
    pub name: String,
    pub head: Option<RosterHead>,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct RosterHead {
    pub name: String,
    pub phone: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct RosterHousehold {
    pub id: i64,
    pub grid: RosterPlace,
    pub building: RosterPlace,
    pub unit: RosterPlace,
    /// "8栋2单元301".
    pub address: String,
    pub phone: Option<String>,
    /// 户主 first, then by birth date.
    pub members: Vec<RosterMember>,
}

/// Full values; masking is decided when printing.
#[derive(Debug, Clone, Serialize)]
pub struct RosterMember {
    pub name: String,
    pub relation: String,
    pub sex: Option<String>,
    pub age: Option<u32>,
    pub id_number: Option<String>,
    pub phone: Option<String>,
    pub political_status: String,
    pub care_needs: Vec<CareNeed>,
}

impl Roster {
    pub fn residents(&self) -> usize {
        self.households.iter().map(|h| h.members.len()).sum()
    }
}

/// A place's id, name, and head as (name, phone) — a resident head or a named staff member.
fn place_columns(alias: &str) -> String {
    format!(
        "{alias}.id, {alias}.name, COALESCE({alias}r.name, {alias}.head_name),
         CASE WHEN {alias}r.id IS NULL THEN {alias}.head_phone ELSE {alias}r.phone END"
    )
}

fn place_from_row(row: &SqlRow, first: usize) -> rusqlite::Result<RosterPlace> {
    let head_name: Option<String> = row.get(first + 2)?;
    Ok(RosterPlace {
        id: row.get(first)?,
        name: row.get(first + 1)?,
        head: head_name
            .map(|name| Ok::<_, rusqlite::Error>(RosterHead { name, phone: row.get(first + 3)? }))
            .transpose()?,
    })
}

impl Ledger {
    /// Current residents (not moved out, not deceased) of the whole community, or of the grid
    /// with this name; an unknown grid name is refused with the names that exist.
    pub fn roster(&self, grid: Option<&str>) -> Result<Roster> {
        let grid = grid.map(str::trim).filter(|g| !g.is_empty());
        let grid_id = grid.map(|name| self.grid_id_by_name(name)).transpose()?;
        // The household list's own conditions, so the roster holds exactly the households it shows.
        let (where_sql, values) = self.household_conditions(&HouseholdFilter { grid_id, ..Default::default() });
        let sql = format!(
            "SELECT h.id, h.room, h.phone, {}, {}, {},
                    r.id, r.name, r.relation, r.sex, r.birth_date, r.id_number, r.phone, r.political_status
             FROM residents r JOIN households h ON h.id = r.household_id
             JOIN units u ON u.id = h.unit_id JOIN buildings b ON b.id = u.building_id JOIN grids g ON g.id = b.grid_id
             LEFT JOIN residents gr ON gr.id = g.head_resident_id
             LEFT JOIN residents br ON br.id = b.head_resident_id
             LEFT JOIN residents ur ON ur.id = u.head_resident_id
             WHERE ({where_sql}) AND {CURRENT}
             ORDER BY {HOUSEHOLD_ORDER}, {MEMBER_ORDER}",
            place_columns("g"),
            place_columns("b"),
            place_columns("u"),
        );
        let today = self.today();
        let mut stmt = self.conn.prepare(&sql)?;
        let mut rows = stmt.query(params_from_iter(values.iter()))?;
        let mut households: Vec<RosterHousehold> = Vec::new();
        while let Some(row) = rows.next()? {
            let household_id: i64 = row.get(0)?;
            if households.last().is_none_or(|h| h.id != household_id) {
                let (grid, building, unit) =
                    (place_from_row(row, 3)?, place_from_row(row, 7)?, place_from_row(row, 11)?);
                households.push(RosterHousehold {
                    id: household_id,
                    address: format_address(&building.name, &unit.name, &row.get::<_, String>(1)?),
                    phone: row.get(2)?,
                    grid,
                    building,
                    unit,
                    members: Vec::new(),
                });
            }
            let birth_date: Option<String> = row.get(19)?;
            let member = RosterMember {
                name: row.get(16)?,
                relation: row.get(17)?,
                sex: row.get(18)?,
                age: age_from(birth_date.as_deref(), today),
                id_number: row.get(20)?,
                phone: row.get(21)?,
                political_status: row.get(22)?,
                care_needs: care_needs_of(&self.conn, row.get(15)?)?,
            };
            households.last_mut().expect("pushed above").members.push(member);
        }
        Ok(Roster {
            community_name: self.community_name()?.unwrap_or_default(),
            grid: grid.map(str::to_string),
            today,
            households,
        })
    }
}

#[derive(Debug, Clone)]
pub struct RosterOptions {
    /// Print ID numbers and phones in full instead of 430105********123X and 138****1234.
    pub unmasked: bool,
    pub printed_at: NaiveDateTime,
}

impl Ledger {
    /// The roster of `grid` (all grids when `None`) as a PDF. Printing ID numbers and phones in
    /// full is an administrator's 查看完整信息, recorded before the file is made.
    pub fn roster_pdf(&self, grid: Option<&str>, options: &RosterOptions) -> Result<(Roster, PrintedPdf)> {
        let roster = self.roster(grid)?;
        if options.unmasked {
            let summary = format!("打印完整身份证号和电话的居民花名册（{} 人）", roster.residents());
            self.authorize_unmasked(&summary, "居民", None)?;
        }
        let printed = render(&roster, options)?;
        Ok((roster, printed))
    }
}

/// The roster as a PDF: A4 portrait, one table, a heading row for every place and household.
pub fn render(roster: &Roster, options: &RosterOptions) -> Result<PrintedPdf> {
    Ok(pdf::render(&sheet(roster, options))?)
}

/// Widths are millimetres of the 186 mm between an A4 portrait page's margins, measured so
/// that a full 18-digit ID number, a landline, "中共党员（离退休）" and "高龄、残疾（肢体二级）"
/// each fit on one line.
fn columns() -> Vec<Column> {
    let center = |title, width| Column::new(title, width).align(Align::Center);
    vec![
        center("序号", 9.0).max_lines(1),
        Column::new("姓名", 16.0),
        center("与户主关系", 18.0),
        center("性别", 8.5),
        center("年龄", 8.5),
        Column::new("身份证号", 34.0),
        Column::new("联系电话", 24.0),
        Column::new("政治面貌", 31.0),
        Column::new("关爱标记", 37.0),
    ]
}

/// The roster as a printable sheet: a heading row whenever the grid, building or unit
/// changes and one for every household, then its members, numbered through the roster.
pub fn sheet(roster: &Roster, options: &RosterOptions) -> Sheet {
    let hide = |value: &Option<String>, mask| pdf::shown(value.as_deref(), options.unmasked, mask);
    let head = |role: &str, place: &RosterPlace| {
        let who = match &place.head {
            Some(head) => format!("{} {}", head.name, hide(&head.phone, mask_phone)).trim_end().to_string(),
            None => "未设".into(),
        };
        format!("{}　{role}：{who}", place.name)
    };
    let mut rows = Vec::new();
    let mut previous: Option<&RosterHousehold> = None;
    let mut number = 0;
    for household in &roster.households {
        let changed = |place: fn(&RosterHousehold) -> i64| previous.is_none_or(|p| place(p) != place(household));
        let new_grid = changed(|h| h.grid.id);
        let new_building = new_grid || changed(|h| h.building.id);
        if new_grid {
            rows.push(Row::Group { level: 0, text: head("网格长", &household.grid) });
        }
        if new_building {
            rows.push(Row::Group { level: 1, text: head("楼栋长", &household.building) });
        }
        if new_building || changed(|h| h.unit.id) {
            rows.push(Row::Group { level: 2, text: head("单元长", &household.unit) });
        }
        let head_name = household.members.iter().find(|m| m.relation == HEAD_RELATION).map(|m| m.name.as_str());
        let mut text = format!("{}　户主：{}", household.address, head_name.unwrap_or("未登记"));
        if household.phone.is_some() {
            text += &format!("　住户电话：{}", hide(&household.phone, mask_phone));
        }
        rows.push(Row::Group { level: 3, text });
        for member in &household.members {
            number += 1;
            rows.push(Row::Data(vec![
                number.to_string(),
                member.name.clone(),
                member.relation.clone(),
                member.sex.clone().unwrap_or_default(),
                member.age.map(|a| a.to_string()).unwrap_or_default(),
                hide(&member.id_number, mask_id_number),
                hide(&member.phone, mask_phone),
                member.political_status.clone(),
                care_marks(member),
            ]));
        }
        previous = Some(household);
    }
    let scope = roster.grid.as_deref().map(|g| format!("{g}　")).unwrap_or_default();
    let privacy = pdf::privacy_note("身份证号和电话", options.unmasked);
    Sheet {
        orientation: pdf::Orientation::Portrait,
        title: format!("{} 居民花名册", roster.community_name).trim().to_string(),
        subtitle: format!(
            "{scope}共 {} 户 {} 人　年龄计至 {}　{privacy}",
            roster.households.len(),
            roster.residents(),
            roster.today
        ),
        printed_at: options.printed_at,
        columns: columns(),
        rows,
        min_row_height_mm: 0.0,
    }
}

/// "高龄、残疾（肢体二级）、独居".
fn care_marks(member: &RosterMember) -> String {
    let aged = member.age.is_some_and(|a| a >= AGED_YEARS).then(|| "高龄".to_string());
    aged.into_iter().chain(member.care_needs.iter().map(CareNeed::display)).collect::<Vec<_>>().join("、")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn place(id: i64, name: &str) -> RosterPlace {
        RosterPlace { id, name: name.into(), head: None }
    }

    fn household(building: (i64, &str), unit: (i64, &str), room: &str, members: &[(&str, &str)]) -> RosterHousehold {
        RosterHousehold {
            id: 0,
            grid: RosterPlace {
                head: Some(RosterHead { name: "周丽华".into(), phone: Some("13800001111".into()) }),
                ..place(1, "第一网格")
            },
            building: place(building.0, building.1),
            unit: place(unit.0, unit.1),
            address: format!("{}{}{room}", building.1, unit.1),
            phone: None,
            members: members
                .iter()
                .map(|(name, relation)| RosterMember {
                    name: name.to_string(),
                    relation: relation.to_string(),
                    sex: None,
                    age: Some(81),
                    id_number: Some("43010519491231002X".into()),
                    phone: None,
                    political_status: "群众".into(),
                    care_needs: vec![CareNeed { kind: "独居".into(), ..Default::default() }],
                })
                .collect(),
        }
    }

    fn options(unmasked: bool) -> RosterOptions {
        let printed_at = NaiveDate::from_ymd_opt(2026, 11, 28).unwrap().and_hms_opt(9, 0, 0).unwrap();
        RosterOptions { unmasked, printed_at }
    }

    #[test]
    fn headings_appear_when_the_place_changes_and_members_are_numbered_through() {
        let roster = Roster {
            community_name: "浏河社区".into(),
            grid: None,
            today: NaiveDate::from_ymd_opt(2026, 11, 28).unwrap(),
            households: vec![
                household((1, "8栋"), (1, "2单元"), "301", &[("张三", "户主"), ("李四", "配偶")]),
                household((1, "8栋"), (1, "2单元"), "302", &[("王五", "户主")]),
                household((2, "9栋"), (2, "1单元"), "101", &[("赵六", "子")]),
            ],
        };
        let sheet = sheet(&roster, &options(false));
        let shape: Vec<String> = sheet
            .rows
            .iter()
            .map(|row| match row {
                Row::Group { level, text } => format!("{level}:{text}"),
                Row::Data(cells) => format!("{}.{}", cells[0], cells[1]),
            })
            .collect();
        assert_eq!(
            shape,
            [
                "0:第一网格　网格长：周丽华 138****1111",
                "1:8栋　楼栋长：未设",
                "2:2单元　单元长：未设",
                "3:8栋2单元301　户主：张三",
                "1.张三",
                "2.李四",
                "3:8栋2单元302　户主：王五",
                "3.王五",
                "1:9栋　楼栋长：未设",
                "2:1单元　单元长：未设",
                "3:9栋1单元101　户主：未登记",
                "4.赵六",
            ]
        );
        assert_eq!(sheet.title, "浏河社区 居民花名册");
        assert!(sheet.subtitle.contains("共 3 户 4 人"));
        let Row::Data(cells) = &sheet.rows[4] else { unreachable!() };
        assert_eq!(cells[5], "430105********002X");
        assert_eq!(cells[8], "高龄、独居");
    }

    #[test]
    fn unmasked_keeps_numbers_whole() {
        let roster = Roster {
            community_name: String::new(),
            grid: Some("第一网格".into()),
            today: NaiveDate::from_ymd_opt(2026, 11, 28).unwrap(),
            households: vec![household((1, "8栋"), (1, "2单元"), "301", &[("张三", "户主")])],
        };
        let sheet = sheet(&roster, &options(true));
        assert_eq!(sheet.title, "居民花名册");
        assert!(sheet.subtitle.starts_with("第一网格") && sheet.subtitle.contains("妥善保管"));
        assert_eq!(sheet.rows[0], Row::Group { level: 0, text: "第一网格　网格长：周丽华 13800001111".into() });
        let Row::Data(cells) = &sheet.rows[4] else { unreachable!() };
        assert_eq!(cells[5], "43010519491231002X");
    }
}
