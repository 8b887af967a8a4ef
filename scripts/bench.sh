#!/usr/bin/env bash
# The desk benchmark (docs/PERFORMANCE.md): builds what is missing, then prints sizes, open times
# and DOM size against their budgets. Exits non-zero when a budget is missed.
set -euo pipefail
cd "$(dirname "$0")/.."
HOVOR_NEED_BROWSER=1 scripts/build.sh
cd end2end && node bench/desk-open.mjs "$@"
