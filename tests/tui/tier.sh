#!/bin/bash
# tier-timeout: 600
# The TUI tier.
#  1. golden screens: tests/tui/*.script rendered headless by ttdrive (the
#     TUI fed scripted snapshots through its source API) and compared with
#     *.screen. UPDATE=1 rewrites the goldens.
#  2. themes: every themes/*.theme loads without a warning; a bad theme
#     gives the expected FILE:LINE warnings.
#  3. tmux, the driver: the real tui_run on a real terminal (render, keys,
#     resize, q / Ctrl-C / SIGTERM / program exit restore the terminal).
#  4. tmux, the real binary (root, BPF): lesson 4 and 5 of the tutorial under
#     a controlled workload, heat map columns, exits leave nothing attached.
# Prints PASS/FAIL/SKIP lines. TUI_TIER_ONLY=golden|theme|driver|real limits it.
cd "$(dirname "$0")/../.." || exit 1
ROOT=$PWD
OUT=$ROOT/tests/out/tui
mkdir -p "$OUT"
DRIVE=$OUT/ttdrive
ONLY=${TUI_TIER_ONLY:-}

pass() { echo "PASS $1"; }
fail() { echo "FAIL $1: $2"; }
skip() { echo "SKIP $1: $2"; }
want() { [ -z "$ONLY" ] || [ "$ONLY" = "$1" ]; }

if ! tests/tui/build.sh >"$OUT/build.log" 2>&1; then
	fail tui-build "ttdrive does not build (see $OUT/build.log)"
	tail -5 "$OUT/build.log"
	exit 0
fi

# ---- 1. golden screens ------------------------------------------------------
if want golden; then
	for s in tests/tui/*.script; do
		name=$(basename "$s" .script)
		golden=tests/tui/$name.screen
		if ! "$DRIVE" --dump "$s" >"$OUT/$name.screen" 2>"$OUT/$name.err"; then
			fail "screen-$name" "ttdrive failed: $(head -1 "$OUT/$name.err")"
			continue
		fi
		if [ -n "$UPDATE" ]; then
			cp "$OUT/$name.screen" "$golden"
			pass "screen-$name (updated)"
		elif [ ! -f "$golden" ]; then
			fail "screen-$name" "no golden $golden (run with UPDATE=1)"
		elif diff -u "$golden" "$OUT/$name.screen" >"$OUT/$name.diff"; then
			pass "screen-$name"
		else
			fail "screen-$name" "differs from golden (see $OUT/$name.diff)"
			head -20 "$OUT/$name.diff"
		fi
	done
fi

# ---- 1a. the same screens under AddressSanitizer/UBSan ---------------------------
if want golden && [ -x "$OUT/ttdrive-asan" ]; then
	for s in tests/tui/*.script; do
		name=$(basename "$s" .script)
		if ASAN_OPTIONS=detect_leaks=1 "$OUT/ttdrive-asan" --dump "$s" >"$OUT/$name.asan" 2>"$OUT/$name.asan.err" &&
			[ ! -s "$OUT/$name.asan.err" ] && cmp -s "$OUT/$name.asan" "tests/tui/$name.screen"; then
			pass "asan-$name"
		else
			fail "asan-$name" "sanitizer report or different screen (see $OUT/$name.asan.err)"
		fi
	done
fi

# ---- 2. themes ----------------------------------------------------------------
if want theme; then
	for f in themes/*.theme; do
		name=$(basename "$f" .theme)
		w=$("$DRIVE" --check-theme "$f" 2>&1)
		if [ $? -eq 0 ] && [ -z "$w" ]; then
			pass "theme-$name"
		else
			fail "theme-$name" "warnings: $(echo "$w" | head -1)"
		fi
	done
	for t in default mono solarized-dark light high-contrast; do
		[ -f "themes/$t.theme" ] || fail "theme-present-$t" "themes/$t.theme missing"
	done
	w=$("$DRIVE" --check-theme tests/tui/bad.theme)
	if [ "$w" = "$(cat tests/tui/bad.theme.expected)" ]; then
		pass theme-bad-warnings
	else
		fail theme-bad-warnings "got: $(echo "$w" | head -2 | tr '\n' ' ')"
	fi
	# an unknown theme name falls back to the default with a warning
	w=$("$DRIVE" --load-theme no-such-theme | head -2)
	if echo "$w" | grep -q "theme 'no-such-theme' not found" && echo "$w" | grep -q "loaded default"; then
		pass theme-missing-falls-back
	else
		fail theme-missing-falls-back "got: $w"
	fi
	# a bad file still loads: good lines applied, bad roles keep the default
	w=$("$DRIVE" --load-theme "$ROOT/tests/tui/bad.theme")
	if echo "$w" | grep -q '^selected -1 -1 2$' && echo "$w" | grep -q '^key -1 -1 0$'; then
		pass theme-bad-file-partial
	else
		fail theme-bad-file-partial "roles not as expected"
	fi
fi

# ---- tmux helpers ---------------------------------------------------------------
TMUX_SOCK=tracetop-tui-test-$$
tm() { tmux -L "$TMUX_SOCK" "$@"; }
cleanup() { tm kill-server 2>/dev/null; }
trap cleanup EXIT

# start SESSION W H DIR CMD...: run CMD in a wrapper that records the tty
# state before and after, the pid, and the exit status
start() {
	local s=$1 w=$2 h=$3 dir=$4
	shift 4
	mkdir -p "$dir"
	rm -f "$dir"/{before,after,pid,rc,done}
	cat >"$dir/run.sh" <<-EOF
		#!/bin/bash
		stty -g >"$dir/before"
		bash -c 'echo \$\$ >"$dir/pid"; exec "\$@"' x $(printf '%q ' "$@")
		echo \$? >"$dir/rc"
		stty -g >"$dir/after"
		echo AFTER-EXIT
		touch "$dir/done"
		sleep 600
	EOF
	chmod +x "$dir/run.sh"
	tm new-session -d -s "$s" -x "$w" -y "$h" "$dir/run.sh"
	for _ in $(seq 50); do
		[ -s "$dir/pid" ] && return 0
		sleep 0.1
	done
	return 1
}
cap() { tm capture-pane -p -t "$1"; }
# the VALUE column of the table rows on a captured screen
table_values() { sed -nE 's/^.*[^ ] {2,}([0-9.]+[KMGT]?) +([0-9.]+[KMGT]?|-) +[0-9]+%.*/\1/p'; }
alt_on() { tm display -p -t "$1" '#{alternate_on}'; }
wait_done() {
	for _ in $(seq "${2:-50}"); do
		[ -f "$1/done" ] && return 0
		sleep 0.1
	done
	return 1
}
# restored NAME DIR: the program ended, the tty is back as it was
check_restored() {
	local name=$1 s=$2 dir=$3
	if ! wait_done "$dir"; then
		fail "$name" "did not exit"
		kill "$(cat "$dir/pid")" 2>/dev/null
		return 1
	fi
	sleep 0.2
	if [ "$(alt_on "$s")" != 0 ]; then
		fail "$name" "alternate screen still on"
	elif ! cmp -s "$dir/before" "$dir/after"; then
		fail "$name" "terminal modes differ after exit"
	elif ! cap "$s" | grep -q AFTER-EXIT; then
		fail "$name" "shell output not visible after exit"
	else
		return 0
	fi
	return 1
}

if ! command -v tmux >/dev/null; then
	want driver && skip tui-tmux "tmux not installed"
	want real && skip tui-real "tmux not installed"
	exit 0
fi

# ---- 3. the driver on a real terminal -------------------------------------------
if want driver; then
	D=$OUT/tty
	# render and refresh: lesson 4 snapshots, values keep growing
	start drv 100 30 "$D/render" "$DRIVE" --tty tests/tui/lesson4.script
	sleep 1.5
	a=$(cap drv)
	if echo "$a" | grep -q '^ tracetop' && echo "$a" | grep -q 'dd ' && echo "$a" | grep -q 'q quit'; then
		pass tty-render
	else
		fail tty-render "header/table/hints not seen"
		echo "$a" | head -5
	fi
	sleep 1.2
	b=$(cap drv)
	if [ "$a" != "$b" ]; then pass tty-refresh-differs; else fail tty-refresh-differs "two captures 1.2s apart are equal"; fi
	# descending values in the table
	vals=$(echo "$b" | table_values)
	if [ -n "$vals" ] && [ "$(echo "$vals" | sort -n -r)" = "$vals" ]; then
		pass tty-descending
	else
		fail tty-descending "values: $(echo $vals)"
	fi
	# keys: help, pause, filter, zoom, sort
	tm send-keys -t drv h
	sleep 0.5
	if cap drv | grep -q 'tracetop keys'; then pass tty-key-help; else fail tty-key-help "no help overlay"; fi
	tm send-keys -t drv x
	sleep 0.5
	if cap drv | grep -q 'tracetop keys'; then fail tty-key-help-close "help still shown"; else pass tty-key-help-close; fi
	tm send-keys -t drv p
	sleep 0.5
	c1=$(cap drv)
	if echo "$c1" | head -1 | grep -q PAUSED; then pass tty-key-pause; else fail tty-key-pause "no PAUSED"; fi
	sleep 1.3
	c2=$(cap drv)
	if [ "$(echo "$c1" | sed -n '2,25p')" = "$(echo "$c2" | sed -n '2,25p')" ]; then
		pass tty-pause-freezes
	else
		fail tty-pause-freezes "panels changed while paused"
	fi
	tm send-keys -t drv space
	sleep 0.5
	if cap drv | head -1 | grep -q PAUSED; then fail tty-key-resume "still PAUSED"; else pass tty-key-resume; fi
	tm send-keys -t drv / s s Enter
	sleep 0.5
	f=$(cap drv)
	if echo "$f" | grep -q '^sshd' && ! echo "$f" | grep -q '^bash' && echo "$f" | grep -q 'filter: ss'; then
		pass tty-key-filter
	else
		fail tty-key-filter "filter not applied"
	fi
	tm send-keys -t drv / Escape
	sleep 0.5
	if cap drv | grep -q '^bash'; then pass tty-key-filter-clear; else fail tty-key-filter-clear "rows still filtered"; fi
	tm send-keys -t drv s
	sleep 0.5
	if cap drv | grep -q 'RATE/sv'; then pass tty-key-sort; else fail tty-key-sort "sort did not move to RATE/s"; fi
	tm send-keys -t drv r
	sleep 0.5
	if cap drv | grep -q 'RATE/s^'; then pass tty-key-reverse; else fail tty-key-reverse "no reversed marker"; fi
	tm send-keys -t drv +
	sleep 0.5
	if cap drv | head -1 | grep -q 'every 2s'; then pass tty-key-interval; else fail tty-key-interval "interval not 2s"; fi
	tm send-keys -t drv - t
	sleep 0.5
	if cap drv | grep -q 'theme mono'; then pass tty-key-theme; else fail tty-key-theme "theme did not cycle to mono"; fi
	# resize: smaller, too small, back
	tm resize-window -t drv -x 50 -y 14
	sleep 0.5
	r=$(cap drv)
	if echo "$r" | head -1 | grep -q tracetop && [ "$(echo "$r" | awk '{ if (length($0) > m) m = length($0) } END { print m }')" -le 50 ]; then
		pass tty-resize-small
	else
		fail tty-resize-small "not redrawn at 50x14"
	fi
	tm resize-window -t drv -x 30 -y 8
	sleep 0.5
	if cap drv | grep -q 'terminal too small'; then pass tty-resize-too-small; else fail tty-resize-too-small "no notice at 30x8"; fi
	tm resize-window -t drv -x 100 -y 30
	sleep 0.5
	if cap drv | grep -q '^KEY'; then pass tty-resize-back; else fail tty-resize-back "table not back at 100x30"; fi
	tm send-keys -t drv q
	if check_restored tty-quit-restores drv "$D/render"; then
		if cap drv | grep -q 'reason quit'; then pass tty-quit-restores; else fail tty-quit-restores "no quit reason"; fi
	fi
	tm kill-session -t drv

	# Ctrl-C and SIGTERM (the driver has no handler of its own: the TUI's)
	start drv2 80 24 "$D/sigint" "$DRIVE" --tty tests/tui/lesson4.script
	sleep 1
	tm send-keys -t drv2 C-c
	if check_restored tty-ctrl-c-restores drv2 "$D/sigint"; then
		if cap drv2 | grep -q 'reason signal'; then pass tty-ctrl-c-restores; else fail tty-ctrl-c-restores "no signal reason"; fi
	fi
	tm kill-session -t drv2
	start drv3 80 24 "$D/sigterm" "$DRIVE" --tty tests/tui/lesson4.script
	sleep 1
	kill -TERM "$(cat "$D/sigterm/pid")"
	if check_restored tty-sigterm-restores drv3 "$D/sigterm"; then
		if cap drv3 | grep -q 'signal 15'; then pass tty-sigterm-restores; else fail tty-sigterm-restores "no SIGTERM reason"; fi
	fi
	tm kill-session -t drv3
	# the program's own exit (poll returns 1 after 3 snapshots)
	printf 'exit 3\n' | cat - tests/tui/lesson4.script >"$D/exit.script"
	start drv4 80 24 "$D/exit" "$DRIVE" --tty "$D/exit.script"
	if check_restored tty-program-exit-restores drv4 "$D/exit"; then
		if cap drv4 | grep -q 'reason program'; then pass tty-program-exit-restores; else fail tty-program-exit-restores "no program reason"; fi
	fi
	tm kill-session -t drv4
	# focus, zoom, rate mode, clear, scrolling (the log pane)
	printf 'opt textrate=20\n' | cat - tests/tui/dashboard.script | grep -v '^key\|^type\|^dump\|^size' >"$D/dash.script"
	start drv6 100 40 "$D/dash" "$DRIVE" --tty "$D/dash.script"
	sleep 1.5
	tm send-keys -t drv6 Tab
	sleep 0.5
	if cap drv6 | grep -q '^>@ns '; then pass tty-key-tab; else fail tty-key-tab "focus not on the second panel"; fi
	tm send-keys -t drv6 BTab
	sleep 0.5
	if cap drv6 | grep -q '^>@by '; then pass tty-key-shift-tab; else fail tty-key-shift-tab "focus not back on the first panel"; fi
	tm send-keys -t drv6 Enter
	sleep 0.5
	z=$(cap drv6)
	if echo "$z" | grep -q '^>@by ' && ! echo "$z" | grep -q '^ @ns '; then pass tty-key-zoom; else fail tty-key-zoom "other panels still shown"; fi
	tm send-keys -t drv6 Enter
	sleep 0.5
	if cap drv6 | grep -q '^ @ns '; then pass tty-key-unzoom; else fail tty-key-unzoom "panels not back"; fi
	tm send-keys -t drv6 d
	sleep 0.5
	if cap drv6 | grep -q 'share of rate'; then pass tty-key-rate-total; else fail tty-key-rate-total "no rate mode"; fi
	tm send-keys -t drv6 d c
	sleep 0.5
	if cap drv6 | grep -q 'cleared @by'; then pass tty-key-clear; else fail tty-key-clear "no clear status"; fi
	tm send-keys -t drv6 BTab Up Up Up
	sleep 0.5
	if cap drv6 | grep -qE '^>output .* ([3-9]|[1-9][0-9]+) below'; then pass tty-key-scroll-up; else fail tty-key-scroll-up "log not scrolled up"; fi
	tm send-keys -t drv6 End
	sleep 0.5
	if cap drv6 | grep -q '^>output .* below'; then fail tty-key-end "log still scrolled"; else pass tty-key-end; fi
	tm send-keys -t drv6 Home
	sleep 0.5
	l=$(cap drv6)
	if echo "$l" | grep -q '^>output .* below' && echo "$l" | grep -q '^read bash'; then pass tty-key-home; else fail tty-key-home "log not at its first line"; fi
	tm send-keys -t drv6 PgDn
	sleep 0.5
	if cap drv6 | grep -q '^read bash'; then fail tty-key-pgdn "still at the first line"; else pass tty-key-pgdn; fi
	tm send-keys -t drv6 q
	check_restored tty-dash-quit drv6 "$D/dash" && pass tty-dash-quit
	tm kill-session -t drv6

	# NO_COLOR: attributes only, no colour escapes
	start drv7 80 24 "$D/nocolor" env NO_COLOR=1 "$DRIVE" --tty tests/tui/lesson4.script
	sleep 1.2
	e=$(tm capture-pane -e -p -t drv7)
	if echo "$e" | grep -q $'\e\[7m' && ! echo "$e" | grep -qE $'\e\\[([0-9;]*;)?(3[0-7]|4[0-7]|38;5)'; then
		pass tty-no-color
	else
		fail tty-no-color "colour escapes with NO_COLOR set (or no reverse video)"
	fi
	tm send-keys -t drv7 q
	wait_done "$D/nocolor" >/dev/null
	tm kill-session -t drv7
	start drv8 80 24 "$D/color" "$DRIVE" --tty tests/tui/lesson4.script
	sleep 1.2
	if tm capture-pane -e -p -t drv8 | grep -qE $'\e\\[([0-9;]*;)?(3[0-7]|4[0-7])'; then
		pass tty-color
	else
		fail tty-color "no colour escapes without NO_COLOR"
	fi
	tm send-keys -t drv8 q
	wait_done "$D/color" >/dev/null
	tm kill-session -t drv8

	# a crash (SIGSEGV) and an exit() from anywhere still restore the terminal
	printf 'crash 2\n' | cat - tests/tui/lesson4.script >"$D/crash.script"
	start drv9 80 24 "$D/crash" "$DRIVE" --tty "$D/crash.script"
	if check_restored tty-crash-restores drv9 "$D/crash"; then
		if [ "$(cat "$D/crash/rc")" = 139 ]; then pass tty-crash-restores; else fail tty-crash-restores "exit status $(cat "$D/crash/rc"), not SIGSEGV's 139"; fi
	fi
	tm kill-session -t drv9
	printf 'die 2\n' | cat - tests/tui/lesson4.script >"$D/die.script"
	start drv10 80 24 "$D/die" "$DRIVE" --tty "$D/die.script"
	if check_restored tty-exit-call-restores drv10 "$D/die"; then
		if [ "$(cat "$D/die/rc")" = 3 ]; then pass tty-exit-call-restores; else fail tty-exit-call-restores "exit status $(cat "$D/die/rc")"; fi
	fi
	tm kill-session -t drv10

	# heat map: a new column per interval
	start drv5 100 30 "$D/heat" "$DRIVE" --tty tests/tui/lesson5.script
	sleep 0.5
	tm send-keys -t drv5 H
	sleep 2.2
	# where the oldest non-empty column starts (newest is at the right edge)
	heat_start() { cap drv5 | awk '/[0-9KMGTPE\]]\) / { p = index($0, ") ") + 2; r = substr($0, p); if (match(r, /[^ ]/)) { x = p + RSTART; if (!m || x < m) m = x } } END { print m + 0 }'; }
	h1=$(heat_start)
	sleep 2.05
	h2=$(heat_start)
	if [ "$h1" -gt 0 ] && [ "$h2" -gt 0 ] && [ "$h2" -lt "$h1" ]; then
		pass tty-heat-new-column
	else
		fail tty-heat-new-column "oldest column at $h1 then $h2"
	fi
	tm send-keys -t drv5 q
	check_restored tty-heat-quit drv5 "$D/heat" && pass tty-heat-quit
	tm kill-session -t drv5
fi

# ---- 4. the real binary -----------------------------------------------------------
if want real; then
	. tests/tui/real.sh
fi
exit 0
