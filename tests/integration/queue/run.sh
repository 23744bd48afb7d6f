#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The queue and opening hours (issue 4 point 3), with a routing table (--route-table) and one
# sipp advisor (max=1) who answers each call and hangs up after 4 s:
#   queue   call 1 gets the advisor; call 2 finds nobody free: ALERTING with in-band information,
#           `show queue` lists it at position 1, and the caller hears the hotline's queue
#           announcement (`prompt wait`: 700 Hz, 0.4 s), its position (one 1400 Hz beep), then
#           the country's ringback (425 Hz); when call 1 ends, call 2 gets the advisor and is
#           answered; its CDR has the seconds it waited
#   overflow a hotline nobody serves, maxwait=2, overflow=0800200: after 2 s the call goes to
#           0800200's advisor, who answers; its CDR names the hotline dialled and 2 s queued
#   closed  a hotline with hours=closed: PROGRESS with in-band information, the special
#           information tone (950 Hz first), DISCONNECT cause 16; no INVITE
# Needs root (ip netns, tap) and sipp (Debian package sip-tester).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../../.." && pwd)
tone=$top/tools/tone
. "$top/tests/integration/scenario.sh"
it_setup queue
command -v sipp >/dev/null || fail "sipp missing (Debian package sip-tester)"

ip netns add "$ns"
ip -n "$ns" link set lo up
"$tone" gen "$T/wait.wav" 700 -10 0.4
cat >"$T/factory.cfg" <<EOF
interface ethernet 0
 ip address $box_ip 255.255.255.0
prompt wait $T/wait.wav
EOF
cat >"$T/table.txt" <<EOF
hotline 0800200 ring=10 queue=alerting maxwait=60 position=yes queue-ann=wait
hotline 0800400 hours=closed
hotline 0800500 ring=10 queue=alerting maxwait=2 overflow=0800200
advisor 1 uri=sip:anna@$adv_ip:5071 serves=0800200:1,0800400:1 max=1
EOF
start_psim
start_box --route-table "$T/table.txt"
ip -n "$ns" addr add "$adv_ip/24" dev "$tap"
ip -n "$ns" link set "$tap" up
wait_ev 0 5 '"ev":"dchan_up"' || fail "no D-channel"
for _ in $(seq 50); do [ -L "$T/console" ] && break; sleep 0.1; done
for _ in $(seq 50); do
	console 'show route table'
	grep -q 'Active table: generation [0-9]*, 3 hotlines' "$T/out" && break
	sleep 0.1
done
sleep 0.5 # design.md 7: not right after link-up

# ---- queue ------------------------------------------------------------------------------------
# the advisor: three calls, each answered and ended by the advisor 4 s later
sipp_bg anna 5071 "$top/tests/integration/call/adv_bye.xml" -m 3 -d 4000
a=$sipp_pid
sleep 0.3
psim_call 0800200 301 1
c1=$call
wait_ev "$m" 5 "\"ev\":\"connect\".*\"call\":$c1[,}]" || fail "call 1: no CONNECT"
t1=$(now_ms)
psim_call 0800200 302 2
c2=$call
wait_ev "$m" 5 "\"ev\":\"alerting\",\"call\":$c2,\"inband\":true" ||
	fail "call 2: no ALERTING with in-band information"
cmd "record call=$c2 $T/queued.wav"
sleep 0.3
console 'show queue'
grep -qE '^ +[0-9]+ S0/2  302 +0800200 +1 +[0-9]+s alerting' "$T/out" ||
	fail "show queue: $(cat "$T/out")"
log "call 2 queued: $(sed -n 2p "$T/out" | tr -s ' ')"
wait_ev "$m" 12 "\"ev\":\"connect\".*\"call\":$c2[,}]" || fail "call 2 never got the advisor"
t2=$(now_ms)
cmd "record call=$c2 stop"
# the recording starts with the queue's sounds: the announcement (0.4 s), the beep (150 ms), a
# pause, ringback from ~1.3 s
ann=$("$tone" measure "$T/queued.wav" --skip 50 --len 300)
beep=$("$tone" measure "$T/queued.wav" --skip 420 --len 100)
ring=$("$tone" measure "$T/queued.wav" --skip 1400 --len 600)
log "queued caller heard: announcement $ann; position beep $beep; then $ring"
within "$(field freq "$ann")" 700 5 || fail "no queue announcement: $ann"
within "$(field freq "$beep")" 1400 5 || fail "no position beep: $beep"
within "$(field freq "$ring")" 425 5 || fail "no ringback while waiting: $ring"
log "call 2 answered $((t2 - t1)) ms after call 1 (the advisor's first call ended after 4 s)"
wait_ev "$m" 10 "\"ev\":\"disconnect\".*\"call\":$c2," || fail "call 2 not cleared by the advisor"
console 'show cdr 2'
grep -qE '^ +2 .* S0/2  302 +0800200 .* +[34]s$' "$T/out" ||
	fail "CDR of call 2 (waited 4 s): $(cat "$T/out")"
log "CDR of call 2: $(tail -n 1 "$T/out" | tr -s ' ')"
console 'show queue'
grep -q '^0 calls waiting' "$T/out" || fail "queue not empty: $(cat "$T/out")"

# ---- overflow -------------------------------------------------------------------------------
psim_call 0800500 304 4
c4=$call
wait_ev "$m" 5 "\"ev\":\"alerting\",\"call\":$c4,\"inband\":true" || fail "overflow: not queued"
t4=$(now_ms)
wait_ev "$m" 8 "\"ev\":\"connect\".*\"call\":$c4[,}]" || fail "overflow: never answered"
log "overflow: 0800500 (nobody serves it) answered by 0800200's advisor $(($(now_ms) - t4)) ms after ALERTING"
sipp_wait anna "$a" 10
wait_ev "$m" 5 "\"ev\":\"disconnect\".*\"call\":$c4," || fail "overflow: not cleared"
console 'show cdr 1'
grep -qE '^ +[0-9]+ .* S0/4  304 +0800500 +sip:anna@198\.18\.0\.1:5071 .* +[23]s$' "$T/out" ||
	fail "overflow CDR: $(cat "$T/out")"

# ---- closed -----------------------------------------------------------------------------------
psim_call 0800400 303 3
c3=$call
wait_ev "$m" 5 "\"ev\":\"progress\",\"call\":$c3," || fail "closed: no PROGRESS"
cmd "record call=$c3 $T/closed.wav"
wait_ev "$m" 6 "\"ev\":\"disconnect\".*\"call\":$c3,\"cause\":16," || fail "closed: no DISCONNECT 16"
cmd "record call=$c3 stop"
sit=$("$tone" measure "$T/closed.wav" --onset --len 250)
log "closed hotline: $sit"
within "$(field freq "$sit")" 950 5 || fail "closed: no special information tone: $sit"
grep -q "INVITE.*0800400" "$T"/*.out 2>/dev/null && fail "closed: an advisor was called"
echo "PASS"
