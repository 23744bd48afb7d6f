/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Config store: two slots in flash, each with a sequence number and CRC. Saving writes the
 * slot not holding the newest valid copy, so a power cut mid-write leaves the previous config.
 */
#ifndef HLGW_STORE_H
#define HLGW_STORE_H

#include <stddef.h>
#include <stdint.h>

/* Newest valid config text: copies up to size octets into buf, *len its length.
 * Returns 0, -ENOENT (no valid slot), -ENOSPC (buf too small), -EIO. */
int store_load(char *buf, size_t size, size_t *len);
/* Save text as the new config; returns 0, -EFBIG (too large for a slot), -EIO. */
int store_save(const char *text, size_t len);
/* Sequence number of the newest valid slot (0 when none). */
uint32_t store_seq(void);

#endif
