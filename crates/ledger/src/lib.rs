//! xinghe-ledger: the headless core of 星河社区台账 — the register's domain, validation,
//! storage (one SQLite file), search and the demo community. It never depends on tauri, so it
//! builds, tests and benchmarks without a webview and also serves `xinghe-cli`.

pub mod activities;
pub mod activity_sheets;
pub mod audit;
pub mod backup;
pub mod care;
pub mod care_sheet;
pub mod cleanup;
pub mod dashboard;
pub mod dates;
pub mod db;
pub mod demo;
pub mod encryption;
pub mod error;
pub mod export;
pub mod failure;
pub mod hierarchy;
pub mod hours;
pub mod hours_export;
pub mod households;
pub mod idcard;
pub mod import;
pub mod ledger;
pub mod limits;
pub mod model;
pub mod names;
pub mod network_folder;
pub mod operators;
pub mod output;
pub mod password_tries;
pub mod phone;
pub mod projects;
pub mod residents;
pub mod roster;
pub mod search;
pub mod services;
pub mod text;
pub mod volunteer_sheets;
pub mod volunteers;

pub use error::{Error, FieldError, Result};
pub use ledger::{HealthReport, Ledger};
pub use search::SearchHit;
