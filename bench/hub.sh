#!/usr/bin/env bash
# Hub benchmark: simulated members heartbeating over mTLS, one kept-alive TLS connection each.
# For each member count: a real kube-apiserver (the one the tests use), the hub as its own JVM
# (-Xmx$HUB_HEAP, default 1g), N FederationMembers enrolled through POST /api/v1/enrol, then N nodes heartbeating
# every INTERVAL seconds, spread evenly. After a warm-up (handshakes, every member Available), a
# WINDOW-second steady state is measured: heartbeats/s, p50/p99 latency (send to last response byte),
# hub CPU (cores, from /proc) and RSS, and the API server's own count of write requests.
#
# Baseline, same run: once the hub has stopped, HeartbeatBaselineServer (hub/src/test/.../bench) -
# Jetty with the hub's TLS connector (server certificate from the same federation CA, client
# certificate required and verified against it, same protocols and ciphers, same thread pool),
# answering POST /api/v1/heartbeat by reading the body and returning 200, nothing else - runs as
# its own JVM with the same -Xmx and takes the identical load: the same enrolled identities,
# interval, warm-up (as long as the hub's) and window. The table prints hub, baseline and
# hub/baseline for each member count.
#
#   bench/hub.sh                      # 1,000 and 10,000 members, 30 s interval, 60 s window
#   MEMBERS="1000" WINDOW=30 bench/hub.sh
#
# Results: one JSON line per run in hub/target/bench-hub-<members>.json and a table on stdout.
set -euo pipefail
cd "$(dirname "$0")/.."

MEMBERS=${MEMBERS:-"1000 10000"}
INTERVAL=${INTERVAL:-30}
WINDOW=${WINDOW:-60}
HUB_HEAP=${HUB_HEAP:-1g}     # -Xmx of the hub JVM
MVN=${MVN:-mvn -B -q -ntp}

log() { printf '[bench/hub] %s\n' "$*" >&2; }

log "building api, test-support and hub"
$MVN -pl api,test-support,hub -am install -DskipTests -Dspotless.check.skip=true >&2
$MVN -pl hub test-compile -Dspotless.check.skip=true >&2
$MVN -pl hub dependency:build-classpath -Dmdep.includeScope=test \
    -Dmdep.outputFile=target/bench-classpath.txt >&2
DEPS=$(cat hub/target/bench-classpath.txt)
HUB_CP="hub/target/classes:$DEPS"
BENCH_CP="hub/target/test-classes:hub/target/classes:$DEPS"
BASELINE_CP="$BENCH_CP"     # the baseline server is a test class; it loads only what it uses

# 10,000 client connections in the load generator and as many in the hub.
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true

results=()
for n in $MEMBERS; do
    log "run: $n members, ${INTERVAL}s interval, ${WINDOW}s window"
    out="hub/target/bench-hub-$n.json"
    java -Xmx3g -Dbench.hubHeap="$HUB_HEAP" -cp "$BENCH_CP" io.fednode.hub.bench.HubBenchmark \
        "$n" "$INTERVAL" "$WINDOW" "$HUB_CP" "$out" "$BASELINE_CP" >/dev/null
    results+=("$out")
done

printf '\n%-8s %-9s %-10s %-10s %-8s %-8s %-7s %-9s %-9s %-11s %-14s %-12s\n' \
    members interval server "hb/s" "p50 ms" "p99 ms" errors "CPU" "RSS" "writes/min" "writes/min*" "enrol/s"
for f in "${results[@]}"; do
    python3 - "$f" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
b = r['baseline']
x = r['hubToBaseline']
lead = f"{r['members']:<8} {str(r['intervalSeconds'])+'s':<9}"
print(f"{lead} {'hub':<10} {r['heartbeatsPerSecond']:<10.1f} "
      f"{r['p50Ms']:<8.2f} {r['p99Ms']:<8.2f} {r['errors']:<7} {r['hubCpuCores']:<9.2f} "
      f"{str(round(r['hubRssMiB']))+' MiB':<9} {r['apiWritesPerMinute']:<11.1f} "
      f"{r['apiWritesPerMinuteExcludingLeases']:<14.1f} {r['enrolmentsPerSecond']:<12.1f}")
print(f"{lead} {'baseline':<10} {b['heartbeatsPerSecond']:<10.1f} "
      f"{b['p50Ms']:<8.2f} {b['p99Ms']:<8.2f} {b['errors']:<7} {b['cpuCores']:<9.2f} "
      f"{str(round(b['rssMiB']))+' MiB':<9} {'-':<11} {'-':<14} {'-':<12}")
ratio = lambda v: f"{v:.2f}x"
print(f"{lead} {'hub/base':<10} {ratio(x['heartbeatsPerSecond']):<10} "
      f"{ratio(x['p50']):<8} {ratio(x['p99']):<8} {'':<7} {ratio(x['cpuCores']):<9} "
      f"{ratio(x['rss']):<9}")
PY
done
echo "(CPU in cores, RSS at the end of the window; writes/min*: excluding the API server's own lease renewals;"
echo " hub/base: hub divided by baseline; warm-up $(python3 -c 'import json,sys; print(", ".join(str(json.load(open(f))["warmupSeconds"])+" s" for f in sys.argv[1:]))' "${results[@]}") for both)"
