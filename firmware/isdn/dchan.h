/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * One ISDN PRI D-channel: HDLC (libosmocore isdnhdlc) <-> LAPD frames <-> a libpri instance
 * (pri_new_cb I/O callbacks). Portable and shared by the box (firmware/isdn/isdn.c) and the
 * telco side (tools/pstn-sim): no OS calls except gettimeofday(), which libpri needs anyway.
 *
 * The owner feeds the D-channel timeslot every 1 ms (dchan_rx), takes the octets to send
 * (dchan_tx), reports layer 1 (dchan_l1), runs dchan_timers() from its main loop and gets
 * libpri's events through its callback. It talks Q.931 to libpri directly (pri_setup(), ...)
 * on dchan_pri(), inside the event callback or between the calls above.
 *
 * Layer 2 state: libpri 1.6 has no API for its Q.921 state (pri_dump_info_str() lacks it),
 * so the state is inferred from the frames passing through (also those discarded while
 * layer 1 is down) plus libpri's DCHAN_UP/DOWN events: SABME sent -> AWAITING_ESTABLISHMENT;
 * UA received for it, UA sent for the peer's SABME, or DCHAN_UP -> MULTIPLE_FRAME_ESTABLISHED;
 * enquiry (S-frame command with P=1) sent -> TIMER_RECOVERY until a response with F=1;
 * DISC sent -> AWAITING_RELEASE; UA sent for the peer's DISC, DM received, UA for our DISC,
 * DCHAN_DOWN, layer 1 lost while established -> TEI_ASSIGNED.
 *
 * SABME crossing: when libpri answers the peer's SABME while its own SABME is unanswered, it
 * would stay in AWAITING_ESTABLISHMENT until T200 and then reset the link the peer already
 * uses (losing e.g. a SETUP). The D-channel then feeds libpri the UA it waits for.
 *
 * Layer 1 down: libpri has no layer 1 primitive, so the D-channel feeds libpri a DISC from
 * the peer (what a PH-DEACTIVATE does to Q.921: the link is gone, layer 3 gets
 * DL-RELEASE / DCHAN_DOWN) and discards libpri's output until layer 1 returns; libpri's
 * own SABME retries (every T200) then bring the link back by themselves.
 */
#ifndef HLGW_ISDN_DCHAN_H
#define HLGW_ISDN_DCHAN_H

#include <stdbool.h>
#include <stdint.h>

#include <libpri.h>
#include <osmocom/core/isdnhdlc.h>

#include <hlgw/isdn.h>

#define DCHAN_MAX_FRAME 300 /* LAPD: 4 header + N201 260 octets, with room to spare */
#define DCHAN_MIN_FRAME 3   /* address + control */
#define DCHAN_TXQ 16	    /* frames queued for HDLC */

struct dchan;

/* A pcap file being written (one may be shared by several D-channels). */
struct dchan_pcap {
	int fh; /* board file handle, < 0 when closed */
	uint32_t frames;
};

/* An event from libpri; ev is valid only inside the callback. */
typedef void (*dchan_event_cb)(struct dchan *dc, pri_event *ev, void *arg);
/*
 * Layer 3 hooks (optional): every Q.931 message, i.e. the payload of a SAPI 0 I or UI frame.
 * rx: before libpri reads it. Write what libpri gets instead into out (max octets) and return
 *     its length, or return -1 to hand it over as it came. 0 hands libpri an empty I-frame
 *     (layer 2 acknowledges it, layer 3 ignores it) or drops a UI frame. fresh: the I-frame has
 *     the N(S) libpri expects next (a retransmission has not: libpri ignores its contents);
 *     always true for a UI frame.
 * tx: libpri sends msg in an I-frame with N(S) ns (-1: UI frame). Write a replacement into out
 *     and return its length, or return -1 to send it as it is.
 */
typedef int (*dchan_l3_rx_cb)(struct dchan *dc, const uint8_t *msg, unsigned int len, bool fresh,
			      uint8_t *out, unsigned int max, void *arg);
typedef int (*dchan_l3_tx_cb)(struct dchan *dc, const uint8_t *msg, unsigned int len, int ns,
			      uint8_t *out, unsigned int max, void *arg);
/* Log text from the D-channel or libpri; layer 2 or 3, level LOGL_*. */
typedef void (*dchan_log_cb)(const struct dchan *dc, int layer, int level, const char *text);

struct dchan_timer {
	int id;	   /* PRI_TIMER_* */
	int value; /* ms, or a count for N200/K */
};

struct dchan_cfg {
	const char *name;	/* log prefix, e.g. "S0:T16" */
	int nodetype;		/* PRI_CPE or PRI_NETWORK */
	int switchtype;		/* PRI_SWITCH_EUROISDN_E1, PRI_SWITCH_QSIG */
	const struct dchan_timer *timers; /* applied on (re)start; may be NULL */
	unsigned int n_timers;
	int pri_debug;		/* PRI_DEBUG_* bits for pri_set_debug (0: quiet) */
	dchan_event_cb event;
	dchan_l3_rx_cb l3_rx; /* may be NULL */
	dchan_l3_tx_cb l3_tx; /* may be NULL */
	void *arg;	      /* for event, l3_rx, l3_tx */
};

struct dchan_ctr {
	uint32_t sabme_tx, sabme_rx, ua_tx, ua_rx, disc_tx, disc_rx, dm_tx, dm_rx;
	uint32_t frames_tx, frames_rx, iframes_tx, iframes_rx;
	uint32_t hdlc_crc_err, hdlc_abort, hdlc_overlong;
	uint32_t short_frames; /* decoded frames too short for LAPD (< 3 octets) */
	uint32_t txq_drops;    /* frames dropped because the TX queue was full */
	uint32_t l2_up_count;
};

struct dchan_txf {
	uint16_t len;
	uint8_t buf[DCHAN_MAX_FRAME];
};

struct dchan {
	struct dchan_cfg cfg;
	struct pri *pri;
	bool l1_up;
	bool network; /* the libpri side is PRI_NETWORK */
	enum isdn_l2_state l2;
	struct dchan_ctr ctr;
	struct dchan_pcap *pcap; /* capture frames here when set */

	/* receive: HDLC decoder and the frame being handed to libpri's read callback */
	struct osmo_isdnhdlc_vars rx_hdlc;
	uint8_t rx_buf[DCHAN_MAX_FRAME];
	const uint8_t *rd_frame;
	int rd_len;

	/* transmit: frames from libpri's write callback, HDLC-encoded one after the other */
	struct osmo_isdnhdlc_vars tx_hdlc;
	struct dchan_txf txq[DCHAN_TXQ];
	unsigned int txq_head, txq_n;
	int tx_pos; /* octets of txq[txq_head] already given to the encoder */
	bool discard_tx; /* layer 1 is down: libpri's frames go nowhere */
	uint8_t peer_ucmd; /* the peer's last SABME or DISC: what our UA answers */
	bool discard_ctr;  /* tracking a discarded frame: state only, no counters */
	bool ua_inject;	   /* libpri answered the peer's SABME while awaiting its own UA */
	uint8_t rx_vr;	   /* N(S) libpri expects next from the peer (as far as frames show) */
	uint8_t l3_buf[DCHAN_MAX_FRAME + 16];	 /* a received frame as the l3_rx hook rewrote it */
	uint8_t l3_txbuf[DCHAN_MAX_FRAME + 16]; /* a message as the l3_tx hook rewrote it */
	bool raw_tx;	/* tracking a frame dchan_send_frame() injected: no L2 state change */
};

/* Route libpri's and the D-channel's messages (global: libpri's hooks are global). */
void dchan_set_log(dchan_log_cb fn);

/* Set up dc (HDLC state, counters) for cfg; layer 1 starts down, libpri is created on the
 * first dchan_l1(dc, true). Returns 0 or -EINVAL. */
int dchan_init(struct dchan *dc, const struct dchan_cfg *cfg);
/* Layer 1 up or down (see the header comment). Returns 0 or -ENOMEM (libpri). */
int dchan_l1(struct dchan *dc, bool up);
/* n octets received on the D-channel timeslot: decode, hand frames to libpri, run due
 * timers. Nothing reaches libpri while layer 1 is down. */
void dchan_rx(struct dchan *dc, const uint8_t *octets, unsigned int n);
/* Fill n octets to send: queued frames, HDLC idle flags in between. */
void dchan_tx(struct dchan *dc, uint8_t *octets, unsigned int n);
/* Queue a raw LAPD frame (no FCS) behind libpri's, e.g. a test's malformed frame.
 * Returns 0, -EINVAL, -ENETDOWN (layer 1 down) or -ENOSPC (queue full). */
int dchan_send_frame(struct dchan *dc, const uint8_t *frame, unsigned int len);
/* Run libpri's due timers (loops pri_schedule_run until it returns NULL). */
void dchan_timers(struct dchan *dc);
/* Milliseconds until libpri's next timer (max_ms when none or no libpri yet). */
uint32_t dchan_next_timeout_ms(struct dchan *dc, uint32_t max_ms);
/* The libpri instance (NULL before layer 1 first came up). */
static inline struct pri *dchan_pri(struct dchan *dc) { return dc->pri; }
/* Apply cfg->timers (and the given table) to libpri now. */
void dchan_apply_timers(struct dchan *dc);
/* Number of calls libpri holds (from pri_dump_info_str), 0 without libpri. */
unsigned int dchan_active_calls(struct dchan *dc);

/* ---- pcap of LAPD frames (firmware/isdn/dchan_pcap.c), file I/O through hlgw/bfile.h ---- */
/* Open (append) path; writes the pcap file header when the file is new. 0 or -errno. */
int dchan_pcap_open(struct dchan_pcap *pc, const char *path);
void dchan_pcap_close(struct dchan_pcap *pc);
/* One LAPD frame without FCS; tx: sent by the capturing side; network: it is the network. */
int dchan_pcap_frame(struct dchan_pcap *pc, bool tx, bool network, const uint8_t *frame,
		     unsigned int len);

#endif
