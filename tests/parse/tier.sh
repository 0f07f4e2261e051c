#!/usr/bin/env bash
# tests/parse: golden AST dumps. For every tests/parse/NAME.bt, the AST
# printed by `tracetop -d ast NAME.bt` must equal NAME.ast and the exit
# status be 0. Regenerate with tests/parse/regen.sh (review the diff).
# tier-timeout: 120
set -u
TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
. "$TOP/tests/parse/tool.sh"
[ "$PARSE_FULL" = 1 ] || echo "note: tracetop not usable, using the frontend-only parse_driver"
cd "$TOP/tests/parse" || exit 1
for bt in *.bt; do
	name=${bt%.bt}
	if [ ! -f "$name.ast" ]; then
		echo "FAIL $name: no $name.ast (run tests/parse/regen.sh)"
		continue
	fi
	out=$("$PARSE_CMD" -d ast "$bt" 2>&1 >/tmp/parse.$$.out)
	rc=$?
	if [ $rc -ne 0 ]; then
		echo "FAIL $name: exit status $rc: $(echo "$out" | head -1)"
	elif ! diff -u "$name.ast" /tmp/parse.$$.out >/tmp/parse.$$.diff; then
		echo "FAIL $name: AST differs: $(sed -n 4p /tmp/parse.$$.diff)"
		sed 's/^/    /' /tmp/parse.$$.diff | head -20
	elif [ -n "$out" ]; then
		echo "FAIL $name: unexpected stderr: $(echo "$out" | head -1)"
	else
		echo "PASS $name"
	fi
done
rm -f /tmp/parse.$$.out /tmp/parse.$$.diff
