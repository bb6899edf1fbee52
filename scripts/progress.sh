#!/usr/bin/env bash
# Runs a command that may take long and says so: "==> LABEL" before it, a
# line every PROGRESS_INTERVAL seconds (default 30) while it runs, and how
# long it took at the end. All of it goes to stderr, so that the command's
# stdout can still be captured. Exits with the command's status.
#   scripts/progress.sh "building terraform 1.8.5" go install ...
set -uo pipefail
label=$1
shift
interval=${PROGRESS_INTERVAL:-30}

took() { printf '%dm%02ds' $(($1 / 60)) $(($1 % 60)); }

echo "==> $label" >&2
start=$SECONDS
(
	while :; do
		# sleep's own stdout and stderr are not ours: an orphaned sleep must
		# not keep a pipe that reads our stderr open.
		sleep "$interval" </dev/null >/dev/null 2>&1
		echo "... $label: running for $(took $((SECONDS - start)))" >&2
	done
) &
heartbeat=$!
"$@"
rc=$?
kill "$heartbeat" 2>/dev/null
wait "$heartbeat" 2>/dev/null
if ((rc == 0)); then
	echo "<== $label: done in $(took $((SECONDS - start)))" >&2
else
	echo "<== $label: FAILED (exit $rc) after $(took $((SECONDS - start)))" >&2
fi
exit "$rc"
