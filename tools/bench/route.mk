# SPDX-License-Identifier: GPL-2.0-or-later
# Issue 4 routing benchmarks (tools/bench/bench_route.c): instructions per routing decision
# for 10, 1,000 and 100,000 advisors (callgrind), and validate + swap + persist of a
# 100,000-advisor table in main-loop slices (wall time, longest slice). The real firmware/route
# on the sim flash; the board is a real clock and stubs. Included by the top Makefile.
ROUTE_BENCH_SRCS := tools/bench/bench_route.c $(wildcard firmware/route/*.c) \
	firmware/config/crc32.c drivers/flash/flash_sim.c firmware/log.c
BENCH_BINS += $(O)/bench/bench_route
$(O)/bench/bench_route: $(call obj,$(ROUTE_BENCH_SRCS))
	@mkdir -p $(dir $@)
	@echo "  LD $@"
	$(Q)$(CC) -o $@ $^ $(LIBS)

.PHONY: bench-route
bench-route: $(O)/bench/bench_route
	$(Q)$(O)/bench/bench_route
