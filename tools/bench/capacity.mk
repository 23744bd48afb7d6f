# SPDX-License-Identifier: GPL-2.0-or-later
# Issue 3: channels the sim box carries on one core within its 1 ms deadline
# (tools/bench/bench_capacity.c). `make bench-capacity` builds the box anew for 8 spans in
# $(O)/cap from tools/bench/capacity/defconfig and runs it; BENCH_CAP_SECS sets the line time
# per row (default 5 s).
CAP_BENCH_SRCS := tools/bench/bench_capacity.c tools/bench/box_doubles.c \
	tests/unit/common/eth_fake.c \
	$(wildcard firmware/span/*.c firmware/isdn/*.c firmware/call/*.c firmware/sip/*.c \
		firmware/media/*.c firmware/net/*.c firmware/dsp/*.c firmware/cdr/*.c \
		firmware/route/*.c) \
	$(TONEZONE_C) firmware/config/crc32.c \
	firmware/log.c drivers/e1/e1_sim.c drivers/e1/g704.c board/sim/bfile_sim.c $(LWIP_SRCS)
$(O)/bench/bench_capacity: $(call obj,$(CAP_BENCH_SRCS))
	@mkdir -p $(dir $@)
	@echo "  LD $@"
	$(Q)$(CC) -o $@ $^ $(LIBS) -lcmocka

.PHONY: bench-capacity bench-capacity-ecan
bench-capacity:
	$(Q)$(MAKE) --no-print-directory O=$(O)/cap DEFCONFIG=tools/bench/capacity/defconfig \
		$(O)/cap/bench/bench_capacity
	$(Q)$(O)/cap/bench/bench_capacity $(BENCH_CAP_SECS)
# the same with every channel's echo canceller on (64 ms tail; BENCH_CAP_ECAN=32|128)
bench-capacity-ecan:
	$(Q)$(MAKE) --no-print-directory O=$(O)/cap DEFCONFIG=tools/bench/capacity/defconfig \
		$(O)/cap/bench/bench_capacity
	$(Q)$(O)/cap/bench/bench_capacity $(or $(BENCH_CAP_SECS),5) --ecan $(or $(BENCH_CAP_ECAN),64)
