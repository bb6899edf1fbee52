#!/usr/bin/env bash
# Prints the path of a terraform CLI of version 1.8 or later (provider
# functions need 1.8). Uses TF_ACC_TERRAFORM_PATH or the one on PATH when
# recent enough; otherwise builds 1.8.5 from source through the Go module
# proxy into the per-user tool cache (scripts/tool.sh: about 3 minutes on
# 2 cores with a warm Go cache, up to 19 with an empty one; once per machine;
# later releases cannot be go-installed) and reuses it on later runs.
set -euo pipefail

scripts="$(cd "$(dirname "$0")" && pwd)"
want_minor=8
version=v1.8.5

recent_enough() {
	local v
	v="$(CHECKPOINT_DISABLE=1 "$1" version -json 2>/dev/null | sed -n 's/.*"terraform_version": *"\([^"]*\)".*/\1/p')"
	[[ "$v" =~ ^([0-9]+)\.([0-9]+)\.[0-9]+$ ]] || return 1 # pre-releases and -dev builds do not count
	((BASH_REMATCH[1] > 1 || (BASH_REMATCH[1] == 1 && BASH_REMATCH[2] >= want_minor)))
}

# .tools/terraform: where clones made before the tool cache built it.
for candidate in "${TF_ACC_TERRAFORM_PATH:-}" "$(command -v terraform || true)" "$(dirname "$scripts")/.tools/terraform"; do
	if [[ -n "$candidate" && -x "$candidate" ]] && recent_enough "$candidate"; then
		echo "$candidate"
		exit 0
	fi
done

echo "terraform >= 1.$want_minor is neither in TF_ACC_TERRAFORM_PATH nor on PATH" >&2
# version.dev=no: otherwise it reports 1.8.5-dev, which ranks below 1.8.5.
tf="$("$scripts/tool.sh" terraform "$version" github.com/hashicorp/terraform \
	-ldflags=-X=github.com/hashicorp/terraform/version.dev=no)"
recent_enough "$tf" || { echo "$tf does not report terraform ${version#v}" >&2; exit 1; }
echo "$tf"
