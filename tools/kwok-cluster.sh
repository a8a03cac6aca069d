#!/usr/bin/env bash
# A local Kubernetes control plane from the binaries tools/build-k8s.sh built: kwokctl's binary
# runtime (etcd, kube-apiserver, kube-controller-manager, kube-scheduler, kwok controller), bound to
# 127.0.0.1. Used by the e2e tests (io.fednode.testing.KwokCluster) and by `make run`. The kwok
# controller simulates kubelets with the Stages in tools/kwok-stages.yaml (kwok's defaults plus
# fednode's test behaviours: FEDNODE_E2E_RUN_FOR, FEDNODE_E2E_EXIT_CODE).
#
# With --real-node the cluster also gets a real worker node (tools/real-node.sh, root only): node
# "real-node", label fednode.io/real-node=true, nvidia.com/gpu: 2, containerd/kubelet/kube-proxy/
# kube-router/CoreDNS in a network namespace of its own; kube-apiserver advertises 10.213.X.1 (the
# host end of the node's veth, forwarded to its 127.0.0.1 port), serves 10.215.X.0/24 Services,
# and the kwok controller manages only nodes annotated kwok.x-k8s.io/node=fake.
# See docs/local-cluster.md.
#
#   tools/kwok-cluster.sh create NAME WORKDIR [--real-node]   create (or reuse); print the kubeconfig path
#   tools/kwok-cluster.sh delete NAME WORKDIR                 delete it (and its real node, if any)
#   tools/kwok-cluster.sh load-image NAME WORKDIR IMAGE.tar…  import image tars into the real node
#   tools/kwok-cluster.sh leftovers NAME WORKDIR              = tools/real-node-leftovers.sh
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
action=${1:?usage: kwok-cluster.sh create|delete|load-image|leftovers NAME WORKDIR [--real-node | IMAGE.tar…]}
name=${2:?cluster name}
workdir=${3:?work directory}
shift 3
bin=$("$here/build-k8s.sh" --print-bin-dir)
version=$(grep -m1 '^K8S_VERSION=' "$here/build-k8s.sh" | cut -d= -f2 | awk '{print $1}')

case "$action" in
load-image) exec "$here/real-node.sh" load-image "$name" "$workdir" "$@" ;;
leftovers) exec "$here/real-node-leftovers.sh" "$name" "$workdir" ;;
esac
real_node=false
for a in "$@"; do
    case "$a" in
    --real-node) real_node=true ;;
    *) echo "kwok-cluster: unknown argument $a" >&2; exit 2 ;;
    esac
done

for b in etcd kube-apiserver kube-controller-manager kube-scheduler kubectl kwok kwokctl; do
    [[ -x "$bin/$b" ]] || { echo "kwok-cluster: $bin/$b missing: run tools/build-k8s.sh" >&2; exit 1; }
done
mkdir -p "$workdir"
workdir=$(cd "$workdir" && pwd)
export KWOK_WORKDIR=$workdir/kwok KWOK_RUNTIME=binary
kubeconfig=$workdir/kubeconfig
t0=$(date +%s)

case "$action" in
create)
    bind=127.0.0.1
    # kwokctl's binary runtime joins its components through 127.0.0.1 whatever bindAddress says
    # (etcd, kubeconfigs), so the control plane stays on 127.0.0.1; the real node reaches
    # kube-apiserver at 10.213.X.1 through tools/real-node.sh's proxy (same port).
    if $real_node; then "$here/real-node.sh" net-up "$name" "$workdir"; fi
    if "$bin/kwokctl" get clusters 2>/dev/null | grep -qx "$name"; then
        echo "kwok-cluster: reusing cluster $name" >&2
        "$bin/kwokctl" start cluster --name "$name" >&2 || true
    else
        cat >"$workdir/kwokctl.yaml" <<YAML
apiVersion: config.kwok.x-k8s.io/v1alpha1
kind: KwokctlConfiguration
options:
  runtime: binary
  bindAddress: $bind
  kubeVersion: v$version
  kubeApiserverBinary: $bin/kube-apiserver
  kubeControllerManagerBinary: $bin/kube-controller-manager
  kubeSchedulerBinary: $bin/kube-scheduler
  kubectlBinary: $bin/kubectl
  etcdBinary: $bin/etcd
  kwokControllerBinary: $bin/kwok
YAML
        if $real_node; then "$here/real-node.sh" kwokctl-config "$name" "$workdir" >>"$workdir/kwokctl.yaml"; fi
        echo "kwok-cluster: creating cluster $name (Kubernetes v$version, $bind)" >&2
        # A second --config: its Stages replace kwokctl's default ones.
        "$bin/kwokctl" create cluster --name "$name" --config "$workdir/kwokctl.yaml" \
            --config "$here/kwok-stages.yaml" \
            --kubeconfig "$kubeconfig" --wait 3m >&2
        echo "kwok-cluster: control plane up in $(( $(date +%s) - t0 ))s" >&2
    fi
    "$bin/kwokctl" get kubeconfig --name "$name" >"$kubeconfig"
    if $real_node; then "$here/real-node.sh" start "$name" "$workdir"; fi
    echo "kwok-cluster: cluster $name ready in $(( $(date +%s) - t0 ))s" >&2
    echo "$kubeconfig"
    ;;
delete)
    if [[ -d "$workdir/real-node" || -e "/run/netns/fednode-$name" ]]; then
        "$here/real-node.sh" stop "$name" "$workdir" || echo "kwok-cluster: real node clean-up failed" >&2
    fi
    "$bin/kwokctl" delete cluster --name "$name" --kubeconfig "$kubeconfig" >&2 || true
    echo "kwok-cluster: deleted $name in $(( $(date +%s) - t0 ))s" >&2
    ;;
*)
    echo "kwok-cluster: unknown action $action" >&2; exit 2 ;;
esac
