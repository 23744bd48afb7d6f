# SPDX-License-Identifier: GPL-2.0-or-later
# Helpers of the scenarios that drive the box's SIP user agent with sipp and the box's console
# on stdin (no pstn-sim), on the common frame (scenario.sh: it_setup, fail, cleanup,
# sipp_start, sipp_wait, stop_box, finish_box). Source it after setting name (the scenario's
# name), with HLGW_BUILD/HLGW_BIN as run.sh got them; besides the frame's it sets bin, box_log,
# con_out and cap. Its console and mark replace lib.sh's: no pstn-sim here, the console is stdin.
top=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
. "$top/tests/integration/scenario.sh"
it_setup "$name"
bin=${HLGW_BIN:-$build/hlgw}
box_log=$T/box.log
con_out=$T/console
cap=$T/sip.pcapng

[ -x "$bin" ] || fail "no box binary at $bin (build first)"
command -v sipp >/dev/null || fail "sipp missing (Debian package sip-tester)"
command -v tshark >/dev/null || fail "tshark missing"

# One console command; its output is appended to $con_out.
console() {
	printf '%s\r\n' "$1" >&3
	sleep 0.3
}
# `show sip` alone in $con_out
show_sip() {
	: >"$con_out"
	console "show sip"
}

# mark: later wait_log calls look only at log lines written after it
log_mark=0
mark() { log_mark=$(wc -l <"$box_log"); }

# wait_log PATTERN WHAT [seconds]: the box log gets a line matching PATTERN (after the mark)
wait_log() {
	local n=$((${3:-5} * 10))
	for _ in $(seq "$n"); do
		tail -n +$((log_mark + 1)) "$box_log" | grep -qE -- "$1" && return 0
		kill -0 "$box" 2>/dev/null || fail "box died waiting for: $2"
		sleep 0.1
	done
	fail "$2 (no '$1' in the box log)"
}

# sipp_run NAME [sipp args]: sipp_start, failing after 20 s
sipp_run() {
	local name=$1
	shift
	sipp_start "$name" -timeout 20s -timeout_error "$@"
}

# The namespace and the box in it with $T/factory.cfg, console on fd 3; returns once the SIP
# port is bound and the console is in enable mode.
start_sip_box() {
	ip netns add "$ns"
	ip -n "$ns" link set lo up
	ip netns exec "$ns" sysctl -qw net.ipv6.conf.default.disable_ipv6=1 || true # quiet capture
	mkfifo "$T/con"
	ip netns exec "$ns" "$bin" --tap "$tap" --factory "$T/factory.cfg" --console - \
		<"$T/con" >>"$con_out" 2>"$box_log" &
	box=$!
	exec 3>"$T/con"
	for _ in $(seq 50); do
		ip -n "$ns" link show "$tap" >/dev/null 2>&1 && break
		kill -0 "$box" 2>/dev/null || fail "box exited during start"
		sleep 0.1
	done
	ip -n "$ns" addr add "$adv_ip/24" dev "$tap"
	ip -n "$ns" link set "$tap" up
	wait_log 'listening on UDP port 5060' "SIP port bound"
	console "enable"
}

start_capture() {
	start_tshark "$cap"
	it_bg "$cap_pid"
}
stop_capture() {
	local p=$cap_pid
	stop_tshark
	it_stop "$p"
}
