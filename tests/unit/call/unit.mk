# SPDX-License-Identifier: GPL-2.0-or-later
# firmware/call (FSM, routing, cause tables) against test doubles of the SIP UA, the media
# channel and the ISDN leg (test_call.c), osmo_fsm timers on a fake clock; the real routing
# tables (firmware/route) on the RAM sim flash.
UNIT_TESTS += call
call_SRCS := tests/unit/call/test_call.c $(wildcard firmware/call/*.c) \
	$(wildcard firmware/route/*.c) firmware/config/crc32.c drivers/flash/flash_sim.c firmware/log.c \
	firmware/dsp/cptone.c firmware/dsp/osc.c firmware/dsp/g711.c $(TONEZONE_C)
