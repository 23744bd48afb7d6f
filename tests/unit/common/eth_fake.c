// SPDX-License-Identifier: GPL-2.0-or-later
/* Fake eth_dev and lwIP checks shared by the unit tests (see eth_fake.h). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "lwip/memp.h"
#include "lwip/stats.h"

#include "eth_fake.h"

const uint8_t eth_fake_mac[6] = { 0x02, 0x11, 0x22, 0x33, 0x44, 0x55 };
struct eth_fake_frame eth_fake_tx[ETH_FAKE_MAX_TX];
unsigned int eth_fake_ntx;
void (*eth_fake_on_send)(struct eth_fake_frame *f);

static unsigned int max_tx = ETH_FAKE_MAX_TX;
static bool keep_last;
static eth_rx_cb fake_rx;
static void *fake_rx_arg;

static int fake_start(const struct eth_dev *dev, eth_rx_cb rx, void *arg)
{
	fake_rx = rx;
	fake_rx_arg = arg;
	return 0;
}

static int fake_send(const struct eth_dev *dev, const void *const *seg, const size_t *seg_len,
		     unsigned int n)
{
	struct eth_fake_frame *f;
	unsigned int i;

	if (keep_last && eth_fake_ntx == max_tx) /* the test checks ntx; keep the last slot */
		eth_fake_ntx--;
	assert_true(eth_fake_ntx < max_tx);
	assert_true(n <= ETH_FAKE_MAX_SEG);
	f = &eth_fake_tx[eth_fake_ntx++];
	f->nseg = n;
	f->len = 0;
	for (i = 0; i < n; i++) {
		f->seg[i] = seg[i];
		f->seg_len[i] = seg_len[i];
		assert_true(f->len + seg_len[i] <= sizeof(f->data));
		memcpy(f->data + f->len, seg[i], seg_len[i]);
		f->len += seg_len[i];
	}
	if (eth_fake_on_send)
		eth_fake_on_send(f);
	return 0;
}

static int fake_get_mac(const struct eth_dev *dev, uint8_t mac[6])
{
	memcpy(mac, eth_fake_mac, 6);
	return 0;
}

static const struct eth_ops fake_ops = {
	.start = fake_start, .send = fake_send, .get_mac = fake_get_mac,
};
struct eth_dev eth_fake_dev = { .name = "fake0", .ops = &fake_ops };

void eth_fake_set_limit(unsigned int max, bool keep)
{
	max_tx = max < ETH_FAKE_MAX_TX ? max : ETH_FAKE_MAX_TX;
	keep_last = keep;
	eth_fake_ntx = 0;
}

void eth_fake_reset(void)
{
	eth_fake_ntx = 0;
}

void eth_fake_inject(const void *frame, size_t len)
{
	assert_non_null(fake_rx);
	fake_rx(fake_rx_arg, frame, len);
}

size_t eth_fake_eth_hdr(uint8_t *f, const uint8_t *dst, const uint8_t *src, uint16_t type)
{
	memcpy(f, dst, 6);
	memcpy(f + 6, src, 6);
	put16(f + 12, type);
	return 14;
}

void eth_fake_inject_arp(uint16_t op, uint32_t ip, const uint8_t mac[6], uint32_t target_ip)
{
	static const uint8_t bcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
	uint8_t f[60] = { 0 };
	uint8_t *a = f + eth_fake_eth_hdr(f, op == 1 ? bcast : eth_fake_mac, mac, 0x0806);

	put16(a, 1);
	put16(a + 2, 0x0800);
	a[4] = 6;
	a[5] = 4;
	put16(a + 6, op);
	memcpy(a + 8, mac, 6);
	put32(a + 14, ip);
	if (op == 2)
		memcpy(a + 18, eth_fake_mac, 6);
	put32(a + 24, target_ip);
	eth_fake_inject(f, sizeof(f));
}

uint16_t eth_fake_csum(const uint8_t *p, size_t len, uint32_t sum)
{
	for (; len > 1; p += 2, len -= 2)
		sum += get16(p);
	if (len)
		sum += (uint32_t)p[0] << 8;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

void eth_fake_ip_hdr(uint8_t *ip, uint16_t tot_len, uint16_t id, uint16_t frag, uint8_t proto,
		     uint32_t src, uint32_t dst)
{
	memset(ip, 0, 20);
	ip[0] = 0x45;
	put16(ip + 2, tot_len);
	put16(ip + 4, id);
	put16(ip + 6, frag);
	ip[8] = 64;
	ip[9] = proto;
	put32(ip + 12, src);
	put32(ip + 16, dst);
	put16(ip + 10, eth_fake_csum(ip, 20, 0));
}

void eth_fake_pools_idle(bool errors_too)
{
	int i;

	for (i = 0; i < MEMP_MAX; i++) {
		if (i == MEMP_SYS_TIMEOUT) /* timers keep their entries */
			continue;
		if (lwip_stats.memp[i]->used)
			fprintf(stderr, "pool %d: %u in use\n", i, lwip_stats.memp[i]->used);
		assert_int_equal(lwip_stats.memp[i]->used, 0);
		if (errors_too)
			assert_int_equal(lwip_stats.memp[i]->err, 0);
	}
	assert_int_equal(lwip_stats.mem.used, 0);
	if (errors_too)
		assert_int_equal(lwip_stats.mem.err, 0);
}
