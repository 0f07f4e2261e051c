/*
 * glob.c - the wildcard matching used by probe listing and expansion.
 *
 * bpftrace attach points accept '*' (any run of characters, possibly
 * empty) and '?' (any one character); every other byte matches itself.
 * Each part of an attach point is matched on its own, so '*' never has to
 * cross a ':' here: callers split first. The matcher is the classic
 * backtracking one with a single saved star, linear for one '*' and at
 * worst O(n*m), without recursion.
 */
#include "runtime.h"

#include <string.h>

bool glob_match(const char *pat, const char *s)
{
	const char *star = NULL, *resume = NULL;

	while (*s) {
		if (*pat == '*') {
			star = pat++;
			resume = s;
		} else if (*pat == '?' || *pat == *s) {
			pat++;
			s++;
		} else if (star) {
			pat = star + 1;
			s = ++resume;
		} else {
			return false;
		}
	}
	while (*pat == '*')
		pat++;
	return !*pat;
}

bool glob_has_wildcard(const char *s)
{
	return s && strpbrk(s, "*?") != NULL;
}
