#!/usr/bin/env bash
# Builds fednode's sample trainer image (Flower + numpy, tools/trainer/) without Docker or a registry:
# pip downloads the pinned wheels of tools/trainer/requirements.txt from PyPI (hashes checked) ->
# mmdebstrap (minimal Debian bookworm + python3 from this machine's apt sources; the wheels installed
# into /opt/fednode-trainer/lib, byte-compiled by the image's own python) -> umoci (one layer;
# user 65532:65532, entrypoint python3 /opt/fednode-trainer/fednode_trainer.py) -> skopeo (a
# docker-archive tar, what the real node's containerd imports).
#
#   tools/build-trainer-image.sh              build if missing; print the tar's path on the last line
#   tools/build-trainer-image.sh --print-path print the tar's path (built or not) and exit
#   tools/build-trainer-image.sh --host-lib   make (cached) a folder of the same Python packages for
#                                             this machine's python3 (3.11: the researcher's Flower
#                                             server of the tests); print its path
#
# Cache: ${FEDNODE_TOOLS_CACHE:-~/.cache/fednode-tools}/images/fednode-trainer-<key>.tar (+ .json
# with reference and image ID, + the link fednode-trainer.tar), <key> a hash of this script, the
# requirements and the trainer: an unchanged input finishes at once. The wheels are kept in
# .../trainer-wheels/ (by requirements hash). Timestamps are fixed (SOURCE_DATE_EPOCH) and the
# byte code is hash-based (no source times), so the same packages give the same layer.
# Needs root (or sudo) for mmdebstrap's chroot.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)

SUITE=bookworm
PACKAGES=python3
RUN_AS=65532
PYTHON_ABI=3.11
PLATFORMS=(manylinux2014_x86_64 manylinux_2_17_x86_64 manylinux_2_28_x86_64)
REQUIREMENTS=$here/trainer/requirements.txt
TRAINER=$here/trainer/fednode_trainer.py
FLWR_VERSION=$(sed -n 's/^flwr==\([^ ]*\) .*/\1/p' "$REQUIREMENTS")
REF=fednode.local/trainer:flwr-$FLWR_VERSION
export SOURCE_DATE_EPOCH=1747699200
CREATED=$(date -u -d "@$SOURCE_DATE_EPOCH" +%Y-%m-%dT%H:%M:%SZ)

ROOT=${FEDNODE_TOOLS_CACHE:-$HOME/.cache/fednode-tools}
CACHE=$ROOT/images
KEY=$(cat "$0" "$REQUIREMENTS" "$TRAINER" | sha256sum | cut -c1-16)
REQ_KEY=$(sha256sum "$REQUIREMENTS" | cut -c1-16)
WHEELS=$ROOT/trainer-wheels/$REQ_KEY
OUT=$CACHE/fednode-trainer-$KEY.tar
LINK=$CACHE/fednode-trainer.tar

log() { printf '[build-trainer-image %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }

if [[ "${1:-}" == "--print-path" ]]; then echo "$OUT"; exit 0; fi
if [[ "${1:-}" == "-h" || "${1:-}" == "--help" ]]; then sed -n '2,22p' "$0"; exit 0; fi
[[ -n $FLWR_VERSION ]] || { log "no flwr==VERSION line in $REQUIREMENTS"; exit 1; }

# The pinned wheels, from PyPI through pip (hash-checked), for CPython 3.11 on manylinux x86_64.
wheels() {
    if [[ -f $WHEELS/.ok ]]; then return; fi
    command -v python3 >/dev/null || { log "python3 (with pip) missing"; exit 1; }
    log "pip download: $(grep -c -- '--hash=' "$REQUIREMENTS") pinned wheels (flwr $FLWR_VERSION) -> $WHEELS"
    rm -rf "$WHEELS.tmp"; mkdir -p "$WHEELS.tmp"
    local platforms=(); for p in "${PLATFORMS[@]}"; do platforms+=(--platform "$p"); done
    python3 -m pip download --quiet --disable-pip-version-check --no-deps --require-hashes \
        --only-binary=:all: --implementation cp --python-version "$PYTHON_ABI" "${platforms[@]}" \
        -d "$WHEELS.tmp" -r "$REQUIREMENTS" >&2
    rm -rf "$WHEELS"; mv "$WHEELS.tmp" "$WHEELS"; touch "$WHEELS/.ok"
    log "wheels: $(du -sm "$WHEELS" | cut -f1) MB"
}

# pip install from the wheel folder (no index), the same pins and hashes, into TARGET.
install_wheels() {
    local target=$1; shift
    local platforms=(); for p in "${PLATFORMS[@]}"; do platforms+=(--platform "$p"); done
    python3 -m pip install --quiet --disable-pip-version-check --root-user-action=ignore --no-index --find-links "$WHEELS" \
        --no-deps --require-hashes --only-binary=:all: --no-compile --implementation cp \
        --python-version "$PYTHON_ABI" "${platforms[@]}" --target "$target" -r "$REQUIREMENTS" "$@" >&2
    # Console scripts name the building python in their first line; the image runs none of them.
    rm -rf "$target/bin"
}

if [[ "${1:-}" == "--host-lib" ]]; then
    lib=$ROOT/trainer-host-lib-$REQ_KEY
    if [[ ! -f $lib/.ok ]]; then
        v=$(python3 -c 'import sys; print("%d.%d" % sys.version_info[:2])')
        [[ $v == "$PYTHON_ABI" ]] || { log "python3 is $v; the pinned wheels are for $PYTHON_ABI"; exit 1; }
        wheels
        log "host library for python3 $v -> $lib"
        rm -rf "$lib.tmp"; install_wheels "$lib.tmp"
        rm -rf "$lib"; mv "$lib.tmp" "$lib"; touch "$lib/.ok"
    fi
    echo "$lib"
    exit 0
fi

if [[ -f "$OUT" && -f "$OUT.ok" ]]; then
    log "trainer image present: $REF ($OUT)"
    [[ "$(readlink "$LINK" 2>/dev/null)" == "$(basename "$OUT")" ]] || ln -sfn "$(basename "$OUT")" "$LINK"
    echo "$OUT"
    exit 0
fi

SUDO=""; [[ $(id -u) -ne 0 ]] && SUDO=sudo
for tool in mmdebstrap umoci skopeo python3; do
    command -v "$tool" >/dev/null || { log "missing $tool (tools/install-test-deps.sh installs it)"; exit 1; }
done
start=$(date +%s)
wheels
mkdir -p "$CACHE"
work=$(mktemp -d "$CACHE/.build-trainer.XXXXXX")
trap '$SUDO rm -rf "$work"' EXIT

# The Python packages, installed on this machine into a folder the image gets as it is (pure files:
# wheels need no build step), then byte-compiled in the image by its own python.
log "pip install (no index, hashes checked) -> /opt/fednode-trainer/lib"
install_wheels "$work/lib"
cp "$TRAINER" "$work/fednode_trainer.py"

sources=()
for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.sources /etc/apt/sources.list.d/*.list; do
    [[ -f $f ]] && grep -q 'debian' "$f" && sources+=("$f")
done
((${#sources[@]})) || { log "no Debian apt sources found in /etc/apt"; exit 1; }

log "mmdebstrap $SUITE (minbase) + $PACKAGES, the trainer and its packages"
# Byte code: hash-based (no source times in it) and a fixed hash seed, so two builds agree;
# the root file system is read-only at run time, so nothing is compiled then.
$SUDO mmdebstrap --quiet --variant=minbase --include="$PACKAGES" \
    --dpkgopt='path-exclude=/usr/share/doc/*' \
    --dpkgopt='path-include=/usr/share/doc/*/copyright' \
    --dpkgopt='path-exclude=/usr/share/man/*' \
    --dpkgopt='path-exclude=/usr/share/locale/*' \
    --dpkgopt='path-include=/usr/share/locale/locale.alias' \
    --customize-hook="echo 'nonroot:x:$RUN_AS:$RUN_AS:nonroot:/home/nonroot:/usr/sbin/nologin' >> \"\$1/etc/passwd\"" \
    --customize-hook="echo 'nonroot:x:$RUN_AS:' >> \"\$1/etc/group\"" \
    --customize-hook="mkdir -p \"\$1/home/nonroot\" && chown $RUN_AS:$RUN_AS \"\$1/home/nonroot\"" \
    --customize-hook="mkdir -p \"\$1/opt/fednode-trainer\" && cp -a '$work/lib' '$work/fednode_trainer.py' \"\$1/opt/fednode-trainer/\"" \
    --customize-hook="chown -R 0:0 \"\$1/opt/fednode-trainer\" && chmod -R a+rX,go-w \"\$1/opt/fednode-trainer\"" \
    --customize-hook="PYTHONHASHSEED=0 chroot \"\$1\" python3 -m compileall -q -j 1 --invalidation-mode unchecked-hash /opt/fednode-trainer >/dev/null" \
    --customize-hook="PYTHONPATH=/opt/fednode-trainer/lib chroot \"\$1\" python3 -c 'import flwr, numpy, grpc; print(\"flwr\", flwr.__version__, \"numpy\", numpy.__version__)' >&2" \
    --customize-hook="rm -rf \"\$1\"/var/lib/apt/lists/* \"\$1\"/var/cache/apt/* \"\$1\"/var/log/* \"\$1\"/tmp/*" \
    "$SUITE" "$work/rootfs.tar" "${sources[@]}" >&2
log "rootfs: $(du -m "$work/rootfs.tar" | cut -f1) MB"

layout=$work/oci
umoci init --layout "$layout"
umoci new --image "$layout:img"
umoci raw add-layer --image "$layout:img" --history.created "$CREATED" \
    --history.created_by "mmdebstrap --variant=minbase --include=$PACKAGES $SUITE + tools/trainer" "$work/rootfs.tar"
umoci config --image "$layout:img" --created "$CREATED" --history.created "$CREATED" \
    --author "fednode tools/build-trainer-image.sh" --os linux --architecture amd64 \
    --config.env "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin" \
    --config.env "PYTHONPATH=/opt/fednode-trainer/lib" \
    --config.env "PYTHONDONTWRITEBYTECODE=1" \
    --config.env "PYTHONUNBUFFERED=1" \
    --config.env "FLWR_TELEMETRY_ENABLED=0" \
    --config.env "FLWR_HOME=/tmp/flwr" \
    --config.env "LANG=C.UTF-8" \
    --config.user "$RUN_AS:$RUN_AS" \
    --config.workingdir /home/nonroot \
    --config.entrypoint python3 --config.entrypoint /opt/fednode-trainer/fednode_trainer.py \
    --config.label "org.opencontainers.image.description=fednode sample trainer: Flower $FLWR_VERSION client, numpy logistic regression" \
    --config.label "io.fednode.trainer.key=$KEY"

log "skopeo: docker-archive $REF"
skopeo copy --quiet "oci:$layout:img" "docker-archive:$work/trainer.tar:$REF" >&2
# The image ID as containerd and the kubelet report it: the digest of the archive's config blob.
config_digest=sha256:$(python3 -c 'import json, sys, tarfile
t = tarfile.open(sys.argv[1])
print(json.load(t.extractfile("manifest.json"))[0]["Config"].split(".")[0].split(":")[-1])' "$work/trainer.tar")
printf '{"image":"%s","imageId":"%s","flwr":"%s"}\n' "$REF" "$config_digest" "$FLWR_VERSION" >"$OUT.json"
mv "$work/trainer.tar" "$OUT"
touch "$OUT.ok"
ln -sfn "$(basename "$OUT")" "$LINK"
ln -sfn "$(basename "$OUT").json" "$LINK.json"
# Older builds (other inputs) are not needed any more.
find "$CACHE" -maxdepth 1 -name 'fednode-trainer-*.tar*' ! -name "fednode-trainer-$KEY.tar*" -delete
log "trainer image $REF (image ID $config_digest): $(du -m "$OUT" | cut -f1) MB in $(($(date +%s) - start)) s"
echo "$OUT"
