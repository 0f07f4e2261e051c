/* libtt.c - the uprobe tier's shared library (libtt.so). */
__attribute__((noinline, used)) int tt_lib_mul(int a, int b)
{
	__asm__ volatile("" ::: "memory");
	return a * b;
}
