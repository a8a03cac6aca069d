#!/usr/bin/env bash
# TrainingRun benchmark: N TrainingRuns across M nodes (maxConcurrentRuns S each) on one real
# kube-apiserver -> time until the operator has admitted every run and started (Job + NetworkPolicy)
# or queued it, next to, on the same server in the same run:
#   - the raw create of the same N runs (no operator), and
#   - the raw same writes (the N runs, a status on each, 2 objects per started run).
# Then 40 s of steady state: no run may be written again. The harness is
# e2e-tests/src/test/java/io/fednode/e2e/training/TrainingRunBenchmark.java; the operator (only its
# TrainingRun reconciler) runs in the harness's JVM as the chart's ServiceAccount, nodes are made
# Ready through their status.
#
#   bench/training.sh                              # 500 runs, 10 nodes, 5 slots per node
#   BENCH_RUNS=1000 BENCH_NODES=20 bench/training.sh
#
# Needs the Kubernetes binaries from tools/build-k8s.sh; builds the modules it needs in the reactor
# (nothing is installed into ~/.m2). On a shared machine run it as /work/heavy bench/training.sh.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/.." && pwd)
cd "$repo"
export BENCH_RUNS=${BENCH_RUNS:-500} BENCH_NODES=${BENCH_NODES:-10}
export BENCH_SLOTS_PER_NODE=${BENCH_SLOTS_PER_NODE:-5} BENCH_CLIENT_THREADS=${BENCH_CLIENT_THREADS:-16}
echo "[bench] $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)" >&2
mkdir -p e2e-tests/target
rm -f e2e-tests/target/training-bench.txt
mvn -q -B -ntp -o -pl e2e-tests -am verify -Dit.test=TrainingRunBenchmark -Dtest=none \
    -Dsurefire.failIfNoSpecifiedTests=false -Dfailsafe.failIfNoSpecifiedTests=false \
    -Dspotless.check.skip=true \
    >e2e-tests/target/training-bench.log 2>&1 || {
    tail -50 e2e-tests/target/training-bench.log >&2
    exit 1
}
cat e2e-tests/target/training-bench.txt
