#!/usr/bin/env bash
# The real worker node of a fednode local cluster (tools/kwok-cluster.sh create … --real-node):
# containerd + runc + the CNI bridge, kubelet, kube-proxy (iptables), kube-router (NetworkPolicy
# firewall only) and CoreDNS as a Pod, in a network namespace of its own, so that every rule,
# route and interface they make is confined to it and goes away with it. docs/local-cluster.md
# describes the whole. Called by tools/kwok-cluster.sh; usable by hand:
#
#   tools/real-node.sh net-up NAME WORKDIR     allocate index X, make netns + veth (before kwokctl)
#   tools/real-node.sh index NAME WORKDIR      print X
#   tools/real-node.sh kwokctl-config NAME WORKDIR   print the kwokctl config for the real node
#   tools/real-node.sh start NAME WORKDIR      start containerd, kubelet, kube-proxy, kube-router,
#                                              CoreDNS; wait for Ready and a smoke Pod (idempotent)
#   tools/real-node.sh load-image NAME WORKDIR IMAGE.tar…   import docker-archive/OCI tars
#   tools/real-node.sh stop NAME WORKDIR       stop everything, unmount, delete netns/veth/cgroups,
#                                              release X (idempotent; works after a partial start)
#
# Address plan for index X (0..31), all host-local:
#   veth host fnX-host 10.213.X.1/24 <-> node fnX-node 10.213.X.2/24 (netns fednode-NAME);
#   kube-apiserver (kwokctl, 127.0.0.1:PORT) advertises 10.213.X.1 and apiserver-proxy forwards
#   10.213.X.1:PORT to it
#   pods 10.214.X.0/24 (bridge fnbr0 in the netns, gateway .1), Services 10.215.X.0/24
#   (kubernetes 10.215.X.1, DNS 10.215.X.10), kwok's fake pod IPs 10.216.X.0/24.
#   Host routes 10.214.X.0/24 and 10.215.X.0/24 via 10.213.X.2; no default route in the netns.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
action=${1:?usage: real-node.sh net-up|index|kwokctl-config|start|load-image|stop NAME WORKDIR}
name=${2:?cluster name}
workdir=${3:?work directory}
shift 3
bin=$("$here/build-k8s.sh" --print-bin-dir)
workdir=$(mkdir -p "$workdir" && cd "$workdir" && pwd)
rn=$workdir/real-node
alloc_dir=/run/fednode-real-node
node_name=real-node
ns=fednode-$name
cgroot=fednode-rn-$name
kubeconfig=$workdir/kubeconfig          # the cluster's admin kubeconfig (server 127.0.0.1:PORT)
node_kubeconfig=$workdir/real-node/kubeconfig   # the same credential, server 10.213.X.1:PORT
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin:$bin
t_start=$(date +%s)
log() { printf '[real-node %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
step_t=$t_start
step() { local now; now=$(date +%s); log "$* ($((now - step_t))s; $((now - t_start))s in all)"; step_t=$now; }
die() { log "ERROR: $*"; exit 1; }
kubectl() { "$bin/kubectl" --kubeconfig "$kubeconfig" "$@"; }
in_ns() { nsenter --net="/run/netns/$ns" -- "$@"; }
[[ $(id -u) -eq 0 ]] || die "the real node needs root (network namespace, mounts, cgroups)"
[[ ${#name} -le 40 && $name =~ ^[a-z0-9][a-z0-9.-]*$ ]] || die "cluster name must be [a-z0-9.-], at most 40 characters"

index() { cat "$rn/index" 2>/dev/null; }

# --- index allocation: /run/fednode-real-node/X holds "NAME WORKDIR" while X is in use ---
allocate() {
    mkdir -p "$alloc_dir" "$rn"
    exec 9>"$alloc_dir/.lock"
    flock 9
    local x
    x=$(index || true)
    if [[ -n $x && "$(cat "$alloc_dir/$x" 2>/dev/null)" == "$name $workdir" ]]; then echo "$x"; flock -u 9; return; fi
    for x in $(seq 0 31); do
        if [[ -f "$alloc_dir/$x" ]]; then
            # A stale allocation: its work directory is gone and nothing of it is left.
            read -r _ owner_dir <"$alloc_dir/$x" || true
            if [[ -d "$owner_dir/real-node" ]] || ip link show "fn$x-host" >/dev/null 2>&1; then continue; fi
            rm -f "$alloc_dir/$x"
        fi
        ip link show "fn$x-host" >/dev/null 2>&1 && continue
        echo "$name $workdir" >"$alloc_dir/$x"
        echo "$x" >"$rn/index"
        echo "$x"; flock -u 9; return
    done
    flock -u 9
    die "no free real-node index (0..31 all in use; see $alloc_dir)"
}

net_up() {
    local x; x=$(allocate)
    local host=fn$x-host node=fn$x-node
    if [[ ! -e /run/netns/$ns ]]; then ip netns add "$ns"; fi
    if ! ip link show "$host" >/dev/null 2>&1; then
        ip link add "$host" type veth peer name "$node" netns "$ns"
    fi
    ip addr replace "10.213.$x.1/24" dev "$host"
    ip link set "$host" up
    in_ns ip link set lo up
    in_ns ip addr replace "10.213.$x.2/24" dev "$node"
    in_ns ip link set "$node" up
    # Service IPs must be routable for the node's own processes before kube-proxy DNATs them;
    # there is no default route, so nothing leaves the node but toward the host veth.
    in_ns ip route replace "10.215.$x.0/24" dev "$node"
    # Both are per network namespace on this kernel (checked: setting them in a netns leaves the
    # host's value alone). Without bridge-nf-call-iptables bridged pod traffic skips the policies.
    in_ns sysctl -qw net.ipv4.ip_forward=1
    [[ -e /proc/sys/net/bridge/bridge-nf-call-iptables ]] || die "br_netfilter is not loaded (modprobe br_netfilter)"
    in_ns sysctl -qw net.bridge.bridge-nf-call-iptables=1
    ip route replace "10.214.$x.0/24" via "10.213.$x.2" dev "$host"
    ip route replace "10.215.$x.0/24" via "10.213.$x.2" dev "$host"
    log "network: netns $ns, $host 10.213.$x.1 <-> $node 10.213.$x.2, pods 10.214.$x.0/24, services 10.215.$x.0/24"
}

# Appended to tools/kwok-cluster.sh's KwokctlConfiguration (whose last block is `options:`):
# more options, then the components' extra arguments.
kwokctl_config() {
    local x; x=$(index)
    local pki=$workdir/kwok/clusters/$name/pki
    cat <<YAML
  kubeApiserverCertSANs:
  - 10.213.$x.1
  - 10.215.$x.1
  - kubernetes
  - kubernetes.default
  - kubernetes.default.svc
  - kubernetes.default.svc.cluster.local
componentsPatches:
- name: kube-apiserver
  extraArgs:
  - key: service-cluster-ip-range
    value: 10.215.$x.0/24
  - key: advertise-address
    value: 10.213.$x.1
  - key: kubelet-preferred-address-types
    value: InternalIP
  - key: kubelet-client-certificate
    value: $pki/admin.crt
  - key: kubelet-client-key
    value: $pki/admin.key
- name: kube-controller-manager
  extraArgs:
  - key: service-cluster-ip-range
    value: 10.215.$x.0/24
  # Each controller with its own ServiceAccount (as kubeadm does), so admission can tell the Job
  # controller's Pods from anyone else's (the chart's egress-labels policy).
  - key: use-service-account-credentials
    value: "true"
- name: kwok-controller
  extraArgs:
  - key: manage-all-nodes
    value: "false"
    override: true
  - key: manage-nodes-with-annotation-selector
    value: kwok.x-k8s.io/node=fake
  - key: cidr
    value: 10.216.$x.0/24
YAML
}

pid_alive() { local p; p=$(cat "$rn/$1.pid" 2>/dev/null) && [[ -n $p ]] && kill -0 "$p" 2>/dev/null; }

# launch NAME CMD…: a process in the node's netns, in its own session, PID file and log in $rn.
launch() {
    local what=$1; shift
    if pid_alive "$what"; then log "$what already running (pid $(cat "$rn/$what.pid"))"; return; fi
    rm -f "$rn/$what.pid"
    setsid bash -c 'echo $$ >"$1"; shift; exec nsenter --net="$0" -- "$@"' "/run/netns/$ns" "$rn/$what.pid" "$@" \
        >>"$rn/$what.log" 2>&1 </dev/null &
    for _ in $(seq 50); do [[ -s "$rn/$what.pid" ]] && break; sleep 0.1; done
    log "started $what (pid $(cat "$rn/$what.pid"), log $rn/$what.log)"
}

wait_for() { # SECONDS WHAT CMD…
    local secs=$1 what=$2; shift 2
    local end=$(( $(date +%s) + secs ))
    until "$@" >/dev/null 2>&1; do
        (( $(date +%s) < end )) || die "$what not within ${secs}s"
        sleep 0.5
    done
}

ctr_() { ctr --address "$rn/containerd/containerd.sock" -n k8s.io "$@"; }

load_images() {
    local t
    for t in "$@"; do
        [[ -f $t ]] || die "no such image tar: $t"
        ctr_ images import --snapshotter overlayfs "$t" >&2 || die "ctr images import $t failed"
    done
    # As a pull from a registry would: each tagged image also under repository@digest, so that
    # the kubelet reports its digest (Node status.images) and a Pod may name it by digest (a
    # FederatedJob must; so must a TrainingRun on a node with requireDigest).
    local ref digest names
    names=$(ctr_ images ls -q)
    while read -r ref _ digest _; do
        [[ $ref == REF || $ref == *@* || $ref == sha256:* || $digest != sha256:* ]] && continue
        grep -qxF "${ref%:*}@$digest" <<<"$names" ||
            ctr_ images tag "$ref" "${ref%:*}@$digest" >/dev/null || die "ctr images tag $ref failed"
    done < <(ctr_ images ls)
}

# put FILE: stdin into FILE, only if it differs (kube-proxy exits when its config file is rewritten).
put() {
    local tmp; tmp=$(mktemp "$1.XXXXXX")
    cat >"$tmp"
    if cmp -s "$tmp" "$1"; then rm -f "$tmp"; else mv -f "$tmp" "$1"; fi
}

write_configs() {
    local x=$1 images=$2
    mkdir -p "$rn/containerd" "$rn/cni/net.d" "$rn/cni/ipam" "$rn/kubelet" "$rn/pod-logs" "$rn/kube-proxy"
    put "$rn/containerd/config.toml" <<TOML
# containerd of fednode's real test node (tools/real-node.sh); everything under $rn.
version = 2
root = "$rn/containerd/root"
state = "$rn/containerd/state"
disabled_plugins = ["io.containerd.snapshotter.v1.btrfs", "io.containerd.snapshotter.v1.zfs", "io.containerd.snapshotter.v1.aufs", "io.containerd.snapshotter.v1.devmapper", "io.containerd.tracing.processor.v1.otlp", "io.containerd.internal.v1.tracing"]
[grpc]
  address = "$rn/containerd/containerd.sock"
[ttrpc]
  address = "$rn/containerd/containerd.sock.ttrpc"
[debug]
  address = ""
[metrics]
  address = ""
[plugins."io.containerd.internal.v1.opt"]
  path = "$rn/containerd/opt"
[plugins."io.containerd.grpc.v1.cri"]
  sandbox_image = "fednode.local/pause:1"
  restrict_oom_score_adj = true
  netns_mounts_under_state_dir = true
  disable_apparmor = true
  stream_server_address = "127.0.0.1"
  [plugins."io.containerd.grpc.v1.cri".containerd]
    snapshotter = "overlayfs"
    default_runtime_name = "runc"
    [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]
      runtime_type = "io.containerd.runc.v2"
      [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]
        SystemdCgroup = false
        Root = "$rn/containerd/runc"
  [plugins."io.containerd.grpc.v1.cri".cni]
    bin_dir = "/usr/lib/cni"
    conf_dir = "$rn/cni/net.d"
    max_conf_num = 1
TOML
    put "$rn/cni/net.d/10-fednode.conflist" <<JSON
{
  "cniVersion": "0.4.0",
  "name": "fednode",
  "plugins": [
    {
      "type": "bridge",
      "bridge": "fnbr0",
      "isGateway": true,
      "ipMasq": false,
      "hairpinMode": true,
      "ipam": {
        "type": "host-local",
        "dataDir": "$rn/cni/ipam",
        "ranges": [[{"subnet": "10.214.$x.0/24", "gateway": "10.214.$x.1"}]],
        "routes": [{"dst": "0.0.0.0/0"}]
      }
    }
  ]
}
JSON
    # No upstream resolver: names outside the cluster do not resolve (nothing leaves the machine).
    echo "# fednode real node: no upstream DNS" | put "$rn/resolv.conf"
    put "$rn/kubelet-config.yaml" <<YAML
apiVersion: kubelet.config.k8s.io/v1beta1
kind: KubeletConfiguration
address: 10.213.$x.2
port: 10250
readOnlyPort: 0
healthzBindAddress: 127.0.0.1
healthzPort: 10248
authentication:
  anonymous:
    enabled: false
  webhook:
    enabled: true
  x509:
    clientCAFile: $workdir/kwok/clusters/$name/pki/ca.crt
authorization:
  mode: Webhook
cgroupDriver: cgroupfs
cgroupRoot: /$cgroot
cgroupsPerQOS: true
failCgroupV1: false
failSwapOn: false
containerRuntimeEndpoint: unix://$rn/containerd/containerd.sock
imageServiceEndpoint: unix://$rn/containerd/containerd.sock
podLogsDir: $rn/pod-logs
clusterDNS:
- 10.215.$x.10
clusterDomain: cluster.local
resolvConf: $rn/resolv.conf
# Images are imported locally and cannot be pulled again: never collect them.
imageGCHighThresholdPercent: 100
imageGCLowThresholdPercent: 99
evictionHard:
  memory.available: 100Mi
  nodefs.available: 1%
  nodefs.inodesFree: 1%
  imagefs.available: 1%
serializeImagePulls: false
maxPods: 110
registerNode: true
rotateCertificates: false
serverTLSBootstrap: false
shutdownGracePeriod: 0s
YAML
    put "$rn/kube-proxy/config.yaml" <<YAML
apiVersion: kubeproxy.config.k8s.io/v1alpha1
kind: KubeProxyConfiguration
mode: iptables
clusterCIDR: 10.214.$x.0/24
hostnameOverride: $node_name
bindAddress: 10.213.$x.2
healthzBindAddress: 127.0.0.1:10256
metricsBindAddress: 127.0.0.1:10249
nodePortAddresses: ["10.213.$x.0/24"]
clientConnection:
  kubeconfig: $node_kubeconfig
# Leave the (host-wide) conntrack sysctls alone.
conntrack:
  maxPerCore: 0
  min: 0
  tcpEstablishedTimeout: 0s
  tcpCloseWaitTimeout: 0s
iptables:
  localhostNodePorts: false
  masqueradeAll: false
  syncPeriod: 30s
  minSyncPeriod: 1s
YAML
}

coredns_manifest() {
    local x=$1 image=$2
    cat <<YAML
apiVersion: v1
kind: ServiceAccount
metadata: {name: coredns, namespace: kube-system}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: "system:coredns"}
rules:
- apiGroups: [""]
  resources: [endpoints, services, pods, namespaces]
  verbs: [list, watch]
- apiGroups: [discovery.k8s.io]
  resources: [endpointslices]
  verbs: [list, watch]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: "system:coredns"}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: "system:coredns"}
subjects:
- {kind: ServiceAccount, name: coredns, namespace: kube-system}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: coredns, namespace: kube-system}
data:
  Corefile: |
    .:53 {
        errors
        health :8080
        ready :8181
        kubernetes cluster.local in-addr.arpa ip6.arpa {
            pods insecure
            fallthrough in-addr.arpa ip6.arpa
            ttl 30
        }
        cache 30
        loop
        reload
        loadbalance
    }
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: coredns
  namespace: kube-system
  labels: {k8s-app: kube-dns}
spec:
  replicas: 1
  selector:
    matchLabels: {k8s-app: kube-dns}
  template:
    metadata:
      labels: {k8s-app: kube-dns}
    spec:
      serviceAccountName: coredns
      priorityClassName: system-cluster-critical
      dnsPolicy: Default
      nodeSelector: {fednode.io/real-node: "true"}
      # Port 53 as in any cluster, so NetworkPolicies written for DNS (port 53, evaluated after
      # the Service's DNAT) match: a non-root process may bind it through this safe sysctl.
      securityContext:
        runAsNonRoot: true
        runAsUser: 65532
        runAsGroup: 65532
        seccompProfile: {type: RuntimeDefault}
        sysctls: [{name: net.ipv4.ip_unprivileged_port_start, value: "0"}]
      containers:
      - name: coredns
        image: $image
        imagePullPolicy: IfNotPresent
        args: ["-conf", "/etc/coredns/Corefile"]
        ports:
        - {name: dns, containerPort: 53, protocol: UDP}
        - {name: dns-tcp, containerPort: 53, protocol: TCP}
        resources:
          requests: {cpu: 50m, memory: 32Mi}
          limits: {memory: 128Mi}
        securityContext:
          allowPrivilegeEscalation: false
          readOnlyRootFilesystem: true
          capabilities: {drop: [ALL]}
        volumeMounts:
        - {name: config, mountPath: /etc/coredns, readOnly: true}
        readinessProbe:
          httpGet: {path: /ready, port: 8181}
          periodSeconds: 2
        livenessProbe:
          httpGet: {path: /health, port: 8080}
          initialDelaySeconds: 10
          periodSeconds: 10
      volumes:
      - name: config
        configMap: {name: coredns}
---
apiVersion: v1
kind: Service
metadata:
  name: kube-dns
  namespace: kube-system
  labels: {k8s-app: kube-dns}
spec:
  clusterIP: 10.215.$x.10
  selector: {k8s-app: kube-dns}
  ports:
  - {name: dns, port: 53, targetPort: 53, protocol: UDP}
  - {name: dns-tcp, port: 53, targetPort: 53, protocol: TCP}
YAML
}

smoke_manifest() {
    cat <<YAML
apiVersion: v1
kind: Namespace
metadata:
  name: fednode-smoke
  labels:
    pod-security.kubernetes.io/enforce: restricted
---
apiVersion: v1
kind: Pod
metadata: {name: smoke, namespace: fednode-smoke}
spec:
  restartPolicy: Never
  nodeSelector: {fednode.io/real-node: "true"}
  automountServiceAccountToken: false
  securityContext:
    runAsNonRoot: true
    seccompProfile: {type: RuntimeDefault}
  containers:
  - name: smoke
    image: fednode.local/toolbox:1
    imagePullPolicy: IfNotPresent
    command: ["sh", "-c", "id && nslookup kubernetes.default.svc.cluster.local"]
    securityContext:
      allowPrivilegeEscalation: false
      capabilities: {drop: [ALL]}
YAML
}

start() {
    local x; x=$(index) || true
    [[ -n $x && -e /run/netns/$ns ]] || die "no network for $name: run net-up first"
    for b in kubelet kube-proxy kube-router coredns kubectl apiserver-proxy; do
        [[ -x "$bin/$b" && -f "$bin/.$b.ok" ]] || die "$bin/$b missing: run tools/build-k8s.sh"
    done
    local images; images=$("$here/real-node-images.sh")
    local coredns_image; coredns_image=$(cat "$images/coredns.ref")
    write_configs "$x" "$images"
    step "configuration written"

    # The kubelet's volume mounts must propagate to containerd's mounts of the containers.
    mount --make-rshared /
    local c
    for c in /sys/fs/cgroup/*/; do
        [[ $(stat -f -c %T "$c") == cgroup* || $c == */unified/ ]] || continue
        mkdir -p "$c$cgroot" 2>/dev/null || true
    done

    # kube-apiserver listens on 127.0.0.1:PORT (kwokctl); the node and its Pods reach it at
    # 10.213.X.1:PORT, its advertise address, through a forwarder on the host side.
    local server port
    server=$(awk '/server:/ {print $2; exit}' "$kubeconfig")
    port=${server##*:}
    [[ $server == https://127.0.0.1:* && -n $port ]] || die "unexpected API server address $server in $kubeconfig"
    sed "s#server: https://127.0.0.1:$port#server: https://10.213.$x.1:$port#" "$kubeconfig" >"$node_kubeconfig"
    if ! pid_alive apiserver-proxy; then
        rm -f "$rn/apiserver-proxy.pid"
        setsid bash -c 'echo $$ >"$0"; exec "$@"' "$rn/apiserver-proxy.pid" "$bin/apiserver-proxy" \
            -listen "10.213.$x.1:$port" -to "127.0.0.1:$port" -tag "$rn/" >>"$rn/apiserver-proxy.log" 2>&1 </dev/null &
        for _ in $(seq 50); do [[ -s "$rn/apiserver-proxy.pid" ]] && break; sleep 0.1; done
        log "started apiserver-proxy 10.213.$x.1:$port -> 127.0.0.1:$port (pid $(cat "$rn/apiserver-proxy.pid"))"
    fi
    wait_for 30 "API server at 10.213.$x.1:$port" in_ns "$bin/kubectl" --kubeconfig "$node_kubeconfig" get --raw /readyz

    launch containerd containerd --config "$rn/containerd/config.toml"
    wait_for 60 "containerd" ctr --address "$rn/containerd/containerd.sock" version
    load_images "$images/pause.tar" "$images/coredns.tar" "$images/toolbox.tar"
    step "containerd up, images imported (pause, coredns, toolbox)"

    save_sysctls
    launch kubelet "$bin/kubelet" --config="$rn/kubelet-config.yaml" --kubeconfig="$node_kubeconfig" \
        --root-dir="$rn/kubelet" --cert-dir="$rn/kubelet/pki" --hostname-override="$node_name" \
        --node-ip="10.213.$x.2" --node-labels=fednode.io/real-node=true --v=1
    launch kube-proxy "$bin/kube-proxy" --config="$rn/kube-proxy/config.yaml" --v=1
    wait_for 120 "node $node_name registered" kubectl get node "$node_name"
    # kube-router exits if its node does not exist yet.
    launch kube-router "$bin/kube-router" --kubeconfig="$node_kubeconfig" --hostname-override="$node_name" \
        --run-firewall=true --run-router=false --run-service-proxy=false --enable-cni=false \
        --enable-ipv4=true --enable-ipv6=false --service-cluster-ip-range="10.215.$x.0/24" \
        --health-port=0 --metrics-port=0 --v=1
    # GPUs as an extended resource (no hardware here): the capacity the Kubernetes docs' node
    # status patch sets; the kubelet copies capacity to allocatable and keeps it on its updates.
    kubectl patch node "$node_name" --subresource=status --type=json \
        -p '[{"op":"add","path":"/status/capacity/nvidia.com~1gpu","value":"2"}]' >/dev/null
    wait_for 180 "node $node_name Ready" kubectl wait --for=condition=Ready "node/$node_name" --timeout=2s
    # kube-router has synced its first policy rules when its chains exist in the node's filter table.
    wait_for 60 "kube-router firewall" sh -c "nsenter --net=/run/netns/$ns iptables -S KUBE-ROUTER-FORWARD >/dev/null 2>&1"
    for p in kubelet kube-proxy kube-router containerd apiserver-proxy; do
        pid_alive "$p" || { tail -20 "$rn/$p.log" >&2; die "$p exited; see $rn/$p.log"; }
    done
    step "node $node_name Ready (nvidia.com/gpu: 2), kube-proxy and kube-router running"

    coredns_manifest "$x" "$coredns_image" | kubectl apply -f - >/dev/null
    wait_for 180 "CoreDNS Ready" kubectl -n kube-system wait --for=condition=Available deploy/coredns --timeout=2s
    # kube-proxy rejects Service traffic until it has programmed the endpoints: wait for an answer.
    wait_for 60 "cluster DNS answering" nsenter --net=/run/netns/"$ns" \
        busybox nslookup kubernetes.default.svc.cluster.local "10.215.$x.10"
    step "CoreDNS Ready (kube-dns 10.215.$x.10)"

    kubectl delete namespace fednode-smoke --ignore-not-found --wait=true >/dev/null
    smoke_manifest | kubectl apply -f - >/dev/null
    if ! kubectl -n fednode-smoke wait --for=jsonpath='{.status.phase}'=Succeeded pod/smoke --timeout=120s >/dev/null; then
        kubectl -n fednode-smoke describe pod smoke >&2 || true
        kubectl -n fednode-smoke logs smoke >&2 || true
        die "smoke Pod did not succeed"
    fi
    log "smoke Pod: $(kubectl -n fednode-smoke logs smoke | tr '\n' ' ' | cut -c1-200)"
    kubectl delete namespace fednode-smoke --wait=false >/dev/null
    step "smoke Pod (restricted, toolbox image, DNS) ran to completion"
}

# The kubelet sets these host-wide kernel tunables at start (protectKernelDefaults: false; true
# would make it refuse to start on this VM's values). The values from before the first real node
# are kept in $alloc_dir/sysctl.orig and put back when the last real node stops.
kubelet_sysctls=(vm.overcommit_memory vm.panic_on_oom kernel.panic kernel.panic_on_oops
    kernel.keys.root_maxkeys kernel.keys.root_maxbytes)
save_sysctls() {
    (
        flock 9
        [[ -f $alloc_dir/sysctl.orig ]] && exit 0
        for k in "${kubelet_sysctls[@]}"; do echo "$k=$(sysctl -n "$k")"; done >"$alloc_dir/sysctl.orig.tmp"
        mv "$alloc_dir/sysctl.orig.tmp" "$alloc_dir/sysctl.orig"
    ) 9>"$alloc_dir/.lock"
}
restore_sysctls() { # only when no other real node is left
    (
        flock 9
        compgen -G "$alloc_dir/[0-9]*" >/dev/null && exit 0
        [[ -f $alloc_dir/sysctl.orig ]] || exit 0
        while IFS= read -r kv; do sysctl -qw "$kv" || true; done <"$alloc_dir/sysctl.orig"
        rm -f "$alloc_dir/sysctl.orig"
        log "host kernel tunables the kubelet changed are restored"
    ) 9>"$alloc_dir/.lock"
}

# --- stop: every process, mount, cgroup, interface and allocation of this node ---
kill_tree_pids() { # print PIDs whose command line mentions $rn or that live in our cgroups
    local p
    for p in /proc/[0-9]*; do
        p=${p#/proc/}
        [[ $p == "$$" || $p == "$BASHPID" ]] && continue
        if tr '\0' ' ' 2>/dev/null <"/proc/$p/cmdline" | grep -qF -- "$rn/"; then echo "$p"; continue; fi
        if grep -qF ":/$cgroot/" "/proc/$p/cgroup" 2>/dev/null; then echo "$p"; fi
    done
    return 0
}

stop_proc() { # NAME…: SIGTERM to all, then SIGKILL to those still there after 10 s
    local what p pids=() names=()
    for what in "$@"; do
        p=$(cat "$rn/$what.pid" 2>/dev/null) || continue
        if [[ -n $p ]] && kill -0 "$p" 2>/dev/null; then
            kill -TERM "$p" 2>/dev/null || true
            pids+=("$p"); names+=("$what($p)")
        fi
    done
    for _ in $(seq 100); do
        local alive=0
        for p in "${pids[@]}"; do kill -0 "$p" 2>/dev/null && alive=1; done
        ((alive)) || break
        sleep 0.1
    done
    for p in "${pids[@]}"; do kill -KILL "$p" 2>/dev/null || true; done
    ((${#names[@]})) && log "stopped ${names[*]}"
    for what in "$@"; do rm -f "$rn/$what.pid"; done
}

stop() {
    local x; x=$(index 2>/dev/null) || x=
    if [[ -d $rn ]]; then
        stop_proc kubelet
        # Pods first, while containerd still runs: kill every task, so the shims exit cleanly.
        if [[ -S "$rn/containerd/containerd.sock" ]] && pid_alive containerd; then
            local t
            for t in $(ctr_ tasks ls -q 2>/dev/null); do ctr_ tasks kill -a -s SIGKILL "$t" >/dev/null 2>&1 || true; done
            sleep 1
            for t in $(ctr_ tasks ls -q 2>/dev/null); do ctr_ tasks delete -f "$t" >/dev/null 2>&1 || true; done
        fi
        stop_proc kube-router kube-proxy containerd apiserver-proxy
        # Whatever is left (shims, containers, a process of a crashed start): SIGKILL.
        local pids round
        for round in 1 2 3 4 5; do
            pids=$(kill_tree_pids)
            [[ -z $pids ]] && break
            # shellcheck disable=SC2086
            kill -KILL $pids 2>/dev/null || true
            sleep 0.5
        done
        # Mounts under the work directory (overlay rootfs, shm, netns, secrets' tmpfs, the
        # kubelet's bind mounts), deepest first; lazily if busy.
        local m
        for round in 1 2 3; do
            m=$(awk -v d="$rn/" 'index($5, d) == 1 {print $5}' /proc/self/mountinfo | awk '{print length, $0}' | sort -rn | cut -d' ' -f2-)
            [[ -z $m ]] && break
            while read -r mp; do
                mp=$(printf '%b' "$mp")
                umount "$mp" 2>/dev/null || umount -l "$mp" 2>/dev/null || true
            done <<<"$m"
        done
    fi
    # Network: the namespace takes the bridge, pod veths, iptables and ipsets with it.
    if [[ -e /run/netns/$ns ]]; then
        ip netns delete "$ns" 2>/dev/null || { umount -l "/run/netns/$ns" 2>/dev/null; rm -f "/run/netns/$ns"; }
    fi
    # `ip netns add` made /run/netns a bind mount of itself; undo it when no namespace is left.
    if mountpoint -q /run/netns && [[ -z "$(ls -A /run/netns 2>/dev/null)" ]]; then umount /run/netns 2>/dev/null || true; fi
    if [[ -n $x ]]; then
        ip link delete "fn$x-host" 2>/dev/null || true
        ip route delete "10.214.$x.0/24" 2>/dev/null || true
        ip route delete "10.215.$x.0/24" 2>/dev/null || true
    fi
    # cgroups the kubelet made under our cgroup root, in every hierarchy, depth first.
    local d
    for d in /sys/fs/cgroup/*/"$cgroot"; do
        [[ -d $d ]] || continue
        find "$d" -depth -type d -exec rmdir {} \; 2>/dev/null || true
        [[ -d $d ]] && log "cgroup $d not removed (processes left?)"
    done
    # The kubelet links container logs into /var/log/containers (a fixed path).
    if [[ -d /var/log/containers ]]; then
        find /var/log/containers -maxdepth 1 -type l -lname "$rn/*" -delete 2>/dev/null || true
    fi
    if [[ -d $rn ]]; then
        rm -rf "$rn/containerd" "$rn/kubelet" "$rn/cni" 2>/dev/null || log "could not remove all of $rn"
    fi
    # Release the index.
    if [[ -n $x ]]; then
        mkdir -p "$alloc_dir"
        (
            flock 9
            if [[ "$(cat "$alloc_dir/$x" 2>/dev/null)" == "$name $workdir" ]]; then rm -f "$alloc_dir/$x"; fi
        ) 9>"$alloc_dir/.lock"
        rm -f "$rn/index"
    fi
    [[ -d $alloc_dir ]] && restore_sysctls
    step "real node stopped and cleaned"
}

case "$action" in
net-up) net_up ;;
index) index || die "no index allocated for $name" ;;
kwokctl-config) kwokctl_config ;;
start) start ;;
load-image)
    (($#)) || die "load-image: name at least one image tar"
    pid_alive containerd || die "the real node of $name is not running"
    load_images "$@"
    for t in "$@"; do log "imported $t"; done
    ;;
stop) stop ;;
*) die "unknown action $action" ;;
esac
