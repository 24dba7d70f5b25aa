#!/usr/bin/env bash
# Debian packages the tests need. Guarded: installs only what is missing.
#   prometheus  - the real Prometheus that executes every dashboard query in e2e
#   redis-server - the real Redis behind global rate limits and budgets (policy tests, e2e)
#   containerd, runc, containernetworking-plugins, iptables, socat
#               - the real node of `npm run cluster:up -- --node` and e2e/node (scripts/node/)
#   buildah     - `npm run image`: the product image FROM scratch, no registry
# Go (to build kube-apiserver, etcd, helm) and kubectl come with the machine image.
set -euo pipefail
need=()
for pkg in prometheus redis-server containerd runc containernetworking-plugins iptables socat buildah; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || need+=("$pkg")
done
for cmd in go kubectl git gcc ip nsenter unshare; do
  command -v "$cmd" >/dev/null || { echo "system-deps: '$cmd' is required on PATH" >&2; exit 1; }
done
if [ ${#need[@]} -gt 0 ]; then
  echo "system-deps: installing ${need[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi
