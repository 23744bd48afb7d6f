// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Issue 3 benchmark: SETUP in -> INVITE out inside the box, in instructions (target
 * <= 200,000). The real box in-process: span + sim framer (chunks through the
 * e1_sim_run_chunk backdoor), isdn (dchan, libpri, Q.931 guard), call control, SIP (oSIP),
 * media channels and lwIP on the fake eth_dev of tests/unit/common. The telco side is a
 * second dchan (PRI_NETWORK) whose HDLC octets ride TS16 of the chunks.
 *
 * Counted (callgrind client requests): the box's side only — the 1 ms chunk in which the
 * SETUP's closing flag reaches the box's D-channel, then the main-loop turn (osmo timers,
 * subsystems' work) and any further box chunks, up to the INVITE datagram reaching the fake
 * eth send(). The telco side's dchan work is never counted.
 *
 * Doubles: the board (fake clock, log sink, no poll), the framer device is e1_sim behind a
 * thin shim that reports no alarms and does not open the line socket, eth_fake as the
 * Ethernet device. The advisor answers each INVITE with 100 Trying so that retransmissions of
 * earlier calls never fall into a later call's count.
 *
 * Run it plainly: it runs itself under `valgrind --tool=callgrind` once per figure, with
 * LD_BIND_NOW=1: a firmware image is linked statically, so the shared libraries' lazy symbol
 * binding (about 100,000 instructions in the first call's count) is no cost of the box.
 * `bench_setup --child N` places N calls and counts only the last.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <valgrind/callgrind.h>

#include <osmocom/core/timer.h>

#include <drv/e1_framer.h>
#include <drv/eth.h>
#include <hlgw/board.h>
#include <hlgw/call.h>
#include <hlgw/isdn.h>
#include <hlgw/log.h>
#include <hlgw/net.h>
#include <hlgw/span.h>
#include <hlgw/subsys.h>

#include "e1/e1_sim.h"
#include "isdn/dchan.h"
#include "../../tests/unit/common/eth_fake.h"
#include "box_doubles.h"
#include "cg_run.h"

#define BOX_IP 0xc6120002u  /* 198.18.0.2 */
#define PEER_IP 0xc6120001u /* 198.18.0.1: the advisor */
#define MASK24 0xffffff00u
#define HOTLINE "0800123"
#define TARGET 200000

static const uint8_t peer_mac[6] = { 0x02, 0xaa, 0xbb, 0xcc, 0xdd, 0xee };

/* ---- the framer: e1_sim behind a shim (tools/bench/box_doubles) -------------------- */
static struct e1_framer_dev e1real, e1shim;

static struct board bench_board = { .name = "bench", .eth = &eth_fake_dev,
				    .e1 = { &e1shim }, .n_e1 = 1, .pcap_dir = "" };

static const struct hlgw_subsys *const subs[] = {
	&span_subsys, &isdn_subsys, &net_subsys, &sip_subsys, &call_subsys, NULL,
};

/* ---- the telco side: a PRI_NETWORK D-channel ---------------------------------------- */
static struct dchan telco;

static void telco_event(struct dchan *dc, pri_event *ev, void *arg)
{
}
static void quiet_log(const struct dchan *dc, int layer, int level, const char *text)
{
	if (getenv("BENCH_LOG"))
		fprintf(stderr, "[%s L%d] %s\n", dc ? dc->cfg.name : "-", layer, text);
}

/* ---- counting ------------------------------------------------------------------------- */
static bool counting;	    /* collection is on */
static bool measure_this;   /* the call being placed is the measured one */
static bool invite_seen;
static unsigned int invites;
static char last_invite[1600];

static bool is_invite(const struct eth_fake_frame *f)
{
	const uint8_t *d = f->data;

	return f->len > 42 + 7 && get16(d + 12) == 0x0800 && d[23] == 17 &&
	       get16(d + 36) == 5060 && !memcmp(d + 42, "INVITE ", 7);
}

static void on_send(struct eth_fake_frame *f)
{
	if (!is_invite(f))
		return;
	if (counting) {
		CALLGRIND_TOGGLE_COLLECT;
		counting = false;
	}
	invite_seen = true;
	invites++;
	snprintf(last_invite, sizeof(last_invite), "%.*s", (int)(f->len - 42), f->data + 42);
}

/* One main-loop turn as firmware/main.c runs it, the chunk being board_wait()'s work. */
static void box_turn(const uint8_t *rx, uint8_t *tx)
{
	const struct hlgw_subsys *const *s;

	e1_sim_run_chunk(&e1real, rx, tx);
	osmo_timers_prepare();
	osmo_timers_update();
	for (s = subs; *s; s++)
		if ((*s)->work)
			(*s)->work();
}

static uint32_t box_iframes_rx(void)
{
	struct isdn_status st;

	return isdn_get_status(0, &st) == 0 ? st.iframes_rx : 0;
}

/* One 1 ms step of the line. With count, collect the box's turn (zeroed each time until the
 * SETUP has arrived, so the total starts at the chunk that brought it). */
static bool arrived;
static unsigned int turns_counted; /* box turns counted for the measured call */
static void step(bool count)
{
	uint8_t rx[E1_CHUNK_OCTETS], tx[E1_CHUNK_OCTETS], d[E1_CHUNK_FRAMES];
	uint32_t before;
	unsigned int f;

	dchan_tx(&telco, d, sizeof(d));
	memset(rx, 0xd5, sizeof(rx));
	for (f = 0; f < E1_CHUNK_FRAMES; f++)
		rx[f * E1_TIMESLOTS + E1_DCHAN_TS] = d[f];
	before = box_iframes_rx();
	if (count && !invite_seen) {
		if (!arrived)
			CALLGRIND_ZERO_STATS;
		CALLGRIND_TOGGLE_COLLECT;
		counting = true;
	}
	box_turn(rx, tx);
	if (count && arrived)
		turns_counted++;
	if (counting) {
		CALLGRIND_TOGGLE_COLLECT;
		counting = false;
	}
	if (box_iframes_rx() != before && !arrived) {
		arrived = true;
		if (count)
			turns_counted = 1;
	}
	for (f = 0; f < E1_CHUNK_FRAMES; f++)
		d[f] = tx[f * E1_TIMESLOTS + E1_DCHAN_TS];
	dchan_rx(&telco, d, sizeof(d));
	bench_fake_us += 1000;
	osmo_gettimeofday_override_add(0, 1000);
}

/* ---- the advisor: 100 Trying for each INVITE ----------------------------------------- */
static size_t copy_hdr(char *out, size_t max, const char *msg, const char *name)
{
	const char *p = msg;
	size_t n = strlen(name);

	while ((p = strstr(p, "\r\n")) != NULL) {
		const char *e;

		p += 2;
		if (strncasecmp(p, name, n) || p[n] != ':')
			continue;
		e = strstr(p, "\r\n");
		if (!e || (size_t)(e - p) + 2 >= max)
			return 0;
		memcpy(out, p, (size_t)(e - p) + 2);
		return (size_t)(e - p) + 2;
	}
	return 0;
}

static void advisor_trying(const char *invite)
{
	static const char *const hdrs[] = { "Via", "From", "To", "Call-ID", "CSeq" };
	uint8_t fr[1514];
	char *sip = (char *)fr + 42;
	size_t len = 0, i, ulen;

	len += (size_t)snprintf(sip, 1400, "SIP/2.0 100 Trying\r\n");
	for (i = 0; i < 5; i++)
		len += copy_hdr(sip + len, 1400 - len, invite, hdrs[i]);
	len += (size_t)snprintf(sip + len, 1400 - len, "Content-Length: 0\r\n\r\n");
	ulen = 8 + len;
	eth_fake_eth_hdr(fr, eth_fake_mac, peer_mac, 0x0800);
	eth_fake_ip_hdr(fr + 14, (uint16_t)(20 + ulen), 77, 0, 17, PEER_IP, BOX_IP);
	put16(fr + 34, 5060);
	put16(fr + 36, 5060);
	put16(fr + 38, (uint16_t)ulen);
	put16(fr + 40, 0); /* no UDP checksum */
	eth_fake_inject(fr, 42 + len);
}

/* Place one call on timeslot ts from the telco side; step until its INVITE left the box. */
static int place_call(unsigned int ts, bool measure)
{
	struct pri *p = dchan_pri(&telco);
	q931_call *call = pri_new_call(p);
	struct pri_sr *sr = pri_sr_new();
	unsigned int n;

	pri_sr_set_channel(sr, (int)ts, 1, 0);
	pri_sr_set_bearer(sr, PRI_TRANS_CAP_SPEECH, PRI_LAYER_1_ALAW);
	pri_sr_set_called(sr, HOTLINE, PRI_NATIONAL_ISDN, 1);
	pri_sr_set_caller(sr, "4930123456", NULL, PRI_NATIONAL_ISDN,
			  PRES_ALLOWED_USER_NUMBER_NOT_SCREENED);
	if (pri_setup(p, call, sr)) {
		pri_sr_free(sr);
		return -EIO;
	}
	pri_sr_free(sr);
	invite_seen = false;
	arrived = false;
	measure_this = measure;
	for (n = 0; n < 500 && !invite_seen; n++)
		step(measure);
	if (!invite_seen)
		return -ETIMEDOUT;
	advisor_trying(last_invite);
	for (n = 0; n < 20; n++) /* CALL PROCEEDING back, the 100 taken */
		step(false);
	eth_fake_reset();
	return 0;
}

static int box_up(void)
{
	struct net_cfg cfg = { .addr = BOX_IP, .mask = MASK24 };
	struct dchan_cfg tc = { .name = "telco", .nodetype = PRI_NETWORK,
				.switchtype = PRI_SWITCH_EUROISDN_E1, .event = telco_event };
	const struct hlgw_subsys *const *s;
	struct isdn_status st;
	unsigned int n;

	eth_fake_on_send = on_send;
	eth_fake_set_limit(ETH_FAKE_MAX_TX, true);
	if (hlgw_log_init() < 0)
		return -1;
	osmo_gettimeofday_override = true;
	if (e1_sim_init(&e1real, 0, "/nonexistent/e1") < 0)
		return -1;
	bench_e1_shim(&e1shim, &e1real);
	for (s = subs; *s; s++)
		if ((*s)->init && (*s)->init(&bench_board) < 0) {
			fprintf(stderr, "%s: init failed\n", (*s)->name);
			return -1;
		}
	if (net_set_cfg(&cfg) < 0)
		return -1;
	for (s = subs; *s; s++)
		if ((*s)->start && (*s)->start() < 0) {
			fprintf(stderr, "%s: start failed\n", (*s)->name);
			return -1;
		}
	if (call_hotline_add(HOTLINE) < 0 ||
	    call_hotline_advisor_add(HOTLINE, "sip:advisor@198.18.0.1") < 0)
		return -1;
	eth_fake_inject_arp(1, PEER_IP, peer_mac, BOX_IP); /* the advisor's MAC known */
	dchan_set_log(quiet_log);
	if (dchan_init(&telco, &tc) < 0 || dchan_l1(&telco, true) < 0)
		return -1;
	for (n = 0; n < 300; n++)
		step(false);
	if (isdn_get_status(0, &st) < 0 || st.l2 != ISDN_L2_MULTIPLE_FRAME_ESTABLISHED ||
	    telco.l2 != ISDN_L2_MULTIPLE_FRAME_ESTABLISHED) {
		fprintf(stderr, "D-channel did not come up (box %s, telco %s)\n",
			isdn_l2_state_name(st.l2), isdn_l2_state_name(telco.l2));
		return -1;
	}
	eth_fake_reset();
	return 0;
}

/* Child: place n calls (timeslots 1..), count the last one's SETUP -> INVITE. */
static int child(unsigned int n)
{
	unsigned int i;
	int rc;

	if (box_up() < 0)
		return 1;
	for (i = 1; i <= n; i++) {
		rc = place_call(i <= 15 ? i : i + 1, i == n);
		if (rc < 0) {
			fprintf(stderr, "call %u: no INVITE (%d)\n", i, rc);
			return 1;
		}
	}
	if (getenv("BENCH_LOG"))
		fprintf(stderr, "%u INVITEs sent for %u calls; last call counted over %u box turns\n",
			invites, n, turns_counted);
	if (invites != n) {
		fprintf(stderr, "%u INVITEs for %u calls (retransmissions?)\n", invites, n);
		return 1;
	}
	if (bench_log_errors) {
		fprintf(stderr, "%u errors logged (BENCH_LOG=1 shows them)\n", bench_log_errors);
		return 1;
	}
	return 0;
}

/* Child: n toggle pairs around nothing (what the requests themselves count). */
static int child_base(unsigned int n)
{
	CALLGRIND_ZERO_STATS;
	while (n--) {
		CALLGRIND_TOGGLE_COLLECT;
		CALLGRIND_TOGGLE_COLLECT;
	}
	return 0;
}

static long long measure(const char *self, const char *mode, unsigned int n)
{
	return cg_run("", self, "%s %u", mode, n);
}

int main(int argc, char **argv)
{
	static const unsigned int which[] = { 1, 2, 10, 30 };
	long long base, v;
	unsigned int i;

	if (argc >= 3 && !strcmp(argv[1], "--child"))
		return child((unsigned int)atoi(argv[2]));
	if (argc >= 3 && !strcmp(argv[1], "--base"))
		return child_base((unsigned int)atoi(argv[2]));
	if (RUNNING_ON_VALGRIND) {
		fprintf(stderr, "run bench_setup plainly: it starts callgrind itself\n");
		return 1;
	}
	if (child(2) != 0) { /* a plain run first: the scenario works at all */
		fprintf(stderr, "bench_setup: scenario failed\n");
		return 1;
	}
	base = measure(argv[0], "--base", 10) / 10;
	printf("SETUP in -> INVITE out, box side, instructions by callgrind (target <= %d):\n",
	       TARGET);
	for (i = 0; i < sizeof(which) / sizeof(which[0]); i++) {
		v = measure(argv[0], "--child", which[i]);
		if (v < 0) {
			fprintf(stderr, "callgrind run failed (is valgrind installed?)\n");
			return 1;
		}
		printf("  call %2u%s: %8lld instructions  %s\n", which[i],
		       which[i] == 1 ? " (first: one-time allocations)" : "                  ",
		       v, v <= TARGET ? "<= 200,000 OK" : "> 200,000 OVER");
	}
	printf("  (counted from the start of the 1 ms chunk whose TS16 octets complete the SETUP\n"
	       "   frame to the INVITE at the fake eth send(); a toggle pair counts %lld)\n", base);
	return 0;
}
