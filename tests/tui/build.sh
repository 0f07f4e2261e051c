#!/bin/sh
# Builds tests/out/tui/ttdrive: the TUI test driver, linked against the
# objects of src/tui, src/model and src/base (no BPF, no LLVM).
set -e
cd "$(dirname "$0")/../.."
out=tests/out/tui
mkdir -p "$out"
objs=""
for f in src/base/*.c src/model/*.c src/tui/*.c; do
	o=build/${f#src/}
	objs="$objs ${o%.c}.o"
done
make -s $objs >&2
rm -f "$out/libtt.a"
ar rcs "$out/libtt.a" $objs
cflags="-O2 -g -std=gnu11 -Wall -Wextra $(pkg-config --cflags ncursesw 2>/dev/null)"
${CC:-cc} $cflags -o "$out/ttdrive" tests/tui/ttdrive.c "$out/libtt.a" \
	$(pkg-config --libs ncursesw 2>/dev/null || echo -lncursesw) -lm
# the same driver with AddressSanitizer/UBSan, from the sources
if [ -z "$NO_ASAN" ]; then
	${CC:-cc} $cflags -O1 -fsanitize=address,undefined -fno-omit-frame-pointer -Wno-format-truncation \
		-o "$out/ttdrive-asan" tests/tui/ttdrive.c src/base/*.c src/model/*.c src/tui/*.c \
		$(pkg-config --libs ncursesw 2>/dev/null || echo -lncursesw) -lm
fi
