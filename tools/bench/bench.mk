# SPDX-License-Identifier: GPL-2.0-or-later
# Caller -> advisor media bench (tools/bench/bench_media_tx.c, run by media_tx.sh under
# callgrind): built twice, UDP checksum in software and left to the MAC, each variant with
# its own lwIP objects (tools/bench/csum_*/lwipopts.h override the generated one).
MEDIA_BENCH_SRCS := tools/bench/bench_media_tx.c firmware/media/rtp_tx.c \
	firmware/media/media_buf.c firmware/media/media_ecan.c $(wildcard firmware/dsp/ecan*.c) \
	firmware/dsp/g711.c firmware/span/span.c firmware/span/g826.c \
	drivers/e1/e1_sim.c drivers/e1/g704.c firmware/net/net.c firmware/net/net_eth.c \
	firmware/net/net_port.c firmware/log.c $(LWIP_SRCS)
MEDIA_BENCH_VARIANTS := csum_sw csum_off
bench_obj = $(patsubst %.c,$(O)/obj/bench/$(1)/%.o,$(patsubst $(LWIP_DIR)/%,lwip/%,$(2)))
BENCH_BINS += $(foreach v,$(MEDIA_BENCH_VARIANTS),$(O)/bench/bench_media_tx_$(v))

define media_bench_rule
$(O)/obj/bench/$(1)/lwip/%.o: $(LWIP_DIR)/%.c $(O)/include/autoconf.h
	@mkdir -p $$(dir $$@)
	$(Q)$(CC) -Itools/bench/$(1) $(CPPFLAGS) $(PKG_CFLAGS) -std=gnu11 -O2 -g -w -MMD -MP -c $$< -o $$@
$(O)/obj/bench/$(1)/%.o: %.c $(O)/include/autoconf.h
	@mkdir -p $$(dir $$@)
	@echo "  CC $$< ($(1))"
	$(Q)$(CC) -Itools/bench/$(1) $(CPPFLAGS) $(PKG_CFLAGS) $(CFLAGS) -c $$< -o $$@
$(O)/bench/bench_media_tx_$(1): $(call bench_obj,$(1),$(MEDIA_BENCH_SRCS))
	@mkdir -p $$(dir $$@)
	@echo "  LD $$@"
	$(Q)$(CC) -o $$@ $$^ $(LIBS)
endef
$(foreach v,$(MEDIA_BENCH_VARIANTS),$(eval $(call media_bench_rule,$(v))))

.PHONY: bench-media-tx
bench-media-tx: $(foreach v,$(MEDIA_BENCH_VARIANTS),$(O)/bench/bench_media_tx_$(v))
	$(Q)tools/bench/media_tx.sh $(O)
