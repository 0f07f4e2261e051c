#!/usr/bin/env bash
# tier-timeout: 300
# tier-needs: root
#
# Metrics tier: tracetop --prometheus scraped by a real Prometheus (Debian's
# package, installed when missing) on 127.0.0.1 with its own config and
# storage in a temp dir. A controlled workload (mload.c: a known number of
# getppid() calls and /dev/zero reads of known sizes, run by -c and filtered
# by cpid, and by comm for the reads: before its exec the -c child reads
# the byte that starts it) is traced with --plain; Prometheus's HTTP API must then give the
# counts and histogram_quantile(0.5, ...) that the --plain dump implies, and
# each histogram's _sum must be the exact sum of the bytes the workload read
# (mload is static: no loader reads), its _count the bucket total; the
# --plain dump must be the same as a run without --prometheus (the sum slot
# the generated code keeps then is not shown).
# `promtool check metrics` must accept the exposition; the OpenMetrics
# form must end in # EOF; the series cap, label escaping and the headless
# mode (-q --prometheus) are checked on the exposition itself, and a hostile
# client (a connection flood, a POST body, a huge header) must not hurt the
# server. Afterwards no server is left listening and no BPF program of ours
# is left loaded.
set -u
cd "$(dirname "$0")/../.." || exit 1
top=$(pwd)
out=build/tests/metrics
mkdir -p "$out"
if [ "$(id -u)" != 0 ]; then
	echo "SKIP metrics: needs root to load BPF"
	exit 0
fi
mountpoint -q /sys/kernel/tracing || mount -t tracefs nodev /sys/kernel/tracing 2>/dev/null

# our own copy: other people's builds may relink ./tracetop meanwhile (a
# copy taken mid-link is caught by -V and taken again)
tt_bin=$out/tracetop
built=0
for _ in 1 2 3 4 5 6; do
	if make -s tracetop >"$out/make.log" 2>&1 && cp tracetop "$tt_bin" 2>/dev/null &&
		"$tt_bin" -V >/dev/null 2>&1; then
		built=1
		break
	fi
	sleep 10
done
if [ "$built" = 0 ]; then
	echo "FAIL metrics_build: make tracetop failed (see $out/make.log)"
	exit 0
fi
if ! command -v prometheus >/dev/null || ! command -v promtool >/dev/null; then
	if ! apt-cache policy prometheus 2>/dev/null | grep -q 'Candidate: [0-9]'; then
		echo "SKIP metrics_prometheus: no prometheus package available"
		exit 0
	fi
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends prometheus \
		>"$out/apt.log" 2>&1
	if ! command -v prometheus >/dev/null; then
		echo "FAIL metrics_prometheus: could not install prometheus (see $out/apt.log)"
		exit 0
	fi
	# the package's own service must not be what we talk to
	systemctl stop prometheus prometheus-node-exporter >/dev/null 2>&1 || true
fi
if ! cc -O2 -Wall -Wextra -static -o "$out/mload" tests/metrics/mload.c 2>"$out/cc.log"; then
	echo "FAIL metrics_workload: cc failed (see $out/cc.log)"
	exit 0
fi

tmp=$(mktemp -d /tmp/tracetop-metrics.XXXXXX)
prom_pid=""
tt_pids=()
cleanup() {
	[ -n "$prom_pid" ] && kill "$prom_pid" 2>/dev/null && wait "$prom_pid" 2>/dev/null
	for p in "${tt_pids[@]}"; do
		kill "$p" 2>/dev/null && wait "$p" 2>/dev/null
	done
	rm -rf "$tmp"
}
trap cleanup EXIT

free_port() {
	python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}
# fetch URL [ACCEPT]: the body on stdout
fetch() {
	curl -sf --max-time 5 ${2:+-H "Accept: $2"} "$1"
}
wait_http() { # URL TRIES
	for _ in $(seq "$2"); do
		fetch "$1" >/dev/null 2>&1 && return 0
		sleep 0.2
	done
	return 1
}

tt_port=$(free_port)
prom_port=$(free_port)
cat >"$tmp/prometheus.yml" <<EOF
global:
  scrape_interval: 1s
  scrape_timeout: 1s
  evaluation_interval: 1s
scrape_configs:
  - job_name: tracetop
    static_configs:
      - targets: ['127.0.0.1:$tt_port']
EOF
prometheus --config.file="$tmp/prometheus.yml" --storage.tsdb.path="$tmp/data" \
	--web.listen-address="127.0.0.1:$prom_port" >"$out/prometheus.log" 2>&1 &
prom_pid=$!
if ! wait_http "http://127.0.0.1:$prom_port/-/ready" 100; then
	echo "FAIL metrics_prometheus_start: Prometheus not ready (see $out/prometheus.log)"
	exit 0
fi

# --- the controlled run: --plain output and the exporter at once ---
calls=1234 nsmall=30 small=10 nbig=70 big=1000
prog='tracepoint:syscalls:sys_enter_getppid /pid == cpid/ { @calls[comm] = count(); }
tracepoint:syscalls:sys_exit_read /pid == cpid && comm == "mload"/ { @bytes = hist(args->ret); @reads = stats(args->ret);
	@rbytes[comm] = lhist(args->ret, 0, 2000, 100); }'
"$tt_bin" --plain -i 0.2 --prometheus "127.0.0.1:$tt_port" \
	-c "$out/mload $calls $nsmall $small $nbig $big 8" -e "$prog" \
	>"$out/plain.txt" 2>"$out/plain.err" &
tt=$!
tt_pids+=("$tt")
if wait_http "http://127.0.0.1:$tt_port/metrics" 50; then
	echo "PASS metrics_serve"
else
	echo "FAIL metrics_serve: no /metrics on 127.0.0.1:$tt_port (see $out/plain.err)"
fi
# until the workload is done (it lingers 8 s after its last syscall)
for _ in $(seq 60); do
	fetch "http://127.0.0.1:$tt_port/metrics" >"$out/expo.txt"
	grep -q "^tracetop_calls_total{comm=\"mload\"} $calls\$" "$out/expo.txt" && break
	sleep 0.2
done
fetch "http://127.0.0.1:$tt_port/metrics" >"$out/expo.txt"
fetch "http://127.0.0.1:$tt_port/metrics" "application/openmetrics-text; version=1.0.0" \
	>"$out/expo.om"
bpftool prog list >"$out/progs-during.txt" 2>&1
wait "$tt"
tt_rc=$?
tt_pids=()
if [ "$tt_rc" = 0 ] && grep -q "^@calls\[mload\]: $calls$" "$out/plain.txt"; then
	echo "PASS metrics_plain_run"
else
	echo "FAIL metrics_plain_run: rc $tt_rc, @calls not $calls in $out/plain.txt"
fi

if grep -q '^tracetop_bytes_bucket{le="+Inf"} ' "$out/expo.txt" &&
	grep -q '^tracetop_bytes_sum ' "$out/expo.txt" &&
	grep -q '^# TYPE tracetop_map_series_folded_total counter$' "$out/expo.txt" &&
	promtool check metrics <"$out/expo.txt" >"$out/promtool.txt" 2>&1; then
	echo "PASS metrics_promtool"
else
	echo "FAIL metrics_promtool: $(head -1 "$out/promtool.txt" 2>/dev/null) (see $out/expo.txt)"
fi
if [ "$(tail -1 "$out/expo.om")" = "# EOF" ] &&
	grep -q '^# TYPE tracetop_calls counter$' "$out/expo.om" &&
	grep -q '^tracetop_calls_total{comm="mload"} ' "$out/expo.om" &&
	grep -q '^# TYPE tracetop_map_series_folded counter$' "$out/expo.om" &&
	grep -q '^tracetop_map_series_folded_total{map="@bytes"} 0$' "$out/expo.om"; then
	echo "PASS metrics_openmetrics"
else
	echo "FAIL metrics_openmetrics: no # EOF or counter family in $out/expo.om"
fi
if grep -q '^# HELP tracetop_calls_total @calls = count(), defined at line 1' "$out/expo.txt" &&
	grep -q '^# HELP tracetop_bytes @bytes = hist(), defined at line 2' "$out/expo.txt" &&
	grep -q '^tracetop_info{version="' "$out/expo.txt" &&
	grep -q '^tracetop_map_entries{map="@calls"} 1$' "$out/expo.txt"; then
	echo "PASS metrics_help_info"
else
	echo "FAIL metrics_help_info: HELP lines, tracetop_info or tracetop_map_entries wrong in $out/expo.txt"
fi

# the exact sums, as served (text) and as Prometheus scrapes it (OpenMetrics:
# no value was negative, so the empty negative bucket is left out and the
# _sum given)
want_sum=$((nsmall * small + nbig * big)) want_n=$((nsmall + nbig))
sums_ok=1
for f in expo.txt expo.om; do
	grep -qx "tracetop_bytes_sum $want_sum" "$out/$f" &&
		grep -qx "tracetop_bytes_count $want_n" "$out/$f" &&
		grep -qx "tracetop_bytes_bucket{le=\"+Inf\"} $want_n" "$out/$f" &&
		grep -qx "tracetop_rbytes_sum{comm=\"mload\"} $want_sum" "$out/$f" &&
		grep -qx "tracetop_rbytes_count{comm=\"mload\"} $want_n" "$out/$f" || sums_ok=0
done
grep -q '^tracetop_bytes_bucket{le="-1.0"}' "$out/expo.om" && sums_ok=0
if [ "$sums_ok" = 1 ]; then
	echo "PASS metrics_hist_sum_exposition"
else
	echo "FAIL metrics_hist_sum_exposition: want _sum $want_sum, _count $want_n: $(grep -h \
		'^tracetop_r\?bytes_\(sum\|count\)' "$out/expo.txt" | tr '\n' ' ')"
fi
# the same workload without --prometheus: the same --plain dump
timeout 60 "$tt_bin" --plain -c "$out/mload $calls $nsmall $small $nbig $big 0" -e "$prog" \
	>"$out/plain-noprom.txt" 2>"$out/plain-noprom.err"
if grep -q '^@bytes:' "$out/plain.txt" && cmp -s "$out/plain.txt" "$out/plain-noprom.txt"; then
	echo "PASS metrics_plain_unchanged"
else
	echo "FAIL metrics_plain_unchanged: $(diff "$out/plain.txt" "$out/plain-noprom.txt" |
		grep '^[<>]' | head -1 | cut -c1-100)"
fi

# --- what Prometheus stored must be what --plain printed ---
sleep 1.5
python3 - "$prom_port" "$out/plain.txt" "$calls" "$want_sum" "$want_n" >"$out/compare.txt" 2>&1 <<'EOF'
import json, re, sys, urllib.parse, urllib.request
port, plain_path, calls = sys.argv[1], sys.argv[2], int(sys.argv[3])
want_sum, want_n = int(sys.argv[4]), int(sys.argv[5])

def query(q):
    url = "http://127.0.0.1:%s/api/v1/query?%s" % (port, urllib.parse.urlencode({"query": q}))
    with urllib.request.urlopen(url, timeout=5) as r:
        d = json.load(r)
    if d["status"] != "success" or not d["data"]["result"]:
        raise SystemExit("FAIL empty result for " + q)
    return float(d["data"]["result"][0]["value"][1])

plain = open(plain_path).read()
m = re.search(r"^@calls\[mload\]: (\d+)$", plain, re.M)
plain_calls = int(m.group(1)) if m else None
m = re.search(r"^@reads: count (\d+), average (-?\d+), total (-?\d+)$", plain, re.M)
plain_reads = (int(m.group(1)), int(m.group(3))) if m else None

# the --plain histogram rows -> (inclusive upper bound, count)
units = {"": 1, "K": 1 << 10, "M": 1 << 20, "G": 1 << 30, "T": 1 << 40, "P": 1 << 50, "E": 1 << 60}
def num(s):
    m = re.fullmatch(r"(-?\d+)([KMGTPE]?)", s.strip())
    return int(m.group(1)) * units[m.group(2)]
rows = []
sect = plain.split("@bytes:", 1)[1].split("\n\n", 1)[0]
for line in sect.strip().splitlines():
    m = re.match(r"^(\[[^\]]*\]|\[[^)]*\)|\(\.\.\., [^)]*\))\s+(\d+)", line)
    if not m:
        continue
    lab, n = m.group(1), int(m.group(2))
    if lab.startswith("(..."):
        hi = num(lab[5:-1]) - 1
    elif lab.endswith("]"):
        hi = num(lab[1:-1])
    else:
        hi = num(lab[1:-1].split(",")[1]) - 1
    rows.append((hi, n))

# Prometheus's histogram_quantile on these buckets: linear inside a bucket
total = sum(n for _, n in rows)
rank, cum, prev_le, want_q = 0.5 * total, 0, 0.0, None
for i, (le, n) in enumerate(rows):
    if cum + n >= rank:
        lo = prev_le if i else 0.0
        want_q = lo + (le - lo) * (rank - cum) / n
        break
    cum += n
    prev_le = float(le)

got_calls = query('last_over_time(tracetop_calls_total{job="tracetop",comm="mload"}[5m])')
got_q = query('histogram_quantile(0.5, last_over_time(tracetop_bytes_bucket{job="tracetop"}[5m]))')
got_count = query('last_over_time(tracetop_bytes_count{job="tracetop"}[5m])')
got_rsum = query('last_over_time(tracetop_reads_sum{job="tracetop"}[5m])')
got_rcount = query('last_over_time(tracetop_reads_count{job="tracetop"}[5m])')
got_hsum = query('last_over_time(tracetop_bytes_sum{job="tracetop"}[5m])')
got_lsum = query('last_over_time(tracetop_rbytes_sum{job="tracetop",comm="mload"}[5m])')
got_lcount = query('last_over_time(tracetop_rbytes_count{job="tracetop",comm="mload"}[5m])')
got_linf = query('last_over_time(tracetop_rbytes_bucket{job="tracetop",comm="mload",le="+Inf"}[5m])')
print("plain calls", plain_calls, "prom", got_calls)
print("plain hist rows", rows, "total", total, "want q50", want_q, "prom", got_q, "count", got_count)
print("plain stats", plain_reads, "prom", got_rcount, got_rsum)
ok = True
def check(name, cond, why):
    global ok
    print(("PASS %s" % name) if cond else ("FAIL %s: %s" % (name, why)))
    ok &= bool(cond)
check("metrics_prom_count", plain_calls == calls and got_calls == plain_calls,
      "plain %s, Prometheus %s" % (plain_calls, got_calls))
check("metrics_prom_hist_quantile", want_q is not None and abs(got_q - want_q) < 1e-6 and
      got_count == total, "want %s (of %d), Prometheus %s (of %s)" % (want_q, total, got_q, got_count))
check("metrics_prom_stats", plain_reads and got_rcount == plain_reads[0] and
      got_rsum == plain_reads[1], "plain %s, Prometheus %s/%s" % (plain_reads, got_rcount, got_rsum))
print("hist sums: want", want_sum, "of", want_n, "prom hist", got_hsum, got_count,
      "lhist", got_lsum, got_lcount, got_linf)
check("metrics_prom_hist_sum", got_hsum == want_sum and got_count == want_n and
      got_lsum == want_sum and got_lcount == want_n and got_linf == want_n and
      plain_reads and plain_reads[1] == want_sum,
      "want %d of %d; hist %s of %s, lhist %s of %s (+Inf %s), --plain stats %s" %
      (want_sum, want_n, got_hsum, got_count, got_lsum, got_lcount, got_linf, plain_reads))
EOF
grep -E '^(PASS|FAIL) ' "$out/compare.txt" || echo "FAIL metrics_prom_query: $(tail -1 "$out/compare.txt")"
if fetch "http://127.0.0.1:$prom_port/api/v1/query?query=up%7Bjob%3D%22tracetop%22%7D" |
	grep -q '"result":\[{'; then
	echo "PASS metrics_prom_up"
else
	echo "FAIL metrics_prom_up: Prometheus knows no tracetop target"
fi

# --- series cap, escaping and the headless mode, on the exposition ---
capprog='BEGIN { @hits[3] = count(); @hits[3] = count(); @hits[3] = count(); @hits[2] = count(); @hits[2] = count();
@hits[1] = count(); @hits[0] = count(); @e["a\"b\\c\nd"] = count(); }
interval:s:60 { exit(); }'
tt_port2=$(free_port)
"$tt_bin" -q --prometheus "$tt_port2" --prometheus-max-series 2 -i 0.1 -e "$capprog" \
	>"$out/headless.out" 2>"$out/headless.err" &
tt=$!
tt_pids+=("$tt")
wait_http "http://127.0.0.1:$tt_port2/metrics" 50
sleep 0.5 # a snapshot after BEGIN
fetch "http://127.0.0.1:$tt_port2/metrics" >"$out/cap.txt"
# a hostile client: 100 connections that never finish their request, a
# POST with a body, a 200 KB header; fds stay bounded, scrapes work after
python3 - "$tt_port2" "$tt" >"$out/hostile.txt" 2>&1 <<'EOF2'
import os, socket, subprocess, sys, time
port, pid = int(sys.argv[1]), sys.argv[2]
socks = []
for i in range(100):
    try:
        s = socket.create_connection(("127.0.0.1", port), timeout=1)
        s.send(b"GET /metrics HTTP/1.1\r\nHost: x\r\n")
        socks.append(s)
    except OSError:
        pass
time.sleep(0.3)
fds = len(os.listdir("/proc/%s/fd" % pid))
for s in socks:
    s.close()
time.sleep(0.3)
def curl(*args):
    return subprocess.run(["curl", "-s", "-o", "/dev/null", "-w", "%{http_code}", "--max-time", "3"]
                          + list(args) + ["http://127.0.0.1:%d/metrics" % port],
                          capture_output=True, text=True).stdout
post = curl("-X", "POST", "--data-binary", "@/etc/services")
s = socket.create_connection(("127.0.0.1", port), timeout=3)
s.sendall(b"GET /metrics HTTP/1.1\r\nX: " + b"a" * 200000 + b"\r\n\r\n")
try:
    big = s.recv(12)[9:12].decode()
except OSError:
    big = "closed"
s.close()
after = curl()
print("fds", fds, "post", post, "big", big, "after", after)
ok = fds < 50 and post == "405" and big in ("431", "closed", "") and after == "200"
print("PASS metrics_hostile_client" if ok else
      "FAIL metrics_hostile_client: fds %d, POST %s, big header %s, then %s" % (fds, post, big, after))
EOF2
grep -E '^(PASS|FAIL) ' "$out/hostile.txt" || echo "FAIL metrics_hostile_client: $(tail -1 "$out/hostile.txt")"
# the folded-entries counter: every snapshot folds @hits' 2 smallest entries,
# so it is a positive multiple of 2 that only grows (-i 0.1: wait for the
# next snapshots, up to 10 s)
folded() { sed -n 's/^tracetop_map_series_folded_total{map="@hits"} \([0-9]*\)$/\1/p' "$1"; }
f1=$(folded "$out/cap.txt") f2=""
for _ in $(seq 50); do
	fetch "http://127.0.0.1:$tt_port2/metrics" >"$out/cap2.txt"
	f2=$(folded "$out/cap2.txt")
	[ -n "$f1" ] && [ -n "$f2" ] && [ "$f2" -gt "$f1" ] && break
	sleep 0.2
done
if [ -n "$f1" ] && [ -n "$f2" ] && [ "$f1" -ge 2 ] && [ $((f1 % 2)) = 0 ] &&
	[ "$f2" -gt "$f1" ] && [ $((f2 % 2)) = 0 ] &&
	grep -qx '# TYPE tracetop_map_series_folded_total counter' "$out/cap2.txt" &&
	grep -qx 'tracetop_map_series_folded_total{map="@e"} 0' "$out/cap2.txt" &&
	promtool check metrics <"$out/cap2.txt" >"$out/promtool-cap.txt" 2>&1; then
	echo "PASS metrics_series_folded_counter"
else
	echo "FAIL metrics_series_folded_counter: $f1 then $f2 ($(head -1 "$out/promtool-cap.txt"))"
fi
kill -INT "$tt" # ends like exit(): a SIGINT
wait "$tt"
tt_pids=()
if grep -qx 'tracetop_hits_total{key0="3"} 3' "$out/cap.txt" &&
	grep -qx 'tracetop_hits_total{key0="2"} 2' "$out/cap.txt" &&
	grep -qx 'tracetop_hits_total{key0="__other__"} 2' "$out/cap.txt" &&
	[ "$(grep -c '^tracetop_hits_total' "$out/cap.txt")" = 3 ]; then
	echo "PASS metrics_series_cap"
else
	echo "FAIL metrics_series_cap: see $out/cap.txt"
fi
if grep -qxF 'tracetop_e_total{key0="a\"b\\c\nd"} 1' "$out/cap.txt"; then
	echo "PASS metrics_label_escape"
else
	echo "FAIL metrics_label_escape: $(grep '^tracetop_e_total' "$out/cap.txt")"
fi
if [ ! -s "$out/headless.out" ] && grep -q '^tracetop_info' "$out/cap.txt"; then
	echo "PASS metrics_headless"
else
	echo "FAIL metrics_headless: -q --prometheus printed $(wc -c <"$out/headless.out") bytes"
fi
# --- every kind of map, both formats, against golden files ---
# (UPDATE=1 rewrites them; the version and the refresh time are masked)
tt_port3=$(free_port)
"$tt_bin" -q --prometheus "$tt_port3" tests/metrics/golden.bt >/dev/null 2>"$out/golden.err" &
tt=$!
tt_pids+=("$tt")
wait_http "http://127.0.0.1:$tt_port3/metrics" 50
sleep 0.5 # a snapshot after BEGIN
mask() { sed -E 's/version="[^"]*"/version="V"/; s/^(tracetop_refresh_duration_seconds) .*/\1 T/'; }
fetch "http://127.0.0.1:$tt_port3/metrics" | mask >"$out/golden.prom"
fetch "http://127.0.0.1:$tt_port3/metrics" "application/openmetrics-text; version=1.0.0" |
	mask >"$out/golden.om"
kill -INT "$tt"
wait "$tt"
tt_pids=()
for fmt in prom om; do
	[ -n "${UPDATE:-}" ] && cp "$out/golden.$fmt" "tests/metrics/golden.$fmt"
	if cmp -s "$out/golden.$fmt" "tests/metrics/golden.$fmt"; then
		echo "PASS metrics_golden_$fmt"
	else
		echo "FAIL metrics_golden_$fmt: $(diff "tests/metrics/golden.$fmt" "$out/golden.$fmt" |
			grep '^[<>]' | head -1 | cut -c1-120)"
	fi
done

if "$tt_bin" --prometheus 127.0.0.1:notaport -e 'BEGIN { exit(); }' >/dev/null 2>&1; then
	echo "FAIL metrics_bad_listen: a bad --prometheus argument was accepted"
else
	echo "PASS metrics_bad_listen"
fi

# --- both servers stopped, nothing left attached ---
kill "$prom_pid" 2>/dev/null
wait "$prom_pid" 2>/dev/null
prom_pid=""
sleep 0.2
listening=$(ss -Hltn 2>/dev/null | awk '{print $4}' |
	grep -E ":($tt_port|$tt_port2|$tt_port3|$prom_port)$" || true)
# the programs of the controlled run, by id (seen while it ran) must be gone
ids=$(grep -E '^[0-9]+: tracepoint +name tracepoint_syscalls_sys_(enter_getppid_0|exit_read_1) ' \
	"$out/progs-during.txt" | cut -d: -f1)
left=""
for id in $ids; do
	bpftool prog show id "$id" >/dev/null 2>&1 && left="$left $id"
done
if [ -z "$ids" ]; then
	echo "FAIL metrics_cleanup: the run's programs were not seen in bpftool prog list"
elif [ -z "$listening" ] && [ -z "$left" ]; then
	echo "PASS metrics_cleanup"
else
	echo "FAIL metrics_cleanup: listening [$listening], programs left:$left"
fi
