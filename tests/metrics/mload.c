/*
 * mload.c - the metrics tier's controlled workload: after a pause, CALLS
 * getppid() syscalls and reads from /dev/zero (NSMALL of SMALL bytes, NBIG
 * of BIG bytes), then stays alive for LINGER seconds so the exporter is
 * scraped after the last event.
 *
 * usage: mload CALLS NSMALL SMALL NBIG BIG LINGER
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

static void pause_ms(long ms)
{
	struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
	nanosleep(&ts, NULL);
}

int main(int argc, char **argv)
{
	static char buf[1 << 16];

	if (argc != 7) {
		fprintf(stderr, "usage: mload CALLS NSMALL SMALL NBIG BIG LINGER\n");
		return 2;
	}
	long calls = atol(argv[1]), nsmall = atol(argv[2]), small = atol(argv[3]);
	long nbig = atol(argv[4]), big = atol(argv[5]), linger = atol(argv[6]);
	int fd = open("/dev/zero", O_RDONLY);
	if (fd < 0 || small > (long)sizeof(buf) || big > (long)sizeof(buf))
		return 1;
	pause_ms(500);
	for (long i = 0; i < calls; i++)
		syscall(SYS_getppid);
	for (long i = 0; i < nsmall; i++)
		if (read(fd, buf, (size_t)small) != small)
			return 1;
	for (long i = 0; i < nbig; i++)
		if (read(fd, buf, (size_t)big) != big)
			return 1;
	close(fd);
	pause_ms(linger * 1000);
	return 0;
}
