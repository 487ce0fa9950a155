// SPDX-License-Identifier: Apache-2.0
// SHA-256 through OpenSSL's EVP interface (see digest.h).
#include "image/digest.h"

#include <errno.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

struct digest_ctx *digest_begin(void)
{
	EVP_MD_CTX *c = EVP_MD_CTX_new();
	if (c && EVP_DigestInit_ex(c, EVP_sha256(), NULL) != 1) {
		EVP_MD_CTX_free(c);
		c = NULL;
	}
	return (struct digest_ctx *)c;
}

void digest_update(struct digest_ctx *c, const void *data, size_t len)
{
	EVP_DigestUpdate((EVP_MD_CTX *)c, data, len);
}

void digest_end(struct digest_ctx *c, char *out)
{
	unsigned char md[32];
	unsigned int n = 0;
	EVP_DigestFinal_ex((EVP_MD_CTX *)c, md, &n);
	EVP_MD_CTX_free((EVP_MD_CTX *)c);
	memcpy(out, "sha256:", 7);
	for (unsigned i = 0; i < 32; i++)
		snprintf(out + 7 + 2 * i, 3, "%02x", md[i]);
}

int digest_file(int fd, char *out)
{
	struct digest_ctx *c = digest_begin();
	if (!c)
		return -ENOMEM;
	char buf[65536];
	ssize_t n;
	while ((n = read(fd, buf, sizeof(buf))) > 0)
		digest_update(c, buf, (size_t)n);
	int err = n < 0 ? -errno : 0;
	digest_end(c, out);
	return err;
}

bool digest_valid(const char *s)
{
	if (!s || strncmp(s, "sha256:", 7) || strlen(s) != DIGEST_LEN)
		return false;
	for (const char *c = s + 7; *c; c++)
		if (!((*c >= '0' && *c <= '9') || (*c >= 'a' && *c <= 'f')))
			return false;
	return true;
}
