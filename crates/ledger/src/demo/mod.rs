//! A deterministic, realistic demo community (浏河社区): an old neighbourhood of retirees with
//! grids, buildings, units and their heads, households of typical shapes, valid ID numbers,
//! care needs, party members and volunteers, and the party committee's classes with sign-ups,
//! waitlists and attendance. The same seed always gives the same register.

mod partners;

use crate::error::{Error, Result};
use crate::ledger::Ledger;
use crate::register::model::{CareNeed, ValidResident, DISABILITY_CATEGORIES};
use crate::register::residents::write_resident;
use crate::values::idcard::{check_character, IdNumber, Sex};
use crate::values::phone::Phone;
use chrono::{Datelike, Duration, NaiveDate};
use rusqlite::{params, Transaction};
use std::collections::HashSet;

pub const DEFAULT_HOUSEHOLDS: u32 = 300;
pub const DEMO_COMMUNITY: &str = "浏河社区";

const SURNAMES: &[&str] = &[
    "王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙", "马", "朱", "胡", "郭", "何", "高", "林",
    "罗", "郑", "梁", "谢", "宋", "唐", "许", "韩", "冯", "邓", "曹", "彭", "曾", "肖", "田", "董", "袁", "潘", "蒋",
    "蔡", "余", "杜", "叶", "程", "魏", "苏", "吕", "丁", "任", "沈", "姚", "卢", "廖", "邹", "熊", "谭", "欧阳",
    "司马",
];
const GIVEN_MALE: &[&str] = &[
    "建国", "国强", "志刚", "卫东", "德明", "春生", "海涛", "伟", "强", "军", "勇", "磊", "杰", "涛", "明", "超", "华",
    "平", "辉", "斌", "鹏", "宇", "浩然", "子轩", "俊杰", "文博", "嘉懿", "志远", "永福", "长庚", "金山", "桂林",
];
const GIVEN_FEMALE: &[&str] = &[
    "秀英", "桂英", "玉兰", "淑珍", "凤英", "翠花", "红梅", "丽", "芳", "敏", "静", "燕", "艳", "娟", "霞", "萍", "婷",
    "雪", "慧", "玲", "欣怡", "梓涵", "诗涵", "雨桐", "佳怡", "美华", "爱莲", "春兰", "冬梅", "素芬",
];
/// Characters that fonts and databases often get wrong; the demo keeps some in the register.
const RARE_GIVEN: &[&str] = &["𠇔", "䶮", "堃", "喆", "龑", "曌", "昇", "珺", "玥", "燚"];
const GRID_NAMES: &[&str] = &["第一网格", "第二网格", "第三网格", "第四网格", "第五网格", "第六网格"];
const GRID_STAFF: &[&str] = &["周丽华", "陈建平", "刘芳", "谭志勇", "彭晓燕", "黄卫国"];
const AREA_CODES: &[&str] = &["430105", "430102", "430103", "430104", "430111", "430121"];

struct Person {
    sex: Sex,
    age: u32,
    relation: &'static str,
}

fn pick<'a, T>(rng: &mut fastrand::Rng, items: &'a [T]) -> &'a T {
    &items[rng.usize(..items.len())]
}

fn chance(rng: &mut fastrand::Rng, percent: u32) -> bool {
    rng.u32(..100) < percent
}

fn given_name(rng: &mut fastrand::Rng, sex: Sex) -> String {
    if chance(rng, 2) {
        let rare = pick(rng, RARE_GIVEN);
        return if chance(rng, 50) {
            rare.to_string()
        } else {
            format!("{}{rare}", pick(rng, GIVEN_FEMALE).chars().next().unwrap_or('文'))
        };
    }
    match sex {
        Sex::Male => pick(rng, GIVEN_MALE).to_string(),
        Sex::Female => pick(rng, GIVEN_FEMALE).to_string(),
    }
}

fn birth_date(rng: &mut fastrand::Rng, age: u32, today: NaiveDate) -> NaiveDate {
    let year_start = NaiveDate::from_ymd_opt(today.year() - age as i32 - 1, today.month(), 1).unwrap_or(today);
    year_start + Duration::days(rng.i64(1..365))
}

/// A valid ID number not yet used in this demo (numbers are unique in the register).
fn id_number(
    rng: &mut fastrand::Rng,
    used: &mut HashSet<String>,
    birth: NaiveDate,
    sex: Sex,
    today: NaiveDate,
) -> IdNumber {
    loop {
        let sequence = rng.u32(0..500) * 2 + if sex == Sex::Male { 1 } else { 0 };
        let first17 = format!("{}{}{sequence:03}", pick(rng, AREA_CODES), birth.format("%Y%m%d"));
        let number = format!("{first17}{}", check_character(first17.as_bytes()));
        if used.insert(number.clone()) {
            return IdNumber::parse(&number, today).expect("generated numbers are valid");
        }
    }
}

fn mobile(rng: &mut fastrand::Rng) -> Phone {
    let prefix = pick(rng, &["138", "139", "137", "135", "150", "151", "158", "173", "180", "186", "188", "199"]);
    Phone::parse(&format!("{prefix}{:08}", rng.u32(0..100_000_000))).expect("generated mobiles are valid")
}

fn landline(rng: &mut fastrand::Rng) -> Phone {
    Phone::parse(&format!("0731-8{:07}", rng.u32(0..10_000_000))).expect("generated landlines are valid")
}

/// The shape of one household, oldest first.
fn household_shape(rng: &mut fastrand::Rng) -> Vec<Person> {
    let p = |sex, age, relation| Person { sex, age, relation };
    let head_sex = if chance(rng, 60) { Sex::Male } else { Sex::Female };
    let other = |s: Sex| if s == Sex::Male { Sex::Female } else { Sex::Male };
    match rng.u32(..100) {
        0..=34 => {
            let age = rng.u32(62..93);
            vec![p(head_sex, age, "户主"), p(other(head_sex), age.saturating_sub(rng.u32(0..5)).max(60), "配偶")]
        }
        35..=49 => vec![p(head_sex, rng.u32(66..97), "户主")],
        50..=79 => {
            let age = rng.u32(33..60);
            let mut people =
                vec![p(head_sex, age, "户主"), p(other(head_sex), age.saturating_sub(rng.u32(0..4)), "配偶")];
            for _ in 0..rng.u32(1..3) {
                let sex = if chance(rng, 50) { Sex::Male } else { Sex::Female };
                people.push(p(
                    sex,
                    rng.u32(2..age.saturating_sub(22).max(3)),
                    if sex == Sex::Male { "子" } else { "女" },
                ));
            }
            people
        }
        _ => {
            let age = rng.u32(60..86);
            let son_age = age - rng.u32(24..30);
            vec![
                p(head_sex, age, "户主"),
                p(other(head_sex), age.saturating_sub(rng.u32(0..4)).max(58), "配偶"),
                p(Sex::Male, son_age, "子"),
                p(Sex::Female, son_age.saturating_sub(rng.u32(0..4)), "儿媳"),
                p(
                    if chance(rng, 50) { Sex::Male } else { Sex::Female },
                    rng.u32(1..son_age.saturating_sub(22).max(2)),
                    "孙子",
                ),
            ]
        }
    }
}

fn political_status(rng: &mut fastrand::Rng, age: u32) -> &'static str {
    match age {
        60.. if chance(rng, 14) => "中共党员（离退休）",
        23..=59 if chance(rng, 10) => "中共党员（在职）",
        14..=28 if chance(rng, 25) => "共青团员",
        _ => "群众",
    }
}

fn care_needs(rng: &mut fastrand::Rng, person: &Person, household_size: usize) -> Vec<CareNeed> {
    let need = |kind: &str| CareNeed { kind: kind.into(), ..CareNeed::default() };
    let mut needs = Vec::new();
    if household_size == 1 && person.age >= 65 {
        needs.push(need("独居"));
        if chance(rng, 20) {
            needs.push(need("孤寡"));
        }
    }
    if household_size == 2 && person.age >= 65 && chance(rng, 30) {
        needs.push(need("空巢"));
    }
    if chance(rng, 4) {
        needs.push(CareNeed {
            kind: "残疾".into(),
            disability_category: Some(pick(rng, DISABILITY_CATEGORIES).to_string()),
            disability_grade: Some(rng.u8(1..5)),
            label: None,
        });
    }
    needs
}

impl Ledger {
    /// Fills an EMPTY register with a demo community of about `households` households.
    pub fn create_demo(&mut self, households: u32, seed: u64) -> Result<()> {
        if households == 0 {
            return Err(Error::invalid("households", "户数至少为 1"));
        }
        if !self.is_empty()? {
            return Err(Error::Refused("数据库中已有数据，演示数据只能写入空数据库".into()));
        }
        let today = self.today();
        let actor = self.actor();
        let tx = self.conn.transaction()?;
        // First: volunteer numbers take the community's prefix as residents are written.
        tx.execute(
            "INSERT INTO settings(key, value) VALUES ('community_name', ?1) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            [DEMO_COMMUNITY],
        )?;
        fill_demo(&tx, households, seed, today)?;
        fill_activities(&tx, &mut fastrand::Rng::with_seed(seed ^ 0xAC71), today, &Ledger::now_text())?;
        let summary = format!("生成演示社区“{DEMO_COMMUNITY}”（约 {households} 户，种子 {seed}）");
        crate::access::audit::record(&tx, &actor, crate::access::audit::Change::new("生成", "台账", None, summary))?;
        tx.commit()?;
        self.changed();
        // The partners go through the Ledger's own methods: the one 生成 record covers them.
        self.audit_quiet = true;
        let filled = self.fill_demo_partners(seed);
        self.audit_quiet = false;
        filled
    }
}

fn fill_demo(tx: &Transaction, households: u32, seed: u64, today: NaiveDate) -> Result<()> {
    let mut rng = fastrand::Rng::with_seed(seed);
    let mut used_ids = HashSet::new();
    let now = Ledger::now_text();
    let per_unit = 12; // 6 floors, 2 rooms a floor
    let units_total = households.div_ceil(per_unit);
    let buildings_total = units_total.div_ceil(2).max(1);
    let grids_total = (buildings_total.div_ceil(4)).clamp(1, GRID_NAMES.len() as u32);
    for g in 0..grids_total as usize {
        tx.execute(
            "INSERT INTO grids(name, head_name, head_phone) VALUES (?1, ?2, ?3)",
            params![GRID_NAMES[g], GRID_STAFF[g], mobile(&mut rng).as_str()],
        )?;
    }
    let mut made = 0;
    for b in 1..=buildings_total {
        let grid_id = i64::from((b - 1) * grids_total / buildings_total + 1);
        tx.execute("INSERT INTO buildings(grid_id, name) VALUES (?1, ?2)", params![grid_id, format!("{b}栋")])?;
        let building_id = tx.last_insert_rowid();
        for u in 1..=2 {
            if made >= households {
                break;
            }
            tx.execute(
                "INSERT INTO units(building_id, name) VALUES (?1, ?2)",
                params![building_id, format!("{u}单元")],
            )?;
            let unit_id = tx.last_insert_rowid();
            let mut unit_residents = Vec::new();
            for slot in 0..per_unit {
                if made >= households {
                    break;
                }
                made += 1;
                let room = format!("{}0{}", slot / 2 + 1, slot % 2 + 1);
                unit_residents.extend(demo_household(tx, &mut rng, &mut used_ids, unit_id, &room, today, &now)?);
            }
            if let Some(&head) = unit_residents.get(rng.usize(..unit_residents.len().max(1))) {
                tx.execute("UPDATE units SET head_resident_id = ?1 WHERE id = ?2", params![head, unit_id])?;
                if u == 1 {
                    tx.execute("UPDATE buildings SET head_resident_id = ?1 WHERE id = ?2", params![head, building_id])?;
                }
            }
        }
    }
    Ok(())
}

/// Writes one household and returns the ids of adults who could serve as a head.
fn demo_household(
    tx: &Transaction,
    rng: &mut fastrand::Rng,
    used_ids: &mut HashSet<String>,
    unit_id: i64,
    room: &str,
    today: NaiveDate,
    now: &str,
) -> Result<Vec<i64>> {
    let people = household_shape(rng);
    let household_phone = if chance(rng, 40) { Some(landline(rng)) } else { None };
    let notes = if chance(rng, 5) { "老旧小区加装电梯意向户" } else { "" };
    tx.execute(
        "INSERT INTO households(unit_id, room, phone, notes, created_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?5)",
        params![unit_id, room, household_phone.as_ref().map(Phone::as_str), notes, now],
    )?;
    let household_id = tx.last_insert_rowid();
    let surname = pick(rng, SURNAMES).to_string();
    let low_income = chance(rng, 5);
    let extreme_poverty = !low_income && chance(rng, 1);
    let mut adults = Vec::new();
    for person in &people {
        let family_name = match person.relation {
            "配偶" | "儿媳" => pick(rng, SURNAMES).to_string(),
            _ => surname.clone(),
        };
        let birth = birth_date(rng, person.age, today);
        let id_number = chance(rng, 96).then(|| id_number(rng, used_ids, birth, person.sex, today));
        let political = political_status(rng, person.age);
        let mut needs = care_needs(rng, person, people.len());
        if person.relation == "户主" && low_income {
            needs.push(CareNeed { kind: "低保".into(), ..CareNeed::default() });
        }
        if person.relation == "户主" && extreme_poverty {
            needs.push(CareNeed { kind: "特困".into(), ..CareNeed::default() });
        }
        let volunteer =
            (political.starts_with("中共") && chance(rng, 35)) || ((18..=72).contains(&person.age) && chance(rng, 5));
        let resident = ValidResident {
            name: format!("{family_name}{}", given_name(rng, person.sex)),
            sex: Some(person.sex),
            birth_date: Some(id_number.as_ref().map(IdNumber::birth_date).unwrap_or(birth)),
            id_number,
            phone: (person.age >= 16 && chance(rng, 85)).then(|| mobile(rng)),
            relation: person.relation.to_string(),
            political_status: political.to_string(),
            care_needs: needs,
            is_volunteer: volunteer,
            notes: String::new(),
        };
        let id = write_resident(tx, None, household_id, &resident, today, now)?;
        if (25..=75).contains(&person.age) {
            adults.push(id);
        }
    }
    Ok(adults)
}

/// One recurring class of the demo: the series it belongs to and how it runs.
struct DemoClass {
    series_id: i64,
    title: &'static str,
    line: &'static str,
    weekday: chrono::Weekday,
    start: (u32, u32),
    end: (u32, u32),
    place: &'static str,
    organiser: &'static str,
    capacity: Option<i64>,
    mode: Option<&'static str>,
    sessions: u32,
    /// Who comes: an age range.
    ages: std::ops::RangeInclusive<u32>,
    /// Sign-ups per session as a share of the capacity (above 100 fills the waitlist).
    demand_percent: u32,
}

const DEMO_CLASSES: &[DemoClass] = &[
    DemoClass {
        series_id: 1,
        title: "红色知识小课堂：红色家书里的家风",
        line: "银力量·离退休党员",
        weekday: chrono::Weekday::Tue,
        start: (9, 0),
        end: (10, 30),
        place: "社区党群服务中心二楼",
        organiser: "周丽华",
        capacity: Some(30),
        mode: Some("分享式"),
        sessions: 10,
        ages: 55..=90,
        demand_percent: 80,
    },
    DemoClass {
        series_id: 2,
        title: "银发YUE 文化课堂·书法",
        line: "银力量·离退休党员",
        weekday: chrono::Weekday::Thu,
        start: (14, 30),
        end: (16, 0),
        place: "浏河书屋",
        organiser: "陈建平",
        capacity: Some(12),
        mode: Some("沉浸式"),
        sessions: 8,
        ages: 60..=85,
        demand_percent: 130,
    },
    DemoClass {
        series_id: 3,
        title: "花儿YUE 青少年实践·非遗剪纸",
        line: "红引擎·在职党员",
        weekday: chrono::Weekday::Sat,
        start: (9, 30),
        end: (11, 30),
        place: "社区活动室",
        organiser: "刘芳",
        capacity: Some(15),
        mode: Some("快乐式"),
        sessions: 6,
        ages: 6..=16,
        demand_percent: 90,
    },
    DemoClass {
        series_id: 4,
        title: "青春FUN 打卡·社区微更新",
        line: "青动力·两新组织",
        weekday: chrono::Weekday::Sun,
        start: (15, 0),
        end: (17, 0),
        place: "浏河社区广场",
        organiser: "谭志勇",
        capacity: None,
        mode: None,
        sessions: 4,
        ages: 18..=45,
        demand_percent: 60,
    },
];

/// Classes from five weeks ago to a few weeks ahead, with sign-ups (a full class has a
/// waitlist) and attendance taken for the sessions already held.
fn fill_activities(tx: &Transaction, rng: &mut fastrand::Rng, today: NaiveDate, now: &str) -> Result<()> {
    use crate::activities::{sessions::insert_session, signups::insert_signup, Attendee, ValidActivity};
    use chrono::{Datelike, NaiveTime};
    let people: Vec<(i64, u32)> = {
        let mut stmt = tx.prepare("SELECT id, birth_date FROM residents WHERE birth_date IS NOT NULL ORDER BY id")?;
        let rows = stmt.query_map([], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?)))?;
        rows.filter_map(|r| r.ok())
            .filter_map(|(id, birth)| {
                Some((id, crate::values::dates::age_on(NaiveDate::parse_from_str(&birth, "%Y-%m-%d").ok()?, today)))
            })
            .collect()
    };
    let first_week = today - Duration::weeks(5);
    for class in DEMO_CLASSES {
        let offset = (7 + class.weekday.num_days_from_monday() - first_week.weekday().num_days_from_monday()) % 7;
        let start = first_week + Duration::days(i64::from(offset));
        let activity = ValidActivity {
            title: class.title.into(),
            series_id: Some(class.series_id),
            line: class.line.into(),
            date: start,
            start_time: NaiveTime::from_hms_opt(class.start.0, class.start.1, 0).expect("valid"),
            end_time: NaiveTime::from_hms_opt(class.end.0, class.end.1, 0).expect("valid"),
            place: class.place.into(),
            organiser: class.organiser.into(),
            capacity: class.capacity,
            audience: String::new(),
            description: String::new(),
            learning_mode: class.mode.map(str::to_string),
        };
        let wanted = class.capacity.unwrap_or(25) as usize * class.demand_percent as usize / 100;
        // A class has its regulars: each session draws from the same group.
        let mut regulars: Vec<i64> =
            people.iter().filter(|(_, age)| class.ages.contains(age)).map(|(id, _)| *id).collect();
        rng.shuffle(&mut regulars);
        regulars.truncate(wanted + wanted / 4);
        let mut recurrence = None;
        for week in 0..class.sessions {
            let date = start + Duration::weeks(i64::from(week));
            let id = insert_session(tx, &activity, date, recurrence)?;
            let recurrence_id = *recurrence.get_or_insert(id);
            tx.execute("UPDATE activities SET recurrence_id = ?1 WHERE id = ?2", params![recurrence_id, id])?;
            let mut chosen = regulars.clone();
            rng.shuffle(&mut chosen);
            for resident_id in chosen.into_iter().take(wanted) {
                let outcome = insert_signup(tx, id, &Attendee::Resident { resident_id }, false, now)?;
                if date < today && outcome.status == "registered" {
                    tx.execute(
                        "UPDATE signups SET attended = ?2 WHERE id = ?1",
                        params![outcome.signup_id, chance(rng, 85)],
                    )?;
                }
            }
        }
    }
    Ok(())
}
