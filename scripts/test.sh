#!/usr/bin/env bash
# The one test command (README, .ci/run): installs what the tests need, builds, runs every test,
# and ends with a plain "N passed, N failed" line derived from vitest's JSON report.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ ! -d node_modules ]; then npm ci --no-audit --no-fund; fi
bash lab/setup-host.sh --quiet
npm run --silent build
# Formatter and linter (devDependencies prettier, eslint, @eslint/js, typescript-eslint): a finding fails the run.
status=0
if [ -x node_modules/.bin/eslint ] && [ -x node_modules/.bin/prettier ]; then
  npx prettier --check --log-level warn . || status=1
  npx eslint . || status=1
else
  echo "prettier/eslint are not installed (npm ci installs the devDependencies): format and lint not checked" >&2
fi

report=$(mktemp --suffix=.json)
trap 'rm -f "$report"' EXIT
npx vitest run --reporter=default --reporter=json --outputFile.json="$report" "$@" || status=$?
node scripts/summarize-report.mjs "$report" || status=1
exit $status
