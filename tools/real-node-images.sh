#!/usr/bin/env bash
# Builds the small images the real node of fednode's local cluster needs, without Docker or a
# registry: a static binary per image, one layer tar with fixed timestamps and owners, `umoci` for
# the OCI image, `skopeo` for a docker-archive tar (what `ctr images import` and Jib's tar:// take).
# Idempotent and cached; the same inputs give the same image (timestamps fixed to the epoch).
#
#   tools/real-node-images.sh                 build what is missing; print the image directory
#   tools/real-node-images.sh --print-dir     print the image directory only
#
# Images (docker-archive tars in ${FEDNODE_TOOLS_CACHE:-~/.cache/fednode-tools}/k8s-<v>/images/):
#   pause.tar    fednode.local/pause:1            sandbox image (tools/real-node/pause.c, gcc -static)
#   coredns.tar  fednode.local/coredns:<version>  cluster DNS (coredns from tools/build-k8s.sh)
#   toolbox.tar  fednode.local/toolbox:1          Debian's static busybox: sh, wget, nc, nslookup, id…
#   toolbox-root.tar fednode.local/toolbox-root:1 the same, with root as its default user (tests that
#                                                 a Pod setting runAsUser runs a root-default image)
# All but toolbox-root run as uid/gid 65532 (pause 65535) and need no capability.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
bin=$("$here/build-k8s.sh" --print-bin-dir)
dir=$(dirname "$bin")/images
coredns_version=$(grep -m1 '^COREDNS_VERSION=' "$here/build-k8s.sh" | cut -d= -f2 | awk '{print $1}')
if [[ "${1:-}" == "--print-dir" ]]; then echo "$dir"; exit 0; fi
log() { printf '[real-node-images %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
for t in umoci skopeo gcc; do
    command -v "$t" >/dev/null || { log "$t missing: run tools/install-test-deps.sh"; exit 1; }
done
[[ -x /bin/busybox ]] && /bin/busybox true ||
    { log "/bin/busybox (Debian busybox-static) missing: run tools/install-test-deps.sh"; exit 1; }
mkdir -p "$dir"
epoch=1970-01-01T00:00:00Z

# pack NAME REF USER ENTRYPOINT CMD ROOTFS_DIR: one reproducible layer -> $dir/NAME.tar
pack() {
    local name=$1 ref=$2 user=$3 entrypoint=$4 cmd=$5 rootfs=$6 tmp
    tmp=$(mktemp -d "$dir/.build-$name.XXXXXX")
    tar --sort=name --mtime=@0 --owner=0 --group=0 --numeric-owner --format=posix \
        --pax-option=exthdr.name=%d/PaxHeaders/%f,delete=atime,delete=ctime \
        -C "$rootfs" -cf "$tmp/layer.tar" .
    umoci init --layout "$tmp/oci"
    umoci new --image "$tmp/oci:img"
    umoci raw add-layer --image "$tmp/oci:img" --history.created=$epoch --history.created_by="fednode $name" "$tmp/layer.tar"
    local args=(--image "$tmp/oci:img" --created=$epoch --history.created=$epoch --os linux --architecture amd64
        --config.user "$user" --config.env PATH=/bin --config.workingdir /)
    [[ -n $entrypoint ]] && args+=(--config.entrypoint "$entrypoint")
    [[ -n $cmd ]] && args+=(--config.cmd "$cmd")
    umoci config "${args[@]}"
    rm -f "$tmp/out.tar"
    skopeo copy -q "oci:$tmp/oci:img" "docker-archive:$tmp/out.tar:$ref" >&2
    mv -f "$tmp/out.tar" "$dir/$name.tar"
    echo "$ref" >"$dir/$name.ref"
    rm -rf "$tmp"
}
# An image is current when its marker names the digest of its inputs.
current() { [[ -f "$dir/$1.tar" && "$(cat "$dir/.$1.ok" 2>/dev/null)" == "$2" ]]; }

# --- pause ---
sum=$(cat "$here/real-node/pause.c" | sha256sum | cut -c1-16)
if ! current pause "$sum"; then
    log "building fednode.local/pause:1"
    root=$(mktemp -d); trap 'rm -rf "$root"' EXIT
    gcc -static -O2 -s -o "$root/pause" "$here/real-node/pause.c"
    pack pause fednode.local/pause:1 65535:65535 /pause "" "$root"
    rm -rf "$root"; trap - EXIT
    echo "$sum" >"$dir/.pause.ok"
fi

# --- toolbox: busybox with its applets as symlinks ---
# A static glibc binary still loads the NSS modules (and so libc) at run time to resolve host
# names (wget, nc by name); without them it crashes. Debian builds busybox-static against the same
# glibc as libc6 (Built-Using), so these files from the machine match it.
nss_libs=(/lib/x86_64-linux-gnu/libc.so.6 /lib/x86_64-linux-gnu/libnss_dns.so.2
    /lib/x86_64-linux-gnu/libnss_files.so.2 /lib/x86_64-linux-gnu/libresolv.so.2
    /lib/x86_64-linux-gnu/ld-linux-x86-64.so.2)
sum=$(cat /bin/busybox "${nss_libs[@]}" | sha256sum | cut -c1-16)
if ! current toolbox "$sum" || ! current toolbox-root "$sum"; then
    log "building fednode.local/toolbox:1"
    root=$(mktemp -d); trap 'rm -rf "$root"' EXIT
    mkdir -p "$root/bin" "$root/tmp" "$root/etc"; chmod 1777 "$root/tmp"
    cp /bin/busybox "$root/bin/busybox"
    mkdir -p "$root/lib/x86_64-linux-gnu" "$root/lib64"
    cp "${nss_libs[@]}" "$root/lib/x86_64-linux-gnu/"
    ln -s ../lib/x86_64-linux-gnu/ld-linux-x86-64.so.2 "$root/lib64/ld-linux-x86-64.so.2"
    printf 'hosts: files dns\n' >"$root/etc/nsswitch.conf"
    for a in $(/bin/busybox --list); do [[ $a == busybox ]] || ln -s busybox "$root/bin/$a"; done
    printf 'root:x:0:0:root:/:/bin/sh\nnonroot:x:65532:65532:nonroot:/tmp:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/false\n' >"$root/etc/passwd"
    printf 'root:x:0:\nnonroot:x:65532:\nnobody:x:65534:\n' >"$root/etc/group"
    pack toolbox fednode.local/toolbox:1 65532:65532 "" /bin/sh "$root"
    pack toolbox-root fednode.local/toolbox-root:1 0:0 "" /bin/sh "$root"
    rm -rf "$root"; trap - EXIT
    echo "$sum" >"$dir/.toolbox.ok"
    echo "$sum" >"$dir/.toolbox-root.ok"
fi
# --- coredns ---
[[ -x "$bin/coredns" ]] || { log "$bin/coredns missing: run tools/build-k8s.sh"; exit 1; }
sum=$(sha256sum "$bin/coredns" | cut -c1-16)
if ! current coredns "$sum"; then
    log "building fednode.local/coredns:$coredns_version"
    root=$(mktemp -d); trap 'rm -rf "$root"' EXIT
    cp "$bin/coredns" "$root/coredns"
    mkdir -p "$root/etc/coredns" "$root/tmp"; chmod 1777 "$root/tmp"
    pack coredns "fednode.local/coredns:$coredns_version" 65532:65532 /coredns "" "$root"
    rm -rf "$root"; trap - EXIT
    echo "$sum" >"$dir/.coredns.ok"
fi

echo "$dir"
