#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Call control end to end (issue 3 points 2 and 3): pstn-sim calls the box (CPE) over the E1
# line; the box calls advisors, which are sipp instances on 198.18.0.1 in a private network
# namespace (the box on a tap). Scenarios:
#   answer     INVITE shows caller (From display/user, P-Asserted-Identity, E.164 from a
#              national number + calling-prefix) and hotline (From display, X-Hotline), SDP
#              offers the box's RTP port; 180 -> ALERTING, 200 -> CONNECT; `show calls` lists
#              it; caller hangs up -> BYE with Reason: Q.850;cause=16
#   advbye     the advisor hangs up -> DISCONNECT cause 16
#   cancel     restricted caller (Privacy: id, anonymous From, no PAI) hangs up while ringing
#              -> CANCEL with Reason cause 16, 487
#   busy       first advisor 486 -> the second answers
#   noanswer   the only advisor rings past ring-timeout -> CANCEL (Reason 19), DISCONNECT 19
#   nobody     the advisor does not respond at all -> ring timeout -> DISCONNECT 18
#   decline    603 with Reason: Q.850;cause=21 -> DISCONNECT 21 (the header wins)
#   unknown    a number that is no hotline -> RELEASE COMPLETE cause 1
# At the end: no call, no SIP call object, no transaction left.
# Needs root (ip netns, tap). Addresses 198.18.0.0/24 inside the namespace only.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../../.." && pwd)
. "$top/tests/integration/scenario.sh"
it_setup call
command -v sipp >/dev/null || fail "sipp missing (Debian package sip-tester)"
place() { psim_call "$@"; } # CALLED CALLING BCHAN [more pstn-sim args]: sets call and m
ev_call() { echo "\"ev\":\"$1\".*\"call\":$call[,}]"; }

# ---- set-up ----------------------------------------------------------------------------------
ip netns add "$ns"
ip -n "$ns" link set lo up
cat >"$T/factory.cfg" <<EOF
interface ethernet 0
 ip address $box_ip 255.255.255.0
calling-prefix national +49
calling-prefix private +4930999
hotline 0800123
 advisor sip:adv1@$adv_ip:5071
 advisor sip:adv2@$adv_ip:5072
hotline 0800555
 ring-timeout 5
 advisor sip:adv3@$adv_ip:5073
hotline 0800777
 advisor sip:adv4@$adv_ip:5074
EOF
start_psim
start_box
ip -n "$ns" addr add "$adv_ip/24" dev "$tap"
ip -n "$ns" link set "$tap" up
wait_ev 0 5 '"ev":"dchan_up"' || fail "no D-channel"
for _ in $(seq 50); do [ -L "$T/console" ] && break; sleep 0.1; done
[ -L "$T/console" ] || fail "no console"
grep -q 'listening on UDP port 5060' "$T/box.log" || fail "SIP not listening"
console enable 'show hotlines'
grep -q 'Hotline 0800123: ring-timeout 30 s, 2 advisors' "$T/out" || fail "hotlines: $(cat "$T/out")"
sleep 0.5 # design.md 7: not right after link-up

# ---- answer, show calls, caller hangs up ----------------------------------------------------------
# sipp echoes the box's RTP back (-rtp_echo on the port its SDP answer names): both ways
sipp_bg answer 5071 adv_answer.xml -mi "$adv_ip" -mp 6000 -rtp_echo
a_pid=$sipp_pid
sleep 0.3
t0=$(now_ms)
place 0800123 30123456 1 ton=national
wait_ev "$m" 5 "$(ev_call proceeding)" || fail "answer: no CALL PROCEEDING"
wait_ev "$m" 5 "$(ev_call alerting)" || fail "answer: no ALERTING"
t_alert=$(($(now_ms) - t0))
wait_ev "$m" 5 "$(ev_call connect)" || fail "answer: no CONNECT"
t_conn=$(($(now_ms) - t0))
sleep 1
console 'show calls'
grep -qE '^ +[0-9]+ S0/1 +\+4930123456 +0800123 +sip:adv1@198\.18\.0\.1:5071 +ACTIVE +0:0[0-9] +PCMA' \
	"$T/out" || fail "answer: show calls: $(cat "$T/out")"
rtp=$(cat "$T"/*_logs.log 2>/dev/null | grep -o "INVITE rtp_port=[0-9]*" | head -n 1 | sed "s/.*=//") || true
grep -q "hotline 0800123, RTP port $rtp\$" "$T/box.log" || fail "answer: SDP port '$rtp' is not the media channel's"
pk=$(sed -n 's/.* PCMA \+\([0-9]*\)\/\([0-9]*\) .*/\1 \2/p' "$T/out" | head -n 1)
read -r tx_pk rx_pk <<<"$pk"
sed -n "1,2p" "$T/out" | sed "s/^/   /"
[ "${tx_pk:-0}" -gt 0 ] || fail "answer: no RTP sent to the advisor ($pk)"
[ "${rx_pk:-0}" -gt 0 ] || fail "answer: no RTP back from the advisor ($pk)"
sleep 1
console 'show calls'
pk2=$(sed -n 's/.* PCMA \+\([0-9]*\)\/\([0-9]*\) .*/\1 \2/p' "$T/out" | head -n 1)
read -r tx2 rx2 <<<"$pk2"
[ "$tx2" -ge $((tx_pk + 40)) ] && [ "$rx2" -ge $((rx_pk + 40)) ] ||
	fail "answer: RTP counters do not grow by 50/s: $pk -> $pk2"
m2=$(mark)
cmd "hangup call=$call"
sipp_wait answer "$a_pid" 10
wait_ev "$m2" 5 "\"ev\":\"release\".*\"call\":$call," || fail "answer: the caller's side not released"
log "answer: From/PAI/X-Hotline/SDP port checked by sipp; ALERTING after ${t_alert} ms, CONNECT after ${t_conn} ms; RTP both ways ($pk2 packets after ~2 s, sipp echoing); caller hangup -> BYE with Reason 16"

# ---- the advisor hangs up -----------------------------------------------------------------------
sipp_bg advbye 5071 adv_bye.xml -d 1500
b_pid=$sipp_pid
sleep 0.3
# the caller is a PBX extension (private numbering plan): the private prefix makes it E.164
place 0800123 4711 2 ton=subscriber npi=private
wait_ev "$m" 5 "$(ev_call connect)" || fail "advbye: no CONNECT"
console 'show calls'
grep -qE '^ +[0-9]+ S0/2 +\+49309994711 +0800123 ' "$T/out" ||
	fail "advbye: private-plan caller not +49309994711: $(cat "$T/out")"
wait_ev "$m" 8 "\"ev\":\"disconnect\".*\"call\":$call,\"cause\":16," || fail "advbye: no DISCONNECT 16"
sipp_wait advbye "$b_pid" 5
log "advbye: private-plan caller 4711 -> +49309994711; advisor BYE -> DISCONNECT cause 16"

# ---- restricted caller hangs up while ringing ----------------------------------------------------
sipp_bg cancel 5071 adv_cancel.xml
c_pid=$sipp_pid
sleep 0.3
place 0800123 30123456 3 ton=national pres=restricted
wait_ev "$m" 5 "$(ev_call alerting)" || fail "cancel: no ALERTING"
cmd "hangup call=$call"
sipp_wait cancel "$c_pid" 10
log "cancel: Privacy: id, anonymous From, no PAI; hangup while ringing -> CANCEL (Reason 16), 487"

# ---- busy -> next advisor -------------------------------------------------------------------------
sipp_bg busy 5071 adv_busy.xml
d1_pid=$sipp_pid
sipp_bg answer2 5072 adv_answer.xml
d2_pid=$sipp_pid
sleep 0.3
place 0800123 30123456 4 ton=national
wait_ev "$m" 8 "$(ev_call connect)" || fail "busy: no CONNECT from the second advisor"
sipp_wait busy "$d1_pid" 5
console 'show calls'
grep -qE 'S0/4 .*sip:adv2@198\.18\.0\.1:5072 +ACTIVE' "$T/out" || fail "busy: show calls: $(cat "$T/out")"
console "show call $(sed -n 's/^ *\([0-9]*\) S0\/4 .*/\1/p' "$T/out")"
grep -q 'Advisor sip:adv2@198.18.0.1:5072 (try 2)' "$T/out" || fail "busy: show call: $(cat "$T/out")"
cmd "hangup call=$call"
sipp_wait answer2 "$d2_pid" 10
log "busy: 486 from the first advisor -> the second answered (try 2)"

# ---- nobody answers within ring-timeout --------------------------------------------------------------
sipp_bg noanswer 5073 adv_noanswer.xml
e_pid=$sipp_pid
sleep 0.3
place 0800555 30123456 5 ton=national
wait_ev "$m" 5 "$(ev_call alerting)" || fail "noanswer: no ALERTING"
t0=$(now_ms)
wait_ev "$m" 10 "\"ev\":\"disconnect\".*\"call\":$call,\"cause\":19," || fail "noanswer: no DISCONNECT 19"
t_ring=$(($(now_ms) - t0))
[ $t_ring -ge 4000 ] && [ $t_ring -le 7000 ] || fail "noanswer: ring timeout after $t_ring ms (5 s)"
sipp_wait noanswer "$e_pid" 5
log "noanswer: ring-timeout 5 s -> CANCEL (Reason 19) after $t_ring ms, DISCONNECT 19"

# ---- nobody responds at all -------------------------------------------------------------------------
place 0800555 30123456 6 ton=national
wait_ev "$m" 10 "\"ev\":\"disconnect\".*\"call\":$call,\"cause\":18," || fail "nobody: no DISCONNECT 18"
log "nobody: no response within ring-timeout -> DISCONNECT 18"

# ---- decline with a Reason header ----------------------------------------------------------------
sipp_bg decline 5074 adv_decline.xml
f_pid=$sipp_pid
sleep 0.3
place 0800777 30123456 7 ton=national
wait_ev "$m" 5 "\"ev\":\"disconnect\".*\"call\":$call,\"cause\":21," || fail "decline: no DISCONNECT 21"
sipp_wait decline "$f_pid" 5
log "decline: 603 with Reason: Q.850;cause=21 -> DISCONNECT 21"

# ---- unknown hotline -----------------------------------------------------------------------------
place 0800000 30123456 8
wait_ev "$m" 3 "\"ev\":\"release\".*\"call\":$call,\"cause\":1," || fail "unknown: no RELEASE COMPLETE 1"
log "unknown: RELEASE COMPLETE cause 1"

# ---- nothing left behind ---------------------------------------------------------------------------
sleep 1
console 'show calls'
grep -q '^0 calls; since start: 8 SETUPs, 1 refused, 3 answered' "$T/out" || fail "calls left: $(cat "$T/out")"
# SIP call objects live until their transactions end (RFC 3261 timers D/K, B: up to 32 s)
t0=$(now_ms)
for _ in $(seq 40); do
	console 'show sip'
	grep -q ' 0 calls, 0 transactions' "$T/out" && break
	sleep 1
done
grep -q ' 0 calls, 0 transactions' "$T/out" || fail "SIP legs left: $(cat "$T/out")"
kill -0 "$box" 2>/dev/null || fail "the box died"
log "no call left; SIP calls and transactions all gone $(($(now_ms) - t0)) ms later"
echo "PASS"
