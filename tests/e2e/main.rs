//! End-to-end tests of the real app: what an office worker does with the register, through
//! the real window, forms and database file.

mod harness;

use harness::App;

/// A valid ID number for 1956-03-12, sequence 999 (odd: male).
const GOOD_ID: &str = "430105195603129998";

#[test]
fn good_id_fixture_is_valid() {
    let today = xinghe_ledger::dates::local_today();
    assert!(xinghe_ledger::idcard::IdNumber::parse(GOOD_ID, today).is_ok());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_household_with_two_residents_is_found_by_initials_and_survives_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("e2e.db");

    let app = App::launch(&db).await;
    // First start: no database yet, the welcome screen offers the demo.
    app.click("#create-demo").await;
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
        let mut ledger = xinghe_ledger::Ledger::open(&db).unwrap();
        ledger.create_demo(100, 1).unwrap();
    }
    let residents_before = xinghe_ledger::Ledger::open(&db).unwrap().stats().unwrap().residents;

    let app = App::launch(&db).await;
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

    assert_eq!(xinghe_ledger::Ledger::open(&db).unwrap().stats().unwrap().residents, residents_before);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_window_is_chinese_first_switches_to_english_and_loads_the_bundled_font() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("e2e.db");
    xinghe_ledger::Ledger::open(&db).unwrap().create_demo(100, 2).unwrap();

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
        let mut ledger = xinghe_ledger::Ledger::open(&db).unwrap();
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

/// Waits for the app to finish writing a file with this ending in `dir`.
async fn wait_for_file(dir: &std::path::Path, ending: &str) -> std::path::PathBuf {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    loop {
        let found = std::fs::read_dir(dir)
            .unwrap()
            .filter_map(|e| e.ok().map(|e| e.path()))
            .find(|p| p.to_string_lossy().ends_with(ending));
        if let Some(path) = found {
            return path;
        }
        assert!(std::time::Instant::now() < deadline, "no {ending} file was saved in {}", dir.display());
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    }
}

/// A name that only one current resident has, so searching for it finds exactly that person.
fn unique_names(ledger: &mut xinghe_ledger::Ledger, households: &[i64]) -> Vec<(String, i64)> {
    let mut found = Vec::new();
    for household in households {
        for member in ledger.household(*household).unwrap().members {
            if ledger.search(&member.name).unwrap().iter().filter(|h| h.name == member.name).count() == 1 {
                found.push((member.name.clone(), *household));
                break;
            }
        }
    }
    found
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_class_fills_up_waitlists_promotes_on_cancel_and_takes_the_roll() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("e2e.db");
    let (two_member_head, singles) = {
        let mut ledger = xinghe_ledger::Ledger::open(&db).unwrap();
        ledger.create_demo(100, 4).unwrap();
        let page = ledger
            .list_households(&xinghe_ledger::model::HouseholdFilter { limit: Some(500), ..Default::default() })
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
    app.type_into("#act-date", "2030-06-04").await;
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

    let ledger = xinghe_ledger::Ledger::open(&db).unwrap();
    let activity = ledger
        .list_activities(&xinghe_ledger::activities::ActivityFilter {
            from: Some("2030-01-01".into()),
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
        let mut ledger = xinghe_ledger::Ledger::open(&db).unwrap();
        ledger.create_demo(100, 9).unwrap();
        let page = ledger.list_households(&xinghe_ledger::model::HouseholdFilter::default()).unwrap();
        let household = page.rows[0].id;
        let id = ledger.household(household).unwrap().members[0].id;
        let mut record = ledger.resident(id).unwrap();
        record.care_needs.push(xinghe_ledger::model::CareNeed {
            kind: "其他".into(),
            label: Some("失独家庭".into()),
            ..Default::default()
        });
        let input = xinghe_ledger::model::ResidentInput {
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
    app.element("#households-table").await;
    app.driver.execute(&format!("location.hash = '#/household/{household}'"), vec![]).await.unwrap();
    app.wait_for_text("#members-table", "失独家庭").await;
    app.click("#members-table .edit-resident").await;
    app.type_into("#rs-phone", "13900009999").await;
    app.click("#rs-save").await;
    app.wait_for_text("#members-table", "139****9999").await;
    app.close().await;
    let ledger = xinghe_ledger::Ledger::open(&db).unwrap();
    let labels: Vec<String> = ledger.resident(resident).unwrap().care_needs.iter().map(|c| c.display()).collect();
    assert!(labels.contains(&"失独家庭".to_string()), "{labels:?}");
}
