# SPDX-License-Identifier: GPL-2.0-or-later
# DTMF receiver and generator (firmware/dsp/dtmf*.c): the Q.24 accept/refuse table, timing,
# talk-off corpus (tests/unit/dtmf/sig.c builds every signal from a fixed seed).
UNIT_TESTS += dtmf
dtmf_SRCS := tests/unit/dtmf/test_dtmf.c tests/unit/dtmf/sig.c firmware/dsp/dtmf.c \
	firmware/dsp/g711.c firmware/dsp/dtmf_gen.c firmware/dsp/osc.c
