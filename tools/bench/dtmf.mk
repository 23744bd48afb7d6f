# SPDX-License-Identifier: GPL-2.0-or-later
# DTMF receiver cost (tools/bench/bench_dtmf.c): instructions per sample by callgrind beside
# the target of 30. Included by the top Makefile; `make bench-dtmf`, also part of `make bench`.
DTMF_BENCH_SRCS := tools/bench/bench_dtmf.c tools/bench/cg_run.c tests/unit/dtmf/sig.c firmware/dsp/dtmf.c \
	firmware/dsp/dtmf_gen.c firmware/dsp/osc.c firmware/dsp/g711.c
BENCH_BINS += $(O)/bench/bench_dtmf
$(O)/bench/bench_dtmf: $(call obj,$(DTMF_BENCH_SRCS))
	@mkdir -p $(dir $@)
	@echo "  LD $@"
	$(Q)$(CC) -o $@ $^ -lm

.PHONY: bench-dtmf
bench-dtmf: $(O)/bench/bench_dtmf
	$(Q)$(O)/bench/bench_dtmf
