//! Values: the register's small, pure types and rules — ID numbers, phones, dates, names'
//! 拼音 keys, text limits and text clean-up. No database, no Ledger, no feature.

pub mod dates;
pub mod idcard;
pub mod limits;
pub mod names;
pub mod phone;
pub mod text;
