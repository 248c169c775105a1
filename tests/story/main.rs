//! The story tests of the core (crate xinghe-ledger): what an office does with its register,
//! told through the core's API and `xinghe-cli` on temporary databases, one module a story.
//! They are one test binary (SQLCipher and OpenSSL are linked once) sharing `support/`: the
//! day every story is pinned to, opening a register on it and the office fixtures.
//!
//! Run them all with `cargo test -p xinghe-cli --test story`; one story by its module,
//! e.g. `cargo test -p xinghe-cli --test story -- crash::` (one test:
//! `-- --exact crash::a_line_cut_by_the_kill_is_not_read_as_committed`). The knobs
//! XINGHE_CRASH_KILLS, XINGHE_CRASH_SEED, XINGHE_FUZZ_CASES, XINGHE_PRINT_DIR and
//! XINGHE_CATALOGUE are read by the stories that use them.
//!
//! The tests run as parallel threads of one process: a story never changes this process's
//! environment, current directory or umask. One that needs a process of its own (measuring
//! peak memory, running without root's file powers) runs itself again as a child with an exact
//! filter (`module::test`).

mod support;

mod activities;
mod activity_sheets;
mod audit;
mod backup;
mod care;
mod catalogue;
mod cli;
mod concurrency;
#[cfg(unix)]
mod crash;
mod dashboard;
mod dates;
mod encryption;
mod exact_text;
mod export;
mod hostile;
mod hours;
mod hours_print;
mod import;
mod masked_forms;
mod open_failures;
mod operators;
mod outputs;
mod print;
mod projects;
mod properties;
mod register;
mod services;
