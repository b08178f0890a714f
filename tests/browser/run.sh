#!/usr/bin/env bash
# The real-browser test suite: builds the release binary and the sample site under the sub-path
# /zfxxgk/ndbg/, serves it with nginx on a free loopback port, and runs every
# tests/browser/*.test.mjs with Node's test runner (its closing summary is the result).
#
#   bash tests/browser/setup.sh && bash tests/browser/run.sh [NAME…]   (NAME: only NAME.test.mjs)
#
# Env for the tests: NIANBAO_BIN, SITE_DIR, SITE_URL, CHROMIUM, NIANBAO_ROOT (repo root),
# BROWSER_TMP (a scratch folder removed at the end). KEEP_TMP=1 keeps the temp folder.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
prefix="/zfxxgk/ndbg/"

# --- the binary: cargo's own fingerprints decide whether it is fresh ---
echo "run: cargo build --release"
(cd "$root" && cargo build --release --quiet --bin nianbao)
target_dir="${CARGO_TARGET_DIR:-$root/target}"
case "$target_dir" in /*) ;; *) target_dir="$root/$target_dir" ;; esac
bin="$target_dir/release/nianbao"
[ -x "$bin" ] || { echo "run: no binary at $bin" >&2; exit 2; }

# --- scratch space, and cleanup that runs whatever happens ---
tmp="$(mktemp -d "${TMPDIR:-/tmp}/nianbao-browser.XXXXXX")"
nginx_pid=""
cleanup() {
  local rc=$?
  if [ -n "$nginx_pid" ] && kill -0 "$nginx_pid" 2>/dev/null; then
    kill -TERM "$nginx_pid" 2>/dev/null || true
    for _ in $(seq 1 50); do
      kill -0 "$nginx_pid" 2>/dev/null || break
      sleep 0.1
    done
    kill -KILL "$nginx_pid" 2>/dev/null || true
    wait "$nginx_pid" 2>/dev/null || true
  fi
  if [ "${KEEP_TMP:-0}" = 1 ]; then
    echo "run: kept $tmp"
  else
    rm -rf "$tmp"
  fi
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

port="$(node -e '
const s = require("net").createServer();
s.listen(0, "127.0.0.1", () => { process.stdout.write(String(s.address().port)); s.close(); });
')"
site_url="http://127.0.0.1:${port}${prefix}"
site_dir="$tmp/site"

# --- the sample site, built for the sub-path ---
echo "run: building the sample site for $site_url"
"$bin" build --root "$root" --output "$site_dir" --base-url "$site_url"

# --- nginx: own config and prefix, foreground, one process (no privilege drop needed) ---
ngx="$tmp/nginx"
mkdir -p "$ngx/logs" "$ngx/temp"
mime_types=/etc/nginx/mime.types
cat >"$ngx/nginx.conf" <<EOF
daemon off;
master_process off;
worker_processes 1;
pid $ngx/nginx.pid;
error_log $ngx/logs/error.log warn;
events { worker_connections 256; }
http {
  include $mime_types;
  types { text/csv csv; }
  default_type application/octet-stream;
  charset utf-8;
  charset_types text/css text/plain text/xml text/csv application/json application/xml;
  access_log $ngx/logs/access.log;
  client_body_temp_path $ngx/temp/client;
  proxy_temp_path $ngx/temp/proxy;
  fastcgi_temp_path $ngx/temp/fastcgi;
  uwsgi_temp_path $ngx/temp/uwsgi;
  scgi_temp_path $ngx/temp/scgi;
  server {
    listen 127.0.0.1:$port;
    server_name localhost;
    location = ${prefix%/} { return 301 ${prefix}; }
    location $prefix {
      alias $site_dir/;
      index index.html;
      error_page 404 ${prefix}404.html;
    }
    location / { return 404; }
  }
}
EOF
command -v nginx >/dev/null 2>&1 || PATH="$PATH:/usr/sbin"
nginx -p "$ngx" -c "$ngx/nginx.conf" -e "$ngx/logs/error.log" -t -q
nginx -p "$ngx" -c "$ngx/nginx.conf" -e "$ngx/logs/error.log" &
nginx_pid=$!

# wait until it answers (at most 10 s)
node -e '
const url = process.argv[1];
const deadline = Date.now() + 10000;
(async function poll() {
  try { const r = await fetch(url); if (r.ok) process.exit(0); } catch {}
  if (Date.now() > deadline) { console.error("run: nginx did not answer at " + url); process.exit(1); }
  setTimeout(poll, 100);
})();
' "$site_url"
echo "run: nginx (pid $nginx_pid) serves $site_dir at $site_url"

# --- the tests: every *.test.mjs here, one file at a time (2 cores) ---
shopt -s nullglob
tests=("$here"/*.test.mjs)
# `run.sh search links`: only those test files.
if [ "$#" -gt 0 ]; then
  wanted=()
  for name in "$@"; do wanted+=("$here/${name%.test.mjs}.test.mjs"); done
  tests=("${wanted[@]}")
fi
[ "${#tests[@]}" -gt 0 ] || { echo "run: no tests in $here" >&2; exit 2; }

export NIANBAO_BIN="$bin" SITE_DIR="$site_dir" SITE_URL="$site_url" NIANBAO_ROOT="$root"
export CHROMIUM="${CHROMIUM:-/usr/bin/chromium}" BROWSER_TMP="$tmp" NGINX_LOG_DIR="$ngx/logs"
start=$(date +%s)
set +e
(cd "$here" && node --test --test-concurrency=1 "${tests[@]}")
rc=$?
set -e
echo "run: tests finished in $(( $(date +%s) - start )) s (exit $rc)"
exit "$rc"
