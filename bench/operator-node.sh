#!/usr/bin/env bash
# Operator benchmark: apply -> Ready for 1 FederationNode and for N nodes in N namespaces, with the
# operator in its own JVM as its ServiceAccount, against the raw time to create the same objects
# (3 PVCs, 2 ServiceAccounts, the key Secret, 3 NetworkPolicies per node) directly on the same real
# kube-apiserver; then the operator's RSS with N+1 nodes.
#
#   bench/operator-node.sh          # N=100
#   BENCH_NODES=300 bench/operator-node.sh
#
# Needs the Kubernetes binaries from tools/build-k8s.sh. Builds the operator jar if missing.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/.." && pwd)
nodes=${BENCH_NODES:-100}
cd "$repo"
# Built in the reactor, never installed: the shared ~/.m2 stays as it is. The classpath of the bench
# harness is the operator module's test classpath, with the reactor's own modules (api,
# test-support, operator) taken from their target/ directories.
jar=$(ls operator/target/fednode-operator-*-all.jar 2>/dev/null | head -1 || true)
cp_file=operator/target/bench.classpath
if [[ -z $jar || ! -s $cp_file || -n ${BENCH_REBUILD:-} ]]; then
    echo "[bench] building the operator (reactor package, no install)" >&2
    mvn -q -B -ntp -o -pl api,test-support,operator -am package -DskipTests \
        -Dspotless.check.skip=true >&2
    # exec:exec echoes each module's test classpath (%classpath) into its target/bench.classpath.
    # A separate run that stops at compile: exec.args would also reach the api module's exec:java
    # (bound to process-classes), and the compile phase makes the reactor's modules resolve to
    # their target/classes rather than to anything in ~/.m2.
    mvn -q -B -ntp -o -pl api,test-support,operator -am compile exec:exec -Dexec.executable=echo \
        -Dexec.args=%classpath -Dexec.classpathScope=test \
        -Dexec.outputFile=target/bench.classpath >&2
    jar=$(ls operator/target/fednode-operator-*-all.jar | head -1)
fi
classpath="$(cat "$cp_file")"
# The operator's JVM runs with the chart's javaOptions, its memory limit standing in for the
# container's (-XX:MaxRAM): what is measured is what the chart deploys. BENCH_JAVA_OPTS overrides.
values=charts/fednode-operator/values.yaml
limit=$(awk '/^  limits:/{f=1} f && /memory:/{print $2; exit}' "$values")
chart_opts=$(sed -n 's/^javaOptions: "\(.*\)"$/\1/p' "$values")
[[ $limit == *Mi && -n $chart_opts ]] || { echo "[bench] cannot read limits.memory/javaOptions from $values" >&2; exit 1; }
export BENCH_JAVA_OPTS=${BENCH_JAVA_OPTS:-"-XX:MaxRAM=${limit%Mi}m $chart_opts"}
echo "[bench] $(nproc) cores; kube-apiserver $(~/.cache/fednode-tools/k8s-1.34.4/bin/kube-apiserver --version 2>/dev/null || true)" >&2
exec java -cp "$classpath" "$here/operator-node/OperatorNodeBench.java" "$repo" "$nodes" "$repo/$jar"
