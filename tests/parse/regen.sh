#!/usr/bin/env bash
# tests/parse/regen.sh [NAME...]: rewrite tests/parse/NAME.ast (all .bt by
# default) from the current parser, and tests/errors/NAME.err for the error
# cases given as tests/errors/NAME (or all with --errors). Review the
# result with `git diff tests/parse tests/errors` before committing.
set -u
TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
. "$TOP/tests/parse/tool.sh"
errors=0
names=()
for a in "$@"; do
	case $a in
	--errors) errors=1 ;;
	*) names+=("$a") ;;
	esac
done
if [ $errors = 1 ]; then
	cd "$TOP/tests/errors" || exit 1
	[ ${#names[@]} -gt 0 ] || names=($(ls *.bt | sed 's/\.bt$//'))
	for n in "${names[@]}"; do
		n=$(basename "$n" .bt)
		"$PARSE_CMD" --dry-run "$n.bt" >/dev/null 2>"$n.err"
		echo "$n: exit $? ($(head -1 "$n.err"))"
	done
	exit 0
fi
cd "$TOP/tests/parse" || exit 1
[ ${#names[@]} -gt 0 ] || names=($(ls *.bt | sed 's/\.bt$//'))
for n in "${names[@]}"; do
	n=$(basename "$n" .bt)
	if ! "$PARSE_CMD" -d ast "$n.bt" >"$n.ast"; then
		echo "$n: parse FAILED" >&2
	fi
done
