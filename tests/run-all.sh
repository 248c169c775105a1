#!/usr/bin/env bash
# Runs every test of Xinghe: formatting, unit and story tests of the core, the CLI tests, the
# command tests and the end-to-end tests of the real app under Xvfb.
set -euo pipefail
cd "$(dirname "$0")/.."
bash tests/setup.sh
export PATH="$HOME/.cargo/bin:$PATH"

cargo fmt --all -- --check
# The benchmarks must keep compiling even though CI does not time them.
cargo build --workspace --all-targets
xvfb-run -a -s "-screen 0 1400x900x24" cargo test --workspace --no-fail-fast
