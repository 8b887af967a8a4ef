#!/usr/bin/env bash
# Runs every test: unit and server tests (the server suite on SQLite and on PostgreSQL), the OpenAPI
# document's validation, browser unit tests
# (wasm, headless Chromium) and the Playwright journeys against the real server. Installs Chromium,
# tools, the OpenAPI validator and Node packages if missing.
set -euo pipefail
cd "$(dirname "$0")/.."

HOVOR_NEED_BROWSER=1 scripts/build.sh
export PATH="$HOME/.cargo/bin:$PWD/end2end/node_modules/.bin:$PATH"

echo "==> unit and server tests on SQLite"
# --release reuses the server build above instead of compiling everything again in debug. Unit tests
# and the integration suite only (one binary, tests/suite): the benchmark programs are built by
# scripts/bench.sh, and every extra test binary is one more optimised link. The tests of several
# instances (scale::, email::two_instances…) need PostgreSQL: they run with the suite on PostgreSQL below.
cargo test --release --locked -p hovor-types -p hovor-server -p hovor-mail-sink --lib --bins --tests -- --skip scale:: --skip email::two_instances

echo "==> server tests on PostgreSQL (a private cluster; PostgreSQL is installed when missing)"
HOVOR_TEST_POSTGRES=$(HOVOR_PG_THROWAWAY=1 scripts/postgres.sh start test)
trap 'scripts/postgres.sh stop test' EXIT
HOVOR_TEST_POSTGRES=$HOVOR_TEST_POSTGRES cargo test --release --locked -p hovor-server --test suite

echo "==> OpenAPI document (standard 3.1 validator, then a generated client against the server)"
# The document the built server serves; checked by openapi-spec-validator and the house rules.
target/release/hovor-server --print-openapi > target/openapi.json
scripts/check-openapi.sh target/openapi.json target/release/hovor-server

echo "==> browser unit tests (wasm32, headless Chromium)"
CHROMEDRIVER=/usr/bin/chromedriver cargo test --locked -p hovor --target wasm32-unknown-unknown

echo "==> Playwright journeys (headless Chromium, real server, fresh database; one through scripts/at-scale.sh)"
scripts/at-scale.sh --install
free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
HOVOR_E2E_PORT=$(free_port)
HOVOR_E2E_SMTP_PORT=$(free_port)
export HOVOR_E2E_PORT HOVOR_E2E_SMTP_PORT
(cd end2end && npx playwright test)
