//! Recognising a register's columns by their header, whatever spelling the office uses, and
//! finding the header row below title rows and a "填报单位" line.

use crate::values::text::to_half_width;
use serde::{Deserialize, Serialize};
use xinghe_formats::table::{Row, Table};

/// What a column holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Field {
    Name,
    IdNumber,
    Sex,
    BirthDate,
    Phone,
    Grid,
    Building,
    Unit,
    Room,
    Address,
    Relation,
    HeadName,
    PoliticalStatus,
    CareNeeds,
    DisabilityCategory,
    DisabilityGrade,
    Volunteer,
    Notes,
    /// 序号: recognised so it is not reported as unknown, but carries nothing to import.
    RowNumber,
}

/// Header spellings seen in office registers, after normalisation (see `normalise_header`).
const SPELLINGS: &[(Field, &[&str])] = &[
    (Field::Name, &["姓名", "居民姓名", "成员姓名", "名字"]),
    (
        Field::IdNumber,
        &["身份证号", "身份证号码", "公民身份号码", "公民身份证号码", "证件号码", "证件号", "身份证", "身份证件号码"],
    ),
    (Field::Sex, &["性别"]),
    (Field::BirthDate, &["出生日期", "出生年月", "出生年月日", "生日"]),
    (Field::Phone, &["联系电话", "电话", "手机", "手机号码", "手机号", "联系方式", "电话号码"]),
    (Field::Grid, &["网格", "所属网格", "网格名称"]),
    (Field::Building, &["楼栋", "楼号", "栋", "栋号", "楼栋号"]),
    (Field::Unit, &["单元", "单元号"]),
    (Field::Room, &["房号", "门牌号", "室", "房间号", "房屋号"]),
    (Field::Address, &["地址", "住址", "家庭住址", "居住地址", "现住址"]),
    (Field::Relation, &["与户主关系", "关系", "户主关系"]),
    (Field::HeadName, &["户主", "户主姓名"]),
    (Field::PoliticalStatus, &["政治面貌"]),
    (Field::CareNeeds, &["特殊人群", "人员类别", "困难类型", "特殊人群类别", "关爱类别"]),
    (Field::DisabilityCategory, &["残疾类别", "残疾类型"]),
    (Field::DisabilityGrade, &["残疾等级"]),
    (Field::Volunteer, &["志愿者", "是否志愿者"]),
    (Field::Notes, &["备注", "说明"]),
    (Field::RowNumber, &["序号", "编号"]),
];

impl Field {
    /// The name used in messages and exports.
    pub fn label(self) -> &'static str {
        SPELLINGS.iter().find(|(f, _)| *f == self).map(|(_, names)| names[0]).unwrap_or("")
    }

    pub fn all() -> impl Iterator<Item = Field> {
        SPELLINGS.iter().map(|(f, _)| *f)
    }
}

/// Characters that take no space: zero-width spaces and joiners, direction marks, byte-order
/// marks (text pasted from a web page, two CSV files joined into one).
fn is_invisible(c: char) -> bool {
    matches!(c, '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2060}'..='\u{2064}' | '\u{FEFF}')
}

/// Drops spaces, invisible characters, full-width forms, a trailing colon and bracketed hints
/// such as "（18位）".
fn normalise_header(raw: &str) -> String {
    let text = to_half_width(raw);
    let mut out = String::new();
    let mut depth = 0;
    for c in text.chars() {
        match c {
            '(' | '（' | '[' | '【' => depth += 1,
            ')' | '）' | ']' | '】' => depth -= 1,
            c if depth > 0 || c.is_whitespace() || c == '*' || is_invisible(c) => {}
            c => out.push(c),
        }
    }
    out.trim_end_matches([':', '：']).to_string()
}

pub fn field_for_header(raw: &str) -> Option<Field> {
    let header = normalise_header(raw);
    SPELLINGS.iter().find(|(_, names)| names.contains(&header.as_str())).map(|(field, _)| *field)
}

/// The columns of one sheet: the header text of each and what it was mapped to.
#[derive(Debug, Clone, Serialize)]
pub struct ColumnMap {
    /// 1-based row number of the header, as Excel shows it.
    pub header_row: u32,
    pub columns: Vec<Column>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Column {
    pub index: usize,
    pub header: String,
    pub field: Option<Field>,
}

/// The user's correction of one column's meaning in the preview.
#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct ColumnOverride {
    pub index: usize,
    pub field: Option<Field>,
}

impl ColumnMap {
    pub fn column_of(&self, field: Field) -> Option<usize> {
        self.columns.iter().find(|c| c.field == Some(field)).map(|c| c.index)
    }

    /// The header text the file uses for a field, for messages that name the column.
    pub fn header_of(&self, field: Field) -> String {
        self.columns
            .iter()
            .find(|c| c.field == Some(field))
            .map(|c| c.header.clone())
            .unwrap_or_else(|| field.label().to_string())
    }

    pub fn unknown_headers(&self) -> Vec<String> {
        self.columns.iter().filter(|c| c.field.is_none() && !c.header.is_empty()).map(|c| c.header.clone()).collect()
    }

    /// Applies the user's corrections; a field keeps at most one column.
    pub fn apply(&mut self, overrides: &[ColumnOverride]) {
        for o in overrides {
            if let Some(field) = o.field {
                for c in self.columns.iter_mut().filter(|c| c.field == Some(field)) {
                    c.field = None;
                }
            }
            if let Some(column) = self.columns.iter_mut().find(|c| c.index == o.index) {
                column.field = o.field;
            }
        }
    }
}

fn map_row(row: &Row) -> ColumnMap {
    let mut seen = Vec::new();
    let columns = row
        .cells
        .iter()
        .enumerate()
        .map(|(index, cell)| {
            let header = cell.text();
            // The first column of a kind wins; a second 电话 column is reported as unknown.
            let field = field_for_header(&header).filter(|f| !seen.contains(f));
            seen.extend(field);
            Column { index, header, field }
        })
        .collect();
    ColumnMap { header_row: row.number, columns }
}

/// How many rows from the top may hold titles before the header.
const HEADER_SEARCH_ROWS: usize = 30;

/// The header is the first row, near the top, with a 姓名 column and the most recognised ones.
pub fn find_header(table: &Table) -> Option<(usize, ColumnMap)> {
    let mut best: Option<(usize, ColumnMap, usize)> = None;
    for (position, row) in table.rows.iter().enumerate().take(HEADER_SEARCH_ROWS) {
        let map = map_row(row);
        let recognised = map.columns.iter().filter(|c| c.field.is_some()).count();
        if map.column_of(Field::Name).is_some() && recognised >= 2 && best.as_ref().is_none_or(|b| recognised > b.2) {
            best = Some((position, map, recognised));
        }
    }
    best.map(|(position, map, _)| (position, map))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spellings_and_hints() {
        assert_eq!(field_for_header("公民身份号码"), Some(Field::IdNumber));
        assert_eq!(field_for_header(" 身份证号码（18位） "), Some(Field::IdNumber));
        assert_eq!(field_for_header("手机号码："), Some(Field::Phone));
        assert_eq!(field_for_header("*姓 名"), Some(Field::Name));
        assert_eq!(field_for_header("楼号"), Some(Field::Building));
        assert_eq!(field_for_header("门牌号"), Some(Field::Room));
        assert_eq!(field_for_header("人员类别"), Some(Field::CareNeeds));
        assert_eq!(field_for_header("兴趣爱好"), None);
    }
}
