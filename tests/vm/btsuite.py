#!/usr/bin/env python3
"""btsuite: run the kernel-probe cases of bpftrace's own runtime test suite.

bpftrace's runtime suite (tests/runtime of the bpftrace repository, with its
Python runner under runtime/engine) is not part of this repository. This
driver imports that runner from the unpacked suite and runs a selection of
its cases with the runner's own logic (RUN/PROG, EXPECT, BEFORE, AFTER,
REQUIRES, REQUIRES_FEATURE, WILL_FAIL), with two changes for slow machines
such as a TCG guest:

  * the runner's 5 s wait for the attach line is raised (--attach-timeout),
  * each case's TIMEOUT is multiplied (--timeout-scale).

Selections (--set):
  kernel   cases whose program (PROG, RUN, or a runtime/scripts file the
           RUN line names) uses kprobe, kretprobe, kfunc, kretfunc, fentry
           or fexit (also the k: kr: f: fr: short forms): the VM target set
  all      every case
--filter narrows further with fnmatch on "file.case name", as the runner's
own --filter.

  btsuite.py --suite /tmp/bt-suite/tests --bin DIR [--files] [--list]
             [--set kernel|all] [--filter GLOB] [--file SUITEFILE]
             [--cases LISTFILE] [--results FILE]

DIR holds an executable named bpftrace (the runner's
BPFTRACE_RUNTIME_TEST_EXECUTABLE). --files prints the suite files that hold
selected cases, --list the selected cases; otherwise the cases run and
--results gets one line per case: PASS, FAIL, TIMEOUT, SKIP or ERROR (the
runner itself raised), a tab, then "file.case name". Run from anywhere; the
runner is run from the suite directory as it requires.
"""

import argparse
import fnmatch
import os
import re
import sys

# a probe type at the start of an attach point, then a function name,
# glob or positional ("f:15" in a script struct's bitfield is no probe)
KERNEL_PROBE = re.compile(
    r"(?:^|[\s},'\"])(kprobe|kretprobe|kfunc|kretfunc|fentry|fexit|k|kr|f|fr)"
    r":[A-Za-z_*$]")


def case_text(test):
    """The program text of a case, with the scripts its RUN line names."""
    text = test.prog or test.run
    for path in re.findall(r"runtime/scripts/[^\s'\"]+", text):
        try:
            with open(path) as f:
                text += "\n" + f.read()
        except OSError:
            pass
    return text


def select(tests, which, pattern):
    out = []
    for suite, cases in sorted(tests):
        for t in sorted(cases):
            if pattern and not fnmatch.fnmatch(suite + "." + t.name, pattern):
                continue
            if which == "kernel" and not KERNEL_PROBE.search(case_text(t)):
                continue
            out.append((suite, t))
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--suite", required=True,
                    help="the suite's tests/ directory (holds runtime/)")
    ap.add_argument("--bin", help="directory holding a binary named bpftrace")
    ap.add_argument("--set", default="kernel", choices=["kernel", "all"])
    ap.add_argument("--filter", help="fnmatch pattern on file.case name")
    ap.add_argument("--file", help="only the cases of this suite file")
    ap.add_argument("--cases", help="only the cases named in this file "
                    "(one \"file.case name\" a line)")
    ap.add_argument("--files", action="store_true",
                    help="list the suite files holding selected cases")
    ap.add_argument("--list", action="store_true",
                    help="list the selected cases")
    ap.add_argument("--attach-timeout", type=int, default=90)
    ap.add_argument("--timeout-scale", type=int, default=4)
    ap.add_argument("--results", help="append one result line per case")
    args = ap.parse_args()

    os.chdir(args.suite)
    sys.path.insert(0, os.path.join(os.getcwd(), "runtime", "engine"))
    # the runner reads these when it is imported
    os.environ["BPFTRACE_RUNTIME_TEST_EXECUTABLE"] = os.path.abspath(
        args.bin or ".")
    os.environ.setdefault("PATH", "/usr/sbin:/usr/bin:/sbin:/bin")
    import runner as btrunner
    from parser import TestParser

    cases = select(TestParser.read_all(False), args.set, args.filter)
    if args.file:
        cases = [(s, t) for s, t in cases if s == args.file]
    if args.cases:
        with open(args.cases) as f:
            names = {line.rstrip("\n") for line in f}
        cases = [(s, t) for s, t in cases if "%s.%s" % (s, t.name) in names]
    if args.files:
        for s in sorted({s for s, _ in cases}):
            print(s)
        return 0
    if args.list:
        for s, t in cases:
            print("%s.%s" % (s, t.name))
        return 0
    if not args.bin:
        ap.error("--bin is required to run cases")

    btrunner.ATTACH_TIMEOUT = args.attach_timeout
    btrunner.DEFAULT_TIMEOUT *= args.timeout_scale
    R = btrunner.Runner
    res = open(args.results, "a") if args.results else None
    counts = {}
    for suite, t in cases:
        t = t._replace(timeout=t.timeout * args.timeout_scale)
        sys.stdout.flush()
        try:
            status = R.run_test(t)
        except Exception as e:  # the runner's own IndexError etc.
            print("[  ERROR   ] %s.%s: runner raised %r" % (suite, t.name, e))
            word = "ERROR"
        else:
            if status == R.PASS:
                word = "PASS"
            elif status == R.TIMEOUT:
                word = "TIMEOUT"
            elif R.skipped(status):
                word = "SKIP"
            else:
                word = "FAIL"
        counts[word] = counts.get(word, 0) + 1
        if res:
            res.write("%s\t%s.%s\n" % (word, suite, t.name))
            res.flush()
        sys.stdout.flush()
    print("btsuite: " + ", ".join(
        "%s %d" % (k, v) for k, v in sorted(counts.items())))
    return 0


if __name__ == "__main__":
    sys.exit(main())
