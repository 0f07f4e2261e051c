/*
 * stats.c - the dashboard's own timings, for bench/ (TRACETOP_TUI_STATS).
 *
 * When tui_opts.stats_path is set, tui_run appends one line per refresh
 * and one per key press to that file, as key=value pairs on the
 * CLOCK_MONOTONIC clock, so a benchmark harness can tell how long reading
 * the maps, rebuilding the rows and drawing take, and how long a key
 * waited before the screen showed its effect:
 *
 *   refresh seq=3 entries=100000 snapshot_ms=41.2 tick_ms=48.0
 *           compose_ms=3.9 blit_ms=0.4 done_ns=...
 *   key code=115 read_ns=... done_ns=... handle_ms=0.0
 *           compose_ms=3.9 blit_ms=0.3
 *
 * Nothing is written without a path; a file that cannot be opened is
 * reported once on stderr (before the screen opens) and ignored.
 */
#include "tui.h"

#include <errno.h>
#include <string.h>

FILE *tui_stats_open(const char *path)
{
	if (!path || !*path)
		return NULL;
	FILE *f = fopen(path, "a");
	if (!f)
		fprintf(stderr, "WARNING: TRACETOP_TUI_STATS: cannot open %s: %s\n", path,
			strerror(errno));
	return f;
}

static double ms(uint64_t a, uint64_t b)
{
	return b > a ? (double)(b - a) / 1e6 : 0;
}

void tui_stats_refresh(FILE *f, const struct tui *t, const struct tui_timing *tm)
{
	size_t entries = 0;

	if (!f)
		return;
	for (size_t i = 0; t->cur && i < t->cur->nmaps; i++)
		entries += t->cur->maps[i].n;
	fprintf(f,
		"refresh seq=%llu entries=%zu snapshot_ms=%.3f tick_ms=%.3f compose_ms=%.3f "
		"blit_ms=%.3f done_ns=%llu\n",
		(unsigned long long)t->tick.seq, entries, ms(tm->start_ns, tm->snap_ns),
		ms(tm->snap_ns, tm->tick_ns), ms(tm->compose_start_ns, tm->compose_ns),
		ms(tm->compose_ns, tm->done_ns), (unsigned long long)tm->done_ns);
	fflush(f);
}

void tui_stats_key(FILE *f, int key, const struct tui_timing *tm)
{
	if (!f)
		return;
	fprintf(f,
		"key code=%d read_ns=%llu done_ns=%llu handle_ms=%.3f compose_ms=%.3f "
		"blit_ms=%.3f\n",
		key, (unsigned long long)tm->start_ns, (unsigned long long)tm->done_ns,
		ms(tm->start_ns, tm->tick_ns), ms(tm->compose_start_ns, tm->compose_ns),
		ms(tm->compose_ns, tm->done_ns));
	fflush(f);
}
