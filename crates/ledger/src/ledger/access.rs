//! The Ledger's side of access (crate::access): the policy lives in access/operators.rs; these
//! methods bring it to the open register — its connection, who is logged in, the wrong-password
//! counts — and add what needs the whole register: a password that is also the file's key
//! rewrites the file under it (crate::safety::encryption), and the actor of every change.

use crate::access::audit::{record, Actor, Change};
use crate::access::operators::{self as policy, *};
use crate::error::{Error, Result};
use crate::ledger::Ledger;
use crate::store::cipher::Passphrase;
use rusqlite::OptionalExtension;

impl Ledger {
    /// Who every change is recorded under: the operator's name, or nobody while the demo fills
    /// the register (one 生成 record).
    pub(crate) fn actor(&self) -> Actor {
        Actor { operator: self.operator().to_string(), quiet: self.audit_quiet }
    }

    /// From now on everything needs a logged-in operator (the app calls this after opening).
    pub fn require_login(&mut self) {
        self.login_required = true;
    }

    pub fn session(&self) -> Option<&Session> {
        self.session.as_ref()
    }

    pub(crate) fn sees_full_numbers(&self) -> bool {
        policy::sees_full_numbers(self.login_required, self.session.as_ref())
    }

    /// The session as the operators table has it now (the app calls this before every command):
    /// a role changed from another PC on a shared file applies at once, and an operator switched
    /// off or gone (a restore) is logged out. `SignedOut` when nobody is logged in.
    pub fn refresh_session(&mut self) -> Result<()> {
        if !self.login_required {
            return Ok(());
        }
        let Some(session) = &self.session else { return Err(Error::SignedOut) };
        self.session = policy::refreshed(&self.conn, session)?;
        self.require_session()
    }

    pub fn require_session(&self) -> Result<()> {
        policy::require_session(self.login_required, self.session.as_ref())
    }

    /// Fails unless an administrator is logged in (or logins are off: the CLI, the file's owner).
    /// `what` completes "只有管理员可以…", e.g. "修改设置".
    pub fn require_admin(&self, what: &str) -> Result<()> {
        policy::require_admin(self.login_required, self.session.as_ref(), what)
    }

    pub fn has_operators(&self) -> Result<bool> {
        policy::has_operators(&self.conn)
    }

    pub fn session_status(&self) -> Result<SessionStatus> {
        Ok(SessionStatus {
            has_operators: self.has_operators()?,
            session: self.session.clone(),
            idle_lock_minutes: self.idle_lock_minutes()?,
            last_name: policy::last_name(&self.conn)?,
        })
    }

    pub fn create_first_admin(&mut self, name: &str, password: &str) -> Result<Session> {
        let session = policy::create_first_admin(&mut self.conn, name, password)?;
        self.session = Some(session.clone());
        Ok(session)
    }

    pub fn log_in(&mut self, name: &str, password: &str) -> Result<Session> {
        let session = policy::log_in(&mut self.conn, &mut self.login_failures, name, password)?;
        self.session = Some(session.clone());
        Ok(session)
    }

    /// 锁定 (by hand or after idle time): the session ends; the next action needs a login.
    pub fn lock(&mut self) {
        self.session = None;
    }

    pub fn idle_lock_minutes(&self) -> Result<u32> {
        policy::idle_lock_minutes(&self.conn)
    }

    pub fn set_idle_lock_minutes(&mut self, minutes: u32) -> Result<()> {
        self.require_admin("修改自动锁定时间")?;
        let actor = self.actor();
        policy::set_idle_lock_minutes(&mut self.conn, &actor, minutes)
    }

    pub fn list_operators(&self) -> Result<Vec<OperatorRow>> {
        self.require_admin("管理操作员")?;
        policy::list_operators(&self.conn)
    }

    /// Adds an operator, or changes one's role, whether they may log in, and (with a password)
    /// resets their password. A reset of the key owner's password is also a new key: the file
    /// is rewritten under it in the same step.
    pub fn save_operator(&mut self, input: &OperatorInput) -> Result<i64> {
        self.require_admin("管理操作员")?;
        let key_owner = match (input.id, &input.password) {
            (Some(id), Some(_)) => self.is_key_owner(id)?,
            _ => false,
        };
        let checked = policy::check_operator(input, key_owner)?;
        let actor = self.actor();
        let id = match input.password.as_deref().filter(|_| key_owner) {
            Some(password) => self.rewrite_file(Some(Passphrase::new(password)?), |conn| {
                policy::write_operator(conn, &actor, input, &checked, true)
            })?,
            None => policy::write_operator(&mut self.conn, &actor, input, &checked, false)?,
        };
        // Someone who changed their own role or name keeps working under the new one.
        if let Some(session) = self.session.as_mut().filter(|s| s.operator_id == id) {
            session.name = checked.name;
            session.role = input.role;
        }
        Ok(id)
    }

    /// The logged-in operator changes their own password, proving the old one first. The key
    /// owner's password is the file's key: the new password becomes the key in the same step as
    /// the new hash, in the rewritten file, so the password that logs them in always opens it.
    pub fn change_own_password(&mut self, old_password: &str, new_password: &str) -> Result<()> {
        self.require_session()?;
        let Some(session) = self.session.clone() else {
            return Err(Error::Refused("命令行没有登录的操作员，请在程序里修改密码".into()));
        };
        let rekey = self.is_key_owner(session.operator_id)?;
        let new_hash = policy::check_own_password(&self.conn, &session, old_password, new_password, rekey)?;
        let actor = self.actor();
        if rekey {
            self.rewrite_file(Some(Passphrase::new(new_password)?), |conn| {
                policy::write_own_password(conn, &actor, &session, &new_hash, true)
            })
        } else {
            policy::write_own_password(&mut self.conn, &actor, &session, &new_hash, false)
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
        record(&self.conn, &self.actor(), Change::new("查看完整信息", entity, entity_id, summary))?;
        Ok(())
    }
}
