#!/usr/bin/env bash
# The main job from a fresh clone: install what the lab needs, build, boot the built-in local lab
# and open the tutor on it. Extra arguments go to `kthw learn` (e.g. --lab lab/ipv6-ha.yaml).
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -d node_modules ]; then npm ci --no-audit --no-fund; fi
bash lab/setup-host.sh
npm run --silent build
node bin/kthw.js lab up "$@"
exec node bin/kthw.js learn "$@"
