/*
 * detach.c - destroying every link, fast.
 *
 * Two kernel waits make detaching slow (360 tracepoints take bpftrace
 * 26 s). Releasing a perf-event BPF link waits for an RCU-tasks-trace
 * grace period, outside any lock: waits that overlap share grace periods,
 * so links are destroyed by a pool of threads (360 links: ~0.2 s instead
 * of ~5 s). The last close of a tracepoint's perf event waits for another
 * grace period under the kernel's event_mutex, so those are serialised
 * whatever we do; but the program stopped running when its link was
 * released. tracetop keeps a duplicate of each tracepoint perf event fd
 * (attach_tracepoint.c) and hands them to a detached helper process that
 * closes them in the background, after tracetop's own closes, which are
 * then mere reference drops. A few such fds are closed by a background
 * thread instead (exit waits for it, the map dump does not). END runs with
 * nothing attached.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "rt_internal.h"

#define DETACH_INLINE_MAX  8
#define DETACH_THREADS_MAX 64

struct detach_pool {
	struct bpf_link **links;
	size_t n;
	atomic_size_t next;
};

static void *detach_worker(void *arg)
{
	struct detach_pool *pool = arg;
	size_t i;

	while ((i = atomic_fetch_add(&pool->next, 1)) < pool->n)
		bpf_link__destroy(pool->links[i]);
	return NULL;
}

/* Our threads block the caller's signals (they inherit the mask at
 * creation): a Ctrl-C must reach the main thread, which looks for one
 * pending while it drains; one handled in a helper thread would go
 * unnoticed there. */
static void threads_mask_signals(sigset_t *old)
{
	sigset_t set;

	rt_caller_signals(&set);
	pthread_sigmask(SIG_BLOCK, &set, old);
}

static void destroy_links(struct rt *rt)
{
	struct detach_pool pool = {.links = rt->links, .n = rt->nlinks};
	pthread_t th[DETACH_THREADS_MAX];
	pthread_attr_t attr;
	size_t nth = 0;

	if (rt->nlinks > DETACH_INLINE_MAX) {
		size_t want = rt->nlinks / 4;
		sigset_t old;

		if (want > DETACH_THREADS_MAX)
			want = DETACH_THREADS_MAX;
		pthread_attr_init(&attr);
		pthread_attr_setstacksize(&attr, 256 * 1024);
		threads_mask_signals(&old);
		for (; nth < want; nth++)
			if (pthread_create(&th[nth], &attr, detach_worker, &pool))
				break;
		pthread_sigmask(SIG_SETMASK, &old, NULL);
		pthread_attr_destroy(&attr);
	}
	detach_worker(&pool); /* this thread helps, and finishes alone if needed */
	for (size_t i = 0; i < nth; i++)
		pthread_join(th[i], NULL);
	rt->nlinks = 0;
}

static int cmp_int(const void *a, const void *b)
{
	int x = *(const int *)a, y = *(const int *)b;

	return (x > y) - (x < y);
}

/* In the helper: keep only fds[] (sorted; go, the read end of a pipe, is
 * among them), close the rest (stdout included, so no pipe reader waits
 * for us), wait until tracetop has dropped its own references (EOF on the
 * pipe: the last close is the slow one, and it must be ours), then close
 * fds[] one by one. */
static void __attribute__((noreturn)) reaper_run(int *fds, size_t n, int go)
{
	unsigned int from = 0;
	char c;

	setsid();
	for (size_t i = 0; i < n; i++) {
		if ((unsigned int)fds[i] > from)
			close_range(from, (unsigned int)fds[i] - 1, 0);
		from = (unsigned int)fds[i] + 1;
	}
	close_range(from, ~0U, 0);
	while (read(go, &c, 1) < 0 && errno == EINTR)
		;
	for (size_t i = 0; i < n; i++)
		close(fds[i]);
	_exit(0);
}

struct close_job {
	size_t n;
	int fds[];
};

static void *close_worker(void *arg)
{
	struct close_job *job = arg;

	for (size_t i = 0; i < job->n; i++)
		close(job->fds[i]);
	free(job);
	return NULL;
}

/* A few slow closes (~20 ms each): a detached thread does them while the
 * maps are read and printed (the programs stopped with their links);
 * the process exit waits for it. No fork: it would make every page the
 * tracer then writes a copy-on-write fault. */
static bool close_in_thread(struct rt *rt)
{
	struct close_job *job = xmalloc(sizeof(*job) + rt->nslow * sizeof(int));
	pthread_attr_t attr;
	sigset_t old;
	pthread_t th;
	int err;

	job->n = rt->nslow;
	memcpy(job->fds, rt->slow_fds, rt->nslow * sizeof(int));
	pthread_attr_init(&attr);
	pthread_attr_setstacksize(&attr, 64 * 1024);
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	threads_mask_signals(&old);
	err = pthread_create(&th, &attr, close_worker, job);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	pthread_attr_destroy(&attr);
	if (err) {
		free(job);
		return false;
	}
	rt->nslow = 0;
	return true;
}

static void close_slow_fds(struct rt *rt)
{
	int go[2] = {-1, -1};
	pid_t pid;

	if (rt->nslow && rt->nslow <= DETACH_INLINE_MAX && close_in_thread(rt))
		return;
	if (rt->nslow > DETACH_INLINE_MAX && pipe2(go, O_CLOEXEC) == 0) {
		rt_keep_slow_fd(rt, go[0]);
		qsort(rt->slow_fds, rt->nslow, sizeof(int), cmp_int);
		/* double fork: the helper is nobody's child to wait for */
		pid = fork();
		if (pid == 0) {
			signal(SIGINT, SIG_IGN);
			if (fork() == 0) {
				close(go[1]);
				reaper_run(rt->slow_fds, rt->nslow, go[0]);
			}
			_exit(0);
		}
		if (pid > 0)
			waitpid(pid, NULL, 0);
	}
	for (size_t i = 0; i < rt->nslow; i++)
		close(rt->slow_fds[i]);
	if (go[1] >= 0)
		close(go[1]); /* now the helper may close the last references */
	rt->nslow = 0;
}

void rt_detach_all(struct rt *rt)
{
	destroy_links(rt);
	close_slow_fds(rt);
}
