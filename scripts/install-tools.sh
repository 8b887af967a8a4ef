#!/usr/bin/env bash
# Installs what building and testing Hovor needs, skipping every tool already present at its pinned version.
# Safe to run again: a machine that has everything finishes in about a second.
set -euo pipefail
cd "$(dirname "$0")/.."

STYLANCE_VERSION=0.8.4
# Cuts the app's split functions into chunks; its loader must match the wasm_split_helpers Leptos uses.
WASM_SPLIT_VERSION=$(awk '/^name = "wasm_split_helpers"$/ {getline; gsub(/version = |"/, ""); print; exit}' Cargo.lock)
# wasm-bindgen-cli must equal the wasm-bindgen that Cargo.lock resolved, or the built module will not load.
WASM_BINDGEN_VERSION=$(awk '/^name = "wasm-bindgen"$/ {getline; gsub(/version = |"/, ""); print; exit}' Cargo.lock)

export PATH="$HOME/.cargo/bin:$PATH"
mkdir -p target

have_version() { # command, expected version
  command -v "$1" >/dev/null 2>&1 && "$1" --version 2>/dev/null | grep -qF "$2"
}

# Debian packages: cmake, pkg-config and OpenSSL's headers for the server's call audio (libopus is
# built with cmake); for the tests also Chromium and ChromeDriver, PostgreSQL, nginx, Python's venv and
# the sqlite3 shell (a journey moves time on in a stopped server's database).
# They install in the background while the tools below compile, and are waited for at the end.
packages=(cmake pkg-config libssl-dev)
[ "${HOVOR_NEED_BROWSER:-1}" = 1 ] && packages+=(chromium chromium-driver postgresql nginx-light python3-venv sqlite3)
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1
scripts/debian-packages.sh "${packages[@]}" >target/debian-packages.log 2>&1 &
debian_packages=$!

# Build tools need no speed of their own: an optimised build without LTO, in parallel units, compiles
# in a fraction of the time of their own release profiles.
export CARGO_PROFILE_RELEASE_LTO=false CARGO_PROFILE_RELEASE_CODEGEN_UNITS=16 CARGO_PROFILE_RELEASE_OPT_LEVEL=2

if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  echo "==> adding the wasm32-unknown-unknown target"
  rustup target add wasm32-unknown-unknown
fi

if ! have_version wasm-bindgen "$WASM_BINDGEN_VERSION"; then
  echo "==> installing wasm-bindgen-cli $WASM_BINDGEN_VERSION"
  # Not --locked: the CLI's lock file pins a webpki-roots release that is no longer in the index.
  cargo install wasm-bindgen-cli --version "$WASM_BINDGEN_VERSION"
fi

# It has no --version; Cargo's list of installed crates says which one is there.
if ! cargo install --list | grep "^wasm_split_cli_support v$WASM_SPLIT_VERSION:" >/dev/null; then
  echo "==> installing wasm-split-cli $WASM_SPLIT_VERSION"
  cargo install wasm_split_cli_support --version "$WASM_SPLIT_VERSION" --locked --features build-binary
fi

if ! have_version stylance "$STYLANCE_VERSION"; then
  echo "==> installing stylance-cli $STYLANCE_VERSION"
  cargo install stylance-cli --version "$STYLANCE_VERSION" --locked
fi

# wasm-opt (npm binaryen 132), esbuild and Playwright come from end2end's lock file.
if [ ! -x end2end/node_modules/.bin/wasm-opt ] || [ ! -x end2end/node_modules/.bin/esbuild ] \
   || [ ! -d end2end/node_modules/@playwright/test ] \
   || [ end2end/package-lock.json -nt end2end/node_modules/.package-lock.json ]; then
  echo "==> installing Node packages (binaryen, esbuild, Playwright)"
  (cd end2end && npm ci --no-audit --no-fund)
fi

if ! wait "$debian_packages"; then
  cat target/debian-packages.log >&2
  echo "installing Debian packages failed (log above)" >&2
  exit 1
fi
grep "==>" target/debian-packages.log || true
