#!/usr/bin/env bash
# Runs the images `make images` built, without Kubernetes: a throwaway containerd of its own (own
# root, state, socket and config in a temporary folder; runc), imports each Jib tar and runs it:
#   - anonymiser: the operator Job's command on generated DICOM files (identifying values planted),
#     read-only root file system, /tmp a tmpfs, no network, as the image's user 65532, with
#     -Xshare:on added (the JVM fails instead of running without the class-data archive); checks the
#     outputs exist and hold none of the planted values, and the report's counts;
#   - operator and hub: their image's own entrypoint with --help; the JVM options the image sets.
# Then stops containerd and removes its folders and mounts: nothing is left behind.
#
#   tools/check-images.sh          (after make images; needs root, containerd, runc, ctr)
set -euo pipefail
cd "$(dirname "$0")/.."
log() { printf '[check-images %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
[[ $(id -u) -eq 0 ]] || { log "needs root (containerd)"; exit 1; }
for tool in containerd ctr runc containerd-shim-runc-v2 python3; do
    command -v "$tool" >/dev/null || { log "missing $tool (tools/install-test-deps.sh installs it)"; exit 1; }
done
for m in operator hub anonymiser; do
    [[ -f $m/target/jib-image.tar ]] || { log "no $m/target/jib-image.tar: run make images"; exit 1; }
done

tmp=$(mktemp -d /tmp/fednode-check-images.XXXXXX)
sock=$tmp/containerd.sock
ns=fednode-check
containerd_pid=""
cleanup() {
    set +e
    if [[ -n $containerd_pid ]]; then
        for c in $(ctr --address "$sock" -n "$ns" containers ls -q 2>/dev/null); do
            ctr --address "$sock" -n "$ns" tasks kill -s KILL "$c" >/dev/null 2>&1
            ctr --address "$sock" -n "$ns" containers rm "$c" >/dev/null 2>&1
        done
        for i in $(ctr --address "$sock" -n "$ns" images ls -q 2>/dev/null); do
            ctr --address "$sock" -n "$ns" images rm --sync "$i" >/dev/null 2>&1
        done
        kill "$containerd_pid" 2>/dev/null
        for _ in $(seq 50); do kill -0 "$containerd_pid" 2>/dev/null || break; sleep 0.1; done
        kill -KILL "$containerd_pid" 2>/dev/null
        # runc made a cgroup per container under /<namespace>/ in every hierarchy: remove them.
        find /sys/fs/cgroup/*/"$ns" -depth -type d -exec rmdir {} + 2>/dev/null
        wait "$containerd_pid" 2>/dev/null
    fi
    # Snapshot mounts of a killed container, if any, then the folders.
    grep -F " $tmp/" /proc/self/mounts | cut -d' ' -f2 | sort -r | xargs -r -n1 umount -l
    rm -rf "$tmp" "/run/containerd/runc/$ns"
    if grep -qF "$tmp" /proc/self/mounts; then log "mounts left under $tmp"; fi
}
trap cleanup EXIT

cat >"$tmp/config.toml" <<EOF
version = 2
root = "$tmp/root"
state = "$tmp/state"
disabled_plugins = ["io.containerd.grpc.v1.cri"]
[grpc]
  address = "$sock"
[ttrpc]
  address = "$tmp/containerd.sock.ttrpc"
[debug]
  address = ""
[metrics]
  address = ""
EOF
log "starting containerd ($(containerd --version | cut -d' ' -f3)) in $tmp"
containerd --config "$tmp/config.toml" >"$tmp/containerd.log" 2>&1 &
containerd_pid=$!
for _ in $(seq 100); do
    ctr --address "$sock" version >/dev/null 2>&1 && break
    kill -0 "$containerd_pid" 2>/dev/null || { cat "$tmp/containerd.log" >&2; exit 1; }
    sleep 0.1
done
ctr() { command ctr --address "$sock" -n "$ns" "$@"; }

image_name() { tar -xOf "$1/target/jib-image.tar" manifest.json | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["RepoTags"][0])'; }
image_config() { # module, python expression on the image config c
    local config
    config=$(tar -xOf "$1/target/jib-image.tar" manifest.json | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["Config"])')
    tar -xOf "$1/target/jib-image.tar" "$config" | python3 -c "import json,sys; c=json.load(sys.stdin)['config']; print($2)"
}
for m in operator hub anonymiser; do
    log "importing $m/target/jib-image.tar ($(du -m "$m/target/jib-image.tar" | cut -f1) MB): $(image_name "$m")"
    ctr images import "$m/target/jib-image.tar" >/dev/null
done

fail() { log "FAIL: $*"; exit 1; }

# --- anonymiser: the Job's command on real files, as the Job runs it ---
img=$(image_name anonymiser)
mkdir -p "$tmp/data/raw" "$tmp/data/output" "$tmp/data/quarantine" "$tmp/key"
python3 tools/cds-training-dicom.py "$tmp/data/raw"
head -c 64 /dev/urandom >"$tmp/key/key"
touch "$tmp/termination-log"
chown -R 65532:65532 "$tmp/data/output" "$tmp/data/quarantine" "$tmp/termination-log"
chmod 0440 "$tmp/key/key"; chgrp 65532 "$tmp/key/key"
job_opts=$(image_config anonymiser "next(e for e in c['Env'] if e.startswith('JAVA_TOOL_OPTIONS='))[len('JAVA_TOOL_OPTIONS='):]")
log "anonymiser: JAVA_TOOL_OPTIONS in the image: $job_opts"
[[ $job_opts == *"-XX:SharedArchiveFile=/opt/fednode/fednode-anonymiser.jsa"* ]] || fail "no CDS archive in the image's JVM options"
[[ $(image_config anonymiser "c['User']") == 65532:65532 ]] || fail "anonymiser image user"
start=$(date +%s%N)
ctr run --rm --read-only \
    --env "JAVA_TOOL_OPTIONS=$job_opts -Xshare:on" \
    --mount "type=tmpfs,src=tmpfs,dst=/tmp,options=nosuid:nodev:mode=1777" \
    --mount "type=bind,src=$tmp/data/raw,dst=/data/raw,options=rbind:ro" \
    --mount "type=bind,src=$tmp/data/output,dst=/data/output,options=rbind:rw" \
    --mount "type=bind,src=$tmp/data/quarantine,dst=/data/quarantine,options=rbind:rw" \
    --mount "type=bind,src=$tmp/key,dst=/var/run/fednode/pseudonym-key,options=rbind:ro" \
    --mount "type=bind,src=$tmp/termination-log,dst=/dev/termination-log,options=rbind:rw" \
    "$img" anonymiser-run \
    java -jar /opt/fednode/fednode-anonymiser.jar --input /data/raw --output /data/output \
    --quarantine /data/quarantine --key-file /var/run/fednode/pseudonym-key/key --threads 2 \
    --report /dev/termination-log >"$tmp/anonymiser.out" 2>&1 \
    || { cat "$tmp/anonymiser.out" >&2; fail "anonymiser run"; }
ms=$((($(date +%s%N) - start) / 1000000))
log "anonymiser run: $(grep -v 'Picked up' "$tmp/anonymiser.out" | tr '\n' ' ') (${ms} ms incl. container start)"
log "report: $(cat "$tmp/termination-log")"
python3 - "$tmp/termination-log" <<'EOF' || fail "report counts"
import json, sys
r = json.load(open(sys.argv[1]))
assert (r["filesSeen"], r["filesWritten"], r["filesQuarantined"]) == (3, 3, 0), r
EOF
outputs=$(find "$tmp/data/output" -name '*.dcm' | wc -l)
((outputs == 3)) || fail "expected 3 output files, found $outputs"
[[ $(stat -c %u "$(find "$tmp/data/output" -name '*.dcm' | head -1)") == 65532 ]] || fail "outputs not written by uid 65532"
for planted in 'Doe^Jane' 'PID-000042' 'General Hospital of Training' 'House^Gregory' '1 Hospital Road' '19700101'; do
    if grep -rlaF "$planted" "$tmp/data/output" >/dev/null; then fail "planted value '$planted' in the output"; fi
done
log "anonymiser: 3 files de-identified as uid 65532, no planted value in them, class-data archive mapped (-Xshare:on)"

# --- operator and hub: the image's own entrypoint ---
for m in operator hub; do
    img=$(image_name "$m")
    [[ $(image_config "$m" "c['User']") == 65532:65532 ]] || fail "$m image user"
    mapfile -t entrypoint < <(image_config "$m" "'\n'.join(c['Entrypoint'])")
    log "$m: entrypoint ${entrypoint[*]}, ports $(image_config "$m" "' '.join(sorted(c.get('ExposedPorts', {})))"), $(image_config "$m" "next(e for e in c['Env'] if e.startswith('JAVA_TOOL_OPTIONS='))")"
    ctr run --rm --read-only --mount "type=tmpfs,src=tmpfs,dst=/tmp,options=nosuid:nodev:mode=1777" \
        "$img" "$m-help" "${entrypoint[@]}" --help >"$tmp/$m.out" 2>&1 \
        || { cat "$tmp/$m.out" >&2; fail "$m --help"; }
    grep -q "Usage: java -jar fednode-$m.jar" "$tmp/$m.out" || { cat "$tmp/$m.out" >&2; fail "$m --help printed no usage"; }
    ctr run --rm --read-only "$img" "$m-id" id -u >"$tmp/$m.id" 2>&1 || fail "$m id"
    [[ $(tr -d '\r\n' <"$tmp/$m.id") == 65532 ]] || fail "$m runs as $(cat "$tmp/$m.id")"
    log "$m: --help through the image's entrypoint OK, runs as uid 65532, Java: $(ctr run --rm "$img" "$m-java" java -version 2>&1 | grep -v Picked | sed -n 2p)"
done
log "all images ran"
