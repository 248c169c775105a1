//! The one error type of the core: every failure a user can meet, with a Chinese message.
//!
//! `kind()` is the stable machine name the app and the CLI report; `Display` is the sentence a
//! user reads. Validation failures carry one message per field so forms can show them inline.

use serde::Serialize;
use std::path::PathBuf;

/// One input field that failed validation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FieldError {
    /// The input's key, e.g. `id_number`.
    pub field: &'static str,
    /// A complete Chinese sentence naming the field and the value.
    pub message: String,
}

impl FieldError {
    pub fn new(field: &'static str, message: impl Into<String>) -> Self {
        Self { field, message: message.into() }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("{}", join_messages(.0))]
    Invalid(Vec<FieldError>),
    #[error("未找到{what}（编号 {id}）")]
    NotFound { what: &'static str, id: i64 },
    #[error("{0}")]
    Conflict(String),
    #[error("尚未打开数据库，请先创建或选择社区数据")]
    NoDatabase,
    #[error("文件 {path} 不是星河社区台账的数据库，已拒绝打开，文件未被改动")]
    NotXinghe { path: PathBuf },
    #[error("数据库由更新版本的星河台账创建（数据版本 {found}，本程序支持到 {supported}），请升级程序后再打开")]
    NewerSchema { found: i64, supported: i64 },
    #[error("{0}")]
    Refused(String),
    #[error("数据库错误：{0}")]
    Database(#[from] rusqlite::Error),
    #[error("文件读写错误：{0}")]
    Io(#[from] std::io::Error),
}

fn join_messages(fields: &[FieldError]) -> String {
    fields.iter().map(|f| f.message.as_str()).collect::<Vec<_>>().join("；")
}

impl Error {
    pub fn invalid(field: &'static str, message: impl Into<String>) -> Self {
        Error::Invalid(vec![FieldError::new(field, message)])
    }

    /// Stable machine-readable kind, reported to the UI as `{kind, message}`.
    pub fn kind(&self) -> &'static str {
        match self {
            Error::Invalid(_) => "invalid",
            Error::NotFound { .. } => "not_found",
            Error::Conflict(_) => "conflict",
            Error::NoDatabase => "no_database",
            Error::NotXinghe { .. } => "not_xinghe",
            Error::NewerSchema { .. } => "newer_schema",
            Error::Refused(_) => "refused",
            Error::Database(_) => "database",
            Error::Io(_) => "io",
        }
    }

    pub fn fields(&self) -> &[FieldError] {
        match self {
            Error::Invalid(fields) => fields,
            _ => &[],
        }
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;
