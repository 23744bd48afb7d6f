#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# make demo: the telco side (pstn-sim) and the sim appliance on an E1 PRI line, the appliance
# on a tap in a private network namespace. Waits for the D-channel, pings the box, shows the
# span and ISDN status from the box's console, places a call, and exits 0 when all went well.
# Needs root (network namespace, tap). Addresses: 198.18.0.0/24, inside the namespace only.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
O=${1:-build/sim}
case $O in /*) build=$O ;; *) build=$top/$O ;; esac
ns=hlgw-demo-$$
work=$(mktemp -d "${TMPDIR:-/tmp}/hlgw-demo.XXXXXX")
psim_pid= box_pid=

say() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
die() {
	echo "demo: FAILED: $*" >&2
	for f in box.log psim.json psim.err; do
		[ -f "$work/$f" ] && { echo "--- $f" >&2; tail -n 20 "$work/$f" >&2; }
	done
	exit 1
}
stop_pid() { # SIGTERM, up to 3 s to finish, then SIGKILL
	[ -n "$1" ] || return 0
	kill -TERM "$1" 2>/dev/null || return 0
	for _ in $(seq 30); do kill -0 "$1" 2>/dev/null || break; sleep 0.1; done
	kill -KILL "$1" 2>/dev/null || true
	wait "$1" 2>/dev/null || true
}
cleanup() {
	stop_pid "$box_pid"
	stop_pid "$psim_pid"
	exec 3>&- 2>/dev/null || true
	ip netns del "$ns" 2>/dev/null || true
	rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

[ "$(id -u)" = 0 ] || die "needs root (network namespace, tap device)"
ip netns add "$ns"
ip -n "$ns" link set lo up
in_ns() { ip netns exec "$ns" "$@"; }

# wait_event NAME TIMEOUT_S: wait for a JSON event from pstn-sim
wait_event() {
	local n=$(( $2 * 10 ))
	while ! grep -q "\"ev\":\"$1\"" "$work/psim.json" 2>/dev/null; do
		n=$((n - 1))
		[ $n -gt 0 ] || return 1
		sleep 0.1
	done
}

say "telco side: pstn-sim (libpri NETWORK) listening on the E1 line"
mkfifo "$work/psim.cmd"
"$build/pstn-sim" -s "$work/e1.sock" -o "$work/psim.json" -p "$work/telco-dchan.pcap" \
	<"$work/psim.cmd" 2>"$work/psim.err" &
psim_pid=$!
exec 3>"$work/psim.cmd"
for _ in $(seq 50); do [ -S "$work/e1.sock" ] && break; sleep 0.1; done
[ -S "$work/e1.sock" ] || die "pstn-sim did not listen"

say "the appliance: hlgw on board sim (CPE side), IP 198.18.0.2/24 on tap hlgw0"
cat >"$work/factory.cfg" <<CFG
hostname hlgw-demo
interface ethernet 0
 ip address 198.18.0.2 255.255.255.0
CFG
t0=$(date +%s%N)
in_ns "$build/hlgw" -e "$work/e1.sock" -t hlgw0 -c "$work/console" -f "$work/flash.bin" \
	-F "$work/factory.cfg" -p "$work" >"$work/box.log" 2>&1 &
box_pid=$!
for _ in $(seq 50); do in_ns ip link show hlgw0 >/dev/null 2>&1 && break; sleep 0.1; done
in_ns ip addr add 198.18.0.1/24 dev hlgw0
in_ns ip link set hlgw0 up

wait_event dchan_up 5 || die "D-channel did not come up"
t1=$(date +%s%N)
echo "D-channel up (Q.921 multiple frame established) $(( (t1 - t0) / 1000000 )) ms after start"

say "ping the box (lwIP answers)"
in_ns ping -c 3 -i 0.2 198.18.0.2 || die "no answer to ping"

con() { "$top/tools/con" "$work/console" "$@"; }
say "console: show controllers e1 0"
con "show controllers e1 0"
say "console: show isdn status"
con "show isdn status"
say "console: show ip interface"
con "show ip interface"

say "the telco offers a call; the box does not route calls yet and refuses it"
echo "call span=0 called=0800123456 calling=4930123456 ton=national bchan=1" >&3
wait_event release 5 || die "no reaction to the SETUP"
grep -E '"ev":"(setup_sent|release|disconnect)"' "$work/psim.json"

say "a line fault: the telco side cuts the signal (LOS) for 2 s"
echo "fault los on" >&3
sleep 2
con "show controllers e1 0" | head -n 6
echo "fault los off" >&3
n=0
until con "show isdn status" | grep -q "State = MULTIPLE_FRAME_ESTABLISHED"; do
	n=$((n + 1)); [ $n -lt 20 ] || die "D-channel did not come back"; sleep 0.5
done
echo "alarm cleared, D-channel back by itself:"
con "show isdn status" | grep -E 'State ='

say "demo done"
echo "quit" >&3
exit 0
