# SPDX-License-Identifier: GPL-2.0-or-later
# RTCP alone (firmware/media/rtcp.c): packets, parsing, RFC 3550 A.1/A.3/A.7/A.8, RTT.
UNIT_TESTS += rtcp
rtcp_SRCS := tests/unit/rtcp/test_rtcp.c firmware/media/rtcp.c
