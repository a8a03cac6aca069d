#!/usr/bin/env bash
# Anonymiser benchmark: throughput of fednode (1 and 2 threads) against `cp -r` of the same files
# (the I/O limit), GDCM's gdcmanon (basic profile, encrypting the originals with a self-signed
# certificate) and dicognito (a pydicom-based de-identifier from PyPI, in a venv), measured side
# by side in one run on one generated corpus; then fednode's peak RSS for a small and a ~1 GB file.
#
#   bench/anonymiser.sh              # corpus of 2100 MB under ~/.cache/fednode-bench/anonymiser
#   BENCH_MB=500 BENCH_ROUNDS=1 BENCH_WORK=/tmp/b bench/anonymiser.sh
#
# Needs: java 17, /usr/bin/python3 with python3-pydicom, libgdcm-tools, openssl, /usr/bin/time
# (tools/install-test-deps.sh installs them) and PyPI for dicognito. The corpus is generated once
# and reused; before each run the page cache is dropped (when run as root) and the corpus read back
# in, so every tool reads from memory and writes into the same amount of free memory.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/.." && pwd)
work=${BENCH_WORK:-$HOME/.cache/fednode-bench/anonymiser}
mb=${BENCH_MB:-2100}
big_mb=${BENCH_BIG_MB:-1024}
jar=$repo/anonymiser/target/fednode-anonymiser.jar
py=/usr/bin/python3
mkdir -p "$work"
log() { printf '[bench] %s\n' "$*" >&2; }

if [[ ! -f $jar ]]; then
    log "building $jar"
    (cd "$repo" && mvn -q -f anonymiser/pom.xml package -DskipTests)
fi

corpus=$work/corpus-$mb
if [[ ! -f $corpus.complete ]]; then
    log "generating a $mb MB corpus in $corpus"
    rm -rf "$corpus"
    "$py" "$here/anonymiser/make-corpus.py" corpus "$corpus" --megabytes "$mb" >&2
    touch "$corpus.complete"  # outside the corpus: every file in it is an input
fi
big=$work/big-$big_mb/big.dcm
if [[ ! -f $big ]]; then
    log "generating a $big_mb MB single image"
    mkdir -p "$(dirname "$big")"
    "$py" "$here/anonymiser/make-corpus.py" big "$big.tmp" --megabytes "$big_mb" >&2
    mv "$big.tmp" "$big"
fi
small_dir=$work/small
if [[ ! -d $small_dir ]]; then
    mkdir -p "$small_dir"
    cp "$(find "$corpus" -name '*.dcm' | sort | head -1)" "$small_dir/"
fi

if [[ ! -x $work/venv/bin/python ]]; then
    "$py" -m venv "$work/venv"
fi
if ! "$work/venv/bin/python" -c 'import dicognito' 2>/dev/null; then
    log "installing dicognito into $work/venv"
    "$work/venv/bin/pip" install -q dicognito==0.19.0
fi
if [[ ! -f $work/gdcm-cert.pem ]]; then
    openssl req -x509 -newkey rsa:2048 -nodes -keyout "$work/gdcm-key.pem" -out "$work/gdcm-cert.pem" \
        -days 3650 -subj "/CN=fednode-bench" 2>/dev/null
fi
key=$work/key
[[ -f $key ]] || head -c 64 /dev/urandom >"$key"

load=$(cut -d' ' -f1 /proc/loadavg)
files=$(find "$corpus" -name '*.dcm' | wc -l)
bytes=$(find "$corpus" -name '*.dcm' -printf '%s\n' | awk '{s+=$1} END {printf "%.0f", s}')
log "corpus: $files files, $bytes bytes"

# The recommended JVM settings for a batch run (docs/anonymiser.md): C1 only and serial GC (a short
# job spends less CPU compiling than it gains), plus a class-data-sharing archive made once for this
# jar and JVM (as a container image build would), which halves the JVM's start-up.
cds=$work/fednode-anonymiser-$(sha256sum "$jar" | cut -c1-16)-$(java -version 2>&1 | head -1 | tr -dc '0-9._')-c1.jsa
if [[ ! -f $cds ]]; then
    log "creating the class-data archive $cds (one run on one file)"
    rm -rf "$work/cds-out" "$work/cds-q"
    java -XX:ArchiveClassesAtExit="$cds" -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -jar "$jar" \
        --input "$small_dir" --output "$work/cds-out" --quarantine "$work/cds-q" --key-file "$key" >/dev/null 2>&1
    rm -rf "$work/cds-out" "$work/cds-q"
fi
c1=(-XX:TieredStopAtLevel=1 -XX:+UseSerialGC -XX:SharedArchiveFile="$cds")
fednode() { # threads, extra JVM flags...
    local threads=$1; shift
    java "$@" -jar "$jar" --input "$corpus" --output "$out" --quarantine "$work/quarantine-$name" \
        --key-file "$key" --threads "$threads"
}
run_tool() {
    case $1 in
        cp) cp -r "$corpus" "$out" ;;
        fednode-1-thread) fednode 1 ;;
        fednode-2-threads) fednode 2 ;;
        # The same with the recommended JVM settings (see above).
        fednode-tuned-1-thread) fednode 1 "${c1[@]}" ;;
        fednode-tuned-2-threads) fednode 2 "${c1[@]}" ;;
        gdcmanon) gdcmanon -e -c "$work/gdcm-cert.pem" -r --continue -i "$corpus" -o "$out" ;;
        dicognito) "$work/venv/bin/python" -m dicognito --quiet -o "$out" "$corpus" ;;
    esac
}
tools=(cp fednode-1-thread fednode-2-threads fednode-tuned-1-thread fednode-tuned-2-threads gdcmanon dicognito)
rounds=${BENCH_ROUNDS:-3}
declare -A times
settle=${BENCH_SETTLE:-65}
# shellcheck source=bench/lib/timed-runs.sh
. "$here/lib/timed-runs.sh"
need_kb=$(( (bytes / 1024) * ${#tools[@]} + 1048576 ))
free_kb=$(df -k --output=avail "$work" | tail -1)
if (( free_kb < need_kb )); then
    log "need $((need_kb / 1048576)) GB free in $work for one round of outputs, have $((free_kb / 1048576)) GB"
    exit 1
fi
run_rounds measure 3
declare -A secs
for t in "${tools[@]}"; do secs[$t]=$(median "${times[$t]}"); done

rss() { # dir -> peak RSS in MB of a fednode run on it
    rm -rf "$work/rss-out" "$work/rss-q"
    /usr/bin/time -v java -jar "$jar" --input "$1" --output "$work/rss-out" --quarantine "$work/rss-q" \
        --key-file "$key" --threads 1 2>&1 >/dev/null | awk -F: '/Maximum resident set size/ {printf "%.0f", $2/1024}'
    rm -rf "$work/rss-out" "$work/rss-q"
}
small_size=$(stat -c %s "$small_dir"/*.dcm)
big_size=$(stat -c %s "$big")
rss_small=$(rss "$small_dir")
rss_big=$(rss "$(dirname "$big")")

echo
echo "Anonymiser benchmark — $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores, load average at start $load, corpus $files files / $((bytes / 1048576)) MB (512x512x16-bit CT, explicit VR LE), warm page cache, median of $rounds rounds"
printf '%-22s %9s %11s %9s %9s %8s %12s\n' tool seconds range MB/s files/s "vs cp" "vs gdcmanon"
for name in "${tools[@]}"; do
    s=${secs[$name]}
    printf '%-22s %9.2f %11s %9.1f %9.1f %8.2f %12.2f\n' "$name" "$s" "$(range "${times[$name]}")" \
        "$(echo "$bytes / 1048576 / $s" | bc -l)" "$(echo "$files / $s" | bc -l)" \
        "$(echo "${secs[cp]} / $s" | bc -l)" "$(echo "${secs[gdcmanon]} / $s" | bc -l)"
done
echo "('vs X' = throughput relative to X: 1.00 = as fast, 0.80 = 80 % of X's throughput; range = fastest-slowest round)"
echo "fednode peak RSS (1 thread, default JVM): $rss_small MB for a $((small_size / 1024)) KB file, $rss_big MB for a $((big_size / 1048576)) MB file"
