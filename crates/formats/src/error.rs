//! The errors of the formats: a file or a value refused, with the Chinese sentence a user
//! reads, or an I/O failure. xinghe-ledger converts each into its own `Error` variant of the
//! same name (`From<xinghe_formats::Error>`), so kinds, messages and fields are the ledger's.

use serde::Serialize;

/// One input field that failed validation (xinghe-ledger re-exports it as its own).
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
    /// A value or file the user gave that cannot be used: the ledger's `Error::Invalid`.
    #[error("{}", .0.message)]
    Invalid(FieldError),
    /// Something that cannot be done with what was given: the ledger's `Error::Refused`.
    #[error("{0}")]
    Refused(String),
    /// The ledger's `Error::Io`.
    #[error("文件读写错误：{0}")]
    Io(#[from] std::io::Error),
}

impl Error {
    pub fn invalid(field: &'static str, message: impl Into<String>) -> Self {
        Error::Invalid(FieldError::new(field, message))
    }

    /// The field that failed, as the ledger's `Error::fields` gives it: one for `Invalid`.
    pub fn fields(&self) -> &[FieldError] {
        match self {
            Error::Invalid(field) => std::slice::from_ref(field),
            _ => &[],
        }
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;
