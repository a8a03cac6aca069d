#!/usr/bin/env bash
# Shows, from inside real Pods on the real node, that DNS, Services, Pod-to-Pod TCP and the API
# server work, and that a default-deny NetworkPolicy (enforced by kube-router) blocks all of it for
# the Pods of its namespace while another namespace keeps working. Exits 1 if any check differs.
#
#   tools/real-node-netpol-check.sh NAME WORKDIR     (a cluster made with create … --real-node)
#
# Uses namespaces fednode-np-open and fednode-np-deny (Pod Security "restricted"), deleted after.
# kube-router writes a Pod's rules only after it sees the Pod running with an IP, so each client
# waits a few seconds before its first connection (tests should do the same).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
name=${1:?usage: real-node-netpol-check.sh NAME WORKDIR}
workdir=${2:?work directory}
bin=$("$here/build-k8s.sh" --print-bin-dir)
export KUBECONFIG=$workdir/kubeconfig
k() { "$bin/kubectl" "$@"; }
x=$(cat "$workdir/real-node/index")
api=10.215.$x.1
failed=0

k apply -f - >/dev/null <<YAML
apiVersion: v1
kind: Namespace
metadata: {name: fednode-np-open, labels: {pod-security.kubernetes.io/enforce: restricted}}
---
apiVersion: v1
kind: Namespace
metadata: {name: fednode-np-deny, labels: {pod-security.kubernetes.io/enforce: restricted}}
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: default-deny, namespace: fednode-np-deny}
spec:
  podSelector: {}
  policyTypes: [Ingress, Egress]
---
apiVersion: v1
kind: Pod
metadata: {name: server, namespace: fednode-np-open, labels: {app: server}}
spec:
  nodeSelector: {fednode.io/real-node: "true"}
  securityContext: {runAsNonRoot: true, seccompProfile: {type: RuntimeDefault}}
  containers:
  - name: httpd
    image: fednode.local/toolbox:1
    imagePullPolicy: IfNotPresent
    command: ["sh", "-c", "mkdir -p /tmp/www && echo hello > /tmp/www/index.html && exec httpd -f -p 8080 -h /tmp/www"]
    ports: [{containerPort: 8080}]
    securityContext: {allowPrivilegeEscalation: false, capabilities: {drop: [ALL]}}
---
apiVersion: v1
kind: Service
metadata: {name: server, namespace: fednode-np-open}
spec:
  selector: {app: server}
  ports: [{port: 80, targetPort: 8080}]
YAML
k -n fednode-np-open wait --for=condition=Ready pod/server --timeout=60s >/dev/null
server_ip=$(k -n fednode-np-open get pod server -o jsonpath='{.status.podIP}')

# client NAMESPACE: runs the checks in a restricted Pod, prints one "CHECK=ok|blocked" per line
client() {
    k apply -f - >/dev/null <<YAML
apiVersion: v1
kind: Pod
metadata: {name: client, namespace: $1}
spec:
  restartPolicy: Never
  nodeSelector: {fednode.io/real-node: "true"}
  securityContext: {runAsNonRoot: true, seccompProfile: {type: RuntimeDefault}}
  containers:
  - name: c
    image: fednode.local/toolbox:1
    imagePullPolicy: IfNotPresent
    command:
    - sh
    - -c
    - |
      sleep 5
      r() { if "\$@" >/dev/null 2>&1; then echo ok; else echo blocked; fi; }
      echo "dns=\$(r timeout 5 nslookup kubernetes.default.svc.cluster.local)"
      echo "service=\$(r timeout 5 wget -q -O - http://server.fednode-np-open.svc/)"
      echo "pod=\$(echo | r timeout 5 nc -w 3 $server_ip 8080)"
      echo "apiserver=\$(echo | r timeout 5 nc -w 3 $api 443)"
    securityContext: {allowPrivilegeEscalation: false, capabilities: {drop: [ALL]}}
YAML
    k -n "$1" wait --for=jsonpath='{.status.phase}'=Succeeded pod/client --timeout=90s >/dev/null
    k -n "$1" logs client
}

check() { # NAMESPACE EXPECTED
    local out line
    out=$(client "$1")
    for line in $out; do
        if [[ ${line#*=} == "$2" ]]; then echo "$1: $line (expected)"; else echo "$1: $line (EXPECTED $2)"; failed=1; fi
    done
}
check fednode-np-open ok
check fednode-np-deny blocked
k delete namespace fednode-np-open fednode-np-deny --wait=false >/dev/null
if ((failed)); then echo "netpol-check: FAILED"; exit 1; fi
echo "netpol-check: default-deny enforced, other namespace unaffected"
