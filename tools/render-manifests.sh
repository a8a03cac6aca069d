#!/usr/bin/env bash
# Renders manifests/install/ (plain YAML for `kubectl apply -f manifests/install/`) from the
# fednode-operator chart, numbered in apply order. Usage: tools/render-manifests.sh [out-dir]
# The operator is granted a Role only in the namespaces it watches: WATCH_NAMESPACES (comma-separated,
# default hospital-a, the namespace of the docs' examples) names them; render your own copy with
# yours (WATCH_NAMESPACES=hospital-a,hospital-b tools/render-manifests.sh my-install/).
# The build's InstallManifestsUpToDateTest fails when the committed files differ from a fresh render.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out="${1:-$root/manifests/install}"
helm="${HELM:-${FEDNODE_K8S_BIN:-${FEDNODE_TOOLS_CACHE:-$HOME/.cache/fednode-tools}/k8s-${FEDNODE_KUBERNETES_VERSION:-1.34.4}/bin}/helm}"
if [[ ! -x "$helm" ]]; then
  echo "helm not found at $helm: run tools/build-k8s.sh (or set HELM)" >&2
  exit 1
fi
chart="$root/charts/fednode-operator"
namespace=fednode-system
watch="${WATCH_NAMESPACES:-hospital-a}"
header="# Rendered from charts/fednode-operator by tools/render-manifests.sh; do not edit."

render() { # render <template>...: the given templates of the chart, as kubectl would apply them
  local args=()
  for t in "$@"; do args+=(--show-only "templates/$t"); done
  "$helm" template fednode-operator "$chart" --namespace "$namespace" \
    --set namespace.create=true --set "watchNamespaces={$watch}" "${args[@]}"
}

mkdir -p "$out"
{ echo "$header"; render namespace.yaml; } > "$out/00-namespace.yaml"
{
  echo "$header"
  for crd in "$chart"/crds/*.yml; do
    echo "---"
    grep -v '^---$' "$crd"
  done
} > "$out/01-crds.yaml"
{ echo "$header"; render serviceaccount.yaml rbac.yaml admission-policy.yaml; } > "$out/02-rbac.yaml"
{ echo "$header"; render egress-labels-policy.yaml; } > "$out/02-egress-labels-policy.yaml"
{ echo "$header"; render deployment.yaml networkpolicy.yaml; } > "$out/03-deployment.yaml"
echo "rendered $(ls "$out" | wc -l) files into $out"
