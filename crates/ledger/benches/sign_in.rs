//! Benchmark for a 1,000-row 签到表 (sign-in sheet); being written.
fn main() {}
