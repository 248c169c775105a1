//! Story: the office keeps a care list of households with care needs or someone aged 80+,
//! visits them, and sees who has waited longest — never-visited homes first — and who is
//! overdue against its threshold. People who moved out or died are no reason to visit.
//!
//! Visits are services requested and completed through the services module (one done date
//! each, no volunteers sent, so no hours).

use crate::support::small_community::{community, date, Community};
use crate::support::TODAY;
use xinghe_ledger::care::CareList;

struct Homes {
    never_80: i64,
    never_alone: i64,
    forty: i64,
    forty_second_grid: i64,
    ten: i64,
}

/// Created out of address order on purpose, so an order by id would show.
fn homes(c: &mut Community) -> Homes {
    let forty_second_grid = c.household(2, "101");
    c.resident(forty_second_grid, "赵明", "户主", "1970-04-02", &["特困"]);
    let never_alone = c.household(1, "301");
    c.resident(never_alone, "钱伟", "户主", "1980-06-15", &["孤寡"]);
    let ten = c.household(1, "201");
    c.resident(ten, "陈桂兰", "户主", "1944-03-10", &["残疾", "独居", "重病"]);
    let forty = c.household(0, "101");
    c.resident(forty, "张建华", "户主", "1960-01-01", &["低保"]);
    c.resident(forty, "刘芳", "配偶", "1962-02-02", &[]);
    let never_80 = c.household(0, "102");
    c.resident(never_80, "李秀英", "户主", "1940-05-01", &[]);

    c.service(forty, "走访慰问", "2026-08-30", Some("2026-09-01"));
    c.service(forty, "走访慰问", "2026-10-18", Some("2026-10-19"));
    // Asked for yesterday and not done yet: nobody has been in the home.
    c.service(forty, "水电维修", "2026-11-27", None);
    c.service(forty_second_grid, "代办服务", "2026-10-19", Some("2026-10-19"));
    c.service(ten, "家电维修", "2026-11-16", Some("2026-11-18"));
    let cancelled = c.service(ten, "走访慰问", "2026-11-20", None);
    c.ledger.cancel_service(cancelled).unwrap();
    Homes { never_80, never_alone, forty, forty_second_grid, ten }
}

fn order(list: &CareList) -> Vec<i64> {
    list.households.iter().map(|h| h.household_id).collect()
}

#[test]
fn never_visited_homes_come_first_then_the_longest_since_a_visit() {
    let dir = tempfile::tempdir().unwrap();
    let mut c = community(&dir.path().join("care.db"), TODAY);
    let h = homes(&mut c);
    let list = c.ledger.care_list(None).unwrap();
    assert_eq!(list.today, TODAY);
    assert_eq!(list.threshold_days, 30);
    // Ties (never visited; both 40 days) keep the address order: grid, building, unit, room.
    assert_eq!(order(&list), [h.never_80, h.never_alone, h.forty, h.forty_second_grid, h.ten]);
    let days: Vec<Option<i64>> = list.households.iter().map(|h| h.days_since).collect();
    assert_eq!(days, [None, None, Some(40), Some(40), Some(10)]);

    let forty = &list.households[2];
    assert_eq!((forty.grid.as_str(), forty.building.as_str(), forty.unit.as_str()), ("第一网格", "8栋", "1单元"));
    assert_eq!(forty.address, "8栋1单元101");
    assert_eq!(forty.building_head.as_deref(), Some("王建国"));
    assert_eq!(forty.last_visit_on.as_deref(), Some("2026-10-19"), "the latest visit, not the open request");
    assert_eq!(forty.last_visit_kind.as_deref(), Some("走访慰问"));
    assert_eq!(list.households[3].building_head, None, "9栋 has no 楼栋长");

    let ten = &list.households[4];
    assert_eq!(ten.last_visit_on.as_deref(), Some("2026-11-18"), "a cancelled service is no visit");
    assert_eq!(ten.last_visit_kind.as_deref(), Some("家电维修"), "any service brings someone into the home");

    // A visit today moves the home that waited longest to the end of the list.
    c.service(h.never_80, "走访慰问", TODAY, Some(TODAY));
    let list = c.ledger.care_list(None).unwrap();
    assert_eq!(order(&list), [h.never_alone, h.forty, h.forty_second_grid, h.ten, h.never_80]);
    assert_eq!(list.households[4].days_since, Some(0));
}

#[test]
fn overdue_means_never_visited_or_longer_than_the_threshold() {
    let dir = tempfile::tempdir().unwrap();
    let mut c = community(&dir.path().join("overdue.db"), TODAY);
    let h = homes(&mut c);
    let overdue = |list: &CareList| -> Vec<i64> {
        list.households.iter().filter(|x| x.overdue).map(|x| x.household_id).collect()
    };

    let list = c.ledger.care_list(None).unwrap();
    assert_eq!(overdue(&list), [h.never_80, h.never_alone, h.forty, h.forty_second_grid]);
    assert_eq!(list.overdue, 4);

    // Exactly at the threshold is not yet overdue.
    let list = c.ledger.care_list(Some(40)).unwrap();
    assert_eq!((list.threshold_days, list.overdue), (40, 2));
    assert_eq!(overdue(&list), [h.never_80, h.never_alone], "the never visited are always overdue");
    assert_eq!(c.ledger.care_list(Some(39)).unwrap().overdue, 4);

    c.ledger.set_care_visit_days(7).unwrap();
    assert_eq!(c.ledger.care_visit_days().unwrap(), 7);
    let list = c.ledger.care_list(None).unwrap();
    assert_eq!((list.threshold_days, list.overdue), (7, 5));
    assert!(list.households.iter().any(|x| x.household_id == h.ten && x.overdue));

    for bad in [0, 366] {
        let err = c.ledger.care_list(Some(bad)).unwrap_err();
        assert_eq!(err.kind(), "invalid");
        let err = c.ledger.set_care_visit_days(bad).unwrap_err();
        assert!(err.to_string().contains(&bad.to_string()), "{err}");
    }
    assert_eq!(c.ledger.care_visit_days().unwrap(), 7, "a refused threshold changes nothing");
}

#[test]
fn the_list_holds_current_people_with_needs_or_aged_80_and_says_why() {
    let dir = tempfile::tempdir().unwrap();
    let mut c = community(&dir.path().join("who.db"), TODAY);
    let h = homes(&mut c);
    // Turns 80 tomorrow.
    let almost = c.household(1, "302");
    c.resident(almost, "孙立", "户主", "1946-11-29", &[]);
    // Moved out with the whole household.
    let moved = c.household(1, "401");
    c.resident(moved, "周强", "户主", "1975-01-01", &["低保"]);
    c.ledger.move_out_household(moved, Some("2026-11-01")).unwrap();
    // The one who needed care died; the one who moved out had the need; the others need none.
    let widow = c.household(1, "402");
    let old = c.resident(widow, "吴德厚", "户主", "1930-01-01", &["空巢"]);
    c.resident(widow, "吴小梅", "女", "1990-01-01", &[]);
    c.ledger.mark_deceased(old, Some("2026-10-01")).unwrap();
    let left = c.household(1, "501");
    c.resident(left, "郑家和", "户主", "1985-01-01", &[]);
    let son = c.resident(left, "郑小军", "子", "2000-01-01", &["低保"]);
    c.ledger.move_out_resident(son, None).unwrap();

    let list = c.ledger.care_list(None).unwrap();
    let ids = order(&list);
    assert_eq!(ids.len(), 5, "{ids:?}");
    for gone in [almost, moved, widow, left] {
        assert!(!ids.contains(&gone), "household {gone} is not on the list");
    }

    let people = |id: i64| list.households.iter().find(|x| x.household_id == id).unwrap().people.clone();
    let only_80 = people(h.never_80);
    assert_eq!(only_80.len(), 1);
    assert_eq!((only_80[0].name.as_str(), only_80[0].age), ("李秀英", Some(86)));
    assert_eq!(only_80[0].needs, ["高龄 86 岁"]);
    let ten = people(h.ten);
    assert_eq!(ten[0].needs, ["残疾（肢体二级）", "独居", "重病", "高龄 82 岁"]);
    let forty = people(h.forty);
    assert_eq!(forty.iter().map(|p| p.name.as_str()).collect::<Vec<_>>(), ["张建华"], "only the people cared for");
    assert_eq!(forty[0].needs, ["低保"]);
    assert_eq!(people(h.forty_second_grid)[0].needs, ["特困"]);

    // Age is derived on the day asked: tomorrow 孙立 is 80.
    c.ledger.set_today(date("2026-11-29"));
    let list = c.ledger.care_list(None).unwrap();
    let sun = list.households.iter().find(|x| x.household_id == almost).expect("80 tomorrow");
    assert_eq!(sun.people[0].needs, ["高龄 80 岁"]);
    assert_eq!(
        list.households[..3].iter().map(|x| x.household_id).collect::<Vec<_>>(),
        [h.never_80, h.never_alone, almost]
    );
    assert_eq!(list.households[3].days_since, Some(41), "days count from the day asked");
}
