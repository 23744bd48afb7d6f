// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Config store: two slots at the start of the board's flash. A slot is a 24-octet header
 * {magic, version, header length, seq, len, crc32} followed by the config text; the CRC
 * covers the header (without the CRC field) and the text. Saving erases the slot not holding
 * the newest copy, programs the text and then the header (CRC last), so a power cut at any
 * octet leaves that slot invalid and the previous copy the newest valid one.
 */
#include <errno.h>
#include <string.h>

#include <drv/flash.h>
#include <hlgw/board.h>
#include <hlgw/crc32.h>
#include <hlgw/log.h>
#include <hlgw/store.h>
#include <hlgw/subsys.h>

#define STORE_MAGIC 0x57474c48u /* "HLGW" little-endian */
#define STORE_VERSION 1
#define STORE_HDR_LEN 24
#define STORE_SLOTS 2
#define STORE_SLOT_SIZE ((uint32_t)CONFIG_STORE_SLOT_SIZE)
#define STORE_DATA_MAX (STORE_SLOT_SIZE - STORE_HDR_LEN)

struct store_hdr {
	uint32_t magic;
	uint16_t version;
	uint16_t hdr_len;
	uint32_t seq;
	uint32_t len;
	uint32_t reserved;
	uint32_t crc;
};

static struct {
	const struct flash_dev *flash;
	int newest;	 /* slot index of the newest valid copy, -1: none */
	uint32_t seq;	 /* its sequence number */
} store;

static void store_put32(uint8_t *p, uint32_t v)
{
	p[0] = v;
	p[1] = v >> 8;
	p[2] = v >> 16;
	p[3] = v >> 24;
}

static uint32_t store_get32(const uint8_t *p)
{
	return p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static void store_hdr_pack(uint8_t *raw, const struct store_hdr *h)
{
	store_put32(raw, h->magic);
	raw[4] = h->version;
	raw[5] = h->version >> 8;
	raw[6] = h->hdr_len;
	raw[7] = h->hdr_len >> 8;
	store_put32(raw + 8, h->seq);
	store_put32(raw + 12, h->len);
	store_put32(raw + 16, h->reserved);
	store_put32(raw + 20, h->crc);
}

static void store_hdr_unpack(struct store_hdr *h, const uint8_t *raw)
{
	h->magic = store_get32(raw);
	h->version = raw[4] | raw[5] << 8;
	h->hdr_len = raw[6] | raw[7] << 8;
	h->seq = store_get32(raw + 8);
	h->len = store_get32(raw + 12);
	h->reserved = store_get32(raw + 16);
	h->crc = store_get32(raw + 20);
}

static uint32_t store_slot_off(int slot)
{
	return (uint32_t)slot * STORE_SLOT_SIZE;
}

/* a is newer than b, in serial-number arithmetic so that the sequence may wrap. */
static bool store_seq_newer(uint32_t a, uint32_t b)
{
	return (int32_t)(a - b) > 0;
}

/*
 * Check a slot; on success fill *h. When buf is given, the text is read into it (the caller
 * made sure it is large enough) while the CRC is computed. Returns 0, -ENOENT (empty or
 * invalid) or -EIO.
 */
static int store_slot_check(struct store_hdr *h, int slot, char *buf)
{
	uint8_t raw[STORE_HDR_LEN], chunk[256];
	uint32_t off = store_slot_off(slot), done = 0, crc;
	int rc;

	rc = flash_read(store.flash, off, raw, sizeof(raw));
	if (rc < 0)
		return -EIO;
	store_hdr_unpack(h, raw);
	if (h->magic != STORE_MAGIC || h->version != STORE_VERSION ||
	    h->hdr_len != STORE_HDR_LEN || h->len > STORE_DATA_MAX || h->seq == 0)
		return -ENOENT;
	crc = crc32_ieee(0, raw, STORE_HDR_LEN - 4);
	while (done < h->len) {
		uint32_t n = h->len - done < sizeof(chunk) ? h->len - done : sizeof(chunk);

		rc = flash_read(store.flash, off + STORE_HDR_LEN + done, chunk, n);
		if (rc < 0)
			return -EIO;
		crc = crc32_ieee(crc, chunk, n);
		if (buf)
			memcpy(buf + done, chunk, n);
		done += n;
	}
	return crc == h->crc ? 0 : -ENOENT;
}

/* Find the newest valid slot (store.newest, store.seq). */
static void store_scan(void)
{
	struct store_hdr h;
	int slot;

	store.newest = -1;
	store.seq = 0;
	for (slot = 0; slot < STORE_SLOTS; slot++) {
		if (store_slot_check(&h, slot, NULL) < 0)
			continue;
		if (store.newest < 0 || store_seq_newer(h.seq, store.seq)) {
			store.newest = slot;
			store.seq = h.seq;
		}
	}
}

int store_load(char *buf, size_t size, size_t *len)
{
	struct store_hdr h;
	uint8_t raw[STORE_HDR_LEN];
	int rc;

	if (!buf || !len)
		return -EINVAL;
	if (!store.flash || store.newest < 0)
		return -ENOENT;
	if (flash_read(store.flash, store_slot_off(store.newest), raw, sizeof(raw)) < 0)
		return -EIO;
	store_hdr_unpack(&h, raw);
	if (h.len > size)
		return -ENOSPC;
	rc = store_slot_check(&h, store.newest, buf);
	if (rc < 0) {
		/* the flash changed under us (should not happen): look again */
		store_scan();
		return rc == -ENOENT ? -EIO : rc;
	}
	*len = h.len;
	return 0;
}

int store_save(const char *text, size_t len)
{
	struct store_hdr h;
	uint8_t raw[STORE_HDR_LEN];
	int slot, rc;

	if (!text && len)
		return -EINVAL;
	if (!store.flash)
		return -EIO;
	if (len > STORE_DATA_MAX)
		return -EFBIG;
	slot = store.newest == 0 ? 1 : 0;
	h = (struct store_hdr){
		.magic = STORE_MAGIC,
		.version = STORE_VERSION,
		.hdr_len = STORE_HDR_LEN,
		.seq = store.seq + 1 ? store.seq + 1 : 1,
		.len = (uint32_t)len,
	};
	store_hdr_pack(raw, &h);
	h.crc = crc32_ieee(crc32_ieee(0, raw, STORE_HDR_LEN - 4), (const uint8_t *)text, len);
	store_hdr_pack(raw, &h);

	rc = flash_erase(store.flash, store_slot_off(slot), STORE_SLOT_SIZE);
	if (rc < 0)
		goto err;
	if (len) {
		rc = flash_program(store.flash, store_slot_off(slot) + STORE_HDR_LEN, text, len);
		if (rc < 0)
			goto err;
	}
	rc = flash_program(store.flash, store_slot_off(slot), raw, sizeof(raw));
	if (rc < 0)
		goto err;
	/* read back: a flash that silently failed must not become the newest copy */
	if (store_slot_check(&h, slot, NULL) < 0) {
		rc = -EIO;
		goto err;
	}
	store.newest = slot;
	store.seq = h.seq;
	LOGP(DSTORE, LOGL_INFO, "config saved: slot %d, seq %u, %zu octets\n", slot, h.seq, len);
	return 0;

err:
	LOGP(DSTORE, LOGL_ERROR, "saving config to slot %d failed (%d)\n", slot, rc);
	return -EIO;
}

uint32_t store_seq(void)
{
	return store.newest < 0 ? 0 : store.seq;
}

static int store_init(struct board *b)
{
	uint32_t size, sector;
	int rc;

	store.flash = NULL;
	store.newest = -1;
	store.seq = 0;
	if (!b->flash) {
		LOGP(DSTORE, LOGL_NOTICE, "no flash: config cannot be saved\n");
		return 0;
	}
	rc = flash_get_geometry(b->flash, &size, &sector);
	if (rc < 0)
		return rc;
	if (!sector || STORE_SLOT_SIZE % sector || (uint64_t)STORE_SLOT_SIZE * STORE_SLOTS > size ||
	    STORE_SLOT_SIZE <= STORE_HDR_LEN) {
		LOGP(DSTORE, LOGL_ERROR, "slot size %u does not fit flash %u/%u\n",
		     STORE_SLOT_SIZE, size, sector);
		return -EINVAL;
	}
	store.flash = b->flash;
	store_scan();
	if (store.newest < 0)
		LOGP(DSTORE, LOGL_NOTICE, "no saved config in flash\n");
	else
		LOGP(DSTORE, LOGL_INFO, "saved config: slot %d, seq %u\n", store.newest, store.seq);
	return 0;
}

const struct hlgw_subsys store_subsys = {
	.name = "store",
	.init = store_init,
};
