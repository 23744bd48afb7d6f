# SPDX-License-Identifier: GPL-2.0-or-later
# firmware/dsp/cptone (call-progress tones) with libtonezone's zones as generated at build time.
UNIT_TESTS += cptone
cptone_SRCS := tests/unit/cptone/test_cptone.c firmware/dsp/cptone.c firmware/dsp/osc.c \
	firmware/dsp/g711.c $(TONEZONE_C)
