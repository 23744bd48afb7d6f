#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The D-channel end to end: pstn-sim (telco, NETWORK side) <-> the sim box (CPE side).
#  - the D-channel comes up within 2 s of the box's start;
#  - a SETUP gets the box's reaction: RELEASE COMPLETE, cause 34 (no routing yet);
#  - LOS / AIS / LFA towards the box: the box answers with RAI, its D-channel goes down, and
#    comes back by itself once the fault clears; RAI towards the box, CRC-4 errors at a rate
#    and slips leave the D-channel up (CRC-4 errors come back as E-bits);
#  - random LAPD/Q.931 frames and random line blocks do not crash the box;
#  - tshark decodes both captures (pstn-sim's and the box's) without malformed frames.
set -euo pipefail
top=$(cd "$(dirname "$0")/../../.." && pwd)
HLGW_BUILD=${HLGW_BUILD:-$top/build/sim}
con=$top/tools/con
here=$(cd "$(dirname "$0")" && pwd)
T=$(mktemp -d /tmp/hlgw-dchan.XXXXXX)
SOCK=$T/e1.sock
box= psim= EV= n_psim=0

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
	echo "--- pstn-sim events (last 30):"
	tail -n 30 "$EV" 2>/dev/null || true
	echo "--- box log (last 30):"
	tail -n 30 "$T/box.log" 2>/dev/null || true
	exit 1
}

now_ms() { echo $(($(date +%s%N) / 1000000)); }

start_psim() { # extra pstn-sim options
	n_psim=$((n_psim + 1))
	EV=$T/ev$n_psim.json
	rm -f "$T/cmd"
	mkfifo "$T/cmd"
	# T203/T200 short: the telco notices a silent box within ~2.5 s, not 13 s
	"$HLGW_BUILD/pstn-sim" -s "$SOCK" -o "$EV" -T t203=1000 -T t200=500 "$@" \
		<"$T/cmd" 2>>"$T/psim.log" &
	psim=$!
	exec 3>"$T/cmd"
	for _ in $(seq 50); do
		[ -S "$SOCK" ] && grep -q '"ev":"ready"' "$EV" 2>/dev/null && return 0
		sleep 0.05
	done
	fail "pstn-sim did not start"
}
stop_psim() {
	echo quit >&3 || true
	exec 3>&-
	for _ in $(seq 40); do
		kill -0 "$psim" 2>/dev/null || break
		sleep 0.05
	done
	stop_pid "$psim"
	psim=
}
cmd() { echo "$*" >&3; }
mark() { wc -l <"$EV"; }
# wait_ev MARK TIMEOUT_S PATTERN: a JSON line after line MARK matching the ERE PATTERN
wait_ev() {
	local deadline=$(($(now_ms) + ${2%.*} * 1000))
	while [ "$(now_ms)" -lt $deadline ]; do
		tail -n +$(($1 + 1)) "$EV" | grep -qE -- "$3" && return 0
		sleep 0.02
	done
	return 1
}
no_ev() { # MARK PATTERN: none since MARK
	! tail -n +$(($1 + 1)) "$EV" | grep -qE -- "$2"
}
box_log_since() { tail -c +$(($1 + 1)) "$T/box.log"; }
box_log_size() { stat -c %s "$T/box.log"; }
ev() { echo "\"ev\":\"$1\""; }

echo "== start: D-channel up within 2 s of the box's start"
start_psim -p "$T/tel.pcap"
m=$(mark)
t0=$(now_ms)
"$HLGW_BUILD/hlgw" -e "$SOCK" --flash "$T/flash" --pcap-dir "$T" --console "$T/console" \
	2>"$T/box.log" &
box=$!
wait_ev "$m" 2 "$(ev dchan_up)" || fail "no dchan_up within 2 s of the box's start"
echo "   dchan_up after $(($(now_ms) - t0)) ms (box process start to pstn-sim's event)"
for _ in $(seq 50); do [ -L "$T/console" ] && break; sleep 0.1; done
have_con=0
[ -x "$con" ] && [ -L "$T/console" ] && have_con=1
if [ $have_con = 1 ]; then
	$con "$T/console" enable 'debug isdn pcap box.pcap' >"$T/out" ||
		fail "console: debug isdn pcap"
	grep -q 'capture to box.pcap started' "$T/out" || { cat "$T/out"; fail "box pcap start"; }
fi
sleep 0.5 # design.md 7: a SETUP right after link-up can be lost to a repeated SABME

echo "== SETUP: the box refuses with RELEASE COMPLETE, cause 34"
m=$(mark)
cmd "call span=0 called=0800123 calling=4930123456 ton=national npi=e164 pres=allowed bchan=1"
wait_ev "$m" 3 "$(ev release).*\"cause\":34" || fail "no RELEASE COMPLETE cause 34 for the SETUP"
tail -n +$((m + 1)) "$EV" | grep -q "$(ev setup_sent)" || fail "setup_sent not reported"
if [ $have_con = 1 ]; then
	$con "$T/console" 'show isdn status' >"$T/out"
	grep -q 'State = MULTIPLE_FRAME_ESTABLISHED' "$T/out" || { cat "$T/out"; fail "L2 state"; }
	grep -q '1 incoming SETUP(s), 1 refused' "$T/out" || { cat "$T/out"; fail "SETUP count"; }
fi

# fault_red NAME ON OFF: a red/blue alarm towards the box
fault_red() {
	local name=$1 on=$2 off=$3 m lb
	echo "== $name towards the box: RAI back, D-channel down, back up after the fault"
	m=$(mark)
	lb=$(box_log_size)
	cmd "$on"
	wait_ev "$m" 2 "$(ev alarms).*\"RAI\"" || fail "$name: no RAI from the box"
	wait_ev "$m" 6 "$(ev dchan_down)" || fail "$name: pstn-sim did not see the D-channel go down"
	box_log_since "$lb" | grep -q 'D-channel down' || fail "$name: box's D-channel not down"
	m=$(mark)
	cmd "$off"
	wait_ev "$m" 3 "$(ev alarms).*\"alarms\":\[\]" || fail "$name: RAI from the box did not clear"
	t1=$(now_ms)
	wait_ev "$m" 5 "$(ev dchan_up)" || fail "$name: D-channel did not come back"
	echo "   D-channel back $(($(now_ms) - t1)) ms after RAI cleared"
}
fault_red LOS "fault los on" "fault los off"
fault_red AIS "fault ais on" "fault ais off"
fault_red LFA "fault lfa on" "fault lfa off"

# fault_mild NAME SECONDS COMMANDS...: the D-channel must stay up through it
fault_mild() {
	local name=$1 secs=$2 m
	shift 2
	echo "== $name: the D-channel stays up"
	m=$(mark)
	for c in "$@"; do cmd "$c"; done
	sleep "$secs"
	no_ev "$m" "$(ev dchan_down)" || fail "$name: D-channel went down"
	no_ev "$m" "$(ev alarms).*\"(LOS|AIS|LFA)\"" || fail "$name: the box's signal degraded"
}
lb=$(box_log_size)
mr=$(mark)
fault_mild "RAI towards the box" 2 "fault rai on"
no_ev "$mr" "$(ev alarms).*\"RAI\"" || fail "the box answered a yellow alarm with RAI"
cmd "fault rai off"
box_log_since "$lb" | grep -q 'RAI' || fail "the box did not log the remote alarm"

fault_mild "CRC-4 errors, 1 in 100 sub-multiframes" 3 "fault crc4 rate=100"
m=$(mark)
cmd "fault crc4 off"
cmd "status"
wait_ev "$m" 2 "$(ev status)" || fail "no status"
ebit=$(tail -n +$((m + 1)) "$EV" | grep "$(ev status)" | tail -n 1 | sed -E 's/.*"ebit":([0-9]+).*/\1/')
[ "$ebit" -ge 10 ] || fail "CRC-4: the box sent back only $ebit E-bits for ~30 errors"
echo "   E-bits from the box: $ebit"

fault_mild "slips" 3 "fault slip dir=-1" "wait 500" "fault slip dir=1" "wait 500" "fault slip"
if [ $have_con = 1 ]; then
	$con "$T/console" 'show controllers e1 0' >"$T/out"
	grep -qE ' [1-9][0-9]* slips' "$T/out" || { cat "$T/out"; fail "box counted no slips"; }
	$con "$T/console" 'no debug isdn pcap' >/dev/null
fi

echo "== random LAPD/Q.931 frames towards the box"
cmd "pcap stop" # the capture must stay clean for tshark
m=$(mark)
for i in $(seq 40); do
	cmd "fuzz frames=12 seed=$i"
	cmd "wait 60"
done
cmd "echo fuzz-done"
wait_ev "$m" 20 "$(ev echo).*fuzz-done" || fail "fuzz did not finish"
kill -0 "$box" 2>/dev/null || fail "the box died under random frames"
# Random S/U frames can leave either libpri re-establishing the link (T200 x N200, then
# SABME): the proof that the D-channel is back is a SETUP answered end to end. Up to 15 s.
sleep 1
ok=0
for try in 1 2 3 4 5; do
	m=$(mark)
	cmd "call called=0800999 calling=4930999 bchan=2"
	if wait_ev "$m" 3 "$(ev release).*\"cause\":34"; then ok=1; break; fi
done
[ $ok = 1 ] || fail "D-channel not back after the random frames: SETUPs unanswered for 15 s"
echo "   the box answered a SETUP again (attempt $try)"

echo "== random blocks on the line (line-noise.py), then the telco again"
stop_psim
python3 "$here/line-noise.py" "$SOCK" 3 7 >"$T/noise.log" 2>&1 || {
	cat "$T/noise.log"; fail "line-noise"; }
kill -0 "$box" 2>/dev/null || fail "the box died on random line blocks"
start_psim
m=0
wait_ev "$m" 5 "$(ev dchan_up)" || fail "no D-channel after the line noise"
kill -0 "$box" 2>/dev/null || fail "box died"
stop_psim

echo "== captures decode cleanly"
if command -v tshark >/dev/null; then
	for p in "$T/tel.pcap" ${have_con:+"$T/box.pcap"}; do
		[ -s "$p" ] || { [ "$p" = "$T/box.pcap" ] && [ $have_con = 0 ] && continue; fail "no $p"; }
		bad=$(tshark -r "$p" -Y '_ws.malformed || _ws.expert.severity == error' 2>/dev/null | wc -l)
		[ "$bad" = 0 ] || { tshark -r "$p" -Y '_ws.malformed || _ws.expert.severity == error' | head; fail "$(basename "$p"): $bad malformed/error frames"; }
		tshark -r "$p" -Y 'q931.message_type == 0x05' 2>/dev/null | grep -q SETUP ||
			fail "$(basename "$p"): no Q.931 SETUP decoded"
		tshark -r "$p" -Y 'q931.message_type == 0x5a' 2>/dev/null | grep -qi 'RELEASE COMPLETE' ||
			fail "$(basename "$p"): no RELEASE COMPLETE decoded"
		echo "   $(basename "$p"): $(tshark -r "$p" 2>/dev/null | wc -l) frames, none malformed"
	done
else
	echo "   tshark missing: skipped"
fi
echo "PASS"
