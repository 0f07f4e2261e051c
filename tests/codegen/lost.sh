#!/bin/sh
# Lost events: a BEGIN that writes ~1.2 MB of printf records into the
# 512 KiB ring buffer before anyone reads it. The records that do not fit
# are counted in tt_lost and reported as "Lost N events" (N > 0), the rest
# still print (the 400-byte literal needs BPFTRACE_STRLEN past it, as in
# bpftrace); a plain printf program still prints its line and exits at
# once (exit() wakes the reader). Usage: lost.sh TRACETOP OUTDIR
tt=$1
out=$2
x=$(printf '%0400d' 0 | tr 0 x)
cat >"$out/lost.bt" <<BT
BEGIN { \$i = 0; while (\$i < 3000) { printf("%s\n", "$x"); \$i++; } }
interval:ms:200 { exit(); }
BT
BPFTRACE_STRLEN=512 timeout 30 "$tt" "$out/lost.bt" >"$out/lost.out" 2>&1
got=$(grep -c "^$x\$" "$out/lost.out")
lost=$(sed -n 's/^Lost \([0-9]*\) events$/\1/p' "$out/lost.out" | awk '{ s += $1 } END { print s + 0 }')
if [ "$lost" -gt 0 ] && [ "$got" -gt 0 ] && [ $((lost + got)) -eq 3000 ]; then
	echo "PASS cg_lost_events"
else
	echo "FAIL cg_lost_events: printed $got, lost $lost (want both > 0, sum 3000)"
fi

start=$(date +%s%N)
timeout 10 "$tt" -e 'BEGIN { printf("hello %d\n", 42); exit(); }' >"$out/nowake.out" 2>&1
ms=$((($(date +%s%N) - start) / 1000000))
if grep -qx 'hello 42' "$out/nowake.out" && ! grep -q Lost "$out/nowake.out"; then
	echo "PASS cg_printf_no_wakeup (${ms} ms)"
else
	echo "FAIL cg_printf_no_wakeup: $(head -c 100 "$out/nowake.out")"
fi
