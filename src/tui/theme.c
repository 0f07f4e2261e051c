/*
 * theme.c - colour roles and theme files.
 *
 * Panels draw with semantic roles (enum color_role, an X-macro in tui.h);
 * a theme maps each role to a foreground, a background and attributes.
 * Theme files use tig's line format, one role a line:
 *
 *	# comment
 *	color title-focus black cyan bold
 *
 * Colours: default, black, red, green, yellow, blue, magenta, cyan, white,
 * bright-<name>, colorN or N (0..255). Attributes: normal, bold, reverse,
 * underline, dim, blink, standout, italic. A file is applied over the
 * compiled-in default, so a bad line (unknown role, colour or attribute)
 * is reported as "FILE:LINE: warning: ..." and that role keeps the default.
 * Files are looked up as NAME.theme in themes/ next to the binary,
 * $XDG_CONFIG_HOME/tracetop/themes and /usr/share/tracetop/themes.
 */
#define _GNU_SOURCE
#include "tui.h"

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

static const char *const role_names[] = {
#define TUI_ROLE_NAME(name, str) str,
	TUI_ROLES(TUI_ROLE_NAME)
#undef TUI_ROLE_NAME
};

static const char *const color_names[] = {"black", "red",     "green", "yellow",
					  "blue",  "magenta", "cyan",  "white"};

static const struct {
	const char *name;
	unsigned attr;
} attr_names[] = {
	{"normal", 0},
	{"bold", TA_BOLD},
	{"reverse", TA_REVERSE},
	{"underline", TA_UNDERLINE},
	{"dim", TA_DIM},
	{"blink", TA_BLINK},
	{"standout", TA_STANDOUT},
	{"italic", TA_ITALIC},
};

#define D THEME_COLOR_DEFAULT
enum { BLACK, RED, GREEN, YELLOW, BLUE, MAGENTA, CYAN, WHITE };

/* the compiled-in default: readable on dark and light terminals */
static const struct theme_style default_styles[C_NROLES] = {
	[C_DEFAULT] = {D, D, 0},
	[C_HEADER] = {BLACK, CYAN, 0},
	[C_HEADER_HI] = {BLACK, CYAN, TA_BOLD},
	[C_PAUSED] = {WHITE, RED, TA_BOLD},
	[C_TITLE] = {WHITE, BLUE, 0},
	[C_TITLE_FOCUS] = {BLACK, GREEN, TA_BOLD},
	[C_COLHEAD] = {YELLOW, D, 0},
	[C_COLHEAD_SORT] = {YELLOW, D, TA_BOLD | TA_UNDERLINE},
	[C_KEY] = {D, D, 0},
	[C_VALUE] = {D, D, TA_BOLD},
	[C_RATE] = {GREEN, D, 0},
	[C_BAR] = {GREEN, D, 0},
	[C_BAR_EMPTY] = {BLUE, D, 0},
	[C_SPARK] = {CYAN, D, 0},
	[C_LABEL] = {CYAN, D, 0},
	[C_PCT] = {YELLOW, D, 0},
	[C_HEAT1] = {BLUE, D, 0},
	[C_HEAT2] = {CYAN, D, 0},
	[C_HEAT3] = {YELLOW, D, 0},
	[C_HEAT4] = {RED, D, TA_BOLD},
	[C_SELECTED] = {D, D, TA_REVERSE},
	[C_MORE] = {D, D, TA_DIM},
	[C_LOG] = {D, D, 0},
	[C_ERROR] = {RED, D, TA_BOLD},
	[C_STATUS] = {BLACK, WHITE, 0},
	[C_HELP] = {BLACK, WHITE, 0},
	[C_SEPARATOR] = {BLUE, D, 0},
};

/* attributes only: NO_COLOR, terminals without colour, --theme mono */
static const struct theme_style mono_styles[C_NROLES] = {
	[C_DEFAULT] = {D, D, 0},
	[C_HEADER] = {D, D, TA_REVERSE},
	[C_HEADER_HI] = {D, D, TA_REVERSE | TA_BOLD},
	[C_PAUSED] = {D, D, TA_BOLD | TA_BLINK},
	[C_TITLE] = {D, D, TA_REVERSE},
	[C_TITLE_FOCUS] = {D, D, TA_REVERSE | TA_BOLD},
	[C_COLHEAD] = {D, D, TA_BOLD},
	[C_COLHEAD_SORT] = {D, D, TA_BOLD | TA_UNDERLINE},
	[C_KEY] = {D, D, 0},
	[C_VALUE] = {D, D, TA_BOLD},
	[C_RATE] = {D, D, 0},
	[C_BAR] = {D, D, 0},
	[C_BAR_EMPTY] = {D, D, TA_DIM},
	[C_SPARK] = {D, D, 0},
	[C_LABEL] = {D, D, 0},
	[C_PCT] = {D, D, TA_BOLD},
	[C_HEAT1] = {D, D, TA_DIM},
	[C_HEAT2] = {D, D, 0},
	[C_HEAT3] = {D, D, TA_BOLD},
	[C_HEAT4] = {D, D, TA_BOLD | TA_REVERSE},
	[C_SELECTED] = {D, D, TA_REVERSE},
	[C_MORE] = {D, D, TA_DIM},
	[C_LOG] = {D, D, 0},
	[C_ERROR] = {D, D, TA_BOLD},
	[C_STATUS] = {D, D, TA_REVERSE},
	[C_HELP] = {D, D, TA_REVERSE},
	[C_SEPARATOR] = {D, D, TA_DIM},
};
#undef D

const char *theme_role_name(enum color_role r)
{
	return r < C_NROLES ? role_names[r] : "?";
}

void theme_default(struct theme *th)
{
	snprintf(th->name, sizeof(th->name), "default");
	memcpy(th->roles, default_styles, sizeof(th->roles));
}

static void theme_mono(struct theme *th)
{
	snprintf(th->name, sizeof(th->name), "mono");
	memcpy(th->roles, mono_styles, sizeof(th->roles));
}

static int parse_color(const char *s, short *out)
{
	char *end;

	if (!strcasecmp(s, "default") || !strcmp(s, "-1")) {
		*out = THEME_COLOR_DEFAULT;
		return 0;
	}
	bool bright = !strncasecmp(s, "bright-", 7);
	const char *base = bright ? s + 7 : s;
	for (size_t i = 0; i < ARRAY_SIZE(color_names); i++)
		if (!strcasecmp(base, color_names[i])) {
			*out = (short)(i + (bright ? 8 : 0));
			return 0;
		}
	if (!strncasecmp(s, "color", 5))
		s += 5;
	if (!*s)
		return -EINVAL;
	long n = strtol(s, &end, 10);
	if (*end || n < 0 || n > 255)
		return -EINVAL;
	*out = (short)n;
	return 0;
}

static int find_role(const char *s)
{
	for (int r = 0; r < C_NROLES; r++)
		if (!strcasecmp(s, role_names[r]))
			return r;
	return -1;
}

static void theme_line(struct theme *th, char *line, const char *path, int lineno,
		       struct strbuf *warn)
{
	char *save = NULL, *words[16];
	int n = 0;

	for (char *w = strtok_r(line, " \t\r\n", &save); w && n < 16;
	     w = strtok_r(NULL, " \t\r\n", &save))
		words[n++] = w;
	if (!n || words[0][0] == '#')
		return;
	if (strcmp(words[0], "color")) {
		sb_printf(warn, "%s:%d: warning: unknown command '%s' (expected 'color')\n", path,
			  lineno, words[0]);
		return;
	}
	if (n < 4) {
		sb_printf(warn, "%s:%d: warning: expected 'color <role> <fg> <bg> [attributes]'\n",
			  path, lineno);
		return;
	}
	int role = find_role(words[1]);
	if (role < 0) {
		sb_printf(warn, "%s:%d: warning: unknown colour role '%s'\n", path, lineno,
			  words[1]);
		return;
	}
	struct theme_style st = {0};
	if (parse_color(words[2], &st.fg)) {
		sb_printf(warn, "%s:%d: warning: unknown colour '%s'\n", path, lineno, words[2]);
		return;
	}
	if (parse_color(words[3], &st.bg)) {
		sb_printf(warn, "%s:%d: warning: unknown colour '%s'\n", path, lineno, words[3]);
		return;
	}
	for (int i = 4; i < n; i++) {
		size_t a;
		if (words[i][0] == '#')
			break;
		for (a = 0; a < ARRAY_SIZE(attr_names); a++)
			if (!strcasecmp(words[i], attr_names[a].name))
				break;
		if (a == ARRAY_SIZE(attr_names)) {
			sb_printf(warn, "%s:%d: warning: unknown attribute '%s'\n", path, lineno,
				  words[i]);
			continue;
		}
		st.attrs |= attr_names[a].attr;
	}
	th->roles[role] = st;
}

int theme_load_file(struct theme *th, const char *path, struct strbuf *warn)
{
	FILE *f = fopen(path, "r");
	char line[512];
	int lineno = 0;

	if (!f)
		return -errno;
	while (fgets(line, sizeof(line), f))
		theme_line(th, line, path, ++lineno, warn);
	fclose(f);
	return 0;
}

/* the theme directories, most specific first; returns how many */
static int theme_dirs(char dirs[3][PATH_MAX])
{
	char exe[PATH_MAX - 16];
	int n = 0;
	ssize_t len = readlink("/proc/self/exe", exe, sizeof(exe) - 1);

	if (len > 0) {
		exe[len] = 0;
		char *slash = strrchr(exe, '/');
		if (slash) {
			*slash = 0;
			snprintf(dirs[n++], PATH_MAX, "%s/themes", exe);
		}
	}
	const char *xdg = getenv("XDG_CONFIG_HOME");
	const char *home = getenv("HOME");
	if (xdg && *xdg)
		snprintf(dirs[n++], PATH_MAX, "%.3000s/tracetop/themes", xdg);
	else if (home && *home)
		snprintf(dirs[n++], PATH_MAX, "%.3000s/.config/tracetop/themes", home);
	snprintf(dirs[n++], PATH_MAX, "/usr/share/tracetop/themes");
	return n;
}

int theme_load(struct theme *th, const char *name, struct strbuf *warn)
{
	char dirs[3][PATH_MAX], path[PATH_MAX + 80];
	int ndirs = theme_dirs(dirs);

	if (!name || !*name)
		name = "default";
	theme_default(th);
	if (strchr(name, '/')) {
		int err = theme_load_file(th, name, warn);
		if (err) {
			sb_printf(warn, "%s: warning: cannot read theme: %s; using the default\n",
				  name, strerror(-err));
			theme_default(th);
			return err;
		}
		const char *base = strrchr(name, '/') + 1;
		snprintf(th->name, sizeof(th->name), "%.*s", (int)strcspn(base, "."), base);
		return 0;
	}
	for (int i = 0; i < ndirs; i++) {
		snprintf(path, sizeof(path), "%.3000s/%.200s.theme", dirs[i], name);
		if (access(path, R_OK))
			continue;
		if (!strcmp(name, "mono"))
			theme_mono(th);
		if (theme_load_file(th, path, warn) == 0) {
			snprintf(th->name, sizeof(th->name), "%s", name);
			return 0;
		}
	}
	if (!strcmp(name, "default"))
		return 0;
	if (!strcmp(name, "mono")) {
		theme_mono(th);
		return 0;
	}
	sb_printf(warn, "warning: theme '%s' not found; using the default\n", name);
	return -ENOENT;
}

static void add_name(struct vec *names, const char *n)
{
	vec_foreach(names, i)
		if (!strcmp(names->items[i], n))
			return;
	vec_push(names, xstrdup(n));
}

void theme_list(struct vec *names)
{
	char dirs[3][PATH_MAX];
	int ndirs = theme_dirs(dirs);

	add_name(names, "default");
	add_name(names, "mono");
	for (int i = 0; i < ndirs; i++) {
		DIR *d = opendir(dirs[i]);
		struct dirent *de;
		if (!d)
			continue;
		while ((de = readdir(d))) {
			size_t len = strlen(de->d_name);
			if (len > 6 && !strcmp(de->d_name + len - 6, ".theme")) {
				char n[256];
				snprintf(n, sizeof(n), "%.*s", (int)(len - 6), de->d_name);
				add_name(names, n);
			}
		}
		closedir(d);
	}
	/* "default" stays first, the rest alphabetical */
	if (names->len > 2)
		qsort(names->items + 1, names->len - 1, sizeof(void *), vec_strcmp);
}
