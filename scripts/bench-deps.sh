#!/usr/bin/env bash
# Peers and tools for `npm run bench` ONLY (never called by npm test or CI). Guarded: each part
# installs only what is missing, and a part that fails is reported and skipped, so the bench can
# say which peer is unavailable and why, and go on with the others.
#   Debian: nginx (fast mock upstream + nginx proxy peer), wrk (closed-loop max throughput)
#   npm into $cache/bench/npm: @portkey-ai/gateway (peer)
#   PyPI into the venv $cache/bench/litellm-venv: litellm[proxy] (peer)
# Prints one line per part on stdout: "bench-deps: <part> ok|FAILED <why>". Exit code 0 always
# unless the cache dir cannot be created.
set -uo pipefail
cache=${AI_GATEWAY_CACHE:-$HOME/.cache/ai-gateway}/bench
mkdir -p "$cache" || exit 1
log=$cache/deps.log
: >"$log"

PORTKEY_VERSION=1.15.2
LITELLM_SPEC='litellm[proxy]'

report() { printf 'bench-deps: %s\n' "$*"; }

debian() {
  local need=()
  for pkg in nginx-light wrk; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || need+=("$pkg")
  done
  command -v nginx >/dev/null || need+=(nginx-light)
  if [ ${#need[@]} -gt 0 ]; then
    if [ "$(id -u)" != 0 ]; then
      report "debian FAILED need root to apt-get install ${need[*]}"
      return
    fi
    export DEBIAN_FRONTEND=noninteractive
    if ! { apt-get update -qq && apt-get install -y -qq --no-install-recommends "${need[@]}"; } >>"$log" 2>&1; then
      report "debian FAILED apt-get install ${need[*]} (see $log)"
      return
    fi
    # The package starts a system nginx on :80; the bench runs its own instances only.
    (service nginx stop || systemctl stop nginx || nginx -s stop) >>"$log" 2>&1 || true
  fi
  report "debian ok $(nginx -v 2>&1 | tr -d '\n'); $(wrk -v 2>&1 | head -1 | cut -d' ' -f1-2)"
}

npm_tools() {
  local dir=$cache/npm
  mkdir -p "$dir"
  [ -f "$dir/package.json" ] || echo '{"name":"ai-gateway-bench-peers","private":true}' >"$dir/package.json"
  if [ -f "$dir/node_modules/@portkey-ai/gateway/package.json" ]; then
    report "npm ok (cached)"
    return
  fi
  if (cd "$dir" && npm install --no-audit --no-fund --save-exact \
    "@portkey-ai/gateway@$PORTKEY_VERSION") >>"$log" 2>&1; then
    report "npm ok"
  else
    report "npm FAILED npm install @portkey-ai/gateway@$PORTKEY_VERSION (see $log)"
  fi
}

litellm() {
  local venv=$cache/litellm-venv
  if [ -x "$venv/bin/litellm" ]; then
    report "litellm ok (cached)"
    return
  fi
  local py
  py=$(command -v python3 || true)
  if [ -z "$py" ]; then
    report "litellm FAILED no python3 on PATH"
    return
  fi
  rm -rf "$venv"
  if "$py" -m venv "$venv" >>"$log" 2>&1 &&
    "$venv/bin/pip" install -q --upgrade pip >>"$log" 2>&1 &&
    "$venv/bin/pip" install -q "$LITELLM_SPEC" >>"$log" 2>&1 &&
    [ -x "$venv/bin/litellm" ]; then
    report "litellm ok"
  else
    report "litellm FAILED pip install $LITELLM_SPEC into $venv (see $log)"
  fi
}

case "${1:-all}" in
debian) debian ;;
npm) npm_tools ;;
litellm) litellm ;;
all)
  debian
  npm_tools
  litellm
  ;;
*)
  echo "usage: $0 [all|debian|npm|litellm]" >&2
  exit 2
  ;;
esac
exit 0
