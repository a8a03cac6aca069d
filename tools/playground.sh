#!/usr/bin/env bash
# `make run`: the fednode playground. Starts a local control plane (kwokctl, binaries built from
# source, 127.0.0.1) unless a cluster is named, installs the CRDs, creates a sample hospital node
# and runs the operator in the foreground (Ctrl-C stops it; the cluster stays for the next run).
#
#   make run                                   local playground cluster
#   FEDNODE_CLUSTER=~/.kube/config make run    use that cluster instead
#   tools/playground.sh --delete               delete the local playground cluster
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
state=${FEDNODE_PLAYGROUND_DIR:-$HOME/.cache/fednode-tools/playground}
bin=$(tools/build-k8s.sh --print-bin-dir)
log() { printf '[playground] %s\n' "$*" >&2; }

if [[ "${1:-}" == "--delete" ]]; then
    tools/kwok-cluster.sh delete fednode-playground "$state"
    exit 0
fi

if [[ -n "${FEDNODE_CLUSTER:-}" ]]; then
    export KUBECONFIG=$FEDNODE_CLUSTER
    log "using the cluster named by FEDNODE_CLUSTER=$KUBECONFIG"
else
    KUBECONFIG=$(tools/kwok-cluster.sh create fednode-playground "$state")
    export KUBECONFIG
    "$bin/kubectl" apply --server-side -f tools/playground/nodes.yaml >/dev/null
    log "local control plane up; in another shell: export KUBECONFIG=$KUBECONFIG"
fi
kubectl() { "$bin/kubectl" "$@"; }

log "installing CRDs"
kubectl apply --server-side --force-conflicts -f crds/ >/dev/null
kubectl wait --for=condition=Established --timeout=60s -f crds/ >/dev/null

log "creating the sample node hospital-a in namespace hospital-a"
kubectl create namespace hospital-a --dry-run=client -o yaml | kubectl apply -f - >/dev/null
kubectl apply -n hospital-a -f manifests/samples/federationnode-hybrid.yaml >/dev/null

jar=$(ls operator/target/fednode-operator-*-all.jar 2>/dev/null | head -1)
[[ -n $jar ]] || { log "operator/target/fednode-operator-*-all.jar missing: run make build"; exit 1; }
log "starting the operator (Ctrl-C to stop); watch with: kubectl get fnode -A -w"
exec java -jar "$jar"
