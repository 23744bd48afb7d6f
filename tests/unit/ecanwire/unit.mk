# SPDX-License-Identifier: GPL-2.0-or-later
# The media path's echo canceller pool and its run on the line's ring (media_ecan.c): pool
# limits, tails, a wrapping reference, 1 ms at a time against a packet at once.
UNIT_TESTS += ecanwire
ecanwire_SRCS := tests/unit/ecanwire/test_ecanwire.c firmware/media/media_ecan.c \
	$(wildcard firmware/dsp/ecan*.c) firmware/dsp/g711.c
