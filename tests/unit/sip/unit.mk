# SPDX-License-Identifier: GPL-2.0-or-later
# firmware/sip with oSIP, lwIP linked but the transport's test backdoor in place of the pcb:
# MD5 and digest vectors, SDP offer/answer, framing and validation, UAC/UAS flows.
UNIT_TESTS += sip
sip_SRCS := tests/unit/sip/test_sip.c $(wildcard firmware/sip/*.c) firmware/log.c \
	firmware/net/net_port.c $(LWIP_SRCS)
