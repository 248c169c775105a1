//! Volunteer numbers: the community prefix (拼音 initials of its name, e.g. 浏河社区 → LH, or
//! the `volunteer_prefix` setting) and a five-digit sequence, "LH-00001".

use crate::error::{Error, Result};
use crate::ledger::Ledger;
use crate::values::names::pinyin_keys;
use crate::values::text::to_half_width;
use rusqlite::{Connection, OptionalExtension};

pub(crate) const PREFIX_SETTING: &str = "volunteer_prefix";
/// When the register has no community name yet (星河).
const FALLBACK_PREFIX: &str = "XH";

/// Upper-case 拼音 initials of the community name without "社区"; "XH" when there is none.
pub fn default_prefix(community_name: Option<&str>) -> String {
    let name = community_name.unwrap_or_default().trim();
    let name = name.strip_suffix("社区").unwrap_or(name);
    let initials: String = pinyin_keys(name)
        .initials
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_uppercase())
        .collect();
    if initials.is_empty() {
        FALLBACK_PREFIX.into()
    } else {
        initials
    }
}

fn setting(conn: &Connection, key: &str) -> rusqlite::Result<Option<String>> {
    conn.prepare_cached("SELECT value FROM settings WHERE key = ?1")?.query_row([key], |r| r.get(0)).optional()
}

pub(crate) fn prefix(conn: &Connection) -> Result<String> {
    match setting(conn, PREFIX_SETTING)? {
        Some(prefix) => Ok(prefix),
        None => Ok(default_prefix(setting(conn, "community_name")?.as_deref())),
    }
}

/// The next free number under the current prefix. Numbers are compared as integers, so the
/// sequence goes on past 99999 (six digits) without sorting wrongly.
pub(crate) fn next_number(conn: &Connection) -> Result<String> {
    let prefix = prefix(conn)?;
    Ok(format_number(&prefix, last_sequence(conn, &prefix)? + 1))
}

pub(crate) fn last_sequence(conn: &Connection, prefix: &str) -> Result<i64> {
    // The range `prefix-` .. `prefix.` ('.' follows '-') walks the unique index on number.
    Ok(conn
        .prepare_cached(
            "SELECT coalesce(max(CAST(substr(number, length(?1) + 2) AS INTEGER)), 0) FROM volunteers
             WHERE number >= ?1 || '-' AND number < ?1 || '.'",
        )?
        .query_row([prefix], |r| r.get(0))?)
}

pub(crate) fn format_number(prefix: &str, sequence: i64) -> String {
    format!("{prefix}-{sequence:05}")
}

fn valid_prefix(typed: &str) -> Result<String> {
    let prefix = to_half_width(typed.trim()).to_ascii_uppercase();
    if (1..=8).contains(&prefix.len()) && prefix.chars().all(|c| c.is_ascii_alphanumeric()) {
        Ok(prefix)
    } else {
        Err(Error::invalid(
            "volunteer_prefix",
            format!("志愿者编号前缀“{}”只能是 1–8 位字母或数字，例如 LH", typed.trim()),
        ))
    }
}

impl Ledger {
    /// The prefix new volunteer numbers get.
    pub fn volunteer_prefix(&self) -> Result<String> {
        prefix(&self.conn)
    }

    /// Sets the prefix for numbers given from now on; existing numbers keep theirs.
    /// A blank prefix goes back to the community's initials.
    pub fn set_volunteer_prefix(&mut self, typed: &str) -> Result<()> {
        self.require_admin("修改设置")?;
        let prefix = if typed.trim().is_empty() { None } else { Some(valid_prefix(typed)?) };
        let actor = self.actor();
        let tx = self.conn.transaction()?;
        let before = crate::access::audit::settings_json(&tx, &[PREFIX_SETTING])?;
        match &prefix {
            None => {
                tx.execute("DELETE FROM settings WHERE key = ?1", [PREFIX_SETTING])?;
            }
            Some(prefix) => {
                tx.execute(
                    "INSERT INTO settings(key, value) VALUES (?1, ?2) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                    [PREFIX_SETTING, prefix],
                )?;
            }
        }
        let after = crate::access::audit::settings_json(&tx, &[PREFIX_SETTING])?;
        let summary = match &prefix {
            Some(prefix) => format!("志愿者编号前缀设为 {prefix}"),
            None => "志愿者编号前缀恢复为社区名称首字母".to_string(),
        };
        crate::access::audit::record(
            &tx,
            &actor,
            crate::access::audit::Change::new("修改", "设置", None, summary).before(before).after(after),
        )?;
        tx.commit()?;
        self.changed();
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_prefix_is_the_initials_of_the_community() {
        assert_eq!(default_prefix(Some("浏河社区")), "LH");
        assert_eq!(default_prefix(Some("星河湾")), "XHW");
        assert_eq!(default_prefix(None), "XH");
        assert_eq!(default_prefix(Some("社区")), "XH");
    }

    #[test]
    fn numbers_have_five_digits_and_go_on_past_them() {
        assert_eq!(format_number("LH", 1), "LH-00001");
        assert_eq!(format_number("LH", 123456), "LH-123456");
    }

    #[test]
    fn a_typed_prefix_is_upper_case_letters_or_digits() {
        assert_eq!(valid_prefix(" ｌｈ2 ").unwrap(), "LH2");
        assert_eq!(valid_prefix("L-H").unwrap_err().fields()[0].field, "volunteer_prefix");
        assert!(valid_prefix("ABCDEFGHI").is_err());
    }

    #[test]
    fn the_sequence_continues_from_the_highest_number_of_the_prefix() {
        let ledger = Ledger::open_in_memory().unwrap();
        let conn = &ledger.conn;
        conn.execute(
            "INSERT INTO organisations(name, kind, created_at, updated_at) VALUES ('益仓', '企业', '', '')",
            [],
        )
        .unwrap();
        for number in ["XH-00009", "XH-100000", "XY-99999"] {
            conn.execute(
                "INSERT INTO volunteers(number, organisation_id, name, line, joined_on, created_at, updated_at)
                 VALUES (?1, 1, '甲', '青动力·两新组织', '2026-01-01', '', '')",
                [number],
            )
            .unwrap();
        }
        assert_eq!(next_number(conn).unwrap(), "XH-100001");
        assert_eq!(last_sequence(conn, "LH").unwrap(), 0);
    }
}
