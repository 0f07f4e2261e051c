/* tracerun: start a tracer once, time its phases from the outside.
 *
 *   tracerun [options] -- TRACER ARGS...
 *
 *   -o FILE  tracer stdout straight to FILE (no pipe, so no stdout line
 *            timestamps; use for throughput runs)
 *   -O FILE  tracer stdout piped through tracerun and copied to FILE
 *            (default: piped, counted, discarded)
 *   -E FILE  copy tracer stderr to FILE
 *   -m STR   readiness marker looked for on stdout+stderr
 *            (default __BPFTRACE_NOTIFY_PROBES_ATTACHED, which bpftrace
 *            prints to stderr once every probe is attached when that
 *            environment variable is set; tracerun always sets it)
 *   -a STR   "attaching" line (default "Attaching"); its number is parsed
 *            as the probe count
 *   -w MS    no marker mode (-m ''): ready = attaching line + MS ms
 *   -l CMD   load command, run with /bin/sh -c once the tracer is ready
 *            (with TRACER_PID set in its environment)
 *   -L FILE  load command's stdout+stderr go to FILE (default: our stderr)
 *   -s       after the load (or at ready when there is none) send SIGINT
 *            and time the exit. SIGINT is sent once the tracer's main
 *            thread is asleep (state S, at most 2 s wait), and re-sent
 *            (at most 5 times) if 1 s later the tracer is still mostly
 *            sitting in epoll_wait: bpftrace 0.17 only notices SIGINT when
 *            it interrupts epoll_wait, so a signal that lands while it is
 *            busy is lost (it then never exits).
 *   -c CPU   pin the tracer to CPU
 *   -T SECS  overall bound (default 120): then SIGKILL tracer and load
 *
 * Prints one line of key=value (seconds from just before fork):
 *   wall attach_line ready first_out load_s sig_at exit_after_sig
 *   exit_after_first_sig sig_resends status maxrss_kb utime stime
 *   out_lines out_bytes probes timeout rss_ready_kb rss_sig_kb
 * rss_ready_kb is the tracer's VmRSS once every probe is attached,
 * rss_sig_kb its VmRSS just before the (first) SIGINT: memory while tracing.
 * -1 means "did not happen".
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <sys/wait.h>

static double t0;
static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9 - t0;
}

/* VmRSS of pid in kB, -1 when unknown */
static long vm_rss_kb(pid_t pid)
{
	char path[64], line[256];
	long kb = -1;
	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	FILE *f = fopen(path, "r");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "VmRSS: %ld", &kb) == 1)
			break;
	fclose(f);
	return kb;
}

struct stream {
	int fd;       /* -1 when closed */
	int copy_fd;  /* -1: discard */
	char line[4096];
	size_t len;
	long lines, bytes;
	int is_out;
};

static const char *marker = "__BPFTRACE_NOTIFY_PROBES_ATTACHED";
static const char *attach_str = "Attaching";
static double t_attach = -1, t_ready = -1, t_first_out = -1;
static long probes = -1;

static void on_line(struct stream *s, const char *l, size_t n)
{
	double t = now();
	char buf[4097];
	if (n > 4096)
		n = 4096;
	memcpy(buf, l, n);
	buf[n] = 0;
	s->lines++;
	if (t_attach < 0 && strstr(buf, attach_str)) {
		t_attach = t;
		const char *p = strstr(buf, attach_str) + strlen(attach_str);
		while (*p && (*p < '0' || *p > '9'))
			p++;
		if (*p)
			probes = atol(p);
		return;
	}
	if (*marker && t_ready < 0 && strstr(buf, marker)) {
		t_ready = t;
		return;
	}
	if (s->is_out && t_first_out < 0 && n > 0)
		t_first_out = t;
}

/* returns 0 on EOF */
static int pump(struct stream *s)
{
	char buf[65536];
	ssize_t r = read(s->fd, buf, sizeof(buf));
	if (r < 0 && (errno == EINTR || errno == EAGAIN))
		return 1;
	if (r <= 0) {
		if (s->len)
			on_line(s, s->line, s->len);
		s->len = 0;
		close(s->fd);
		s->fd = -1;
		return 0;
	}
	s->bytes += r;
	if (s->copy_fd >= 0) {
		ssize_t off = 0;
		while (off < r) {
			ssize_t w = write(s->copy_fd, buf + off, r - off);
			if (w <= 0)
				break;
			off += w;
		}
	}
	for (ssize_t i = 0; i < r; i++) {
		if (buf[i] == '\n') {
			on_line(s, s->line, s->len);
			s->len = 0;
		} else if (s->len < sizeof(s->line)) {
			s->line[s->len++] = buf[i];
		}
	}
	return 1;
}

static void on_alarm(int sig) { (void)sig; }

/* /proc/PID/WHAT into buf (NUL-terminated); 0 if it cannot be read */
static int read_proc(pid_t pid, const char *what, char *buf, size_t size)
{
	char path[64];
	snprintf(path, sizeof(path), "/proc/%d/%s", (int)pid, what);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	ssize_t n = read(fd, buf, size - 1);
	close(fd);
	if (n <= 0)
		return 0;
	buf[n] = 0;
	return 1;
}

/* state letter of /proc/PID/stat, 0 if unknown */
static char proc_state(pid_t pid)
{
	char buf[512];
	if (!read_proc(pid, "stat", buf, sizeof(buf)))
		return 0;
	char *p = strrchr(buf, ')');
	return p && p[1] == ' ' ? p[2] : 0;
}

static int in_epoll(pid_t pid)
{
	char buf[128];
	return read_proc(pid, "wchan", buf, sizeof(buf)) && strstr(buf, "epoll") != NULL;
}

int main(int argc, char **argv)
{
	const char *out_direct = NULL, *out_copy = NULL, *err_copy = NULL;
	const char *load_cmd = NULL, *load_out = NULL;
	int do_sig = 0, cpu = -1, settle_ms = 1000;
	double timeout = 120;
	int opt;
	while ((opt = getopt(argc, argv, "+o:O:E:m:a:w:l:L:sc:T:")) != -1) {
		switch (opt) {
		case 'o': out_direct = optarg; break;
		case 'O': out_copy = optarg; break;
		case 'E': err_copy = optarg; break;
		case 'm': marker = optarg; break;
		case 'a': attach_str = optarg; break;
		case 'w': settle_ms = atoi(optarg); break;
		case 'l': load_cmd = optarg; break;
		case 'L': load_out = optarg; break;
		case 's': do_sig = 1; break;
		case 'c': cpu = atoi(optarg); break;
		case 'T': timeout = atof(optarg); break;
		default:
			fprintf(stderr, "tracerun: bad option\n");
			return 2;
		}
	}
	if (optind >= argc) {
		fprintf(stderr, "usage: tracerun [opts] -- tracer args...\n");
		return 2;
	}

	int po[2] = {-1, -1}, pe[2];
	if ((!out_direct && pipe2(po, O_CLOEXEC)) || pipe2(pe, O_CLOEXEC)) {
		perror("pipe");
		return 1;
	}
	int out_fd = -1;
	if (out_direct) {
		out_fd = open(out_direct, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
		if (out_fd < 0) {
			perror(out_direct);
			return 1;
		}
	}
	setenv("__BPFTRACE_NOTIFY_PROBES_ATTACHED", "1", 1);

	struct sigaction sa = {0};
	sa.sa_handler = on_alarm; /* no SA_RESTART: wait4 returns EINTR */
	sigaction(SIGALRM, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);

	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	t0 = ts.tv_sec + ts.tv_nsec / 1e9;

	pid_t tp = fork();
	if (tp < 0) {
		perror("fork");
		return 1;
	}
	if (tp == 0) {
		if (cpu >= 0) {
			cpu_set_t set;
			CPU_ZERO(&set);
			CPU_SET(cpu, &set);
			sched_setaffinity(0, sizeof(set), &set);
		}
		signal(SIGPIPE, SIG_DFL);
		dup2(out_direct ? out_fd : po[1], 1);
		dup2(pe[1], 2);
		int dn = open("/dev/null", O_RDONLY);
		if (dn >= 0)
			dup2(dn, 0);
		execvp(argv[optind], argv + optind);
		fprintf(stderr, "tracerun: exec %s: %s\n", argv[optind], strerror(errno));
		_exit(127);
	}
	if (!out_direct)
		close(po[1]);
	else
		close(out_fd);
	close(pe[1]);

	struct stream so = {.fd = out_direct ? -1 : po[0], .copy_fd = -1, .is_out = 1};
	struct stream se = {.fd = pe[0], .copy_fd = -1};
	if (out_copy)
		so.copy_fd = open(out_copy, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (err_copy)
		se.copy_fd = open(err_copy, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);

	pid_t lp = -1;
	int load_done = 0, load_started = 0, sig_sent = 0, timed_out = 0;
	double t_load0 = -1, t_load1 = -1, t_sig = -1, t_sig1 = -1, t_exit = -1;
	double t_want_sig = -1, t_win = -1;
	int resends = 0, ep_samples = 0, all_samples = 0;
	int tstatus = 0, reaped = 0;
	long rss_ready = -1, rss_sig = -1;
	struct rusage ru = {0};

	for (;;) {
		double t = now();
		if (t > timeout) {
			timed_out = 1;
			kill(tp, SIGKILL);
			if (lp > 0 && !load_done)
				kill(lp, SIGKILL);
			break;
		}
		int ready = t_ready >= 0 ||
			    (!*marker && t_attach >= 0 && t >= t_attach + settle_ms / 1000.0);
		if (ready && rss_ready < 0)
			rss_ready = vm_rss_kb(tp);
		if (ready && load_cmd && !load_started) {
			load_started = 1;
			char pidbuf[32];
			snprintf(pidbuf, sizeof(pidbuf), "%d", (int)tp);
			setenv("TRACER_PID", pidbuf, 1);
			t_load0 = now();
			lp = fork();
			if (lp == 0) {
				if (load_out) {
					int fd = open(load_out, O_WRONLY | O_CREAT | O_TRUNC, 0644);
					if (fd >= 0) {
						dup2(fd, 1);
						dup2(fd, 2);
					}
				} else {
					dup2(2, 1);
				}
				execl("/bin/sh", "sh", "-c", load_cmd, (char *)NULL);
				_exit(127);
			}
		}
		if (lp > 0 && !load_done) {
			int st;
			if (waitpid(lp, &st, WNOHANG) == lp) {
				load_done = 1;
				t_load1 = now();
			}
		}
		if (do_sig && !sig_sent && ready && (!load_cmd || load_done)) {
			if (t_want_sig < 0)
				t_want_sig = now();
			if (proc_state(tp) == 'S' || now() - t_want_sig > 2.0) {
				rss_sig = vm_rss_kb(tp);
				t_sig = t_sig1 = t_win = now();
				kill(tp, SIGINT);
				sig_sent = 1;
			}
		}
		if (sig_sent && resends < 5) {
			/* 1 s windows after the signal: if the tracer spent
			 * >= 20% of the samples in epoll_wait it is back in its
			 * event loop, i.e. it missed the signal */
			all_samples++;
			ep_samples += in_epoll(tp);
			if (now() - t_win > 1.0) {
				if (ep_samples * 5 >= all_samples && proc_state(tp) == 'S') {
					t_sig = now();
					kill(tp, SIGINT);
					resends++;
				}
				ep_samples = all_samples = 0;
				t_win = now();
			}
		}
		if (so.fd < 0 && se.fd < 0)
			break;
		struct pollfd pf[2];
		int n = 0;
		if (so.fd >= 0)
			pf[n++] = (struct pollfd){.fd = so.fd, .events = POLLIN};
		if (se.fd >= 0)
			pf[n++] = (struct pollfd){.fd = se.fd, .events = POLLIN};
		int wait_ms = 200;
		if ((lp > 0 && !load_done) || (!*marker && t_attach >= 0 && t_ready < 0) ||
		    (do_sig && !sig_sent && ready))
			wait_ms = 1;
		else if (sig_sent)
			wait_ms = 10;
		int r = poll(pf, n, wait_ms);
		if (r < 0 && errno != EINTR)
			break;
		for (int i = 0; i < n; i++) {
			if (!(pf[i].revents & (POLLIN | POLLHUP | POLLERR)))
				continue;
			struct stream *s = pf[i].fd == so.fd ? &so : &se;
			pump(s);
		}
	}
	/* both pipes closed (or timeout): reap the tracer */
	if (!timed_out) {
		double left = timeout - now();
		alarm(left > 1 ? (unsigned)left : 1);
	}
	for (;;) {
		pid_t w = wait4(tp, &tstatus, 0, &ru);
		if (w == tp) {
			reaped = 1;
			t_exit = now();
			break;
		}
		if (w < 0 && errno == EINTR && !timed_out) {
			timed_out = 1;
			kill(tp, SIGKILL);
			continue;
		}
		if (w < 0 && errno != EINTR)
			break;
	}
	alarm(0);
	if (lp > 0 && !load_done) {
		if (timed_out)
			kill(lp, SIGKILL);
		waitpid(lp, NULL, 0);
		t_load1 = now();
	}
	int status = -1;
	if (reaped)
		status = WIFEXITED(tstatus) ? WEXITSTATUS(tstatus) : 128 + WTERMSIG(tstatus);
	printf("wall=%.4f attach_line=%.4f ready=%.4f first_out=%.4f load_s=%.4f "
	       "sig_at=%.4f exit_after_sig=%.4f exit_after_first_sig=%.4f "
	       "sig_resends=%d status=%d maxrss_kb=%ld "
	       "utime=%.3f stime=%.3f out_lines=%ld out_bytes=%ld probes=%ld timeout=%d "
	       "rss_ready_kb=%ld rss_sig_kb=%ld\n",
	       t_exit, t_attach, t_ready, t_first_out,
	       t_load0 >= 0 ? t_load1 - t_load0 : -1.0, t_sig,
	       t_sig >= 0 && reaped ? t_exit - t_sig : -1.0,
	       t_sig1 >= 0 && reaped ? t_exit - t_sig1 : -1.0, resends, status, ru.ru_maxrss,
	       ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6,
	       ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6, so.lines, so.bytes,
	       probes, timed_out, rss_ready, rss_sig);
	return timed_out ? 3 : 0;
}
