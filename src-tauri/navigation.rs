//! The webview never leaves the app: a navigation to anything but the app's own pages is
//! cancelled, so not even a stray link or a script can load a remote page. Together with the
//! CSP (no remote source for scripts, styles, fonts, images or fetch) the app makes no network
//! request at all; tests/e2e/no_network.rs watches it under strace.

use tauri::plugin::{Builder, TauriPlugin};
use tauri::{Runtime, Url};

/// The app's own pages: `tauri://localhost/…`, or `http(s)://tauri.localhost/…` where tauri
/// serves them that way (Windows, Android); `about:blank` while a window is created.
pub fn is_app_page(url: &Url) -> bool {
    match url.scheme() {
        "tauri" => url.host_str() == Some("localhost"),
        "http" | "https" => (cfg!(windows) || cfg!(target_os = "android")) && url.host_str() == Some("tauri.localhost"),
        "about" => url.path() == "blank",
        _ => false,
    }
}

/// The plugin that cancels every navigation outside the app.
pub fn stay_in_the_app<R: Runtime>() -> TauriPlugin<R> {
    Builder::new("stay-in-the-app")
        .on_navigation(|_webview, url| {
            let allowed = is_app_page(url);
            if !allowed {
                tracing::warn!(%url, "navigation outside the app refused");
            }
            allowed
        })
        .build()
}

#[cfg(test)]
mod tests {
    use super::is_app_page;

    fn page(url: &str) -> bool {
        is_app_page(&url.parse().unwrap())
    }

    #[test]
    fn only_the_apps_own_pages_may_be_opened() {
        assert!(page("tauri://localhost/"));
        assert!(page("tauri://localhost/index.html#/households"));
        assert!(page("about:blank"));
        for remote in [
            "http://192.0.2.1/",
            "https://example.com/",
            "http://localhost:1420/",
            "tauri://example.com/",
            "file:///etc/passwd",
            "ws://127.0.0.1/",
            "data:text/html,<p>hi</p>",
            "about:config",
        ] {
            assert!(!page(remote), "{remote}");
        }
        assert_eq!(page("http://tauri.localhost/"), cfg!(windows));
    }
}
