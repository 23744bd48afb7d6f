#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# CDRs (issue 4 point 5) kept across restarts. pstn-sim places two calls: one a sipp advisor
# answers after 1 s and the caller ends after ~2 s of talk, one whose only advisor is busy
# (486). `show cdr` lists both with their fields (caller as E.164, hotline, advisor, answered or
# not, talk time, cause, who ended it). The box is killed (kill -9) and started again on the
# same flash: both CDRs are there, pending; `cdr ack 1` acknowledges the first; after another
# kill and start only the second is pending (the acknowledgement itself took id 3).
# Needs root (ip netns, tap) and sipp (Debian package sip-tester).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../../.." && pwd)
. "$top/tests/integration/scenario.sh"
it_setup cdr
command -v sipp >/dev/null || fail "sipp missing (Debian package sip-tester)"

# the box alone on its flash (no line: its CDRs only), console up
restart_box() {
	kill -KILL "$box" 2>/dev/null || true
	wait "$box" 2>/dev/null || true
	start_box
	for _ in $(seq 50); do
		[ -L "$T/console" ] && $con "$T/console" 'show cdr' >/dev/null 2>&1 && break
		sleep 0.1
	done
}

# ---- set-up ----------------------------------------------------------------------------------
ip netns add "$ns"
ip -n "$ns" link set lo up
cat >"$T/factory.cfg" <<EOF
interface ethernet 0
 ip address $box_ip 255.255.255.0
calling-prefix national +49
hotline 0800123
 advisor sip:anna@$adv_ip:5071
hotline 0800555
 advisor sip:bob@$adv_ip:5072
EOF
start_psim
start_box
ip -n "$ns" addr add "$adv_ip/24" dev "$tap"
ip -n "$ns" link set "$tap" up
wait_ev 0 5 '"ev":"dchan_up"' || fail "no D-channel"
for _ in $(seq 50); do [ -L "$T/console" ] && break; sleep 0.1; done
console 'show cdr'
grep -q '^CDR store: 2048 slots, 0 pending, acknowledged up to 0, newest 0, 100 % free' "$T/out" ||
	fail "empty store: $(cat "$T/out")"
sleep 0.5 # design.md 7: not right after link-up

# ---- two calls --------------------------------------------------------------------------------
sipp_bg answer 5071 "$top/tests/integration/tones/adv_ring.xml" -d 1000
a=$sipp_pid
sipp_bg busy 5072 "$top/tests/integration/call/adv_busy.xml"
b=$sipp_pid
sleep 0.3
psim_call 0800123 30123456 1 ton=national
wait_ev "$m" 5 "\"ev\":\"connect\".*\"call\":$call[,}]" || fail "call 1: no CONNECT"
sleep 2
cmd "hangup call=$call"
wait_ev "$m" 5 "\"ev\":\"release\".*\"call\":$call," || fail "call 1: not released"
sipp_wait answer "$a"
psim_call 0800555 30999888 2 ton=national
wait_ev "$m" 5 "\"ev\":\"(disconnect|release)\".*\"call\":$call,\"cause\":17," ||
	fail "call 2: not cleared with cause 17"
sipp_wait busy "$b"
sleep 0.3

check_two() { # WHAT
	grep -qE '^ +1 20[0-9-]{8} [0-9:]{8} S0/1  \+4930123456 +0800123 +sip:anna@198\.18\.0\.1:5071 +[0-9]\.[0-9] s +0:0[1-3] +16 caller' \
		"$T/out" || fail "$1: CDR 1: $(cat "$T/out")"
	grep -qE '^ +2 20[0-9-]{8} [0-9:]{8} S0/2  \+4930999888 +0800555 +sip:bob@198\.18\.0\.1:5072 +no +0:00 +17 box' \
		"$T/out" || fail "$1: CDR 2: $(cat "$T/out")"
}
console 'show cdr'
check_two "after the calls"
grep -q ', 2 pending, acknowledged up to 0, newest 2,' "$T/out" || fail "status: $(head -n 2 "$T/out")"
sed -n '1,6p' "$T/out" | sed 's/^/   /'
log "two calls: CDR 1 answered, talk, caller ended, cause 16; CDR 2 busy, box ended, cause 17"

# ---- restarts ---------------------------------------------------------------------------------
stop_pid "$psim"
psim=
restart_box
console 'show cdr'
check_two "after kill -9"
grep -q ', 2 pending, acknowledged up to 0, newest 2,' "$T/out" || fail "status: $(head -n 2 "$T/out")"
console enable 'cdr ack 9'
grep -q '% No CDR 9 yet' "$T/out" || fail "cdr ack 9: $(cat "$T/out")"
console enable 'cdr ack 1'
restart_box
console 'show cdr pending'
grep -q ', 1 pending, acknowledged up to 1, newest 3,' "$T/out" ||
	fail "after the acknowledgement: $(head -n 2 "$T/out")"
grep -qE '^ +1 ' "$T/out" && fail "CDR 1 still pending: $(cat "$T/out")"
grep -qE '^ +2 .*0800555' "$T/out" || fail "CDR 2 not pending: $(cat "$T/out")"
log "after kill -9 and start: both CDRs, pending; 'cdr ack 1', kill -9 and start: only CDR 2 pending"
echo "PASS"
