# SPDX-License-Identifier: GPL-2.0-or-later
# pstn-sim's media code alone (tools/pstn-sim/media.c, hybrid.c): A-law, WAV, tones in dBm0
# (with phase reversals), DTMF, the hybrid echo through G.168 Annex D's paths.
UNIT_TESTS += psim_media
psim_media_SRCS := tests/unit/psim_media/test_psim_media.c tools/pstn-sim/media.c \
	tools/pstn-sim/hybrid.c tools/bench/ecan/g168_models.c firmware/dsp/dtmf.c firmware/dsp/g711.c
