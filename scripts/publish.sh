#!/usr/bin/env bash
# Publishes Hearth's binaries into $OUT (default: <repo>/artifacts/bin):
#   hearth-agent  NativeAOT, linux-x64: PID 1 of every workspace, copied into containers with
#                 the libraries `ldd` lists for it. Needs a C toolchain: clang, or else gcc
#                 (with binutils for ld/objcopy and libc6-dev).
#   Hearth.Server, Hearth.Cli  framework-dependent (they need the .NET runtime installed).
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
OUT="${OUT:-$repo/artifacts/bin}"
mkdir -p "$OUT"
OUT="$(cd "$OUT" && pwd)" # absolute: the publishes run from the repository root
cd "$repo"

started=$SECONDS
log="$(mktemp)"
trap 'rm -f "$log"' EXIT

# Runs one publish quietly; prints one line, or the whole build output if it fails.
step() {
  local name="$1"
  shift
  local t0=$SECONDS
  if ! "$@" >"$log" 2>&1; then
    cat "$log" >&2
    echo "publish: $name FAILED after $((SECONDS - t0)) s" >&2
    exit 1
  fi
  echo "publish: $name -> $OUT ($((SECONDS - t0)) s)"
}

step hearth-agent dotnet publish src/Hearth.Agent/Hearth.Agent.csproj -c Release -r linux-x64 -o "$OUT"
# The separated debug symbols are several times the size of the binary and nothing ships them.
rm -f "$OUT/hearth-agent.dbg"

if [ -f src/Hearth.Server/Hearth.Server.csproj ]; then
  step Hearth.Server dotnet publish src/Hearth.Server/Hearth.Server.csproj -c Release -o "$OUT"
else
  echo "publish: Hearth.Server skipped (no project yet)"
fi

if [ -f src/Hearth.Cli/Hearth.Cli.csproj ]; then
  step Hearth.Cli dotnet publish src/Hearth.Cli/Hearth.Cli.csproj -c Release -o "$OUT"
else
  echo "publish: Hearth.Cli skipped (no project yet)"
fi

echo "publish: done in $((SECONDS - started)) s"
