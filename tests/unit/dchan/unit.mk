# SPDX-License-Identifier: GPL-2.0-or-later
# Two D-channels (CPE and network) back to back through HDLC: link-up, SETUP, counters, CRC.
UNIT_TESTS += dchan
dchan_SRCS := tests/unit/dchan/test_dchan.c firmware/isdn/dchan.c firmware/isdn/dchan_pcap.c \
	board/sim/bfile_sim.c
