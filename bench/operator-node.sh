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
jar=$(ls operator/target/fednode-operator-*-all.jar 2>/dev/null | head -1 || true)
if [[ -z $jar || -n ${BENCH_REBUILD:-} ]]; then
    echo "[bench] building the operator" >&2
    mvn -q -B -ntp -pl api,test-support,operator -am install -DskipTests -Dspotless.check.skip=true >&2
    jar=$(ls operator/target/fednode-operator-*-all.jar | head -1)
fi
cp_file=$(mktemp)
mvn -q -B -ntp -pl operator dependency:build-classpath -Dmdep.includeScope=test \
    -Dmdep.outputFile="$cp_file" >&2
classpath="$(cat "$cp_file"):$repo/operator/target/classes"
rm -f "$cp_file"
echo "[bench] $(nproc) cores; kube-apiserver $(~/.cache/fednode-tools/k8s-1.34.4/bin/kube-apiserver --version 2>/dev/null || true)" >&2
exec java -cp "$classpath" "$here/operator-node/OperatorNodeBench.java" "$repo" "$nodes" "$repo/$jar"
