#!/usr/bin/env bash
# Runs every fuzz target of the module (func FuzzXxx in a _test.go file) for
# FUZZTIME each. `go test -fuzz` takes one target of one package at a time.
# A failing input is saved under the package's testdata/fuzz/ for replay.
set -euo pipefail
cd "$(dirname "$0")/.."
fuzztime="${FUZZTIME:-30000x}"

ran=0
while read -r file; do
	pkg="./$(dirname "$file")"
	for name in $(grep -oE '^func Fuzz[A-Za-z0-9_]+' "$file" | sed 's/^func //'); do
		scripts/progress.sh "fuzz: $pkg $name for $fuzztime" go test "$pkg" -run '^$' -fuzz "^${name}\$" -fuzztime "$fuzztime"
		ran=$((ran + 1))
	done
done < <(grep -rlE --include='*_test.go' '^func Fuzz[A-Za-z0-9_]+\(' internal | sort)
((ran > 0)) || { echo "fuzz: no fuzz targets found" >&2; exit 1; }
echo "fuzz: $ran targets passed"
