// SPDX-License-Identifier: Apache-2.0
// The clocks behind the guest's vDSO. The guest computes
// base + (tsc - tsc_base) * mult >> shift; the monitor re-reads the host's
// clocks every half second and chooses the next half second's rate so that
// the guest's monotonic clock meets the host's again by then, never
// stepping it back. The rate stays within 500 ppm of the TSC's nominal
// rate, as NTP slews a kernel's; only a gap of more than a millisecond (a
// stalled monitor) is stepped forward.
#include "kernel/vclock.h"

#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>

#include "guest/vdso/vvar.h"
#include "vm/layout.h"

#define SHIFT 32
#define PERIOD_NS 500000000ULL
#define MAX_SLEW_PPM 500
#define STEP_NS 1000000LL

_Static_assert(SYS_VVAR == VVAR_VA, "the vDSO reads its data page where the monitor maps it");

static struct vvar *vv;
static uint64_t nominal_mult, period_ticks;
/*
 * Each clock's distance from CLOCK_MONOTONIC. The host's moves only when
 * its clock is set (or the machine sleeps); a fresh sample also carries the
 * few tens of nanoseconds between the two reads, which would step the
 * guest's REALTIME back at a resync about half the time. A sample replaces
 * the distance only when it differs by more than STEP_NS.
 */
static int64_t offset_ns[VVAR_CLOCKS];
static bool have_offsets;

static uint64_t rdtsc(void)
{
	uint32_t lo, hi;
	__asm__ volatile("lfence; rdtsc" : "=a"(lo), "=d"(hi));
	return (uint64_t)hi << 32 | lo;
}

static uint64_t ns_of(clockid_t clock)
{
	struct timespec ts;
	clock_gettime(clock, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

/* The host's clocks at one TSC reading (the middle of the reads). */
static uint64_t sample(uint64_t host[VVAR_CLOCKS])
{
	uint64_t before = rdtsc();
	host[VVAR_MONOTONIC] = ns_of(CLOCK_MONOTONIC);
	host[VVAR_REALTIME] = ns_of(CLOCK_REALTIME);
	host[VVAR_BOOTTIME] = ns_of(CLOCK_BOOTTIME);
	return before + (rdtsc() - before) / 2;
}

int vclock_gettime(clockid_t clock, struct timespec *ts)
{
	int which = vvar_clock_of(clock);
	uint64_t ns;
	if (which < 0 || !vv || !vvar_read(vv, which, &ns))
		return clock_gettime(clock, ts);
	ts->tv_sec = (time_t)(ns / 1000000000ULL);
	ts->tv_nsec = (long)(ns % 1000000000ULL);
	return 0;
}

/* Writes new parameters under the seqlock: readers retry while seq is odd. */
static void publish(uint64_t tsc, uint64_t monotonic, const uint64_t host[VVAR_CLOCKS], uint64_t mult)
{
	__atomic_store_n(&vv->seq, vv->seq + 1, __ATOMIC_RELAXED);
	__atomic_thread_fence(__ATOMIC_RELEASE);
	vv->tsc_base = tsc;
	vv->mult = mult;
	vv->shift = SHIFT;
	for (int c = 0; c < VVAR_CLOCKS; c++) {
		int64_t sampled = (int64_t)(host[c] - host[VVAR_MONOTONIC]);
		if (!have_offsets || sampled - offset_ns[c] > STEP_NS || offset_ns[c] - sampled > STEP_NS)
			offset_ns[c] = sampled;
		vv->base_ns[c] = monotonic + (uint64_t)offset_ns[c];
	}
	have_offsets = true;
	vv->mode = VVAR_TSC;
	__atomic_thread_fence(__ATOMIC_RELEASE);
	__atomic_store_n(&vv->seq, vv->seq + 1, __ATOMIC_RELAXED);
}

static void resync(void)
{
	uint64_t host[VVAR_CLOCKS];
	uint64_t tsc = sample(host);
	uint64_t guest = vvar_at(vv, VVAR_MONOTONIC, tsc); /* this thread is the only writer */
	int64_t behind = (int64_t)(host[VVAR_MONOTONIC] - guest);
	if (behind > STEP_NS) {
		publish(tsc, host[VVAR_MONOTONIC], host, nominal_mult);
		return;
	}
	/* The rate that meets the host one period from now, within the slew limit. */
	int64_t span = (int64_t)PERIOD_NS + behind;
	uint64_t lo = nominal_mult - nominal_mult / 1000000 * MAX_SLEW_PPM;
	uint64_t hi = nominal_mult + nominal_mult / 1000000 * MAX_SLEW_PPM;
	uint64_t mult = span <= 0 ? lo : (uint64_t)(((unsigned __int128)span << SHIFT) / period_ticks);
	publish(tsc, guest, host, mult < lo ? lo : mult > hi ? hi : mult);
}

static void *keep_in_step(void *arg)
{
	(void)arg;
	sigset_t all;
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, NULL);
	const struct timespec period = {0, (long)PERIOD_NS};
	for (;;) {
		clock_nanosleep(CLOCK_MONOTONIC, 0, &period, NULL);
		resync();
	}
	return NULL;
}

/* The host kernel keeps time by the TSC only when it found it stable and synchronized. */
static bool host_trusts_tsc(void)
{
	char source[32] = "";
	FILE *f = fopen("/sys/devices/system/clocksource/clocksource0/current_clocksource", "r");
	if (!f)
		return false;
	bool ok = fgets(source, sizeof(source), f) && !strcmp(source, "tsc\n");
	fclose(f);
	return ok;
}

static void start_keeper(void)
{
	pthread_attr_t attr;
	pthread_attr_init(&attr);
	pthread_attr_setstacksize(&attr, 64 * 1024);
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	pthread_t thread;
	/* Without the thread the guest's clocks would drift: make the system call instead. */
	if (pthread_create(&thread, &attr, keep_in_step, NULL))
		vv->mode = VVAR_SYSCALL;
	pthread_attr_destroy(&attr);
}

void vclock_after_fork(struct guest *g)
{
	(void)g;
	if (vv && vv->mode == VVAR_TSC)
		start_keeper(); /* the page was inherited; its keeper thread was not */
}

void vclock_init(struct guest *g, struct vcpu *vcpu)
{
	vv = physmem_host(&g->mm.pm, SYS_VVAR_GPA);
	memset(vv, 0, sizeof(*vv)); /* VVAR_SYSCALL */
	if (!g->platform.tsc_is_host || !host_trusts_tsc())
		return;
	long khz = ioctl(vcpu->fd, KVM_GET_TSC_KHZ, 0);
	if (khz <= 0)
		return;
	nominal_mult = (1000000ULL << SHIFT) / (uint64_t)khz;
	period_ticks = PERIOD_NS / 1000000 * (uint64_t)khz;
	uint64_t host[VVAR_CLOCKS];
	uint64_t tsc = sample(host);
	publish(tsc, host[VVAR_MONOTONIC], host, nominal_mult);
	start_keeper();
}
