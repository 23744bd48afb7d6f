// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Two D-channels back to back, octet by octet through HDLC (and so through libpri's real
 * Q.921/Q.931 on both sides): CPE and network. libpri reads the host clock, so the tests that
 * need its timers step real time in 1 ms slices (each test stays well under a few seconds).
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "../../../board/sim/sim_poll.h"
#include "../../../firmware/isdn/dchan.h"

struct sim_opts sim_opts; /* bfile_sim.c reads pcap_dir */

struct side {
	struct dchan dc;
	int ev_count[64];
	char ring_called[64], ring_calling[64];
	int ring_channel, ring_plan, ring_pres;
	int hangup_cause;
	q931_call *ring_call;
	bool reject_setup; /* answer a SETUP with RELEASE COMPLETE */
	int corrupt;	   /* flip a bit in octet 3 of the next chunks this side receives */
};

static struct side cpe, net;

static void on_event(struct dchan *dc, pri_event *ev, void *arg)
{
	struct side *s = arg;

	if (ev->e >= 0 && ev->e < 64)
		s->ev_count[ev->e]++;
	switch (ev->e) {
	case PRI_EVENT_RING:
		snprintf(s->ring_called, sizeof(s->ring_called), "%.63s", ev->ring.callednum);
		snprintf(s->ring_calling, sizeof(s->ring_calling), "%.63s", ev->ring.callingnum);
		s->ring_channel = ev->ring.channel;
		s->ring_plan = ev->ring.callingplan;
		s->ring_pres = ev->ring.callingpres;
		s->ring_call = ev->ring.call;
		if (s->reject_setup)
			pri_hangup(dchan_pri(dc), ev->ring.call, ISDN_SETUP_REJECT_CAUSE);
		break;
	case PRI_EVENT_HANGUP:
		s->hangup_cause = ev->hangup.cause;
		pri_hangup(dchan_pri(dc), ev->hangup.call, ev->hangup.cause);
		break;
	case PRI_EVENT_HANGUP_REQ:
		s->hangup_cause = ev->hangup.cause;
		pri_hangup(dchan_pri(dc), ev->hangup.call, ev->hangup.cause);
		break;
	default:
		break;
	}
}

static void quiet_log(const struct dchan *dc, int layer, int level, const char *text)
{
	if (getenv("DCHAN_TEST_LOG"))
		fprintf(stderr, "[%s L%d] %s\n", dc ? dc->cfg.name : "-", layer, text);
}

/* One 1 ms step of the line: 8 octets each way. */
static void step(void)
{
	uint8_t a[8], b[8];
	int i;

	dchan_tx(&cpe.dc, a, sizeof(a));
	dchan_tx(&net.dc, b, sizeof(b));
	if (net.corrupt > 0) {
		a[3] ^= 0x08;
		net.corrupt--;
	}
	if (cpe.corrupt > 0) {
		b[3] ^= 0x08;
		cpe.corrupt--;
	}
	(void)i;
	dchan_rx(&net.dc, a, sizeof(a));
	dchan_rx(&cpe.dc, b, sizeof(b));
}

/* n steps without waiting (enough for exchanges that need no libpri timer) */
static void pump(int n)
{
	while (n-- > 0)
		step();
}

/* n steps of real time (libpri timers run) */
static void pump_ms(int ms)
{
	while (ms-- > 0) {
		step();
		usleep(1000);
	}
}

static int setup(void **state)
{
	struct dchan_cfg c = { .name = "cpe", .nodetype = PRI_CPE,
			       .switchtype = PRI_SWITCH_EUROISDN_E1, .event = on_event,
			       .arg = &cpe };
	struct dchan_cfg n = { .name = "net", .nodetype = PRI_NETWORK,
			       .switchtype = PRI_SWITCH_EUROISDN_E1, .event = on_event,
			       .arg = &net };

	if (getenv("DCHAN_TEST_LOG"))
		c.pri_debug = n.pri_debug = PRI_DEBUG_ALL;
	memset(&cpe, 0, sizeof(cpe));
	memset(&net, 0, sizeof(net));
	dchan_set_log(quiet_log);
	assert_int_equal(dchan_init(&cpe.dc, &c), 0);
	assert_int_equal(dchan_init(&net.dc, &n), 0);
	return 0;
}

static void bring_up(void)
{
	assert_int_equal(dchan_l1(&net.dc, true), 0);
	assert_int_equal(dchan_l1(&cpe.dc, true), 0);
	pump(200);
}

static void test_link_up(void **state)
{
	assert_int_equal(cpe.dc.l2, ISDN_L2_TEI_UNASSIGNED);
	bring_up();
	assert_int_equal(cpe.dc.l2, ISDN_L2_MULTIPLE_FRAME_ESTABLISHED);
	assert_int_equal(net.dc.l2, ISDN_L2_MULTIPLE_FRAME_ESTABLISHED);
	assert_int_equal(cpe.ev_count[PRI_EVENT_DCHAN_UP], 1);
	assert_int_equal(net.ev_count[PRI_EVENT_DCHAN_UP], 1);
	/* both sides sent SABME at start; each got a UA */
	assert_true(cpe.dc.ctr.sabme_tx >= 1);
	assert_int_equal(cpe.dc.ctr.sabme_tx, net.dc.ctr.sabme_rx);
	assert_int_equal(net.dc.ctr.sabme_tx, cpe.dc.ctr.sabme_rx);
	assert_int_equal(cpe.dc.ctr.ua_tx, net.dc.ctr.ua_rx);
	assert_int_equal(net.dc.ctr.ua_tx, cpe.dc.ctr.ua_rx);
	assert_true(cpe.dc.ctr.ua_rx >= 1);
	assert_int_equal(cpe.dc.ctr.frames_tx, net.dc.ctr.frames_rx);
	assert_int_equal(net.dc.ctr.frames_tx, cpe.dc.ctr.frames_rx);
	assert_int_equal(cpe.dc.ctr.hdlc_crc_err + net.dc.ctr.hdlc_crc_err, 0);
	assert_int_equal(cpe.dc.ctr.l2_up_count, 1);
	assert_string_equal(isdn_l2_state_name(cpe.dc.l2), "MULTIPLE_FRAME_ESTABLISHED");
}

static void place_call(void)
{
	struct pri *p = dchan_pri(&net.dc);
	q931_call *call = pri_new_call(p);
	struct pri_sr *sr = pri_sr_new();

	assert_non_null(call);
	assert_non_null(sr);
	pri_sr_set_channel(sr, 1, 1, 0);
	pri_sr_set_bearer(sr, PRI_TRANS_CAP_SPEECH, PRI_LAYER_1_ALAW);
	pri_sr_set_called(sr, "0800123", PRI_NATIONAL_ISDN, 1);
	pri_sr_set_caller(sr, "4930123456", NULL, PRI_NATIONAL_ISDN,
			  PRES_ALLOWED_USER_NUMBER_NOT_SCREENED);
	assert_int_equal(pri_setup(p, call, sr), 0);
	pri_sr_free(sr);
}

static void test_setup_rejected(void **state)
{
	bring_up();
	pump_ms(100); /* design.md 7: a SETUP right after link-up can be lost */
	cpe.reject_setup = true;
	place_call();
	pump(300);
	if (getenv("DCHAN_TEST_LOG"))
		fprintf(stderr, "net iframes tx %u rx %u frames tx %u crc %u ab %u; cpe frames rx %u tx %u i %u drops %u\n",
			net.dc.ctr.iframes_tx, net.dc.ctr.iframes_rx, net.dc.ctr.frames_tx, net.dc.ctr.hdlc_crc_err, net.dc.ctr.hdlc_abort,
			cpe.dc.ctr.frames_rx, cpe.dc.ctr.frames_tx, cpe.dc.ctr.iframes_tx, cpe.dc.ctr.txq_drops);
	assert_int_equal(cpe.ev_count[PRI_EVENT_RING], 1);
	assert_string_equal(cpe.ring_called, "0800123");
	assert_string_equal(cpe.ring_calling, "4930123456");
	assert_int_equal(cpe.ring_channel & 0xff, 1);
	assert_int_equal(cpe.ring_plan, PRI_NATIONAL_ISDN);
	/* the network side sees the call cleared with the box's cause */
	assert_int_equal(net.ev_count[PRI_EVENT_HANGUP], 1);
	assert_int_equal(net.hangup_cause, ISDN_SETUP_REJECT_CAUSE);
	/* SETUP and RELEASE COMPLETE are I-frames, acknowledged */
	assert_true(net.dc.ctr.iframes_tx >= 1);
	assert_int_equal(net.dc.ctr.iframes_tx, cpe.dc.ctr.iframes_rx);
	assert_int_equal(cpe.dc.ctr.iframes_tx, net.dc.ctr.iframes_rx);
	assert_int_equal(dchan_active_calls(&cpe.dc), 0);
}

static void test_crc_errors(void **state)
{
	bring_up();
	pump_ms(50);
	/* the SETUP (44 octets) takes 6 ms of TS16: corrupt it on the way */
	cpe.corrupt = 3;
	place_call();
	pump(20);
	assert_true(cpe.dc.ctr.hdlc_crc_err + cpe.dc.ctr.hdlc_abort > 0);
	assert_int_equal(cpe.ev_count[PRI_EVENT_RING], 0);
	assert_int_equal(cpe.dc.ctr.iframes_rx, 0);
	/* Q.921 retransmits after T200 (1 s): the call arrives after all */
	pump_ms(1300);
	assert_int_equal(cpe.ev_count[PRI_EVENT_RING], 1);
	assert_string_equal(cpe.ring_called, "0800123");
}

static void test_l1_down_up(void **state)
{
	struct dchan_timer t200 = { PRI_TIMER_T200, 100 };

	cpe.dc.cfg.timers = &t200;
	cpe.dc.cfg.n_timers = 1;
	net.dc.cfg.timers = &t200;
	net.dc.cfg.n_timers = 1;
	bring_up();
	assert_int_equal(dchan_l1(&cpe.dc, false), 0);
	assert_int_equal(cpe.dc.l2, ISDN_L2_TEI_ASSIGNED);
	assert_int_equal(cpe.ev_count[PRI_EVENT_DCHAN_DOWN], 1);
	pump_ms(500); /* the network's link times out: it hears nothing but flags */
	assert_int_equal(dchan_l1(&cpe.dc, true), 0);
	pump_ms(1000);
	assert_int_equal(cpe.dc.l2, ISDN_L2_MULTIPLE_FRAME_ESTABLISHED);
	assert_int_equal(net.dc.l2, ISDN_L2_MULTIPLE_FRAME_ESTABLISHED);
	assert_int_equal(cpe.ev_count[PRI_EVENT_DCHAN_UP], 2);
	assert_int_equal(cpe.dc.ctr.l2_up_count, 2);
}

/* The CPE's first SABME is lost (layer 1 flapped): the network's SABME brings the link up at
 * once, and no later SABME from the CPE resets the link the network already uses. */
static void test_first_sabme_lost(void **state)
{
	uint32_t sabme;

	assert_int_equal(dchan_l1(&cpe.dc, true), 0);
	assert_int_equal(dchan_l1(&cpe.dc, false), 0);
	assert_int_equal(dchan_l1(&cpe.dc, true), 0);
	sabme = cpe.dc.ctr.sabme_tx;
	assert_int_equal(dchan_l1(&net.dc, true), 0);
	pump(100);
	assert_int_equal(cpe.dc.l2, ISDN_L2_MULTIPLE_FRAME_ESTABLISHED);
	assert_int_equal(net.dc.l2, ISDN_L2_MULTIPLE_FRAME_ESTABLISHED);
	assert_int_equal(cpe.ev_count[PRI_EVENT_DCHAN_UP], 1);
	assert_int_equal(cpe.dc.ctr.sabme_rx, 1);
	pump_ms(1500); /* past T200 */
	assert_int_equal(cpe.dc.ctr.sabme_tx, sabme);
	assert_int_equal(net.dc.ctr.sabme_rx, 0);
	assert_int_equal(net.dc.ctr.l2_up_count, 1);
	assert_int_equal(cpe.ev_count[PRI_EVENT_DCHAN_UP], 1);
	assert_int_equal(net.ev_count[PRI_EVENT_DCHAN_DOWN], 0);
	/* and a SETUP right away arrives */
	cpe.reject_setup = true;
	place_call();
	pump(100);
	assert_int_equal(cpe.ev_count[PRI_EVENT_RING], 1);
	assert_int_equal(net.hangup_cause, ISDN_SETUP_REJECT_CAUSE);
}

/* Runts: a 1-octet frame is refused (isdnhdlc's encoder spins forever on one queued right
 * after a closing flag); a 2-octet one goes out and the link carries on. */
static void test_runt_tx(void **state)
{
	static const uint8_t one[1] = { 0x02 }, two[2] = { 0x02, 0x01 };
	uint8_t oct[8];
	int i;

	bring_up();
	for (i = 0; i < 50; i++) {
		assert_int_equal(dchan_send_frame(&net.dc, one, 1), -EINVAL);
		assert_int_equal(dchan_send_frame(&net.dc, two, 2), 0);
		dchan_tx(&net.dc, oct, 1 + i % 8); /* every phase of the closing flag */
	}
	pump(200);
	assert_int_equal(cpe.dc.l2, ISDN_L2_MULTIPLE_FRAME_ESTABLISHED);
}

static void test_pcap(void **state)
{
	char dir[] = "/tmp/dchan-test-XXXXXX";
	char path[256];
	struct dchan_pcap pc;
	uint8_t buf[4096];
	FILE *f;
	size_t n;

	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/d.pcap", dir);
	assert_int_equal(dchan_pcap_open(&pc, path), 0);
	cpe.dc.pcap = &pc;
	bring_up();
	cpe.dc.pcap = NULL;
	dchan_pcap_close(&pc);
	assert_int_equal(pc.frames, cpe.dc.ctr.frames_tx + cpe.dc.ctr.frames_rx);
	f = fopen(path, "rb");
	assert_non_null(f);
	n = fread(buf, 1, sizeof(buf), f);
	fclose(f);
	assert_true(n > 24 + 16 + 16 + 3);
	assert_int_equal(buf[20], 177); /* LINUX_LAPD */
	/* first record: the CPE's own SABME (sent, pkttype 4), user side */
	assert_int_equal(buf[24 + 16 + 1], 4);
	assert_int_equal(buf[24 + 16 + 6], 0);
	assert_int_equal(buf[24 + 16 + 15], 0x30);
	assert_int_equal(buf[24 + 16 + 16 + 2], 0x7f);
	unlink(path);
	rmdir(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_link_up, setup),
		cmocka_unit_test_setup(test_setup_rejected, setup),
		cmocka_unit_test_setup(test_crc_errors, setup),
		cmocka_unit_test_setup(test_l1_down_up, setup),
		cmocka_unit_test_setup(test_first_sabme_lost, setup),
		cmocka_unit_test_setup(test_runt_tx, setup),
		cmocka_unit_test_setup(test_pcap, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
