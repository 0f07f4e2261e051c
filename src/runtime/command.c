/*
 * command.c - system(): run a shell command and collect what it prints.
 *
 * The command runs as `/bin/sh -c CMD` with the caller's signal mask and
 * default dispositions (it sees Ctrl-C and SIGPIPE as a shell would).
 * Its stdout comes back through a pipe, read with ppoll while the signals a
 * caller may catch are let in only for the wait: a signal that arrives
 * while a command runs is noticed at once (rt->signalled), and the command
 * is then no longer waited for, so a stream of system() calls never keeps
 * tracetop from honouring SIGINT or SIGTERM. popen() could not tell us.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "rt_internal.h"

extern char **environ;

/* The signals a shell command expects at their default disposition
 * (tracetop catches or ignores them). */
static void default_signals(sigset_t *set)
{
	static const int sigs[] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGPIPE, SIGUSR1, SIGUSR2,
				   SIGALRM, SIGCHLD};

	sigemptyset(set);
	for (size_t i = 0; i < ARRAY_SIZE(sigs); i++)
		sigaddset(set, sigs[i]);
}

static int spawn_shell(struct rt *rt, const char *cmd, int out_fd, pid_t *pid)
{
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t at;
	sigset_t defs;
	char *argv[] = {"sh", "-c", (char *)cmd, NULL};
	int err;

	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, out_fd, STDOUT_FILENO);
	posix_spawnattr_init(&at);
	default_signals(&defs);
	posix_spawnattr_setsigdefault(&at, &defs);
	posix_spawnattr_setsigmask(&at, &rt->caller_mask);
	posix_spawnattr_setflags(&at, POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK);
	err = posix_spawn(pid, "/bin/sh", &fa, &at, argv, environ);
	posix_spawnattr_destroy(&at);
	posix_spawn_file_actions_destroy(&fa);
	return -err;
}

static int pidfd_open_(pid_t pid)
{
	return (int)syscall(SYS_pidfd_open, pid, 0);
}

int command_run(struct rt *rt, const char *cmd, struct strbuf *out)
{
	sigset_t block, old;
	int fds[2], pidfd, err = 0, status;
	char buf[4096];
	pid_t pid;

	if (pipe2(fds, O_CLOEXEC) < 0)
		return -errno;
	/* the caller's signals stay pending outside ppoll, whatever mask
	 * we were called with */
	rt_caller_signals(&block);
	sigprocmask(SIG_BLOCK, &block, &old);
	err = spawn_shell(rt, cmd, fds[1], &pid);
	close(fds[1]);
	if (err) {
		close(fds[0]);
		sigprocmask(SIG_SETMASK, &old, NULL);
		return err;
	}
	pidfd = pidfd_open_(pid);
	/* until its stdout is closed and it has ended */
	for (bool eof = false, ended = pidfd < 0; !eof || !ended;) {
		struct pollfd pfd[2] = {
			{.fd = eof ? -1 : fds[0], .events = POLLIN},
			{.fd = ended ? -1 : pidfd, .events = POLLIN},
		};
		ssize_t r;

		if (ppoll(pfd, 2, NULL, &rt->caller_mask) < 0) {
			/* EINTR: a signal the caller catches; stop waiting
			 * for the command (it gets SIGPIPE if it writes) */
			if (errno == EINTR)
				rt->signalled = true;
			err = -errno;
			break;
		}
		if (pfd[1].revents)
			ended = true;
		if (!pfd[0].revents)
			continue;
		r = read(fds[0], buf, sizeof(buf));
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			eof = true;
		else
			sb_putn(out, buf, (size_t)r);
	}
	close(fds[0]);
	if (pidfd >= 0)
		close(pidfd);
	/* reap it when it is done; else init does once we exit */
	waitpid(pid, &status, err || pidfd < 0 ? WNOHANG : 0);
	sigprocmask(SIG_SETMASK, &old, NULL);
	return err;
}
