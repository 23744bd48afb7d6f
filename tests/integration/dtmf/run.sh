#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The caller's in-band DTMF reaches the advisor as RFC 4733 events (issue 5 point 4, issue 3
# point 4). pstn-sim calls a hotline over the E1 line; the box calls a sipp advisor
# (198.18.0.1, answers with PCMA + telephone-event/101) in a private network namespace; tshark
# captures UDP on the tap. On the connected call pstn-sim sends `dtmf 159#` (100 ms tones at
# -7/-5 dBm0, 100 ms pauses, A-law on the B-channel); the box detects them in the caller's
# samples and sends events in the audio stream. Asserted on tshark's RTP event decode of the
# packets the box sent to the advisor:
#   - exactly four events, for 1, 5, 9, # in that order (event codes 1, 5, 9, 11), in the
#     audio stream's SSRC;
#   - each: one timestamp, the volume of the tones (-2.9 dBm0: 3 +- 1); the first packet with
#     the marker and no end bit; updates with durations never decreasing; then exactly three
#     end packets with the same final duration, 100 ms +- 16 ms (800 +- 128 timestamp units);
#   - the four start timestamps 200 ms +- 16 ms apart (the digits' onsets on the RTP clock);
#   - `show call`: 4 digits from the caller; nothing left afterwards.
# The other way: a second call to a baresip advisor (telephone-event negotiated by baresip
# itself), which sends `sndcode 159` (RFC 4733) on its control socket (the capture shows its
# events 1, 5, 9 and its audio is silence); the box plays the events to the caller and
# pstn-sim, listening on the B-channel with the box's receiver, hears exactly 1, 5, 9.
# Needs root (ip netns, tap), sipp (sip-tester), baresip (baresip-core), tshark.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../../.." && pwd)
. "$top/tests/integration/scenario.sh"
it_setup dtmf
adv_port=5071
adv_rtp=6000
bs_port=5090 # baresip (TLS on +1)
bs_ctrl=4444
cap=$T/cap.pcapng
IT_DIAG="$T/events.txt"

for c in sipp baresip tshark python3; do
	command -v $c >/dev/null || fail "$c missing"
done

# ---- set-up ----------------------------------------------------------------------------------
ip netns add "$ns"
ip -n "$ns" link set lo up
cat >"$T/factory.cfg" <<EOF
interface ethernet 0
 ip address $box_ip 255.255.255.0
hotline 0800123
 advisor sip:adv@$adv_ip:$adv_port
hotline 0800124
 advisor sip:b@$adv_ip:$bs_port
EOF
# baresip: plays 20 s of silence (aufile ends the call at its end), takes commands on TCP
python3 -c "import wave; w = wave.open('$T/silence.wav', 'wb'); w.setnchannels(1)
w.setsampwidth(2); w.setframerate(8000); w.writeframes(bytes(320000))"
bs_config "$T/bs" $bs_port b "aufile,$T/silence.wav" aubridge,sink \
	"$(printf 'module_app\t\tctrl_tcp.so\nctrl_tcp_listen\t\t%s' "$adv_ip:$bs_ctrl")"
start_psim
start_box
ip -n "$ns" addr add "$adv_ip/24" dev "$tap"
ip -n "$ns" link set "$tap" up
ip netns exec "$ns" tshark -i "$tap" -f udp -w "$cap" -q >"$T/tshark.log" 2>&1 &
cap_pid=$!
it_bg "$cap_pid"
wait_ev 0 5 '"ev":"dchan_up"' || fail "no D-channel"
for _ in $(seq 50); do [ -L "$T/console" ] && break; sleep 0.1; done
[ -L "$T/console" ] || fail "no console"
for _ in $(seq 50); do
	grep -q 'Capturing on' "$T/tshark.log" 2>/dev/null && break
	sleep 0.1
done
grep -q 'Capturing on' "$T/tshark.log" || fail "tshark did not start: $(cat "$T/tshark.log")"
(cd "$T" && exec ip netns exec "$ns" sipp -nostdin -trace_err -timeout 30s -timeout_error -nr \
	-sf "$here/adv_answer.xml" -i "$adv_ip" -p "$adv_port" -mi "$adv_ip" -mp "$adv_rtp" \
	-m 1) >"$T/adv.out" 2>&1 &
sipp_pid=$!
it_bg "$sipp_pid"
ip netns exec "$ns" baresip -f "$T/bs" >"$T/baresip.log" 2>&1 </dev/null &
bs=$!
it_bg "$bs"
for _ in $(seq 50); do
	kill -0 "$bs" 2>/dev/null || fail "baresip exited during start: $(tail -5 "$T/baresip.log")"
	ip netns exec "$ns" ss -Hltn "sport = :$bs_ctrl" | grep -q . && break
	sleep 0.1
done
sleep 0.5 # design.md 7: not right after link-up

# place CALLED BCHAN: a call from 30123456, answered; its pstn-sim id in $placed
place() {
	psim_call "$1" 30123456 "$2"
	placed=$call
	wait_ev "$m" 8 "\"ev\":\"connect\".*\"call\":$placed[,}]" || fail "$1: no CONNECT"
}

# ---- the call and the digits -----------------------------------------------------------------
place 0800123 1
call=$placed
sleep 0.5
m=$(mark)
cmd "dtmf call=$call 159#"
wait_ev "$m" 5 "\"ev\":\"play_done\".*\"call\":$call[,}]" || fail "pstn-sim did not play the digits"
sleep 0.3 # the last digit's end packets
console 'show calls'
id=$(sed -n 's/^ *\([0-9]*\) S0\/1 .*/\1/p' "$T/out" | head -n 1)
[ -n "$id" ] || fail "show calls: no call on S0/1: $(cat "$T/out")"
console "show call $id"
cp "$T/out" "$T/call.out"
m=$(mark)
cmd "hangup call=$call"
wait_ev "$m" 5 "\"ev\":\"(release|disconnect)\".*\"call\":$call[,}]" || fail "no release"
sipp_wait "sipp advisor" "$sipp_pid" 5

# ---- the other way: baresip's RFC 4733 events as tones to the caller ------------------------
place 0800124 2
call2=$placed
sleep 0.5
m=$(mark)
ip netns exec "$ns" python3 -c '
import json, socket, sys
s = socket.create_connection((sys.argv[1], int(sys.argv[2])), timeout=3)
j = json.dumps({"command": "sndcode", "params": "159", "token": "t1"}).encode()
s.sendall(str(len(j)).encode() + b":" + j + b",")
print(s.recv(4096).decode(errors="replace"))
' "$adv_ip" "$bs_ctrl" >"$T/ctrl.log" 2>&1 || fail "baresip control: $(cat "$T/ctrl.log")"
dtmf2="\"ev\":\"dtmf\".*\"call\":$call2[,}]"
for _ in $(seq 50); do
	[ "$(tail -n +$((m + 1)) "$EV" | grep -c "$dtmf2")" -ge 3 ] && break
	sleep 0.1
done
sleep 0.5 # nothing more should come
heard=$(tail -n +$((m + 1)) "$EV" | grep "$dtmf2" | sed 's/.*"digit":"\(.\)".*/\1/' |
	tr -d '\n')
[ "$heard" = 159 ] || fail "the caller heard '$heard' from baresip's sndcode 159 ($(cat "$T/ctrl.log"))"
m=$(mark)
cmd "hangup call=$call2"
wait_ev "$m" 5 "\"ev\":\"(release|disconnect)\".*\"call\":$call2[,}]" || fail "no release (2)"
log "baresip's RFC 4733 events 159 heard by the caller as in-band DTMF: $heard"

sleep 0.3
stop_pid "$cap_pid"
cap_pid=

# ---- what the advisor received ---------------------------------------------------------------
grep -q 'DTMF: 4 digits from the caller' "$T/call.out" || fail "show call: $(cat "$T/call.out")"
# RTP from the box to the advisor's port, decoded as RTP; telephone-event on 101 (tshark's
# default RTP event payload type, also given by the SDP it sees)
tshark -r "$cap" -d "udp.port==$adv_rtp,rtp" -o rtpevent.event_payload_type_value:101 \
	-Y "ip.src==$box_ip && udp.dstport==$adv_rtp && rtpevent" -T fields -E separator=' ' \
	-e rtp.ssrc -e rtp.timestamp -e rtp.marker -e rtpevent.event_id \
	-e rtpevent.end_of_event -e rtpevent.duration -e rtpevent.volume \
	>"$T/events.txt" 2>"$T/tshark-r.log" ||
	fail "tshark -r: $(cat "$T/tshark-r.log")"
ssrc_audio=$(tshark -r "$cap" -d "udp.port==$adv_rtp,rtp" \
	-Y "ip.src==$box_ip && udp.dstport==$adv_rtp && rtp.p_type==8" -T fields -e rtp.ssrc \
	2>/dev/null | sort -u)
[ "$(wc -l <<<"$ssrc_audio")" = 1 ] && [ -n "$ssrc_audio" ] ||
	fail "audio SSRCs to the advisor: '$ssrc_audio'"
summary=$(python3 - "$T/events.txt" "$ssrc_audio" <<'EOF'
import sys
rows = [l.split() for l in open(sys.argv[1]) if l.strip()]
ssrc = sys.argv[2]
def b(v): return v in ("1", "True", "true")
events = []  # [ts, code, packets]
for s, ts, mk, code, end, dur, vol in rows:
    if not 2 <= int(vol) <= 4:
        sys.exit(f"event {code}: volume {vol}, want 3 +- 1 (tones at -7 and -5 dBm0: -2.9 dBm0)")
    if s != ssrc:
        sys.exit(f"event packet in SSRC {s}, audio is {ssrc}")
    if not events or events[-1][0] != int(ts):
        events.append([int(ts), int(code), []])
    events[-1][2].append((b(mk), int(code), b(end), int(dur)))
codes = [e[1] for e in events]
if codes != [1, 5, 9, 11]:
    sys.exit(f"event codes {codes}, want [1, 5, 9, 11] (159#)")
out = []
for i, (ts, code, pk) in enumerate(events):
    if not pk[0][0] or pk[0][2]:
        sys.exit(f"event {code}: first packet marker={pk[0][0]} end={pk[0][2]}")
    if any(p[0] for p in pk[1:]):
        sys.exit(f"event {code}: marker on a later packet")
    if any(p[1] != code for p in pk):
        sys.exit(f"event {code}: another code under its timestamp")
    durs = [p[3] for p in pk]
    if durs != sorted(durs):
        sys.exit(f"event {code}: durations decrease {durs}")
    ends = [p for p in pk if p[2]]
    if len(ends) != 3 or pk[-3:] != ends or len({p[3] for p in ends}) != 1:
        sys.exit(f"event {code}: end packets {ends}, want 3 identical at the end")
    d = ends[0][3]
    if abs(d - 800) > 128:
        sys.exit(f"event {code}: duration {d}, want 800 +- 128 (100 ms)")
    if i and abs((ts - events[i - 1][0]) % 2**32 - 1600) > 128:
        sys.exit(f"event {code}: onset {(ts - events[i - 1][0]) % 2**32} after the last, want 1600 +- 128")
    out.append(f"{'0123456789*#ABCD'[code]}:{len(pk)}pk/{d}")
print(" ".join(out))
EOF
) || fail "RFC 4733 events: $summary"
log "events to the advisor (digit:packets/final duration in 1/8 ms): $summary"
# baresip really sent events (not in-band tones): its RTP port from its SDP answer
bs_rtp=$(tshark -r "$cap" -Y "ip.src==$adv_ip && udp.srcport==$bs_port && sdp" -T fields \
	-e sdp.media.port 2>/dev/null | head -n 1)
[ -n "$bs_rtp" ] || fail "no SDP answer from baresip in the capture"
bs_ev=$(tshark -r "$cap" -d "udp.port==$bs_rtp,rtp" \
	-Y "ip.src==$adv_ip && udp.srcport==$bs_rtp && rtpevent && rtpevent.end_of_event==0" \
	-T fields -e rtpevent.event_id 2>/dev/null | uniq | tr -d '\n')
[ "$bs_ev" = 159 ] || fail "baresip's RFC 4733 events in the capture: '$bs_ev'"
log "$(grep 'DTMF:' "$T/call.out" | sed 's/^ *//')"
log "PASS"
