/*
 * usdt.c - the uprobe tier's USDT program: probes written with <sys/sdt.h>.
 *   usdt N [DELAY_MS]
 * ttprov:plain has no semaphore; ttprov:guarded (usdt_sem.c) has one and
 * only fires when a tracer raised it; ttprov:twice has two sites.
 */
#include <stdio.h>
#include <stdlib.h>
#include <sys/sdt.h>
#include <time.h>

int usdt_guarded(long i);

static volatile long g_val = 1234567;

int main(int argc, char **argv)
{
	long n = argc > 1 ? atol(argv[1]) : 1;
	long delay = argc > 2 ? atol(argv[2]) : 0;
	struct timespec ts = {delay / 1000, (delay % 1000) * 1000000L};
	char msg[32]; /* on the stack: a string literal's page may not be mapped in yet */
	int fired = 0;

	snprintf(msg, sizeof(msg), "usdt says %s", "hi");
	if (delay)
		nanosleep(&ts, NULL);
	for (long i = 0; i < n; i++) {
		int small = -7;
		long big = g_val;
		DTRACE_PROBE4(ttprov, plain, small, big, msg, 99);
		DTRACE_PROBE(ttprov, noargs);
		fired += usdt_guarded(i);
		DTRACE_PROBE1(ttprov, twice, i + 100); /* site 1 of ttprov:twice */
		if (delay)
			nanosleep(&ts, NULL);
	}
	DTRACE_PROBE1(ttprov, twice, n * 1000); /* site 2: another location */
	fprintf(stderr, "guarded fired %d\n", fired);
	return 0;
}
