#!/usr/bin/env python3
"""checkout: checks the shape of bpftrace classic output whose values vary
from run to run (live workloads), for CHECK lines of the case files.

  checkout.py hist [--map NAME]... < stdout
      every histogram block is well formed: `@name[key]: ` then rows of
      16-column label, 8-column count, ` |`, a 52-column bar of
      floor(count * 52 / max) '@', `|`; labels contiguous ([lo, hi) rows
      follow each other, log2 or linear), first and last row non-zero;
      with --map, those maps must be among the histograms.
  checkout.py counts [--map NAME]... < stdout
      every `@name[key]: N` line has an integer value and the lines of one
      map are in ascending order of value (bpftrace's order); with --map,
      those maps must be present.
  checkout.py stacks < stdout
      every kstack key is `@[` then frames `    sym+off` (4 spaces) then
      `]: N`, values ascending.
Exits 0 when the output is well formed, 1 with a message otherwise.
"""
import re
import sys

SUFFIX = {"": 1, "K": 1 << 10, "M": 1 << 20, "G": 1 << 30, "T": 1 << 40, "P": 1 << 50}
NUM = r"-?\d+[KMGTP]?"


def num(s):
    m = re.fullmatch(r"(-?\d+)([KMGTP]?)", s.strip())
    return int(m.group(1)) * SUFFIX[m.group(2)]


def label_range(label):
    """-> (lo, hi): hi None for open above, lo None for open below."""
    label = label.strip()
    m = re.fullmatch(r"\[(%s)\]" % NUM, label)
    if m:
        v = num(m.group(1))
        return v, v + 1
    m = re.fullmatch(r"\[(%s), (%s)\)" % (NUM, NUM), label)
    if m:
        return num(m.group(1)), num(m.group(2))
    m = re.fullmatch(r"\(\.\.\., (%s)\)" % NUM, label)
    if m:
        return None, num(m.group(1))
    m = re.fullmatch(r"\[(%s), \.\.\.\)" % NUM, label)
    if m:
        return num(m.group(1)), None
    raise ValueError(f"bad bucket label {label!r}")


ROW = re.compile(r"^(.{16})(.{8}) \|(.{52})\|$")


def check_hist(lines, want):
    seen, errors = set(), []
    i = 0
    while i < len(lines):
        m = re.match(r"^(@[^\[:]*)(\[.*\])?: $", lines[i])
        if not m or i + 1 >= len(lines) or not ROW.match(lines[i + 1]):
            i += 1
            continue
        name, head = m.group(1), lines[i]
        seen.add(name)
        rows = []
        i += 1
        while i < len(lines) and ROW.match(lines[i]):
            rows.append(lines[i])
            i += 1
        counts = []
        prev_hi = "start"
        for r in rows:
            lab, cnt, bar = ROW.match(r).groups()
            if not re.fullmatch(r" *\d+", cnt):
                errors.append(f"{head}: count not right-aligned in 8 columns: {r!r}")
                continue
            try:
                lo, hi = label_range(lab)
            except ValueError as e:
                errors.append(f"{head}: {e}")
                continue
            if lab != lab.strip().ljust(16):
                errors.append(f"{head}: label not left-aligned in 16 columns: {r!r}")
            if prev_hi != "start" and lo != prev_hi:
                errors.append(f"{head}: buckets not contiguous at {lab.strip()!r}")
            prev_hi = hi
            counts.append((int(cnt), bar, r))
        if not counts:
            continue
        top = max(c for c, _, _ in counts)
        for c, bar, r in counts:
            want_bar = "@" * (c * 52 // top if top else 0)
            if bar != want_bar.ljust(52):
                errors.append(f"{head}: bar of {c} (max {top}) should have {len(want_bar)} '@': {r!r}")
        if counts[0][0] == 0 or counts[-1][0] == 0:
            errors.append(f"{head}: first and last rows must be non-zero")
    for w in want:
        if w not in seen:
            errors.append(f"no histogram {w}")
    return errors


def check_counts(lines, want):
    errors, seen = [], set()
    prev = None  # (map name, value) of the line before, when a map line
    for l in lines:
        m = re.match(r"^(@[A-Za-z0-9_]*)(\[.*\])?: (-?\d+)$", l)
        if not m:
            prev = None  # a map printed again (print(), exit) starts afresh
            continue
        name, v = m.group(1), int(m.group(3))
        seen.add(name)
        if prev and prev[0] == name and v < prev[1]:
            errors.append(f"{name}: {l!r} after a larger value {prev[1]}")
        prev = (name, v)
    for w in want:
        if w not in seen:
            errors.append(f"no map {w}")
    return errors


def check_stacks(lines):
    errors, n, last = [], 0, None
    i = 0
    while i < len(lines):
        if lines[i] == "@[":
            i += 1
            while i < len(lines) and not lines[i].startswith("]: "):
                if not re.fullmatch(r"    \S+(\+\d+)?", lines[i]):
                    errors.append(f"bad stack frame line {lines[i]!r}")
                i += 1
            if i >= len(lines):
                errors.append("unterminated stack key")
                break
            v = lines[i][3:]
            if not v.isdigit():
                errors.append(f"bad stack count line {lines[i]!r}")
            else:
                if last is not None and int(v) < last:
                    errors.append(f"stack counts not ascending at {lines[i]!r}")
                last = int(v)
                n += 1
        i += 1
    if n == 0:
        errors.append("no kstack key in the output")
    return errors


def main():
    if len(sys.argv) < 2 or sys.argv[1] not in ("hist", "counts", "stacks"):
        sys.exit(__doc__)
    want = [sys.argv[i + 1] for i in range(2, len(sys.argv) - 1) if sys.argv[i] == "--map"]
    lines = sys.stdin.read().split("\n")
    errors = {"hist": lambda: check_hist(lines, want),
              "counts": lambda: check_counts(lines, want),
              "stacks": lambda: check_stacks(lines)}[sys.argv[1]]()
    if errors:
        print("; ".join(errors[:3]) + (f" (+{len(errors) - 3} more)" if len(errors) > 3 else ""))
        sys.exit(1)


if __name__ == "__main__":
    main()
