//! The Ledger's side of access (crate::access): who is logged in on this register, what they may
//! do, their passwords and roles, and the actor every change is recorded under. The rules and
//! records themselves live in access/; these methods bring them to the open register.

use crate::access::audit::{record, Actor, Change};
use crate::access::operators::*;
use crate::error::{Error, Result};
use crate::ledger::Ledger;
use crate::store::cipher::Passphrase;
use rusqlite::{params, Connection, OptionalExtension};
use std::time::Instant;

impl Ledger {
    pub(crate) fn actor(&self) -> Actor {
        Actor { operator: self.operator().to_string(), quiet: self.audit_quiet }
    }
}

impl Ledger {
    /// From now on everything needs a logged-in operator (the app calls this after opening).
    pub fn require_login(&mut self) {
        self.login_required = true;
    }

    pub fn session(&self) -> Option<&Session> {
        self.session.as_ref()
    }

    /// Whether the records the edit forms read may carry full ID numbers and phones: yes for an
    /// administrator and with logins off (the CLI, the tests); masked for staff (and for nobody
    /// logged in while logins are on). Only 查看完整信息 shows staff's records in full.
    pub(crate) fn sees_full_numbers(&self) -> bool {
        match &self.session {
            Some(session) => session.role == Role::Admin,
            None => !self.login_required,
        }
    }

    /// The session as the operators table has it now (the app calls this before every command):
    /// a role changed from another PC on a shared file applies at once, and an operator switched
    /// off or gone (a restore) is logged out. `SignedOut` when nobody is logged in.
    pub fn refresh_session(&mut self) -> Result<()> {
        if !self.login_required {
            return Ok(());
        }
        let Some(id) = self.session.as_ref().map(|s| s.operator_id) else {
            return Err(Error::SignedOut);
        };
        let now: Option<(String, String, bool)> = self
            .conn
            .query_row("SELECT name, role, active FROM operators WHERE id = ?1", [id], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?))
            })
            .optional()?;
        match (now, self.session.as_mut()) {
            (Some((name, role, true)), Some(session)) => {
                session.name = name;
                session.role = Role::from_db(&role);
                Ok(())
            }
            _ => {
                self.session = None;
                Err(Error::SignedOut)
            }
        }
    }

    /// Fails with `SignedOut` while logins are required and nobody is logged in.
    pub fn require_session(&self) -> Result<()> {
        if self.login_required && self.session.is_none() {
            return Err(Error::SignedOut);
        }
        Ok(())
    }

    /// Fails unless an administrator is logged in (or logins are off: the CLI, the file's owner).
    /// `what` completes "只有管理员可以…", e.g. "修改设置".
    pub fn require_admin(&self, what: &str) -> Result<()> {
        self.require_session()?;
        match &self.session {
            Some(session) if session.role != Role::Admin => Err(Error::Forbidden(what.to_string())),
            _ => Ok(()),
        }
    }

    pub fn has_operators(&self) -> Result<bool> {
        Ok(self.conn.query_row("SELECT EXISTS (SELECT 1 FROM operators)", [], |r| r.get(0))?)
    }

    pub fn session_status(&self) -> Result<SessionStatus> {
        Ok(SessionStatus {
            has_operators: self.has_operators()?,
            session: self.session.clone(),
            idle_lock_minutes: self.idle_lock_minutes()?,
            last_name: self.setting(LAST_NAME_SETTING)?,
        })
    }

    /// First start: the register has no operators yet, and the person at the PC becomes its
    /// administrator (and is logged in).
    pub fn create_first_admin(&mut self, name: &str, password: &str) -> Result<Session> {
        let name = valid_name(name)?;
        valid_password("password", password)?;
        if self.has_operators()? {
            return Err(Error::Refused("已经有管理员了，请用已有的账号登录".into()));
        }
        let hash = hash_password(password)?;
        let tx = self.conn.transaction()?;
        tx.execute(
            "INSERT INTO operators(name, role, password_hash, created_at, last_login_at) VALUES (?1, 'admin', ?2, ?3, ?3)",
            params![name, hash, Ledger::now_text()],
        )?;
        let id = tx.last_insert_rowid();
        let after = operator_json(&tx, id)?;
        let actor = crate::access::audit::Actor { operator: name.clone(), quiet: false };
        record(&tx, &actor, Change::new("新增", "操作员", Some(id), format!("创建管理员“{name}”")).after(after))?;
        remember_last_name(&tx, &name)?;
        tx.commit()?;
        let session = Session { operator_id: id, name, role: Role::Admin };
        self.session = Some(session.clone());
        Ok(session)
    }

    /// Logs in by name and password. A wrong name and a wrong password get the same message;
    /// after five wrong passwords for a name it has to wait 30 seconds. Logins and failed
    /// attempts are recorded in the audit trail.
    pub fn log_in(&mut self, name: &str, password: &str) -> Result<Session> {
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
        if let Some(left) = self.login_failures.wait_left(&name, now) {
            return Err(Error::Refused(format!(
                "连续 {FAILURES_BEFORE_WAIT} 次密码错误，请 {} 秒后再试",
                left.as_millis().div_ceil(1000)
            )));
        }
        let found: Option<(i64, String, String, bool)> = self
            .conn
            .query_row("SELECT id, role, password_hash, active FROM operators WHERE name = ?1", [&name], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
            })
            .optional()?;
        let Some((id, role, _, active)) = found.filter(|(_, _, hash, _)| password_matches(password, hash)) else {
            self.login_failures.failed(&name, now);
            let actor = crate::access::audit::Actor { operator: name.clone(), quiet: false };
            record(
                &self.conn,
                &actor,
                Change::new("登录失败", "操作员", None, format!("“{name}”登录失败：姓名或密码不正确")),
            )?;
            return Err(wrong_login());
        };
        if !active {
            return Err(Error::Refused(format!("操作员“{name}”已停用，请联系管理员")));
        }
        self.login_failures.succeeded(&name);
        let tx = self.conn.transaction()?;
        tx.execute("UPDATE operators SET last_login_at = ?2 WHERE id = ?1", params![id, Ledger::now_text()])?;
        let actor = crate::access::audit::Actor { operator: name.clone(), quiet: false };
        record(&tx, &actor, Change::new("登录", "操作员", Some(id), format!("“{name}”登录")))?;
        remember_last_name(&tx, &name)?;
        tx.commit()?;
        let session = Session { operator_id: id, name, role: Role::from_db(&role) };
        self.session = Some(session.clone());
        Ok(session)
    }

    /// 锁定 (by hand or after idle time): the session ends; the next action needs a login.
    pub fn lock(&mut self) {
        self.session = None;
    }

    pub fn idle_lock_minutes(&self) -> Result<u32> {
        Ok(self.setting(IDLE_LOCK_SETTING)?.and_then(|v| v.parse().ok()).unwrap_or(DEFAULT_IDLE_LOCK_MINUTES))
    }

    pub fn set_idle_lock_minutes(&mut self, minutes: u32) -> Result<()> {
        self.require_admin("修改自动锁定时间")?;
        if !(1..=120).contains(&minutes) {
            return Err(Error::invalid("minutes", "自动锁定时间要在 1 到 120 分钟之间"));
        }
        let actor = self.actor();
        let tx = self.conn.transaction()?;
        let before = crate::access::audit::settings_json(&tx, &[IDLE_LOCK_SETTING])?;
        tx.execute(
            "INSERT INTO settings(key, value) VALUES (?1, ?2) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            params![IDLE_LOCK_SETTING, minutes.to_string()],
        )?;
        let after = crate::access::audit::settings_json(&tx, &[IDLE_LOCK_SETTING])?;
        let change =
            Change::new("修改", "设置", None, format!("无操作 {minutes} 分钟后自动锁定")).before(before).after(after);
        record(&tx, &actor, change)?;
        tx.commit()?;
        Ok(())
    }

    pub fn list_operators(&self) -> Result<Vec<OperatorRow>> {
        self.require_admin("管理操作员")?;
        let mut stmt = self.conn.prepare(
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

    /// Adds an operator, or changes one's role, whether they may log in, and (with a password)
    /// resets their password. The last active administrator cannot be demoted or switched off.
    pub fn save_operator(&mut self, input: &OperatorInput) -> Result<i64> {
        self.require_admin("管理操作员")?;
        let name = valid_name(&input.name)?;
        match (&input.password, input.id) {
            (Some(password), _) => valid_password("password", password)?,
            (None, None) => return Err(Error::invalid("password", "请为新操作员设置初始密码")),
            (None, Some(_)) => {}
        }
        let hash = input.password.as_deref().map(hash_password).transpose()?;
        let actor = self.actor();
        // A reset of the key owner's password is also a new key (crate::safety::encryption).
        let new_key = match (input.id, &input.password) {
            (Some(id), Some(password)) if self.is_key_owner(id)? => {
                if let Some(rule) = encryption_password_weakness(password) {
                    return Err(Error::invalid(
                        "password",
                        format!("“{name}”的登录密码同时是台账的加密密码，新密码太弱：{rule}"),
                    ));
                }
                Some(Passphrase::new(password)?)
            }
            _ => None,
        };
        let rekey = new_key.is_some();
        let write = |conn: &mut Connection| -> Result<i64> {
            let tx = conn.transaction()?;
            let taken: Option<i64> =
                tx.query_row("SELECT id FROM operators WHERE name = ?1", [&name], |r| r.get(0)).optional()?;
            if taken.is_some_and(|other| Some(other) != input.id) {
                return Err(Error::invalid("name", format!("已经有名为“{name}”的操作员")));
            }
            let (id, before) = match input.id {
                None => {
                    tx.execute(
                        "INSERT INTO operators(name, role, password_hash, active, created_at) VALUES (?1, ?2, ?3, ?4, ?5)",
                        params![name, input.role.as_str(), hash, input.active, Ledger::now_text()],
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
            let action = crate::access::audit::save_action(&before);
            record(&tx, &actor, Change::new(action, "操作员", Some(id), summary).before(before).after(after))?;
            tx.commit()?;
            Ok(id)
        };
        let id = match new_key {
            Some(key) => self.rewrite_file(Some(key), write)?,
            None => write(&mut self.conn)?,
        };
        // Someone who changed their own role or name keeps working under the new one.
        if let Some(session) = self.session.as_mut().filter(|s| s.operator_id == id) {
            session.name = name;
            session.role = input.role;
        }
        Ok(id)
    }

    /// The logged-in operator changes their own password, proving the old one first.
    pub fn change_own_password(&mut self, old_password: &str, new_password: &str) -> Result<()> {
        self.require_session()?;
        let Some(session) = self.session.clone() else {
            return Err(Error::Refused("命令行没有登录的操作员，请在程序里修改密码".into()));
        };
        valid_password("new_password", new_password)?;
        let hash: String =
            self.conn
                .query_row("SELECT password_hash FROM operators WHERE id = ?1", [session.operator_id], |r| r.get(0))?;
        if !password_matches(old_password, &hash) {
            return Err(Error::invalid("old_password", "原密码不正确"));
        }
        let new_hash = hash_password(new_password)?;
        let actor = self.actor();
        // The key owner's password is the file's key (crate::safety::encryption): the new password
        // becomes the key in the same step as the new hash, in the rewritten file, so the
        // password that logs them in is always the one that opens the register.
        let rekey = self.is_key_owner(session.operator_id)?;
        if let Some(rule) = encryption_password_weakness(new_password).filter(|_| rekey) {
            return Err(Error::invalid(
                "new_password",
                format!("您的登录密码同时是台账的加密密码，新密码太弱：{rule}"),
            ));
        }
        let write = |conn: &mut Connection| -> Result<()> {
            let tx = conn.transaction()?;
            tx.execute(
                "UPDATE operators SET password_hash = ?2 WHERE id = ?1",
                params![session.operator_id, new_hash],
            )?;
            let mut summary = format!("“{}”修改了自己的密码", session.name);
            if rekey {
                summary.push_str(ENCRYPTED_UNDER_NEW_PASSWORD);
            }
            record(&tx, &actor, Change::new("修改", "操作员", Some(session.operator_id), summary))?;
            tx.commit()?;
            Ok(())
        };
        if rekey {
            self.rewrite_file(Some(Passphrase::new(new_password)?), write)
        } else {
            write(&mut self.conn)
        }
    }

    /// An administrator's one look at a resident's full ID number and phone (查看完整信息),
    /// recorded in the audit trail before anything is shown.
    pub fn reveal_resident(&mut self, id: i64) -> Result<RevealedResident> {
        self.authorize_unmasked(&format!("查看居民（编号 {id}）的完整信息"), "居民", Some(id))?;
        let found = self
            .conn
            .query_row("SELECT name, id_number, phone FROM residents WHERE id = ?1", [id], |r| {
                Ok(RevealedResident { id, name: r.get(0)?, id_number: r.get(1)?, phone: r.get(2)? })
            })
            .optional()?;
        found.ok_or(Error::NotFound { what: "居民", id })
    }

    /// Anything that shows ID numbers and phones in full (a look, an unmasked print, a full
    /// export) is for administrators and leaves a 查看完整信息 record, written before the data.
    pub(crate) fn authorize_unmasked(&self, summary: &str, entity: &str, entity_id: Option<i64>) -> Result<()> {
        self.require_admin("查看完整的身份证号和电话")?;
        let actor = self.actor();
        record(&self.conn, &actor, Change::new("查看完整信息", entity, entity_id, summary))?;
        Ok(())
    }
}
