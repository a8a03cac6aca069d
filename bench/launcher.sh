#!/usr/bin/env bash
# Launcher benchmark: the anonymiser CLI for a person at a terminal, as a bare `java -jar` and
# through the launcher anonymiser/target/fednode-anonymise (the Dataset Job's JVM flags and a
# class-data archive for this jar and JVM), against `cp -r` of the same files, side by side in one
# run on one generated corpus of CT files (bench/anonymiser/make-corpus.py, pydicom). Both fednode
# rows use 2 threads, the Job's default. The launcher's first use (which records its archive) is
# timed once, with an empty archive cache, before the rounds.
#
#   bench/launcher.sh                          # 400 MB corpus under ~/.cache/fednode-bench/launcher
#   BENCH_MB=200 BENCH_ROUNDS=5 BENCH_SETTLE=65 BENCH_WORK=/tmp/b bench/launcher.sh
#
# Needs java 17, /usr/bin/python3 with python3-pydicom (tools/install-test-deps.sh) and the packaged
# anonymiser (make build). Same method as bench/anonymiser.sh: each run writes into its own new
# folder, outputs are deleted only between rounds followed by a pause (ext4's recently-freed inodes),
# the page cache is dropped (as root) and the corpus read back in before each run, every run is timed
# including a final sync, and each round starts with a different tool.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/.." && pwd)
work=${BENCH_WORK:-$HOME/.cache/fednode-bench/launcher}
mb=${BENCH_MB:-400}
rounds=${BENCH_ROUNDS:-3}
settle=${BENCH_SETTLE:-65}
jar=$repo/anonymiser/target/fednode-anonymiser.jar
launcher=$repo/anonymiser/target/fednode-anonymise
mkdir -p "$work"
log() { printf '[bench] %s\n' "$*" >&2; }

if [[ ! -f $jar || ! -x $launcher ]]; then
    log "building $jar and $launcher"
    (cd "$repo" && mvn -q -B -ntp -o -pl anonymiser package -DskipTests -DskipITs)
fi
corpus=$work/corpus-$mb
if [[ ! -f $corpus.complete ]]; then
    log "generating a $mb MB corpus in $corpus"
    rm -rf "$corpus"
    /usr/bin/python3 "$here/anonymiser/make-corpus.py" corpus "$corpus" --megabytes "$mb" >&2
    touch "$corpus.complete"   # outside the corpus: every file in it is an input
fi
key=$work/key
[[ -f $key ]] || head -c 64 /dev/urandom >"$key"
# The launcher's archives for this benchmark only; emptied for the first-use run.
export FEDNODE_ANONYMISER_CACHE=$work/archives
unset JAVA_TOOL_OPTIONS

load=$(cut -d' ' -f1 /proc/loadavg)
files=$(find "$corpus" -type f -name '*.dcm' | wc -l)
bytes=$(find "$corpus" -type f -name '*.dcm' -printf '%s\n' | awk '{s+=$1} END {printf "%.0f", s}')
log "corpus: $files files, $bytes bytes; $(java -version 2>&1 | head -1)"
need_kb=$(( (bytes / 1024) * 4 + 1048576 ))
free_kb=$(df -k --output=avail "$work" | tail -1)
(( free_kb >= need_kb )) || { log "need $((need_kb / 1048576)) GB free in $work, have $((free_kb / 1048576)) GB"; exit 1; }

cli_args() { echo --input "$corpus" --output "$out" --quarantine "$work/quarantine-$name" --key-file "$key" --threads 2; }
run_tool() {
    # shellcheck disable=SC2046 # the corpus and work paths hold no spaces
    case $1 in
        cp) cp -r "$corpus" "$out" ;;
        java-jar) java -jar "$jar" $(cli_args) ;;
        launcher | launcher-first-use) "$launcher" $(cli_args) ;;
    esac
}
declare -A times
# shellcheck source=bench/lib/timed-runs.sh
. "$here/lib/timed-runs.sh"
measure_all() { # tool -> measure, and every input must have been written
    measure "$1"
    ((out_files == files)) || { log "$1 wrote $out_files files of $files"; exit 1; }
}

clear_outputs
rm -rf "$FEDNODE_ANONYMISER_CACHE"
measure_all launcher-first-use
[[ -n $(ls "$FEDNODE_ANONYMISER_CACHE"/*.jsa 2>/dev/null) ]] || { log "the launcher made no archive"; exit 1; }
tools=(cp java-jar launcher)
run_rounds measure_all 1

declare -A secs
for t in "${tools[@]}" launcher-first-use; do secs[$t]=$(median "${times[$t]}"); done
echo
echo "Launcher benchmark — $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores, load average at start $load, corpus $files files / $((bytes / 1048576)) MB (512x512x16-bit CT, explicit VR LE), warm page cache, median of $rounds rounds, fednode with --threads 2"
printf '%-20s %8s %12s %8s %8s %12s\n' tool seconds range MB/s "vs cp" "vs java-jar"
for name in "${tools[@]}" launcher-first-use; do
    s=${secs[$name]}
    printf '%-20s %8.2f %12s %8.1f %8.2f %12.2f\n' "$name" "$s" "$(range "${times[$name]}")" \
        "$(echo "$bytes / 1048576 / $s" | bc -l)" "$(echo "${secs[cp]} / $s" | bc -l)" \
        "$(echo "${secs[java-jar]} / $s" | bc -l)"
done
echo "('vs X' = throughput relative to X: 1.00 = as fast; range = fastest-slowest round; launcher-first-use = one run with an empty archive cache, which records the archive)"
