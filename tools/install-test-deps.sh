#!/usr/bin/env bash
# Installs the independent tools the test suite and benchmarks check fednode against, from Debian's
# packages and PyPI. Idempotent: does nothing when everything is already there.
set -euo pipefail
log() { printf '[install-test-deps] %s\n' "$*" >&2; }

# Debian packages: independent DICOM readers/validators and peers for the benchmarks.
APT_PACKAGES=(
    python3-pydicom   # real DICOM test files (pydicom/data/test_files) and an independent reader
    dcmtk             # dcmdump
    libgdcm-tools     # gdcmanon, gdcminfo
    dicom3tools       # dciodvfy, dcentvfy
    lua5.1            # runs the shipped Argo CD health check (Argo CD's gopher-lua is Lua 5.1)
    lua-cjson         # JSON for that test's harness
    python3-venv      # bench/anonymiser.sh: venv for the pydicom-based peer (dicognito)
    openssl           # bench/anonymiser.sh: self-signed certificate gdcmanon encrypts with
    time              # bench/anonymiser.sh: /usr/bin/time -v for peak RSS
    bc                # bench/anonymiser.sh: throughput arithmetic
    chromium          # hub: the fleet page test runs it headless
    # The real node of the local cluster (tools/real-node.sh, docs/local-cluster.md):
    containerd        # container runtime (CRI), started as a process per cluster
    runc              # OCI runtime (crun refuses this VM's hybrid cgroups)
    containernetworking-plugins  # CNI bridge + host-local IPAM (/usr/lib/cni)
    iptables          # kube-proxy (iptables mode) and kube-router's firewall
    ipset             # kube-router's NetworkPolicy sets
    conntrack         # kube-proxy clears stale UDP entries (DNS) with it
    iproute2          # ip netns / veth / routes
    util-linux        # nsenter, setsid, flock, mount
    umoci             # pause/coredns/toolbox images (tools/real-node-images.sh)
    skopeo            # OCI layout -> docker-archive tar
    mmdebstrap        # the images' Java 17 base from Debian's packages (tools/build-base-image.sh)
    gcc               # the static pause binary
    libc6-dev         # static libc for it
    busybox-static    # the toolbox image (sh, wget, nc, nslookup)
    docker-registry   # a real OCI registry (CNCF distribution) for oci:// components (OciRegistryServer)
)
missing=()
for p in "${APT_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if ((${#missing[@]})); then
    log "installing Debian packages: ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    SUDO=""; [[ $(id -u) -ne 0 ]] && SUDO=sudo
    $SUDO apt-get update -qq >&2
    $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
else
    log "Debian packages present"
fi
