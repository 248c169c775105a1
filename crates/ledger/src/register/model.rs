//! The register's vocabulary and its types: raw input as typed (`*Input`), validated values
//! (`Valid*`), and the read models the app and CLI show (`*Row`, `*Detail`, `*Summary`).

use crate::error::{Error, FieldError, Result};
use crate::values::dates::{age_on, parse_date};
use crate::values::idcard::{IdNumber, Sex};
use crate::values::limits::{self, Kind};
use crate::values::phone::Phone;
use crate::values::text::{non_blank, to_half_width};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

pub const HEAD_RELATION: &str = "户主";
pub const RELATIONS: &[&str] =
    &["户主", "配偶", "子", "女", "父亲", "母亲", "孙子", "孙女", "儿媳", "女婿", "兄弟姐妹", "其他"];
pub const POLITICAL_STATUSES: &[&str] =
    &["中共党员（在职）", "中共党员（离退休）", "中共预备党员", "共青团员", "民主党派", "群众"];
pub const DEFAULT_POLITICAL_STATUS: &str = "群众";
pub const CARE_KINDS: &[&str] = &["残疾", "低保", "特困", "独居", "孤寡", "空巢"];
/// Unrecognised care labels are stored under this kind with their words kept verbatim.
pub const OTHER_CARE_KIND: &str = "其他";
pub const DISABILITY_CATEGORIES: &[&str] = &["视力", "听力", "言语", "肢体", "智力", "精神", "多重"];
pub const GRADE_LABELS: [&str; 4] = ["一级", "二级", "三级", "四级"];
pub use crate::values::dates::AGED_YEARS;

pub fn is_party_member(status: &str) -> bool {
    status.starts_with("中共")
}

/// Maps the common ways registers write a relation onto the standard list; unknown words are
/// kept as typed (a label is never a reason to lose a person).
pub fn normalise_relation(raw: &str) -> String {
    let text = raw.trim();
    let mapped = match text {
        "本人" | "户主本人" => "户主",
        "妻" | "妻子" | "丈夫" | "夫" | "老伴" => "配偶",
        "儿子" | "长子" | "次子" => "子",
        "女儿" | "长女" | "次女" => "女",
        "父" => "父亲",
        "母" => "母亲",
        "孙" => "孙子",
        "媳" | "媳妇" => "儿媳",
        "兄" | "弟" | "姐" | "妹" | "兄弟" | "姐妹" => "兄弟姐妹",
        other => other,
    };
    mapped.to_string()
}

/// A care need, as shown and as typed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct CareNeed {
    pub kind: String,
    #[serde(default)]
    pub label: Option<String>,
    #[serde(default)]
    pub disability_category: Option<String>,
    #[serde(default)]
    pub disability_grade: Option<u8>,
}

impl CareNeed {
    /// "残疾（肢体二级）", "低保", or the verbatim label of an unrecognised need.
    pub fn display(&self) -> String {
        if self.kind == OTHER_CARE_KIND {
            return self.label.clone().unwrap_or_else(|| OTHER_CARE_KIND.into());
        }
        let grade = self.disability_grade.and_then(|g| GRADE_LABELS.get(usize::from(g).wrapping_sub(1)));
        match (self.disability_category.as_deref(), grade) {
            (None, None) => self.kind.clone(),
            (cat, grade) => format!("{}（{}{}）", self.kind, cat.unwrap_or(""), grade.unwrap_or(&"")),
        }
    }
}

/// A resident as typed into the form (or read from an import row), not yet trusted.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct ResidentInput {
    pub id: Option<i64>,
    pub household_id: i64,
    pub name: String,
    pub sex: Option<String>,
    pub id_number: Option<String>,
    pub birth_date: Option<String>,
    pub phone: Option<String>,
    pub relation: String,
    pub political_status: Option<String>,
    pub care_needs: Vec<CareNeed>,
    pub is_volunteer: bool,
    pub notes: Option<String>,
}

/// A resident whose every field passed validation and is normalised.
#[derive(Debug, Clone, PartialEq)]
pub struct ValidResident {
    pub name: String,
    pub sex: Option<Sex>,
    pub id_number: Option<IdNumber>,
    pub birth_date: Option<NaiveDate>,
    pub phone: Option<Phone>,
    pub relation: String,
    pub political_status: String,
    pub care_needs: Vec<CareNeed>,
    pub is_volunteer: bool,
    pub notes: String,
}

impl ResidentInput {
    /// Checks every field and reports all problems at once, each naming its field and value.
    pub fn validate(&self, today: NaiveDate) -> Result<ValidResident> {
        let mut errors = Vec::new();
        let name = self.name.trim().to_string();
        if name.is_empty() {
            errors.push(FieldError::new("name", "请填写姓名"));
        }
        limits::check("name", "姓名", &name, Kind::Name, &mut errors);
        limits::check("notes", "备注", self.notes.as_deref().unwrap_or_default(), Kind::Text, &mut errors);
        let typed_sex = match non_blank(self.sex.as_deref()) {
            None => None,
            Some(text) => match Sex::from_label(&text) {
                Some(sex) => Some(sex),
                None => {
                    errors.push(FieldError::new("sex", format!("性别“{text}”无法识别，请填写 男 或 女")));
                    None
                }
            },
        };
        let typed_birth = match non_blank(self.birth_date.as_deref()) {
            None => None,
            Some(text) => match parse_date(&text) {
                Some(date) if date > today => {
                    errors.push(FieldError::new("birth_date", format!("出生日期 {text} 晚于今天")));
                    None
                }
                Some(date) => Some(date),
                None => {
                    errors.push(FieldError::new(
                        "birth_date",
                        format!("出生日期“{text}”不是有效日期，请写成 1949-12-31 的样式"),
                    ));
                    None
                }
            },
        };
        let id_number = match non_blank(self.id_number.as_deref()) {
            None => None,
            Some(text) => match IdNumber::parse(&text, today) {
                Ok(id) => Some(id),
                Err(e) => {
                    errors.push(FieldError::new("id_number", e.to_string()));
                    None
                }
            },
        };
        let (mut sex, mut birth_date) = (typed_sex, typed_birth);
        if let Some(id) = &id_number {
            if let Some(typed) = typed_birth.filter(|b| *b != id.birth_date()) {
                errors.push(FieldError::new(
                    "birth_date",
                    format!("出生日期 {typed} 与身份证号中的 {} 不一致", id.birth_date()),
                ));
            }
            if let Some(typed) = typed_sex.filter(|s| *s != id.sex()) {
                errors.push(FieldError::new(
                    "sex",
                    format!("性别“{}”与身份证号显示的“{}”不一致", typed.label(), id.sex().label()),
                ));
            }
            sex = Some(id.sex());
            birth_date = Some(id.birth_date());
        }
        let phone = match non_blank(self.phone.as_deref()) {
            None => None,
            Some(text) => match Phone::parse(&text) {
                Ok(p) => Some(p),
                Err(e) => {
                    errors.push(FieldError::new("phone", e.to_string()));
                    None
                }
            },
        };
        let relation = normalise_relation(&self.relation);
        if relation.is_empty() {
            errors.push(FieldError::new("relation", "请选择与户主关系"));
        }
        limits::check("relation", "与户主关系", &relation, Kind::Label, &mut errors);
        let political_status =
            non_blank(self.political_status.as_deref()).unwrap_or_else(|| DEFAULT_POLITICAL_STATUS.to_string());
        limits::check("political_status", "政治面貌", &political_status, Kind::Label, &mut errors);
        let care_needs = validate_care_needs(&self.care_needs, &mut errors);
        if !errors.is_empty() {
            return Err(Error::Invalid(errors));
        }
        Ok(ValidResident {
            name,
            sex,
            id_number,
            birth_date,
            phone,
            relation,
            political_status,
            care_needs,
            is_volunteer: self.is_volunteer,
            notes: self.notes.clone().unwrap_or_default(),
        })
    }
}

fn validate_care_needs(needs: &[CareNeed], errors: &mut Vec<FieldError>) -> Vec<CareNeed> {
    let mut valid: Vec<CareNeed> = Vec::new();
    for need in needs {
        let kind = need.kind.trim();
        let mut clean = CareNeed { kind: kind.to_string(), ..CareNeed::default() };
        if kind == OTHER_CARE_KIND || !CARE_KINDS.contains(&kind) {
            clean.kind = OTHER_CARE_KIND.into();
            clean.label = non_blank(need.label.as_deref()).or_else(|| non_blank(Some(kind)));
            limits::check("care_needs", "特殊人群", clean.label.as_deref().unwrap_or_default(), Kind::Label, errors);
        }
        if kind == "残疾" {
            if let Some(category) = non_blank(need.disability_category.as_deref()) {
                if DISABILITY_CATEGORIES.contains(&category.as_str()) {
                    clean.disability_category = Some(category);
                } else {
                    errors.push(FieldError::new(
                        "care_needs",
                        format!("残疾类别“{category}”不在 {} 之中", DISABILITY_CATEGORIES.join("、")),
                    ));
                }
            }
            match need.disability_grade {
                Some(g @ 1..=4) => clean.disability_grade = Some(g),
                Some(g) => errors.push(FieldError::new("care_needs", format!("残疾等级 {g} 无效，应为一级至四级"))),
                None => {}
            }
        }
        if !valid.iter().any(|v| v.kind == clean.kind && v.label == clean.label) {
            valid.push(clean);
        }
    }
    valid
}

/// A 网格长/楼栋长/单元长: a resident of the register, or a staff member named in free text.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct HeadInput {
    pub head_resident_id: Option<i64>,
    pub head_name: Option<String>,
    pub head_phone: Option<String>,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Head {
    pub resident_id: Option<i64>,
    pub name: String,
    pub phone_masked: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct GridInput {
    pub id: Option<i64>,
    pub name: String,
    #[serde(flatten)]
    pub head: HeadInput,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct BuildingInput {
    pub id: Option<i64>,
    pub grid_id: i64,
    pub name: String,
    #[serde(flatten)]
    pub head: HeadInput,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct UnitInput {
    pub id: Option<i64>,
    pub building_id: i64,
    pub name: String,
    #[serde(flatten)]
    pub head: HeadInput,
}

#[derive(Debug, Clone, Serialize)]
pub struct Hierarchy {
    pub community_name: String,
    pub grids: Vec<GridNode>,
}

#[derive(Debug, Clone, Serialize)]
pub struct GridNode {
    pub id: i64,
    pub name: String,
    pub head: Option<Head>,
    pub buildings: Vec<BuildingNode>,
}

#[derive(Debug, Clone, Serialize)]
pub struct BuildingNode {
    pub id: i64,
    pub grid_id: i64,
    pub name: String,
    pub head: Option<Head>,
    pub units: Vec<UnitNode>,
}

#[derive(Debug, Clone, Serialize)]
pub struct UnitNode {
    pub id: i64,
    pub building_id: i64,
    pub name: String,
    pub head: Option<Head>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct HouseholdInput {
    pub id: Option<i64>,
    pub unit_id: i64,
    pub room: String,
    pub phone: Option<String>,
    pub notes: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct HouseholdFilter {
    pub grid_id: Option<i64>,
    pub building_id: Option<i64>,
    pub care: Option<String>,
    pub aged_80_plus: bool,
    pub party_member: bool,
    pub include_moved_out: bool,
    pub offset: u32,
    pub limit: Option<u32>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Page<T> {
    pub total: u64,
    pub rows: Vec<T>,
}

#[derive(Debug, Clone, Serialize)]
pub struct HouseholdRow {
    pub id: i64,
    pub address: String,
    pub grid_name: String,
    pub head_name: Option<String>,
    pub member_count: u32,
    pub phone_masked: Option<String>,
    pub has_80_plus: bool,
    pub care_needs: Vec<String>,
    pub party_members: u32,
    pub moved_out_on: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Place {
    pub name: String,
    pub head: Option<Head>,
}

#[derive(Debug, Clone, Serialize)]
pub struct HouseholdDetail {
    pub id: i64,
    pub unit_id: i64,
    pub building_id: i64,
    pub grid_id: i64,
    pub address: String,
    pub room: String,
    pub phone: Option<String>,
    pub phone_masked: Option<String>,
    pub notes: String,
    pub moved_out_on: Option<String>,
    pub grid: Place,
    pub building: Place,
    pub unit: Place,
    pub members: Vec<ResidentSummary>,
}

#[derive(Debug, Clone, Serialize)]
pub struct ResidentSummary {
    pub id: i64,
    pub name: String,
    pub sex: Option<String>,
    pub age: Option<u32>,
    pub aged_80_plus: bool,
    pub relation: String,
    pub id_number_masked: Option<String>,
    pub phone_masked: Option<String>,
    pub political_status: String,
    pub care_needs: Vec<CareNeed>,
    pub is_volunteer: bool,
    pub moved_out_on: Option<String>,
    pub died_on: Option<String>,
}

/// A stored resident, for the edit form: full values for an administrator (and with logins
/// off), the ID number and phone masked for staff (`Ledger::sees_full_numbers`).
#[derive(Debug, Clone, Serialize)]
pub struct ResidentRecord {
    pub id: i64,
    pub household_id: i64,
    pub name: String,
    pub sex: Option<String>,
    pub id_number: Option<String>,
    pub birth_date: Option<String>,
    pub phone: Option<String>,
    pub relation: String,
    pub political_status: String,
    pub care_needs: Vec<CareNeed>,
    pub is_volunteer: bool,
    pub notes: String,
    pub moved_out_on: Option<String>,
    pub died_on: Option<String>,
}

/// The edit form sends back what it showed: for staff, a masked ID number or phone. When the
/// typed text is exactly the mask of the stored value, the stored value is kept (returned);
/// anything else is what was typed (a masked text that does not match is then refused by
/// `IdNumber::parse` / `Phone::parse` as "只显示了一部分").
pub(crate) fn stored_if_masked(typed: &str, stored: Option<&str>, mask: fn(&str) -> String) -> Option<String> {
    let stored = stored?;
    let typed: String = to_half_width(typed).chars().filter(|c| !c.is_whitespace()).collect();
    (typed.contains('*') && typed.eq_ignore_ascii_case(&mask(stored))).then(|| stored.to_string())
}

pub fn age_from(birth_date: Option<&str>, today: NaiveDate) -> Option<u32> {
    let birth = NaiveDate::parse_from_str(birth_date?, "%Y-%m-%d").ok()?;
    Some(age_on(birth, today))
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Stats {
    pub households: u64,
    pub residents: u64,
    pub aged_80_plus: u64,
    pub care_needs: u64,
    pub party_members: u64,
    pub volunteers: u64,
    pub grids: u64,
    pub buildings: u64,
    pub units: u64,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 28).unwrap()
    }

    fn input() -> ResidentInput {
        ResidentInput { name: "张三".into(), relation: "户主".into(), household_id: 1, ..Default::default() }
    }

    #[test]
    fn the_mask_of_the_stored_value_stands_for_it() {
        use crate::values::idcard::mask_id_number;
        use crate::values::phone::mask_phone;
        let id = Some("43010519491231123X");
        assert_eq!(stored_if_masked("430105********123X", id, mask_id_number).as_deref(), id);
        assert_eq!(stored_if_masked(" 430105********123x ", id, mask_id_number).as_deref(), id);
        assert_eq!(stored_if_masked("430105********1230", id, mask_id_number), None);
        assert_eq!(stored_if_masked("430105********123X", None, mask_id_number), None);
        let phone = Some("0731-84123456");
        assert_eq!(stored_if_masked("0731-****3456", phone, mask_phone).as_deref(), phone);
        assert_eq!(stored_if_masked("0731-84123456", phone, mask_phone), None, "a full value is typed, not a mask");
    }

    #[test]
    fn birth_date_and_sex_come_from_the_id_number() {
        let valid =
            ResidentInput { id_number: Some("11010519491231002x".into()), ..input() }.validate(today()).unwrap();
        assert_eq!(valid.birth_date, NaiveDate::from_ymd_opt(1949, 12, 31));
        assert_eq!(valid.sex, Some(Sex::Female));
    }

    #[test]
    fn a_typed_birth_date_that_disagrees_names_both_values() {
        let err = ResidentInput {
            id_number: Some("11010519491231002X".into()),
            birth_date: Some("1950-01-01".into()),
            sex: Some("男".into()),
            ..input()
        }
        .validate(today())
        .unwrap_err();
        let fields: Vec<_> = err.fields().iter().map(|f| f.field).collect();
        assert_eq!(fields, ["birth_date", "sex"]);
        assert!(err.fields()[0].message.contains("1950-01-01") && err.fields()[0].message.contains("1949-12-31"));
    }

    #[test]
    fn every_bad_field_is_reported_at_once() {
        let err =
            ResidentInput { name: " ".into(), id_number: Some("123".into()), phone: Some("12345".into()), ..input() }
                .validate(today())
                .unwrap_err();
        let fields: Vec<_> = err.fields().iter().map(|f| f.field).collect();
        assert_eq!(fields, ["name", "id_number", "phone"]);
    }

    #[test]
    fn unknown_care_labels_are_kept_verbatim() {
        let valid =
            ResidentInput { care_needs: vec![CareNeed { kind: "重病".into(), ..Default::default() }], ..input() }
                .validate(today())
                .unwrap();
        assert_eq!(valid.care_needs[0].kind, OTHER_CARE_KIND);
        assert_eq!(valid.care_needs[0].display(), "重病");
    }

    #[test]
    fn disability_display() {
        let need = CareNeed {
            kind: "残疾".into(),
            disability_category: Some("肢体".into()),
            disability_grade: Some(2),
            ..Default::default()
        };
        assert_eq!(need.display(), "残疾（肢体二级）");
    }

    #[test]
    fn relation_synonyms_map() {
        assert_eq!(normalise_relation("妻子"), "配偶");
        assert_eq!(normalise_relation("外甥"), "外甥");
    }
}
