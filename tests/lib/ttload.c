/*
 * ttload: the controlled workload of the test tiers. It runs a sequence of
 * steps, each a known number of system calls with known arguments, so a
 * tracing program filtered to this process has an exact, repeatable result.
 * It is linked statically: the dynamic loader would add reads and opens of
 * its own that differ between machines. It prints nothing on stdout (its
 * stdout is the tracer's under -c), only diagnostics on stderr.
 *
 *   ttload [-w] [-n COMM] STEP [ARGS...] [STEP [ARGS...]]...
 *
 *   -w                    wait for SIGUSR1 before the first step
 *   -n COMM               set the thread name (comm) first
 *   getppid N             N getppid()
 *   getpgid ARG N         N getpgid(ARG) (a marker: ARG can be any pid)
 *   read PATH SIZE N      open PATH, N read(SIZE)s, close
 *   write PATH SIZE N     open PATH for writing, N write(SIZE)s of 'x', close
 *   writestr PATH STR N   open PATH for writing, N write()s of STR, close
 *   open PATH N           N openat(PATH, O_RDONLY), each closed if it worked
 *   close BASE K          close(BASE + i) for i < K (K distinct EBADF keys)
 *   lseek PATH OFF N      open PATH, N lseek(OFF, SEEK_SET), close
 *   nanosleep NS N        N nanosleep(NS)
 *   sleepms MS            one nanosleep of MS milliseconds
 *   fork N                N fork()s; each child exits at once with its index
 *   threads N             N threads, each does 1 getppid(), all joined
 *   info FILE             write "pid=P ppid=Q comm=C" to FILE
 *   spin MS               burn CPU for MS milliseconds (no system calls)
 *   udp ADDR SIZE N       N sendto()s of SIZE bytes to the IPv4 ADDR, port 9
 *                         (the VM tier's dummy network device: each is one
 *                         packet through the dummy module's dummy_xmit)
 *   structs N             N calls of tt_structs(&data, &ptr_to_data, 7): C data
 *                         for uprobes on script structs (arrays of arrays and of
 *                         pointers, uint8_t arrays, nested structs, unions,
 *                         bitfields, a pointer to a pointer); see tt_data below
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static long arg_num(const char *s)
{
	char *end;
	long v = strtol(s, &end, 0);

	if (*s == 0 || *end != 0) {
		fprintf(stderr, "ttload: not a number: %s\n", s);
		exit(2);
	}
	return v;
}

static int open_or_die(const char *path, int flags)
{
	int fd = open(path, flags, 0644);

	if (fd < 0) {
		fprintf(stderr, "ttload: %s: %s\n", path, strerror(errno));
		exit(1);
	}
	return fd;
}

static void do_read(const char *path, long size, long n)
{
	char *buf = calloc(1, size ? size : 1);
	int fd = open_or_die(path, O_RDONLY);

	for (long i = 0; i < n; i++)
		if (read(fd, buf, size) < 0)
			fprintf(stderr, "ttload: read: %s\n", strerror(errno));
	close(fd);
	free(buf);
}

static void do_write(const char *path, const char *data, long size, long n)
{
	int fd = open_or_die(path, O_WRONLY | O_CREAT | O_TRUNC);

	for (long i = 0; i < n; i++)
		if (write(fd, data, size) < 0)
			fprintf(stderr, "ttload: write: %s\n", strerror(errno));
	close(fd);
}

static void do_udp(const char *addr, long size, long n)
{
	struct sockaddr_in to = {.sin_family = AF_INET, .sin_port = htons(9)};
	char *buf = calloc(1, size ? size : 1);
	int fd = socket(AF_INET, SOCK_DGRAM, 0);

	if (fd < 0 || inet_pton(AF_INET, addr, &to.sin_addr) != 1) {
		fprintf(stderr, "ttload: udp %s: %s\n", addr,
			fd < 0 ? strerror(errno) : "bad address");
		exit(1);
	}
	for (long i = 0; i < n; i++)
		if (sendto(fd, buf, size, 0, (struct sockaddr *)&to, sizeof(to)) < 0)
			fprintf(stderr, "ttload: sendto: %s\n", strerror(errno));
	close(fd);
	free(buf);
}

static void *thread_main(void *arg)
{
	(void)arg;
	syscall(SYS_getppid);
	return NULL;
}

static void do_threads(long n)
{
	pthread_t *t = calloc(n, sizeof(*t));

	for (long i = 0; i < n; i++)
		pthread_create(&t[i], NULL, thread_main, NULL);
	for (long i = 0; i < n; i++)
		pthread_join(t[i], NULL);
	free(t);
}

static void do_fork(long n)
{
	for (long i = 0; i < n; i++) {
		pid_t c = fork();

		if (c == 0)
			_exit((int)i & 0xff);
		if (c > 0)
			waitpid(c, NULL, 0);
	}
}

static void do_info(const char *file)
{
	char comm[32] = "";
	FILE *f = fopen(file, "w");

	if (!f) {
		fprintf(stderr, "ttload: %s: %s\n", file, strerror(errno));
		exit(1);
	}
	prctl(PR_GET_NAME, comm);
	fprintf(f, "pid=%d ppid=%d comm=%s\n", getpid(), getppid(), comm);
	fclose(f);
}

static void do_spin(long ms)
{
	struct timespec a, b;

	clock_gettime(CLOCK_MONOTONIC, &a);
	do {
		for (volatile int i = 0; i < 10000; i++)
			;
		clock_gettime(CLOCK_MONOTONIC, &b);
	} while ((b.tv_sec - a.tv_sec) * 1000 + (b.tv_nsec - a.tv_nsec) / 1000000 < ms);
}

/* The data of `structs`: a uprobe on tt_structs reads it through arg0
 * (struct tt_data *) and arg1 (struct tt_data **). Values are fixed. */
struct tt_inner {
	int m[2];
	short n;
};

struct tt_data {
	int x[4];            /* 1 2 3 4 */
	int y[2][2];         /* 5 6, 7 8 */
	int *z[4];           /* &x[0] .. &x[3] */
	unsigned char u[4];  /* 0x41 0x42 0x43 0x44 */
	char s[8];           /* "hello" */
	struct tt_inner in;  /* {9, 10}, 11 */
	union {
		int as_int;  /* 0x01020304 */
		unsigned char as_bytes[4];
	};
	unsigned int a : 4, b : 8, c : 3, d : 1, e : 16; /* 1 2 5 0 65535 */
	unsigned short f : 4, g : 12;                    /* 15 4095 */
	signed int h : 5;                                /* -3 */
	long w;                                          /* -1234567 */
	int x2[4];           /* 1 2 3 5 */
};

__attribute__((noinline, used)) int tt_structs(struct tt_data *d, struct tt_data **pp, int k)
{
	__asm__ volatile("" : : "r"(d), "r"(pp), "r"(k) : "memory");
	return d->x[0] + k;
}

static void do_structs(long n)
{
	static struct tt_data d = {
		.x = {1, 2, 3, 4},
		.y = {{5, 6}, {7, 8}},
		.u = {0x41, 0x42, 0x43, 0x44},
		.s = "hello",
		.in = {{9, 10}, 11},
		.as_int = 0x01020304,
		.a = 1, .b = 2, .c = 5, .d = 0, .e = 65535,
		.f = 15, .g = 4095,
		.h = -3,
		.w = -1234567,
		.x2 = {1, 2, 3, 5},
	};
	struct tt_data *p = &d;

	for (int i = 0; i < 4; i++)
		d.z[i] = &d.x[i];
	for (long i = 0; i < n; i++)
		tt_structs(&d, &p, 7);
}

static void on_usr1(int sig)
{
	(void)sig;
}

static void wait_usr1(void)
{
	sigset_t block, old;

	sigemptyset(&block);
	sigaddset(&block, SIGUSR1);
	sigprocmask(SIG_BLOCK, &block, &old);
	signal(SIGUSR1, on_usr1);
	sigdelset(&old, SIGUSR1);
	sigsuspend(&old);
}

/* how many arguments a step takes, or -1 for an unknown step */
static int step_arity(const char *s)
{
	static const struct {
		const char *name;
		int args;
	} steps[] = {
		{"getppid", 1}, {"getpgid", 2},	  {"read", 3},	{"write", 3},
		{"writestr", 3}, {"open", 2},	  {"close", 2}, {"lseek", 3},
		{"nanosleep", 2}, {"sleepms", 1}, {"fork", 1},	{"threads", 1},
		{"info", 1},	 {"spin", 1}, {"structs", 1}, {"udp", 3},
	};

	for (size_t i = 0; i < sizeof(steps) / sizeof(steps[0]); i++)
		if (strcmp(s, steps[i].name) == 0)
			return steps[i].args;
	return -1;
}

static void run_step(char **a)
{
	const char *s = a[0];

	if (!strcmp(s, "getppid")) {
		for (long i = 0, n = arg_num(a[1]); i < n; i++)
			syscall(SYS_getppid);
	} else if (!strcmp(s, "getpgid")) {
		for (long i = 0, n = arg_num(a[2]); i < n; i++)
			syscall(SYS_getpgid, (pid_t)arg_num(a[1]));
	} else if (!strcmp(s, "read")) {
		do_read(a[1], arg_num(a[2]), arg_num(a[3]));
	} else if (!strcmp(s, "write")) {
		long size = arg_num(a[2]);
		char *buf = malloc(size ? size : 1);

		memset(buf, 'x', size);
		do_write(a[1], buf, size, arg_num(a[3]));
		free(buf);
	} else if (!strcmp(s, "writestr")) {
		do_write(a[1], a[2], strlen(a[2]), arg_num(a[3]));
	} else if (!strcmp(s, "open")) {
		for (long i = 0, n = arg_num(a[2]); i < n; i++) {
			int fd = syscall(SYS_openat, AT_FDCWD, a[1], O_RDONLY);

			if (fd >= 0)
				close(fd);
		}
	} else if (!strcmp(s, "close")) {
		for (long i = 0, base = arg_num(a[1]), k = arg_num(a[2]); i < k; i++)
			close((int)(base + i));
	} else if (!strcmp(s, "lseek")) {
		int fd = open_or_die(a[1], O_RDONLY);

		for (long i = 0, n = arg_num(a[3]); i < n; i++)
			lseek(fd, arg_num(a[2]), SEEK_SET);
		close(fd);
	} else if (!strcmp(s, "nanosleep")) {
		long ns = arg_num(a[1]);
		struct timespec ts = {ns / 1000000000, ns % 1000000000};

		for (long i = 0, n = arg_num(a[2]); i < n; i++)
			nanosleep(&ts, NULL);
	} else if (!strcmp(s, "sleepms")) {
		long ms = arg_num(a[1]);
		struct timespec ts = {ms / 1000, (ms % 1000) * 1000000};

		nanosleep(&ts, NULL);
	} else if (!strcmp(s, "fork")) {
		do_fork(arg_num(a[1]));
	} else if (!strcmp(s, "threads")) {
		do_threads(arg_num(a[1]));
	} else if (!strcmp(s, "info")) {
		do_info(a[1]);
	} else if (!strcmp(s, "spin")) {
		do_spin(arg_num(a[1]));
	} else if (!strcmp(s, "structs")) {
		do_structs(arg_num(a[1]));
	} else if (!strcmp(s, "udp")) {
		do_udp(a[1], arg_num(a[2]), arg_num(a[3]));
	}
}

int main(int argc, char **argv)
{
	int i = 1;
	int wait = 0;

	for (; i < argc && argv[i][0] == '-'; i++) {
		if (!strcmp(argv[i], "-w")) {
			wait = 1;
		} else if (!strcmp(argv[i], "-n") && i + 1 < argc) {
			prctl(PR_SET_NAME, argv[++i]);
		} else {
			fprintf(stderr, "ttload: unknown option %s\n", argv[i]);
			return 2;
		}
	}
	/* check the whole command line before running any step */
	for (int j = i; j < argc;) {
		int n = step_arity(argv[j]);

		if (n < 0 || j + n > argc - 1) {
			fprintf(stderr, "ttload: bad step at '%s'\n", argv[j]);
			return 2;
		}
		j += n + 1;
	}
	if (wait)
		wait_usr1();
	while (i < argc) {
		run_step(&argv[i]);
		i += step_arity(argv[i]) + 1;
	}
	return 0;
}
