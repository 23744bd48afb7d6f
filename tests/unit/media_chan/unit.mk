# SPDX-License-Identifier: GPL-2.0-or-later
# Media channels (firmware/media/media_chan.c) on a real span (sim framer backdoor), lwIP on a
# fake eth_dev and a fake clock: TDM <-> RTP both ways, source filter, RFC 4733, RTCP, echo
# canceller, leaks.
UNIT_TESTS += media_chan
media_chan_SRCS := tests/unit/media_chan/test_media_chan.c tests/unit/common/eth_fake.c \
	firmware/media/media_chan.c firmware/media/media_port.c firmware/media/media_ecan.c \
	firmware/dsp/dtmf.c firmware/dsp/dtmf_gen.c firmware/dsp/g711.c \
	firmware/dsp/cptone.c firmware/dsp/osc.c $(TONEZONE_C) $(wildcard firmware/dsp/ecan*.c) \
	firmware/media/rtp_tx.c firmware/media/media_buf.c firmware/media/rtp_rx.c firmware/media/jbuf.c \
	firmware/media/rtcp.c firmware/span/span.c firmware/span/g826.c drivers/e1/e1_sim.c \
	drivers/e1/g704.c firmware/net/net.c firmware/net/net_eth.c firmware/net/net_port.c \
	firmware/log.c $(LWIP_SRCS)
