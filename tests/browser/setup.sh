#!/usr/bin/env bash
# Installs what the browser test suite needs, idempotently, without a terminal (CI=true):
#   Debian: chromium, nginx, a Java runtime (for the Nu Html Checker), fonts-noto-cjk
#   npm (exact versions from package-lock.json): axe-core, playwright-core, vnu-jar
# Never downloads a browser or a JRE of its own: Chromium and Java come from Debian, and npm
# install scripts are off (.npmrc; vnu-jar's postinstall would fetch a JRE).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
export DEBIAN_FRONTEND=noninteractive

sudo_cmd=()
if [ "$(id -u)" -ne 0 ]; then
  sudo_cmd=(sudo -n)
fi

# --- Debian packages: only what is missing; one `apt-get update` before installing. ---
missing=()
command -v chromium >/dev/null 2>&1 || [ -x /usr/bin/chromium ] || missing+=(chromium)
command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ] || missing+=(nginx)
command -v java >/dev/null 2>&1 || missing+=(default-jre-headless)
if ! dpkg-query -W -f='${Status}' fonts-noto-cjk 2>/dev/null | grep -q 'ok installed'; then
  missing+=(fonts-noto-cjk)
fi

if [ "${#missing[@]}" -gt 0 ]; then
  echo "setup: installing Debian packages: ${missing[*]}"
  apt_opts=(-o DPkg::Lock::Timeout=600 -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold)
  "${sudo_cmd[@]}" apt-get "${apt_opts[@]}" update -qq
  "${sudo_cmd[@]}" apt-get "${apt_opts[@]}" install -y -qq "${missing[@]}" </dev/null
else
  echo "setup: Debian packages present (chromium, nginx, java, fonts-noto-cjk)"
fi

# Where the machine has an init system, nginx's Debian package may also start the system
# service on port 80; the tests run their own nginx (own config, own prefix, free port) and
# leave the system one as it is.

# --- npm packages: skip when node_modules already matches the lock file. ---
cd "$here"
complete=1
for p in axe-core playwright-core vnu-jar; do
  want="$(node -e "const l=require('./package-lock.json');process.stdout.write(l.packages['node_modules/$p'].version)")"
  have="$(node -e "try{process.stdout.write(require('./node_modules/$p/package.json').version)}catch(e){}")"
  if [ "$want" != "$have" ]; then
    complete=0
  fi
done
[ -f node_modules/vnu-jar/build/dist/vnu.jar ] || complete=0
[ -f node_modules/axe-core/axe.min.js ] || complete=0

if [ "$complete" -eq 1 ]; then
  echo "setup: node_modules complete"
else
  echo "setup: npm ci (exact versions from package-lock.json, no install scripts)"
  npm ci --ignore-scripts --no-audit --no-fund </dev/null
fi

# --- a short report of what the suite will use ---
echo "setup: $(/usr/bin/chromium --version 2>/dev/null || echo 'chromium: missing')"
echo "setup: $(nginx -v 2>&1)"
echo "setup: $(java -version 2>&1 | head -n1)"
echo "setup: node $(node --version)"
