//! Storage: the register's SQLite file and nothing about what is in it — opening it (pragmas,
//! migrations), its key, checked copies, classifying failures, where outputs may go, network
//! folders and temporary files. Never names `Ledger` or a feature (tests/layers.rs checks it).

pub mod cipher;
pub mod cleanup;
pub mod copies;
pub mod db;
pub mod failure;
pub mod network_folder;
pub mod output;
pub mod rewrite;
pub mod sqlite_file;
