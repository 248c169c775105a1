//! xinghe-formats: the file formats of 星河社区台账, with no register behind them — printed
//! PDFs ([`pdf`]), .xlsx/.csv workbooks written to a writer ([`workbook`]), register files
//! read into cells with Excel's row numbers ([`table`]) and the users' text files, size-limited
//! and decoded by content ([`text_file`]). Writing files atomically, and refusing outputs that
//! are the open register, is the ledger's (xinghe-ledger's `export::write_atomically`).

pub mod error;
pub mod pdf;
pub mod table;
pub mod text_file;
pub mod workbook;

pub use error::{Error, FieldError, Result};
