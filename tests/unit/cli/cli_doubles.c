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
#include <hlgw/call.h>
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
		.rx_small = 7, .rx_small_fallback = 1, .rx_small_bufs = 1100,
		.rx_small_size = 320, .rx_small_used = 3, .rx_small_max_used = 40,
		.rx_pool_bufs = 256, .rx_pool_size = 1536, .rx_pool_used = 1,
		.rx_pool_max_used = 2,
	};
	return 0;
}

/* firmware/main.c's, fixed so that transcripts do not depend on the build date */
const char hlgw_version[] = "hlgw test";

/* ---- SIP (firmware/sip) ---- */
static struct sip_cfg dbl_sip_cfg = {
	.listen_port = SIP_DEFAULT_PORT,
	.options_interval_s = SIP_DEFAULT_OPTIONS_INTERVAL,
	.tcp_idle_s = SIP_DEFAULT_TCP_IDLE,
	.session_expires_s = SIP_DEFAULT_SESSION_EXPIRES,
	.min_se_s = SIP_MIN_SE,
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

int sip_tcp_get(unsigned int idx, struct sip_tcp_info *info)
{
	return -ENOENT;
}

void sip_ka_set_cb(sip_ka_cb cb, void *arg)
{
}

int sip_ka_add(const char *uri)
{
	return -ENOSPC;
}

int sip_ka_remove(const char *uri)
{
	return -ENOENT;
}

/* routing tables from board files: none in these tests */
int board_file_open_read(uint32_t *size, const char *path)
{
	return -ENOENT;
}

int board_file_read(int fh, void *buf, unsigned int len)
{
	return -EIO;
}

int board_file_close(int fh)
{
	return 0;
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
		.ec = { .on = true, .tail_ms = 64, .nlp = true, .erl_db = 6.2f, .erle_db = 41.5f,
			.converged = true, .tone_disables = 1 },
	};
	return 0;
}

void media_ecan_pool_info(unsigned int *total, unsigned int *free_now, uint32_t *short_calls)
{
	*total = 120;
	*free_now = 119;
	*short_calls = 0;
}

void media_port_get_range(uint16_t *min, uint16_t *max)
{
	*min = MEDIA_PORT_DEFAULT_MIN;
	*max = MEDIA_PORT_DEFAULT_MAX;
}

/* ---- call control (firmware/call) ---- */
/* One hotline slot, the RFC rows the console shows first, one call in progress (id 7). */
static struct call_hotline double_hotline;
static bool double_hotline_used;

int call_hotline_add(const char *number)
{
	if (!number || !*number || strlen(number) > CALL_NUM_MAX ||
	    strspn(number, "+0123456789*#") != strlen(number))
		return -EINVAL;
	if (double_hotline_used && strcmp(double_hotline.number, number))
		return -ENOSPC;
	if (!double_hotline_used) {
		memset(&double_hotline, 0, sizeof(double_hotline));
		osmo_strlcpy(double_hotline.number, number, sizeof(double_hotline.number));
		double_hotline.ring_timeout_s = CALL_RING_TIMEOUT_DEF;
		double_hotline_used = true;
	}
	return 0;
}

int call_hotline_del(const char *number)
{
	if (!double_hotline_used || strcmp(double_hotline.number, number))
		return -ENOENT;
	double_hotline_used = false;
	return 0;
}

int call_hotline_advisor_add(const char *number, const char *uri)
{
	if (!double_hotline_used || strcmp(double_hotline.number, number))
		return -ENOENT;
	if (strncmp(uri, "sip:", 4) || strlen(uri) >= SIP_URI_MAX)
		return -EINVAL;
	if (double_hotline.n_advisors >= CALL_ADVISORS_MAX)
		return -ENOSPC;
	osmo_strlcpy(double_hotline.advisor[double_hotline.n_advisors++], uri, SIP_URI_MAX);
	return 0;
}

int call_hotline_advisor_del(const char *number, const char *uri)
{
	return -ENOENT;
}

int call_hotline_ring_timeout(const char *number, unsigned int s)
{
	if (!double_hotline_used)
		return -ENOENT;
	if (s < CALL_RING_TIMEOUT_MIN || s > CALL_RING_TIMEOUT_MAX)
		return -ERANGE;
	double_hotline.ring_timeout_s = s;
	return 0;
}

const struct call_hotline *call_hotline_get(unsigned int idx)
{
	return idx == 0 && double_hotline_used ? &double_hotline : NULL;
}

static char double_prefix[CALL_TON__NUM][CALL_PREFIX_MAX + 1] = {
	[CALL_TON_INTERNATIONAL] = "+",
};

int call_prefix_set(enum call_ton ton, const char *prefix)
{
	if ((unsigned int)ton >= CALL_TON__NUM || strlen(prefix) > CALL_PREFIX_MAX ||
	    strspn(prefix, "+0123456789") != strlen(prefix))
		return -EINVAL;
	osmo_strlcpy(double_prefix[ton], prefix, sizeof(double_prefix[ton]));
	return 0;
}

const char *call_prefix_get(enum call_ton ton)
{
	return (unsigned int)ton < CALL_TON__NUM ? double_prefix[ton] : "";
}

static char double_prefix_private[CALL_PREFIX_MAX + 1];

int call_prefix_private_set(const char *prefix)
{
	if (strlen(prefix) > CALL_PREFIX_MAX || strspn(prefix, "+0123456789") != strlen(prefix))
		return -EINVAL;
	osmo_strlcpy(double_prefix_private, prefix, sizeof(double_prefix_private));
	return 0;
}

const char *call_prefix_private_get(void)
{
	return double_prefix_private;
}

const char *call_npi_name(enum call_npi npi)
{
	return npi == CALL_NPI_PRIVATE ? "private" : "ISDN/telephony";
}

const char *call_ton_name(enum call_ton ton)
{
	return ton == CALL_TON_NATIONAL ? "national" : "unknown";
}

static int double_sip_cause[2][2] = { { 486, 17 }, { 480, 18 } };

int call_cause_map_set_sip(int status, int cause)
{
	unsigned int i;

	for (i = 0; i < 2; i++)
		if (double_sip_cause[i][0] == status) {
			double_sip_cause[i][1] = cause;
			return 0;
		}
	return -EINVAL;
}

int call_cause_map_set_q850(int cause, int status)
{
	return cause == 17 ? 0 : -EINVAL;
}

void call_cause_map_reset(void)
{
	double_sip_cause[0][1] = 17;
	double_sip_cause[1][1] = 18;
}

int call_cause_sip_row(unsigned int idx, int *status, int *cause, bool *changed)
{
	static const int rfc[2] = { 17, 18 };

	if (idx >= 2)
		return -ENOENT;
	*status = double_sip_cause[idx][0];
	*cause = double_sip_cause[idx][1];
	*changed = *cause != rfc[idx];
	return 0;
}

int call_cause_q850_row(unsigned int idx, int *cause, int *status, bool *changed)
{
	static const int rows[2][2] = { { 16, 0 }, { 17, 486 } };

	if (idx >= 2)
		return -ENOENT;
	*cause = rows[idx][0];
	*status = rows[idx][1];
	*changed = false;
	return 0;
}

const char *call_cause_name(int cause)
{
	return cause == 16 ? "Normal call clearing" : cause == 17 ? "User busy" : "";
}

int call_get_by_id(uint32_t id, struct call_info *info)
{
	if (id != 7)
		return -ENOENT;
	*info = (struct call_info){
		.id = 7, .span = 0, .ts = 1, .caller = "+4930123456", .hotline = "0800123",
		.advisor = "sip:adv1@198.18.0.1:5071", .attempt = 1, .state = "ACTIVE",
		.age_s = 75, .talk_s = 70, .media = true,
		.stats = { .tx_packets = 3500, .rx_packets = 3490, .rx_lost = 10, .jitter_ms = 3 },
		.ecan = { .on = true, .tail_ms = 128, .nlp = false, .erl_db = 9.0f,
			  .erle_db = 12.25f, .disabled = true, .tone_disables = 2 },
	};
	return 0;
}

int call_get(unsigned int idx, struct call_info *info)
{
	return idx == 0 ? call_get_by_id(7, info) : -ENOENT;
}

int call_clear(uint32_t id)
{
	return id == 7 ? 0 : -ENOENT;
}

void call_get_counters(struct call_counters *ctr)
{
	*ctr = (struct call_counters){ .setups = 3, .refused = 1, .answered = 1, .attempts = 3,
				       .next_advisor = 1 };
}

static bool double_ringback;

void call_ringback_inband_set(bool on)
{
	double_ringback = on;
}

bool call_ringback_inband(void)
{
	return double_ringback;
}

static enum call_rating_mode double_rating;

void call_rating_set(enum call_rating_mode m)
{
	double_rating = m;
}

enum call_rating_mode call_rating_get(void)
{
	return double_rating;
}

int call_queue_info_get(unsigned int idx, struct call_queue_info *info)
{
	return -ENOENT;
}
