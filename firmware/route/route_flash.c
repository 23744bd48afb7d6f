// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Routing table area in flash: two slots after the config store (Kconfig ROUTE_FLASH_OFFSET,
 * ROUTE_FLASH_SLOT_SIZE). A slot is a 24-octet header {magic "HLRT", version, header length,
 * seq, len, crc32} and the table text; the CRC runs over the text, then the header without
 * its CRC field (so that it is computed while the text streams in). A table is streamed in: the slot not holding the
 * newest copy is erased (in steps, from the main loop), the text programmed chunk by chunk as
 * it is parsed, and the header (CRC last) only once the table proved valid. A power cut at
 * any octet leaves that slot without a valid header, and the previous copy the newest.
 */
#include <errno.h>
#include <string.h>

#include <drv/flash.h>
#include <hlgw/crc32.h>
#include <hlgw/log.h>

#include "route_int.h"

#define RF_MAGIC 0x54524c48u /* "HLRT" little-endian */
#define RF_VERSION 1
#define RF_HDR_LEN 24
#define RF_OFF ((uint32_t)CONFIG_ROUTE_FLASH_OFFSET)
#define RF_SLOT ((uint32_t)CONFIG_ROUTE_FLASH_SLOT_SIZE)
#define RF_ERASE_STEP (64u * 1024)

static struct {
	const struct flash_dev *flash;
	int newest; /* slot, -1 none */
	uint32_t seq, len;
	/* the copy being written */
	int slot;
	uint32_t erased, written, crc;
	bool failed;
} rf = { .newest = -1, .slot = -1 };

static void rf_put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
	p[2] = (uint8_t)(v >> 16);
	p[3] = (uint8_t)(v >> 24);
}

static uint32_t rf_get32(const uint8_t *p)
{
	return p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint32_t rf_slot_off(int slot)
{
	return RF_OFF + (uint32_t)slot * RF_SLOT;
}

/* Header fields into raw (crc: the value to put at the end). */
static void rf_hdr(uint8_t *raw, uint32_t seq, uint32_t len, uint32_t crc)
{
	rf_put32(raw, RF_MAGIC);
	raw[4] = RF_VERSION;
	raw[5] = 0;
	raw[6] = RF_HDR_LEN;
	raw[7] = 0;
	rf_put32(raw + 8, seq);
	rf_put32(raw + 12, len);
	rf_put32(raw + 16, 0);
	rf_put32(raw + 20, crc);
}

/* A slot's header and CRC over all of it. Returns 0 with seq/len, or -ENOENT / -EIO. */
static int rf_check(int slot, uint32_t *seq, uint32_t *len)
{
	uint8_t raw[RF_HDR_LEN], chunk[1024];
	uint32_t off = rf_slot_off(slot), done = 0, crc, n;

	if (flash_read(rf.flash, off, raw, sizeof(raw)) < 0)
		return -EIO;
	*seq = rf_get32(raw + 8);
	*len = rf_get32(raw + 12);
	if (rf_get32(raw) != RF_MAGIC || raw[4] != RF_VERSION || raw[6] != RF_HDR_LEN || !*seq ||
	    *len > RF_SLOT - RF_HDR_LEN)
		return -ENOENT;
	crc = 0;
	while (done < *len) {
		n = *len - done < sizeof(chunk) ? *len - done : (uint32_t)sizeof(chunk);
		if (flash_read(rf.flash, off + RF_HDR_LEN + done, chunk, n) < 0)
			return -EIO;
		crc = crc32_ieee(crc, chunk, n);
		done += n;
	}
	crc = crc32_ieee(crc, raw, RF_HDR_LEN - 4);
	return crc == rf_get32(raw + 20) ? 0 : -ENOENT;
}

int route_flash_init(const struct flash_dev *flash)
{
	uint32_t size, sector, seq, len;
	int slot;

	rf.flash = NULL;
	rf.newest = rf.slot = -1;
	rf.seq = rf.len = 0;
	if (!flash)
		return -ENODEV;
	if (flash_get_geometry(flash, &size, &sector) < 0 || !sector || RF_OFF % sector ||
	    RF_SLOT % sector || (uint64_t)RF_OFF + 2ull * RF_SLOT > size) {
		LOGP(DROUTE, LOGL_ERROR, "table area %#x + 2 x %#x does not fit the flash\n", RF_OFF,
		     RF_SLOT);
		return -EINVAL;
	}
	rf.flash = flash;
	for (slot = 0; slot < 2; slot++) {
		if (rf_check(slot, &seq, &len) < 0)
			continue;
		if (rf.newest < 0 || (int32_t)(seq - rf.seq) > 0) {
			rf.newest = slot;
			rf.seq = seq;
			rf.len = len;
		}
	}
	return 0;
}

void route_flash_geometry(uint32_t *off, uint32_t *slot_size)
{
	if (off)
		*off = RF_OFF;
	if (slot_size)
		*slot_size = RF_SLOT;
}

int route_flash_begin(void)
{
	uint32_t n;

	if (!rf.flash)
		return -ENODEV;
	if (rf.slot < 0) {
		rf.slot = rf.newest == 0 ? 1 : 0;
		rf.erased = rf.written = 0;
		rf.failed = false;
	}
	if (rf.erased < RF_SLOT) {
		n = RF_SLOT - rf.erased < RF_ERASE_STEP ? RF_SLOT - rf.erased : RF_ERASE_STEP;
		if (flash_erase(rf.flash, rf_slot_off(rf.slot) + rf.erased, n) < 0) {
			rf.slot = -1;
			return -EIO;
		}
		rf.erased += n;
	}
	return rf.erased < RF_SLOT ? 1 : 0;
}

void route_flash_abort(void)
{
	rf.slot = -1;
}

int route_flash_write(const void *buf, size_t len)
{
	if (rf.slot < 0 || rf.failed)
		return -EIO;
	if (len > RF_SLOT - RF_HDR_LEN - rf.written) {
		rf.failed = true;
		return -EFBIG;
	}
	if (len && flash_program(rf.flash, rf_slot_off(rf.slot) + RF_HDR_LEN + rf.written, buf,
				 len) < 0) {
		rf.failed = true;
		return -EIO;
	}
	if (!rf.written)
		rf.crc = 0;
	rf.crc = crc32_ieee(rf.crc, buf, len);
	rf.written += (uint32_t)len;
	return 0;
}

int route_flash_commit(void)
{
	uint8_t raw[RF_HDR_LEN], back[RF_HDR_LEN];
	uint32_t seq = rf.seq + 1 ? rf.seq + 1 : 1;
	int slot = rf.slot;

	rf.slot = -1;
	if (slot < 0 || rf.failed)
		return -EIO;
	rf_hdr(raw, seq, rf.written, 0);
	rf_hdr(raw, seq, rf.written, crc32_ieee(rf.written ? rf.crc : 0, raw, RF_HDR_LEN - 4));
	if (flash_program(rf.flash, rf_slot_off(slot), raw, sizeof(raw)) < 0 ||
	    flash_read(rf.flash, rf_slot_off(slot), back, sizeof(back)) < 0 ||
	    memcmp(raw, back, sizeof(raw)))
		return -EIO;
	rf.newest = slot;
	rf.seq = seq;
	rf.len = rf.written;
	LOGP(DROUTE, LOGL_INFO, "table saved: slot %d, seq %u, %u octets\n", slot, seq, rf.len);
	return 0;
}

uint32_t route_flash_seq(void)
{
	return rf.newest < 0 ? 0 : rf.seq;
}

uint32_t route_flash_len(void)
{
	return rf.newest < 0 ? 0 : rf.len;
}

int route_flash_read(uint32_t off, void *buf, size_t len)
{
	if (rf.newest < 0 || off > rf.len || len > rf.len - off)
		return -EINVAL;
	return flash_read(rf.flash, rf_slot_off(rf.newest) + RF_HDR_LEN + off, buf, len);
}
