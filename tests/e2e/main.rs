//! End-to-end tests of the real app: what an office worker does with the register, through
//! the real window, forms and database file.

mod fixtures;
mod harness;
mod no_network;
mod steps;

use fixtures::unique_names;
use harness::App;
use steps::*;

/// A valid ID number for 1956-03-12, sequence 999 (odd: male).
const GOOD_ID: &str = "430105195603129998";

#[test]
fn good_id_fixture_is_valid() {
    assert!(xinghe_ledger::values::idcard::IdNumber::parse(GOOD_ID, harness::today()).is_ok());
}

/// "Today" pinned with a typo must not fall back to the clock unnoticed: the app stops before
/// its window opens, naming the value (exit code 2).
#[test]
fn a_malformed_xinghe_today_stops_the_app_naming_the_value() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("never.db");
    let mut app = std::process::Command::new(env!("CARGO_BIN_EXE_xinghe"))
        .env("XINGHE_DB", &db)
        .env(xinghe_ledger::values::dates::TODAY_VARIABLE, "2027-02-30")
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    let status = loop {
        if let Some(status) = app.try_wait().unwrap() {
            break status;
        }
        if std::time::Instant::now() > deadline {
            app.kill().unwrap();
            app.wait().unwrap();
            panic!("the app started with XINGHE_TODAY=2027-02-30");
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    };
    let mut stderr = String::new();
    std::io::Read::read_to_string(&mut app.stderr.take().unwrap(), &mut stderr).unwrap();
    assert_eq!(status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("环境变量 XINGHE_TODAY=“2027-02-30”不是有效日期"), "{stderr}");
    assert!(!db.exists(), "no register is created");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_household_with_two_residents_is_found_by_initials_and_survives_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("e2e.db");

    let app = App::launch(&db).await;
    // First start: no database yet, the welcome screen offers the demo.
    app.click("#create-demo").await;
    // The first start makes its administrator.
    app.element("#auth-create").await;
    app.screenshot("00-create-admin").await;
    app.enter().await;
    // The dashboard is the start page; the register is one click away.
    app.element("#dash-counts").await;
    app.click("a[data-nav=\"households\"]").await;
    app.wait_for_text("#households-table", "栋").await;
    app.element("#add-household").await;
    app.screenshot("01-households").await;

    app.click("#add-household").await;
    app.choose("#hh-grid", "第一网格").await;
    app.choose("#hh-building", "1栋").await;
    app.choose("#hh-unit", "1单元").await;
    app.type_into("#hh-room", "701").await;
    app.type_into("#hh-phone", "0731-84123456").await;
    app.click("#hh-save").await;
    app.wait_for_text("#household-detail", "1栋1单元701").await;

    app.click("#add-resident").await;
    app.type_into("#rs-name", "谷雨晴").await;
    app.choose("#rs-relation", "户主").await;
    app.type_into("#rs-id-number", GOOD_ID).await;
    app.type_into("#rs-phone", "139 0731 0001").await;
    app.click("#rs-save").await;
    app.wait_for_text("#members-table", "谷雨晴").await;

    app.click("#add-resident").await;
    app.insert_text("#rs-name", "谷𠇔").await;
    app.choose("#rs-relation", "子").await;
    app.type_into("#rs-birth-date", "1985-06-01").await;
    app.click("#rs-save").await;
    app.wait_for_text("#members-table", "谷𠇔").await;
    app.screenshot("02-household").await;

    app.type_into("#search-input", "gyq").await;
    app.wait_for_text(".search-hit", "谷雨晴").await;
    app.screenshot("03-search").await;
    app.close().await;

    // Restart on the same file: no welcome screen, the household is still there.
    let app = App::launch(&db).await;
    app.type_into("#search-input", "gyq").await;
    app.wait_for_text(".search-hit", "谷雨晴").await.click().await.unwrap();
    let detail = app.wait_for_text("#household-detail", "谷𠇔").await;
    let text = detail.text().await.unwrap();
    assert!(text.contains("谷雨晴") && text.contains("1栋1单元701"), "{text}");
    assert!(text.contains("430105********9998"), "ID numbers are masked on the page: {text}");
    app.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_bad_id_number_shows_a_chinese_message_and_saves_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("e2e.db");
    {
        let mut ledger = harness::open_ledger(&db);
        ledger.create_demo(100, 1).unwrap();
    }
    let residents_before = harness::open_ledger(&db).stats().unwrap().residents;

    let app = App::launch(&db).await;
    app.click("a[data-nav=\"households\"]").await;
    app.click("#households-table tbody tr td").await;
    app.click("#add-resident").await;
    app.type_into("#rs-name", "钱多多").await;
    app.choose("#rs-relation", "其他").await;
    // Last character changed: the MOD 11-2 check fails.
    app.type_into("#rs-id-number", "430105195603129991").await;
    app.click("#rs-save").await;
    let message = app.wait_for_text(".field-error[data-field=\"id_number\"]", "校验位").await;
    assert!(message.text().await.unwrap().contains("应为 8"), "names the expected check character");
    app.screenshot("04-bad-id").await;
    app.close().await;

    assert_eq!(harness::open_ledger(&db).stats().unwrap().residents, residents_before);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_window_is_chinese_first_switches_to_english_and_loads_the_bundled_font() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("e2e.db");
    harness::open_ledger(&db).create_demo(100, 2).unwrap();

    let app = App::launch(&db).await;
    assert_eq!(app.driver.title().await.unwrap(), "星河社区台账");
    app.wait_for_text("a[data-nav=\"households\"]", "户籍台账").await;
    // The font file is served from the binary through the app's own protocol, under the CSP.
    let loaded = app
        .driver
        .execute(
            "const face = new FontFace('BundledCheck', 'url(fonts/NotoSansCJKsc-Regular.otf)');
             return face.load().then(f => { document.fonts.add(f); return document.fonts.check('16px BundledCheck', '曹𠇔'); },
                                     e => 'failed: ' + e);",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(loaded.json(), &serde_json::json!(true), "bundled Noto Sans CJK SC loads");

    app.click("#lang-toggle").await;
    app.wait_for_text("a[data-nav=\"households\"]", "Households").await;
    app.screenshot("05-english").await;
    app.click("#lang-toggle").await;
    app.wait_for_text("a[data-nav=\"households\"]", "户籍台账").await;
    app.click("a[data-nav=\"settings\"]").await;
    app.wait_for_text("#places-tree", "第一网格").await;
    app.screenshot("06-settings").await;
    app.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_office_imports_its_register_exports_the_rejected_rows_and_prints_the_roster() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("e2e.db");
    let saved = dir.path().join("saved");
    std::fs::create_dir_all(&saved).unwrap();
    {
        let mut ledger = harness::open_ledger(&db);
        ledger.set_community_name("浏河社区").unwrap();
    }
    // The register as Chinese Excel saves it: GB18030 (GBK plus 4-byte characters such as 𠇔),
    // a title line, a bad check character.
    let csv = "浏河社区居民登记表\n\
               姓名,公民身份号码,所属网格,住址,关系,手机号码,人员类别\n\
               孔喆,430105196401060595,第一网格,1栋1单元101,户主,13800000001,独居老人\n\
               郝堃,,第一网格,1栋1单元101,配偶,,\n\
               曹𠇔,430105197204082031,第一网格,1栋1单元102,户主,,\n";
    let (bytes, _, unmappable) = encoding_rs::GB18030.encode(csv);
    assert!(!unmappable);
    let register = dir.path().join("登记表.csv");
    std::fs::write(&register, &bytes).unwrap();

    let app = App::launch_with_env(&db, &[("XINGHE_E2E_OPEN", &register), ("XINGHE_E2E_SAVE_DIR", &saved)]).await;
    app.click("a[data-nav=\"import\"]").await;
    app.click("#import-choose").await;
    app.wait_for_text("#import-preview", "孔喆").await;
    app.wait_for_text("#import-preview", "曹𠇔").await;
    let errors = app.wait_for_text("#import-errors", "校验位").await;
    assert!(errors.text().await.unwrap().contains('5'), "the rejected row is named by its Excel row (5)");
    app.screenshot("07-import-preview").await;
    app.click("#import-run").await;
    let report = app.wait_for_text("#import-report", "2").await;
    app.element("#import-export-rejected").await;
    app.screenshot("08-import-report").await;
    let text = report.text().await.unwrap();
    assert!(text.contains('1'), "one household created, one row rejected: {text}");
    app.click("#import-export-rejected").await;
    let rejected_file = wait_for_file(&saved, ".xlsx").await;
    assert!(rejected_file.file_name().unwrap().to_string_lossy().contains("未导入"));

    app.type_into("#search-input", "kz").await;
    app.wait_for_text(".search-hit", "孔喆").await;

    app.click("a[data-nav=\"households\"]").await;
    app.click("#print-roster").await;
    app.click("#roster-print").await;
    let pdf = wait_for_file(&saved, ".pdf").await;
    let text = std::process::Command::new("pdftotext").arg(&pdf).arg("-").output().unwrap().stdout;
    let text = String::from_utf8_lossy(&text);
    assert!(text.contains("孔喆") && text.contains("郝堃"), "the roster lists the imported people: {text}");
    assert!(text.contains("浏河社区"));
    app.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_class_fills_up_waitlists_promotes_on_cancel_and_takes_the_roll() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("e2e.db");
    let (two_member_head, singles) = {
        let mut ledger = harness::open_ledger(&db);
        ledger.create_demo(100, 4).unwrap();
        let page = ledger
            .list_households(&xinghe_ledger::register::model::HouseholdFilter {
                limit: Some(500),
                ..Default::default()
            })
            .unwrap();
        let pairs: Vec<i64> = page.rows.iter().filter(|h| h.member_count == 2).map(|h| h.id).collect();
        let ones: Vec<i64> = page.rows.iter().filter(|h| h.member_count == 1).map(|h| h.id).collect();
        (unique_names(&mut ledger, &pairs).remove(0).0, unique_names(&mut ledger, &ones))
    };

    let app = App::launch(&db).await;
    app.click("a[data-nav=\"activities\"]").await;
    app.click("#add-activity").await;
    app.type_into("#act-title", "端到端测试·书法体验课").await;
    app.choose("#act-line", "银力量").await;
    // A year ahead, past every demo session (they end a few weeks after today).
    app.type_into("#act-date", &days_ahead(365)).await;
    app.type_into("#act-start", "09:00").await;
    app.type_into("#act-end", "10:30").await;
    app.type_into("#act-place", "浏河书屋").await;
    app.type_into("#act-capacity", "3").await;
    app.click("#act-save").await;
    // Saving opens the new activity's page.
    app.wait_for_text("#activity-detail", "端到端测试·书法体验课").await;
    app.wait_for_text("#activity-detail", "浏河书屋").await;

    // A household of two signs up together, then one more person: the class is full.
    app.type_into("#signup-search", &two_member_head).await;
    let hit = app.wait_for_text(".signup-hit", &two_member_head).await;
    hit.find(thirtyfour::By::Css(".signup-household")).await.unwrap().click().await.unwrap();
    app.wait_for_text("#attendance-count", "2").await;
    app.type_into("#signup-search", &singles[0].0).await;
    app.wait_for_text(".signup-hit", &singles[0].0).await.click().await.unwrap();
    app.wait_for_text("#signups-table", &singles[0].0).await;
    // The next one waits.
    app.type_into("#signup-search", &singles[1].0).await;
    app.wait_for_text(".signup-hit", &singles[1].0).await.click().await.unwrap();
    app.wait_for_text("#toast", "候补").await;
    app.screenshot("09-activity-full").await;

    // One registered person cancels: the first in line is promoted, and the app says so.
    app.click("#signups-table .cancel-signup").await;
    app.click("#confirm-ok").await;
    app.wait_for_text("#signup-promoted", &singles[1].0).await;
    app.wait_for_text("#signup-promoted", "正式报名").await;
    // Roll call.
    app.click("#signups-table .attend-toggle").await;
    app.wait_for_text("#attendance-count", "已到 1").await;
    app.screenshot("10-activity-roll-call").await;
    app.close().await;

    let ledger = harness::open_ledger(&db);
    let activity = ledger
        .list_activities(&xinghe_ledger::activities::ActivityFilter {
            from: Some(days_ahead(300)),
            ..Default::default()
        })
        .unwrap()
        .remove(0);
    assert_eq!((activity.registered, activity.waitlisted, activity.attended), (3, 0, 1));
}

/// Found in review: editing a resident in the form dropped the care needs the form has no
/// checkbox for (kind 其他, kept verbatim from an import, e.g. 失独家庭).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn editing_a_resident_keeps_an_imported_care_label() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("e2e.db");
    let (household, resident) = {
        let mut ledger = harness::open_ledger(&db);
        ledger.create_demo(100, 9).unwrap();
        let page = ledger.list_households(&xinghe_ledger::register::model::HouseholdFilter::default()).unwrap();
        let household = page.rows[0].id;
        let id = ledger.household(household).unwrap().members[0].id;
        let mut record = ledger.resident(id).unwrap();
        record.care_needs.push(xinghe_ledger::register::model::CareNeed {
            kind: "其他".into(),
            label: Some("失独家庭".into()),
            ..Default::default()
        });
        let input = xinghe_ledger::register::model::ResidentInput {
            id: Some(id),
            household_id: household,
            name: record.name,
            sex: record.sex,
            id_number: record.id_number,
            birth_date: record.birth_date,
            phone: record.phone,
            relation: record.relation,
            political_status: Some(record.political_status),
            care_needs: record.care_needs,
            is_volunteer: record.is_volunteer,
            notes: Some(record.notes),
        };
        ledger.save_resident(&input).unwrap();
        (household, id)
    };
    let app = App::launch(&db).await;
    app.element("#app .app-nav").await;
    app.driver.execute(&format!("location.hash = '#/household/{household}'"), vec![]).await.unwrap();
    app.wait_for_text("#members-table", "失独家庭").await;
    app.click("#members-table .edit-resident").await;
    app.type_into("#rs-phone", "13900009999").await;
    app.click("#rs-save").await;
    app.wait_for_text("#members-table", "139****9999").await;
    app.close().await;
    let ledger = harness::open_ledger(&db);
    let labels: Vec<String> = ledger.resident(resident).unwrap().care_needs.iter().map(|c| c.display()).collect();
    assert!(labels.contains(&"失独家庭".to_string()), "{labels:?}");
}

// ---- Volunteers and the hours ledger ----

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hours_recorded_from_an_activity_are_confirmed_in_the_ledger_and_counted() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("e2e.db");
    let fixture = fixtures::hours_fixture(&db, harness::today());
    let (first, second, third) = (&fixture.volunteers[0], &fixture.volunteers[1], &fixture.volunteers[2]);

    let app = App::launch(&db).await;
    app.element("#app .app-nav").await;
    app.driver.execute(&format!("location.hash = '#/activity/{}'", fixture.activity), vec![]).await.unwrap();
    app.wait_for_text("#activity-detail", &fixture.title).await;
    app.wait_for_text("#attendance-count", "已到 3").await;
    app.click("#record-volunteer-hours").await;
    // Two are recorded; the third is skipped with the reason (the overlap names the other entry).
    app.wait_for_text("#activity-hours-result", "已为 2 位").await;
    let skipped = app.wait_for_text("#activity-hours-skipped", &third.1).await;
    assert!(skipped.text().await.unwrap().contains("陪同就医"), "the reason names the conflicting entry");
    app.screenshot("11-activity-hours-recorded").await;

    // To the ledger, filtered to this activity: two pending entries, nothing confirmed yet.
    app.click("#activity-hours-review").await;
    app.wait_for_text("#hours-activity-filter", &fixture.title).await;
    app.wait_for_text("#hours-table", &first.1).await;
    app.wait_for_text("#hours-table", &second.1).await;
    app.wait_for_text("#hours-total-pending", "5 小时").await;
    app.wait_for_text("#hours-total-confirmed", "0 分").await;
    app.click("#hours-select-all").await;
    app.wait_for_text("#hours-selected", "已选 2 条，共 5 小时").await;
    app.screenshot("12-hours-selected").await;
    app.click("#hours-confirm").await;
    app.type_into("#review-verifier", "王主任").await;
    app.screenshot("13-hours-confirm-dialog").await;
    app.click("#review-ok").await;
    app.wait_for_text("#toast", "已确认 2 条").await;
    app.wait_for_text("#hours-total-confirmed", "5 小时").await;
    app.wait_for_text("#hours-total-pending", "0 分").await;
    app.wait_for_text("#hours-table", "王主任").await;
    app.screenshot("14-hours-confirmed").await;

    // The volunteers' own totals: 2 h earlier + 2 h 30 min now.
    app.click("#tab-list").await;
    app.type_into("#vol-query", &first.1).await;
    app.wait_for_text("#volunteers-summary", "共 1 位").await;
    app.wait_for_text("#volunteers-table", "4 小时 30 分").await;
    app.screenshot("15-volunteers-list").await;
    app.close().await;

    let ledger = harness::open_ledger(&db);
    let entries = ledger
        .list_hours(&xinghe_ledger::hours::HoursFilter { activity_id: Some(fixture.activity), ..Default::default() })
        .unwrap();
    assert_eq!(entries.len(), 2);
    assert!(entries.iter().all(|e| e.status == "已确认" && e.verifier.as_deref() == Some("王主任")), "{entries:?}");
    assert_eq!(ledger.volunteer(first.0).unwrap().volunteer.confirmed_minutes, 270);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_organisation_member_works_a_night_shift_has_it_corrected_and_gets_a_certificate() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("e2e.db");
    let saved = dir.path().join("saved");
    std::fs::create_dir_all(&saved).unwrap();
    fixtures::hours_fixture(&db, harness::today());
    // A resident who is not a volunteer yet, to be chosen in the form by search.
    let candidate = {
        let mut ledger = harness::open_ledger(&db);
        let page = ledger
            .list_households(&xinghe_ledger::register::model::HouseholdFilter {
                limit: Some(500),
                ..Default::default()
            })
            .unwrap();
        let households: Vec<i64> = page.rows.iter().rev().map(|h| h.id).collect();
        let names = unique_names(&mut ledger, &households);
        names
            .into_iter()
            .find(|(name, household)| {
                ledger.household(*household).unwrap().members.iter().any(|m| &m.name == name && !m.is_volunteer)
            })
            .unwrap()
            .0
    };
    // Two days ago, so that the night ends before now whatever the time of day.
    let night = days_ago(2);

    let app = App::launch_with_env(&db, &[("XINGHE_E2E_SAVE_DIR", &saved)]).await;
    app.click("a[data-nav=\"volunteers\"]").await;
    app.wait_for_text("#volunteers-summary", "位志愿者").await;

    // A shop of the 智慧益仓 alliance with what it offers.
    app.click("#tab-orgs").await;
    app.click("#add-organisation").await;
    app.type_into("#of-name", "端到端·邻里益仓便利店").await;
    app.choose("#of-kind", "智慧益仓商户").await;
    app.type_into("#of-contact", "钱老板").await;
    app.type_into("#of-phone", "13800001111").await;
    app.click("#of-offer-0").await;
    app.type_into("#of-other", "开锁、配钥匙").await;
    app.screenshot("16-organisation-form").await;
    app.click("#of-save").await;
    let row = app.wait_for_text("#organisations-table tbody tr", "端到端·邻里益仓便利店").await;
    let text = row.text().await.unwrap();
    assert!(text.contains("开锁") && text.contains("138****1111"), "services and the masked phone: {text}");

    // Its member, who is not a resident: name and phone.
    row.find(thirtyfour::By::Css(".org-members")).await.unwrap().click().await.unwrap();
    app.wait_for_text(".dialog", "这个组织还没有成员").await;
    app.click("#org-add-member").await;
    app.type_into("#vf-name", "端到端·夜班师傅").await;
    app.type_into("#vf-phone", "13900003333").await;
    // Hours before the joining date are refused, so the office enters when they joined.
    app.type_into("#vf-joined", &days_ago(30)).await;
    app.choose("#vf-line", "青动力").await;
    app.screenshot("17-member-form").await;
    app.click("#vf-save").await;
    app.wait_for_text("#toast", "志愿者已添加").await;
    app.wait_for_text("#organisations-table", "端到端·邻里益仓便利店").await;
    app.screenshot("17b-organisations").await;

    // A resident, chosen by search.
    app.click("#tab-list").await;
    app.click("#add-volunteer").await;
    app.type_into("#vf-resident-search", &candidate).await;
    app.wait_for_text(".vf-resident-hit", &candidate).await.click().await.unwrap();
    app.wait_for_text("#vf-resident-chosen", &candidate).await;
    app.type_into("#vf-skills", "书法").await;
    app.screenshot("18-resident-volunteer-form").await;
    app.click("#vf-save").await;
    app.wait_for_text("#toast", "志愿者已添加").await;
    app.type_into("#vol-query", "端到端·夜班师傅").await;
    app.wait_for_text("#volunteers-summary", "共 1 位").await;
    let row = app.wait_for_text("#volunteers-table", "139****3333").await;
    assert!(row.text().await.unwrap().contains("端到端·邻里益仓便利店"));

    // A night watch, 22:00 to 02:00 the next day.
    app.click("#tab-hours").await;
    app.click("#record-hours").await;
    app.choose("#hf-volunteer", "端到端·夜班师傅").await;
    app.type_into("#hf-date", &night).await;
    app.type_into("#hf-start", "22:00").await;
    app.type_into("#hf-end", "02:00").await;
    app.wait_for_text("#hf-duration", "次日结束").await;
    app.click("#hf-overnight").await;
    app.wait_for_text("#hf-duration", "4 小时").await;
    app.type_into("#hf-content", "夜间巡逻").await;
    app.type_into("#hf-place", "小区南门").await;
    app.screenshot("19-hours-form-overnight").await;
    app.click("#hf-save").await;
    app.wait_for_text("#toast", "已登记").await;
    let row = app.wait_for_text("#hours-table tbody tr", "夜间巡逻").await;
    assert!(row.text().await.unwrap().contains("22:00–次日 02:00"), "{}", row.text().await.unwrap());

    // It started at 21:30: 更正 with a reason; the old entry stays, rejected, with its history.
    dismiss_toast(&app).await;
    row.find(thirtyfour::By::Css(".hours-correct")).await.unwrap().click().await.unwrap();
    app.wait_for_text("#hf-correcting", "已驳回").await;
    app.type_into("#hf-start", "21:30").await;
    app.wait_for_text("#hf-duration", "4 小时 30 分").await;
    app.type_into("#hf-reason", "开始时间记错，实际 21:30 开始").await;
    app.click("#hf-save").await;
    app.wait_for_text("#toast", "已更正").await;
    let old = app.wait_for_text("#hours-table tbody tr", "已更正为第").await;
    assert!(old.text().await.unwrap().contains("已驳回"));
    dismiss_toast(&app).await;
    old.find(thirtyfour::By::Css(".hours-history")).await.unwrap().click().await.unwrap();
    let history = app.wait_for_text("#history-table", "更正").await;
    assert!(history.text().await.unwrap().contains("登记"));
    app.screenshot("20-hours-history").await;
    app.click("#history-ok").await;

    // Confirm the correction, then the report and the certificate.
    dismiss_toast(&app).await;
    let fixed = app.wait_for_text("#hours-table tbody tr", "更正第").await;
    fixed.find(thirtyfour::By::Css(".hours-select")).await.unwrap().click().await.unwrap();
    app.click("#hours-confirm").await;
    app.click("#review-ok").await;
    app.wait_for_text("#toast", "已确认 1 条").await;
    app.screenshot("21-hours-ledger").await;
    // Nothing of theirs is left to review: the list says so.
    app.choose("#hours-volunteer", "端到端·夜班师傅").await;
    app.choose("#hours-status", "待审核").await;
    app.wait_for_text("#hours-empty", "没有符合条件的志愿服务记录").await;
    app.screenshot("21b-hours-empty").await;

    app.click("#tab-report").await;
    app.type_into("#report-from", &days_ago(30)).await;
    app.type_into("#report-to", &days_ago(0)).await;
    app.click("#report-run").await;
    let row = app.wait_for_text("#report-volunteers tbody tr", "端到端·夜班师傅").await;
    assert!(row.text().await.unwrap().contains("4 小时 30 分"), "{}", row.text().await.unwrap());
    app.wait_for_text("#report-orgs", "端到端·邻里益仓便利店").await;
    app.screenshot("22-hours-report").await;
    app.driver.execute("document.querySelector('#report-lines').scrollIntoView()", vec![]).await.unwrap();
    app.screenshot("22b-hours-report-groups").await;
    row.find(thirtyfour::By::Css(".report-certificate")).await.unwrap().click().await.unwrap();
    let certificate = wait_for_file_named(&saved, "志愿服务记录证明").await;
    app.wait_for_text("#toast", "已生成").await;
    let text = pdf_text(&certificate);
    assert!(text.contains("端到端·夜班师傅") && text.contains("夜间巡逻"), "{text}");
    assert!(text.contains("4 小时 30 分"), "the total as the office writes it: {text}");
    app.click("#report-print").await;
    let report = wait_for_file_named(&saved, "志愿服务时长统计").await;
    // A narrow name column wraps the name: compare without line breaks.
    let text: String = pdf_text(&report).split_whitespace().collect();
    assert!(text.contains("端到端·夜班师傅"), "the report lists the volunteer: {text}");
    app.click("#report-export").await;
    wait_for_file_named(&saved, ".xlsx").await;

    app.click("#lang-toggle").await;
    app.wait_for_text("#report-volunteers", "Certificate").await;
    app.screenshot("23-hours-report-english").await;
    // The language is remembered by the webview: leave it Chinese for the next test.
    app.click("#lang-toggle").await;
    app.wait_for_text("#report-volunteers", "证明").await;
    app.close().await;
}
// ---- end volunteers ----

// ---- Dashboard, care visits, services, projects ----

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_dashboard_shows_counts_and_charts_and_a_service_done_from_the_care_page_gives_hours() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("e2e.db");
    let fixture = fixtures::care_fixture(&db, harness::today());
    let saved = dir.path().join("saved");
    std::fs::create_dir_all(&saved).unwrap();

    // The start page: counts, this month, the two charts, overdue visits and the late milestone.
    let app = App::launch_with_env(&db, &[("XINGHE_E2E_SAVE_DIR", &saved)]).await;
    app.wait_for_text("#dash-count-households", &fixture.households.to_string()).await;
    let d = &fixture.dashboard;
    app.wait_for_text("#dash-count-pending", &d.pending_hours.to_string()).await;
    let bars = app.driver.find_all(thirtyfour::By::Css("#hours-chart .chart-bar")).await.unwrap();
    assert_eq!(bars.len(), 6, "six months of hours");
    let current = app.driver.find_all(thirtyfour::By::Css("#hours-chart .chart-bar.is-current")).await.unwrap();
    assert_eq!(current.len(), 1, "this month is marked");
    let this_month = d.hours_by_month.last().unwrap();
    assert!(
        this_month.minutes >= fixture.minutes_this_month,
        "at least the fixture's own (2 h 30 min + 2 h after the 3rd): {} < {}",
        this_month.minutes,
        fixture.minutes_this_month
    );
    let shown: f64 = current[0].attr("data-value").await.unwrap().unwrap().parse().unwrap();
    assert!((shown - this_month.minutes as f64 / 60.0).abs() < 1e-9, "{shown} hours");
    let lines = app.driver.find_all(thirtyfour::By::Css("#lines-chart .chart-row")).await.unwrap();
    assert_eq!(lines.len(), 4, "every line, even at 0");
    app.wait_for_text("#dash-hours-lead", &xinghe_ledger::hours::format_minutes(this_month.minutes)).await;
    app.wait_for_text("#dash-late", &fixture.late_project).await;
    app.wait_for_text("#dash-overdue", &fixture.address).await;
    assert!(
        !app.driver.find(thirtyfour::By::Css("#stats-strip")).await.unwrap().is_displayed().await.unwrap(),
        "the dashboard's cards replace the stats strip"
    );
    app.screenshot("30-dashboard").await;
    scroll_to(&app, "#dash-lines").await;
    app.screenshot("31-dashboard-more").await;

    // 关爱走访: the open service is done; the volunteer sent gets a pending hours entry.
    app.click("a[data-nav=\"care\"]").await;
    app.wait_for_text("#care-summary", "户需要关爱").await;
    app.wait_for_text("#open-services-table", &fixture.address).await;
    app.wait_for_text("#care-table", "从未上门").await;
    app.screenshot("32-care").await;
    // 登记走访 from the care list: the household and the kind come preset; one volunteer is sent.
    app.click("#care-table .visit-household").await;
    app.wait_for_text("#svc-household-chosen", &fixture.address).await;
    app.type_into("#svc-volunteer-filter", &fixture.volunteer_name).await;
    app.click(&format!("#svc-vol-{}", fixture.volunteer)).await;
    app.wait_for_text("#svc-volunteer-count", "已选 1 位").await;
    app.type_into("#svc-description", "节前走访慰问").await;
    app.screenshot("33-service-form").await;
    app.click("#svc-save").await;
    app.wait_for_text("#open-services-table", "节前走访慰问").await;
    app.click(&format!("#complete-service-{}", fixture.service)).await;
    app.wait_for_text("#done-hours-note", "1 位志愿者").await;
    app.type_into("#done-on", &days_ago(1)).await;
    app.type_into("#done-start", "9:00").await;
    app.type_into("#done-end", "10:30").await;
    app.type_into("#done-outcome", "更换温控器，冰箱恢复制冷").await;
    app.screenshot("34-service-done-dialog").await;
    app.click("#done-save").await;
    app.wait_for_text("#toast", "已登记 1 条").await;
    wait_gone(&app, &format!("#complete-service-{}", fixture.service)).await;
    let row = app.wait_for_text("#care-table tr[data-household-id]", &fixture.address).await;
    assert!(row.text().await.unwrap().contains("1 天"), "the household was visited yesterday");
    scroll_to(&app, "#care-list-title").await;
    app.screenshot("35-care-after").await;
    // 打印走访清单: the checklist for the building heads, as a PDF.
    app.click("#print-care-list").await;
    let pdf = wait_for_file(&saved, ".pdf").await;
    let text = std::process::Command::new("pdftotext").arg(&pdf).arg("-").output().unwrap().stdout;
    let text = String::from_utf8_lossy(&text);
    assert!(text.contains("走访清单") && text.contains("楼栋长"), "{text}");
    app.wait_for_text("#toast", "已生成").await;
    // The threshold: a number outside 1–365 is explained; a valid one recounts the overdue households.
    app.type_into("#care-threshold", "400").await;
    app.click("#care-threshold-apply").await;
    app.wait_for_text("#care-threshold-error", "1 到 365").await;
    app.type_into("#care-threshold", "90").await;
    app.click("#care-threshold-apply").await;
    app.wait_for_text("#care-summary", "超过 90 天").await;

    // 书记项目: a late one; a milestone is ticked done on its page.
    app.click("a[data-nav=\"projects\"]").await;
    app.wait_for_text("#projects-table", &fixture.on_track_project).await;
    let first = app.wait_for_text("#projects-table tbody tr", &fixture.late_project).await;
    assert!(first.text().await.unwrap().contains("滞后"));
    app.screenshot("36-projects").await;
    first.find(thirtyfour::By::Css("a.project-name")).await.unwrap().click().await.unwrap();
    app.wait_for_text("#milestones-table", "方案公示").await;
    app.click("#milestones-table .complete-milestone").await;
    app.click("#confirm-ok").await;
    app.wait_for_text("#toast", "已完成").await;
    app.wait_for_text("#project-progress + .progress-text", "1 / 2").await;
    // One milestone is still late; once it is done too, so is the project.
    app.wait_for_text("#project-detail .page-head", "滞后").await;
    app.click("#milestones-table .complete-milestone").await;
    app.click("#confirm-ok").await;
    app.wait_for_text("#project-detail .page-head", "已完成").await;
    app.screenshot("37-project").await;
    // A new milestone row in the form: the project is under way again.
    app.click("#edit-project").await;
    app.click("#pj-add-milestone").await;
    app.type_into(".milestone-row:last-child .ms-title", "验收总结").await;
    app.type_into(".milestone-row:last-child .ms-due", &days_ahead(30)).await;
    app.screenshot("38-project-form").await;
    app.click("#pj-save").await;
    app.wait_for_text("#milestones-table", "验收总结").await;
    app.wait_for_text("#project-detail .page-head", "按计划").await;

    app.click("a[data-nav=\"settings\"]").await;
    app.wait_for_text("#volunteer-settings", "志愿者编号前缀").await;
    scroll_to(&app, "#volunteer-settings").await;
    app.screenshot("39-settings").await;
    app.click("#lang-toggle").await;
    app.click("a[data-nav=\"dashboard\"]").await;
    app.wait_for_text("#dash-hours", "Volunteer hours").await;
    app.screenshot("40-dashboard-english").await;
    app.click("#lang-toggle").await;
    app.wait_for_text("#dash-hours", "志愿服务时长").await;
    // The smallest window the app allows: the counts and charts still fit.
    app.driver.set_window_rect(0, 0, 960, 640).await.unwrap();
    tokio::time::sleep(std::time::Duration::from_millis(400)).await;
    app.screenshot("41-dashboard-small").await;
    app.close().await;

    let ledger = harness::open_ledger(&db);
    let service = ledger.service(fixture.service).unwrap();
    assert_eq!(service.status, "已完成");
    assert_eq!(service.done_on.as_deref(), Some(days_ago(1).as_str()));
    let hours = ledger
        .list_hours(&xinghe_ledger::hours::HoursFilter { volunteer_id: Some(fixture.volunteer), ..Default::default() })
        .unwrap();
    let from_service: Vec<_> = hours.iter().filter(|e| e.service_id == Some(fixture.service)).collect();
    assert_eq!(from_service.len(), 1);
    assert_eq!((from_service[0].status.as_str(), from_service[0].minutes), ("待审核", 90));
}
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_empty_register_shows_what_to_do_on_the_dashboard_care_and_project_pages() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("e2e.db");
    harness::open_ledger(&db).set_community_name("新建社区").unwrap();

    let app = App::launch(&db).await;
    app.wait_for_text("#dash-count-households", "0").await;
    app.wait_for_text("#dash-month", "本月还没有活动").await;
    app.wait_for_text("#dash-hours", "还没有已确认的志愿服务时长").await;
    app.wait_for_text("#dash-lines", "今年还没有活动").await;
    app.wait_for_text("#dash-overdue", "没有逾期未走访的住户").await;
    app.wait_for_text("#dash-late", "所有项目节点都按计划进行").await;
    let bars = app.driver.find_all(thirtyfour::By::Css("#hours-chart .chart-bar")).await.unwrap();
    assert_eq!(bars.len(), 6, "the chart keeps its six months at zero");
    app.screenshot("42-dashboard-empty").await;
    app.click("a[data-nav=\"care\"]").await;
    app.wait_for_text("#care-empty", "没有需要关爱的住户").await;
    app.element("#open-services-empty").await;
    app.click("a[data-nav=\"projects\"]").await;
    app.wait_for_text("#projects-empty", "还没有书记项目").await;
    app.close().await;
}
// ---- end dashboard, care visits, services, projects ----

// ---- Backups and restore ----

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_office_backs_up_to_a_usb_stick_and_restores_an_older_backup_after_seeing_it() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("e2e.db");
    let usb = dir.path().join("U盘");
    std::fs::create_dir_all(&usb).unwrap();
    // Last week's backup held two households; a third has been registered since.
    let old = dir.path().join("上周.xinghe.db");
    backup_fixture(&db, &["101", "102"]);
    harness::open_ledger(&db).backup_to(&old).unwrap();
    {
        let mut ledger = harness::open_ledger(&db);
        let unit = ledger.hierarchy().unwrap().grids[0].buildings[0].units[0].id;
        let input =
            xinghe_ledger::register::model::HouseholdInput { unit_id: unit, room: "103".into(), ..Default::default() };
        ledger.save_household(&input).unwrap();
    }

    let app = App::launch_with_env(&db, &[("XINGHE_E2E_OPEN", &old), ("XINGHE_E2E_SAVE_DIR", &usb)]).await;
    // The start-up backup runs in the background: the first of the day.
    let folder = dir.path().join("backups");
    wait_for_dir(&folder).await;
    let auto = wait_for_file_named(&folder, "e2e-自动备份-").await;
    assert!(auto.to_string_lossy().ends_with(".xinghe.db"));

    app.click("a[data-nav=\"settings\"]").await;
    app.wait_for_text("#backup-auto-last", "上次自动备份").await;
    app.wait_for_text("#backup-folder", "backups").await;
    scroll_to(&app, "#backup-settings").await;
    app.screenshot("45-settings-backups").await;

    // 备份到… a USB stick.
    app.click("#backup-to").await;
    let copy = wait_for_file_named(&usb, "浏河社区-备份-").await;
    assert!(copy.to_string_lossy().ends_with(".xinghe.db"));
    dismiss_toast(&app).await;

    // 从备份恢复…: the date and the figures first, beside the current ones.
    app.click("#backup-restore").await;
    app.wait_for_text("#restore-community", "浏河社区").await;
    let households = app.wait_for_text("#restore-counts tr[data-count=\"households\"]", "2").await;
    let row = households.text().await.unwrap();
    assert!(row.contains('2') && row.contains('3'), "backup 2 beside now 3: {row}");
    app.element("#restore-made-at").await;
    app.screenshot("46-restore-preview").await;
    app.click("#restore-confirm").await;
    app.wait_for_text("#restore-done", "已恢复").await;
    let safety = app.element("#restore-safety").await.text().await.unwrap();
    assert!(safety.contains("恢复前"), "{safety}");
    app.screenshot("47-restored").await;
    app.driver.execute("window.beforeRestoreReload = true", vec![]).await.unwrap();
    app.click("#restore-done-ok").await;
    // The window reloads and shows the restored register.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    loop {
        let ret = app.driver.execute("return window.beforeRestoreReload === undefined", vec![]).await;
        if ret.is_ok_and(|r| r.json() == &serde_json::json!(true)) {
            break;
        }
        assert!(std::time::Instant::now() < deadline, "the window did not reload after the restore");
        tokio::time::sleep(std::time::Duration::from_millis(150)).await;
    }
    // The restored data has its own operators (last week's copy had none yet): in again.
    app.enter().await;
    app.click("a[data-nav=\"dashboard\"]").await;
    app.wait_for_text("#dash-count-households", "2").await;
    app.close().await;

    let ledger = harness::open_ledger(&db);
    assert_eq!(ledger.backup_counts().unwrap().households, 2);
    let safety_copy = wait_for_file_named(&folder, "e2e-恢复前-").await;
    assert_eq!(xinghe_ledger::safety::backup::inspect_backup(&safety_copy).unwrap().counts.households, 3);
}

/// Regression (issue 11, item 13): a backup of another community replaced this one's data after
/// the ordinary confirmation. The preview now says whose backup it is, and 确认恢复 refuses until
/// the user ticks that they mean to replace 浏河社区 with 星火社区.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn restoring_another_communitys_backup_needs_a_ticked_confirmation() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("e2e.db");
    backup_fixture(&db, &["101"]);
    let other_db = dir.path().join("星火.db");
    backup_fixture(&other_db, &["201", "202"]);
    let theirs = dir.path().join("星火社区.xinghe.db");
    {
        let mut other = harness::open_ledger(&other_db);
        other.set_community_name("星火社区").unwrap();
        other.backup_to(&theirs).unwrap();
    }

    let app = App::launch_with_env(&db, &[("XINGHE_E2E_OPEN", &theirs)]).await;
    app.click("a[data-nav=\"settings\"]").await;
    scroll_to(&app, "#backup-settings").await;
    app.click("#backup-restore").await;
    let warning = app.wait_for_text("#restore-other-community", "星火社区").await.text().await.unwrap();
    assert!(warning.contains("不是浏河社区"), "{warning}");
    app.screenshot("46b-restore-other-community").await;
    app.click("#restore-confirm").await;
    app.wait_for_text(".dialog .form-error", "请先勾选确认").await;
    app.click("#restore-other-community-confirm").await;
    app.click("#restore-confirm").await;
    app.wait_for_text("#restore-done", "已恢复").await;
    app.close().await;

    let ledger = harness::open_ledger(&db);
    assert_eq!(ledger.community_name().unwrap().as_deref(), Some("星火社区"));
    assert_eq!(ledger.backup_counts().unwrap().households, 2);
}

/// The database file is 4 KB of random bytes; last night's automatic backup is in its backups
/// folder. The app still starts, says so in Chinese, lists the backup with its date and figures,
/// restores it into a new file and keeps the broken one under a dated name.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_corrupt_database_starts_on_the_welcome_screen_and_is_restored_from_its_automatic_backup() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("e2e.db");
    backup_fixture(&db, &["101", "102", "103"]);
    let folder = xinghe_ledger::safety::backup::default_folder(&db);
    let yesterday = harness::today().pred_opt().unwrap().and_time(xinghe_ledger::values::dates::local_now().time());
    harness::open_ledger(&db).auto_backup(&folder, yesterday).unwrap();
    for side in ["-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{side}", db.display()));
    }
    let mut seed = 4096u64;
    let garbage: Vec<u8> = (0..4096)
        .map(|_| {
            seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            (seed >> 56) as u8
        })
        .collect();
    std::fs::write(&db, &garbage).unwrap();

    let app = App::launch(&db).await;
    let message = app.wait_for_text("#open-error", "已损坏").await.text().await.unwrap();
    assert!(message.contains("e2e.db") && message.contains("从备份恢复"), "{message}");
    let listed = app.wait_for_text("#recovery-backups .recovery-item", "住户 3 户").await.text().await.unwrap();
    assert!(listed.contains(&yesterday.format("%Y-%m-%d %H:%M").to_string()), "{listed}");
    app.element("#restore-other").await;
    app.element("#open-other").await;
    app.element("#start-fresh").await;
    app.screenshot("48-welcome-corrupt").await;

    app.click("#recovery-backups [data-restore]").await;
    app.wait_for_text("#recovered", "已从备份恢复").await;
    let aside = app.element("#recovered-aside").await.text().await.unwrap();
    assert!(aside.contains("e2e.db.损坏-"), "{aside}");
    app.screenshot("49-welcome-recovered").await;
    app.click("#recovered-ok").await;
    app.enter().await;
    app.element("#dash-counts").await;
    app.click("a[data-nav=\"households\"]").await;
    app.wait_for_text("#households-table", "103").await;
    app.close().await;

    assert_eq!(std::fs::read(&aside).unwrap(), garbage, "the broken file is kept byte for byte");
    assert_eq!(harness::open_ledger(&db).stats().unwrap().households, 3);
}

/// Another program holds the database: the message and 重试, which opens it once it is free.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_locked_database_shows_the_message_and_opens_on_retry() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("e2e.db");
    backup_fixture(&db, &["101"]);
    let other = rusqlite::Connection::open(&db).unwrap();
    other.execute_batch("PRAGMA locking_mode = EXCLUSIVE; BEGIN EXCLUSIVE;").unwrap();
    let app = App::launch(&db).await;
    app.wait_for_text("#open-error", "另一个程序占用").await;
    app.element("#open-retry").await;
    app.screenshot("50-welcome-locked").await;
    other.execute_batch("COMMIT").unwrap();
    drop(other);
    app.click("#open-retry").await;
    app.enter().await;
    app.element("#dash-counts").await;
    app.close().await;
}
// ---- end backups and restore ----

// ---- hostile text (issue 6: names shown exactly as entered) ----

/// A resident named `<img src=x onerror=alert(1)>` is shown as those characters, in the
/// household page and in search, and no element or script comes from any name.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_resident_named_like_markup_is_shown_as_text() {
    const IMG: &str = "<img src=x onerror=alert(1)>";
    const PROBE: &str = "<img src=x onerror=window.xss=1>";
    const SCRIPT: &str = "<script>window.xss=2</script>";
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("e2e.db");
    let household = {
        let mut ledger = harness::open_ledger(&db);
        ledger.create_demo(100, 4).unwrap();
        let household =
            ledger.list_households(&xinghe_ledger::register::model::HouseholdFilter::default()).unwrap().rows[0].id;
        for name in [IMG, PROBE, SCRIPT, "'; DROP TABLE residents; --", "孔👨\u{200D}👩\u{200D}👧𠇔"] {
            let input = xinghe_ledger::register::model::ResidentInput {
                household_id: household,
                name: name.into(),
                relation: "其他".into(),
                notes: Some(format!("{SCRIPT}{IMG}")),
                ..Default::default()
            };
            ledger.save_resident(&input).unwrap();
        }
        household
    };
    let app = App::launch(&db).await;
    app.element("#app .app-nav").await;
    app.driver.execute(&format!("location.hash = '#/household/{household}'"), vec![]).await.unwrap();
    let members = app.wait_for_text("#members-table", IMG).await;
    let text = members.text().await.unwrap();
    for name in [PROBE, SCRIPT, "'; DROP TABLE residents; --", "孔👨\u{200D}👩\u{200D}👧𠇔"] {
        assert!(text.contains(name), "{name} is shown as typed: {text}");
    }
    app.insert_text("#search-input", IMG).await;
    app.wait_for_text(".search-hit", IMG).await;
    let injected = app
        .driver
        .execute("return [document.querySelectorAll('#app img, #app script').length, window.xss === undefined]", vec![])
        .await
        .unwrap();
    assert_eq!(injected.json(), &serde_json::json!([0, true]), "no element and no script came from a name");
    app.close().await;
}

// ---- 操作日志 ----

/// A phone edited on the household page shows up on the 操作日志 page as the newest record,
/// under the operator's name, with 电话: before → after masked.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_edited_resident_shows_on_the_audit_log_page() {
    use xinghe_ledger::register::model::{HouseholdInput, ResidentInput};
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("e2e.db");
    let household = {
        let mut ledger = harness::open_ledger(&db);
        ledger.set_operator_name("李敏").unwrap();
        let unit = steps::liuhe_unit(&mut ledger);
        let household =
            ledger.save_household(&HouseholdInput { unit_id: unit, room: "101".into(), ..Default::default() }).unwrap();
        ledger
            .save_resident(&ResidentInput {
                household_id: household,
                name: "孔喆".into(),
                relation: "户主".into(),
                phone: Some("13800000001".into()),
                ..Default::default()
            })
            .unwrap();
        household
    };
    let app = App::launch(&db).await;
    app.element("#app .app-nav").await;
    app.driver.execute(&format!("location.hash = '#/household/{household}'"), vec![]).await.unwrap();
    app.wait_for_text("#members-table", "孔喆").await;
    app.click("#members-table .edit-resident").await;
    app.type_into("#rs-phone", "13900009999").await;
    app.click("#rs-save").await;
    app.wait_for_text("#members-table", "139****9999").await;

    app.click(".app-nav a[data-nav='audit']").await;
    let first = app.wait_for_text("#audit-table tbody tr:first-child", "修改居民“孔喆”").await;
    let text = first.text().await.unwrap();
    assert!(text.contains("李敏") && text.contains("修改") && text.contains("居民"), "{text}");
    app.click("#audit-table tbody tr:first-child details summary").await;
    let change = app.wait_for_text("#audit-table tbody tr:first-child .audit-change-list", "电话").await;
    let change = change.text().await.unwrap();
    assert!(change.contains("138****0001") && change.contains("139****9999"), "{change}");
    assert!(!change.contains("13900009999"), "masked: {change}");

    // Filtering by 对象 keeps the record; by another operator finds nothing.
    app.choose("#audit-entity", "居民").await;
    app.click("#audit-apply").await;
    app.wait_for_text("#audit-table", "修改居民“孔喆”").await;
    app.type_into("#audit-query", "没有这个人").await;
    app.click("#audit-apply").await;
    app.wait_for_text("#audit-empty", "没有符合筛选条件的记录").await;
    app.screenshot("audit-log").await;
    app.close().await;

    // Someone edits the resident's record in the log with a plain SQLite tool, dropping and
    // recreating the append-only trigger (issue 11, item 8): the page names the record.
    let edited: i64 = {
        let conn = rusqlite::Connection::open(&db).unwrap();
        let id: i64 =
            conn.query_row("SELECT max(id) FROM audit_log WHERE summary LIKE '修改居民%'", [], |r| r.get(0)).unwrap();
        let trigger: String = conn
            .query_row("SELECT sql FROM sqlite_master WHERE name = 'audit_log_never_updated'", [], |r| r.get(0))
            .unwrap();
        conn.execute_batch(&format!(
            "DROP TRIGGER audit_log_never_updated;
             UPDATE audit_log SET summary = '修改居民“孔喆”：没有改动' WHERE id = {id};
             {trigger};"
        ))
        .unwrap();
        id
    };
    let app = App::launch(&db).await;
    app.element("#dash-counts").await;
    app.click(".app-nav a[data-nav='audit']").await;
    app.element("#audit-table").await;
    let banner = app.wait_for_text("#audit-chain", "操作日志被改动过").await.text().await.unwrap();
    assert!(banner.contains(&format!("第 {edited} 条")), "{banner}");
    app.screenshot("audit-log-tampered").await;
    app.close().await;
}

// ---- operators and roles (issue 6: staff and privacy) ----

/// 李敏, the administrator made on the first start, adds 王芳 as staff, looks at one resident's
/// full ID number (recorded in the 操作日志) and locks the window. 王芳 mistypes her password,
/// then logs in: she works on the register but is offered neither the 操作日志, nor the full
/// exports, nor 查看完整信息, and the settings tell her they are for administrators.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_administrator_adds_staff_who_log_in_after_the_lock_and_see_only_the_daily_work() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("e2e.db");
    backup_fixture(&db, &["101"]);
    {
        let mut ledger = harness::open_ledger(&db);
        let household = ledger.list_households(&Default::default()).unwrap().rows[0].id;
        let resident = xinghe_ledger::register::model::ResidentInput {
            household_id: household,
            name: "孔喆".into(),
            relation: "配偶".into(),
            id_number: Some(GOOD_ID.into()),
            phone: Some("13800000001".into()),
            ..Default::default()
        };
        ledger.save_resident(&resident).unwrap();
    }
    let app = App::launch(&db).await;
    app.wait_for_text("#session-name", harness::ADMIN_NAME).await;
    app.wait_for_text("#session-role", "管理员").await;

    app.click("a[data-nav=\"settings\"]").await;
    scroll_to(&app, "#operators-settings").await;
    app.type_into("#op-name", "王芳").await;
    app.choose("#op-role", "工作人员").await;
    app.type_into("#op-password", "wangfang1").await;
    app.click("#op-add").await;
    app.wait_for_text("#operators-table", "王芳").await;
    app.screenshot("60-settings-operators").await;

    app.click("a[data-nav=\"households\"]").await;
    app.wait_for_text("#households-table", "101").await;
    app.click("#households-table tbody tr td").await;
    let detail = app.wait_for_text("#household-detail", "********").await.text().await.unwrap();
    assert!(!detail.contains(GOOD_ID), "masked on the page: {detail}");
    app.click(".reveal-resident").await;
    app.wait_for_text("#reveal-id-number", GOOD_ID).await;
    app.wait_for_text("#reveal-phone", "138").await;
    app.element("#reveal-note").await;
    app.screenshot("61-reveal-dialog").await;
    app.click("#reveal-close").await;
    wait_gone(&app, "#reveal-dialog").await;

    app.click("#lock-button").await;
    app.element("#auth-login").await;
    let name = app.element("#auth-name").await.prop("value").await.unwrap().unwrap_or_default();
    assert_eq!(name, harness::ADMIN_NAME, "the last name is filled in");
    assert!(!app.shown("#household-detail").await, "nothing of the register shows while locked");
    app.screenshot("62-locked").await;
    app.log_in("王芳", "wangfang2").await;
    app.wait_for_text("#auth-login", "姓名或密码不正确").await;
    app.log_in("王芳", "wangfang1").await;
    app.wait_for_text("#session-role", "工作人员").await;

    assert!(!app.shown("a[data-nav=\"audit\"]").await, "the 操作日志 is for administrators");
    app.click("a[data-nav=\"households\"]").await;
    app.wait_for_text("#households-table", "101").await;
    assert!(!app.shown("#export-residents").await, "full exports are for administrators");
    app.click("#households-table tbody tr td").await;
    app.wait_for_text("#household-detail", "********").await;
    assert!(!app.shown(".reveal-resident").await, "查看完整信息 is for administrators");
    app.click("a[data-nav=\"settings\"]").await;
    app.wait_for_text("#community-admin-only", "管理员").await;
    app.screenshot("63-settings-as-staff").await;
    app.close().await;

    let ledger = harness::open_ledger(&db);
    let log = ledger.audit_log(&xinghe_ledger::access::audit::AuditFilter::default()).unwrap().rows;
    let seen: Vec<_> = log.iter().map(|r| (r.operator.as_str(), r.action.as_str())).collect();
    assert!(seen.contains(&(harness::ADMIN_NAME, "查看完整信息")), "{seen:?}");
    assert!(seen.contains(&("王芳", "登录失败")) && seen.contains(&("王芳", "登录")), "{seen:?}");
}
/// The office set the idle lock to one minute: left alone, the window locks by itself and
/// shows the login screen; the same operator logs in again and carries on where they were.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unattended_window_locks_itself_after_the_idle_time() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("e2e.db");
    backup_fixture(&db, &["101"]);
    harness::open_ledger(&db).set_idle_lock_minutes(1).unwrap();
    let app = App::launch(&db).await;
    app.click("a[data-nav=\"households\"]").await;
    app.wait_for_text("#households-table", "101").await;
    let started = std::time::Instant::now();
    let deadline = started + std::time::Duration::from_secs(90);
    while !app.shown("#auth-login[data-reason=\"idle\"], #auth-login[data-reason=\"locked\"]").await {
        assert!(std::time::Instant::now() < deadline, "the window did not lock within 90 s of idling");
        tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    }
    let idled = started.elapsed();
    assert!(idled >= std::time::Duration::from_secs(55), "locked after {idled:?}, before the minute was up");
    assert!(!app.shown("#households-table").await, "the register is hidden while locked");
    app.screenshot("64-idle-locked").await;
    app.log_in(harness::ADMIN_NAME, harness::ADMIN_PASSWORD).await;
    app.wait_for_text("#households-table", "101").await;
    app.close().await;
}
/// 李敏 encrypts the register in 设置 → 数据加密 with her login password. The file on disk no
/// longer shows a name or even that it is SQLite; the next start asks her to unlock it: a wrong
/// password is refused with a message, the right one opens the register and logs her in.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_administrator_encrypts_the_register_and_unlocks_it_at_the_next_start() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("e2e.db");
    backup_fixture(&db, &["101"]);
    let app = App::launch(&db).await;
    app.click("a[data-nav=\"settings\"]").await;
    scroll_to(&app, "#encryption-settings").await;
    app.wait_for_text("#encryption-status", "未加密").await;
    app.type_into("#encryption-password", harness::ADMIN_PASSWORD).await;
    app.click("#encryption-submit").await;
    app.wait_for_text("#encryption-form", "请先勾选").await;
    app.click("#encryption-understood").await;
    app.click("#encryption-submit").await;
    app.wait_for_text("#encryption-status", "已加密").await;
    app.wait_for_text("#encryption-status", harness::ADMIN_NAME).await;
    app.screenshot("65-settings-encrypted").await;
    app.close().await;

    let bytes = std::fs::read(&db).unwrap();
    let shows = |text: &str| bytes.windows(text.len()).any(|w| w == text.as_bytes());
    assert!(!shows("SQLite format 3") && !shows("住户1") && !shows("浏河社区"), "the file reads as noise");

    let app = App::launch(&db).await;
    app.element("#unlock-form").await;
    app.screenshot("66-welcome-unlock").await;
    app.type_into("#unlock-name", harness::ADMIN_NAME).await;
    app.type_into("#unlock-password", "not-her-password").await;
    app.click("#unlock-submit").await;
    app.wait_for_text("#unlock-form", "密码不正确").await;
    app.type_into("#unlock-password", harness::ADMIN_PASSWORD).await;
    app.click("#unlock-submit").await;
    app.wait_for_text("#session-name", harness::ADMIN_NAME).await;
    app.click("a[data-nav=\"households\"]").await;
    app.wait_for_text("#households-table", "101").await;
    app.close().await;

    assert!(xinghe_ledger::Ledger::open(&db).is_err(), "no password, no register");
    let ledger = xinghe_ledger::Ledger::open_with_password(&db, harness::ADMIN_PASSWORD).unwrap();
    assert!(ledger.is_encrypted() && ledger.check().unwrap().healthy);
}
/// An encrypted register is damaged. Its automatic backups are encrypted too: the start screen
/// lists them as such, asks for the password of the one chosen, and restores it into a new,
/// still encrypted file; the broken one is kept aside.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_damaged_encrypted_register_is_restored_from_its_encrypted_backup_with_the_password() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("e2e.db");
    backup_fixture(&db, &["101", "102"]);
    {
        let mut ledger = harness::open_ledger(&db);
        ledger.require_login();
        ledger.create_first_admin(harness::ADMIN_NAME, harness::ADMIN_PASSWORD).unwrap();
        ledger.encrypt(harness::ADMIN_PASSWORD).unwrap();
        let yesterday = harness::today().pred_opt().unwrap().and_time(xinghe_ledger::values::dates::local_now().time());
        ledger.auto_backup(&xinghe_ledger::safety::backup::default_folder(&db), yesterday).unwrap();
    }
    for side in ["-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{side}", db.display()));
    }
    // The first pages overwritten: neither the password nor SQLite can read it any more.
    let mut bytes = std::fs::read(&db).unwrap();
    bytes[..8192].fill(0x5a);
    std::fs::write(&db, &bytes).unwrap();

    let app = App::launch(&db).await;
    app.wait_for_text("#recovery-backups", "已加密").await;
    app.screenshot("67-welcome-encrypted-backup").await;
    app.click("#recovery-backups [data-restore-encrypted]").await;
    app.type_into("#backup-password", "not-her-password").await;
    app.click("#backup-password-submit").await;
    app.wait_for_text("dialog", "密码不正确").await;
    app.screenshot("68-backup-password-wrong").await;
    app.type_into("#backup-password", harness::ADMIN_PASSWORD).await;
    app.click("#backup-password-submit").await;
    app.wait_for_text("#recovered", "已从备份恢复").await;
    app.click("#recovered-ok").await;
    app.enter().await;
    app.click("a[data-nav=\"households\"]").await;
    app.wait_for_text("#households-table", "102").await;
    app.close().await;

    assert!(xinghe_ledger::Ledger::open(&db).is_err(), "the restored register is still encrypted");
    let restored = xinghe_ledger::Ledger::open_with_password(&db, harness::ADMIN_PASSWORD).unwrap();
    assert_eq!(restored.stats().unwrap().households, 2);
}
// ---- end operators and roles ----
