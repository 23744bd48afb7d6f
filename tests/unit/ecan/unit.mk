# SPDX-License-Identifier: GPL-2.0-or-later
# firmware/dsp/ecan through the G.168-style test bed of the benchmark (tools/bench/ecan):
# every Annex D echo path, double talk, A-law wrapper.
UNIT_TESTS += ecan
ecan_SRCS := tests/unit/ecan/test_ecan.c $(wildcard firmware/dsp/ecan*.c) firmware/dsp/g711.c \
	tools/bench/ecan/g168.c tools/bench/ecan/g168_models.c tools/bench/ecan/ec_ours.c
