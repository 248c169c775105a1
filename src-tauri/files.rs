//! Native file dialogs and the system viewer, called from Rust so the webview needs no file
//! system or dialog permissions at all.
//!
//! The one test seam: WebDriver cannot drive native GTK dialogs, so end-to-end tests set
//! XINGHE_E2E_OPEN (the file an "open" dialog returns) and XINGHE_E2E_SAVE_DIR (where a
//! "save" dialog puts the suggested name, and the folder a folder dialog returns; the system
//! viewer is then not started).

use std::path::PathBuf;
use tauri::{AppHandle, Runtime};
use tauri_plugin_dialog::DialogExt;
use tauri_plugin_opener::OpenerExt;

/// What a dialog is for: decides the title and the file types offered.
#[derive(Debug, Clone, Copy, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FileKind {
    Register,
    Pdf,
    Xlsx,
    Csv,
    /// A backup of the register (浏河社区-备份-….xinghe.db).
    Backup,
}

impl FileKind {
    /// The file types offered, the first being the default.
    fn filters(self) -> &'static [(&'static str, &'static [&'static str])] {
        match self {
            FileKind::Register => &[("Excel / CSV", &["xlsx", "xls", "ods", "csv"])],
            FileKind::Pdf => &[("PDF", &["pdf"])],
            // Exports can be either; .xlsx first because only it keeps 18-digit ID numbers
            // intact when Excel opens the file.
            FileKind::Xlsx => &[("Excel", &["xlsx"]), ("CSV", &["csv"])],
            FileKind::Csv => &[("CSV", &["csv"])],
            FileKind::Backup => &[("星河台账备份", &["db"])],
        }
    }

    fn dialog<R: Runtime>(self, app: &AppHandle<R>) -> tauri_plugin_dialog::FileDialogBuilder<R> {
        self.filters().iter().fold(app.dialog().file(), |d, (name, extensions)| d.add_filter(*name, extensions))
    }
}

fn test_save_dir() -> Option<PathBuf> {
    std::env::var_os("XINGHE_E2E_SAVE_DIR").map(PathBuf::from)
}

/// The path given by the caller, else the one `pick` asks the user for (None when cancelled).
pub fn given_or_picked(given: Option<String>, pick: impl FnOnce() -> Option<PathBuf>) -> Option<PathBuf> {
    given.map(PathBuf::from).or_else(pick)
}

/// Asks which file to open; None when the user cancels.
pub fn pick_open<R: Runtime>(app: &AppHandle<R>, kind: FileKind) -> Option<PathBuf> {
    if let Some(path) = std::env::var_os("XINGHE_E2E_OPEN") {
        return Some(PathBuf::from(path));
    }
    kind.dialog(app).set_title("选择文件").blocking_pick_file()?.into_path().ok()
}

/// Asks where to save, suggesting `file_name`; None when the user cancels.
pub fn pick_save<R: Runtime>(app: &AppHandle<R>, kind: FileKind, file_name: &str) -> Option<PathBuf> {
    if let Some(dir) = test_save_dir() {
        return Some(dir.join(file_name));
    }
    kind.dialog(app).set_title("保存到").set_file_name(file_name).blocking_save_file()?.into_path().ok()
}

/// Asks for a folder (where "Back up to…" writes); None when the user cancels. Under the test
/// seam, the save folder.
pub fn pick_folder<R: Runtime>(app: &AppHandle<R>, title: &str) -> Option<PathBuf> {
    if let Some(dir) = test_save_dir() {
        return Some(dir);
    }
    app.dialog().file().set_title(title).blocking_pick_folder()?.into_path().ok()
}

/// Opens a file we just wrote in the system's viewer (PDF reader, Excel).
/// A viewer that cannot be started is an `Error::Io` (kind `io`).
pub fn open_in_viewer<R: Runtime>(app: &AppHandle<R>, path: &std::path::Path) -> xinghe_ledger::Result<()> {
    if test_save_dir().is_some() {
        return Ok(());
    }
    app.opener()
        .open_path(path.to_string_lossy(), None::<&str>)
        .map_err(|e| std::io::Error::other(format!("无法打开 {}：{e}", path.display())).into())
}
