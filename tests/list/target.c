/* A uprobe target for the list tier: known function names, built both as
 * PIE and non-PIE. `target wait` prints its pid and the address of
 * tt_alpha, then waits for a line on stdin. */
#include <stdio.h>
#include <unistd.h>

__attribute__((noinline)) int tt_alpha(int x)
{
	return x * 3 + 1;
}

__attribute__((noinline)) int tt_beta(int x)
{
	return tt_alpha(x) - 2;
}

__attribute__((noinline)) int tt_beta2(int x)
{
	return tt_beta(x) ^ 5;
}

__attribute__((noinline)) static int tt_local_gamma(int x)
{
	return tt_beta2(x) + 7;
}

int main(int argc, char **argv)
{
	char line[16];
	volatile int r = tt_local_gamma(argc);

	if (argc > 1) {
		printf("%d %p %p\n", getpid(), (void *)tt_alpha, (void *)tt_local_gamma);
		fflush(stdout);
		if (!fgets(line, sizeof(line), stdin))
			return 0;
	}
	return r == 12345;
}
