#!/usr/bin/env bash
# The one test command (README, .ci/run): installs what the tests need, builds, runs every test,
# prints how long each phase took, and ends with a plain "N passed, N failed" line derived from
# vitest's JSON reports (always the last line).
# The unit and lab projects run as two vitest runs, one after the other: each phase's time is its
# own, and the lab project's global setup (booting the shared lab) waits until the unit tests are
# done instead of running beside them; vitest already runs the lab files (no file parallelism) after
# the unit files within one run.
# With arguments (test files, vitest options) it runs one vitest with them instead.
set -euo pipefail
cd "$(dirname "$0")/.."

reports=$(mktemp -d)
trap 'rm -rf "$reports"' EXIT
phases=()
# phase NAME COMMAND...: run it, note its time; the caller decides what a failure means.
phase() {
  local name=$1 started=$SECONDS code=0
  shift
  "$@" || code=$?
  phases+=("$name $((SECONDS - started))")
  return $code
}

status=0
# .ci/run installs before calling this and passes the time it took.
if [ -n "${KTHW_INSTALL_SECONDS:-}" ]; then phases+=("install $KTHW_INSTALL_SECONDS"); fi
if [ ! -d node_modules ]; then phase install npm ci --no-audit --no-fund; fi
expected=()
run_vitest() {
  local name=$1
  shift
  expected+=("$reports/$name.json")
  npx vitest run --reporter=default --reporter=json --outputFile.json="$reports/$name.json" "$@"
}
# Formatter and linter (devDependencies prettier, eslint, @eslint/js, typescript-eslint): a finding fails the run.
lint() {
  npx prettier --check --log-level warn . && npx eslint .
}
if [ $# -gt 0 ]; then
  phase host bash lab/setup-host.sh --quiet
  phase build npm run --silent build
  phase tests run_vitest tests "$@" || status=$?
else
  phase host bash lab/setup-host.sh --quiet
  phase image npx tsx scripts/ensure-image.ts
  phase build npm run --silent build
  phase lint lint || status=$?
  phase unit run_vitest unit --project unit || status=$?
  phase lab run_vitest lab --project lab || status=$?
fi

total=0
for entry in "${phases[@]}"; do
  read -r name seconds <<< "$entry"
  total=$((total + seconds))
  printf 'phase %-8s %4dm%02ds\n' "$name" $((seconds / 60)) $((seconds % 60))
done
printf 'phase %-8s %4dm%02ds\n' total $((total / 60)) $((total % 60))
node scripts/summarize-report.mjs "${expected[@]}" || status=1
exit $status
