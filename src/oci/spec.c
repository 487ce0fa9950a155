// SPDX-License-Identifier: Apache-2.0
// config.json → struct oci_spec. Every field is type-checked; errors name
// the field by its JSON path. The policy for what airlock does not serve
// yet: a field that would make the container weaker than asked if ignored
// (user namespaces, LSM labels, I/O and network limits) is
// refused; one that only adds what airlock provides anyway is accepted.
#include "oci/spec.h"

#include "kernel/syscall.h"

#include <errno.h>
#include <json-c/json.h>
#include <limits.h>
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>

struct reader {
	const char *file; /* for messages */
	char *why;
	size_t why_size;
	bool failed;
};

static int fail(struct reader *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int fail(struct reader *r, const char *fmt, ...)
{
	if (r->failed)
		return -1;
	va_list ap;
	va_start(ap, fmt);
	int n = snprintf(r->why, r->why_size, "%s: ", r->file);
	vsnprintf(r->why + n, r->why_size - (size_t)n, fmt, ap);
	va_end(ap);
	r->failed = true;
	return -1;
}

static const char *type_name(json_type t)
{
	switch (t) {
	case json_type_object: return "an object";
	case json_type_array: return "an array";
	case json_type_string: return "a string";
	case json_type_boolean: return "a boolean";
	case json_type_int: return "an integer";
	case json_type_double: return "a number";
	default: return "null";
	}
}

/* obj[key] if present and of type t; NULL if absent (or after a type error). */
static json_object *field(struct reader *r, json_object *obj, const char *path, const char *key, json_type t)
{
	json_object *v;
	if (!obj || !json_object_object_get_ex(obj, key, &v) || json_object_get_type(v) == json_type_null)
		return NULL;
	if (json_object_get_type(v) != t) {
		fail(r, "%s%s: must be %s, not %s", path, key, type_name(t), type_name(json_object_get_type(v)));
		return NULL;
	}
	return v;
}

static char *string_field(struct reader *r, json_object *obj, const char *path, const char *key)
{
	json_object *v = field(r, obj, path, key, json_type_string);
	return v ? strdup(json_object_get_string(v)) : NULL;
}

static bool bool_field(struct reader *r, json_object *obj, const char *path, const char *key)
{
	json_object *v = field(r, obj, path, key, json_type_boolean);
	return v && json_object_get_boolean(v);
}

/* A non-negative integer below limit; dflt when absent. */
static int64_t uint_field(struct reader *r, json_object *obj, const char *path, const char *key, int64_t limit,
			  int64_t dflt)
{
	json_object *v = field(r, obj, path, key, json_type_int);
	if (!v)
		return dflt;
	int64_t n = json_object_get_int64(v);
	if (n < 0 || n >= limit)
		return fail(r, "%s%s: %lld is out of range", path, key, (long long)n);
	return n;
}

/* An array of strings as a NULL-terminated vector (empty if absent). */
static char **strings_field(struct reader *r, json_object *obj, const char *path, const char *key)
{
	json_object *v = field(r, obj, path, key, json_type_array);
	size_t n = v ? json_object_array_length(v) : 0;
	char **out = calloc(n + 1, sizeof(*out));
	for (size_t i = 0; out && i < n; i++) {
		json_object *s = json_object_array_get_idx(v, i);
		if (json_object_get_type(s) != json_type_string) {
			fail(r, "%s%s[%zu]: must be a string", path, key, i);
			break;
		}
		out[i] = strdup(json_object_get_string(s));
	}
	return out;
}

static void free_strings(char **v)
{
	for (size_t i = 0; v && v[i]; i++)
		free(v[i]);
	free(v);
}

static bool non_empty(json_object *v)
{
	if (!v)
		return false;
	if (json_object_get_type(v) == json_type_array)
		return json_object_array_length(v) > 0;
	if (json_object_get_type(v) == json_type_object)
		return json_object_object_length(v) > 0;
	return json_object_get_type(v) != json_type_null;
}

/* Refuses obj.key when it is set: airlock does not serve it yet. */
static void refuse(struct reader *r, json_object *obj, const char *path, const char *key, const char *what)
{
	json_object *v;
	if (obj && json_object_object_get_ex(obj, key, &v) && non_empty(v))
		fail(r, "%s%s: %s are not supported yet", path, key, what);
}

/*
 * Element i of an array that must hold objects, with its path for messages
 * ("mounts[2].") written into path; NULL after failing when it is not one.
 */
static json_object *object_at(struct reader *r, json_object *array, const char *name, size_t i, char *path,
			      size_t size)
{
	json_object *e = json_object_array_get_idx(array, i);
	snprintf(path, size, "%s[%zu].", name, i);
	if (json_object_get_type(e) != json_type_object) {
		fail(r, "%s[%zu]: must be an object", name, i);
		return NULL;
	}
	return e;
}

static const struct {
	const char *name;
	int resource;
} rlimit_names[] = {
	{"RLIMIT_AS", RLIMIT_AS}, {"RLIMIT_CORE", RLIMIT_CORE}, {"RLIMIT_CPU", RLIMIT_CPU},
	{"RLIMIT_DATA", RLIMIT_DATA}, {"RLIMIT_FSIZE", RLIMIT_FSIZE}, {"RLIMIT_LOCKS", RLIMIT_LOCKS},
	{"RLIMIT_MEMLOCK", RLIMIT_MEMLOCK}, {"RLIMIT_MSGQUEUE", RLIMIT_MSGQUEUE}, {"RLIMIT_NICE", RLIMIT_NICE},
	{"RLIMIT_NOFILE", RLIMIT_NOFILE}, {"RLIMIT_NPROC", RLIMIT_NPROC}, {"RLIMIT_RSS", RLIMIT_RSS},
	{"RLIMIT_RTPRIO", RLIMIT_RTPRIO}, {"RLIMIT_RTTIME", RLIMIT_RTTIME}, {"RLIMIT_SIGPENDING", RLIMIT_SIGPENDING},
	{"RLIMIT_STACK", RLIMIT_STACK},
};

static void read_rlimits(struct reader *r, json_object *process, struct oci_spec *spec)
{
	json_object *v = field(r, process, "process.", "rlimits", json_type_array);
	size_t n = v ? json_object_array_length(v) : 0;
	spec->rlimits = calloc(n + 1, sizeof(*spec->rlimits));
	for (size_t i = 0; spec->rlimits && i < n && !r->failed; i++) {
		char path[64];
		json_object *e = object_at(r, v, "process.rlimits", i, path, sizeof(path));
		if (!e)
			break;
		char *type = string_field(r, e, path, "type");
		size_t k = 0;
		while (type && k < sizeof(rlimit_names) / sizeof(rlimit_names[0]) && strcmp(type, rlimit_names[k].name))
			k++;
		struct jail_rlimit rl = {.soft = (uint64_t)uint_field(r, e, path, "soft", INT64_MAX, 0),
					.hard = (uint64_t)uint_field(r, e, path, "hard", INT64_MAX, 0)};
		if (!type || k == sizeof(rlimit_names) / sizeof(rlimit_names[0]))
			fail(r, "%stype: unknown rlimit \"%s\"", path, type ? type : "");
		else if (rl.soft > rl.hard)
			fail(r, "%ssoft: above hard", path);
		/* The guest's descriptor range is 1024 (kernel/fdlimits.h); a lower limit is not enforced yet. */
		else if (rlimit_names[k].resource == RLIMIT_NOFILE && rl.soft < 1024)
			fail(r, "%ssoft: an RLIMIT_NOFILE below 1024 is not supported yet", path);
		if (!r->failed) {
			rl.resource = rlimit_names[k].resource;
			spec->rlimits[spec->nrlimits++] = rl;
		}
		free(type);
	}
}

static void read_user(struct reader *r, json_object *process, struct oci_spec *spec)
{
	json_object *user = field(r, process, "process.", "user", json_type_object);
	spec->uid = (uid_t)uint_field(r, user, "process.user.", "uid", UINT32_MAX, 0);
	spec->gid = (gid_t)uint_field(r, user, "process.user.", "gid", UINT32_MAX, 0);
	spec->umask = (int)uint_field(r, user, "process.user.", "umask", 01000, -1);
	refuse(r, user, "process.user.", "username", "user names (Windows)");
	json_object *gids = field(r, user, "process.user.", "additionalGids", json_type_array);
	size_t n = gids ? json_object_array_length(gids) : 0;
	spec->groups = calloc(n + 1, sizeof(gid_t));
	for (size_t i = 0; spec->groups && i < n; i++) {
		json_object *g = json_object_array_get_idx(gids, i);
		int64_t id = json_object_get_type(g) == json_type_int ? json_object_get_int64(g) : -1;
		if (id < 0 || id >= UINT32_MAX) {
			fail(r, "process.user.additionalGids[%zu]: must be a group id", i);
			break;
		}
		spec->groups[spec->ngroups++] = (gid_t)id;
	}
}

static void read_capabilities(struct reader *r, json_object *process, struct oci_spec *spec)
{
	json_object *caps = field(r, process, "process.", "capabilities", json_type_object);
	if (!caps)
		return;
	static const char *const set_names[] = {"bounding", "effective", "inheritable", "permitted", "ambient"};
	uint64_t *sets[] = {&spec->caps.bounding, &spec->caps.effective, &spec->caps.inheritable,
			    &spec->caps.permitted, &spec->caps.ambient};
	spec->has_caps = true;
	for (size_t i = 0; i < 5 && !r->failed; i++) {
		char path[64];
		snprintf(path, sizeof(path), "process.capabilities.");
		char **names = strings_field(r, caps, path, set_names[i]);
		for (size_t k = 0; names && names[k] && !r->failed; k++) {
			int cap = caps_from_name(names[k]);
			if (cap < 0)
				fail(r, "process.capabilities.%s[%zu]: unknown capability \"%s\"", set_names[i], k, names[k]);
			else
				*sets[i] |= 1ULL << cap;
		}
		free_strings(names);
	}
}

static void read_process(struct reader *r, json_object *config, struct oci_spec *spec)
{
	json_object *process = field(r, config, "", "process", json_type_object);
	if (!process) {
		fail(r, "process: missing (a container needs a program to run)");
		return;
	}
	spec->args = strings_field(r, process, "process.", "args");
	if (!r->failed && (!spec->args || !spec->args[0]))
		fail(r, "process.args: must be a non-empty array of strings");
	spec->env = strings_field(r, process, "process.", "env");
	spec->cwd = string_field(r, process, "process.", "cwd");
	if (!r->failed && (!spec->cwd || spec->cwd[0] != '/'))
		fail(r, "process.cwd: must be an absolute path");
	spec->terminal = bool_field(r, process, "process.", "terminal");
	json_object *size = field(r, process, "process.", "consoleSize", json_type_object);
	spec->console_rows = (unsigned)uint_field(r, size, "process.consoleSize.", "height", 65536, 0);
	spec->console_cols = (unsigned)uint_field(r, size, "process.consoleSize.", "width", 65536, 0);
	spec->no_new_privileges = bool_field(r, process, "process.", "noNewPrivileges");
	json_object *oom = field(r, process, "process.", "oomScoreAdj", json_type_int);
	spec->has_oom_score_adj = oom != NULL;
	spec->oom_score_adj = oom ? json_object_get_int(oom) : 0;
	if (oom && (spec->oom_score_adj < -1000 || spec->oom_score_adj > 1000))
		fail(r, "process.oomScoreAdj: must be within -1000..1000");
	read_user(r, process, spec);
	read_rlimits(r, process, spec);
	refuse(r, process, "process.", "apparmorProfile", "AppArmor profiles");
	refuse(r, process, "process.", "selinuxLabel", "SELinux labels");
	read_capabilities(r, process, spec);
	refuse(r, process, "process.", "ioPriority", "I/O priorities");
	refuse(r, process, "process.", "scheduler", "scheduler settings");
}

/* Resolves root.path against the bundle; a relative one may not leave it. */
static void read_root(struct reader *r, json_object *config, struct oci_spec *spec)
{
	json_object *root = field(r, config, "", "root", json_type_object);
	char *path = string_field(r, root, "root.", "path");
	if (!path) {
		fail(r, "root.path: missing");
		return;
	}
	spec->readonly_root = bool_field(r, root, "root.", "readonly");
	char joined[PATH_MAX], resolved[PATH_MAX];
	snprintf(joined, sizeof(joined), "%s%s%s", path[0] == '/' ? "" : spec->bundle, path[0] == '/' ? "" : "/", path);
	if (!realpath(joined, resolved)) {
		fail(r, "root.path: %s: %s", path, strerror(errno));
	} else if (path[0] != '/' && (strncmp(resolved, spec->bundle, strlen(spec->bundle)) ||
				      (resolved[strlen(spec->bundle)] != '/' && resolved[strlen(spec->bundle)]))) {
		fail(r, "root.path: %s leads out of the bundle", path);
	} else {
		struct stat st;
		if (stat(resolved, &st) < 0 || !S_ISDIR(st.st_mode))
			fail(r, "root.path: %s is not a directory", path);
		spec->root = strdup(resolved);
	}
	free(path);
}

static const struct {
	const char *type;
	int flag;
} namespace_types[] = {
	{"pid", CLONE_NEWPID}, {"network", CLONE_NEWNET}, {"mount", CLONE_NEWNS}, {"ipc", CLONE_NEWIPC},
	{"uts", CLONE_NEWUTS}, {"user", CLONE_NEWUSER}, {"cgroup", CLONE_NEWCGROUP}, {"time", 0x80 /* CLONE_NEWTIME */},
};

static void read_namespaces(struct reader *r, json_object *linux_, struct oci_spec *spec)
{
	json_object *v = field(r, linux_, "linux.", "namespaces", json_type_array);
	size_t n = v ? json_object_array_length(v) : 0;
	int seen = 0;
	for (size_t i = 0; i < n && !r->failed; i++) {
		char path[64];
		json_object *e = object_at(r, v, "linux.namespaces", i, path, sizeof(path));
		if (!e)
			break;
		char *type = string_field(r, e, path, "type"), *join = string_field(r, e, path, "path");
		size_t k = 0;
		while (type && k < sizeof(namespace_types) / sizeof(namespace_types[0]) && strcmp(type, namespace_types[k].type))
			k++;
		int flag = type && k < sizeof(namespace_types) / sizeof(namespace_types[0]) ? namespace_types[k].flag : 0;
		if (!flag)
			fail(r, "%stype: unknown namespace \"%s\"", path, type ? type : "");
		else if (seen & flag)
			fail(r, "%stype: namespace \"%s\" given twice", path, type);
		else if (flag == 0x80)
			fail(r, "%stype: %s namespaces are not supported yet", path, type);
		else if (join && join[0] != '/')
			fail(r, "%spath: must be an absolute path", path);
		seen |= flag;
		if (!r->failed && join && flag == CLONE_NEWPID) {
			spec->pid_path = join;
			join = NULL;
		} else if (!r->failed && join) {
			/* A user namespace first: it owns the others, and they are joined as its root. */
			size_t at = flag == CLONE_NEWUSER ? 0 : spec->njoins;
			memmove(&spec->joins[at + 1], &spec->joins[at], (spec->njoins - at) * sizeof(spec->joins[0]));
			spec->joins[at] = (struct jail_join){.type = flag, .path = join};
			spec->njoins++;
			join = NULL;
		} else if (!r->failed) {
			spec->namespaces |= flag;
		}
		free(join);
		free(type);
	}
}

static void read_mounts(struct reader *r, json_object *config, struct oci_spec *spec)
{
	json_object *v = field(r, config, "", "mounts", json_type_array);
	size_t n = v ? json_object_array_length(v) : 0;
	spec->mounts = calloc(n + 1, sizeof(*spec->mounts));
	for (size_t i = 0; spec->mounts && i < n && !r->failed; i++) {
		char path[64];
		json_object *e = object_at(r, v, "mounts", i, path, sizeof(path));
		if (!e)
			break;
		struct jail_mount m = {.destination = string_field(r, e, path, "destination"),
				       .source = string_field(r, e, path, "source"),
				       .type = string_field(r, e, path, "type")};
		char **options = strings_field(r, e, path, "options");
		const char *why = "";
		int made = r->failed ? -1 : jail_mount_parse(&m, options, &why);
		free_strings(options);
		if (!r->failed && (!m.destination || m.destination[0] != '/' || !m.destination[1]))
			fail(r, "%sdestination: must be an absolute path below /", path);
		else if (made < 0)
			fail(r, "%stype: %s (%s at %s)", path, why, m.type ? m.type : "bind", m.destination);
		if (made == 1 && !r->failed)
			spec->mounts[spec->nmounts++] = m;
		else
			jail_mount_free(&m);
	}
}

/* A signed integer field; dflt when absent. */
static int64_t int_field(struct reader *r, json_object *obj, const char *path, const char *key, int64_t dflt)
{
	json_object *v = field(r, obj, path, key, json_type_int);
	return v ? json_object_get_int64(v) : dflt;
}

static void read_devices(struct reader *r, json_object *resources, struct cgroup_limits *l)
{
	json_object *v = field(r, resources, "linux.resources.", "devices", json_type_array);
	size_t n = v ? json_object_array_length(v) : 0;
	l->devices = calloc(n + 1, sizeof(*l->devices));
	for (size_t i = 0; l->devices && i < n && !r->failed; i++) {
		char path[64];
		json_object *e = object_at(r, v, "linux.resources.devices", i, path, sizeof(path));
		if (!e)
			break;
		struct cgroup_device_rule d = {.allow = bool_field(r, e, path, "allow"), .type = 'a',
					       .major = int_field(r, e, path, "major", -1),
					       .minor = int_field(r, e, path, "minor", -1)};
		char *type = string_field(r, e, path, "type"), *access = string_field(r, e, path, "access");
		if (type && (strlen(type) != 1 || !strchr("acb", type[0])))
			fail(r, "%stype: must be a, c or b", path);
		else if (type)
			d.type = type[0];
		if (access && (strlen(access) > 3 || strspn(access, "rwm") != strlen(access)))
			fail(r, "%saccess: must be made of r, w and m", path);
		snprintf(d.access, sizeof(d.access), "%s", access ? access : "rwm");
		free(type);
		free(access);
		l->devices[l->ndevices++] = d;
	}
}

static const struct cgroup_limits no_limits = {.memory = -1, .memory_swap = -1, .pids = -1, .cpu_quota = -1};

static void read_resources(struct reader *r, json_object *linux_, struct oci_spec *spec)
{
	struct cgroup_limits *l = &spec->limits;
	json_object *res = field(r, linux_, "linux.", "resources", json_type_object);
	if (!res)
		return;
	json_object *memory = field(r, res, "linux.resources.", "memory", json_type_object);
	l->memory = int_field(r, memory, "linux.resources.memory.", "limit", -1);
	l->memory_swap = int_field(r, memory, "linux.resources.memory.", "swap", -1);
	json_object *pids = field(r, res, "linux.resources.", "pids", json_type_object);
	l->pids = int_field(r, pids, "linux.resources.pids.", "limit", -1);
	json_object *cpu = field(r, res, "linux.resources.", "cpu", json_type_object);
	l->cpu_shares = (uint64_t)uint_field(r, cpu, "linux.resources.cpu.", "shares", INT64_MAX, 0);
	l->cpu_quota = int_field(r, cpu, "linux.resources.cpu.", "quota", -1);
	l->cpu_period = (uint64_t)uint_field(r, cpu, "linux.resources.cpu.", "period", INT64_MAX, 0);
	l->cpus = string_field(r, cpu, "linux.resources.cpu.", "cpus");
	l->mems = string_field(r, cpu, "linux.resources.cpu.", "mems");
	if (l->cpus && !*l->cpus) {
		free(l->cpus);
		l->cpus = NULL;
	}
	if (l->mems && !*l->mems) {
		free(l->mems);
		l->mems = NULL;
	}
	read_devices(r, res, l);
	refuse(r, res, "linux.resources.", "blockIO", "block I/O limits");
	refuse(r, res, "linux.resources.", "hugepageLimits", "huge page limits");
	refuse(r, res, "linux.resources.", "network", "network class and priorities");
	refuse(r, res, "linux.resources.", "rdma", "RDMA limits");
	refuse(r, res, "linux.resources.", "unified", "raw cgroup v2 settings");
}

/* An action name: ALLOW and LOG allow, ERRNO fails, the KILLs end the process. */
static int read_action(struct reader *r, const char *path, const char *name, enum filter_action *out)
{
	static const struct {
		const char *name;
		enum filter_action action;
	} actions[] = {
		{"SCMP_ACT_ALLOW", FILTER_ALLOW}, {"SCMP_ACT_LOG", FILTER_ALLOW}, {"SCMP_ACT_ERRNO", FILTER_ERRNO},
		{"SCMP_ACT_KILL", FILTER_KILL}, {"SCMP_ACT_KILL_THREAD", FILTER_KILL},
		{"SCMP_ACT_KILL_PROCESS", FILTER_KILL},
	};
	for (size_t i = 0; name && i < sizeof(actions) / sizeof(actions[0]); i++) {
		if (!strcmp(name, actions[i].name)) {
			*out = actions[i].action;
			return 0;
		}
	}
	return fail(r, "%s: action \"%s\" is not supported yet", path, name ? name : "");
}

static void read_conditions(struct reader *r, json_object *rule, const char *path, struct filter_rule *out)
{
	static const char *const ops[] = {"SCMP_CMP_NE", "SCMP_CMP_LT", "SCMP_CMP_LE", "SCMP_CMP_EQ",
					  "SCMP_CMP_GE", "SCMP_CMP_GT", "SCMP_CMP_MASKED_EQ"};
	json_object *args = field(r, rule, path, "args", json_type_array);
	size_t n = args ? json_object_array_length(args) : 0;
	if (n > FILTER_MAX_CONDS) {
		fail(r, "%sargs: at most %d conditions", path, FILTER_MAX_CONDS);
		return;
	}
	for (size_t i = 0; i < n && !r->failed; i++) {
		json_object *a = json_object_array_get_idx(args, i), *v;
		char where[96];
		snprintf(where, sizeof(where), "%sargs[%zu].", path, i);
		struct filter_cond c = {.index = (unsigned)uint_field(r, a, where, "index", 6, 0)};
		if (json_object_object_get_ex(a, "value", &v))
			c.value = json_object_get_uint64(v);
		if (json_object_object_get_ex(a, "valueTwo", &v))
			c.value_two = json_object_get_uint64(v);
		char *op = string_field(r, a, where, "op");
		size_t k = 0;
		while (op && k < sizeof(ops) / sizeof(ops[0]) && strcmp(op, ops[k]))
			k++;
		if (!op || k == sizeof(ops) / sizeof(ops[0]))
			fail(r, "%sop: unknown comparison \"%s\"", where, op ? op : "");
		c.op = (enum filter_op)k;
		free(op);
		out->conds[out->nconds++] = c;
	}
}

/* The number of a system call by name; -1 for a name this architecture lacks. */
static int call_number(const char *name)
{
	for (int nr = 0; nr < SYSCALL_COUNT; nr++) {
		if (syscall_names[nr] && !strcmp(syscall_names[nr], name))
			return nr;
	}
	return -1;
}

static void read_seccomp(struct reader *r, json_object *linux_, struct oci_spec *spec)
{
	json_object *sc = field(r, linux_, "linux.", "seccomp", json_type_object);
	if (!sc)
		return;
	struct filter *f = &spec->filter;
	f->enabled = true;
	char *action = string_field(r, sc, "linux.seccomp.", "defaultAction");
	read_action(r, "linux.seccomp.defaultAction", action, &f->default_action);
	free(action);
	f->default_errno = (int)uint_field(r, sc, "linux.seccomp.", "defaultErrnoRet", 4096, EPERM);
	refuse(r, sc, "linux.seccomp.", "listenerPath", "seccomp notification listeners");
	json_object *calls = field(r, sc, "linux.seccomp.", "syscalls", json_type_array);
	size_t n = calls ? json_object_array_length(calls) : 0;
	for (size_t i = 0; i < n && !r->failed; i++) {
		char path[64];
		json_object *rule = object_at(r, calls, "linux.seccomp.syscalls", i, path, sizeof(path));
		if (!rule)
			break;
		struct filter_rule base = {0};
		char *name = string_field(r, rule, path, "action");
		read_action(r, path, name, &base.action);
		free(name);
		base.errno_ret = (int)uint_field(r, rule, path, "errnoRet", 4096, EPERM);
		read_conditions(r, rule, path, &base);
		char **names = strings_field(r, rule, path, "names");
		size_t count = 0;
		while (names && names[count])
			count++;
		struct filter_rule *grown = realloc(f->rules, (f->nrules + count + 1) * sizeof(*grown));
		if (!grown) {
			fail(r, "%s: out of memory", path);
			free_strings(names);
			break;
		}
		f->rules = grown;
		for (size_t k = 0; k < count; k++) {
			int nr = call_number(names[k]);
			if (nr < 0)
				continue; /* another architecture's call, as runc skips it */
			base.nr = (unsigned)nr;
			f->rules[f->nrules++] = base;
		}
		free_strings(names);
	}
	filter_finish(f);
}

/*
 * Only sysctls of namespaces the container has of its own, as runc allows:
 * anything else would change the host.
 */
static void read_sysctls(struct reader *r, json_object *linux_, struct oci_spec *spec)
{
	static const struct {
		const char *prefix;
		int ns;
	} namespaced[] = {
		{"kernel.msgmax", CLONE_NEWIPC}, {"kernel.msgmnb", CLONE_NEWIPC}, {"kernel.msgmni", CLONE_NEWIPC},
		{"kernel.sem", CLONE_NEWIPC}, {"kernel.shmall", CLONE_NEWIPC}, {"kernel.shmmax", CLONE_NEWIPC},
		{"kernel.shmmni", CLONE_NEWIPC}, {"kernel.shm_rmid_forced", CLONE_NEWIPC}, {"fs.mqueue.", CLONE_NEWIPC},
		{"net.", CLONE_NEWNET},
	};
	json_object *v = field(r, linux_, "linux.", "sysctl", json_type_object);
	size_t n = v ? (size_t)json_object_object_length(v) : 0, i = 0;
	spec->sysctls = calloc(n + 1, sizeof(char *));
	if (!v || !spec->sysctls)
		return;
	json_object_object_foreach(v, name, value) {
		if (r->failed)
			break;
		bool allowed = false;
		for (size_t k = 0; k < sizeof(namespaced) / sizeof(namespaced[0]); k++) {
			if (!strncmp(name, namespaced[k].prefix, strlen(namespaced[k].prefix)))
				allowed = spec->namespaces & namespaced[k].ns;
		}
		if (json_object_get_type(value) != json_type_string)
			fail(r, "linux.sysctl.%s: must be a string", name);
		else if (!allowed || strstr(name, "..") || strchr(name, '/'))
			fail(r, "linux.sysctl.%s: not a sysctl of a namespace the container has", name);
		else if (asprintf(&spec->sysctls[i], "%s=%s", name, json_object_get_string(value)) < 0)
			fail(r, "linux.sysctl: out of memory");
		else
			i++;
	}
}

static void read_devices_to_make(struct reader *r, json_object *linux_, struct oci_spec *spec)
{
	json_object *v = field(r, linux_, "linux.", "devices", json_type_array);
	size_t n = v ? json_object_array_length(v) : 0;
	spec->devices = calloc(n + 1, sizeof(*spec->devices));
	for (size_t i = 0; spec->devices && i < n && !r->failed; i++) {
		char path[64];
		json_object *e = object_at(r, v, "linux.devices", i, path, sizeof(path));
		if (!e)
			break;
		struct jail_device *d = &spec->devices[spec->ndevices++];
		d->path = string_field(r, e, path, "path");
		char *type = string_field(r, e, path, "type");
		d->type = type && strlen(type) == 1 && strchr("cbup", type[0]) ? type[0] : 0;
		free(type);
		d->major = (unsigned)uint_field(r, e, path, "major", 1 << 12, 0);
		d->minor = (unsigned)uint_field(r, e, path, "minor", 1 << 20, 0);
		d->mode = (unsigned)uint_field(r, e, path, "fileMode", 07777 + 1, 0666);
		d->uid = (uid_t)uint_field(r, e, path, "uid", UINT32_MAX, 0);
		d->gid = (gid_t)uint_field(r, e, path, "gid", UINT32_MAX, 0);
		if (!r->failed && (!d->path || strncmp(d->path, "/dev/", 5) || strstr(d->path, "/../")))
			fail(r, "%spath: must be a path under /dev/", path);
		else if (!r->failed && !d->type)
			fail(r, "%stype: must be c, b, u or p", path);
	}
}

/* The kernel takes at most this many lines in a map. */
#define ID_MAP_LINES 340

/*
 * linux.uidMappings or gidMappings: required with a new user namespace (its
 * root, 0, mapped: the monitor runs as it), refused without one.
 */
static void read_id_maps(struct reader *r, json_object *linux_, const char *key, struct id_map **out, size_t *n,
			 int namespaces)
{
	json_object *v = field(r, linux_, "linux.", key, json_type_array);
	size_t len = v ? json_object_array_length(v) : 0;
	char name[32];
	snprintf(name, sizeof(name), "linux.%s", key);
	if (!(namespaces & CLONE_NEWUSER)) {
		if (len)
			fail(r, "%s: needs a new user namespace in linux.namespaces", name);
		return;
	}
	if (!len || len > ID_MAP_LINES) {
		fail(r, "%s: a new user namespace needs 1 to %d mappings", name, ID_MAP_LINES);
		return;
	}
	*out = calloc(len, sizeof(**out));
	for (size_t i = 0; *out && i < len && !r->failed; i++) {
		char path[64];
		json_object *e = object_at(r, v, name, i, path, sizeof(path));
		if (!e)
			break;
		(*out)[i] = (struct id_map){.inside = (uint32_t)uint_field(r, e, path, "containerID", UINT32_MAX, 0),
					    .outside = (uint32_t)uint_field(r, e, path, "hostID", UINT32_MAX, 0),
					    .count = (uint32_t)uint_field(r, e, path, "size", (int64_t)UINT32_MAX + 1, 0)};
		if (!r->failed && !(*out)[i].count)
			fail(r, "%ssize: must be at least 1", path);
		*n = i + 1;
	}
	if (!r->failed && userns_outside_id(*out, *n, 0) < 0)
		fail(r, "%s: must map id 0, the namespace's root", name);
}

static void read_linux(struct reader *r, json_object *config, struct oci_spec *spec)
{
	json_object *linux_ = field(r, config, "", "linux", json_type_object);
	read_namespaces(r, linux_, spec);
	read_devices_to_make(r, linux_, spec);
	refuse(r, linux_, "linux.", "mountLabel", "SELinux mount labels");
	read_id_maps(r, linux_, "uidMappings", &spec->id_maps.uid, &spec->id_maps.nuid, spec->namespaces);
	read_id_maps(r, linux_, "gidMappings", &spec->id_maps.gid, &spec->id_maps.ngid, spec->namespaces);
	read_resources(r, linux_, spec);
	spec->cgroups_path = string_field(r, linux_, "linux.", "cgroupsPath");
	read_seccomp(r, linux_, spec);
	read_sysctls(r, linux_, spec);
	refuse(r, linux_, "linux.", "intelRdt", "Intel RDT settings");
	refuse(r, linux_, "linux.", "personality", "personalities");
	/* /proc is emulated and shows none of the host's own files; /sys is the rootfs's. */
	json_object *masked = field(r, linux_, "linux.", "maskedPaths", json_type_array);
	json_object *readonly = field(r, linux_, "linux.", "readonlyPaths", json_type_array);
	for (int pass = 0; pass < 2; pass++) {
		json_object *list = pass ? readonly : masked;
		for (size_t i = 0; list && i < json_object_array_length(list) && !r->failed; i++) {
			const char *p = json_object_get_string(json_object_array_get_idx(list, i));
			if (!p || (strncmp(p, "/proc/", 6) && strncmp(p, "/sys/", 5)))
				fail(r, "linux.%s[%zu]: only paths under /proc and /sys are served", pass ? "readonlyPaths" : "maskedPaths", i);
		}
	}
}

/* The whole file, parsed; on a syntax error, where it is (line and column) and what. */
static json_object *parse_file(const char *path, const char *name, char *why, size_t why_size)
{
	FILE *f = fopen(path, "r");
	if (!f) {
		snprintf(why, why_size, "%s: %s", name, strerror(errno));
		return NULL;
	}
	char *text = NULL;
	size_t size = 0;
	FILE *mem = open_memstream(&text, &size);
	char buf[65536];
	for (size_t n; mem && (n = fread(buf, 1, sizeof(buf), f)) > 0;)
		fwrite(buf, 1, n, mem);
	fclose(f);
	if (!mem || fclose(mem) != 0) {
		snprintf(why, why_size, "%s: out of memory", name);
		free(text);
		return NULL;
	}
	json_tokener *tok = json_tokener_new();
	if (!tok) {
		snprintf(why, why_size, "%s: out of memory", name);
		free(text);
		return NULL;
	}
	json_object *obj = json_tokener_parse_ex(tok, text, (int)size);
	enum json_tokener_error err = json_tokener_get_error(tok);
	if (obj && err == json_tokener_success && json_tokener_get_parse_end(tok) < size) {
		json_object_put(obj); /* something after the object */
		obj = NULL;
		err = json_tokener_error_parse_unexpected;
	}
	if (!obj) {
		size_t end = json_tokener_get_parse_end(tok), line = 1, column = 1;
		for (size_t i = 0; i < end && i < size; i++, column++) {
			if (text[i] == '\n') {
				line++;
				column = 0;
			}
		}
		snprintf(why, why_size, "%s: not valid JSON at line %zu, column %zu: %s", name, line, column,
			 err == json_tokener_continue ? "unexpected end of data" : json_tokener_error_desc(err));
	}
	json_tokener_free(tok);
	free(text);
	return obj;
}

static void read_hooks(struct reader *r, json_object *config, struct oci_spec *spec)
{
	json_object *hooks = field(r, config, "", "hooks", json_type_object);
	for (int k = 0; hooks && k < HOOK_KINDS && !r->failed; k++) {
		json_object *list = field(r, hooks, "hooks.", oci_hook_name(k), json_type_array);
		size_t n = list ? json_object_array_length(list) : 0;
		spec->hooks.list[k] = calloc(n + 1, sizeof(struct oci_hook));
		for (size_t i = 0; spec->hooks.list[k] && i < n && !r->failed; i++) {
			char name[32], path[64];
			snprintf(name, sizeof(name), "hooks.%s", oci_hook_name(k));
			json_object *e = object_at(r, list, name, i, path, sizeof(path));
			if (!e)
				break;
			struct oci_hook *h = &spec->hooks.list[k][spec->hooks.n[k]++];
			h->path = string_field(r, e, path, "path");
			h->args = strings_field(r, e, path, "args");
			h->env = strings_field(r, e, path, "env");
			h->timeout = (int)uint_field(r, e, path, "timeout", INT32_MAX, 0);
			if (!r->failed && (!h->path || h->path[0] != '/'))
				fail(r, "%spath: must be an absolute path", path);
			else if (!r->failed && json_object_object_get_ex(e, "timeout", NULL) && h->timeout == 0)
				fail(r, "%stimeout: must be above zero", path);
		}
	}
}

int oci_spec_load(const char *bundle, struct oci_spec *spec, char *why, size_t why_size)
{
	*spec = (struct oci_spec){.umask = -1, .limits = no_limits};
	struct reader r = {.file = "config.json", .why = why, .why_size = why_size};
	char resolved[PATH_MAX], path[PATH_MAX + 16];
	if (!realpath(bundle, resolved)) {
		snprintf(why, why_size, "bundle %s: %s", bundle, strerror(errno));
		return -1;
	}
	spec->bundle = strdup(resolved);
	snprintf(path, sizeof(path), "%s/config.json", resolved);
	json_object *config = parse_file(path, "config.json", why, why_size);
	if (!config) {
		oci_spec_free(spec);
		return -1;
	}
	if (json_object_get_type(config) != json_type_object)
		fail(&r, "must hold a JSON object");
	char *version = string_field(&r, config, "", "ociVersion");
	if (!r.failed && (!version || strncmp(version, "1.", 2)))
		fail(&r, "ociVersion: \"%s\" is not a 1.x runtime-spec version", version ? version : "");
	free(version);
	if (!r.failed)
		read_root(&r, config, spec);
	if (!r.failed)
		read_process(&r, config, spec);
	spec->hostname = r.failed ? NULL : string_field(&r, config, "", "hostname");
	refuse(&r, config, "", "domainname", "domain names");
	if (!r.failed)
		read_mounts(&r, config, spec);
	if (!r.failed)
		read_linux(&r, config, spec);
	if (!r.failed)
		read_hooks(&r, config, spec);
	json_object *annotations = field(&r, config, "", "annotations", json_type_object);
	spec->annotations_json = strdup(annotations ? json_object_to_json_string_ext(annotations, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE) : "{}");
	json_object_put(config);
	if (r.failed) {
		oci_spec_free(spec);
		return -1;
	}
	return 0;
}

/* The process part of a spec, freed for another to take its place. */
static void free_process(struct oci_spec *spec)
{
	free_strings(spec->args);
	free_strings(spec->env);
	free(spec->cwd);
	free(spec->groups);
	free(spec->id_maps.uid);
	free(spec->id_maps.gid);
	free(spec->rlimits);
	spec->args = spec->env = NULL;
	spec->cwd = NULL;
	spec->groups = NULL;
	spec->rlimits = NULL;
	spec->ngroups = spec->nrlimits = 0;
	spec->has_caps = false;
	spec->caps = (struct cap_sets){0};
	spec->umask = -1;
}

int oci_process_load(const char *path, struct oci_spec *spec, char *why, size_t why_size)
{
	json_object *process = parse_file(path, "process.json", why, why_size);
	if (!process)
		return -1;
	json_object *wrapper = json_object_new_object();
	json_object_object_add(wrapper, "process", process);
	struct reader r = {.file = "process.json", .why = why, .why_size = why_size};
	free_process(spec);
	read_process(&r, wrapper, spec);
	json_object_put(wrapper);
	return r.failed ? -1 : 0;
}

void oci_spec_free(struct oci_spec *spec)
{
	free(spec->bundle);
	free(spec->root);
	free_process(spec);
	free(spec->hostname);
	free(spec->cgroups_path);
	for (size_t i = 0; i < spec->ndevices; i++)
		free(spec->devices[i].path);
	free(spec->devices);
	oci_hooks_free(&spec->hooks);
	free(spec->pid_path);
	for (size_t i = 0; i < spec->njoins; i++)
		free((char *)spec->joins[i].path);
	free_strings(spec->sysctls);
	free(spec->filter.rules);
	cgroup_limits_free(&spec->limits);
	for (size_t i = 0; i < spec->nmounts; i++)
		jail_mount_free(&spec->mounts[i]);
	free(spec->mounts);
	free(spec->annotations_json);
	*spec = (struct oci_spec){.umask = -1, .limits = no_limits};
}

const char *oci_spec_default(void)
{
	return "{\n"
	       "\t\"ociVersion\": \"1.0.2\",\n"
	       "\t\"process\": {\n"
	       "\t\t\"terminal\": false,\n"
	       "\t\t\"user\": {\"uid\": 0, \"gid\": 0},\n"
	       "\t\t\"args\": [\"sh\"],\n"
	       "\t\t\"env\": [\"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin\", \"TERM=xterm\"],\n"
	       "\t\t\"cwd\": \"/\",\n"
	       "\t\t\"noNewPrivileges\": true\n"
	       "\t},\n"
	       "\t\"root\": {\"path\": \"rootfs\", \"readonly\": true},\n"
	       "\t\"hostname\": \"airlock\",\n"
	       "\t\"mounts\": [\n"
	       "\t\t{\"destination\": \"/proc\", \"type\": \"proc\", \"source\": \"proc\"}\n"
	       "\t],\n"
	       "\t\"linux\": {\n"
	       "\t\t\"namespaces\": [{\"type\": \"pid\"}, {\"type\": \"network\"}, {\"type\": \"ipc\"}, {\"type\": \"uts\"}, {\"type\": \"mount\"}]\n"
	       "\t}\n"
	       "}\n";
}
