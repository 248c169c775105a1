//! Another program writing while the register is restored, encrypted or decrypted (issue 11,
//! items 3, 4, 6, 7 and 13): real `xinghe-cli` processes, one recording hours in a loop and
//! one restoring or rewriting the file, with the moment of danger stretched by strace
//! (`-e inject=rename…:delay_…`, as the bug was first reproduced). Every write the writer was
//! told was committed must be in the register afterwards or in the safety copy taken before
//! the restore; no plaintext copy may outlive a rewrite, whatever ends it.

use crate::support::small_community::community;
use rusqlite::Connection;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

const PASSWORD: &str = "浏河-2026-yes";

static NEXT_SLOT: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);

fn cli() -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_xinghe-cli"));
    command.env_remove("XINGHE_DB").env_remove("XINGHE_PASSWORD");
    command
}

fn run(db: &Path, args: &[&str]) -> Output {
    cli().arg("--db").arg(db).args(args).output().unwrap()
}

fn text(output: &Output) -> String {
    format!("{}{}", String::from_utf8_lossy(&output.stdout), String::from_utf8_lossy(&output.stderr))
}

/// `xinghe-cli ARGS` under strace, every rename delayed by `delay_ms` on its way in: the window
/// in which another program's write used to be lost.
fn slowed_rename(db: &Path, args: &[&str], delay_ms: u64, password: Option<&str>) -> Child {
    let mut command = Command::new("strace");
    command
        .args(["-f", "-qq", "-o", "/dev/null", "-e", "trace=rename,renameat,renameat2", "-e"])
        .arg(format!("inject=rename,renameat,renameat2:delay_enter={}", delay_ms * 1000))
        .arg(env!("CARGO_BIN_EXE_xinghe-cli"))
        .arg("--db")
        .arg(db)
        .args(args)
        .env_remove("XINGHE_DB")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    match password {
        Some(p) => command.env("XINGHE_PASSWORD", p),
        None => command.env_remove("XINGHE_PASSWORD"),
    };
    command.spawn().expect("strace (installed by tests/setup.sh)")
}

/// A register with one volunteer; returns their number.
fn register_with_a_volunteer(db: &Path) -> String {
    let mut c = community(db, "2026-03-01");
    let volunteer = c.volunteer("周丽华", None);
    c.sql.query_row("SELECT number FROM volunteers WHERE id = ?1", [volunteer], |r| r.get(0)).unwrap()
}

/// Records hours with one `xinghe-cli hours add` process after another (each a new program,
/// as a scheduled script would) until stopped; returns the slots reported as committed
/// ("2026-02-01 08:15"). Slots never overlap, so every refusal is the register's doing.
fn record_hours_until(db: PathBuf, volunteer: String, stop: Arc<AtomicBool>, password: Option<String>) -> Vec<String> {
    let mut committed = Vec::new();
    while !stop.load(Ordering::SeqCst) {
        // Slots go on from one writer to the next (a test may run several in turn).
        let i = NEXT_SLOT.fetch_add(1, Ordering::SeqCst);
        let day = chrono::NaiveDate::from_ymd_opt(2026, 2, 1).unwrap() + chrono::Days::new(u64::from(i / 40));
        let start =
            chrono::NaiveTime::from_hms_opt(8, 0, 0).unwrap() + chrono::Duration::minutes(i64::from(i % 40) * 15);
        let end = start + chrono::Duration::minutes(10);
        let (date, start, end) = (day.to_string(), start.format("%H:%M").to_string(), end.format("%H:%M").to_string());
        let mut command = cli();
        command.arg("--db").arg(&db).args(["hours", "add", "--volunteer", &volunteer, "--date", &date]);
        command.args(["--start", &start, "--end", &end, "--content", &format!("测试第{i}条"), "--json"]);
        if let Some(p) = &password {
            command.env("XINGHE_PASSWORD", p);
        }
        let output = command.output().unwrap();
        if String::from_utf8_lossy(&output.stdout).contains("\"committed\":\"hours\"") {
            committed.push(format!("{date} {start}"));
        }
    }
    committed
}

fn slots_in(path: &Path, password: Option<&str>) -> BTreeSet<String> {
    let conn = Connection::open_with_flags(path, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY).unwrap();
    // The key only for a file that is encrypted by now.
    if let Some(p) = password.filter(|_| !xinghe_ledger::store::cipher::is_plain_sqlite(path).unwrap()) {
        conn.execute_batch(&format!("PRAGMA key = '{p}'")).unwrap();
    }
    let mut stmt = conn.prepare("SELECT date || ' ' || start_time FROM hour_entries").unwrap();
    let slots = stmt.query_map([], |r| r.get(0)).unwrap().collect::<rusqlite::Result<_>>().unwrap();
    slots
}

fn files_named(folder: &Path, part: &str) -> Vec<PathBuf> {
    let mut found: Vec<PathBuf> = std::fs::read_dir(folder)
        .unwrap()
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().contains(part))
        .map(|e| e.path())
        .collect();
    found.sort();
    found
}

/// Starts the writer, waits until it has committed something, runs `during`, lets the writer go
/// on a little, stops it and returns what it reported as committed.
fn while_writing(db: &Path, volunteer: &str, password: Option<&str>, during: impl FnOnce()) -> Vec<String> {
    let stop = Arc::new(AtomicBool::new(false));
    let writer = {
        let (db, volunteer, stop, password) =
            (db.to_path_buf(), volunteer.to_string(), stop.clone(), password.map(str::to_string));
        std::thread::spawn(move || record_hours_until(db, volunteer, stop, password))
    };
    let started = Instant::now();
    while slots_in(db, password).is_empty() && started.elapsed() < Duration::from_secs(30) {
        std::thread::sleep(Duration::from_millis(50));
    }
    during();
    std::thread::sleep(Duration::from_millis(700));
    stop.store(true, Ordering::SeqCst);
    writer.join().unwrap()
}

/// Regression (issue 11, item 3): 14–15 hours entries that `hours add` reported as committed
/// were in neither the restored file nor the 恢复前 safety copy — they landed after the copy and
/// before the overwrite. The restore now holds the write lock from before the safety copy to
/// its commit.
#[test]
fn hours_committed_during_a_restore_are_in_the_safety_copy_or_the_restored_register() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("liuhe.db");
    let volunteer = register_with_a_volunteer(&db);
    let backup = dir.path().join("上周.xinghe.db");
    assert!(run(&db, &["backup", "--out", backup.to_str().unwrap()]).status.success());

    let mut restored = None;
    let committed = while_writing(&db, &volunteer, None, || {
        let child = slowed_rename(&db, &["restore", backup.to_str().unwrap(), "--yes"], 1500, None);
        restored = Some(child.wait_with_output().unwrap());
    });
    let restored = restored.unwrap();
    assert!(restored.status.success(), "{}", text(&restored));
    let safety = files_named(&dir.path().join("backups"), "恢复前");
    assert_eq!(safety.len(), 1, "{safety:?}");
    let kept: BTreeSet<String> = slots_in(&db, None).union(&slots_in(&safety[0], None)).cloned().collect();
    let lost: Vec<&String> = committed.iter().filter(|slot| !kept.contains(*slot)).collect();
    assert!(committed.len() >= 3, "the writer ran through the restore: {committed:?}");
    assert!(lost.is_empty(), "reported committed, then lost by the restore: {lost:?}");
}

/// Regression (issue 11, item 4): writes committed between the rewrite's last check and the
/// rename went to the old file and vanished. The rewrite now holds the register for itself
/// (rollback journal + exclusive lock) from the copy through the rename; a writer waits or is
/// refused, and SQLite refuses to write into the renamed-away old file.
#[test]
fn hours_committed_while_the_register_is_encrypted_and_decrypted_are_all_kept() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("liuhe.db");
    let volunteer = register_with_a_volunteer(&db);
    for (args, key_after) in [(["encrypt"], Some(PASSWORD)), (["decrypt"], None)] {
        let mut rewrote = None;
        let committed = while_writing(&db, &volunteer, Some(PASSWORD), || {
            let child = slowed_rename(&db, &args, 1500, Some(PASSWORD));
            rewrote = Some(child.wait_with_output().unwrap());
        });
        let rewrote = rewrote.unwrap();
        assert!(rewrote.status.success(), "{args:?}: {}", text(&rewrote));
        let kept = slots_in(&db, key_after);
        let lost: Vec<&String> = committed.iter().filter(|slot| !kept.contains(*slot)).collect();
        assert!(committed.len() >= 2, "{args:?}: the writer ran through the rewrite: {committed:?}");
        assert!(lost.is_empty(), "{args:?}: reported committed, then lost with the old file: {lost:?}");
        assert!(files_named(dir.path(), ".xinghe-rekey-").is_empty());
    }
}

/// Regression (issue 11, item 6): SIGTERM during `decrypt` left a hidden `.xinghe-rekey-*.tmp`
/// that was plain SQLite with every resident, kept until an open at least ten minutes later.
#[test]
fn sigterm_during_decrypt_leaves_no_plain_copy_behind() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("liuhe.db");
    register_with_a_volunteer(&db);
    let on = Command::new(env!("CARGO_BIN_EXE_xinghe-cli"))
        .arg("--db")
        .arg(&db)
        .arg("encrypt")
        .env("XINGHE_PASSWORD", PASSWORD)
        .output()
        .unwrap();
    assert!(on.status.success(), "{}", text(&on));
    // The rename into place is held up for 20 s: the plain copy is complete and waiting.
    let child = slowed_rename(&db, &["decrypt"], 20_000, Some(PASSWORD));
    let started = Instant::now();
    while files_named(dir.path(), ".xinghe-rekey-").is_empty() && started.elapsed() < Duration::from_secs(30) {
        std::thread::sleep(Duration::from_millis(20));
    }
    let temp = files_named(dir.path(), ".xinghe-rekey-");
    assert!(!temp.is_empty(), "the rewrite started");
    // Wait for the plain copy to be written (the rename is what is held up).
    std::thread::sleep(Duration::from_millis(1500));
    // SIGTERM to xinghe-cli itself (strace's child), as `kill PID` or a shutdown sends it.
    let pgrep = Command::new("pgrep").arg("-P").arg(child.id().to_string()).output().unwrap();
    let pid = String::from_utf8_lossy(&pgrep.stdout).trim().to_string();
    assert!(!pid.is_empty(), "xinghe-cli decrypt is running");
    assert!(Command::new("kill").args(["-TERM", &pid]).status().unwrap().success());
    let output = child.wait_with_output().unwrap();
    assert!(!output.status.success());
    let left = files_named(dir.path(), ".xinghe-rekey-");
    assert!(left.is_empty(), "plain copies left behind: {left:?}");
    // The register is as it was: still encrypted, and opens with its password.
    let stats = run(&db, &["stats"]);
    assert!(!stats.status.success(), "still encrypted: {}", text(&stats));
}

/// Regression (found attacking item 6): a plain copy left by `encrypt`/`decrypt` killed with
/// SIGKILL (which no handler sees) stayed through every read-only command (`stats`, `check`,
/// `backup` open the register without writing), until the next command that wrote.
#[test]
fn a_plain_copy_left_by_a_killed_rewrite_goes_at_the_next_read_only_command() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("liuhe.db");
    register_with_a_volunteer(&db);
    let left = dir.path().join(".xinghe-rekey-liuhe.db-Ab12Cd.tmp");
    std::fs::copy(&db, &left).unwrap();
    std::fs::write(dir.path().join(".xinghe-rekey-liuhe.db-Ab12Cd.tmp-journal"), b"j").unwrap();
    let stats = run(&db, &["stats"]);
    assert!(stats.status.success(), "{}", text(&stats));
    assert!(files_named(dir.path(), ".xinghe-rekey-").is_empty(), "the plain copy is gone");
}

/// Regression (issue 11, item 7): a dated copy written into backups/ by `backup --out backups`
/// stayed plaintext after encryption was turned on, though the README said every backup there
/// is encrypted. A plain backup of another register in the same folder is left alone.
#[test]
fn a_dated_copy_in_the_backup_folder_is_encrypted_with_the_register_and_another_registers_is_not() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("liuhe.db");
    register_with_a_volunteer(&db);
    let folder = dir.path().join("backups");
    let made = run(&db, &["backup", "--out", folder.to_str().unwrap()]);
    assert!(made.status.success(), "{}", text(&made));
    let dated = files_named(&folder, "-备份-");
    assert_eq!(dated.len(), 1);
    // Another community's register and its plain backup, kept in the same folder.
    let other_db = dir.path().join("xinghuo.db");
    {
        let mut other = xinghe_ledger::Ledger::open(&other_db).unwrap();
        other.set_community_name("星火社区").unwrap();
    }
    let theirs = folder.join("星火社区-手工备份.xinghe.db");
    assert!(run(&other_db, &["backup", "--out", theirs.to_str().unwrap()]).status.success());

    let on = cli().arg("--db").arg(&db).arg("encrypt").env("XINGHE_PASSWORD", PASSWORD).output().unwrap();
    assert!(on.status.success(), "{}", text(&on));
    assert!(!xinghe_ledger::store::cipher::is_plain_sqlite(&dated[0]).unwrap(), "our dated copy is encrypted");
    assert!(xinghe_ledger::store::cipher::is_plain_sqlite(&theirs).unwrap(), "the other register's is left alone");
    let info = xinghe_ledger::safety::backup::inspect_backup_with(
        &dated[0],
        Some(&xinghe_ledger::safety::encryption::Passphrase::new(PASSWORD).unwrap()),
    )
    .unwrap();
    assert_eq!(info.community_name.as_deref(), Some("浏河社区"));
}

/// Regression (issue 11, item 13): a backup of another community was restored with a plain
/// `--yes`. It now needs `--other-community`, and the register is untouched until then.
#[test]
fn restoring_another_communitys_backup_needs_other_community_not_just_yes() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("liuhe.db");
    register_with_a_volunteer(&db);
    let other_db = dir.path().join("xinghuo.db");
    {
        let mut other = xinghe_ledger::Ledger::open(&other_db).unwrap();
        other.set_community_name("星火社区").unwrap();
    }
    let theirs = dir.path().join("星火社区.xinghe.db");
    assert!(run(&other_db, &["backup", "--out", theirs.to_str().unwrap()]).status.success());
    let community_name = |db: &Path| -> String {
        Connection::open(db)
            .unwrap()
            .query_row("SELECT value FROM settings WHERE key = 'community_name'", [], |r| r.get(0))
            .unwrap()
    };

    let refused = run(&db, &["restore", theirs.to_str().unwrap(), "--yes"]);
    assert_eq!(refused.status.code(), Some(1));
    let message = text(&refused);
    assert!(message.contains("是“星火社区”的备份，不是“浏河社区”的"), "{message}");
    assert!(message.contains("--other-community"), "{message}");
    assert_eq!(community_name(&db), "浏河社区", "nothing changed");
    assert_eq!(slots_in(&db, None).len(), 0);
    assert!(!dir.path().join("backups").exists(), "not even a safety copy");

    let restored = run(&db, &["restore", theirs.to_str().unwrap(), "--yes", "--other-community"]);
    assert!(restored.status.success(), "{}", text(&restored));
    assert_eq!(community_name(&db), "星火社区");
}

/// The POSIX locks this process holds on `path` (Linux: /proc/locks, by inode and pid).
#[cfg(target_os = "linux")]
fn locks_held_on(path: &Path) -> usize {
    use std::os::unix::fs::MetadataExt;
    let inode = std::fs::metadata(path).unwrap().ino();
    let pid = std::process::id().to_string();
    std::fs::read_to_string("/proc/locks")
        .unwrap()
        .lines()
        .filter(|line| {
            let fields: Vec<&str> = line.split_whitespace().collect();
            fields.contains(&"POSIX")
                && fields.contains(&pid.as_str())
                && fields.iter().any(|f| f.rsplit(':').next() == Some(inode.to_string().as_str()))
        })
        .count()
}

/// Regression (found while fixing item 3): closing any descriptor of a file drops every POSIX
/// lock the process holds on it, SQLite's shared lock of the open register included, after which
/// another program may checkpoint and delete the -wal and -shm still in use here ("disk I/O
/// error", "database disk image is malformed"). Telling whether the register is encrypted,
/// comparing it with an output path and refusing to restore it onto itself read it without
/// closing a descriptor of it.
#[cfg(target_os = "linux")]
#[test]
fn looking_at_the_open_register_keeps_sqlites_lock_on_it() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("liuhe.db");
    register_with_a_volunteer(&db);
    let mut ledger = xinghe_ledger::Ledger::open(&db).unwrap();
    ledger.stats().unwrap();
    let held = locks_held_on(&db);
    assert!(held > 0, "a WAL connection holds a shared lock on the register");
    assert!(xinghe_ledger::store::cipher::is_plain_sqlite(&db).unwrap());
    assert_eq!(locks_held_on(&db), held, "after is_plain_sqlite");
    assert!(xinghe_ledger::store::output::is_same_file(&db, &dir.path().join(".").join("liuhe.db")));
    assert_eq!(locks_held_on(&db), held, "after is_same_file");
    let err = ledger.restore_from(&db, &dir.path().join("backups")).unwrap_err();
    assert!(err.to_string().contains("就是正在使用的数据库"), "{err}");
    assert_eq!(locks_held_on(&db), held, "after a restore onto itself was refused");
    let _ = xinghe_ledger::safety::backup::inspect_backup(&db);
    assert_eq!(locks_held_on(&db), held, "after reading the register as if it were a backup");
}
