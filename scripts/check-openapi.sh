#!/usr/bin/env bash
# Checks an OpenAPI 3.1 document (JSON): first with the standard validator, openapi-spec-validator
# (pinned with its dependencies in scripts/openapi-requirements.txt), then with the house rules that
# the standard leaves open; scripts/check_openapi.py does both. Lists every problem, prints
# `openapi: N operations, M errors`, and exits 1 on any error.
# The validator lives in its own virtualenv, target/tools-venv, installed on the first run (and again
# when the requirements change); later runs reuse it and take about a second.
# Given a server binary as well, it then generates a Python client from the document that server
# serves (openapi-python-client) and calls every operation through it against the running server
# (scripts/openapi_client_walk.py): every status must be documented and every body must decode.
# Usage: scripts/check-openapi.sh PATH_TO_JSON [SERVER_BINARY]
set -euo pipefail

if [ $# -lt 1 ] || [ $# -gt 2 ]; then
  echo "usage: $0 PATH_TO_JSON [SERVER_BINARY]" >&2
  exit 2
fi
doc=$1
server=${2:-}
root="$(cd "$(dirname "$0")/.." && pwd)"
requirements="$root/scripts/openapi-requirements.txt"
venv="$root/target/tools-venv"

if [ ! -s "$doc" ]; then
  echo "openapi: $doc is missing or empty" >&2
  exit 1
fi

venv_ready() {
  [ -x "$venv/bin/python" ] && cmp -s "$requirements" "$venv/.requirements.txt" &&
    "$venv/bin/python" -c 'import openapi_spec_validator, openapi_python_client' 2>/dev/null
}

if ! venv_ready; then
  echo "==> installing the OpenAPI validator into target/tools-venv"
  # A Debian Python without pip-in-venv support needs python3-venv.
  python3 -c 'import ensurepip, venv' 2>/dev/null || "$root/scripts/debian-packages.sh" python3-venv
  rm -rf "$venv"
  mkdir -p "$(dirname "$venv")"
  python3 -m venv "$venv"
  "$venv/bin/python" -m pip install --disable-pip-version-check --no-input -q -r "$requirements"
  # Written last, so that an interrupted install is redone on the next run.
  cp "$requirements" "$venv/.requirements.txt"
fi

# The standard validator, then the house rules: every problem, the one-line summary, exit 1 on any.
"$venv/bin/python" "$root/scripts/check_openapi.py" "$doc"

if [ -n "$server" ]; then
  echo "==> a generated client calls every operation"
  "$venv/bin/python" "$root/scripts/openapi_client_walk.py" "$server" "$root/target/openapi-walk"
fi
