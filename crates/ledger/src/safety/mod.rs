//! Keeping the register safe: backups (automatic, rotated, by hand) and restoring them,
//! encryption at rest, and recovering a damaged register.

pub mod backup;
pub mod encryption;
pub mod recovery;
