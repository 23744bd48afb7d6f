/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * pstn-sim: the telco side of the sim E1 lines (design.md section 5). NETWORK-side libpri on
 * the same G.704 framer and D-channel code as the box; the clock master of every line.
 */
#ifndef PSIM_H
#define PSIM_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include <drv/e1_framer.h>

#include "../../drivers/e1/g704.h"
#include "../../firmware/dsp/dtmf.h"
#include "../../firmware/isdn/dchan.h"

#define PSIM_SPANS 8
#define PSIM_CALLS 64
#define PSIM_ALAW_IDLE 0xd5

struct psim_media;
struct psim_hybrid;

/* A raw Q.931 message to send in place of libpri's placeholder SETUP (raw.c). */
struct psim_raw {
	bool pending;	  /* the next SETUP libpri sends carries msg instead */
	int ns;		  /* N(S) of the I-frame it went in (-1: none yet) */
	uint16_t cref;	  /* the placeholder's call reference (retransmissions) */
	uint8_t msg[DCHAN_MAX_FRAME];
	unsigned int len;
};

struct psim_span {
	unsigned int nr;
	const char *path;
	int lfd;	 /* listening socket */
	int cfd;	 /* the box's connection, -1 when none */
	bool crc4;
	struct g704_tx gtx;
	struct g704_rx grx;
	uint32_t rx_alarms;	/* from the box's signal, as last reported */
	bool l1_up;
	struct dchan dc;
	char name[16];
	/* faults towards the box */
	bool los;		/* send all zeros */
	bool lfa_hold;		/* keep corrupting FAS words */
	struct psim_raw raw;	/* raw Q.931 on its way out */
	uint64_t blocks_tx, blocks_rx, tx_dropped;
};

enum psim_call_dir { PSIM_OUT, PSIM_IN };

/* DTMF receiver (the box's, firmware/dsp/dtmf.c); all zeros is the initial state */
struct psim_dtmf_det {
	bool ready;
	char got; /* a digit started in the last sample fed */
	struct dtmf_det det;
};

struct psim_call {
	bool used;
	unsigned int id;
	unsigned int span;
	enum psim_call_dir dir;
	q931_call *call;
	int bchan; /* timeslot, 0 when none yet */
	bool answered;
	bool inband;   /* ALERTING/PROGRESS said in-band information: the B-channel is heard */
	struct psim_media *play, *rec;
	struct psim_dtmf_det dtmf;
	struct psim_hybrid *hyb; /* the line's echo of what the box sends (hybrid.h), or NULL */
};

struct psim {
	struct psim_span span[PSIM_SPANS];
	unsigned int nspans;
	struct psim_call calls[PSIM_CALLS];
	unsigned int next_call_id;
	FILE *out;
	uint64_t t0_us;
	bool quit;
	int verbose;
	struct dchan_pcap pcap;
	bool pcap_on;
	bool auto_answer; /* answer calls from the box */
	bool trace_q931;  /* report every Q.931 message from the box (q931_rx) */
	const struct dchan_timer *timers;
	unsigned int n_timers;
};

extern struct psim psim;

/* main.c */
uint64_t psim_now_us(void);
uint32_t psim_ms(void);

/* out.c: one JSON object per line: {"t":ms,"ev":name, ...}; fmt adds fields ("k":v,...) */
void psim_ev(const char *ev, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* JSON string body (escaped) of s into buf */
const char *psim_json_str(char *buf, size_t len, const char *s);
/* last event names, for wait-event */
bool psim_ev_seen_since(const char *ev, uint64_t seq, const char *match);
uint64_t psim_ev_seq(void);

/* call.c */
void psim_call_event(struct dchan *dc, pri_event *ev, void *arg);
struct psim_call *psim_call_get(unsigned int id);
struct psim_call *psim_call_latest(void);
int psim_call_place(unsigned int span, const char *called, const char *calling, int ton,
		    int npi, int pres, int bchan);
void psim_call_free(struct psim_call *c);
/* B-channel media for span's chunk (TS1..31 of 8 frames): tx fill, rx take */
void psim_calls_media_tx(unsigned int span, uint8_t *chunk);
void psim_calls_media_rx(unsigned int span, const uint8_t *chunk);
/* a call's hybrid echo waits for the box's samples (hybrid.h): hold the line clock */
bool psim_calls_hybrid_wait(void);
const char *psim_cause_name(int cause);

/* media.c */
uint8_t psim_alaw_encode(int16_t pcm);
int16_t psim_alaw_decode(uint8_t a);
struct psim_media *psim_media_wav_in(const char *path, char *err, size_t errlen);
struct psim_media *psim_media_tone(double freq, double dbm0, uint32_t dur_ms);
/* a tone's phase turned by 180 degrees every ms (G.165's answer tone: 2100 Hz, 450 ms) */
void psim_media_tone_reversals(struct psim_media *m, uint32_t every_ms);
struct psim_media *psim_media_dtmf(const char *digits, uint32_t on_ms, uint32_t off_ms);
struct psim_media *psim_media_wav_out(const char *path, char *err, size_t errlen);
/* next sample to send; false when the source has ended */
bool psim_media_next(struct psim_media *m, int16_t *pcm);
void psim_media_put(struct psim_media *m, int16_t pcm);
void psim_media_close(struct psim_media *m);
/* DTMF detector: feed 8 kHz samples; returns a digit once per key press, else 0 */
char psim_dtmf_detect(struct psim_call *c, int16_t pcm);

/* cmd.c */
void psim_cmd_line(const char *line);
void psim_cmd_poll(void); /* run queued commands whose wait is over */
uint32_t psim_cmd_next_ms(void);
int psim_cmd_queue_file(const char *path);
void psim_cmd_queue(const char *line);

/* raw.c: raw/malformed Q.931 towards the box, the box's Q.931 as JSON */
int psim_raw_l3_rx(struct dchan *dc, const uint8_t *msg, unsigned int len, bool fresh,
		   uint8_t *out, unsigned int max, void *arg);
int psim_raw_l3_tx(struct dchan *dc, const uint8_t *msg, unsigned int len, int ns, uint8_t *out,
		   unsigned int max, void *arg);
/* Send a Q.931 message as an I-frame (ui: a UI frame). 0, -1 link not up, < -1 failed. */
int psim_raw_send(struct psim_span *sp, const uint8_t *msg, unsigned int len, bool ui);
/* One of the hostile-line test's messages (see cmd usage); -1 for an unknown kind. */
int psim_raw_bad(struct psim_span *sp, const char *kind, long cref, long bchan, bool ui);
int psim_raw_hex(uint8_t *buf, unsigned int max, const char *s);

/* line.c */
int psim_span_listen(struct psim_span *sp);
void psim_span_accept(struct psim_span *sp);
void psim_span_read(struct psim_span *sp);
void psim_span_tick(struct psim_span *sp);
void psim_span_close(struct psim_span *sp, const char *why);
const char *psim_alarm_list(char *buf, size_t len, uint32_t alarms);

#endif
