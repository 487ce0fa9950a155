// SPDX-License-Identifier: Apache-2.0
// Guest probe: what a hostile program tries against the machine it runs on,
// each attempt in a child of its own, reported as how the child ended, so
// that the run can be compared line by line with the same program run
// natively. Every attempt must fail as Linux fails it for an unprivileged
// process; none may take the probe (or the monitor) down with it.
// Arguments after the mode are ignored (tests add markers for pgrep).
//   hostile vectors      int N for every vector 0..255
//   hostile ports        in and out, byte and dword, over the port space
//   hostile privileged   ring-0 instructions, and iretq/sysret tricks
//   hostile syscalls     numbers no kernel has, with garbage registers
//   hostile sigreturn    signal frames forged in the handler, then returned through
//   hostile layout       writes to what lies above user space (page tables, GDT,
//                        IDT, the monitor's gate) and to the vDSO
//   hostile race         threads rewriting the iovecs, paths and lengths another
//                        thread's calls are reading (time of check, time of use);
//                        prints only whether every result was one Linux could give
#define _GNU_SOURCE /* REG_RIP and the other ucontext register names */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <ucontext.h>
#include <unistd.h>

/* Runs attempt(arg) in a child and prints "name: how it ended". */
static void attempt(const char *name, void (*fn)(uintptr_t), uintptr_t arg)
{
	fflush(stdout);
	pid_t pid = fork();
	if (pid == 0) {
		alarm(10); /* an attempt that hangs the guest shows as SIGALRM, not as a stuck test */
		fn(arg);
		_exit(0);
	}
	int status;
	if (pid < 0 || waitpid(pid, &status, 0) != pid) {
		printf("%s: fork or wait failed\n", name);
		return;
	}
	if (WIFSIGNALED(status))
		printf("%s: %s\n", name, strsignal(WTERMSIG(status)));
	else
		printf("%s: exit %d\n", name, WEXITSTATUS(status));
}

/* ---- int N: one stub per vector, 11 bytes each: eax=1, ebx=0 (a 32-bit exit(0) for int 0x80), int N, ud2. */
extern const unsigned char int_stubs[];
__asm__(".text\n"
	".globl int_stubs\n"
	"int_stubs:\n"
	".set vector, 0\n"
	".rept 256\n"
	"  mov $1, %eax\n"
	"  xor %ebx, %ebx\n"
	"  .byte 0xcd, vector\n"
	"  ud2\n"
	"  .set vector, vector + 1\n"
	".endr\n");

static void int_vector(uintptr_t vector)
{
	((void (*)(void))(uintptr_t)(int_stubs + 11 * vector))();
}

static void vectors(void)
{
	for (unsigned v = 0; v < 256; v++) {
		char name[32];
		snprintf(name, sizeof(name), "int 0x%02x", v);
		attempt(name, int_vector, v);
	}
}

/* ---- I/O ports. */
static void in_byte(uintptr_t port)
{
	unsigned char v;
	__asm__ volatile("inb %w1, %0" : "=a"(v) : "Nd"((uint16_t)port));
}

static void out_byte(uintptr_t port)
{
	__asm__ volatile("outb %0, %w1" : : "a"((unsigned char)0xff), "Nd"((uint16_t)port));
}

static void in_dword(uintptr_t port)
{
	uint32_t v;
	__asm__ volatile("inl %w1, %0" : "=a"(v) : "Nd"((uint16_t)port));
}

static void out_dword(uintptr_t port)
{
	__asm__ volatile("outl %0, %w1" : : "a"(0xffffffffu), "Nd"((uint16_t)port));
}

static void ports(void)
{
	/* The devices a VMM might emulate (PIC, PIT, keyboard, CMOS, POST, serial, IDE, PCI config, QEMU's
	 * debug and fw_cfg ports), then a stride through the rest of the space. */
	static const uint16_t known[] = {0x20, 0x40, 0x60, 0x64, 0x70, 0x71, 0x80, 0x3f8, 0x2f8, 0x1f0,
					 0x402, 0x510, 0x511, 0x604, 0xcf8, 0xcfc, 0xffff};
	for (size_t i = 0; i < sizeof(known) / sizeof(known[0]) + 64; i++) {
		uint16_t port = i < sizeof(known) / sizeof(known[0]) ? known[i] : (uint16_t)((i - 17) * 0x401 + 3);
		char name[48];
		snprintf(name, sizeof(name), "inb 0x%04x", port);
		attempt(name, in_byte, port);
		snprintf(name, sizeof(name), "outb 0x%04x", port);
		attempt(name, out_byte, port);
		snprintf(name, sizeof(name), "inl 0x%04x", port);
		attempt(name, in_dword, port);
		snprintf(name, sizeof(name), "outl 0x%04x", port);
		attempt(name, out_dword, port);
	}
}

/* ---- Ring-0 instructions. */
static struct __attribute__((packed)) {
	uint16_t limit;
	uint64_t base;
} table_register = {0xffff, 0};

#define INSTRUCTION(fn, text, ...) \
	static void fn(uintptr_t unused) \
	{ \
		(void)unused; \
		__asm__ volatile(text __VA_ARGS__); \
	}
INSTRUCTION(do_hlt, "hlt")
INSTRUCTION(do_cli, "cli")
INSTRUCTION(do_sti, "sti")
INSTRUCTION(do_lgdt, "lgdt %0", : : "m"(table_register))
INSTRUCTION(do_lidt, "lidt %0", : : "m"(table_register))
INSTRUCTION(do_lldt, "lldt %w0", : : "r"(0))
INSTRUCTION(do_ltr, "ltr %w0", : : "r"(0x28))
INSTRUCTION(do_rdmsr, "rdmsr", : : "c"(0xc0000080) : "rax", "rdx")
INSTRUCTION(do_wrmsr, "wrmsr", : : "c"(0xc0000080), "a"(0), "d"(0))
INSTRUCTION(do_wrmsr_lstar, "wrmsr", : : "c"(0xc0000082), "a"(0x1000), "d"(0))
INSTRUCTION(do_read_cr0, "mov %%cr0, %%rax", : : : "rax")
INSTRUCTION(do_write_cr0, "mov %%rax, %%cr0", : : "a"(0))
INSTRUCTION(do_read_cr3, "mov %%cr3, %%rax", : : : "rax")
INSTRUCTION(do_write_cr3, "mov %%rax, %%cr3", : : "a"(0))
INSTRUCTION(do_write_cr4, "mov %%rax, %%cr4", : : "a"(0))
INSTRUCTION(do_write_cr8, "mov %%rax, %%cr8", : : "a"(0))
INSTRUCTION(do_write_dr7, "mov %%rax, %%db7", : : "a"(0x3ff))
INSTRUCTION(do_invlpg, "invlpg (%0)", : : "r"(0x400000))
INSTRUCTION(do_invd, "invd")
INSTRUCTION(do_wbinvd, "wbinvd")
INSTRUCTION(do_clts, "clts")
INSTRUCTION(do_lmsw, "lmsw %w0", : : "r"(0))
INSTRUCTION(do_swapgs, "swapgs")
INSTRUCTION(do_sysret, "sysretq")
INSTRUCTION(do_sysexit, "sysexitq")
INSTRUCTION(do_xsetbv, "xsetbv", : : "c"(0), "a"(1), "d"(0))
INSTRUCTION(do_vmcall, "vmcall")
INSTRUCTION(do_vmmcall, "vmmcall")
INSTRUCTION(do_insb, "insb", : : "D"(&table_register), "d"(0x3f8) : "memory")
INSTRUCTION(do_outsb, "outsb", : : "S"(&table_register), "d"(0x3f8))
INSTRUCTION(do_int1, ".byte 0xf1")

/* iretq into ring 0: a frame with the kernel's code selector (0x10) and its own stack. */
static void do_iretq_ring0(uintptr_t unused)
{
	(void)unused;
	__asm__ volatile("mov %%rsp, %%rax\n"
			 "push $0x18\n" /* ss */
			 "push %%rax\n" /* rsp */
			 "pushfq\n"
			 "push $0x10\n" /* cs: ring 0 */
			 "lea 1f(%%rip), %%rax\n"
			 "push %%rax\n"
			 "iretq\n"
			 "1:\n"
			 :
			 :
			 : "rax", "memory");
}

/* iretq with IOPL 3 asked for in the flags: ignored for ring 3, so the cli after it still faults. */
static void do_iretq_iopl(uintptr_t unused)
{
	(void)unused;
	__asm__ volatile("mov %%rsp, %%rax\n"
			 "mov %%ss, %%rcx\n"
			 "push %%rcx\n"
			 "push %%rax\n"
			 "pushfq\n"
			 "orq $0x3000, (%%rsp)\n"
			 "mov %%cs, %%rcx\n"
			 "push %%rcx\n"
			 "lea 1f(%%rip), %%rax\n"
			 "push %%rax\n"
			 "iretq\n"
			 "1: cli\n"
			 :
			 :
			 : "rax", "rcx", "memory");
}

static void privileged(void)
{
	static const struct {
		const char *name;
		void (*fn)(uintptr_t);
	} list[] = {
		{"hlt", do_hlt}, {"cli", do_cli}, {"sti", do_sti}, {"lgdt", do_lgdt}, {"lidt", do_lidt},
		{"lldt", do_lldt}, {"ltr", do_ltr}, {"rdmsr EFER", do_rdmsr}, {"wrmsr EFER", do_wrmsr},
		{"wrmsr LSTAR", do_wrmsr_lstar}, {"mov cr0 to rax", do_read_cr0}, {"mov rax to cr0", do_write_cr0},
		{"mov cr3 to rax", do_read_cr3}, {"mov rax to cr3", do_write_cr3}, {"mov rax to cr4", do_write_cr4},
		{"mov rax to cr8", do_write_cr8}, {"mov rax to dr7", do_write_dr7}, {"invlpg", do_invlpg},
		{"invd", do_invd}, {"wbinvd", do_wbinvd}, {"clts", do_clts}, {"lmsw", do_lmsw},
		{"swapgs", do_swapgs}, {"sysretq", do_sysret}, {"sysexit", do_sysexit}, {"xsetbv", do_xsetbv},
		{"vmcall", do_vmcall}, {"vmmcall", do_vmmcall}, {"insb", do_insb}, {"outsb", do_outsb},
		{"int1 (icebp)", do_int1}, {"iretq to ring 0", do_iretq_ring0}, {"iretq asking IOPL 3, then cli", do_iretq_iopl},
	};
	for (size_t i = 0; i < sizeof(list) / sizeof(list[0]); i++)
		attempt(list[i].name, list[i].fn, 0);
}

/* ---- System call numbers no kernel has, every argument register garbage. */
static void bad_syscall(uintptr_t nr)
{
	long ret;
	register long r10 __asm__("r10") = (long)0xdeadbeefcafef00dULL;
	register long r8 __asm__("r8") = -1;
	register long r9 __asm__("r9") = (long)0x8000000000000000ULL;
	__asm__ volatile("syscall"
			 : "=a"(ret)
			 : "a"(nr), "D"(0xffffffffffffffffULL), "S"(0xffff800000000000ULL), "d"(1UL << 47), "r"(r10),
			   "r"(r8), "r"(r9)
			 : "rcx", "r11", "memory");
	_exit(ret == -38 ? 38 : 1); /* ENOSYS, as it must be */
}

static void syscalls(void)
{
	static const uint64_t numbers[] = {512, 547, 1000, 0x7fffffff, 0xffffffff, 0x40000200, 0x40001000,
					   0x80000000, 0xffffffffffffffffULL, 0x8000000000000000ULL};
	for (size_t i = 0; i < sizeof(numbers) / sizeof(numbers[0]); i++) {
		char name[48];
		snprintf(name, sizeof(name), "syscall 0x%llx", (unsigned long long)numbers[i]);
		attempt(name, bad_syscall, (uintptr_t)numbers[i]);
	}
}

/* ---- Forged signal frames: the handler rewrites what rt_sigreturn restores. */
static int forgery;

static void forge(int sig, siginfo_t *info, void *context)
{
	(void)sig;
	(void)info;
	ucontext_t *uc = context;
	greg_t *r = uc->uc_mcontext.gregs;
	switch (forgery) {
	case 0: r[REG_RIP] = (greg_t)0x8000000000000000ULL; break; /* non-canonical */
	case 1: r[REG_RIP] = (greg_t)0xffffffff81000000ULL; break; /* the kernel half */
	case 2: r[REG_CSGSFS] = (r[REG_CSGSFS] & ~0xffffLL) | 0x10; break; /* ring 0's code selector */
	case 3: r[REG_EFL] |= 0x3000; r[REG_RIP] = (greg_t)(uintptr_t)do_cli; break; /* IOPL 3, then cli */
	case 4: uc->uc_mcontext.fpregs = (fpregset_t)(uintptr_t)0xffff800000000000ULL; break;
	case 5: uc->uc_mcontext.fpregs = (fpregset_t)(uintptr_t)8; break; /* unmapped */
	case 6: r[REG_RSP] = (greg_t)0xffff800000001000ULL; break; /* a kernel stack */
	case 7: r[REG_EFL] |= 0x100; break; /* TF: a single step after the return */
	case 8: memset(&uc->uc_mcontext.gregs, 0xff, sizeof(uc->uc_mcontext.gregs)); break;
	}
}

static void sigreturn_forged(uintptr_t which)
{
	forgery = (int)which;
	struct sigaction sa = {.sa_sigaction = forge, .sa_flags = SA_SIGINFO};
	sigaction(SIGUSR1, &sa, NULL);
	raise(SIGUSR1);
	_exit(7); /* back where it was: the forgery was undone */
}

/* rt_sigreturn with no frame at all: the stack holds whatever it holds. */
static void sigreturn_bare(uintptr_t fill)
{
	unsigned long junk[256];
	memset(junk, (int)fill, sizeof(junk));
	__asm__ volatile("mov %0, %%rsp\nsyscall" : : "r"(junk + 8), "a"(SYS_rt_sigreturn) : "memory");
}

static void forged_frames(void)
{
	static const char *const names[] = {"non-canonical rip", "kernel-half rip", "ring-0 cs", "IOPL 3 then cli",
					    "kernel fpstate", "unmapped fpstate", "kernel-half rsp", "trap flag",
					    "every register 0xff"};
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		char name[64];
		snprintf(name, sizeof(name), "sigreturn: %s", names[i]);
		attempt(name, sigreturn_forged, i);
	}
	attempt("rt_sigreturn over zeros", sigreturn_bare, 0);
	attempt("rt_sigreturn over 0xff", sigreturn_bare, 0xff);
}

/* ---- Writes above user space, and to the vDSO. */
static void write_at(uintptr_t address)
{
	*(volatile uint64_t *)address = 0x9090909090909090ULL;
}

static void layout(void)
{
	/* The top of user space, the bottom and middle of the kernel half, where airlock keeps its page
	 * tables, GDT, IDT, TSS and gate code (vm/layout.h), and the top of the address space. */
	static const uint64_t addresses[] = {0x00007ffffffff000ULL, 0x0000800000000000ULL, 0xffff800000000000ULL,
					     0xffff888000000000ULL, 0xffffffff80000000ULL, 0xfffffffffffff000ULL};
	for (size_t i = 0; i < sizeof(addresses) / sizeof(addresses[0]); i++) {
		char name[48];
		snprintf(name, sizeof(name), "write 0x%016llx", (unsigned long long)addresses[i]);
		attempt(name, write_at, (uintptr_t)addresses[i]);
	}
	uintptr_t vdso = (uintptr_t)getauxval(AT_SYSINFO_EHDR);
	if (vdso)
		attempt("write the vDSO", write_at, vdso + 0x100);
}

/* ---- Races: one thread flips what the other's calls point at. */
static struct iovec race_iov[2];
static char race_path[64] = "/tmp";
static volatile int race_done;
static char race_buffer[64];

static void *flipper(void *unused)
{
	(void)unused;
	for (unsigned long i = 0; !race_done; i++) {
		race_iov[1].iov_len = i & 1 ? (size_t)1 << 40 : 8;
		race_iov[1].iov_base = i & 2 ? (void *)0xffff800000000000ULL : race_buffer;
		memcpy(race_path, i & 1 ? "/../../../../../../../../proc/self/root/tmp" : "/tmp\0", i & 1 ? 44 : 5);
		race_path[i % 63] ^= (char)(i & 4 ? 0x7f : 0); /* a byte changing under the copy */
	}
	return NULL;
}

static void races(void)
{
	race_iov[0] = (struct iovec){race_buffer, 8};
	int fd = open("/tmp/race", O_WRONLY | O_CREAT | O_TRUNC, 0600);
	pthread_t thread;
	pthread_create(&thread, NULL, flipper, NULL);
	int odd = 0;
	for (int i = 0; i < 20000; i++) {
		/* Linux writes up to the first bad byte (a count, maybe short) or fails with EFAULT or EINVAL;
		 * at offset 0 each time, so a file is all it ever fills. */
		ssize_t n = pwritev(fd, race_iov, 2, 0);
		if (n < 0 && errno != EFAULT && errno != EINVAL && !odd++)
			printf("pwritev: %s\n", strerror(errno));
		struct stat st;
		int r = stat(race_path, &st);
		if (r < 0 && errno != ENOENT && errno != EFAULT && errno != ENAMETOOLONG && errno != ENOTDIR && !odd++)
			printf("stat: %s\n", strerror(errno));
	}
	race_done = 1;
	pthread_join(thread, NULL);
	close(fd);
	unlink("/tmp/race");
	printf("race: %s\n", odd ? "a result Linux would not give" : "every result one Linux could give");
}

int main(int argc, char **argv)
{
	static const struct {
		const char *name;
		void (*run)(void);
	} modes[] = {{"vectors", vectors}, {"ports", ports},         {"privileged", privileged},
		     {"syscalls", syscalls}, {"sigreturn", forged_frames}, {"layout", layout},
		     {"race", races}};
	for (size_t i = 0; argc >= 2 && i < sizeof(modes) / sizeof(modes[0]); i++) {
		if (!strcmp(argv[1], modes[i].name)) {
			modes[i].run();
			printf("survived\n");
			return 0;
		}
	}
	fprintf(stderr, "usage: hostile vectors|ports|privileged|syscalls|sigreturn|layout|race\n");
	return 2;
}
