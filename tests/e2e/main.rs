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
