#!/usr/bin/env bash
# Builds fednode's Java 17 base image from Debian's packages, without Docker or a registry:
# mmdebstrap (minimal bookworm + openjdk-17-jre-headless + ca-certificates, from this machine's own
# apt sources) -> umoci (one layer; PATH, JAVA_HOME, user 65532:65532, workdir) -> skopeo (a
# docker-archive tar, the format Jib takes as a `tar://` base image).
#
#   tools/build-base-image.sh              build if missing, print the tar's path on the last line
#   tools/build-base-image.sh --print-path print the tar's path (built or not) and exit
#
# Cache: ${FEDNODE_TOOLS_CACHE:-~/.cache/fednode-tools}/images/fednode-java17-base-<key>.tar (and the
# link fednode-java17-base.tar to it, the pom's default fednode.baseImage), where
# <key> is a hash of this script (the package list and every setting are in it), so a changed script
# builds a new base and an unchanged one finishes at once. Timestamps are fixed (SOURCE_DATE_EPOCH),
# so the same packages give the same layer. Needs root (or sudo) for mmdebstrap's chroot.
set -euo pipefail

SUITE=bookworm
PACKAGES=openjdk-17-jre-headless,ca-certificates
JAVA_HOME_DIR=/usr/lib/jvm/java-17-openjdk-amd64
RUN_AS=65532
# 2025-05-20T00:00:00Z, the day of this machine's Debian snapshot; any fixed value works.
export SOURCE_DATE_EPOCH=1747699200
CREATED=$(date -u -d "@$SOURCE_DATE_EPOCH" +%Y-%m-%dT%H:%M:%SZ)

CACHE=${FEDNODE_TOOLS_CACHE:-$HOME/.cache/fednode-tools}/images
KEY=$(sha256sum "$0" | cut -c1-16)
NAME=fednode/java17-base:$KEY
OUT=$CACHE/fednode-java17-base-$KEY.tar

if [[ "${1:-}" == "--print-path" ]]; then echo "$OUT"; exit 0; fi
if [[ "${1:-}" == "-h" || "${1:-}" == "--help" ]]; then sed -n '2,14p' "$0"; exit 0; fi

log() { printf '[build-base-image %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }

# The pom's default base (fednode.baseImage) is this stable name; it points at the current build.
LINK=$CACHE/fednode-java17-base.tar

if [[ -f "$OUT" && -f "$OUT.ok" ]]; then
    log "base image present: $NAME"
    [[ "$(readlink "$LINK" 2>/dev/null)" == "$(basename "$OUT")" ]] || ln -sfn "$(basename "$OUT")" "$LINK"
    echo "$OUT"
    exit 0
fi

SUDO=""; [[ $(id -u) -ne 0 ]] && SUDO=sudo
for tool in mmdebstrap umoci skopeo; do
    command -v "$tool" >/dev/null || { log "missing $tool (tools/install-test-deps.sh installs it)"; exit 1; }
done

mkdir -p "$CACHE"
work=$(mktemp -d "$CACHE/.build-base.XXXXXX")
trap '$SUDO rm -rf "$work"' EXIT
start=$(date +%s)

# This machine's Debian sources (deb822 or one-line), nothing else: no other registry is needed.
sources=()
for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.sources /etc/apt/sources.list.d/*.list; do
    [[ -f $f ]] && grep -q 'debian' "$f" && sources+=("$f")
done
((${#sources[@]})) || { log "no Debian apt sources found in /etc/apt"; exit 1; }

log "mmdebstrap $SUITE (minbase) + $PACKAGES from ${sources[*]}"
# /usr/share/doc goes (copyright files stay), and so do message translations (a JRE needs none;
# 34 MB); /usr/share/man must stay: the JRE's postinst runs update-alternatives with man pages as
# slaves, and it fails when they are missing. The JRE's trust store is written again without a
# random salt (no MAC, certificates unencrypted: they are public), the one thing that made two
# builds differ.
$SUDO mmdebstrap --quiet --variant=minbase --include="$PACKAGES" \
    --dpkgopt='path-exclude=/usr/share/doc/*' \
    --dpkgopt='path-include=/usr/share/doc/*/copyright' \
    --dpkgopt='path-exclude=/usr/share/locale/*' \
    --dpkgopt='path-include=/usr/share/locale/locale.alias' \
    --customize-hook="echo 'nonroot:x:$RUN_AS:$RUN_AS:nonroot:/home/nonroot:/usr/sbin/nologin' >> \"\$1/etc/passwd\"" \
    --customize-hook="echo 'nonroot:x:$RUN_AS:' >> \"\$1/etc/group\"" \
    --customize-hook="mkdir -p \"\$1/home/nonroot\" && chown $RUN_AS:$RUN_AS \"\$1/home/nonroot\"" \
    --customize-hook="chroot \"\$1\" $JAVA_HOME_DIR/bin/keytool -importkeystore -noprompt \
        -srckeystore /etc/ssl/certs/java/cacerts -srcstorepass changeit -destkeystore /tmp/cacerts \
        -deststoretype pkcs12 -deststorepass changeit -J-Dkeystore.pkcs12.certProtectionAlgorithm=NONE \
        -J-Dkeystore.pkcs12.macAlgorithm=NONE >/dev/null 2>&1 && mv \"\$1/tmp/cacerts\" \"\$1/etc/ssl/certs/java/cacerts\"" \
    --customize-hook="rm -rf \"\$1\"/var/lib/apt/lists/* \"\$1\"/var/cache/apt/* \"\$1\"/var/log/* \"\$1\"/tmp/*" \
    "$SUITE" "$work/rootfs.tar" "${sources[@]}" >&2
log "rootfs: $(du -m "$work/rootfs.tar" | cut -f1) MB"

log "umoci: layer and config (user $RUN_AS:$RUN_AS, JAVA_HOME $JAVA_HOME_DIR)"
layout=$work/oci
umoci init --layout "$layout"
umoci new --image "$layout:base"
umoci raw add-layer --image "$layout:base" --history.created "$CREATED" \
    --history.created_by "mmdebstrap --variant=minbase --include=$PACKAGES $SUITE" "$work/rootfs.tar"
umoci config --image "$layout:base" --created "$CREATED" --history.created "$CREATED" \
    --author "fednode tools/build-base-image.sh" \
    --config.env "PATH=$JAVA_HOME_DIR/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin" \
    --config.env "JAVA_HOME=$JAVA_HOME_DIR" \
    --config.env "LANG=C.UTF-8" \
    --config.user "$RUN_AS:$RUN_AS" \
    --config.workingdir /home/nonroot \
    --config.label "org.opencontainers.image.description=Java 17 (Debian $SUITE openjdk-17-jre-headless) base for fednode" \
    --config.label "io.fednode.base.key=$KEY"

log "skopeo: docker-archive $NAME"
skopeo copy --quiet "oci:$layout:base" "docker-archive:$work/base.tar:$NAME" >&2
mv "$work/base.tar" "$OUT"
touch "$OUT.ok"
ln -sfn "$(basename "$OUT")" "$LINK"
# Older bases (other script versions) are not needed any more.
find "$CACHE" -maxdepth 1 -name 'fednode-java17-base-*.tar*' ! -name "fednode-java17-base-$KEY.tar*" -delete
log "base image $NAME: $(du -m "$OUT" | cut -f1) MB in $(($(date +%s) - start)) s"
echo "$OUT"
