#!/usr/bin/env bash
# Builds the real Kubernetes binaries fednode's tests and playground run, from the Go module proxy,
# at pinned versions. Idempotent: a component whose binary is already in the cache is skipped.
# Control plane: etcd, kube-apiserver, kube-controller-manager, kube-scheduler, kubectl, kwok,
# kwokctl, helm. Real node (tools/kwok-cluster.sh --real-node): kubelet, kube-proxy, kube-router
# (NetworkPolicy enforcer, firewall-only), coredns (only the plugins the cluster uses),
# apiserver-proxy (tools/real-node/apiserver-proxy).
#
#   tools/build-k8s.sh            build what is missing, print the bin directory on the last line
#   tools/build-k8s.sh --print-bin-dir
#
# Cache: ${FEDNODE_TOOLS_CACHE:-~/.cache/fednode-tools}/k8s-<version>/bin (outside the work tree).
# etcd, kube-apiserver and kubectl are also placed where fabric8 kube-api-test looks for them:
# ${KUBE_API_TEST_DIR:-~/.kubeapitest}/k8s/<version>-linux-amd64/.
set -euo pipefail

K8S_VERSION=1.34.4          # k8s.io/kubernetes; staging modules are v0.34.4
ETCD_VERSION=3.6.16         # kwok pairs Kubernetes 1.34 with etcd 3.6.x
KWOK_VERSION=0.8.0
HELM_VERSION=3.21.4
KUBE_ROUTER_VERSION=2.1.0   # the only version the Go module proxy serves here (see docs/local-cluster.md)
COREDNS_VERSION=1.14.7

CACHE_ROOT=${FEDNODE_TOOLS_CACHE:-$HOME/.cache/fednode-tools}
WORK=$CACHE_ROOT/k8s-$K8S_VERSION
BIN=$WORK/bin
KAT_DIR=${KUBE_API_TEST_DIR:-$HOME/.kubeapitest}/k8s/$K8S_VERSION-linux-amd64

if [[ "${1:-}" == "--print-bin-dir" ]]; then echo "$BIN"; exit 0; fi
if [[ "${1:-}" == "-h" || "${1:-}" == "--help" ]]; then sed -n '2,10p' "$0"; exit 0; fi

export GOFLAGS=-mod=mod CGO_ENABLED=0 GOTOOLCHAIN=local
mkdir -p "$BIN" "$WORK/src"
log() { printf '[build-k8s %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
have() { [[ -x "$BIN/$1" && -f "$BIN/.$1.ok" ]]; }
mark() { touch "$BIN/.$1.ok"; }
start=$(date +%s)

k8s_ldflags() {
    local date; date=$(date -u +%Y-%m-%dT%H:%M:%SZ)
    local minor; minor=$(cut -d. -f2 <<<"$K8S_VERSION")
    local f="-s -w"
    for p in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
        f+=" -X $p.gitVersion=v$K8S_VERSION -X $p.gitMajor=1 -X $p.gitMinor=$minor"
        f+=" -X $p.gitTreeState=clean -X $p.buildDate=$date -X $p.gitCommit=0000000000000000000000000000000000000000"
    done
    echo "$f"
}

# --- Kubernetes: a wrapper module that replaces every v0.0.0 staging requirement with its tag ---
K8S_CMDS=(kube-apiserver kube-controller-manager kube-scheduler kubectl kubelet kube-proxy)
need_k8s=()
for c in "${K8S_CMDS[@]}"; do have "$c" || need_k8s+=("$c"); done
if ((${#need_k8s[@]})); then
    mod=$WORK/src/kubernetes
    mkdir -p "$mod"
    if [[ ! -f "$mod/.ready" ]]; then
        log "downloading k8s.io/kubernetes@v$K8S_VERSION (module proxy)"
        gomod=$(cd "$mod" && go mod download -json "k8s.io/kubernetes@v$K8S_VERSION" | python3 -c 'import json,sys; print(json.load(sys.stdin)["GoMod"])')
        {
            echo "module fednode.local/k8s-tools"
            echo
            grep -E '^go [0-9]' "$gomod"
            grep -E '^godebug' "$gomod" || true
            echo
            echo "require k8s.io/kubernetes v$K8S_VERSION"
            echo
            # Staging modules are required at v0.0.0 and replaced with ./staging/src/... upstream;
            # point each one at its published tag instead.
            grep -E '^\s*k8s\.io/[a-z0-9-]+ v0\.0\.0\s*$' "$gomod" | awk '{print $1}' | sort -u |
                while read -r m; do echo "replace $m => $m v0.${K8S_VERSION#1.}"; done
        } >"$mod/go.mod"
        log "resolving dependencies ($(grep -c '^replace' "$mod/go.mod") staging modules replaced)"
        touch "$mod/.ready"
    fi
    for c in "${need_k8s[@]}"; do
        # One marker per command, so a command added later is resolved into the existing module.
        if [[ ! -f "$mod/.got-$c" ]]; then
            (cd "$mod" && go get "k8s.io/kubernetes/cmd/$c@v$K8S_VERSION") >&2
            touch "$mod/.got-$c"
        fi
    done
    for c in "${need_k8s[@]}"; do
        log "building $c v$K8S_VERSION (cold builds take minutes on 2 cores)"
        t0=$(date +%s)
        (cd "$mod" && go build -trimpath -tags selinux,notest -ldflags "$(k8s_ldflags)" -o "$BIN/$c" "k8s.io/kubernetes/cmd/$c")
        mark "$c"
        log "built $c in $(( $(date +%s) - t0 ))s"
    done
fi

# --- etcd: its server module carries replace lines, so it too is built from a wrapper module ---
if ! have etcd; then
    mod=$WORK/src/etcd
    mkdir -p "$mod"
    if [[ ! -f "$mod/.ready" ]]; then
        log "resolving go.etcd.io/etcd/server/v3@v$ETCD_VERSION"
        gomod=$(cd "$mod" && go mod download -json "go.etcd.io/etcd/server/v3@v$ETCD_VERSION" | python3 -c 'import json,sys; print(json.load(sys.stdin)["GoMod"])')
        { echo "module fednode.local/etcd-tools"; echo; grep -E '^go [0-9]' "$gomod"; } >"$mod/go.mod"
        (cd "$mod" && go get "go.etcd.io/etcd/server/v3@v$ETCD_VERSION") >&2
        touch "$mod/.ready"
    fi
    log "building etcd v$ETCD_VERSION"
    (cd "$mod" && go build -trimpath -ldflags "-s -w" -o "$BIN/etcd" go.etcd.io/etcd/server/v3)
    mark etcd
fi

# --- kwok, kwokctl and helm have no replace directives: plain go install ---
for c in kwok kwokctl; do
    if ! have "$c"; then
        log "building $c v$KWOK_VERSION"
        GOBIN=$BIN go install -trimpath \
            -ldflags "-s -w -X sigs.k8s.io/kwok/pkg/consts.Version=v$KWOK_VERSION -X sigs.k8s.io/kwok/pkg/consts.KubeVersion=v$K8S_VERSION" \
            "sigs.k8s.io/kwok/cmd/$c@v$KWOK_VERSION"
        mark "$c"
    fi
done
if ! have helm; then
    log "building helm v$HELM_VERSION"
    GOBIN=$BIN go install -trimpath \
        -ldflags "-s -w -X helm.sh/helm/v3/internal/version.version=v$HELM_VERSION -X helm.sh/helm/v3/internal/version.gitTreeState=clean" \
        "helm.sh/helm/v3/cmd/helm@v$HELM_VERSION"
    mark helm
fi

# --- kube-router: the NetworkPolicy enforcer of the real node (firewall only); no replace lines ---
if ! have kube-router; then
    log "building kube-router v$KUBE_ROUTER_VERSION"
    t0=$(date +%s)
    GOBIN=$BIN go install -trimpath \
        -ldflags "-s -w -X github.com/cloudnativelabs/kube-router/v2/pkg/version.Version=v$KUBE_ROUTER_VERSION -X github.com/cloudnativelabs/kube-router/v2/pkg/version.BuildDate=$(date -u +%Y-%m-%dT%H:%M:%SZ)" \
        "github.com/cloudnativelabs/kube-router/v2/cmd/kube-router@v$KUBE_ROUTER_VERSION"
    mark kube-router
    log "built kube-router in $(( $(date +%s) - t0 ))s"
fi

# --- coredns: a wrapper main that links only the plugins the real node's cluster DNS uses (no
# cloud back ends, no forwarding: nothing leaves this machine), far less to compile than all ---
COREDNS_PLUGINS=(errors log health ready kubernetes loop reload loadbalance cache)
if ! have coredns; then
    mod=$WORK/src/coredns
    mkdir -p "$mod"
    if [[ ! -f "$mod/.ready" ]]; then
        log "resolving github.com/coredns/coredns@v$COREDNS_VERSION"
        gomod=$(cd "$mod" && go mod download -json "github.com/coredns/coredns@v$COREDNS_VERSION" | python3 -c 'import json,sys; print(json.load(sys.stdin)["GoMod"])')
        { echo "module fednode.local/coredns-tools"; echo; grep -E '^go [0-9]' "$gomod"; } >"$mod/go.mod"
        {
            echo "// Generated by tools/build-k8s.sh: CoreDNS with only the plugins fednode's local cluster uses."
            echo "package main"
            echo
            echo "import ("
            echo "	_ \"github.com/coredns/coredns/core/dnsserver\""
            for p in "${COREDNS_PLUGINS[@]}"; do echo "	_ \"github.com/coredns/coredns/plugin/$p\""; done
            echo "	\"github.com/coredns/coredns/coremain\""
            echo ")"
            echo
            echo "func main() { coremain.Run() }"
        } >"$mod/main.go"
        (cd "$mod" && go get "github.com/coredns/coredns@v$COREDNS_VERSION" && go mod tidy) >&2
        touch "$mod/.ready"
    fi
    log "building coredns v$COREDNS_VERSION (plugins: ${COREDNS_PLUGINS[*]})"
    t0=$(date +%s)
    (cd "$mod" && go build -trimpath -ldflags "-s -w -X github.com/coredns/coredns/coremain.GitCommit=v$COREDNS_VERSION" -o "$BIN/coredns" .)
    mark coredns
    log "built coredns in $(( $(date +%s) - t0 ))s"
fi

# --- apiserver-proxy: fednode's own TCP forwarder (standard library only), tools/real-node/ ---
if ! have apiserver-proxy || [[ "$(dirname "$0")/real-node/apiserver-proxy/main.go" -nt "$BIN/apiserver-proxy" ]]; then
    log "building apiserver-proxy"
    (cd "$(dirname "$0")/real-node/apiserver-proxy" && go build -trimpath -ldflags "-s -w" -o "$BIN/apiserver-proxy" .)
    mark apiserver-proxy
fi

# --- the layout fabric8 kube-api-test reads, so tests never download anything ---
mkdir -p "$KAT_DIR"
for c in etcd kube-apiserver kubectl; do
    if ! cmp -s "$BIN/$c" "$KAT_DIR/$c" 2>/dev/null; then cp -f "$BIN/$c" "$KAT_DIR/$c"; fi
done

log "done in $(( $(date +%s) - start ))s: $("$BIN/kube-apiserver" --version) in $BIN"
echo "$BIN"
