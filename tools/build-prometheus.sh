#!/usr/bin/env bash
# Builds Prometheus and promtool from the Go module proxy at a pinned version, for the rule checks
# (promtool check rules / test rules) and the e2e alert test (a real Prometheus on 127.0.0.1).
# Idempotent: a binary already in the cache is not rebuilt.
#
#   tools/build-prometheus.sh              build what is missing, print the bin directory last
#   tools/build-prometheus.sh --print-bin-dir
#
# Cache: ${FEDNODE_TOOLS_CACHE:-~/.cache/fednode-tools}/prometheus-<version>/bin (outside the tree).
# Build tags: remove_all_sd (no cloud service discovery: the tests use static targets only, and it
# is far less to compile) and netgo. Without the builtinassets tag the web UI is not embedded (the
# module carries no built UI); the HTTP API (/api/v1/...) that the tests use is unaffected.
set -euo pipefail

PROMETHEUS_VERSION=3.16.0   # Go module github.com/prometheus/prometheus v0.316.0
# Prometheus 3.x is tagged v0.<major><minor, 2 digits>.<patch> for Go modules: 3.16.0 -> v0.316.0
MODULE_VERSION=v0.$(cut -d. -f1 <<<"$PROMETHEUS_VERSION")$(printf '%02d' "$(cut -d. -f2 <<<"$PROMETHEUS_VERSION")").$(cut -d. -f3 <<<"$PROMETHEUS_VERSION")

CACHE_ROOT=${FEDNODE_TOOLS_CACHE:-$HOME/.cache/fednode-tools}
WORK=$CACHE_ROOT/prometheus-$PROMETHEUS_VERSION
BIN=$WORK/bin

if [[ "${1:-}" == "--print-bin-dir" ]]; then echo "$BIN"; exit 0; fi
if [[ "${1:-}" == "-h" || "${1:-}" == "--help" ]]; then sed -n '2,9p' "$0"; exit 0; fi

export GOFLAGS=-mod=mod CGO_ENABLED=0 GOTOOLCHAIN=local
mkdir -p "$BIN"
log() { printf '[build-prometheus %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
have() { [[ -x "$BIN/$1" && -f "$BIN/.$1.ok" ]]; }
start=$(date +%s)

ldflags() {
    local p=github.com/prometheus/common/version
    echo "-s -w -X $p.Version=$PROMETHEUS_VERSION -X $p.Branch=release -X $p.Revision=module-$MODULE_VERSION" \
        "-X $p.BuildUser=fednode -X $p.BuildDate=$(date -u +%Y%m%d-%H:%M:%S)"
}

for c in prometheus promtool; do
    if have "$c"; then continue; fi
    log "building $c $PROMETHEUS_VERSION (github.com/prometheus/prometheus@$MODULE_VERSION; a cold build takes minutes on 2 cores)"
    t0=$(date +%s)
    # The module has no replace directives, so a plain go install resolves it from the proxy.
    GOBIN=$BIN go install -trimpath -tags remove_all_sd,netgo -ldflags "$(ldflags)" \
        "github.com/prometheus/prometheus/cmd/$c@$MODULE_VERSION"
    touch "$BIN/.$c.ok"
    log "built $c in $(( $(date +%s) - t0 ))s"
done

log "done in $(( $(date +%s) - start ))s: $("$BIN/promtool" --version 2>&1 | head -1) in $BIN"
echo "$BIN"
