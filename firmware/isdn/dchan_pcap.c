// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * pcap of LAPD frames (design.md section 7): pcap 2.4, linktype 177 (LINUX_LAPD), each frame
 * behind a 16-byte big-endian header: pkttype (0 received, 4 sent), hatype, halen,
 * addr[8] (addr[0] = 1 when the capturing side is the network), protocol 0x0030.
 * Only the record format lives here; the board writes the file (hlgw/bfile.h). Named
 * dchan_*.c so that tools/pstn-sim links it too (Makefile PSTN_SRCS).
 */
#include <errno.h>
#include <string.h>
#include <sys/time.h>

#include <hlgw/bfile.h>

#include "dchan.h"

#define PCAP_LINKTYPE_LINUX_LAPD 177
#define LAPD_SLL_LEN 16

static void put_be16(uint8_t *p, uint16_t v)
{
	p[0] = v >> 8;
	p[1] = v & 0xff;
}

static void put_le32(uint8_t *p, uint32_t v)
{
	p[0] = v & 0xff;
	p[1] = (v >> 8) & 0xff;
	p[2] = (v >> 16) & 0xff;
	p[3] = v >> 24;
}

int dchan_pcap_open(struct dchan_pcap *pc, const char *path)
{
	uint8_t hdr[24];
	uint32_t size = 0;
	int fh, rc;

	if (!pc || !path)
		return -EINVAL;
	pc->fh = -1;
	pc->frames = 0;
	fh = board_file_open_append(&size, path);
	if (fh < 0)
		return fh;
	if (size == 0) {
		/* written little-endian: readers take the byte order from the magic */
		put_le32(hdr, 0xa1b2c3d4);
		hdr[4] = 2, hdr[5] = 0;	 /* version 2.4 */
		hdr[6] = 4, hdr[7] = 0;
		put_le32(hdr + 8, 0);	 /* thiszone */
		put_le32(hdr + 12, 0);	 /* sigfigs */
		put_le32(hdr + 16, 65535); /* snaplen */
		put_le32(hdr + 20, PCAP_LINKTYPE_LINUX_LAPD);
		rc = board_file_write(fh, hdr, sizeof(hdr));
		if (rc < 0) {
			board_file_close(fh);
			return rc;
		}
	}
	pc->fh = fh;
	return 0;
}

void dchan_pcap_close(struct dchan_pcap *pc)
{
	if (!pc || pc->fh < 0)
		return;
	board_file_close(pc->fh);
	pc->fh = -1;
}

int dchan_pcap_frame(struct dchan_pcap *pc, bool tx, bool network, const uint8_t *frame,
		     unsigned int len)
{
	uint8_t rec[16 + LAPD_SLL_LEN + DCHAN_MAX_FRAME];
	struct timeval tv;
	uint8_t *sll = rec + 16;
	int rc;

	if (!pc || pc->fh < 0 || !frame)
		return -EINVAL;
	if (len > DCHAN_MAX_FRAME)
		len = DCHAN_MAX_FRAME;
	gettimeofday(&tv, NULL);
	put_le32(rec, (uint32_t)tv.tv_sec);
	put_le32(rec + 4, (uint32_t)tv.tv_usec);
	put_le32(rec + 8, LAPD_SLL_LEN + len);
	put_le32(rec + 12, LAPD_SLL_LEN + len);
	memset(sll, 0, LAPD_SLL_LEN);
	put_be16(sll, tx ? 4 : 0); /* pkttype: 4 = sent by us, 0 = to us */
	put_be16(sll + 2, 0);	   /* hatype */
	put_be16(sll + 4, 1);	   /* halen */
	sll[6] = network ? 1 : 0;  /* addr[0]: capturing side is the network */
	put_be16(sll + 14, 0x0030); /* protocol: LAPD */
	memcpy(sll + LAPD_SLL_LEN, frame, len);
	rc = board_file_write(pc->fh, rec, 16 + LAPD_SLL_LEN + len);
	if (rc < 0) {
		/* disk full or gone: stop capturing rather than fail on every frame */
		dchan_pcap_close(pc);
		return rc;
	}
	pc->frames++;
	return 0;
}
