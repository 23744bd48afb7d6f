/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * SIP user agent (firmware/sip): GNU oSIP parser and transactions over lwIP UDP and TCP. The
 * box is a UAC towards advisors (directly or through an outbound proxy); as a UAS it answers OPTIONS,
 * BYE and CANCEL and refuses the rest per RFC 3261. Runtime settings come from the console
 * (`sip` node). Call control drives calls through sip_call_*() and hears back through one
 * callback per call; all callbacks run from the main loop (sip_subsys work()).
 */
#ifndef HLGW_SIP_H
#define HLGW_SIP_H

#include <stdbool.h>
#include <stdint.h>

#define SIP_DEFAULT_PORT 5060
#define SIP_DEFAULT_OPTIONS_INTERVAL 30 /* s */
#define SIP_DEFAULT_TCP_IDLE 120 /* s */
#define SIP_DEFAULT_SESSION_EXPIRES 1800 /* s, RFC 4028's recommendation */
#define SIP_MIN_SE 90		 /* s, RFC 4028 4: the floor of Min-SE */
#define SIP_NAME_MAX 64

/* ---- configuration (console `sip` node) ---- */
struct sip_cfg {
	uint16_t listen_port;		/* UDP port the UA listens on (default 5060) */
	char domain[SIP_NAME_MAX];	/* host part of From; "" = the box's IP address */
	uint32_t proxy_addr;		/* outbound proxy, host byte order; 0 = none (direct) */
	uint16_t proxy_port;		/* 0 = 5060 */
	char username[SIP_NAME_MAX];	/* digest credentials (401/407); "" = none */
	char password[SIP_NAME_MAX];
	uint16_t options_interval_s;	/* OPTIONS keep-alive period, 5..3600 s */
	bool proxy_tcp;			/* reach the outbound proxy over TCP */
	uint16_t tcp_idle_s;		/* close a TCP connection idle this long, 5..3600 s */
	uint32_t session_expires_s;	/* RFC 4028 session interval asked, 90..86400 s; 0 off */
	uint32_t min_se_s;		/* Min-SE: the shortest interval accepted, 90..86400 s */
};

void sip_get_cfg(struct sip_cfg *cfg);
/* Apply settings (rebinds the UDP port when it changed). Returns 0, -EINVAL (port 0, interval
 * out of 5..3600, names with blanks/quotes/control characters, session-expires not 0 or in
 * 90..86400 or below min-se), -EADDRINUSE (bind failed). */
int sip_set_cfg(const struct sip_cfg *cfg);

/* ---- status (`show sip`) ---- */
struct sip_counters {
	uint32_t req_rx, resp_rx, req_tx, resp_tx;
	uint32_t parse_errors;	  /* datagrams oSIP could not parse, bad framing */
	uint32_t bad_requests;	  /* requests answered 400 without a transaction */
	uint32_t dropped;	  /* datagrams dropped: oversized, unparsable, no way to answer */
	uint32_t stray_responses; /* responses matching no transaction or dialog */
	uint32_t reacks;	  /* ACKs re-sent for retransmitted 2xx */
	uint32_t auth_retries;	  /* requests re-sent with credentials after 401/407 */
	uint32_t tx_errors;	  /* sends lwIP refused */
	uint32_t tcp_accepted;	  /* TCP connections from peers */
	uint32_t tcp_opened;	  /* TCP connections the box opened (connected) */
	uint32_t tcp_failures;	  /* connects refused/timed out, resets with data unsent */
	uint32_t tcp_idle_closed; /* closed after tcp-idle seconds without traffic */
	uint32_t tcp_rejects;	  /* closed for framing: oversize (413), not SIP, bad length;
				   * connections refused when all are in use */
	uint32_t tcp_size_switch; /* requests made TCP for being over 1300 octets (RFC 3261
				   * 18.1.1) */
	uint32_t reinvites;	  /* re-INVITEs from the far end accepted (200) */
	uint32_t reinvite_rejects; /* refused: 488 (no usable SDP), 491/500 (overlap), 422 */
	uint32_t session_refreshes; /* refresh re-INVITEs the box sent (RFC 4028) */
	uint32_t session_expiries;  /* sessions ended by their timer (BYE, cause 102) */
};

struct sip_status {
	bool bound;		/* UDP pcb listening */
	bool tcp_listening;	/* TCP listener on the same port */
	unsigned int tcp_conns;	/* TCP connections open */
	uint32_t addr;		/* the box's address (host order), 0 when none */
	uint16_t port;
	unsigned int calls;	/* call objects alive */
	unsigned int transactions;
	struct sip_counters ctr;
};

/* Returns 0 or -EINVAL. */
int sip_get_status(struct sip_status *st);

struct sip_tcp_info {
	int id;
	uint32_t ip;	/* far end, host order */
	uint16_t port;
	bool incoming;	/* accepted (else opened by the box) */
	bool connected;	/* else still connecting */
	uint32_t msgs_rx, msgs_tx, queued;
};
/* TCP connection number idx: 0 or -ENOENT past the last one. */
int sip_tcp_get(unsigned int idx, struct sip_tcp_info *info);

/* ---- OPTIONS keep-alive towards advisors or the proxy ---- */
enum sip_ka_state {
	SIP_KA_UNKNOWN,	/* no answer yet */
	SIP_KA_UP,	/* answered the last OPTIONS (any final response counts) */
	SIP_KA_DOWN,	/* no answer within the interval (at most 32 s): unreachable */
};

#define SIP_KA_MAX 8
#define SIP_URI_MAX 128

struct sip_ka_info {
	char target[SIP_URI_MAX]; /* sip:A.B.C.D[:PORT] */
	enum sip_ka_state state;
	uint32_t sent, answered, timeouts;
	int last_status; /* last final status, 0 none */
	bool is_proxy;	 /* added by `outbound-proxy` */
};

typedef void (*sip_ka_cb)(const char *target, enum sip_ka_state state, void *arg);

/* Probe a target with OPTIONS every options-interval seconds. Returns 0, -EINVAL (not a sip:
 * URI with an IPv4 host), -EEXIST, -ENOSPC (SIP_KA_MAX targets). */
int sip_ka_add(const char *uri);
/* Returns 0 or -ENOENT. */
int sip_ka_remove(const char *uri);
/* One callback for every target's state change (NULL to stop). */
void sip_ka_set_cb(sip_ka_cb cb, void *arg);
/* Target number idx; returns 0 or -ENOENT past the last one. */
int sip_ka_get(unsigned int idx, struct sip_ka_info *info);
const char *sip_ka_state_name(enum sip_ka_state st);

/* ---- calls (UAC) ---- */
struct sip_call;

enum sip_call_event {
	SIP_CALL_RINGING,     /* 180 (or 183 without SDP) */
	SIP_CALL_EARLY_MEDIA, /* 18x with an SDP answer: media tells where to send */
	SIP_CALL_ANSWERED,    /* 2xx, ACK sent; media set */
	SIP_CALL_FAILED,      /* final: status is the SIP code (408 timeout, 488 no PCMA,
			       * 487 after sip_call_hangup while ringing, 503 transport) */
	SIP_CALL_ENDED,	      /* final: an answered call ended (by_remote: BYE received) */
	SIP_CALL_MEDIA,	      /* an answered call's session changed (re-INVITE from the far
			       * end: hold, resume, new address); media says where to send */
};

/* Direction of the far end's stream as its SDP says (RFC 3264 section 5.1), from its side. */
enum sip_dir {
	SIP_DIR_SENDRECV,
	SIP_DIR_SENDONLY, /* it holds us: it sends (music), we send nothing */
	SIP_DIR_RECVONLY,
	SIP_DIR_INACTIVE,
};

/* What the far end's SDP answer asks for. */
struct sip_media {
	uint32_t addr;	 /* RTP address, host byte order */
	uint16_t port;	 /* RTP port */
	uint8_t pcma_pt; /* payload type of PCMA/8000 (8 unless remapped) */
	int16_t te_pt;	 /* telephone-event/8000 payload type, -1 when not offered back */
	uint8_t ptime;	 /* ms, 20 unless the answer says otherwise */
	bool sendonly;	 /* the far end holds us (a=sendonly/inactive, c=0.0.0.0): send nothing */
	uint8_t dir;	 /* enum sip_dir */
};

struct sip_call_info {
	enum sip_call_event ev;
	int status;			/* SIP status that caused the event (0 for local) */
	bool by_remote;			/* SIP_CALL_ENDED: the far end sent BYE */
	const struct sip_media *media;	/* EARLY_MEDIA/ANSWERED/MEDIA, else NULL */
	int q850;			/* FAILED/ENDED: cause of a "Reason: Q.850;cause=N"
					 * header (RFC 3326) in the response or BYE, 0 none */
};

/* After SIP_CALL_FAILED or SIP_CALL_ENDED the call handle is gone: do not use it again. */
typedef void (*sip_call_cb)(struct sip_call *call, const struct sip_call_info *info, void *arg);

struct sip_call_params {
	const char *uri;       /* advisor: sip:user@A.B.C.D[:PORT] (IPv4 host unless a proxy is
				* set, which then routes any host name) */
	const char *from_user; /* calling number / user part of From: [0-9A-Za-z+*#._-]{1,32} */
	uint16_t rtp_port;     /* the box's RTP port for this call (even, non-zero) */
	/* what the advisor's phone shows (all optional, NULL/false: left out) */
	const char *display;   /* From display name: printable, no quote or backslash, < 64 */
	const char *pai_user;  /* P-Asserted-Identity (RFC 3325) user, as from_user */
	bool privacy;	       /* presentation restricted: Privacy: id (RFC 3323), From
				* anonymous; P-Asserted-Identity only towards an outbound proxy
				* (the trust domain), never straight to an advisor's phone */
	const char *hotline;   /* X-Hotline header: the number the caller dialled */
};

/* Start a call: INVITE with an SDP offer (PCMA/8, telephone-event/101, ptime 20) from the
 * box's address. Returns 0 (*call set; events follow from the main loop), -EINVAL (bad
 * URI/user/port), -ENETDOWN (no address or port not bound), -ENOMEM. */
int sip_call_invite(struct sip_call **call, const struct sip_call_params *p, sip_call_cb cb,
		    void *arg);
/* End a call: CANCEL while not answered, BYE once answered. The final event (FAILED 487 or
 * ENDED) still comes through the callback. Returns 0 or -EALREADY (already ending). */
int sip_call_hangup(struct sip_call *call);
/* The same with "Reason: Q.850;cause=N" (RFC 3326) on the CANCEL or BYE (cause 1..127; 0
 * none). */
int sip_call_hangup_cause(struct sip_call *call, int q850);

/* ---- diagnostics (console `test sip ...`) ---- */
/* One test call at a time, reported in the log and in *status. Returns as sip_call_invite,
 * -EBUSY when a test call is up. */
int sip_test_invite(const char *uri);
/* Returns 0 or -ENOENT (no test call). */
int sip_test_bye(void);
/* Text describing the test call's state ("idle", "ringing", "answered 200 ...", ...). */
const char *sip_test_state(void);

#endif
