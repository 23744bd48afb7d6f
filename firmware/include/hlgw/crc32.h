/* SPDX-License-Identifier: GPL-2.0-or-later */
/* CRC-32 (IEEE 802.3, reflected, as zlib) for what the box keeps in flash. */
#ifndef HLGW_CRC32_H
#define HLGW_CRC32_H

#include <stddef.h>
#include <stdint.h>

/* The CRC of p[0..len) continued from crc (start with 0). */
uint32_t crc32_ieee(uint32_t crc, const void *p, size_t len);

#endif
