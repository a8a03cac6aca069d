#!/usr/bin/env bash
# Fetches the CRDs of Argo CD and Flux at pinned versions from the Go module proxy (the CRD YAML is
# part of each project's Go module), so GitopsExamplesIT can validate docs/examples/gitops against
# the upstream OpenAPI schemas on a real kube-apiserver. Idempotent: a complete cache is kept.
#
#   tools/fetch-gitops-crds.sh                 fetch what is missing, print the CRD directory last
#   tools/fetch-gitops-crds.sh --print-dir
#
# Cache: ${FEDNODE_TOOLS_CACHE:-~/.cache/fednode-tools}/gitops-crds-<set>/ (outside the tree).
# The Flux controllers are the ones Flux v2.9.5 ships (its manifests/bases/*/kustomization.yaml).
set -euo pipefail

ARGOCD_VERSION=v3.5.7               # github.com/argoproj/argo-cd/v3
FLUX_VERSION=v2.9.5                 # the Flux distribution the controllers below belong to
HELM_CONTROLLER_VERSION=v1.6.4      # github.com/fluxcd/helm-controller
KUSTOMIZE_CONTROLLER_VERSION=v1.9.5 # github.com/fluxcd/kustomize-controller
SOURCE_CONTROLLER_VERSION=v1.9.5    # github.com/fluxcd/source-controller
# Module, version, file in the module: one CRD each.
CRDS=(
    "github.com/argoproj/argo-cd/v3 $ARGOCD_VERSION manifests/crds/application-crd.yaml"
    "github.com/fluxcd/helm-controller $HELM_CONTROLLER_VERSION config/crd/bases/helm.toolkit.fluxcd.io_helmreleases.yaml"
    "github.com/fluxcd/kustomize-controller $KUSTOMIZE_CONTROLLER_VERSION config/crd/bases/kustomize.toolkit.fluxcd.io_kustomizations.yaml"
    "github.com/fluxcd/source-controller $SOURCE_CONTROLLER_VERSION config/crd/bases/source.toolkit.fluxcd.io_gitrepositories.yaml"
)

CACHE_ROOT=${FEDNODE_TOOLS_CACHE:-$HOME/.cache/fednode-tools}
DIR=$CACHE_ROOT/gitops-crds-argocd-$ARGOCD_VERSION-flux-$FLUX_VERSION

if [[ "${1:-}" == "--print-dir" ]]; then echo "$DIR"; exit 0; fi
if [[ "${1:-}" == "-h" || "${1:-}" == "--help" ]]; then sed -n '2,10p' "$0"; exit 0; fi

log() { printf '[fetch-gitops-crds %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
mkdir -p "$DIR"
# go mod download needs a module context for -json output; an empty scratch module keeps the
# caller's go.mod (if any) untouched. GOTOOLCHAIN=local: never fetch a Go toolchain.
export GOFLAGS=-mod=mod GOTOOLCHAIN=local
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
start=$(date +%s)
for entry in "${CRDS[@]}"; do
    read -r module version file <<<"$entry"
    target=$DIR/$(basename "$file")
    # The .ok file names the module version the CRD came from: a version bump fetches again.
    if [[ -s "$target" && "$(cat "$target.ok" 2>/dev/null)" == "$module $version $file" ]]; then
        log "have $(basename "$file") ($module@$version)"
        continue
    fi
    log "downloading $module@$version from the Go module proxy (a module zip; Argo CD's is ~55 MB)"
    json=$(cd "$scratch" && go mod download -json "$module@$version") || {
        log "go mod download $module@$version failed"; exit 1; }
    moddir=$(python3 -c 'import json,sys; print(json.load(sys.stdin).get("Dir",""))' <<<"$json")
    if [[ -z "$moddir" || ! -f "$moddir/$file" ]]; then
        log "$module@$version has no $file: $json"; exit 1
    fi
    cp "$moddir/$file" "$target.tmp"
    chmod u+w "$target.tmp"
    printf '%s %s %s\n' "$module" "$version" "$file" >"$target.ok.tmp"
    mv "$target.tmp" "$target"
    mv "$target.ok.tmp" "$target.ok"
    log "cached $(basename "$file")"
done
log "done in $(( $(date +%s) - start ))s: $(ls "$DIR"/*.yaml | wc -l) CRDs in $DIR"
echo "$DIR"
