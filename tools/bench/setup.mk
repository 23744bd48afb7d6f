# SPDX-License-Identifier: GPL-2.0-or-later
# Issue 3: SETUP in -> INVITE out inside the box, in instructions (tools/bench/bench_setup.c,
# runs itself under callgrind). The real span/isdn/call/sip/media/net modules and lwIP; doubles:
# the board (fake clock), a shim over the sim framer (no socket, no alarms), tests/unit/common's
# fake eth_dev.
SETUP_BENCH_SRCS := tools/bench/bench_setup.c tools/bench/cg_run.c tools/bench/box_doubles.c \
	tests/unit/common/eth_fake.c \
	$(wildcard firmware/span/*.c firmware/isdn/*.c firmware/call/*.c firmware/sip/*.c \
		firmware/media/*.c firmware/net/*.c firmware/dsp/*.c firmware/cdr/*.c \
		firmware/route/*.c) \
	$(TONEZONE_C) firmware/config/crc32.c \
	firmware/log.c drivers/e1/e1_sim.c drivers/e1/g704.c board/sim/bfile_sim.c $(LWIP_SRCS)
BENCH_BINS += $(O)/bench/bench_setup
$(O)/bench/bench_setup: $(call obj,$(SETUP_BENCH_SRCS))
	@mkdir -p $(dir $@)
	@echo "  LD $@"
	$(Q)$(CC) -o $@ $^ $(LIBS) -lcmocka

.PHONY: bench-setup
bench-setup: $(O)/bench/bench_setup
	$(Q)$(O)/bench/bench_setup
