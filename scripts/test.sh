#!/usr/bin/env bash
# The one test command (README, .ci/run): installs what the tests need, builds, runs every test,
# and ends with a plain "N passed, N failed" line derived from vitest's JSON report.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ ! -d node_modules ]; then npm ci --no-audit --no-fund; fi
bash lab/setup-host.sh --quiet
npm run --silent build

report=$(mktemp --suffix=.json)
trap 'rm -f "$report"' EXIT
status=0
npx vitest run --reporter=default --reporter=json --outputFile.json="$report" "$@" || status=$?
node scripts/summarize-report.mjs "$report" || status=1
exit $status
