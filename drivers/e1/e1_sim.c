// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Sim E1 framer. The telco side is the clock master: it sends a 256-octet block (8 frames)
 * per 1 ms; for each block received we run the framer, give the span its chunk and send one
 * block back (line timing). A closed or missing socket is loss of signal; we reconnect by
 * ourselves every E1_SIM_RETRY_MS.
 *
 * TDM routing (e1_framer.h) is done here in software, as fast as a CPU can: a chunk is an
 * 8 x 32 octet matrix, transposed 16 timeslots at a time with byte/word/dword interleaves on
 * 16-octet vectors (SSE2 punpck on x86-64, NEON zip on arm64; GCC lowers them to scalar code
 * elsewhere); then each armed timeslot's 8 samples are one 64-bit store into its buffer.
 * A half with only one or two armed timeslots is gathered octet by octet instead.
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
#define E1_SIM_WATCH_MS 250
#define E1_SIM_MAX_SPANS 8
/* Blocks taken per wake-up. After the host stalled the process, the line's backlog and the
 * RTP that came meanwhile are both queued: the loop serves the tap between two rounds, so a
 * bigger batch would run the jitter buffers' clock ahead of packets that had arrived in
 * time (seen as late: concealed, then played over it, a slip in a tone). */
#define E1_SIM_RX_BATCH 2

/* One direction of the TDM routing. All armed buffers advance 8 octets per chunk together, so
 * a timeslot's buffer position is base[ts] + off, with off the direction's octet clock (8 per
 * chunk, modular): the per-chunk work stores no pointers and checks no ends. When a buffer
 * ends is known at arming: due[c] holds the timeslots whose buffer ends with chunk c (chunk
 * numbers mod 256, so a buffer spans at most 256 chunks). */
#define E1_SIM_TDM_MAX_CHUNKS 256
struct e1_sim_tdm {
	uint32_t armed;	   /* timeslot bit mask */
	uint32_t finished; /* buffers used up, their done callbacks pending */
	uintptr_t off;	   /* 8 x chunks done, mod 2^N; the next chunk is (off / 8) % 256 */
	uintptr_t base[E1_TIMESLOTS];
	uint8_t end_chunk[E1_TIMESLOTS];
	e1_tdm_done_cb done[E1_TIMESLOTS];
	void *arg[E1_TIMESLOTS];
	uint32_t due[E1_SIM_TDM_MAX_CHUNKS];
};

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
	struct osmo_timer_list watch;	/* no blocks for a while: the line clock is gone */
	uint32_t watch_blocks;		/* rx_blocks at the last watch */
	uint32_t rx_blocks, tx_blocks, bad_msgs;
	struct e1_sim_tdm tdm_rx, tdm_tx;
	/* the chunk transposed: cols[ts * 8 + frame] */
	uint8_t cols[E1_CHUNK_OCTETS] __attribute__((aligned(16)));
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

/* ---- TDM routing ------------------------------------------------------------------------ */
typedef uint8_t e1_sim_v16 __attribute__((vector_size(16), aligned(1)));
typedef uint8_t e1_sim_v16a __attribute__((vector_size(16)));
typedef uint16_t e1_sim_v8 __attribute__((vector_size(16)));
typedef uint32_t e1_sim_v4 __attribute__((vector_size(16)));

/* interleave the low (high) halves of a and b in 8-, 16- and 32-bit units */
#define LO8(a, b) __builtin_shuffle(a, b, (e1_sim_v16a){ 0, 16, 1, 17, 2, 18, 3, 19, 4, 20, \
							   5, 21, 6, 22, 7, 23 })
#define HI8(a, b) __builtin_shuffle(a, b, (e1_sim_v16a){ 8, 24, 9, 25, 10, 26, 11, 27, 12, \
							   28, 13, 29, 14, 30, 15, 31 })
#define LO16(a, b) \
	(e1_sim_v16a) __builtin_shuffle((e1_sim_v8)(a), (e1_sim_v8)(b), \
					(e1_sim_v8){ 0, 8, 1, 9, 2, 10, 3, 11 })
#define HI16(a, b) \
	(e1_sim_v16a) __builtin_shuffle((e1_sim_v8)(a), (e1_sim_v8)(b), \
					(e1_sim_v8){ 4, 12, 5, 13, 6, 14, 7, 15 })
#define LO32(a, b) \
	(e1_sim_v16a) __builtin_shuffle((e1_sim_v4)(a), (e1_sim_v4)(b), (e1_sim_v4){ 0, 4, 1, 5 })
#define HI32(a, b) \
	(e1_sim_v16a) __builtin_shuffle((e1_sim_v4)(a), (e1_sim_v4)(b), (e1_sim_v4){ 2, 6, 3, 7 })

/* cols[ts * 8 + f] = chunk[f * 32 + ts] for the 16 timeslots from chunk (a row pointer). */
static inline void e1_sim_rows_to_cols(uint8_t *cols, const uint8_t *chunk)
{
	const e1_sim_v16 *r = (const e1_sim_v16 *)chunk;
	e1_sim_v16a *c = (e1_sim_v16a *)cols;
	e1_sim_v16a r0 = r[0], r1 = r[2], r2 = r[4], r3 = r[6], r4 = r[8], r5 = r[10],
		    r6 = r[12], r7 = r[14];
	/* frame pairs per timeslot, then frame quads, then all 8 frames */
	e1_sim_v16a a0 = LO8(r0, r1), a1 = HI8(r0, r1), a2 = LO8(r2, r3), a3 = HI8(r2, r3);
	e1_sim_v16a a4 = LO8(r4, r5), a5 = HI8(r4, r5), a6 = LO8(r6, r7), a7 = HI8(r6, r7);
	e1_sim_v16a b0 = LO16(a0, a2), b1 = HI16(a0, a2), b2 = LO16(a1, a3), b3 = HI16(a1, a3);
	e1_sim_v16a b4 = LO16(a4, a6), b5 = HI16(a4, a6), b6 = LO16(a5, a7), b7 = HI16(a5, a7);

	c[0] = LO32(b0, b4);
	c[1] = HI32(b0, b4);
	c[2] = LO32(b1, b5);
	c[3] = HI32(b1, b5);
	c[4] = LO32(b2, b6);
	c[5] = HI32(b2, b6);
	c[6] = LO32(b3, b7);
	c[7] = HI32(b3, b7);
}

/* The inverse: the same network on the columns gives per frame its even and its odd
 * timeslots (c0 = frames 0,1 even, ..., c4 = frames 0,1 odd, ...); one more byte interleave
 * makes the rows. */
static inline void e1_sim_cols_to_rows(uint8_t *chunk, const uint8_t *cols)
{
	const e1_sim_v16a *v = (const e1_sim_v16a *)cols;
	e1_sim_v16 *r = (e1_sim_v16 *)chunk;
	e1_sim_v16a a0 = LO8(v[0], v[1]), a1 = HI8(v[0], v[1]), a2 = LO8(v[2], v[3]),
		    a3 = HI8(v[2], v[3]), a4 = LO8(v[4], v[5]), a5 = HI8(v[4], v[5]),
		    a6 = LO8(v[6], v[7]), a7 = HI8(v[6], v[7]);
	e1_sim_v16a b0 = LO16(a0, a2), b1 = HI16(a0, a2), b2 = LO16(a1, a3), b3 = HI16(a1, a3);
	e1_sim_v16a b4 = LO16(a4, a6), b5 = HI16(a4, a6), b6 = LO16(a5, a7), b7 = HI16(a5, a7);
	e1_sim_v16a c0 = LO32(b0, b4), c1 = HI32(b0, b4), c2 = LO32(b1, b5), c3 = HI32(b1, b5);
	e1_sim_v16a c4 = LO32(b2, b6), c5 = HI32(b2, b6), c6 = LO32(b3, b7), c7 = HI32(b3, b7);

	r[0] = LO8(c0, c4);
	r[2] = HI8(c0, c4);
	r[4] = LO8(c1, c5);
	r[6] = HI8(c1, c5);
	r[8] = LO8(c2, c6);
	r[10] = HI8(c2, c6);
	r[12] = LO8(c3, c7);
	r[14] = HI8(c3, c7);
}

#define E1_SIM_TS_LO 0x0000ffffu /* timeslots of each transpose half */
#define E1_SIM_TS_HI 0xffff0000u

static inline size_t e1_sim_chunk_no(const struct e1_sim_tdm *t)
{
	return (uint8_t)(t->off / E1_CHUNK_FRAMES);
}

/* Worth transposing a half (16 timeslots) for: 3 or more timeslots (fewer are gathered). */
static inline bool e1_sim_dense(uint32_t m)
{
	m &= m - 1;
	return m & (m - 1);
}

/* After a chunk's transfers: buffers that ended with it disarm. */
static inline void e1_sim_tdm_advance(struct e1_sim_tdm *t)
{
	size_t c = e1_sim_chunk_no(t);
	uint32_t fin = t->due[c];

	if (fin) {
		t->due[c] = 0;
		t->finished |= fin;
		t->armed &= ~fin;
	}
	t->off += E1_CHUNK_FRAMES;
}

/* RX: the armed timeslots' samples into their buffers, before the chunk callback. Out of line
 * so that tools/bench can count it (callgrind --toggle-collect=e1_sim_tdm_rx). */
__attribute__((noinline)) static void e1_sim_tdm_rx(struct e1_sim *s, const uint8_t *rx)
{
	struct e1_sim_tdm *t = &s->tdm_rx;
	uint32_t m = t->armed, dense = 0, sparse;
	uintptr_t off = t->off;

	if (e1_sim_dense(m & E1_SIM_TS_LO)) {
		e1_sim_rows_to_cols(s->cols, rx);
		dense = E1_SIM_TS_LO;
	}
	if (e1_sim_dense(m & E1_SIM_TS_HI)) {
		e1_sim_rows_to_cols(s->cols + 128, rx + 16);
		dense |= E1_SIM_TS_HI;
	}
	sparse = m & ~dense;
	m &= dense;
	while (m) {
		size_t ts = (unsigned int)__builtin_ctz(m);

		m &= m - 1;
		memcpy((uint8_t *)(t->base[ts] + off), s->cols + ts * E1_CHUNK_FRAMES,
		       E1_CHUNK_FRAMES);
	}
	while (sparse) {
		size_t ts = (unsigned int)__builtin_ctz(sparse);
		uint8_t *dst = (uint8_t *)(t->base[ts] + off);

		sparse &= sparse - 1;
		dst[0] = rx[ts];
		dst[1] = rx[1 * E1_TIMESLOTS + ts];
		dst[2] = rx[2 * E1_TIMESLOTS + ts];
		dst[3] = rx[3 * E1_TIMESLOTS + ts];
		dst[4] = rx[4 * E1_TIMESLOTS + ts];
		dst[5] = rx[5 * E1_TIMESLOTS + ts];
		dst[6] = rx[6 * E1_TIMESLOTS + ts];
		dst[7] = rx[7 * E1_TIMESLOTS + ts];
	}
	e1_sim_tdm_advance(t);
}

/* TX: the armed timeslots' samples into the chunk, after the chunk callback. */
static void e1_sim_tdm_tx(struct e1_sim *s, uint8_t *tx)
{
	struct e1_sim_tdm *t = &s->tdm_tx;
	uint32_t m = t->armed, dense = 0;
	uintptr_t off = t->off;

	if (e1_sim_dense(m & E1_SIM_TS_LO))
		dense = E1_SIM_TS_LO;
	if (e1_sim_dense(m & E1_SIM_TS_HI))
		dense |= E1_SIM_TS_HI;
	if (dense & E1_SIM_TS_LO)
		e1_sim_rows_to_cols(s->cols, tx);
	if (dense & E1_SIM_TS_HI)
		e1_sim_rows_to_cols(s->cols + 128, tx + 16);
	while (m) {
		size_t ts = (unsigned int)__builtin_ctz(m), f;
		const uint8_t *src = (const uint8_t *)(t->base[ts] + off);

		if ((1u << ts) & dense) {
			memcpy(s->cols + ts * E1_CHUNK_FRAMES, src, E1_CHUNK_FRAMES);
		} else {
			for (f = 0; f < E1_CHUNK_FRAMES; f++)
				tx[f * E1_TIMESLOTS + ts] = src[f];
		}
		m &= m - 1;
	}
	if (dense & E1_SIM_TS_LO)
		e1_sim_cols_to_rows(tx, s->cols);
	if (dense & E1_SIM_TS_HI)
		e1_sim_cols_to_rows(tx + 16, s->cols + 128);
	e1_sim_tdm_advance(t);
}

/* The end-of-buffer "interrupts" of this chunk; a callback may arm any timeslot again. */
static void e1_sim_tdm_done(struct e1_sim_tdm *t)
{
	while (t->finished) {
		unsigned int ts = (unsigned int)__builtin_ctz(t->finished);

		t->finished &= t->finished - 1;
		if (t->done[ts])
			t->done[ts](t->arg[ts], ts);
	}
}

static int e1_sim_tdm_arm(struct e1_sim_tdm *t, unsigned int ts, const uint8_t *buf, size_t len,
			  e1_tdm_done_cb done, void *arg)
{
	size_t chunks = len / E1_CHUNK_FRAMES;
	uint32_t bit;
	uint8_t end;

	if (ts - 1 >= E1_TIMESLOTS - 1) /* 1..31 */
		return -EINVAL;
	if (buf ? len % E1_CHUNK_FRAMES || chunks - 1 >= E1_SIM_TDM_MAX_CHUNKS : len)
		return -EINVAL;
	bit = 1u << ts;
	/* replacing: the old buffer reports nothing */
	if (t->armed & bit)
		t->due[t->end_chunk[ts]] &= ~bit;
	t->finished &= ~bit;
	if (!buf) {
		t->armed &= ~bit;
		t->done[ts] = NULL;
		return 0;
	}
	/* modular: base + off is buf at the next chunk, and 8 further each chunk after it */
	end = (uint8_t)(e1_sim_chunk_no(t) + chunks - 1);
	t->base[ts] = (uintptr_t)buf - t->off;
	t->end_chunk[ts] = end;
	t->due[end] |= bit;
	t->done[ts] = done;
	t->arg[ts] = arg;
	t->armed |= bit;
	return 0;
}

static int e1_sim_tdm_rx_arm(const struct e1_framer_dev *dev, unsigned int ts, uint8_t *buf,
			     size_t len, e1_tdm_done_cb done, void *arg)
{
	struct e1_sim *s = dev->priv;

	return e1_sim_tdm_arm(&s->tdm_rx, ts, buf, len, done, arg);
}

static int e1_sim_tdm_tx_arm(const struct e1_framer_dev *dev, unsigned int ts,
			     const uint8_t *buf, size_t len, e1_tdm_done_cb done, void *arg)
{
	struct e1_sim *s = dev->priv;

	return e1_sim_tdm_arm(&s->tdm_tx, ts, buf, len, done, arg);
}

/* The framer's output side of one chunk of aligned frames: TDM RX, the span's chunk, TDM TX,
 * the end-of-buffer callbacks. txb gets what goes to the line (TS0 still to be framed). */
static void e1_sim_chunk(struct e1_sim *s, const uint8_t *rx, uint8_t *txb)
{
	e1_sim_tdm_rx(s, rx);
	memset(txb, 0xd5, E1_CHUNK_OCTETS); /* A-law idle on unused timeslots */
	if (s->cbs && s->cbs->chunk)
		s->cbs->chunk(s->cb_arg, rx, txb);
	e1_sim_tdm_tx(s, txb);
	e1_sim_tdm_done(&s->tdm_rx);
	e1_sim_tdm_done(&s->tdm_tx);
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

	e1_sim_chunk(s, rx, s->txb);
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

	/* a little of what is there: see E1_SIM_RX_BATCH */
	for (i = 0; i < E1_SIM_RX_BATCH; i++) {
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
	int sndbuf = 1 << 20;
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
	/* room for about a second of blocks (each costs ~1.3 KB of truesize): a telco side held
	 * up for a moment gets our blocks late, never loses some */
	if (setsockopt(fd, SOL_SOCKET, SO_SNDBUFFORCE, &sndbuf, sizeof(sndbuf)) < 0)
		setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &sndbuf, sizeof(sndbuf));
	rc = sim_poll_add(fd, POLLIN, e1_sim_readable, s);
	if (rc < 0) {
		close(fd);
		return rc;
	}
	s->fd = fd;
	LOGP(DE1, LOGL_NOTICE, "(S%u) line connected to %s\n", s->nr, s->path);
	s->watch_blocks = s->rx_blocks;
	osmo_timer_schedule(&s->watch, 0, E1_SIM_WATCH_MS * 1000);
	return 0;
}

/* A connected telco side that sends nothing is a line without signal: a real LIU sees no
 * pulses. E1_SIM_WATCH_MS is generous because a loaded host can hold either process up for a
 * while without the line being down (the blocks then arrive late, all of them). */

static void e1_sim_watch(void *arg)
{
	struct e1_sim *s = arg;

	if (!s->started || s->fd < 0)
		return;
	if (s->rx_blocks == s->watch_blocks && !(s->alarms & E1_ALARM_LOS)) {
		LOGP(DE1, LOGL_NOTICE, "(S%u) no line clock for %u ms\n", s->nr, E1_SIM_WATCH_MS);
		e1_sim_set_alarms(s, g704_rx_los(&s->rx));
	}
	s->watch_blocks = s->rx_blocks;
	osmo_timer_schedule(&s->watch, 0, E1_SIM_WATCH_MS * 1000);
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
	/* no signal until the framer has seen some: connecting is not a line coming up */
	s->alarms = s->rx.alarms;
	if (e1_sim_connect(s) < 0)
		e1_sim_lost(s);
	return 0;
}

static int e1_sim_stop(const struct e1_framer_dev *dev)
{
	struct e1_sim *s = dev->priv;

	s->started = false;
	osmo_timer_del(&s->retry);
	osmo_timer_del(&s->watch);
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
	.tdm_rx_arm = e1_sim_tdm_rx_arm,
	.tdm_tx_arm = e1_sim_tdm_tx_arm,
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
	osmo_timer_setup(&s->watch, e1_sim_watch, s);
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

int e1_sim_run_chunk(const struct e1_framer_dev *dev, const uint8_t *rx, uint8_t *tx)
{
	struct e1_sim *s;

	if (!dev || !dev->priv || !rx || !tx)
		return -EINVAL;
	s = dev->priv;
	e1_sim_chunk(s, rx, tx);
	return 0;
}
