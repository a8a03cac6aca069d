#!/usr/bin/env bash
# A local Kubernetes control plane from the binaries tools/build-k8s.sh built: kwokctl's binary
# runtime (etcd, kube-apiserver, kube-controller-manager, kube-scheduler, kwok controller), bound to
# 127.0.0.1. Used by the e2e tests (io.fednode.testing.KwokCluster) and by `make run`. The kwok
# controller simulates kubelets with the Stages in tools/kwok-stages.yaml (kwok's defaults plus
# fednode's test behaviours: FEDNODE_E2E_RUN_FOR, FEDNODE_E2E_EXIT_CODE, anonymiser reports).
#
#   tools/kwok-cluster.sh create NAME WORKDIR    create (or reuse) the cluster; print its kubeconfig path
#   tools/kwok-cluster.sh delete NAME WORKDIR    delete it
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
action=${1:?usage: kwok-cluster.sh create|delete NAME WORKDIR}
name=${2:?cluster name}
workdir=${3:?work directory}
bin=$("$here/build-k8s.sh" --print-bin-dir)
version=$(grep -m1 '^K8S_VERSION=' "$here/build-k8s.sh" | cut -d= -f2 | awk '{print $1}')

for b in etcd kube-apiserver kube-controller-manager kube-scheduler kubectl kwok kwokctl; do
    [[ -x "$bin/$b" ]] || { echo "kwok-cluster: $bin/$b missing: run tools/build-k8s.sh" >&2; exit 1; }
done
mkdir -p "$workdir"
export KWOK_WORKDIR=$workdir/kwok KWOK_RUNTIME=binary
kubeconfig=$workdir/kubeconfig

case "$action" in
create)
    if "$bin/kwokctl" get clusters 2>/dev/null | grep -qx "$name"; then
        echo "kwok-cluster: reusing cluster $name" >&2
        "$bin/kwokctl" start cluster --name "$name" >&2 || true
    else
        cat >"$workdir/kwokctl.yaml" <<YAML
apiVersion: config.kwok.x-k8s.io/v1alpha1
kind: KwokctlConfiguration
options:
  runtime: binary
  bindAddress: 127.0.0.1
  kubeVersion: v$version
  kubeApiserverBinary: $bin/kube-apiserver
  kubeControllerManagerBinary: $bin/kube-controller-manager
  kubeSchedulerBinary: $bin/kube-scheduler
  kubectlBinary: $bin/kubectl
  etcdBinary: $bin/etcd
  kwokControllerBinary: $bin/kwok
YAML
        echo "kwok-cluster: creating cluster $name (Kubernetes v$version, 127.0.0.1)" >&2
        # A second --config: its Stages replace kwokctl's default ones.
        "$bin/kwokctl" create cluster --name "$name" --config "$workdir/kwokctl.yaml" \
            --config "$here/kwok-stages.yaml" \
            --kubeconfig "$kubeconfig" --wait 3m >&2
    fi
    "$bin/kwokctl" get kubeconfig --name "$name" >"$kubeconfig"
    echo "$kubeconfig"
    ;;
delete)
    "$bin/kwokctl" delete cluster --name "$name" --kubeconfig "$kubeconfig" >&2 || true
    ;;
*)
    echo "kwok-cluster: unknown action $action" >&2; exit 2 ;;
esac
