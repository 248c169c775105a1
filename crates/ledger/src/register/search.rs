//! Search as you type over current residents: name, 拼音 (full or initials), phone digits and
//! the tail of an ID number.
//!
//! SQLite's LIKE cannot match 拼音 initials or ID tails through an index, and a table scan per
//! keystroke is too slow at 50,000 residents; so the core keeps a compact in-memory index,
//! rebuilt lazily after this connection writes or when another connection's commit moves
//! `PRAGMA data_version`.

use crate::error::Result;
use crate::ledger::{Ledger, CURRENT};
use crate::register::households::format_address;
use crate::register::model::age_from;
use crate::values::idcard::mask_id_number;
use crate::values::phone::mask_phone;
use crate::values::text::to_half_width;
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

/// Display data of one resident, touched only for the hits returned.
struct Entry {
    id: i64,
    household_id: i64,
    name: String,
    pinyin: String,
    phone: Option<String>,
    id_number: Option<String>,
    address: String,
    sex: Option<String>,
    birth_date: Option<String>,
    relation: String,
}

/// One searchable key per entry, laid out as "\nkey0\nkey1\n…" in one buffer, so a query is
/// a few SIMD substring scans over contiguous memory instead of 50,000 pointer chases.
#[derive(Default)]
struct KeyColumn {
    text: String,
    /// Byte offset where entry i's key starts.
    starts: Vec<usize>,
}

impl KeyColumn {
    fn push(&mut self, key: &str) {
        if self.text.is_empty() {
            self.text.push('\n');
        }
        self.starts.push(self.text.len());
        // A newline inside a key would split it in two.
        self.text.extend(key.chars().map(|c| if c == '\n' { ' ' } else { c }));
        self.text.push('\n');
    }

    fn entry_at(&self, offset: usize) -> usize {
        self.starts.partition_point(|&start| start <= offset) - 1
    }

    /// Entries whose key contains `needle` (which may include the '\n' delimiters, so
    /// "\nq" means "starts with q", "q\n" "ends with q" and "\nq\n" "equals q").
    fn find(&self, needle: &str, rank: u8, ranks: &mut [u8]) {
        let anchored_start = needle.starts_with('\n');
        for offset in memchr::memmem::find_iter(self.text.as_bytes(), needle.as_bytes()) {
            let entry = self.entry_at(offset + usize::from(anchored_start));
            if ranks[entry] > rank {
                ranks[entry] = rank;
            }
        }
    }
}

pub(crate) struct SearchIndex {
    entries: Vec<Entry>,
    names: KeyColumn,
    names_lower: KeyColumn,
    pinyin: KeyColumn,
    initials: KeyColumn,
    /// Digits only, so "1381234" finds 138-1234-5678 and landlines alike.
    phones: KeyColumn,
    id_numbers: KeyColumn,
    data_version: i64,
}

const NO_MATCH: u8 = u8::MAX;

impl SearchIndex {
    /// `rows` pairs each entry with its stored 拼音 initials.
    fn new(rows: Vec<(Entry, String)>, data_version: i64) -> SearchIndex {
        let mut index = SearchIndex {
            names: KeyColumn::default(),
            names_lower: KeyColumn::default(),
            pinyin: KeyColumn::default(),
            initials: KeyColumn::default(),
            phones: KeyColumn::default(),
            id_numbers: KeyColumn::default(),
            entries: Vec::new(),
            data_version,
        };
        let mut entries = Vec::with_capacity(rows.len());
        for (entry, initials) in rows {
            // The query drops whitespace (王 五, Robert Smith typed either way), so the name keys do too.
            let name: String = entry.name.chars().filter(|c| !c.is_whitespace()).collect();
            index.names.push(&name);
            index.names_lower.push(&name.to_lowercase());
            index.pinyin.push(&entry.pinyin);
            index.initials.push(&initials);
            let digits: String =
                entry.phone.as_deref().unwrap_or_default().chars().filter(char::is_ascii_digit).collect();
            index.phones.push(&digits);
            index.id_numbers.push(entry.id_number.as_deref().unwrap_or_default());
            entries.push(entry);
        }
        index.entries = entries;
        index
    }

    /// The best rank (0 = exact, 1 = prefix, 2 = contained) of every entry for `query`.
    fn rank(&self, query: &Query) -> Vec<u8> {
        let mut ranks = vec![NO_MATCH; self.entries.len()];
        match query {
            Query::Digits(q) => {
                if q.len() >= 4 {
                    self.id_numbers.find(&format!("{q}\n"), 0, &mut ranks);
                }
                if !q.ends_with('X') {
                    self.phones.find(&format!("\n{q}\n"), 0, &mut ranks);
                    if q.len() >= 3 {
                        self.phones.find(q, 1, &mut ranks);
                    }
                }
            }
            Query::Latin(q) => {
                self.initials.find(&format!("\n{q}\n"), 0, &mut ranks);
                self.pinyin.find(&format!("\n{q}\n"), 0, &mut ranks);
                self.initials.find(&format!("\n{q}"), 1, &mut ranks);
                self.pinyin.find(&format!("\n{q}"), 1, &mut ranks);
                self.names_lower.find(q, 2, &mut ranks);
            }
            Query::Text(q) => {
                self.names.find(&format!("\n{q}\n"), 0, &mut ranks);
                self.names.find(&format!("\n{q}"), 1, &mut ranks);
                self.names.find(q, 2, &mut ranks);
            }
        }
        ranks
    }
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
        let ranks = index.rank(&query);
        let mut ranked: Vec<(u8, &Entry)> =
            ranks.iter().zip(&index.entries).filter(|(rank, _)| **rank != NO_MATCH).map(|(r, e)| (*r, e)).collect();
        let order = |a: &(u8, &Entry), b: &(u8, &Entry)| {
            a.0.cmp(&b.0).then_with(|| a.1.pinyin.cmp(&b.1.pinyin)).then(a.1.id.cmp(&b.1.id))
        };
        if ranked.len() > MAX_HITS {
            ranked.select_nth_unstable_by(MAX_HITS, order);
            ranked.truncate(MAX_HITS);
        }
        ranked.sort_unstable_by(order);
        Ok(ranked.into_iter().map(|(_, e)| e.hit(today)).collect())
    }

    fn fresh_search_index(&mut self) -> Result<&SearchIndex> {
        let version: i64 = self.conn.pragma_query_value(None, "data_version", |r| r.get(0))?;
        match self.derived.get::<SearchIndex>() {
            Some(index) if index.data_version == version => Ok(self.derived.get().expect("just looked")),
            _ => {
                let index = SearchIndex::new(self.load_entries()?, version);
                Ok(self.derived.put(index))
            }
        }
    }

    fn load_entries(&self) -> Result<Vec<(Entry, String)>> {
        let mut stmt = self.conn.prepare(&format!(
            "SELECT r.id, r.household_id, r.name, r.name_pinyin, r.phone, r.id_number, r.name_initials,
                    b.name, u.name, h.room, r.sex, r.birth_date, r.relation
             FROM residents r JOIN households h ON h.id = r.household_id
             JOIN units u ON u.id = h.unit_id JOIN buildings b ON b.id = u.building_id
             WHERE {CURRENT}"
        ))?;
        let entries = stmt.query_map([], |r| {
            let entry = Entry {
                id: r.get(0)?,
                household_id: r.get(1)?,
                name: r.get(2)?,
                pinyin: r.get(3)?,
                phone: r.get(4)?,
                id_number: r.get(5)?,
                address: format_address(&r.get::<_, String>(7)?, &r.get::<_, String>(8)?, &r.get::<_, String>(9)?),
                sex: r.get(10)?,
                birth_date: r.get(11)?,
                relation: r.get(12)?,
            };
            Ok((entry, r.get(6)?))
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
