#!/usr/bin/env bash
# Lists everything an air-gapped site must mirror to install this fednode release, one item a line
# (docs/air-gapped.md):
#   image <name:tag> <manifest digest> <image id> <docker-archive tar>   (from make images' Jib output)
#   chart <name> <version> <packaged .tgz>                                 (helm package of charts/*)
# Usage: tools/mirror-list.sh [--package-dir DIR]   (default target/charts; needs `make images` first)
# Each image of the list is one the charts (or the operator's Dataset Jobs) run by default;
# ChartImagesAreMirroredTest checks that in the build.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
out=target/charts
if [[ ${1:-} == --package-dir ]]; then out=${2:?--package-dir needs a folder}; fi
if [[ ${1:-} == -h || ${1:-} == --help ]]; then sed -n '2,8p' "$0" | sed 's/^# \{0,1\}//'; exit 0; fi
helm="${HELM:-${FEDNODE_K8S_BIN:-${FEDNODE_TOOLS_CACHE:-$HOME/.cache/fednode-tools}/k8s-${FEDNODE_KUBERNETES_VERSION:-1.34.4}/bin}/helm}"
[[ -x $helm ]] || { echo "helm not found at $helm: run tools/build-k8s.sh (or set HELM)" >&2; exit 1; }

echo "# fednode release: what to mirror (image name:tag digest id tar | chart name version tgz)"
for module in operator hub anonymiser; do
    tar=$module/target/jib-image.tar
    [[ -f $tar && -f $module/target/jib-image.digest && -f $module/target/jib-image.id ]] \
        || { echo "no image in $module/target: run make images" >&2; exit 1; }
    name=$(tar -xOf "$tar" manifest.json | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["RepoTags"][0])')
    echo "image $name $(cat "$module/target/jib-image.digest") $(cat "$module/target/jib-image.id") $tar"
done
mkdir -p "$out"
for chart in fednode-operator fednode-hub; do
    version=$(sed -n 's/^version: *//p' "charts/$chart/Chart.yaml")
    "$helm" package "charts/$chart" --destination "$out" >/dev/null
    echo "chart $chart $version $out/$chart-$version.tgz"
done
