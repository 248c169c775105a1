//! Reading PDFs back with a real reader (poppler-utils), shared by the print stories.

use std::path::Path;
use std::process::Command;

/// Runs a poppler tool on `pdf` and returns what it printed (pdftotext prints to stdout).
pub fn poppler(tool: &str, args: &[&str], pdf: &Path) -> String {
    let output =
        Command::new(tool).args(args).arg(pdf).args(if tool == "pdftotext" { &["-"][..] } else { &[] }).output();
    let output = output.unwrap_or_else(|e| panic!("{tool} is needed (poppler-utils): {e}"));
    assert!(output.status.success(), "{tool}: {}", String::from_utf8_lossy(&output.stderr));
    String::from_utf8(output.stdout).unwrap()
}
