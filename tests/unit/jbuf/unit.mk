# SPDX-License-Identifier: GPL-2.0-or-later
# firmware/media receive side on real lwIP pool pbufs: jitter buffer, RTP checks, RFC 4733.
UNIT_TESTS += jbuf
jbuf_SRCS := tests/unit/jbuf/test_jbuf.c firmware/media/jbuf.c firmware/dsp/g711.c \
	firmware/media/rtp_rx.c firmware/media/rtcp.c $(LWIP_SRCS)
