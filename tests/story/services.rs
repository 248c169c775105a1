//! Story: a shop of the 智慧益仓 alliance and a resident volunteer repair an elderly couple's
//! washing machine; when the office marks the service done, both get 待审核 hours for it — or,
//! when one of them would break a rule of the hours ledger, nobody does and the service stays
//! open. Services are cancelled, never deleted, and closed ones cannot be changed.

use crate::support::joined::joined_in_january;
use crate::support::{liuhe_unit, open};
use std::path::Path;
use xinghe_ledger::hours::{HourEntryInput, HoursFilter};
use xinghe_ledger::register::model::{HouseholdInput, ResidentInput};
use xinghe_ledger::services::{ServiceDoneInput, ServiceFilter, ServiceInput};
use xinghe_ledger::volunteers::{OrganisationInput, VolunteerFilter, VolunteerInput};
use xinghe_ledger::Ledger;

struct Office {
    ledger: Ledger,
    household: i64,
    shop: i64,
    master: i64,
    helper: i64,
}

/// 浏河社区: the 孔 household at 8栋1单元101, the shop with its repairman 王师傅 and the
/// resident volunteer 周国强.
fn repair_office(path: &Path) -> Office {
    let mut ledger = open(path);
    let unit = liuhe_unit(&mut ledger);
    let household =
        ledger.save_household(&HouseholdInput { unit_id: unit, room: "101".into(), ..Default::default() }).unwrap();
    for (name, relation) in [("孔喆", "户主"), ("郝堃", "配偶")] {
        let person = ResidentInput {
            household_id: household,
            name: name.into(),
            relation: relation.into(),
            birth_date: Some("1940-01-06".into()),
            ..Default::default()
        };
        ledger.save_resident(&person).unwrap();
    }
    let neighbour =
        ledger.save_household(&HouseholdInput { unit_id: unit, room: "102".into(), ..Default::default() }).unwrap();
    let zhou = ledger
        .save_resident(&ResidentInput {
            household_id: neighbour,
            name: "周国强".into(),
            relation: "户主".into(),
            is_volunteer: true,
            ..Default::default()
        })
        .unwrap();
    let shop = ledger
        .save_organisation(&OrganisationInput {
            name: "邻里益仓便利店".into(),
            kind: "智慧益仓商户".into(),
            contact_person: "王建".into(),
            phone: "13812345678".into(),
            services: vec!["家电维修".into(), "理发".into()],
            ..Default::default()
        })
        .unwrap();
    let master = ledger
        .save_volunteer(&VolunteerInput {
            name: "王师傅".into(),
            organisation_id: Some(shop),
            phone: "13900001111".into(),
            skills: "家电维修".into(),
            joined_on: "2026-01-01".into(),
            ..Default::default()
        })
        .unwrap();
    let volunteers = ledger.list_volunteers(&VolunteerFilter::default()).unwrap();
    let helper = volunteers.iter().find(|v| v.resident_id == Some(zhou)).unwrap().id;
    joined_in_january(&mut ledger, helper);
    Office { ledger, household, shop, master, helper }
}

fn repair(office: &Office) -> ServiceInput {
    ServiceInput {
        household_id: office.household,
        kind: "家电维修".into(),
        description: "洗衣机不脱水".into(),
        requested_on: "2026-11-24".into(),
        organisation_id: Some(office.shop),
        volunteer_ids: vec![office.master, office.helper],
        ..Default::default()
    }
}

fn done(date: &str) -> ServiceDoneInput {
    ServiceDoneInput {
        done_on: date.into(),
        start_time: "09:00".into(),
        end_time: "10:30".into(),
        outcome: "更换排水泵，已恢复".into(),
        follow_up_on: "2026-12-05".into(),
    }
}

#[test]
fn a_repair_done_gives_every_volunteer_sent_pending_hours() {
    let dir = tempfile::tempdir().unwrap();
    let mut office = repair_office(&dir.path().join("a.db"));
    let id = office.ledger.save_service(&repair(&office)).unwrap();

    let open =
        office.ledger.list_services(&ServiceFilter { status: Some("open".into()), ..Default::default() }).unwrap();
    assert_eq!(open.len(), 1);
    let row = &open[0];
    assert_eq!((row.address.as_str(), row.status.as_str()), ("8栋1单元101", "待处理"));
    assert_eq!(row.residents, ["孔喆", "郝堃"]);
    assert_eq!(row.organisation.as_deref(), Some("邻里益仓便利店"));
    let sent: Vec<&str> = row.volunteers.iter().map(|v| v.name.as_str()).collect();
    assert_eq!(sent, ["周国强", "王师傅"]);

    let outcome = office.ledger.complete_service(id, &done("2026-11-25")).unwrap();
    assert_eq!(outcome.hour_entries.len(), 2);
    let entries = office.ledger.list_hours(&HoursFilter::default()).unwrap();
    assert_eq!(entries.len(), 2);
    for entry in &entries {
        // Regression: the entry printed the served flat on the volunteer's certificate.
        assert_eq!((entry.content.as_str(), entry.place.as_str()), ("家电维修（8栋）：洗衣机不脱水", "8栋"));
        assert!(!entry.content.contains("101"));
        assert_eq!((entry.service_id, entry.minutes, entry.status.as_str()), (Some(id), 90, "待审核"));
        assert_eq!((entry.date.as_str(), entry.organiser.as_str()), ("2026-11-25", "邻里益仓便利店"));
    }

    let service = office.ledger.service(id).unwrap();
    assert_eq!((service.status.as_str(), service.done_on.as_deref()), ("已完成", Some("2026-11-25")));
    assert_eq!((service.outcome.as_str(), service.follow_up_on.as_deref()), ("更换排水泵，已恢复", Some("2026-12-05")));
    let err = office.ledger.complete_service(id, &done("2026-11-26")).unwrap_err();
    assert_eq!(err.kind(), "refused");
    let err = office.ledger.save_service(&ServiceInput { id: Some(id), ..repair(&office) }).unwrap_err();
    assert!(err.to_string().contains("已完成"), "{err}");
    assert_eq!(office.ledger.list_hours(&HoursFilter::default()).unwrap().len(), 2);

    let detail = office.ledger.organisation(office.shop).unwrap();
    assert_eq!(detail.organisation.services, ["家电维修", "理发"]);
    assert_eq!(detail.organisation.phone_masked.as_deref(), Some("138****5678"));
    assert_eq!(detail.members.iter().map(|m| m.name.as_str()).collect::<Vec<_>>(), ["王师傅"]);
    assert_eq!(detail.services.len(), 1);
}

#[test]
fn a_completion_that_would_break_an_hours_rule_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let mut office = repair_office(&dir.path().join("a.db"));
    let id = office.ledger.save_service(&repair(&office)).unwrap();
    let busy = HourEntryInput {
        volunteer_id: office.master,
        date: "2026-11-25".into(),
        start_time: "10:00".into(),
        end_time: "11:00".into(),
        content: "理发".into(),
        ..Default::default()
    };
    office.ledger.record_hours(&busy).unwrap();

    let err = office.ledger.complete_service(id, &done("2026-11-25")).unwrap_err();
    assert!(err.to_string().contains("王师傅") && err.to_string().contains("时间重叠"), "{err}");
    assert_eq!(office.ledger.list_hours(&HoursFilter::default()).unwrap().len(), 1, "周国强 got no hours either");
    assert_eq!(office.ledger.service(id).unwrap().status, "待处理");

    // Times are needed when volunteers were sent; the done date is checked against the request.
    let no_times = ServiceDoneInput { start_time: "".into(), end_time: "".into(), ..done("2026-11-26") };
    let err = office.ledger.complete_service(id, &no_times).unwrap_err();
    let fields: Vec<_> = err.fields().iter().map(|f| f.field).collect();
    assert_eq!(fields, ["start_time", "end_time"]);
    let err = office.ledger.complete_service(id, &done("2026-11-20")).unwrap_err();
    assert!(err.to_string().contains("早于申请日期 2026-11-24"), "{err}");
    let err = office.ledger.complete_service(id, &done("2026-11-30")).unwrap_err();
    assert_eq!(err.fields()[0].field, "done_on");

    let outcome = office.ledger.complete_service(id, &done("2026-11-26")).unwrap();
    assert_eq!(outcome.hour_entries.len(), 2);
}

#[test]
fn a_visit_without_volunteers_needs_no_times_and_a_cancelled_service_stays_listed() {
    let dir = tempfile::tempdir().unwrap();
    let mut office = repair_office(&dir.path().join("a.db"));
    let visit = ServiceInput {
        household_id: office.household,
        kind: "走访慰问".into(),
        requested_on: "2026-11-27".into(),
        ..Default::default()
    };
    let id = office.ledger.save_service(&visit).unwrap();
    let outcome = office
        .ledger
        .complete_service(id, &ServiceDoneInput { outcome: "老人身体好".into(), ..Default::default() })
        .unwrap();
    assert!(outcome.hour_entries.is_empty());
    assert_eq!(office.ledger.service(id).unwrap().done_on.as_deref(), Some("2026-11-28"), "blank means today");

    let repair = office.ledger.save_service(&repair(&office)).unwrap();
    office.ledger.cancel_service(repair).unwrap();
    assert_eq!(office.ledger.cancel_service(repair).unwrap_err().kind(), "refused");
    let cancelled =
        office.ledger.list_services(&ServiceFilter { status: Some("cancelled".into()), ..Default::default() }).unwrap();
    assert_eq!((cancelled.len(), cancelled[0].status.as_str()), (1, "已取消"));
    let all =
        office.ledger.list_services(&ServiceFilter { household_id: Some(office.household), ..Default::default() });
    assert_eq!(all.unwrap().len(), 2);
    let err = office.ledger.list_services(&ServiceFilter { status: Some("closed".into()), ..Default::default() });
    assert_eq!(err.unwrap_err().fields()[0].field, "status");

    // Bad input names its field; a volunteer who left cannot be sent.
    let err = office.ledger.save_service(&ServiceInput {
        kind: "修车".into(),
        requested_on: "2026-13-01".into(),
        ..visit.clone()
    });
    let fields: Vec<_> = err.unwrap_err().fields().iter().map(|f| f.field).collect();
    assert_eq!(fields, ["kind", "requested_on"]);
    office.ledger.leave_volunteer(office.master, None).unwrap();
    let err = office.ledger.save_service(&ServiceInput { volunteer_ids: vec![office.master], ..visit }).unwrap_err();
    assert!(err.to_string().contains("王师傅") && err.to_string().contains("退出"), "{err}");
    assert_eq!(office.ledger.organisation(office.shop).unwrap().members.len(), 0);
}

#[test]
fn organisation_names_are_unique_and_members_need_one() {
    let dir = tempfile::tempdir().unwrap();
    let mut office = repair_office(&dir.path().join("a.db"));
    let err = office
        .ledger
        .save_organisation(&OrganisationInput {
            name: "邻里益仓便利店".into(),
            kind: "企业".into(),
            ..Default::default()
        })
        .unwrap_err();
    assert!(err.to_string().contains("已经登记过"), "{err}");
    let err = office.ledger.save_volunteer(&VolunteerInput { name: "路人".into(), ..Default::default() }).unwrap_err();
    assert_eq!(err.fields()[0].field, "organisation_id");
    let options = office.ledger.volunteer_options().unwrap();
    assert_eq!(options.organisations.len(), 1);
    assert_eq!(options.statuses, ["待审核", "已确认", "已驳回"]);
    let found = office.ledger.list_volunteers(&VolunteerFilter { query: "家电".into(), ..Default::default() }).unwrap();
    assert_eq!(found.iter().map(|v| v.number.as_str()).collect::<Vec<_>>(), ["LH-00002"]);
}
