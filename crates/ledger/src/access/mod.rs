//! Access: who is working on the register and what they may do — operators, sessions, roles,
//! the password and lock-out policy, and the audit trail every change writes. Uses the values
//! and the store, never a feature or the `Ledger`.

pub mod audit;
pub mod login;
pub mod operators;
pub mod password_tries;
