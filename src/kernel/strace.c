// SPDX-License-Identifier: Apache-2.0
// The guest system-call tracer. Arguments are decoded from the format letters
// of syscall_list.h; guest memory is read through gmem like any other access,
// so tracing a call with wild pointers is as safe as serving it.
#include "kernel/strace.h"

#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <sys/mman.h>

#define SHOWN_BYTES 32

struct flag_name {
	uint64_t bit;
	const char *name;
};

static const struct flag_name open_flags[] = {
	{O_WRONLY, "O_WRONLY"}, {O_RDWR, "O_RDWR"}, {O_CREAT, "O_CREAT"}, {O_EXCL, "O_EXCL"},
	{O_NOCTTY, "O_NOCTTY"}, {O_TRUNC, "O_TRUNC"}, {O_APPEND, "O_APPEND"},
	{O_NONBLOCK, "O_NONBLOCK"}, {O_DIRECTORY, "O_DIRECTORY"}, {O_NOFOLLOW, "O_NOFOLLOW"},
	{O_CLOEXEC, "O_CLOEXEC"}, {O_PATH, "O_PATH"}, {O_LARGEFILE, "O_LARGEFILE"}, {0, NULL},
};
static const struct flag_name prot_flags[] = {
	{PROT_READ, "PROT_READ"}, {PROT_WRITE, "PROT_WRITE"}, {PROT_EXEC, "PROT_EXEC"}, {0, NULL},
};
static const struct flag_name map_flags[] = {
	{MAP_SHARED, "MAP_SHARED"}, {MAP_PRIVATE, "MAP_PRIVATE"}, {MAP_FIXED, "MAP_FIXED"},
	{MAP_ANONYMOUS, "MAP_ANONYMOUS"}, {MAP_NORESERVE, "MAP_NORESERVE"},
	{MAP_STACK, "MAP_STACK"}, {MAP_POPULATE, "MAP_POPULATE"},
	{MAP_FIXED_NOREPLACE, "MAP_FIXED_NOREPLACE"}, {MAP_DENYWRITE, "MAP_DENYWRITE"}, {0, NULL},
};

static void print_flags(FILE *out, uint64_t value, const struct flag_name *names, const char *zero)
{
	bool any = false;
	if (zero) {
		fputs(zero, out);
		any = true;
	}
	for (; names->name; names++) {
		if ((value & names->bit) == names->bit) {
			fprintf(out, "%s%s", any ? "|" : "", names->name);
			value &= ~names->bit;
			any = true;
		}
	}
	if (value || !any)
		fprintf(out, "%s%#llx", any ? "|" : "", (unsigned long long)value);
}

static void print_escaped(FILE *out, const unsigned char *s, size_t n)
{
	fputc('"', out);
	for (size_t i = 0; i < n; i++) {
		unsigned char c = s[i];
		if (c == '"' || c == '\\')
			fprintf(out, "\\%c", c);
		else if (c == '\n')
			fputs("\\n", out);
		else if (c == '\t')
			fputs("\\t", out);
		else if (c >= 32 && c < 127)
			fputc(c, out);
		else
			fprintf(out, "\\%o", c);
	}
	fputc('"', out);
}

static void print_pointer(FILE *out, uint64_t p)
{
	if (p)
		fprintf(out, "%#llx", (unsigned long long)p);
	else
		fputs("NULL", out);
}

static void print_buffer(struct guest *g, FILE *out, uint64_t gva, long len)
{
	unsigned char bytes[SHOWN_BYTES];
	size_t n = len < 0 ? 0 : (size_t)len;
	size_t shown = n < SHOWN_BYTES ? n : SHOWN_BYTES;
	if (gmem_copy_in(&g->mm, bytes, gva, shown)) {
		print_pointer(out, gva);
		return;
	}
	print_escaped(out, bytes, shown);
	if (shown < n)
		fputs("...", out);
}

static void print_string(struct guest *g, FILE *out, uint64_t gva)
{
	char s[256];
	long n = gmem_string_in(&g->mm, s, gva, sizeof(s));
	if (n == -EFAULT) {
		print_pointer(out, gva);
		return;
	}
	print_escaped(out, (unsigned char *)s, n < 0 ? sizeof(s) - 1 : (size_t)n);
	if (n < 0)
		fputs("...", out);
}

static void print_arg(struct guest *g, FILE *out, char format, const uint64_t *args, int i, long ret,
		      bool returned)
{
	uint64_t v = args[i];
	switch (format) {
	case 'd': case 'f': fprintf(out, "%d", (int)v); break;
	case 'u': fprintf(out, "%llu", (unsigned long long)v); break;
	case 'x': fprintf(out, "%#llx", (unsigned long long)v); break;
	case 'm': fprintf(out, "%#llo", (unsigned long long)v); break;
	case 'p': print_pointer(out, v); break;
	case 'a':
		if ((int)v == AT_FDCWD)
			fputs("AT_FDCWD", out);
		else
			fprintf(out, "%d", (int)v);
		break;
	case 's': print_string(g, out, v); break;
	case 'i': print_buffer(g, out, v, (long)args[i + 1]); break;
	case 'o':
		if (returned && ret >= 0)
			print_buffer(g, out, v, ret);
		else
			print_pointer(out, v);
		break;
	case 'O': print_flags(out, v, open_flags,
			      (v & O_ACCMODE) == O_RDONLY ? "O_RDONLY" : NULL); break;
	case 'P': print_flags(out, v, prot_flags, v ? NULL : "PROT_NONE"); break;
	case 'M': print_flags(out, v, map_flags, NULL); break;
	case 'S': {
		const char *name = sigabbrev_np((int)v);
		if (name)
			fprintf(out, "SIG%s", name);
		else
			fprintf(out, "%d", (int)v);
		break;
	}
	default: fprintf(out, "%#llx", (unsigned long long)v); break;
	}
}

static void print_result(FILE *out, char format, long ret)
{
	if (ret < 0 && ret >= -4095) {
		const char *name = strerrorname_np((int)-ret);
		fprintf(out, " = -1 %s (%s)\n", name ? name : "E?", strerror((int)-ret));
	} else if (format == 'x') {
		fprintf(out, " = %#lx\n", ret);
	} else {
		fprintf(out, " = %ld\n", ret);
	}
}

void strace_call(struct guest *g, const struct syscall_desc *desc, const uint64_t *args, long ret,
		 bool returned)
{
	FILE *out = g->trace;
	fprintf(out, "%s(", desc->name);
	for (int i = 0; desc->args[i]; i++) {
		if (i)
			fputs(", ", out);
		print_arg(g, out, desc->args[i], args, i, ret, returned);
	}
	fputc(')', out);
	if (returned)
		print_result(out, desc->result, ret);
	else
		fputs(" = ?\n", out);
}

void strace_unimplemented(struct guest *g, uint64_t nr, const uint64_t *args)
{
	const char *name = nr < SYSCALL_COUNT && syscall_names[nr] ? syscall_names[nr] : NULL;
	if (nr < SYSCALL_COUNT && !(g->enosys_reported[nr / 8] & (1 << (nr % 8)))) {
		g->enosys_reported[nr / 8] |= (uint8_t)(1 << (nr % 8));
		if (name)
			fprintf(g->trace, "airlock: system call %s (%llu) is not implemented\n", name,
				(unsigned long long)nr);
		else
			fprintf(g->trace, "airlock: system call %llu is not implemented\n",
				(unsigned long long)nr);
	}
	if (name)
		fprintf(g->trace, "%s(", name);
	else
		fprintf(g->trace, "syscall_%llu(", (unsigned long long)nr);
	for (int i = 0; i < 6; i++)
		fprintf(g->trace, "%s%#llx", i ? ", " : "", (unsigned long long)args[i]);
	fputc(')', g->trace);
	print_result(g->trace, 'd', -ENOSYS);
}
