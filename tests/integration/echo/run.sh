#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The line echo canceller end to end (issue 5): pstn-sim calls a hotline; a baresip advisor
# plays a fixed-seed speech-like signal (-15 dBm0 active, tools/tone speech) and records what
# it receives; pstn-sim's `hybrid` puts the echo of what the box sends back on the caller's
# line (G.168 Annex D.4 path, ERL 6 dB) while the caller says nothing. Three calls:
#   1. span 0's canceller off: the advisor hears its own echo; its level over 1-4.8 s of the
#      recording is the reference
#   2. canceller on (64 ms, NLP on, the default): over the same window >= 90 % of the echo's
#      125 ms blocks are >= 30 dB below the reference (the window >= 20 dB); then the caller
#      talks (440 Hz, -20 dBm0, double talk over the advisor's speech) and the advisor hears
#      it at its level (tools/tone expect, +-1 dB);
#      then the caller plays G.165's answer tone (2100 Hz -12 dBm0, phase reversals every
#      450 ms): show ecan says "disabled" during it, and "enabled" again after it, with
#      "(1 time)"; show call N has the same canceller line
#   3. canceller on, NLP off (echocanceller no-nlp): the linear canceller alone, >= 15 dB below
#      the echo from 3 s on (logged: 18-32 dB in 3-4.8 s over runs; it is still learning the
#      speech's spectrum before; with the NLP the residual is at the recording's floor anyway)
# Figures (echo level, ERLE with and without the NLP, the 440 Hz level) are logged. baresip's
# recording of digital silence reads -66 dBm0 (A-law 0xd5 = +-8): with the NLP on, the
# residual sits at that floor, so the ERLE with the NLP reads the floor's ~42 dB. Per 125 ms
# block (tools/tone erle) at least 90 % of the echo's blocks must be >= 30 dB down, and the
# whole window >= 20 dB (a burst the NLP lets through costs it a few dB: logged).
# Needs root (ip netns, tap), baresip (Debian package baresip-core) and python3.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../../.." && pwd)
tone=$top/tools/tone
adv_port=5080
model=3 # Annex D.4
erl=6
talk_dbm0=-20
win="--skip 1000 --len 3800" # 1 s after the answer (convergence) to 4.8 s
late="--skip 3000 --len 1800"
. "$top/tests/integration/scenario.sh"
it_setup echo
IT_DIAG=$T/baresip.log
command -v baresip >/dev/null || fail "baresip missing (Debian package baresip-core)"
command -v python3 >/dev/null || fail "python3 missing"

# ---- set-up ----------------------------------------------------------------------------------
# 30 s: aufile ends the call when its file ends; the longest call needs ~16 s
"$tone" speech "$T/adv.wav" -15 30 7
want_talk=$("$tone" expect 440 $talk_dbm0)
mkdir -p "$T/rec"
bs_config "$T/bs" $adv_port b "aufile,$T/adv.wav" aubridge,sink \
	"$(printf 'module\t\t\tsndfile.so\nsnd_path\t\t%s' "$T/rec")"
ip netns add "$ns"
ip -n "$ns" link set lo up
cat >"$T/factory.cfg" <<EOF
interface ethernet 0
 ip address $box_ip 255.255.255.0
hotline 0800123
 advisor sip:b@$adv_ip:$adv_port
EOF
start_psim
start_box
ip -n "$ns" addr add "$adv_ip/24" dev "$tap"
ip -n "$ns" link set "$tap" up
ip netns exec "$ns" baresip -f "$T/bs" >"$T/baresip.log" 2>&1 </dev/null &
bs=$!
it_bg "$bs"
wait_ev 0 5 '"ev":"dchan_up"' || fail "no D-channel"
wait_console
wait_udp $adv_port "$bs"
sleep 0.5 # design.md 7: not right after link-up

# span SETTINGS...: span 0's echo canceller lines, for the next call
span() { console enable 'configure terminal' 'span 0' "$@" end; }
# place: a call to the advisor with the line echoing; sets call (and n0: the advisor's
# recordings before it)
place() {
	local m
	n0=$(find "$T/rec" -name '*-dec.wav' | wc -l)
	place_call 0800123 calling=30123456 bchan=1
	m=$(mark)
	cmd "hybrid call=$call model=$model erl=$erl"
	wait_ev "$m" 2 "\"ev\":\"hybrid\".*\"call\":$call,\"on\":true" || fail "hybrid refused"
}
# hang up call and wait for the advisor's recording of it (sndfile closes it at the BYE); the
# newest dump file lands in $1
hangup() {
	local m
	m=$(mark)
	cmd "hybrid call=$call off"
	wait_ev "$m" 2 "\"ev\":\"hybrid\".*\"call\":$call,\"on\":false" || fail "hybrid off refused"
	missed=$(tail -n +$((m + 1)) "$EV" | grep '"ev":"hybrid"' | sed 's/.*"late":\([0-9]*\).*/\1/')
	[ "$missed" = 0 ] || log "the hybrid missed $missed samples from the box (late blocks)"
	cmd "hangup call=$call"
	wait_ev "$m" 5 "\"ev\":\"release\".*\"call\":$call," || fail "the caller's side not released"
	for _ in $(seq 50); do
		[ "$(find "$T/rec" -name '*-dec.wav' | wc -l)" -gt "$n0" ] && break
		sleep 0.1
	done
	f=$(ls -t "$T"/rec/*-dec.wav | head -n 1)
	# sndfile writes the WAV header's lengths when it closes the file, at the BYE
	for _ in $(seq 50); do
		"$tone" measure "$f" --len 4800 >/dev/null 2>&1 && break
		sleep 0.1
	done
	cp "$f" "$1" || fail "baresip recorded nothing"
}
ecan_line() { console 'show ecan'; sed -n 2p "$T/out"; }
t0=$(now_ms)

# ---- 1: no canceller: the echo ------------------------------------------------------------------
span 'no echocanceller'
place
cmd "record call=$call $T/tx.wav" # what the box sends the caller: the echo's source
sleep 5
cmd "record call=$call stop"
console 'show ecan'
grep -q '^0 echo cancellers in use' "$T/out" ||
	fail "show ecan with the span's off: $(cat "$T/out")"
hangup "$T/off.wav"
r=$("$tone" measure "$T/off.wav" $win) || fail "off.wav: $r"
echo_db=$(field total "$r")
r=$("$tone" measure "$T/tx.wav" $win) || fail "tx.wav: $r"
tx_db=$(field total "$r")
log "canceller off: the advisor hears its echo at $echo_db dBm0 (1-4.8 s; it sent $tx_db)"
within "$echo_db" -23 6 || fail "the echo at $echo_db dBm0: the hybrid is not at work"

erl_run=$(python3 -c "print('%.1f' % ($tx_db - ($echo_db)))")
log "the line's ERL on this speech (advisor -> box -> pstn-sim vs the echo back): $erl_run dB"

# ---- 2: canceller on, NLP on; the caller talks; the answer tone -------------------------------
span 'echocanceller 64' 'echocanceller nlp'
place
sleep 4.9
l=$(ecan_line)
log "show ecan after 4.9 s: $l"
read -r _ ts tail _ nlp erl_s _ erle_s _ conv state _ <<<"$l"
[ "$ts" = 1 ] && [ "$tail" = 64 ] && [ "$nlp" = on ] || fail "show ecan: $l"
# converged (ERLE >= 20 dB) comes and goes in the first seconds of A-law speech: not asserted
[ "$state" = enabled ] || fail "show ecan: not enabled: $l"
within "$erle_s" 1000 990 || fail "show ecan: ERLE $erle_s dB after 4.9 s"
# a snapshot smoothed over ~80 ms: speech onsets read high; the line's, on this speech:
within "$erl_s" 11 8 || fail "show ecan: ERL $erl_s dB, the line's is $erl (band average)"
cmd "play call=$call tone=440,${talk_dbm0}dBm0,3000"
sleep 3.1
cmd "play call=$call tone=2100,-12dBm0,3500 rev=450"
sleep 1.5
during=$(ecan_line)
log "show ecan during the 2100 Hz tone: $during"
[[ "$during" == *" disabled (1 time)"* ]] || fail "not disabled by the answer tone: $during"
sleep 2.1 # the tone ends
after= n=0
for n in $(seq 40); do
	after=$(ecan_line)
	[[ "$after" == *" enabled (1 time)"* ]] && break
	sleep 0.1
done
[[ "$after" == *" enabled (1 time)"* ]] || fail "not enabled again after the tone: $after"
log "show ecan $((n * 100)) ms after the tone (re-enabled): $after"
console 'show calls'
id=$(sed -n 's/^ *\([0-9]\+\) S0\/1 .*/\1/p' "$T/out" | head -n 1)
console "show call $id"
grep -q 'Echo canceller: 64 ms tail, NLP on, .* enabled (1 times by a 2100 Hz tone)' "$T/out" ||
	fail "show call: $(cat "$T/out")"
hangup "$T/on.wav"
r=$("$tone" measure "$T/on.wav" $win) || fail "on.wav: $r"
res_db=$(field total "$r")
r=$("$tone" erle "$T/off.wav" "$T/on.wav" $win --want 30) || fail "erle: $r"
erle=$(field erle "$r") blocks=$(field blocks "$r") good=$(field good "$r")
log "canceller on (NLP): residual $res_db dBm0 (1-4.8 s): $erle dB below the echo;" \
	"$good of $blocks 125 ms blocks of echo >= 30 dB down, the worst $(field worst "$r") dB"
# the NLP now and then lets ~80 ms of echo through where the filter has not learnt yet (an
# unvoiced syllable's band early in a call): one such block costs the whole window ~3 dB
within "$good" "$blocks" "$blocks / 10" || fail "only $good of $blocks blocks >= 30 dB down"
within "$erle" 1000 980 || fail "echo only $erle dB down over the window, want >= 20"
r=$("$tone" measure "$T/on.wav" --onset --level -30 --after 3000 --skip 300 --len 1500) ||
	fail "on.wav: $r"
log "the caller's 440 Hz at the advisor: $r (want $want_talk dBm0)"
within "$(field freq "$r")" 440 5 || fail "the caller's tone: $(field freq "$r") Hz, want 440"
within "$(field level "$r")" "$want_talk" 1 || fail "the caller's tone at $(field level "$r") dBm0"

# ---- 3: canceller on, NLP off: the linear part ---------------------------------------------------
span 'echocanceller no-nlp'
place
sleep 5
l=$(ecan_line)
log "show ecan, NLP off: $l"
[[ "$l" == *" off "* ]] || fail "NLP not off: $l"
hangup "$T/lin.wav"
span 'echocanceller nlp'
r=$("$tone" measure "$T/lin.wav" $win) || fail "lin.wav: $r"
lin_db=$(field total "$r")
lin=$(python3 -c "print('%.1f' % ($echo_db - ($lin_db)))")
# still converging over the first seconds of speech: asserted from 3 s on
r=$("$tone" measure "$T/off.wav" $late) || fail "off.wav: $r"
echo3_db=$(field total "$r")
r=$("$tone" measure "$T/lin.wav" $late) || fail "lin.wav: $r"
lin3_db=$(field total "$r")
lin3=$(python3 -c "print('%.1f' % ($echo3_db - ($lin3_db)))")
r=$("$tone" erle "$T/off.wav" "$T/lin.wav" $late --want 30) || fail "erle: $r"
log "canceller on, NLP off: residual $lin_db dBm0 (1-4.8 s): $lin dB below the echo;" \
	"3-4.8 s: $lin3_db dBm0 against $echo3_db, $lin3 dB ($(field good "$r") of" \
	"$(field blocks "$r") blocks >= 30 dB down, the worst $(field worst "$r") dB)"
within "$lin3" 1000 985 || fail "linear canceller: only $lin3 dB from 3 s, want >= 15"

kill -0 "$box" 2>/dev/null || fail "the box died"
log "$(( ($(now_ms) - t0) / 1000 )) s of calls"
echo "PASS"
