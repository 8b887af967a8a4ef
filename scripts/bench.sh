#!/usr/bin/env bash
# The benchmarks of docs/PERFORMANCE.md: builds what is missing, then prints the desk's sizes, open
# times and DOM size, the customer-to-agent paint latency, the event stream's fan-out figures, the
# API under 16 connections, the SQLite log's size under 200 messages a second, the ranking of 10,000 responses and the reading of arriving email, each against its budget.
# Exits non-zero when a budget is missed.
set -euo pipefail
cd "$(dirname "$0")/.."
HOVOR_NEED_BROWSER=1 scripts/build.sh
status=0
echo "==> the desk (headless Chromium)"
(cd end2end && node bench/desk-open.mjs "$@") || status=1
echo "==> live chat: customer message → painted on the desk, 200 messages"
(cd end2end && node bench/chat-paint.mjs) || status=1
echo "==> the event stream: 1,000 subscribers, 200 messages"
cargo build --release --locked --quiet -p hovor-server --example event_fanout
target/release/examples/event_fanout || status=1
echo "==> the API under load: 16 connections reading task lists and conversations"
cargo build --release --locked --quiet -p hovor-server --example api_load
target/release/examples/api_load || status=1
echo "==> the SQLite log: 200 messages a second for a minute, with readers"
cargo build --release --locked --quiet -p hovor-server --example wal_bound
target/release/examples/wal_bound || status=1
echo "==> response ranking: 10,000 responses"
cargo build --release --locked --quiet -p hovor-server --example rank_responses
target/release/examples/rank_responses || status=1
echo "==> arriving email: parse, sanitise, cap"
cargo build --release --locked --quiet -p hovor-server --example email_ingest
target/release/examples/email_ingest || status=1
exit $status
