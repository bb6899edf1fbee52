#!/usr/bin/env bash
# Runs `make testacc` through its real-Grafana path (GRAFANA_URL,
# GRAFANA_AUTH) against the emulator started as a separate process, the
# way a user points the tests at a real Grafana. GENERATION picks 8, 12
# (default) or 13; GRAFANA_VERSION a release of it (e.g. 13.3.0).
#   scripts/testacc-external.sh [make variables, e.g. TESTARGS='-run TestAccCustomRole']
set -euo pipefail
dir=$(mktemp -d)
emulator=
cleanup() {
	if [[ -n $emulator ]]; then kill "$emulator" 2>/dev/null || true; wait "$emulator" 2>/dev/null || true; fi
	rm -rf "$dir"
}
trap cleanup EXIT

go build -o "$dir/grafana-emulator" ./internal/emulator/cmd/grafana-emulator
password=acc-$(od -An -N8 -tx1 /dev/urandom | tr -d ' \n')
"$dir/grafana-emulator" --addr 127.0.0.1:0 --ready-file "$dir/url" --generation "${GENERATION:-12}" \
	${GRAFANA_VERSION:+--grafana-version "$GRAFANA_VERSION"} --admin-password "$password" >&2 &
emulator=$!
for _ in $(seq 100); do
	[[ -s $dir/url ]] && break
	kill -0 "$emulator" 2>/dev/null || { echo "testacc-external: the emulator did not start" >&2; exit 1; }
	sleep 0.1
done
[[ -s $dir/url ]] || { echo "testacc-external: the emulator did not say its URL" >&2; exit 1; }
env -u GRAFANA_EMULATOR_GENERATION -u GRAFANA_EMULATOR_VERSION -u GRAFANA_ORG_ID \
	GRAFANA_URL="$(cat "$dir/url")" GRAFANA_AUTH="admin:$password" \
	"${MAKE:-make}" --no-print-directory testacc "$@"
