//! Story: 浏河社区 installs the new version. On first start 李敏 becomes the administrator; she
//! adds 王芳 as staff. 王芳 logs in, does the daily work under her own name, and is refused the
//! administrator's things (settings, full exports, unmasked prints, 查看完整信息, the audit
//! trail, operators). Wrong passwords are refused with one message and recorded; the last
//! administrator cannot be removed; a password change takes effect at once; a restore logs
//! everybody out. The passwords themselves are never stored.

use crate::support::logged_in_office::{logged_in_office, Office, ADMIN_PASSWORD, ID_NUMBER};
use rusqlite::Connection;
use xinghe_ledger::access::audit::AuditFilter;
use xinghe_ledger::access::operators::{OperatorInput, Role};
use xinghe_ledger::register::model::{HouseholdFilter, HouseholdInput};
use xinghe_ledger::register::roster::RosterOptions;
use xinghe_ledger::{Error, Ledger};

const STAFF_PASSWORD: &str = "wangfang1";

fn staff(name: &str) -> OperatorInput {
    OperatorInput {
        id: None,
        name: name.into(),
        role: Role::Staff,
        active: true,
        password: Some(STAFF_PASSWORD.into()),
    }
}

fn forbidden<T: std::fmt::Debug>(result: xinghe_ledger::Result<T>) -> String {
    match result {
        Err(e @ Error::Forbidden(_)) => e.to_string(),
        other => panic!("expected an administrator-only refusal, got {other:?}"),
    }
}

#[test]
fn the_first_start_makes_an_administrator_and_staff_work_under_their_own_names() {
    let dir = tempfile::tempdir().unwrap();
    {
        let mut first_start = Ledger::open(&dir.path().join("new.db")).unwrap();
        first_start.require_login();
        assert!(!first_start.session_status().unwrap().has_operators);
        assert!(matches!(first_start.require_session(), Err(Error::SignedOut)));
        let session = first_start.create_first_admin(" 李敏 ", ADMIN_PASSWORD).unwrap();
        assert_eq!((session.name.as_str(), session.role), ("李敏", Role::Admin));
    }
    let db = dir.path().join("xinghe.db");
    let Office { mut ledger, resident, .. } = logged_in_office(&db);
    assert!(
        ledger.create_first_admin("张三", "another-password").is_err(),
        "only the very first start creates an administrator"
    );
    let wang = ledger.save_operator(&staff("王芳")).unwrap();
    assert_eq!(ledger.list_operators().unwrap().len(), 2);

    ledger.lock();
    assert!(matches!(ledger.require_session(), Err(Error::SignedOut)));
    let status = ledger.session_status().unwrap();
    assert!(status.has_operators && status.session.is_none());
    assert_eq!(status.last_name.as_deref(), Some("李敏"), "the login form is filled with the last name");
    assert_eq!(status.idle_lock_minutes, 10);

    let session = ledger.log_in("王芳", STAFF_PASSWORD).unwrap();
    assert_eq!((session.operator_id, session.role), (wang, Role::Staff));

    // The daily work is hers, recorded under her name.
    let household = ledger.list_households(&HouseholdFilter::default()).unwrap().rows[0].id;
    ledger
        .save_household(&HouseholdInput {
            id: Some(household),
            unit_id: ledger.household(household).unwrap().unit_id,
            room: "102".into(),
            ..Default::default()
        })
        .unwrap();
    assert_eq!(ledger.operator(), "王芳");

    // The administrator's things are not.
    let message = forbidden(ledger.set_community_name("星河社区"));
    assert_eq!(message, "只有管理员可以修改设置，请用管理员账号登录后再试");
    forbidden(ledger.set_idle_lock_minutes(5));
    forbidden(ledger.export_residents(&HouseholdFilter::default(), &dir.path().join("全部.xlsx")));
    assert!(!dir.path().join("全部.xlsx").exists(), "nothing is written");
    forbidden(ledger.reveal_resident(resident));
    forbidden(ledger.audit_log(&AuditFilter::default()));
    forbidden(ledger.list_operators());
    forbidden(ledger.save_operator(&staff("赵强")));
    forbidden(ledger.backup_to_folder(dir.path(), xinghe_ledger::values::dates::local_now()));
    let unmasked = RosterOptions { unmasked: true, printed_at: xinghe_ledger::values::dates::local_now() };
    forbidden(ledger.roster_pdf(None, &unmasked));
    let masked = RosterOptions { unmasked: false, ..unmasked };
    assert!(ledger.roster_pdf(None, &masked).is_ok(), "a masked roster is daily work");

    ledger.lock();
    ledger.log_in("李敏", ADMIN_PASSWORD).unwrap();
    let log = ledger.audit_log(&AuditFilter::default()).unwrap().rows;
    let by_wang: Vec<_> = log.iter().filter(|r| r.operator == "王芳").map(|r| r.action.as_str()).collect();
    assert_eq!(by_wang, ["修改", "登录"], "her login and her one change, nothing refused: {log:#?}");
}

#[test]
fn an_administrator_sees_one_residents_full_numbers_and_the_look_is_recorded() {
    let dir = tempfile::tempdir().unwrap();
    let Office { mut ledger, resident, .. } = logged_in_office(&dir.path().join("xinghe.db"));
    assert_eq!(ledger.resident(resident).unwrap().id_number.as_deref(), Some(ID_NUMBER));
    let revealed = ledger.reveal_resident(resident).unwrap();
    assert_eq!(revealed.id_number.as_deref(), Some(ID_NUMBER));
    assert_eq!(revealed.phone.as_deref(), Some("13800000001"));

    let printed = RosterOptions { unmasked: true, printed_at: xinghe_ledger::values::dates::local_now() };
    ledger.roster_pdf(None, &printed).unwrap();
    ledger.export_residents(&HouseholdFilter::default(), &dir.path().join("居民.xlsx")).unwrap();

    let looks =
        ledger.audit_log(&AuditFilter { action: Some("查看完整信息".into()), ..Default::default() }).unwrap().rows;
    let summaries: Vec<_> = looks.iter().map(|r| (r.operator.as_str(), r.entity_id, r.summary.as_str())).collect();
    assert_eq!(summaries.len(), 3, "{summaries:#?}");
    assert!(summaries[2].2.contains("查看居民") && summaries[2].1 == Some(resident), "{summaries:#?}");
    assert!(summaries[1].2.contains("花名册"), "{summaries:#?}");
    assert!(summaries[0].2.contains("导出居民 1 人"), "{summaries:#?}");
    assert!(summaries.iter().all(|s| s.0 == "李敏"));
}

#[test]
fn a_wrong_password_is_refused_with_one_message_and_recorded() {
    let dir = tempfile::tempdir().unwrap();
    let Office { mut ledger, .. } = logged_in_office(&dir.path().join("xinghe.db"));
    ledger.save_operator(&staff("王芳")).unwrap();
    ledger.lock();
    let wrong_password = ledger.log_in("王芳", "wangfang2").unwrap_err();
    let no_such_name = ledger.log_in("王小芳", STAFF_PASSWORD).unwrap_err();
    assert_eq!(wrong_password.to_string(), "姓名或密码不正确");
    assert_eq!(no_such_name.to_string(), wrong_password.to_string(), "a name is not confirmed by the message");
    assert_eq!(wrong_password.fields()[0].field, "password");
    assert!(ledger.session().is_none());

    // Her fifth wrong password in a row makes her name wait, however right the sixth is.
    for _ in 0..4 {
        ledger.log_in("王芳", "wangfang2").unwrap_err();
    }
    let waiting = ledger.log_in("王芳", STAFF_PASSWORD).unwrap_err();
    assert!(waiting.to_string().contains("秒后再试"), "{waiting}");
    assert!(ledger.session().is_none(), "even the right password waits");
    ledger.log_in("李敏", ADMIN_PASSWORD).unwrap();
    let failures =
        ledger.audit_log(&AuditFilter { action: Some("登录失败".into()), ..Default::default() }).unwrap().rows;
    assert_eq!(failures.len(), 6, "every failed attempt is recorded, the refused wait is not");
}

#[test]
fn the_last_administrator_stays_and_a_switched_off_operator_cannot_log_in() {
    let dir = tempfile::tempdir().unwrap();
    let Office { mut ledger, .. } = logged_in_office(&dir.path().join("xinghe.db"));
    let me = ledger.session().unwrap().operator_id;
    let demote = OperatorInput { id: Some(me), name: "李敏".into(), role: Role::Staff, active: true, password: None };
    let refused = ledger.save_operator(&demote).unwrap_err();
    assert!(refused.to_string().contains("至少要保留一位启用的管理员"), "{refused}");
    assert_eq!(ledger.session().unwrap().role, Role::Admin, "nothing changed");

    let wang = ledger.save_operator(&staff("王芳")).unwrap();
    assert!(ledger.save_operator(&staff("王芳")).unwrap_err().to_string().contains("已经有名为“王芳”的操作员"));
    let switched_off = OperatorInput { id: Some(wang), active: false, password: None, ..staff("王芳") };
    ledger.save_operator(&switched_off).unwrap();
    ledger.lock();
    let refused = ledger.log_in("王芳", STAFF_PASSWORD).unwrap_err();
    assert!(refused.to_string().contains("已停用"), "{refused}");

    // An administrator resets a forgotten password; the old one stops working at once.
    ledger.log_in("李敏", ADMIN_PASSWORD).unwrap();
    let reset = OperatorInput { id: Some(wang), password: Some("new-start-1".into()), ..staff("王芳") };
    ledger.save_operator(&reset).unwrap();
    ledger.lock();
    ledger.log_in("王芳", STAFF_PASSWORD).unwrap_err();
    ledger.log_in("王芳", "new-start-1").unwrap();
    ledger.change_own_password("new-start-1", "mine-only-2").unwrap();
    assert!(ledger.change_own_password("wrong", "mine-only-3").unwrap_err().to_string().contains("原密码不正确"));
    ledger.lock();
    ledger.log_in("王芳", "mine-only-2").unwrap();
}

#[test]
fn passwords_are_stored_only_as_argon2id_hashes_and_the_audit_trail_never_holds_one() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("xinghe.db");
    let Office { mut ledger, .. } = logged_in_office(&db);
    ledger.save_operator(&staff("王芳")).unwrap();
    drop(ledger);

    let conn = Connection::open(&db).unwrap();
    let hashes: Vec<String> = conn
        .prepare("SELECT password_hash FROM operators")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert!(hashes.iter().all(|h| h.starts_with("$argon2id$")), "{hashes:?}");
    let audit: String = conn
        .query_row("SELECT group_concat(coalesce(before, '') || coalesce(after, '')) FROM audit_log", [], |r| r.get(0))
        .unwrap();
    assert!(!audit.contains("argon2") && !audit.contains("password"), "{audit}");
    conn.execute_batch("PRAGMA wal_checkpoint(TRUNCATE)").unwrap();
    drop(conn);
    let bytes = std::fs::read(&db).unwrap();
    for password in [ADMIN_PASSWORD, STAFF_PASSWORD] {
        assert!(!bytes.windows(password.len()).any(|w| w == password.as_bytes()), "{password} is in the file");
    }
}

#[test]
fn a_restore_logs_everybody_out() {
    let dir = tempfile::tempdir().unwrap();
    let Office { mut ledger, .. } = logged_in_office(&dir.path().join("xinghe.db"));
    let copy = dir.path().join("copy.xinghe.db");
    ledger.backup_to(&copy).unwrap();
    ledger.restore_from(&copy, &dir.path().join("backups")).unwrap();
    assert!(ledger.session().is_none());
    assert!(matches!(ledger.require_session(), Err(Error::SignedOut)));
    ledger.log_in("李敏", ADMIN_PASSWORD).unwrap();
}

#[test]
fn the_command_line_works_on_the_file_as_its_owner_without_a_login() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("xinghe.db");
    drop(logged_in_office(&db));
    let mut ledger = Ledger::open(&db).unwrap();
    assert!(ledger.require_admin("修改设置").is_ok(), "logins are the app's: the CLI never turns them on");
    ledger.set_community_name("浏河社区").unwrap();
}

/// The audit trail is rebuilt by migration 0005 (its CHECKs learn 操作员, 登录, 登录失败):
/// every record of a version-4 register survives as it was, and the trail stays append-only.
#[test]
fn a_version_4_register_keeps_its_audit_trail_through_the_operators_migration() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("old.xinghe.db");
    {
        let conn = crate::support::register_at_version(&db, 4);
        conn.execute(
            "INSERT INTO audit_log(at, operator, action, entity, entity_id, summary, after)
             VALUES ('2026-11-01 09:00:00', '李敏', '新增', '居民', 7, '新增居民“孔喆”', '{\"name\":\"孔喆\"}')",
            [],
        )
        .unwrap();
    }
    let mut ledger = Ledger::open(&db).unwrap();
    assert!(ledger.check().unwrap().healthy);
    let rows = ledger.audit_log(&AuditFilter::default()).unwrap().rows;
    let old = rows.iter().find(|r| r.summary == "新增居民“孔喆”").expect("the old record is kept");
    assert_eq!((old.at.as_str(), old.operator.as_str(), old.entity_id), ("2026-11-01 09:00:00", "李敏", Some(7)));

    ledger.require_login();
    ledger.create_first_admin("李敏", ADMIN_PASSWORD).unwrap();
    drop(ledger);
    let conn = Connection::open(&db).unwrap();
    let update = conn.execute("UPDATE audit_log SET operator = '某人'", []).unwrap_err();
    assert!(update.to_string().contains("操作日志只能追加"), "{update}");
    let delete = conn.execute("DELETE FROM audit_log", []).unwrap_err();
    assert!(delete.to_string().contains("操作日志只能追加"), "{delete}");
}

/// Regression: a role change or a switch-off made on one PC did not reach a session already
/// open on another PC sharing the file: it kept administrator rights until it locked.
#[test]
fn a_role_change_from_another_pc_applies_to_an_open_session_at_once() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("xinghe.db");
    let Office { ledger: mut office_pc, .. } = logged_in_office(&db);
    let zhao = OperatorInput { role: Role::Admin, password: Some("zhaoqiang1".into()), ..staff("赵强") };
    let zhao_id = office_pc.save_operator(&zhao).unwrap();

    let mut second_pc = Ledger::open(&db).unwrap();
    second_pc.require_login();
    second_pc.log_in("赵强", "zhaoqiang1").unwrap();
    second_pc.refresh_session().unwrap();
    assert!(second_pc.require_admin("修改设置").is_ok());

    let demoted = OperatorInput { id: Some(zhao_id), role: Role::Staff, password: None, ..zhao.clone() };
    office_pc.save_operator(&demoted).unwrap();
    second_pc.refresh_session().unwrap();
    forbidden(second_pc.require_admin("修改设置"));

    let switched_off = OperatorInput { active: false, ..demoted };
    office_pc.save_operator(&switched_off).unwrap();
    assert!(matches!(second_pc.refresh_session(), Err(Error::SignedOut)));
    assert!(second_pc.session().is_none(), "logged out for good, not just for one command");
}

/// Regression: whatever was typed as a name at the login screen went into the append-only trail
/// as a 登录失败 record's operator — a password typed into the name field, or pages of text.
#[test]
fn a_name_no_operator_could_have_leaves_no_record() {
    let dir = tempfile::tempdir().unwrap();
    let Office { mut ledger, .. } = logged_in_office(&dir.path().join("xinghe.db"));
    ledger.lock();
    let long = "密".repeat(500);
    assert_eq!(ledger.log_in(&long, "anything").unwrap_err().to_string(), "姓名或密码不正确");
    ledger.log_in("李敏", ADMIN_PASSWORD).unwrap();
    let failures =
        ledger.audit_log(&AuditFilter { action: Some("登录失败".into()), ..Default::default() }).unwrap().rows;
    assert!(failures.is_empty(), "{failures:#?}");
}
