#!/usr/bin/env bash
# Builds the previous release (the commit of its tag, api/crd-baseline/<release>/COMMIT) for the
# upgrade test: its source tree (charts with their crds/ folders) and its operator and anonymiser
# images, from the same Maven repository and Java base as today's build, offline. A clean clone may
# lack the tag, so the commit hash is what is recorded; the clone needs the history (not shallow).
#
#   tools/build-previous-release.sh              build if missing; print the release's directory
#   tools/build-previous-release.sh --print-dir  print the directory (built or not) and exit
#
# Result: ${FEDNODE_TOOLS_CACHE:-~/.cache/fednode-tools}/previous-release/<commit>/
#   src/                  the release's tree (git archive), e.g. src/charts/fednode-operator
#   <module>.tar/.json    Jib's image tar and its reference and image ID (operator, anonymiser)
#   release               the release name (v0.1.0)
# Keyed by the commit: a finished directory (marker .ok) is reused at once.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/.." && pwd)
RELEASE=${FEDNODE_PREVIOUS_RELEASE:-v0.1.0}
MODULES=(operator anonymiser)
log() { printf '[build-previous-release %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }

commit_file=$repo/api/crd-baseline/$RELEASE/COMMIT
[[ -f $commit_file ]] || { log "no $commit_file: which commit is $RELEASE?"; exit 1; }
COMMIT=$(tr -d '[:space:]' < "$commit_file")
[[ $COMMIT =~ ^[0-9a-f]{40}$ ]] || { log "$commit_file holds '$COMMIT', not a 40-hex commit"; exit 1; }
OUT=${FEDNODE_TOOLS_CACHE:-$HOME/.cache/fednode-tools}/previous-release/$COMMIT
if [[ "${1:-}" == "--print-dir" ]]; then echo "$OUT"; exit 0; fi
if [[ "${1:-}" == "-h" || "${1:-}" == "--help" ]]; then sed -n '2,15p' "$0"; exit 0; fi
if [[ -f $OUT/.ok ]]; then log "$RELEASE ($COMMIT) already built: $OUT"; echo "$OUT"; exit 0; fi

if ! git -C "$repo" cat-file -e "$COMMIT^{commit}" 2>/dev/null; then
    log "commit $COMMIT ($RELEASE) is not in this clone ($repo): fetch the full history"
    log "(git fetch --unshallow, or git fetch origin tag $RELEASE) and run again"
    exit 1
fi
start=$(date +%s)
rm -rf "$OUT.tmp"; mkdir -p "$OUT.tmp/src"
log "extracting $RELEASE ($COMMIT) -> $OUT.tmp/src"
git -C "$repo" archive "$COMMIT" | tar -x -C "$OUT.tmp/src"

# The release's own build: its poms, its image properties (Makefile target `images`), today's base.
base=$("$repo/tools/build-base-image.sh" --print-path)
[[ -f $base ]] || { log "the Java base $base is missing: run tools/build-base-image.sh"; exit 1; }
modules=$(IFS=,; echo "${MODULES[*]}")
log "mvn -o -Pimages -pl $modules -am package (tests skipped) in the $RELEASE tree"
(cd "$OUT.tmp/src" && mvn -B -ntp -o -q -Pimages -pl "$modules" -am -DskipTests -DskipITs \
    -Dspotless.check.skip=true -Dfednode.baseImage="tar://$base" package) >&2 ||
    { log "the $RELEASE build failed (offline: are its dependencies in ~/.m2?)"; exit 1; }
for m in "${MODULES[@]}"; do
    for f in jib-image.tar jib-image.json; do
        [[ -f $OUT.tmp/src/$m/target/$f ]] || { log "no $m/target/$f after the build"; exit 1; }
    done
    cp "$OUT.tmp/src/$m/target/jib-image.tar" "$OUT.tmp/$m.tar"
    cp "$OUT.tmp/src/$m/target/jib-image.json" "$OUT.tmp/$m.json"
    log "$m: $(cat "$OUT.tmp/$m.json")"
done
# Only the sources and the images are kept (the build's target folders are not needed).
find "$OUT.tmp/src" -name target -type d -prune -exec rm -rf {} +
echo "$RELEASE" > "$OUT.tmp/release"
touch "$OUT.tmp/.ok"
rm -rf "$OUT"; mv "$OUT.tmp" "$OUT"
log "built $RELEASE in $(( $(date +%s) - start )) s: $OUT"
echo "$OUT"
