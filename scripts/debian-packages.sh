#!/usr/bin/env bash
# Installs the Debian packages named on the command line that are not installed yet, in one apt run;
# returns at once when all are there. Packages install their programs only: no service of the
# system's is started (nginx) and no cluster is created (PostgreSQL); Hovor's scripts run their own.
set -euo pipefail

missing=()
for package in "$@"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
[ ${#missing[@]} -eq 0 ] && exit 0

SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
echo "==> installing Debian packages: ${missing[*]}" >&2
$SUDO mkdir -p /etc/postgresql-common/createcluster.d
echo "create_main_cluster = false" | $SUDO tee /etc/postgresql-common/createcluster.d/hovor.conf >/dev/null
# policy-rc.d exit 101: "action forbidden", so no package starts its service.
if [ ! -e /usr/sbin/policy-rc.d ]; then
  printf '#!/bin/sh\nexit 101\n' | $SUDO tee /usr/sbin/policy-rc.d >/dev/null
  $SUDO chmod +x /usr/sbin/policy-rc.d
  trap '$SUDO rm -f /usr/sbin/policy-rc.d' EXIT
fi
export DEBIAN_FRONTEND=noninteractive
# An earlier run cut short leaves dpkg half-done; finish it first.
$SUDO dpkg --configure -a >&2
$SUDO apt-get update -qq >&2
$SUDO apt-get install -y -qq "${missing[@]}" >&2
