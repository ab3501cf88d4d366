#!/usr/bin/env bash
# Installs the Debian packages Hearth needs (only the missing ones) and checks the .NET SDK.
# Safe to run again. Used by install.sh and test.sh.
set -euo pipefail

if [ "$(id -u)" != 0 ]; then
  echo "setup-host: run as root (Hearth creates namespaces, cgroups, mounts and loop devices)" >&2
  exit 1
fi

packages=(
  crun            # the OCI runtime of every workspace
  busybox-static  # the busybox image
  debootstrap     # the debian-12 image
  e2fsprogs       # mkfs.ext4, e2fsck, resize2fs for workspace disks
  util-linux      # unshare, mount, losetup
  iproute2        # ip: veth pairs and routes of the workspaces' network
  nftables        # nft: the workspaces' firewall (one table, inet hearth)
  conntrack       # a changed or deleted workspace's open flows are dropped from the connection table
  ca-certificates
  curl            # the install script's health check and the README's first request
  jq
  ripgrep         # content search in workspaces: hearthd ships the host's rg in the agent bundle
  gcc             # NativeAOT links hearth-agent with the system C toolchain
  binutils
  libc6-dev
  docker-registry # the OCI registry on loopback that the registry-pull tests push to and pull from
  skopeo          # fills that registry from an OCI layout a test builds
)

# The official oblien SDK's compatibility tests (tests/compat) need Node.js (18+; where Node
# has no global WebSocket, the preload uses the `ws` package) and npm; a machine that already
# has them (from any source) keeps its own.
command -v node >/dev/null 2>&1 || packages+=(nodejs)
command -v npm >/dev/null 2>&1 || packages+=(npm)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup-host: installing ${missing[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
else
  echo "setup-host: Debian packages present"
fi

if ! command -v dotnet >/dev/null 2>&1; then
  echo "setup-host: the .NET 10 SDK is missing; Debian does not package it. Install it from Microsoft's" >&2
  echo "            packages (dotnet-sdk-10.0) or with dotnet-install.sh, then run this again." >&2
  exit 1
fi
echo "setup-host: dotnet $(dotnet --version)"
