//! 志愿服务记录证明: the data of the draft certificate for one volunteer and period, and who
//! issues it (settings). It is a record for the office to stamp, not a national certificate.

use super::entries::entries_where;
use super::{format_minutes, Certificate, CertificateIssuer, CONFIRMED};
use crate::error::{Error, Result};
use crate::ledger::Ledger;
use crate::values::idcard::mask_id_number;
use crate::volunteers::{volunteer_row, Conditions};
use chrono::{Datelike, NaiveDate};
use rusqlite::{Connection, OptionalExtension, TransactionBehavior};

const ORGANISATION: &str = "certificate_organisation";
const PERSON_IN_CHARGE: &str = "certificate_person_in_charge";
const HANDLER: &str = "certificate_handler";
const CONTACT: &str = "certificate_contact";

fn save_setting(conn: &Connection, key: &str, value: &str) -> Result<()> {
    let value = value.trim();
    if value.is_empty() {
        conn.execute("DELETE FROM settings WHERE key = ?1", [key])?;
    } else {
        conn.execute(
            "INSERT INTO settings(key, value) VALUES (?1, ?2) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            [key, value],
        )?;
    }
    Ok(())
}

impl Ledger {
    /// The issuer printed on certificates; the organisation defaults to "{社区}居民委员会".
    pub fn certificate_issuer(&self) -> Result<CertificateIssuer> {
        let organisation = match self.setting(ORGANISATION)? {
            Some(name) => name,
            None => format!("{}居民委员会", self.community_name()?.unwrap_or_default()),
        };
        Ok(CertificateIssuer {
            organisation,
            person_in_charge: self.setting(PERSON_IN_CHARGE)?.unwrap_or_default(),
            handler: self.setting(HANDLER)?.unwrap_or_default(),
            contact: self.setting(CONTACT)?.unwrap_or_default(),
        })
    }

    /// Saves the issuer; a blank organisation goes back to the default.
    pub fn save_certificate_issuer(&mut self, issuer: &CertificateIssuer) -> Result<()> {
        self.require_admin("修改设置")?;
        let actor = self.actor();
        let keys = [ORGANISATION, PERSON_IN_CHARGE, HANDLER, CONTACT];
        let tx = self.conn.transaction()?;
        let before = crate::access::audit::settings_json(&tx, &keys)?;
        save_setting(&tx, ORGANISATION, &issuer.organisation)?;
        save_setting(&tx, PERSON_IN_CHARGE, &issuer.person_in_charge)?;
        save_setting(&tx, HANDLER, &issuer.handler)?;
        save_setting(&tx, CONTACT, &issuer.contact)?;
        let after = crate::access::audit::settings_json(&tx, &keys)?;
        let change = crate::access::audit::Change::new("修改", "设置", None, "修改志愿服务记录证明的出具单位和经办人");
        crate::access::audit::record(&tx, &actor, change.before(before).after(after))?;
        tx.commit()?;
        self.changed();
        Ok(())
    }

    /// Issues the certificate to print: the content of [`Ledger::certificate`] with the next
    /// number of the year (LH-ZM-2026-0001), so no two certificates ever share a number, and
    /// the issue recorded in the audit trail in the same transaction.
    pub fn issue_certificate(
        &mut self,
        volunteer_id: i64,
        from: Option<NaiveDate>,
        to: Option<NaiveDate>,
    ) -> Result<Certificate> {
        let mut certificate = self.certificate(volunteer_id, from, to)?;
        let year = self.today().year();
        let (prefix, actor) = (self.volunteer_prefix()?, self.actor());
        let key = format!("certificate_sequence_{year}");
        let tx = self.conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let last: Option<String> =
            tx.query_row("SELECT value FROM settings WHERE key = ?1", [&key], |r| r.get(0)).optional()?;
        let next = last.and_then(|v| v.parse::<u32>().ok()).unwrap_or(0) + 1;
        tx.execute(
            "INSERT INTO settings(key, value) VALUES (?1, ?2) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            [&key, &next.to_string()],
        )?;
        certificate.certificate_number = format!("{prefix}-ZM-{year}-{next:04}");
        let summary = format!(
            "出具志愿服务记录证明 {}：{}（{}）{} 至 {}，{}",
            certificate.certificate_number,
            certificate.volunteer.name,
            certificate.volunteer.number,
            certificate.from,
            certificate.to,
            certificate.total_text
        );
        crate::access::audit::record(
            &tx,
            &actor,
            crate::access::audit::Change::new("生成", "志愿者", Some(volunteer_id), summary),
        )?;
        tx.commit()?;
        Ok(certificate)
    }

    /// The certificate of a volunteer's confirmed hours between `from` and `to` (open ends take
    /// the first and last confirmed entry), with a draft number; refused when there are none in
    /// the period. Printing goes through [`Ledger::issue_certificate`].
    pub fn certificate(
        &self,
        volunteer_id: i64,
        from: Option<NaiveDate>,
        to: Option<NaiveDate>,
    ) -> Result<Certificate> {
        super::report::check_range(from, to)?;
        let volunteer = volunteer_row(&self.conn, volunteer_id)?;
        let mut conditions = Conditions::default();
        conditions.add("e.volunteer_id = {}", volunteer_id);
        conditions.add("e.status = {}", CONFIRMED.to_string());
        if let Some(from) = from {
            conditions.add("e.date >= {}", from.to_string());
        }
        if let Some(to) = to {
            conditions.add("e.date <= {}", to.to_string());
        }
        let entries = entries_where(&self.conn, &conditions, "e.date, e.start_time, e.id")?;
        let period = |d: Option<NaiveDate>| d.map_or_else(|| "不限".to_string(), |d| d.to_string());
        let (Some(first), Some(last)) = (entries.first(), entries.last()) else {
            return Err(Error::Refused(format!(
                "志愿者 {}（{}）在 {} 至 {} 没有已确认的服务时长，不能出具证明",
                volunteer.name,
                volunteer.number,
                period(from),
                period(to)
            )));
        };
        let (from, to) = (
            from.map_or_else(|| first.date.clone(), |d| d.to_string()),
            to.map_or_else(|| last.date.clone(), |d| d.to_string()),
        );
        let id_number: Option<String> = match volunteer.resident_id {
            Some(id) => self.conn.query_row("SELECT id_number FROM residents WHERE id = ?1", [id], |r| r.get(0))?,
            None => None,
        };
        let issued_on = self.today();
        let total_minutes = entries.iter().map(|e| e.minutes).sum();
        Ok(Certificate {
            certificate_number: format!(
                "{}-ZM-{}-{}",
                self.volunteer_prefix()?,
                issued_on.format("%Y%m%d"),
                volunteer.number
            ),
            issued_on: issued_on.to_string(),
            id_number_masked: id_number.as_deref().map(mask_id_number),
            volunteer,
            from,
            to,
            total_minutes,
            total_text: format_minutes(total_minutes),
            entries,
            issuer: self.certificate_issuer()?,
        })
    }
}
