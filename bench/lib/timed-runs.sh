# Timed runs of several tools over one corpus, side by side (sourced by bench/anonymiser.sh and
# bench/launcher.sh). The caller sets `work` (outputs go to $work/out-<tool>), `corpus`, `settle`
# (seconds), declares `declare -A times` and defines `run_tool NAME`, which writes into "$out"
# (and may use $name).

# Every run writes into its own new folder; outputs are deleted only between rounds, followed by a
# pause. ext4 skips inodes freed less than a minute ago when it allocates new ones (recently_deleted),
# at a cost per skipped inode: deleting the previous tool's 4,000 files right before a run made that
# run pay for them, so a tool's time depended on which tool ran before it.
clear_outputs() {
    if compgen -G "$work/out-*" >/dev/null || compgen -G "$work/quarantine-*" >/dev/null; then
        log "deleting the outputs, then ${settle}s for ext4 to stop treating their inodes as recently freed"
        rm -rf "$work"/out-* "$work"/quarantine-*
        sync
        sleep "$settle"
    fi
}

# tool -> appends its seconds to times[tool]; sets out_files to the number of .dcm files it wrote.
measure() {
    local name=$1
    out=$work/out-$name
    # The same memory state for every run: written pages dropped (as root), the corpus read back in.
    sync
    echo 1 2>/dev/null >/proc/sys/vm/drop_caches || true
    find "$corpus" -name '*.dcm' -exec cat {} + >/dev/null
    sync
    local t0 t1 s
    t0=$(date +%s.%N)
    run_tool "$name" >"$work/$name.log" 2>&1 || { log "$name failed, see $work/$name.log"; tail -5 "$work/$name.log" >&2; return 1; }
    sync
    t1=$(date +%s.%N)
    s=$(echo "$t1 - $t0" | bc -l)
    times[$name]+="$s "
    out_files=$(find "$out" -type f -name '*.dcm' 2>/dev/null | wc -l)
    log "$name: $s s, $out_files output files"
}

# $rounds rounds of every tool in ${tools[@]}, through the measure function $1, outputs cleared
# before each round and at the end. Tools alternate within each round, so a burst of load on a
# shared machine hits all of them; each round starts $2 tools further on, so no tool always runs
# first (or right after the slowest one) while the page cache and the file system change under
# the runs.
run_rounds() {
    local fn=$1 step=$2 r i n=${#tools[@]}
    for ((r = 1; r <= rounds; r++)); do
        clear_outputs
        log "round $r of $rounds"
        for ((i = 0; i < n; i++)); do "$fn" "${tools[$(((i + (r - 1) * step) % n))]}"; done
    done
    clear_outputs
}

median() { printf '%s\n' $1 | sort -g | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2}'; }
range() { printf '%s\n' $1 | sort -g | awk 'NR == 1 {lo=$1} {hi=$1} END {printf "%.1f-%.1f", lo, hi}'; }
