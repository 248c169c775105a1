//! A register file that cannot be used: damaged or not SQLite, in a read-only folder, on a full
//! disk, locked by another program. Each gives its own error kind and a Chinese message naming
//! the file, the file is never rewritten, and a damaged one can be set aside and restored from
//! an automatic backup into a new file.

use crate::support::liuhe_unit;
use crate::support::namespace::{in_namespace, run, sections};
use crate::support::unprivileged::{chmod, rerun_without_root_powers};
use rusqlite::Connection;
use std::path::{Path, PathBuf};
use std::process::Command;
use xinghe_ledger::register::model::HouseholdInput;
use xinghe_ledger::store::failure;
use xinghe_ledger::Ledger;

/// 浏河社区 with `rooms` households in 8栋1单元 (on the clock's today); returns the unit.
fn register(path: &Path, rooms: usize) -> i64 {
    let mut ledger = Ledger::open(path).unwrap();
    let unit = liuhe_unit(&mut ledger);
    for room in 0..rooms {
        let input = HouseholdInput { unit_id: unit, room: format!("{}", 101 + room), ..Default::default() };
        ledger.save_household(&input).unwrap();
    }
    unit
}

fn side_files(path: &Path) -> Vec<PathBuf> {
    ["-wal", "-shm", "-journal"]
        .iter()
        .map(|s| PathBuf::from(format!("{}{s}", path.display())))
        .filter(|p| p.exists())
        .collect()
}

fn random_bytes(n: usize) -> Vec<u8> {
    let mut rng = fastrand::Rng::with_seed(6);
    (0..n).map(|_| rng.u8(..)).collect()
}

#[test]
fn random_bytes_named_db_are_corrupt_and_left_byte_for_byte() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("xinghe.db");
    let bytes = random_bytes(4096);
    std::fs::write(&path, &bytes).unwrap();
    let err = Ledger::open(&path).err().expect("refused");
    assert_eq!(err.kind(), "corrupt");
    let message = err.to_string();
    assert!(message.contains("xinghe.db") && message.contains("已损坏") && message.contains("从备份恢复"), "{message}");
    assert_eq!(std::fs::read(&path).unwrap(), bytes, "nothing overwritten");
    assert!(side_files(&path).is_empty(), "no -wal/-shm left beside it: {:?}", side_files(&path));
}

#[test]
fn a_xinghe_file_with_a_damaged_schema_page_is_corrupt_and_unchanged() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("xinghe.db");
    register(&path, 3);
    let mut bytes = std::fs::read(&path).unwrap();
    // Page 1 after the 100-byte header holds the schema table's root.
    bytes[100..4096].copy_from_slice(&random_bytes(3996));
    std::fs::write(&path, &bytes).unwrap();
    let err = Ledger::open(&path).err().expect("refused");
    assert_eq!(err.kind(), "corrupt", "{err}");
    assert_eq!(std::fs::read(&path).unwrap(), bytes, "not repaired, not recreated");
}

/// Damage in a table page is not searched for at every start (that would read the whole file
/// each time); the file opens, and `check` reports it unhealthy instead of failing.
#[test]
fn damage_deep_in_the_file_opens_and_check_reports_it_unhealthy() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("xinghe.db");
    register(&path, 200);
    let mut bytes = std::fs::read(&path).unwrap();
    let pages = bytes.len() / 4096;
    let last = (pages - 1) * 4096;
    bytes[last..last + 4096].copy_from_slice(&random_bytes(4096));
    std::fs::write(&path, &bytes).unwrap();
    let ledger = Ledger::open(&path).unwrap();
    let report = ledger.check().expect("a report, not an error");
    assert!(!report.healthy, "{report:?}");
}

#[test]
fn another_programs_sqlite_file_is_still_not_xinghe() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("other.db");
    Connection::open(&path).unwrap().execute_batch("CREATE TABLE t(x); INSERT INTO t VALUES (1);").unwrap();
    let before = std::fs::read(&path).unwrap();
    let err = Ledger::open(&path).err().unwrap();
    assert_eq!(err.kind(), "not_xinghe");
    assert!(err.needs_restore());
    assert_eq!(std::fs::read(&path).unwrap(), before);
}

#[test]
fn a_read_only_folder_or_file_is_read_only_and_unchanged() {
    if rerun_without_root_powers("open_failures::a_read_only_folder_or_file_is_read_only_and_unchanged") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let folder = dir.path().join("只读");
    std::fs::create_dir(&folder).unwrap();
    let path = folder.join("xinghe.db");
    register(&path, 2);
    let before = std::fs::read(&path).unwrap();

    // A 0555 folder: SQLite cannot create the -wal file beside the database.
    chmod(&folder, 0o555);
    let err = Ledger::open(&path).err().expect("refused");
    let fresh = Ledger::open(&folder.join("new.db")).err().expect("no new file in a read-only folder");
    chmod(&folder, 0o755);
    assert_eq!(err.kind(), "read_only", "{err}");
    assert!(err.to_string().contains("只读") && err.to_string().contains("xinghe.db"), "{err}");
    assert_eq!(fresh.kind(), "read_only", "{fresh}");
    assert_eq!(std::fs::read(&path).unwrap(), before);
    assert!(!folder.join("new.db").exists());

    // A 0444 file in a writable folder: the first write (the migration check) is refused.
    chmod(&path, 0o444);
    let err = Ledger::open(&path).err().expect("refused");
    chmod(&path, 0o644);
    assert_eq!(err.kind(), "read_only", "{err}");
    assert_eq!(std::fs::read(&path).unwrap(), before);
    assert!(side_files(&path).is_empty(), "nothing left beside it: {:?}", side_files(&path));
    assert_eq!(Ledger::open(&path).unwrap().stats().unwrap().households, 2);
}

/// Made read-only while open (a USB stick's lock switch, permissions changed): the next write
/// says so, and what was committed stays.
#[test]
fn a_write_to_a_file_made_read_only_while_open_says_so() {
    if rerun_without_root_powers("open_failures::a_write_to_a_file_made_read_only_while_open_says_so") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("xinghe.db");
    let unit = register(&path, 1);
    let mut ledger = Ledger::open(&path).unwrap();
    chmod(&path, 0o444);
    chmod(dir.path(), 0o555);
    let input = HouseholdInput { unit_id: unit, room: "999".into(), ..Default::default() };
    let result = ledger.save_household(&input);
    drop(ledger);
    chmod(dir.path(), 0o755);
    chmod(&path, 0o644);
    // The open connection already holds the -wal file, so SQLite may still take the write;
    // when it refuses, it must be with the read-only message.
    if let Err(err) = result {
        assert_eq!(err.at(&path).kind(), "read_only");
    }
}

/// A real full disk: a 1 MB tmpfs (needs mount, so root). Without it, the unit test in
/// failure.rs gives SQLITE_FULL through max_page_count, the same result code.
#[test]
fn a_full_disk_is_disk_full_and_keeps_what_was_committed() {
    let dir = tempfile::tempdir().unwrap();
    let mount = dir.path().join("小盘");
    std::fs::create_dir(&mount).unwrap();
    let mounted = Command::new("mount")
        .args(["-t", "tmpfs", "-o", "size=1m", "tmpfs"])
        .arg(&mount)
        .stderr(std::process::Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if !mounted {
        eprintln!("不能挂载 tmpfs（非 root）：跳过真实磁盘已满的检查；failure.rs 的单元测试用 max_page_count 覆盖 SQLITE_FULL");
        return;
    }
    let _unmount = Unmount(mount.clone());
    let path = mount.join("xinghe.db");
    let unit = register(&path, 1);
    let mut ledger = Ledger::open(&path).unwrap();
    // Fill what is left of the disk.
    {
        use std::io::Write;
        let mut filler = std::fs::File::create(mount.join("filler")).unwrap();
        while filler.write_all(&[0u8; 4096]).is_ok() {}
    }
    let mut saved = 0;
    let err = loop {
        let input = HouseholdInput {
            unit_id: unit,
            room: format!("{}", 1000 + saved),
            notes: Some("备注".repeat(500)),
            ..Default::default()
        };
        match ledger.save_household(&input) {
            Ok(_) => saved += 1,
            Err(e) => break e.at(&path),
        }
        assert!(saved < 5_000, "the disk never filled");
    };
    assert_eq!(err.kind(), "disk_full", "{err}");
    assert!(err.to_string().contains("磁盘空间已满") && err.to_string().contains("xinghe.db"), "{err}");
    drop(ledger);
    std::fs::remove_file(mount.join("filler")).unwrap();
    let ledger = Ledger::open(&path).unwrap();
    assert_eq!(ledger.stats().unwrap().households, 1 + saved);
    assert!(ledger.check().unwrap().healthy);
}

#[test]
fn a_database_locked_by_another_program_is_locked_at_open_and_at_a_write() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("xinghe.db");
    register(&path, 1);
    let mut ledger = Ledger::open(&path).unwrap();

    let other = Connection::open(&path).unwrap();
    other.execute_batch("BEGIN IMMEDIATE; INSERT INTO settings(key, value) VALUES ('held', '1');").unwrap();
    // Opening writes nothing when the schema is current, so it does not wait for the lock; the
    // first write does, and says who holds it.
    let mut second = Ledger::open(&path).expect("opening takes no write lock");
    let err = second.set_community_name("星河社区").unwrap_err().at(&path);
    assert_eq!(err.kind(), "locked", "{err}");
    assert!(err.to_string().contains("另一个程序占用") && err.to_string().contains("重试"), "{err}");
    drop(second);
    let err = ledger.set_community_name("星河社区").unwrap_err().at(&path);
    assert_eq!(err.kind(), "locked", "{err}");
    other.execute_batch("ROLLBACK").unwrap();
    drop(other);

    // Once the other program lets go, the same actions work.
    ledger.set_community_name("星河社区").unwrap();
    assert!(Ledger::open(&path).is_ok());
}

#[test]
fn a_corrupt_file_is_set_aside_and_a_backup_restored_into_a_new_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("xinghe.db");
    register(&path, 2);
    let folder = xinghe_ledger::safety::backup::default_folder(&path);
    let auto = Ledger::open(&path).unwrap().auto_backup(&folder, xinghe_ledger::values::dates::local_now()).unwrap();
    let bytes = random_bytes(4096);
    std::fs::write(&path, &bytes).unwrap();
    assert_eq!(Ledger::open(&path).err().unwrap().kind(), "corrupt");

    // A file that is not a backup is refused before anything is moved.
    let junk = dir.path().join("junk.xinghe.db");
    std::fs::write(&junk, "no").unwrap();
    assert!(xinghe_ledger::safety::recovery::restore_into_new_file(
        &path,
        &junk,
        xinghe_ledger::values::dates::local_now(),
        None
    )
    .is_err());
    assert_eq!(std::fs::read(&path).unwrap(), bytes);

    let at = xinghe_ledger::values::dates::local_now();
    let (ledger, recovery) =
        xinghe_ledger::safety::recovery::restore_into_new_file(&path, Path::new(&auto.path), at, None).unwrap();
    assert_eq!(ledger.stats().unwrap().households, 2);
    assert_eq!(recovery.restored.counts.households, 2);
    assert!(ledger.setting("backup_created_at").unwrap().is_none());
    let aside = PathBuf::from(recovery.set_aside.unwrap());
    assert_eq!(aside, failure::set_aside_name(&path, at));
    assert!(aside.to_string_lossy().contains("xinghe.db.损坏-"));
    assert_eq!(std::fs::read(&aside).unwrap(), bytes, "the broken file is kept, never deleted");
}

/// Regression: `--db` naming a folder was reported as "not a Xinghe database".
#[test]
fn a_database_path_that_is_a_folder_is_refused_as_a_folder() {
    let dir = tempfile::tempdir().unwrap();
    let err = Ledger::open(dir.path()).err().expect("a folder is not a database");
    assert_eq!(err.kind(), "refused");
    assert!(err.to_string().contains("是一个文件夹"), "{err}");
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0, "nothing written into the folder");
}

fn cli(db: &Path, args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_xinghe-cli")).arg("--db").arg(db).args(args).output().unwrap()
}

/// A demo register of 100 households made by the CLI.
fn demo_register(dir: &Path) -> PathBuf {
    let db = dir.join("r.db");
    assert!(cli(&db, &["demo", "--households", "100"]).status.success());
    db
}

fn section<'a>(found: &'a std::collections::BTreeMap<String, String>, name: &str) -> &'a str {
    found.get(name).map(String::as_str).unwrap_or_else(|| panic!("no section [{name}] in {found:#?}"))
}

/// Regression (issue 11): with the disk 100 % full, every open wrote (the migration check
/// rewrote application_id; the read-only look at the file could not grow its -shm), and even
/// `stats` said "不是星河社区台账的数据库，已拒绝打开". Reading commands now write nothing; a
/// command that must write says the disk is full, naming the register; nothing is left beside it.
#[test]
fn stats_and_backup_work_on_a_full_disk() {
    let dir = tempfile::tempdir().unwrap();
    let source = demo_register(dir.path());
    let full = dir.path().join("满");
    let out = dir.path().join("另一个盘");
    std::fs::create_dir_all(&full).unwrap();
    std::fs::create_dir_all(&out).unwrap();
    let db = format!("{}/r.db", full.display());
    let script = format!(
        "mount -t tmpfs -o size=4m tmpfs '{full}' || exit 99; cp '{source}' '{db}'; \
         cat /dev/zero > '{full}/filler' 2>/dev/null; \
         {stats}{check}{search}{export}{backup}{write} echo '[files]'; ls -A '{full}'",
        full = full.display(),
        source = source.display(),
        stats = run("stats", &db, "stats"),
        check = run("check", &db, "check"),
        search = run("search", &db, "search 王 --json"),
        export = run("export", &db, &format!("export hours --out '{}/时长.xlsx'", out.display())),
        backup = run("backup", &db, &format!("backup --out '{}'", out.display())),
        write = run("write", &db, &format!("export residents --out '{}/居民.csv'", out.display())),
    );
    let Some(output) = in_namespace(&script).filter(|o| o.status.code() != Some(99)) else {
        eprintln!("不能建立私有的挂载命名空间（unshare -rm）：跳过真实磁盘已满的检查");
        return;
    };
    let found = sections(&output);
    for name in ["stats", "check", "search", "export", "backup"] {
        let text = section(&found, name);
        assert!(text.ends_with("exit 0\n"), "{name} on a full disk: {text}");
        assert!(!text.contains("不是星河社区台账"), "{name}: {text}");
    }
    assert!(section(&found, "stats").contains("户数 100"), "{}", section(&found, "stats"));
    assert!(section(&found, "check").contains("完整性：ok"), "{}", section(&found, "check"));
    assert!(section(&found, "search").contains("\"name\""), "{}", section(&found, "search"));
    assert!(out.join("时长.xlsx").is_file());
    let backups: Vec<PathBuf> = std::fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.to_string_lossy().ends_with(".xinghe.db"))
        .collect();
    assert_eq!(backups.len(), 1, "{backups:?}");
    assert_eq!(Ledger::open(&backups[0]).unwrap().stats().unwrap().households, 100);
    // A full export of residents writes its audit row: on a full disk that write is refused,
    // told as a full disk naming the register, and no file is written.
    let write = section(&found, "write");
    assert!(write.contains("磁盘空间已满") && write.contains("r.db") && write.ends_with("exit 1\n"), "{write}");
    assert!(!out.join("居民.csv").exists());
    // Nothing left beside the register: no -wal, no -shm stub the full disk could not grow.
    assert_eq!(section(&found, "files"), "filler\nr.db\n");
}

/// A disk whose bytes are not all used but whose every inode is (a tmpfs with 8 inodes): not
/// even an empty -wal can be created. Reading still works (the file as it stands, no -wal
/// existing), and a write is told as a full disk, not as a read-only folder or a foreign file.
#[test]
fn stats_and_backup_work_on_a_disk_with_no_inode_left() {
    let dir = tempfile::tempdir().unwrap();
    let source = demo_register(dir.path());
    let full = dir.path().join("满");
    std::fs::create_dir_all(&full).unwrap();
    let db = format!("{}/r.db", full.display());
    let backup = dir.path().join("备份.xinghe.db");
    let script = format!(
        "mount -t tmpfs -o size=8m,nr_inodes=8 tmpfs '{full}' || exit 99; cp '{source}' '{db}'; \
         i=0; while touch '{full}/'f$i 2>/dev/null; do i=$((i+1)); done; \
         {stats}{backup}{write}",
        full = full.display(),
        source = source.display(),
        stats = run("stats", &db, "stats"),
        backup = run("backup", &db, &format!("backup --out '{}'", backup.display())),
        write = run("write", &db, &format!("export residents --out '{}/居民.csv'", dir.path().display())),
    );
    let Some(output) = in_namespace(&script).filter(|o| o.status.code() != Some(99)) else {
        eprintln!("不能建立私有的挂载命名空间（unshare -rm）：跳过 inode 用尽的检查");
        return;
    };
    let found = sections(&output);
    assert!(section(&found, "stats").contains("户数 100"), "{}", section(&found, "stats"));
    assert!(section(&found, "backup").ends_with("exit 0\n"), "{}", section(&found, "backup"));
    assert_eq!(Ledger::open(&backup).unwrap().stats().unwrap().households, 100);
    let write = section(&found, "write");
    assert!(write.contains("磁盘空间已满") && write.contains("r.db"), "{write}");
}

/// Regression (issue 11): a backup onto a full disk left `.xinghe-backup-*.tmp-journal` beside
/// the target and said "无法写入数据库" without naming the file. Both a disk with no room at all
/// and one that fills in the middle of the copy now leave nothing and name the target.
#[test]
fn a_failed_backup_on_a_full_disk_leaves_no_temporary_files_and_names_the_target() {
    let dir = tempfile::tempdir().unwrap();
    let db = demo_register(dir.path());
    let db = db.display().to_string();
    let full = dir.path().join("U盘");
    std::fs::create_dir_all(&full).unwrap();
    let script = format!(
        "mount -t tmpfs -o size=2m tmpfs '{full}' || exit 99; \
         cat /dev/zero > '{full}/filler' 2>/dev/null; \
         {no_room} echo '[no room, files]'; ls -A '{full}'; \
         truncate -s -200K '{full}/filler'; \
         {half} echo '[half, files]'; ls -A '{full}'; \
         {folder} echo '[folder, files]'; ls -A '{full}'",
        full = full.display(),
        no_room = run("no room", &db, &format!("backup --out '{}/备份.xinghe.db'", full.display())),
        half = run("half", &db, &format!("backup --out '{}/备份.xinghe.db'", full.display())),
        folder = run("folder", &db, &format!("backup --out '{}'", full.display())),
    );
    let Some(output) = in_namespace(&script).filter(|o| o.status.code() != Some(99)) else {
        eprintln!("不能建立私有的挂载命名空间（unshare -rm）：跳过备份到已满磁盘的检查");
        return;
    };
    let found = sections(&output);
    for case in ["no room", "half"] {
        let text = section(&found, case);
        assert!(text.contains(&format!("磁盘已满，无法写入备份 {}/备份.xinghe.db", full.display())), "{case}: {text}");
        assert!(text.ends_with("exit 1\n"), "{case}: {text}");
        assert_eq!(section(&found, &format!("{case}, files")), "filler\n", "{case}: only the filler is left");
    }
    let folder = section(&found, "folder");
    assert!(folder.contains("磁盘已满，无法写入备份") && folder.contains("-备份-"), "{folder}");
    assert_eq!(section(&found, "folder, files"), "filler\n");
}

/// Regression (issue 11): `backup` opened the register for writing and waited 5 s, then failed,
/// while another program held a write transaction. A backup is a reader: it copies the last
/// committed state at once.
#[test]
fn a_backup_does_not_wait_for_a_writer() {
    let dir = tempfile::tempdir().unwrap();
    let db = demo_register(dir.path());
    let writer = Connection::open(&db).unwrap();
    writer
        .execute_batch("BEGIN IMMEDIATE; UPDATE settings SET value = '写了一半' WHERE key = 'community_name';")
        .unwrap();
    let out = dir.path().join("备份.xinghe.db");
    let started = std::time::Instant::now();
    let backup = cli(&db, &["backup", "--out", out.to_str().unwrap()]);
    let stats = cli(&db, &["stats"]);
    let waited = started.elapsed();
    writer.execute_batch("COMMIT").unwrap();
    assert!(backup.status.success(), "{}", String::from_utf8_lossy(&backup.stderr));
    assert!(stats.status.success(), "{}", String::from_utf8_lossy(&stats.stderr));
    assert!(waited < std::time::Duration::from_secs(3), "waited {waited:?} for the writer");
    // The copy holds what was committed before, not the writer's unfinished change.
    let copy = Ledger::open(&out).unwrap();
    assert_eq!(copy.community_name().unwrap().as_deref(), Some("浏河社区"));
    assert_eq!(copy.stats().unwrap().households, 100);
}

/// Opening to read changes no byte of the register and leaves nothing beside it; a change
/// through such a Ledger is refused by SQLite, and the register is still untouched.
#[test]
fn opening_for_reading_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("xinghe.db");
    register(&path, 3);
    let before = std::fs::read(&path).unwrap();
    {
        let mut ledger = Ledger::open_for_reading(&path).unwrap();
        assert_eq!(ledger.stats().unwrap().households, 3);
        assert!(ledger.check().unwrap().healthy);
        assert!(ledger.set_community_name("星河社区").is_err(), "a reader cannot write");
    }
    assert_eq!(std::fs::read(&path).unwrap(), before);
    assert!(side_files(&path).is_empty(), "{:?}", side_files(&path));
    // A file not created yet is created (and migrated) as by `open`.
    let fresh = dir.path().join("new.db");
    assert_eq!(Ledger::open_for_reading(&fresh).unwrap().stats().unwrap().households, 0);
    assert!(fresh.exists());
}

/// The shared network folder (issue 11): WAL needs shared memory on one computer, so a register
/// on SMB/NFS/FUSE is refused for writing, saying why and what to do; reading it (stats, a
/// backup to this PC) is allowed. Shown on a real FUSE mount (bindfs over a local folder, whose
/// statfs type is FUSE's 0x65735546) in a private namespace; the magic numbers of the other
/// filesystems are unit-tested in network_folder.rs.
#[test]
fn a_register_on_a_network_filesystem_is_refused_for_writing() {
    if Command::new("bindfs").arg("--version").output().is_err() {
        eprintln!(
            "没有安装 bindfs（apt-get install bindfs）：跳过 FUSE 挂载的检查；network_folder.rs 的单元测试覆盖判断本身"
        );
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let shared = dir.path().join("共享");
    let mount = dir.path().join("网络文件夹");
    std::fs::create_dir_all(&shared).unwrap();
    std::fs::create_dir_all(&mount).unwrap();
    let db = demo_register(&shared);
    let before = std::fs::read(&db).unwrap();
    let on_share = format!("{}/r.db", mount.display());
    let backup = dir.path().join("本机备份.xinghe.db");
    let script = format!(
        "bindfs '{shared}' '{mount}' || exit 99; \
         {stats}{backup}{write}{new} fusermount -u '{mount}' 2>/dev/null || umount '{mount}'",
        shared = shared.display(),
        mount = mount.display(),
        stats = run("stats", &on_share, "stats"),
        backup = run("backup", &on_share, &format!("backup --out '{}'", backup.display())),
        write = run("write", &on_share, "import /nonexistent.csv"),
        new = run("new", &format!("{}/新台账.db", mount.display()), "demo"),
    );
    let Some(output) = in_namespace(&script).filter(|o| o.status.code() != Some(99)) else {
        eprintln!("不能在私有命名空间中挂载 FUSE：跳过网络文件夹的检查");
        return;
    };
    let found = sections(&output);
    assert!(section(&found, "stats").contains("户数 100"), "{}", section(&found, "stats"));
    assert!(section(&found, "backup").ends_with("exit 0\n"), "{}", section(&found, "backup"));
    assert_eq!(Ledger::open(&backup).unwrap().stats().unwrap().households, 100);
    for case in ["write", "new"] {
        let text = section(&found, case);
        assert!(text.contains("位于网络文件夹（FUSE") && text.contains("不能在这里打开修改"), "{case}: {text}");
        assert!(text.contains("复制到本机的磁盘") && text.contains("办公室网络模式"), "{case}: {text}");
        assert!(text.ends_with("exit 1\n"), "{case}: {text}");
    }
    assert_eq!(std::fs::read(&db).unwrap(), before, "the register on the share is untouched");
    assert!(!shared.join("新台账.db").exists(), "no register created on the share");
}

/// The start screen offers 从备份恢复 and 新建空白台账 for a file that cannot be opened; both
/// first rename the file aside. A register on a network folder is not broken and another PC may
/// be using it: both are refused and the file stays where and as it is. Needs a FUSE mount made
/// directly (root and bindfs); skipped with a message otherwise.
#[test]
fn restoring_over_a_register_on_a_network_folder_moves_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let shared = dir.path().join("共享");
    let mount = dir.path().join("网络文件夹");
    std::fs::create_dir_all(&shared).unwrap();
    std::fs::create_dir_all(&mount).unwrap();
    let local = shared.join("xinghe.db");
    register(&local, 2);
    let folder = dir.path().join("备份");
    let backup = Ledger::open(&local).unwrap().auto_backup(&folder, xinghe_ledger::values::dates::local_now()).unwrap();
    let mounted = Command::new("bindfs").arg(&shared).arg(&mount).output().is_ok_and(|o| o.status.success());
    if !mounted {
        eprintln!("不能直接挂载 bindfs（非 root 或未安装）：跳过；网络文件夹的拒绝见 a_register_on_a_network_filesystem_is_refused_for_writing");
        return;
    }
    let _unmount = Unmount(mount.clone());
    let on_share = mount.join("xinghe.db");
    let before = std::fs::read(&local).unwrap();
    let at = xinghe_ledger::values::dates::local_now();
    let err = xinghe_ledger::safety::recovery::restore_into_new_file(&on_share, Path::new(&backup.path), at, None)
        .err()
        .expect("refused");
    assert_eq!(err.kind(), "network_folder", "{err}");
    let err = failure::set_aside(&on_share, at).expect_err("refused");
    assert_eq!(err.kind(), "network_folder", "{err}");
    assert_eq!(Ledger::open(&on_share).err().expect("refused").kind(), "network_folder");
    assert_eq!(std::fs::read(&local).unwrap(), before);
    let names: Vec<String> =
        std::fs::read_dir(&shared).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
    assert_eq!(names, ["xinghe.db"], "nothing renamed, nothing created on the share");
}

/// Unmounts a test's own mount (tmpfs, bindfs) when the test ends, however it ends.
struct Unmount(PathBuf);

impl Drop for Unmount {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg(&self.0).status();
    }
}
