//! xinghe-ledger: the headless core of 星河社区台账 — the register's domain, validation,
//! storage (one SQLite file), search and the demo community. It never depends on tauri, so it
//! builds, tests and benchmarks without a webview and also serves `xinghe-cli`.

pub mod access;
pub mod activities;
pub mod audit_log;
pub mod care;
pub mod dashboard;
pub mod demo;
pub mod error;
pub mod hours;
pub mod ledger;
pub mod projects;
pub mod register;
pub mod safety;
pub mod services;
pub mod store;
pub mod values;
pub mod vocabularies;
pub mod volunteers;

pub use error::{Error, FieldError, Result};
pub use ledger::{HealthReport, Ledger};
pub use register::search::SearchHit;
