//! The steps the end-to-end tests share that are not the app driver itself (harness.rs): dates
//! relative to the app's today, waiting for files and for elements to go, dismissing messages,
//! scrolling for screenshots, reading a printed PDF, and the register a backup test starts from.

use crate::fixtures;
use crate::harness::{self, App};

/// The date `n` days before the app's today, as `YYYY-MM-DD`.
pub fn days_ago(n: u64) -> String {
    fixtures::days_before(harness::today(), n)
}

/// The date `n` days after the app's today, as `YYYY-MM-DD`.
pub fn days_ahead(n: u64) -> String {
    fixtures::days_after(harness::today(), n)
}

/// Waits for the app to finish writing a file with this ending in `dir`.
pub async fn wait_for_file(dir: &std::path::Path, ending: &str) -> std::path::PathBuf {
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

/// Waits for the app to finish writing a file whose name contains `part` in `dir`.
pub async fn wait_for_file_named(dir: &std::path::Path, part: &str) -> std::path::PathBuf {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    loop {
        let found = std::fs::read_dir(dir).unwrap().filter_map(|e| e.ok().map(|e| e.path())).find(|p| {
            p.file_name().unwrap().to_string_lossy().contains(part) && !p.to_string_lossy().ends_with(".tmp")
        });
        if let Some(path) = found {
            return path;
        }
        assert!(std::time::Instant::now() < deadline, "no file named *{part}* was saved in {}", dir.display());
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    }
}

/// Clicks the message away when one is shown: it sits over the rows' buttons at the bottom right.
pub async fn dismiss_toast(app: &App) {
    app.driver.execute("document.querySelector('#toast .toast-message')?.click()", vec![]).await.unwrap();
}

pub fn pdf_text(pdf: &std::path::Path) -> String {
    let out = std::process::Command::new("pdftotext").arg(pdf).arg("-").output().unwrap();
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Waits until no element matches `css` (e.g. a row that an action removes).
pub async fn wait_gone(app: &App, css: &str) {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    while !app.driver.find_all(thirtyfour::By::Css(css)).await.unwrap().is_empty() {
        assert!(std::time::Instant::now() < deadline, "{css} is still shown");
        tokio::time::sleep(std::time::Duration::from_millis(150)).await;
    }
}

/// Scrolls the page so that the element matching `css` is at the top (for a screenshot).
pub async fn scroll_to(app: &App, css: &str) {
    app.driver
        .execute(
            "const el = document.querySelector(arguments[0]); const main = document.querySelector('.app-main');
             main.scrollTop += el.getBoundingClientRect().top - main.getBoundingClientRect().top - 12;",
            vec![serde_json::json!(css)],
        )
        .await
        .unwrap();
    // The webview paints the scrolled page on its next frame; a screenshot taken at once shows the old one.
    tokio::time::sleep(std::time::Duration::from_millis(400)).await;
}

/// 浏河社区 / 第一网格 / 8栋 / 1单元 in `ledger`; returns the unit's id.
pub fn liuhe_unit(ledger: &mut xinghe_ledger::Ledger) -> i64 {
    use xinghe_ledger::register::model::{BuildingInput, GridInput, UnitInput};
    ledger.set_community_name("浏河社区").unwrap();
    let grid = ledger.save_grid(&GridInput { name: "第一网格".into(), ..Default::default() }).unwrap();
    let building =
        ledger.save_building(&BuildingInput { grid_id: grid, name: "8栋".into(), ..Default::default() }).unwrap();
    ledger.save_unit(&UnitInput { building_id: building, name: "1单元".into(), ..Default::default() }).unwrap()
}

/// 浏河社区 with `rooms` households of one resident each in 8栋1单元.
pub fn backup_fixture(db: &std::path::Path, rooms: &[&str]) {
    use xinghe_ledger::register::model::{HouseholdInput, ResidentInput};
    let mut ledger = harness::open_ledger(db);
    let unit = liuhe_unit(&mut ledger);
    for (i, room) in rooms.iter().enumerate() {
        let household = ledger
            .save_household(&HouseholdInput { unit_id: unit, room: room.to_string(), ..Default::default() })
            .unwrap();
        let resident = ResidentInput {
            household_id: household,
            name: format!("住户{}", i + 1),
            relation: "户主".into(),
            ..Default::default()
        };
        ledger.save_resident(&resident).unwrap();
    }
}

pub async fn wait_for_dir(dir: &std::path::Path) {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    while !dir.is_dir() {
        assert!(std::time::Instant::now() < deadline, "{} was not created", dir.display());
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    }
}
