#!/usr/bin/env bash
# A private PostgreSQL cluster for tests, benchmarks and `scripts/at-scale.sh`: Debian's `postgresql`
# package (installed when missing), a cluster under target/postgres/<name>, listening on a free
# loopback port only; no system service is touched.
#
#   scripts/postgres.sh start NAME   starts (creating it when new) and prints the server's URL
#   scripts/postgres.sh stop NAME    stops it
#
# The URL names the `postgres` database; callers create their own databases in it.
set -euo pipefail
cd "$(dirname "$0")/.."

command_name=${1:?start or stop}
name=${2:?a cluster name}
dir="$PWD/target/postgres/$name"

bin_dir() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1; }

[ -n "$(bin_dir)" ] || scripts/debian-packages.sh postgresql >&2
BIN=$(bin_dir)

# PostgreSQL refuses to run as root: as root, the cluster belongs to the `postgres` user.
as_owner() {
    if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}
# That user must reach the folder: a checkout under /root, say, is closed to it. Then the cluster lives
# in a folder of its own under /tmp, named after the project's path.
if [ "$(id -u)" = 0 ]; then
    mkdir -p "$(dirname "$dir")"
    if ! runuser -u postgres -- test -x "$(dirname "$dir")"; then
        dir="/tmp/hovor-postgres-$(printf %s "$PWD" | sha256sum | cut -c1-12)/$name"
        mkdir -p "$(dirname "$dir")"
    fi
fi

case "$command_name" in
start)
    if [ ! -f "$dir/PG_VERSION" ]; then
        mkdir -p "$dir"
        [ "$(id -u)" = 0 ] && chown postgres "$dir"
        as_owner "$BIN/initdb" -D "$dir" -A trust -U postgres --locale=C.UTF-8 -E UTF8 >"$dir.initdb.log" 2>&1 \
            || { cat "$dir.initdb.log" >&2; exit 1; }
    fi
    if as_owner "$BIN/pg_ctl" -D "$dir" status >/dev/null 2>&1; then
        port=$(sed -n 4p "$dir/postmaster.pid")
    else
        port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
        # Tests create and drop a database each: no fsync wait is worth it for throwaway data, but the
        # benchmarks and at-scale cluster keep PostgreSQL's durable defaults.
        # TCP on loopback only; no Unix socket (a deep checkout's path would pass the socket path's limit).
        # wal_recycle off: write-ahead segments no longer needed are deleted, not renamed for reuse with
        # their old contents, so anonymised data leaves the log (docs/ARCHITECTURE.md, Retention).
        options="-p $port -h 127.0.0.1 -c unix_socket_directories= -c max_connections=400 -c wal_recycle=off"
        [ "${HOVOR_PG_THROWAWAY:-}" = 1 ] && options="$options -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
        as_owner "$BIN/pg_ctl" -D "$dir" -o "$options" -l "$dir/log" -w -t 60 start >/dev/null
    fi
    echo "postgres://postgres@127.0.0.1:$port/postgres"
    ;;
stop)
    if [ -f "$dir/PG_VERSION" ]; then
        as_owner "$BIN/pg_ctl" -D "$dir" -m fast -w stop >/dev/null 2>&1 || true
    fi
    ;;
*)
    echo "usage: scripts/postgres.sh start|stop NAME" >&2
    exit 2
    ;;
esac
