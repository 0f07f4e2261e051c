/*
 * child.c - the -c command and the -p process.
 *
 * -c CMD is split into words at spaces and tabs, with no shell syntax at
 * all: quotes stay in the words, as bpftrace 0.17 passes them (`-c "echo
 * 'A'"` prints 'A'), and the program is looked up on $PATH here
 * so the child makes exactly one execve (a probe counting the child's
 * execs sees one, as with bpftrace). The child is forked at once, so its
 * pid is known for tt_config's cpid, and waits on a pipe until every probe
 * is attached. A pidfd becomes readable when the child (or the -p
 * process) ends; rt_poll waits on it beside the ring buffer, so the run
 * ends as soon as the command does. At cleanup a child still running gets
 * SIGTERM and is reaped.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include "rt_internal.h"

#define CHILD_LINE_MAX 4096 /* a longer line is handed on in pieces */
#define CHILD_KILL_MS  2000 /* SIGTERM, then SIGKILL after this long */

static int pidfd_open_(pid_t pid)
{
	return (int)syscall(SYS_pidfd_open, pid, 0);
}

/* Words of cmd, NULL-terminated (xmalloc'd, with their strings). */
static char **split_words(const char *cmd)
{
	struct vec words = {0};
	struct strbuf w = {0};
	const char *p = cmd;

	for (;;) {
		while (*p == ' ' || *p == '\t' || *p == '\n')
			p++;
		if (!*p)
			break;
		for (; *p && *p != ' ' && *p != '\t' && *p != '\n'; p++)
			sb_putc(&w, *p);
		vec_push(&words, sb_steal(&w));
	}
	sb_free(&w);
	vec_push(&words, NULL);
	return (char **)words.items;
}

static void free_words(char **argv)
{
	for (char **a = argv; *a; a++)
		free(*a);
	free(argv);
}

/* The program's path: as given when it has a '/', else the first match
 * on $PATH; NULL when there is none. */
static char *find_program(const char *name)
{
	const char *path = getenv("PATH");
	char *dirs, *dir, *save = NULL;
	char *found = NULL;

	if (strchr(name, '/'))
		return access(name, X_OK) == 0 ? xstrdup(name) : NULL;
	dirs = xstrdup(path ? path : "/usr/local/bin:/usr/bin:/bin");
	for (dir = strtok_r(dirs, ":", &save); dir && !found; dir = strtok_r(NULL, ":", &save)) {
		char *cand = xasprintf("%s/%s", *dir ? dir : ".", name);

		if (access(cand, X_OK) == 0)
			found = cand;
		else
			free(cand);
	}
	free(dirs);
	return found;
}

/* cmd_capture: where the command's stdout and stderr go. A pty keeps
 * its stdio line-buffered; "\n" is not turned into "\r\n" and the size is
 * our terminal's. *master (ours) is non-blocking, both are close-on-exec. */
static int capture_open(int *master, int *slave)
{
	int m = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC), s = -1, p[2];
	char name[64];

	if (m >= 0 && !grantpt(m) && !unlockpt(m) && !ptsname_r(m, name, sizeof(name)))
		s = open(name, O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (s >= 0) {
		struct termios tio;
		struct winsize ws;

		if (tcgetattr(s, &tio) == 0) {
			tio.c_oflag &= ~(tcflag_t)OPOST;
			tio.c_lflag &= ~(tcflag_t)(ECHO | ICANON);
			tcsetattr(s, TCSANOW, &tio);
		}
		if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0)
			ioctl(s, TIOCSWINSZ, &ws);
		*master = m;
		*slave = s;
	} else {
		if (m >= 0)
			close(m);
		if (pipe2(p, O_CLOEXEC) < 0)
			return -errno;
		*master = p[0];
		*slave = p[1];
	}
	fcntl(*master, F_SETFL, fcntl(*master, F_GETFL) | O_NONBLOCK);
	return 0;
}

/* in the child: a session of its own on the capture pty, stdin /dev/null */
static void capture_enter(int slave)
{
	int nul = open("/dev/null", O_RDONLY);

	setsid();
	ioctl(slave, TIOCSCTTY, 0); /* fails harmlessly on a pipe */
	if (nul >= 0) {
		dup2(nul, STDIN_FILENO);
		close(nul);
	}
	dup2(slave, STDOUT_FILENO);
	dup2(slave, STDERR_FILENO);
}

int child_spawn(struct rt *rt, const char *cmd)
{
	char **argv = split_words(cmd);
	char *prog = argv[0] ? find_program(argv[0]) : NULL;
	int go[2], err, cap_master = -1, cap_slave = -1;
	pid_t pid;

	if (!prog) {
		fprintf(stderr, "ERROR: -c: %s: command not found\n",
			argv[0] ? argv[0] : "(empty)");
		free_words(argv);
		return -ENOENT;
	}
	if (pipe2(go, O_CLOEXEC) < 0) {
		err = -errno;
		fprintf(stderr, "ERROR: -c: pipe: %s\n", strerror(errno));
		goto out;
	}
	if (rt->opts->cmd_capture && (err = capture_open(&cap_master, &cap_slave)) < 0) {
		fprintf(stderr, "ERROR: -c: no pseudo-terminal or pipe for its output: %s\n",
			strerror(-err));
		close(go[0]);
		close(go[1]);
		goto out;
	}
	fflush(NULL);
	pid = fork();
	if (pid < 0) {
		err = -errno;
		fprintf(stderr, "ERROR: -c: fork: %s\n", strerror(errno));
		close(go[0]);
		close(go[1]);
		if (cap_master >= 0) {
			close(cap_master);
			close(cap_slave);
		}
		goto out;
	}
	if (pid == 0) {
		char c;

		close(go[1]);
		if (cap_slave >= 0)
			capture_enter(cap_slave);
		/* EOF without a byte: the tracer gave up; do not run */
		if (read(go[0], &c, 1) != 1)
			_exit(127);
		close(go[0]);
		execv(prog, argv);
		fprintf(stderr, "ERROR: -c: %s: %s\n", prog, strerror(errno));
		_exit(127);
	}
	close(go[0]);
	if (cap_slave >= 0)
		close(cap_slave);
	rt->child.out_fd = cap_master;
	rt->child.own_group = cap_slave >= 0;
	rt->child.pid = pid;
	rt->child.go_fd = go[1];
	rt->child.pidfd = pidfd_open_(pid);
	err = 0;
out:
	free(prog);
	free_words(argv);
	return err;
}

int child_watch_pid(struct rt *rt, int pid)
{
	rt->child.pidfd = pidfd_open_(pid);
	if (rt->child.pidfd < 0) {
		int err = -errno;

		fprintf(stderr, "ERROR: -p %d: %s\n", pid,
			errno == ESRCH ? "no such process" : strerror(errno));
		return err;
	}
	return 0;
}

void child_release(struct rt *rt)
{
	if (rt->child.go_fd < 0)
		return;
	if (write(rt->child.go_fd, "g", 1) != 1)
		fprintf(stderr, "WARNING: -c: could not start the command: %s\n", strerror(errno));
	close(rt->child.go_fd);
	rt->child.go_fd = -1;
}

bool child_check_exited(struct rt *rt)
{
	if (rt->child.exited)
		return true;
	if (rt->child.pid > 0) {
		if (waitpid(rt->child.pid, &rt->child.status, WNOHANG) == rt->child.pid)
			rt->child.exited = true;
	} else if (rt->child.pidfd >= 0) {
		/* -p: not our child; its pidfd is readable once it is gone */
		struct pollfd pfd = {.fd = rt->child.pidfd, .events = POLLIN};

		if (poll(&pfd, 1, 0) > 0)
			rt->child.exited = true;
	}
	return rt->child.exited;
}

static void emit_line(struct rt *rt, const struct sink_ops *sink)
{
	struct strbuf *p = &rt->child.partial;
	const char *s = p->buf ? p->buf : "";

	if (sink && sink->child_line) {
		sink->child_line(sink->ctx, s, p->len);
	} else {
		fwrite(s, 1, p->len, stdout);
		fputc('\n', stdout);
	}
	sb_reset(p);
}

size_t child_read_output(struct rt *rt, const struct sink_ops *sink, size_t budget)
{
	char buf[16384];
	size_t got = 0;

	while (rt->child.out_fd >= 0 && got < budget) {
		ssize_t n = read(rt->child.out_fd, buf, sizeof(buf));

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EAGAIN)
			break;
		if (n <= 0) {
			/* EOF, or EIO from a pty nobody holds open any more */
			if (rt->child.partial.len)
				emit_line(rt, sink);
			close(rt->child.out_fd); /* leaves the epoll sets with it */
			rt->child.out_fd = -1;
			break;
		}
		got += (size_t)n;
		for (const char *p = buf, *end = buf + n; p < end;) {
			const char *nl = memchr(p, '\n', (size_t)(end - p));
			size_t len = (size_t)((nl ? nl : end) - p);

			if (rt->child.partial.len + len > CHILD_LINE_MAX)
				len = CHILD_LINE_MAX - rt->child.partial.len;
			sb_putn(&rt->child.partial, p, len);
			p += len;
			if (p < end && *p == '\n') {
				p++;
				emit_line(rt, sink);
			} else if (rt->child.partial.len >= CHILD_LINE_MAX) {
				emit_line(rt, sink);
			}
		}
	}
	if (got && !(sink && sink->child_line))
		fflush(stdout);
	return got;
}

/* SIGTERM, and SIGKILL if it is still there CHILD_KILL_MS later. A
 * captured command runs in a session of its own: its process group is
 * signalled, so what it started in the background goes too. */
static void child_stop(struct rt *rt)
{
	pid_t pid = rt->child.pid, target = rt->child.own_group ? -pid : pid;
	bool reaped = rt->child.exited || waitpid(pid, &rt->child.status, WNOHANG) != 0;
	uint64_t end = rt_now_ns() + CHILD_KILL_MS * 1000000ull;

	if (reaped && !rt->child.own_group)
		return;
	if (kill(target, SIGTERM) < 0 && reaped)
		return; /* nobody left */
	for (;;) {
		if (!reaped && waitpid(pid, &rt->child.status, WNOHANG) != 0)
			reaped = true;
		if (reaped && (!rt->child.own_group || kill(target, 0) < 0))
			return;
		if (rt_now_ns() >= end)
			break;
		usleep(2000);
	}
	kill(target, SIGKILL);
	if (!reaped)
		waitpid(pid, &rt->child.status, 0);
}

void child_cleanup(struct rt *rt)
{
	if (rt->child.go_fd >= 0) {
		close(rt->child.go_fd); /* never started: it exits on EOF */
		rt->child.go_fd = -1;
	}
	if (rt->child.out_fd >= 0) {
		/* first: a command blocked writing to us gets a hangup */
		close(rt->child.out_fd);
		rt->child.out_fd = -1;
	}
	sb_free(&rt->child.partial);
	if (rt->child.pid > 0 && (!rt->child.exited || rt->child.own_group)) {
		child_stop(rt);
		rt->child.exited = true;
	}
	if (rt->child.pidfd >= 0) {
		close(rt->child.pidfd);
		rt->child.pidfd = -1;
	}
}
