# SPDX-License-Identifier: GPL-2.0-or-later
# Caller -> advisor media: the sim framer's TDM routing (de-interleave both ways), RTP TX over
# the real netif on a fake eth_dev; zero copy checked by pointer identity.
UNIT_TESTS += rtp_tx
rtp_tx_SRCS := tests/unit/rtp_tx/test_rtp_tx.c tests/unit/common/eth_fake.c \
	firmware/media/rtp_tx.c \
	firmware/media/media_buf.c firmware/span/span.c firmware/span/g826.c \
	drivers/e1/e1_sim.c drivers/e1/g704.c firmware/net/net.c firmware/net/net_eth.c \
	firmware/net/net_port.c firmware/log.c $(LWIP_SRCS)
