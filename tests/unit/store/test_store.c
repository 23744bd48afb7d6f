// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Config store on the sim flash: round trips, power cuts at every octet of a save (header and
 * text), corrupted slots, sequence ordering across the 32-bit wrap.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include <hlgw/board.h>
#include <hlgw/log.h>
#include <hlgw/store.h>
#include <hlgw/subsys.h>

#include "../../../drivers/flash/flash_sim.h"

#define SLOT_SIZE CONFIG_STORE_SLOT_SIZE
#define HDR_LEN 24

static struct flash_dev flash;
static struct board board = { .name = "test" };
static char buf[SLOT_SIZE];

void board_log_write(const char *b, int len)
{
}

/* "Reboot": the store finds its newest slot again from what the flash holds. */
static void reboot(void)
{
	assert_int_equal(store_subsys.init(&board), 0);
}

static int setup(void **state)
{
	assert_int_equal(flash_sim_init(&flash, NULL, -1), 0);
	board.flash = &flash;
	reboot();
	return 0;
}

static int teardown(void **state)
{
	flash_sim_exit(&flash);
	return 0;
}

static void assert_loads(const char *text, size_t len)
{
	size_t got = 0;

	assert_int_equal(store_load(buf, sizeof(buf), &got), 0);
	assert_int_equal(got, len);
	assert_memory_equal(buf, text, len);
}

/* A config text of len octets, different for each tag. */
static char *make_text(size_t len, int tag)
{
	char *t = malloc(len + 1);
	size_t i;

	for (i = 0; i < len; i++)
		t[i] = i % 61 == 60 ? '\n' : 'a' + (i * 7 + tag * 13) % 26;
	t[len] = 0;
	return t;
}

static void test_empty(void **state)
{
	size_t len;

	assert_int_equal(store_load(buf, sizeof(buf), &len), -ENOENT);
	assert_int_equal(store_seq(), 0);
}

static void test_roundtrip(void **state)
{
	const char *a = "hostname a\n", *b = "span 0\n framing crc4\n";
	size_t len;

	assert_int_equal(store_save(a, strlen(a)), 0);
	assert_int_equal(store_seq(), 1);
	assert_loads(a, strlen(a));
	assert_int_equal(store_save(b, strlen(b)), 0);
	assert_int_equal(store_seq(), 2);
	assert_loads(b, strlen(b));
	reboot();
	assert_int_equal(store_seq(), 2);
	assert_loads(b, strlen(b));
	/* the two slots alternate: both copies are in flash */
	assert_memory_equal(flash_sim_image(&flash) + HDR_LEN, a, strlen(a));
	assert_memory_equal(flash_sim_image(&flash) + SLOT_SIZE + HDR_LEN, b, strlen(b));
	/* a buffer too small is refused, not overrun */
	assert_int_equal(store_load(buf, 3, &len), -ENOSPC);
	/* empty config is a valid config */
	assert_int_equal(store_save("", 0), 0);
	assert_loads("", 0);
}

static void test_too_big(void **state)
{
	char *t = make_text(SLOT_SIZE - HDR_LEN + 1, 1);

	assert_int_equal(store_save(t, SLOT_SIZE - HDR_LEN + 1), -EFBIG);
	assert_int_equal(store_save(t, SLOT_SIZE - HDR_LEN), 0);
	assert_loads(t, SLOT_SIZE - HDR_LEN);
	free(t);
}

/*
 * Power cut during a save: program call `call` of the save writes only `bytes` octets. After
 * the "reboot" the previous config loads intact, and the next save works.
 */
static void cut_once(const uint8_t *snapshot, unsigned int call, size_t bytes, const char *prev,
		     size_t prev_len, const char *next, size_t next_len)
{
	memcpy(flash_sim_image(&flash), snapshot, 2 * SLOT_SIZE);
	reboot();
	flash_sim_set_cut(&flash, call, bytes);
	assert_int_equal(store_save(next, next_len), -EIO);
	reboot();
	assert_loads(prev, prev_len);
}

static void cut_all(const char *prev, size_t prev_len, const char *next, size_t next_len,
		    size_t step)
{
	uint8_t *snapshot = malloc(2 * SLOT_SIZE);
	unsigned int before;
	size_t k;
	int n = 0;

	memcpy(snapshot, flash_sim_image(&flash), 2 * SLOT_SIZE);
	/* call 1 programs the text, call 2 the header */
	before = flash_sim_program_count(&flash);
	assert_int_equal(store_save(next, next_len), 0);
	assert_int_equal(flash_sim_program_count(&flash) - before, 2);

	for (k = 0; k < next_len; k += (k < 64 || k + 64 > next_len) ? 1 : step, n++)
		cut_once(snapshot, 1, k, prev, prev_len, next, next_len);
	for (k = 0; k < HDR_LEN; k++, n++)
		cut_once(snapshot, 2, k, prev, prev_len, next, next_len);

	/* after a cut, saving again works and the new config wins */
	cut_once(snapshot, 2, HDR_LEN / 2, prev, prev_len, next, next_len);
	assert_int_equal(store_save(next, next_len), 0);
	reboot();
	assert_loads(next, next_len);
	print_message("  %d cuts checked\n", n);
	free(snapshot);
}

static void test_cut_every_offset_small(void **state)
{
	const char *a = "span 0\n framing crc4\n linecode hdb3\n!\n";
	const char *b = "span 0\n framing no-crc4\n linecode ami\n clock source internal\n!\n";
	const char *c = "interface ethernet 0\n ip address 198.18.0.2 255.255.255.0\n!\n";

	/* one valid slot: the cut save goes to the empty one */
	assert_int_equal(store_save(a, strlen(a)), 0);
	cut_all(a, strlen(a), b, strlen(b), 1);
	/* both slots valid: the cut save erases the older copy; the newer must survive */
	cut_all(b, strlen(b), c, strlen(c), 1);
	assert_int_equal(store_save(a, strlen(a)), 0);
	cut_all(a, strlen(a), c, strlen(c), 1);
}

static void test_cut_dense_large(void **state)
{
	size_t la = 30000, lb = 41000;
	char *a = make_text(la, 1), *b = make_text(lb, 2);

	assert_int_equal(store_save(b, lb), 0);
	assert_int_equal(store_save(a, la), 0);
	cut_all(a, la, b, lb, 97);
	free(a);
	free(b);
}

static void test_cut_first_save(void **state)
{
	const char *a = "hostname first\n";
	size_t k, len;

	for (k = 0; k < HDR_LEN; k++) {
		memset(flash_sim_image(&flash), 0xff, 2 * SLOT_SIZE);
		reboot();
		flash_sim_set_cut(&flash, 2, k);
		assert_int_equal(store_save(a, strlen(a)), -EIO);
		reboot();
		assert_int_equal(store_load(buf, sizeof(buf), &len), -ENOENT);
	}
}

static void test_corrupt_slot_ignored(void **state)
{
	const char *a = "hostname a\n", *b = "hostname b\n";
	uint8_t *img = flash_sim_image(&flash);
	size_t len;

	assert_int_equal(store_save(a, strlen(a)), 0); /* slot 0 */
	assert_int_equal(store_save(b, strlen(b)), 0); /* slot 1, newest */
	img[SLOT_SIZE + HDR_LEN + 3] ^= 0x01;	       /* one bit of b's text */
	reboot();
	assert_loads(a, strlen(a));
	assert_int_equal(store_seq(), 1);
	img[SLOT_SIZE + HDR_LEN + 3] ^= 0x01;
	img[SLOT_SIZE + 12] ^= 0x80; /* b's length */
	reboot();
	assert_loads(a, strlen(a));
	img[SLOT_SIZE + 12] ^= 0x80;
	img[SLOT_SIZE + 0] = 0; /* b's magic */
	reboot();
	assert_loads(a, strlen(a));
	img[3] ^= 0x10; /* a's magic too: nothing valid */
	reboot();
	assert_int_equal(store_load(buf, sizeof(buf), &len), -ENOENT);
	/* the next save still works */
	assert_int_equal(store_save(b, strlen(b)), 0);
	reboot();
	assert_loads(b, strlen(b));
}

/* Build a valid slot by hand with a chosen sequence number. */
static uint32_t crc32_ref(uint32_t crc, const uint8_t *p, size_t n)
{
	int j;

	crc = ~crc;
	while (n--) {
		crc ^= *p++;
		for (j = 0; j < 8; j++)
			crc = crc & 1 ? 0xedb88320u ^ (crc >> 1) : crc >> 1;
	}
	return ~crc;
}

static void put32(uint8_t *p, uint32_t v)
{
	p[0] = v, p[1] = v >> 8, p[2] = v >> 16, p[3] = v >> 24;
}

static void write_slot(int slot, uint32_t seq, const char *text)
{
	uint8_t *p = flash_sim_image(&flash) + slot * SLOT_SIZE;
	size_t len = strlen(text);

	memset(p, 0xff, SLOT_SIZE);
	put32(p, 0x57474c48u);
	p[4] = 1, p[5] = 0, p[6] = HDR_LEN, p[7] = 0;
	put32(p + 8, seq);
	put32(p + 12, (uint32_t)len);
	put32(p + 16, 0);
	memcpy(p + HDR_LEN, text, len);
	put32(p + 20, crc32_ref(crc32_ref(0, p, HDR_LEN - 4), p + HDR_LEN, len));
}

static void test_seq_order_and_wrap(void **state)
{
	write_slot(0, 7, "seven\n");
	write_slot(1, 6, "six\n");
	reboot();
	assert_loads("seven\n", 6);
	assert_int_equal(store_seq(), 7);

	/* across the wrap: 1 is newer than 0xffffffff */
	write_slot(0, 0xffffffffu, "old\n");
	write_slot(1, 1, "new\n");
	reboot();
	assert_loads("new\n", 4);
	write_slot(0, 0xfffffffeu, "older\n");
	write_slot(1, 0xffffffffu, "newer\n");
	reboot();
	assert_loads("newer\n", 6);
	/* the next save after 0xffffffff skips 0 (0 means "none") and goes to slot 0 */
	assert_int_equal(store_save("next\n", 5), 0);
	assert_int_equal(store_seq(), 1);
	reboot();
	assert_loads("next\n", 5);
	assert_int_equal(store_seq(), 1);
}

static void test_file_backed(void **state)
{
	char path[] = "/tmp/hlgw-store-XXXXXX";
	struct flash_dev f2;
	int fd = mkstemp(path);

	assert_true(fd >= 0);
	flash_sim_exit(&flash);
	assert_int_equal(flash_sim_init(&flash, path, -1), 0);
	reboot();
	assert_int_equal(store_save("persist\n", 8), 0);
	/* a second device on the same file sees it, as after a restart */
	assert_int_equal(flash_sim_init(&f2, path, -1), 0);
	board.flash = &f2;
	reboot();
	assert_loads("persist\n", 8);
	flash_sim_exit(&f2);
	board.flash = &flash;
	unlink(path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_empty, setup, teardown),
		cmocka_unit_test_setup_teardown(test_roundtrip, setup, teardown),
		cmocka_unit_test_setup_teardown(test_too_big, setup, teardown),
		cmocka_unit_test_setup_teardown(test_cut_every_offset_small, setup, teardown),
		cmocka_unit_test_setup_teardown(test_cut_dense_large, setup, teardown),
		cmocka_unit_test_setup_teardown(test_cut_first_save, setup, teardown),
		cmocka_unit_test_setup_teardown(test_corrupt_slot_ignored, setup, teardown),
		cmocka_unit_test_setup_teardown(test_seq_order_and_wrap, setup, teardown),
		cmocka_unit_test_setup_teardown(test_file_backed, setup, teardown),
	};

	hlgw_log_init();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
