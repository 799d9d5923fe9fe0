#!/bin/sh
# lint_openapi.sh - lints searchd/openapi.json with the NL API Design Rules
# ruleset (Spectral). Exits non-zero when the linter reports an error;
# warnings are shown but do not fail.
#
#   tests/lint_openapi.sh [RULESET]
#
# RULESET defaults to tests/conformance/adr-linter.yaml (a copy of
# ../shared/conformance/adr-linter.yaml). When the ruleset file is absent,
# or npx is not installed, the lint is skipped and the script exits 0.
# Needs the npm registry the first time (npx fetches @stoplight/spectral-cli).

set -eu

root=$(CDPATH='' cd -- "$(dirname -- "$0")/.." && pwd)

if [ $# -gt 1 ]; then
	echo "usage: $0 [RULESET]" >&2
	exit 64
fi
if [ $# -eq 1 ]; then
	case $1 in
	/*) ruleset=$1 ;;
	*) ruleset=$(pwd)/$1 ;;
	esac
else
	ruleset=$root/tests/conformance/adr-linter.yaml
fi

if [ ! -f "$ruleset" ]; then
	echo "lint_openapi: ruleset $ruleset not found: skipped"
	exit 0
fi
if ! command -v npx >/dev/null 2>&1; then
	echo "lint_openapi: npx not found (install Node.js to lint): skipped"
	exit 0
fi

cd "$root"
exec npx --yes @stoplight/spectral-cli@6 lint -r "$ruleset" searchd/openapi.json
