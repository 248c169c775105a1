//! Volunteers (residents or members of partner organisations) and the organisations.
//!
//! A volunteer is printed by number (community prefix + sequence) instead of an ID number.
//! Residents ticked 志愿者 in the resident form or an import get their record in the same
//! transaction (see `residents.rs`), so `residents.is_volunteer` and this table never disagree.

mod numbers;
mod organisations;
mod records;
mod resident_link;

pub use numbers::default_prefix;
pub(crate) use records::{volunteer_row, Conditions};
pub use resident_link::default_line;
pub(crate) use resident_link::{end_for_leaving, link_resident, Leaving};

use crate::error::{Error, FieldError, Result};
use crate::hours::HourEntryRow;
use crate::services::ServiceRow;
use crate::values::dates::parse_date;
use crate::values::limits::{self, Kind};
use crate::values::phone::Phone;
use crate::values::text::non_blank;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// The three lines of the party committee's volunteers (activities also know 其他).
pub const VOLUNTEER_LINES: [&str; 3] = ["红引擎·在职党员", "银力量·离退休党员", "青动力·两新组织"];
pub const RED_ENGINE: &str = VOLUNTEER_LINES[0];
pub const SILVER: &str = VOLUNTEER_LINES[1];
pub const YOUTH: &str = VOLUNTEER_LINES[2];
pub const ORGANISATION_KINDS: [&str; 3] = ["智慧益仓商户", "企业", "社会组织"];
/// What organisations usually offer; free labels are accepted too.
pub const OFFER_SUGGESTIONS: [&str; 8] =
    ["家电维修", "水电维修", "理发", "助餐送餐", "代购代办", "保洁", "义诊", "法律咨询"];
/// Party members this old are 银力量 by default.
pub const SILVER_AGE: u32 = 60;

/// A volunteer as typed into the form: a resident (`resident_id`), or a member of an
/// organisation who is not a resident (`name` + `organisation_id`).
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct VolunteerInput {
    pub id: Option<i64>,
    pub resident_id: Option<i64>,
    pub organisation_id: Option<i64>,
    /// Only for non-residents; a resident's name comes from the register.
    pub name: String,
    /// Optional; for a resident, blank means the phone in the register.
    pub phone: String,
    /// Blank chooses the default line (from the resident's political status and age).
    pub line: String,
    pub skills: String,
    /// Blank means today.
    pub joined_on: String,
}

/// A volunteer whose fields passed validation (line still `None` when it is to be derived).
#[derive(Debug, Clone, PartialEq)]
pub struct ValidVolunteer {
    pub resident_id: Option<i64>,
    pub organisation_id: Option<i64>,
    pub name: Option<String>,
    pub phone: Option<Phone>,
    pub line: Option<String>,
    pub skills: String,
    pub joined_on: NaiveDate,
}

impl VolunteerInput {
    pub fn validate(&self, today: NaiveDate) -> Result<ValidVolunteer> {
        let mut errors = Vec::new();
        let name = non_blank(Some(&self.name));
        if self.resident_id.is_none() {
            if name.is_none() {
                errors.push(FieldError::new("name", "请填写志愿者姓名，或从居民中选择"));
            }
            limits::check("name", "志愿者姓名", name.as_deref().unwrap_or_default(), Kind::Name, &mut errors);
            if self.organisation_id.is_none() {
                errors.push(FieldError::new(
                    "organisation_id",
                    "不是本社区居民的志愿者须选择所属组织（两新组织成员），居民请从居民中选择",
                ));
            }
        }
        let phone = match non_blank(Some(&self.phone)) {
            Some(text) => Phone::parse(&text).map_err(|e| errors.push(FieldError::new("phone", e.to_string()))).ok(),
            None => None,
        };
        limits::check("skills", "技能特长", self.skills.trim(), Kind::Text, &mut errors);
        let line = non_blank(Some(&self.line));
        if let Some(line) = line.as_deref().filter(|l| !VOLUNTEER_LINES.contains(l)) {
            errors.push(FieldError::new("line", format!("条线“{line}”应为 {}", VOLUNTEER_LINES.join("、"))));
        }
        let joined_on = match non_blank(Some(&self.joined_on)) {
            None => Some(today),
            Some(text) => match parse_date(&text) {
                Some(d) if d > today => {
                    errors.push(FieldError::new("joined_on", format!("加入日期 {d} 晚于今天 {today}")));
                    None
                }
                Some(d) => Some(d),
                None => {
                    errors.push(FieldError::new(
                        "joined_on",
                        format!("加入日期“{text}”不是有效日期，请写成 2026-12-01 的样式"),
                    ));
                    None
                }
            },
        };
        if !errors.is_empty() {
            return Err(Error::Invalid(errors));
        }
        Ok(ValidVolunteer {
            resident_id: self.resident_id,
            organisation_id: self.organisation_id,
            name: if self.resident_id.is_some() { None } else { name },
            phone,
            line,
            skills: self.skills.trim().to_string(),
            joined_on: joined_on.expect("checked"),
        })
    }
}

#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct VolunteerFilter {
    /// Matches name, number, skills or the organisation's name.
    pub query: String,
    pub line: Option<String>,
    pub organisation_id: Option<i64>,
    /// Also list volunteers who have left.
    pub include_left: bool,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct VolunteerRow {
    pub id: i64,
    pub number: String,
    pub name: String,
    pub resident_id: Option<i64>,
    pub household_id: Option<i64>,
    pub address: Option<String>,
    pub organisation_id: Option<i64>,
    pub organisation: Option<String>,
    pub line: String,
    pub phone_masked: Option<String>,
    pub skills: String,
    pub joined_on: String,
    pub left_on: Option<String>,
    /// Confirmed hours, all time.
    pub confirmed_minutes: i64,
    pub pending_minutes: i64,
    /// `confirmed_minutes` written like "5 小时 15 分".
    pub confirmed_text: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct VolunteerDetail {
    pub volunteer: VolunteerRow,
    /// The phone for the edit form (only stored for non-residents or an override): full for an
    /// administrator, masked for staff.
    pub phone: Option<String>,
    /// Every entry of this volunteer, newest first.
    pub entries: Vec<HourEntryRow>,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct OrganisationRef {
    pub id: i64,
    pub name: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct VolunteerOptions {
    pub lines: [&'static str; 3],
    pub organisation_kinds: [&'static str; 3],
    pub offer_suggestions: [&'static str; 8],
    pub service_kinds: [&'static str; 5],
    pub statuses: [&'static str; 3],
    pub organisations: Vec<OrganisationRef>,
}

/// An organisation as typed into the form.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct OrganisationInput {
    pub id: Option<i64>,
    pub name: String,
    pub kind: String,
    pub contact_person: String,
    pub phone: String,
    pub address: String,
    /// What it offers (家电维修, 理发, …); blanks and repeats are dropped.
    pub services: Vec<String>,
    pub notes: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ValidOrganisation {
    pub name: String,
    pub kind: String,
    pub contact_person: String,
    pub phone: Option<Phone>,
    pub address: String,
    pub services: Vec<String>,
    pub notes: String,
}

impl OrganisationInput {
    pub fn validate(&self) -> Result<ValidOrganisation> {
        let mut errors = Vec::new();
        let name = self.name.trim().to_string();
        if name.is_empty() {
            errors.push(FieldError::new("name", "请填写组织名称"));
        }
        limits::check("name", "组织名称", &name, Kind::Label, &mut errors);
        limits::check("contact_person", "联系人", self.contact_person.trim(), Kind::Name, &mut errors);
        limits::check("address", "地址", self.address.trim(), Kind::Label, &mut errors);
        limits::check("notes", "备注", self.notes.trim(), Kind::Text, &mut errors);
        for service in &self.services {
            limits::check("services", "提供的服务", service.trim(), Kind::Label, &mut errors);
        }
        let kind = self.kind.trim().to_string();
        if !ORGANISATION_KINDS.contains(&kind.as_str()) {
            errors.push(FieldError::new("kind", format!("组织类型“{kind}”应为 {}", ORGANISATION_KINDS.join("、"))));
        }
        let phone = match non_blank(Some(&self.phone)) {
            Some(text) => Phone::parse(&text).map_err(|e| errors.push(FieldError::new("phone", e.to_string()))).ok(),
            None => None,
        };
        let mut services: Vec<String> = Vec::new();
        for service in self.services.iter().filter_map(|s| non_blank(Some(s))) {
            if !services.contains(&service) {
                services.push(service);
            }
        }
        if !errors.is_empty() {
            return Err(Error::Invalid(errors));
        }
        Ok(ValidOrganisation {
            name,
            kind,
            contact_person: self.contact_person.trim().to_string(),
            phone,
            address: self.address.trim().to_string(),
            services,
            notes: self.notes.trim().to_string(),
        })
    }
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct OrganisationRow {
    pub id: i64,
    pub name: String,
    pub kind: String,
    pub contact_person: String,
    pub phone_masked: Option<String>,
    pub address: String,
    pub services: Vec<String>,
    /// Volunteers of this organisation who have not left.
    pub members: i64,
    pub notes: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct OrganisationDetail {
    pub organisation: OrganisationRow,
    /// The phone for the edit form: full for an administrator, masked for staff.
    pub phone: Option<String>,
    pub members: Vec<VolunteerRow>,
    pub services: Vec<ServiceRow>,
}

/// The settings page's volunteer section: the number prefix, the care-visit threshold, the
/// certificate issuer and who is recorded as entering changes.
#[derive(Debug, Clone, Serialize)]
pub struct VolunteerSettings {
    pub volunteer_prefix: String,
    pub care_visit_days: i64,
    pub issuer: crate::hours::CertificateIssuer,
    pub operator_name: String,
}

impl crate::Ledger {
    pub fn volunteer_settings(&self) -> Result<VolunteerSettings> {
        Ok(VolunteerSettings {
            volunteer_prefix: self.volunteer_prefix()?,
            care_visit_days: self.care_visit_days()?,
            issuer: self.certificate_issuer()?,
            operator_name: self.operator().to_string(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 28).unwrap()
    }

    #[test]
    fn a_member_who_is_not_a_resident_needs_a_name_and_an_organisation() {
        let err = VolunteerInput { line: "红引擎".into(), joined_on: "2026-12-01".into(), ..Default::default() }
            .validate(today())
            .unwrap_err();
        let fields: Vec<_> = err.fields().iter().map(|f| f.field).collect();
        assert_eq!(fields, ["name", "organisation_id", "line", "joined_on"]);
    }

    #[test]
    fn a_resident_keeps_no_name_of_its_own_and_joins_today_by_default() {
        let valid = VolunteerInput { resident_id: Some(3), name: "别名".into(), ..Default::default() }
            .validate(today())
            .unwrap();
        assert_eq!((valid.name, valid.joined_on, valid.line), (None, today(), None));
    }

    #[test]
    fn organisation_services_drop_blanks_and_repeats() {
        let valid = OrganisationInput {
            name: " 邻里益仓便利店 ".into(),
            kind: "智慧益仓商户".into(),
            services: vec!["理发".into(), " ".into(), "理发".into(), "家电维修".into()],
            ..Default::default()
        }
        .validate()
        .unwrap();
        assert_eq!(valid.name, "邻里益仓便利店");
        assert_eq!(valid.services, ["理发", "家电维修"]);
        let err = OrganisationInput { kind: "商户".into(), phone: "123".into(), ..Default::default() }
            .validate()
            .unwrap_err();
        let fields: Vec<_> = err.fields().iter().map(|f| f.field).collect();
        assert_eq!(fields, ["name", "kind", "phone"]);
    }
}
