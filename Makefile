# SPDX-License-Identifier: Apache-2.0
# airlock build: `make` builds build/airlock, `make check` runs every test
# (plain and ASan+UBSan builds), `make bench` prints the side-by-side numbers.

CC ?= gcc
BUILD ?= build
CFLAGS_BASE := -std=gnu11 -D_GNU_SOURCE -Wall -Wextra -Werror -Wshadow -Wno-missing-field-initializers \
	-Isrc -I$(BUILD)/gen -MMD -MP
CFLAGS ?= -O2 -g
SANITIZE ?=
# FUZZ=1: objects instrumented for libFuzzer (clang), for `make fuzz`.
ifneq ($(FUZZ),)
CFLAGS += -fsanitize=fuzzer-no-link
endif
ifneq ($(SANITIZE),)
CFLAGS += -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
LDFLAGS += -fsanitize=address,undefined
endif

# Libraries from Debian packages (scripts/install-deps.sh): json-c for config.json and state,
# libseccomp for the monitor's own system-call allowlist.
LDLIBS := -ljson-c -larchive -lcrypto -lcurl -lnftables

# The allowlist's rules are compiled into BPF at build time (tools/seccomp-gen.c), not linked.
SRCS := $(filter-out src/jail/seccomp_rules.c,$(sort $(wildcard src/*/*.c)))
ASMS := $(sort $(wildcard src/*/*.S))
OBJS := $(SRCS:%.c=$(BUILD)/%.o) $(ASMS:%.S=$(BUILD)/%.o) $(BUILD)/gen/syscall_names.o $(BUILD)/gen/seccomp_bpf.o \
	$(BUILD)/gen/vdso_image.o
# Everything but the CLI, linked into unit tests as well.
LIB_OBJS := $(filter-out $(BUILD)/src/cli/%,$(OBJS))

UNIT_SRCS := $(wildcard tests/unit/*.c)
UNIT_BINS := $(UNIT_SRCS:tests/unit/%.c=$(BUILD)/tests/unit/%)
GUEST_SRCS := $(wildcard tests/guest/*.c)
# Probes also built against musl, dynamically: its loader and libc are a second ABI user.
MUSL_PROBES := abi sysregs
GUEST_BINS := $(GUEST_SRCS:tests/guest/%.c=$(BUILD)/tests/guest/%) \
	$(GUEST_SRCS:tests/guest/%.c=$(BUILD)/tests/guest/%-pie) \
	$(GUEST_SRCS:tests/guest/%.c=$(BUILD)/tests/guest/%-dyn) \
	$(MUSL_PROBES:%=$(BUILD)/tests/guest/%-musl)
UNISTD := $(firstword $(wildcard /usr/include/x86_64-linux-gnu/asm/unistd_64.h /usr/include/asm/unistd_64.h))

.PHONY: all deps demo check check-clang check-plain check-asan fuzz unit bench fixtures clean
all: $(BUILD)/airlock

$(BUILD)/airlock: $(OBJS)
	@echo "  LINK $@"
	@$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(BUILD)/%.o: %.c | $(BUILD)/gen/syscall_names.c
	@mkdir -p $(dir $@)
	@echo "  CC  $<"
	@$(CC) $(CFLAGS_BASE) $(CFLAGS) -c -o $@ $<

$(BUILD)/%.o: %.S
	@mkdir -p $(dir $@)
	@echo "  AS  $<"
	@$(CC) $(CFLAGS_BASE) -c -o $@ $<

# The name of every x86-64 system call, for --strace, from the kernel headers.
$(BUILD)/gen/syscall_names.c: $(UNISTD) Makefile
	@mkdir -p $(dir $@)
	@echo "  GEN $@"
	@{ echo '// Generated from $(UNISTD); do not edit.'; \
	  echo '#include "kernel/syscall.h"'; \
	  echo 'const char *const syscall_names[SYSCALL_COUNT] = {'; \
	  awk '/^#define __NR_/ { sub("__NR_", "", $$2); printf "\t[%s] = \"%s\",\n", $$3, $$2 }' $<; \
	  echo '};'; } > $@

# The guest's vDSO: a freestanding shared object, embedded with .incbin.
$(BUILD)/gen/vdso.so: src/guest/vdso/vdso.c src/guest/vdso/vdso.map src/guest/vdso/vdso.lds src/guest/vdso/vvar.h
	@mkdir -p $(dir $@)
	@echo "  VDSO $@"
	@$(CC) -std=gnu11 -O2 -Isrc -ffreestanding -fPIC -fno-stack-protector -fno-asynchronous-unwind-tables -nostdlib -shared \
		-Wall -Wextra -Werror -Wl,-soname=linux-vdso.so.1 -Wl,--hash-style=both -Wl,--build-id=none \
		-Wl,--version-script=src/guest/vdso/vdso.map -Wl,-T,src/guest/vdso/vdso.lds -Wl,-z,max-page-size=4096 \
		-o $@ $<

$(BUILD)/gen/vdso_image.o: $(BUILD)/gen/vdso.so
	@echo "  AS  $@"
	@printf '\t.section .rodata\n\t.globl vdso_image, vdso_image_end\n\t.balign 4096\nvdso_image:\n\t.incbin "%s"\nvdso_image_end:\n\t.section .note.GNU-stack,"",@progbits\n' $< \
		| $(CC) -c -x assembler -o $@ -

# The monitor's seccomp allowlist as BPF, built once here rather than by libseccomp at every start.
$(BUILD)/gen/seccomp-gen: tools/seccomp-gen.c src/jail/seccomp_rules.c src/jail/seccomp_rules.h
	@mkdir -p $(dir $@)
	@echo "  GEN $@"
	@$(CC) $(CFLAGS_BASE) -O2 -o $@ tools/seccomp-gen.c src/jail/seccomp_rules.c -lseccomp

$(BUILD)/gen/seccomp_bpf.c: $(BUILD)/gen/seccomp-gen
	@echo "  GEN $@"
	@$< > $@.tmp && mv $@.tmp $@

$(BUILD)/gen/seccomp_bpf.o: $(BUILD)/gen/seccomp_bpf.c
	@echo "  CC  $<"
	@$(CC) $(CFLAGS_BASE) $(CFLAGS) -c -o $@ $<

$(BUILD)/gen/syscall_names.o: $(BUILD)/gen/syscall_names.c
	@echo "  CC  $<"
	@$(CC) $(CFLAGS_BASE) $(CFLAGS) -c -o $@ $<

$(BUILD)/tests/unit/%: tests/unit/%.c $(LIB_OBJS)
	@mkdir -p $(dir $@)
	@echo "  UNIT $@"
	@$(CC) $(CFLAGS_BASE) $(CFLAGS) $(LDFLAGS) -o $@ $^ $(LDLIBS)

# Probe programs run inside the guest: static, static-PIE (NAME-pie) and
# dynamic (NAME-dyn: glibc's ld.so and libc.so.6, run in the Debian rootfs).
$(BUILD)/tests/guest/%-dyn: tests/guest/%.c $(wildcard tests/guest/*.h)
	@mkdir -p $(dir $@)
	@echo "  PROBE $@"
	@gcc -O1 -Wall -o $@ $<

# musl's headers lack the kernel's; these links add only linux/ and asm/.
$(BUILD)/musl-include:
	@mkdir -p $@
	@ln -sfn /usr/include/linux $@/linux
	@ln -sfn /usr/include/asm-generic $@/asm-generic
	@ln -sfn /usr/include/x86_64-linux-gnu/asm $@/asm

$(BUILD)/tests/guest/%-musl: tests/guest/%.c $(wildcard tests/guest/*.h) | $(BUILD)/musl-include
	@mkdir -p $(dir $@)
	@echo "  PROBE $@"
	@musl-gcc -O1 -Wall -idirafter $(BUILD)/musl-include -o $@ $< -lpthread

$(BUILD)/tests/guest/%-pie: tests/guest/%.c $(wildcard tests/guest/*.h)
	@mkdir -p $(dir $@)
	@echo "  PROBE $@"
	@gcc -static-pie -fPIE -O1 -Wall -o $@ $<

$(BUILD)/tests/guest/%: tests/guest/%.c $(wildcard tests/guest/*.h)
	@mkdir -p $(dir $@)
	@echo "  PROBE $@"
	@gcc -static -O1 -Wall -o $@ $<

deps:
	bash scripts/install-deps.sh

# The README's first command: from a fresh Debian 12 to a program in a microVM,
# from the demo image (busybox-static), with no registry.
demo: deps
	$(MAKE) all
	bash scripts/demo-image.sh build/demo.tar
	$(BUILD)/airlock load -i build/demo.tar
	$(BUILD)/airlock run demo echo hello from a microVM

fixtures: $(GUEST_BINS)
	bash tests/fixtures/busybox-rootfs.sh build/fixtures/busybox
	bash tests/fixtures/debian-rootfs.sh build/fixtures/debian

unit: $(UNIT_BINS)

# Every test file runs through tests/lib/run-test: its own session, a time
# limit, and no process left behind.
PROVE = prove --exec 'perl $(abspath tests/lib/run-test)' -r tests/

# The test command (README, .ci/run): both builds, every test, through prove,
# after checking that clang builds warning-free too.
check: check-clang check-plain check-asan fuzz

# The system-call layer under libFuzzer (tests/fuzz/syscalls.c), FUZZ_SECONDS
# long; the corpus grows in build/fuzz/corpus, a crash is left there as
# build/fuzz/crash-* and fails the target.
FUZZ_SECONDS ?= 60
fuzz:
	$(MAKE) BUILD=build/fuzz CC=clang SANITIZE=1 FUZZ=1 build/fuzz/fuzz-syscalls
	mkdir -p build/fuzz/corpus
	cd build/fuzz && ASAN_OPTIONS=detect_leaks=0 ./fuzz-syscalls -max_total_time=$(FUZZ_SECONDS) -timeout=10 \
		-rss_limit_mb=4096 -print_final_stats=1 -artifact_prefix=$(abspath build/fuzz)/ $(abspath build/fuzz/corpus)

$(BUILD)/fuzz-syscalls: tests/fuzz/syscalls.c $(LIB_OBJS)
	@echo "  FUZZ $@"
	@$(CC) $(CFLAGS_BASE) $(CFLAGS) -fsanitize=fuzzer $(LDFLAGS) -o $@ $^ $(LDLIBS)

check-clang:
	$(MAKE) BUILD=build/clang CC=clang all

check-plain: all unit fixtures
	AIRLOCK=$(abspath $(BUILD)/airlock) UNIT_DIR=$(abspath $(BUILD)/tests/unit) $(PROVE)

# Under ASan each monitor carries its shadow memory: limits.t's crowd of
# simultaneous containers is 200 there (1000 in the plain run).
check-asan:
	$(MAKE) BUILD=build/asan SANITIZE=1 all unit
	$(MAKE) fixtures
	ASAN_OPTIONS=detect_leaks=0:abort_on_error=1 AIRLOCK_TEST_CROWD=200 \
	AIRLOCK=$(abspath build/asan/airlock) UNIT_DIR=$(abspath build/asan/tests/unit) $(PROVE)

bench: all fixtures
	bash bench/install-peers.sh
	bash bench/run.sh
	bash bench/images.sh
	bash bench/network.sh

clean:
	rm -rf build

-include $(OBJS:.o=.d) $(UNIT_BINS:=.d)
