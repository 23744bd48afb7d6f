// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * CDR store (hlgw/cdr.h): a log of 256-octet records over the CDR area's sectors.
 *
 * Record: magic ("CDR1" or "ACK1"), id (the log sequence number, one more than the newest
 * record's), the fields, CRC-32 over the first 248 octets, then the commit word programmed
 * separately after the rest. A slot is erased (all 0xff), committed (CRC and commit word
 * good), or torn (anything else: a cut during programming, or a cut during an erase). Slots
 * are written in order; a torn slot is skipped. At start the whole area is read: the newest
 * id tells where writing goes on, the largest acknowledgement which CDRs are done.
 *
 * Reclaiming: writing goes on in the sector after the newest record; a sector is erased
 * before use, and only when every CDR in it is acknowledged (per sector: the largest CDR id
 * in it, kept in RAM). Sectors are reused in ring order, so the oldest records go first.
 */
#include <errno.h>
#include <string.h>

#include <drv/flash.h>
#include <hlgw/cdr.h>
#include <hlgw/crc32.h>
#include <hlgw/log.h>

#define CDR_REC 256u
#define CDR_MAGIC_CDR 0x31524443u /* "CDR1" little-endian */
#define CDR_MAGIC_ACK 0x314b4341u /* "ACK1" */
#define CDR_COMMIT 0x54494d43u	  /* "CMIT" */
#define CDR_CRC_OFF 248u
#define CDR_COMMIT_OFF 252u
#define CDR_SECTORS_MAX 1024u
_Static_assert(108 + CDR_ADVISOR_MAX <= CDR_CRC_OFF && 44 + 2 * CDR_NUM_MAX == 108,
	       "the record's fields fit its 248 octets");

enum slot_kind { SLOT_ERASED, SLOT_CDR, SLOT_ACK, SLOT_TORN };

struct cdr_sector {
	uint32_t max_cdr;  /* largest CDR id in the sector, 0: none */
	uint16_t used;	   /* slots not erased */
};

static struct {
	const struct flash_dev *flash;
	uint32_t off, size, sector, n_sectors, per_sector;
	struct cdr_sector sec[CDR_SECTORS_MAX];
	uint32_t head;	     /* the next slot to write (index over the area) */
	uint32_t last_id;    /* the newest record's id */
	uint32_t acked_upto;
	uint32_t pending;
	struct cdr_rec ram[CDR_RAM_HOLD];
	unsigned int ram_n;
	struct cdr_status ctr; /* written, acks, torn, write_errors, ram_lost */
} cs;

/* ---- encoding -------------------------------------------------------------------------- */
static void put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
	p[2] = (uint8_t)(v >> 16);
	p[3] = (uint8_t)(v >> 24);
}

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static void put64(uint8_t *p, uint64_t v)
{
	put32(p, (uint32_t)v);
	put32(p + 4, (uint32_t)(v >> 32));
}

static uint64_t get64(const uint8_t *p)
{
	return get32(p) | (uint64_t)get32(p + 4) << 32;
}

static void put_str(uint8_t *p, const char *s, size_t n)
{
	size_t l = strnlen(s, n);

	memcpy(p, s, l);
	memset(p + l, 0, n - l);
}

static void get_str(char *d, const uint8_t *p, size_t n)
{
	size_t l = strnlen((const char *)p, n);

	memcpy(d, p, l);
	d[l] = 0;
}

static void cdr_encode(uint8_t *b, const struct cdr_rec *r)
{
	memset(b, 0, CDR_REC);
	put32(b, CDR_MAGIC_CDR);
	put32(b + 4, r->id);
	put64(b + 8, r->start_ms);
	put64(b + 16, r->answer_ms);
	put64(b + 24, r->end_ms);
	put32(b + 32, r->billable_ms);
	b[36] = (uint8_t)r->queue_s;
	b[37] = (uint8_t)(r->queue_s >> 8);
	b[38] = r->span;
	b[39] = r->ts;
	b[40] = r->cause;
	b[41] = r->side;
	b[42] = r->rating;
	b[43] = r->solved;
	put_str(b + 44, r->caller, CDR_NUM_MAX);
	put_str(b + 76, r->hotline, CDR_NUM_MAX);
	put_str(b + 108, r->advisor, CDR_ADVISOR_MAX);
}

static void cdr_decode(struct cdr_rec *r, const uint8_t *b)
{
	memset(r, 0, sizeof(*r));
	r->id = get32(b + 4);
	r->start_ms = get64(b + 8);
	r->answer_ms = get64(b + 16);
	r->end_ms = get64(b + 24);
	r->billable_ms = get32(b + 32);
	r->queue_s = (uint16_t)(b[36] | b[37] << 8);
	r->span = b[38];
	r->ts = b[39];
	r->cause = b[40];
	r->side = b[41];
	r->rating = b[42];
	r->solved = b[43];
	get_str(r->caller, b + 44, CDR_NUM_MAX);
	get_str(r->hotline, b + 76, CDR_NUM_MAX);
	get_str(r->advisor, b + 108, CDR_ADVISOR_MAX);
}

static enum slot_kind slot_read(uint32_t slot, uint8_t *b)
{
	uint32_t magic;
	unsigned int i;

	if (flash_read(cs.flash, cs.off + slot * CDR_REC, b, CDR_REC) < 0)
		return SLOT_TORN;
	for (i = 0; i < CDR_REC && b[i] == 0xff; i++)
		;
	if (i == CDR_REC)
		return SLOT_ERASED;
	magic = get32(b);
	if (get32(b + CDR_COMMIT_OFF) != CDR_COMMIT ||
	    get32(b + CDR_CRC_OFF) != crc32_ieee(0, b, CDR_CRC_OFF))
		return SLOT_TORN;
	if (magic == CDR_MAGIC_CDR)
		return SLOT_CDR;
	return magic == CDR_MAGIC_ACK ? SLOT_ACK : SLOT_TORN;
}

/* ---- the log -------------------------------------------------------------------------- */
static uint32_t slot_sector(uint32_t slot)
{
	return slot / cs.per_sector;
}

/* Count the pending CDRs again (after an acknowledgement). */
static void cdr_recount(void)
{
	uint8_t b[CDR_REC];
	uint32_t s, n = 0;

	for (s = 0; s < cs.n_sectors * cs.per_sector; s++) {
		if (cs.sec[slot_sector(s)].max_cdr <= cs.acked_upto) {
			s = (slot_sector(s) + 1) * cs.per_sector - 1; /* nothing pending there */
			continue;
		}
		if (slot_read(s, b) == SLOT_CDR && get32(b + 4) > cs.acked_upto)
			n++;
	}
	cs.pending = n;
}

int cdr_init(const struct flash_dev *flash, uint32_t off, uint32_t size)
{
	uint32_t fsize, sector, s, best = 0, best_slot = 0;
	uint8_t b[CDR_REC];
	bool any = false;

	memset(&cs, 0, sizeof(cs));
	if (!flash || flash_get_geometry(flash, &fsize, &sector) < 0 || !sector ||
	    sector % CDR_REC || off % sector || size % sector || size < 3 * sector ||
	    (uint64_t)off + size > fsize || size / sector > CDR_SECTORS_MAX)
		return -EINVAL;
	cs.flash = flash;
	cs.off = off;
	cs.size = size;
	cs.sector = sector;
	cs.n_sectors = size / sector;
	cs.per_sector = sector / CDR_REC;
	for (s = 0; s < cs.n_sectors * cs.per_sector; s++) {
		enum slot_kind k = slot_read(s, b);
		struct cdr_sector *sec = &cs.sec[slot_sector(s)];
		uint32_t id = get32(b + 4);

		if (k == SLOT_ERASED)
			continue;
		sec->used++;
		if (k == SLOT_TORN) {
			cs.ctr.torn++;
			continue;
		}
		if (k == SLOT_CDR && id > sec->max_cdr)
			sec->max_cdr = id;
		if (k == SLOT_ACK && get32(b + 8) > cs.acked_upto)
			cs.acked_upto = get32(b + 8);
		if (!any || id > best) {
			best = id;
			best_slot = s;
			any = true;
		}
	}
	cs.last_id = best;
	cs.head = any ? best_slot + 1 : 0;
	if (cs.head == cs.n_sectors * cs.per_sector)
		cs.head = 0;
	if (cs.acked_upto > cs.last_id) /* cannot be: an ACK is never beyond the newest record */
		cs.acked_upto = cs.last_id;
	cdr_recount();
	LOGP(DSTORE, LOGL_NOTICE, "CDR store: %u slots, newest id %u, acknowledged up to %u, "
	     "%u pending, %u torn\n", cs.n_sectors * cs.per_sector, cs.last_id, cs.acked_upto,
	     cs.pending, cs.ctr.torn);
	return 0;
}

/* The next slot to write, erasing its sector first when the log enters it: the slot index,
 * -ENOSPC (the sector holds unacknowledged CDRs), -EIO. */
static int cdr_slot_for_write(void)
{
	uint8_t b[CDR_REC];
	uint32_t tries;

	for (tries = 0; tries <= cs.n_sectors * cs.per_sector; tries++) {
		uint32_t slot = cs.head, sn = slot_sector(slot);
		struct cdr_sector *sec = &cs.sec[sn];

		if (slot % cs.per_sector == 0 && sec->used) {
			/* entering a used sector: reclaim it whole, or stop */
			if (sec->max_cdr > cs.acked_upto)
				return -ENOSPC;
			if (flash_erase(cs.flash, cs.off + sn * cs.sector, cs.sector) < 0) {
				cs.ctr.write_errors++;
				return -EIO;
			}
			sec->used = 0;
			sec->max_cdr = 0;
		}
		if (slot_read(slot, b) == SLOT_ERASED)
			return (int)slot;
		/* torn or left over (a cut during an erase): skip it */
		if (++cs.head == cs.n_sectors * cs.per_sector)
			cs.head = 0;
	}
	return -ENOSPC;
}

/* Program one record (body, then the commit word) at the head. */
static int cdr_write(uint8_t *b, uint32_t id)
{
	int slot = cdr_slot_for_write();
	uint32_t at;

	if (slot < 0)
		return slot;
	at = cs.off + (uint32_t)slot * CDR_REC;
	put32(b + 4, id);
	put32(b + CDR_CRC_OFF, crc32_ieee(0, b, CDR_CRC_OFF));
	put32(b + CDR_COMMIT_OFF, 0xffffffffu);
	cs.sec[slot_sector((uint32_t)slot)].used++;
	if (++cs.head == cs.n_sectors * cs.per_sector)
		cs.head = 0;
	if (flash_program(cs.flash, at, b, CDR_REC) < 0) {
		cs.ctr.write_errors++;
		return -EIO;
	}
	put32(b + CDR_COMMIT_OFF, CDR_COMMIT);
	if (flash_program(cs.flash, at + CDR_COMMIT_OFF, b + CDR_COMMIT_OFF, 4) < 0) {
		cs.ctr.write_errors++;
		return -EIO;
	}
	cs.last_id = id;
	return slot;
}

/* Log the alarm once when the free room drops under CDR_ALARM_FREE_PCT, and its end. */
static void cdr_alarm_check(void)
{
	static bool raised;
	struct cdr_status st;

	cdr_get_status(&st);
	if (st.nearly_full != raised)
		LOGP(DSTORE, st.nearly_full ? LOGL_ERROR : LOGL_NOTICE,
		     "CDR store %s: %u %% free, %u pending\n",
		     st.nearly_full ? "ALARM: nearly full" : "alarm cleared", st.free_pct,
		     st.pending);
	raised = st.nearly_full;
}

static int cdr_store_one(struct cdr_rec *r)
{
	uint8_t b[CDR_REC];
	int slot;

	r->id = cs.last_id + 1;
	cdr_encode(b, r);
	slot = cdr_write(b, r->id);
	if (slot < 0)
		return slot;
	cs.sec[slot_sector((uint32_t)slot)].max_cdr = r->id;
	cs.pending++;
	cs.ctr.written++;
	cdr_alarm_check();
	return 0;
}

/* CDRs held in RAM go to flash while there is room. */
static void cdr_flush_ram(void)
{
	unsigned int done = 0;

	while (done < cs.ram_n && cdr_store_one(&cs.ram[done]) == 0)
		done++;
	if (done) {
		memmove(cs.ram, cs.ram + done, (cs.ram_n - done) * sizeof(cs.ram[0]));
		cs.ram_n -= done;
		LOGP(DSTORE, LOGL_NOTICE, "CDR store: %u held CDRs written, %u still in RAM\n", done,
		     cs.ram_n);
	}
}

int cdr_add(struct cdr_rec *r, uint32_t *id)
{
	int rc;

	if (!cs.flash)
		return -ENODEV;
	if (!r)
		return -EINVAL;
	if (cs.ram_n) /* keep the order: the held ones first */
		cdr_flush_ram();
	rc = cs.ram_n ? -ENOSPC : cdr_store_one(r);
	if (rc == 0) {
		if (id)
			*id = r->id;
		return 0;
	}
	if (cs.ram_n == CDR_RAM_HOLD) {
		cs.ctr.ram_lost++;
		LOGP(DSTORE, LOGL_ERROR, "CDR store full and %u CDRs held in RAM: one LOST (%s -> "
		     "%s)\n", cs.ram_n, r->caller, r->hotline);
		return -ENOSPC;
	}
	/* held in RAM and tried again with the next CDR or acknowledgement */
	cs.ram[cs.ram_n++] = *r;
	LOGP(DSTORE, LOGL_ERROR, "CDR store %s: %u CDR%s held in RAM\n",
	     rc == -EIO ? "write failed" : "full of unacknowledged CDRs", cs.ram_n,
	     cs.ram_n == 1 ? "" : "s");
	return -EAGAIN;
}

int cdr_ack(uint32_t upto)
{
	uint8_t b[CDR_REC];
	int slot;

	if (!cs.flash)
		return -ENODEV;
	if (upto > cs.last_id)
		return -ERANGE;
	if (upto <= cs.acked_upto)
		return 0;
	cs.acked_upto = upto;
	cdr_recount();
	memset(b, 0, sizeof(b));
	put32(b, CDR_MAGIC_ACK);
	put32(b + 8, upto);
	slot = cdr_write(b, cs.last_id + 1);
	if (slot < 0) {
		/* no room even for the acknowledgement: it holds in RAM; the sectors it frees
		 * are erased on the next write, whose records then carry the log on */
		LOGP(DSTORE, LOGL_NOTICE, "CDR store: acknowledgement up to %u not written (%d)\n",
		     upto, slot);
	} else {
		cs.ctr.acks++;
	}
	if (cs.ram_n)
		cdr_flush_ram();
	cdr_alarm_check();
	return slot == -EIO ? -EIO : 0;
}

/* Visit the committed CDRs in log order (oldest first): from the sector after the head's. */
static void cdr_foreach(bool (*fn)(const uint8_t *b, void *arg), void *arg)
{
	uint32_t total = cs.n_sectors * cs.per_sector, first, i;
	uint8_t b[CDR_REC];

	first = (slot_sector(cs.head) + 1) % cs.n_sectors * cs.per_sector;
	for (i = 0; i < total; i++) {
		uint32_t s = (first + i) % total;

		if (!cs.sec[slot_sector(s)].used) {
			i += cs.per_sector - 1 - s % cs.per_sector;
			continue;
		}
		if (slot_read(s, b) == SLOT_CDR && !fn(b, arg))
			return;
	}
}

struct pending_q {
	uint32_t after;
	struct cdr_rec *out;
	bool found;
};

static bool pending_fn(const uint8_t *b, void *arg)
{
	struct pending_q *q = arg;
	uint32_t id = get32(b + 4);

	if (id <= cs.acked_upto || id <= q->after)
		return true;
	cdr_decode(q->out, b);
	q->found = true;
	return false;
}

int cdr_next_pending(uint32_t after, struct cdr_rec *out)
{
	struct pending_q q = { .after = after, .out = out };

	if (!cs.flash || !out)
		return -ENOENT;
	cdr_foreach(pending_fn, &q);
	return q.found ? 0 : -ENOENT;
}

struct recent_q {
	struct cdr_rec *out;
	unsigned int n, have, next;
};

static bool recent_fn(const uint8_t *b, void *arg)
{
	struct recent_q *q = arg;

	cdr_decode(&q->out[q->next], b); /* a ring of the last n */
	q->next = (q->next + 1) % q->n;
	if (q->have < q->n)
		q->have++;
	return true;
}

unsigned int cdr_recent(struct cdr_rec *out, unsigned int n)
{
	struct recent_q q = { .out = out, .n = n };
	unsigned int i;

	if (!cs.flash || !out || !n)
		return 0;
	cdr_foreach(recent_fn, &q);
	if (q.have == n && q.next) { /* oldest first: rotate the ring */
		for (i = 0; i < q.next; i++) {
			struct cdr_rec t = out[0];

			memmove(out, out + 1, (n - 1) * sizeof(*out));
			out[n - 1] = t;
		}
	}
	return q.have;
}

void cdr_get_status(struct cdr_status *st)
{
	uint32_t s, free_slots = 0, total = cs.n_sectors * cs.per_sector;

	*st = cs.ctr;
	st->slots = total;
	st->pending = cs.pending;
	st->ram_held = cs.ram_n;
	st->last_id = cs.last_id;
	st->acked_upto = cs.acked_upto;
	st->used = 0;
	for (s = 0; s < cs.n_sectors; s++) {
		st->used += cs.sec[s].used;
		if (cs.flash && s == slot_sector(cs.head)) { /* the sector written now */
			if (cs.head % cs.per_sector || !cs.sec[s].used ||
			    cs.sec[s].max_cdr <= cs.acked_upto)
				free_slots += cs.per_sector - cs.head % cs.per_sector;
		} else if (cs.sec[s].max_cdr <= cs.acked_upto) { /* erased or all acknowledged */
			free_slots += cs.per_sector;
		}
	}
	st->free_pct = total ? free_slots * 100 / total : 0;
	st->nearly_full = !cs.flash || st->free_pct < CDR_ALARM_FREE_PCT || cs.ram_n;
}
