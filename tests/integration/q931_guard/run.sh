#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Hostile input from the line (issue 3.5): pstn-sim sends malformed Q.931 to the box (CPE).
# For each case:
#  - the box's answer as pstn-sim decodes it (q931_rx events): RELEASE COMPLETE with the
#    right cause, STATUS 81 on the global call reference, or nothing at all for the messages
#    Q.931 5.8 says to ignore;
#  - the matching counter of `show isdn rejects` rises by exactly one;
#  - the D-channel stays MULTIPLE_FRAME_ESTABLISHED (no dchan_down, no new link set-up);
# then a well-formed SETUP (raw, and through libpri) still gets cause 34, and the box's log
# holds nothing of what the line sent: no CR, no "EVIL" (every hostile number carries it),
# no "<sip:", no quote from a number. (No SIP yet: the log is where a number would show.)
set -euo pipefail
top=$(cd "$(dirname "$0")/../../.." && pwd)
HLGW_BUILD=${HLGW_BUILD:-$top/build/sim}
con=$top/tools/con
T=$(mktemp -d /tmp/hlgw-guard.XXXXXX)
SOCK=$T/e1.sock
box= psim= EV=$T/ev.json

stop_pid() {
	if [ -n "$1" ] && kill -0 "$1" 2>/dev/null; then
		kill "$1" 2>/dev/null || true
		wait "$1" 2>/dev/null || true
	fi
}
cleanup() {
	exec 3>&- 2>/dev/null || true
	stop_pid "$box"
	stop_pid "$psim"
	rm -rf "$T"
}
trap cleanup EXIT

fail() {
	echo "FAIL: $*"
	echo "--- pstn-sim events (last 20):"
	tail -n 20 "$EV" 2>/dev/null | cut -c1-300 || true
	echo "--- box log (last 20):"
	tail -n 20 "$T/box.log" 2>/dev/null | cat -v || true
	exit 1
}
now_ms() { echo $(($(date +%s%N) / 1000000)); }
cmd() { echo "$*" >&3; }
mark() { wc -l <"$EV"; }
wait_ev() { # MARK TIMEOUT_S PATTERN
	local deadline=$(($(now_ms) + $2 * 1000))
	while [ "$(now_ms)" -lt $deadline ]; do
		tail -n +$(($1 + 1)) "$EV" | grep -qE -- "$3" && return 0
		sleep 0.02
	done
	return 1
}
no_ev() { ! tail -n +$(($1 + 1)) "$EV" | grep -qE -- "$2"; }

t_start=$(now_ms)
mkfifo "$T/cmd"
"$HLGW_BUILD/pstn-sim" -s "$SOCK" -o "$EV" <"$T/cmd" 2>"$T/psim.log" &
psim=$!
exec 3>"$T/cmd"
for _ in $(seq 50); do
	[ -S "$SOCK" ] && grep -q '"ev":"ready"' "$EV" 2>/dev/null && break
	sleep 0.05
done
[ -S "$SOCK" ] || fail "pstn-sim did not start"
"$HLGW_BUILD/hlgw" -e "$SOCK" --flash "$T/flash" --pcap-dir "$T" --console "$T/console" \
	2>"$T/box.log" &
box=$!
wait_ev 0 3 '"ev":"dchan_up"' || fail "no D-channel"
for _ in $(seq 50); do [ -L "$T/console" ] && break; sleep 0.1; done
[ -L "$T/console" ] || fail "no console"
# the cause 44 case needs a timeslot that exists but is no B-channel: leave TS31 out
$con "$T/console" enable 'configure terminal' 'span 0' 'bchan 1-15,17-30' end >"$T/out" ||
	fail "console: bchan"
grep -q '%' "$T/out" && { cat "$T/out"; fail "bchan refused"; }
sleep 0.5 # design.md 7: not right after link-up
cmd "trace on"

rejects() { $con "$T/console" 'show isdn rejects' >"$T/rej" || fail "show isdn rejects"; }
counter() { # NAME: span 0's counter from $T/rej
	awk -v n="$1" '/^ISDN span 1/ { exit } index($0, "    " n " ") == 1 {
		s = substr($0, 5 + length(n)); split(s, f, " "); print f[1]; exit }' "$T/rej"
}

cref=512
box_count() { grep -c -- "$1" "$T/box.log" || true; }
l1_downs() { box_count '(S0) layer 1 down'; }
# the link has settled (the start may flap layer 1 while CRC-4 multiframe aligns)
l1_base=$(l1_downs)
dc_down_base=$(box_count '(S0:T16) D-channel down')
$con "$T/console" 'show isdn status' >"$T/out"
est_base=$(sed -n 's/^ *Link established \([0-9]*\) time.*/\1/p' "$T/out" | head -n 1)
# check_once KIND COUNTER ANSWER [bad args]: ANSWER is "mt:cause" or "none"; 1 with a reason
# in $why when it fails
check_once() {
	local kind=$1 name=$2 want=$3 before after m c pat
	shift 3
	cref=$((cref + 1))
	rejects
	before=$(counter "$name")
	[ -n "$before" ] || { cat "$T/rej"; fail "no counter '$name'"; }
	m=$(mark)
	cmd "bad $kind cref=$cref $*"
	c=$cref
	[ "$kind" = globalcr ] && c=0
	if [ "$want" = none ]; then
		wait_ev "$m" 2 '"ev":"raw_sent"' || { why="not sent"; return 1; }
		sleep 0.3
		no_ev "$m" '"ev":"q931_rx"' || { why="the box answered a message it must ignore"; return 1; }
	else
		pat="\"ev\":\"q931_rx\",\"span\":0,\"mt\":${want%%:*},.*\"cref\":$c,\"flag\":1,\"cause\":${want##*:},"
		wait_ev "$m" 2 "$pat" || { why="no answer mt ${want%%:*} cause ${want##*:}"; return 1; }
		[ "$(tail -n +$((m + 1)) "$EV" | grep -c '"ev":"q931_rx"')" = 1 ] ||
			{ why="more than one answer"; return 1; }
	fi
	rejects
	after=$(counter "$name")
	[ "$after" = $((before + 1)) ] || { cat "$T/rej"; why="'$name' $before -> $after"; return 1; }
	printf '   %-14s %-30s %s\n' "$kind $*" "$name +1" "$want"
}
# A layer 1 loss (a loaded host missing the 1 ms line clock) takes the D-channel down with
# it; that is no fault of Q.931: such a case is tried once more after the link is back.
check() {
	local l1 up
	l1=$(l1_downs)
	up=$(box_count '(S0:T16) D-channel up')
	check_once "$@" && return 0
	[ "$(l1_downs)" != "$l1" ] || fail "$1: $why"
	echo "   ($1: layer 1 went down meanwhile, once more)"
	for _ in $(seq 80); do
		[ "$(box_count '(S0:T16) D-channel up')" -gt "$up" ] && break
		sleep 0.1
	done
	[ "$(box_count '(S0:T16) D-channel up')" -gt "$up" ] ||
		fail "$1: no D-channel after the layer 1 loss"
	sleep 0.5
	check_once "$@" || fail "$1: $why"
}

echo "== malformed Q.931 from the line: answer (mt:cause), counter"
RC=90 ST=125
check ie-overrun "IE past message end" $RC:100
check cause0 "invalid IE contents" $RC:81 # unknown call; libpri no longer echoes stack bytes
check cause0-release "invalid IE contents" $RC:81
check number-crlf "invalid number" $RC:28
check number-quote "invalid number" $RC:28
check number-sip "invalid number" $RC:28
check number-long "invalid number" $RC:28
check number-crlf "invalid number" $RC:28 ui # the same in a UI frame
check chan0 "invalid channel" $RC:82
check chan32 "invalid channel" $RC:82
check chan16 "invalid channel" $RC:82
check chan "invalid channel" $RC:44 bchan=31
check globalcr "global call reference misuse" $ST:81
check missing-bc "mandatory IE missing" $RC:96
check unknown-mt "unknown message type" $RC:81
check flag "call reference" none
check crlen "call reference" none
check pd "protocol discriminator" none
check short "too short/long" none

echo "== well-formed SETUPs still get the normal answer (cause 34)"
m=$(mark)
cmd "bad good cref=$((cref + 1)) bchan=2"
wait_ev "$m" 2 "\"ev\":\"q931_rx\".*\"mt\":$RC,.*\"cref\":$((cref + 1)),\"flag\":1,\"cause\":34," ||
	fail "raw well-formed SETUP: no RELEASE COMPLETE 34"
m=$(mark)
cmd "call called=0800999 calling=4930999 bchan=3"
wait_ev "$m" 3 '"ev":"release".*"cause":34' || fail "SETUP through libpri: no cause 34"
rejects
grep -qE '^ISDN span 0, Q.931 guard: [0-9]+ checked, [1-9][0-9]* passed' "$T/rej" ||
	{ cat "$T/rej"; fail "nothing passed?"; }
sed -n '1p' "$T/rej" | sed 's/^/   /'

echo "== the D-channel stayed up (except with layer 1)"
l1=$(($(l1_downs) - l1_base))
[ "$l1" = 0 ] || echo "   layer 1 went down $l1 time(s) (host load), the D-channel with it"
[ $(($(box_count '(S0:T16) D-channel down') - dc_down_base)) -le "$l1" ] ||
	fail "the D-channel went down"
$con "$T/console" 'show isdn status' >"$T/out"
grep -q 'State = MULTIPLE_FRAME_ESTABLISHED' "$T/out" || { cat "$T/out"; fail "L2 state"; }
est=$(sed -n 's/^ *Link established \([0-9]*\) time.*/\1/p' "$T/out" | head -n 1)
[ "$est" -le $((est_base + l1)) ] || { cat "$T/out"; fail "link set up again ($est_base -> $est)"; }

echo "== nothing of the line in the box's log"
grep -q 'refused, cause 28' "$T/box.log" || fail "the refusals are not logged"
! grep -q $'\r' "$T/box.log" || fail "CR from the line in the box log"
! grep -q 'EVIL' "$T/box.log" || { grep -n EVIL "$T/box.log" | cat -v; fail "line content in the box log"; }
! grep -qF '<sip:' "$T/box.log" || fail "<sip: in the box log"
! grep -qF '49"' "$T/box.log" || fail "quote from a number in the box log"
kill -0 "$box" 2>/dev/null || fail "the box died"
echo "   $(grep -c 'Q.931 .*octets' "$T/box.log") guard log lines, $(($(now_ms) - t_start)) ms in all"
echo "PASS"
