#!/usr/bin/env bash
# Prints the module dependency cycles of crates/ledger/src and checks the layer rule
# (values → store → access → the Ledger → features; crates/ledger/tests/layers.rs does the work).
set -euo pipefail
cd "$(dirname "$0")/.."
cargo test -q -p xinghe-ledger --test layers -- --nocapture --test-threads 1 2>&1 | grep -v '^running\|^$\|^test result'
