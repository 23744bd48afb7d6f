// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Test doubles for the CLI unit test: span, isdn and net as the console sees them through
 * their headers, with fixed status figures and the same argument checks as the real modules.
 * Also the board hooks the console uses (no serial line here: the test drives the VTY).
 */
#include <errno.h>
#include <string.h>

#include <osmocom/core/tdef.h>
#include <osmocom/core/utils.h>

#include <hlgw/board.h>
#include <hlgw/isdn.h>
#include <hlgw/media.h>
#include <hlgw/net.h>
#include <hlgw/sip.h>
#include <hlgw/span.h>

#include "../../../firmware/span/g826.h"
#include "cli_doubles.h"

/* ---- board ---- */
uint64_t double_time_us;
char double_log[65536];
size_t double_log_len;

uint64_t board_time_us(void)
{
	return double_time_us;
}

void board_log_write(const char *buf, int len)
{
	if (double_log_len + len < sizeof(double_log)) {
		memcpy(double_log + double_log_len, buf, len);
		double_log_len += len;
		double_log[double_log_len] = 0;
	}
}

int board_console_start(void)
{
	return -ENODEV;
}

void board_console_stop(void)
{
}

const char *double_factory;

const char *board_factory_config(size_t *len)
{
	if (double_factory)
		*len = strlen(double_factory);
	return double_factory;
}

/* ---- span ---- */
#define DOUBLE_SPANS 2
static struct span_cfg double_span_cfg[DOUBLE_SPANS];
static struct g826 double_g826[DOUBLE_SPANS];

void double_reset(void)
{
	unsigned int i;

	for (i = 0; i < DOUBLE_SPANS; i++) {
		double_span_cfg[i] = (struct span_cfg){
			.enabled = i == 0,
			.line = { .crc4 = true, .linecode = E1_LINECODE_HDB3,
				  .clock = E1_CLOCK_LINE },
			.bchan_mask = 0xfffefffeu,
			.dchan_ts = 16,
			.ec_taps = 512,
		};
		g826_init(&double_g826[i], true);
	}
	/* span 0: 20 minutes with a burst of errors and a 15 s outage in the first interval */
	for (i = 0; i < 1200; i++)
		g826_second(&double_g826[0], i >= 100 && i < 103 ? 5 : 0, 1000, i >= 200 && i < 215);
	double_net_reset();
	double_pcap_reset();
}

unsigned int span_count(void)
{
	return DOUBLE_SPANS;
}

const struct span_cfg *span_get_cfg(unsigned int nr)
{
	return nr < DOUBLE_SPANS ? &double_span_cfg[nr] : NULL;
}

int span_set_cfg(unsigned int nr, const struct span_cfg *cfg)
{
	if (nr >= DOUBLE_SPANS)
		return -ENODEV;
	if ((cfg->bchan_mask & 1u) || !cfg->dchan_ts || cfg->dchan_ts >= 32 ||
	    (cfg->bchan_mask & (1u << cfg->dchan_ts)))
		return -EINVAL;
	if (cfg->ec_taps != 256 && cfg->ec_taps != 512 && cfg->ec_taps != 1024)
		return -EINVAL;
	double_span_cfg[nr] = *cfg;
	return 0;
}

int span_get_status(unsigned int nr, struct span_status *st)
{
	if (nr >= DOUBLE_SPANS)
		return -ENODEV;
	memset(st, 0, sizeof(*st));
	if (nr == 1)
		return 0; /* no framer for span 1 */
	st->present = true;
	st->l1_up = double_span_cfg[0].enabled;
	st->alarms = double_span_cfg[0].enabled ? 0 : E1_ALARM_LOS;
	st->ctr = (struct e1_counters){ .crc4 = 15, .ebit = 2, .fas = 7, .slips = 1, .lfa = 1 };
	return 0;
}

const struct g826 *span_get_g826(unsigned int nr)
{
	return nr < DOUBLE_SPANS ? &double_g826[nr] : NULL;
}

/* ---- isdn ---- */
struct osmo_tdef isdn_q921_tdefs[] = {
	{ .T = 200, .default_val = 1000, .unit = OSMO_TDEF_MS, .desc = "retransmission" },
	{ .T = 203, .default_val = 10000, .unit = OSMO_TDEF_MS, .desc = "idle link check" },
	{}
};
struct osmo_tdef isdn_q931_tdefs[] = {
	{ .T = 303, .default_val = 4000, .unit = OSMO_TDEF_MS, .desc = "SETUP answer" },
	{}
};

const char *isdn_l2_state_name(enum isdn_l2_state st)
{
	switch (st) {
	case ISDN_L2_MULTIPLE_FRAME_ESTABLISHED:
		return "MULTIPLE_FRAME_ESTABLISHED";
	case ISDN_L2_TEI_ASSIGNED:
		return "TEI_ASSIGNED";
	default:
		return "UNKNOWN";
	}
}

int isdn_get_status(unsigned int span, struct isdn_status *st)
{
	if (span >= DOUBLE_SPANS)
		return -ENODEV;
	memset(st, 0, sizeof(*st));
	st->configured = double_span_cfg[span].enabled;
	if (!st->configured)
		return 0;
	st->l1_up = true;
	st->l2 = ISDN_L2_MULTIPLE_FRAME_ESTABLISHED;
	st->sabme_tx = 1;
	st->ua_rx = 1;
	st->frames_tx = 40;
	st->frames_rx = 42;
	st->iframes_tx = 6;
	st->iframes_rx = 7;
	st->l2_up_count = 1;
	st->active_calls = 2;
	st->setups_rx = 3;
	st->setups_rejected = 1;
	return 0;
}

char double_pcap_path[256];

void double_pcap_reset(void)
{
	double_pcap_path[0] = 0;
}

int isdn_pcap_start(const char *path)
{
	if (double_pcap_path[0])
		return -EBUSY;
	osmo_strlcpy(double_pcap_path, path, sizeof(double_pcap_path));
	return 0;
}

int isdn_pcap_stop(void)
{
	double_pcap_path[0] = 0;
	return 0;
}

/* ---- net ---- */
static struct net_cfg double_net;

void double_net_reset(void)
{
	memset(&double_net, 0, sizeof(double_net));
}

void net_get_cfg(struct net_cfg *cfg)
{
	*cfg = double_net;
}

int net_set_cfg(const struct net_cfg *cfg)
{
	uint32_t host;

	if (cfg->addr) {
		if (!cfg->mask || (~cfg->mask & (~cfg->mask + 1)))
			return -EINVAL; /* not contiguous */
		host = cfg->addr & ~cfg->mask;
		if (cfg->mask != 0xffffffffu && (host == 0 || host == ~cfg->mask))
			return -EINVAL;
		if (cfg->gw && (cfg->gw & cfg->mask) != (cfg->addr & cfg->mask))
			return -EINVAL;
	} else if (cfg->gw) {
		return -EINVAL;
	}
	double_net = *cfg;
	return 0;
}

int net_get_status(struct net_status *st)
{
	*st = (struct net_status){
		.present = true,
		.up = double_net.addr != 0,
		.mac = { 0x02, 0x48, 0x4c, 0x47, 0x57, 0x01 },
		.rx_packets = 10, .tx_packets = 9, .mtu = 1500, .icmp_echo_rx = 4,
	};
	return 0;
}

/* firmware/main.c's, fixed so that transcripts do not depend on the build date */
const char hlgw_version[] = "hlgw test";

/* ---- SIP (firmware/sip) ---- */
static struct sip_cfg dbl_sip_cfg = {
	.listen_port = SIP_DEFAULT_PORT,
	.options_interval_s = SIP_DEFAULT_OPTIONS_INTERVAL,
};

void sip_get_cfg(struct sip_cfg *cfg)
{
	*cfg = dbl_sip_cfg;
}

int sip_set_cfg(const struct sip_cfg *cfg)
{
	if (!cfg->listen_port || cfg->options_interval_s < 5 || cfg->options_interval_s > 3600)
		return -EINVAL;
	dbl_sip_cfg = *cfg;
	return 0;
}

int sip_get_status(struct sip_status *st)
{
	memset(st, 0, sizeof(*st));
	st->port = dbl_sip_cfg.listen_port;
	return 0;
}

int sip_ka_get(unsigned int idx, struct sip_ka_info *info)
{
	return -ENOENT;
}

const char *sip_ka_state_name(enum sip_ka_state st)
{
	return st == SIP_KA_UP ? "up" : st == SIP_KA_DOWN ? "down" : "unknown";
}

int sip_test_invite(const char *uri)
{
	return -ENOTSUP;
}

int sip_test_bye(void)
{
	return -ENOENT;
}

const char *sip_test_state(void)
{
	return "idle";
}

/* ---- media (firmware/media) ---- */
/* Slot 0: a call on S0:T1 in progress; slot 1 unused; 2 slots. */
int media_chan_info_get(unsigned int idx, struct media_chan_info *info)
{
	if (idx >= 2)
		return -ERANGE;
	if (idx == 1)
		return -ENOENT;
	*info = (struct media_chan_info){
		.span = 0, .ts = 1, .local_port = 16384,
		.remote = { .addr = 0xc6120001u, .port = 20000, .pt_pcma = 8, .te_pt = 101 },
		.st = { .tx_packets = 1500, .rx_packets = 1497, .rx_lost = 3, .rx_late = 1,
			.jitter_ms = 2, .jbuf_delay_ms = 24, .rtt_ms = 12 },
	};
	return 0;
}

void media_port_get_range(uint16_t *min, uint16_t *max)
{
	*min = MEDIA_PORT_DEFAULT_MIN;
	*max = MEDIA_PORT_DEFAULT_MAX;
}
