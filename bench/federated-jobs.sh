#!/usr/bin/env bash
# FederatedJob benchmark: the time from a FederatedJob created at the hub to the TrainingRuns of all
# its nodes created, for 10 and BENCH_NODES (default 100) nodes, next to the heartbeat interval (a
# pull protocol's floor: a node hears of a job in the answer to its next heartbeat). The harness is
# e2e-tests/src/test/java/io/fednode/e2e/hub/FederatedJobBenchmark.java: the hub and one operator
# as processes (the shaded jars), BENCH_NODES enrolled FederationNodes (role compute) heartbeating
# every BENCH_HEARTBEAT s (5, the shortest allowed), their runs' Pods on kwok's simulated nodes, on a
# local cluster with a real node (root).
#
#   bench/federated-jobs.sh                                # 100 nodes, heartbeat 5 s, 3 runs each
#   BENCH_NODES=50 BENCH_HEARTBEAT=10 BENCH_REPEATS=5 bench/federated-jobs.sh
#   BENCH_LOST_AFTER=15s bench/federated-jobs.sh   # the hub's --job-lost-after (default 90s)
#
# Needs the Kubernetes binaries from tools/build-k8s.sh and the images (`make images`, or run it
# after `make test`); builds the modules it needs in the reactor (nothing is installed into ~/.m2).
# On a shared machine run it as /work/heavy bench/federated-jobs.sh.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/.." && pwd)
cd "$repo"
export BENCH_NODES=${BENCH_NODES:-100} BENCH_HEARTBEAT=${BENCH_HEARTBEAT:-5} BENCH_REPEATS=${BENCH_REPEATS:-3} BENCH_LOST_AFTER=${BENCH_LOST_AFTER:-90s}
echo "[bench] $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)" >&2
mkdir -p e2e-tests/target
rm -f e2e-tests/target/federated-jobs-bench.txt
mvn -q -B -ntp -o -Pimages -pl anonymiser,e2e-tests -am verify -Dit.test=FederatedJobBenchmark -Dtest=none \
    -Dsurefire.failIfNoSpecifiedTests=false -Dfailsafe.failIfNoSpecifiedTests=false \
    -Dspotless.check.skip=true \
    >e2e-tests/target/federated-jobs-bench.log 2>&1 || {
    tail -50 e2e-tests/target/federated-jobs-bench.log >&2
    exit 1
}
cat e2e-tests/target/federated-jobs-bench.txt
