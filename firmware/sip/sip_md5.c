// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * MD5 (RFC 1321) and the HTTP digest response (RFC 2617, RFC 7616 with algorithm MD5) for SIP
 * authentication. Written here from the RFC's description: libosmocore 1.7 exports no MD5, and
 * the copy inside libosip2 (osip_MD5*) is RSA's reference code with its attribution clause.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "sip_int.h"

/* K[i] = floor(abs(sin(i + 1)) * 2^32) (RFC 1321 section 3.4) */
static const uint32_t sip_md5_k[64] = {
	0xd76aa478, 0xe8c7b756, 0x242070db, 0xc1bdceee,
	0xf57c0faf, 0x4787c62a, 0xa8304613, 0xfd469501,
	0x698098d8, 0x8b44f7af, 0xffff5bb1, 0x895cd7be,
	0x6b901122, 0xfd987193, 0xa679438e, 0x49b40821,
	0xf61e2562, 0xc040b340, 0x265e5a51, 0xe9b6c7aa,
	0xd62f105d, 0x02441453, 0xd8a1e681, 0xe7d3fbc8,
	0x21e1cde6, 0xc33707d6, 0xf4d50d87, 0x455a14ed,
	0xa9e3e905, 0xfcefa3f8, 0x676f02d9, 0x8d2a4c8a,
	0xfffa3942, 0x8771f681, 0x6d9d6122, 0xfde5380c,
	0xa4beea44, 0x4bdecfa9, 0xf6bb4b60, 0xbebfbc70,
	0x289b7ec6, 0xeaa127fa, 0xd4ef3085, 0x04881d05,
	0xd9d4d039, 0xe6db99e5, 0x1fa27cf8, 0xc4ac5665,
	0xf4292244, 0x432aff97, 0xab9423a7, 0xfc93a039,
	0x655b59c3, 0x8f0ccc92, 0xffeff47d, 0x85845dd1,
	0x6fa87e4f, 0xfe2ce6e0, 0xa3014314, 0x4e0811a1,
	0xf7537e82, 0xbd3af235, 0x2ad7d2bb, 0xeb86d391,
};

/* per-round rotations, four per round */
static const uint8_t sip_md5_r[16] = { 7, 12, 17, 22, 5, 9, 14, 20, 4, 11, 16, 23, 6, 10, 15, 21 };

static inline uint32_t sip_rotl(uint32_t x, unsigned int n)
{
	return x << n | x >> (32 - n);
}

static void sip_md5_block(struct sip_md5 *c, const uint8_t *p)
{
	uint32_t m[16], a = c->h[0], b = c->h[1], cc = c->h[2], d = c->h[3], f, t;
	unsigned int i, g;

	for (i = 0; i < 16; i++)
		m[i] = (uint32_t)p[4 * i] | (uint32_t)p[4 * i + 1] << 8 |
		       (uint32_t)p[4 * i + 2] << 16 | (uint32_t)p[4 * i + 3] << 24;
	for (i = 0; i < 64; i++) {
		switch (i / 16) {
		case 0:
			f = (b & cc) | (~b & d);
			g = i;
			break;
		case 1:
			f = (d & b) | (~d & cc);
			g = (5 * i + 1) % 16;
			break;
		case 2:
			f = b ^ cc ^ d;
			g = (3 * i + 5) % 16;
			break;
		default:
			f = cc ^ (b | ~d);
			g = (7 * i) % 16;
			break;
		}
		t = d;
		d = cc;
		cc = b;
		b = b + sip_rotl(a + f + sip_md5_k[i] + m[g], sip_md5_r[(i / 16) * 4 + i % 4]);
		a = t;
	}
	c->h[0] += a;
	c->h[1] += b;
	c->h[2] += cc;
	c->h[3] += d;
}

void sip_md5_init(struct sip_md5 *c)
{
	c->h[0] = 0x67452301;
	c->h[1] = 0xefcdab89;
	c->h[2] = 0x98badcfe;
	c->h[3] = 0x10325476;
	c->len = 0;
}

void sip_md5_update(struct sip_md5 *c, const void *data, size_t len)
{
	const uint8_t *p = data;
	size_t used = (size_t)(c->len % 64);

	c->len += len;
	if (used) {
		size_t n = 64 - used < len ? 64 - used : len;

		memcpy(c->buf + used, p, n);
		p += n;
		len -= n;
		if (used + n < 64)
			return;
		sip_md5_block(c, c->buf);
	}
	for (; len >= 64; p += 64, len -= 64)
		sip_md5_block(c, p);
	memcpy(c->buf, p, len);
}

void sip_md5_final(uint8_t out[16], struct sip_md5 *c)
{
	static const uint8_t pad[64] = { 0x80 };
	uint64_t bits = c->len * 8;
	uint8_t lenle[8];
	unsigned int i;

	for (i = 0; i < 8; i++)
		lenle[i] = (uint8_t)(bits >> (8 * i));
	sip_md5_update(c, pad, 1 + (119 - c->len % 64) % 64);
	sip_md5_update(c, lenle, 8);
	for (i = 0; i < 16; i++)
		out[i] = (uint8_t)(c->h[i / 4] >> (8 * (i % 4)));
}

void sip_md5_hex(char out[33], const void *data, size_t len)
{
	struct sip_md5 c;
	uint8_t d[16];
	unsigned int i;

	sip_md5_init(&c);
	sip_md5_update(&c, data, len);
	sip_md5_final(d, &c);
	for (i = 0; i < 16; i++)
		snprintf(out + 2 * i, 3, "%02x", d[i]);
}

/* MD5 of "a:b:c..." without building the string */
static void sip_md5_hex_join(char out[33], const char *const *parts, unsigned int n)
{
	struct sip_md5 c;
	uint8_t d[16];
	unsigned int i;

	sip_md5_init(&c);
	for (i = 0; i < n; i++) {
		if (i)
			sip_md5_update(&c, ":", 1);
		sip_md5_update(&c, parts[i], strlen(parts[i]));
	}
	sip_md5_final(d, &c);
	for (i = 0; i < 16; i++)
		snprintf(out + 2 * i, 3, "%02x", d[i]);
}

int sip_digest_response(char out[33], const struct sip_digest *d)
{
	char ha1[33], ha2[33];

	if (!out || !d || !d->username || !d->realm || !d->password || !d->nonce || !d->method ||
	    !d->uri)
		return -EINVAL;
	sip_md5_hex_join(ha1, (const char *const[]){ d->username, d->realm, d->password }, 3);
	sip_md5_hex_join(ha2, (const char *const[]){ d->method, d->uri }, 2);
	if (d->qop && *d->qop) {
		if (strcmp(d->qop, "auth") || !d->cnonce || !d->nc)
			return -ENOTSUP; /* auth-int would need the body's hash */
		sip_md5_hex_join(out, (const char *const[]){ ha1, d->nonce, d->nc, d->cnonce,
							     d->qop, ha2 }, 6);
	} else {
		sip_md5_hex_join(out, (const char *const[]){ ha1, d->nonce, ha2 }, 3);
	}
	return 0;
}
