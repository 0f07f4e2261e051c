#!/usr/bin/env bash
# tests/errors: diagnostics golden files. For every tests/errors/NAME.bt,
# `tracetop --dry-run NAME.bt` (run inside tests/errors, so the file name
# prints as NAME.bt) must exit with status 1 and print exactly NAME.err on
# stderr, caret lines included. Parse errors (lex_*, parse_*, spec_*) come
# from the frontend; the sema engineer adds semantic cases the same way.
# When the full binary is not usable, the frontend-only parse driver runs
# instead and cases it accepts (they need sema) are skipped.
# Regenerate with tests/parse/regen.sh --errors [NAME...] and review.
# tier-timeout: 300
set -u
TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
. "$TOP/tests/parse/tool.sh"
[ "$PARSE_FULL" = 1 ] || echo "note: tracetop not usable, using the frontend-only parse_driver"
cd "$TOP/tests/errors" || exit 1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
for bt in *.bt; do
	name=${bt%.bt}
	if [ ! -f "$name.err" ]; then
		echo "FAIL $name: no $name.err (run tests/parse/regen.sh --errors $name)"
		continue
	fi
	timeout 60 "$PARSE_CMD" --dry-run "$bt" >"$tmp/out" 2>"$tmp/err" </dev/null
	rc=$?
	if [ $rc -eq 0 ] && [ "$PARSE_FULL" = 0 ]; then
		echo "SKIP $name: accepted by the parser; needs the full tracetop (sema)"
	elif [ $rc -ne 1 ]; then
		echo "FAIL $name: exit status $rc, expected 1: $(head -1 "$tmp/err")"
	elif ! diff -u "$name.err" "$tmp/err" >"$tmp/diff"; then
		echo "FAIL $name: diagnostics differ"
		sed 's/^/    /' "$tmp/diff" | head -20
	else
		echo "PASS $name"
	fi
done
