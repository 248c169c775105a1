//! The word lists a form offers (sexes, relations, political statuses, care kinds, lines,
//! service kinds, statuses …), from the one place each is defined in the core, so the app never
//! keeps a copy of its own (the `vocabularies` command).

use crate::register::model::{CARE_KINDS, DISABILITY_CATEGORIES, POLITICAL_STATUSES, RELATIONS};
use crate::values::idcard::Sex;
use serde::Serialize;

#[derive(Debug, Clone, Serialize)]
pub struct Vocabularies {
    pub sexes: [&'static str; 2],
    pub relations: &'static [&'static str],
    pub political_statuses: &'static [&'static str],
    pub care_kinds: &'static [&'static str],
    pub disability_categories: &'static [&'static str],
    pub disability_grades: [u8; 4],
    pub volunteer_lines: [&'static str; 3],
    pub organisation_kinds: [&'static str; 3],
    pub service_kinds: [&'static str; 5],
    pub service_statuses: [&'static str; 3],
    pub hours_statuses: [&'static str; 3],
}

pub fn vocabularies() -> Vocabularies {
    Vocabularies {
        sexes: [Sex::Male.label(), Sex::Female.label()],
        relations: RELATIONS,
        political_statuses: POLITICAL_STATUSES,
        care_kinds: CARE_KINDS,
        disability_categories: DISABILITY_CATEGORIES,
        disability_grades: [1, 2, 3, 4],
        volunteer_lines: crate::volunteers::VOLUNTEER_LINES,
        organisation_kinds: crate::volunteers::ORGANISATION_KINDS,
        service_kinds: crate::services::SERVICE_KINDS,
        service_statuses: [crate::services::OPEN, crate::services::DONE, crate::services::CANCELLED],
        hours_statuses: crate::hours::STATUSES,
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn every_list_is_offered_and_none_is_empty() {
        let json = serde_json::to_value(super::vocabularies()).unwrap();
        for (name, list) in json.as_object().unwrap() {
            assert!(!list.as_array().unwrap().is_empty(), "{name} is empty");
        }
        assert_eq!(json["sexes"], serde_json::json!(["男", "女"]));
        assert_eq!(json["hours_statuses"], serde_json::json!(["待审核", "已确认", "已驳回"]));
    }
}
