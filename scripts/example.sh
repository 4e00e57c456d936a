#!/usr/bin/env bash
# The README's first command: start the local engine and registry (installing them if needed),
# then build the bundled example monorepo (images.yaml) with kiln.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -f dist/cli/main.js ] || npm run build
eval "$(bash scripts/services.sh start)"
node bin/kiln.js build "$@"
