/*
 * child.c - the -c command and the -p process.
 *
 * -c CMD is split into words (whitespace; '...' and "..." group, no other
 * shell syntax, as bpftrace does), the program is looked up on $PATH here
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
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "rt_internal.h"

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
		char q = 0;
		bool any = false;

		while (*p == ' ' || *p == '\t' || *p == '\n')
			p++;
		if (!*p)
			break;
		for (; *p && (q || (*p != ' ' && *p != '\t' && *p != '\n')); p++) {
			any = true;
			if (!q && (*p == '\'' || *p == '"'))
				q = *p;
			else if (q && *p == q)
				q = 0;
			else
				sb_putc(&w, *p);
		}
		if (any)
			vec_push(&words, w.buf ? sb_steal(&w) : xstrdup(""));
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

int child_spawn(struct rt *rt, const char *cmd)
{
	char **argv = split_words(cmd);
	char *prog = argv[0] ? find_program(argv[0]) : NULL;
	int go[2], err;
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
	fflush(NULL);
	pid = fork();
	if (pid < 0) {
		err = -errno;
		fprintf(stderr, "ERROR: -c: fork: %s\n", strerror(errno));
		close(go[0]);
		close(go[1]);
		goto out;
	}
	if (pid == 0) {
		char c;

		close(go[1]);
		/* EOF without a byte: the tracer gave up; do not run */
		if (read(go[0], &c, 1) != 1)
			_exit(127);
		close(go[0]);
		execv(prog, argv);
		fprintf(stderr, "ERROR: -c: %s: %s\n", prog, strerror(errno));
		_exit(127);
	}
	close(go[0]);
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

void child_cleanup(struct rt *rt)
{
	if (rt->child.go_fd >= 0) {
		close(rt->child.go_fd); /* never started: it exits on EOF */
		rt->child.go_fd = -1;
	}
	if (rt->child.pid > 0 && !rt->child.exited) {
		if (waitpid(rt->child.pid, &rt->child.status, WNOHANG) == 0) {
			kill(rt->child.pid, SIGTERM);
			waitpid(rt->child.pid, &rt->child.status, 0);
		}
		rt->child.exited = true;
	}
	if (rt->child.pidfd >= 0) {
		close(rt->child.pidfd);
		rt->child.pidfd = -1;
	}
}
