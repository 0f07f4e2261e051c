# Sourced by tests/parse/tier.sh, regen.sh and tests/errors/tier.sh.
# Sets PARSE_CMD: the command that parses a program and dumps its AST,
# `tracetop -d ast` when the full binary is built and works, otherwise
# tests/out/bin/parse_driver, built here from the frontend sources alone
# (same output up to the dump; see tests/parse/parse_driver.c).
# Sets PARSE_FULL=1 when PARSE_CMD is the real binary (sema runs too on
# --dry-run), 0 for the driver.
TOP=${TOP:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
# The binary is copied first: others may relink ./tracetop while we run.
# PARSE_DRIVER=1 forces the driver.
PARSE_FULL=0
mkdir -p "$TOP/tests/out/bin"
snap="$TOP/tests/out/bin/tracetop-parse.$$"
if [ -z "${PARSE_DRIVER:-}" ] && [ -x "$TOP/tracetop" ] && cp "$TOP/tracetop" "$snap" 2>/dev/null &&
	"$snap" -d ast -e 'BEGIN { }' >/dev/null 2>&1; then
	mv -f "$snap" "$TOP/tests/out/bin/tracetop-parse"
	PARSE_CMD="$TOP/tests/out/bin/tracetop-parse"
	PARSE_FULL=1
else
	rm -f "$snap"
	drv="$TOP/tests/out/bin/parse_driver"
	srcs="$TOP/tests/parse/parse_driver.c $TOP/src/base/*.c $TOP/src/frontend/lexer.c
	      $TOP/src/frontend/parser*.c $TOP/src/frontend/probespec.c $TOP/src/frontend/ast_dump.c"
	need=0
	[ -x "$drv" ] || need=1
	for s in $srcs "$TOP"/src/bt.h "$TOP"/src/frontend/frontend.h; do
		[ "$s" -nt "$drv" ] && need=1
	done
	if [ $need = 1 ]; then
		# shellcheck disable=SC2086
		gcc -O1 -g -std=gnu11 -Wall -Wextra -o "$drv" $srcs || {
			echo "FAIL build-parse-driver: cannot build tests/parse/parse_driver.c"
			exit 1
		}
	fi
	PARSE_CMD="$drv"
fi
