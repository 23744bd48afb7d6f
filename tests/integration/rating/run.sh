#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The caller's rating after the call (issue 4 point 4). `caller-rating with-solved` and
# `prompt rating FILE` (a 1 s 600 Hz WAV standing in for the spoken question; "solved" and
# "thanks" are left to their beeps). A sipp advisor answers and hangs up after 1.5 s: the box
# keeps the caller (no DISCONNECT), who hears the rating prompt (600 Hz at its level), keys 4
# (in-band DTMF), hears the two beeps of the second question, keys 1, hears the thanks beep and
# is released with cause 16. `show cdr` has rating 4, solved yes, the talk time up to the
# advisor's hangup and "advisor" as the side that ended it; `show prompts` names the file.
# Needs root (ip netns, tap) and sipp (Debian package sip-tester).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../../.." && pwd)
tone=$top/tools/tone
. "$top/tests/integration/scenario.sh"
it_setup rating
command -v sipp >/dev/null || fail "sipp missing (Debian package sip-tester)"

ip netns add "$ns"
ip -n "$ns" link set lo up
"$tone" gen "$T/rate.wav" 600 -10 1
cat >"$T/factory.cfg" <<EOF
interface ethernet 0
 ip address $box_ip 255.255.255.0
caller-rating with-solved
prompt rating $T/rate.wav
hotline 0800123
 advisor sip:anna@$adv_ip:5071
EOF
start_psim
start_box
ip -n "$ns" addr add "$adv_ip/24" dev "$tap"
ip -n "$ns" link set "$tap" up
wait_ev 0 5 '"ev":"dchan_up"' || fail "no D-channel"
for _ in $(seq 50); do [ -L "$T/console" ] && break; sleep 0.1; done
console 'show prompts'
grep -q '^Caller rating: with-solved' "$T/out" &&
	grep -qE "^  rating  $T/rate.wav, 1\.0 s" "$T/out" &&
	grep -q '^  solved  none: 2 beeps' "$T/out" || fail "show prompts: $(cat "$T/out")"
sleep 0.5 # design.md 7: not right after link-up

# ---- the call: the advisor hangs up after 1.5 s ------------------------------------------------
sipp_bg bye 5071 "$top/tests/integration/call/adv_bye.xml"
sleep 0.3
psim_call 0800123 30123456 1 ton=national
wait_ev "$m" 5 "\"ev\":\"connect\".*\"call\":$call[,}]" || fail "no CONNECT"
cmd "record call=$call $T/caller.wav"
sipp_wait bye "$sipp_pid" 5
t_bye=$(now_ms)
sleep 1.2
wait_ev "$m" 0 "\"ev\":\"(disconnect|release)\".*\"call\":$call," &&
	fail "the caller was released with the advisor"
m2=$(mark)
cmd "dtmf call=$call 4"
sleep 0.9
cmd "dtmf call=$call 1"
wait_ev "$m2" 12 "\"ev\":\"disconnect\".*\"call\":$call,\"cause\":16," ||
	fail "not released with cause 16 after the answers"
t_rel=$(now_ms)
cmd "hangup call=$call"
wait_ev "$m2" 5 "\"ev\":\"release\".*\"call\":$call," || true
sleep 0.2
# the prompt started when the BYE came: 0.2-0.9 s after it in the recording's time
w=$("$tone" measure "$T/caller.wav" --onset --len 600)
log "rating prompt at the caller: $w"
within "$(field freq "$w")" 600 3 || fail "the rating prompt is not 600 Hz: $w"
within "$(field level "$w")" -10 1 || fail "the rating prompt is not at -10 dBm0: $w"
log "released $((t_rel - t_bye)) ms after the advisor's BYE, after the caller's 4 and 1"

console 'show cdr 1'
grep -qE '^ +1 .* S0/1  30123456 +0800123 +sip:anna@198\.18\.0\.1:5071 +[0-9.]+ s +0:0[12] +16 advisor +4 +yes' \
	"$T/out" || fail "show cdr: $(cat "$T/out")"
log "CDR: rating 4, solved yes, the advisor ended the talk"
echo "PASS"
