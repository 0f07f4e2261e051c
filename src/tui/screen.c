/*
 * screen.c - the terminal: the only file that includes <ncurses.h>.
 *
 * Opens the screen (newterm, so a missing terminal is an error and not an
 * exit), maps ncurses key codes to TUI_KEY_*, sets up colour pairs from a
 * theme, and blits a grid cell by cell in runs of one role. The terminal
 * must come back on every way out: screen_close on the normal path, an
 * atexit hook for exit() anywhere, and handlers for fatal signals that
 * restore it before the default action runs. SIGINT/SIGTERM/SIGHUP/SIGQUIT
 * get a handler that only records the signal when nobody else (main.c)
 * handles them already. While the screen is open they are blocked, and let
 * in only by the wait (ppoll): one that comes while the loop reads records
 * or draws ends the next wait at once instead of being handled just before
 * it, unseen until its timeout. This is the TUI's one piece of global
 * state: signal handlers and atexit cannot take a context.
 */
#define _GNU_SOURCE
#include "tui.h"

#include <errno.h>
#include <langinfo.h>
#include <locale.h>
#include <ncurses.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <wchar.h>

struct screen {
	SCREEN *scr;
	attr_t attrs[C_NROLES];
	struct sigaction old_stop[4];
	bool stop_installed[4];
	struct sigaction old_fatal[5];
	sigset_t old_mask;  /* restored by screen_close */
	sigset_t wait_mask; /* old_mask with the stop signals let in */
};

static volatile sig_atomic_t screen_active;
static volatile sig_atomic_t screen_signal;
static bool screen_atexit_set;

static const int stop_signals[4] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT};
static const int fatal_signals[5] = {SIGSEGV, SIGABRT, SIGBUS, SIGFPE, SIGILL};

static void restore_terminal(void)
{
	if (screen_active) {
		screen_active = 0;
		endwin();
	}
}

static void on_stop_signal(int sig)
{
	screen_signal = sig;
}

static void on_fatal_signal(int sig)
{
	restore_terminal();
	signal(sig, SIG_DFL);
	raise(sig);
}

int screen_pending_signal(void)
{
	return screen_signal;
}

static void restore_stop_signals(struct screen *s)
{
	for (int i = 0; i < 4; i++)
		if (s->stop_installed[i])
			sigaction(stop_signals[i], &s->old_stop[i], NULL);
}

int screen_open(struct screen **out)
{
	struct screen *s;

	if (!isatty(STDOUT_FILENO) || !isatty(STDIN_FILENO))
		return -ENOTTY;
	if (!setlocale(LC_CTYPE, "") || strcmp(nl_langinfo(CODESET), "UTF-8"))
		setlocale(LC_CTYPE, "C.UTF-8"); /* wide characters need a UTF-8 locale */
	s = xcalloc(1, sizeof(*s));
	screen_signal = 0;
	/* before newterm: ncurses installs its own SIGINT/SIGTERM handlers
	 * (restore and exit(1)) when it finds the default disposition */
	for (int i = 0; i < 4; i++) {
		struct sigaction cur;
		sigaction(stop_signals[i], NULL, &cur);
		if (cur.sa_handler != SIG_DFL || (cur.sa_flags & SA_SIGINFO))
			continue; /* the caller handles it (and its poll returns 1) */
		struct sigaction sa = {.sa_handler = on_stop_signal};
		sigemptyset(&sa.sa_mask);
		sigaction(stop_signals[i], &sa, &s->old_stop[i]);
		s->stop_installed[i] = true;
	}
	s->scr = newterm(NULL, stdout, stdin);
	if (!s->scr) {
		restore_stop_signals(s);
		free(s);
		return -ENOTTY;
	}
	set_term(s->scr);
	screen_active = 1;
	if (!screen_atexit_set) {
		atexit(restore_terminal);
		screen_atexit_set = true;
	}
	for (int i = 0; i < 5; i++) {
		struct sigaction sa = {.sa_handler = on_fatal_signal};
		sigemptyset(&sa.sa_mask);
		sa.sa_flags = SA_RESETHAND;
		sigaction(fatal_signals[i], &sa, &s->old_fatal[i]);
	}
	cbreak();
	noecho();
	nonl();
	keypad(stdscr, TRUE);
	nodelay(stdscr, TRUE);
	set_escdelay(25);
	curs_set(0);
	leaveok(stdscr, TRUE);
	if (has_colors()) {
		start_color();
		use_default_colors();
	}
	sigset_t stop;
	sigemptyset(&stop);
	for (int i = 0; i < 4; i++)
		sigaddset(&stop, stop_signals[i]);
	sigprocmask(SIG_BLOCK, &stop, &s->old_mask);
	s->wait_mask = s->old_mask;
	for (int i = 0; i < 4; i++)
		sigdelset(&s->wait_mask, stop_signals[i]);
	*out = s;
	return 0;
}

void screen_close(struct screen *s)
{
	if (!s)
		return;
	restore_terminal();
	sigprocmask(SIG_SETMASK, &s->old_mask, NULL);
	restore_stop_signals(s);
	for (int i = 0; i < 5; i++)
		sigaction(fatal_signals[i], &s->old_fatal[i], NULL);
	delscreen(s->scr);
	free(s);
}

static attr_t map_attrs(unsigned a)
{
	attr_t r = A_NORMAL;

	if (a & TA_BOLD)
		r |= A_BOLD;
	if (a & TA_REVERSE)
		r |= A_REVERSE;
	if (a & TA_UNDERLINE)
		r |= A_UNDERLINE;
	if (a & TA_DIM)
		r |= A_DIM;
	if (a & TA_BLINK)
		r |= A_BLINK;
	if (a & TA_STANDOUT)
		r |= A_STANDOUT;
#ifdef A_ITALIC
	if (a & TA_ITALIC)
		r |= A_ITALIC;
#endif
	return r;
}

static short clamp_color(short c)
{
	return c < 0 || c >= COLORS ? (c >= 8 && c < 16 && COLORS >= 8 ? c - 8 : -1) : c;
}

void screen_apply_theme(struct screen *s, const struct theme *th, bool *color)
{
	const char *nc = getenv("NO_COLOR");

	*color = has_colors() && !(nc && *nc);
	for (int r = 0; r < C_NROLES; r++) {
		const struct theme_style *st = &th->roles[r];
		s->attrs[r] = map_attrs(st->attrs);
		if (*color && r + 1 < COLOR_PAIRS) {
			init_pair((short)(r + 1), clamp_color(st->fg), clamp_color(st->bg));
			s->attrs[r] |= COLOR_PAIR(r + 1);
		}
	}
	/* cells drawn with the default role also set the background */
	bkgdset(' ' | s->attrs[C_DEFAULT]);
}

void screen_size(struct screen *s, int *w, int *h)
{
	(void)s;
	getmaxyx(stdscr, *h, *w);
}

void screen_blit(struct screen *s, const struct grid *g)
{
	wchar_t run[512];

	for (int y = 0; y < g->h; y++) {
		const struct cell *row = &g->cells[(size_t)y * g->w];
		int x = 0;
		while (x < g->w) {
			int role = row[x].role, x0 = x, n = 0;
			while (x < g->w && row[x].role == role && n < 510) {
				if (row[x].ch != GRID_CONT)
					run[n++] = (wchar_t)row[x].ch;
				x++;
			}
			run[n] = 0;
			attrset(s->attrs[role < C_NROLES ? role : 0]);
			mvaddnwstr(y, x0, run, n);
		}
	}
	attrset(A_NORMAL);
	wnoutrefresh(stdscr);
	doupdate();
}

int screen_getkey(struct screen *s)
{
	int ch = getch();

	(void)s;
	switch (ch) {
	case ERR:
		return TUI_KEY_NONE;
	case KEY_UP:
		return TUI_KEY_UP;
	case KEY_DOWN:
		return TUI_KEY_DOWN;
	case KEY_LEFT:
		return TUI_KEY_LEFT;
	case KEY_RIGHT:
		return TUI_KEY_RIGHT;
	case KEY_PPAGE:
		return TUI_KEY_PGUP;
	case KEY_NPAGE:
		return TUI_KEY_PGDN;
	case KEY_HOME:
		return TUI_KEY_HOME;
	case KEY_END:
		return TUI_KEY_END;
	case KEY_BTAB:
		return TUI_KEY_BTAB;
	case KEY_RESIZE:
		return TUI_KEY_RESIZE;
	case KEY_ENTER:
	case '\r':
	case '\n':
		return TUI_KEY_ENTER;
	case KEY_BACKSPACE:
	case 8:
	case 127:
		return TUI_KEY_BACKSPACE;
	default:
		return ch >= 0 && ch < 256 ? ch : 0;
	}
}

int screen_wait(struct screen *s, int extra_fd, int timeout_ms)
{
	struct pollfd fds[2] = {{.fd = STDIN_FILENO, .events = POLLIN},
				{.fd = extra_fd, .events = POLLIN}};

	struct timespec ts = {.tv_sec = timeout_ms / 1000,
			      .tv_nsec = (long)(timeout_ms % 1000) * 1000000L};
	int r = ppoll(fds, extra_fd >= 0 ? 2 : 1, timeout_ms < 0 ? NULL : &ts, &s->wait_mask);
	return r < 0 && errno == EINTR ? 1 : r;
}
