// SPDX-License-Identifier: Apache-2.0
// Registry pulls over libcurl (see registry.h).
#include "image/registry.h"

#include <curl/curl.h>
#include <errno.h>
#include <fcntl.h>
#include <json-c/json.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define ACCEPT_MANIFESTS                                                                                             \
	"Accept: application/vnd.oci.image.index.v1+json, application/vnd.oci.image.manifest.v1+json, "            \
	"application/vnd.docker.distribution.manifest.list.v2+json, "                                               \
	"application/vnd.docker.distribution.manifest.v2+json"
#define MAX_MANIFEST (4 << 20)

int image_ref_parse(const char *ref, struct image_ref *out)
{
	*out = (struct image_ref){0};
	char rest[1024];
	if (!*ref || snprintf(rest, sizeof(rest), "%s", ref) >= (int)sizeof(rest))
		return -1;
	char *at = strchr(rest, '@');
	if (at) {
		*at++ = 0;
		if (!digest_valid(at))
			return -1;
		snprintf(out->digest, sizeof(out->digest), "%s", at);
	}
	/* The first component is a registry if it looks like a host: a dot, a port, or localhost. */
	char *slash = strchr(rest, '/'), *name = rest;
	if (slash && (memchr(rest, '.', (size_t)(slash - rest)) || memchr(rest, ':', (size_t)(slash - rest)) ||
		      !strncmp(rest, "localhost/", 10))) {
		snprintf(out->registry, sizeof(out->registry), "%.*s", (int)(slash - rest), rest);
		name = slash + 1;
	} else {
		snprintf(out->registry, sizeof(out->registry), "docker.io");
	}
	char *colon = strrchr(name, ':');
	if (colon) {
		*colon++ = 0;
		snprintf(out->tag, sizeof(out->tag), "%s", colon);
	} else if (!*out->digest) {
		snprintf(out->tag, sizeof(out->tag), "latest");
	}
	bool library = !strcmp(out->registry, "docker.io") && !strchr(name, '/');
	if (snprintf(out->name, sizeof(out->name), "%s%.500s", library ? "library/" : "", name) >= (int)sizeof(out->name) ||
	    strlen(name) > 500)
		return -1;
	/* Repository names: lowercase letters, digits and separators, as the distribution spec allows. */
	for (const char *c = out->name; *c; c++)
		if (!((*c >= 'a' && *c <= 'z') || (*c >= '0' && *c <= '9') || strchr("._-/", *c)))
			return -1;
	for (const char *c = out->tag; *c; c++)
		if (!((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') || (*c >= '0' && *c <= '9') || strchr("._-", *c)))
			return -1;
	return *out->name && out->name[strlen(out->name) - 1] != '/' ? 0 : -1;
}

struct pull {
	struct store *s;
	const struct pull_options *o;
	struct image_ref ref;
	char base[1024];    /* scheme://registry/v2/name */
	char auth[4096];    /* an Authorization header once one is known */
	char *why;
	size_t why_size;
};

static int fail(struct pull *p, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(p->why, p->why_size, fmt, ap);
	va_end(ap);
	return -1;
}

/* What one request brought back. */
struct response {
	long status;
	char *body; /* in memory: manifests and tokens */
	size_t len, max;
	FILE *to;   /* or into a file: blobs */
	struct digest_ctx *digest;
	char challenge[1024]; /* WWW-Authenticate */
	char type[256];       /* Content-Type */
	const struct pull *p;
	const char *label;
	double done, total;
};

static size_t on_body(char *data, size_t size, size_t n, void *arg)
{
	struct response *r = arg;
	size_t len = size * n;
	if (r->to) {
		if (r->status >= 200 && r->status < 300) { /* an error's body is not the blob */
			if (fwrite(data, 1, len, r->to) != len)
				return 0;
			digest_update(r->digest, data, len);
		}
		return len;
	}
	if (r->len + len > r->max)
		return 0; /* larger than any manifest: refused */
	char *grown = realloc(r->body, r->len + len + 1);
	if (!grown)
		return 0;
	r->body = grown;
	memcpy(r->body + r->len, data, len);
	r->body[r->len += len] = 0;
	return len;
}

static size_t on_header(char *line, size_t size, size_t n, void *arg)
{
	struct response *r = arg;
	size_t len = size * n;
	char copy[1100];
	snprintf(copy, sizeof(copy), "%.*s", (int)(len < 1099 ? len : 1099), line);
	copy[strcspn(copy, "\r\n")] = 0;
	if (!strncmp(copy, "HTTP/", 5)) { /* a new response (after a redirect): its status */
		sscanf(copy, "HTTP/%*s %ld", &r->status);
		r->challenge[0] = 0;
	} else if (!strncasecmp(copy, "WWW-Authenticate:", 17)) {
		snprintf(r->challenge, sizeof(r->challenge), "%s", copy + 17 + strspn(copy + 17, " "));
	} else if (!strncasecmp(copy, "Content-Type:", 13)) {
		snprintf(r->type, sizeof(r->type), "%s", copy + 13 + strspn(copy + 13, " "));
		r->type[strcspn(r->type, ";")] = 0;
	}
	return len;
}

static int on_progress(void *arg, curl_off_t total, curl_off_t now, curl_off_t up_total, curl_off_t up_now)
{
	(void)up_total;
	(void)up_now;
	struct response *r = arg;
	if (r->label && r->p->o->progress && total > 0) {
		fprintf(stderr, "\r%.19s: %6.1f / %.1f MB", r->label, (r->done + (double)now) / 1e6,
			(r->done + (double)total) / 1e6);
		fflush(stderr);
	}
	return 0;
}

/* One GET; headers beyond the defaults in extra (may be NULL). */
static int get(struct pull *p, const char *url, struct curl_slist *extra, struct response *r)
{
	CURL *c = curl_easy_init();
	if (!c)
		return fail(p, "out of memory");
	struct curl_slist *headers = NULL;
	for (struct curl_slist *h = extra; h; h = h->next)
		headers = curl_slist_append(headers, h->data);
	if (*p->auth)
		headers = curl_slist_append(headers, p->auth);
	r->p = p;
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, r);
	curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
	curl_easy_setopt(c, CURLOPT_HEADERDATA, r);
	curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 1L); /* blobs may live elsewhere; curl drops our auth there */
	curl_easy_setopt(c, CURLOPT_MAXREDIRS, 5L);
	curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(c, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, 30L);
	curl_easy_setopt(c, CURLOPT_LOW_SPEED_LIMIT, 1L); /* a stalled transfer ends: a minute without a byte */
	curl_easy_setopt(c, CURLOPT_LOW_SPEED_TIME, 60L);
	curl_easy_setopt(c, CURLOPT_USERAGENT, "airlock");
	curl_easy_setopt(c, CURLOPT_NOPROGRESS, 0L);
	curl_easy_setopt(c, CURLOPT_XFERINFOFUNCTION, on_progress);
	curl_easy_setopt(c, CURLOPT_XFERINFODATA, r);
	CURLcode rc = curl_easy_perform(c);
	curl_slist_free_all(headers);
	curl_easy_cleanup(c);
	if (rc != CURLE_OK && !(rc == CURLE_WRITE_ERROR && r->status >= 400))
		return fail(p, "%s: %s", url, curl_easy_strerror(rc));
	return 0;
}

/* A parameter of a challenge (realm="..."): into out, or "". */
static void challenge_param(const char *challenge, const char *key, char *out, size_t size)
{
	char pattern[64];
	snprintf(pattern, sizeof(pattern), "%s=\"", key);
	const char *at = strstr(challenge, pattern);
	out[0] = 0;
	if (at) {
		at += strlen(pattern);
		snprintf(out, size, "%.*s", (int)strcspn(at, "\""), at);
	}
}

/* s in base64 (RFC 4648, padded), as HTTP Basic credentials are sent; to free. */
static char *base64(const char *s)
{
	static const char table[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	size_t len = strlen(s), o = 0;
	const unsigned char *in = (const unsigned char *)s;
	char *out = calloc(4 * (len / 3 + 2), 1);
	for (size_t i = 0; out && i < len; i += 3) {
		unsigned v = in[i] << 16 | (i + 1 < len ? in[i + 1] << 8 : 0) | (i + 2 < len ? in[i + 2] : 0);
		out[o++] = table[v >> 18 & 63];
		out[o++] = table[v >> 12 & 63];
		out[o++] = i + 1 < len ? table[v >> 6 & 63] : '=';
		out[o++] = i + 2 < len ? table[v & 63] : '=';
	}
	return out;
}

/* After a 401: a Basic or Bearer Authorization header for the next tries. */
static int authenticate(struct pull *p, const char *challenge)
{
	CURL *c = curl_easy_init();
	/* The credentials go as Basic to the registry, or to its token server. */
	char *basic = p->o->credentials ? base64(p->o->credentials) : NULL;
	int err = 0;
	if (!strncasecmp(challenge, "Basic", 5)) {
		if (!basic)
			err = fail(p, "%s asks for a user and password (--creds USER:PASSWORD)", p->ref.registry);
		else
			snprintf(p->auth, sizeof(p->auth), "Authorization: Basic %s", basic);
	} else if (!strncasecmp(challenge, "Bearer", 6)) {
		char realm[512], service[256], url[2048], scope[600];
		challenge_param(challenge, "realm", realm, sizeof(realm));
		challenge_param(challenge, "service", service, sizeof(service));
		snprintf(scope, sizeof(scope), "repository:%s:pull", p->ref.name);
		char *s = c ? curl_easy_escape(c, service, 0) : NULL, *sc = c ? curl_easy_escape(c, scope, 0) : NULL;
		snprintf(url, sizeof(url), "%s%sservice=%s&scope=%s", realm, strchr(realm, '?') ? "&" : "?", s ? s : "",
			 sc ? sc : "");
		curl_free(s);
		curl_free(sc);
		struct response r = {.max = 1 << 20};
		struct curl_slist *h = NULL;
		char header[1024];
		if (basic) {
			snprintf(header, sizeof(header), "Authorization: Basic %s", basic);
			h = curl_slist_append(h, header);
		}
		*p->auth = 0;
		err = !*realm ? fail(p, "%s: a Bearer challenge without a realm", p->ref.registry) : get(p, url, h, &r);
		curl_slist_free_all(h);
		json_object *j = !err && r.status == 200 && r.body ? json_tokener_parse(r.body) : NULL, *t;
		const char *token = j && (json_object_object_get_ex(j, "token", &t) ||
					  json_object_object_get_ex(j, "access_token", &t))
					    ? json_object_get_string(t) : NULL;
		if (!err && (!token || strlen(token) > sizeof(p->auth) - 32))
			err = fail(p, "%s: no token from %s (status %ld)", p->ref.registry, realm, r.status);
		else if (!err)
			snprintf(p->auth, sizeof(p->auth), "Authorization: Bearer %s", token);
		json_object_put(j);
		free(r.body);
	} else {
		err = fail(p, "%s: an authentication scheme airlock does not know: %.40s", p->ref.registry, challenge);
	}
	free(basic);
	if (c)
		curl_easy_cleanup(c);
	return err;
}

/* GET, authenticating once on a 401. */
static int get_authenticated(struct pull *p, const char *url, struct curl_slist *extra, struct response *r)
{
	struct response first = *r;
	int err = get(p, url, extra, r);
	if (err || r->status != 401)
		return err;
	char challenge[sizeof(r->challenge)];
	snprintf(challenge, sizeof(challenge), "%s", r->challenge);
	free(r->body);
	*r = first;
	if (r->to && (fflush(r->to) != 0 || ftruncate(fileno(r->to), 0) < 0))
		return fail(p, "%s", strerror(errno));
	if (authenticate(p, challenge) < 0)
		return -1;
	return get(p, url, extra, r);
}

/* A manifest or an index by tag or digest: its text (to free), type and digest. */
static char *get_manifest(struct pull *p, const char *reference, char *type, size_t type_size, char *digest)
{
	char url[2048];
	snprintf(url, sizeof(url), "%s/manifests/%s", p->base, reference);
	struct curl_slist *h = curl_slist_append(NULL, ACCEPT_MANIFESTS);
	struct response r = {.max = MAX_MANIFEST};
	int err = get_authenticated(p, url, h, &r);
	curl_slist_free_all(h);
	if (!err && r.status != 200)
		err = fail(p, "%s/%s:%s: the registry answered %ld", p->ref.registry, p->ref.name, reference, r.status);
	if (!err && !r.body)
		err = fail(p, "%s: an empty manifest", reference);
	if (!err) {
		struct digest_ctx *d = digest_begin();
		digest_update(d, r.body, r.len);
		digest_end(d, digest);
		/* Asked for by digest, it must be that one. */
		if (digest_valid(reference) && strcmp(reference, digest))
			err = fail(p, "manifest %s: the registry sent one whose digest is %s", reference, digest);
		snprintf(type, type_size, "%s", r.type);
	}
	if (err) {
		free(r.body);
		return NULL;
	}
	return r.body;
}

/* The blob into the store; a part left by an earlier pull is resumed (HTTP Range). */
static int get_blob(struct pull *p, const char *digest, size_t index, size_t count)
{
	char path[PATH_MAX + 96], partial[PATH_MAX + 96], url[2048], label[32];
	store_blob_path(p->s, digest, path, sizeof(path));
	if (access(path, F_OK) == 0)
		return 0; /* already there (checked when it came in) */
	snprintf(partial, sizeof(partial), "%s/tmp/partial-%s", p->s->root, digest + 7);
	FILE *f = fopen(partial, "a+e");
	if (!f)
		return fail(p, "%s: %s", partial, strerror(errno));
	struct response r = {.to = f, .digest = digest_begin(), .label = label};
	snprintf(label, sizeof(label), "%.19s", digest + 7);
	/* What came before is digested again, and the rest asked for after it. */
	char buf[65536], range[64];
	size_t n, had = 0;
	rewind(f);
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0) {
		digest_update(r.digest, buf, n);
		had += n;
	}
	r.done = (double)had;
	struct curl_slist *h = NULL;
	if (had) {
		snprintf(range, sizeof(range), "Range: bytes=%zu-", had);
		h = curl_slist_append(h, range);
	}
	snprintf(url, sizeof(url), "%s/blobs/%s", p->base, digest);
	int err = get_authenticated(p, url, h, &r);
	curl_slist_free_all(h);
	if (!err && had && r.status == 200) {
		/* The registry ignored the range and sent it all: start over with what it sends now. */
		fclose(f);
		unlink(partial);
		digest_end(r.digest, buf);
		return get_blob(p, digest, index, count);
	}
	if (!err && r.status != 200 && r.status != 206)
		err = fail(p, "blob %s: the registry answered %ld", digest, r.status);
	char got[DIGEST_LEN + 1];
	digest_end(r.digest, got);
	if (fclose(f) != 0 && !err)
		err = fail(p, "%s: %s", partial, strerror(errno));
	if (!err && strcmp(got, digest)) {
		unlink(partial); /* wrong bytes: nothing of them is kept */
		err = fail(p, "blob %s: the content's digest is %s", digest, got);
	}
	if (!err) {
		int fd = open(partial, O_RDONLY | O_CLOEXEC);
		err = fd < 0 || store_put(p->s, fd, digest, got) < 0 ? fail(p, "blob %s: storing it", digest) : 0;
		if (fd >= 0)
			close(fd);
		unlink(partial);
	}
	if (!p->o->quiet && !err)
		fprintf(stderr, "%sblob %.19s: done (%zu of %zu)\n", p->o->progress ? "\r\033[K" : "", digest + 7,
			index + 1, count);
	return err;
}

/* The linux/amd64 entry of an index. */
static const char *pick_amd64(json_object *index)
{
	json_object *manifests, *platform, *v;
	if (!json_object_object_get_ex(index, "manifests", &manifests) || !json_object_is_type(manifests, json_type_array))
		return NULL;
	for (size_t i = 0; i < json_object_array_length(manifests); i++) {
		json_object *m = json_object_array_get_idx(manifests, i);
		if (json_object_object_get_ex(m, "platform", &platform) && json_object_object_get_ex(platform, "os", &v) &&
		    !strcmp(json_object_get_string(v), "linux") && json_object_object_get_ex(platform, "architecture", &v) &&
		    !strcmp(json_object_get_string(v), "amd64") && json_object_object_get_ex(m, "digest", &v))
			return json_object_get_string(v);
	}
	return NULL;
}

static bool is_index(const char *type, json_object *m)
{
	return strstr(type, "index") || strstr(type, "manifest.list") || json_object_object_get_ex(m, "manifests", NULL);
}

static int pull_manifest(struct pull *p, char *manifest)
{
	char type[256], digest[DIGEST_LEN + 1];
	char *text = get_manifest(p, *p->ref.digest ? p->ref.digest : p->ref.tag, type, sizeof(type), digest);
	json_object *m = text ? json_tokener_parse(text) : NULL;
	if (text && !m)
		fail(p, "%s: the manifest is not JSON", p->ref.name);
	if (m && is_index(type, m)) {
		const char *chosen = pick_amd64(m);
		char chosen_copy[DIGEST_LEN + 1] = "";
		if (digest_valid(chosen))
			snprintf(chosen_copy, sizeof(chosen_copy), "%s", chosen);
		json_object_put(m);
		free(text);
		m = NULL;
		text = *chosen_copy ? get_manifest(p, chosen_copy, type, sizeof(type), digest) : NULL;
		if (!*chosen_copy)
			fail(p, "%s: no linux/amd64 image in its index", p->ref.name);
		m = text ? json_tokener_parse(text) : NULL;
	}
	json_object *config, *layers, *v;
	int err = !m ? -1 : 0;
	if (!err && (!json_object_object_get_ex(m, "config", &config) || !json_object_object_get_ex(m, "layers", &layers) ||
		     !json_object_is_type(layers, json_type_array)))
		err = fail(p, "%s: not an image manifest (schema 1 is not served)", p->ref.name);
	size_t count = err ? 0 : json_object_array_length(layers) + 1;
	for (size_t i = 0; !err && i < count; i++) {
		json_object *d = i == 0 ? config : json_object_array_get_idx(layers, i - 1);
		const char *blob = json_object_object_get_ex(d, "digest", &v) ? json_object_get_string(v) : NULL;
		err = digest_valid(blob) ? get_blob(p, blob, i, count) : fail(p, "a descriptor without a sha256 digest");
	}
	char stored[DIGEST_LEN + 1];
	if (!err && (store_put_bytes(p->s, text, strlen(text), stored) < 0 || strcmp(stored, digest)))
		err = fail(p, "storing the manifest");
	if (!err)
		snprintf(manifest, DIGEST_LEN + 1, "%s", digest);
	json_object_put(m);
	free(text);
	return err;
}

int image_pull(struct store *s, const char *ref, const struct pull_options *o, char *manifest, char *why,
	       size_t why_size)
{
	struct pull p = {.s = s, .o = o, .why = why, .why_size = why_size};
	if (image_ref_parse(ref, &p.ref) < 0)
		return fail(&p, "\"%s\" is not an image reference", ref);
	/* Registries on this machine speak plain http; any other, https. */
	char host[256];
	snprintf(host, sizeof(host), "%s", p.ref.registry);
	if (host[0] != '[')
		host[strcspn(host, ":")] = 0;
	bool local = !strcmp(host, "localhost") || !strcmp(host, "127.0.0.1") || !strcmp(host, "[::1]");
	const char *server = !strcmp(p.ref.registry, "docker.io") ? "registry-1.docker.io" : p.ref.registry;
	snprintf(p.base, sizeof(p.base), "%s://%s/v2/%s", local ? "http" : "https", server, p.ref.name);
	curl_global_init(CURL_GLOBAL_DEFAULT);
	int err = pull_manifest(&p, manifest);
	curl_global_cleanup();
	/* Named as given (":latest" added when there is no tag); a digest reference is not named. */
	if (!err && !*p.ref.digest && store_tag(s, ref, manifest) < 0)
		err = fail(&p, "naming it %s", ref);
	return err;
}
