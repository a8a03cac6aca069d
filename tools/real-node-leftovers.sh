#!/usr/bin/env bash
# Prints what a deleted local cluster (tools/kwok-cluster.sh delete NAME WORKDIR) left behind, one
# line each: `leftover: <kind>: <what>`; exits 1 if anything is left, 0 (and prints nothing) if not.
# Needs no file of the cluster (its work directory may already be deleted).
#
#   tools/real-node-leftovers.sh NAME WORKDIR
#
# Looks for: processes of the cluster (command line mentioning WORKDIR, or in its cgroups: kubelet,
# containerd, containerd-shim*, kube-proxy, kube-router, coredns, pause, etcd, kube-apiserver, kwok…),
# mounts mentioning WORKDIR or its network namespace, the namespace itself, veth interfaces and
# host routes of 10.213-10.216.X not owned by another live cluster, iptables rules in the host
# namespace mentioning KUBE- or 10.213-10.216., KUBE-* ipsets in the host namespace, cgroup
# directories of its kubelet, container log links into WORKDIR, kernel tunables the kubelets
# changed still not restored when no real node is left.
set -uo pipefail
name=${1:?usage: real-node-leftovers.sh NAME WORKDIR}
workdir=${2:?work directory}
[[ -d $workdir ]] && workdir=$(cd "$workdir" && pwd)
workdir=${workdir%/}
ns=fednode-$name
cgroot=fednode-rn-$name
alloc_dir=/run/fednode-real-node
found=0
say() { echo "leftover: $1: $2"; found=1; }

# An index X belongs to another live cluster when its allocation names another cluster.
owned_by_other() { local f=$alloc_dir/$1; [[ -f $f ]] && [[ "$(cut -d' ' -f1 "$f")" != "$name" ]]; }

# --- processes ---
for p in /proc/[0-9]*; do
    p=${p#/proc/}
    [[ $p == "$$" || $p == "$BASHPID" ]] && continue
    cmd=$(tr '\0' ' ' 2>/dev/null <"/proc/$p/cmdline") || continue
    [[ -z $cmd ]] && continue
    case "$cmd" in *real-node-leftovers.sh*|*"grep "*) continue ;; esac
    if [[ $cmd == *"$workdir/"* ]] || grep -qF ":/$cgroot/" "/proc/$p/cgroup" 2>/dev/null; then
        say process "$p ${cmd:0:200}"
    fi
done

# --- mounts ---
while read -r line; do say mount "$line"; done < <(awk -v d="$workdir/" -v n="/run/netns/$ns" \
    'index($5, d) == 1 || $5 == n || index($4, d) == 1 {print $5 " (" $(NF-2) ")"}' /proc/self/mountinfo)

# --- network namespace, interfaces, routes ---
[[ -e /run/netns/$ns ]] && say netns "$ns"
ip netns list 2>/dev/null | awk '{print $1}' | grep -qx "$ns" && [[ ! -e /run/netns/$ns ]] && say netns "$ns"
while read -r ifc; do
    x=${ifc#fn}; x=${x%-host}
    owned_by_other "$x" || say interface "$ifc"
done < <(ip -o link show 2>/dev/null | awk -F': ' '{print $2}' | cut -d@ -f1 | grep -E '^fn[0-9]+-host$')
while read -r route; do
    x=$(sed -E 's/^10\.21[3-6]\.([0-9]+)\..*/\1/' <<<"$route")
    owned_by_other "$x" || say route "$route"
done < <(ip -4 route show 2>/dev/null | grep -E '^10\.21[3-6]\.')

# --- host-namespace packet filter: nothing of a real node belongs here ---
for t in filter nat mangle raw; do
    while read -r rule; do say iptables "-t $t $rule"; done < <(iptables -t "$t" -S 2>/dev/null | grep -E 'KUBE-|10\.21[3-6]\.')
done
if command -v ipset >/dev/null; then
    while read -r s; do say ipset "$s"; done < <(ipset list -n 2>/dev/null | grep -E '^(inet6:)?KUBE-')
fi

# --- cgroups, container log links ---
for d in /sys/fs/cgroup/*/"$cgroot"; do [[ -d $d ]] && say cgroup "$d"; done
if [[ -d /var/log/containers ]]; then
    while read -r l; do say log-link "$l"; done < <(find /var/log/containers -maxdepth 1 -type l -lname "$workdir/*" 2>/dev/null)
fi
# --- index allocation ---
for f in "$alloc_dir"/[0-9]*; do
    [[ -f $f ]] || continue
    read -r n w <"$f"
    [[ $n == "$name" || $w == "$workdir" ]] && say allocation "$f ($n $w)"
done
if [[ -f $alloc_dir/sysctl.orig ]] && ! compgen -G "$alloc_dir/[0-9]*" >/dev/null; then
    say sysctl "kernel tunables changed by a kubelet not restored ($alloc_dir/sysctl.orig)"
fi
exit $found
