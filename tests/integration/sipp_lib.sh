# SPDX-License-Identifier: GPL-2.0-or-later
# Helpers of the scenarios that drive the box's SIP user agent with sipp and the box's console
# on stdin (no pstn-sim): the namespace, the box on its tap, a capture, sipp in the background.
# Source it after setting name (log prefix), and with HLGW_BUILD/HLGW_BIN as run.sh got them;
# it sets ns, tap, host_ip, box_ip, work, box_log, con_out, cap and an EXIT trap that cleans up.
top=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
build=${HLGW_BUILD:-$top/build/sim}
bin=${HLGW_BIN:-$build/hlgw}
ns=hlgw-$name-$$
tap=hlgw0
host_ip=198.18.0.1
box_ip=198.18.0.2
work=$(mktemp -d "${TMPDIR:-/tmp}/hlgw-$name.XXXXXX")
box_pid=
box_log=$work/box.log
con_out=$work/console
cap=$work/sip.pcapng
cap_pid=
sipp_pids=()

log() { echo "$name: $*"; }
fail() {
	echo "$name: FAIL: $*" >&2
	if [ -f "$box_log" ]; then
		echo "--- box log (last 30 lines)" >&2
		tail -n 30 "$box_log" >&2
	fi
	for f in "$work"/*errors.log "$work"/*.out; do
		[ -s "$f" ] || continue
		echo "--- $f (last 15 lines)" >&2
		tail -n 15 "$f" >&2
	done
	exit 1
}

stop_box() {
	box_rc=0
	[ -n "$box_pid" ] || return 0
	kill -TERM "$box_pid" 2>/dev/null || true
	for _ in $(seq 50); do
		kill -0 "$box_pid" 2>/dev/null || break
		sleep 0.1
	done
	kill -KILL "$box_pid" 2>/dev/null || true
	wait "$box_pid" || box_rc=$?
	box_pid=
	exec 3>&- || true
}

cleanup() {
	local p
	for p in "${sipp_pids[@]}"; do
		kill "$p" 2>/dev/null || true
		wait "$p" 2>/dev/null || true
	done
	if [ -n "$cap_pid" ]; then
		kill "$cap_pid" 2>/dev/null || true
		wait "$cap_pid" 2>/dev/null || true
	fi
	stop_box || true
	ip netns del "$ns" 2>/dev/null || true
	[ -n "${KEEP:-}" ] && echo "work dir kept: $work" || rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

[ "$(id -u)" = 0 ] || fail "needs root (ip netns, tap)"
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
		kill -0 "$box_pid" 2>/dev/null || fail "box died waiting for: $2"
		sleep 0.1
	done
	fail "$2 (no '$1' in the box log)"
}

# sipp in the namespace, in the background; its pid in sipp_pid
sipp_bg() { # name, sipp args...
	local n=$1
	shift
	(cd "$work" && exec ip netns exec "$ns" sipp -nostdin -trace_err -timeout 20s \
		-timeout_error "$@") >"$work/$n.out" 2>&1 &
	sipp_pid=$!
	sipp_pids+=("$sipp_pid")
}

sipp_wait() { # name, seconds
	local rc=0
	for _ in $(seq $((${2:-10} * 10))); do
		kill -0 "$sipp_pid" 2>/dev/null || break
		sleep 0.1
	done
	kill -0 "$sipp_pid" 2>/dev/null && fail "$1: sipp still running"
	wait "$sipp_pid" || rc=$?
	[ "$rc" = 0 ] || fail "$1: sipp exit status $rc"
}

# The namespace and the box in it with $work/factory.cfg, console on fd 3; returns once the SIP
# port is bound and the console is in enable mode.
start_sip_box() {
	ip netns add "$ns"
	ip -n "$ns" link set lo up
	ip netns exec "$ns" sysctl -qw net.ipv6.conf.default.disable_ipv6=1 || true # quiet capture
	mkfifo "$work/con"
	ip netns exec "$ns" "$bin" --tap "$tap" --factory "$work/factory.cfg" --console - \
		<"$work/con" >>"$con_out" 2>"$box_log" &
	box_pid=$!
	exec 3>"$work/con"
	for _ in $(seq 50); do
		ip -n "$ns" link show "$tap" >/dev/null 2>&1 && break
		kill -0 "$box_pid" 2>/dev/null || fail "box exited during start"
		sleep 0.1
	done
	ip -n "$ns" addr add "$host_ip/24" dev "$tap"
	ip -n "$ns" link set "$tap" up
	wait_log 'listening on UDP port 5060' "SIP port bound"
	console "enable"
}

start_capture() {
	ip netns exec "$ns" tshark -i "$tap" -w "$cap" -q >"$work/tshark.out" 2>&1 &
	cap_pid=$!
	for _ in $(seq 50); do
		grep -q 'Capturing on' "$work/tshark.out" 2>/dev/null && break
		sleep 0.1
	done
}

stop_capture() {
	sleep 0.3
	kill -INT "$cap_pid"
	wait "$cap_pid" || true
	cap_pid=
}

# The box still up, no ERROR in its log, and a clean exit on SIGTERM.
finish_box() {
	kill -0 "$box_pid" 2>/dev/null || fail "box is not running"
	if grep -E 'ERROR|FATAL' "$box_log" >/dev/null; then
		fail "box logged errors: $(grep -E 'ERROR|FATAL' "$box_log" | head -n 3)"
	fi
	stop_box
	[ "$box_rc" = 0 ] || fail "box exit status $box_rc after SIGTERM"
}
