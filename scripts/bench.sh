#!/usr/bin/env bash
# `make bench`: benchmarks the provider at estate scale against the emulator
# and rewrites BENCHMARKS.md. Arguments go to internal/bench, e.g.
#   scripts/bench.sh -n 100,1000 -generation 12
# Slow (minutes): not part of `make test`.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v go >/dev/null || export PATH="/usr/local/go/bin:$PATH"
export CHECKPOINT_DISABLE=1
exec go run ./internal/bench "$@"
