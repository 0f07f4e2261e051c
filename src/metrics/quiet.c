/*
 * quiet.c - the sink of the headless exporter (-q --prometheus): printf
 * output, values and the exit dump go nowhere; runtime errors still reach
 * stderr.
 */
#include "metrics.h"

#include <stdio.h>

static void q_attached(void *ctx, size_t n)
{
	(void)ctx;
	(void)n;
}

static void q_text(void *ctx, const char *s, size_t len)
{
	(void)ctx;
	(void)s;
	(void)len;
}

static void q_value(void *ctx, const struct value *v)
{
	(void)ctx;
	(void)v;
}

static void q_map(void *ctx, const struct map_snapshot *m, uint64_t top, uint64_t div)
{
	(void)ctx;
	(void)m;
	(void)top;
	(void)div;
}

static void q_lost(void *ctx, uint64_t n)
{
	(void)ctx;
	(void)n;
}

static void q_error(void *ctx, const char *msg)
{
	(void)ctx;
	fprintf(stderr, "%s\n", msg);
}

static void q_none(void *ctx)
{
	(void)ctx;
}

static const struct sink_ops quiet_ops = {
	.attached = q_attached,
	.text = q_text,
	.value = q_value,
	.map = q_map,
	.lost = q_lost,
	.error = q_error,
	.exit_begin = q_none,
	.flush = q_none,
};

const struct sink_ops *metrics_quiet_sink(void)
{
	return &quiet_ops;
}
