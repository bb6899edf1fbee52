#!/usr/bin/env bash
# Prints the path of a Go tool built from source, building it first when
# this machine's tool cache lacks it. The cache is per user, not per clone,
# so a second clone builds nothing:
#   ${GRAFANARBAC_TOOLS:-${XDG_CACHE_HOME:-$HOME/.cache}/terraform-provider-grafanarbac/tools}/NAME-VERSION/NAME
# `make clean-tools` empties it; `make clean` leaves it.
#   scripts/tool.sh NAME VERSION PACKAGE [go install flags...]
#   scripts/tool.sh golangci-lint v2.15.0 github.com/golangci/golangci-lint/v2/cmd/golangci-lint
set -euo pipefail
[ $# -ge 3 ] || { echo "usage: $0 NAME VERSION PACKAGE [go install flags...]" >&2; exit 2; }
name=$1 version=$2 pkg=$3
shift 3

scripts="$(cd "$(dirname "$0")" && pwd)"
root="$(dirname "$scripts")"
tools="${GRAFANARBAC_TOOLS:-${XDG_CACHE_HOME:-$HOME/.cache}/terraform-provider-grafanarbac/tools}"
dir="$tools/$name-$version"
bin="$dir/$name"
if [ -x "$bin" ]; then
	echo "$bin"
	exit 0
fi
mkdir -p "$tools"
# Clones made before the cache kept their tools in .tools/: copy, not rebuild.
for old in "$root/.tools/$name-$version" "$root/.tools/$name-${version#v}"; do
	if [ -f "$old" ] && [ -x "$old" ]; then
		tmp="$(mktemp -d "$tools/.$name-XXXXXX")"
		chmod 755 "$tmp"
		cp "$old" "$tmp/$name"
		mv -T "$tmp" "$dir" 2>/dev/null || rm -rf "$tmp"
		echo "$bin"
		exit 0
	fi
done

# Built beside the cache, then renamed into it: a build that fails or is
# interrupted leaves no half tool, and two clones building at once both end
# with one.
tmp="$(mktemp -d "$tools/.$name-XXXXXX")"
trap 'rm -rf "$tmp"' EXIT
chmod 755 "$tmp"
echo "tools: $name $version is not in $tools yet; building it from source (once per machine)" >&2
GOBIN="$tmp" GOFLAGS=-mod=mod "$scripts/progress.sh" "go install $name $version" go install "$@" "$pkg@$version" >&2
[ -x "$tmp/$name" ] || { echo "go install $pkg@$version made no $name" >&2; exit 1; }
mv -T "$tmp" "$dir" 2>/dev/null || [ -x "$bin" ]
echo "$bin"
