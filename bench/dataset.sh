#!/usr/bin/env bash
# Dataset benchmark on the real node: a Dataset of N DICOM files (512 x 512 CT slices written by
# pydicom, bench/dataset/make-corpus.py) from create to Ready on the real node of a local cluster
# (tools/kwok-cluster.sh create --real-node), next to the anonymiser CLI alone (java -jar, the
# Job's JVM settings and thread count) on the same files, in the same run, alternating which goes
# first. The harness is e2e-tests/src/test/java/io/fednode/e2e/realnode/DatasetRealNodeBenchmark.java;
# the Dataset controller runs in its JVM.
#
#   bench/dataset.sh                                 # 200 files, 3 rounds, 2 threads
#   BENCH_FILES=1000 BENCH_ROUNDS=5 bench/dataset.sh
#
# Needs root, the binaries of tools/build-k8s.sh and the images (make images).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/.." && pwd)
cd "$repo"
export BENCH_FILES=${BENCH_FILES:-200} BENCH_ROUNDS=${BENCH_ROUNDS:-3} BENCH_THREADS=${BENCH_THREADS:-2}
echo "[bench] $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)" >&2
rm -f e2e-tests/target/dataset-bench.txt
mvn -q -B -ntp -o -pl e2e-tests verify -Dit.test=DatasetRealNodeBenchmark -Dtest=none \
    -Dsurefire.failIfNoSpecifiedTests=false -Dspotless.check.skip=true \
    >e2e-tests/target/dataset-bench.log 2>&1 || {
    tail -50 e2e-tests/target/dataset-bench.log >&2
    exit 1
}
cat e2e-tests/target/dataset-bench.txt
