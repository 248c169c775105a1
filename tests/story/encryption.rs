//! Story: 浏河社区's administrator 李敏 turns on encryption with her own password. From then on
//! the file's bytes show neither SQLite's header nor a resident's name, ID number or phone;
//! without the password it cannot be told from a damaged file (and says so), a wrong password
//! is told as such, and the right one opens everything. Every backup is encrypted under the same
//! password and restores; an older plain backup restores into the register, which stays
//! encrypted. When 李敏 changes her password the file follows it (staff changes do not touch
//! it); turning encryption off gives a plain SQLite file again; a failure before the new file
//! is swapped in leaves the old one byte for byte. And the same through `xinghe-cli`.

use crate::support::logged_in_office::{logged_in_office, Office, ADMIN_PASSWORD, ID_NUMBER, NAME, PHONE};
use crate::support::unprivileged::{chmod, rerun_without_root_powers};
use rusqlite::Connection;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use xinghe_ledger::access::audit::AuditFilter;
use xinghe_ledger::access::operators::{OperatorInput, Role};
use xinghe_ledger::register::model::HouseholdInput;
use xinghe_ledger::safety::backup::{self, inspect_backup, inspect_backup_with};
use xinghe_ledger::store::cipher::{is_plain_sqlite, Passphrase};
use xinghe_ledger::values::dates::{NaiveDate, NaiveDateTime};
use xinghe_ledger::{Error, Ledger};

const STAFF_PASSWORD: &str = "wangfang1";

/// The register as the app holds it: logins required, 李敏 the administrator (and logged in),
/// 王芳 staff, one household with 孔喆; returns the unit for more households.
fn office_with_staff(path: &Path) -> (Ledger, i64) {
    let Office { mut ledger, unit, .. } = logged_in_office(path);
    ledger
        .save_operator(&OperatorInput {
            id: None,
            name: "王芳".into(),
            role: Role::Staff,
            active: true,
            password: Some(STAFF_PASSWORD.into()),
        })
        .unwrap();
    (ledger, unit)
}

fn add_household(ledger: &mut Ledger, unit: i64, room: &str) -> i64 {
    ledger.save_household(&HouseholdInput { unit_id: unit, room: room.into(), ..Default::default() }).unwrap()
}

fn key(password: &str) -> Passphrase {
    Passphrase::new(password).unwrap()
}

fn at(y: i32, m: u32, d: u32, h: u32) -> NaiveDateTime {
    NaiveDate::from_ymd_opt(y, m, d).unwrap().and_hms_opt(h, 0, 0).unwrap()
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

/// Neither SQLite's header nor anything of 孔喆 anywhere in the file.
fn assert_encrypted_bytes(path: &Path) {
    let bytes = std::fs::read(path).unwrap();
    assert!(!bytes.is_empty(), "{}", path.display());
    for needle in ["SQLite format 3", NAME, PHONE, ID_NUMBER, "浏河社区"] {
        assert!(!contains(&bytes, needle.as_bytes()), "{} shows “{needle}”", path.display());
    }
    assert!(!is_plain_sqlite(path).unwrap());
}

fn households(ledger: &Ledger) -> u64 {
    ledger.stats().unwrap().households
}

fn summaries(ledger: &Ledger) -> Vec<String> {
    let filter = AuditFilter { limit: Some(500), ..Default::default() };
    ledger.audit_log(&filter).unwrap().rows.into_iter().map(|row| row.summary).collect()
}

fn files_starting(folder: &Path, prefix: &str) -> Vec<PathBuf> {
    let mut found: Vec<PathBuf> = std::fs::read_dir(folder)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.file_name().unwrap().to_string_lossy().starts_with(prefix))
        .collect();
    found.sort();
    found
}

#[test]
fn the_administrator_turns_encryption_on_and_only_the_password_opens_the_register() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("xinghe.db");
    let (mut ledger, _) = office_with_staff(&db);
    assert!(!ledger.is_encrypted());

    // Staff may not; the administrator proves her own password again.
    ledger.lock();
    ledger.log_in("王芳", STAFF_PASSWORD).unwrap();
    assert!(matches!(ledger.encrypt(STAFF_PASSWORD), Err(Error::Forbidden(_))));
    ledger.log_in("李敏", ADMIN_PASSWORD).unwrap();
    let err = ledger.encrypt("not-her-password").unwrap_err();
    assert_eq!(err.kind(), "invalid");
    assert!(err.to_string().contains("密码不正确"), "{err}");
    assert!(is_plain_sqlite(&db).unwrap());

    ledger.encrypt(ADMIN_PASSWORD).unwrap();
    assert!(ledger.is_encrypted());
    let li_min = ledger.session().unwrap().operator_id;
    assert_eq!(ledger.encryption_owner().unwrap(), Some(li_min));
    // Still the same register, logged in as before.
    assert_eq!(ledger.search(NAME).unwrap().len(), 1);
    assert!(ledger.check().unwrap().healthy);
    assert_eq!(summaries(&ledger)[0], "开启数据加密");
    assert!(ledger.encrypt(ADMIN_PASSWORD).is_err(), "already encrypted");
    drop(ledger);

    for file in std::fs::read_dir(dir.path()).unwrap() {
        assert_encrypted_bytes(&file.unwrap().path());
    }

    let err = Ledger::open(&db).err().expect("no password");
    assert_eq!(err.kind(), "corrupt");
    assert!(err.to_string().contains("如果这个台账已加密，请输入管理员的密码打开"), "{err}");
    let err = Ledger::open_with_password(&db, "liuhe-2025").err().expect("wrong password");
    assert_eq!(err.kind(), "wrong_password");
    assert!(err.to_string().contains("密码不正确") && err.to_string().contains("xinghe.db"), "{err}");

    let mut ledger = Ledger::open_with_password(&db, ADMIN_PASSWORD).unwrap();
    assert!(ledger.is_encrypted());
    ledger.require_login();
    ledger.log_in("李敏", ADMIN_PASSWORD).unwrap();
    let kong = ledger.search(NAME).unwrap()[0].id;
    let revealed = ledger.reveal_resident(kong).unwrap();
    assert_eq!((revealed.id_number.as_deref(), revealed.phone.as_deref()), (Some(ID_NUMBER), Some(PHONE)));
    assert_eq!(households(&ledger), 1);
    assert!(ledger.check().unwrap().healthy);

    // A plain register given a password opens as it is, and stays plain.
    let plain = dir.path().join("plain.db");
    drop(office_with_staff(&plain));
    let opened = Ledger::open_with_password(&plain, ADMIN_PASSWORD).unwrap();
    assert!(!opened.is_encrypted());
    assert!(is_plain_sqlite(&plain).unwrap());
}

#[test]
fn every_copy_is_encrypted_and_restores_and_an_older_plain_backup_keeps_the_register_encrypted() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("xinghe.db");
    let folder = dir.path().join("backups");
    let usb = dir.path().join("U盘");
    std::fs::create_dir(&usb).unwrap();
    let (mut ledger, unit) = office_with_staff(&db);
    let plain_backup = ledger.backup_to_folder(&usb, at(2026, 11, 1, 9)).unwrap().path;
    assert!(is_plain_sqlite(&plain_backup).unwrap());

    ledger.encrypt(ADMIN_PASSWORD).unwrap();
    add_household(&mut ledger, unit, "102");
    let auto = ledger.auto_backup(&folder, at(2026, 11, 28, 9)).unwrap();
    let auto = PathBuf::from(auto.path);
    let dated = ledger.backup_to_folder(&usb, at(2026, 11, 28, 10)).unwrap().path;
    let start_up = backup::auto_backup_file(&db, &folder, at(2026, 11, 29, 9), false, Some(&key(ADMIN_PASSWORD)))
        .unwrap()
        .unwrap();
    for copy in [&auto, &dated, Path::new(&start_up.path)] {
        assert_encrypted_bytes(copy);
        let err = inspect_backup(copy).unwrap_err();
        assert!(err.to_string().contains("加密的备份"), "{err}");
        assert_eq!(inspect_backup_with(copy, Some(&key("liuhe-2025"))).unwrap_err().kind(), "wrong_password");
        assert_eq!(inspect_backup_with(copy, Some(&key(ADMIN_PASSWORD))).unwrap().counts.households, 2);
    }
    let err = backup::auto_backup_file(&db, &folder, at(2026, 11, 30, 9), false, None).unwrap_err();
    assert_eq!(err.kind(), "corrupt", "{err}");

    // The automatic copy restores; the safety copy of what it replaced is encrypted too.
    add_household(&mut ledger, unit, "103");
    let report = ledger.restore_from(&auto, &folder).unwrap();
    assert_encrypted_bytes(Path::new(&report.safety_backup));
    assert_eq!(
        inspect_backup_with(Path::new(&report.safety_backup), ledger.encryption_key()).unwrap().counts.households,
        3
    );
    ledger.log_in("李敏", ADMIN_PASSWORD).unwrap();
    assert_eq!(households(&ledger), 2);

    // The older plain backup: its data comes back, under the register's key.
    ledger.restore_from(&plain_backup, &folder).unwrap();
    ledger.log_in("李敏", ADMIN_PASSWORD).unwrap();
    assert!(ledger.is_encrypted());
    assert_eq!(households(&ledger), 1);
    assert!(ledger.encryption_owner().unwrap().is_some(), "the key keeps its owner");
    assert!(ledger.check().unwrap().healthy);
    drop(ledger);
    assert_encrypted_bytes(&db);
    assert_eq!(Ledger::open(&db).err().unwrap().kind(), "corrupt");
    let ledger = Ledger::open_with_password(&db, ADMIN_PASSWORD).unwrap();
    assert_eq!(households(&ledger), 1);
    drop(ledger);

    // A register that cannot be opened any more comes back from an encrypted backup, encrypted.
    std::fs::write(&db, b"broken").unwrap();
    let err = xinghe_ledger::safety::recovery::restore_into_new_file(&db, &dated, at(2026, 12, 1, 9), None)
        .err()
        .expect("needs the password");
    assert!(err.to_string().contains("加密的备份"), "{err}");
    let (ledger, recovery) = xinghe_ledger::safety::recovery::restore_into_new_file(
        &db,
        &dated,
        at(2026, 12, 1, 9),
        Some(&key(ADMIN_PASSWORD)),
    )
    .unwrap();
    assert!(ledger.is_encrypted() && recovery.set_aside.is_some());
    assert_eq!(households(&ledger), 2);
    drop(ledger);
    assert_encrypted_bytes(&db);
}

#[test]
fn the_owners_password_change_rekeys_the_file_and_staff_changes_do_not() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("xinghe.db");
    let folder = dir.path().join("backups");
    let (mut ledger, _) = office_with_staff(&db);
    ledger.encrypt(ADMIN_PASSWORD).unwrap();
    let before_change = PathBuf::from(ledger.auto_backup(&folder, at(2026, 11, 28, 9)).unwrap().path);
    let salt = |path: &Path| std::fs::read(path).unwrap()[..16].to_vec();

    // 王芳's own password is hers alone.
    ledger.lock();
    ledger.log_in("王芳", STAFF_PASSWORD).unwrap();
    let unchanged = salt(&db);
    ledger.change_own_password(STAFF_PASSWORD, "wangfang2").unwrap();
    assert_eq!(salt(&db), unchanged, "the file was not rewritten");

    // 李敏's is the key: the file follows it at once.
    ledger.log_in("李敏", ADMIN_PASSWORD).unwrap();
    ledger.change_own_password(ADMIN_PASSWORD, "liuhe-2027").unwrap();
    assert_ne!(salt(&db), unchanged);
    assert!(ledger.is_encrypted());
    assert!(summaries(&ledger)[0].contains("数据库已改用新密码加密"), "{:?}", summaries(&ledger)[0]);
    drop(ledger);
    assert_eq!(Ledger::open_with_password(&db, ADMIN_PASSWORD).err().unwrap().kind(), "wrong_password");
    let mut ledger = Ledger::open_with_password(&db, "liuhe-2027").unwrap();
    ledger.require_login();
    ledger.log_in("李敏", "liuhe-2027").unwrap();
    ledger.log_in("王芳", "wangfang2").unwrap();

    // A backup from before the change needs the password it was made under, and says which file.
    ledger.log_in("李敏", "liuhe-2027").unwrap();
    let err = ledger.restore_from(&before_change, &folder).unwrap_err();
    assert_eq!(err.kind(), "wrong_password");
    assert!(err.to_string().contains(&before_change.file_name().unwrap().to_string_lossy().to_string()), "{err}");
    ledger.restore_from_with(&before_change, &folder, Some(&key(ADMIN_PASSWORD))).unwrap();
    drop(ledger);
    let mut ledger = Ledger::open_with_password(&db, "liuhe-2027").unwrap();
    assert_eq!(households(&ledger), 1);
    // The restored data keeps the key owner's current password: one password opens and logs in.
    ledger.require_login();
    assert!(ledger.log_in("李敏", ADMIN_PASSWORD).is_err());
    ledger.log_in("李敏", "liuhe-2027").unwrap();

    // Another administrator resetting 李敏's password moves the key with it.
    let zhang = ledger
        .save_operator(&OperatorInput {
            id: None,
            name: "张伟".into(),
            role: Role::Admin,
            active: true,
            password: Some("zhangwei1".into()),
        })
        .unwrap();
    let li_min = ledger.session().unwrap().operator_id;
    assert_ne!(zhang, li_min);
    ledger.log_in("张伟", "zhangwei1").unwrap();
    let reset = OperatorInput {
        id: Some(li_min),
        name: "李敏".into(),
        role: Role::Admin,
        active: true,
        password: Some("reset-by-zhang".into()),
    };
    ledger.save_operator(&reset).unwrap();
    drop(ledger);
    assert_eq!(Ledger::open_with_password(&db, "liuhe-2027").err().unwrap().kind(), "wrong_password");
    let mut ledger = Ledger::open_with_password(&db, "reset-by-zhang").unwrap();
    ledger.log_in("李敏", "reset-by-zhang").unwrap();
}

#[test]
fn turning_encryption_off_gives_a_plain_sqlite_file_again() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("xinghe.db");
    let (mut ledger, _) = office_with_staff(&db);
    ledger.encrypt(ADMIN_PASSWORD).unwrap();
    ledger.lock();
    ledger.log_in("王芳", STAFF_PASSWORD).unwrap();
    assert!(matches!(ledger.decrypt(STAFF_PASSWORD), Err(Error::Forbidden(_))));
    ledger.log_in("李敏", ADMIN_PASSWORD).unwrap();
    assert_eq!(ledger.decrypt("liuhe-2025").unwrap_err().kind(), "invalid");
    ledger.decrypt(ADMIN_PASSWORD).unwrap();
    assert!(!ledger.is_encrypted());
    assert_eq!(ledger.setting("encryption_owner").unwrap(), None);
    assert_eq!(summaries(&ledger)[0], "关闭数据加密");
    drop(ledger);

    assert!(std::fs::read(&db).unwrap().starts_with(b"SQLite format 3\0"));
    let conn = Connection::open(&db).unwrap();
    let name: String = conn.query_row("SELECT name FROM residents", [], |r| r.get(0)).unwrap();
    assert_eq!(name, NAME);
    drop(conn);
    let ledger = Ledger::open(&db).unwrap();
    assert_eq!(households(&ledger), 1);
    assert!(ledger.check().unwrap().healthy);
}

#[test]
fn a_failure_before_the_swap_leaves_the_file_byte_for_byte_and_opening() {
    if rerun_without_root_powers("encryption::a_failure_before_the_swap_leaves_the_file_byte_for_byte_and_opening") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let folder = dir.path().join("只读");
    std::fs::create_dir(&folder).unwrap();
    let db = folder.join("xinghe.db");
    drop(office_with_staff(&db));
    // As xinghe-cli opens it: no login, so the file's owner may encrypt it.
    let mut ledger = Ledger::open(&db).unwrap();
    let before = std::fs::read(&db).unwrap();

    // No room for the new file beside the register.
    chmod(&folder, 0o555);
    let result = ledger.encrypt(ADMIN_PASSWORD);
    chmod(&folder, 0o755);
    let err = result.unwrap_err();
    assert_eq!(err.kind(), "read_only", "{err}");
    assert!(!ledger.is_encrypted());
    assert!(std::fs::read(&db).unwrap() == before, "the register file changed");
    assert_eq!(households(&ledger), 1);

    // Another program has the file open: it would go on writing into the old file after the
    // swap, so the swap does not happen, and the new file is thrown away.
    let other = Connection::open(&db).unwrap();
    let _: i64 = other.query_row("SELECT count(*) FROM residents", [], |r| r.get(0)).unwrap();
    let err = ledger.encrypt(ADMIN_PASSWORD).unwrap_err();
    assert_eq!(err.kind(), "locked", "{err}");
    assert!(!ledger.is_encrypted() && is_plain_sqlite(&db).unwrap());
    assert!(std::fs::read(&db).unwrap() == before, "the register file changed");
    assert_eq!(households(&ledger), 1);
    assert!(files_starting(&folder, ".xinghe-").is_empty(), "{:?}", files_starting(&folder, ".xinghe-"));
    drop(other);
    drop(ledger);
    let mut ledger = Ledger::open(&db).unwrap();
    assert_eq!(ledger.search(NAME).unwrap().len(), 1);
}

/// xinghe-cli on `db`, counting wrong passwords in a state folder of the test's own (beside
/// `db`), never in the home folder of whoever runs the tests.
fn cli_command(db: &Path) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_xinghe-cli"));
    command.env("XDG_STATE_HOME", db.parent().unwrap().join("state")).arg("--db").arg(db);
    command
}

fn cli(db: &Path, args: &[&str]) -> Output {
    cli_command(db).args(args).output().unwrap()
}

/// Runs xinghe-cli with `input` on its standard input.
fn cli_with_stdin(db: &Path, args: &[&str], input: &str) -> Output {
    use std::io::Write;
    let mut child = cli_command(db)
        .args(args)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    // The CLI may stop reading early (a refusal); a closed pipe is not the test's failure.
    let _ = child.stdin.take().unwrap().write_all(input.as_bytes());
    child.wait_with_output().unwrap()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[test]
fn the_command_line_encrypts_works_on_the_encrypted_file_and_decrypts() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("xinghe.db");
    drop(office_with_staff(&db));

    let out = cli(&db, &["encrypt"]);
    assert!(!out.status.success());
    assert!(text(&out.stderr).contains("--password"), "{}", text(&out.stderr));
    let out = cli(&db, &["encrypt", "--password", "short"]);
    assert!(!out.status.success(), "a password of at least 6 characters");
    let out = cli(&db, &["encrypt", "--password", ADMIN_PASSWORD]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains("忘记密码，数据将无法恢复"), "{}", text(&out.stdout));
    assert_encrypted_bytes(&db);

    let out = cli(&db, &["stats"]);
    assert!(!out.status.success());
    assert!(text(&out.stderr).contains("请输入管理员的密码"), "{}", text(&out.stderr));
    assert!(!text(&out.stderr).contains("ERROR"), "SQLCipher's own log stays quiet: {}", text(&out.stderr));
    let out = cli(&db, &["--password", "liuhe-2025", "stats"]);
    assert!(text(&out.stderr).contains("密码不正确"), "{}", text(&out.stderr));
    let out = cli(&db, &["stats", "--password", ADMIN_PASSWORD]);
    assert!(text(&out.stdout).contains("户数 1"), "{}", text(&out.stdout));
    let out = cli_command(&db).arg("check").env("XINGHE_PASSWORD", ADMIN_PASSWORD).output().unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));
    let help = Command::new(env!("CARGO_BIN_EXE_xinghe-cli"))
        .arg("--help")
        .env("XINGHE_PASSWORD", ADMIN_PASSWORD)
        .output()
        .unwrap();
    assert!(!text(&help.stdout).contains(ADMIN_PASSWORD), "the help never shows the password");

    let folder = dir.path().join("每日备份");
    let out = cli(&db, &["--password", ADMIN_PASSWORD, "backup", "--out", folder.to_str().unwrap()]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let copy = files_starting(&folder, "浏河社区-备份-").pop().expect("a dated copy");
    assert_encrypted_bytes(&copy);
    let out = cli(&db, &["--password", ADMIN_PASSWORD, "restore", copy.to_str().unwrap(), "--yes"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_encrypted_bytes(&db);

    let out = cli(&db, &["--password", "liuhe-2025", "decrypt"]);
    assert!(!out.status.success());
    let out = cli(&db, &["--password", ADMIN_PASSWORD, "decrypt"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(is_plain_sqlite(&db).unwrap());
    assert!(cli(&db, &["stats"]).status.success());
}

/// Regression: a backup made under another key (the key owner changed their password since, or
/// encryption was turned off since) could only be restored with the register's own key.
#[test]
fn a_backup_made_under_an_older_password_restores_with_that_password_even_into_a_decrypted_register() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("xinghe.db");
    let folder = dir.path().join("backups");
    let (mut ledger, unit) = office_with_staff(&db);
    ledger.encrypt(ADMIN_PASSWORD).unwrap();
    let old = PathBuf::from(ledger.auto_backup(&folder, at(2026, 11, 28, 9)).unwrap().path);
    ledger.change_own_password(ADMIN_PASSWORD, "liuhe-2027").unwrap();
    ledger.decrypt("liuhe-2027").unwrap();
    add_household(&mut ledger, unit, "102");
    assert!(!ledger.is_encrypted());

    // Read without a password, the backup is one that needs one; so with a wrong one.
    let err = ledger.restore_from(&old, &folder).unwrap_err();
    assert!(backup::needs_password(&old, None, &err), "{err}");
    let err = ledger.restore_from_with(&old, &folder, Some(&key("liuhe-2027"))).unwrap_err();
    assert_eq!(err.kind(), "wrong_password");
    assert!(backup::needs_password(&old, Some(&key("liuhe-2027")), &err));
    assert_eq!(households(&ledger), 2, "nothing changed");

    ledger.restore_from_with(&old, &folder, Some(&key(ADMIN_PASSWORD))).unwrap();
    // The restored data has its own operators, and no key owner to keep: the backup's password.
    ledger.log_in("李敏", ADMIN_PASSWORD).unwrap();
    assert_eq!(households(&ledger), 1);
    assert!(!ledger.is_encrypted(), "the register keeps its own (no) key");
    drop(ledger);
    assert!(is_plain_sqlite(&db).unwrap());

    // A file that is plainly not a backup is not one that needs a password.
    let text = dir.path().join("说明.txt");
    std::fs::write(&text, "不是备份").unwrap();
    let err = inspect_backup(&text).unwrap_err();
    assert!(!backup::needs_password(&text, None, &err), "{err}");
}

/// Regression: `xinghe-cli restore` read the backup with the register's password only.
#[test]
fn the_command_line_restores_a_backup_made_under_an_older_password_with_backup_password() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("xinghe.db");
    let (mut ledger, unit) = office_with_staff(&db);
    ledger.encrypt(ADMIN_PASSWORD).unwrap();
    let usb = dir.path().join("U盘");
    std::fs::create_dir(&usb).unwrap();
    let old = ledger.backup_to_folder(&usb, at(2026, 11, 28, 9)).unwrap().path;
    ledger.change_own_password(ADMIN_PASSWORD, "liuhe-2027").unwrap();
    add_household(&mut ledger, unit, "102");
    drop(ledger);

    let out = cli(&db, &["--password", "liuhe-2027", "restore", old.to_str().unwrap(), "--yes"]);
    assert!(!out.status.success());
    assert!(text(&out.stderr).contains("密码不正确"), "{}", text(&out.stderr));
    let out = cli(
        &db,
        &["--password", "liuhe-2027", "restore", old.to_str().unwrap(), "--backup-password", "liuhe-2025", "--yes"],
    );
    assert!(!out.status.success(), "a wrong backup password is refused");
    let out = cli_command(&db)
        .args(["restore".as_ref(), old.as_os_str(), "--yes".as_ref()])
        .env("XINGHE_PASSWORD", "liuhe-2027")
        .env("XINGHE_BACKUP_PASSWORD", ADMIN_PASSWORD)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));
    let ledger = Ledger::open_with_password(&db, "liuhe-2027").unwrap();
    assert_eq!(households(&ledger), 1);
    assert!(ledger.is_encrypted(), "the register keeps its own key");
}

/// Regression: turning encryption on left every older automatic backup and safety copy in the
/// backup folder plain, so the data stayed readable beside the encrypted register. They are
/// now encrypted with it, still restorable with the password, and still rotated.
#[test]
fn turning_encryption_on_encrypts_the_older_backups_in_the_backup_folder() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("xinghe.db");
    let (mut ledger, _) = office_with_staff(&db);
    let folder = backup::default_folder(&db);
    ledger.auto_backup(&folder, at(2026, 11, 20, 9)).unwrap();
    ledger.auto_backup(&folder, at(2026, 11, 27, 9)).unwrap();
    let copy = dir.path().join("copy.xinghe.db");
    ledger.backup_to(&copy).unwrap();
    ledger.restore_from(&copy, &folder).unwrap();
    ledger.log_in("李敏", ADMIN_PASSWORD).unwrap();
    let older: Vec<PathBuf> = files_starting(&folder, "xinghe-");
    assert_eq!(older.len(), 3, "two automatic backups and a safety copy: {older:?}");
    assert!(older.iter().all(|p| is_plain_sqlite(p).unwrap()));

    ledger.encrypt(ADMIN_PASSWORD).unwrap();
    assert_eq!(files_starting(&folder, "xinghe-"), older, "the same files, nothing added or lost");
    for path in &older {
        assert_encrypted_bytes(path);
        let info = inspect_backup_with(path, Some(&key(ADMIN_PASSWORD))).unwrap();
        assert_eq!(info.counts.households, 1, "{}", path.display());
        assert_eq!(info.schema_version, xinghe_ledger::store::db::schema_version());
    }
    let created = inspect_backup_with(&older[0], Some(&key(ADMIN_PASSWORD))).unwrap().created_at;
    assert!(created.is_some(), "the time the backup was made is kept");
    assert!(is_plain_sqlite(&copy).unwrap(), "copies outside the backup folder are the office's own");
}

/// A backup replaces only an earlier backup of the same register: an encrypted register reads
/// the identity of its earlier copies (plain or encrypted) with its own key, and another
/// register's backup under the same password is still not its own.
#[test]
fn an_encrypted_register_replaces_its_own_earlier_backups_and_nothing_else() {
    let dir = tempfile::tempdir().unwrap();
    let (mut ledger, _) = office_with_staff(&dir.path().join("xinghe.db"));
    let copy = dir.path().join("copy.xinghe.db");
    ledger.backup_to(&copy).unwrap();
    ledger.encrypt(ADMIN_PASSWORD).unwrap();
    ledger.backup_to(&copy).expect("the plain copy made before encryption is this register's");
    assert_encrypted_bytes(&copy);
    ledger.backup_to(&copy).expect("and so is the encrypted one");

    let other_dir = tempfile::tempdir().unwrap();
    let (mut other, _) = office_with_staff(&other_dir.path().join("xinghe.db"));
    other.encrypt(ADMIN_PASSWORD).unwrap();
    let theirs = dir.path().join("theirs.xinghe.db");
    other.backup_to(&theirs).unwrap();
    let bytes = std::fs::read(&theirs).unwrap();
    let err = ledger.backup_to(&theirs).unwrap_err();
    assert!(err.to_string().contains("不是本台账的备份"), "{err}");
    assert_eq!(std::fs::read(&theirs).unwrap(), bytes);
}

// ---- Passwords from the command line (issue 11, item 9) ----

const WARNING: &str = "警告：--password 会出现在进程列表中，请改用 --password-stdin 或交互输入";

/// An encrypted register with 孔喆, and no session in this process.
fn encrypted_office(dir: &Path) -> PathBuf {
    let db = dir.join("xinghe.db");
    let (mut ledger, _) = office_with_staff(&db);
    ledger.encrypt(ADMIN_PASSWORD).unwrap();
    db
}

/// Regression: the only ways to give xinghe-cli a password were `--password` (every user of the
/// computer sees it in `ps` and /proc/PID/cmdline) and XINGHE_PASSWORD. `--password-stdin`
/// reads the first line of standard input, and leaves the rest to the command.
#[test]
fn a_password_given_on_stdin_never_appears_in_the_process_list() {
    use std::io::Write;
    let dir = tempfile::tempdir().unwrap();
    let db = encrypted_office(dir.path());
    let mut child = cli_command(&db)
        .args(["--password-stdin", "stats"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    // The process is running (waiting for the line): its arguments as every user sees them,
    // once the new program has replaced the forked test (until then the file reads empty).
    let started = std::time::Instant::now();
    let cmdline = loop {
        let cmdline = std::fs::read(format!("/proc/{}/cmdline", child.id())).unwrap();
        if !cmdline.is_empty() || started.elapsed().as_secs() > 20 {
            break cmdline;
        }
        std::thread::yield_now();
    };
    assert!(contains(&cmdline, b"--password-stdin"), "{}", text(&cmdline));
    assert!(!contains(&cmdline, ADMIN_PASSWORD.as_bytes()), "{}", text(&cmdline));
    child.stdin.take().unwrap().write_all(format!("{ADMIN_PASSWORD}\n").as_bytes()).unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains("户数 1"), "{}", text(&out.stdout));
    assert!(text(&out.stderr).is_empty(), "no warning: {}", text(&out.stderr));

    // Windows line endings are not part of the password.
    let out = cli_with_stdin(&db, &["--password-stdin", "stats"], &format!("{ADMIN_PASSWORD}\r\n"));
    assert!(out.status.success(), "{}", text(&out.stderr));
    // Only the first line is taken: the next ones reach a command that reads standard input.
    let out = cli_with_stdin(
        &db,
        &["--password-stdin", "signup", "--activity", "1", "--residents-file", "/dev/stdin"],
        &format!("{ADMIN_PASSWORD}\n不是编号\n"),
    );
    assert!(text(&out.stderr).contains("第 1 行“不是编号”不是居民编号"), "{}", text(&out.stderr));
    // Nothing on standard input, or an empty first line, is told as such.
    let out = cli_with_stdin(&db, &["--password-stdin", "stats"], "");
    assert!(!out.status.success());
    assert!(text(&out.stderr).contains("标准输入中没有台账密码"), "{}", text(&out.stderr));
    // --password and --password-stdin together contradict each other.
    let out = cli_with_stdin(&db, &["--password-stdin", "--password", ADMIN_PASSWORD, "stats"], ADMIN_PASSWORD);
    assert!(text(&out.stderr).contains("只能用一个"), "{}", text(&out.stderr));
}

/// The prompt at a terminal (a real pseudo-terminal, made by `script`): the password typed is
/// not echoed, and the command goes on with it.
#[test]
fn a_password_typed_at_the_terminal_prompt_is_not_shown() {
    use std::io::{Read, Write};
    let dir = tempfile::tempdir().unwrap();
    let db = encrypted_office(dir.path());
    let command = format!(
        "XDG_STATE_HOME='{}' '{}' --db '{}' stats",
        dir.path().join("state").display(),
        env!("CARGO_BIN_EXE_xinghe-cli"),
        db.display()
    );
    let Ok(mut script) = Command::new("script")
        .args(["-qec", &command, "/dev/null"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
    else {
        panic!("`script` (util-linux/bsdutils) is needed for the terminal test");
    };
    let mut stdout = script.stdout.take().unwrap();
    let mut shown = Vec::new();
    let mut chunk = [0u8; 256];
    while !contains(&shown, "的密码：".as_bytes()) {
        let n = stdout.read(&mut chunk).unwrap();
        assert!(n > 0, "no prompt: {}", text(&shown));
        shown.extend_from_slice(&chunk[..n]);
    }
    assert!(text(&shown).contains(&format!("台账 {} 的密码：", db.display())), "{}", text(&shown));
    // The prompt is written just before echo is switched off: wait for the terminal to say so.
    let cli_pid = descendant_running(script.id(), env!("CARGO_BIN_EXE_xinghe-cli"));
    let started = std::time::Instant::now();
    loop {
        let stty = Command::new("stty").arg("-F").arg(format!("/proc/{cli_pid}/fd/0")).arg("-a").output().unwrap();
        if text(&stty.stdout).split_whitespace().any(|flag| flag == "-echo") {
            break;
        }
        assert!(started.elapsed().as_secs() < 20, "echo never switched off: {}", text(&stty.stdout));
        std::thread::yield_now();
    }
    script.stdin.take().unwrap().write_all(format!("{ADMIN_PASSWORD}\n").as_bytes()).unwrap();
    stdout.read_to_end(&mut shown).unwrap();
    assert!(script.wait().unwrap().success(), "{}", text(&shown));
    assert!(text(&shown).contains("户数 1"), "{}", text(&shown));
    assert!(!contains(&shown, ADMIN_PASSWORD.as_bytes()), "the password was echoed: {}", text(&shown));
}

/// The process under `ancestor` running `exe`.
fn descendant_running(ancestor: u32, exe: &str) -> u32 {
    let mut queue = vec![ancestor];
    while let Some(pid) = queue.pop() {
        if std::fs::read_link(format!("/proc/{pid}/exe")).is_ok_and(|p| p == Path::new(exe)) {
            return pid;
        }
        let children = std::fs::read_to_string(format!("/proc/{pid}/task/{pid}/children")).unwrap_or_default();
        queue.extend(children.split_whitespace().filter_map(|c| c.parse::<u32>().ok()));
    }
    panic!("no {exe} under process {ancestor}");
}

/// Regression: `--password` was taken silently. It still works (scripts use it) but warns;
/// XINGHE_PASSWORD and --password-stdin do not; restore's --backup-password the same.
#[test]
fn password_on_the_command_line_warns() {
    let dir = tempfile::tempdir().unwrap();
    let db = encrypted_office(dir.path());
    let out = cli(&db, &["--password", ADMIN_PASSWORD, "stats"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(text(&out.stderr).contains(WARNING), "{}", text(&out.stderr));
    let out = cli_command(&db).arg("stats").env("XINGHE_PASSWORD", ADMIN_PASSWORD).output().unwrap();
    assert!(out.status.success() && text(&out.stderr).is_empty(), "{}", text(&out.stderr));
    let out = cli_with_stdin(&db, &["stats", "--password-stdin"], ADMIN_PASSWORD);
    assert!(out.status.success() && text(&out.stderr).is_empty(), "{}", text(&out.stderr));

    let copy = dir.path().join("copy.xinghe.db");
    assert!(cli_with_stdin(&db, &["--password-stdin", "backup", "--out", copy.to_str().unwrap()], ADMIN_PASSWORD)
        .status
        .success());
    let out = cli_command(&db)
        .args(["restore", copy.to_str().unwrap(), "--backup-password", ADMIN_PASSWORD, "--yes"])
        .env("XINGHE_PASSWORD", ADMIN_PASSWORD)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(
        text(&out.stderr).contains("警告：--backup-password 会出现在进程列表中，请改用 --backup-password-stdin"),
        "{}",
        text(&out.stderr)
    );
    // Both passwords on standard input, one a line; the "y" cannot come from there too.
    let args = ["--password-stdin", "restore", copy.to_str().unwrap(), "--backup-password-stdin"];
    let out = cli_with_stdin(&db, &args, &format!("{ADMIN_PASSWORD}\n{ADMIN_PASSWORD}\ny\n"));
    assert!(!out.status.success());
    assert!(text(&out.stderr).contains("请加 --yes"), "{}", text(&out.stderr));
    let args = [&args[..], &["--yes"]].concat();
    let out = cli_with_stdin(&db, &args, &format!("{ADMIN_PASSWORD}\n{ADMIN_PASSWORD}\n"));
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains("已从备份恢复"), "{}", text(&out.stdout));
    assert!(text(&out.stderr).is_empty(), "{}", text(&out.stderr));
}

/// Regression: any password of six characters became the key of an encrypted file, which can
/// be guessed offline on a copy without any wait: 123456, aaaaaa. The encryption password
/// must have 8 characters, not all one, and not be a run; for the CLI's `encrypt`, the app's
/// 数据加密 (the key is the administrator's login password: change that first), and every
/// change of the key owner's password (the file is rekeyed to it).
#[test]
fn a_weak_encryption_password_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("xinghe.db");
    drop(office_with_staff(&db));
    for (weak, rule) in [
        ("liuhe26", "至少要 8 个字符"),
        ("aaaaaaaa", "不能全是同一个字符"),
        ("12345678", "不能是连续的数字或字母"),
        ("87654321", "不能是连续的数字或字母"),
        ("1234567890", "不能是连续的数字或字母"),
        ("ABCDEFGH", "不能是连续的数字或字母"),
    ] {
        let out = cli_with_stdin(&db, &["--password-stdin", "encrypt"], weak);
        assert!(!out.status.success(), "{weak} was taken");
        assert!(text(&out.stderr).contains(rule), "{weak}: {}", text(&out.stderr));
        assert!(is_plain_sqlite(&db).unwrap(), "{weak}");
    }
    assert!(cli_with_stdin(&db, &["--password-stdin", "encrypt"], "liuhe-2026-a").status.success());
    assert!(cli_with_stdin(&db, &["--password-stdin", "decrypt"], "liuhe-2026-a").status.success());

    // The app: 李敏's login password is weak (logins keep their rule of 6 characters).
    let (mut ledger, _) = office_with_staff(&dir.path().join("app.db"));
    ledger.change_own_password(ADMIN_PASSWORD, "123456").unwrap();
    let err = ledger.encrypt("123456").unwrap_err();
    assert!(err.to_string().contains("请先在“修改我的密码”中换一个更强的登录密码"), "{err}");
    assert!(!ledger.is_encrypted());
    ledger.change_own_password("123456", ADMIN_PASSWORD).unwrap();
    ledger.encrypt(ADMIN_PASSWORD).unwrap();
    // Now her password is the key: a weak new one is refused, and the file keeps its key.
    let err = ledger.change_own_password(ADMIN_PASSWORD, "abcdefgh").unwrap_err();
    assert!(err.to_string().contains("同时是台账的加密密码"), "{err}");
    // Another administrator resetting hers: the same.
    ledger
        .save_operator(&OperatorInput {
            id: None,
            name: "赵强".into(),
            role: Role::Admin,
            active: true,
            password: Some("zhaoqiang-1".into()),
        })
        .unwrap();
    ledger.lock();
    ledger.log_in("赵强", "zhaoqiang-1").unwrap();
    let limin = ledger.list_operators().unwrap().into_iter().find(|o| o.name == "李敏").unwrap();
    let reset = |password: &str| OperatorInput {
        id: Some(limin.id),
        name: "李敏".into(),
        role: Role::Admin,
        active: true,
        password: Some(password.into()),
    };
    let err = ledger.save_operator(&reset("66666666")).unwrap_err();
    assert!(err.to_string().contains("“李敏”的登录密码同时是台账的加密密码"), "{err}");
    // Staff's passwords are no key: the login rule only.
    let wang = ledger.list_operators().unwrap().into_iter().find(|o| o.name == "王芳").unwrap();
    ledger
        .save_operator(&OperatorInput {
            id: Some(wang.id),
            name: "王芳".into(),
            role: Role::Staff,
            active: true,
            password: Some("111111".into()),
        })
        .unwrap();
    drop(ledger);
    assert!(Ledger::open_with_password(&dir.path().join("app.db"), ADMIN_PASSWORD).is_ok(), "the key is unchanged");
}

/// Regression: the app waits 30 s after five wrong passwords for an encrypted file, but every
/// run of xinghe-cli started a fresh count: a script could guess without pause. The count is
/// kept between runs (in the user's state folder, keyed by the file's salt), the encrypted file
/// is never touched, and a sixth try is refused without trying the key.
#[test]
fn the_cli_waits_after_five_wrong_passwords() {
    let dir = tempfile::tempdir().unwrap();
    let db = encrypted_office(dir.path());
    let bytes = std::fs::read(&db).unwrap();
    let modified = std::fs::metadata(&db).unwrap().modified().unwrap();
    for n in 1..=5 {
        let out = cli_with_stdin(&db, &["--password-stdin", "stats"], &format!("liuhe-wrong-{n}"));
        assert!(text(&out.stderr).contains("密码不正确"), "try {n}: {}", text(&out.stderr));
    }
    let out = cli_with_stdin(&db, &["--password-stdin", "stats"], ADMIN_PASSWORD);
    assert!(!out.status.success(), "the right password is not even tried during the wait");
    let shown = text(&out.stderr);
    assert!(shown.contains("密码错误次数过多（连续 5 次），请") && shown.contains("秒后再试"), "{shown}");
    assert!(shown.contains("这次没有尝试密码"), "{shown}");
    // A copy under another name waits too: the count follows the file's salt, not its name.
    let copy = dir.path().join("拷贝.db");
    std::fs::copy(&db, &copy).unwrap();
    let out = cli_with_stdin(&copy, &["--password-stdin", "stats"], ADMIN_PASSWORD);
    assert!(text(&out.stderr).contains("密码错误次数过多"), "{}", text(&out.stderr));
    assert!(std::fs::read(&db).unwrap() == bytes, "the encrypted file is never written");
    assert_eq!(std::fs::metadata(&db).unwrap().modified().unwrap(), modified);

    // The wait over (the count's clock moved back 30 s), the right password opens it.
    let counts_file = dir.path().join("state").join("xinghe").join("password-tries.json");
    let mut counts: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&counts_file).unwrap()).unwrap();
    for count in counts.as_object_mut().unwrap().values_mut() {
        count["last_ms"] = (count["last_ms"].as_u64().unwrap() - 30_000).into();
    }
    std::fs::write(&counts_file, counts.to_string()).unwrap();
    let out = cli_with_stdin(&db, &["--password-stdin", "stats"], ADMIN_PASSWORD);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(std::fs::read_to_string(&counts_file).unwrap(), "{}", "a right password ends the count");

    // A damaged count file fails safe: one wait of 30 s, then it is rewritten.
    std::fs::write(&counts_file, "\u{0}\u{0}damaged").unwrap();
    let out = cli_with_stdin(&db, &["--password-stdin", "stats"], ADMIN_PASSWORD);
    assert!(text(&out.stderr).contains("请 30 秒后再试"), "{}", text(&out.stderr));
    // A deleted one starts afresh (deleting it takes no more than copying the file).
    std::fs::remove_file(&counts_file).unwrap();
    assert!(cli_with_stdin(&db, &["--password-stdin", "stats"], ADMIN_PASSWORD).status.success());
}

/// The count is locked while a password is tried: twelve runs started at once get five tries
/// between them, not twelve.
#[test]
fn wrong_passwords_tried_in_parallel_get_no_free_guesses() {
    use std::io::Write;
    let dir = tempfile::tempdir().unwrap();
    let db = encrypted_office(dir.path());
    let children: Vec<std::process::Child> = (0..12)
        .map(|n| {
            let mut child = cli_command(&db)
                .args(["--password-stdin", "stats"])
                .stdin(std::process::Stdio::piped())
                .stdout(std::process::Stdio::piped())
                .stderr(std::process::Stdio::piped())
                .spawn()
                .unwrap();
            child.stdin.take().unwrap().write_all(format!("liuhe-wrong-{n}\n").as_bytes()).unwrap();
            child
        })
        .collect();
    let shown: Vec<String> = children.into_iter().map(|c| text(&c.wait_with_output().unwrap().stderr)).collect();
    let tried = shown.iter().filter(|s| s.contains("密码不正确")).count();
    let refused = shown.iter().filter(|s| s.contains("密码错误次数过多")).count();
    assert_eq!((tried, refused), (5, 7), "{shown:#?}");
}
