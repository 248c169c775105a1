//! Search as you type over current residents: name, 拼音 (full or initials), phone digits and
//! the tail of an ID number.
//!
//! SQLite's LIKE cannot match 拼音 initials or ID tails through an index, and a table scan per
//! keystroke is too slow at 50,000 residents; so the core keeps a compact in-memory index,
//! rebuilt lazily after this connection writes or when another connection's commit moves
//! `PRAGMA data_version`.

use crate::error::Result;
use crate::households::format_address;
use crate::idcard::mask_id_number;
use crate::ledger::{Ledger, CURRENT};
use crate::model::age_from;
use crate::phone::mask_phone;
use crate::text::to_half_width;
use serde::Serialize;

pub const MAX_HITS: usize = 50;

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct SearchHit {
    pub id: i64,
    pub household_id: i64,
    pub name: String,
    pub address: String,
    pub sex: Option<String>,
    pub age: Option<u32>,
    pub relation: String,
    pub phone_masked: Option<String>,
    pub id_number_masked: Option<String>,
}

struct Entry {
    id: i64,
    household_id: i64,
    name: String,
    name_lower: String,
    pinyin: String,
    initials: String,
    /// Digits only, so "1381234" finds 138-1234-5678 and landlines alike.
    phone_digits: String,
    phone: Option<String>,
    id_number: Option<String>,
    address: String,
    sex: Option<String>,
    birth_date: Option<String>,
    relation: String,
}

pub(crate) struct SearchIndex {
    entries: Vec<Entry>,
    data_version: i64,
}

/// What the typed query looks like, which decides the fields it is matched against.
enum Query {
    Digits(String),
    Latin(String),
    Text(String),
}

fn classify(raw: &str) -> Option<Query> {
    let text: String = to_half_width(raw).chars().filter(|c| !c.is_whitespace()).collect();
    if text.is_empty() {
        return None;
    }
    let lower = text.to_lowercase();
    // Digits, or digits ending in the ID number's check character X.
    let body = lower.strip_suffix('x').unwrap_or(&lower);
    if !body.is_empty() && body.bytes().all(|b| b.is_ascii_digit()) {
        return Some(Query::Digits(lower.to_uppercase()));
    }
    if lower.bytes().all(|b| b.is_ascii_alphabetic()) {
        return Some(Query::Latin(lower));
    }
    Some(Query::Text(text))
}

impl Entry {
    /// Lower is better; None means no match.
    fn rank(&self, query: &Query) -> Option<u8> {
        match query {
            Query::Digits(q) => {
                let id_tail = q.len() >= 4 && self.id_number.as_deref().is_some_and(|id| id.ends_with(q.as_str()));
                let phone = q.len() >= 3 && !q.ends_with('X') && self.phone_digits.contains(q.as_str());
                if id_tail || self.phone_digits == *q {
                    Some(0)
                } else if phone {
                    Some(1)
                } else {
                    None
                }
            }
            Query::Latin(q) => {
                if self.initials == *q || self.pinyin == *q {
                    Some(0)
                } else if self.pinyin.starts_with(q.as_str()) || self.initials.starts_with(q.as_str()) {
                    Some(1)
                } else if self.name_lower.contains(q.as_str()) {
                    Some(2)
                } else {
                    None
                }
            }
            Query::Text(q) => {
                if self.name == *q {
                    Some(0)
                } else if self.name.starts_with(q.as_str()) {
                    Some(1)
                } else if self.name.contains(q.as_str()) {
                    Some(2)
                } else {
                    None
                }
            }
        }
    }

    fn hit(&self, today: chrono::NaiveDate) -> SearchHit {
        SearchHit {
            id: self.id,
            household_id: self.household_id,
            name: self.name.clone(),
            address: self.address.clone(),
            sex: self.sex.clone(),
            age: age_from(self.birth_date.as_deref(), today),
            relation: self.relation.clone(),
            phone_masked: self.phone.as_deref().map(mask_phone),
            id_number_masked: self.id_number.as_deref().map(mask_id_number),
        }
    }
}

impl Ledger {
    /// Up to 50 current residents matching what was typed, best matches first.
    pub fn search(&mut self, query: &str) -> Result<Vec<SearchHit>> {
        let Some(query) = classify(query) else {
            return Ok(vec![]);
        };
        let today = self.today();
        let index = self.fresh_search_index()?;
        let mut ranked: Vec<(u8, &Entry)> =
            index.entries.iter().filter_map(|e| e.rank(&query).map(|rank| (rank, e))).collect();
        ranked.sort_by(|a, b| a.0.cmp(&b.0).then_with(|| a.1.pinyin.cmp(&b.1.pinyin)).then(a.1.id.cmp(&b.1.id)));
        Ok(ranked.into_iter().take(MAX_HITS).map(|(_, e)| e.hit(today)).collect())
    }

    fn fresh_search_index(&mut self) -> Result<&SearchIndex> {
        let version: i64 = self.conn.pragma_query_value(None, "data_version", |r| r.get(0))?;
        if self.search_index.as_ref().is_none_or(|i| i.data_version != version) {
            self.search_index = Some(SearchIndex { entries: self.load_entries()?, data_version: version });
        }
        Ok(self.search_index.as_ref().expect("just built"))
    }

    fn load_entries(&self) -> Result<Vec<Entry>> {
        let mut stmt = self.conn.prepare(&format!(
            "SELECT r.id, r.household_id, r.name, r.name_pinyin, r.name_initials, r.phone, r.id_number,
                    b.name, u.name, h.room, r.sex, r.birth_date, r.relation
             FROM residents r JOIN households h ON h.id = r.household_id
             JOIN units u ON u.id = h.unit_id JOIN buildings b ON b.id = u.building_id
             WHERE {CURRENT}"
        ))?;
        let entries = stmt.query_map([], |r| {
            let name: String = r.get(2)?;
            let phone: Option<String> = r.get(5)?;
            Ok(Entry {
                id: r.get(0)?,
                household_id: r.get(1)?,
                name_lower: name.to_lowercase(),
                name,
                pinyin: r.get(3)?,
                initials: r.get(4)?,
                phone_digits: phone.as_deref().unwrap_or_default().chars().filter(char::is_ascii_digit).collect(),
                phone,
                id_number: r.get(6)?,
                address: format_address(&r.get::<_, String>(7)?, &r.get::<_, String>(8)?, &r.get::<_, String>(9)?),
                sex: r.get(10)?,
                birth_date: r.get(11)?,
                relation: r.get(12)?,
            })
        })?;
        Ok(entries.collect::<rusqlite::Result<_>>()?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn queries_are_classified_by_what_they_look_like() {
        assert!(matches!(classify("zs"), Some(Query::Latin(q)) if q == "zs"));
        assert!(matches!(classify("ZhangSan"), Some(Query::Latin(q)) if q == "zhangsan"));
        assert!(matches!(classify("123x"), Some(Query::Digits(q)) if q == "123X"));
        assert!(matches!(classify("１３８ 1234"), Some(Query::Digits(q)) if q == "1381234"));
        assert!(matches!(classify("张"), Some(Query::Text(_))));
        assert!(matches!(classify("曹𠇔"), Some(Query::Text(q)) if q == "曹𠇔"));
        assert!(classify("  ").is_none());
    }
}
