//! The IPC commands, one file per feature: each command a few lines that call the core and
//! return its errors as `{kind, message, fields}`. Only this module (and lib.rs) knows about IPC.

pub mod activities;
pub mod app;
pub mod audit;
pub mod backup;
pub mod care;
pub mod dashboard;
pub mod dialogs;
pub mod encryption;
pub mod hours;
pub mod import;
pub mod operators;
pub mod printing;
pub mod projects;
pub mod recovery;
pub mod register;
pub mod services;
pub mod volunteers;

use serde::Serialize;
use xinghe_ledger::values::dates::NaiveDate;
use xinghe_ledger::{Error, FieldError};

/// What a rejected `invoke` carries to the frontend: built from the core's `Error` only, so
/// every kind is one of `Error::kind()`'s.
#[derive(Debug, Serialize, PartialEq)]
pub struct CommandError {
    pub kind: &'static str,
    pub message: String,
    pub fields: Vec<FieldError>,
}

impl From<Error> for CommandError {
    fn from(e: Error) -> Self {
        CommandError { kind: e.kind(), message: e.to_string(), fields: e.fields().to_vec() }
    }
}

pub type CmdResult<T> = Result<T, CommandError>;

/// A report's period as typed (`from`, `to`: dates or empty).
fn period(from: Option<String>, to: Option<String>) -> CmdResult<(Option<NaiveDate>, Option<NaiveDate>)> {
    Ok(xinghe_ledger::hours::parse_period(from.as_deref(), to.as_deref())?)
}
