//! Drives the real built app in its real webview: tauri-driver (2.x) in front of Debian's
//! WebKitWebDriver, under an X display (Xvfb in CI). One app at a time, each with its own
//! port pair and database; tauri-driver is stopped with SIGTERM, since SIGKILL would orphan
//! WebKitWebDriver on its port.

use serde_json::json;
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Mutex, MutexGuard};
use std::time::{Duration, Instant};
use thirtyfour::prelude::*;

/// The app is single-instance and owns its database: tests take turns.
static ONE_APP_AT_A_TIME: Mutex<()> = Mutex::new(());

/// The administrator every test works as (created on the first start of each register).
pub const ADMIN_NAME: &str = "李敏";
pub const ADMIN_PASSWORD: &str = "liuhe-2026";

const SESSION_TIMEOUT: Duration = Duration::from_secs(90);
const WAIT: Duration = Duration::from_secs(20);

/// tauri-driver, terminated politely when dropped (also when a test panics). Under a wrapper
/// (`App::launch_under`, e.g. strace) the wrapper leads its own process group, and the whole
/// group is stopped: a tracer that ignores SIGTERM waits until tauri-driver, WebKitWebDriver,
/// the app and its web processes are gone.
struct DriverProcess {
    child: Child,
    group: bool,
}

impl Drop for DriverProcess {
    fn drop(&mut self) {
        let target = if self.group { format!("-{}", self.child.id()) } else { self.child.id().to_string() };
        let _ = Command::new("kill").args(["-TERM", "--", &target]).status();
        let deadline = Instant::now() + Duration::from_secs(if self.group { 20 } else { 10 });
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.child.try_wait() {
                return;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        if self.group {
            let _ = Command::new("kill").args(["-KILL", "--", &target]).status();
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub struct App {
    pub driver: WebDriver,
    // Field order matters: the session ends before tauri-driver is stopped, then the turn passes.
    _process: DriverProcess,
    _turn: MutexGuard<'static, ()>,
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

fn require_tools() {
    assert!(
        std::env::var_os("DISPLAY").is_some_and(|d| !d.is_empty()),
        "端到端测试需要图形显示：请在 xvfb-run 下运行（README 的测试命令会这样做）。\
         Without DISPLAY the app panics and WebDriver session creation hangs."
    );
    for tool in ["tauri-driver", "WebKitWebDriver"] {
        let found = Command::new("sh").arg("-c").arg(format!("command -v {tool}")).output().unwrap().status.success();
        assert!(found, "{tool} is not on PATH: run `bash tests/setup.sh` first");
    }
}

/// The day every test of this run works on: the clock's date when the run starts (or the day
/// XINGHE_TODAY pins for the test process), taken once. The app is started with the same date
/// pinned, and the fixtures pin their Ledger to it, so a run that crosses midnight, and the
/// dates the fixtures write relative to today, agree with what the app calls today.
pub fn today() -> xinghe_ledger::values::dates::NaiveDate {
    static TODAY: std::sync::OnceLock<xinghe_ledger::values::dates::NaiveDate> = std::sync::OnceLock::new();
    *TODAY.get_or_init(xinghe_ledger::values::dates::local_today)
}

/// Opens `db` as the fixtures do: with "today" pinned to the run's day.
pub fn open_ledger(db: &Path) -> xinghe_ledger::Ledger {
    crate::fixtures::open_on(db, today())
}

pub fn screenshot_dir() -> PathBuf {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/e2e-screenshots");
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

impl App {
    /// Starts the app on `db` and opens a WebDriver session on its main window.
    pub async fn launch(db: &Path) -> App {
        App::launch_with_env(db, &[]).await
    }

    /// Like `launch`, with extra environment for the app (e.g. the dialog test seam
    /// XINGHE_E2E_OPEN / XINGHE_E2E_SAVE_DIR, see src-tauri/files.rs).
    pub async fn launch_with_env(db: &Path, env: &[(&str, &Path)]) -> App {
        App::launch_under(&[], db, env).await
    }

    /// Like `launch_with_env`, with tauri-driver started by `wrapper` (a program and its
    /// arguments, e.g. `strace -f -o LOG`), so that WebKitWebDriver, the app and its web
    /// processes all run under it. An empty wrapper starts tauri-driver directly.
    // The turn is held across awaits on purpose: it is the app's, for as long as it runs.
    #[allow(clippy::await_holding_lock)]
    pub async fn launch_under(wrapper: &[&std::ffi::OsStr], db: &Path, env: &[(&str, &Path)]) -> App {
        use std::os::unix::process::CommandExt;
        require_tools();
        let turn = ONE_APP_AT_A_TIME.lock().unwrap_or_else(|p| p.into_inner());
        let (port, native_port) = (free_port(), free_port());
        let mut command = match wrapper.split_first() {
            Some((program, args)) => {
                let mut command = Command::new(program);
                command.args(args).arg("tauri-driver").process_group(0);
                command
            }
            None => Command::new("tauri-driver"),
        };
        let process = DriverProcess {
            child: command
                .args(["--port", &port.to_string(), "--native-port", &native_port.to_string()])
                .env("XINGHE_DB", db)
                .env(xinghe_ledger::values::dates::TODAY_VARIABLE, today().to_string())
                .envs(env.iter().copied())
                .stdout(Stdio::null())
                .stderr(Stdio::inherit())
                .spawn()
                .expect("tauri-driver starts"),
            group: !wrapper.is_empty(),
        };
        let started = Instant::now();
        while TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(started.elapsed() < WAIT, "tauri-driver did not listen on port {port}");
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        let mut caps = Capabilities::new();
        caps.set("browserName", "wry").unwrap();
        caps.set("tauri:options", json!({ "application": env!("CARGO_BIN_EXE_xinghe") })).unwrap();
        // tauri-driver accepts connections a moment before WebKitWebDriver behind it is ready;
        // a refused first request is retried, a hang is not.
        let started = Instant::now();
        let driver = loop {
            let attempt = WebDriver::new(format!("http://127.0.0.1:{port}"), caps.clone());
            match tokio::time::timeout(SESSION_TIMEOUT, attempt).await {
                Ok(Ok(driver)) => break driver,
                Ok(Err(e)) if started.elapsed() < WAIT => {
                    eprintln!("WebDriver session not ready yet ({e}); retrying");
                    tokio::time::sleep(Duration::from_millis(500)).await;
                }
                Ok(Err(e)) => panic!("WebDriver session failed: {e}"),
                Err(_) => panic!("WebDriver session not created within {SESSION_TIMEOUT:?}"),
            }
        };
        let app = App { driver, _process: process, _turn: turn };
        app.pass_operators_screen(true).await;
        app
    }

    /// After an action that opens a register (the demo, a restore, 重试): gets past the
    /// operators' screen into the app as the test administrator.
    pub async fn enter(&self) {
        self.pass_operators_screen(false).await;
    }

    /// Waits for the operators' screen and gets past it as the test administrator: creates
    /// them on a register that has no operators yet, logs in on one that has. At launch the
    /// welcome screen (no register open) is a first screen too, left as it is.
    async fn pass_operators_screen(&self, welcome_is_fine: bool) {
        let deadline = Instant::now() + WAIT;
        loop {
            if self.shown("#auth-create").await {
                self.type_into("#auth-name", ADMIN_NAME).await;
                self.type_into("#auth-password", ADMIN_PASSWORD).await;
                self.type_into("#auth-confirm", ADMIN_PASSWORD).await;
                self.click("#auth-submit").await;
                self.element(".app-header").await;
                return;
            }
            if self.shown("#auth-login").await {
                self.log_in(ADMIN_NAME, ADMIN_PASSWORD).await;
                self.element(".app-header").await;
                return;
            }
            if self.shown(".app-header").await || (welcome_is_fine && self.shown(".welcome-card:not(.auth-card)").await)
            {
                return;
            }
            assert!(Instant::now() < deadline, "the app showed no first screen within {WAIT:?}");
            tokio::time::sleep(Duration::from_millis(150)).await;
        }
    }

    /// Fills the login screen and submits it.
    pub async fn log_in(&self, name: &str, password: &str) {
        self.type_into("#auth-name", name).await;
        self.type_into("#auth-password", password).await;
        self.click("#auth-submit").await;
    }

    /// Whether an element matching `css` is on screen now (no waiting).
    pub async fn shown(&self, css: &str) -> bool {
        for element in self.driver.find_all(By::Css(css)).await.unwrap_or_default() {
            if element.is_displayed().await.unwrap_or(false) {
                return true;
            }
        }
        false
    }

    /// Ends the session (closing the app) and stops tauri-driver.
    #[allow(clippy::await_holding_lock)]
    pub async fn close(self) {
        let App { driver, _process, _turn } = self;
        driver.quit().await.expect("session ends");
    }

    /// Waits for the first element matching `css` to be shown.
    pub async fn element(&self, css: &str) -> WebElement {
        // A match that the page re-renders between the find and the visibility check is stale:
        // that is "not yet", to poll again, not a failure (seen under strace on a busy machine).
        let query = self.driver.query(By::Css(css)).ignore_errors(true);
        match query.wait(WAIT, Duration::from_millis(100)).and_displayed().first().await {
            Ok(element) => element,
            Err(e) => {
                let page = self.driver.find(By::Css("body")).await.unwrap().text().await.unwrap_or_default();
                panic!("no visible element {css}: {e}; the page shows:\n{page}")
            }
        }
    }

    pub async fn click(&self, css: &str) {
        self.element(css).await.click().await.unwrap_or_else(|e| panic!("cannot click {css}: {e}"));
    }

    pub async fn type_into(&self, css: &str, text: &str) {
        let input = self.element(css).await;
        input.clear().await.unwrap();
        input.send_keys(text).await.unwrap_or_else(|e| panic!("cannot type into {css}: {e}"));
    }

    /// Enters text the way an input method commits it (`insertText`), for characters outside
    /// the BMP such as 𠇔: WebKitWebDriver's send_keys drops them, while real offices type
    /// them through an IME or paste them.
    pub async fn insert_text(&self, css: &str, text: &str) {
        let input = self.element(css).await;
        input.click().await.unwrap();
        self.driver
            .execute(
                "const el = arguments[0]; el.focus(); document.execCommand('insertText', false, arguments[1]);",
                vec![input.to_json().unwrap(), json!(text)],
            )
            .await
            .unwrap_or_else(|e| panic!("cannot insert text into {css}: {e}"));
    }

    /// Chooses the option of a `<select>` whose visible text contains `label` (or the first
    /// real option when `label` is empty), as a user would with the mouse.
    pub async fn choose(&self, select_css: &str, label: &str) {
        self.element(select_css).await;
        let options = self.driver.find_all(By::Css(format!("{select_css} option"))).await.unwrap();
        for option in options {
            let text = option.text().await.unwrap();
            let value = option.value().await.unwrap().unwrap_or_default();
            if !value.is_empty() && (label.is_empty() || text.contains(label)) {
                option.click().await.unwrap();
                return;
            }
        }
        panic!("{select_css} has no option {label:?}");
    }

    /// Waits until an element matching `css` contains `text`, and returns it.
    pub async fn wait_for_text(&self, css: &str, text: &str) -> WebElement {
        let deadline = Instant::now() + WAIT;
        loop {
            for element in self.driver.find_all(By::Css(css)).await.unwrap_or_default() {
                if element.text().await.unwrap_or_default().contains(text) {
                    return element;
                }
            }
            if Instant::now() > deadline {
                let page = self.driver.find(By::Css("body")).await.unwrap().text().await.unwrap_or_default();
                panic!("no {css} containing {text:?} within {WAIT:?}; the page shows:\n{page}");
            }
            tokio::time::sleep(Duration::from_millis(150)).await;
        }
    }

    pub async fn screenshot(&self, name: &str) {
        self.driver.screenshot(&screenshot_dir().join(format!("{name}.png"))).await.unwrap();
    }
}
