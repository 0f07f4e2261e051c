#!/usr/bin/env bash
# tests/run.sh [TIER...]: run the test tiers and count their results.
#
# A tier is an executable tests/<tier>/tier.sh. It runs from the top of the
# repository and prints one line per test case, `PASS <name>`,
# `FAIL <name>: <reason>` or `SKIP <name>: <reason>`; other lines are
# allowed. Without arguments every tier runs, in name order.
#
# A tier may say in its first 20 lines:
#   # tier-timeout: SECS   its time limit (default $TIER_TIMEOUT or 600 s);
#                          past it the tier is killed and counts one failure
#   # tier-needs: root     run as root (through sudo -n when we are not root;
#                          the tier is skipped when that is impossible)
# A tier that exits non-zero without printing a FAIL line counts as one
# failure. Every tier's output goes to tests/out/<tier>.log; the FAIL lines
# are repeated at the end, and a failing tier's other lines are shown.
# The last line is `N passed, N failed` (`, N skipped` when some were).
# Exit status: 0 when nothing failed, 1 otherwise.
set -u -o pipefail

top=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$top" || exit 1
out=tests/out
mkdir -p "$out"

if [ $# -gt 0 ]; then
	tiers=()
	for t in "$@"; do
		t=${t#tests/}
		t=${t%/}
		t=${t%/tier.sh}
		if [ ! -x "tests/$t/tier.sh" ]; then
			echo "run.sh: no tier '$t' (no executable tests/$t/tier.sh)" >&2
			exit 2
		fi
		tiers+=("$t")
	done
else
	tiers=()
	for f in tests/*/tier.sh; do
		[ -x "$f" ] || continue
		t=${f#tests/}
		tiers+=("${t%/tier.sh}")
	done
fi

tier_opt() { # tier_opt FILE KEY -> value of "# KEY: value" in its first lines
	head -n 20 "$1" | sed -n "s/^#[[:space:]]*$2:[[:space:]]*\\([^[:space:]]*\\).*/\\1/p" | head -n 1
}

pass=0 fail=0 skip=0
fails=()
start_all=$(date +%s)
for t in "${tiers[@]}"; do
	script=tests/$t/tier.sh
	log=$out/$t.log
	limit=$(tier_opt "$script" tier-timeout)
	limit=${limit:-${TIER_TIMEOUT:-600}}
	runner=()
	if [ "$(tier_opt "$script" tier-needs)" = root ] && [ "$(id -u)" != 0 ]; then
		if sudo -n true 2>/dev/null; then
			runner=(sudo -n --preserve-env)
		else
			echo "SKIP $t: needs root" | tee "$log"
			skip=$((skip + 1))
			continue
		fi
	fi
	echo "== $t (limit ${limit}s)"
	t0=$(date +%s)
	# own process group, so a timeout kills the whole tier
	setsid -w "${runner[@]}" timeout -k 10 "$limit" "$script" >"$log" 2>&1 </dev/null &
	tier_pid=$!
	trap 'kill -TERM -- -$tier_pid 2>/dev/null; exit 130' INT TERM
	wait $tier_pid
	rc=$?
	trap - INT TERM
	secs=$(($(date +%s) - t0))
	np=$(grep -c '^PASS ' "$log")
	nf=$(grep -c '^FAIL ' "$log")
	ns=$(grep -c '^SKIP ' "$log")
	mapfile -t tier_fails < <(grep '^FAIL ' "$log")
	if [ "$rc" = 124 ] || [ "$rc" = 137 ]; then
		tier_fails+=("FAIL $t: tier timed out after ${limit}s")
		nf=$((nf + 1))
	elif [ "$rc" != 0 ] && [ "$nf" = 0 ]; then
		tier_fails+=("FAIL $t: tier.sh exited with status $rc without a FAIL line")
		nf=$((nf + 1))
	fi
	pass=$((pass + np)) fail=$((fail + nf)) skip=$((skip + ns))
	echo "   $t: $np passed, $nf failed, $ns skipped (${secs}s, log $log)"
	if [ "$nf" -gt 0 ]; then
		fails+=("${tier_fails[@]/#/[$t] }")
		echo "---- $t output (PASS lines left out) ----"
		grep -v '^PASS ' "$log" | head -n "${SHOW_LINES:-300}"
		n=$(grep -vc '^PASS ' "$log")
		[ "$n" -gt "${SHOW_LINES:-300}" ] && echo "... ($((n - ${SHOW_LINES:-300})) more lines in $log)"
		echo "---- end of $t output ----"
	fi
done

if [ ${#fails[@]} -gt 0 ]; then
	echo
	echo "Failures:"
	printf '  %s\n' "${fails[@]}"
fi
echo "($(($(date +%s) - start_all))s in all)"
if [ "$skip" -gt 0 ]; then
	echo "$pass passed, $fail failed, $skip skipped"
else
	echo "$pass passed, $fail failed"
fi
[ "$fail" = 0 ]
