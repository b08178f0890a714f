#!/usr/bin/env bash
# The real-browser test suite: builds the release binary and the sample site under the sub-path
# /zfxxgk/ndbg/, serves it with nginx on a free loopback port (configured with the snippet of
# docs/部署.md), and runs every
# tests/browser/*.test.mjs with Node's test runner (its closing summary is the result).
#
#   bash tests/browser/setup.sh && bash tests/browser/run.sh [NAME…]   (NAME or NAME.test.mjs: only that file)
#
# Env for the tests: NIANBAO_BIN, SITE_DIR, SITE_URL, CHROMIUM, NIANBAO_ROOT (repo root),
# BROWSER_TMP (a scratch folder removed at the end). KEEP_TMP=1 keeps the temp folder.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
prefix="/zfxxgk/ndbg/"

# --- the binary: cargo's own fingerprints decide whether it is fresh (NIANBAO_BIN: use that one) ---
if [ -n "${NIANBAO_BIN:-}" ]; then
  bin="$NIANBAO_BIN"
else
  echo "run: cargo build --release"
  (cd "$root" && cargo build --release --quiet --bin nianbao)
  target_dir="${CARGO_TARGET_DIR:-$root/target}"
  case "$target_dir" in /*) ;; *) target_dir="$root/$target_dir" ;; esac
  bin="$target_dir/release/nianbao"
fi
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
# The site's part of the configuration is the one docs/部署.md shows webmasters (the nginx blocks
# after its <!-- nginx-test: http --> and <!-- nginx-test: server --> markers), with the guide's
# output folder replaced by this build's: so the guide's snippet is what every test here meets.
ngx="$tmp/nginx"
mkdir -p "$ngx/logs" "$ngx/temp"
mime_types=/etc/nginx/mime.types
guide="$root/docs/部署.md"
from_guide() {
  awk -v want="<!-- nginx-test: $1 -->" '
    $0 == want { found = 1; next }
    found && /^```nginx/ { inside = 1; next }
    inside && /^```/ { exit }
    inside { print }
  ' "$guide"
}
from_guide http >"$ngx/guide-http.conf"
from_guide server | sed -e "s#/srv/ndbg/public/#$site_dir/#g" -e "s#/zfxxgk/ndbg#${prefix%/}#g" >"$ngx/guide-server.conf"
for part in http server; do
  [ -s "$ngx/guide-$part.conf" ] || { echo "run: no nginx block after <!-- nginx-test: $part --> in $guide" >&2; exit 2; }
done
grep -q "alias $site_dir/;" "$ngx/guide-server.conf" || { echo "run: the guide's alias is not /srv/ndbg/public/" >&2; exit 2; }
cat >"$ngx/nginx.conf" <<EOF
daemon off;
master_process off;
worker_processes 1;
pid $ngx/nginx.pid;
error_log $ngx/logs/error.log warn;
events { worker_connections 256; }
http {
  include $mime_types;
  include $ngx/guide-http.conf;
  default_type application/octet-stream;
  access_log $ngx/logs/access.log;
  client_body_temp_path $ngx/temp/client;
  proxy_temp_path $ngx/temp/proxy;
  fastcgi_temp_path $ngx/temp/fastcgi;
  uwsgi_temp_path $ngx/temp/uwsgi;
  scgi_temp_path $ngx/temp/scgi;
  server {
    listen 127.0.0.1:$port;
    server_name localhost;
    include $ngx/guide-server.conf;
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

# --- the tests: every *.test.mjs here (or those named as arguments), one file at a time (2 cores) ---
shopt -s nullglob
tests=("$here"/*.test.mjs)
if [ "$#" -gt 0 ]; then
  tests=()
  for t in "$@"; do t=$(basename "$t"); tests+=("$here/${t%.test.mjs}.test.mjs"); done
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
