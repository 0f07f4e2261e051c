#!/usr/bin/env python3
"""jsoncheck: every non-empty line of stdin is one JSON object (parsed with
Python's json module), and each argument, a JSON object, equals one of the
lines. Exit 0 when so; else say what is wrong on stderr and exit 1.
Usage (a btcase CHECK line): python3 {{DIR}}/../jsoncheck.py '{"type": ...}'"""
import json
import sys

objs = []
for no, line in enumerate(sys.stdin.read().splitlines(), 1):
    if not line.strip():
        continue
    try:
        objs.append(json.loads(line))
    except ValueError as e:
        print(f"line {no} is not JSON ({e}): {line!r}", file=sys.stderr)
        sys.exit(1)
for want in sys.argv[1:]:
    w = json.loads(want)
    if w not in objs:
        print(f"no line equals {want}; lines: {objs}", file=sys.stderr)
        sys.exit(1)
