// SPDX-License-Identifier: Apache-2.0
// Guest probe: what a raw SYSCALL leaves in the registers. Linux returns
// with every register but RAX, RCX (the return address) and R11 (RFLAGS)
// unchanged, and RFLAGS itself restored from R11. Each call below takes a
// different path through airlock's PVM gate: getpid (answered through
// shared memory), kill(pid, 0) (a call only the vCPU's own thread serves)
// and an out-of-range number (ENOSYS). Prints one line per call and flag
// setting; the output must match Linux's.
#include <stdint.h>
#include <stdio.h>
#include <sys/syscall.h>
#include <unistd.h>

enum { RBX, RBP, RDX, RSI, RDI, R8, R9, R10, R12, R13, R14, R15, NREGS };
static const char *const reg_names[NREGS] = {
	"rbx", "rbp", "rdx", "rsi", "rdi", "r8", "r9", "r10", "r12", "r13", "r14", "r15",
};

/* CF PF AF ZF SF DF OF AC: everything ring 3 can set with POPFQ but TF. */
#define FLAGS_MASK 0x40cd5ULL

struct after { /* offsets used by the asm below: 8 bytes each, in order */
	uint64_t regs[NREGS], rax, rcx, r11, rflags, return_address;
};

/*
 * Loads known values into every register, sets RFLAGS (with `syscall` args
 * in RDI, RSI, RDX), makes the call and stores what came back. RSP is
 * saved in a static: the registers are all in use.
 */
uint64_t saved_rsp; /* global: the asm names them */
uint64_t saved_frame[NREGS];
struct after result;

__attribute__((noinline)) static void call(uint64_t nr, uint64_t a0, uint64_t a1, uint64_t flags)
{
	static uint64_t in[NREGS];
	for (int i = 0; i < NREGS; i++)
		in[i] = 0x1111111111111111ULL * (uint64_t)(i + 1);
	in[RDI] = a0;
	in[RSI] = a1;
	in[RDX] = 0;
	static uint64_t nr_in, flags_in;
	nr_in = nr;
	flags_in = flags;
	__asm__ volatile(
		"mov %%rsp, saved_rsp(%%rip)\n\t"
		"mov %%rbx, saved_frame+0(%%rip)\n\t"
		"mov %%rbp, saved_frame+8(%%rip)\n\t"
		"mov %%r12, saved_frame+64(%%rip)\n\t"
		"mov %%r13, saved_frame+72(%%rip)\n\t"
		"mov %%r14, saved_frame+80(%%rip)\n\t"
		"mov %%r15, saved_frame+88(%%rip)\n\t"
		"lea %[in], %%rax\n\t"
		"mov 0(%%rax), %%rbx\n\t"
		"mov 8(%%rax), %%rbp\n\t"
		"mov 16(%%rax), %%rdx\n\t"
		"mov 24(%%rax), %%rsi\n\t"
		"mov 32(%%rax), %%rdi\n\t"
		"mov 40(%%rax), %%r8\n\t"
		"mov 48(%%rax), %%r9\n\t"
		"mov 56(%%rax), %%r10\n\t"
		"mov 64(%%rax), %%r12\n\t"
		"mov 72(%%rax), %%r13\n\t"
		"mov 80(%%rax), %%r14\n\t"
		"mov 88(%%rax), %%r15\n\t"
		"pushq %[flags]\n\t"
		"popfq\n\t"
		"mov %[nr], %%rax\n\t"
		"syscall\n\t"
		"2:\n\t"
		"pushfq\n\t"
		"cld\n\t"
		"mov %%rax, result+96(%%rip)\n\t"
		"popq %%rax\n\t"
		"mov %%rax, result+120(%%rip)\n\t"
		"pushq $0\n\t"
		"popfq\n\t"
		"mov %%rcx, result+104(%%rip)\n\t"
		"mov %%r11, result+112(%%rip)\n\t"
		"mov %%rbx, result+0(%%rip)\n\t"
		"mov %%rbp, result+8(%%rip)\n\t"
		"mov %%rdx, result+16(%%rip)\n\t"
		"mov %%rsi, result+24(%%rip)\n\t"
		"mov %%rdi, result+32(%%rip)\n\t"
		"mov %%r8, result+40(%%rip)\n\t"
		"mov %%r9, result+48(%%rip)\n\t"
		"mov %%r10, result+56(%%rip)\n\t"
		"mov %%r12, result+64(%%rip)\n\t"
		"mov %%r13, result+72(%%rip)\n\t"
		"mov %%r14, result+80(%%rip)\n\t"
		"mov %%r15, result+88(%%rip)\n\t"
		"mov saved_rsp(%%rip), %%rsp\n\t"
		"mov saved_frame+0(%%rip), %%rbx\n\t"
		"mov saved_frame+8(%%rip), %%rbp\n\t"
		"mov saved_frame+64(%%rip), %%r12\n\t"
		"mov saved_frame+72(%%rip), %%r13\n\t"
		"mov saved_frame+80(%%rip), %%r14\n\t"
		"mov saved_frame+88(%%rip), %%r15\n\t"
		"lea 2b(%%rip), %%rax\n\t"
		"mov %%rax, result+128(%%rip)\n\t"
		:
		: [in] "m"(in), [nr] "m"(nr_in), [flags] "m"(flags_in)
		: "rax", "rcx", "rdx", "rsi", "rdi", "r8", "r9", "r10", "r11", "memory", "cc");
}

static void report(const char *what, uint64_t nr, uint64_t a0, uint64_t a1, uint64_t flags)
{
	call(nr, a0, a1, flags);
	printf("%s flags=%#llx: ", what, (unsigned long long)flags);
	if (nr == SYS_getpid)
		printf("rax>0:%s", (int64_t)result.rax > 0 ? "yes" : "no"); /* the pid differs */
	else
		printf("rax=%lld", (long long)result.rax);
	for (int i = 0; i < NREGS; i++) {
		uint64_t want = 0x1111111111111111ULL * (uint64_t)(i + 1);
		if (i == RDI)
			want = a0;
		else if (i == RSI)
			want = a1;
		else if (i == RDX)
			want = 0;
		if (result.regs[i] != want)
			printf(" %s-changed", reg_names[i]);
	}
	printf(" rcx=return:%s r11=rflags:%s flags-kept:%s\n", result.rcx == result.return_address ? "yes" : "no",
	       result.r11 == result.rflags ? "yes" : "no",
	       (result.rflags & FLAGS_MASK) == (flags & FLAGS_MASK) ? "yes" : "no");
}

int main(void)
{
	const uint64_t settings[] = {0x202, 0x202 | 0x8d5 /* CF PF AF ZF SF OF */, 0x202 | 0x400 /* DF */,
				     0x202 | 0x40000 /* AC */, 0x202 | FLAGS_MASK};
	for (unsigned i = 0; i < sizeof(settings) / sizeof(settings[0]); i++) {
		report("getpid", SYS_getpid, 0, 0, settings[i]);
		report("kill0", SYS_kill, (uint64_t)getpid(), 0, settings[i]);
		report("enosys", 100000, 0, 0, settings[i]);
	}
	return 0;
}
