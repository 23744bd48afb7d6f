/* SPDX-License-Identifier: GPL-2.0-or-later */
/* firmware/sip: a call (dialog) as the UA (sip_ua.c), the re-INVITE side (sip_reinvite.c) and
 * the TCP transport's failure handling (sip_tcp.c) share it. */
#ifndef HLGW_SIP_CALL_H
#define HLGW_SIP_CALL_H

#include <osmocom/core/linuxlist.h>
#include <osmocom/core/timer.h>

#include "sip_int.h"

enum sip_call_state {
	SIP_CS_CALLING,	  /* INVITE sent, nothing back */
	SIP_CS_EARLY,	  /* 1xx seen */
	SIP_CS_CONFIRMED, /* 2xx, ACK sent */
	SIP_CS_ENDING,	  /* BYE sent */
	SIP_CS_DONE,	  /* final event reported; freed when no transaction refers to it */
};

struct sip_call {
	struct sip_owner owner;
	struct llist_head list;
	enum sip_call_state state;
	sip_call_cb cb;
	void *arg;
	unsigned int refs;	/* transactions whose instance this is */
	char uri[SIP_URI_MAX];	/* Request-URI of the INVITE */
	char from[SIP_URI_MAX + 96];
	char ident[320];	/* P-Asserted-Identity, Privacy, X-Hotline lines */
	int reason_tx, reason_rx; /* Q.850 causes of Reason headers sent / received */
	char local_tag[16], remote_tag[64];
	char call_id[48];
	char branch[32];	/* the INVITE's (a CANCEL reuses it) */
	uint32_t cseq, invite_cseq;
	char remote_target[SIP_URI_MAX];
	char route_set[512];	/* "Route: ...\r\n" lines from Record-Route, reversed */
	uint32_t dst_ip, dlg_ip;
	uint16_t dst_port, dlg_port;
	char *ack;		/* the ACK for the 2xx, re-sent when the 2xx is */
	size_t ack_len;
	char *invite_auth;	/* credentials line of the current INVITE */
	uint16_t rtp_port;
	uint32_t sdp_id;
	unsigned int auth_tries;
	bool provisional;	/* some 1xx seen: CANCEL may go */
	bool cancel_wanted;	/* hangup before any 1xx */
	bool cancelled;		/* CANCEL sent */
	bool ringing_told, early_told;
	bool want_tcp;		/* the URI or the proxy asks for TCP */
	uint32_t uri_ip;	/* the URI's host and port (when IPv4) */
	uint16_t uri_port;
	bool tcp;		/* the INVITE went over TCP: so does the whole dialog */
	bool tp_failed;		/* its TCP connection failed: report 503, not 408 */
	bool size_tcp;		/* the INVITE is on TCP for its size only */
	bool udp_retry;		/* ... and that failed: send it again over UDP */
	bool udp_only;		/* the INVITE goes over UDP whatever its size */
	struct sip_media media;
	/* the session as the box describes it (sip_reinvite.c) */
	uint32_t sdp_ver;	/* o= version of the last SDP sent */
	/* what else makes that SDP (address, port, id are the call's): one differing in them
	 * gets sdp_ver + 1 */
	uint8_t sdp_pcma, sdp_dir;
	int16_t sdp_te;
	/* a re-INVITE from the far end answered 200, waiting for its ACK */
	bool reinv_pending;
	bool reinv_answer_in_ack; /* it had no SDP: our 200 offered, the ACK answers */
	uint32_t reinv_cseq;
	char *reinv_200;	/* the 200's text, re-sent over UDP until the ACK */
	size_t reinv_200_len;
	uint32_t reinv_ip;
	uint16_t reinv_port;
	unsigned int reinv_last_ms, reinv_waited_ms; /* re-send interval, time since the 200 */
	struct osmo_timer_list reinv_timer;
	/* session timer (sip_session.c) */
	uint32_t se_s, min_se_s; /* Session-Expires and Min-SE the INVITE asks (422 raises) */
	unsigned int se_422;	/* INVITEs sent again after 422 */
	bool st_on;		/* the timer runs */
	bool st_we_refresh;	/* the box refreshes, else the advisor */
	bool st_expiring;	/* the timer's next expiry ends the session */
	uint32_t st_interval_s;
	struct osmo_timer_list st_timer;
	bool reinv_out;		/* the box's refresh re-INVITE waits for its answer */
	uint32_t refresh_cseq;
};


extern struct llist_head sip_calls;

/* Report ev to the call's owner (FAILED/ENDED make it DONE; nothing after DONE). */
void sip_call_event(struct sip_call *c, enum sip_call_event ev, int status, bool by_remote,
		    const struct sip_media *media);
/* BYE within the dialog (credentials line optional). 0 or a negative errno. */
int sip_call_bye_send(struct sip_call *c, const char *auth_line);
/* The call a transaction belongs to, or NULL. */
struct sip_call *sip_call_of(osip_transaction_t *tr);
/* The tag parameter of a From/To header, or NULL. */
const char *sip_tag_of(osip_to_t *h);
/* First SDP body of msg, or NULL. */
const osip_body_t *sip_sdp_body(osip_message_t *msg);
/* The call whose dialog an in-dialog request belongs to (Call-ID and both tags), or NULL. */
struct sip_call *sip_dialog_find(osip_message_t *req);
/* A Call-ID header is ours ("number@host" as the box wrote it). */
bool sip_callid_is(const osip_call_id_t *id, const char *ours);

/* ---- sip_uas.c: oSIP's callbacks for new server transactions ---- */
void sip_uas_request(int type, osip_transaction_t *tr, osip_message_t *req);
void sip_uas_invite(int type, osip_transaction_t *tr, osip_message_t *req);

/* ---- sip_reinvite.c ---- */
/* A re-INVITE for call c on server transaction tr: answer it (200 with SDP, 488, 500). */
void sip_reinvite_rx(struct sip_call *c, osip_transaction_t *tr, osip_message_t *req);
/* The call goes: stop its retransmissions. */
void sip_reinvite_stop(struct sip_call *c);
/* The SDP the box last sent into buf (a refresh carries it again). Length or -errno. */
int sip_reinvite_sdp_last(const struct sip_call *c, char *buf, size_t size);

/* ---- sip_session.c (RFC 4028) ---- */
/* Session-Expires and Min-SE for a new call from the settings. */
void sip_session_init(struct sip_call *c);
/* Supported/Session-Expires/Min-SE lines for the INVITE (or a refresh) into buf ("" when
 * session timers are off). 0 or -ENOSPC. */
int sip_session_invite_hdrs(const struct sip_call *c, char *buf, size_t size, bool refresh);
/* A final response to the INVITE: true when it was a 422 the INVITE should go again for (with
 * the raised values). */
bool sip_session_retry_422(struct sip_call *c, osip_message_t *resp);
/* The INVITE's (or a refresh's) 2xx: start, restart or drop the timer. */
void sip_session_answered(struct sip_call *c, osip_message_t *resp);
/* The answer (status; 408 timeout, 503 transport) of a client INVITE transaction of an answered
 * call: true when it was the box's refresh (handled). */
bool sip_session_refresh_result(struct sip_call *c, osip_transaction_t *tr,
				osip_message_t *resp, int status);
/* A re-INVITE from the far end: 0 to go on, 491 (the box's refresh is out) or 422 (Session-
 * Expires below Min-SE; min_se gets the value for the Min-SE header). */
int sip_session_rx(struct sip_call *c, osip_message_t *req, char *min_se, size_t size);
/* The 200 to that re-INVITE: Session-Expires/Require into resp, the timer restarted. */
int sip_session_accepted(struct sip_call *c, osip_message_t *req, osip_message_t *resp);
void sip_session_stop(struct sip_call *c);

#endif
