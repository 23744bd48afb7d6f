// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * SIP over TCP (RFC 3261 section 18): a listening lwIP raw TCP pcb on the SIP port and up to
 * SIP_TCP_MAX connections, accepted or opened towards a destination and reused for it. The
 * byte stream is cut into messages by header end and Content-Length (sip_frame_stream); each
 * message goes to the same checks as a datagram, tagged with its connection so that responses
 * leave on the connection the request came on. A connection buffers one message in (oversize:
 * 413 when the headers are readable, then close) and queues what lwIP's send buffer cannot take
 * yet. A connection that does not come up within SIP_TCP_CONNECT_S, or is refused or reset with
 * requests in flight, fails those requests' transactions (call control: unreachable). Idle
 * connections close after the configured tcp-idle time unless a transaction still uses them.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <osmocom/core/talloc.h>
#include <osmocom/core/timer.h>

#include <hlgw/log.h>

#include "lwip/ip_addr.h"
#include "lwip/pbuf.h"
#include "lwip/tcp.h"

#include "sip_int.h"
#include "sip_call.h"

#define SIP_TCP_CONNECT_S 4		/* a connect not answered by then fails */
#define SIP_TCP_TXQ (2 * SIP_MAX_MSG)	/* queued while connecting or the window is full */

struct sip_tcp_conn {
	struct tcp_pcb *pcb;	/* NULL: slot free */
	int id;			/* > 0, never reused: a transaction's out_socket */
	uint32_t ip;		/* remote, host order */
	uint16_t port;
	bool incoming, connected;
	char *rx, *tx;
	size_t rx_len, tx_len;
	uint32_t msgs_rx, msgs_tx;
	struct osmo_timer_list timer; /* connect timeout, then idle check */
};

static struct sip_tcp_conn sip_tcp_conns[SIP_TCP_MAX];
static struct tcp_pcb *sip_tcp_lpcb;
static int sip_tcp_next_id = 1;

static void sip_tcp_timer(void *data);

static struct sip_tcp_conn *sip_tcp_by_id(int id)
{
	unsigned int i;

	for (i = 0; i < SIP_TCP_MAX; i++)
		if (sip_tcp_conns[i].pcb && sip_tcp_conns[i].id == id)
			return &sip_tcp_conns[i];
	return NULL;
}

static struct sip_tcp_conn *sip_tcp_alloc(struct tcp_pcb *pcb, uint32_t ip, uint16_t port)
{
	struct sip_tcp_conn *c = NULL;
	unsigned int i;

	for (i = 0; i < SIP_TCP_MAX && !c; i++)
		if (!sip_tcp_conns[i].pcb)
			c = &sip_tcp_conns[i];
	if (!c)
		return NULL;
	memset(c, 0, sizeof(*c));
	c->rx = talloc_size(hlgw_ctx, SIP_MAX_MSG);
	c->tx = talloc_size(hlgw_ctx, SIP_TCP_TXQ);
	if (!c->rx || !c->tx) {
		talloc_free(c->rx);
		talloc_free(c->tx);
		return NULL;
	}
	c->pcb = pcb;
	c->id = sip_tcp_next_id++;
	if (sip_tcp_next_id <= 0)
		sip_tcp_next_id = 1;
	c->ip = ip;
	c->port = port;
	osmo_timer_setup(&c->timer, sip_tcp_timer, c);
	return c;
}

/* Free the slot; the pcb is already gone or detached. */
static void sip_tcp_free(struct sip_tcp_conn *c)
{
	osmo_timer_del(&c->timer);
	talloc_free(c->rx);
	talloc_free(c->tx);
	c->rx = c->tx = NULL;
	c->pcb = NULL;
}

/* Close (FIN after what is queued) or abort; detaches the callbacks. Returns ERR_ABRT when it
 * aborted, for lwIP callbacks to pass on. */
static err_t sip_tcp_close(struct sip_tcp_conn *c, bool abort)
{
	struct tcp_pcb *pcb = c->pcb;
	err_t rc = ERR_OK;

	tcp_arg(pcb, NULL);
	tcp_recv(pcb, NULL);
	tcp_sent(pcb, NULL);
	tcp_err(pcb, NULL);
	if (abort || tcp_close(pcb) != ERR_OK) {
		tcp_abort(pcb);
		rc = ERR_ABRT;
	}
	sip_tcp_free(c);
	return rc;
}

static void sip_tcp_idle_arm(struct sip_tcp_conn *c)
{
	osmo_timer_schedule(&c->timer, sip_g.cfg.tcp_idle_s, 0);
}

/* Hand lwIP as much of the queue as its send buffer takes. */
static void sip_tcp_flush(struct sip_tcp_conn *c)
{
	size_t off = 0;

	while (off < c->tx_len) {
		size_t n = c->tx_len - off;
		u16_t room = tcp_sndbuf(c->pcb);

		if (n > room)
			n = room;
		if (!n || tcp_write(c->pcb, c->tx + off, (u16_t)n, TCP_WRITE_FLAG_COPY) != ERR_OK)
			break;
		off += n;
	}
	if (off) {
		memmove(c->tx, c->tx + off, c->tx_len - off);
		c->tx_len -= off;
		tcp_output(c->pcb);
	}
}

static int sip_tcp_queue(struct sip_tcp_conn *c, const char *buf, size_t len)
{
	if (len > SIP_TCP_TXQ - c->tx_len)
		return -ENOBUFS;
	memcpy(c->tx + c->tx_len, buf, len);
	c->tx_len += len;
	c->msgs_tx++;
	if (c->connected) {
		sip_tcp_flush(c);
		sip_tcp_idle_arm(c);
	}
	return 0;
}

/* The connection failed: transactions that sent on it (or wait to) fail now rather than at
 * their 32 s timeout. */
static void sip_tcp_failed(struct sip_tcp_conn *c, const char *why)
{
	char a[16];

	sip_g.ctr.tcp_failures++;
	LOGP(DSIP, LOGL_NOTICE, "TCP %s:%u: %s\n", sip_ip_str(a, c->ip), c->port, why);
	if (!c->incoming)
		sip_tcp_fail_transactions(c->ip, c->port);
}

/* ---- receive ---- */

/* Cut the buffer into messages. Returns ERR_ABRT when the connection went. */
static err_t sip_tcp_consume(struct sip_tcp_conn *c)
{
	size_t off, mlen, used;
	char a[16];
	int rc;

	for (;;) {
		if (!c->rx_len)
			return ERR_OK;
		rc = sip_frame_stream(c->rx, c->rx_len, &off, &mlen);
		if (rc == -EAGAIN) {
			if (c->rx_len < SIP_MAX_MSG)
				return ERR_OK;
			/* a full buffer and no end of headers: not a message the box takes */
			sip_g.ctr.tcp_rejects++;
			LOGP(DSIP, LOGL_INFO, "TCP %s:%u: no message in %u octets, closing\n",
			     sip_ip_str(a, c->ip), c->port, SIP_MAX_MSG);
			return sip_tcp_close(c, true);
		}
		if (rc == -EMSGSIZE) {
			/* headers read, body beyond the buffer: 413 (RFC 3261 21.4.11), close */
			sip_g.ctr.tcp_rejects++;
			LOGP(DSIP, LOGL_INFO, "TCP %s:%u: message too large, 413 and close\n",
			     sip_ip_str(a, c->ip), c->port);
			sip_transport_reject(c->rx + off, c->rx_len - off, c->ip, c->port, c->id, 413);
			return sip_tcp_close(c, false);
		}
		if (rc == -ENODATA) {
			/* RFC 5626 4.4.1: a double-CRLF ping gets a CRLF pong */
			if (mlen >= 4)
				sip_tcp_queue(c, "\r\n", 2);
			used = off;
		} else if (rc == -EBADMSG) {
			sip_g.ctr.parse_errors++;
			sip_g.ctr.dropped++;
			sip_g.ctr.tcp_rejects++;
			LOGP(DSIP, LOGL_INFO, "TCP %s:%u: not SIP, closing\n", sip_ip_str(a, c->ip),
			     c->port);
			return sip_tcp_close(c, true);
		} else if (rc == -EINVAL) {
			/* Content-Length unreadable: the stream cannot be framed any more */
			sip_g.ctr.tcp_rejects++;
			sip_transport_rx_tp(c->rx + off, c->rx_len - off, c->ip, c->port, c->id);
			return sip_tcp_close(c, false);
		} else {
			c->msgs_rx++;
			sip_transport_rx_tp(c->rx + off, mlen, c->ip, c->port, c->id);
			if (!c->pcb)
				return ERR_ABRT;
			used = off + mlen;
		}
		memmove(c->rx, c->rx + used, c->rx_len - used);
		c->rx_len -= used;
	}
}

static err_t sip_tcp_recv(void *arg, struct tcp_pcb *pcb, struct pbuf *p, err_t err)
{
	struct sip_tcp_conn *c = arg;
	err_t rc = ERR_OK;
	u16_t off = 0;

	if (!c) {
		if (p)
			pbuf_free(p);
		tcp_abort(pcb);
		return ERR_ABRT;
	}
	if (!p) {
		LOGP(DSIP, LOGL_INFO, "TCP connection %d closed by the far end\n", c->id);
		return sip_tcp_close(c, false);
	}
	tcp_recved(pcb, p->tot_len);
	while (off < p->tot_len && rc == ERR_OK && c->pcb) {
		size_t room = SIP_MAX_MSG - c->rx_len;
		u16_t n = p->tot_len - off;

		if (n > room)
			n = (u16_t)room;
		c->rx_len += pbuf_copy_partial(p, c->rx + c->rx_len, n, off);
		off += n;
		rc = sip_tcp_consume(c);
	}
	pbuf_free(p);
	if (rc == ERR_OK && c->pcb)
		sip_tcp_idle_arm(c);
	return rc;
}

static err_t sip_tcp_sent(void *arg, struct tcp_pcb *pcb, u16_t len)
{
	struct sip_tcp_conn *c = arg;

	if (c && c->tx_len)
		sip_tcp_flush(c);
	return ERR_OK;
}

static void sip_tcp_err(void *arg, err_t err)
{
	struct sip_tcp_conn *c = arg;

	if (!c)
		return;
	/* lwIP freed the pcb already */
	c->pcb = NULL;
	if (!c->connected || c->tx_len)
		sip_tcp_failed(c, c->connected ? "reset with data unsent" : "connection refused");
	else
		LOGP(DSIP, LOGL_INFO, "TCP connection %d reset (%d)\n", c->id, err);
	sip_tcp_free(c);
}

static void sip_tcp_callbacks(struct sip_tcp_conn *c)
{
	tcp_arg(c->pcb, c);
	tcp_recv(c->pcb, sip_tcp_recv);
	tcp_sent(c->pcb, sip_tcp_sent);
	tcp_err(c->pcb, sip_tcp_err);
	tcp_nagle_disable(c->pcb);
}

static err_t sip_tcp_accept(void *arg, struct tcp_pcb *pcb, err_t err)
{
	struct sip_tcp_conn *c = NULL;
	unsigned int i, n_in = 0;
	char a[16];

	if (err != ERR_OK || !pcb)
		return ERR_VAL;
	for (i = 0; i < SIP_TCP_MAX; i++)
		n_in += sip_tcp_conns[i].pcb && sip_tcp_conns[i].incoming;
	if (n_in >= SIP_TCP_MAX_IN || !IP_IS_V4(&pcb->remote_ip) ||
	    !(c = sip_tcp_alloc(pcb, lwip_ntohl(ip4_addr_get_u32(ip_2_ip4(&pcb->remote_ip))),
				pcb->remote_port))) {
		sip_g.ctr.tcp_rejects++;
		LOGP(DSIP, LOGL_NOTICE, "TCP connection refused: %u from peers, %u in all\n",
		     n_in, SIP_TCP_MAX);
		tcp_abort(pcb);
		return ERR_ABRT;
	}
	c->incoming = true;
	c->connected = true;
	sip_tcp_callbacks(c);
	sip_tcp_idle_arm(c);
	sip_g.ctr.tcp_accepted++;
	LOGP(DSIP, LOGL_INFO, "TCP connection %d from %s:%u\n", c->id, sip_ip_str(a, c->ip),
	     c->port);
	return ERR_OK;
}

/* ---- connect and send ---- */

static err_t sip_tcp_connected(void *arg, struct tcp_pcb *pcb, err_t err)
{
	struct sip_tcp_conn *c = arg;
	char a[16];

	if (!c)
		return ERR_OK;
	c->connected = true;
	sip_g.ctr.tcp_opened++;
	LOGP(DSIP, LOGL_INFO, "TCP connection %d to %s:%u up\n", c->id, sip_ip_str(a, c->ip),
	     c->port);
	sip_tcp_flush(c);
	sip_tcp_idle_arm(c);
	return ERR_OK;
}

static void sip_tcp_timer(void *data)
{
	struct sip_tcp_conn *c = data;

	if (!c->pcb)
		return;
	if (!c->connected) {
		sip_tcp_failed(c, "connect timed out");
		sip_tcp_close(c, true);
		return;
	}
	if (c->tx_len || sip_tcp_in_use(c->ip, c->port, c->id)) {
		sip_tcp_idle_arm(c);
		return;
	}
	sip_g.ctr.tcp_idle_closed++;
	LOGP(DSIP, LOGL_INFO, "TCP connection %d idle, closing\n", c->id);
	sip_tcp_close(c, false);
}

static struct sip_tcp_conn *sip_tcp_open(uint32_t ip, uint16_t port)
{
	struct sip_tcp_conn *c;
	struct tcp_pcb *pcb;
	ip_addr_t to;

	pcb = tcp_new_ip_type(IPADDR_TYPE_V4);
	if (!pcb)
		return NULL;
	c = sip_tcp_alloc(pcb, ip, port);
	if (!c) {
		tcp_abort(pcb);
		return NULL;
	}
	sip_tcp_callbacks(c);
	ip_addr_set_ip4_u32(&to, lwip_htonl(ip));
	if (tcp_connect(pcb, &to, port, sip_tcp_connected) != ERR_OK) {
		sip_tcp_close(c, true);
		return NULL;
	}
	osmo_timer_schedule(&c->timer, SIP_TCP_CONNECT_S, 0);
	return c;
}

int sip_tcp_send(int conn, const char *buf, size_t len, uint32_t ip, uint16_t port)
{
	struct sip_tcp_conn *c = conn > 0 ? sip_tcp_by_id(conn) : NULL;
	unsigned int i;

	if (!sip_tcp_lpcb)
		return -ENOTCONN;
	/* the request's connection, else any to the destination (RFC 3261 18.2.2: a response
	 * whose connection went opens a new one), else a new one */
	for (i = 0; i < SIP_TCP_MAX && !c; i++)
		if (sip_tcp_conns[i].pcb && sip_tcp_conns[i].ip == ip &&
		    sip_tcp_conns[i].port == port)
			c = &sip_tcp_conns[i];
	if (!c)
		c = sip_tcp_open(ip, port);
	if (!c) {
		sip_g.ctr.tcp_failures++;
		return -ENOBUFS;
	}
	return sip_tcp_queue(c, buf, len);
}

/* ---- listen ---- */

int sip_tcp_listen(uint16_t port)
{
	struct tcp_pcb *pcb, *l;

	sip_tcp_shutdown();
	pcb = tcp_new_ip_type(IPADDR_TYPE_V4);
	if (!pcb)
		return -ENOMEM;
	if (tcp_bind(pcb, IP4_ADDR_ANY, port) != ERR_OK) {
		tcp_abort(pcb);
		LOGP(DSIP, LOGL_ERROR, "cannot bind TCP port %u\n", port);
		return -EADDRINUSE;
	}
	l = tcp_listen_with_backlog(pcb, SIP_TCP_MAX);
	if (!l) {
		tcp_abort(pcb);
		return -ENOMEM;
	}
	tcp_accept(l, sip_tcp_accept);
	sip_tcp_lpcb = l;
	LOGP(DSIP, LOGL_NOTICE, "listening on TCP port %u\n", port);
	return 0;
}

void sip_tcp_shutdown(void)
{
	unsigned int i;

	for (i = 0; i < SIP_TCP_MAX; i++)
		if (sip_tcp_conns[i].pcb)
			sip_tcp_close(&sip_tcp_conns[i], true);
	if (sip_tcp_lpcb) {
		tcp_close(sip_tcp_lpcb);
		sip_tcp_lpcb = NULL;
	}
}

bool sip_tcp_listening(void)
{
	return sip_tcp_lpcb != NULL;
}

int sip_tcp_get(unsigned int idx, struct sip_tcp_info *info)
{
	unsigned int i, n = 0;

	if (!info)
		return -EINVAL;
	for (i = 0; i < SIP_TCP_MAX; i++) {
		const struct sip_tcp_conn *c = &sip_tcp_conns[i];

		if (!c->pcb || n++ != idx)
			continue;
		*info = (struct sip_tcp_info){ .id = c->id, .ip = c->ip, .port = c->port,
					       .incoming = c->incoming, .connected = c->connected,
					       .msgs_rx = c->msgs_rx, .msgs_tx = c->msgs_tx,
					       .queued = (uint32_t)c->tx_len };
		return 0;
	}
	return -ENOENT;
}

/* ---- transactions and calls on a connection ---- */

/* A timer event for tr as if its timer had fired. */
static void sip_tcp_fire(osip_transaction_t *tr, type_t type)
{
	osip_event_t *e = osip_malloc(sizeof(*e));

	if (!e)
		return;
	memset(e, 0, sizeof(*e));
	e->type = type;
	e->transactionid = tr->transactionid;
	osip_transaction_add_event(tr, e);
	sip_kick();
}

static bool sip_tcp_tr_to(const osip_transaction_t *tr, const char *dst, int port)
{
	const char *d = tr->ict_context ? tr->ict_context->destination :
			tr->nict_context ? tr->nict_context->destination : NULL;
	int p = tr->ict_context ? tr->ict_context->port :
		tr->nict_context ? tr->nict_context->port : 0;

	return d && p == port && !strcmp(d, dst) && tr->orig_request &&
	       sip_msg_tcp(tr->orig_request);
}

void sip_tcp_fail_transactions(uint32_t ip, uint16_t port)
{
	osip_transaction_t *tr;
	osip_list_iterator_t it;
	char a[16];

	if (!sip_g.osip)
		return;
	sip_ip_str(a, ip);
	/* Timer B/F now: the transactions end as on a timeout, the calls fail with 503 */
	for (tr = osip_list_get_first(&sip_g.osip->osip_ict_transactions, &it); tr;
	     tr = osip_list_get_next(&it)) {
		struct sip_call *c = sip_call_of(tr);

		if (tr->state != ICT_CALLING || !sip_tcp_tr_to(tr, a, port))
			continue;
		if (c) {
			c->tp_failed = true;
			c->udp_retry = c->size_tcp && !c->udp_only;
		}
		sip_tcp_fire(tr, TIMEOUT_B);
	}
	for (tr = osip_list_get_first(&sip_g.osip->osip_nict_transactions, &it); tr;
	     tr = osip_list_get_next(&it))
		if ((tr->state == NICT_TRYING || tr->state == NICT_PROCEEDING) &&
		    sip_tcp_tr_to(tr, a, port))
			sip_tcp_fire(tr, TIMEOUT_F);
}

bool sip_tcp_in_use(uint32_t ip, uint16_t port, int conn)
{
	osip_t *o = sip_g.osip;
	osip_transaction_t *tr;
	osip_list_iterator_t it;
	struct sip_call *c;
	char a[16];

	if (!o)
		return false;
	sip_ip_str(a, ip);
	for (tr = osip_list_get_first(&o->osip_ict_transactions, &it); tr;
	     tr = osip_list_get_next(&it))
		if (sip_tcp_tr_to(tr, a, port))
			return true;
	for (tr = osip_list_get_first(&o->osip_nict_transactions, &it); tr;
	     tr = osip_list_get_next(&it))
		if (sip_tcp_tr_to(tr, a, port))
			return true;
	for (tr = osip_list_get_first(&o->osip_ist_transactions, &it); tr;
	     tr = osip_list_get_next(&it))
		if (tr->out_socket == conn)
			return true;
	for (tr = osip_list_get_first(&o->osip_nist_transactions, &it); tr;
	     tr = osip_list_get_next(&it))
		if (tr->out_socket == conn)
			return true;
	/* a dialog over TCP keeps its connection for the BYE either way */
	llist_for_each_entry(c, &sip_calls, list)
		if (c->tcp && c->state < SIP_CS_DONE &&
		    ((c->dlg_ip == ip && c->dlg_port == port) ||
		     (c->dst_ip == ip && c->dst_port == port)))
			return true;
	return false;
}
