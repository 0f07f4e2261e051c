#!/usr/bin/env python3
"""btcase: run tracer test cases written in bpftrace's runtime-test style.

A case file holds one or more cases separated by blank lines; lines that
start with '#' are comments. Each case is a list of directives:

  NAME name            unique case name (required)
  PROG program         the program, run as TRACER [--plain] [ARGS] -e PROG
                       [PARAMS]; an indented line that follows continues it
                       (joined with a newline)
  RUN command          instead of PROG: a shell command; {{BPFTRACE}} is the
                       tracer invocation (`./tracetop --plain` or `bpftrace`)
  ARGS args            tracer options before -e (shell words, e.g. -c 'ttload
                       getppid 5')
  PARAMS args          positional parameters after the program
  EXPECT line          some output line (stdout or stderr) equals line
  EXPECT_REGEX re      re (Python syntax, multiline) matches the output
  EXPECT_NONE line     no output line equals line
  EXPECT_NONE_REGEX re re matches nothing in the output
  EXPECT_FILE file     stdout equals file byte for byte (path relative to the
                       case file); with --golden-dir, a case without EXPECT
                       lines is compared with GOLDEN_DIR/NAME.out
  CHECK command        shell command; stdout of the tracer on its stdin, and
                       $OUT / $ERR name files with stdout / stderr (stderr
                       as printed, attach marker included); exit 0 =
                       pass (any number of CHECK lines)
  EXIT n|nonzero       expected exit status (default 0)
  TIMEOUT secs         bound on the whole run (default --timeout); past it
                       the tracer gets SIGINT, then SIGKILL, and the case fails
  SIGINT secs          send SIGINT secs after the probes are attached and
                       every AFTER command has ended (Ctrl-C)
  BEFORE command       started before the tracer, killed at the end
  AFTER command        started once the probes are attached (the tracer
                       prints __BPFTRACE_NOTIFY_PROBES_ATTACHED), awaited
                       before SIGINT, killed at the end
  WORKLOAD command     started before the tracer; {{WPID}} in PROG / ARGS /
                       PARAMS / RUN is its pid; it gets SIGUSR1 once the
                       probes are attached (use `ttload -w ...`)
  REQUIRES command     skip the case (SKIP line) when command fails
  ENV NAME=value       environment of the tracer
  GOLDEN_EDITED why    golden hand-corrected (regen leaves it alone)

{{OUT}} anywhere is a scratch directory of the case; {{DIR}} the case
file's directory. The tracer's PATH starts with the directory of ttload.

After every case the BPF programs and links of the machine are compared
with those before it (bpftool): any program or link that appeared, is still
there, and belongs to no process outside the case is reported as left
behind, and the case fails.

Prints PASS / FAIL / SKIP lines (the tier protocol of tests/run.sh) and,
with --summary, a pass count per case file.
"""
import argparse
import json
import os
import re
import selectors
import shlex
import shutil
import signal
import subprocess
import sys
import time

MARKER = b"__BPFTRACE_NOTIFY_PROBES_ATTACHED"
LIB = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(LIB))

MULTI = {"EXPECT", "EXPECT_REGEX", "EXPECT_NONE", "EXPECT_NONE_REGEX",
         "CHECK", "BEFORE", "AFTER", "REQUIRES", "ENV"}
SINGLE = {"NAME", "PROG", "RUN", "ARGS", "PARAMS", "EXPECT_FILE", "EXIT",
          "TIMEOUT", "SIGINT", "WORKLOAD", "GOLDEN_EDITED"}


class Case:
    def __init__(self, path, line):
        self.path = path
        self.line = line
        self.d = {k: [] for k in MULTI}

    def get(self, key, default=None):
        return self.d.get(key, default)

    @property
    def name(self):
        return self.d.get("NAME", "?")

    @property
    def group(self):
        return os.path.splitext(os.path.basename(self.path))[0]


def parse_file(path):
    cases, cur, last = [], None, None
    with open(path, encoding="utf-8") as f:
        lines = f.read().split("\n")
    for no, raw in enumerate(lines, 1):
        if raw.strip() == "":
            cur, last = None, None
            continue
        if raw.startswith("#"):
            continue
        if raw[0] in " \t":
            if last != "PROG":
                raise SyntaxError(f"{path}:{no}: continuation line outside PROG")
            cur.d["PROG"] += "\n" + raw
            continue
        key, _, val = raw.partition(" ")
        if key not in MULTI and key not in SINGLE:
            raise SyntaxError(f"{path}:{no}: unknown directive {key}")
        if cur is None:
            cur = Case(path, no)
            cases.append(cur)
        if key in MULTI:
            cur.d[key].append(val)
        elif key in cur.d:
            raise SyntaxError(f"{path}:{no}: {key} given twice")
        else:
            cur.d[key] = val
        last = key
    for c in cases:
        if "NAME" not in c.d:
            raise SyntaxError(f"{c.path}:{c.line}: case without NAME")
        if ("PROG" in c.d) == ("RUN" in c.d):
            raise SyntaxError(f"{c.path}:{c.line}: {c.name}: need exactly one of PROG, RUN")
    return cases


# ---------------------------------------------------------------- BPF leaks

def bpftool_ids(what):
    try:
        r = subprocess.run(["bpftool", "-j", what, "list"], capture_output=True, timeout=20)
        items = json.loads(r.stdout.decode() or "[]")
    except (OSError, ValueError, subprocess.TimeoutExpired):
        return None
    return {i["id"]: i for i in items if "id" in i}


def bpf_snapshot():
    progs, links = bpftool_ids("prog"), bpftool_ids("link")
    if progs is None or links is None:
        return None
    return progs, links


def session_of(pid):
    try:
        with open(f"/proc/{pid}/stat") as f:
            s = f.read()
        return int(s[s.rindex(")") + 2:].split()[3])
    except (OSError, ValueError):
        return None


def fd_bpf_ids(pids):
    """(prog ids, link ids) that processes pids hold: fds in /proc (a link's
    program counts as held too) and perf-event attachments (bpftool)."""
    progs, links = set(), set()
    for pid in pids:
        d = f"/proc/{pid}/fdinfo"
        try:
            fds = os.listdir(d)
        except OSError:
            continue
        for fd in fds:
            try:
                with open(f"{d}/{fd}") as f:
                    info = f.read()
            except OSError:
                continue
            m = re.search(r"^link_id:\s*(\d+)", info, re.M)
            if m:
                links.add(int(m.group(1)))
            m = re.search(r"^prog_id:\s*(\d+)", info, re.M)
            if m:
                progs.add(int(m.group(1)))
    try:
        r = subprocess.run(["bpftool", "-j", "perf", "list"], capture_output=True, timeout=20)
        for e in json.loads(r.stdout.decode() or "[]"):
            if e.get("pid") in pids:
                progs.add(e["prog_id"])
    except (OSError, ValueError, KeyError, subprocess.TimeoutExpired):
        pass
    return progs, links


def session_pids(sid):
    out = set()
    for pid in os.listdir("/proc"):
        if pid.isdigit() and session_of(pid) == sid:
            out.add(int(pid))
    return out


def bpf_leaks(before, sid, seen):
    """What the case left: programs and links new since `before` that are
    still there once the tracer has exited and that a process of the case
    (session sid) holds now, or held while the case ran (`seen`, sampled
    during the run) and that do not go away within three seconds (the
    kernel frees a program a grace period after its last holder). Programs
    of other processes (a concurrent test run) are no concern of the case."""
    if before is None:
        return []
    cur = bpf_snapshot()
    if cur is None:
        return ["bpftool failed after the case"]
    new_p = set(cur[0]) - set(before[0])
    new_l = set(cur[1]) - set(before[1])
    if not new_p and not new_l:
        return []
    live = session_pids(sid) if sid else set()
    held_p, held_l = fd_bpf_ids(live) if live else (set(), set())
    now_p, now_l = new_p & held_p, new_l & held_l
    was_p, was_l = (new_p & seen[0]) - now_p, (new_l & seen[1]) - now_l
    deadline = time.monotonic() + 3.0
    while (was_p or was_l) and time.monotonic() < deadline:
        time.sleep(0.2)
        cur = bpf_snapshot() or cur
        was_p &= set(cur[0])
        was_l &= set(cur[1])
    out = []
    for kind, ids, table in (("prog", now_p | was_p, cur[0]), ("link", now_l | was_l, cur[1])):
        for i in sorted(ids):
            info = table.get(i, {})
            desc = info.get("name") or info.get("type") or ""
            how = "held by a leftover process" if i in (now_p if kind == "prog" else now_l) \
                else "still loaded 3 s after exit"
            out.append(f"{kind} {i} {desc} ({how})")
    if len(out) > 6:
        out = out[:6] + [f"... {len(out) - 6} more"]
    return out


# ---------------------------------------------------------------- running

class Result:
    def __init__(self):
        self.status = None
        self.out = b""
        self.err = b""
        self.attached = False
        self.seen = (set(), set())  # BPF prog / link ids the case's processes held
        self.timed_out = False
        self.sigints = 0
        self.notes = []
        self.elapsed = 0.0


def tracer_cmd(tracer):
    base = [tracer]
    if os.path.basename(tracer).startswith("tracetop"):
        base.append("--plain")
    return base


def subst(s, m):
    for k, v in m.items():
        s = s.replace("{{" + k + "}}", v)
    return s


def kill_group(p, sig=signal.SIGKILL):
    try:
        os.killpg(p.pid, sig)
    except (ProcessLookupError, PermissionError):
        pass


def release(workload):
    """SIGUSR1 to a `ttload -w` workload, once it catches the signal (before
    that the signal would kill it): SigCgt in /proc/PID/status."""
    end = time.monotonic() + 5
    while time.monotonic() < end and workload.poll() is None:
        try:
            with open(f"/proc/{workload.pid}/status") as f:
                cgt = next(l for l in f if l.startswith("SigCgt:"))
            if int(cgt.split()[1], 16) & (1 << (signal.SIGUSR1 - 1)):
                break
        except (OSError, StopIteration, ValueError):
            break
        time.sleep(0.01)
    try:
        os.kill(workload.pid, signal.SIGUSR1)
    except ProcessLookupError:
        pass


def drop_marker(b):
    return b"".join(l for l in b.splitlines(True) if MARKER not in l)


class Runner:
    def __init__(self, tracer, out_dir, golden_dir=None, default_timeout=10,
                 leak_check=True, verbose=False):
        self.tracer = tracer
        self.out_dir = out_dir
        self.golden_dir = golden_dir
        self.default_timeout = default_timeout
        self.leak_check = leak_check
        self.verbose = verbose
        self.bin_dir = os.path.join(ROOT, "tests", "out", "bin")
        self.live = []
        self.resend_sigint = os.path.basename(tracer) == "bpftrace"

    def env(self, case):
        e = dict(os.environ)
        e["PATH"] = self.bin_dir + ":" + e.get("PATH", "/usr/bin:/bin")
        e["__BPFTRACE_NOTIFY_PROBES_ATTACHED"] = "1"
        for kv in case.get("ENV"):
            k, _, v = kv.partition("=")
            e[k] = v
        return e

    def build(self, case, m):
        if "RUN" in case.d:
            inv = " ".join(shlex.quote(a) for a in tracer_cmd(self.tracer))
            m = dict(m, BPFTRACE=inv, TRACETOP=inv)
            cmd = subst(case.get("RUN"), m)
            if case.get("RUN").startswith("{{") and not re.search(r"[;&|<>`]|\$\(", cmd):
                cmd = "exec " + cmd  # a lone tracer command: it gets the signals
            return ["/bin/sh", "-c", cmd]
        argv = tracer_cmd(self.tracer)
        argv += shlex.split(subst(case.get("ARGS", ""), m))
        argv += ["-e", subst(case.get("PROG"), m)]
        argv += shlex.split(subst(case.get("PARAMS", ""), m))
        return argv

    def subst_map(self, case):
        """{{OUT}}: a fresh scratch directory; {{DIR}}: the case file's."""
        scratch = os.path.abspath(os.path.join(self.out_dir, "scratch", case.name))
        shutil.rmtree(scratch, ignore_errors=True)
        os.makedirs(scratch, exist_ok=True)
        return {"OUT": scratch, "DIR": os.path.dirname(os.path.abspath(case.path))}

    def run_case(self, case):
        """-> (status, reason, details)"""
        m = self.subst_map(case)
        env = self.env(case)
        for req in case.get("REQUIRES"):
            r = subprocess.run(["/bin/sh", "-c", subst(req, m)], env=env, cwd=ROOT,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            if r.returncode != 0:
                return "SKIP", f"requires: {req}", ""
        before = bpf_snapshot() if self.leak_check else None
        res, argv, sid = self.execute(case, m, env)
        reasons = self.judge(case, res, m)
        if self.leak_check:
            leaks = bpf_leaks(before, sid, res.seen)
            if leaks:
                reasons.append("left behind: " + "; ".join(leaks))
        if sid:
            try:  # whatever the case left running (a tracer's child ...)
                os.killpg(sid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass
        details = self.details(case, argv, res, reasons)
        if reasons:
            return "FAIL", reasons[0], details
        return "PASS", "", details

    def spawn_side(self, cmd, m, env, log):
        return self.track(subprocess.Popen(["/bin/sh", "-c", subst(cmd, m)], env=env, cwd=ROOT,
                                stdin=subprocess.DEVNULL, stdout=log, stderr=log,
                                start_new_session=True))

    def track(self, p):
        """Remember p, so that a SIGTERM of the runner kills its group."""
        self.live = [q for q in self.live if q.poll() is None] + [p]
        return p

    def kill_live(self):
        for q in self.live:
            kill_group(q)

    def execute(self, case, m, env):
        res = Result()
        timeout = float(case.get("TIMEOUT", self.default_timeout))
        sigint_delay = case.get("SIGINT")
        side_log = open(os.path.join(m["OUT"], "side.log"), "wb")
        sides, afters, workload = [], [], None
        for cmd in case.get("BEFORE"):
            sides.append(self.spawn_side(cmd, m, env, side_log))
        if "WORKLOAD" in case.d:
            workload = self.spawn_side("exec " + case.get("WORKLOAD"), m, env, side_log)
            sides.append(workload)
            m = dict(m, WPID=str(workload.pid))
        argv = self.build(case, m)
        start = time.monotonic()
        try:
            p = self.track(subprocess.Popen(argv, env=env, cwd=ROOT, stdin=subprocess.DEVNULL,
                                            stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                            start_new_session=True))
        except OSError as e:
            res.notes.append(f"cannot run {argv[0]}: {e.strerror}")
            for s in sides:
                kill_group(s)
                s.wait()
            side_log.close()
            return res, argv, None
        sel = selectors.DefaultSelector()
        sel.register(p.stdout, selectors.EVENT_READ, "out")
        sel.register(p.stderr, selectors.EVENT_READ, "err")
        bufs = {"out": bytearray(), "err": bytearray()}
        sigint_at = None
        kill_at = None
        next_sample = start + 0.5
        last_sigint = 0.0
        deadline = start + timeout
        open_streams = 2
        while open_streams or p.poll() is None:
            now = time.monotonic()
            if not res.attached and (MARKER in bufs["err"] or MARKER in bufs["out"]):
                res.attached = True
                next_sample = now  # sample right after attach
                for cmd in case.get("AFTER"):
                    a = self.spawn_side(cmd, m, env, side_log)
                    afters.append(a)
                    sides.append(a)
                if workload is not None:
                    release(workload)
            if self.leak_check and p.poll() is None and now >= next_sample:
                got = fd_bpf_ids(session_pids(p.pid))
                res.seen[0].update(got[0])
                res.seen[1].update(got[1])
                next_sample = time.monotonic() + 0.5
            if (res.attached and sigint_delay is not None and sigint_at is None
                    and all(a.poll() is not None for a in afters)
                    and (workload is None or workload.poll() is not None)):
                sigint_at = now + float(sigint_delay)
            # bpftrace 0.17 loses a SIGINT that arrives while it is busy (it
            # only checks on EINTR of epoll_wait): the reference gets it again
            # every second. tracetop must honour the first one.
            again = self.resend_sigint and now >= last_sigint + 1.0
            if (sigint_at is not None and now >= sigint_at and p.poll() is None
                    and (res.sigints == 0 or again)):
                last_sigint = now
                if "RUN" in case.d:
                    kill_group(p, signal.SIGINT)
                else:
                    p.send_signal(signal.SIGINT)
                res.sigints += 1
            if now >= deadline and not res.timed_out and p.poll() is None:
                res.timed_out = True
                p.send_signal(signal.SIGINT)
                kill_at = now + 2
            if kill_at is not None and now >= kill_at and p.poll() is None:
                kill_group(p)
                kill_at = None
            if open_streams == 0:
                time.sleep(0.01)
                continue
            wait = 0.05
            for key, _ in sel.select(wait):
                chunk = os.read(key.fileobj.fileno(), 65536)
                if not chunk:
                    sel.unregister(key.fileobj)
                    open_streams -= 1
                    continue
                bufs[key.data] += chunk
            if now > deadline + 10:  # the stream stays open (a leftover child)
                break
        try:
            res.status = p.wait(timeout=5)
        except subprocess.TimeoutExpired:
            kill_group(p)
            res.status = p.wait()
        res.elapsed = time.monotonic() - start
        sel.close()
        p.stdout.close()
        p.stderr.close()
        res.out, res.err = bytes(bufs["out"]), bytes(bufs["err"])
        for s in sides:
            kill_group(s)
            s.wait()
        side_log.close()
        return res, argv, p.pid

    def judge(self, case, res, m):
        reasons = list(res.notes)
        if reasons:
            return reasons
        out = drop_marker(res.out)
        err = drop_marker(res.err)
        text = (out + err).decode("utf-8", "surrogateescape")
        lines = text.split("\n")
        if res.timed_out:
            what = "never attached (no __BPFTRACE_NOTIFY_PROBES_ATTACHED)" \
                if (case.get("SIGINT") is not None or case.get("AFTER")
                    or "WORKLOAD" in case.d) and not res.attached else "did not exit"
            reasons.append(f"timed out after {case.get('TIMEOUT', self.default_timeout)}s: {what}")
        want = case.get("EXIT", "0")
        st = res.status
        if st is not None and st < 0:
            reasons.append(f"killed by signal {-st}")
        elif want == "nonzero":
            if st == 0:
                reasons.append("exit status 0, expected non-zero")
        elif st != int(want):
            first_err = next((l for l in err.decode("utf-8", "replace").split("\n")
                              if l.strip()), "")
            reasons.append(f"exit status {st}, expected {want}"
                           + (f" ({first_err[:120]})" if first_err else ""))
        for e in case.get("EXPECT"):
            if e not in lines:
                reasons.append(f"no line {e!r}")
        for e in case.get("EXPECT_NONE"):
            if e in lines:
                reasons.append(f"unexpected line {e!r}")
        for e in case.get("EXPECT_REGEX"):
            if not re.search(e, text, re.M):
                reasons.append(f"no match for /{e}/")
        for e in case.get("EXPECT_NONE_REGEX"):
            mm = re.search(e, text, re.M)
            if mm:
                reasons.append(f"unexpected match /{e}/: {mm.group(0)[:80]!r}")
        golden = self.golden_path(case)
        if golden:
            try:
                with open(golden, "rb") as f:
                    exp = f.read()
            except OSError:
                exp = None
                reasons.append(f"no golden file {os.path.relpath(golden, ROOT)}")
            if exp is not None and exp != out:
                reasons.append("stdout differs from golden: " + first_diff(exp, out))
        for chk in case.get("CHECK"):
            of = os.path.join(m["OUT"], "stdout")
            ef = os.path.join(m["OUT"], "stderr")
            with open(of, "wb") as f:
                f.write(out)
            with open(ef, "wb") as f:
                f.write(res.err)  # unfiltered: the attach marker stays
            env = dict(os.environ, OUT=of, ERR=ef,
                       PATH=self.bin_dir + ":" + os.environ.get("PATH", ""))
            r = subprocess.run(["/bin/sh", "-c", subst(chk, m)], input=out, env=env, cwd=ROOT,
                               capture_output=True)
            if r.returncode != 0:
                msg = (r.stdout + r.stderr).decode("utf-8", "replace").strip().split("\n")[0]
                reasons.append(f"check failed: {msg or chk}"[:200])
        return reasons

    def golden_path(self, case):
        if "EXPECT_FILE" in case.d:
            return os.path.join(os.path.dirname(os.path.abspath(case.path)),
                                case.get("EXPECT_FILE"))
        if self.golden_dir and not (case.get("EXPECT") or case.get("EXPECT_REGEX")
                                    or case.get("CHECK")):
            return os.path.join(self.golden_dir, case.name + ".out")
        return None

    def details(self, case, argv, res, reasons):
        d = [f"case {case.name} ({os.path.relpath(case.path, ROOT)}:{case.line})",
             "command: " + " ".join(shlex.quote(a) for a in argv),
             f"exit status: {res.status}  elapsed: {res.elapsed:.2f}s  "
             f"attached: {res.attached}  sigints: {res.sigints}"]
        d += ["result: " + r for r in reasons]
        d += ["--- stdout", res.out.decode("utf-8", "replace"),
              "--- stderr", res.err.decode("utf-8", "replace")]
        golden = self.golden_path(case)
        if golden and os.path.exists(golden):
            with open(golden, "rb") as f:
                exp = f.read().decode("utf-8", "replace").splitlines(True)
            import difflib
            got = drop_marker(res.out).decode("utf-8", "replace").splitlines(True)
            d.append("--- diff golden -> actual")
            d += [l.rstrip("\n") for l in difflib.unified_diff(exp, got, "golden", "actual")]
        return "\n".join(d) + "\n"


def first_diff(exp, got):
    el = exp.decode("utf-8", "replace").split("\n")
    gl = got.decode("utf-8", "replace").split("\n")
    for i in range(max(len(el), len(gl))):
        a = el[i] if i < len(el) else "<eof>"
        b = gl[i] if i < len(gl) else "<eof>"
        if a != b:
            return f"line {i + 1}: expected {a[:60]!r}, got {b[:60]!r}"
    return "?"


def main():
    ap = argparse.ArgumentParser(description="run bpftrace-style test cases")
    ap.add_argument("files", nargs="+")
    ap.add_argument("--tracer", default=os.path.join(ROOT, "tracetop"))
    ap.add_argument("--out", default=os.path.join(ROOT, "tests", "out", "cases"))
    ap.add_argument("--golden-dir")
    ap.add_argument("--timeout", type=float, default=10)
    ap.add_argument("--only", help="regex on case names")
    ap.add_argument("--no-leak-check", action="store_true")
    ap.add_argument("--summary", action="store_true", help="print pass counts per file")
    ap.add_argument("--regen", action="store_true",
                    help="write GOLDEN_DIR/NAME.out from the tracer (twice, must agree)")
    ap.add_argument("--jobs", type=int, default=1, help="cases run at once")
    ap.add_argument("--show", type=int, default=12,
                    help="lines of detail printed under a FAIL line")
    a = ap.parse_args()

    cases = []
    for f in a.files:
        try:
            cases += parse_file(f)
        except (SyntaxError, OSError) as e:
            print(f"FAIL {os.path.basename(f)}: bad case file: {e}")
            return 1
    names = set()
    for c in cases:
        if c.name in names:
            sys.exit(f"duplicate case name {c.name} ({c.path}:{c.line})")
        names.add(c.name)
    if a.only:
        cases = [c for c in cases if re.search(a.only, c.name)]
    os.makedirs(a.out, exist_ok=True)
    r = Runner(a.tracer, a.out, a.golden_dir, a.timeout, not a.no_leak_check)

    def on_term(sig, frame):
        r.kill_live()
        sys.exit(128 + sig)
    signal.signal(signal.SIGTERM, on_term)
    signal.signal(signal.SIGINT, on_term)
    if a.regen:
        return regen(r, cases)
    groups = {}
    failed = 0
    if a.jobs > 1:
        # cases are independent (pid-filtered workloads, per-case leak
        # attribution by session): run them a few at a time, report in order
        from concurrent.futures import ThreadPoolExecutor
        pool = ThreadPoolExecutor(a.jobs)
        results = [pool.submit(r.run_case, c) for c in cases]
    else:
        results = None
    for idx, c in enumerate(cases):
        st, why, details = results[idx].result() if results else r.run_case(c)
        g = groups.setdefault(c.group, [0, 0, 0])
        g[{"PASS": 0, "FAIL": 1, "SKIP": 2}[st]] += 1
        log = os.path.join(a.out, c.name + ".log")
        with open(log, "w") as f:
            f.write(details)
        if st == "PASS":
            print(f"PASS {c.name}", flush=True)
        elif st == "SKIP":
            print(f"SKIP {c.name}: {why}", flush=True)
        else:
            failed += 1
            print(f"FAIL {c.name}: {why}", flush=True)
            if a.show:
                body = details.split("\n")
                # the diff is the most telling part when there is one
                if "--- diff golden -> actual" in body:
                    body = body[body.index("--- diff golden -> actual") + 3:]
                else:
                    body = body[1:]
                for l in body[:a.show]:
                    print("    " + l)
                print(f"    (full log: {os.path.relpath(log, ROOT)})", flush=True)
    if a.summary:
        tp = sum(g[0] for g in groups.values())
        tt = sum(g[0] + g[1] for g in groups.values())
        print("summary (passed/run per file):")
        for name, g in groups.items():
            skip = f", {g[2]} skipped" if g[2] else ""
            print(f"  {name:24s} {g[0]:4d}/{g[0] + g[1]:<4d}{skip}")
        print(f"  {'total':24s} {tp:4d}/{tt:<4d}")
    return 1 if failed else 0


def regen(r, cases):
    bad = 0
    for c in cases:
        if "GOLDEN_EDITED" in c.d:
            print(f"keep {c.name}: hand-corrected ({c.get('GOLDEN_EDITED')})")
            continue
        path = r.golden_path(c)
        if not path:
            continue
        outs = []
        for _ in range(2):
            res, argv, _ = r.execute(c, r.subst_map(c), r.env(c))
            want = c.get("EXIT", "0")
            ok = (res.status == 0) if want == "0" else \
                (res.status != 0 if want == "nonzero" else res.status == int(want))
            if not ok or res.timed_out:
                print(f"ERROR {c.name}: exit {res.status} timed_out={res.timed_out}: "
                      f"{res.err.decode('utf-8', 'replace').strip()[:300]}")
                bad += 1
                break
            outs.append(drop_marker(res.out))
        else:
            if outs[0] != outs[1]:
                print(f"ERROR {c.name}: output differs between two runs: "
                      f"{first_diff(outs[0], outs[1])}")
                bad += 1
                continue
            os.makedirs(os.path.dirname(path), exist_ok=True)
            old = open(path, "rb").read() if os.path.exists(path) else None
            with open(path, "wb") as f:
                f.write(outs[0])
            print(f"{'same' if old == outs[0] else 'wrote'} {os.path.relpath(path, ROOT)}")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
