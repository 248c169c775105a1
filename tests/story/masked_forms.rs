//! Story: 李敏 (administrator) registers 孔喆 with his ID number and phone, the volunteer 陈晓
//! of 邻里益仓便利店, and the shop itself with its phone. 王芳 (staff) opens their edit forms:
//! she sees the same masked numbers as in the lists, never the full ones (those are for an
//! administrator's audited 查看完整信息). She corrects other fields and saves the forms as they
//! are: the masked text stands for the stored number, which stays as it was. She retypes a new
//! full number, which replaces it; a masked text that is not the stored number's is refused
//! with a message naming the field, and nothing is written.

use crate::support::logged_in_office::{
    logged_in_office, Office as LoggedInOffice, ADMIN, ADMIN_PASSWORD, ID_NUMBER, PHONE,
};
use rusqlite::Connection;
use std::path::Path;
use xinghe_ledger::access::operators::{OperatorInput, Role};
use xinghe_ledger::register::model::{ResidentInput, ResidentRecord};
use xinghe_ledger::volunteers::{OrganisationDetail, OrganisationInput, VolunteerDetail, VolunteerInput};
use xinghe_ledger::{Error, Ledger};

const STAFF: &str = "王芳";
const STAFF_PASSWORD: &str = "wangfang1";

const ID_MASKED: &str = "430105********0595";
const PHONE_MASKED: &str = "138****0001";
const VOLUNTEER_PHONE: &str = "13912345678";
const VOLUNTEER_PHONE_MASKED: &str = "139****5678";
const SHOP_PHONE: &str = "0731-84123456";
const SHOP_PHONE_MASKED: &str = "0731-****3456";

struct Office {
    ledger: Ledger,
    db: std::path::PathBuf,
    resident: i64,
    volunteer: i64,
    shop: i64,
    _dir: tempfile::TempDir,
}

impl Office {
    /// A register as the app holds it (logins required), filled in by the administrator, with
    /// 王芳 added as staff and logged in.
    fn new() -> Office {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("xinghe.db");
        let LoggedInOffice { mut ledger, resident, .. } = logged_in_office(&db);
        let shop = ledger
            .save_organisation(&OrganisationInput {
                name: "邻里益仓便利店".into(),
                kind: "智慧益仓商户".into(),
                contact_person: "周老板".into(),
                phone: SHOP_PHONE.into(),
                address: "星河路 8 号".into(),
                services: vec!["理发".into()],
                ..Default::default()
            })
            .unwrap();
        let volunteer = ledger
            .save_volunteer(&VolunteerInput {
                organisation_id: Some(shop),
                name: "陈晓".into(),
                phone: VOLUNTEER_PHONE.into(),
                skills: "理发".into(),
                ..Default::default()
            })
            .unwrap();
        ledger
            .save_operator(&OperatorInput {
                id: None,
                name: STAFF.into(),
                role: Role::Staff,
                active: true,
                password: Some(STAFF_PASSWORD.into()),
            })
            .unwrap();
        let mut office = Office { ledger, db, resident, volunteer, shop, _dir: dir };
        office.as_staff();
        office
    }

    fn as_staff(&mut self) {
        self.ledger.lock();
        assert_eq!(self.ledger.log_in(STAFF, STAFF_PASSWORD).unwrap().role, Role::Staff);
    }

    fn as_admin(&mut self) {
        self.ledger.lock();
        assert_eq!(self.ledger.log_in(ADMIN, ADMIN_PASSWORD).unwrap().role, Role::Admin);
    }

    fn resident(&self) -> ResidentRecord {
        self.ledger.resident(self.resident).unwrap()
    }

    fn volunteer(&self) -> VolunteerDetail {
        self.ledger.volunteer(self.volunteer).unwrap()
    }

    fn shop(&self) -> OrganisationDetail {
        self.ledger.organisation(self.shop).unwrap()
    }

    /// What the resident form sends back when nothing is retyped.
    fn resident_form(&self) -> ResidentInput {
        let r = self.resident();
        ResidentInput {
            id: Some(r.id),
            household_id: r.household_id,
            name: r.name,
            sex: r.sex,
            id_number: r.id_number,
            birth_date: r.birth_date,
            phone: r.phone,
            relation: r.relation,
            political_status: Some(r.political_status),
            care_needs: r.care_needs,
            is_volunteer: r.is_volunteer,
            notes: Some(r.notes),
        }
    }

    fn volunteer_form(&self) -> VolunteerInput {
        let d = self.volunteer();
        VolunteerInput {
            id: Some(d.volunteer.id),
            resident_id: d.volunteer.resident_id,
            organisation_id: d.volunteer.organisation_id,
            name: d.volunteer.name,
            phone: d.phone.unwrap_or_default(),
            line: d.volunteer.line,
            skills: d.volunteer.skills,
            joined_on: d.volunteer.joined_on,
        }
    }

    fn shop_form(&self) -> OrganisationInput {
        let o = self.shop().organisation;
        OrganisationInput {
            id: Some(o.id),
            name: o.name,
            kind: o.kind,
            contact_person: o.contact_person,
            phone: self.shop().phone.unwrap_or_default(),
            address: o.address,
            services: o.services,
            notes: o.notes,
        }
    }

    fn audit_rows(&self) -> i64 {
        let conn = Connection::open(&self.db).unwrap();
        conn.query_row("SELECT count(*) FROM audit_log", [], |r| r.get(0)).unwrap()
    }

    fn stored(&self) -> (Option<String>, Option<String>, Option<String>, Option<String>) {
        stored_numbers(&self.db, self.resident, self.volunteer, self.shop)
    }
}

fn stored_numbers(
    db: &Path,
    resident: i64,
    volunteer: i64,
    shop: i64,
) -> (Option<String>, Option<String>, Option<String>, Option<String>) {
    let conn = Connection::open(db).unwrap();
    let (id_number, phone) = conn
        .query_row("SELECT id_number, phone FROM residents WHERE id = ?1", [resident], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap();
    let volunteer_phone =
        conn.query_row("SELECT phone FROM volunteers WHERE id = ?1", [volunteer], |r| r.get(0)).unwrap();
    let shop_phone = conn.query_row("SELECT phone FROM organisations WHERE id = ?1", [shop], |r| r.get(0)).unwrap();
    (id_number, phone, volunteer_phone, shop_phone)
}

fn refusal<T: std::fmt::Debug>(result: xinghe_ledger::Result<T>) -> Vec<(String, String)> {
    match result {
        Err(Error::Invalid(fields)) => fields.into_iter().map(|f| (f.field.to_string(), f.message)).collect(),
        other => panic!("expected a refusal naming the field, got {other:?}"),
    }
}

fn originals() -> (Option<String>, Option<String>, Option<String>, Option<String>) {
    (Some(ID_NUMBER.into()), Some(PHONE.into()), Some(VOLUNTEER_PHONE.into()), Some(SHOP_PHONE.into()))
}

#[test]
fn staff_no_longer_read_full_numbers_in_the_edit_form() {
    let mut office = Office::new();
    let record = office.resident();
    assert_eq!(record.id_number.as_deref(), Some(ID_MASKED));
    assert_eq!(record.phone.as_deref(), Some(PHONE_MASKED));
    assert_eq!(record.birth_date.as_deref(), Some("1964-01-06"), "the other fields are as stored");
    assert_eq!(office.volunteer().phone.as_deref(), Some(VOLUNTEER_PHONE_MASKED));
    assert_eq!(office.shop().phone.as_deref(), Some(SHOP_PHONE_MASKED));
    let shown = format!("{:?}{:?}{:?}", office.resident(), office.volunteer(), office.shop());
    for full in [ID_NUMBER, PHONE, VOLUNTEER_PHONE, SHOP_PHONE] {
        assert!(!shown.contains(full), "{full} reached a staff member's form");
    }

    office.as_admin();
    assert_eq!(office.resident().id_number.as_deref(), Some(ID_NUMBER), "the administrator edits full values");
    assert_eq!(office.resident().phone.as_deref(), Some(PHONE));
    assert_eq!(office.volunteer().phone.as_deref(), Some(VOLUNTEER_PHONE));
    assert_eq!(office.shop().phone.as_deref(), Some(SHOP_PHONE));
}

#[test]
fn the_register_file_read_without_logins_still_gives_full_values() {
    let office = Office::new();
    let (db, resident) = (office.db.clone(), office.resident);
    drop(office.ledger);
    let ledger = Ledger::open(&db).unwrap();
    let record = ledger.resident(resident).unwrap();
    assert_eq!((record.id_number.as_deref(), record.phone.as_deref()), (Some(ID_NUMBER), Some(PHONE)));
}

#[test]
fn staff_saving_a_form_unchanged_keeps_the_full_numbers() {
    let mut office = Office::new();
    let mut form = office.resident_form();
    form.notes = Some("行动不便，上门请提前电话联系".into());
    office.ledger.save_resident(&form).unwrap();
    let mut form = office.volunteer_form();
    form.skills = "理发、修眉".into();
    office.ledger.save_volunteer(&form).unwrap();
    let mut form = office.shop_form();
    form.address = "星河路 10 号".into();
    office.ledger.save_organisation(&form).unwrap();

    assert_eq!(office.stored(), originals(), "the masked text stood for the stored numbers");
    office.as_admin();
    let record = office.resident();
    assert_eq!(record.notes, "行动不便，上门请提前电话联系");
    assert_eq!((record.id_number.as_deref(), record.phone.as_deref()), (Some(ID_NUMBER), Some(PHONE)));
    assert_eq!(record.sex.as_deref(), Some("男"));
    assert_eq!(office.volunteer().volunteer.skills, "理发、修眉");
    assert_eq!(office.volunteer().phone.as_deref(), Some(VOLUNTEER_PHONE));
    assert_eq!(office.shop().organisation.address, "星河路 10 号");
    assert_eq!(office.shop().phone.as_deref(), Some(SHOP_PHONE));
}

#[test]
fn staff_retyping_a_full_number_replaces_it_and_a_blank_clears_it() {
    let mut office = Office::new();
    let mut form = office.resident_form();
    form.id_number = Some("430105198808081231".into());
    form.birth_date = None;
    form.phone = Some("139 0000 0002".into());
    office.ledger.save_resident(&form).unwrap();
    let mut form = office.volunteer_form();
    form.phone = "13700000003".into();
    office.ledger.save_volunteer(&form).unwrap();
    let mut form = office.shop_form();
    form.phone = String::new();
    office.ledger.save_organisation(&form).unwrap();

    let record = office.resident();
    assert_eq!(record.id_number.as_deref(), Some("430105********1231"), "still masked for staff");
    assert_eq!(record.birth_date.as_deref(), Some("1988-08-08"));
    office.as_admin();
    assert_eq!(office.resident().id_number.as_deref(), Some("430105198808081231"));
    assert_eq!(office.resident().phone.as_deref(), Some("13900000002"));
    assert_eq!(office.volunteer().phone.as_deref(), Some("13700000003"));
    assert_eq!(office.shop().phone, None);

    office.as_staff();
    let mut form = office.resident_form();
    form.phone = None;
    office.ledger.save_resident(&form).unwrap();
    office.as_admin();
    assert_eq!(office.resident().phone, None);
    assert_eq!(office.resident().id_number.as_deref(), Some("430105198808081231"));
}

#[test]
fn a_masked_text_that_is_not_the_stored_numbers_is_refused_and_nothing_is_written() {
    let mut office = Office::new();
    let audit_before = office.audit_rows();

    let mut form = office.resident_form();
    form.id_number = Some("430105********9999".into());
    form.phone = Some("139****0001".into());
    form.notes = Some("不应保存".into());
    let fields = refusal(office.ledger.save_resident(&form));
    assert_eq!(
        fields,
        [
            ("id_number".to_string(), "身份证号只显示了一部分，请输入完整的 18 位身份证号".to_string()),
            ("phone".to_string(), "联系电话“139****0001”只显示了一部分，请输入完整的电话号码".to_string()),
        ]
    );

    let mut form = office.volunteer_form();
    form.phone = PHONE_MASKED.into();
    let fields = refusal(office.ledger.save_volunteer(&form));
    assert_eq!(fields[0].0, "phone");
    assert!(fields[0].1.contains("只显示了一部分"), "{fields:?}");

    let mut form = office.shop_form();
    form.phone = "0731-****0000".into();
    let fields = refusal(office.ledger.save_organisation(&form));
    assert_eq!(fields[0].0, "phone");
    assert!(fields[0].1.contains("只显示了一部分"), "{fields:?}");

    // A new resident cannot be given someone's masked number either.
    let mut new = office.resident_form();
    new.id = None;
    new.name = "孔小喆".into();
    new.relation = "子".into();
    let fields = refusal(office.ledger.save_resident(&new));
    assert!(fields.iter().any(|(f, m)| f == "id_number" && m.contains("只显示了一部分")), "{fields:?}");

    assert_eq!(office.stored(), originals());
    assert_eq!(office.audit_rows(), audit_before, "a refused save leaves no record");
    office.as_admin();
    assert_eq!(office.resident().notes, "");
}
