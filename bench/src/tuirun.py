#!/usr/bin/env python3
"""tuirun.py: runs a tracer once for the dashboard benchmark and prints one
line of key=value results.

  tuirun.py [options] -- TRACER ARGS...

Dashboard mode (default): the tracer runs on a pseudo-terminal of
--cols x --rows (TERM=xterm-256color) with TRACETOP_TUI_STATS pointing at a
file, into which tracetop writes a line per refresh and per key press with
CLOCK_MONOTONIC timestamps (src/tui/stats.c). The harness drains the
terminal as a real one would, waits for the first refresh (and for
--fill N map entries), starts --load, lets it settle, then measures the
tracer process's own CPU time (utime + stime of /proc/PID/stat, every
thread) over --secs seconds without touching a key. Then it presses --key
--keys times at random moments (0.25-0.75 s apart, so presses land at every
phase of the refresh) and takes, for each press, the time from writing the
byte to the terminal to the end of the redraw that followed (the key line's
done_ns), and the time to the first byte of screen output after the press.
Last, q, and the time until the process is gone.

Plain mode (--plain-out FILE): the tracer's stdout goes to FILE (stderr to
--plain-err, default FILE.err); readiness is bpftrace's __BPFTRACE_NOTIFY_PROBES_ATTACHED
marker on stderr; CPU is measured the same way; SIGINT ends it (resent each
second: bpftrace 0.17 misses a SIGINT that arrives while it is busy).

Both clocks are CLOCK_MONOTONIC (time.monotonic_ns), so the times compare.
"""
import argparse
import bisect
import fcntl
import os
import random
import re
import signal
import statistics
import struct
import subprocess
import sys
import termios
import threading
import time

CLK_TCK = os.sysconf("SC_CLK_TCK")


def cpu_ticks(pid):
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return int(fields[11]) + int(fields[12])  # utime, stime (fields 14, 15)


def now():
    return time.monotonic_ns()


def read_stats(path):
    refresh, keys = [], []
    try:
        with open(path) as f:
            for line in f:
                if not line.endswith("\n"):
                    break
                kind, _, rest = line.partition(" ")
                kv = dict(p.split("=", 1) for p in rest.split())
                (refresh if kind == "refresh" else keys).append(kv)
    except FileNotFoundError:
        pass
    return refresh, keys


def pct(values, q):
    v = sorted(values)
    return v[min(len(v) - 1, int(round(q * (len(v) - 1))))]


def fmt(x):
    return f"{x:.3f}" if isinstance(x, float) else str(x)


class Drain(threading.Thread):
    """Reads the terminal's output as fast as it comes; remembers when."""

    def __init__(self, fd):
        super().__init__(daemon=True)
        self.fd, self.chunks, self.lock, self.total = fd, [], threading.Lock(), 0

    def run(self):
        while True:
            try:
                b = os.read(self.fd, 65536)
            except OSError:
                return
            if not b:
                return
            with self.lock:
                self.chunks.append(now())
                self.total += len(b)

    def first_after(self, t):
        with self.lock:
            i = bisect.bisect_left(self.chunks, t)
            return self.chunks[i] if i < len(self.chunks) else None


def wait_for(cond, timeout, step=0.05):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        r = cond()
        if r:
            return r
        time.sleep(step)
    return None


def start_load(cmd):
    if not cmd:
        return None
    return subprocess.Popen(cmd, shell=True, start_new_session=True,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def stop_load(p):
    if p and p.poll() is None:
        try:
            os.killpg(p.pid, signal.SIGTERM)
        except ProcessLookupError:
            pass
        p.wait()


def measure_cpu(pid, secs):
    t0, c0 = now(), cpu_ticks(pid)
    time.sleep(secs)
    t1, c1 = now(), cpu_ticks(pid)
    return 100.0 * (c1 - c0) / CLK_TCK / ((t1 - t0) / 1e9), (c1 - c0) / CLK_TCK


def dashboard(a, out):
    stats = a.stats
    if os.path.exists(stats):
        os.unlink(stats)
    master, slave = os.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", a.rows, a.cols, 0, 0))
    env = dict(os.environ, TERM="xterm-256color", TRACETOP_TUI_STATS=stats)
    env.pop("NO_COLOR", None)
    p = subprocess.Popen(a.cmd, stdin=slave, stdout=slave, stderr=slave, env=env,
                         start_new_session=True)
    os.close(slave)
    if a.pidfile:
        with open(a.pidfile, "w") as f:
            f.write(f"{p.pid}\n")
    drain = Drain(master)
    drain.start()
    load = None
    try:
        if not wait_for(lambda: len(read_stats(stats)[0]) >= 1 or p.poll() is not None, 60) \
                or p.poll() is not None:
            out["status"] = "no_dashboard"
            return
        load = start_load(a.load)
        if a.fill:
            ok = wait_for(lambda: any(int(r["entries"]) >= a.fill
                                      for r in read_stats(stats)[0][-2:]), a.fill_timeout)
            if not ok:
                out["status"] = "not_filled"
                return
        time.sleep(a.settle)
        nref0 = len(read_stats(stats)[0])
        out["cpu_pct"], out["cpu_s"] = measure_cpu(p.pid, a.secs)
        refresh = read_stats(stats)[0][nref0:]
        out["refreshes"] = len(refresh)
        if refresh:
            out["entries"] = max(int(r["entries"]) for r in refresh)
            for k in ("snapshot_ms", "tick_ms", "compose_ms", "blit_ms"):
                v = [float(r[k]) for r in refresh]
                out[k + "_med"], out[k + "_max"] = statistics.median(v), max(v)
            v = [float(r["snapshot_ms"]) + float(r["tick_ms"]) for r in refresh]
            out["refresh_ms_med"], out["refresh_ms_max"] = statistics.median(v), max(v)
            v = [float(r["compose_ms"]) + float(r["blit_ms"]) for r in refresh]
            out["redraw_ms_med"], out["redraw_ms_max"] = statistics.median(v), max(v)
        lat, first = [], []
        rnd = random.Random(a.seed)
        for _ in range(a.keys):
            time.sleep(rnd.uniform(0.25, 0.75))
            nk = len(read_stats(stats)[1])
            t = now()
            os.write(master, a.key.encode())
            got = wait_for(lambda: len(read_stats(stats)[1]) > nk, 10, 0.01)
            if not got:
                out["status"] = "key_not_seen"
                break
            k = read_stats(stats)[1][nk]
            lat.append((int(k["done_ns"]) - t) / 1e6)
            f = drain.first_after(t)
            if f is not None and f <= int(k["done_ns"]) + 50_000_000:
                first.append((f - t) / 1e6)
        if lat:
            out["keys"] = len(lat)
            out["key_ms_med"], out["key_ms_p95"], out["key_ms_max"] = \
                statistics.median(lat), pct(lat, 0.95), max(lat)
        if first:
            out["key_first_byte_ms_med"] = statistics.median(first)
        out["screen_bytes"] = drain.total
        t = now()
        os.write(master, b"q")
        try:
            p.wait(timeout=60)
            out["quit_ms"] = (now() - t) / 1e6
        except subprocess.TimeoutExpired:
            out["status"] = "no_exit_on_q"
        out.setdefault("status", p.returncode)
    finally:
        stop_load(load)
        if p.poll() is None:
            p.send_signal(signal.SIGTERM)
            try:
                p.wait(timeout=10)
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait()
        os.close(master)


def plain(a, out):
    env = dict(os.environ, __BPFTRACE_NOTIFY_PROBES_ATTACHED="1")
    err = a.plain_err or a.plain_out + ".err"
    with open(a.plain_out, "wb") as fo, open(err, "wb") as fe:
        p = subprocess.Popen(a.cmd, stdin=subprocess.DEVNULL, stdout=fo, stderr=fe, env=env)
    load = None
    try:
        def attached():
            with open(err, "rb") as f:
                return b"__BPFTRACE_NOTIFY_PROBES_ATTACHED" in f.read() or p.poll() is not None
        if not wait_for(attached, 60) or p.poll() is not None:
            out["status"] = "not_attached"
            return
        load = start_load(a.load)
        if a.fill:
            time.sleep(a.fill_wait)
        time.sleep(a.settle)
        out["cpu_pct"], out["cpu_s"] = measure_cpu(p.pid, a.secs)
        if os.path.isfile(a.plain_out):
            out["out_bytes"] = os.path.getsize(a.plain_out)
        t = now()
        for _ in range(60):
            p.send_signal(signal.SIGINT)
            try:
                p.wait(timeout=1)
                break
            except subprocess.TimeoutExpired:
                pass
        if p.poll() is None:
            out["status"] = "no_exit_in_60s_of_sigint"
        else:
            # measured; how it ended is reported (bpftrace 0.17 may die of
            # the resent SIGINT: -2)
            out["sigint_ms"] = (now() - t) / 1e6
            out["exit_status"] = p.returncode
            out["status"] = 0
    finally:
        stop_load(load)
        if p.poll() is None:
            p.kill()
            p.wait()


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--secs", type=float, default=30, help="CPU measurement window")
    ap.add_argument("--settle", type=float, default=2)
    ap.add_argument("--load", default="", help="shell command run once the tracer is ready")
    ap.add_argument("--fill", type=int, default=0,
                    help="wait for this many map entries before measuring")
    ap.add_argument("--fill-timeout", type=float, default=120)
    ap.add_argument("--fill-wait", type=float, default=5, help="plain mode: seconds to fill")
    ap.add_argument("--keys", type=int, default=0, help="key presses to time")
    ap.add_argument("--key", default="s")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--cols", type=int, default=160)
    ap.add_argument("--rows", type=int, default=50)
    ap.add_argument("--stats", default="/dev/shm/tuirun.stats")
    ap.add_argument("--plain-out", default="")
    ap.add_argument("--plain-err", default="", help="plain mode: stderr (FILE.err)")
    ap.add_argument("--pidfile", default="", help="dashboard mode: write the tracer's pid here")
    ap.add_argument("cmd", nargs="+")
    a = ap.parse_args()
    out = {}
    t0 = now()
    (plain if a.plain_out else dashboard)(a, out)
    out["wall_s"] = (now() - t0) / 1e9
    print(" ".join(f"{k}={fmt(v)}" for k, v in out.items()))
    return 0 if out.get("status") == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
