// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Table loads in slices from the main loop, so that a 100,000-advisor table never holds the
 * loop for more than a slice (ROUTE_SLICE_US): erase the spare flash slot, read and parse the
 * rows into the spare buffer (each chunk read is also programmed into the slot), index the
 * hotlines, carry the advisors' runtime state over from the active table and build the
 * per-hotline heaps, then commit the flash copy and flip the active pointer.
 *
 * State that changes in the active table after the carry copied it (calls start and end
 * during the load) is noted by advisor id and copied again just before the flip; when more
 * than ROUTE_DIRTY_MAX pile up, the carry starts over.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <hlgw/bfile.h>
#include <hlgw/board.h>
#include <hlgw/log.h>
#include <hlgw/subsys.h>

#include "route_int.h"

#define ROUTE_SLICE_US 300
#define ROUTE_DIRTY_MAX 1024
#define ROUTE_CARRY_STEP 128

enum route_phase {
	RL_IDLE,
	RL_ERASE,
	RL_PARSE,
	RL_CARRY,
	RL_COMMIT,
};

enum route_src {
	RS_FILE,
	RS_TEXT,
	RS_FLASH,
};

static struct {
	enum route_phase phase;
	enum route_src src;
	bool persist;
	int fh;
	const char *text;
	uint32_t pos, len; /* text/flash source */
	char rbuf[4096];
	uint32_t rpos, rlen;
	bool eof;
	char line[ROUTE_LINE_MAX + 2];
	uint32_t line_len;
	bool line_long;
	uint32_t line_no;
	struct route_table *t;
	uint32_t carry_i, carry_oc;
	uint32_t dirty[ROUTE_DIRTY_MAX];
	uint32_t n_dirty;
	bool dirty_overflow;
	uint64_t t_start_us;
	char source[48];
	struct route_load_status st;
} rl = { .phase = RL_IDLE, .fh = -1 };

void route_touched(uint32_t adv)
{
	if (rl.phase != RL_CARRY && rl.phase != RL_COMMIT)
		return;
	if (!route_active || adv >= route_active->n_adv || adv > rl.carry_oc)
		return; /* not copied yet: the carry will see the new state */
	if (rl.n_dirty < ROUTE_DIRTY_MAX)
		rl.dirty[rl.n_dirty++] = route_active->adv[adv].id;
	else
		rl.dirty_overflow = true;
}

static void route_load_end(int rc, const char *field, const char *reason)
{
	if (rl.fh >= 0)
		board_file_close(rl.fh);
	rl.fh = -1;
	rl.phase = RL_IDLE;
	rl.st.state = ROUTE_LOAD_IDLE;
	rl.st.result = rc;
	rl.st.total_ms = (uint32_t)((board_time_us() - rl.t_start_us) / 1000);
	if (rc == 0) {
		LOGP(DROUTE, LOGL_NOTICE, "table from %s active: %u hotlines, %u advisors (gen %u)%s\n",
		     rl.source, route_active->n_hl, route_active->n_adv, route_active->gen,
		     rl.st.persisted ? ", saved" : "");
		return;
	}
	snprintf(rl.st.err_field, sizeof(rl.st.err_field), "%s", field ? field : "");
	snprintf(rl.st.err_reason, sizeof(rl.st.err_reason), "%s", reason ? reason : "");
	LOGP(DROUTE, LOGL_ERROR, "table from %s rejected (%d): line %u field %s: %s; the active "
	     "table stays\n", rl.source, rc, rl.st.err_line, rl.st.err_field, rl.st.err_reason);
}

static int route_load_start(enum route_src src, bool persist, const char *what)
{
	if (rl.phase != RL_IDLE)
		return -EBUSY;
	memset(&rl.st, 0, sizeof(rl.st));
	snprintf(rl.source, sizeof(rl.source), "%s", what);
	rl.st.source = rl.source;
	rl.st.state = ROUTE_LOAD_BUSY;
	rl.src = src;
	rl.persist = persist;
	route_flash_abort(); /* a copy left by a rejected load is not continued */
	rl.carry_oc = 0;
	rl.rpos = rl.rlen = 0;
	rl.eof = false;
	rl.line_len = 0;
	rl.line_long = false;
	rl.line_no = 0;
	rl.t = route_spare();
	route_parse_reset(rl.t);
	rl.t->born_ms = board_time_ms();
	rl.n_dirty = 0;
	rl.dirty_overflow = false;
	rl.t_start_us = board_time_us();
	rl.phase = persist ? RL_ERASE : RL_PARSE;
	return 0;
}

int route_load_file(const char *path)
{
	uint32_t size;
	char what[48];
	int fh, rc;

	if (rl.phase != RL_IDLE)
		return -EBUSY;
	fh = board_file_open_read(&size, path);
	if (fh < 0)
		return fh;
	snprintf(what, sizeof(what), "file %.40s", path);
	rc = route_load_start(RS_FILE, true, what);
	if (rc < 0) {
		board_file_close(fh);
		return rc;
	}
	rl.fh = fh;
	return 0;
}

int route_load_text(const char *text, size_t len, bool persist)
{
	int rc;

	if (!text || len > UINT32_MAX)
		return -EINVAL;
	rc = route_load_start(RS_TEXT, persist, "console paste");
	if (rc < 0)
		return rc;
	rl.text = text;
	rl.pos = 0;
	rl.len = (uint32_t)len;
	return 0;
}

static int route_load_flash(void)
{
	int rc = route_load_start(RS_FLASH, false, "flash");

	if (rc < 0)
		return rc;
	rl.pos = 0;
	rl.len = route_flash_len();
	return 0;
}

/* Next chunk of the source into rbuf (and into the flash copy). */
static int route_refill(void)
{
	uint32_t n = 0;
	int rc;

	switch (rl.src) {
	case RS_FILE:
		rc = board_file_read(rl.fh, rl.rbuf, sizeof(rl.rbuf));
		if (rc < 0)
			return rc;
		n = (uint32_t)rc;
		break;
	case RS_TEXT:
		n = rl.len - rl.pos < sizeof(rl.rbuf) ? rl.len - rl.pos : (uint32_t)sizeof(rl.rbuf);
		memcpy(rl.rbuf, rl.text + rl.pos, n);
		rl.pos += n;
		break;
	case RS_FLASH:
		n = rl.len - rl.pos < sizeof(rl.rbuf) ? rl.len - rl.pos : (uint32_t)sizeof(rl.rbuf);
		if (n && route_flash_read(rl.pos, rl.rbuf, n) < 0)
			return -EIO;
		rl.pos += n;
		break;
	}
	rl.rpos = 0;
	rl.rlen = n;
	rl.eof = n == 0;
	if (n && rl.persist && route_flash_write(rl.rbuf, n) < 0) {
		LOGP(DROUTE, LOGL_ERROR, "table copy to flash failed: the table will not be saved\n");
		rl.persist = false;
	}
	return 0;
}

/* The line collected so far; false when the table is rejected. */
static bool route_line_done(void)
{
	struct route_parse_err err;

	rl.line_no++;
	rl.st.lines = rl.line_no;
	if (rl.line_long) {
		rl.st.err_line = rl.line_no;
		route_load_end(-EINVAL, "line", "longer than 1024 characters");
		return false;
	}
	rl.line[rl.line_len] = 0;
	rl.line_len = 0;
	if (route_parse_line(rl.t, rl.line, &err) < 0) {
		rl.st.err_line = rl.line_no;
		route_load_end(-EINVAL, err.field, err.reason);
		return false;
	}
	return true;
}

/* Parse up to 32 lines; false when the phase ended (next phase or rejected). */
static bool route_parse_some(void)
{
	unsigned int lines = 0;
	struct route_parse_err err;

	while (lines < 32) {
		char c;

		if (rl.rpos == rl.rlen) {
			if (rl.eof)
				break;
			if (route_refill() < 0) {
				route_load_end(-EIO, "source", "read error");
				return false;
			}
			continue;
		}
		c = rl.rbuf[rl.rpos++];
		if (c == '\n') {
			if (!route_line_done())
				return false;
			lines++;
			continue;
		}
		if (c == 0 || (c < 0x20 && c != '\t' && c != '\r')) {
			rl.st.err_line = rl.line_no + 1;
			route_load_end(-EINVAL, "line", "control character");
			return false;
		}
		if (rl.line_len < ROUTE_LINE_MAX)
			rl.line[rl.line_len++] = c;
		else
			rl.line_long = true;
	}
	if (!rl.eof || rl.rpos < rl.rlen)
		return true;
	/* end of the source: a last line without a newline */
	if ((rl.line_len || rl.line_long) && !route_line_done())
		return false;
	if (route_parse_finish(rl.t, &err) < 0) {
		rl.st.err_line = rl.line_no;
		route_load_end(-EINVAL, err.field, err.reason);
		return false;
	}
	rl.carry_i = 0;
	rl.phase = RL_CARRY;
	return false;
}

static void route_carry_restart(void)
{
	uint32_t i;

	for (i = 0; i < rl.t->n_mem; i++)
		rl.t->mem[i].heap_pos = ROUTE_NONE;
	for (i = 0; i < rl.t->n_hl; i++)
		rl.t->hl[i].info.n_eligible = 0;
	rl.carry_i = 0;
	rl.n_dirty = 0;
	rl.dirty_overflow = false;
}

static void route_commit(void)
{
	struct route_table *old = route_active;
	uint32_t i;

	if (rl.dirty_overflow) {
		route_carry_restart();
		rl.phase = RL_CARRY;
		return;
	}
	if (rl.persist) {
		rl.st.persisted = route_flash_commit() == 0;
		if (!rl.st.persisted)
			LOGP(DROUTE, LOGL_ERROR, "table not saved to flash\n");
	}
	/* what changed since the carry copied it, then the flip */
	route_carry_hotlines(rl.t, old);
	for (i = 0; i < rl.n_dirty; i++)
		route_carry_one(rl.t, old, rl.dirty[i]);
	rl.n_dirty = 0;
	route_table_flip(rl.t);
	rl.st.gen = rl.t->gen;
	route_load_end(0, NULL, NULL);
}

bool route_load_step(uint32_t budget_us)
{
	uint64_t t0 = board_time_us(), dt;
	int rc;

	if (rl.phase == RL_IDLE)
		return false;
	rl.st.slices++;
	do {
		switch (rl.phase) {
		case RL_ERASE:
			rc = route_flash_begin();
			if (rc < 0) {
				LOGP(DROUTE, LOGL_ERROR, "erasing the table slot failed: not saved\n");
				rl.persist = false;
			}
			if (rc <= 0)
				rl.phase = RL_PARSE;
			break;
		case RL_PARSE:
			route_parse_some();
			break;
		case RL_CARRY:
			rl.carry_i = route_carry(rl.t, route_active, rl.carry_i,
						 rl.carry_i + ROUTE_CARRY_STEP, &rl.carry_oc);
			if (rl.carry_i >= rl.t->n_adv)
				rl.phase = RL_COMMIT;
			break;
		case RL_COMMIT:
			route_commit();
			break;
		case RL_IDLE:
			break;
		}
	} while (rl.phase != RL_IDLE && budget_us && board_time_us() - t0 < budget_us);
	dt = board_time_us() - t0;
	if (dt > rl.st.max_slice_us)
		rl.st.max_slice_us = (uint32_t)dt;
	return rl.phase != RL_IDLE;
}

int route_load_finish(void)
{
	while (route_load_step(ROUTE_SLICE_US))
		;
	return rl.st.result;
}

void route_load_status(struct route_load_status *st)
{
	if (!st)
		return;
	*st = rl.st;
	st->state = rl.phase == RL_IDLE ? ROUTE_LOAD_IDLE : ROUTE_LOAD_BUSY;
	st->gen = route_active ? route_active->gen : 0;
	st->hotlines = route_active ? route_active->n_hl : 0;
	st->advisors = route_active ? route_active->n_adv : 0;
	st->serves = route_active ? route_active->n_mem : 0;
	st->flash_seq = route_flash_seq();
}

/* ---- subsystem ---------------------------------------------------------------------------- */

static void route_ka_cb(const char *target, enum sip_ka_state state, void *arg)
{
	route_probe_state(target, state);
}

static int route_init(struct board *b)
{
	int rc;

	route_active = NULL;
	rl.phase = RL_IDLE;
	route_select_init();
	route_probe_init();
	rc = route_flash_init(b->flash);
	if (rc < 0 && rc != -ENODEV)
		return rc;
	/* before the first call: a table from the command line, else (or when it is bad) the
	 * saved one */
	rc = -ENOENT;
	if (b->route_table && *b->route_table) {
		rc = route_load_file(b->route_table);
		if (rc < 0)
			LOGP(DROUTE, LOGL_ERROR, "table file %s: %d\n", b->route_table, rc);
		else
			rc = route_load_finish();
	}
	if (rc < 0 && route_flash_len() && route_load_flash() == 0)
		rc = route_load_finish();
	if (rc < 0)
		LOGP(DROUTE, LOGL_NOTICE, "no routing table: the console's hotline lists route\n");
	return 0;
}

static int route_start(void)
{
	sip_ka_set_cb(route_ka_cb, NULL);
	return 0;
}

static uint32_t route_next_timeout_ms(void)
{
	return rl.phase != RL_IDLE ? 0 : route_wrapup_next_ms();
}

static void route_work(void)
{
	route_probe_work();
	route_wrapup_work();
	route_load_step(ROUTE_SLICE_US);
}

const struct hlgw_subsys route_subsys = {
	.name = "route",
	.init = route_init,
	.start = route_start,
	.next_timeout_ms = route_next_timeout_ms,
	.work = route_work,
};
