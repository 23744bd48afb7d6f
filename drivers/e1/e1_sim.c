// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Sim E1 framer. The telco side is the clock master: it sends a 256-octet block (8 frames)
 * per 1 ms; for each block received we run the framer, give the span its chunk and send one
 * block back (line timing). A closed or missing socket is loss of signal; we reconnect by
 * ourselves every E1_SIM_RETRY_MS.
 */
#include <errno.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <osmocom/core/timer.h>

#include <hlgw/log.h>

#include "../../board/sim/sim_poll.h"
#include "e1_sim.h"
#include "g704.h"

#define E1_SIM_RETRY_MS 200
#define E1_SIM_MAX_SPANS 8

struct e1_sim {
	unsigned int nr;
	const char *path;
	int fd;
	bool started;
	struct e1_line_cfg cfg;
	const struct e1_framer_cbs *cbs;
	void *cb_arg;
	enum e1_loopback lb;
	bool force_rai;
	uint32_t alarms;
	struct g704_rx rx;
	struct g704_tx tx;
	struct osmo_timer_list retry;
	uint32_t rx_blocks, tx_blocks, bad_msgs;
	uint8_t in[E1_CHUNK_OCTETS];
	uint8_t out[E1_CHUNK_OCTETS];
	uint8_t txb[E1_CHUNK_OCTETS];
};

static struct e1_sim e1_sim_spans[E1_SIM_MAX_SPANS];

static void e1_sim_set_alarms(struct e1_sim *s, uint32_t alarms)
{
	if (alarms == s->alarms)
		return;
	LOGP(DE1, LOGL_NOTICE, "(S%u) alarms:%s%s%s%s%s%s\n", s->nr, alarms ? "" : " cleared",
	     alarms & E1_ALARM_LOS ? " LOS" : "", alarms & E1_ALARM_AIS ? " AIS" : "",
	     alarms & E1_ALARM_LFA ? " LFA" : "", alarms & E1_ALARM_LMFA ? " LMFA" : "",
	     alarms & E1_ALARM_RAI ? " RAI" : "");
	s->alarms = alarms;
	if (s->cbs && s->cbs->alarm)
		s->cbs->alarm(s->cb_arg, alarms);
}

static void e1_sim_close(struct e1_sim *s)
{
	if (s->fd < 0)
		return;
	sim_poll_del(s->fd);
	close(s->fd);
	s->fd = -1;
}

static void e1_sim_lost(struct e1_sim *s)
{
	e1_sim_close(s);
	e1_sim_set_alarms(s, g704_rx_los(&s->rx));
	if (s->started)
		osmo_timer_schedule(&s->retry, 0, E1_SIM_RETRY_MS * 1000);
}

/* One block from the line: framer RX, the span's chunk, framer TX, one block back. */
static void e1_sim_block(struct e1_sim *s)
{
	const uint8_t *rx = s->out;
	uint32_t alarms;
	bool red;

	s->rx_blocks++;
	if (s->lb == E1_LOOP_REMOTE) {
		/* line loopback: what the line sent goes straight back */
		memcpy(s->txb, s->in, sizeof(s->txb));
		goto send;
	}
	alarms = g704_rx_block(&s->rx, s->in, s->out);
	red = alarms & (E1_ALARM_LOS | E1_ALARM_AIS | E1_ALARM_LFA);
	g704_tx_add_ebits(&s->tx, g704_rx_take_ebits(&s->rx));
	g704_tx_set_rai(&s->tx, red || s->force_rai);
	e1_sim_set_alarms(s, alarms);

	memset(s->txb, 0xd5, sizeof(s->txb)); /* A-law idle on unused timeslots */
	if (s->cbs && s->cbs->chunk)
		s->cbs->chunk(s->cb_arg, rx, s->txb);
	if (s->lb == E1_LOOP_PAYLOAD) {
		memcpy(s->txb, s->out, sizeof(s->txb));
	}
	g704_tx_chunk(&s->tx, s->txb);
send:
	if (send(s->fd, s->txb, sizeof(s->txb), MSG_DONTWAIT) == (ssize_t)sizeof(s->txb))
		s->tx_blocks++;
}

static void e1_sim_readable(int fd, short revents, void *arg)
{
	struct e1_sim *s = arg;
	int i;

	/* drain what is there, but do not starve the rest of the loop */
	for (i = 0; i < 16; i++) {
		ssize_t n = recv(fd, s->in, sizeof(s->in), MSG_DONTWAIT | MSG_TRUNC);

		if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR)) {
			LOGP(DE1, LOGL_NOTICE, "(S%u) line %s: %s\n", s->nr, s->path,
			     n == 0 ? "peer closed" : strerror(errno));
			e1_sim_lost(s);
			return;
		}
		if (n < 0)
			return;
		if (n != (ssize_t)sizeof(s->in)) {
			/* not the line format: a real line cannot carry it, so drop it */
			if (s->bad_msgs++ < 3)
				LOGP(DE1, LOGL_ERROR, "(S%u) dropped a %zd-octet line message\n",
				     s->nr, n);
			continue;
		}
		e1_sim_block(s);
		if (s->fd < 0)
			return;
	}
}

static int e1_sim_connect(struct e1_sim *s)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd, rc;

	if (strlen(s->path) >= sizeof(sa.sun_path))
		return -ENAMETOOLONG;
	strcpy(sa.sun_path, s->path);
	fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		rc = -errno;
		close(fd);
		return rc;
	}
	rc = sim_poll_add(fd, POLLIN, e1_sim_readable, s);
	if (rc < 0) {
		close(fd);
		return rc;
	}
	s->fd = fd;
	LOGP(DE1, LOGL_NOTICE, "(S%u) line connected to %s\n", s->nr, s->path);
	return 0;
}

static void e1_sim_retry(void *arg)
{
	struct e1_sim *s = arg;

	if (!s->started || s->fd >= 0)
		return;
	if (e1_sim_connect(s) < 0)
		osmo_timer_schedule(&s->retry, 0, E1_SIM_RETRY_MS * 1000);
}

static int e1_sim_configure(const struct e1_framer_dev *dev, const struct e1_line_cfg *cfg)
{
	struct e1_sim *s = dev->priv;

	if (cfg->linecode != E1_LINECODE_HDB3 && cfg->linecode != E1_LINECODE_AMI)
		return -EINVAL;
	if (cfg->clock != E1_CLOCK_LINE && cfg->clock != E1_CLOCK_INTERNAL)
		return -EINVAL;
	if (cfg->crc4 != s->cfg.crc4) {
		g704_rx_init(&s->rx, cfg->crc4);
		g704_tx_init(&s->tx, cfg->crc4);
	}
	/* line code and clock source have no effect on a sim line: octets are octets, and the
	 * telco side is always the clock master (a real LIU would take both) */
	s->cfg = *cfg;
	return 0;
}

static int e1_sim_start(const struct e1_framer_dev *dev)
{
	struct e1_sim *s = dev->priv;

	if (s->started)
		return 0;
	s->started = true;
	g704_rx_init(&s->rx, s->cfg.crc4);
	g704_tx_init(&s->tx, s->cfg.crc4);
	s->alarms = 0;
	if (e1_sim_connect(s) < 0)
		e1_sim_lost(s);
	return 0;
}

static int e1_sim_stop(const struct e1_framer_dev *dev)
{
	struct e1_sim *s = dev->priv;

	s->started = false;
	osmo_timer_del(&s->retry);
	e1_sim_close(s);
	e1_sim_set_alarms(s, E1_ALARM_LOS);
	return 0;
}

static int e1_sim_set_callbacks(const struct e1_framer_dev *dev, const struct e1_framer_cbs *cbs,
				void *arg)
{
	struct e1_sim *s = dev->priv;

	s->cbs = cbs;
	s->cb_arg = arg;
	return 0;
}

static int e1_sim_get_alarms(const struct e1_framer_dev *dev, uint32_t *alarms)
{
	struct e1_sim *s = dev->priv;

	*alarms = s->alarms;
	return 0;
}

static int e1_sim_get_counters(const struct e1_framer_dev *dev, struct e1_counters *ctr)
{
	struct e1_sim *s = dev->priv;

	*ctr = s->rx.ctr;
	return 0;
}

static int e1_sim_set_loopback(const struct e1_framer_dev *dev, enum e1_loopback lb)
{
	struct e1_sim *s = dev->priv;

	if (lb == E1_LOOP_LOCAL)
		return -ENOTSUP; /* no line clock of our own to run a local loop on */
	if (lb != E1_LOOP_NONE && lb != E1_LOOP_REMOTE && lb != E1_LOOP_PAYLOAD)
		return -EINVAL;
	s->lb = lb;
	return 0;
}

static int e1_sim_force_rai(const struct e1_framer_dev *dev, bool on)
{
	struct e1_sim *s = dev->priv;

	s->force_rai = on;
	return 0;
}

static const struct e1_framer_ops e1_sim_ops = {
	.configure = e1_sim_configure,
	.start = e1_sim_start,
	.stop = e1_sim_stop,
	.set_callbacks = e1_sim_set_callbacks,
	.get_alarms = e1_sim_get_alarms,
	.get_counters = e1_sim_get_counters,
	.set_loopback = e1_sim_set_loopback,
	.force_rai = e1_sim_force_rai,
};

int e1_sim_init(struct e1_framer_dev *dev, unsigned int nr, const char *path)
{
	struct e1_sim *s;

	if (nr >= E1_SIM_MAX_SPANS || !path)
		return -EINVAL;
	s = &e1_sim_spans[nr];
	memset(s, 0, sizeof(*s));
	s->nr = nr;
	s->path = path;
	s->fd = -1;
	s->cfg = (struct e1_line_cfg){ .crc4 = true, .linecode = E1_LINECODE_HDB3,
				       .clock = E1_CLOCK_LINE };
	s->alarms = E1_ALARM_LOS;
	osmo_timer_setup(&s->retry, e1_sim_retry, s);
	dev->name = "e1-sim";
	dev->ops = &e1_sim_ops;
	dev->cfg = NULL;
	dev->priv = s;
	return 0;
}

void e1_sim_get_stats(const struct e1_framer_dev *dev, uint32_t *rx_blocks, uint32_t *tx_blocks,
		      uint32_t *bad_msgs)
{
	const struct e1_sim *s = dev->priv;

	*rx_blocks = s->rx_blocks;
	*tx_blocks = s->tx_blocks;
	*bad_msgs = s->bad_msgs;
}
