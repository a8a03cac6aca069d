#!/usr/bin/env bash
# Makes the anonymiser image's class-data-sharing (CDS) archive with the base image's own JVM, and
# lays out the files the image adds under /opt/fednode:
#
#   tools/anonymiser-cds.sh BASE_IMAGE JAR OUT_DIR
#
#   BASE_IMAGE  the base as Jib names it: tar:///abs/path.tar (docker-archive) or a registry image
#   JAR         the anonymiser's runnable jar (anonymiser/target/fednode-anonymiser.jar)
#   OUT_DIR     gets opt/fednode/fednode-anonymiser.jar and opt/fednode/fednode-anonymiser.jsa
#
# A CDS archive is only used by the JVM build that dumped it, with the same class path (path, size
# and modification time of the jar), so the dump runs inside the base image's root file system
# (unpacked once with skopeo + umoci and cached under ${FEDNODE_TOOLS_CACHE:-~/.cache/fednode-tools}
# /images/rootfs-<config digest>), with the jar at its image path and Jib's file time (1 s after the
# epoch). A training run on the fixed files of tools/cds-training-dicom.py (one thread, so the class
# list is always the same) records the classes; a static dump (-Xshare:dump) turns them into the
# archive. JDK 17's dump is not byte-for-byte deterministic (measured: the class list's order and
# the archive's bytes vary from run to run, also with ASLR off, -Xint and one CPU), so the archive
# is kept in the cache under a key of everything it is made from (base image, jar, this script,
# the training files): building again with the same inputs reuses it and gives the same image
# digest; another machine makes its own archive (docs/images.md, Reproducibility). The chroot runs
# in its own mount and PID namespaces (unshare), so its /proc and /dev mounts vanish with it.
# Needs root.
set -euo pipefail

if (($# != 3)); then sed -n '2,18p' "$0"; exit 2; fi
BASE=$1
JAR=$(realpath "$2")
OUT=$3
IMAGE_DIR=/opt/fednode
IMAGE_JAR=$IMAGE_DIR/fednode-anonymiser.jar
IMAGE_JSA=$IMAGE_DIR/fednode-anonymiser.jsa
# The recommended batch settings (bench/anonymiser.sh, docs/anonymiser.md): C1 only, serial GC.
RUN_FLAGS=(-XX:TieredStopAtLevel=1 -XX:+UseSerialGC)
CACHE=${FEDNODE_TOOLS_CACHE:-$HOME/.cache/fednode-tools}/images
here=$(cd "$(dirname "$0")" && pwd)

log() { printf '[anonymiser-cds %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
[[ $(id -u) -eq 0 ]] || { log "needs root (chroot into the base image's root file system)"; exit 1; }
[[ -f $JAR ]] || { log "no jar at $JAR"; exit 1; }

case $BASE in
    tar://*) src=docker-archive:${BASE#tar://} ;;
    docker://* | docker-archive:* | oci:*) src=$BASE ;;
    *) src=docker://$BASE ;;
esac

# The base's identity is its config blob (it lists every layer's digest).
base_id=$(skopeo inspect --raw --config "$src" | sha256sum | cut -c1-16)
rootfs_dir=$CACHE/rootfs-$base_id
mkdir -p "$CACHE"
if [[ ! -f $rootfs_dir/.ok ]]; then
    log "unpacking the base $BASE ($base_id) into $rootfs_dir"
    rm -rf "$rootfs_dir" "$rootfs_dir.tmp"
    mkdir -p "$rootfs_dir.tmp"
    skopeo copy --quiet "$src" "oci:$rootfs_dir.tmp/oci:base" >&2
    umoci unpack --image "$rootfs_dir.tmp/oci:base" "$rootfs_dir.tmp/bundle" >&2
    mv "$rootfs_dir.tmp/bundle" "$rootfs_dir"
    rm -rf "$rootfs_dir.tmp"
    touch "$rootfs_dir/.ok"
    # Root file systems of other bases (an older build-base-image.sh) are not needed any more.
    find "$CACHE" -maxdepth 1 -name 'rootfs-*' ! -name "rootfs-$base_id" -exec rm -rf {} +
fi
# The image's PATH, from the runtime config umoci wrote.
path=$(python3 -c 'import json,sys; print(next(e[5:] for e in json.load(open(sys.argv[1]))["process"]["env"] if e.startswith("PATH=")))' "$rootfs_dir/config.json")

key=$( { echo "$base_id"; sha256sum <"$JAR"; sha256sum <"$0"; sha256sum <"$here/cds-training-dicom.py"; } \
    | sha256sum | cut -c1-16)
cached=$CACHE/cds-$key.jsa
lay_out() {
    mkdir -p "$OUT$IMAGE_DIR"
    rm -f "$OUT$IMAGE_DIR"/*
    cp "$JAR" "$OUT$IMAGE_JAR"
    cp "$cached" "$OUT$IMAGE_JSA"
    chmod 644 "$OUT$IMAGE_DIR"/*
    log "$OUT$IMAGE_JSA: $(du -m "$OUT$IMAGE_JSA" | cut -f1) MB, sha256 $(sha256sum "$OUT$IMAGE_JSA" | cut -c1-16)"
}
if [[ -f $cached ]]; then
    log "class-data archive for this base, jar and script present (cds-$key)"
    touch "$cached"
    lay_out
    exit 0
fi

work=$(mktemp -d "$CACHE/.cds.XXXXXX")
trap 'rm -rf "$work"' EXIT
root=$work/rootfs
# Hard links: a copy of the root file system in no time; nothing in it is modified, only added.
cp -al "$rootfs_dir/rootfs" "$root"
mkdir -p "$root$IMAGE_DIR" "$root/tmp/cds"
cp "$JAR" "$root$IMAGE_JAR"
chmod 644 "$root$IMAGE_JAR"
touch -d @1 "$root$IMAGE_JAR"   # Jib's filesModificationTime EPOCH_PLUS_SECOND
python3 "$here/cds-training-dicom.py" "$root/tmp/cds/in"
printf 'fednode-cds-training-key-not-secret-0123456789abcdef0123456789abcdef' >"$root/tmp/cds/key"

in_base() {
    unshare --mount --pid --fork sh -c '
        root=$1; shift
        mount -t proc proc "$root/proc"
        mount --rbind /dev "$root/dev"
        exec chroot "$root" "$@"' sh "$root" \
        env -i "PATH=$path" HOME=/tmp LANG=C.UTF-8 "$@"
}

log "training run (3 files, 1 thread) with the base's JVM: $(in_base java -version 2>&1 | sed -n 2p)"
in_base java -Xshare:off -XX:-UsePerfData "${RUN_FLAGS[@]}" -XX:DumpLoadedClassList=/tmp/cds/classlist \
    -jar "$IMAGE_JAR" --input /tmp/cds/in --output /tmp/cds/out --quarantine /tmp/cds/q \
    --key-file /tmp/cds/key --threads 1 >&2
log "static dump of $(wc -l <"$root/tmp/cds/classlist") classes to $IMAGE_JSA"
in_base java -Xshare:dump -XX:-UsePerfData -XX:SharedClassListFile=/tmp/cds/classlist \
    -XX:SharedArchiveFile="$IMAGE_JSA" -cp "$IMAGE_JAR" >"$work/dump.log" 2>&1 \
    || { cat "$work/dump.log" >&2; exit 1; }
# Prove the archive maps (-Xshare:on fails instead of falling back) with the run-time settings.
in_base java -Xshare:on -XX:-UsePerfData "${RUN_FLAGS[@]}" -XX:SharedArchiveFile="$IMAGE_JSA" \
    -jar "$IMAGE_JAR" --help >/dev/null

cp "$root$IMAGE_JSA" "$cached.tmp"
mv "$cached.tmp" "$cached"
# Archives of older jars: keep the four most recently used.
ls -t "$CACHE"/cds-*.jsa | tail -n +5 | xargs -r rm -f
lay_out
