//! Roster benchmark (in progress).
fn main() {}
