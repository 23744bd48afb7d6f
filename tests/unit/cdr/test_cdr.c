// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * CDR store (firmware/cdr) on the sim flash: records survive restarts with every field,
 * acknowledgements persist, a full area holds new CDRs in RAM and writes them once
 * acknowledgements free a sector (none lost, no id twice), a power cut at every octet of a
 * record's programming leaves it absent and the earlier ones intact, a flipped bit is caught,
 * a failed write holds the CDR in RAM and writes it next time.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include <drv/flash.h>
#include <hlgw/board.h>
#include <hlgw/cdr.h>

#include "flash/flash_sim.h"

#define AREA_OFF 0x80000u
#define SECTOR 4096u
#define PER_SECTOR (SECTOR / 256u)

static struct flash_dev flash;

void board_log_write(const char *b, int len)
{
}

static void mk(struct cdr_rec *r, unsigned int n)
{
	memset(r, 0, sizeof(*r));
	r->start_ms = 1795000000000ull + n * 60000ull;
	r->answer_ms = n % 3 ? r->start_ms + 4000 : 0;
	r->end_ms = r->start_ms + 65000;
	r->billable_ms = r->answer_ms ? 61000 : 0;
	r->span = (uint8_t)(n % 4);
	r->ts = (uint8_t)(1 + n % 30);
	r->cause = 16;
	r->side = CDR_SIDE_ADVISOR;
	r->rating = (uint8_t)(n % 6);
	r->solved = (uint8_t)(n % 3);
	r->queue_s = (uint16_t)(n * 7);
	snprintf(r->caller, sizeof(r->caller), "+4930%07u", n);
	snprintf(r->hotline, sizeof(r->hotline), "0800%03u", n % 1000);
	snprintf(r->advisor, sizeof(r->advisor), "sip:advisor%u@198.18.0.%u:5060", n, n % 250);
}

static void assert_rec(const struct cdr_rec *r, unsigned int n, uint32_t id)
{
	struct cdr_rec w;

	mk(&w, n);
	w.id = id;
	assert_int_equal(r->id, w.id);
	assert_true(r->start_ms == w.start_ms && r->answer_ms == w.answer_ms &&
		    r->end_ms == w.end_ms);
	assert_int_equal(r->billable_ms, w.billable_ms);
	assert_int_equal(r->span, w.span);
	assert_int_equal(r->ts, w.ts);
	assert_int_equal(r->cause, w.cause);
	assert_int_equal(r->side, w.side);
	assert_int_equal(r->rating, w.rating);
	assert_int_equal(r->solved, w.solved);
	assert_int_equal(r->queue_s, w.queue_s);
	assert_string_equal(r->caller, w.caller);
	assert_string_equal(r->hotline, w.hotline);
	assert_string_equal(r->advisor, w.advisor);
}

static int setup(void **state)
{
	assert_int_equal(flash_sim_init(&flash, NULL, -1), 0);
	return 0;
}

static int teardown(void **state)
{
	flash_sim_exit(&flash);
	return 0;
}

/* a "restart": the store reads the area again */
static void restart(unsigned int sectors)
{
	assert_int_equal(cdr_init(&flash, AREA_OFF, sectors * SECTOR), 0);
}

static void test_roundtrip_restart(void **state)
{
	struct cdr_rec r, got[8];
	struct cdr_status st;
	uint32_t id;
	unsigned int i;

	restart(8);
	cdr_get_status(&st);
	assert_int_equal(st.slots, 8 * PER_SECTOR);
	assert_int_equal(st.last_id, 0);
	for (i = 1; i <= 5; i++) {
		mk(&r, i);
		assert_int_equal(cdr_add(&r, &id), 0);
		assert_int_equal(id, i);
	}
	restart(8);
	assert_int_equal(cdr_recent(got, 8), 5);
	for (i = 0; i < 5; i++)
		assert_rec(&got[i], i + 1, i + 1);
	assert_int_equal(cdr_recent(got, 2), 2); /* the newest two, oldest first */
	assert_rec(&got[0], 4, 4);
	assert_rec(&got[1], 5, 5);
	mk(&r, 6);
	assert_int_equal(cdr_add(&r, &id), 0);
	assert_int_equal(id, 6); /* the ids go on after a restart */
	cdr_get_status(&st);
	assert_int_equal(st.pending, 6);
	assert_false(st.nearly_full);
}

static void test_ack_persists(void **state)
{
	struct cdr_rec r;
	struct cdr_status st;
	unsigned int i;

	restart(8);
	for (i = 1; i <= 4; i++) {
		mk(&r, i);
		assert_int_equal(cdr_add(&r, NULL), 0);
	}
	assert_int_equal(cdr_ack(9), -ERANGE);
	assert_int_equal(cdr_ack(2), 0);
	assert_int_equal(cdr_next_pending(0, &r), 0);
	assert_rec(&r, 3, 3);
	restart(8);
	cdr_get_status(&st);
	assert_int_equal(st.acked_upto, 2);
	assert_int_equal(st.pending, 2);
	assert_int_equal(st.last_id, 5); /* the acknowledgement took id 5 */
	assert_int_equal(cdr_next_pending(0, &r), 0);
	assert_rec(&r, 3, 3);
	assert_int_equal(cdr_next_pending(3, &r), 0);
	assert_rec(&r, 4, 4);
	assert_int_equal(cdr_next_pending(4, &r), -ENOENT);
	assert_int_equal(cdr_ack(1), 0); /* behind: nothing to do */
	cdr_get_status(&st);
	assert_int_equal(st.acked_upto, 2);
}

/* 3 sectors, 48 slots: filled with unacknowledged CDRs the store holds new ones in RAM, then
 * writes them in order when an acknowledgement frees a sector */
static void test_full_then_freed(void **state)
{
	struct cdr_rec r;
	struct cdr_status st;
	uint32_t id, seen, n;
	unsigned int i;

	restart(3);
	for (i = 1; i <= 3 * PER_SECTOR; i++) {
		mk(&r, i);
		assert_int_equal(cdr_add(&r, &id), 0);
	}
	cdr_get_status(&st);
	assert_true(st.nearly_full);
	assert_int_equal(st.free_pct, 0);
	for (i = 49; i <= 51; i++) {
		mk(&r, i);
		assert_int_equal(cdr_add(&r, NULL), -EAGAIN);
	}
	cdr_get_status(&st);
	assert_int_equal(st.ram_held, 3);
	/* the first sector's 16 acknowledged: the acknowledgement and the 3 held go there */
	assert_int_equal(cdr_ack(PER_SECTOR), 0);
	cdr_get_status(&st);
	assert_int_equal(st.ram_held, 0);
	assert_int_equal(st.pending, 32 + 3);
	restart(3);
	for (seen = 0, n = 0; cdr_next_pending(seen, &r) == 0; seen = r.id, n++) {
		/* ids strictly rising: no id twice; CDRs 17..48 then the held 49..51 */
		unsigned int k = n < 32 ? 17 + n : 49 + (n - 32);

		assert_rec(&r, k, n < 32 ? k : k + 1); /* the ACK took id 49 */
	}
	assert_int_equal(n, 35);
	/* RAM holds CDR_RAM_HOLD at most; more are lost and counted */
	restart(3);
	for (i = 0; i < 12; i++) { /* the first sector's 12 free slots */
		mk(&r, 100 + i);
		assert_int_equal(cdr_add(&r, NULL), 0);
	}
	for (i = 0; i < CDR_RAM_HOLD; i++)
		assert_int_equal(cdr_add(&r, NULL), -EAGAIN);
	assert_int_equal(cdr_add(&r, NULL), -ENOSPC);
	cdr_get_status(&st);
	assert_int_equal(st.ram_lost, 1);
}

/* A power cut at every octet of a record's two programs (body, commit word): after the
 * restart the record is absent, the earlier ones intact, and the next one gets the next id. */
static void test_cut_every_octet(void **state)
{
	static uint8_t snapshot[4 * SECTOR]; /* the area */
	struct cdr_rec r, got[8];
	struct cdr_status st;
	unsigned int call, bytes, i, cuts = 0;
	uint32_t id;

	restart(4);
	for (i = 1; i <= 3; i++) {
		mk(&r, i);
		assert_int_equal(cdr_add(&r, NULL), 0);
	}
	memcpy(snapshot, flash_sim_image(&flash) + AREA_OFF, sizeof(snapshot));
	for (call = 1; call <= 2; call++)
		for (bytes = 0; bytes < (call == 1 ? 256u : 4u); bytes++) {
			memcpy(flash_sim_image(&flash) + AREA_OFF, snapshot, sizeof(snapshot));
			restart(4);
			flash_sim_set_cut(&flash, call, bytes);
			mk(&r, 4);
			/* the failed write keeps the CDR in RAM for the next try; the power goes */
			assert_int_equal(cdr_add(&r, NULL), -EAGAIN);
			flash_sim_set_cut(&flash, 0, 0);
			restart(4); /* power back */
			assert_int_equal(cdr_recent(got, 8), 3);
			for (i = 0; i < 3; i++)
				assert_rec(&got[i], i + 1, i + 1);
			mk(&r, 5);
			assert_int_equal(cdr_add(&r, &id), 0);
			assert_int_equal(id, 4); /* the torn slot's id is not reused twice: */
			restart(4);		 /* it never was a record */
			assert_int_equal(cdr_recent(got, 8), 4);
			assert_rec(&got[3], 5, 4);
			cdr_get_status(&st);
			assert_int_equal(st.torn, bytes || call == 2 ? 1 : st.torn);
			cuts++;
		}
	print_message("  %u cuts checked\n", cuts);
}

/* a flipped bit in a committed record: the CRC drops it, the others stay */
static void test_bit_flip(void **state)
{
	struct cdr_rec r, got[4];
	struct cdr_status st;
	unsigned int i;

	restart(4);
	for (i = 1; i <= 3; i++) {
		mk(&r, i);
		assert_int_equal(cdr_add(&r, NULL), 0);
	}
	flash_sim_image(&flash)[AREA_OFF + 256 + 50] ^= 0x04;
	restart(4);
	assert_int_equal(cdr_recent(got, 4), 2);
	assert_rec(&got[0], 1, 1);
	assert_rec(&got[1], 3, 3);
	cdr_get_status(&st);
	assert_int_equal(st.torn, 1);
	assert_int_equal(cdr_init(&flash, AREA_OFF + 1, 4 * SECTOR), -EINVAL);
	assert_int_equal(cdr_init(&flash, AREA_OFF, 2 * SECTOR), -EINVAL);
	assert_int_equal(cdr_init(NULL, AREA_OFF, 4 * SECTOR), -EINVAL);
	assert_int_equal(cdr_add(&r, NULL), -ENODEV);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_roundtrip_restart, setup, teardown),
		cmocka_unit_test_setup_teardown(test_ack_persists, setup, teardown),
		cmocka_unit_test_setup_teardown(test_full_then_freed, setup, teardown),
		cmocka_unit_test_setup_teardown(test_cut_every_octet, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bit_flip, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
