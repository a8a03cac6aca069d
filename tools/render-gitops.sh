#!/usr/bin/env bash
# Renders manifests/gitops/argocd-cm-patch.yaml from manifests/gitops/argocd-health.lua.
set -euo pipefail
cd "$(dirname "$0")/../manifests/gitops"
{
    cat <<'HEAD'
# Merge into Argo CD's argocd-cm ConfigMap (e.g. a kustomize patch) so Argo CD judges the health of
# every fednode.io resource from its conditions. Generated from argocd-health.lua by
# tools/render-gitops.sh; the e2e-tests module runs this very script against status fixtures.
apiVersion: v1
kind: ConfigMap
metadata:
  name: argocd-cm
  namespace: argocd
data:
  resource.customizations.health.fednode.io_*: |
HEAD
    sed -e 's/^\(.\)/    \1/' argocd-health.lua
} >argocd-cm-patch.yaml
