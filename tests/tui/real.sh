# Sourced by tier.sh: the real ./tracetop in tmux (root, BPF).
# Lessons 4 and 5 of the tutorial under a controlled workload; refresh,
# heat map, exits (q, Ctrl-C, SIGTERM, exit()) restoring the terminal and
# leaving no BPF program attached; a -c command's output in the output
# pane (not over the screen), also when it floods or ignores SIGTERM, and
# on the terminal with --plain. (The dashboard's CPU use and refresh times
# are measured by bench/run.sh tui, not asserted here.)

R=$OUT/real
mkdir -p "$R/bin"
# a copy: others relink ./tracetop while the tests run; themes/ next to it
TT=$R/bin/tracetop
rm -rf "$R/bin/themes" "$TT"
cp -r "$ROOT/themes" "$R/bin/themes"
# a relink in progress leaves an empty or partial file: copy a whole one
for _ in $(seq 60); do
	if [ "$(head -c 4 "$ROOT/tracetop" 2>/dev/null | od -An -c | tr -d ' ')" = '177ELF' ]; then
		# a new file: cp into a leftover keeps its mode (644 from a link
		# caught half-way), and it would never run
		rm -f "$TT.tmp"
		cp "$ROOT/tracetop" "$TT.tmp" 2>/dev/null
		if [ "$(timeout 20 "$TT.tmp" --plain -e 'BEGIN { printf("ok\n"); exit(); }' 2>/dev/null | grep -c '^ok$')" = 1 ]; then
			mv "$TT.tmp" "$TT"
			break
		fi
	fi
	sleep 1
done

# programs (ids) a process holds open or linked, from /proc/PID/fdinfo
progs_of() {
	local pid=$1 fd
	for fd in /proc/"$pid"/fd/*; do
		# program fds, or links (their fdinfo names the program too)
		case "$(readlink "$fd" 2>/dev/null)" in
		anon_inode:bpf-prog | anon_inode:bpf_link) ;;
		*) continue ;;
		esac
		awk '/^prog_id:/ { print $2 }' "/proc/$pid/fdinfo/${fd##*/}" 2>/dev/null
	done | sort -u | tr '\n' ' '
}
# none of the ids is loaded any more (freed asynchronously: wait a little)
progs_gone() {
	local id live
	for _ in $(seq 30); do
		live=""
		for id in $1; do
			bpftool prog show id "$id" >/dev/null 2>&1 && live="$live $id"
		done
		[ -z "$live" ] && return 0
		sleep 0.1
	done
	return 1
}
# after check_restored NAME: the programs IDS seen while it ran are gone;
# fails NAME (and returns 1) when none was seen or one is still loaded
progs_released() {
	local name=$1 ids=$2
	if [ -z "$ids" ]; then
		fail "$name" "no BPF program seen while running"
	elif ! progs_gone "$ids"; then
		fail "$name" "BPF programs still loaded: $ids"
	else
		return 0
	fi
	return 1
}
# q to the dashboard in session S (run dir DIR), wait for it, drop S
quit_session() {
	tm send-keys -t "$1" q
	wait_done "$2" >/dev/null
	tm kill-session -t "$1" 2>/dev/null
}
# wait until the dashboard shows a table or histogram
wait_screen() {
	for _ in $(seq 200); do
		cap "$1" | grep -qE "$2" && return 0
		sleep 0.1
	done
	return 1
}

if [ "$(id -u)" != 0 ]; then
	skip tui-real "needs root (BPF)"
elif [ ! -x "$ROOT/tracetop" ]; then
	skip tui-real "./tracetop not built"
elif [ ! -x "$TT" ]; then
	skip tui-real "./tracetop cannot run a program (BEGIN { printf })"
else
	mountpoint -q /sys/kernel/tracing || mount -t tracefs nodev /sys/kernel/tracing 2>/dev/null
	LOAD=$R/ttload # a dd with a name of its own: its comm identifies our workload
	cp "$(command -v dd)" "$LOAD"
	READER=$R/ttread
	cat >"$READER" <<-'EOF'
		#!/usr/bin/python3
		# reads 1000 bytes at a time, ~2000 times a second: read() returns 1000
		import os, time
		f = os.open("/dev/zero", os.O_RDONLY)
		while True:
		    os.read(f, 1000)
		    time.sleep(0.0005)
	EOF
	chmod +x "$READER"

	# ---- lesson 4: a descending table, refreshed --------------------------
	L4='tracepoint:raw_syscalls:sys_enter { @[comm] = count(); }'
	"$LOAD" if=/dev/zero of=/dev/null bs=1 count=200000000 2>/dev/null &
	loadpid=$!
	start l4 120 30 "$R/l4" "$TT" -e "$L4"
	if ! wait_screen l4 '^KEY'; then
		fail real-lesson4-table "no table within 10 s"
		cap l4 | head -5
	else
		sleep 1.5
		a=$(cap l4)
		vals=$(echo "$a" | table_values)
		if [ "$(echo "$vals" | wc -l)" -ge 3 ] && [ "$(echo "$vals" | sort -n -r)" = "$vals" ] &&
			echo "$a" | grep -q '^ttload '; then
			pass real-lesson4-descending
		else
			fail real-lesson4-descending "values $(echo $vals | head -c 80), ttload row: $(echo "$a" | grep -c '^ttload ')"
		fi
		sleep 1.05
		b=$(cap l4)
		if [ "$a" != "$b" ]; then pass real-lesson4-refresh; else fail real-lesson4-refresh "captures 1 s apart equal"; fi
		ids=$(progs_of "$(cat "$R/l4/pid")")
		tm resize-window -t l4 -x 50 -y 12
		sleep 0.6
		r=$(cap l4)
		tm resize-window -t l4 -x 120 -y 30
		sleep 0.6
		if echo "$r" | grep -q '^KEY' && [ "$(echo "$r" | awk '{ if (length($0) > m) m = length($0) } END { print m }')" -le 50 ] &&
			cap l4 | grep -q 'RATE HISTORY'; then
			pass real-resize
		else
			fail real-resize "not redrawn at 50x12 and back at 120x30"
		fi
		tm send-keys -t l4 / t t l o a d Enter
		sleep 1.2
		f=$(cap l4)
		if echo "$f" | grep -q '^ttload ' && [ "$(echo "$f" | table_values | wc -l)" = 1 ]; then
			pass real-lesson4-filter
		else
			fail real-lesson4-filter "filtered table not one ttload row"
		fi
		# c clears the map in the kernel: ttload's count starts again
		v1=$(cap l4 | sed -nE 's/^ttload +([0-9]+) .*/\1/p')
		tm send-keys -t l4 c
		sleep 1.3
		v2=$(cap l4 | sed -nE 's/^ttload +([0-9]+) .*/\1/p')
		if [ -n "$v1" ] && [ -n "$v2" ] && [ "$v2" -lt "$v1" ] && cap l4 | grep -q 'cleared @'; then
			pass real-key-clear
		else
			fail real-key-clear "ttload $v1 then $v2 after c"
		fi
		tm send-keys -t l4 q
		if check_restored real-lesson4-q-restores l4 "$R/l4" &&
			progs_released real-lesson4-q-restores "$ids"; then
			pass real-lesson4-q-restores
		fi
	fi
	tm kill-session -t l4 2>/dev/null

	kill "$loadpid" 2>/dev/null
	wait "$loadpid" 2>/dev/null

	# ---- lesson 5: the histogram, then the heat map ---------------------------
	"$READER" &
	rdpid=$!
	sleep 0.5
	L5="tracepoint:syscalls:sys_exit_read /pid == $rdpid/ { @bytes = hist(args->ret); }"
	start l5 120 30 "$R/l5" "$TT" -e "$L5"
	if ! wait_screen l5 '^\[512, 1K\) '; then
		fail real-lesson5-hist "no [512, 1K) bucket within 10 s"
		cap l5 | head -8
	else
		sleep 1.2
		h=$(cap l5)
		# the [512, 1K) bucket holds the largest count and a full bar
		top=$(echo "$h" | awk -F'|' '/^[[(]/ && NF >= 3 { n = split($1, a, " "); c = a[n] + 0; if (c > m) { m = c; l = $1 } } END { print l }')
		if echo "$top" | grep -q '^\[512, 1K)' && echo "$h" | grep -q '^\[512, 1K) .*|###' &&
			echo "$h" | grep -q 'p50 [0-9]'; then
			pass real-lesson5-buckets
		else
			fail real-lesson5-buckets "largest bucket: $top"
		fi
		tm send-keys -t l5 H
		heat_start5() { cap l5 | awk '/[0-9KMGTPE\]]\) / { p = index($0, ") ") + 2; r = substr($0, p); if (match(r, /[^ ]/)) { x = p + RSTART; if (!m || x < m) m = x } } END { print m + 0 }'; }
		sleep 1.1
		h1=$(heat_start5)
		sleep 2.05
		h2=$(heat_start5)
		if [ "$h1" -gt 0 ] && [ "$h2" -gt 0 ] && [ "$h2" -le $((h1 - 2)) ]; then
			pass real-lesson5-heat-columns
		else
			fail real-lesson5-heat-columns "oldest column at $h1 then $h2 (2 s later)"
		fi
		ids=$(progs_of "$(cat "$R/l5/pid")")
		tm send-keys -t l5 C-c
		if check_restored real-lesson5-ctrl-c l5 "$R/l5" && progs_released real-lesson5-ctrl-c "$ids"; then
			pass real-lesson5-ctrl-c
		fi
	fi
	tm kill-session -t l5 2>/dev/null
	kill "$rdpid" 2>/dev/null
	wait "$rdpid" 2>/dev/null

	# ---- an interval-driven program: print(@) + clear(@) shows in the panel ----
	start pr 120 25 "$R/pr" "$TT" -e 'tracepoint:raw_syscalls:sys_enter { @[comm] = count(); } interval:s:1 { print(@); clear(@); printf("tick\n"); }'
	if wait_screen pr 'printed'; then
		sleep 2.2
		p=$(cap pr)
		if echo "$p" | grep -q '^>@  count, key string, printed' && echo "$p" | grep -q '^tick' &&
			! echo "$p" | grep -q '^@\[' && [ "$(echo "$p" | table_values | wc -l)" -ge 2 ]; then
			pass real-printed-map-panel
		else
			fail real-printed-map-panel "printed map not in its panel (or printed as text)"
			echo "$p" | head -6
		fi
	else
		fail real-printed-map-panel "no printed panel within 10 s"
	fi
	quit_session pr "$R/pr"

	# ---- themes: --theme NAME from themes/ next to the binary; a bad file -----
	start th 100 25 "$R/th" "$TT" --theme light -e "$L4"
	if wait_screen th '^KEY'; then
		tm send-keys -t th h
		sleep 0.4
		if cap th | grep -q 'theme: light'; then pass real-theme-option; else fail real-theme-option "help does not say theme: light"; fi
		tm send-keys -t th x t
		sleep 0.4
		if cap th | grep -q 'theme mono'; then pass real-theme-cycle; else fail real-theme-cycle "t did not go from light to mono"; fi
	else
		fail real-theme-option "dashboard did not come up"
	fi
	quit_session th "$R/th"
	start tb 100 25 "$R/tb" "$TT" --theme "$ROOT/tests/tui/bad.theme" -e "$L4"
	if wait_screen tb '^KEY'; then
		if cap tb | grep -q 'bad.theme:3: warning: unknown colour role'; then
			pass real-theme-bad-warns
		else
			fail real-theme-bad-warns "no FILE:LINE warning on screen"
		fi
	else
		fail real-theme-bad-warns "dashboard did not come up"
	fi
	quit_session tb "$R/tb"

	# ---- SIGTERM, and the program's own exit() with --print-on-exit ----------
	start st 100 25 "$R/st" "$TT" -e "$L4"
	if wait_screen st '^KEY'; then
		ids=$(progs_of "$(cat "$R/st/pid")")
		kill -TERM "$(cat "$R/st/pid")"
		if check_restored real-sigterm st "$R/st" && progs_released real-sigterm "$ids"; then
			pass real-sigterm
		fi
	else
		fail real-sigterm "dashboard did not come up"
	fi
	tm kill-session -t st 2>/dev/null

	start ex 100 25 "$R/ex" "$TT" --print-on-exit -e "$L4 interval:s:3 { exit(); }"
	if wait_screen ex '^KEY'; then
		ids=$(progs_of "$(cat "$R/ex/pid")")
		if check_restored real-exit-restores ex "$R/ex" && progs_released real-exit-restores "$ids"; then
			if ! cap ex | grep -q '^@\[.*\]: [0-9]'; then
				fail real-exit-restores "no --print-on-exit map dump after the screen"
			else
				pass real-exit-restores
			fi
		fi
	else
		fail real-exit-restores "dashboard did not come up"
	fi
	tm kill-session -t ex 2>/dev/null

	# ---- -c: the command's output goes to the output pane, marked --------------
	CHILD=$R/ttchild
	cat >"$CHILD" <<-'EOF'
		#!/bin/bash
		# numbered lines on stdout and stderr, then it waits to be stopped
		for i in $(seq 1 40); do echo "ttchild out $i"; echo "ttchild err $i" >&2; sleep 0.02; done
		sleep 600
	EOF
	chmod +x "$CHILD"
	start ch 100 30 "$R/ch" "$TT" -c "$CHILD" -e "$L4"
	if wait_screen ch '^\[ttchild\] ttchild err 40$'; then
		sleep 0.3
		c=$(cap ch)
		out_at=$(echo "$c" | grep -n '^ output ' | cut -d: -f1)
		first_child=$(echo "$c" | grep -n 'ttchild \(out\|err\)' | head -1 | cut -d: -f1)
		if ! echo "$c" | head -1 | grep -q '^ tracetop ' || ! echo "$c" | tail -1 | grep -q '^q quit' ||
			! echo "$c" | grep -q '^KEY '; then
			fail real-child-output-pane "dashboard frame not intact"
			echo "$c" | head -8
		elif [ -z "$out_at" ] || [ -z "$first_child" ] || [ "$first_child" -le "$out_at" ]; then
			fail real-child-output-pane "command lines not inside the output pane"
		elif [ "$(echo "$c" | grep -c 'ttchild \(out\|err\)')" != "$(echo "$c" | grep -c '^\[ttchild\] ttchild \(out\|err\) [0-9]*$')" ] ||
			! echo "$c" | grep -q '^\[ttchild\] ttchild out 40$'; then
			fail real-child-output-pane "command lines not each on a marked line of their own"
			echo "$c" | grep 'ttchild' | head -5
		else
			pass real-child-output-pane
		fi
		cpid=$(pgrep -P "$(cat "$R/ch/pid")" | head -1)
		ids=$(progs_of "$(cat "$R/ch/pid")")
		tm send-keys -t ch q
		if check_restored real-child-quit ch "$R/ch"; then
			if [ -z "$cpid" ] || [ -n "$(pgrep -s "$cpid")" ]; then
				fail real-child-quit "the command's session is still there (or none seen): $cpid"
			elif ! progs_released real-child-quit "$ids"; then
				true # failed: it says why
			elif ! cap ch | grep -q '^ttchild out 40$'; then
				fail real-child-quit "the command's lines not printed after the screen closed"
			else
				pass real-child-quit
			fi
		fi
	else
		fail real-child-output-pane "no marked command line within 20 s"
		cap ch | tail -8
	fi
	tm kill-session -t ch 2>/dev/null

	# the command ends by itself: the dashboard closes, its last lines stay
	SHORT=$R/ttshort
	printf '#!/bin/sh\nfor i in 1 2 3; do echo "ttshort line $i"; done\nsleep 2\nprintf "last words"\n' >"$SHORT"
	chmod +x "$SHORT"
	start cs 100 30 "$R/cs" "$TT" -c "$SHORT" -e "$L4"
	if wait_screen cs '^\[ttshort\] ttshort line 3$' && check_restored real-child-exits cs "$R/cs"; then
		if [ "$(cat "$R/cs/rc")" = 0 ] && cap cs | grep -q '^ttshort line 3$' && cap cs | grep -q '^last words$'; then
			pass real-child-exits
		else
			fail real-child-exits "status $(cat "$R/cs/rc"), or its lines not printed after the screen"
		fi
	else
		fail real-child-exits "no marked line, or the dashboard did not close with the command"
	fi
	tm kill-session -t cs 2>/dev/null

	# a flood, and a flood that ignores SIGTERM and SIGHUP: q still ends it all
	FLOOD=$R/ttflood
	printf '#!/bin/bash\ntrap "" TERM HUP\nwhile :; do echo "ttflood flood flood"; done\n' >"$FLOOD"
	chmod +x "$FLOOD"
	for cmd in "yes ttyes" "$FLOOD"; do
		name=$(basename "${cmd%% *}")
		start fl 100 30 "$R/fl" "$TT" -c "$cmd" -e "$L4"
		if wait_screen fl "^\\[$name\\] tt"; then
			c=$(cap fl)
			cpid=$(pgrep -P "$(cat "$R/fl/pid")" | head -1)
			if ! echo "$c" | head -1 | grep -q '^ tracetop ' || ! echo "$c" | tail -1 | grep -q '^q quit' ||
				echo "$c" | grep -q '^ttflood flood\|^ttyes$'; then
				fail "real-child-flood-$name" "frame not intact under the flood"
			fi
			tm send-keys -t fl q
			if check_restored "real-child-flood-$name" fl "$R/fl"; then
				if [ -n "$cpid" ] && [ -z "$(pgrep -s "$cpid")" ]; then
					pass "real-child-flood-$name"
				else
					fail "real-child-flood-$name" "the command is still running (or none seen): $cpid"
				fi
			fi
		else
			fail "real-child-flood-$name" "no marked line"
		fi
		tm kill-session -t fl 2>/dev/null
	done

	# --plain: the command inherits the terminal, as with bpftrace
	start cp 100 30 "$R/cp" "$TT" --plain -c "$SHORT" -e 'BEGIN { printf("ttbegin\n"); }'
	if check_restored real-child-plain cp "$R/cp"; then
		c=$(cap cp)
		if echo "$c" | grep -q '^ttbegin$' && echo "$c" | grep -q '^ttshort line 3$' && ! echo "$c" | grep -q '\[ttshort\]'; then
			pass real-child-plain
		else
			fail real-child-plain "the command's lines not on the terminal as written"
		fi
	fi
	tm kill-session -t cp 2>/dev/null
fi
