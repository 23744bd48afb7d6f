#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Instructions per packet on the caller -> advisor media path, counted by callgrind
# (--toggle-collect counts a function inclusively: everything it calls) and divided by the
# number of calls the bench program reports. Usage: media_tx.sh BUILD_DIR
set -euo pipefail
O=$1
B=$O/bench/bench_media_tx
PKTS=${PKTS:-200} # packets per channel
T=$(mktemp -d /tmp/hlgw-bench.XXXXXX)
trap 'rm -rf "$T"' EXIT
command -v valgrind >/dev/null || { echo "valgrind missing (apt-get install valgrind)" >&2; exit 1; }

# count VARIANT FUNCTION DIVISOR_KEY ARGS...: instructions in FUNCTION per DIVISOR_KEY unit
count() {
	local v=$1 fn=$2 key=$3 out
	shift 3
	out=$(valgrind --tool=callgrind --collect-atstart=no --toggle-collect="$fn" \
		--callgrind-out-file="$T/cg.out" "${B}_$v" "$@" 2>"$T/vg.err") || {
		echo "bench failed: ${B}_$v $*" >&2
		cat "$T/vg.err" "$T/cg.out" >&2 2>/dev/null || true
		exit 1
	}
	local ir n
	ir=$(awk '/^totals:/ { print $2 }' "$T/cg.out")
	n=$(sed -n "s/.*\b$key \([0-9]*\).*/\1/p" <<<"$out" | head -1)
	awk -v ir="$ir" -v n="$n" 'BEGIN { printf "%.0f", ir / n }'
}

deint30=$(count csum_sw e1_sim_tdm_rx deint_count run 30 "$PKTS")
deint1=$(count csum_sw e1_sim_tdm_rx deint_count run 1 "$PKTS")
tx_sw=$(count csum_sw rtp_tx_done count run 30 "$PKTS")
tx_off=$(count csum_off rtp_tx_done count run 30 "$PKTS")
lw_sw=$(count csum_sw udp_sendto count run 30 "$PKTS")
lw_off=$(count csum_off udp_sendto count run 30 "$PKTS")
floor=$(count csum_sw bench_floor count floor $((PKTS * 30)))
copy_sw=$(count csum_sw bench_copy_send count copy $((PKTS * 30)))
copy_off=$(count csum_off bench_copy_send count copy $((PKTS * 30)))
# the echo canceller in the packet callback: 4 channels (the canceller's state per channel
# dwarfs the rest), 64 and 128 ms tails, the far end always active
ec64=$(count csum_off rtp_tx_done count ecan 4 "$PKTS" 64)
ec64_only=$(count csum_off media_ecan_run count ecan 4 "$PKTS" 64)
ec128=$(count csum_off rtp_tx_done count ecan 4 "$PKTS" 128)
ec128_only=$(count csum_off media_ecan_run count ecan 4 "$PKTS" 128)

cat <<END
caller -> advisor media, instructions (callgrind Ir) per 20 ms packet of one channel
(x86-64 -O2; $PKTS packets on each of 30 channels of one span):
                                                         measured   anchor / target
  floor: RTP header + memcpy of 160 octets               $(printf %8s "$floor")   ~40
  de-interleave, 30 channels armed (e1_sim_tdm_rx)       $(printf %8s "$deint30")   target <= 300 (bytewise C ~1,000)
  de-interleave, 1 channel armed                         $(printf %8s "$deint1")
  TX buffer -> linkoutput, UDP checksum offloaded        $(printf %8s "$tx_off")   target <= 800
    of which lwIP udp_sendto -> linkoutput               $(printf %8s "$lw_off")   lwIP zero-copy ~580
  TX buffer -> linkoutput, UDP checksum in software      $(printf %8s "$tx_sw")   target <= 1,100
    of which lwIP udp_sendto -> linkoutput               $(printf %8s "$lw_sw")   lwIP zero-copy ~900
  for comparison, payload copied into a PBUF_RAM:
    checksum offloaded (alloc + copy + send + free)      $(printf %8s "$copy_off")   zero-copy + ~150
    checksum in software                                 $(printf %8s "$copy_sw")
  with the span's echo canceller (in place, in rtp_tx's packet callback; far end active):
    TX, checksum offloaded, 64 ms tail                   $(printf %8s "$ec64")   canceller <= 1,000/sample
      of which the canceller (media_ecan_run)            $(printf %8s "$ec64_only")   = $(awk -v x="$ec64_only" 'BEGIN { printf "%.0f", x / 160 }') per sample
    TX, checksum offloaded, 128 ms tail                  $(printf %8s "$ec128")   canceller <= 1,300/sample
      of which the canceller (media_ecan_run)            $(printf %8s "$ec128_only")   = $(awk -v x="$ec128_only" 'BEGIN { printf "%.0f", x / 160 }') per sample
TX = rtp_tx_done(): RTP header, next ring buffer + TDM re-arm, custom pbuf, udp_sendto
(UDP, IP, ARP cache, Ethernet), linkoutput to the eth device, pbuf_free + free callback.
END
