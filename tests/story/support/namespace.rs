//! Runs a shell script in a private user and mount namespace (`unshare -rm`), where a tiny tmpfs
//! (a full disk) or a FUSE mount needs no privileges, with `$CLI` naming xinghe-cli. The script
//! marks sections with lines "[name]"; `sections` splits its output into them.

use std::collections::BTreeMap;
use std::process::{Command, Output};

/// The script's output, or None where the system allows no private namespace (the caller says
/// so and skips).
pub fn in_namespace(script: &str) -> Option<Output> {
    let probe = Command::new("unshare").args(["-rm", "true"]).output().ok()?;
    if !probe.status.success() {
        return None;
    }
    Command::new("unshare").args(["-rm", "sh", "-c", script]).env("CLI", env!("CARGO_BIN_EXE_xinghe-cli")).output().ok()
}

/// "[name]" sections of stdout and stderr together (a script runs each command with 2>&1).
pub fn sections(output: &Output) -> BTreeMap<String, String> {
    let text = String::from_utf8_lossy(&output.stdout).into_owned() + &String::from_utf8_lossy(&output.stderr);
    let mut found = BTreeMap::new();
    let mut name = String::new();
    for line in text.lines() {
        if let Some(next) = line.strip_prefix('[').and_then(|l| l.strip_suffix(']')) {
            name = next.to_string();
            found.insert(name.clone(), String::new());
        } else if let Some(lines) = found.get_mut(&name) {
            lines.push_str(line);
            lines.push('\n');
        }
    }
    found
}

/// A shell snippet that runs xinghe-cli on `db` with `args` under the section `name`, then
/// prints "exit N".
pub fn run(name: &str, db: &str, args: &str) -> String {
    format!("echo '[{name}]'; \"$CLI\" --db '{db}' {args} 2>&1; echo \"exit $?\"; ")
}
