#!/usr/bin/env bash
# `make run`: the fednode playground. Starts a local Kubernetes cluster with a real node (kwokctl
# control plane + kubelet/containerd/kube-router/CoreDNS, all on this machine; docs/local-cluster.md)
# unless a cluster is named, loads fednode's images into it, installs the hub and the operator from
# their charts (as a hospital and a federation would run them), makes hospital-a and hospital-b
# members of the federation, creates the hospital-a node with real DICOM files, a Dataset and a
# TrainingRun, waits until the Dataset is really anonymised and prints its counts, creates the
# hospital-b node, runs a sample federated evaluation (a FederatedJob at the hub that both
# hospitals accept by policy and run as TrainingRuns) and prints its aggregated metrics, then
# follows the operator's log.
# Ctrl-C stops following; the cluster keeps running for the next run (`make clean-playground`
# deletes it).
#
#   make run                                   local cluster, hub and operator in the cluster
#   tools/playground.sh --local-processes      hub and operator as java -jar processes on this
#                                              machine instead (Ctrl-C stops them)
#   FEDNODE_CLUSTER=~/.kube/config make run    use that cluster (its nodes must be able to pull
#                                              the images named by the charts; no sample volumes)
#   tools/playground.sh --delete               delete the local playground cluster
#   tools/playground.sh --help
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
state=${FEDNODE_PLAYGROUND_DIR:-$HOME/.cache/fednode-tools/playground}
cluster=fednode-playground
bin=$(tools/build-k8s.sh --print-bin-dir)
log() { printf '[playground %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { log "$*"; exit 1; }
kubectl() { "$bin/kubectl" "$@"; }
helm() { "$bin/helm" "$@"; }

mode=in-cluster
case "${1:-}" in
--delete)
    tools/kwok-cluster.sh delete "$cluster" "$state"
    # The sample volumes' folders (raw DICOM files, anonymised output) and the join token's CA.
    rm -rf "$state/volumes" "$state/phi-manifest.json" "$state/federation-ca.crt"
    exit 0
    ;;
--local-processes) mode=local ;;
-h | --help) sed -n '2,17p' "$0"; exit 0 ;;
"") ;;
*) die "unknown argument $1 (see --help)" ;;
esac

# What the build made: the jars (local mode) and the images (jib-image.json + tar per module).
image_ref() { python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["image"])' "$1/target/jib-image.json"; }
for m in operator hub anonymiser; do
    [[ -f $m/target/jib-image.tar && -f $m/target/jib-image.json ]] || die "$m image missing: run make images"
done
operator_image=$(image_ref operator)
hub_image=$(image_ref hub)

mkdir -p "$state"
if [[ -n "${FEDNODE_CLUSTER:-}" ]]; then
    export KUBECONFIG=$FEDNODE_CLUSTER
    log "using the cluster named by FEDNODE_CLUSTER=$KUBECONFIG"
    volumes=""
else
    log "local cluster with a real node (first start: about a minute; root needed)"
    KUBECONFIG=$(tools/kwok-cluster.sh create "$cluster" "$state" --real-node | tail -1)
    export KUBECONFIG
    tools/kwok-cluster.sh load-image "$cluster" "$state" \
        operator/target/jib-image.tar hub/target/jib-image.tar anonymiser/target/jib-image.tar \
        "$(tools/build-trainer-image.sh --print-path)" >&2
    kubectl apply --server-side -f tools/playground/nodes.yaml >/dev/null
    volumes=$state/volumes
    for v in raw anonymised scratch b-anonymised b-scratch; do
        mkdir -p "$volumes/$v" && chmod 0777 "$volumes/$v"
    done
    sed "s#@VOLUMES@#$volumes#g" tools/playground/storage.yaml | kubectl apply --server-side -f - >/dev/null
    log "cluster up: the real node (2 GPUs as an extended resource), 2 simulated GPU nodes, 1 CPU node, 3 volumes in $volumes"
fi

log "installing the CRDs"
kubectl apply --server-side --force-conflicts -f crds/ >/dev/null
kubectl wait --for=condition=Established --timeout=60s -f crds/ >/dev/null
for ns in fednode-hub fednode-system hospital-a hospital-b federation; do
    kubectl create namespace "$ns" --dry-run=client -o yaml | kubectl apply -f - >/dev/null
    kubectl label --overwrite namespace "$ns" pod-security.kubernetes.io/enforce=restricted >/dev/null
done

pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; }
trap cleanup EXIT
# The --set flags of a chart's image block for a reference registry/path/name:tag.
chart_image() {
    local repository=${1%:*}
    echo --set image.registry="${repository%/*}" --set image.repository="${repository##*/}" \
        --set image.tag="${1##*:}"
}
if [[ $mode == in-cluster ]]; then
    hub_endpoint=https://fednode-hub.fednode-hub.svc:8443
    log "installing the hub (chart charts/fednode-hub, image $hub_image)"
    helm upgrade --install fednode-hub charts/fednode-hub --namespace fednode-hub \
        $(chart_image "$hub_image") \
        --set nodeApi.service.type=ClusterIP --set "serverNames={fednode-hub.fednode-hub.svc}" \
        --set resources.requests.cpu=50m --set resources.requests.memory=256Mi \
        --wait --timeout 5m >/dev/null
    log "installing the operator (chart charts/fednode-operator, image $operator_image)"
    helm upgrade --install fednode charts/fednode-operator --namespace fednode-system \
        $(chart_image "$operator_image") \
        --set "watchNamespaces={hospital-a,hospital-b}" \
        --set resources.requests.cpu=50m --wait --timeout 5m >/dev/null
    admin_ip=$(kubectl -n fednode-hub get service fednode-hub-admin -o jsonpath='{.spec.clusterIP}')
    fleet_url=http://$admin_ip:9090/
else
    jar() {
        local j
        j=$(ls "$1"/target/fednode-"$1"-*-all.jar 2>/dev/null | head -1)
        [[ -n $j ]] || die "$1/target/fednode-$1-*-all.jar missing: run make build"
        echo "$j"
    }
    hub_endpoint=https://127.0.0.1:8443
    log "starting the hub as a process (node API $hub_endpoint); log: $state/hub.log"
    java -jar "$(jar hub)" --namespace=fednode-hub --server-names=localhost,127.0.0.1 \
        --port=8443 --admin-port=9090 >"$state/hub.log" 2>&1 &
    pids+=($!)
    for _ in $(seq 120); do
        curl -sf -o /dev/null http://127.0.0.1:9090/api/v1/fleet && break
        kill -0 "${pids[0]}" 2>/dev/null || { tail -20 "$state/hub.log" >&2; die "the hub exited; see $state/hub.log"; }
        sleep 0.5
    done
    fleet_url=http://127.0.0.1:9090/
    log "starting the operator as a process; log: $state/operator.log"
    java -jar "$(jar operator)" --http-port=8080 --http-bind-address=127.0.0.1 >"$state/operator.log" 2>&1 &
    pids+=($!)
fi

log "hospital-a and hospital-b join the federation (FederationMembers at the hub, join tokens to the hospitals)"
kubectl apply -f tools/playground/member.yaml >/dev/null
for h in hospital-a hospital-b; do
    kubectl -n "$h" get secret hub-join >/dev/null 2>&1 && continue
    for _ in $(seq 120); do
        kubectl -n fednode-hub get secret "$h-join-token" >/dev/null 2>&1 && break
        sleep 0.5
    done
    # Out of band in real life; here, a copy from one namespace to the other.
    token=$(kubectl -n fednode-hub get secret "$h-join-token" -o jsonpath='{.data.token}' | base64 -d)
    kubectl -n fednode-hub get secret "$h-join-token" -o jsonpath='{.data.ca\.crt}' | base64 -d >"$state/federation-ca.crt"
    kubectl -n "$h" create secret generic hub-join --from-literal=token="$token" \
        --from-file=ca.crt="$state/federation-ca.crt" >/dev/null
    unset token
done

if [[ -n $volumes && ! -d $volumes/raw/imports/2026-11/lung-ct ]]; then
    log "writing synthetic DICOM files with planted identifying values (pydicom) into the raw volume"
    /usr/bin/python3 anonymiser/src/test/resources/io/fednode/anonymiser/phi-corpus.py \
        "$volumes/raw/imports/2026-11/lung-ct" "$state/phi-manifest.json"
fi

log "starting the federation's aggregator for the sample TrainingRun (a small HTTP server Pod)"
kubectl apply -f tools/playground/aggregator.yaml >/dev/null
kubectl -n federation wait --for=condition=Ready pod/aggregator --timeout=2m >/dev/null
aggregator_ip=$(kubectl -n federation get pod aggregator -o jsonpath='{.status.podIP}')

log "creating the hospital-a node, a Dataset and a TrainingRun"
sed -e "s#@HUB_ENDPOINT@#$hub_endpoint#g" -e "s#@AGGREGATOR_IP@#$aggregator_ip#g" \
    tools/playground/hospital-a.yaml | kubectl apply -f - >/dev/null

log "waiting for the node to be Ready and Connected, and for the Dataset to be anonymised"
kubectl -n hospital-a wait --for=condition=Ready fnode/hospital-a --timeout=5m >/dev/null
kubectl -n hospital-a wait --for=condition=Connected fnode/hospital-a --timeout=3m >/dev/null ||
    log "not Connected yet: kubectl -n hospital-a describe fnode hospital-a"
kubectl -n hospital-a wait --for=condition=Ready fds/lung-ct-2026 --timeout=5m >/dev/null
log "Dataset lung-ct-2026: $(kubectl -n hospital-a get fds lung-ct-2026 -o jsonpath='{.status.conditions[?(@.type=="Ready")].message}')"
if [[ -n $volumes ]]; then
    log "anonymised files on disk: $(find "$volumes/anonymised/lung-ct-2026" -type f | wc -l) under $volumes/anonymised/lung-ct-2026"
fi

log "creating the hospital-b node (compute) and waiting for it to be Ready and Connected"
sed -e "s#@HUB_ENDPOINT@#$hub_endpoint#g" tools/playground/hospital-b.yaml | kubectl apply -f - >/dev/null
kubectl -n hospital-b wait --for=condition=Ready fnode/hospital-b --timeout=5m >/dev/null
kubectl -n hospital-b wait --for=condition=Connected fnode/hospital-b --timeout=3m >/dev/null ||
    log "not Connected yet: kubectl -n hospital-b describe fnode hospital-b"

# The trainer image by the digest the real node reports (a FederatedJob must pin its image).
trainer_image=$(kubectl get nodes -o jsonpath='{range .items[*].status.images[*]}{range .names[*]}{@}{"\n"}{end}{end}' |
    grep -m1 '^fednode.local/trainer@sha256:' || true)
if [[ -z $trainer_image ]]; then
    log "no node reports the trainer image (fednode.local/trainer@sha256:…): skipping the sample federated job"
else
    submitter=$(kubectl auth whoami -o jsonpath='{.status.userInfo.username}')
    log "submitting the sample federated evaluation to hospital-a and hospital-b as $submitter"
    kubectl -n fednode-hub delete fjob sample-evaluation --ignore-not-found >/dev/null
    sed -e "s#@SUBMITTER@#$submitter#g" -e "s#@TRAINER_IMAGE@#$trainer_image#g" \
        tools/playground/federated-job.yaml | kubectl apply -f - >/dev/null
    if kubectl -n fednode-hub wait --for=condition=Succeeded fjob/sample-evaluation --timeout=5m >/dev/null; then
        log "FederatedJob sample-evaluation: $(kubectl -n fednode-hub get fjob sample-evaluation -o jsonpath='{.status.conditions[?(@.type=="Succeeded")].message}')"
        log "aggregated metrics: $(kubectl -n fednode-hub get fjob sample-evaluation -o jsonpath='{.status.aggregated}')"
    else
        log "the sample federated job has not succeeded: kubectl -n fednode-hub get fjob sample-evaluation -o yaml"
    fi
fi

cat >&2 <<TXT
[playground] ready. In another shell:
    export KUBECONFIG=$KUBECONFIG
    kubectl get fnode,fds,trun -n hospital-a      # the node and its workloads
    kubectl get fnode,trun -n hospital-b          # the second hospital
    kubectl get fjob -n fednode-hub               # federated jobs, per-node status in -o yaml
    kubectl get fmember -n fednode-hub            # the fleet, as the hub sees it
    kubectl get pods -A -o wide                   # what really runs on real-node
    open $fleet_url                   # the fleet page
TXT
if [[ $mode == in-cluster ]]; then
    log "following the operator's log (Ctrl-C stops following; the cluster keeps running)"
    kubectl -n fednode-system logs -f deploy/fednode-operator --tail=20 || true
else
    log "operator log follows (Ctrl-C stops the operator and the hub)"
    tail -n 20 -f "$state/operator.log" &
    pids+=($!)
    wait "${pids[1]}"
fi
