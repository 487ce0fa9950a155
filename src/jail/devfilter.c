// SPDX-License-Identifier: Apache-2.0
// cgroup v2 device rules as eBPF (see devfilter.h).
#include "jail/devfilter.h"

#include <errno.h>
#include <linux/bpf.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

/* Registers: the context, then the fields of struct bpf_cgroup_dev_ctx as the program loads them. */
enum { R0, CTX, TYPE_ACCESS, TYPE, ACCESS, MAJOR, MINOR, SCRATCH };

static struct bpf_insn insn(uint8_t code, uint8_t dst, uint8_t src, int16_t off, int32_t imm)
{
	return (struct bpf_insn){.code = code, .dst_reg = dst, .src_reg = src, .off = off, .imm = imm};
}

static struct bpf_insn load_u32(uint8_t dst, int16_t offset)
{
	return insn(BPF_LDX | BPF_W | BPF_MEM, dst, CTX, offset, 0);
}

static struct bpf_insn alu_k(uint8_t op, uint8_t dst, int32_t imm)
{
	return insn(BPF_ALU64 | op | BPF_K, dst, 0, 0, imm);
}

static struct bpf_insn mov_x(uint8_t dst, uint8_t src)
{
	return insn(BPF_ALU64 | BPF_MOV | BPF_X, dst, src, 0, 0);
}

/* A jump to the end of the rule's block; its offset is set once the block's length is known. */
static struct bpf_insn skip_unless(uint8_t op, uint8_t reg, int32_t imm)
{
	return insn(BPF_JMP | op | BPF_K, reg, 0, 0, imm);
}

static int32_t access_bits(const char *access)
{
	int32_t bits = 0;
	for (const char *c = access; *c; c++)
		bits |= *c == 'r' ? BPF_DEVCG_ACC_READ : *c == 'w' ? BPF_DEVCG_ACC_WRITE : *c == 'm' ? BPF_DEVCG_ACC_MKNOD : 0;
	return bits;
}

/* The instructions of one rule into out (room for 8): their count. */
static size_t rule_block(const struct cgroup_device_rule *r, struct bpf_insn *out)
{
	size_t n = 0;
	if (r->type != 'a')
		out[n++] = skip_unless(BPF_JNE, TYPE, r->type == 'b' ? BPF_DEVCG_DEV_BLOCK : BPF_DEVCG_DEV_CHAR);
	if (r->type != 'a' && r->major >= 0)
		out[n++] = skip_unless(BPF_JNE, MAJOR, (int32_t)r->major);
	if (r->type != 'a' && r->minor >= 0)
		out[n++] = skip_unless(BPF_JNE, MINOR, (int32_t)r->minor);
	int32_t bits = r->type == 'a' ? 7 : access_bits(r->access);
	out[n++] = mov_x(SCRATCH, ACCESS);
	if (r->allow) { /* covers the access if nothing asked is outside it */
		out[n++] = alu_k(BPF_AND, SCRATCH, ~bits & 7);
		out[n++] = skip_unless(BPF_JNE, SCRATCH, 0);
	} else { /* covers it if anything asked is inside it */
		out[n++] = alu_k(BPF_AND, SCRATCH, bits);
		out[n++] = skip_unless(BPF_JEQ, SCRATCH, 0);
	}
	out[n++] = alu_k(BPF_MOV, R0, r->allow ? 1 : 0);
	out[n++] = insn(BPF_JMP | BPF_EXIT, 0, 0, 0, 0);
	for (size_t i = 0; i < n; i++)
		if (BPF_CLASS(out[i].code) == BPF_JMP && BPF_OP(out[i].code) != BPF_EXIT)
			out[i].off = (int16_t)(n - i - 1);
	return n;
}

int devfilter_attach(int cgroup_dir, const struct cgroup_device_rule *rules, size_t n)
{
	const size_t prologue = 7, per_rule = 8, epilogue = 2;
	if (n > 4096)
		return -E2BIG;
	struct bpf_insn *prog = calloc(prologue + n * per_rule + epilogue, sizeof(*prog));
	if (!prog)
		return -ENOMEM;
	size_t len = 0;
	prog[len++] = load_u32(TYPE_ACCESS, offsetof(struct bpf_cgroup_dev_ctx, access_type));
	prog[len++] = mov_x(TYPE, TYPE_ACCESS);
	prog[len++] = alu_k(BPF_AND, TYPE, 0xffff);
	prog[len++] = mov_x(ACCESS, TYPE_ACCESS);
	prog[len++] = alu_k(BPF_RSH, ACCESS, 16);
	prog[len++] = load_u32(MAJOR, offsetof(struct bpf_cgroup_dev_ctx, major));
	prog[len++] = load_u32(MINOR, offsetof(struct bpf_cgroup_dev_ctx, minor));
	/* The last rule first: the first block that covers the access decides. */
	for (size_t i = n; i-- > 0;)
		len += rule_block(&rules[i], prog + len);
	prog[len++] = alu_k(BPF_MOV, R0, 1);
	prog[len++] = insn(BPF_JMP | BPF_EXIT, 0, 0, 0, 0);

	union bpf_attr load;
	memset(&load, 0, sizeof(load));
	load.prog_type = BPF_PROG_TYPE_CGROUP_DEVICE;
	load.insns = (uint64_t)(uintptr_t)prog;
	load.insn_cnt = (uint32_t)len;
	load.license = (uint64_t)(uintptr_t) "Apache-2.0";
	int fd = (int)syscall(SYS_bpf, BPF_PROG_LOAD, &load, sizeof(load));
	int err = fd < 0 ? -errno : 0;
	free(prog);
	if (err)
		return err;
	union bpf_attr attach;
	memset(&attach, 0, sizeof(attach));
	attach.target_fd = (uint32_t)cgroup_dir;
	attach.attach_bpf_fd = (uint32_t)fd;
	attach.attach_type = BPF_CGROUP_DEVICE;
	attach.attach_flags = BPF_F_ALLOW_MULTI;
	/* The cgroup keeps the program while attached; it goes with the cgroup. */
	err = syscall(SYS_bpf, BPF_PROG_ATTACH, &attach, sizeof(attach)) < 0 ? -errno : 0;
	close(fd);
	return err;
}
