// SPDX-License-Identifier: Apache-2.0
// docker's isolation flags as an OCI bundle (see run_isolated.h).
#include "cli/run_isolated.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include "image/unpack.h"
#include "net/network.h"
#include "oci/container.h"
#include "util/log.h"
#include "vm/kvm.h"
#include "util/tree.h"

/* docker's sizes: a number with an optional b, k, m or g (powers of 1024). */
static int64_t parse_size(const char *s)
{
	char *end;
	errno = 0;
	double v = strtod(s, &end);
	int shift = !*end ? 0 : strchr("bB", *end) ? 0 : strchr("kK", *end) ? 10 : strchr("mM", *end) ? 20
		  : strchr("gG", *end) ? 30 : -1;
	if (errno || end == s || v <= 0 || shift < 0 || (*end && end[1]))
		return -1;
	return (int64_t)(v * (double)(1LL << shift));
}

/* -p [[ADDRESS:]HOST:]CONTAINER[/tcp|/udp]: HOST defaults to CONTAINER, as a fixed port (docker picks a random one). */
static int publish_option(struct isolation *iso, const char *value)
{
	if (iso->nports == LEASE_MAX_PORTS) {
		log_error("run: at most %d of -p", LEASE_MAX_PORTS);
		return -1;
	}
	if (port_parse_publish(value, &iso->ports[iso->nports]) < 0) {
		log_error("run: -p %s: expected [[IPV4_ADDRESS:]HOST_PORT:]CONTAINER_PORT[/tcp|/udp]", value);
		return -1;
	}
	iso->nports++;
	iso->wanted = true;
	return 1;
}

int isolation_option(struct isolation *iso, const char *option, const char *value)
{
	char *end;
	if (!strcmp(option, "name")) {
		iso->name = value;
	} else if (!strcmp(option, "hostname")) {
		iso->hostname = value;
	} else if (!strcmp(option, "memory")) {
		if ((iso->memory = parse_size(value)) < 0) {
			log_error("run: --memory %s: not a size (like 64m)", value);
			return -1;
		}
	} else if (!strcmp(option, "cpus")) {
		double cpus = strtod(value, &end);
		if (*end || cpus <= 0 || cpus > 1024) {
			log_error("run: --cpus %s: not a number of CPUs", value);
			return -1;
		}
		iso->cpu_quota = (int64_t)(cpus * 100000);
	} else if (!strcmp(option, "pids-limit")) {
		iso->pids = strtoll(value, &end, 10);
		if (*end || iso->pids <= 0) {
			log_error("run: --pids-limit %s: not a positive number", value);
			return -1;
		}
	} else if (!strcmp(option, "detach")) {
		iso->detach = true;
	} else if (!strcmp(option, "read-only")) {
		iso->read_only = true;
	} else if (!strcmp(option, "network")) {
		static const struct {
			const char *name;
			int mode;
		} modes[] = {{"host", NETWORK_MODE_HOST}, {"none", NETWORK_MODE_NONE}, {"default", NETWORK_MODE_DEFAULT},
			     {"bridge", NETWORK_MODE_DEFAULT} /* docker's name for it */, {"slirp4netns", NETWORK_MODE_SLIRP}};
		size_t i = 0;
		while (i < sizeof(modes) / sizeof(modes[0]) && strcmp(value, modes[i].name))
			i++;
		if (i == sizeof(modes) / sizeof(modes[0])) {
			log_error("run: --network %s: expected none, host, default (or bridge) or slirp4netns", value);
			return -1;
		}
		iso->network = modes[i].mode;
		iso->network_given = true;
	} else if (!strcmp(option, "publish")) {
		return publish_option(iso, value);
	} else if (!strcmp(option, "volume") || !strcmp(option, "tmpfs")) {
		bool volume = option[0] == 'v';
		int *n = volume ? &iso->nvolumes : &iso->ntmpfs;
		if (*n == ISOLATION_MAX_MOUNTS) {
			log_error("run: at most %d of --%s", ISOLATION_MAX_MOUNTS, option);
			return -1;
		}
		(volume ? iso->volumes : iso->tmpfs)[(*n)++] = value;
	} else {
		return 0;
	}
	iso->wanted = true;
	return 1;
}

static json_object *strings(char **v)
{
	json_object *a = json_object_new_array();
	for (size_t i = 0; v && v[i]; i++)
		json_object_array_add(a, json_object_new_string(v[i]));
	return a;
}

static json_object *mount_entry(const char *destination, const char *type, const char *source, const char *options)
{
	json_object *m = json_object_new_object(), *opts = json_object_new_array();
	json_object_object_add(m, "destination", json_object_new_string(destination));
	json_object_object_add(m, "type", json_object_new_string(type));
	json_object_object_add(m, "source", json_object_new_string(source));
	char copy[256];
	snprintf(copy, sizeof(copy), "%s", options);
	for (char *save = NULL, *o = strtok_r(copy, ",", &save); o; o = strtok_r(NULL, ",", &save))
		json_object_array_add(opts, json_object_new_string(o));
	json_object_object_add(m, "options", opts);
	return m;
}

/* The mounts every container gets (runc's default spec), then -v and --tmpfs. */
static json_object *mounts(const struct isolation *iso)
{
	json_object *a = json_object_new_array();
	json_object_array_add(a, mount_entry("/proc", "proc", "proc", ""));
	json_object_array_add(a, mount_entry("/dev", "tmpfs", "tmpfs", "nosuid,strictatime,mode=755,size=65536k"));
	/* Rootless, gid 5 (tty) is not mapped: the pty keeps the caller's group, as under rootless runc. */
	json_object_array_add(a, mount_entry("/dev/pts", "devpts", "devpts",
					     iso->rootless ? "nosuid,noexec,newinstance,ptmxmode=0666,mode=0620"
							   : "nosuid,noexec,newinstance,ptmxmode=0666,mode=0620,gid=5"));
	json_object_array_add(a, mount_entry("/dev/shm", "tmpfs", "shm", "nosuid,noexec,nodev,mode=1777,size=65536k"));
	json_object_array_add(a, mount_entry("/dev/mqueue", "mqueue", "mqueue", "nosuid,noexec,nodev"));
	if (iso->rootless && iso->network == NETWORK_MODE_HOST) /* a sysfs mount needs a network namespace of our own */
		json_object_array_add(a, mount_entry("/sys", "bind", "/sys", "rbind,nosuid,noexec,nodev,ro"));
	else
		json_object_array_add(a, mount_entry("/sys", "sysfs", "sysfs", "nosuid,noexec,nodev,ro"));
	if (!iso->rootless) /* a cgroup mount needs a cgroup of the container's own */
		json_object_array_add(a, mount_entry("/sys/fs/cgroup", "cgroup", "cgroup", "nosuid,noexec,nodev,relatime,ro"));
	for (int i = 0; i < iso->nvolumes; i++) { /* checked by check_volumes */
		char source[4096], destination[4096], mode[8] = "rw";
		sscanf(iso->volumes[i], "%4095[^:]:%4095[^:]:%7s", source, destination, mode);
		json_object_array_add(a, mount_entry(destination, "bind", source, !strcmp(mode, "ro") ? "rbind,ro" : "rbind"));
	}
	for (int i = 0; i < iso->ntmpfs; i++)
		json_object_array_add(a, mount_entry(iso->tmpfs[i], "tmpfs", "tmpfs", "nosuid,nodev,mode=1777"));
	return a;
}

/* -v's own checks: SRC:DST[:ro|rw] with both absolute, and SRC there. */
static int check_volumes(const struct isolation *iso)
{
	for (int i = 0; i < iso->nvolumes; i++) {
		char source[4096], destination[4096], mode[8] = "rw";
		int fields = sscanf(iso->volumes[i], "%4095[^:]:%4095[^:]:%7s", source, destination, mode);
		struct stat st;
		if (fields < 2 || source[0] != '/' || destination[0] != '/' || (strcmp(mode, "ro") && strcmp(mode, "rw"))) {
			log_error("run: -v %s: expected /HOST/PATH:/CONTAINER/PATH[:ro]", iso->volumes[i]);
			return -1;
		}
		if (stat(source, &st) < 0) {
			log_error("run: -v %s: %s: %s", iso->volumes[i], source, strerror(errno));
			return -1;
		}
	}
	for (int i = 0; i < iso->ntmpfs; i++) {
		if (iso->tmpfs[i][0] != '/') {
			log_error("run: --tmpfs %s: must be an absolute path", iso->tmpfs[i]);
			return -1;
		}
	}
	return 0;
}

/* [{containerID 0, hostID id, size 1}] */
static json_object *id_mapping(unsigned id)
{
	json_object *a = json_object_new_array(), *m = json_object_new_object();
	json_object_object_add(m, "containerID", json_object_new_int(0));
	json_object_object_add(m, "hostID", json_object_new_int64(id));
	json_object_object_add(m, "size", json_object_new_int(1));
	json_object_array_add(a, m);
	return a;
}

static json_object *config(const struct isolation *iso, const char *root, char **argv, char **env, const char *cwd,
			   uid_t uid, gid_t gid)
{
	json_object *c = json_object_new_object(), *process = json_object_new_object(), *user = json_object_new_object();
	json_object *r = json_object_new_object(), *linux_ = json_object_new_object(), *ns = json_object_new_array();
	json_object_object_add(c, "ociVersion", json_object_new_string("1.0.2"));
	json_object_object_add(user, "uid", json_object_new_int64(uid));
	json_object_object_add(user, "gid", json_object_new_int64(gid));
	json_object_object_add(process, "user", user);
	json_object_object_add(process, "args", strings(argv));
	json_object_object_add(process, "env", strings(env));
	json_object_object_add(process, "cwd", json_object_new_string(cwd ? cwd : "/"));
	json_object_object_add(c, "process", process);
	json_object_object_add(r, "path", json_object_new_string(root));
	json_object_object_add(r, "readonly", json_object_new_boolean(iso->read_only));
	json_object_object_add(c, "root", r);
	if (iso->hostname)
		json_object_object_add(c, "hostname", json_object_new_string(iso->hostname));
	json_object_object_add(c, "mounts", mounts(iso));
	static const char *const types[] = {"pid", "ipc", "uts", "mount", "network"};
	for (size_t i = 0; i < sizeof(types) / sizeof(types[0]) - (iso->network == NETWORK_MODE_HOST); i++) {
		json_object *n = json_object_new_object();
		json_object_object_add(n, "type", json_object_new_string(types[i]));
		json_object_array_add(ns, n);
	}
	if (iso->rootless) { /* the caller is the container's root, and nobody else exists there */
		json_object *n = json_object_new_object();
		json_object_object_add(n, "type", json_object_new_string("user"));
		json_object_array_add(ns, n);
		json_object_object_add(linux_, "uidMappings", id_mapping(geteuid()));
		json_object_object_add(linux_, "gidMappings", id_mapping(getegid()));
	}
	json_object_object_add(linux_, "namespaces", ns);
	if (iso->memory > 0 || iso->cpu_quota > 0 || iso->pids > 0) {
		json_object *res = json_object_new_object(), *o;
		if (iso->memory > 0) {
			json_object_object_add(res, "memory", o = json_object_new_object());
			json_object_object_add(o, "limit", json_object_new_int64(iso->memory));
		}
		if (iso->cpu_quota > 0) {
			json_object_object_add(res, "cpu", o = json_object_new_object());
			json_object_object_add(o, "quota", json_object_new_int64(iso->cpu_quota));
			json_object_object_add(o, "period", json_object_new_int64(100000));
		}
		if (iso->pids > 0) {
			json_object_object_add(res, "pids", o = json_object_new_object());
			json_object_object_add(o, "limit", json_object_new_int64(iso->pids));
		}
		json_object_object_add(linux_, "resources", res);
	}
	json_object_object_add(c, "linux", linux_);
	json_object *notes = json_object_new_object();
	char command[1024] = "";
	for (size_t i = 0, n = 0; argv[i] && n < sizeof(command); i++)
		n += (size_t)snprintf(command + n, sizeof(command) - n, "%s%s", i ? " " : "", argv[i]);
	json_object_object_add(notes, "airlock.command", json_object_new_string(command));
	json_object_object_add(notes, "airlock.image", json_object_new_string(iso->image ? iso->image : ""));
	json_object_object_add(notes, "airlock.layer", json_object_new_string(iso->layer ? iso->layer : ""));
	json_object_object_add(c, "annotations", notes);
	return c;
}

/* airlock --root ROOT network VERB [--slirp4netns [PROTO:ADDRESS:HOST:CTR...]] */
static json_object *hook(const char *self, const char *root, const char *verb, const struct isolation *iso)
{
	json_object *h = json_object_new_object(), *args = json_object_new_array();
	json_object_object_add(h, "path", json_object_new_string(self));
	const char *v[] = {"airlock", "--root", root, "network", verb};
	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++)
		json_object_array_add(args, json_object_new_string(v[i]));
	if (iso->network == NETWORK_MODE_SLIRP && verb[0] == 'a') {
		json_object_array_add(args, json_object_new_string("--slirp4netns"));
		for (int i = 0; i < iso->nports; i++) {
			char port[PORT_TEXT_MAX];
			port_format(&iso->ports[i], port);
			json_object_array_add(args, json_object_new_string(port));
		}
	}
	json_object_object_add(h, "args", args);
	json_object_object_add(h, "timeout", json_object_new_int(30));
	return h;
}

/*
 * The default and slirp4netns networks, as a CNI plugin would do them: the
 * container's address taken now (its hosts and resolv.conf, bound over the
 * image's, need it), the namespace wired by a createRuntime hook once it
 * exists, unwired by a poststop hook. 0, or -1 after logging.
 */
static int plan_network(const struct cli_globals *gl, const struct isolation *iso, const char *cid, const char *bundle,
			json_object *c)
{
	struct lease l = {.nports = iso->nports};
	snprintf(l.id, sizeof(l.id), "%s", cid);
	memcpy(l.ports, iso->ports, sizeof(iso->ports));
	char self[4096];
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	if (n < 0) {
		log_error("run: /proc/self/exe: %s", strerror(errno));
		return -1;
	}
	self[n] = 0;
	const char *resolver = NULL;
	if (iso->network == NETWORK_MODE_SLIRP) { /* its fixed addresses; it serves DNS itself */
		inet_pton(AF_INET, "10.0.2.100", &l.addr);
		resolver = "10.0.2.3";
	} else if (network_plan(gl->root, &l) < 0) {
		return -1;
	}
	if (network_write_etc(bundle, iso->hostname ? iso->hostname : cid, l.addr, resolver) < 0)
		return -1;
	if (!iso->hostname) /* as docker: the container's name for itself is its id, which hosts names */
		json_object_object_add(c, "hostname", json_object_new_string(cid));
	json_object *mounts, *hooks = json_object_new_object(), *list;
	json_object_object_get_ex(c, "mounts", &mounts);
	for (const char *const *f = (const char *const[]){"hosts", "resolv.conf", NULL}; *f; f++) {
		char source[4200], destination[64];
		snprintf(source, sizeof(source), "%s/%s", bundle, *f);
		snprintf(destination, sizeof(destination), "/etc/%s", *f);
		json_object_array_add(mounts, mount_entry(destination, "bind", source, iso->read_only ? "bind,ro" : "bind"));
	}
	json_object_object_add(hooks, "createRuntime", list = json_object_new_array());
	json_object_array_add(list, hook(self, gl->root, "attach", iso));
	json_object_object_add(hooks, "poststop", list = json_object_new_array());
	json_object_array_add(list, hook(self, gl->root, "detach", iso));
	json_object_object_add(c, "hooks", hooks);
	return 0;
}

/* A detached container's stdio: no input, its output into bundle/log. The caller's stdout is returned. */
static int detach_stdio(const char *bundle)
{
	char log[4200];
	snprintf(log, sizeof(log), "%s/log", bundle);
	int out = fcntl(STDOUT_FILENO, F_DUPFD_CLOEXEC, 3);
	int fd = open(log, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600), in = open("/dev/null", O_RDONLY | O_CLOEXEC);
	int err = out < 0 || fd < 0 || in < 0 || dup2(in, STDIN_FILENO) < 0 || dup2(fd, STDOUT_FILENO) < 0 ||
		  dup2(fd, STDERR_FILENO) < 0;
	if (fd >= 0)
		close(fd);
	if (in >= 0)
		close(in);
	return err ? -1 : out;
}

int run_isolated(const struct cli_globals *gl, const struct isolation *iso, const char *root, char **argv,
		 char **env, const char *cwd, uid_t uid, gid_t gid, const char *work_dir)
{
	if (check_volumes(iso) < 0)
		return EXIT_AIRLOCK_FAILED;
	if (iso->rootless && (uid || gid)) {
		log_error("run: -u %u:%u: without root, only the container's root (the caller) exists", (unsigned)uid,
			  (unsigned)gid);
		return EXIT_AIRLOCK_FAILED;
	}
	char bundle[4096], path[4200], id[32];
	unsigned char random[6];
	if (getrandom(random, sizeof(random), 0) != sizeof(random))
		return EXIT_AIRLOCK_FAILED;
	snprintf(id, sizeof(id), "%02x%02x%02x%02x%02x%02x", random[0], random[1], random[2], random[3], random[4],
		 random[5]);
	const char *cid = iso->name ? iso->name : id;
	if (iso->detach)
		snprintf(bundle, sizeof(bundle), "%s/%s", iso->containers_dir, cid);
	else
		snprintf(bundle, sizeof(bundle), "%s/bundle-XXXXXX", work_dir);
	if (iso->detach ? mkdir(bundle, 0700) < 0 : !mkdtemp(bundle)) {
		log_error("run: a bundle at %s: %s", bundle, errno == EEXIST ? "the name is taken" : strerror(errno));
		return EXIT_AIRLOCK_FAILED;
	}
	json_object *c = config(iso, root, argv, env, cwd, uid, gid);
	snprintf(path, sizeof(path), "%s/config.json", bundle);
	bool wired = iso->network == NETWORK_MODE_DEFAULT || iso->network == NETWORK_MODE_SLIRP;
	int status = wired && plan_network(gl, iso, cid, bundle, c) < 0 ? EXIT_AIRLOCK_FAILED : 0;
	if (!status && json_object_to_file(path, c) < 0) {
		log_error("run: writing %s", path);
		status = EXIT_AIRLOCK_FAILED;
	}
	json_object_put(c);
	struct oci_create_options o = {.root = gl->root, .id = cid, .bundle = bundle, .systemd_cgroup = gl->systemd_cgroup};
	int err_to = iso->detach ? fcntl(STDERR_FILENO, F_DUPFD_CLOEXEC, 3) : -1; /* airlock's errors: the caller's */
	int out = !status && iso->detach ? detach_stdio(bundle) : -1;
	if (iso->detach && out < 0 && !status) {
		log_error("run: the container's log in %s: %s", bundle, strerror(errno));
		status = EXIT_AIRLOCK_FAILED;
	}
	if (!status)
		status = oci_run(&o, iso->detach, false);
	if (out >= 0 && !status)
		dprintf(out, "%s\n", cid);
	char log[4200];
	snprintf(log, sizeof(log), "%s/log", bundle);
	if (err_to >= 0 && status) { /* what went wrong went into the log: it goes to the caller */
		int fd = open(log, O_RDONLY | O_CLOEXEC);
		char buf[4096];
		for (ssize_t n; fd >= 0 && (n = read(fd, buf, sizeof(buf))) > 0;)
			if (write(err_to, buf, (size_t)n) != n)
				break;
		if (fd >= 0)
			close(fd);
	}
	if (status || !iso->detach) { /* a detached one's stay until rm */
		if (wired)
			network_detach(gl->root, cid); /* done by the poststop hook, unless the run failed before */
		tree_remove(bundle);
	}
	return status;
}

int isolation_settle(struct isolation *iso)
{
	/* Without root, chroot and the namespaces need a user namespace: every run is then an OCI one. */
	iso->rootless = geteuid() != 0;
	if (iso->nports && !iso->network_given) /* as docker: publishing means a network of the container's own */
		iso->network = iso->rootless ? NETWORK_MODE_SLIRP : NETWORK_MODE_DEFAULT;
	if (iso->rootless && iso->network == NETWORK_MODE_DEFAULT) {
		log_error("run: --network default needs root (its bridge and NAT are the host's); use --network slirp4netns");
		return -1;
	}
	if (iso->rootless && (iso->memory > 0 || iso->cpu_quota > 0 || iso->pids > 0)) {
		log_error("run: --memory, --cpus and --pids-limit need root (a cgroup of the container's own)");
		return -1;
	}
	if (iso->rootless) {
		/* Said first and plainly: the user namespace set up before it would fail in less clear ways. */
		int err = kvm_check_access();
		if (err) {
			log_error("/dev/kvm: %s (without root, the user needs read and write access to it)", strerror(-err));
			return -1;
		}
		iso->wanted = true;
	}
	if (iso->nports && iso->network != NETWORK_MODE_DEFAULT && iso->network != NETWORK_MODE_SLIRP) {
		log_error("run: -p publishes ports on the default or slirp4netns network, not with --network %s",
			  iso->network == NETWORK_MODE_HOST ? "host" : "none");
		return -1;
	}
	if (iso->network != NETWORK_MODE_HOST)
		iso->wanted = true;
	return 0;
}
