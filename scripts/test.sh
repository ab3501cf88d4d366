#!/usr/bin/env bash
# The README's second command: every test. Installs what is missing, publishes the binaries the
# integration tests run (a real hearthd per test class, real crun containers), then runs the
# unit and integration tests of the whole solution. Needs root.
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo"
"$repo/scripts/setup-host.sh"
"$repo/scripts/publish.sh"

results="$repo/artifacts/test-results"
rm -rf "$results"
status=0
dotnet test Hearth.slnx --logger "trx" --results-directory "$results" "$@" || status=$?

# One closing line that any reader understands, summed over every test project's results.
passed=0; failed=0; skipped=0
for trx in "$results"/*.trx; do
  [ -f "$trx" ] || continue
  counters=$(grep -o '<Counters [^>]*>' "$trx" | head -n 1)
  p=$(sed -n 's/.* passed="\([0-9]*\)".*/\1/p' <<<"$counters"); passed=$((passed + ${p:-0}))
  f=$(sed -n 's/.* failed="\([0-9]*\)".*/\1/p' <<<"$counters"); failed=$((failed + ${f:-0}))
  s=$(sed -n 's/.* notExecuted="\([0-9]*\)".*/\1/p' <<<"$counters"); skipped=$((skipped + ${s:-0}))
done
echo "tests: $passed passed, $failed failed, $skipped skipped"
if [ "$status" = 0 ] && [ "$passed" = 0 ]; then
  echo "tests: no test ran" >&2
  exit 1
fi
exit "$status"
