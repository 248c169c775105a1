//! One sheet row → a resident and the address of their household. Strict on keys (ID numbers,
//! dates: a bad one rejects the row with the reason), lenient on labels (relation, political
//! status, care needs: mapped when recognised, otherwise kept verbatim with a warning).

use super::columns::{ColumnMap, Field};
use super::Issue;
use crate::register::model::{
    normalise_relation, CareNeed, ResidentInput, CARE_KINDS, DISABILITY_CATEGORIES, RELATIONS,
};
use crate::values::idcard::{IdNumber, IdNumberError};
use crate::values::limits;
use crate::values::text::to_half_width;
use chrono::NaiveDate;
use regex_lite::Regex;
use std::sync::LazyLock;
use xinghe_formats::table::{Cell, Row};

/// Where a household is: the names as the register writes them (8栋, 2单元, 301).
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct Address {
    pub grid: Option<String>,
    pub building: String,
    pub unit: String,
    pub room: String,
}

/// A row that passed the row-level checks; the resident is validated again when written.
#[derive(Debug, Clone)]
pub struct ParsedRow {
    pub row: u32,
    pub address: Address,
    pub resident: ResidentInput,
    /// The row said who the 户主 is by name (a 户主 column) rather than by relation.
    pub head_name: Option<String>,
    pub warnings: Vec<Issue>,
}

pub enum Outcome {
    Blank,
    Total,
    Parsed(Box<ParsedRow>),
    Rejected(Issue),
}

pub const ID_AS_NUMBER: &str = "身份证号被 Excel 存成了数字，后几位已丢失，请将该列设为文本后重新录入";

/// Reads one data row. `previous` is the address of the row above, for continuation rows that
/// leave the address blank under a household (common where merges were lost, e.g. CSV, .ods).
pub fn parse(row: &Row, map: &ColumnMap, previous: Option<&Address>, today: NaiveDate) -> (Outcome, Option<Address>) {
    let text = |field: Field| map.column_of(field).map(|c| row.cell(c).text()).filter(|t| !t.is_empty());
    let meaningful = map.columns.iter().filter(|c| c.field != Some(Field::RowNumber));
    if meaningful.clone().all(|c| row.cell(c.index).is_blank()) {
        return (Outcome::Blank, None);
    }
    // 合计/总计/小计 rows carry the label in the name column or leave it blank; a person
    // whose note says "小计3人同住" is still a person.
    let is_total_label = |t: &str| ["合计", "总计", "小计"].iter().any(|w| t.starts_with(w));
    let name_cell = text(Field::Name);
    if name_cell.as_deref().is_none_or(is_total_label) && row.cells.iter().any(|c| is_total_label(&c.text())) {
        return (Outcome::Total, None);
    }
    let issue = |field: Field, kind: &'static str, reason: String| Issue {
        row: row.number,
        column: map.header_of(field),
        kind,
        reason,
    };
    // A cell no field can hold refuses the row before anything reads or echoes it.
    let unusable = map.columns.iter().find_map(|c| c.field.and_then(|f| unusable_cell(f, row.cell(c.index))));
    if let Some((field, kind, reason)) = unusable {
        return (Outcome::Rejected(issue(field, kind, reason)), read_address(&text, previous).ok());
    }
    let address = match read_address(&text, previous) {
        Ok(address) => address,
        Err((field, reason)) => return (Outcome::Rejected(issue(field, "missing", reason)), None),
    };
    let Some(name) = text(Field::Name) else {
        return (Outcome::Rejected(issue(Field::Name, "missing", "缺少姓名".into())), Some(address));
    };
    let id_number = match map.column_of(Field::IdNumber).map(|c| row.cell(c)) {
        Some(cell) => match read_id_number(cell, today) {
            Ok(id) => id,
            Err((kind, reason)) => return (Outcome::Rejected(issue(Field::IdNumber, kind, reason)), Some(address)),
        },
        None => None,
    };
    let birth_date = match map.column_of(Field::BirthDate).map(|c| row.cell(c)) {
        Some(Cell::Date(d)) => Some(d.to_string()),
        // A date typed into an unformatted cell arrives as Excel's day number.
        Some(Cell::Number(serial)) if (1.0..2_958_466.0).contains(serial) => NaiveDate::from_ymd_opt(1899, 12, 30)
            .map(|epoch| (epoch + chrono::Duration::days(*serial as i64)).to_string()),
        Some(cell) => Some(cell.text()).filter(|t| !t.is_empty()),
        None => None,
    };
    let mut warnings = Vec::new();
    let mut warn = |field: Field, reason: String| warnings.push(issue(field, "warning", reason));
    let relation = match text(Field::Relation) {
        Some(raw) => {
            let mapped = normalise_relation(&raw);
            if !RELATIONS.contains(&mapped.as_str()) {
                warn(Field::Relation, format!("关系“{raw}”不在常用列表中，已按原文保存"));
            }
            mapped
        }
        None => String::new(),
    };
    let political_status = text(Field::PoliticalStatus).map(|raw| {
        let (mapped, known) = map_political_status(&raw);
        if !known {
            warn(Field::PoliticalStatus, format!("政治面貌“{raw}”无法识别，已按原文保存"));
        }
        mapped
    });
    let mut care_needs = Vec::new();
    if let Some(raw) = text(Field::CareNeeds) {
        for token in raw.split(['、', ',', '，', ';', '；', '/', ' ', '\n']).map(str::trim).filter(|t| !t.is_empty())
        {
            match map_care_label(token) {
                Some(Some(need)) => care_needs.push(need),
                Some(None) => {} // 高龄 is derived from the birth date, never stored.
                None => {
                    warn(Field::CareNeeds, format!("特殊人群“{token}”无法识别，已按原文保存"));
                    care_needs.push(CareNeed {
                        kind: "其他".into(),
                        label: Some(token.to_string()),
                        ..CareNeed::default()
                    });
                }
            }
        }
    }
    let category = text(Field::DisabilityCategory).map(|raw| raw.trim_end_matches("残疾").to_string());
    let grade = text(Field::DisabilityGrade).and_then(|raw| {
        let parsed = parse_grade(&raw);
        if parsed.is_none() {
            warn(Field::DisabilityGrade, format!("残疾等级“{raw}”无法识别，应为一级至四级"));
        }
        parsed
    });
    if category.is_some() || grade.is_some() {
        let category = category.filter(|c| {
            let known = DISABILITY_CATEGORIES.contains(&c.as_str());
            if !known {
                warnings.push(issue(
                    Field::DisabilityCategory,
                    "warning",
                    format!("残疾类别“{c}”无法识别，已记入备注"),
                ));
            }
            known
        });
        match care_needs.iter_mut().find(|n| n.kind == "残疾") {
            Some(need) => {
                need.disability_category = need.disability_category.take().or(category);
                need.disability_grade = need.disability_grade.or(grade);
            }
            None => care_needs.push(CareNeed {
                kind: "残疾".into(),
                disability_category: category,
                disability_grade: grade,
                ..CareNeed::default()
            }),
        }
    }
    let is_volunteer = text(Field::Volunteer)
        .is_some_and(|v| matches!(v.as_str(), "是" | "√" | "✓" | "✔" | "Y" | "y" | "1" | "志愿者"));
    let head_name = text(Field::HeadName);
    let resident = ResidentInput {
        id: None,
        household_id: 0,
        relation: if relation.is_empty() && head_name.as_deref() == Some(name.as_str()) {
            "户主".into()
        } else {
            relation
        },
        name,
        sex: text(Field::Sex),
        id_number,
        birth_date,
        phone: text(Field::Phone),
        political_status,
        care_needs,
        is_volunteer,
        notes: text(Field::Notes),
    };
    let parsed = ParsedRow { row: row.number, address: address.clone(), resident, head_name, warnings };
    (Outcome::Parsed(Box::new(parsed)), Some(address))
}

/// What kind of text a column holds, for its length limit and the characters it may contain.
fn text_kind(field: Field) -> limits::Kind {
    match field {
        Field::Name | Field::HeadName => limits::Kind::Name,
        // A care-needs cell lists several labels, one per line in some registers.
        Field::Notes | Field::CareNeeds => limits::Kind::Text,
        _ => limits::Kind::Label,
    }
}

/// A formula's error value (#REF!, #N/A …), characters the file's encoding lost (�), control
/// characters or more text than the field takes: (field, issue kind, reason).
fn unusable_cell(field: Field, cell: &Cell) -> Option<(Field, &'static str, String)> {
    match cell {
        Cell::Error(value) if field != Field::RowNumber => Some((
            field,
            "cell_error",
            format!("单元格是公式的错误值 {value}，请在 Excel 中改正公式或改填文字后再导入，本行未导入"),
        )),
        Cell::Text(text) if field != Field::RowNumber => limits::problem(field.label(), text.trim(), text_kind(field))
            .map(|reason| (field, "invalid", format!("{reason}，本行未导入"))),
        _ => None,
    }
}

/// The ID number cell: text is kept for the validator; a number has lost digits unless it
/// is a 15-digit legacy number, which Excel holds exactly.
fn read_id_number(cell: &Cell, today: NaiveDate) -> Result<Option<String>, (&'static str, String)> {
    let text = match cell {
        Cell::Empty => return Ok(None),
        Cell::Number(n) if n.fract() == 0.0 && (1e14..1e15).contains(n) => format!("{}", *n as i64),
        Cell::Number(_) => return Err(("id_as_number", ID_AS_NUMBER.into())),
        other => other.text(),
    };
    if text.is_empty() {
        return Ok(None);
    }
    // "4.30105E+17": the same loss, as text (a CSV saved from such a sheet).
    let half = to_half_width(&text);
    if half.contains(['E', 'e']) && half.trim().parse::<f64>().is_ok() {
        return Err(("id_as_number", ID_AS_NUMBER.into()));
    }
    match IdNumber::parse(&text, today) {
        Ok(id) => Ok(Some(id.as_str().to_string())),
        Err(e @ IdNumberError::CheckCharacter { .. }) => Err(("id_checksum", e.to_string())),
        Err(e) => Err(("id_invalid", e.to_string())),
    }
}

fn read_address(
    text: &impl Fn(Field) -> Option<String>,
    previous: Option<&Address>,
) -> Result<Address, (Field, String)> {
    let (mut building, mut unit, mut room) = (text(Field::Building), text(Field::Unit), text(Field::Room));
    if let Some(full) = text(Field::Address) {
        let split = split_address(&full);
        building = building.or(split.0);
        unit = unit.or(split.1);
        room = room.or(split.2);
    }
    let grid = text(Field::Grid);
    if building.is_none() && unit.is_none() && room.is_none() {
        // A member listed under the household's first row with the address left blank.
        return previous.cloned().ok_or((Field::Building, "缺少楼栋和房号，无法确定住户".into()));
    }
    let building = building.ok_or((Field::Building, "缺少楼栋，无法确定住户".into()))?;
    let room = room.ok_or((Field::Room, "缺少房号，无法确定住户".into()))?;
    Ok(Address {
        grid: grid
            .or_else(|| previous.filter(|p| p.building == normalise_building(&building)).and_then(|p| p.grid.clone())),
        building: normalise_building(&building),
        unit: normalise_unit(unit.as_deref().unwrap_or("1")),
        room: normalise_room(&room),
    })
}

fn leading_number(text: &str) -> Option<&str> {
    let end = text.find(|c: char| !c.is_ascii_digit()).unwrap_or(text.len());
    (end > 0).then(|| &text[..end])
}

fn chinese_digits(text: &str) -> String {
    let map = |c| match c {
        '一' => '1',
        '二' => '2',
        '三' => '3',
        '四' => '4',
        '五' => '5',
        '六' => '6',
        '七' => '7',
        '八' => '8',
        '九' => '9',
        c => c,
    };
    text.chars().map(map).collect()
}

/// "8", "8栋", "8幢", "8号楼" → "8栋"; other names (e.g. "A座") are kept.
pub fn normalise_building(raw: &str) -> String {
    let text = to_half_width(raw.trim());
    match leading_number(&text) {
        Some(n) if ["", "栋", "幢", "号楼", "号", "楼", "栋楼"].contains(&&text[n.len()..]) => format!("{n}栋"),
        _ => text,
    }
}

/// "2", "2单元", "二单元" → "2单元".
pub fn normalise_unit(raw: &str) -> String {
    let text = chinese_digits(&to_half_width(raw.trim()));
    match leading_number(&text) {
        Some(n) if ["", "单元", "单"].contains(&&text[n.len()..]) => format!("{n}单元"),
        _ => text,
    }
}

/// "301", "301室", "301号" → "301".
pub fn normalise_room(raw: &str) -> String {
    let text = to_half_width(raw.trim());
    text.trim_end_matches(['室', '号']).to_string()
}

/// Splits "8栋2单元301室", "浏河社区8栋2单元301", "8-2-301" into building, unit, room.
pub fn split_address(raw: &str) -> (Option<String>, Option<String>, Option<String>) {
    let text = to_half_width(raw.trim());
    let dashed: Vec<&str> = text.split('-').map(str::trim).collect();
    if dashed.len() == 3 && dashed.iter().all(|p| !p.is_empty() && p.chars().all(|c| c.is_ascii_digit())) {
        return (Some(dashed[0].into()), Some(dashed[1].into()), Some(dashed[2].into()));
    }
    static BUILDING: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"(\d+)\s*(?:栋|幢|号楼)").expect("valid"));
    static UNIT: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"(\d+|[一二三四五六七八九])\s*单元").expect("valid"));
    static ROOM: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"(\d+)\s*(?:室|号)?\s*$").expect("valid"));
    let (building_re, unit_re, room_re) = (&*BUILDING, &*UNIT, &*ROOM);
    let building = building_re.captures(&text).map(|c| c[1].to_string());
    let after_building = building_re.find(&text).map(|m| &text[m.end()..]).unwrap_or(&text);
    let unit = unit_re.captures(after_building).map(|c| c[1].to_string());
    let after_unit = unit_re.find(after_building).map(|m| &after_building[m.end()..]).unwrap_or(after_building);
    let room = building.as_ref().and_then(|_| room_re.captures(after_unit)).map(|c| c[1].to_string());
    (building, unit, room)
}

/// Known spellings of political status; anything else is kept verbatim (second value false).
fn map_political_status(raw: &str) -> (String, bool) {
    let text: String = to_half_width(raw).split_whitespace().collect();
    let text = text.replace(['(', ')'], "").replace(['（', '）'], "");
    let mapped = match text.as_str() {
        "中共党员在职" | "在职党员" => "中共党员（在职）",
        "中共党员离退休" | "离退休党员" | "退休党员" => "中共党员（离退休）",
        "中共党员" | "党员" => "中共党员",
        "中共预备党员" | "预备党员" => "中共预备党员",
        "共青团员" | "团员" => "共青团员",
        "群众" => "群众",
        "民主党派" | "民革" | "民盟" | "民建" | "民进" | "农工党" | "致公党" | "九三学社" | "台盟" => {
            return (raw.trim().to_string(), true)
        }
        _ => return (raw.trim().to_string(), false),
    };
    (mapped.to_string(), true)
}

fn parse_grade(raw: &str) -> Option<u8> {
    let text = chinese_digits(&to_half_width(raw.trim())).replace('级', "");
    let text = text.replace('壹', "1").replace('贰', "2").replace('叁', "3").replace('肆', "4");
    text.parse::<u8>().ok().filter(|g| (1..=4).contains(g))
}

/// A care label → `Some(Some(need))` when recognised, `Some(None)` for 高龄 (derived, not
/// stored), `None` when unknown.
fn map_care_label(token: &str) -> Option<Option<CareNeed>> {
    let need = |kind: &str| Some(Some(CareNeed { kind: kind.into(), ..CareNeed::default() }));
    let text = to_half_width(token);
    if text.starts_with("残疾") {
        // 残疾（肢体二级）, 残疾(视力一级), 残疾人
        let detail: String = text.chars().skip(2).filter(|c| !matches!(c, '(' | ')' | '（' | '）' | '人')).collect();
        let category = DISABILITY_CATEGORIES.iter().find(|c| detail.contains(*c)).map(|c| c.to_string());
        let grade =
            ["一", "二", "三", "四"].iter().position(|g| detail.contains(&format!("{g}级"))).map(|p| p as u8 + 1);
        return Some(Some(CareNeed {
            kind: "残疾".into(),
            disability_category: category,
            disability_grade: grade,
            ..CareNeed::default()
        }));
    }
    match text.as_str() {
        "高龄" | "高龄老人" => Some(None),
        "低保" | "低保户" | "城市低保" => need("低保"),
        "特困" | "特困供养" | "特困人员" | "五保" | "五保户" => need("特困"),
        "独居" | "独居老人" => need("独居"),
        "孤寡" | "孤寡老人" => need("孤寡"),
        "空巢" | "空巢老人" => need("空巢"),
        other if CARE_KINDS.contains(&other) => need(other),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_split() {
        let s = |a: &str| split_address(a);
        assert_eq!(s("8栋2单元301"), (Some("8".into()), Some("2".into()), Some("301".into())));
        assert_eq!(s("浏河社区 8栋 2单元 301室"), (Some("8".into()), Some("2".into()), Some("301".into())));
        assert_eq!(s("8-2-301"), (Some("8".into()), Some("2".into()), Some("301".into())));
        assert_eq!(s("12号楼301"), (Some("12".into()), None, Some("301".into())));
        assert_eq!(s("东风路"), (None, None, None));
    }

    #[test]
    fn place_names_normalise() {
        assert_eq!(normalise_building("8"), "8栋");
        assert_eq!(normalise_building("８号楼"), "8栋");
        assert_eq!(normalise_building("A座"), "A座");
        assert_eq!(normalise_unit("二单元"), "2单元");
        assert_eq!(normalise_room("301室"), "301");
    }

    #[test]
    fn care_labels_map_or_stay_verbatim() {
        let need = map_care_label("残疾（肢体二级）").unwrap().unwrap();
        assert_eq!((need.disability_category.as_deref(), need.disability_grade), (Some("肢体"), Some(2)));
        assert_eq!(map_care_label("独居老人").unwrap().unwrap().kind, "独居");
        assert!(map_care_label("高龄").unwrap().is_none());
        assert!(map_care_label("重病").is_none());
    }

    #[test]
    fn id_numbers_stored_as_numbers_are_refused_without_guessing() {
        let today = NaiveDate::from_ymd_opt(2026, 11, 28).unwrap();
        let err = read_id_number(&Cell::Number(4.301052009110225e17), today).unwrap_err();
        assert_eq!(err.0, "id_as_number");
        assert_eq!(read_id_number(&Cell::Text("4.30105E+17".into()), today).unwrap_err().0, "id_as_number");
        // 15 digits fit in a double exactly: a legacy number is converted, not refused.
        assert_eq!(
            read_id_number(&Cell::Number(110105491231002.0), today).unwrap().as_deref(),
            Some("11010519491231002X")
        );
        assert_eq!(read_id_number(&Cell::Text("110105194912310021".into()), today).unwrap_err().0, "id_checksum");
    }

    #[test]
    fn political_status_spellings() {
        assert_eq!(map_political_status("党员"), ("中共党员".into(), true));
        assert_eq!(map_political_status("中共党员(离退休)"), ("中共党员（离退休）".into(), true));
        assert_eq!(map_political_status("积极分子"), ("积极分子".into(), false));
    }
}
