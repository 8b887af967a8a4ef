#!/usr/bin/env bash
# Hovor at scale on one machine: a private PostgreSQL cluster, two Hovor servers on it and nginx as
# the load balancer in front, with the demo contact center. Ctrl-C stops them all.
#
#   HOVOR_AT_SCALE_PORT   where the balancer listens (default 8080, on 127.0.0.1)
#   HOVOR_AT_SCALE_NAME   the cluster's name under target/postgres (default at-scale; kept between runs)
#   HOVOR_AT_SCALE_FRESH  1: start from an empty database (the demo is filled again)
#
# PostgreSQL and nginx come from Debian's packages and are installed when missing; no system service
# is started or changed: everything runs from target/. `--install` installs them and stops there.
set -euo pipefail
cd "$(dirname "$0")/.."

port=${HOVOR_AT_SCALE_PORT:-8080}
name=${HOVOR_AT_SCALE_NAME:-at-scale}
run="$PWD/target/at-scale/$name"
mkdir -p "$run/nginx-temp"

scripts/debian-packages.sh nginx-light
NGINX=$(command -v nginx || echo /usr/sbin/nginx)
# --install: only install what is missing (scripts/test.sh does, before its journeys).
[ "${1:-}" = --install ] && exit 0

HOVOR_NEED_BROWSER=0 scripts/build.sh

free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

pids=()
stop_all() {
    local status=$?
    trap - EXIT INT TERM
    for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
    for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
    scripts/postgres.sh stop "$name"
    exit "$status"
}
trap stop_all EXIT INT TERM

echo "==> PostgreSQL"
server=$(scripts/postgres.sh start "$name")
base=${server%/postgres}
if [ "${HOVOR_AT_SCALE_FRESH:-}" = 1 ]; then
    psql "$server" -qc "SET client_min_messages = warning" -c "DROP DATABASE IF EXISTS hovor WITH (FORCE)"
fi
if ! psql "$server" -Atc "SELECT 1 FROM pg_database WHERE datname = 'hovor'" | grep -q 1; then
    psql "$server" -qc "CREATE DATABASE hovor"
fi
database="$base/hovor"

echo "==> two Hovor servers"
instances=()
for n in 1 2; do
    instance_port=$(free_port)
    # Both start at once: one migrates and fills the demo, the other waits for it.
    target/release/hovor-server --listen "127.0.0.1:$instance_port" --database "$database" --demo --dist dist \
        --trust-forwarded-for > "$run/hovor-$n.log" 2>&1 &
    pids+=($!)
    instances+=("$instance_port")
done
for instance_port in "${instances[@]}"; do
    for _ in $(seq 600); do
        curl -fs "http://127.0.0.1:$instance_port/api/health" >/dev/null && break
        sleep 0.1
    done
    curl -fs "http://127.0.0.1:$instance_port/api/health" >/dev/null \
        || { echo "a Hovor server did not start; see $run/hovor-*.log" >&2; exit 1; }
done

echo "==> nginx"
cat > "$run/nginx.conf" <<EOF
worker_processes 1;
daemon off;
pid $run/nginx.pid;
error_log $run/nginx-error.log warn;
$( [ "$(id -u)" = 0 ] && echo "user root;" )
events { worker_connections 8192; }
http {
    access_log off;
    client_body_temp_path $run/nginx-temp/body;
    proxy_temp_path $run/nginx-temp/proxy;
    fastcgi_temp_path $run/nginx-temp/fastcgi;
    uwsgi_temp_path $run/nginx-temp/uwsgi;
    scgi_temp_path $run/nginx-temp/scgi;
    upstream hovor {
        server 127.0.0.1:${instances[0]} max_fails=1 fail_timeout=5s;
        server 127.0.0.1:${instances[1]} max_fails=1 fail_timeout=5s;
        keepalive 64;
    }
    server {
        listen 127.0.0.1:$port;
        client_max_body_size 30m;
        location / {
            proxy_pass http://hovor;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_set_header Host \$http_host;
            proxy_set_header X-Forwarded-For \$remote_addr;
            proxy_set_header X-Forwarded-Proto \$scheme;
            # Event streams pass through as they are written, and stay open.
            proxy_buffering off;
            proxy_read_timeout 1h;
            # A server that went away: the request goes to the other one (an event stream resumes
            # there with Last-Event-ID).
            proxy_next_upstream error timeout http_502 http_503;
        }
    }
}
EOF
"$NGINX" -c "$run/nginx.conf" -e "$run/nginx-error.log" &
pids+=($!)
for _ in $(seq 100); do
    curl -fs "http://127.0.0.1:$port/api/health" >/dev/null && break
    sleep 0.1
done
curl -fs "http://127.0.0.1:$port/api/health" >/dev/null || { echo "nginx did not start; see $run/nginx-error.log" >&2; exit 1; }

echo "Hovor at scale is running at http://127.0.0.1:$port/ (servers on ports ${instances[*]}, PostgreSQL at $database)"
echo "Demo sign-ins (password \"hovor-demo\"): agent1 … agent8, supervisor, admin. Ctrl-C stops everything."
wait -n "${pids[@]}" || true
echo "a process of the cluster ended; stopping the rest" >&2
