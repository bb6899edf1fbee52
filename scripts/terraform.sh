#!/usr/bin/env bash
# Prints the path of a terraform CLI of version 1.8 or later (provider
# functions need 1.8). Uses TF_ACC_TERRAFORM_PATH or the one on PATH when
# recent enough; otherwise builds 1.8.5 from source through the Go module
# proxy into .tools/ (about 2.5 minutes, once; later releases cannot be
# go-installed) and reuses it on later runs.
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
tools="$root/.tools"
want_minor=8

recent_enough() {
	local v
	v="$(CHECKPOINT_DISABLE=1 "$1" version -json 2>/dev/null | sed -n 's/.*"terraform_version": *"\([^"]*\)".*/\1/p')"
	[[ "$v" =~ ^([0-9]+)\.([0-9]+)\.[0-9]+$ ]] || return 1 # pre-releases and -dev builds do not count
	((BASH_REMATCH[1] > 1 || (BASH_REMATCH[1] == 1 && BASH_REMATCH[2] >= want_minor)))
}

for candidate in "${TF_ACC_TERRAFORM_PATH:-}" "$(command -v terraform || true)" "$tools/terraform"; do
	if [[ -n "$candidate" && -x "$candidate" ]] && recent_enough "$candidate"; then
		echo "$candidate"
		exit 0
	fi
done

echo "terraform >= 1.$want_minor not found; building 1.8.5 into $tools (takes a few minutes, once)" >&2
mkdir -p "$tools"
# version.dev=no: otherwise it reports 1.8.5-dev, which ranks below 1.8.5.
GOBIN="$tools" GOFLAGS=-mod=mod go install \
	-ldflags=-X=github.com/hashicorp/terraform/version.dev=no \
	github.com/hashicorp/terraform@v1.8.5 >&2
recent_enough "$tools/terraform" || { echo "built terraform does not report 1.8.5" >&2; exit 1; }
echo "$tools/terraform"
