#!/usr/bin/env bash
# Regenerates docs/ offline. tfplugindocs would otherwise download a
# terraform and a registry provider; instead we export the schema of the
# provider built from this tree through a dev_overrides CLI config and hand it
# to tfplugindocs with --providers-schema.
#   scripts/docs.sh          regenerate docs/
#   scripts/docs.sh --check  fail when the committed docs differ from a fresh generation
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
TFPLUGINDOCS_VERSION=v0.25.0

terraform_bin=$("$root/scripts/terraform.sh")
tfplugindocs=$("$root/scripts/tool.sh" tfplugindocs "$TFPLUGINDOCS_VERSION" github.com/hashicorp/terraform-plugin-docs/cmd/tfplugindocs)

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
go build -o "$work/bin/terraform-provider-grafanarbac" .
cat >"$work/cli.tfrc" <<CFG
provider_installation {
  dev_overrides {
    "registry.terraform.io/grafanarbac/grafanarbac" = "$work/bin"
  }
  direct {}
}
CFG
mkdir -p "$work/cfg"
cat >"$work/cfg/main.tf" <<'TF'
terraform {
  required_providers {
    grafanarbac = { source = "grafanarbac/grafanarbac" }
  }
}
TF
# tfplugindocs looks the schema up by the short provider name.
(cd "$work/cfg" && CHECKPOINT_DISABLE=1 TF_CLI_CONFIG_FILE="$work/cli.tfrc" "$terraform_bin" providers schema -json) |
	sed 's#"registry.terraform.io/grafanarbac/grafanarbac"#"grafanarbac"#' >"$work/schema.json"

# tfplugindocs renders below --provider-dir; for --check that is a copy of
# the inputs, so the working tree is never touched.
src=$root
if [ "${1:-}" = "--check" ]; then
	src="$work/src"
	mkdir -p "$src"
	cp -r examples templates "$src"/
	[ -d docs ] && cp -r docs "$src"/
fi
"$tfplugindocs" generate \
	--provider-dir "$src" \
	--provider-name grafanarbac \
	--rendered-provider-name "Grafana RBAC" \
	--providers-schema "$work/schema.json" \
	--rendered-website-dir docs >/dev/null

if [ "${1:-}" = "--check" ]; then
	if ! diff -ru docs "$src/docs"; then
		echo "docs: docs/ is out of date; run 'make docs' and commit the result" >&2
		exit 1
	fi
	echo "docs: up to date"
fi
