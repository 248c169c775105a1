//! Read-only folders and files for story tests that CI runs as root: root ignores file modes,
//! so such a test runs itself again in a child without DAC_OVERRIDE (setpriv), where a chmod
//! 0555 folder blocks it as it blocks an office user.

use std::path::Path;
use std::process::Command;

pub fn running_as_root() -> bool {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status.lines().find(|l| l.starts_with("Uid:")).and_then(|l| l.split_whitespace().nth(1)) == Some("0")
}

/// Runs `test` (its full name in the story binary, `module::function`) again in a child
/// without root's file powers; true when the child ran it (the caller then returns), false when
/// this process should run the test itself.
pub fn rerun_without_root_powers(test: &str) -> bool {
    if !running_as_root() || std::env::var_os("XINGHE_TEST_NO_DAC").is_some() {
        return false;
    }
    let ran = Command::new("setpriv")
        .args(["--bounding-set=-dac_override,-dac_read_search,-fowner", "--"])
        .arg(std::env::current_exe().unwrap())
        .args(["--exact", test, "--nocapture", "--test-threads=1"])
        .env("XINGHE_TEST_NO_DAC", "1")
        .status();
    match ran {
        Ok(status) => assert!(status.success(), "{test} failed in the child without DAC_OVERRIDE"),
        Err(e) => eprintln!("以 root 运行且没有 setpriv（{e}）：跳过只读文件夹的检查；root 不受 chmod 限制"),
    }
    true
}

pub fn chmod(path: &Path, mode: u32) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).unwrap();
}
