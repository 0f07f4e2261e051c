#!/bin/sh
# How many arguments bpftrace 0.17 expects for each line of printf_formats.txt
# (from its "Not enough arguments" message) -> printf_formats.golden. Root.
cd "$(dirname "$0")" || exit 1
while IFS= read -r fmt; do
	n=$(bpftrace -e "BEGIN { printf(\"$fmt\"); exit(); }" 2>&1 |
		sed -n 's/.*(0 supplied, \([0-9]*\) expected).*/\1/p' | head -1)
	printf '%s\t%s\n' "${n:-0}" "$fmt"
done <printf_formats.txt >printf_formats.golden
