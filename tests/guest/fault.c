// SPDX-License-Identifier: Apache-2.0
// Guest probe: raises one CPU fault selected by argv[1], to check that airlock
// reports it as the same fatal signal (exit status 128+N) that Linux would.
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void say(const char *s)
{
	// write(2), not stdio: the line must be out before the fault kills us.
	ssize_t r = write(1, s, strlen(s));
	(void)r;
}

static void do_segv(void)
{
	*(volatile int *)0 = 1;
}

static void do_write_text(void)
{
	// Code pages are mapped read+exec only.
	*(volatile unsigned char *)(uintptr_t)&do_segv = 0xc3;
}

static void do_hlt(void)
{
	__asm__ volatile("hlt");
}

static void do_cli(void)
{
	__asm__ volatile("cli");
}

static void do_in(void)
{
	unsigned char v;
	__asm__ volatile("inb $0x60, %0" : "=a"(v));
}

static void do_out(void)
{
	__asm__ volatile("outb %0, $0x80" : : "a"((unsigned char)0));
}

static void do_lgdt(void)
{
	static struct __attribute__((packed)) {
		uint16_t limit;
		uint64_t base;
	} gdtr;
	__asm__ volatile("lgdt %0" : : "m"(gdtr));
}

static void do_rdmsr(void)
{
	uint32_t lo, hi;
	__asm__ volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(0x10));
}

static void do_mov_cr3(void)
{
	uint64_t v;
	__asm__ volatile("mov %%cr3, %0" : "=r"(v));
}

static void do_int_0x21(void)
{
	// A software interrupt through a vector user mode may not use: #GP.
	__asm__ volatile("int $0x21");
}

static void do_ud2(void)
{
	__asm__ volatile("ud2");
}

static void do_int3(void)
{
	__asm__ volatile("int3");
}

static void do_div0(void)
{
	// In asm: compilers rewrite 1/x into compares that never trap.
	int zero = 0;
	__asm__ volatile("cltd; idivl %1" : : "a"(1), "r"(zero) : "edx");
}

static void do_misaligned_sse(void)
{
	static char buf[64] __attribute__((aligned(16)));
	// movaps requires 16-byte alignment; buf+1 is not: #GP.
	__asm__ volatile("movaps (%0), %%xmm0" : : "r"(buf + 1) : "xmm0");
}

static void do_jump_unmapped(void)
{
	void (*f)(void) = (void (*)(void))(uintptr_t)0x1;
	f();
}

static void do_jump_kernel(void)
{
	void (*f)(void) = (void (*)(void))(uintptr_t)0xffff800000000000ULL;
	f();
}

static void do_jump_data(void)
{
	// Garbage bytes in a writable, non-executable page: NX fault.
	static unsigned char garbage[64];
	memset(garbage, 0xff, sizeof(garbage));
	void (*f)(void) = (void (*)(void))(uintptr_t)garbage;
	f();
}

static volatile int sink;
static volatile long depth_limit = 1L << 40; // never reached: the stack runs out first

static int __attribute__((noinline)) recurse(long n)
{
	volatile char pad[4096];
	pad[0] = (char)n;
	sink = pad[0];
	if (n >= depth_limit)
		return 0;
	return recurse(n + 1) + pad[0];
}

static void do_stack_overflow(void)
{
	sink = recurse(0);
}

static void do_abort(void)
{
	abort();
}

static const struct {
	const char *name;
	void (*fn)(void);
} kinds[] = {
	{"segv", do_segv},
	{"write-text", do_write_text},
	{"hlt", do_hlt},
	{"cli", do_cli},
	{"in", do_in},
	{"out", do_out},
	{"lgdt", do_lgdt},
	{"rdmsr", do_rdmsr},
	{"mov-cr3", do_mov_cr3},
	{"int-0x21", do_int_0x21},
	{"ud2", do_ud2},
	{"int3", do_int3},
	{"div0", do_div0},
	{"misaligned-sse", do_misaligned_sse},
	{"jump-unmapped", do_jump_unmapped},
	{"jump-kernel", do_jump_kernel},
	{"jump-data", do_jump_data},
	{"stack-overflow", do_stack_overflow},
	{"abort", do_abort},
};

int main(int argc, char **argv)
{
	// Extra arguments are ignored: tests pass a unique marker to find leftovers.
	if (argc < 2) {
		say("usage: fault KIND [IGNORED...]\n");
		return 2;
	}
	for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++) {
		if (strcmp(argv[1], kinds[i].name) == 0) {
			say("before ");
			say(kinds[i].name);
			say("\n");
			kinds[i].fn();
			say("survived\n");
			return 0;
		}
	}
	say("fault: unknown kind\n");
	return 2;
}
