// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * One E1 line to the box: a listening SOCK_SEQPACKET socket, the box's connection, the G.704
 * framer both ways, the D-channel, and the faults we put on the line.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "psim.h"

#define PSIM_L1_DOWN (E1_ALARM_LOS | E1_ALARM_AIS | E1_ALARM_LFA)

const char *psim_alarm_list(char *buf, size_t len, uint32_t a)
{
	static const struct {
		uint32_t bit;
		const char *name;
	} names[] = {
		{ E1_ALARM_LOS, "LOS" },   { E1_ALARM_AIS, "AIS" }, { E1_ALARM_LFA, "LFA" },
		{ E1_ALARM_LMFA, "LMFA" }, { E1_ALARM_RAI, "RAI" },
	};
	size_t o = 0;
	unsigned int i;

	o += (size_t)snprintf(buf + o, len - o, "[");
	for (i = 0; i < sizeof(names) / sizeof(names[0]) && o < len; i++)
		if (a & names[i].bit)
			o += (size_t)snprintf(buf + o, len - o, "%s\"%s\"", o > 1 ? "," : "",
					      names[i].name);
	if (o < len)
		snprintf(buf + o, len - o, "]");
	return buf;
}

int psim_span_listen(struct psim_span *sp)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };

	if (strlen(sp->path) >= sizeof(sa.sun_path))
		return -ENAMETOOLONG;
	strcpy(sa.sun_path, sp->path);
	sp->lfd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (sp->lfd < 0)
		return -errno;
	unlink(sp->path); /* a stale socket from an earlier run */
	if (bind(sp->lfd, (struct sockaddr *)&sa, sizeof(sa)) < 0 || listen(sp->lfd, 4) < 0) {
		int rc = -errno;

		close(sp->lfd);
		sp->lfd = -1;
		return rc;
	}
	sp->cfd = -1;
	g704_tx_init(&sp->gtx, sp->crc4);
	g704_rx_init(&sp->grx, sp->crc4);
	sp->rx_alarms = E1_ALARM_LOS;
	return 0;
}

static void psim_span_l1(struct psim_span *sp, bool up)
{
	if (up == sp->l1_up)
		return;
	sp->l1_up = up;
	psim_ev(up ? "l1_up" : "l1_down", "\"span\":%u", sp->nr);
	dchan_l1(&sp->dc, up);
}

static void psim_span_alarms(struct psim_span *sp, uint32_t alarms)
{
	uint32_t down = PSIM_L1_DOWN | (sp->crc4 ? E1_ALARM_LMFA : 0);
	char buf[64];

	if (alarms != sp->rx_alarms) {
		sp->rx_alarms = alarms;
		psim_ev("alarms", "\"span\":%u,\"alarms\":%s", sp->nr,
			psim_alarm_list(buf, sizeof(buf), alarms));
	}
	psim_span_l1(sp, sp->cfd >= 0 && !(alarms & down));
}

void psim_span_close(struct psim_span *sp, const char *why)
{
	if (sp->cfd < 0)
		return;
	close(sp->cfd);
	sp->cfd = -1;
	psim_ev("disconnected", "\"span\":%u,\"why\":\"%s\"", sp->nr, why);
	psim_span_alarms(sp, g704_rx_los(&sp->grx));
}

void psim_span_accept(struct psim_span *sp)
{
	int fd = accept4(sp->lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
	/* A SEQPACKET message costs its truesize (~1.3 KB for 256 octets) against the send buffer:
	 * leave room for about a second of blocks so that a box held up for a moment (a loaded
	 * machine) gets every block late rather than some never, which a line cannot do. */
	int sz = 1 << 20;

	if (fd < 0)
		return;
	if (sp->cfd >= 0)
		psim_span_close(sp, "replaced by a new connection");
	if (setsockopt(fd, SOL_SOCKET, SO_SNDBUFFORCE, &sz, sizeof(sz)) < 0)
		setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &sz, sizeof(sz));
	sp->cfd = fd;
	g704_rx_init(&sp->grx, sp->crc4);
	psim_ev("connected", "\"span\":%u", sp->nr);
}

/* The box's blocks: one for each of ours (line timing). */
void psim_span_read(struct psim_span *sp)
{
	uint8_t in[E1_CHUNK_OCTETS + 1], out[E1_CHUNK_OCTETS], d[E1_CHUNK_FRAMES];
	int guard = 64;

	while (sp->cfd >= 0 && guard-- > 0) {
		ssize_t n = recv(sp->cfd, in, sizeof(in), MSG_DONTWAIT);
		uint32_t alarms;
		unsigned int f;

		if (n == 0) {
			psim_span_close(sp, "closed by the box");
			return;
		}
		if (n < 0) {
			if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)
				psim_span_close(sp, strerror(errno));
			return;
		}
		if (n != E1_CHUNK_OCTETS)
			continue; /* not a line block: ignore, as a framer ignores noise */
		sp->blocks_rx++;
		alarms = g704_rx_block(&sp->grx, in, out);
		g704_tx_add_ebits(&sp->gtx, g704_rx_take_ebits(&sp->grx));
		psim_span_alarms(sp, alarms);
		if (sp->l1_up) {
			for (f = 0; f < E1_CHUNK_FRAMES; f++)
				d[f] = out[f * E1_TIMESLOTS + E1_DCHAN_TS];
			dchan_rx(&sp->dc, d, E1_CHUNK_FRAMES);
			psim_calls_media_rx(sp->nr, out);
		}
	}
}

/* One 1 ms block to the box. */
void psim_span_tick(struct psim_span *sp)
{
	uint8_t blk[E1_CHUNK_OCTETS], d[E1_CHUNK_FRAMES];
	unsigned int f;

	memset(blk, PSIM_ALAW_IDLE, sizeof(blk));
	psim_calls_media_tx(sp->nr, blk);
	dchan_tx(&sp->dc, d, E1_CHUNK_FRAMES);
	for (f = 0; f < E1_CHUNK_FRAMES; f++)
		blk[f * E1_TIMESLOTS + E1_DCHAN_TS] = d[f];
	if (sp->lfa_hold)
		g704_tx_corrupt_fas(&sp->gtx, 8);
	g704_tx_chunk(&sp->gtx, blk);
	if (sp->los)
		memset(blk, 0, sizeof(blk)); /* no signal */
	if (sp->cfd < 0)
		return;
	if (send(sp->cfd, blk, sizeof(blk), MSG_DONTWAIT) < 0) {
		if (errno == EAGAIN || errno == EWOULDBLOCK)
			sp->tx_dropped++; /* the box is not reading: a slip on its side */
		else
			psim_span_close(sp, strerror(errno));
		return;
	}
	sp->blocks_tx++;
}
