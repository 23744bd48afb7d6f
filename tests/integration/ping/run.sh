#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The sim box on a tap inside a private network namespace answers ping: small, 1400-octet and
# fragmented 3000-octet echoes and a flood, with 0% loss; its MAC is 02:... and the same after
# a restart; it answers only for its own address; it logs no error and stops cleanly.
# Phase 1: the box creates the tap itself. Phase 2: it attaches to a persistent tap.
# The address comes from a factory config (`interface ethernet 0` / `ip address`) that the
# console replays; `show ip interface` on the console (stdin) must count the echo requests.
# Needs root (ip netns, tap). Addresses: 198.18.0.0/24 inside the namespace only.
#   HLGW_BUILD  build dir holding hlgw (default build/sim);  HLGW_BIN overrides the binary.
set -euo pipefail
top=$(cd "$(dirname "$0")/../../.." && pwd)
. "$top/tests/integration/scenario.sh"
it_setup ping
bin=${HLGW_BIN:-$build/hlgw}
[ -x "$bin" ] || fail "no box binary at $bin (build first)"
command -v ping >/dev/null || fail "ping missing (Debian package iputils-ping)"

# Start the box with a factory config (its IP address) and its console on a fifo; its log in
# $T/box.log afresh (the frame's fail() and finish_box read it).
ping_box() { # name, address/mask or "none"
	local name=$1
	con_out=$T/$name.console
	{
		echo "interface ethernet 0"
		[ "$2" = none ] || echo " ip address $2"
	} >"$T/$name.cfg"
	rm -f "$T/con"
	mkfifo "$T/con"
	ip netns exec "$ns" "$bin" --tap "$tap" --factory "$T/$name.cfg" --console - \
		<"$T/con" >"$con_out" 2>"$T/box.log" &
	box=$!
	exec 3>"$T/con"
}

# Run one console command; its output lands in $con_out. (Not lib.sh's: the console is stdin.)
console() {
	printf '%s\r\n' "$1" >&3
	sleep 0.5
}

wait_tap() {
	for _ in $(seq 50); do
		ip -n "$ns" link show "$tap" >/dev/null 2>&1 && return 0
		kill -0 "$box" 2>/dev/null || fail "box exited during start"
		sleep 0.1
	done
	fail "tap $tap did not appear"
}

nsping() { ip netns exec "$ns" ping "$@"; }

# ping that must lose nothing; prints ping's summary; sets rtt to "min/avg/max/mdev"
ping_ok() { # what, ping args...
	local what=$1 out
	shift
	out=$(nsping -n -q "$@" "$box_ip" 2>&1) || fail "$what: ping failed: $out"
	grep -q ' 0% packet loss' <<<"$out" || fail "$what: loss: $out"
	rtt=$(sed -n 's/^rtt [^=]*= \([0-9./]*\) ms.*/\1/p' <<<"$out")
	log "$what: 0% loss, rtt min/avg/max/mdev $rtt ms"
}

box_mac() {
	ip -n "$ns" neigh show "$box_ip" dev "$tap" | sed -n 's/.* lladdr \([0-9a-f:]*\).*/\1/p'
}

ip netns add "$ns"
ip -n "$ns" link set lo up

# ---- phase 1: the box creates the tap --------------------------------------------------
ping_box phase1 "$box_ip 255.255.255.0"
wait_tap
ip -n "$ns" addr add "$adv_ip/24" dev "$tap"
ip -n "$ns" link set "$tap" up
ping_ok "5 echoes" -c 5 -i 0.2 -W 2
ping_ok "1400-octet echoes" -c 3 -i 0.2 -W 2 -s 1400
ping_ok "3000-octet echoes (fragmented)" -c 3 -i 0.2 -W 2 -s 3000
mac1=$(box_mac)
case "$mac1" in
02:*) log "box MAC $mac1 (locally administered)" ;;
*) fail "box MAC '$mac1' is not 02:..." ;;
esac
# nobody else on the link: the box must not answer for an address that is not its own
if nsping -n -q -c 1 -W 1 198.18.0.3 >/dev/null 2>&1; then
	fail "198.18.0.3 answered"
fi
finish_box
sleep 0.2
ip -n "$ns" link show "$tap" >/dev/null 2>&1 && fail "non-persistent tap outlived the box"

# ---- phase 2: persistent tap made beforehand; no address first, then one --------------
ip -n "$ns" tuntap add dev "$tap" mode tap
ip -n "$ns" addr add "$adv_ip/24" dev "$tap"
ip -n "$ns" link set "$tap" up
ping_box phase2-noaddr none
sleep 0.5
if nsping -n -q -c 2 -i 0.2 -W 1 "$box_ip" >/dev/null 2>&1; then
	fail "box without an address answered"
fi
console "show ip interface"
grep -q "Ethernet0 is down" "$con_out" && grep -q "Internet address is not set" "$con_out" ||
	fail "show ip interface without an address: $(cat "$con_out")"
finish_box
ip -n "$ns" neigh flush dev "$tap"

ping_box phase2 "$box_ip 255.255.255.0
 ip default-gateway $adv_ip"
sleep 0.3
ping_ok "5 echoes after restart" -c 5 -i 0.2 -W 2
mac2=$(box_mac)
[ "$mac2" = "$mac1" ] || fail "MAC changed across restarts: $mac1 -> $mac2"
ping_ok "flood, 2000 echoes" -f -c 2000 -W 2 -s 172
console "show ip interface"
grep -q "Ethernet0 is up" "$con_out" && grep -q "Internet address is 198.18.0.2/24" "$con_out" &&
	grep -q "Default gateway is $adv_ip" "$con_out" &&
	grep -q "^  2005 ICMP echo requests received" "$con_out" ||
	fail "show ip interface: $(cat "$con_out")"
log "console: $(grep -E 'packets input|echo requests' "$con_out" | tr -s ' ' | tr '\r\n' '  ')"
finish_box
log "PASS"
