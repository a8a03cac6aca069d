#!/usr/bin/env bash
# `make run`: the fednode playground. Starts a local control plane (kwokctl, binaries built from
# source, 127.0.0.1) unless a cluster is named, installs the CRDs, runs the hub, makes hospital-a a
# member of the federation, creates the hospital-a node (with a Dataset and a TrainingRun) and runs
# the operator in the foreground. Ctrl-C stops the operator and the hub; the cluster stays for the
# next run (`make clean-playground` deletes it).
#
#   make run                                   local playground cluster
#   FEDNODE_CLUSTER=~/.kube/config make run    use that cluster instead (no simulated nodes/volumes)
#   tools/playground.sh --delete               delete the local playground cluster
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
state=${FEDNODE_PLAYGROUND_DIR:-$HOME/.cache/fednode-tools/playground}
bin=$(tools/build-k8s.sh --print-bin-dir)
log() { printf '[playground] %s\n' "$*" >&2; }
kubectl() { "$bin/kubectl" "$@"; }

if [[ "${1:-}" == "--delete" ]]; then
    tools/kwok-cluster.sh delete fednode-playground "$state"
    exit 0
fi

jar() {
    local j
    j=$(ls "$1"/target/fednode-"$1"-*-all.jar 2>/dev/null | head -1)
    [[ -n $j ]] || { log "$1/target/fednode-$1-*-all.jar missing: run make build"; exit 1; }
    echo "$j"
}
operator_jar=$(jar operator)
hub_jar=$(jar hub)
mkdir -p "$state"

if [[ -n "${FEDNODE_CLUSTER:-}" ]]; then
    export KUBECONFIG=$FEDNODE_CLUSTER
    log "using the cluster named by FEDNODE_CLUSTER=$KUBECONFIG"
else
    KUBECONFIG=$(tools/kwok-cluster.sh create fednode-playground "$state")
    export KUBECONFIG
    kubectl apply --server-side -f tools/playground/nodes.yaml >/dev/null
    kubectl apply --server-side -f tools/playground/storage.yaml >/dev/null
    log "local control plane up: 2 simulated GPU nodes, 1 CPU node, 3 static volumes"
fi

log "installing the CRDs"
kubectl apply --server-side --force-conflicts -f crds/ >/dev/null
kubectl wait --for=condition=Established --timeout=60s -f crds/ >/dev/null
for ns in fednode-hub hospital-a; do
    kubectl create namespace "$ns" --dry-run=client -o yaml | kubectl apply -f - >/dev/null
done

log "starting the hub (node API https://127.0.0.1:8443, fleet page http://127.0.0.1:9090/); log: $state/hub.log"
java -jar "$hub_jar" --namespace=fednode-hub --server-names=localhost,127.0.0.1 \
    --port=8443 --admin-port=9090 >"$state/hub.log" 2>&1 &
hub_pid=$!
trap 'kill $hub_pid 2>/dev/null || true' EXIT
for _ in $(seq 120); do
    curl -sf -o /dev/null http://127.0.0.1:9090/api/v1/fleet && break
    kill -0 $hub_pid 2>/dev/null || { log "the hub exited; see $state/hub.log"; tail -20 "$state/hub.log" >&2; exit 1; }
    sleep 0.5
done

log "hospital-a joins the federation (FederationMember at the hub, join token to the hospital)"
kubectl apply -f tools/playground/member.yaml >/dev/null
if ! kubectl -n hospital-a get secret hub-join >/dev/null 2>&1; then
    for _ in $(seq 60); do
        kubectl -n fednode-hub get secret hospital-a-join-token >/dev/null 2>&1 && break
        sleep 0.5
    done
    # Out of band in real life; here, a copy from one namespace to the other.
    token=$(kubectl -n fednode-hub get secret hospital-a-join-token -o jsonpath='{.data.token}' | base64 -d)
    kubectl -n fednode-hub get secret hospital-a-join-token -o jsonpath='{.data.ca\.crt}' | base64 -d >"$state/federation-ca.crt"
    kubectl -n hospital-a create secret generic hub-join --from-literal=token="$token" \
        --from-file=ca.crt="$state/federation-ca.crt" >/dev/null
    unset token
fi

log "creating the hospital-a node, a Dataset and a TrainingRun"
kubectl apply -f tools/playground/hospital-a.yaml >/dev/null

cat >&2 <<TXT
[playground] ready. In another shell:
    export KUBECONFIG=$KUBECONFIG
    kubectl get fnode,fds,trun -n hospital-a      # the node and its workloads
    kubectl get fmember -n fednode-hub            # the fleet, as the hub sees it
    open http://127.0.0.1:9090/                   # the fleet page
[playground] starting the operator (Ctrl-C stops it and the hub)
TXT
java -jar "$operator_jar" --http-port=8080 --http-bind-address=127.0.0.1
