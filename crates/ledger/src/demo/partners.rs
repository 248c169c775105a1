//! The demo's second half: the 智慧益仓 shop alliance and other partner organisations with
//! their members, volunteer hours from the classes already held (mostly confirmed, some still
//! waiting for review), services and visits to the households that need care, and the party
//! secretary's 14 projects with milestones. It goes through the same Ledger methods the app
//! uses, so the demo also exercises every rule they enforce.

use super::{chance, mobile, pick};
use crate::error::Result;
use crate::hours::HoursReview;
use crate::ledger::Ledger;
use crate::projects::{MilestoneInput, ProjectInput};
use crate::services::{ServiceDoneInput, ServiceInput};
use crate::volunteers::{OrganisationInput, VolunteerInput};
use chrono::{Duration, NaiveDate};

struct DemoOrganisation {
    name: &'static str,
    kind: &'static str,
    contact: &'static str,
    address: &'static str,
    services: &'static [&'static str],
    members: &'static [&'static str],
}

const ORGANISATIONS: &[DemoOrganisation] = &[
    DemoOrganisation {
        name: "老周家电维修部",
        kind: "智慧益仓商户",
        contact: "周国平",
        address: "浏河路 18 号门面",
        services: &["家电维修"],
        members: &["周国平", "周小军"],
    },
    DemoOrganisation {
        name: "浏河水电便民店",
        kind: "智慧益仓商户",
        contact: "李德胜",
        address: "浏河路 26 号门面",
        services: &["水电维修"],
        members: &["李德胜"],
    },
    DemoOrganisation {
        name: "红梅理发店",
        kind: "智慧益仓商户",
        contact: "谢红梅",
        address: "浏河路 33 号门面",
        services: &["理发"],
        members: &["谢红梅", "彭丽"],
    },
    DemoOrganisation {
        name: "邻里鲜蔬超市",
        kind: "智慧益仓商户",
        contact: "唐建军",
        address: "浏河路 40 号门面",
        services: &["代购代办", "助餐送餐"],
        members: &["唐建军"],
    },
    DemoOrganisation {
        name: "康宁大药房浏河店",
        kind: "智慧益仓商户",
        contact: "邹敏",
        address: "浏河路 52 号门面",
        services: &["义诊"],
        members: &["邹敏"],
    },
    DemoOrganisation {
        name: "湘江物业服务有限公司",
        kind: "企业",
        contact: "曾志强",
        address: "浏河社区物业服务中心",
        services: &["保洁", "水电维修"],
        members: &["曾志强", "罗海"],
    },
    DemoOrganisation {
        name: "星城律师事务所",
        kind: "企业",
        contact: "欧阳静",
        address: "芙蓉中路 9 号",
        services: &["法律咨询"],
        members: &["欧阳静"],
    },
    DemoOrganisation {
        name: "暖阳社会工作服务中心",
        kind: "社会组织",
        contact: "袁晓燕",
        address: "浏河社区党群服务中心二楼",
        services: &["心理疏导", "助老服务"],
        members: &["袁晓燕", "蒋思远"],
    },
    DemoOrganisation {
        name: "青禾青年志愿者协会",
        kind: "社会组织",
        contact: "熊子涵",
        address: "湖南师范大学",
        services: &["学业辅导"],
        members: &["熊子涵", "田雨桐", "叶嘉懿"],
    },
];

struct DemoProject {
    name: &'static str,
    line: &'static str,
    owner: &'static str,
    goal: &'static str,
    /// Days from today to the start and the end.
    span: (i64, i64),
    /// Milestones: title, due (days from today), done (days from today, None = not yet).
    milestones: &'static [(&'static str, i64, Option<i64>)],
    /// Beginnings of demo class titles whose sessions belong to the project.
    classes: &'static [&'static str],
}

const SECRETARY: &str = "周丽华";
const DEPUTY: &str = "陈建平";

const PROJECTS: &[DemoProject] = &[
    DemoProject {
        name: "红色知识进楼栋",
        line: "红引擎·在职党员",
        owner: SECRETARY,
        goal: "每个楼栋每季度一次红色知识小课堂，覆盖全部 80 岁以上党员",
        span: (-150, 120),
        milestones: &[
            ("确定讲师与课表", -140, Some(-142)),
            ("完成一半楼栋", -20, Some(-25)),
            ("全部楼栋覆盖", 90, None),
        ],
        classes: &["红色知识小课堂"],
    },
    DemoProject {
        name: "银发YUE 文化课堂提质",
        line: "银力量·离退休党员",
        owner: SECRETARY,
        goal: "书法、合唱、太极三门课固定开班，每班 20 人以上",
        span: (-120, 60),
        milestones: &[("招募老师", -110, Some(-112)), ("三门课开班", -60, Some(-58)), ("汇报演出", 45, None)],
        classes: &["银发YUE 文化课堂"],
    },
    DemoProject {
        name: "花儿YUE 暑期托管",
        line: "青动力·两新组织",
        owner: DEPUTY,
        goal: "暑假为双职工家庭提供 6 周托管与实践活动",
        span: (-200, -90),
        milestones: &[("报名", -190, Some(-192)), ("开营", -160, Some(-160)), ("结营总结", -100, Some(-98))],
        classes: &[],
    },
    DemoProject {
        name: "青春FUN 打卡共创",
        line: "青动力·两新组织",
        owner: DEPUTY,
        goal: "青年居民每月打卡社区公益 2 次",
        span: (-90, 150),
        milestones: &[("上线打卡点位", -80, Some(-79)), ("首批 50 人打卡", -10, None), ("年度评选", 140, None)],
        classes: &["青春FUN 打卡"],
    },
    DemoProject {
        name: "智慧益仓便民联盟扩容",
        line: "青动力·两新组织",
        owner: SECRETARY,
        goal: "联盟商户从 5 家增加到 10 家，覆盖维修、理发、助餐",
        span: (-100, 200),
        milestones: &[
            ("签约第 6 至 8 家", -30, Some(-35)),
            ("签约第 9、10 家", 60, None),
            ("服务满意度回访", 180, None),
        ],
        classes: &[],
    },
    DemoProject {
        name: "独居老人每周一访",
        line: "银力量·离退休党员",
        owner: SECRETARY,
        goal: "独居、孤寡老人每周至少一次上门或电话问候",
        span: (-180, 185),
        milestones: &[("建立结对名单", -170, Some(-171)), ("结对全覆盖", -40, None), ("年终走访总结", 170, None)],
        classes: &[],
    },
    DemoProject {
        name: "老旧小区加装电梯协调",
        line: "红引擎·在职党员",
        owner: DEPUTY,
        goal: "完成 3 个单元加装电梯意见征集与签字",
        span: (-60, 300),
        milestones: &[("意向摸排", -45, Some(-44)), ("单元协商会", 30, None), ("报批材料", 120, None)],
        classes: &[],
    },
    DemoProject {
        name: "美丽楼栋微改造",
        line: "红引擎·在职党员",
        owner: DEPUTY,
        goal: "楼道杂物清理、照明修复、扶手加装",
        span: (-240, -10),
        milestones: &[("杂物清理", -220, Some(-219)), ("照明修复", -120, Some(-125)), ("扶手加装", -30, Some(-28))],
        classes: &[],
    },
    DemoProject {
        name: "垃圾分类督导",
        line: "银力量·离退休党员",
        owner: SECRETARY,
        goal: "早晚高峰桶边督导，分类准确率 85% 以上",
        span: (-300, 60),
        milestones: &[("督导员培训", -290, Some(-288)), ("准确率达 70%", -100, Some(-95)), ("准确率达 85%", -5, None)],
        classes: &[],
    },
    DemoProject {
        name: "平安浏河夜间巡逻",
        line: "银力量·离退休党员",
        owner: DEPUTY,
        goal: "每晚两人一组巡逻，节假日加密",
        span: (-150, 210),
        milestones: &[("排班表", -140, Some(-141)), ("春节加密方案", 50, None)],
        classes: &[],
    },
    DemoProject {
        name: "社区长者助餐点",
        line: "青动力·两新组织",
        owner: SECRETARY,
        goal: "与邻里鲜蔬超市合作，每天中午为 80 岁以上老人送餐",
        span: (-70, 290),
        milestones: &[("场地与食品许可", -50, Some(-52)), ("试运行", -15, Some(-14)), ("正式运营", 20, None)],
        classes: &[],
    },
    DemoProject {
        name: "党员双报到认领微心愿",
        line: "红引擎·在职党员",
        owner: SECRETARY,
        goal: "在职党员认领困难家庭微心愿 60 个",
        span: (-30, 60),
        milestones: &[("征集微心愿", -20, Some(-21)), ("认领完成", 25, None), ("心愿兑现", 55, None)],
        classes: &[],
    },
    DemoProject {
        name: "和事佬邻里调解工作室",
        line: "银力量·离退休党员",
        owner: DEPUTY,
        goal: "老党员调解邻里纠纷，矛盾不出社区",
        span: (-365, 0),
        milestones: &[("工作室挂牌", -350, Some(-350)), ("调解员培训", -200, Some(-205)), ("年度总结", -2, Some(-3))],
        classes: &[],
    },
    DemoProject {
        name: "数字助老智能手机课堂",
        line: "青动力·两新组织",
        owner: DEPUTY,
        goal: "教会 100 位老人用手机挂号、缴费、视频通话",
        span: (-45, 100),
        milestones: &[("招募大学生志愿者", -35, Some(-36)), ("开课 4 期", -7, None), ("结业考核", 90, None)],
        classes: &[],
    },
];

/// Where the office's own review is done, so the demo's confirmed hours name a verifier.
const VERIFIER: &str = "周丽华";

impl Ledger {
    /// Fills in organisations, volunteers, hours, services and projects after the register
    /// and the classes exist (see `create_demo`).
    pub(super) fn fill_demo_partners(&mut self, seed: u64) -> Result<()> {
        let mut rng = fastrand::Rng::with_seed(seed ^ 0x5E41);
        let today = self.today();
        // Residents ticked 志愿者 were numbered as they were written (joining today); in the demo
        // they have served for years, so their past hours are theirs to record.
        let mut stmt = self.conn.prepare("SELECT id FROM volunteers WHERE resident_id IS NOT NULL ORDER BY id")?;
        let ids: Vec<i64> = stmt.query_map([], |r| r.get(0))?.collect::<rusqlite::Result<_>>()?;
        drop(stmt);
        for id in ids {
            let joined = today - Duration::days(rng.i64(365..3 * 365));
            self.conn.execute(
                "UPDATE volunteers SET joined_on = ?2 WHERE id = ?1",
                rusqlite::params![id, joined.to_string()],
            )?;
        }
        let organisations = self.demo_organisations(&mut rng, today)?;
        self.demo_activity_hours(&mut rng)?;
        let projects = self.demo_projects(today)?;
        self.demo_services(&mut rng, today, &organisations, &projects)?;
        Ok(())
    }

    fn demo_organisations(&mut self, rng: &mut fastrand::Rng, today: NaiveDate) -> Result<Vec<i64>> {
        let mut ids = Vec::new();
        for organisation in ORGANISATIONS {
            let id = self.save_organisation(&OrganisationInput {
                name: organisation.name.into(),
                kind: organisation.kind.into(),
                contact_person: organisation.contact.into(),
                phone: mobile(rng).as_str().into(),
                address: organisation.address.into(),
                services: organisation.services.iter().map(|s| s.to_string()).collect(),
                ..Default::default()
            })?;
            for member in organisation.members {
                self.save_volunteer(&VolunteerInput {
                    organisation_id: Some(id),
                    name: member.to_string(),
                    phone: mobile(rng).as_str().into(),
                    line: "青动力·两新组织".into(),
                    skills: organisation.services.join("、"),
                    joined_on: (today - Duration::days(rng.i64(200..900))).to_string(),
                    ..Default::default()
                })?;
            }
            ids.push(id);
        }
        Ok(ids)
    }

    /// Hours for the volunteers who came to the classes already held; older ones are
    /// confirmed, the last week's wait for review, and one entry was rejected.
    fn demo_activity_hours(&mut self, rng: &mut fastrand::Rng) -> Result<()> {
        let today = self.today();
        let held: Vec<(i64, String)> = {
            let mut stmt = self.conn.prepare(
                "SELECT a.id, a.date FROM activities a
                 WHERE a.date < ?1 AND a.cancelled_on IS NULL
                   AND EXISTS (SELECT 1 FROM signups g JOIN volunteers v ON v.resident_id = g.resident_id
                               WHERE g.activity_id = a.id AND g.attended = 1 AND v.left_on IS NULL)
                 ORDER BY a.date, a.start_time, a.id",
            )?;
            let rows = stmt.query_map([today.to_string()], |r| Ok((r.get(0)?, r.get(1)?)))?;
            rows.collect::<rusqlite::Result<_>>()?
        };
        let last_week = (today - Duration::days(7)).to_string();
        let mut rejected_one = false;
        for (activity_id, date) in held {
            let created = self.record_activity_hours(activity_id)?.created;
            if created.is_empty() || date >= last_week {
                continue;
            }
            if !rejected_one && created.len() > 1 {
                let note = "当天只参加了前半场，请按实际时间更正".to_string();
                self.review_hours(&created[..1], &HoursReview { approve: false, verifier: VERIFIER.into(), note })?;
                rejected_one = true;
                self.review_hours(&created[1..], &confirm())?;
            } else if chance(rng, 90) {
                self.review_hours(&created, &confirm())?;
            }
        }
        Ok(())
    }

    fn demo_projects(&mut self, today: NaiveDate) -> Result<Vec<i64>> {
        let day = |offset: i64| (today + Duration::days(offset)).to_string();
        let mut ids = Vec::new();
        for project in PROJECTS {
            let activity_ids = self.demo_class_sessions(project.classes)?;
            let id = self.save_project(&ProjectInput {
                name: project.name.into(),
                line: project.line.into(),
                owner: project.owner.into(),
                goal: project.goal.into(),
                starts_on: day(project.span.0),
                ends_on: day(project.span.1),
                milestones: project
                    .milestones
                    .iter()
                    .map(|(title, due, done)| MilestoneInput {
                        id: None,
                        title: title.to_string(),
                        due_on: day(*due),
                        done_on: done.map(day),
                    })
                    .collect(),
                activity_ids,
                ..Default::default()
            })?;
            ids.push(id);
        }
        Ok(ids)
    }

    fn demo_class_sessions(&self, titles: &[&str]) -> Result<Vec<i64>> {
        let mut ids = Vec::new();
        for title in titles {
            let mut stmt =
                self.conn.prepare("SELECT id FROM activities WHERE substr(title, 1, length(?1)) = ?1 ORDER BY date")?;
            let rows = stmt.query_map([title], |r| r.get(0))?;
            ids.extend(rows.collect::<rusqlite::Result<Vec<i64>>>()?);
        }
        Ok(ids)
    }

    /// Visits and repairs for about two thirds of the households on the care list: most
    /// done (with volunteers' hours), some still open, and some households never visited,
    /// so the care list has overdue rows to show.
    fn demo_services(
        &mut self,
        rng: &mut fastrand::Rng,
        today: NaiveDate,
        organisations: &[i64],
        projects: &[i64],
    ) -> Result<()> {
        let households: Vec<i64> = self.care_list(None)?.households.iter().map(|h| h.household_id).collect();
        let visitors: Vec<i64> = {
            let mut stmt = self.conn.prepare(
                "SELECT id FROM volunteers WHERE resident_id IS NOT NULL AND line = '银力量·离退休党员' AND left_on IS NULL
                 ORDER BY id",
            )?;
            let rows = stmt.query_map([], |r| r.get(0))?;
            rows.collect::<rusqlite::Result<_>>()?
        };
        let weekly_visits = projects.get(5).copied();
        let repairs =
            [("家电维修", 0, "电视机无信号"), ("水电维修", 1, "厨房水龙头漏水"), ("家电维修", 0, "洗衣机不脱水")];
        // (volunteer, days ago, slot) already taken: past 210 households the (day, slot) pairs come
        // round again, and a volunteer drawn twice for one would be refused as overlapping.
        let mut busy: std::collections::HashSet<(i64, i64, u32)> = std::collections::HashSet::new();
        for (n, household_id) in households.into_iter().enumerate() {
            if n % 3 == 2 {
                continue; // never visited: shows as overdue on the care list
            }
            // One visit per (day, evening slot): a volunteer's visits never overlap each other
            // or the classes, which end by 17:00.
            let days_ago = 2 + (n as i64 % 70);
            let slot = (n / 70 % 3) as u32;
            let requested = today - Duration::days(days_ago + rng.i64(0..3));
            let volunteers: Vec<i64> =
                if visitors.is_empty() { Vec::new() } else { vec![*pick(rng, &visitors), *pick(rng, &visitors)] };
            let mut volunteer_ids = volunteers;
            volunteer_ids.dedup();
            volunteer_ids.retain(|v| busy.insert((*v, days_ago, slot)));
            let service = self.save_service(&ServiceInput {
                household_id,
                kind: "走访慰问".into(),
                description: "上门看望，了解近况".into(),
                requested_on: requested.to_string(),
                volunteer_ids,
                project_id: weekly_visits,
                ..Default::default()
            })?;
            let outcome =
                pick(rng, &["身体状况良好，生活能自理", "血压偏高，已提醒按时服药", "需要代购米油，已转智慧益仓"]);
            self.demo_complete(service, today - Duration::days(days_ago), slot, outcome)?;
            if n % 5 == 0 {
                let (kind, shop, description) = repairs[n / 5 % repairs.len()];
                let requested = today - Duration::days(rng.i64(0..10));
                let service = self.save_service(&ServiceInput {
                    household_id,
                    kind: kind.into(),
                    description: description.into(),
                    requested_on: requested.to_string(),
                    organisation_id: organisations.get(shop).copied(),
                    ..Default::default()
                })?;
                if requested < today - Duration::days(4) {
                    self.demo_complete(service, requested + Duration::days(1), 0, "已修好，免收人工费")?;
                }
            }
        }
        Ok(())
    }

    fn demo_complete(&mut self, service: i64, done: NaiveDate, slot: u32, outcome: &str) -> Result<()> {
        let hour = 17 + slot;
        let entries = self
            .complete_service(
                service,
                &ServiceDoneInput {
                    done_on: done.to_string(),
                    start_time: format!("{hour:02}:10"),
                    end_time: format!("{hour:02}:55"),
                    outcome: outcome.into(),
                    follow_up_on: String::new(),
                },
            )?
            .hour_entries;
        if !entries.is_empty() && done < self.today() - Duration::days(7) {
            self.review_hours(&entries, &confirm())?;
        }
        Ok(())
    }
}

fn confirm() -> HoursReview {
    HoursReview { approve: true, verifier: VERIFIER.into(), note: String::new() }
}
