#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Routing tables end to end (issue 4 points 1, 2, 6): the box starts with a table file
# (--route-table), pstn-sim calls, sipp advisors on 198.18.0.1 in a private namespace answer,
# are busy (486) or let it ring:
#   order      eight calls to 0800100 (ratings 1, 3, 2, 4; one advisor always busy, one never
#              answers): the advisors tried, in `show route decisions` and at the sipp advisors,
#              are exactly what the README's rule gives (a model of the rule in this script);
#              the one who rang out twice is auto-paused (missed=2)
#   bad table  a table with a bad row is rejected naming line, field and reason; the next call
#              is routed on the old table
#   swap       a new table (advisors removed, re-rated, added, a new hotline) while 10 calls to
#              0800200 are up: they stay ACTIVE with media flowing, their ends reach advisors
#              kept in the table (calls 0 again); a call to the new hotline uses the new table
#   100k       a 100,000-advisor table loaded while those calls go on: accepted and saved,
#              its load figures (ms, slices, longest slice) logged; calls ACTIVE with RTP going
#              out, E1 error/slip counters unchanged, no alarm at pstn-sim
#   restart    the box restarted without --route-table routes on the table saved in flash
#   probe      an advisor that does not respond is probed with OPTIONS and skipped (the next
#              call goes straight to the other), until a sipp there answers the probe
#   paste      a table typed into the console's route-table node and committed routes calls
# Needs root (ip netns, tap). Addresses 198.18.0.0/24 inside the namespace only.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../../.." && pwd)
. "$top/tests/integration/scenario.sh"
it_setup route
command -v sipp >/dev/null || fail "sipp missing (Debian package sip-tester)"

# place CALLED BCHAN: sets $call (pstn-sim's id) and $m
place() { psim_call "$1" "301234$2" "$2"; }
ev_call() { echo "\"ev\":\"$1\".*\"call\":$2[,}]"; }
hangup() { # CALL
	local m2
	m2=$(mark)
	cmd "hangup call=$1"
	wait_ev "$m2" 5 "\"ev\":\"release\".*\"call\":$1," || fail "call $1 not released"
}
# the advisor ids chosen since decision line N of `show route decisions` (for hotline H)
chosen() { # H
	console 'show route decisions'
	grep "hotline $1 .*chosen:" "$T/out" | sed 's/.* advisor \([0-9]*\) .*/\1/' | tr '\n' ' '
}
tx_sum() { # RTP packets sent on the calls of the last `show calls`
	grep ' ACTIVE ' "$T/out" | sed -n 's/.* PCMA \+\([0-9]*\)\/.*/\1/p' | awk '{s += $1} END {print s + 0}'
}
load_table() { # FILE: load it, wait for the outcome; `show route table` in $T/out
	local f
	f=$(basename "$1")
	console "route table load $1"
	for _ in $(seq 100); do
		sleep 0.1
		console 'show route table'
		grep -q "Last load from file .*$f: [arf]" "$T/out" && return 0
	done
	fail "table $f: no outcome: $(cat "$T/out")"
}
invites() { # the Request-URI users the sipp advisors got, in order of time
	cat "$T"/*_logs.log 2>/dev/null | grep -o 'INVITE sip:[a-z0-9]*' | sed 's/INVITE sip://' |
		sort | uniq -c | awk '{printf "%s=%s ", $2, $1}'
}

# ---- tables ---------------------------------------------------------------------------------
cat >"$T/t1.txt" <<EOF
# issue 4 integration test: first table
hotline 0800100 name=Tax ring=5 missed=2 wrapup=0
hotline 0800200 name=Law ring=5 wrapup=0
advisor 1 name=Ann uri=sip:ann@$adv_ip:5071 serves=0800100:1 rating=1.00
advisor 2 name=Bob uri=sip:bob@$adv_ip:5071 serves=0800100:1 rating=3.00
advisor 3 name=Cy uri=sip:cy@$adv_ip:5073 serves=0800100:1 rating=2.00
advisor 4 name=Dee uri=sip:dee@$adv_ip:5074 serves=0800100:1 rating=4.00
EOF
for i in $(seq 11 20); do
	echo "advisor $i name=bulk$i uri=sip:bulk$i@$adv_ip:5075 serves=0800200:1" >>"$T/t1.txt"
done
sed 's/^advisor 3 \(.*\) rating=2.00/advisor 3 \1 rating=2.5O/' "$T/t1.txt" >"$T/bad.txt"
{
	echo "hotline 0800100 name=Tax ring=5 missed=2 wrapup=0"
	echo "hotline 0800200 name=Law ring=5 wrapup=0"
	echo "hotline 0800300 name=Health ring=5"
	for i in $(seq 16 20); do
		echo "advisor $i name=bulk$i uri=sip:bulk$i@$adv_ip:5075 serves=0800200:1 rating=4"
	done
	for i in $(seq 21 25); do
		echo "advisor $i name=new$i uri=sip:new$i@$adv_ip:5075 serves=0800200:1,0800300:2"
	done
} >"$T/t2.txt"

# The README's rule for calls to 0800100, one after the other: 1 and 2 answer (the caller
# hangs up right after CONNECT), 3 is busy, 4 never answers; missed=2 pauses.
expected_order() { # CALLS
	python3 - "$1" <<'EOF'
import sys
rating = {1: 100, 2: 300, 3: 200, 4: 400}
beh = {1: "answer", 2: "answer", 3: "busy", 4: "noanswer"}
p = {a: 0 for a in rating}; idle = {a: 0 for a in rating}
missed = {a: 0 for a in rating}; paused = set(); vt = 0; clock = 1; order = []
for call in range(int(sys.argv[1])):
    tried = []
    while True:
        c = [a for a in rating if a not in paused and a not in tried]
        if not c:
            break
        a = min(c, key=lambda a: (p[a], idle[a], a))
        vt = p[a]; p[a] += (1 << 32) // rating[a]; order.append(a); tried.append(a)
        if beh[a] == "answer":
            missed[a] = 0; idle[a] = clock; clock += 1
            break
        if beh[a] == "noanswer":
            missed[a] += 1
            if missed[a] >= 2:
                paused.add(a)
print(" ".join(map(str, order)))
EOF
}

# ---- set-up ----------------------------------------------------------------------------------
ip netns add "$ns"
ip -n "$ns" link set lo up
cat >"$T/factory.cfg" <<EOF
interface ethernet 0
 ip address $box_ip 255.255.255.0
sip
 options-interval 5
EOF
start_psim
start_box --route-table "$T/t1.txt"
ip -n "$ns" addr add "$adv_ip/24" dev "$tap"
ip -n "$ns" link set "$tap" up
wait_ev 0 5 '"ev":"dchan_up"' || fail "no D-channel"
wait_console
console enable 'show route table'
grep -q 'Active table: generation 1, 2 hotlines, 14 advisors, 14 serves; flash copy seq 1' \
	"$T/out" || fail "table at start: $(cat "$T/out")"
grep -q 'Last load from file .*t1.txt: accepted, 17 lines,.* saved to flash' "$T/out" ||
	fail "table at start: $(cat "$T/out")"
sipp_adv answer 5071 adv_answer.xml
sipp_adv busy 5073 adv_busy.xml
sipp_adv noanswer 5074 adv_noanswer.xml
sipp_adv bulk 5075 adv_answer.xml -mi "$adv_ip" -mp 6100 -rtp_echo
sleep 1 # design.md 7: not right after link-up

# ---- order: eight calls, one after the other -------------------------------------------------
for n in $(seq 1 8); do
	place 0800100 $n
	wait_ev "$m" 25 "$(ev_call connect "$call")" || fail "order: call $n: no CONNECT"
	hangup "$call"
done
want=$(expected_order 8)
got=$(chosen 0800100)
[ "$got" = "$want " ] || fail "order: advisors tried '$got', the rule says '$want'"
sed -n '1,40p' "$T/out" | grep 'hotline 0800100' | head -n 12 | sed 's/^/   /'
inv=$(invites)
exp_inv=$(for a in $want; do case $a in 1) echo ann ;; 2) echo bob ;; 3) echo cy ;; 4) echo dee ;; esac; done |
	sort | uniq -c | awk '{printf "%s=%s ", $2, $1}')
[ "$inv" = "$exp_inv" ] || fail "order: INVITEs at the advisors '$inv', expected '$exp_inv'"
console 'show advisor 4'
grep -q 'State auto-paused, 0 in calls' "$T/out" || fail "order: 4 not auto-paused: $(cat "$T/out")"
console 'show route decisions'
grep -q 'advisor 4 .*no answer: missed 2 in a row: auto-paused' "$T/out" ||
	fail "order: no auto-pause decision: $(cat "$T/out")"
log "order: advisors tried $got= the rule's order; INVITEs $inv; 4 auto-paused after 2 ring-outs"

# ---- a bad table is rejected, the old one routes on ------------------------------------------
load_table "$T/bad.txt"
grep -q 'rejected: line 6 field rating: 0.01-5.00' "$T/out" || fail "bad table: $(cat "$T/out")"
grep -q 'Active table: generation 1, 2 hotlines, 14 advisors' "$T/out" ||
	fail "bad table: active table changed: $(cat "$T/out")"
place 0800100 9
wait_ev "$m" 25 "$(ev_call connect "$call")" || fail "bad table: call 9: no CONNECT"
hangup "$call"
want9=$(expected_order 9)
got9=$(chosen 0800100)
[ "$got9" = "$want9 " ] || fail "bad table: call 9 tried '$got9', the rule says '$want9'"
log "bad table: rejected (line 6 field rating); call 9 routed on the old table to ${want9##* }, as the rule says"

# ---- swap during 10 active calls --------------------------------------------------------------
for n in $(seq 21 30); do
	place 0800200 $n
	wait_ev "$m" 10 "$(ev_call connect "$call")" || fail "swap: call on B$n: no CONNECT"
	eval "c$n=$call"
done
console 'show calls'
[ "$(grep -c ' ACTIVE ' "$T/out")" = 10 ] || fail "swap: not 10 calls up: $(cat "$T/out")"
tx1=$(tx_sum)
load_table "$T/t2.txt"
grep -q 'Active table: generation 2, 3 hotlines, 10 advisors, 15 serves; flash copy seq 2' \
	"$T/out" || fail "swap: $(cat "$T/out")"
console 'show calls'
[ "$(grep -c ' ACTIVE ' "$T/out")" = 10 ] || fail "swap: calls lost: $(cat "$T/out")"
tx2=$(tx_sum)
[ "$tx2" -ge $((tx1 + 400)) ] || fail "swap: media stalled ($tx1 -> $tx2 packets sent)"
log "swap: table 2 loaded during 10 calls: all stayed ACTIVE (RTP sent $tx1 -> $tx2)"
console 'show advisors hotline 0800200'
for i in 16 17 18 19 20; do
	grep -qE "^ +$i bulk$i .* 4\.00 1/1 in " "$T/out" || fail "swap: advisor $i: $(cat "$T/out")"
done
# a new call: the new table's hotline, its advisors (all passes 0, idle alike: the lowest id)
place 0800300 31
wait_ev "$m" 10 "$(ev_call connect "$call")" || fail "swap: call to 0800300: no CONNECT"
[ "$(chosen 0800300)" = "21 " ] || fail "swap: 0800300 went to '$(chosen 0800300)', not 21"
hangup "$call"

# ---- a 100,000-advisor table while the 10 calls go on ------------------------------------------
cp "$T/t2.txt" "$T/t3.txt"
awk -v ip="$adv_ip" 'BEGIN { for (i = 100; i < 100090; i++)
	printf "advisor %d name=x%d uri=sip:x%d@%s:5077 serves=0800100:%d rating=%d.%02d\n",
		i, i, i, ip, 1 + i % 9, 1 + i % 4, i % 100 }' >>"$T/t3.txt"
console 'show controllers e1 0'
e1_before=$(grep -o '[0-9]* CRC-4 errors, [0-9]* E-bit errors, [0-9]* framing errors, [0-9]* slips' "$T/out")
console 'show calls'
tx1=$(tx_sum)
m=$(mark)
load_table "$T/t3.txt"
grep -q 'Active table: generation 3, 3 hotlines, 100000 advisors, 100005 serves; flash copy seq 3' \
	"$T/out" || fail "100k: $(cat "$T/out")"
load=$(sed -n 's/.*t3.txt: accepted, \([0-9]* lines, [0-9]* ms in [0-9]* slices (longest [0-9]* us)\), saved.*/\1/p' "$T/out")
[ -n "$load" ] || fail "100k: $(cat "$T/out")"
console 'show calls'
[ "$(grep -c ' ACTIVE ' "$T/out")" = 10 ] || fail "100k: calls lost: $(cat "$T/out")"
tx2=$(tx_sum)
[ "$tx2" -gt "$tx1" ] || fail "100k: media stalled ($tx1 -> $tx2 packets sent)"
console 'show controllers e1 0'
e1_after=$(grep -o '[0-9]* CRC-4 errors, [0-9]* E-bit errors, [0-9]* framing errors, [0-9]* slips' "$T/out")
[ "$e1_before" = "$e1_after" ] || fail "100k: the E1 line suffered: $e1_before -> $e1_after"
! tail -n +$((m + 1)) "$EV" | grep -q '"ev":"alarms","span":0,"alarms":\[.' ||
	fail "100k: pstn-sim saw alarms during the load"
log "100k: a 100,000-advisor table ($(stat -c %s "$T/t3.txt") octets) loaded during the 10 calls:"\
" $load; saved; calls ACTIVE, RTP $tx1 -> $tx2, E1 counters unchanged ($e1_after), no alarm"

for n in $(seq 21 30); do eval "hangup \$c$n"; done
sleep 0.5
console 'show advisors hotline 0800200'
[ "$(grep -cE ' [0-9]\.[0-9]{2} 0/1 in ' "$T/out")" = 10 ] ||
	fail "swap: advisors still busy after the calls: $(cat "$T/out")"
console 'show route decisions'
[ "$(grep -c 'no longer in the table' "$T/out")" = 5 ] ||
	fail "swap: ends of the 5 removed advisors' calls: $(cat "$T/out")"
log "swap: the new hotline routed to 21 (new table); when the 10 calls ended the kept advisors"\
" were freed by id, the 5 removed ones logged"

# ---- restart: the saved table ---------------------------------------------------------------
m=$(mark)
stop_pid "$box"
rm -f "$T/console"
start_box
ip -n "$ns" addr add "$adv_ip/24" dev "$tap" 2>/dev/null || true
ip -n "$ns" link set "$tap" up
for _ in $(seq 50); do [ -L "$T/console" ] && $con "$T/console" 'show route table' >"$T/out" 2>/dev/null && break; sleep 0.1; done
grep -q 'Active table: generation 1, 3 hotlines, 100000 advisors, 100005 serves; flash copy seq 3' \
	"$T/out" || fail "restart: $(cat "$T/out")"
grep -q 'Last load from flash: accepted' "$T/out" || fail "restart: $(cat "$T/out")"
console enable
wait_ev "$m" 10 '"ev":"dchan_up"' || fail "restart: no D-channel"
sleep 1
place 0800300 1
wait_ev "$m" 10 "$(ev_call connect "$call")" || fail "restart: call to 0800300: no CONNECT"
hangup "$call"
kill -0 "$box" 2>/dev/null || fail "the box died"
log "restart: the 100,000-advisor table back from flash (seq 3), 0800300 routed"

# ---- an advisor that does not respond: probed with OPTIONS, skipped until it answers ---------
cat >"$T/t4.txt" <<EOF
hotline 0800400 name=Probe ring=5 missed=0
advisor 90 name=gone uri=sip:gone@$adv_ip:5079 serves=0800400:1 rating=5
advisor 91 name=bulk91 uri=sip:bulk91@$adv_ip:5075 serves=0800400:1 rating=1
EOF
load_table "$T/t4.txt"
grep -q 't4.txt: accepted' "$T/out" || fail "probe: table: $(cat "$T/out")"
place 0800400 2
wait_ev "$m" 15 "$(ev_call connect "$call")" || fail "probe: call 1: no CONNECT"
hangup "$call"
console 'show route decisions'
grep -q 'advisor 90 .*unreachable, OPTIONS probe (missed 1 in a row): next candidate' "$T/out" ||
	fail "probe: 90 not probed: $(tail -n 5 "$T/out")"
console 'show sip'
grep -q 'sip:gone@198.18.0.1:5079' "$T/out" || fail "probe: no keep-alive target: $(cat "$T/out")"
t0=$(now_ms)
place 0800400 3
wait_ev "$m" 5 "$(ev_call connect "$call")" || fail "probe: call 2: no CONNECT"
[ $(($(now_ms) - t0)) -lt 4000 ] || fail "probe: call 2 waited for the unreachable advisor"
hangup "$call"
[ "$(chosen 0800400)" = "90 91 91 " ] || fail "probe: advisors tried '$(chosen 0800400)'"
# the phone comes back: it answers the probe, the box takes it in again
# (INVITE retransmissions of call 1 may still arrive: sipp drops those calls, answers OPTIONS)
sipp_adv options 5079 adv_options.xml
for _ in $(seq 150); do
	console 'show advisor 90'
	grep -q ', reachable, missed' "$T/out" && break
	sleep 0.1
done
grep -q ', reachable, missed 1' "$T/out" || fail "probe: 90 still unreachable: $(cat "$T/out")"
sleep 0.5
console 'show sip'
! grep -q 'sip:gone@198.18.0.1:5079' "$T/out" || fail "probe: keep-alive target not dropped"
log "probe: 90 did not respond -> OPTIONS probe, call 2 went straight to 91; 90 answered the"\
" probe -> reachable again, probe dropped"

# ---- a table pasted at the console -----------------------------------------------------------
console 'route table paste' 'hotline 0800500 name=Pasted ring=10' \
	"advisor 96 name=pasted uri=sip:bulk96@$adv_ip:5075 serves=0800500:2 rating=2.5" commit
grep -q 'Loading 1[0-9][0-9] octets' "$T/out" || fail "paste: $(cat "$T/out")"
for _ in $(seq 50); do
	sleep 0.1
	console 'show route table'
	grep -q 'Last load from console paste: accepted, 2 lines' "$T/out" && break
done
grep -q 'Active table: generation 3, 1 hotlines, 1 advisors, 1 serves; flash copy seq 5' \
	"$T/out" || fail "paste: $(cat "$T/out")"
place 0800500 4
wait_ev "$m" 10 "$(ev_call connect "$call")" || fail "paste: no CONNECT"
hangup "$call"
[ "$(chosen 0800500)" = "96 " ] || fail "paste: 0800500 went to '$(chosen 0800500)'"
log "paste: a table typed at the console (route table paste ... commit) routes 0800500 to 96"
echo "PASS"
