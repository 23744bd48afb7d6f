# SPDX-License-Identifier: GPL-2.0-or-later
# firmware/net on lwIP with a fake eth_dev: ARP, ICMP echo (also fragmented), zero-copy TX,
# small and pool receive buffers (exhaustion, random hold and release).
UNIT_TESTS += net
net_SRCS := tests/unit/net/test_net.c tests/unit/common/eth_fake.c \
	firmware/net/net.c firmware/net/net_eth.c firmware/net/net_port.c firmware/log.c $(LWIP_SRCS)
