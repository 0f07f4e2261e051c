/*
 * attach_perf.c - probes that are perf events: profile, interval,
 * software and hardware.
 *
 * profile fires on every online CPU (one perf event and link per CPU),
 * interval on one CPU only; both count CPU clock time, by period (ns) or
 * frequency (hz). software and hardware events are opened on every CPU
 * with bpftrace's names, aliases and default sample periods. Every link
 * goes to rt->links; the probe counts as one attach point whatever its
 * number of CPUs. Events are stopped right after their attach and started
 * once BEGIN has run (attach_perf_release), so `interval:s:1` fires a
 * second after BEGIN, as in bpftrace.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <linux/perf_event.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "rt_internal.h"

struct perf_event_name {
	const char *name, *alias;
	uint32_t type;
	uint64_t config;
	uint64_t default_period;
};

static const struct perf_event_name perf_events[] = {
	{"alignment-faults", NULL, PERF_TYPE_SOFTWARE, PERF_COUNT_SW_ALIGNMENT_FAULTS, 1},
	{"bpf-output", NULL, PERF_TYPE_SOFTWARE, PERF_COUNT_SW_BPF_OUTPUT, 1},
	{"context-switches", "cs", PERF_TYPE_SOFTWARE, PERF_COUNT_SW_CONTEXT_SWITCHES, 1000},
	{"cpu-clock", "cpu", PERF_TYPE_SOFTWARE, PERF_COUNT_SW_CPU_CLOCK, 1000000},
	{"cpu-migrations", NULL, PERF_TYPE_SOFTWARE, PERF_COUNT_SW_CPU_MIGRATIONS, 1},
	{"dummy", NULL, PERF_TYPE_SOFTWARE, PERF_COUNT_SW_DUMMY, 1},
	{"emulation-faults", NULL, PERF_TYPE_SOFTWARE, PERF_COUNT_SW_EMULATION_FAULTS, 1},
	{"major-faults", NULL, PERF_TYPE_SOFTWARE, PERF_COUNT_SW_PAGE_FAULTS_MAJ, 1},
	{"minor-faults", NULL, PERF_TYPE_SOFTWARE, PERF_COUNT_SW_PAGE_FAULTS_MIN, 100},
	{"page-faults", "faults", PERF_TYPE_SOFTWARE, PERF_COUNT_SW_PAGE_FAULTS, 100},
	{"task-clock", NULL, PERF_TYPE_SOFTWARE, PERF_COUNT_SW_TASK_CLOCK, 1000000},
	{"backend-stalls", NULL, PERF_TYPE_HARDWARE, PERF_COUNT_HW_STALLED_CYCLES_BACKEND, 1000000},
	{"branch-instructions", "branches", PERF_TYPE_HARDWARE, PERF_COUNT_HW_BRANCH_INSTRUCTIONS,
	 100000},
	{"branch-misses", NULL, PERF_TYPE_HARDWARE, PERF_COUNT_HW_BRANCH_MISSES, 100000},
	{"bus-cycles", NULL, PERF_TYPE_HARDWARE, PERF_COUNT_HW_BUS_CYCLES, 100000},
	{"cache-misses", NULL, PERF_TYPE_HARDWARE, PERF_COUNT_HW_CACHE_MISSES, 1000000},
	{"cache-references", NULL, PERF_TYPE_HARDWARE, PERF_COUNT_HW_CACHE_REFERENCES, 1000000},
	{"cpu-cycles", "cycles", PERF_TYPE_HARDWARE, PERF_COUNT_HW_CPU_CYCLES, 1000000},
	{"frontend-stalls", NULL, PERF_TYPE_HARDWARE, PERF_COUNT_HW_STALLED_CYCLES_FRONTEND,
	 1000000},
	{"instructions", NULL, PERF_TYPE_HARDWARE, PERF_COUNT_HW_INSTRUCTIONS, 1000000},
	{"ref-cycles", NULL, PERF_TYPE_HARDWARE, PERF_COUNT_HW_REF_CPU_CYCLES, 1000000},
};

static const struct perf_event_name *perf_event_find(uint32_t type, const char *name)
{
	for (size_t i = 0; i < ARRAY_SIZE(perf_events); i++) {
		const struct perf_event_name *e = &perf_events[i];

		if (e->type == type &&
		    (strcmp(e->name, name) == 0 || (e->alias && strcmp(e->alias, name) == 0)))
			return e;
	}
	return NULL;
}

/* Online CPUs from sysfs ("0-1,4"); falls back to 0..n-1. */
static int online_cpus(bool *online, int max)
{
	char buf[1024];
	FILE *f = fopen("/sys/devices/system/cpu/online", "r");
	int n = 0;

	if (f && fgets(buf, sizeof(buf), f)) {
		for (char *s = buf; *s && *s != '\n';) {
			char *end;
			long lo = strtol(s, &end, 10), hi = lo;

			if (end == s)
				break;
			if (*end == '-')
				hi = strtol(end + 1, &end, 10);
			for (long c = lo; c <= hi && c < max; c++, n++)
				online[c] = true;
			s = *end == ',' ? end + 1 : end;
		}
	}
	if (f)
		fclose(f);
	if (n == 0)
		for (n = 0; n < max; n++)
			online[n] = true;
	return n;
}

static int open_on_cpu(struct rt *rt, struct bpf_program *prog, struct perf_event_attr *attr,
		       int cpu, int pid)
{
	struct bpf_link *link;
	int fd, err;

	fd = (int)syscall(__NR_perf_event_open, attr, pid, cpu, -1, PERF_FLAG_FD_CLOEXEC);
	if (fd < 0)
		return -errno;
	link = bpf_program__attach_perf_event(prog, fd);
	if (!link) {
		err = -errno;
		close(fd);
		return err;
	}
	rt_add_link(rt, link); /* the link owns fd now */
	/* libbpf enabled it; hold it until BEGIN has run (attach_perf_release) */
	if (ioctl(fd, PERF_EVENT_IOC_DISABLE, 0) == 0) {
		if (rt->nheld == rt->held_cap) {
			rt->held_cap = rt->held_cap ? 2 * rt->held_cap : 16;
			rt->held = xrealloc(rt->held, rt->held_cap * sizeof(*rt->held));
		}
		rt->held[rt->nheld++] = (struct held_perf){fd, attr->freq ? 0 : attr->sample_period};
	}
	return 0;
}

void attach_perf_release(struct rt *rt)
{
	for (size_t i = 0; i < rt->nheld; i++) {
		/* setting the period again makes the timer start a whole one
		 * (a frequency event keeps the period the kernel adapted) */
		if (rt->held[i].period)
			ioctl(rt->held[i].fd, PERF_EVENT_IOC_PERIOD, &rt->held[i].period);
		ioctl(rt->held[i].fd, PERF_EVENT_IOC_ENABLE, 0);
	}
	rt->nheld = 0;
}

static void report(const struct bt_probe *p, int err)
{
	if (p->kind == PK_HARDWARE && (err == -ENOENT || err == -EOPNOTSUPP || err == -ENODEV))
		fprintf(stderr,
			"ERROR: %s: this machine has no hardware performance counters "
			"(perf_event_open: %s); software:cpu-clock or profile:hz:99 may work\n",
			p->name, strerror(-err));
	else if (err == -EACCES || err == -EPERM)
		fprintf(stderr,
			"ERROR: %s: perf_event_open refused (%s): needs root or "
			"kernel.perf_event_paranoid <= 1\n",
			p->name, strerror(-err));
	else
		fprintf(stderr, "ERROR: %s: attaching failed: %s\n", p->name, strerror(-err));
}

int attach_perf(struct rt *rt, const struct bt_probe *p, struct bpf_program *prog)
{
	struct perf_event_attr attr = {
		.size = sizeof(attr),
		.type = PERF_TYPE_SOFTWARE,
		.config = PERF_COUNT_SW_CPU_CLOCK,
	};
	int ncpu = rt->ncpus, pid = -1, err = 0;
	bool *online;

	if (p->kind == PK_SOFTWARE || p->kind == PK_HARDWARE) {
		uint32_t type = p->kind == PK_SOFTWARE ? PERF_TYPE_SOFTWARE : PERF_TYPE_HARDWARE;
		const struct perf_event_name *e = perf_event_find(type, p->func ? p->func : "");

		if (!e) {
			fprintf(stderr, "ERROR: %s: unknown %s event '%s'\n", p->name,
				p->kind == PK_SOFTWARE ? "software" : "hardware", p->func);
			return -EINVAL;
		}
		attr.type = e->type;
		attr.config = e->config;
		attr.sample_period = p->count ? p->count : e->default_period;
		if (rt->opts && rt->opts->pid)
			pid = rt->opts->pid;
	} else if (p->freq_hz) {
		attr.freq = 1;
		attr.sample_freq = p->freq_hz;
	} else {
		attr.sample_period = p->period_ns ? p->period_ns : 1000000;
	}

	if (p->kind == PK_INTERVAL) {
		err = open_on_cpu(rt, prog, &attr, 0, -1);
		if (err)
			report(p, err);
		return err;
	}

	online = xcalloc((size_t)ncpu, sizeof(bool));
	online_cpus(online, ncpu);
	for (int cpu = 0; cpu < ncpu && !err; cpu++)
		if (online[cpu])
			err = open_on_cpu(rt, prog, &attr, cpu, pid);
	free(online);
	if (err)
		report(p, err);
	return err;
}
