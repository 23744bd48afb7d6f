// SPDX-License-Identifier: GPL-2.0-or-later
/* G.826 ES / SES / BBE / UAS, the 10-second availability rules, intervals and 24 h. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "../../../firmware/span/g826.h" /* no -Ifirmware in CPPFLAGS */

static struct g826 g;

static struct g826_counts cur(void)
{
	struct g826_counts c;

	assert_int_equal(g826_current(&c, &g), 0);
	return c;
}

static void expect(struct g826_counts c, uint32_t secs, uint32_t es, uint32_t ses, uint32_t bbe,
		   uint32_t uas)
{
	assert_int_equal(c.secs, secs);
	assert_int_equal(c.es, es);
	assert_int_equal(c.ses, ses);
	assert_int_equal(c.bbe, bbe);
	assert_int_equal(c.uas, uas);
}

static void clean(unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		assert_int_equal(g826_second(&g, 0, 1000, false), 0);
}

static void severe(unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		assert_int_equal(g826_second(&g, 0, 0, true), 0);
}

static void test_classify_crc4(void **state)
{
	(void)state;
	g826_init(&g, true);
	clean(1);
	expect(cur(), 1, 0, 0, 0, 0);
	g826_second(&g, 1, 1000, false); /* one errored block: ES */
	expect(cur(), 2, 1, 0, 1, 0);
	g826_second(&g, 299, 1000, false); /* 29.9 %: ES, not SES */
	expect(cur(), 3, 2, 0, 300, 0);
	g826_second(&g, 300, 1000, false); /* 30 %: SES, its blocks are not BBE */
	expect(cur(), 4, 3, 1, 300, 0);
	g826_second(&g, 0, 1000, true); /* defect */
	expect(cur(), 5, 4, 2, 300, 0);
	g826_second(&g, 0, 0, false); /* CRC-4 on, nothing checked */
	expect(cur(), 6, 5, 3, 300, 0);
	g826_second(&g, 5000, 10, false); /* nonsense clamps to 100 % */
	expect(cur(), 7, 6, 4, 300, 0);
	g826_second(&g, 3, 10, false); /* a partial second: 30 % of what was checked */
	expect(cur(), 8, 7, 5, 300, 0);
	assert_false(g826_unavailable(&g));
}

static void test_classify_fas(void **state)
{
	(void)state;
	g826_init(&g, false);
	g826_second(&g, 0, 0, false);
	expect(cur(), 1, 0, 0, 0, 0);
	g826_second(&g, 1, 0, false);
	expect(cur(), 2, 1, 0, 1, 0);
	g826_second(&g, 27, 0, false);
	expect(cur(), 3, 2, 0, 28, 0);
	g826_second(&g, 28, 0, false); /* 1e-3 on the FAS bits */
	expect(cur(), 4, 3, 1, 28, 0);
	g826_second(&g, 0, 0, true);
	expect(cur(), 5, 4, 2, 28, 0);
}

static void test_uas_entry_exit(void **state)
{
	(void)state;
	g826_init(&g, true);
	clean(5);
	/* 9 SES are SES ... */
	severe(9);
	expect(cur(), 14, 9, 9, 0, 0);
	assert_false(g826_unavailable(&g));
	/* ... the 10th makes all 10 unavailable time */
	severe(1);
	expect(cur(), 15, 0, 0, 0, 10);
	assert_true(g826_unavailable(&g));
	severe(3);
	expect(cur(), 18, 0, 0, 0, 13);
	/* non-SES seconds while unavailable are UAS ... */
	for (unsigned i = 0; i < 9; i++)
		g826_second(&g, i & 1 ? 7 : 0, 1000, false);
	expect(cur(), 27, 0, 0, 0, 22);
	assert_true(g826_unavailable(&g));
	/* ... until the 10th: then all 10 are available, their errors counted */
	g826_second(&g, 2, 1000, false);
	expect(cur(), 28, 5, 0, 4 * 7 + 2, 13); /* the 13 SES stay UAS */
	assert_false(g826_unavailable(&g));
	clean(2);
	expect(cur(), 30, 5, 0, 30, 13);
}

static void test_uas_runs_interrupted(void **state)
{
	(void)state;
	g826_init(&g, true);
	severe(9);
	clean(1);
	severe(9);
	expect(cur(), 19, 18, 18, 0, 0);
	assert_false(g826_unavailable(&g));
	severe(1); /* 10 SES in a row now */
	expect(cur(), 20, 9, 9, 0, 10);

	/* unavailable: a SES inside 10 non-SES restarts the count */
	clean(9);
	severe(1);
	clean(9);
	expect(cur(), 39, 9, 9, 0, 29);
	assert_true(g826_unavailable(&g));
	clean(1);
	expect(cur(), 40, 9, 9, 0, 20);
	assert_false(g826_unavailable(&g));
}

static void test_interval_rollover(void **state)
{
	struct g826_counts c;

	(void)state;
	g826_init(&g, true);
	assert_int_equal(g826_interval(&c, &g, 1), -ENOENT);
	for (unsigned i = 0; i < 899; i++)
		g826_second(&g, i == 10 ? 1 : 0, 1000, false);
	expect(cur(), 899, 1, 0, 1, 0);
	g826_second(&g, 0, 1000, false);
	expect(cur(), 0, 0, 0, 0, 0); /* a new interval */
	assert_int_equal(g826_interval(&c, &g, 1), 0);
	expect(c, 900, 1, 0, 1, 0);
	assert_int_equal(g826_interval(&c, &g, 2), -ENOENT);

	/* unavailable time that begins 5 s before the boundary is back-dated there */
	clean(895);
	severe(5);
	expect(cur(), 0, 0, 0, 0, 0);
	g826_interval(&c, &g, 1);
	expect(c, 900, 5, 5, 0, 0);
	severe(5);
	expect(cur(), 5, 0, 0, 0, 5);
	g826_interval(&c, &g, 1);
	expect(c, 900, 0, 0, 0, 5);
	/* and its end likewise */
	severe(890);
	clean(3);
	g826_second(&g, 1, 1000, false);
	clean(1);
	expect(cur(), 0, 0, 0, 0, 0);
	g826_interval(&c, &g, 1);
	expect(c, 900, 0, 0, 0, 900);
	assert_true(g826_unavailable(&g));
	clean(5); /* the 10th non-SES: 5 s back there, 4 here become available */
	assert_false(g826_unavailable(&g));
	expect(cur(), 5, 0, 0, 0, 0);
	g826_interval(&c, &g, 1);
	expect(c, 900, 1, 0, 1, 895);
	g826_interval(&c, &g, 3);
	expect(c, 900, 1, 0, 1, 0);
}

static void test_24h(void **state)
{
	struct g826_counts c;

	(void)state;
	g826_init(&g, true);
	/* interval k has k % 7 errored seconds, k = 0 .. 96 (97 intervals) */
	for (unsigned k = 0; k < 97; k++)
		for (unsigned s = 0; s < G826_INTERVAL_SECS; s++)
			g826_second(&g, s < k % 7 ? 2 : 0, 1000, false);
	uint32_t want = 0;
	for (unsigned k = 1; k < 97; k++) /* interval 0 has fallen out */
		want += k % 7;
	assert_int_equal(g826_total_24h(&c, &g), 0);
	expect(c, 96 * 900, want, 0, 2 * want, 0);
	assert_int_equal(g826_interval(&c, &g, 1), 0);
	expect(c, 900, 96 % 7, 0, 2 * (96 % 7), 0);
	assert_int_equal(g826_interval(&c, &g, 96), 0);
	expect(c, 900, 1, 0, 2, 0);
	expect(cur(), 0, 0, 0, 0, 0);
	clean(17);
	expect(cur(), 17, 0, 0, 0, 0); /* seconds elapsed in the current interval */
}

static void test_args(void **state)
{
	struct g826_counts c;

	(void)state;
	g826_init(&g, true);
	assert_int_equal(g826_init(NULL, true), -EINVAL);
	assert_int_equal(g826_second(NULL, 0, 0, false), -EINVAL);
	assert_int_equal(g826_current(NULL, &g), -EINVAL);
	assert_int_equal(g826_interval(&c, &g, 0), -EINVAL);
	assert_int_equal(g826_interval(&c, &g, G826_HISTORY + 1), -EINVAL);
	assert_int_equal(g826_total_24h(&c, NULL), -EINVAL);
	assert_int_equal(g826_total_24h(&c, &g), 0);
	expect(c, 0, 0, 0, 0, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_classify_crc4),
		cmocka_unit_test(test_classify_fas),
		cmocka_unit_test(test_uas_entry_exit),
		cmocka_unit_test(test_uas_runs_interrupted),
		cmocka_unit_test(test_interval_rollover),
		cmocka_unit_test(test_24h),
		cmocka_unit_test(test_args),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
