#!/usr/bin/env bash
# Builds the real control-plane binaries the tests and the local cluster run, from their Go
# modules (this machine cannot download release binaries), and caches them by version:
#   etcd, kube-apiserver, kubectl, helm, and the Gateway API CRDs (from the module cache).
# and the parts of a real node (`node`): kubelet, kube-scheduler, kube-controller-manager,
# kube-proxy (same module, version and ldflags as kube-apiserver), CoreDNS, crictl, pause.
# Usage: scripts/binaries.sh            build what is missing, print the cache dir
#        scripts/binaries.sh --print    print the cache dir only
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=versions.env
source "$here/versions.env"

cache=${AI_GATEWAY_CACHE:-$HOME/.cache/ai-gateway}
bin=$cache/bin
mkdir -p "$bin" "$cache/build"
export GOTOOLCHAIN=local GOFLAGS=-mod=mod CGO_ENABLED=0

log() { printf '[binaries] %s\n' "$*" >&2; }

if [ "${1:-}" = "--print" ]; then echo "$cache"; exit 0; fi

build_etcd() {
  local out=$bin/etcd-$ETCD_VERSION
  [ -x "$out" ] && return 0
  log "building etcd $ETCD_VERSION"
  local dir=$cache/build/etcd-$ETCD_VERSION
  rm -rf "$dir" && mkdir -p "$dir"
  cat >"$dir/go.mod" <<EOF
module aigateway.local/etcd

go 1.24
EOF
  cat >"$dir/main.go" <<'EOF'
package main

import (
	"os"

	"go.etcd.io/etcd/server/v3/etcdmain"
)

func main() { etcdmain.Main(os.Args) }
EOF
  (cd "$dir" && go get "go.etcd.io/etcd/server/v3@$ETCD_VERSION" && go mod tidy &&
    go build -trimpath -o "$out.tmp" . && mv "$out.tmp" "$out")
}

build_kube_apiserver() {
  local out=$bin/kube-apiserver-$KUBERNETES_VERSION
  [ -x "$out" ] && return 0
  log "building kube-apiserver $KUBERNETES_VERSION"
  local dir=$cache/build/kube-apiserver-$KUBERNETES_VERSION
  rm -rf "$dir" && mkdir -p "$dir"
  # k8s.io/kubernetes points its staging modules at ./staging; replace each with its published
  # v0.X.Y. The list comes from the release's own go.mod so it is always complete.
  local gomod staging minor
  gomod=$(go mod download -json "k8s.io/kubernetes@$KUBERNETES_VERSION" | sed -n 's/.*"GoMod": "\(.*\)".*/\1/p')
  staging="v0.${KUBERNETES_VERSION#v1.}"
  minor=$(echo "$KUBERNETES_VERSION" | cut -d. -f2)
  {
    echo "module aigateway.local/kube-apiserver"
    echo
    echo "go 1.24"
    echo
    echo "require k8s.io/kubernetes $KUBERNETES_VERSION"
    echo
    grep -E '^\s*k8s\.io/[a-z0-9-]+ => \./staging/' "$gomod" | awk -v v="$staging" '{print "replace " $1 " => " $1 " " v}'
  } >"$dir/go.mod"
  cat >"$dir/tools.go" <<'EOF'
//go:build tools

package tools

import _ "k8s.io/kubernetes/cmd/kube-apiserver"
EOF
  local pkg=k8s.io/component-base/version
  (cd "$dir" && go get "k8s.io/kubernetes/cmd/kube-apiserver@$KUBERNETES_VERSION" &&
    go build -trimpath -o "$out.tmp" \
      -ldflags "-s -w -X $pkg.gitVersion=$KUBERNETES_VERSION -X $pkg.gitMajor=1 -X $pkg.gitMinor=$minor -X $pkg.gitTreeState=clean -X $pkg.buildDate=1970-01-01T00:00:00Z" \
      k8s.io/kubernetes/cmd/kube-apiserver && mv "$out.tmp" "$out")
}

# kubectl of the same release as the API server (the machine's kubectl is two minors behind).
build_kubectl() {
  local out=$bin/kubectl-$KUBERNETES_VERSION
  [ -x "$out" ] && return 0
  [ -f "$cache/build/kube-apiserver-$KUBERNETES_VERSION/go.mod" ] || build_kube_apiserver
  log "building kubectl $KUBERNETES_VERSION"
  local dir=$cache/build/kube-apiserver-$KUBERNETES_VERSION pkg=k8s.io/component-base/version minor
  minor=$(echo "$KUBERNETES_VERSION" | cut -d. -f2)
  (cd "$dir" && go get "k8s.io/kubernetes/cmd/kubectl@$KUBERNETES_VERSION" &&
    go build -trimpath -o "$out.tmp" \
      -ldflags "-s -w -X $pkg.gitVersion=$KUBERNETES_VERSION -X $pkg.gitMajor=1 -X $pkg.gitMinor=$minor -X $pkg.gitTreeState=clean -X $pkg.buildDate=1970-01-01T00:00:00Z" \
      k8s.io/kubernetes/cmd/kubectl && mv "$out.tmp" "$out")
}

# kubelet, kube-scheduler, kube-controller-manager, kube-proxy: the same module dir, version and
# ldflags as kube-apiserver (so they share its Go build cache).
build_kube_node() {
  [ -f "$cache/build/kube-apiserver-$KUBERNETES_VERSION/go.mod" ] || build_kube_apiserver
  local dir=$cache/build/kube-apiserver-$KUBERNETES_VERSION pkg=k8s.io/component-base/version minor cmd out
  minor=$(echo "$KUBERNETES_VERSION" | cut -d. -f2)
  for cmd in kubelet kube-scheduler kube-controller-manager kube-proxy; do
    out=$bin/$cmd-$KUBERNETES_VERSION
    [ -x "$out" ] && continue
    log "building $cmd $KUBERNETES_VERSION"
    (cd "$dir" && go get "k8s.io/kubernetes/cmd/$cmd@$KUBERNETES_VERSION" &&
      go build -trimpath -o "$out.tmp" \
        -ldflags "-s -w -X $pkg.gitVersion=$KUBERNETES_VERSION -X $pkg.gitMajor=1 -X $pkg.gitMinor=$minor -X $pkg.gitTreeState=clean -X $pkg.buildDate=1970-01-01T00:00:00Z" \
        "k8s.io/kubernetes/cmd/$cmd" && mv "$out.tmp" "$out")
  done
}

# CoreDNS with only the plugins the cluster needs: no forward plugin, so no query can leave.
build_coredns() {
  local out=$bin/coredns-$COREDNS_VERSION
  [ -x "$out" ] && return 0
  log "building coredns $COREDNS_VERSION (errors, health, ready, cache, kubernetes, template)"
  local dir=$cache/build/coredns-$COREDNS_VERSION
  rm -rf "$dir" && mkdir -p "$dir"
  printf 'module aigateway.local/coredns\n\ngo 1.24\n' >"$dir/go.mod"
  cat >"$dir/main.go" <<'GO'
package main

import (
	"github.com/coredns/coredns/core/dnsserver"
	_ "github.com/coredns/coredns/plugin/cache"
	_ "github.com/coredns/coredns/plugin/errors"
	_ "github.com/coredns/coredns/plugin/health"
	_ "github.com/coredns/coredns/plugin/kubernetes"
	_ "github.com/coredns/coredns/plugin/ready"
	_ "github.com/coredns/coredns/plugin/template"
	"github.com/coredns/coredns/coremain"
)

// The plugin chain order; only the plugins linked in above.
func init() {
	dnsserver.Directives = []string{"errors", "health", "ready", "cache", "kubernetes", "template"}
}

func main() { coremain.Run() }
GO
  (cd "$dir" && go get "github.com/coredns/coredns@$COREDNS_VERSION" && go mod tidy &&
    go build -trimpath -ldflags "-s -w" -o "$out.tmp" . && mv "$out.tmp" "$out")
}

build_crictl() {
  local out=$bin/crictl-$CRICTL_VERSION
  [ -x "$out" ] && return 0
  log "building crictl $CRICTL_VERSION"
  local gobin=$cache/build/crictl-$CRICTL_VERSION
  mkdir -p "$gobin"
  GOFLAGS= GOBIN=$gobin go install -trimpath -ldflags "-s -w" "sigs.k8s.io/cri-tools/cmd/crictl@$CRICTL_VERSION"
  mv "$gobin/crictl" "$out"
}

# Every pod's sandbox process: sleeps until signalled and reaps orphans. Static C, no image pull.
build_pause() {
  local out=$bin/pause-$PAUSE_VERSION
  [ -x "$out" ] && return 0
  log "building pause $PAUSE_VERSION"
  local dir=$cache/build/pause-$PAUSE_VERSION
  rm -rf "$dir" && mkdir -p "$dir"
  cat >"$dir/pause.c" <<'C'
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

static void stop(int sig) { (void)sig; _exit(0); }
static void reap(int sig) {
  (void)sig;
  while (waitpid(-1, 0, WNOHANG) > 0) {
  }
}

int main(void) {
  struct sigaction term = {.sa_handler = stop};
  struct sigaction child = {.sa_handler = reap, .sa_flags = SA_NOCLDSTOP};
  sigaction(SIGINT, &term, 0);
  sigaction(SIGTERM, &term, 0);
  sigaction(SIGCHLD, &child, 0);
  for (;;) pause();
}
C
  gcc -static -Os -s -o "$out.tmp" "$dir/pause.c" && mv "$out.tmp" "$out"
}

build_node() {
  build_pause
  build_kube_node
  build_coredns
  build_crictl
}

build_helm() {
  local out=$bin/helm-$HELM_VERSION
  [ -x "$out" ] && return 0
  log "building helm $HELM_VERSION"
  local gobin=$cache/build/helm-$HELM_VERSION
  mkdir -p "$gobin"
  GOFLAGS= GOBIN=$gobin go install -trimpath \
    -ldflags "-s -w -X helm.sh/helm/v3/internal/version.version=$HELM_VERSION" \
    "helm.sh/helm/v3/cmd/helm@$HELM_VERSION"
  mv "$gobin/helm" "$out"
}

fetch_gateway_api() {
  local out=$cache/gateway-api-$GATEWAY_API_VERSION
  [ -f "$out/standard-install.yaml" ] && return 0
  log "fetching Gateway API CRDs $GATEWAY_API_VERSION from the module cache"
  local moddir
  moddir=$(cd /tmp && go mod download -json "sigs.k8s.io/gateway-api@$GATEWAY_API_VERSION" | sed -n 's/.*"Dir": "\(.*\)".*/\1/p')
  mkdir -p "$out.tmp"
  for f in "$moddir"/config/crd/standard/*.yaml; do
    [ "$(basename "$f")" = kustomization.yaml ] && continue
    cat "$f"
    echo "---"
  done >"$out.tmp/standard-install.yaml"
  rm -rf "$out" && mv "$out.tmp" "$out"
}

start=$(date +%s)
what=${1:-all}
case "$what" in
  all)
    # Two cores: build the two big ones one after the other, helm and the CRDs alongside.
    fetch_gateway_api
    build_etcd
    build_helm
    build_kube_apiserver
    build_kubectl
    build_node
    ;;
  etcd) build_etcd ;;
  kube-apiserver) build_kube_apiserver ;;
  helm) build_helm ;;
  kubectl) build_kubectl ;;
  gateway-api) fetch_gateway_api ;;
  node) build_node ;;
  *) echo "usage: $0 [all|node|etcd|kube-apiserver|kubectl|helm|gateway-api|--print]" >&2; exit 2 ;;
esac
log "ready in $(( $(date +%s) - start ))s: $bin"
echo "$cache"
