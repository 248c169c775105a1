#!/usr/bin/env bash
# Installs what a fresh Debian 12 / Ubuntu machine lacks to build, run and test Xinghe:
# the WebKitGTK build packages, Xvfb, WebKitWebDriver, poppler-utils, strace, sqlite3 and tauri-driver 2.x.
# Safe to run again: it only installs what is missing.
set -euo pipefail

packages=(
  build-essential pkg-config curl file
  libwebkit2gtk-4.1-dev libxdo-dev libssl-dev libayatana-appindicator3-dev librsvg2-dev
  xvfb xauth webkit2gtk-driver poppler-utils libreoffice-calc
  # The no-network test runs the app under strace (tests/e2e/no_network.rs).
  strace
  # The network-folder test mounts a FUSE filesystem (bindfs) in a private namespace.
  bindfs
  # The audit-trail tamper test edits the register with the plain sqlite3 tool (tests/story/audit.rs).
  sqlite3
  # SQLCipher's OpenSSL is built from source (rusqlite's bundled-sqlcipher-vendored-openssl).
  perl make
)
# The frontend's unit tests run on Node's built-in test runner.
command -v node >/dev/null || packages+=(nodejs)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  echo "setup: installing ${missing[*]}"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

if ! command -v cargo >/dev/null; then
  echo "setup: Rust is missing; install it with rustup (https://rustup.rs) and run this again" >&2
  exit 1
fi

# tauri-driver 2.x (never the 3.0 alphas); cargo skips the install when it is already there.
export PATH="$HOME/.cargo/bin:$PATH"
if ! command -v tauri-driver >/dev/null; then
  cargo install tauri-driver --locked --version '^2'
fi
