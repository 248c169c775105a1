//! Operators (操作员) and who is at the PC: the first administrator, logging in with name and
//! password (argon2id hashes), the two roles and what only an administrator may do — the policy,
//! as functions on the register's connection; the Ledger hands them its connection and session
//! (ledger/access.rs).
//!
//! The app turns logins on (`require_login`) right after it opens a register; from then on a
//! read or write needs a session (`require_session`, checked by the app's command layer) and the
//! administrator's actions check `require_admin` here in the core. The CLI and the tests work on
//! the file directly, as its owner: they never turn logins on, so every check passes there.

use crate::access::audit::{record, save_action, settings_json, Actor, Change};
use crate::error::{Error, FieldError, Result};
use crate::values::dates::now_text;
use argon2::{Argon2, PasswordHasher, PasswordVerifier};
use password_hash::rand_core::OsRng;
use password_hash::{PasswordHash, SaltString};
use rusqlite::{params, Connection, OptionalExtension};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::time::{Duration, Instant};

pub const MIN_PASSWORD_CHARS: usize = 6;
/// An encryption password can be guessed offline, on a copy of the file, with no wait between
/// guesses: it must be longer than a login password, and not one of the first guesses.
pub const MIN_ENCRYPTION_PASSWORD_CHARS: usize = 8;
/// Added to the audit summary of a password change that also re-encrypted the register.
pub(crate) const ENCRYPTED_UNDER_NEW_PASSWORD: &str = "，数据库已改用新密码加密";
pub(crate) const MAX_PASSWORD_CHARS: usize = 128;
pub(crate) const MAX_NAME_CHARS: usize = 20;
/// After this many wrong passwords in a row for one name, logins by that name wait.
pub(crate) const FAILURES_BEFORE_WAIT: u32 = 5;
pub(crate) const WAIT_AFTER_FAILURES: Duration = Duration::from_secs(30);
pub const DEFAULT_IDLE_LOCK_MINUTES: u32 = 10;
pub(crate) const IDLE_LOCK_SETTING: &str = "idle_lock_minutes";
pub(crate) const LAST_NAME_SETTING: &str = "last_operator";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// Settings, restore, 查看完整信息, full-data exports and operators, plus the daily work.
    Admin,
    /// The daily work: the register, activities, hours, services, projects, printing.
    Staff,
}

impl Role {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Staff => "staff",
        }
    }

    pub(crate) fn from_db(text: &str) -> Role {
        if text == "admin" {
            Role::Admin
        } else {
            Role::Staff
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Role::Admin => "管理员",
            Role::Staff => "工作人员",
        }
    }
}

/// Who is logged in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Session {
    pub operator_id: i64,
    pub name: String,
    pub role: Role,
}

/// What the start screen needs to know: create the first administrator, log in, or carry on.
#[derive(Debug, Clone, Serialize)]
pub struct SessionStatus {
    pub has_operators: bool,
    pub session: Option<Session>,
    pub idle_lock_minutes: u32,
    /// Who logged in last on this register, to fill in the login form.
    pub last_name: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct OperatorRow {
    pub id: i64,
    pub name: String,
    pub role: Role,
    pub active: bool,
    pub created_at: String,
    pub last_login_at: Option<String>,
}

/// An operator as typed in 设置 → 操作员. `password` is required for a new operator; for an
/// existing one a password resets theirs, and `None` leaves it.
#[derive(Clone, Deserialize)]
pub struct OperatorInput {
    pub id: Option<i64>,
    pub name: String,
    pub role: Role,
    #[serde(default = "active_by_default")]
    pub active: bool,
    #[serde(default)]
    pub password: Option<String>,
}

pub(crate) fn active_by_default() -> bool {
    true
}

/// Written by hand so that a password never reaches a log line or a panic message.
impl std::fmt::Debug for OperatorInput {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OperatorInput")
            .field("id", &self.id)
            .field("name", &self.name)
            .field("role", &self.role)
            .field("active", &self.active)
            .field("password", &self.password.as_ref().map(|_| "***"))
            .finish()
    }
}

/// One resident's full numbers, shown once to an administrator and never kept by the app.
#[derive(Debug, Clone, Serialize)]
pub struct RevealedResident {
    pub id: i64,
    pub name: String,
    pub id_number: Option<String>,
    pub phone: Option<String>,
}

/// Wrong passwords in a row, per name, in this process: after five, that name waits 30 seconds.
/// The app keeps one more for the passwords tried on encrypted files (the register, its backups).
#[derive(Debug, Default)]
pub struct LoginFailures(HashMap<String, (u32, Instant)>);

impl LoginFailures {
    /// Refused ("连续 5 次密码错误，请 N 秒后再试") while `name` has to wait.
    pub fn check(&self, name: &str, now: Instant) -> Result<()> {
        match self.wait_left(name, now) {
            Some(left) => Err(Error::Refused(format!(
                "连续 {FAILURES_BEFORE_WAIT} 次密码错误，请 {} 秒后再试",
                left.as_millis().div_ceil(1000)
            ))),
            None => Ok(()),
        }
    }

    /// Wrong passwords for `name` in a row so far.
    pub fn in_a_row(&self, name: &str) -> u32 {
        self.0.get(name).map_or(0, |(count, _)| *count)
    }

    pub fn wait_left(&self, name: &str, now: Instant) -> Option<Duration> {
        let (count, last) = self.0.get(name)?;
        let waited = now.duration_since(*last);
        (*count >= FAILURES_BEFORE_WAIT && waited < WAIT_AFTER_FAILURES).then(|| WAIT_AFTER_FAILURES - waited)
    }

    pub fn failed(&mut self, name: &str, now: Instant) {
        // Names typed at random must not grow the map without end: forget the waits that are over.
        if self.0.len() >= 1000 {
            self.0.retain(|_, (_, last)| now.duration_since(*last) < WAIT_AFTER_FAILURES);
        }
        let entry = self.0.entry(name.to_string()).or_insert((0, now));
        // A name that waited out its pause gets a fresh count.
        if entry.0 >= FAILURES_BEFORE_WAIT {
            entry.0 = 0;
        }
        entry.0 += 1;
        entry.1 = now;
    }

    pub fn succeeded(&mut self, name: &str) {
        self.0.remove(name);
    }
}

pub(crate) fn hash_password(password: &str) -> Result<String> {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|hash| hash.to_string())
        .map_err(|e| Error::Refused(format!("无法保存密码：{e}")))
}

pub(crate) fn password_matches(password: &str, stored: &str) -> bool {
    PasswordHash::new(stored).is_ok_and(|hash| Argon2::default().verify_password(password.as_bytes(), &hash).is_ok())
}

pub(crate) fn valid_name(name: &str) -> Result<String> {
    let name = name.trim();
    if name.is_empty() {
        return Err(Error::invalid("name", "请填写操作员姓名"));
    }
    if name.chars().count() > MAX_NAME_CHARS {
        return Err(Error::invalid("name", format!("操作员姓名不能超过 {MAX_NAME_CHARS} 个字")));
    }
    if name.chars().any(char::is_control) {
        return Err(Error::invalid("name", "操作员姓名含有不能显示的控制字符"));
    }
    Ok(name.to_string())
}

/// Passwords are taken exactly as typed (spaces included): trimming would change a password.
pub(crate) fn valid_password(field: &'static str, password: &str) -> Result<()> {
    let chars = password.chars().count();
    if chars < MIN_PASSWORD_CHARS {
        return Err(Error::invalid(field, format!("密码至少要 {MIN_PASSWORD_CHARS} 个字符")));
    }
    if chars > MAX_PASSWORD_CHARS {
        return Err(Error::invalid(field, format!("密码不能超过 {MAX_PASSWORD_CHARS} 个字符")));
    }
    Ok(())
}

/// A password that may become the key of an encrypted file: a valid login password, and not
/// one of the weakest (fewer than 8 characters, all one character, a run such as 12345678,
/// 87654321 or abcdefgh). Used by `encrypt` (the CLI's and the app's) and whenever the key
/// owner's password changes, as the file is then rekeyed to it. Login passwords keep the
/// plain rules: a login is guarded by the wait after five wrong tries, a copied file is not.
pub fn valid_encryption_password(field: &'static str, password: &str) -> Result<()> {
    valid_password(field, password)?;
    match encryption_password_weakness(password) {
        Some(rule) => Err(Error::invalid(field, rule)),
        None => Ok(()),
    }
}

/// Which rule for encryption passwords `password` breaks, as the message names it.
pub fn encryption_password_weakness(password: &str) -> Option<String> {
    let chars: Vec<char> = password.chars().map(|c| c.to_ascii_lowercase()).collect();
    if chars.len() < MIN_ENCRYPTION_PASSWORD_CHARS {
        return Some(format!("用于加密的密码至少要 {MIN_ENCRYPTION_PASSWORD_CHARS} 个字符"));
    }
    if chars.iter().all(|c| *c == chars[0]) {
        return Some("用于加密的密码不能全是同一个字符（如 aaaaaaaa、11111111）".into());
    }
    if is_run(&chars) {
        return Some("用于加密的密码不能是连续的数字或字母（如 12345678、87654321、abcdefgh）".into());
    }
    None
}

/// Digits or letters each one up (or each one down) from the one before: 12345678, 87654321,
/// abcdefgh, and the keyboard's 1234567890 (after 9 comes 0).
fn is_run(chars: &[char]) -> bool {
    let step = |a: char, b: char| -> Option<i32> {
        match (a, b) {
            ('9', '0') => Some(1),
            ('0', '9') => Some(-1),
            _ if a.is_ascii_digit() && b.is_ascii_digit() => Some(b as i32 - a as i32),
            _ if a.is_ascii_lowercase() && b.is_ascii_lowercase() => Some(b as i32 - a as i32),
            _ => None,
        }
    };
    let steps: Vec<Option<i32>> = chars.windows(2).map(|w| step(w[0], w[1])).collect();
    matches!(steps.first(), Some(Some(1 | -1))) && steps.iter().all(|s| *s == steps[0])
}

pub(crate) fn wrong_login() -> Error {
    Error::Invalid(vec![FieldError::new("password", "姓名或密码不正确")])
}

/// An operator's row for the audit trail: everything but the password hash.
pub(crate) fn operator_json(conn: &rusqlite::Connection, id: i64) -> Result<Option<String>> {
    Ok(conn
        .query_row(
            "SELECT json_object('id', id, 'name', name, 'role', role, 'active', active, 'created_at', created_at)
             FROM operators WHERE id = ?1",
            [id],
            |r| r.get(0),
        )
        .optional()?)
}

pub(crate) fn remember_last_name(conn: &rusqlite::Connection, name: &str) -> Result<()> {
    conn.execute(
        "INSERT INTO settings(key, value) VALUES (?1, ?2) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
        params![LAST_NAME_SETTING, name],
    )?;
    Ok(())
}

// ---- The policy, on the register's connection (the Ledger's methods in ledger/access.rs call
// these with its connection and session) ----

/// Fails with `SignedOut` while logins are required and nobody is logged in.
pub(crate) fn require_session(login_required: bool, session: Option<&Session>) -> Result<()> {
    if login_required && session.is_none() {
        return Err(Error::SignedOut);
    }
    Ok(())
}

/// Fails unless an administrator is logged in (or logins are off: the CLI, the file's owner).
/// `what` completes "只有管理员可以…", e.g. "修改设置".
pub(crate) fn require_admin(login_required: bool, session: Option<&Session>, what: &str) -> Result<()> {
    require_session(login_required, session)?;
    match session {
        Some(session) if session.role != Role::Admin => Err(Error::Forbidden(what.to_string())),
        _ => Ok(()),
    }
}

/// Whether the records the edit forms read may carry full ID numbers and phones: yes for an
/// administrator and with logins off (the CLI, the tests); masked for staff (and for nobody
/// logged in while logins are on). Only 查看完整信息 shows staff's records in full.
pub(crate) fn sees_full_numbers(login_required: bool, session: Option<&Session>) -> bool {
    match session {
        Some(session) => session.role == Role::Admin,
        None => !login_required,
    }
}

/// `session` as the operators table has it now: None when the operator is switched off or gone.
pub(crate) fn refreshed(conn: &Connection, session: &Session) -> Result<Option<Session>> {
    let now: Option<(String, String, bool)> = conn
        .query_row("SELECT name, role, active FROM operators WHERE id = ?1", [session.operator_id], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?))
        })
        .optional()?;
    Ok(match now {
        Some((name, role, true)) => {
            Some(Session { operator_id: session.operator_id, name, role: Role::from_db(&role) })
        }
        _ => None,
    })
}

pub(crate) fn has_operators(conn: &Connection) -> Result<bool> {
    Ok(conn.query_row("SELECT EXISTS (SELECT 1 FROM operators)", [], |r| r.get(0))?)
}

fn setting(conn: &Connection, key: &str) -> Result<Option<String>> {
    Ok(conn.query_row("SELECT value FROM settings WHERE key = ?1", [key], |r| r.get(0)).optional()?)
}

pub(crate) fn last_name(conn: &Connection) -> Result<Option<String>> {
    setting(conn, LAST_NAME_SETTING)
}

pub(crate) fn idle_lock_minutes(conn: &Connection) -> Result<u32> {
    Ok(setting(conn, IDLE_LOCK_SETTING)?.and_then(|v| v.parse().ok()).unwrap_or(DEFAULT_IDLE_LOCK_MINUTES))
}

/// First start: the register has no operators yet, and the person at the PC becomes its
/// administrator (and is logged in).
pub(crate) fn create_first_admin(conn: &mut Connection, name: &str, password: &str) -> Result<Session> {
    let name = valid_name(name)?;
    valid_password("password", password)?;
    if has_operators(conn)? {
        return Err(Error::Refused("已经有管理员了，请用已有的账号登录".into()));
    }
    let hash = hash_password(password)?;
    let tx = conn.transaction()?;
    tx.execute(
        "INSERT INTO operators(name, role, password_hash, created_at, last_login_at) VALUES (?1, 'admin', ?2, ?3, ?3)",
        params![name, hash, now_text()],
    )?;
    let id = tx.last_insert_rowid();
    let after = operator_json(&tx, id)?;
    let actor = Actor { operator: name.clone(), quiet: false };
    record(&tx, &actor, Change::new("新增", "操作员", Some(id), format!("创建管理员“{name}”")).after(after))?;
    remember_last_name(&tx, &name)?;
    tx.commit()?;
    Ok(Session { operator_id: id, name, role: Role::Admin })
}

/// Logs in by name and password. A wrong name and a wrong password get the same message;
/// after five wrong passwords for a name it has to wait 30 seconds. Logins and failed
/// attempts are recorded in the audit trail.
pub(crate) fn log_in(
    conn: &mut Connection,
    failures: &mut LoginFailures,
    name: &str,
    password: &str,
) -> Result<Session> {
    let name = name.trim().to_string();
    if name.is_empty() {
        return Err(Error::invalid("name", "请填写姓名"));
    }
    // No operator has such a name: refused without a 登录失败 record, so that text typed at
    // the login screen (a password in the name field, pages of text) never enters the
    // append-only trail.
    if valid_name(&name).is_err() {
        return Err(wrong_login());
    }
    let now = Instant::now();
    if let Some(left) = failures.wait_left(&name, now) {
        return Err(Error::Refused(format!(
            "连续 {FAILURES_BEFORE_WAIT} 次密码错误，请 {} 秒后再试",
            left.as_millis().div_ceil(1000)
        )));
    }
    let found: Option<(i64, String, String, bool)> = conn
        .query_row("SELECT id, role, password_hash, active FROM operators WHERE name = ?1", [&name], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
        })
        .optional()?;
    let actor = Actor { operator: name.clone(), quiet: false };
    let Some((id, role, _, active)) = found.filter(|(_, _, hash, _)| password_matches(password, hash)) else {
        failures.failed(&name, now);
        let summary = format!("“{name}”登录失败：姓名或密码不正确");
        record(conn, &actor, Change::new("登录失败", "操作员", None, summary))?;
        return Err(wrong_login());
    };
    if !active {
        return Err(Error::Refused(format!("操作员“{name}”已停用，请联系管理员")));
    }
    failures.succeeded(&name);
    let tx = conn.transaction()?;
    tx.execute("UPDATE operators SET last_login_at = ?2 WHERE id = ?1", params![id, now_text()])?;
    record(&tx, &actor, Change::new("登录", "操作员", Some(id), format!("“{name}”登录")))?;
    remember_last_name(&tx, &name)?;
    tx.commit()?;
    Ok(Session { operator_id: id, name, role: Role::from_db(&role) })
}

pub(crate) fn set_idle_lock_minutes(conn: &mut Connection, actor: &Actor, minutes: u32) -> Result<()> {
    if !(1..=120).contains(&minutes) {
        return Err(Error::invalid("minutes", "自动锁定时间要在 1 到 120 分钟之间"));
    }
    let tx = conn.transaction()?;
    let before = settings_json(&tx, &[IDLE_LOCK_SETTING])?;
    tx.execute(
        "INSERT INTO settings(key, value) VALUES (?1, ?2) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
        params![IDLE_LOCK_SETTING, minutes.to_string()],
    )?;
    let after = settings_json(&tx, &[IDLE_LOCK_SETTING])?;
    let change =
        Change::new("修改", "设置", None, format!("无操作 {minutes} 分钟后自动锁定")).before(before).after(after);
    record(&tx, actor, change)?;
    tx.commit()?;
    Ok(())
}

pub(crate) fn list_operators(conn: &Connection) -> Result<Vec<OperatorRow>> {
    let mut stmt = conn.prepare(
        "SELECT id, name, role, active, created_at, last_login_at FROM operators
         ORDER BY role = 'staff', active DESC, id",
    )?;
    let rows = stmt
        .query_map([], |r| {
            Ok(OperatorRow {
                id: r.get(0)?,
                name: r.get(1)?,
                role: Role::from_db(&r.get::<_, String>(2)?),
                active: r.get(3)?,
                created_at: r.get(4)?,
                last_login_at: r.get(5)?,
            })
        })?
        .collect::<rusqlite::Result<_>>()?;
    Ok(rows)
}

/// An operator to save, checked: the name, the new password's hash, and whether the password is
/// also the register's key (then it must pass the encryption rules too).
pub(crate) struct CheckedOperator {
    pub name: String,
    pub hash: Option<String>,
}

pub(crate) fn check_operator(input: &OperatorInput, is_key_owner: bool) -> Result<CheckedOperator> {
    let name = valid_name(&input.name)?;
    match (&input.password, input.id) {
        (Some(password), _) => valid_password("password", password)?,
        (None, None) => return Err(Error::invalid("password", "请为新操作员设置初始密码")),
        (None, Some(_)) => {}
    }
    let hash = input.password.as_deref().map(hash_password).transpose()?;
    if let (true, Some(password)) = (is_key_owner, &input.password) {
        if let Some(rule) = encryption_password_weakness(password) {
            return Err(Error::invalid(
                "password",
                format!("“{name}”的登录密码同时是台账的加密密码，新密码太弱：{rule}"),
            ));
        }
    }
    Ok(CheckedOperator { name, hash })
}

/// Adds or changes the operator in one transaction, with its audit record. The last active
/// administrator cannot be demoted or switched off; `rekey` says the register is being
/// re-encrypted under the new password in the same step.
pub(crate) fn write_operator(
    conn: &mut Connection,
    actor: &Actor,
    input: &OperatorInput,
    checked: &CheckedOperator,
    rekey: bool,
) -> Result<i64> {
    let CheckedOperator { name, hash } = checked;
    let tx = conn.transaction()?;
    let taken: Option<i64> =
        tx.query_row("SELECT id FROM operators WHERE name = ?1", [name], |r| r.get(0)).optional()?;
    if taken.is_some_and(|other| Some(other) != input.id) {
        return Err(Error::invalid("name", format!("已经有名为“{name}”的操作员")));
    }
    let (id, before) = match input.id {
        None => {
            tx.execute(
                "INSERT INTO operators(name, role, password_hash, active, created_at) VALUES (?1, ?2, ?3, ?4, ?5)",
                params![name, input.role.as_str(), hash, input.active, now_text()],
            )?;
            (tx.last_insert_rowid(), None)
        }
        Some(id) => {
            let before = operator_json(&tx, id)?.ok_or(Error::NotFound { what: "操作员", id })?;
            tx.execute(
                "UPDATE operators SET name = ?2, role = ?3, active = ?4, password_hash = coalesce(?5, password_hash)
                 WHERE id = ?1",
                params![id, name, input.role.as_str(), input.active, hash],
            )?;
            (id, Some(before))
        }
    };
    let admins: i64 =
        tx.query_row("SELECT count(*) FROM operators WHERE role = 'admin' AND active = 1", [], |r| r.get(0))?;
    if admins == 0 {
        return Err(Error::Refused("至少要保留一位启用的管理员，否则没有人能修改设置和管理操作员".into()));
    }
    let after = operator_json(&tx, id)?;
    let mut summary = format!(
        "{}“{name}”（{}{}）",
        if before.is_some() { "修改操作员" } else { "新增操作员" },
        input.role.label(),
        if input.active { "" } else { "，已停用" }
    );
    if before.is_some() && hash.is_some() {
        summary.push_str("，重设了密码");
    }
    if rekey {
        summary.push_str(ENCRYPTED_UNDER_NEW_PASSWORD);
    }
    let action = save_action(&before);
    record(&tx, actor, Change::new(action, "操作员", Some(id), summary).before(before).after(after))?;
    tx.commit()?;
    Ok(id)
}

/// The logged-in operator's new password, checked: the old one proven, the new one valid (and,
/// when it is also the register's key, strong enough for that). Returns the new hash.
pub(crate) fn check_own_password(
    conn: &Connection,
    session: &Session,
    old_password: &str,
    new_password: &str,
    is_key_owner: bool,
) -> Result<String> {
    valid_password("new_password", new_password)?;
    let hash: String =
        conn.query_row("SELECT password_hash FROM operators WHERE id = ?1", [session.operator_id], |r| r.get(0))?;
    if !password_matches(old_password, &hash) {
        return Err(Error::invalid("old_password", "原密码不正确"));
    }
    let new_hash = hash_password(new_password)?;
    if let Some(rule) = encryption_password_weakness(new_password).filter(|_| is_key_owner) {
        return Err(Error::invalid("new_password", format!("您的登录密码同时是台账的加密密码，新密码太弱：{rule}")));
    }
    Ok(new_hash)
}

/// Writes the operator's own new password hash with its audit record, in one transaction.
pub(crate) fn write_own_password(
    conn: &mut Connection,
    actor: &Actor,
    session: &Session,
    new_hash: &str,
    rekey: bool,
) -> Result<()> {
    let tx = conn.transaction()?;
    tx.execute("UPDATE operators SET password_hash = ?2 WHERE id = ?1", params![session.operator_id, new_hash])?;
    let mut summary = format!("“{}”修改了自己的密码", session.name);
    if rekey {
        summary.push_str(ENCRYPTED_UNDER_NEW_PASSWORD);
    }
    record(&tx, actor, Change::new("修改", "操作员", Some(session.operator_id), summary))?;
    tx.commit()?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_hash_is_argon2id_and_checks_only_its_own_password() {
        let hash = hash_password("星河2026!").unwrap();
        assert!(hash.starts_with("$argon2id$"), "{hash}");
        assert!(password_matches("星河2026!", &hash));
        assert!(!password_matches("星河2026", &hash));
        assert!(!password_matches("星河2026!", "not a hash"));
        assert_ne!(hash, hash_password("星河2026!").unwrap(), "every hash has its own salt");
    }

    #[test]
    fn five_failures_make_a_name_wait_and_a_success_clears_them() {
        let mut failures = LoginFailures::default();
        let start = Instant::now();
        for _ in 0..4 {
            failures.failed("李敏", start);
        }
        assert_eq!(failures.wait_left("李敏", start), None);
        failures.failed("李敏", start);
        assert!(failures.wait_left("李敏", start + Duration::from_secs(10)).is_some());
        assert_eq!(failures.wait_left("李敏", start + WAIT_AFTER_FAILURES), None, "the wait ends");
        assert_eq!(failures.wait_left("王芳", start), None, "other names are not affected");
        failures.succeeded("李敏");
        assert_eq!(failures.wait_left("李敏", start), None);
    }

    #[test]
    fn names_and_passwords_are_checked() {
        assert!(valid_name("  ").is_err());
        assert!(valid_name(&"长".repeat(21)).is_err());
        assert_eq!(valid_name(" 李敏 ").unwrap(), "李敏");
        assert!(valid_password("password", "12345").is_err());
        assert!(valid_password("password", " 1234 ").is_ok(), "spaces count as typed");
    }

    #[test]
    fn encryption_passwords_refuse_the_weakest_and_login_passwords_keep_their_rule() {
        for weak in [
            "liuhe26",
            "aaaaaaaa",
            "11111111",
            "12345678",
            "87654321",
            "1234567890",
            "0987654321",
            "abcdefgh",
            "HGFEDCBA",
            "星星星星星星星星",
        ] {
            assert!(valid_encryption_password("password", weak).is_err(), "{weak}");
            assert!(valid_password("password", weak).is_ok(), "{weak} is still a login password");
        }
        for strong in ["liuhe-2026", "12345679", "abcdefgz", "13579246", "星河社区台账2026"] {
            assert!(valid_encryption_password("password", strong).is_ok(), "{strong}");
        }
        assert!(valid_encryption_password("password", &"x1".repeat(65)).is_err(), "the login maximum applies");
    }
}
