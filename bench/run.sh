#!/usr/bin/env bash
# Hearth's benchmark (bench/README.md), Hearth on a real hearthd against crun measured in the
# same run. Scenarios, by name (none named: all of them but images, in this order):
#   create  create -> running, delete and the other lifecycle ops against bare crun of the same
#           rootfs, plus a breakdown of where a create's time goes;
#   exec    `true` through the runtime gateway (POST /exec, sync and streamed) against crun exec
#           in the same container;
#   files   a 4 KiB and a 64 MiB file written and read back through the runtime gateway
#           (/files/write, /files/read; 64 MiB also /files/transfer/upload and /download)
#           against the same bytes through crun exec (cat > FILE, cat FILE) in the same container;
#   network the network steps of a create (firewall add, veth attach) by hand next to API creates,
#           TCP throughput and 1-byte round trips between two workspaces against two plain
#           network namespaces on one veth pair, PATCH to effect, and firewall updates with 500
#           workspaces' rules loaded against none;
#   workloads the agent's memory idle, with 10 workloads and after a 10 s burst of their output;
#           log-stream latency (GET .../workloads/:wid/logs/stream) against POST /exec/stream and a
#           crun exec pipe; SSE throughput of a 30 MiB flood of 100-byte lines, every line counted;
#   images  (only when named) the catalogue built cold into an empty image cache (per image and
#           per layer, layers on disk against the images' sizes), create -> running from each
#           cached image against busybox, postgres images until they accept connections, and
#           create -> running from imported images of 1, 8 and 32 layers.
# Publishes hearthd (into artifacts/bench/hearth-bin) if it is missing or older than src/,
# builds the bench, runs it and prints the figures as markdown on stdout (progress on stderr;
# the report is also kept in artifacts/bench/last-run.md).
# Needs root. Usage: bench/run.sh [create] [exec] [files] [network] [workloads] [images] [options]; options go to the bench:
#   create: --sequential N, --concurrent N, --lifecycle N, --breakdown N, --warmup N,
#           --warmup-max N, --paced N;
#   exec:   --exec-sequential N, --exec-warmup N, --exec-warmup-max N, --exec-clients N,
#           --exec-per-client N;
#   files:  --files-small N, --files-large N, --files-warmup N, --files-warmup-max N;
#   network: --network-setup N, --network-seconds N, --network-round-trips N, --network-patches N,
#           --rules-workspaces N, --rules-updates N, --rules-syncs N (--warmup, --warmup-max
#           when create does not run);
#   workloads: --workloads N, --burst-seconds N, --latency-lines N, --latency-rounds N, --flood-mb N;
#   images: --images-only a,b, --image-creates N, --image-warmup N, --postgres-ready N,
#           --keep-images (and --warmup, --warmup-max);
#   all:    --images-dir DIR, --report FILE.
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo"

if [ "$(id -u)" != 0 ]; then
  echo "bench: run as root (sudo bench/run.sh): it creates containers, loop devices, mounts and cgroups" >&2
  exit 1
fi
# sudo's secure_path may not include the SDK.
if ! command -v dotnet >/dev/null 2>&1; then
  for d in /usr/share/dotnet /usr/lib/dotnet "$HOME/.dotnet"; do
    [ -x "$d/dotnet" ] && PATH="$d:$PATH" && break
  done
fi

out="$repo/artifacts/bench"
# The bench publishes into a folder of its own: a test run publishing artifacts/bin meanwhile must
# not swap hearthd under a running benchmark. Hearth.Testing finds it through HEARTH_BIN.
bin="$out/hearth-bin"
stale=""
if [ ! -x "$bin/hearthd" ] || [ ! -x "$bin/hearth-agent" ]; then
  stale="not published yet"
elif [ -n "$(find src Directory.Build.props Directory.Packages.props -type f -newer "$bin/hearthd.dll" -not -path '*/bin/*' -not -path '*/obj/*' -print -quit)" ]; then
  stale="src/ changed since the last publish"
fi
if [ -n "$stale" ]; then
  echo "bench: publishing hearthd into $bin ($stale)" >&2
  OUT="$bin" "$repo/scripts/publish.sh" >&2
fi
export HEARTH_BIN="$bin"
mkdir -p "$out"
echo "bench: building bench/Hearth.Bench" >&2
if ! dotnet build bench/Hearth.Bench/Hearth.Bench.csproj -c Release -o "$out/bin" -nologo -v q >"$out.build.log" 2>&1; then
  cat "$out.build.log" >&2
  exit 1
fi
rm -f "$out.build.log"

exec dotnet "$out/bin/hearth-bench.dll" --report "$out/last-run.md" "$@"
