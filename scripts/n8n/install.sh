#!/usr/bin/env bash
# Installs n8n (pinned) under Node 24 into a cache folder outside the workspace and prints that folder.
# Reused when present (the install takes 5-12 minutes and ~3 GB). Recipe and pitfalls: docs/n8n.md.
#   IONFLUX_N8N_DIR   install folder (default ~/.cache/ionflux/n8n-<version>)
# Needs apt packages for native builds (installed here when running as root and missing).
set -euo pipefail
version="2.41.1"
node_version="24.21.0"
dir="${IONFLUX_N8N_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/ionflux/n8n-$version}"
log() { echo "[install-n8n] $*" >&2; }

if [ -f "$dir/.installed" ] && [ -x "$dir/node24/node_modules/node/bin/node" ] && [ -f "$dir/n8n/node_modules/n8n/bin/n8n" ]; then
  echo "$dir"
  exit 0
fi

# --- system packages (headers for the Kafka client and sqlite3 native builds) ------------------------------
need=()
for pkg in libcurl4-openssl-dev zlib1g-dev libssl-dev libzstd-dev liblz4-dev libsasl2-dev pkg-config build-essential python3; do
  dpkg -s "$pkg" >/dev/null 2>&1 || need+=("$pkg")
done
if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" = "0" ]; then
    log "apt-get install ${need[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt=(apt-get -o DPkg::Lock::Timeout=900 -q)
    "${apt[@]}" update >&2
    "${apt[@]}" install -y --no-install-recommends "${need[@]}" >&2
  else
    log "missing apt packages: ${need[*]} (install them as root)"
    exit 1
  fi
fi

mkdir -p "$dir"
exec 9>"$dir/.lock"
flock 9
if [ -f "$dir/.installed" ]; then echo "$dir"; exit 0; fi

# --- Node 24 (n8n 2.x needs it; its headers build the native modules) -------------------------------------
if [ ! -x "$dir/node24/node_modules/node/bin/node" ]; then
  log "installing node@$node_version into $dir/node24"
  mkdir -p "$dir/node24"
  echo '{"name":"n8n-node24","private":true,"allowScripts":{"node":true}}' >"$dir/node24/package.json"
  (cd "$dir/node24" && npm install --no-audit --no-fund --save-exact "node@$node_version" >&2)
fi
node24_bin="$dir/node24/node_modules/node/bin"
headers="$(ls -d "$dir"/node24/node_modules/node/node_modules/node-linux-* 2>/dev/null | head -1 || true)"
[ -x "$node24_bin/node" ] || { log "node 24 install failed"; exit 1; }

# --- n8n ---------------------------------------------------------------------------------------------------
log "installing n8n@$version into $dir/n8n (several minutes)"
mkdir -p "$dir/n8n"
cat >"$dir/n8n/package.json" <<JSON
{
  "name": "ionflux-n8n",
  "private": true,
  "dependencies": { "n8n": "$version" },
  "allowScripts": {
    "sqlite3": true,
    "isolated-vm": true,
    "@confluentinc/kafka-javascript": true,
    "msgpackr-extract": true,
    "protobufjs": true
  }
}
JSON
export PATH="$node24_bin:$PATH"
[ -n "$headers" ] && export npm_config_nodedir="$headers"
export CKJS_LINKING=dynamic
(
  cd "$dir/n8n"
  [ -f package-lock.json ] || npm install --package-lock-only --no-audit --no-fund >&2
  npm ci --foreground-scripts --no-audit --no-fund >"$dir/npm-ci.log" 2>&1 || { tail -40 "$dir/npm-ci.log" >&2; exit 1; }
)
"$node24_bin/node" "$dir/n8n/node_modules/n8n/bin/n8n" --version >&2
date -u +%FT%TZ >"$dir/.installed"
echo "$dir"
