#!/usr/bin/env bash
# npm test: the whole suite against each test engine in turn, Docker 20.10 (the oldest API kiln
# supports) then Docker 28 on the containerd image store (what users run). Sequential, because
# both runs share the registries and fixed names. The first failing run stops here with its exit
# code, so the output always ends with the summary of the run that decided the result.
#
#   scripts/test.sh [vitest args...]     e.g. scripts/test.sh test/build
set -euo pipefail
cd "$(dirname "$0")/.."
for engine in legacy modern; do
  echo "kiln tests: KILN_TEST_ENGINE=$engine" >&2
  KILN_TEST_ENGINE=$engine npx vitest run "$@"
done
