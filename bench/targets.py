#!/usr/bin/env python3
"""targets.py RAW.tsv REF NEW: the tables of tracetop's performance targets
(issue 3: the tracer; issue 6: the dashboard) from one bench/run.sh run:
medians of the reference (bpftrace 0.17, label REF), of tracetop (label NEW)
and of the libbpf floor, the ratio each target is about, the target, and
whether this run meets it. A table without any sample (BENCH_ONLY) is left
out."""
import re
import statistics
import sys

raw, ref, new = sys.argv[1], sys.argv[2], sys.argv[3]
samples = {}
with open(raw) as f:
    for line in f:
        parts = line.rstrip("\n").split("\t")
        if len(parts) == 4:
            samples.setdefault((parts[0], parts[1]), []).append(float(parts[3]))


def med(label, metric):
    v = samples.get((label, metric))
    return statistics.median(v) if v else None


def fmt(x, unit=""):
    if x is None:
        return "n/a"
    return (f"{x:.0f}" if abs(x) >= 100 else f"{x:.1f}") + unit


# (target, metric, unit, base: "ref" | "floor" | "abs", op, bound)
TARGETS = [
    ("`BEGIN { exit(); }` wall time", "startup: BEGIN{exit()} wall", "ms", "ref", "<=", 0.25),
    ("start to all attached, `raw_syscalls:sys_enter { @[comm] = count(); }`",
     "startup: sys_enter count, to all-attached", "ms", "ref", "<=", 0.8),
    ("VmRSS once attached (tutorial one-liner)", "startup: tutorial VmRSS once attached",
     "MB", "ref", "<=", 0.25),
    ("peak RSS (tutorial one-liner)", "startup: tutorial peak RSS", "MB", "ref", "<=", 0.75),
    ("added CPU per event, `@[comm] = count()`", "raw_syscalls @[comm]=count(), added ns/event",
     "ns", "floor", "<=", 1.1),
    ("added CPU per event, `@[tid] = count()`", "sys_enter_getppid @[tid]=count(), added ns/event",
     "ns", "floor", "<=", 1.1),
    ("added CPU per event, `@[tid] = hist(nsecs)`",
     "sys_enter_getppid @[tid]=hist(nsecs), added ns/event", "ns", "floor", "<=", 1.1),
    ("SIGINT to exit, 100,000-key map printed",
     "exit output: @[args->fd]=count(), 100000 keys: SIGINT -> exit", "ms", "ref", "<=", 0.25),
    ("Ctrl-C to exit, `tracepoint:syscalls:sys_enter_*`",
     "wildcard syscalls:sys_enter_*: SIGINT -> exit (detach+print)", "ms", "ref", "<=", 0.1),
    ("printf throughput to a file, filtered, syscall storm",
     "printf comm==sysloop, max load: load events delivered /s", "ev/s", "ref", ">=", 4.0),
    ("Ctrl-C honoured under a printf storm (first SIGINT to exit)",
     "printf unfiltered, max load: first SIGINT -> exit", "ms", "abs", "<=", 100.0),
]

# issue 6: the dashboard's own cost; bpftrace has no dashboard, so its
# column shows the classic way of watching the same map (REF_METRIC)
# (target, metric, unit, op, bound, metric for the REF column or None)
TUI_TARGETS = [
    ("dashboard CPU at 1 Hz, tutorial lesson 4 (% of a core; bpftrace: "
     "`interval:s:1 { print(@); }`)", "tui: lesson 4 dashboard at 1 Hz: CPU", "%", "<=", 2.0,
     "tui: lesson 4 + interval:s:1 { print(@); }, classic: CPU"),
    ("100,000-key map: key press to screen, median", "tui: 100k keys: key press to screen, median",
     "ms", "<=", 100.0, None),
    ("100,000-key map: key press to screen, p95", "tui: 100k keys: key press to screen, p95",
     "ms", "<=", 500.0, None),
    ("100,000-key map: refresh (read + rebuild), median", "tui: 100k keys: refresh (read+rebuild)",
     "ms", "<=", 500.0, None),
    # no goal: for comparison
    ("100,000-key map: dashboard CPU at 1 Hz (% of a core; bpftrace: "
     "`interval:s:1 { print(@); }`)", "tui: 100k keys dashboard at 1 Hz: CPU", "%", None, None,
     "tui: 100k keys + interval:s:1 { print(@); }, classic: CPU"),
]


def met(value, op, bound):
    """whether VALUE meets the goal `OP BOUND`: yes, NO, or n/a unmeasured"""
    if value is None:
        return "n/a"
    return "yes" if (value <= bound if op == "<=" else value >= bound) else "NO"


def table(title, columns, rows):
    """print TITLE and the markdown table of ROWS, (measured, line) pairs,
    unless nothing in it was measured; True when it was printed"""
    if all(b is None for b, _ in rows):
        return False
    print(title)
    print()
    print("| " + " | ".join(columns) + " |")
    print("|" + "---|" * len(columns))
    for _, row in rows:
        print(row)
    return True


def issue3():
    rows = []
    for name, metric, unit, base, op, bound in TARGETS:
        if base == "floor":
            a = med(ref, "overhead: " + metric)
            b = med(new, "overhead: " + metric)
            fl = med("floor", "floor: " + metric)
            den = fl
        else:
            a, b, fl = med(ref, metric), med(new, metric), None
            den = a if base == "ref" else 1.0
        ratio = b / den if b is not None and den else None
        if base == "abs":
            rtxt, goal = fmt(b, " " + unit), f"{op} {bound:g} {unit}"
        else:
            rtxt = "n/a" if ratio is None else f"{ratio:.2f}x"
            goal = f"{op} {bound:g}x {'floor' if base == 'floor' else ref}"
        ok = met(ratio, op, bound)
        rows.append((b, f"| {name} | {fmt(a)} | {fmt(b)} | {fmt(fl)} | {rtxt} | {goal} | {ok} |"))
    if not table("Issue 3 (the tracer):", ["target", ref, new, "floor", "ratio", "goal", "met"],
                 rows):
        return
    lost = med(new, "printf comm==sysloop, max load: events lost (reported) /s")
    resends = med(new, "printf unfiltered, max load: SIGINT resends needed")
    print()
    print(f"{new}: events lost (reported) /s under the filtered storm: {fmt(lost)}; "
          f"SIGINT resends needed under the unfiltered storm: {fmt(resends)} (must be 0). "
          "Units: ms, MB, ns per event, events/s; medians of the run.")
    print()


def issue6():
    rows = []
    for name, metric, unit, op, bound, ref_metric in TUI_TARGETS:
        a = med(ref, ref_metric) if ref_metric else None
        b = med(new, metric)
        goal = "(none)" if op is None else f"{op} {bound:g} {unit}"
        ok = "-" if op is None else met(b, op, bound)
        rows.append((b, f"| {name} | {fmt(a)} | {fmt(b)} | {goal} | {ok} |"))
    if table("Issue 6 (the dashboard):", ["target", ref, new, "goal", "met"], rows):
        print()


issue3()
issue6()
