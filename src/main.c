/*
 * main.c - the command line and the pipeline, wiring only.
 *
 * Options are bpftrace's (getopt_long) plus the dashboard's own. The
 * pipeline is a plain sequence: read the program, parse, sema, codegen,
 * then either dump (-d) or run: load and attach, deliver events to a sink
 * (plain text, JSON, or the dashboard) until exit(), a signal or the end of
 * the -c command, then detach, run END and print the maps.
 *
 * The signal flag is the only mutable global: a handler may touch nothing
 * else.
 */
#define _GNU_SOURCE
#include "bt.h"
#include "codegen/codegen.h"
#include "frontend/frontend.h"
#include "metrics/metrics.h"
#include "output/output.h"
#include "runtime/runtime.h"
#include "tui/tui.h"

#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static volatile sig_atomic_t exit_signal;
static volatile sig_atomic_t dump_signal; /* SIGUSR1: print the maps now */

static void on_signal(int sig)
{
	if (sig == SIGUSR1)
		dump_signal = 1;
	else
		exit_signal = sig;
}

/* the dashboard's program when `make run` / --default asks for one */
static const char default_program[] =
	"tracepoint:raw_syscalls:sys_enter { @syscalls[comm] = count(); }\n"
	"tracepoint:syscalls:sys_exit_read /args->ret > 0/ { @read_bytes = hist(args->ret); }\n"
	"tracepoint:sched:sched_process_exec { printf(\"exec %s (pid %d)\\n\", comm, pid); }\n";

enum long_opt {
	OPT_UNSAFE = 256,
	OPT_PLAIN,
	OPT_THEME,
	OPT_UNICODE,
	OPT_PRINT_ON_EXIT,
	OPT_INFO,
	OPT_DEFAULT,
	OPT_NO_WARNINGS,
	OPT_DRY_RUN,
	OPT_PROMETHEUS,
	OPT_PROM_MAX_SERIES,
	OPT_INCLUDE,
};

static const struct option long_opts[] = {
	{"help", no_argument, NULL, 'h'},
	{"version", no_argument, NULL, 'V'},
	{"unsafe", no_argument, NULL, OPT_UNSAFE},
	{"plain", no_argument, NULL, OPT_PLAIN},
	{"interval", required_argument, NULL, 'i'},
	{"theme", required_argument, NULL, OPT_THEME},
	{"unicode", no_argument, NULL, OPT_UNICODE},
	{"print-on-exit", no_argument, NULL, OPT_PRINT_ON_EXIT},
	{"info", no_argument, NULL, OPT_INFO},
	{"default", no_argument, NULL, OPT_DEFAULT},
	{"no-warnings", no_argument, NULL, OPT_NO_WARNINGS},
	{"dry-run", no_argument, NULL, OPT_DRY_RUN},
	{"prometheus", required_argument, NULL, OPT_PROMETHEUS},
	{"prometheus-max-series", required_argument, NULL, OPT_PROM_MAX_SERIES},
	{"include", required_argument, NULL, OPT_INCLUDE},
	{NULL, 0, NULL, 0},
};

static void usage(FILE *f)
{
	fputs("USAGE:\n"
	      "    tracetop [options] filename [args...]\n"
	      "    tracetop [options] - <stdin input>\n"
	      "    tracetop [options] -e 'program' [args...]\n"
	      "\n"
	      "On a terminal tracetop shows a live dashboard of the program's maps;\n"
	      "with --plain, -f json, -o, or when stdout is not a terminal it prints\n"
	      "bpftrace's classic output.\n"
	      "\n"
	      "OPTIONS:\n"
	      "    -e 'program'   execute this program\n"
	      "    -l [search]    list probes (globs: * and ?); -lv also lists arguments\n"
	      "    -c 'CMD'       run CMD, trace until it exits (cpid is its pid); CMD is\n"
	      "                   split at spaces, quotes are not removed (as bpftrace)\n"
	      "    -p PID         restrict user-space probes to PID\n"
	      "    -o FILE        write output to FILE (implies --plain)\n"
	      "    -f FORMAT      output format: text (default) or json\n"
	      "    -B MODE        output buffering: line, full or none\n"
	      "    -I DIR         add the directory to the include search path\n"
	      "    --include FILE add an #include file before preprocessing\n"
	      "    -q             quiet: no \"Attaching N probes...\" line\n"
	      "    -k, -kk        report errors returned by BPF helpers\n"
	      "    -v             verbose: libbpf messages, verifier log on failure\n"
	      "    -d STAGE       dump and exit: ast, types, ir or bpf\n"
	      "    --dry-run      compile only, then exit\n"
	      "    --unsafe       allow unsafe functions (system, signal, ...)\n"
	      "    --no-warnings  print no warning (compile time or run time)\n"
	      "    --info         print what this kernel supports\n"
	      "    -h, --help     show this help message\n"
	      "    -V, --version  print the version\n"
	      "\n"
	      "DASHBOARD OPTIONS:\n"
	      "    --plain            classic bpftrace output instead of the dashboard\n"
	      "    -i, --interval S   refresh every S seconds (default 1, fractions allowed)\n"
	      "    --theme NAME       colour theme (default, mono, solarized-dark, light,\n"
	      "                       high-contrast)\n"
	      "    --unicode          block characters for bars\n"
	      "    --print-on-exit    print the classic map dump after the dashboard closes\n"
	      "    --default          run the built-in default program\n"
	      "\n"
	      "PROMETHEUS OPTIONS (in every mode; -q --prometheus prints nothing):\n"
	      "    --prometheus [ADDR:]PORT    serve the maps as metrics on\n"
	      "                                http://ADDR:PORT/metrics (ADDR 127.0.0.1);\n"
	      "                                hist/lhist maps then also keep an exact sum\n"
	      "    --prometheus-max-series N   series per map before the smallest fold\n"
	      "                                into one __other__ series (default 500)\n"
	      "\n"
	      "ENVIRONMENT:\n"
	      "    BPFTRACE_STRLEN        [default: 64] bytes per str()\n"
	      "    BPFTRACE_MAP_KEYS_MAX  [default: 4096] max keys in a map\n"
	      "    BPFTRACE_MAX_PROBES    [default: 512] max number of probes\n"
	      "    BPFTRACE_MAX_BPF_PROGS [default: 512] max number of generated BPF programs\n"
	      "    BPFTRACE_CAT_BYTES_MAX [default: 10240] bytes cat() prints of a file\n"
	      "    TRACETOP_TUI_STATS     file the dashboard appends its refresh and key\n"
	      "                           timings to (for bench/)\n"
	      "\n"
	      "EXAMPLES:\n"
	      "tracetop -l 'tracepoint:syscalls:sys_enter_*'\n"
	      "    list the syscall entry tracepoints\n"
	      "tracetop -e 'tracepoint:raw_syscalls:sys_enter { @[comm] = count(); }'\n"
	      "    count syscalls by process name, live\n",
	      f);
}

static uint32_t env_u32(const char *name, uint32_t def)
{
	const char *v = getenv(name);
	char *end;

	if (!v || !*v)
		return def;
	unsigned long n = strtoul(v, &end, 10);
	if (*end || n == 0 || n > UINT32_MAX) {
		fprintf(stderr, "ERROR: %s: expected a positive integer, got '%s'\n", name, v);
		exit(1);
	}
	return (uint32_t)n;
}

struct cli {
	struct bt_opts o;
	bool list, list_verbose, info, use_default;
	bool empty_e; /* -e '' was given */
	const char *prometheus; /* --prometheus [ADDR:]PORT */
	size_t prom_max_series;
};

/* Returns -1 to continue, else the exit status. */
static int parse_cli(int argc, char **argv, struct cli *c)
{
	struct bt_opts *o = &c->o;
	int opt;

	o->interval_s = 1.0;
	o->strlen_max = env_u32("BPFTRACE_STRLEN", 64);
	o->map_keys_max = env_u32("BPFTRACE_MAP_KEYS_MAX", 4096);
	o->max_probes = env_u32("BPFTRACE_MAX_PROBES", 512);
	o->max_bpf_progs = env_u32("BPFTRACE_MAX_BPF_PROGS", 512);
	o->cat_bytes_max = env_u32("BPFTRACE_CAT_BYTES_MAX", 10240);

	/* options may follow the script file (`tracetop x.bt -c cmd`), as with
	 * bpftrace: getopt permutes; `--` ends the options */
	/* -I and --include lists: at most argc entries each, freed with cli */
	o->include_dirs = xcalloc((size_t)argc, sizeof(char *));
	o->include_files = xcalloc((size_t)argc, sizeof(char *));
	while ((opt = getopt_long(argc, argv, "e:lc:p:o:f:B:qkvd:i:I:hV", long_opts, NULL)) != -1) {
		switch (opt) {
		case 'I':
			o->include_dirs[o->ninclude_dirs++] = optarg;
			break;
		case OPT_INCLUDE:
			o->include_files[o->ninclude_files++] = optarg;
			break;
		case 'e':
			/* as in bpftrace, an empty -e is no -e: a file may follow */
			o->program_text = *optarg ? optarg : NULL;
			c->empty_e = !*optarg;
			break;
		case 'l':
			c->list = true;
			break;
		case 'c':
			o->cmd = optarg;
			break;
		case 'p': {
			char *end;
			errno = 0;
			long pid = strtol(optarg, &end, 10);
			if (end == optarg || *end) {
				fprintf(stderr, "ERROR: pid '%s' is not a valid decimal number\n",
					optarg);
				return 1;
			}
			/* bpftrace's range: the kernel's largest possible pid_max */
			if (errno || pid < 1 || pid > 4194304) {
				fprintf(stderr, "ERROR: pid '%s' out of valid pid range [1,4194304]\n",
					optarg);
				return 1;
			}
			o->pid = (int)pid;
			break;
		}
		case 'o':
			o->output_file = optarg;
			break;
		case 'f':
			if (!strcmp(optarg, "text")) {
				o->format = OUT_TEXT;
			} else if (!strcmp(optarg, "json")) {
				o->format = OUT_JSON;
			} else {
				fprintf(stderr, "ERROR: Invalid output format \"%s\"\n"
						"Valid formats: 'text', 'json'\n",
					optarg);
				return 1;
			}
			break;
		case 'B':
			if (!strcmp(optarg, "line")) {
				o->buffering = BUF_LINE;
			} else if (!strcmp(optarg, "full")) {
				o->buffering = BUF_FULL;
			} else if (!strcmp(optarg, "none")) {
				o->buffering = BUF_NONE;
			} else {
				fprintf(stderr, "ERROR: -B must be either 'line', 'full', or 'none'\n");
				return 1;
			}
			break;
		case 'q':
			o->quiet = true;
			break;
		case 'k':
			o->helper_check_level++;
			break;
		case 'v':
			if (c->list)
				c->list_verbose = true;
			else
				o->verbose = true;
			break;
		case 'd':
			if (strcmp(optarg, "ast") && strcmp(optarg, "types") && strcmp(optarg, "ir") &&
			    strcmp(optarg, "bpf")) {
				fprintf(stderr, "ERROR: -d takes ast, types, ir or bpf, not '%s'\n",
					optarg);
				return 1;
			}
			o->dump = optarg;
			o->dry_run = true;
			break;
		case 'i': {
			char *end;
			double s = strtod(optarg, &end);
			if (*end || !(s >= 0.05 && s <= 3600)) {
				/* bpftrace has no -i: to its users this is a bad
				 * flag, which gets the usage */
				fprintf(stderr, "ERROR: interval '%s': expected seconds between "
						"0.05 and 3600\n\n",
					optarg);
				usage(stderr);
				return 1;
			}
			o->interval_s = s;
			break;
		}
		case 'h':
			usage(stdout);
			return 0;
		case 'V':
			/* the runtime suite looks for "bpftrace v" */
			printf("tracetop v%s (bpftrace v0.17.0 language)\n", TRACETOP_VERSION);
			return 0;
		case OPT_UNSAFE:
			o->unsafe = true;
			break;
		case OPT_PLAIN:
			o->plain = true;
			break;
		case OPT_THEME:
			o->theme = optarg;
			break;
		case OPT_UNICODE:
			o->unicode = true;
			break;
		case OPT_PRINT_ON_EXIT:
			o->print_on_exit = true;
			break;
		case OPT_INFO:
			c->info = true;
			break;
		case OPT_DEFAULT:
			c->use_default = true;
			break;
		case OPT_NO_WARNINGS:
			o->no_warnings = true;
			break;
		case OPT_DRY_RUN:
			o->dry_run = true;
			break;
		case OPT_PROMETHEUS: {
			char addr[64];
			uint16_t port;
			if (metrics_parse_listen(optarg, addr, sizeof(addr), &port)) {
				fprintf(stderr, "ERROR: --prometheus '%s': expected [ADDR:]PORT\n",
					optarg);
				return 1;
			}
			c->prometheus = optarg;
			o->hist_sums = true; /* histograms get an exact _sum */
			break;
		}
		case OPT_PROM_MAX_SERIES: {
			char *end;
			unsigned long n = strtoul(optarg, &end, 10);
			if (*end || n == 0 || n > 1000000) {
				fprintf(stderr, "ERROR: --prometheus-max-series '%s': expected 1 to "
						"1000000\n",
					optarg);
				return 1;
			}
			c->prom_max_series = n;
			break;
		}
		default:
			usage(stderr);
			return 1;
		}
	}
	/* -lv given as "-l -v" or "-lv": both end up here */
	if (c->list && o->verbose) {
		c->list_verbose = true;
		o->verbose = false;
	}

	if (c->list || c->info)
		return -1;
	if (c->use_default) {
		o->program_text = default_program;
	} else if (!o->program_text) {
		if (optind >= argc && c->empty_e) {
			fprintf(stderr, "ERROR: USAGE: filename or -e 'program' required.\n");
			return 1;
		}
		if (optind >= argc) {
			usage(stderr);
			return 1;
		}
		o->program_file = argv[optind++];
	}
	o->params = argv + optind;
	o->nparams = argc - optind;
	return -1;
}

static int load_source(const struct bt_opts *o, struct source *src, char **owned)
{
	*owned = NULL;
	if (o->program_text) {
		src->name = "stdin";
		src->text = o->program_text;
		src->len = strlen(o->program_text);
		return 0;
	}
	FILE *f = strcmp(o->program_file, "-") ? fopen(o->program_file, "r") : stdin;
	if (!f) {
		fprintf(stderr, "ERROR: failed to open file '%s': %s\n", o->program_file,
			strerror(errno));
		return -1;
	}
	size_t len;
	char *text = sb_read_stream(f, &len);
	int err = errno;
	if (f != stdin)
		fclose(f);
	if (!text) {
		if (err == EFBIG)
			fprintf(stderr, "ERROR: failed to read %s: larger than %u MiB\n",
				o->program_file, SB_READ_MAX >> 20);
		else
			fprintf(stderr, "ERROR: failed to read %s: %s\n", o->program_file,
				strerror(err));
		return -1;
	}
	src->name = strcmp(o->program_file, "-") ? o->program_file : "stdin";
	src->text = text;
	src->len = len;
	*owned = text;
	return 0;
}

/* parse -> sema -> codegen. Returns 0, or 1 after printing diagnostics. */
static int compile(const struct bt_opts *o, const struct source *src, struct bt_program *prog)
{
	struct diags d;
	struct ast ast = {0};
	int err = 0;

	diags_init(&d, src);
	d.no_warnings = o->no_warnings;
	if (parse_program(src, &prog->types, &d, &ast) || d.nerr) {
		err = 1;
		goto out;
	}
	if (o->dump && !strcmp(o->dump, "ast")) {
		ast_dump(&ast, stdout);
		goto out;
	}
	if (sema_run(&ast, o, &prog->types, &d, prog) || d.nerr) {
		err = 1;
		goto out;
	}
	if (o->dump && !strcmp(o->dump, "types")) {
		sema_dump(&ast, prog, stdout);
		goto out;
	}
	if (codegen_run_isolated(&ast, o, prog, &d) || d.nerr)
		err = 1;
out:
	diags_print(&d, stderr);
	diags_free(&d);
	return err;
}

static const int caught_signals[] = {SIGINT, SIGTERM, SIGHUP, SIGUSR1};

static void install_signals(void)
{
	struct sigaction sa = {0};

	sa.sa_handler = on_signal; /* no SA_RESTART: blocking waits return EINTR */
	sigemptyset(&sa.sa_mask);
	for (size_t i = 0; i < ARRAY_SIZE(caught_signals); i++)
		sigaction(caught_signals[i], &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
}

/* The flags are looked at with our signals blocked: rt_poll lets them in
 * only while it waits (or once it saw one pending), so a signal that comes
 * right after a look still ends the next wait at once. */
static void block_signals(sigset_t *old)
{
	sigset_t set;

	sigemptyset(&set);
	for (size_t i = 0; i < ARRAY_SIZE(caught_signals); i++)
		sigaddset(&set, caught_signals[i]);
	sigprocmask(SIG_BLOCK, &set, old);
}

static bool want_dashboard(const struct bt_opts *o)
{
	const char *term = getenv("TERM");

	return !o->plain && o->format == OUT_TEXT && !o->output_file && isatty(STDOUT_FILENO) &&
	       isatty(STDIN_FILENO) && term && *term && strcmp(term, "dumb");
}

/* --prometheus: hand the exporter a fresh snapshot when one is due */
static void metrics_tick(struct metrics *m, struct rt *rt)
{
	struct timespec a, b;

	if (!m || !metrics_due(m))
		return;
	clock_gettime(CLOCK_MONOTONIC, &a);
	struct snapshot *s = rt_snapshot(rt);
	clock_gettime(CLOCK_MONOTONIC, &b);
	if (s)
		metrics_publish(m, s,
				(uint64_t)((b.tv_sec - a.tv_sec) * 1000000000ll + (b.tv_nsec - a.tv_nsec)));
}

/* SIGUSR1, as bpftrace: every map now, in the exit dump's order and format */
static void dump_maps(struct rt *rt, const struct sink_ops *sink)
{
	struct snapshot *s = rt_snapshot(rt);

	if (!s)
		return;
	for (size_t i = 0; i < s->nmaps; i++)
		if (s->maps[i].n)
			sink->map(sink->ctx, &s->maps[i], 0, 0);
	if (sink->flush)
		sink->flush(sink->ctx);
	snapshot_free(s);
}

/* The classic mode: events to the sink as they come, maps at exit. */
static int run_plain(struct rt *rt, const struct sink_ops *sink, struct metrics *m)
{
	sigset_t old;
	int rc = 0;

	if (rt_start(rt, sink))
		return 1;
	block_signals(&old);
	while (!exit_signal) {
		if (dump_signal) {
			dump_signal = 0;
			/* what the probes wrote before the signal comes first */
			if (rt_poll(rt, 0, sink) < 0) {
				rc = 1;
				break;
			}
			dump_maps(rt, sink);
		}
		metrics_tick(m, rt);
		int r = rt_poll(rt, 100, sink);
		if (r < 0) {
			rc = 1;
			break;
		}
		if (r > 0)
			break;
	}
	sigprocmask(SIG_SETMASK, &old, NULL);
	if (exit_signal)
		rt_interrupt(rt);
	rt_stop(rt, sink, true);
	return rc;
}

struct dash_ctx {
	struct rt *rt;
	const struct sink_ops *tui_sink;
	struct metrics *metrics;
};

static int dash_poll(void *ctx, int timeout_ms, const struct sink_ops *sink)
{
	struct dash_ctx *c = ctx;

	int r;

	if (exit_signal)
		return 1;
	metrics_tick(c->metrics, c->rt);
	r = rt_poll(c->rt, timeout_ms, sink);
	/* rt_poll let in a signal that came while it read records */
	return exit_signal ? 1 : r;
}

static struct snapshot *dash_snapshot(void *ctx)
{
	return rt_snapshot(((struct dash_ctx *)ctx)->rt);
}

static int dash_event_fd(void *ctx)
{
	return rt_event_fd(((struct dash_ctx *)ctx)->rt);
}

static int dash_clear(void *ctx, const char *name)
{
	return rt_clear_map(((struct dash_ctx *)ctx)->rt, name);
}

/* "make" of -c '/usr/bin/make -j8' (the program's base name) */
static void command_name(char *buf, size_t len, const char *cmd)
{
	size_t n;

	cmd += strspn(cmd, " \t\n'\"");
	n = strcspn(cmd, " \t\n'\"");
	for (const char *p = cmd; p < cmd + n; p++)
		if (*p == '/' && p + 1 < cmd + n) {
			n -= (size_t)(p + 1 - cmd);
			cmd = p + 1;
			p = cmd - 1;
		}
	snprintf(buf, len, "%.*s", (int)n, cmd);
}

static int run_dashboard(struct rt *rt, const struct bt_opts *o, const struct source *src,
			 struct metrics *m)
{
	char command[64] = "";

	if (o->cmd)
		command_name(command, sizeof(command), o->cmd);
	struct dash_ctx c = {.rt = rt, .metrics = m};
	struct tui_source ts = {
		.poll = dash_poll,
		.snapshot = dash_snapshot,
		.clear_map = dash_clear,
		.event_fd = dash_event_fd,
		.ctx = &c,
		.program = src->text,
		.command = command[0] ? command : NULL,
	};
	struct tui_opts to = {
		.interval_s = o->interval_s,
		.theme = o->theme,
		.unicode = o->unicode,
		.stats_path = getenv("TRACETOP_TUI_STATS"),
	};
	struct tui *t = tui_new(&to);
	if (!t)
		return 1;
	const struct sink_ops *sink = tui_sink(t);
	int rc = 0;

	if (rt_start(rt, sink)) {
		tui_free(t);
		return 1;
	}
	ts.nprobes = rt_nattached(rt);
	rc = tui_run(t, &ts); /* restores the terminal before anything else prints */
	if (exit_signal || tui_exit_signal(t))
		rt_interrupt(rt);
	tui_print_command_output(t, stdout);
	tui_free(t);
	if (o->print_on_exit) {
		struct output *out = output_new_text(stdout, o);
		rt_stop(rt, output_sink(out), true);
		output_free(out);
	} else {
		rt_stop(rt, NULL, false);
	}
	return rc;
}

static int run(struct cli *c, const struct source *src, struct bt_program *prog)
{
	const struct bt_opts *o = &c->o;
	struct rt *rt = NULL;
	struct metrics *m = NULL;
	FILE *out_file = stdout;
	bool headless = c->prometheus && o->quiet && !o->output_file;
	bool dashboard = !headless && want_dashboard(o);
	int rc;

	/* the dashboard owns the terminal: a -c command writes to a pty we
	 * show in the output pane (--plain: it inherits the terminal) */
	c->o.cmd_capture = dashboard;

	if (o->output_file) {
		out_file = fopen(o->output_file, "w");
		if (!out_file) {
			fprintf(stderr, "ERROR: failed to open output file %s: %s\n",
				o->output_file, strerror(errno));
			return 1;
		}
	}
	/* every attach point was dropped (expansions that matched nothing):
	 * bpftrace's line, on stdout, and exit 1 */
	if (!prog->nprobes) {
		if (!o->quiet)
			puts("No probes to attach");
		if (out_file != stdout)
			fclose(out_file);
		return 1;
	}
	install_signals();
	if (rt_open(&rt, prog, o)) {
		if (out_file != stdout)
			fclose(out_file);
		return 1;
	}
	if (c->prometheus) {
		struct metrics_opts mo = {
			.listen = c->prometheus,
			.interval_s = o->interval_s,
			.doc = {.meta = prog->map_meta,
				.nmeta = prog->map_meta ? prog->nmaps : 0,
				.program = src->text,
				.max_series = c->prom_max_series ? c->prom_max_series
								 : METRICS_DEFAULT_MAX_SERIES},
		};
		m = metrics_start(&mo);
		if (!m) {
			rt_close(rt);
			if (out_file != stdout)
				fclose(out_file);
			return 1;
		}
	}
	if (headless) {
		rc = run_plain(rt, metrics_quiet_sink(), m);
	} else if (dashboard) {
		rc = run_dashboard(rt, o, src, m);
	} else {
		struct output *out = o->format == OUT_JSON ? output_new_json(out_file, o)
							   : output_new_text(out_file, o);
		rc = run_plain(rt, output_sink(out), m);
		output_free(out);
	}
	metrics_stop(m);
	rt_close(rt);
	if (out_file != stdout)
		fclose(out_file);
	return rc;
}

/* everything after the command line; main frees what parse_cli made */
static int dispatch(struct cli *c, int argc, char **argv)
{
	struct source src = {0};
	struct bt_program prog = {0};
	char *owned = NULL;
	int rc;

	if (c->info)
		return rt_print_info(stdout) ? 1 : 0;
	if (c->list) {
		const char *glob = optind < argc ? argv[optind] : NULL;
		if (c->o.program_text)
			glob = c->o.program_text; /* bpftrace accepts -l -e 'glob' too */
		return rt_list_probes(glob, c->list_verbose, stdout) ? 1 : 0;
	}
	if (load_source(&c->o, &src, &owned))
		return 1;
	src.params = c->o.params;
	src.nparams = c->o.nparams;

	rc = compile(&c->o, &src, &prog);
	if (!rc && !c->o.dry_run)
		rc = run(c, &src, &prog);
	bt_program_free(&prog);
	free(owned);
	return rc;
}

int main(int argc, char **argv)
{
	struct cli c = {0};
	int rc;

	rc = parse_cli(argc, argv, &c);
	if (rc < 0)
		rc = dispatch(&c, argc, argv);
	free(c.o.include_dirs);
	free(c.o.include_files);
	return rc;
}
