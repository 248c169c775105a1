//! 两新组织: shops of the 智慧益仓 alliance, companies and social organisations, with what
//! they offer and their members.

use super::records::{volunteers_where, Conditions};
use super::{OrganisationDetail, OrganisationInput, OrganisationRow, ValidOrganisation};
use crate::access::audit::{self, Change};
use crate::error::{Error, Result};
use crate::ledger::Ledger;
use crate::register::model::stored_if_masked;
use crate::services::ServiceFilter;
use crate::values::phone::{mask_phone, Phone};
use rusqlite::{params, Connection, OptionalExtension, Row};

const ORGANISATION_SELECT: &str = "SELECT o.id, o.name, o.kind, o.contact_person, o.phone, o.address, o.notes,
     (SELECT count(*) FROM volunteers v WHERE v.organisation_id = o.id AND v.left_on IS NULL)
     FROM organisations o";

fn organisation_from(r: &Row) -> rusqlite::Result<OrganisationRow> {
    Ok(OrganisationRow {
        id: r.get(0)?,
        name: r.get(1)?,
        kind: r.get(2)?,
        contact_person: r.get(3)?,
        phone_masked: r.get::<_, Option<String>>(4)?.as_deref().map(mask_phone),
        address: r.get(5)?,
        notes: r.get(6)?,
        members: r.get(7)?,
        services: Vec::new(),
    })
}

fn offered(conn: &Connection, organisation_id: i64) -> Result<Vec<String>> {
    let mut stmt =
        conn.prepare_cached("SELECT service FROM organisation_services WHERE organisation_id = ?1 ORDER BY rowid")?;
    let services = stmt.query_map([organisation_id], |r| r.get(0))?;
    Ok(services.collect::<rusqlite::Result<_>>()?)
}

fn with_services(conn: &Connection, mut row: OrganisationRow) -> Result<OrganisationRow> {
    row.services = offered(conn, row.id)?;
    Ok(row)
}

fn name_taken(err: rusqlite::Error, name: &str) -> Error {
    match &err {
        rusqlite::Error::SqliteFailure(f, Some(text))
            if f.extended_code == rusqlite::ffi::SQLITE_CONSTRAINT_UNIQUE && text.contains("organisations.name") =>
        {
            Error::invalid("name", format!("组织“{name}”已经登记过，请直接修改它"))
        }
        _ => err.into(),
    }
}

fn write_organisation(conn: &Connection, id: Option<i64>, o: &ValidOrganisation, now: &str) -> Result<i64> {
    let values =
        params![o.name, o.kind, o.contact_person, o.phone.as_ref().map(Phone::as_str), o.address, o.notes, now, id];
    let id = match id {
        None => {
            conn.execute(
                "INSERT INTO organisations(name, kind, contact_person, phone, address, notes, created_at, updated_at, id)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?7, ?8)",
                values,
            )
            .map_err(|e| name_taken(e, &o.name))?;
            conn.last_insert_rowid()
        }
        Some(id) => {
            let updated = conn
                .execute(
                    "UPDATE organisations SET name = ?1, kind = ?2, contact_person = ?3, phone = ?4, address = ?5,
                     notes = ?6, updated_at = ?7 WHERE id = ?8",
                    values,
                )
                .map_err(|e| name_taken(e, &o.name))?;
            if updated == 0 {
                return Err(Error::NotFound { what: "组织", id });
            }
            id
        }
    };
    conn.execute("DELETE FROM organisation_services WHERE organisation_id = ?1", [id])?;
    let mut insert =
        conn.prepare_cached("INSERT INTO organisation_services(organisation_id, service) VALUES (?1, ?2)")?;
    for service in &o.services {
        insert.execute(params![id, service])?;
    }
    Ok(id)
}

/// An organisation's row with what it offers, for the audit trail.
fn organisation_json(conn: &Connection, id: i64) -> Result<Option<String>> {
    let Some(row) = audit::row_json(conn, "organisations", id)? else {
        return Ok(None);
    };
    let mut stmt =
        conn.prepare_cached("SELECT service FROM organisation_services WHERE organisation_id = ?1 ORDER BY rowid")?;
    let services: Vec<String> = stmt.query_map([id], |r| r.get(0))?.collect::<rusqlite::Result<_>>()?;
    Ok(Some(audit::with_field(&row, "services", services.join("、").into())))
}

impl Ledger {
    /// Saves an organisation and replaces the list of what it offers.
    /// A masked phone sent back unchanged from a staff member's form keeps the stored one.
    pub fn save_organisation(&mut self, input: &OrganisationInput) -> Result<i64> {
        let mut input = input.clone();
        if let Some(id) = input.id {
            let stored: Option<Option<String>> =
                self.conn.query_row("SELECT phone FROM organisations WHERE id = ?1", [id], |r| r.get(0)).optional()?;
            if let Some(kept) = stored_if_masked(&input.phone, stored.flatten().as_deref(), mask_phone) {
                input.phone = kept;
            }
        }
        let valid = input.validate()?;
        let actor = self.actor();
        let tx = self.conn.transaction()?;
        let before = match input.id {
            Some(id) => organisation_json(&tx, id)?,
            None => None,
        };
        let id = write_organisation(&tx, input.id, &valid, &Ledger::now_text())?;
        let action = audit::save_action(&before);
        let change = Change::new(action, "组织", Some(id), format!("{action}组织“{}”", valid.name));
        audit::record(&tx, &actor, change.before(before).after(organisation_json(&tx, id)?))?;
        tx.commit()?;
        self.changed();
        Ok(id)
    }

    /// Every organisation by kind, then name.
    pub fn list_organisations(&self) -> Result<Vec<OrganisationRow>> {
        let mut stmt = self.conn.prepare_cached(&format!("{ORGANISATION_SELECT} ORDER BY o.kind, o.name"))?;
        let rows: Vec<OrganisationRow> = stmt.query_map([], organisation_from)?.collect::<rusqlite::Result<_>>()?;
        rows.into_iter().map(|row| with_services(&self.conn, row)).collect()
    }

    /// One organisation's page: its current members and the services it provided; the phone for
    /// the form is full for an administrator (and with logins off), masked for staff.
    pub fn organisation(&self, id: i64) -> Result<OrganisationDetail> {
        let row = self
            .conn
            .query_row(&format!("{ORGANISATION_SELECT} WHERE o.id = ?1"), [id], organisation_from)
            .optional()?
            .ok_or(Error::NotFound { what: "组织", id })?;
        let organisation = with_services(&self.conn, row)?;
        let mut phone: Option<String> =
            self.conn.query_row("SELECT phone FROM organisations WHERE id = ?1", [id], |r| r.get(0))?;
        if !self.sees_full_numbers() {
            phone = phone.as_deref().map(mask_phone);
        }
        let mut conditions = Conditions::default();
        conditions.add("v.organisation_id = {}", id);
        conditions.fixed("v.left_on IS NULL");
        let members = volunteers_where(&self.conn, &conditions)?;
        let services = self.list_services(&ServiceFilter { organisation_id: Some(id), ..ServiceFilter::default() })?;
        Ok(OrganisationDetail { organisation, phone, members, services })
    }
}
