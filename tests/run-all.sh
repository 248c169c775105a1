#!/usr/bin/env bash
# Runs every test of Xinghe: formatting, clippy (warnings are errors), the frontend's unit tests,
# unit and story tests of the core, the CLI tests, the command tests and the end-to-end tests of
# the real app under Xvfb. Ends with one line "summary: N passed, N failed".
set -uo pipefail
cd "$(dirname "$0")/.."
bash tests/setup.sh || exit 1
export PATH="$HOME/.cargo/bin:$PATH"
log=$(mktemp)
trap 'rm -f "$log"' EXIT

status=0
cargo fmt --all -- --check || status=1
node --test tests/ui/ 2>&1 | tee -a "$log" || status=1
# Lints are errors. --all-targets: the benchmarks must keep compiling even though CI does not
# time them (clippy type-checks them; the test run below builds everything else).
cargo clippy --workspace --all-targets -- -D warnings || status=1
xvfb-run -a -s "-screen 0 1400x900x24" cargo test --workspace --no-fail-fast 2>&1 | tee -a "$log" || status=1

read -r passed failed < <(awk '
  /^test result:/ { for (i = 1; i <= NF; i++) { if ($(i+1) ~ /^passed/) p += $i; if ($(i+1) ~ /^failed/) f += $i } }
  /^# pass / { p += $3 } /^# fail / { f += $3 }
  END { print p + 0, f + 0 }' "$log")
[ "$failed" -eq 0 ] || status=1
[ "$passed" -gt 0 ] || status=1
echo "summary: $passed passed, $failed failed"
exit $status
