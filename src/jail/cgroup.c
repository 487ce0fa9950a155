// SPDX-License-Identifier: Apache-2.0
// cgroup files written as runc writes them. v1 keeps one directory per
// controller; v2 one directory, with the controllers enabled in every parent.
#include "jail/cgroup.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "jail/devfilter.h"
#include "util/file.h"

#define CGROUP_ROOT "/sys/fs/cgroup"

/*
 * v1 hierarchies a container joins: the ones it may be limited by. cpuset is
 * joined only when asked for (a cpuset cgroup needs its cpus filled in).
 */
static const char *const v1_controllers[] = {"memory", "pids", "cpu", "cpuacct", "devices", "cpuset"};

bool cgroup_limits_any(const struct cgroup_limits *l)
{
	return l->memory >= 0 || l->memory_swap >= 0 || l->pids >= 0 || l->cpu_shares || l->cpu_quota >= 0 ||
	       l->cpu_period || l->cpus || l->mems || l->ndevices;
}

void cgroup_limits_free(struct cgroup_limits *l)
{
	free(l->cpus);
	free(l->mems);
	free(l->devices);
}

static bool is_v2(void)
{
	return access(CGROUP_ROOT "/cgroup.controllers", F_OK) == 0;
}

static int write_file(const char *dir, const char *file, const char *value)
{
	char path[PATH_MAX];
	if (snprintf(path, sizeof(path), "%s/%s", dir, file) >= (int)sizeof(path))
		return -ENAMETOOLONG;
	return file_write_text(path, value);
}

/* mkdir -p of base/path; every level made is also returned through made. */
static int make_dirs(const char *base, const char *path, void (*made)(const char *dir))
{
	char dir[PATH_MAX];
	size_t n = (size_t)snprintf(dir, sizeof(dir), "%s/", base);
	for (const char *p = path; *p;) {
		while (*p == '/')
			p++;
		const char *end = strchrnul(p, '/');
		if (end == p)
			break;
		n += (size_t)snprintf(dir + n, sizeof(dir) - n, "%.*s/", (int)(end - p), p);
		if (n >= sizeof(dir))
			return -ENAMETOOLONG;
		if (made)
			made(dir);
		if (mkdir(dir, 0755) < 0 && errno != EEXIST)
			return -errno;
		p = end;
	}
	return 0;
}

/* v2: controllers a child may use are the ones its parent enables. */
static void enable_v2_controllers(const char *dir)
{
	char parent[PATH_MAX];
	snprintf(parent, sizeof(parent), "%s", dir);
	parent[strlen(parent) - 1] = 0; /* the trailing '/' */
	char *slash = strrchr(parent, '/');
	if (!slash)
		return;
	*slash = 0;
	write_file(parent, "cgroup.subtree_control", "+memory +pids +cpu +cpuset");
}

static int fail_with(char *why, size_t size, const char *what, int err)
{
	snprintf(why, size, "cgroup %s: %s", what, strerror(-err));
	return -1;
}

/* A v1 cpuset gets its parent's cpus and mems unless told: a task cannot join an empty one. */
static int fill_cpuset(const char *path, const struct cgroup_limits *l)
{
	char dir[PATH_MAX], value[256];
	snprintf(dir, sizeof(dir), CGROUP_ROOT "/cpuset/%s", path);
	static const char *const files[] = {"cpuset.cpus", "cpuset.mems"};
	const char *wanted[] = {l->cpus, l->mems};
	for (int i = 0; i < 2; i++) {
		snprintf(value, sizeof(value), "%s", wanted[i] ? wanted[i] : "");
		if (!wanted[i]) {
			char file[PATH_MAX];
			snprintf(file, sizeof(file), CGROUP_ROOT "/cpuset/%s", files[i]);
			FILE *f = fopen(file, "r");
			if (!f || !fgets(value, sizeof(value), f))
				value[0] = 0;
			if (f)
				fclose(f);
		}
		int err = write_file(dir, files[i], value);
		if (err)
			return err;
	}
	return 0;
}

/*
 * After the config's rules, the devices every container may use
 * (jail/mounts.c makes them), as runc appends them: mknod of any node, then
 * null, zero, full, random, urandom, tty, ptmx and the ptys.
 */
static const struct cgroup_device_rule default_devices[] = {
	{true, 'c', -1, -1, "m"}, {true, 'b', -1, -1, "m"}, {true, 'c', 1, 3, "rwm"}, {true, 'c', 1, 5, "rwm"},
	{true, 'c', 1, 7, "rwm"}, {true, 'c', 1, 8, "rwm"}, {true, 'c', 1, 9, "rwm"}, {true, 'c', 5, 0, "rwm"},
	{true, 'c', 5, 2, "rwm"}, {true, 'c', 136, -1, "rwm"},
};
#define NDEFAULT_DEVICES (sizeof(default_devices) / sizeof(default_devices[0]))

/* The config's rules, then the defaults: an array to free, or NULL. */
static struct cgroup_device_rule *all_device_rules(const struct cgroup_limits *l)
{
	struct cgroup_device_rule *all = calloc(l->ndevices + NDEFAULT_DEVICES, sizeof(*all));
	if (all) {
		memcpy(all, l->devices, l->ndevices * sizeof(*all));
		memcpy(all + l->ndevices, default_devices, sizeof(default_devices));
	}
	return all;
}

static int apply_devices_v1(const char *dir, const struct cgroup_limits *l)
{
	struct cgroup_device_rule *all = all_device_rules(l);
	if (!all)
		return -ENOMEM;
	int err = 0;
	for (size_t i = 0; i < l->ndevices + NDEFAULT_DEVICES && !err; i++) {
		const struct cgroup_device_rule *d = &all[i];
		char rule[64], major[24] = "*", minor[24] = "*";
		if (d->major >= 0)
			snprintf(major, sizeof(major), "%" PRId64, d->major);
		if (d->minor >= 0)
			snprintf(minor, sizeof(minor), "%" PRId64, d->minor);
		if (d->type == 'a')
			snprintf(rule, sizeof(rule), "a");
		else
			snprintf(rule, sizeof(rule), "%c %s:%s %s", d->type, major, minor, d->access);
		err = write_file(dir, d->allow ? "devices.allow" : "devices.deny", rule);
	}
	free(all);
	return err;
}

static int apply_devices_v2(const char *dir, const struct cgroup_limits *l)
{
	struct cgroup_device_rule *all = all_device_rules(l);
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	int err = !all ? -ENOMEM : fd < 0 ? -errno : devfilter_attach(fd, all, l->ndevices + NDEFAULT_DEVICES);
	if (fd >= 0)
		close(fd);
	free(all);
	return err;
}

/*
 * pids.max for a limit of guest tasks. The guest's limit is kept by the
 * monitors themselves (proctab_room_for_task): they count guest tasks, as
 * Linux would. A guest task costs the host more than one: a guest process is
 * its monitor, KVM's NX-huge-page worker, the clock keeper and a system-call
 * server; a guest thread, a host thread and a server. The host's limit is
 * the bound those can reach, so it never refuses a fork the guest's allows,
 * and still holds if a monitor were subverted.
 */
#define HOST_TASKS_PER_GUEST_TASK 4
#define HOST_TASKS_OUTSIDE_GUEST 4 /* the relay, and an exec's monitor on its way in */

static void host_pids_max(int64_t guest_tasks, char *out, size_t size)
{
	if (guest_tasks > 0 && guest_tasks < INT64_MAX / HOST_TASKS_PER_GUEST_TASK - HOST_TASKS_OUTSIDE_GUEST)
		snprintf(out, size, "%" PRId64, guest_tasks * HOST_TASKS_PER_GUEST_TASK + HOST_TASKS_OUTSIDE_GUEST);
	else
		snprintf(out, size, "max");
}

static int enter_v1(const char *path, const struct cgroup_limits *l, pid_t pid, char *why, size_t why_size)
{
	char dir[PATH_MAX], value[64];
	for (size_t i = 0; i < sizeof(v1_controllers) / sizeof(v1_controllers[0]); i++) {
		const char *c = v1_controllers[i];
		char base[64];
		snprintf(base, sizeof(base), CGROUP_ROOT "/%s", c);
		if (access(base, F_OK) < 0 || (!strcmp(c, "cpuset") && !l->cpus && !l->mems))
			continue; /* not on this host, or not asked for */
		int err = make_dirs(base, path, NULL);
		if (err)
			return fail_with(why, why_size, c, err);
		snprintf(dir, sizeof(dir), "%s/%s", base, path);
		if (!strcmp(c, "memory") && l->memory >= 0) {
			snprintf(value, sizeof(value), "%" PRId64, l->memory);
			if ((err = write_file(dir, "memory.limit_in_bytes", value)))
				return fail_with(why, why_size, "memory.limit_in_bytes", err);
			snprintf(value, sizeof(value), "%" PRId64, l->memory_swap >= 0 ? l->memory_swap : l->memory);
			write_file(dir, "memory.memsw.limit_in_bytes", value); /* absent where swap is not accounted */
		}
		if (!strcmp(c, "pids") && l->pids >= 0) {
			host_pids_max(l->pids, value, sizeof(value));
			if ((err = write_file(dir, "pids.max", value)))
				return fail_with(why, why_size, "pids.max", err);
		}
		if (!strcmp(c, "cpu")) {
			struct { const char *file; int64_t v; } cpu[] = {
				{"cpu.shares", l->cpu_shares ? (int64_t)l->cpu_shares : -1},
				{"cpu.cfs_period_us", l->cpu_period ? (int64_t)l->cpu_period : -1},
				{"cpu.cfs_quota_us", l->cpu_quota},
			};
			for (size_t k = 0; k < 3; k++) {
				snprintf(value, sizeof(value), "%" PRId64, cpu[k].v);
				if (cpu[k].v >= 0 && (err = write_file(dir, cpu[k].file, value)))
					return fail_with(why, why_size, cpu[k].file, err);
			}
		}
		if (!strcmp(c, "cpuset") && (err = fill_cpuset(path, l)))
			return fail_with(why, why_size, "cpuset", err);
		if (!strcmp(c, "devices") && l->ndevices && (err = apply_devices_v1(dir, l)))
			return fail_with(why, why_size, "devices", err);
		snprintf(value, sizeof(value), "%d", (int)pid);
		if ((err = write_file(dir, "cgroup.procs", value)))
			return fail_with(why, why_size, c, err);
	}
	return 0;
}

static int enter_v2(const char *path, const struct cgroup_limits *l, pid_t pid, char *why, size_t why_size)
{
	char dir[PATH_MAX], value[64];
	int err = make_dirs(CGROUP_ROOT, path, enable_v2_controllers);
	if (err)
		return fail_with(why, why_size, path, err);
	snprintf(dir, sizeof(dir), CGROUP_ROOT "/%s", path);
	struct { const char *file; const char *value; } writes[6] = {0};
	size_t n = 0;
	char memory[32], swap[32], pids[32], weight[32], max[64];
	if (l->memory >= 0) {
		snprintf(memory, sizeof(memory), "%" PRId64, l->memory);
		writes[n++] = (typeof(writes[0])){"memory.max", memory};
		if (l->memory_swap >= l->memory) { /* v2 counts swap apart from memory */
			snprintf(swap, sizeof(swap), "%" PRId64, l->memory_swap - l->memory);
			writes[n++] = (typeof(writes[0])){"memory.swap.max", swap};
		}
	}
	if (l->pids >= 0) {
		host_pids_max(l->pids, pids, sizeof(pids));
		writes[n++] = (typeof(writes[0])){"pids.max", pids};
	}
	if (l->cpu_shares) { /* runc's mapping of shares [2, 262144] onto weights [1, 10000] */
		snprintf(weight, sizeof(weight), "%" PRIu64, 1 + ((l->cpu_shares - 2) * 9999) / 262142);
		writes[n++] = (typeof(writes[0])){"cpu.weight", weight};
	}
	if (l->cpu_quota >= 0 || l->cpu_period) {
		char quota[24] = "max";
		if (l->cpu_quota > 0)
			snprintf(quota, sizeof(quota), "%" PRId64, l->cpu_quota);
		snprintf(max, sizeof(max), "%s %" PRIu64, quota, l->cpu_period ? l->cpu_period : 100000);
		writes[n++] = (typeof(writes[0])){"cpu.max", max};
	}
	for (size_t i = 0; i < n; i++) {
		if ((err = write_file(dir, writes[i].file, writes[i].value)))
			return fail_with(why, why_size, writes[i].file, err);
	}
	if ((l->cpus && (err = write_file(dir, "cpuset.cpus", l->cpus))) ||
	    (l->mems && (err = write_file(dir, "cpuset.mems", l->mems))))
		return fail_with(why, why_size, "cpuset", err);
	if (l->ndevices && (err = apply_devices_v2(dir, l)))
		return fail_with(why, why_size, "devices (eBPF)", err);
	snprintf(value, sizeof(value), "%d", (int)pid);
	if ((err = write_file(dir, "cgroup.procs", value)))
		return fail_with(why, why_size, "cgroup.procs", err);
	return 0;
}

int cgroup_enter(const char *path, const struct cgroup_limits *l, pid_t pid, char *why, size_t why_size)
{
	return is_v2() ? enter_v2(path, l, pid, why, why_size) : enter_v1(path, l, pid, why, why_size);
}

int cgroup_join(const char *path, pid_t pid)
{
	char value[24], dir[PATH_MAX];
	snprintf(value, sizeof(value), "%d", (int)pid);
	if (is_v2()) {
		snprintf(dir, sizeof(dir), CGROUP_ROOT "/%s", path);
		return write_file(dir, "cgroup.procs", value);
	}
	for (size_t i = 0; i < sizeof(v1_controllers) / sizeof(v1_controllers[0]); i++) {
		snprintf(dir, sizeof(dir), CGROUP_ROOT "/%s/%s", v1_controllers[i], path);
		if (access(dir, F_OK) < 0)
			continue; /* a hierarchy the container did not join */
		int err = write_file(dir, "cgroup.procs", value);
		if (err)
			return err;
	}
	return 0;
}

static void remove_dir(const char *base, const char *path)
{
	char dir[PATH_MAX];
	snprintf(dir, sizeof(dir), "%s/%s", base, path);
	/* The leaf only: parents such as /airlock may hold other containers. */
	for (int tries = 0; rmdir(dir) < 0 && errno == EBUSY && tries < 100; tries++)
		usleep(10000); /* the last processes are still leaving */
}

void cgroup_remove(const char *path)
{
	if (is_v2()) {
		remove_dir(CGROUP_ROOT, path);
		return;
	}
	for (size_t i = 0; i < sizeof(v1_controllers) / sizeof(v1_controllers[0]); i++) {
		char base[64];
		snprintf(base, sizeof(base), CGROUP_ROOT "/%s", v1_controllers[i]);
		if (access(base, F_OK) == 0)
			remove_dir(base, path);
	}
}
