#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# make demo: the telco side (pstn-sim) and the sim appliance on an E1 PRI line, the appliance
# on a tap in a private network namespace. Waits for the D-channel, pings the box, shows the
# span and ISDN status from the box's console, places hotline calls to two baresip advisors
# (one after another advisor rang out) and one to an unknown number, prints per call the
# hotline, advisor, answer time, talk seconds and the audio checked both ways, routes six calls
# by a routing table's ratings, has a caller rate an advisor into the CDR, cuts the line
# for 2 s, and exits 0 when all went well.
# Needs root (network namespace, tap). Addresses: 198.18.0.0/24, inside the namespace only.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
O=${1:-build/sim}
case $O in /*) build=$O ;; *) build=$top/$O ;; esac
ns=hlgw-demo-$$
work=$(mktemp -d "${TMPDIR:-/tmp}/hlgw-demo.XXXXXX")
psim_pid= box_pid= anna_pid= ben_pid= carl_pid=

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
	stop_pid "$ben_pid"
	stop_pid "$carl_pid"
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
hotline 0800222333
 advisor sip:ben@198.18.0.1:5090
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
# advisors anna and ben: baresips that answer by themselves, anna saying a 1004 Hz tone, ben
# 1500 Hz, both at -10 dBm0; advisor max is not logged in (nothing listens there), so calls to
# him ring out after the ring-timeout
mkdir -p "$work/rec"
advisor() { # NAME PORT HZ [SECONDS]: start a baresip advisor (it hangs up when its SECONDS,
	# default 30, of tone end); sets ${NAME}_pid
	local d="$work/$1"
	mkdir -p "$d" "$work/rec/$1"
	"$top/tools/tone" gen "$d/says.wav" "$3" -10 "${4:-30}"
	cat >"$d/config" <<BS
poll_method		epoll
sip_listen		198.18.0.1:$2
audio_source		aufile,$d/says.wav
audio_player		aubridge,sink
audio_alert		aubridge,sink
audio_srate		8000
audio_channels		1
module_path		/usr/lib/baresip/modules
module			g711.so
module			aufile.so
module			aubridge.so
module			sndfile.so
snd_path		$work/rec/$1
module_app		account.so
module_app		menu.so
BS
	echo "<sip:$1@198.18.0.1:$2>;regint=0;answermode=auto;audio_codecs=pcma" >"$d/accounts"
	ip netns exec "$ns" baresip -f "$d" >"$work/$1.log" 2>&1 </dev/null &
	eval "${1}_pid=$!"
	for _ in $(seq 50); do in_ns ss -Hlun "sport = :$2" | grep -q . && break; sleep 0.1; done
}
advisor anna 5080 1004
advisor ben 5090 1500
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
freq_ok() { # "freq=... level=..." HZ: within 5 Hz and 1 dB of -10 dBm0
	local f l
	f=$(sed -n 's/.*freq=\([-0-9.]*\).*/\1/p' <<<"$1")
	l=$(sed -n 's/.*level=\([-0-9.]*\).*/\1/p' <<<"$1")
	awk -v f="${f:-0}" -v l="${l:--99}" -v h="$2" \
		'BEGIN { exit !(f > h - 5 && f < h + 5 && l > -11 && l < -9) }'
}
short() { sed -n 's/.*freq=\([-0-9.]*\) level=\([-0-9.]*\).*/\1 Hz \2 dBm0/p' <<<"$1"; }

# talk CALLER HOTLINE BCHAN HZ NOTE: a call that an advisor answers and that both sides speak in
# (the caller 440 Hz); a row for the summary
rows=()
talk() {
	local t_setup t_conn t_end calls adv heard said ok=OK rec
	echo "call $((${#rows[@]} + 1)): $1 dials hotline $2 ($5)"
	place "$2" "$1" "$3"
	t_setup=$(date +%s%N)
	wait_call_ev connect 15 || die "the call to $2 was not answered"
	t_conn=$(date +%s%N)
	echo "record call=$call $work/caller-$call.wav" >&3
	echo "play call=$call tone=440,-10dBm0" >&3
	sleep 1.5
	calls=$(con "show calls")
	echo "$calls" | sed 's/^/  /'
	adv=$(grep -oE 'sip:[a-z]+@' <<<"$calls" | head -n 1 | sed 's/sip://; s/@//')
	sleep 1
	echo "record call=$call stop" >&3
	echo "hangup call=$call cause=16" >&3
	wait_call_ev release 5 || die "the call to $2 did not clear"
	t_end=$(date +%s%N)
	sleep 0.5
	heard=$("$top/tools/tone" measure "$work/caller-$call.wav" --skip 500 --len 1500 || true)
	rec=$(ls -t "$work/rec/$adv"/dump-*-dec.wav 2>/dev/null | head -n 1)
	said=$([ -n "$rec" ] && "$top/tools/tone" measure "$rec" --onset --skip 300 --len 1000 || true)
	freq_ok "$heard" "$4" || ok=FAILED
	freq_ok "$said" 440 || ok=FAILED
	rows+=("$(printf '%-12s %-7s %-8s %7.2f  %-4s %-5s caller heard %s, %s heard %s' "$2" \
		"${adv:--}" "yes" "$(( (t_conn - t_setup) / 1000000 ))e-3" \
		"$(( (t_end - t_conn) / 1000000000 ))" "$ok" "$(short "$heard")" "$adv" \
		"$(short "$said")")")
	[ "$ok" = OK ] || die "audio check of the call to $2: caller heard '$heard', advisor '$said'"
}

talk 301234567 0800123456 1 1004 "advisors: max, then anna"
talk 309876543 0800222333 2 1500 "advisors: ben, then anna"
talk 301112223 0800222333 3 1500 "advisors: ben, then anna"

echo "call 4: 301234567 dials 0800999, which is no hotline"
place 0800999 301234567 4
wait_call_ev release 5 || die "no reaction to call 4"
ev_after release | sed 's/^/  /'
cause=$(ev_after release | sed -n 's/.*"cause":\([0-9]*\).*/\1/p' | head -n 1)
rows+=("$(printf '%-12s %-7s %-8s %7s  %-4s %-5s cleared with cause %s' 0800999 - \
	"no" - - OK "${cause:-?}")")
[ "${cause:-}" = 1 ] || die "call 4 cleared with cause '${cause:-}', want 1 (unallocated number)"

say "calls placed"
printf '  %-12s %-7s %-8s %7s  %-4s %-5s %s\n' HOTLINE ADVISOR ANSWERED "AFTER s" "TALK" \
	AUDIO "CHECK"
for r in "${rows[@]}"; do printf '  %s\n' "$r"; done
con "show media" | head -n 3

say "routing by rating: a routing table (issue 4)"
# anna rated 4.00, ben 1.00 on hotline 0800777: stride scheduling gives anna four calls for each
# of ben's (README "Routing tables"): anna ben anna anna anna ben; carl serves 0800888 and hangs up after 2 s, so that the
# caller stays to rate him
cat >"$work/table.txt" <<TBL
hotline 0800777 name=Demo ring=10
hotline 0800888 name=Rated ring=10
advisor 1 name=anna uri=sip:anna@198.18.0.1:5080 serves=0800777:1 rating=4
advisor 2 name=ben uri=sip:ben@198.18.0.1:5090 serves=0800777:1 rating=1
advisor 3 name=carl uri=sip:carl@198.18.0.1:5100 serves=0800888:1 rating=3
TBL
cat "$work/table.txt" | sed 's/^/  /'
con enable "route table load $work/table.txt" >/dev/null
for _ in $(seq 50); do
	con "show route table" | grep -q 'Active table: generation [0-9]*, 2 hotlines' && break
	sleep 0.1
done
con "show route table" | head -n 2
order=()
for i in 1 2 3 4 5 6; do
	place 0800777 3011100$i 1
	wait_call_ev connect 10 || die "table call $i was not answered"
	sleep 0.4
	who=$(con "show calls" | grep -oE 'sip:[a-z]+@' | head -n 1 | sed 's/sip://; s/@//')
	order+=("$who")
	echo "hangup call=$call cause=16" >&3
	wait_call_ev release 5 || die "table call $i did not clear"
done
echo "  six calls to 0800777 went to: ${order[*]}"
con "show route decisions" | tail -n 6 | sed 's/^/  /'
# the rule: both start at pass 0 (anna by id), ben at 0 next, then anna's passes 1..4 strides of
# hers while ben's one stride equals four of hers; at the tie ben has been idle longer
[ "${order[*]}" = "anna ben anna anna anna ben" ] ||
	die "routing by rating: ${order[*]}, want anna ben anna anna anna ben"

say "the caller rates the advisor after the call: the rating lands in the CDR"
advisor carl 5100 800 2
con enable "configure terminal" "caller-rating on" "end" >/dev/null
place 0800888 301234567 2
wait_call_ev connect 10 || die "the rated call was not answered"
echo "  carl answers, talks 2 s and hangs up; the caller hears the rating beeps and keys 4"
sleep 3.5
echo "dtmf call=$call 4" >&3
wait_call_ev disconnect 12 || die "the box did not release the caller after the rating"
con "show cdr 1" | sed 's/^/  /'
con "show cdr 1" | grep -qE '0800888 .* advisor +4 ' || die "the rating is not in the CDR"
stop_pid "$anna_pid"; anna_pid=
stop_pid "$ben_pid"; ben_pid=
stop_pid "$carl_pid"; carl_pid=

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
