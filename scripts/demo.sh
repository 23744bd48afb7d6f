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
psim_pid= box_pid= anna_pid=

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
	stop_pid "$anna_pid"
	stop_pid "$box_pid"
	stop_pid "$psim_pid"
	# whatever still runs in the namespace (nothing should) goes with it
	ip netns pids "$ns" 2>/dev/null | xargs -r kill -KILL 2>/dev/null || true
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
calling-prefix national +49
hotline 0800123456
 ring-timeout 5
 advisor sip:max@198.18.0.1:5070
 advisor sip:anna@198.18.0.1:5080
CFG
t0=$(date +%s%N)
ip netns exec "$ns" "$build/hlgw" -e "$work/e1.sock" -t hlgw0 -c "$work/console" -f "$work/flash.bin" \
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

say "hotline calls: the box routes them to SIP advisors (baresip) with RTP media"
# advisor anna: a baresip that answers by itself and says a 1004 Hz tone at -10 dBm0; advisor
# max is not logged in (nothing listens there), so his calls ring out after the ring-timeout
"$top/tools/tone" gen "$work/anna.wav" 1004 -10 12
mkdir -p "$work/anna" "$work/rec"
cat >"$work/anna/config" <<BS
poll_method		epoll
sip_listen		198.18.0.1:5080
audio_source		aufile,$work/anna.wav
audio_player		aubridge,sink
audio_alert		aubridge,sink
audio_srate		8000
audio_channels		1
module_path		/usr/lib/baresip/modules
module			g711.so
module			aufile.so
module			aubridge.so
module			sndfile.so
snd_path		$work/rec
module_app		account.so
module_app		menu.so
BS
echo "<sip:anna@198.18.0.1:5080>;regint=0;answermode=auto;audio_codecs=pcma" >"$work/anna/accounts"
ip netns exec "$ns" baresip -f "$work/anna" >"$work/anna.log" 2>&1 </dev/null &
anna_pid=$!
for _ in $(seq 50); do in_ns ss -Hlun "sport = :5080" | grep -q . && break; sleep 0.1; done
sleep 0.5

# call NUMBER CALLING: place a call, print what happened; sets $call
place() {
	local m
	m=$(wc -l <"$work/psim.json")
	echo "call span=0 called=$1 calling=$2 ton=national bchan=${3:-1}" >&3
	for _ in $(seq 100); do
		tail -n +$((m + 1)) "$work/psim.json" | grep -q '"ev":"setup_sent"' && break; sleep 0.05
	done
	call=$(tail -n +$((m + 1)) "$work/psim.json" | grep '"ev":"setup_sent"' | head -n 1 |
		sed 's/.*"call":\([0-9]*\).*/\1/')
	mark=$m
}
ev_after() { tail -n +$((mark + 1)) "$work/psim.json" | grep -E "\"ev\":\"$1\".*\"call\":$call[,}]"; }
wait_call_ev() { # EVENT TIMEOUT_S
	local n=$(($2 * 20))
	while [ $n -gt 0 ]; do ev_after "$1" >/dev/null && return 0; n=$((n - 1)); sleep 0.05; done
	return 1
}

echo "call 1: 030 1234567 dials hotline 0800123456 (advisors: max, then anna)"
place 0800123456 301234567 1
t_setup=$(date +%s%N)
wait_call_ev connect 15 || die "call 1 was not answered"
t_conn=$(date +%s%N)
echo "record call=$call $work/caller.wav" >&3
echo "play call=$call tone=440,-10dBm0" >&3
sleep 1.5
calls=$(con "show calls")
echo "$calls"
sleep 1
echo "record call=$call stop" >&3
con "show media" | head -n 3
echo "hangup call=$call cause=16" >&3
wait_call_ev release 5 || die "call 1 did not clear"
t_end=$(date +%s%N)
sleep 0.5
kill -TERM "$anna_pid" 2>/dev/null; wait "$anna_pid" 2>/dev/null || true
anna_pid=
heard=$("$top/tools/tone" measure "$work/caller.wav" --skip 500 --len 1500 || true)
said=$("$top/tools/tone" measure "$(ls "$work"/rec/dump-*-dec.wav | head -n 1)" --onset --skip 300 \
	--len 1000 || true)
printf '  hotline 0800123456: advisor %s, answered after %d ms (max rang out first), %d s talk\n' \
	"$(grep -oE 'sip:[a-z]+@' <<<"$calls" | head -n 1 | sed 's/sip://; s/@//')" \
	$(( (t_conn - t_setup) / 1000000 )) $(( (t_end - t_conn) / 1000000000 ))
printf '  audio caller <- advisor: %s (anna says 1004 Hz, -10 dBm0)\n' "$heard"
printf '  audio advisor <- caller: %s (the caller says 440 Hz, -10 dBm0)\n' "$said"
f=$(sed -n 's/.*freq=\([0-9.]*\).*/\1/p' <<<"$heard")
awk -v f="${f:-0}" 'BEGIN { exit !(f > 999 && f < 1009) }' || die "the caller did not hear the advisor"

echo "call 2: a number that is no hotline"
place 0800999 301234567 2
wait_call_ev release 5 || die "no reaction to call 2"
ev_after release | sed 's/^/  /'

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
