# SPDX-License-Identifier: GPL-2.0-or-later
# Advisor -> caller RX bench (tools/bench/bench_net_rx.c, runs itself under callgrind): the
# real firmware/net and lwIP on a fake eth_dev. Built twice: with the small RX buffer pool
# (Kconfig default) and without it (NET_RX_SMALL_BUFS=0: every frame into a PBUF_POOL pbuf,
# as before the pool existed). lwIP's objects are the build's own; firmware/net is per variant.
NET_RX_BENCH_SRCS := tools/bench/bench_net_rx.c tools/bench/cg_run.c $(wildcard firmware/net/*.c) firmware/log.c
NET_RX_BENCH_VARIANTS := small nosmall
net_rx_cflags_small :=
net_rx_cflags_nosmall := -DNET_RX_SMALL_BUFS=0
net_rx_obj = $(patsubst %.c,$(O)/obj/bench/net_rx_$(1)/%.o,$(2))
BENCH_BINS += $(foreach v,$(NET_RX_BENCH_VARIANTS),$(O)/bench/bench_net_rx_$(v))

define net_rx_bench_rule
$(O)/obj/bench/net_rx_$(1)/%.o: %.c $(O)/include/autoconf.h
	@mkdir -p $$(dir $$@)
	@echo "  CC $$< (net_rx $(1))"
	$(Q)$(CC) $(net_rx_cflags_$(1)) $(CPPFLAGS) $(PKG_CFLAGS) $(CFLAGS) -c $$< -o $$@
$(O)/bench/bench_net_rx_$(1): $(call net_rx_obj,$(1),$(NET_RX_BENCH_SRCS)) $(call obj,$(LWIP_SRCS))
	@mkdir -p $$(dir $$@)
	@echo "  LD $$@"
	$(Q)$(CC) -o $$@ $$^ $(LIBS)
endef
$(foreach v,$(NET_RX_BENCH_VARIANTS),$(eval $(call net_rx_bench_rule,$(v))))

.PHONY: bench-net-rx
bench-net-rx: $(foreach v,$(NET_RX_BENCH_VARIANTS),$(O)/bench/bench_net_rx_$(v))
	@echo "advisor->caller RX, small RX buffers off (every frame into a 1,536-octet PBUF_POOL"
	@echo "pbuf, as before the small pool):"
	$(Q)$(O)/bench/bench_net_rx_nosmall
	@echo "small RX buffers on:"
	$(Q)$(O)/bench/bench_net_rx_small
