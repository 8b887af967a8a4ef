#!/usr/bin/env bash
# The benchmarks of docs/PERFORMANCE.md: builds what is missing, then prints the desk's sizes, open
# times and DOM size, Lighthouse on a cold start, the customer-to-agent paint latency, the supervisor page at scale, the event stream's fan-out figures, the
# API under 16 connections and the interaction listings at 1,000,000 rows (each also on PostgreSQL with two servers), the SQLite log's size under 200 messages a second, the ranking of 10,000 responses, the reading of arriving email, the calls
# the media switch carries and a call's delays as its parties hear them, each against its budget.
# Exits non-zero when a budget is missed.
set -euo pipefail
cd "$(dirname "$0")/.."
HOVOR_NEED_BROWSER=1 scripts/build.sh
status=0
echo "==> the desk (headless Chromium)"
(cd end2end && node bench/desk-open.mjs "$@") || status=1
echo "==> the desk's cold start on a tablet's network (Lighthouse, mobile preset)"
# Lighthouse is installed here only, not for the journeys.
[ -d end2end/lighthouse/node_modules ] || (cd end2end/lighthouse && npm ci --no-audit --no-fund --quiet)
(cd end2end && node lighthouse/cold-start.mjs) || status=1
echo "==> live chat: customer message → painted on the desk, 200 messages"
(cd end2end && node bench/chat-paint.mjs) || status=1
echo "==> the supervisor page: 200 agents in 20 queues under load, change → shown and long tasks"
(cd end2end && node bench/supervisor-board.mjs) || status=1
# One server benchmark program (crates/hovor-server/examples/NAME.rs): built, then run.
server_bench() {
  echo "==> $2"
  cargo build --release --locked --quiet -p hovor-server --example "$1"
  "target/release/examples/$1" || status=1
}
server_bench event_fanout "the event stream: 1,000 subscribers, 200 messages"
server_bench api_load "the API under load: 16 connections reading task lists and conversations"
server_bench listing_scale "listings at size: 1,000,000 interactions, pages, counts and an export of 100,000 rows"
server_bench wal_bound "the SQLite log: 200 messages a second for a minute, with readers"
server_bench voice_calls "call audio: 250 forwarded 1:1 calls through the media switch"
echo "==> a call as the parties hear it: one-way delay, Accept and Hold heard (two headless Chromiums)"
(cd end2end && node bench/call-latency.mjs) || status=1

echo "==> at scale: PostgreSQL with two servers"
HOVOR_BENCH_POSTGRES=$(scripts/postgres.sh start bench)
export HOVOR_BENCH_POSTGRES
server_bench event_fanout "the event stream on PostgreSQL: 1,000 subscribers over two servers, 200 messages"
server_bench api_load "the API on PostgreSQL: 16 connections over two servers"
server_bench listing_scale "listings at size on PostgreSQL: 1,000,000 interactions over two servers"
unset HOVOR_BENCH_POSTGRES
scripts/postgres.sh stop bench
echo "==> live chat at scale: through nginx to two servers on PostgreSQL (scripts/at-scale.sh)"
scale_port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
HOVOR_AT_SCALE_PORT=$scale_port HOVOR_AT_SCALE_NAME=bench-scale HOVOR_AT_SCALE_FRESH=1 scripts/at-scale.sh > target/at-scale-bench.log 2>&1 &
scale_pid=$!
for _ in $(seq 1200); do curl -fs "http://127.0.0.1:$scale_port/api/health" >/dev/null && break; sleep 0.1; done
(cd end2end && HOVOR_BENCH_BASE="http://127.0.0.1:$scale_port" node bench/chat-paint.mjs) || status=1
kill -TERM "$scale_pid"; wait "$scale_pid" || true

server_bench rank_responses "response ranking: 10,000 responses"
server_bench email_ingest "arriving email: parse, sanitise, cap"
exit $status
