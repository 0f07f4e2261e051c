/*
 * target.c - the uprobe tier's traced program: functions with known
 * arguments and return values, called a known number of times.
 *   target N [DELAY_MS]   run the calls N times, DELAY_MS apart (default 0),
 *                         after waiting DELAY_MS once at the start
 * Built PIE, non-PIE and stripped by tier.sh; libtt.so is linked in too.
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

int tt_lib_mul(int a, int b);

#define KEEP __attribute__((noinline, used))

/* globals of several sizes, read through uaddr() (tier.sh: uaddr_sizes) */
__attribute__((used)) int tt_g_int = -7;
__attribute__((used)) short tt_g_short = -3;
__attribute__((used)) char tt_g_char = 5;
__attribute__((used)) long tt_g_long = -9;

KEEP int tt_add(int a, int b)
{
	__asm__ volatile("" ::: "memory");
	return a + b;
}

KEEP long tt_six(long a, long b, long c, long d, long e, long f)
{
	__asm__ volatile("" ::: "memory");
	return a + b + c + d + e + f;
}

KEEP const char *tt_greet(const char *who)
{
	__asm__ volatile("" ::: "memory");
	return who;
}

KEEP int tt_leaf(int x)
{
	__asm__ volatile("" ::: "memory");
	return x * 2;
}

KEEP int tt_middle(int x)
{
	int r = tt_leaf(x + 1);
	__asm__ volatile("" ::: "memory");
	return r + 1;
}

KEEP int tt_top(int x)
{
	int r = tt_middle(x + 1);
	__asm__ volatile("" ::: "memory");
	return r + 1;
}

static void nap(long ms)
{
	struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
	if (ms > 0)
		nanosleep(&ts, NULL);
}

int main(int argc, char **argv)
{
	long n = argc > 1 ? atol(argv[1]) : 1;
	long delay = argc > 2 ? atol(argv[2]) : 0;
	long sum = 0;
	char who[32];

	snprintf(who, sizeof(who), "hello %s", "uprobe");

	nap(delay);
	for (long i = 0; i < n; i++) {
		sum += tt_add(40, 2);
		sum += tt_six(1, 2, 3, 4, 5, 6);
		sum += tt_greet(who) != NULL;
		sum += tt_top(10);
		sum += tt_lib_mul(6, 7);
		nap(delay);
	}
	fprintf(stderr, "sum %ld\n", sum);
	return 0;
}
