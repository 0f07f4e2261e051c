/*
 * child.c - the -c command and the -p process.
 *
 * -c CMD forks a child that waits on a pipe until every probe is attached
 * (so its first instruction is traced), then runs CMD through /bin/sh with
 * exec, keeping the pid we wrote into tt_config as cpid. A pidfd becomes
 * readable when the child (or the -p process) ends; rt_poll waits on it
 * beside the ring buffer, so the run ends as soon as the command does.
 * At cleanup a child still running gets SIGTERM and is reaped.
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

int child_spawn(struct rt *rt, const char *cmd)
{
	int go[2];
	pid_t pid;

	if (pipe2(go, O_CLOEXEC) < 0) {
		fprintf(stderr, "ERROR: -c: pipe: %s\n", strerror(errno));
		return -errno;
	}
	fflush(NULL);
	pid = fork();
	if (pid < 0) {
		int err = -errno;

		fprintf(stderr, "ERROR: -c: fork: %s\n", strerror(errno));
		close(go[0]);
		close(go[1]);
		return err;
	}
	if (pid == 0) {
		char c;
		char *sh;

		close(go[1]);
		/* EOF without a byte: the tracer gave up; do not run */
		if (read(go[0], &c, 1) != 1)
			_exit(127);
		close(go[0]);
		sh = xasprintf("exec %s", cmd);
		execl("/bin/sh", "sh", "-c", sh, (char *)NULL);
		fprintf(stderr, "ERROR: -c: exec /bin/sh: %s\n", strerror(errno));
		_exit(127);
	}
	close(go[0]);
	rt->child.pid = pid;
	rt->child.go_fd = go[1];
	rt->child.pidfd = pidfd_open_(pid);
	return 0;
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
