// SPDX-License-Identifier: GPL-2.0-or-later
/* CRC-32 (IEEE 802.3) by a table built on first use (hlgw/crc32.h). */
#include <stdbool.h>

#include <hlgw/crc32.h>

static uint32_t crc32_table[256];
static bool crc32_ready;

static void crc32_init(void)
{
	uint32_t i, j, c;

	for (i = 0; i < 256; i++) {
		for (c = i, j = 0; j < 8; j++)
			c = c & 1 ? 0xedb88320u ^ (c >> 1) : c >> 1;
		crc32_table[i] = c;
	}
	crc32_ready = true;
}

uint32_t crc32_ieee(uint32_t crc, const void *p, size_t len)
{
	const uint8_t *b = p;

	if (!crc32_ready)
		crc32_init();
	crc = ~crc;
	while (len--)
		crc = crc32_table[(crc ^ *b++) & 0xff] ^ (crc >> 8);
	return ~crc;
}
