# SPDX-License-Identifier: GPL-2.0-or-later
# G.168-style echo canceller benchmark (tools/bench/ecan/): ours beside speexdsp's MDF through
# the same harness; instructions per sample by callgrind. speexdsp is linked into this
# benchmark only, never into the firmware. Included by the top Makefile.
ECAN_BENCH_SRCS := tools/bench/ecan/bench_ecan.c tools/bench/ecan/g168.c \
	tools/bench/ecan/g168_models.c tools/bench/ecan/ec_speex.c tools/bench/ecan/ec_ours.c \
	$(wildcard firmware/dsp/ecan*.c) firmware/dsp/g711.c
BENCH_BINS += $(O)/bench/bench_ecan
$(O)/bench/bench_ecan: $(call obj,$(ECAN_BENCH_SRCS))
	@mkdir -p $(dir $@)
	@echo "  LD $@"
	$(Q)$(CC) -o $@ $^ $(shell pkg-config --libs speexdsp 2>/dev/null || echo -lspeexdsp) -lm

# one case or one row per model, for tuning experiments (not run by bench)
ECAN_CASE_SRCS := $(filter-out tools/bench/ecan/bench_ecan.c,$(ECAN_BENCH_SRCS)) \
	tools/bench/ecan/ecan_case.c
$(O)/bench/ecan_case: $(call obj,$(ECAN_CASE_SRCS))
	@mkdir -p $(dir $@)
	@echo "  LD $@"
	$(Q)$(CC) -o $@ $^ $(shell pkg-config --libs speexdsp 2>/dev/null || echo -lspeexdsp) -lm

.PHONY: bench-ecan
bench-ecan: $(O)/bench/bench_ecan
	$(Q)$(O)/bench/bench_ecan
