// SPDX-License-Identifier: Apache-2.0
// Guest probe for airlock only: a hostile program against the PVM gate's
// shared memory (the boxes and the gate code above the top of user space,
// vm/layout.h). Whatever it does there, the monitor must neither crash nor
// hang; the program itself may end any way.
//   gatefuzz scribble BOXES LEN   random words over every box from one
//                                 thread while the main thread makes calls
//   gatefuzz jump GATE OFFSET     random registers, then a jump into the gate
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

static uint64_t rng = 0x9e3779b97f4a7c15ULL;

static uint64_t next_random(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

static volatile int stop;
static volatile uint64_t *boxes;
static size_t box_words;

static void *scribbler(void *arg)
{
	(void)arg;
	uint64_t x = 0x243f6a8885a308d3ULL;
	while (!stop) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		/* Small values too: they are the box states the monitor acts on. */
		boxes[x % box_words] = (x >> 32) & 1 ? x : (x >> 40) % 5;
	}
	return NULL;
}

static double seconds(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int scribble(uint64_t base, uint64_t len)
{
	boxes = (volatile uint64_t *)(uintptr_t)base;
	box_words = len / 8;
	pthread_t thread;
	if (pthread_create(&thread, NULL, scribbler, NULL))
		return 2;
	double end = seconds() + 0.5;
	while (seconds() < end) {
		syscall(SYS_getppid);
		syscall(SYS_write, 1, "", 0);
		syscall(SYS_close, 1000);
	}
	stop = 1;
	pthread_join(thread, NULL);
	return 0;
}

static int jump(uint64_t gate, uint64_t offset)
{
	uint64_t target = gate + offset;
	rng ^= offset * 0x2545f4914f6cdd1dULL;
	uint64_t r[6];
	for (int i = 0; i < 6; i++)
		r[i] = next_random();
	/* A call number it may serve, then registers no handler expects. */
	__asm__ volatile("mov %1, %%rdi\n\t"
			 "mov %2, %%rsi\n\t"
			 "mov %3, %%rdx\n\t"
			 "mov %4, %%r10\n\t"
			 "mov %5, %%r11\n\t"
			 "mov %6, %%rcx\n\t"
			 "mov $39, %%eax\n\t" /* getpid */
			 "jmp *%0\n\t"
			 :
			 : "r"(target), "m"(r[0]), "m"(r[1]), "m"(r[2]), "m"(r[3]), "m"(r[4]), "m"(r[5])
			 : "rax", "rcx", "rdx", "rsi", "rdi", "r10", "r11", "memory");
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 4 && !strcmp(argv[1], "scribble"))
		return scribble(strtoull(argv[2], NULL, 0), strtoull(argv[3], NULL, 0));
	if (argc == 4 && !strcmp(argv[1], "jump"))
		return jump(strtoull(argv[2], NULL, 0), strtoull(argv[3], NULL, 0));
	fprintf(stderr, "usage: gatefuzz scribble BOXES LEN | jump GATE OFFSET\n");
	return 2;
}
