/* usdt_sem.c - a USDT probe with a semaphore (ttprov:guarded). */
#define _SDT_HAS_SEMAPHORES 1
#include <sys/sdt.h>

__extension__ unsigned short ttprov_guarded_semaphore __attribute__((unused))
__attribute__((section(".probes")));

__attribute__((noinline)) int usdt_guarded(long i)
{
	if (ttprov_guarded_semaphore) {
		DTRACE_PROBE2(ttprov, guarded, i, 77);
		return 1;
	}
	return 0;
}
