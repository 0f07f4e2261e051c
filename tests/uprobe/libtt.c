/*
 * libtt.c - the uprobe tier's shared library (libtt.so): a function to
 * uprobe, and a USDT probe with a semaphore (ttlib:mul) inside it.
 */
#define _SDT_HAS_SEMAPHORES 1
#include <sys/sdt.h>

__extension__ unsigned short ttlib_mul_semaphore __attribute__((unused))
__attribute__((section(".probes")));

__attribute__((noinline, used)) int tt_lib_mul(int a, int b)
{
	if (ttlib_mul_semaphore)
		DTRACE_PROBE2(ttlib, mul, a, b);
	__asm__ volatile("" ::: "memory");
	return a * b;
}
