#!/bin/sh
# Format tier: the classic text and JSON formatters, the printf engine and
# histogram labels, against goldens produced by bpftrace 0.17 itself
# (cases/*.bt -> *.txt, *.json via regen.sh) plus hand-checked goldens for
# what bpftrace cannot make in BEGIN (synth.*, labels.golden). No root.
cd "$(dirname "$0")/../.." || exit 1
out=build/tests/format
mkdir -p "$out"
# one run at a time: concurrent runs would share $out
exec 9>"$out.lock"
flock 9
srcs="$(ls src/base/*.c src/model/*.c src/output/*.c)"
objs=$(echo "$srcs" | sed 's|^src/|build/|; s|\.c$|.o|')
if ! make -s $objs >"$out/make.log" 2>&1; then
	echo "FAIL format_build: make failed (see $out/make.log)"
	exit 0
fi
if ! cc -std=gnu11 -g -O1 -Wall -Wextra -o "$out/driver" tests/format/driver.c tests/format/units.c $objs -lm \
	>"$out/cc.log" 2>&1; then
	echo "FAIL format_driver_build: cc failed (see $out/cc.log)"
	exit 0
fi
drv="$out/driver"

# compare: NAME EXPECTED ACTUAL
compare() {
	if cmp -s "$2" "$3"; then
		echo "PASS $1"
	else
		first=$(diff "$2" "$3" | sed -n '2p' | cut -c1-60)
		echo "FAIL $1: differs from $2 ($first)"
		diff "$2" "$3" | head -20 | sed 's/^/    /'
	fi
}

# every JSON line must parse, and stay one object per line
json_valid() {
	python3 -c '
import json, sys
for n, line in enumerate(open(sys.argv[1]), 1):
    if not line.strip():
        continue
    try:
        o = json.loads(line)
    except Exception as e:
        print("line %d: %s" % (n, e)); sys.exit(1)
    if not isinstance(o, dict) or "type" not in o:
        print("line %d: not a typed object" % n); sys.exit(1)
' "$1"
}

for bt in tests/format/cases/*.bt; do
	name=$(basename "$bt" .bt)
	for fmt in txt json; do
		golden=tests/format/cases/$name.$fmt
		if [ ! -f "$golden" ]; then
			echo "SKIP format_${name}_$fmt: no golden (run tests/format/regen.sh as root)"
			continue
		fi
		mode=text
		[ $fmt = json ] && mode=json
		"$drv" $mode "$bt" >"$out/$name.$fmt" 2>"$out/$name.$fmt.err"
		compare "format_${name}_$fmt" "$golden" "$out/$name.$fmt"
		if [ $fmt = json ]; then
			if msg=$(json_valid "$out/$name.json"); then
				echo "PASS format_${name}_json_parses"
			else
				echo "FAIL format_${name}_json_parses: $msg"
			fi
		fi
	done
done

"$drv" labels >"$out/labels.out"
compare format_hist_labels tests/format/labels.golden "$out/labels.out"
"$drv" parse tests/format/printf_formats.txt >"$out/printf_formats.out"
compare format_printf_conversion_count tests/format/printf_formats.golden "$out/printf_formats.out"
TZ=UTC "$drv" misc >"$out/misc.out"
compare format_time_join_buf_parse tests/format/misc.golden "$out/misc.out"
if msg=$("$drv" sort); then
	echo "PASS format_sort_order"
else
	echo "FAIL format_sort_order: $(echo "$msg" | tail -1)"
	echo "$msg" | head -5 | sed 's/^/    /'
fi
"$drv" synth text >"$out/synth.txt"
compare format_synth_text tests/format/synth.txt "$out/synth.txt"
"$drv" synth json >"$out/synth.json"
compare format_synth_json tests/format/synth.json "$out/synth.json"
if msg=$(json_valid "$out/synth.json"); then
	echo "PASS format_synth_json_parses"
else
	echo "FAIL format_synth_json_parses: $msg"
fi

# The same cases under AddressSanitizer and UBSan: no error, same output.
if cc -std=gnu11 -g -O1 -fsanitize=address,undefined -fno-sanitize-recover=undefined \
	-o "$out/driver-asan" tests/format/driver.c tests/format/units.c $srcs -lm >"$out/cc-asan.log" 2>&1; then
	bad=
	for bt in tests/format/cases/*.bt; do
		for mode in text json; do
			if ! "$out/driver-asan" $mode "$bt" >"$out/asan.out" 2>"$out/asan.err"; then
				bad="$bad $(basename "$bt" .bt)/$mode"
			fi
		done
	done
	for mode in "synth text" "synth json" labels misc; do
		"$out/driver-asan" $mode >"$out/asan.out" 2>"$out/asan.err" || bad="$bad $mode"
	done
	if [ -z "$bad" ]; then
		echo "PASS format_sanitizers"
	else
		echo "FAIL format_sanitizers:$bad (see $out/asan.err)"
	fi
else
	echo "SKIP format_sanitizers: no sanitizer toolchain (see $out/cc-asan.log)"
fi

# End to end: the same programs through the real binary (root, BPF), whose
# --plain and -f json output must equal bpftrace's goldens byte for byte.
if [ "$(id -u)" != 0 ] || [ ! -x ./tracetop ]; then
	echo "SKIP format_e2e: needs root and ./tracetop (make tracetop)"
	exit 0
fi
# a private copy: others may be relinking ./tracetop while we run
if ! cp ./tracetop "$out/tracetop" || ! "$out/tracetop" --version >/dev/null 2>&1; then
	echo "SKIP format_e2e: ./tracetop is being rebuilt"
	exit 0
fi
for bt in tests/format/cases/*.bt; do
	name=$(basename "$bt" .bt)
	for fmt in txt json; do
		golden=tests/format/cases/$name.$fmt
		[ -f "$golden" ] || continue
		flag=--plain
		[ $fmt = json ] && flag="-f json"
		timeout 30 "$out/tracetop" $flag "$bt" >"$out/e2e_$name.$fmt" 2>"$out/e2e_$name.$fmt.err"
		compare "format_e2e_${name}_$fmt" "$golden" "$out/e2e_$name.$fmt"
	done
done
exit 0
