#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# A full span (issue 3): all 30 B-channels busy at once, audio checked on a sample of them, a
# 31st call refused. pstn-sim calls one hotline on B-channels 1-15 and 17-31; its advisor is a
# single sipp UAS on 198.18.0.1 in a private network namespace (the box on a tap) that answers
# every call and echoes every RTP packet back to its sender (-rtp_echo). Asserted:
#   - all 30 SETUPs reach CONNECT; show calls: 30 ACTIVE, LOSS 0.0% each; show media: 30
#     channels, sendrecv, Tx copied 0 (zero-copy) on each
#   - audio on B-channels 1, 15, 17, 31: pstn-sim plays a different tone on each and records
#     the same channel; what comes back went caller -> box -> advisor -> box -> caller (A-law
#     bytes untouched, so one A-law round trip: tools/tone expect). Over 1 s starting 300 ms
#     after the tone appears: the channel's own frequency within 5 Hz, its level within 1 dB,
#     the rest at least 25 dB below; every other sampled channel's frequency at least 50 dB
#     below the channel's own tone (crosstalk)
#   - a 31st SETUP while all 30 are busy, on B-channel 1 exclusive (what pstn-sim and libpri
#     send; an exchange whose view of the channels disagrees with the box's sends this):
#     RELEASE COMPLETE cause 44 "requested circuit/channel not available" (Q.931 5.2.3.1);
#     the 30 calls go on; the same SETUP with channel 1 only preferred (a raw SETUP):
#     RELEASE COMPLETE cause 34 "no circuit/channel available" (Q.931 5.2.3.1: the user may
#     pick another channel, and answers 34 when it has none; the picking itself is in
#     tests/unit/call)
#   - the caller clears all 30: BYE with Reason cause 16 for each (sipp), RELEASE for each,
#     then no call, no media channel, and SIP calls and transactions all gone
# Logged, not asserted: time to set up the 30 calls, the box's CPU while 30 calls run
# (/proc/PID/stat), the level read on each sampled channel.
# Needs root (ip netns, tap), sipp (Debian package sip-tester) and python3.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../../.." && pwd)
tone=$top/tools/tone
adv_port=5071
chans="$(seq 1 15) $(seq 17 31)"
# sampled channels: HZ LEVEL each. Frequencies apart from each other and from the others'
# low harmonics (A-law distortion) and not dividing 8000 (A-law repeats the same rounding)
declare -A s_hz=([1]=440 [15]=1004 [17]=1622 [31]=2310)
declare -A s_db=([1]=-10 [15]=-13 [17]=-7 [31]=-16)
pref_cref=4000
declare -A cid # B-channel -> pstn-sim call id
. "$top/tests/integration/scenario.sh"
it_setup span30
command -v sipp >/dev/null || fail "sipp missing (Debian package sip-tester)"
command -v python3 >/dev/null || fail "python3 missing"

count_ev() { tail -n +$(($1 + 1)) "$EV" | grep -cE -- "$2" || true; } # MARK PATTERN
wait_count() { # MARK TIMEOUT_S PATTERN N
	local deadline=$(($(now_ms) + $2 * 1000))
	while [ "$(now_ms)" -lt $deadline ]; do
		[ "$(count_ev "$1" "$3")" -ge "$4" ] && return 0
		sleep 0.05
	done
	return 1
}
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$box/stat"; } # utime + stime

# ---- set-up ----------------------------------------------------------------------------------
ip netns add "$ns"
ip -n "$ns" link set lo up
cat >"$T/factory.cfg" <<EOF2
interface ethernet 0
 ip address $box_ip 255.255.255.0
calling-prefix national +49
hotline 0800123
 advisor sip:adv@$adv_ip:$adv_port
EOF2
start_psim
start_box
ip -n "$ns" addr add "$adv_ip/24" dev "$tap"
ip -n "$ns" link set "$tap" up
# one sipp for all calls: -m 30 ends it after the 30th, -rtp_echo on the -mp port its SDP names
sipp_adv sipp $adv_port adv_echo.xml -timeout 55s -timeout_error -m 30 -l 64 \
	-mi "$adv_ip" -mp 6000 -rtp_echo
sipp=$sipp_pid
wait_ev 0 5 '"ev":"dchan_up"' || fail "no D-channel"
wait_console
wait_udp $adv_port "$sipp"
sleep 0.5 # design.md 7: not right after link-up

# ---- 30 calls at once ------------------------------------------------------------------------------
m=$(mark)
t0=$(now_ms)
for b in $chans; do
	cmd "call called=0800123 calling=301234$(printf %02d "$b") ton=national bchan=$b"
done
wait_count "$m" 5 '"ev":"setup_sent"' 30 || fail "pstn-sim sent $(count_ev "$m" '"ev":"setup_sent"') SETUPs"
while read -r c b; do cid[$b]=$c; done < <(tail -n +$((m + 1)) "$EV" | grep '"ev":"setup_sent"' |
	sed 's/.*"call":\([0-9]*\),"bchan":\([0-9]*\).*/\1 \2/')
[ ${#cid[@]} = 30 ] || fail "SETUPs on ${#cid[@]} distinct B-channels"
wait_count "$m" 15 '"ev":"connect"' 30 || fail "$(count_ev "$m" '"ev":"connect"') of 30 calls reached CONNECT"
t_all=$(($(now_ms) - t0))
wait_ev "$m" 0 '"ev":"(disconnect|release)"' && fail "a call was cleared while setting up"
log "30 SETUPs -> 30 CONNECTs in $t_all ms"

# ---- audio on the sampled channels, CPU -------------------------------------------------------------
sleep 0.5
m=$(mark)
for b in "${!s_hz[@]}"; do
	cmd "record call=${cid[$b]} $T/b$b.wav"
	cmd "play call=${cid[$b]} tone=${s_hz[$b]},${s_db[$b]}dBm0"
done
c0=$(cpu_ticks) w0=$(now_ms)
sleep 2
c1=$(cpu_ticks) w1=$(now_ms)
for b in "${!s_hz[@]}"; do cmd "record call=${cid[$b]} stop"; done
wait_count "$m" 3 '"ev":"record_done"' 4 || fail "recordings did not stop"
cpu=$(python3 -c "print('%.1f' % (100.0 * ($c1 - $c0) / $(getconf CLK_TCK) / (($w1 - $w0) / 1000.0)))")
log "box CPU with 30 calls up (4 playing): $cpu % of one core over $((w1 - w0)) ms ($((c1 - c0)) ticks)"

console 'show calls'
cp "$T/out" "$T/calls.out"
console 'show media'
cp "$T/out" "$T/media.out"
n=$(grep -cE '^ +[0-9]+ S0/[0-9]+ .* ACTIVE .* PCMA +[0-9]+/[0-9]+ +0\.0% ' "$T/calls.out" || true)
[ "$n" = 30 ] || fail "show calls: $n ACTIVE with LOSS 0.0%, want 30: $(cat "$T/calls.out")"
grep -q '^30 calls; ' "$T/calls.out" || fail "show calls: $(tail -n 1 "$T/calls.out")"
for b in $chans; do
	grep -qE "^ +[0-9]+ S0/$b +.* ACTIVE " "$T/calls.out" || fail "show calls: nothing ACTIVE on TS $b"
done
# Span TS Local Remote Mode Tx Rx Lost Late Jitter ms Delay ms RTT ms Txcopied
bad=$(awk 'NR > 1 && $1 ~ /^[0-9]+$/ && $2 ~ /^[0-9]+$/ && ($5 != "sendrecv" || $NF != 0 || $8 != 0 || $9 != 0)' \
	"$T/media.out")
[ -z "$bad" ] || fail "show media: not sendrecv, lost/late or Tx copied: $bad"
grep -q '^30 media channels in use' "$T/media.out" || fail "show media: $(tail -n 1 "$T/media.out")"
sed -n '1,3p' "$T/calls.out" | sed 's/^/   /'
sed -n '1,3p;$p' "$T/media.out" | sed 's/^/   /'

hz_all=${s_hz[*]}
for b in 1 15 17 31; do
	hz=${s_hz[$b]} db=${s_db[$b]}
	want=$("$tone" expect "$hz" "$db")
	r=$("$tone" measure "$T/b$b.wav" --onset --skip 300 --len 1000) || fail "b$b.wav: $r"
	f=$(field freq "$r") l=$(field level "$r") rest=$(field rest "$r")
	x=$("$here/xtalk.py" "$T/b$b.wav" 300 1000 $hz_all) || fail "b$b.wav: $x"
	log "B-channel $b: $r (want $hz Hz, $want dBm0); at the sampled frequencies: $x"
	within "$f" "$hz" 5 || fail "B-channel $b: dominant $f Hz, want $hz +- 5"
	within "$l" "$want" 1 || fail "B-channel $b: level $l dBm0, want $want +- 1"
	within "$rest" -100 75 || fail "B-channel $b: the rest only $rest dB below the tone"
	for o in $hz_all; do
		[ "$o" = "$hz" ] && continue
		lo=$(sed -n "s/.*\\b$o=\\([^ ]*\\).*/\\1/p" <<<"$x")
		python3 -c "import sys; sys.exit(not $lo <= $l - 50)" ||
			fail "B-channel $b: crosstalk: $o Hz at $lo dBm0 (own tone $l dBm0)"
	done
done

# ---- a 31st call ------------------------------------------------------------------------------------
psim_call 0800123 30123499 1 ton=national
c31=$call
wait_ev "$m" 3 "\"ev\":\"release\".*\"call\":$c31,\"cause\":44," ||
	fail "31st: no RELEASE COMPLETE cause 44"
sleep 0.3
wait_ev "$m" 0 "\"ev\":\"(disconnect|release)\".*\"call\":($(echo "${cid[@]}" | tr ' ' '|'))," &&
	fail "31st: one of the 30 calls was cleared"
console 'show calls'
grep -qE '^30 calls; since start: 31 SETUPs, 1 refused, 30 answered' "$T/out" ||
	fail "31st: $(tail -n 1 "$T/out")"
log "31st SETUP (B-channel 1 exclusive, all busy): RELEASE COMPLETE cause 44; the 30 go on"

# the same with channel 1 only preferred (libpri sends exclusive: a raw SETUP): the box looks
# for another free B-channel and has none
m=$(mark)
cmd "raw 0802$(printf %04x $pref_cref)05 040380 90a3 1803a18381" \
	"6c0a2180$(echo -n 30123498 | xxd -p) 7008a1$(echo -n 0800123 | xxd -p)"
wait_ev "$m" 3 "\"ev\":\"q931_rx\".*\"mt\":90,.*\"cref\":$pref_cref,\"flag\":1,\"cause\":34," ||
	fail "31st, preferred: no RELEASE COMPLETE 34: $(tail -n +$((m + 1)) "$EV" | grep q931_rx)"
console 'show calls'
grep -qE '^30 calls; since start: 32 SETUPs, 2 refused, 30 answered' "$T/out" ||
	fail "31st, preferred: $(tail -n 1 "$T/out")"
log "31st SETUP again, B-channel 1 preferred: RELEASE COMPLETE cause 34"

# ---- clear all ---------------------------------------------------------------------------------------
m=$(mark)
t0=$(now_ms)
for b in $chans; do cmd "hangup call=${cid[$b]}"; done
wait_count "$m" 10 '"ev":"release"' 30 || fail "$(count_ev "$m" '"ev":"release"') of 30 released"
t_clr=$(($(now_ms) - t0))
# a failure: a BYE without Reason cause 16, or a call failed
sipp_wait "the 30 BYEs" "$sipp" 10
console 'show calls'
grep -q '^0 calls; since start: 32 SETUPs, 2 refused, 30 answered' "$T/out" ||
	fail "calls left: $(cat "$T/out")"
console 'show media'
grep -q '^0 media channels in use' "$T/out" || fail "media left: $(cat "$T/out")"
t1=$(now_ms)
for _ in $(seq 40); do
	console 'show sip'
	grep -q ' 0 calls, 0 transactions' "$T/out" && break
	sleep 0.5
done
grep -q ' 0 calls, 0 transactions' "$T/out" || fail "SIP legs left: $(cat "$T/out")"
kill -0 "$box" 2>/dev/null || fail "the box died"
log "30 hangups -> 30 RELEASEs in $t_clr ms, 30 BYEs (Reason 16) answered; no call, no media channel; SIP calls and transactions gone $(($(now_ms) - t1)) ms later"
echo "PASS"
