#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The box's SIP user agent against sipp (Debian sip-tester) in a private network namespace:
#   answer   `test sip invite` -> sipp checks the SDP offer, 180, 200 (SDP), ACK; the 200 again
#            -> the box ACKs again; `test sip bye` -> BYE, 200
#   busy     486 -> the transaction ACKs it, the box reports "failed 486"
#   cancel   180, `test sip bye` -> CANCEL (200), 487 ACKed, "failed 487"
#   auth     401 (qop=auth) -> INVITE again with Authorization, verified by sipp's verifyauth
#   probe    OPTIONS -> 200 (Allow, Accept); FOO 501, INFO/MESSAGE 405, BYE/CANCEL 481,
#            bad Content-Length and CSeq 400
#   garbage  non-SIP, binary, cut, oversized (9 KB, fragmented), stray 2xx, no Via: no answer,
#            counted; the box answers OPTIONS afterwards
#   keepalive  outbound-proxy on a sipp answering OPTIONS -> up; sipp gone -> down
# tshark decodes the capture (SIP, SDP) without malformed packets except the hostile ones.
# Needs root (ip netns, tap). Addresses 198.18.0.0/24 inside the namespace only.
#   HLGW_BUILD  build dir holding hlgw (default build/sim);  HLGW_BIN overrides the binary.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
name=sip
. "$here/../sipp_lib.sh"

cat >"$T/factory.cfg" <<EOF
interface ethernet 0
 ip address $box_ip 255.255.255.0
sip
 username box
 password s3cret
 options-interval 5
EOF
start_sip_box

start_capture

# ---- answer, re-ACK, BYE -------------------------------------------------------------------
mark
sipp_run answer -sf "$here/uas_answer.xml" -i "$adv_ip" -p 5070 -m 1 -nr
sleep 0.3
console "test sip invite sip:advisor@$adv_ip:5070"
wait_log 'test call: ringing 180' "answer: ringing"
wait_log 'test call: answered 200: remote 198\.18\.0\.1:6000 PCMA/8 telephone-event/101 ptime 20' \
	"answer: answered with the SDP answer learnt"
sleep 0.5 # the 200 again and its second ACK
console "test sip bye"
wait_log 'test call: ended by local 200' "answer: BYE answered"
sipp_wait answer "$sipp_pid"
log "answer: offer checked by sipp, 180, 200, ACK, ACK again for the repeated 200, BYE 200"

# ---- busy ------------------------------------------------------------------------------------
mark
sipp_run busy -sf "$here/uas_busy.xml" -i "$adv_ip" -p 5070 -m 1
sleep 0.3
console "test sip invite sip:advisor@$adv_ip:5070"
wait_log 'test call: failed 486' "busy: failure reported"
sipp_wait busy "$sipp_pid"
log "busy: 486 ACKed, reported as failed 486"

# ---- CANCEL while ringing --------------------------------------------------------------------
mark
sipp_run cancel -sf "$here/uas_cancel.xml" -i "$adv_ip" -p 5070 -m 1
sleep 0.3
console "test sip invite sip:advisor@$adv_ip:5070"
wait_log 'test call: ringing 180' "cancel: ringing"
console "test sip bye"
wait_log 'test call: failed 487' "cancel: 487 reported"
sipp_wait cancel "$sipp_pid"
log "cancel: 180, CANCEL -> 200, 487 ACKed, reported as failed 487"

# ---- digest authentication -------------------------------------------------------------------
mark
sipp_run auth -sf "$here/uas_auth.xml" -i "$adv_ip" -p 5070 -m 1
sleep 0.3
console "test sip invite sip:advisor@$adv_ip:5070"
wait_log 'test call: answered 200: remote 198\.18\.0\.1:6002 PCMA/8 telephone-event/-1' \
	"auth: answered after the challenge"
console "test sip bye"
wait_log 'test call: ended by local 200' "auth: BYE answered"
sipp_wait auth "$sipp_pid"
log "auth: 401 -> INVITE with Authorization (sipp verifyauth: valid) -> 200"

# ---- OPTIONS and hostile requests from sipp ------------------------------------------------
sipp_run probe -sf "$here/uac_probe.xml" -i "$adv_ip" -p 5080 -m 1 "$box_ip:5060"
sipp_wait probe "$sipp_pid" 15
log "probe: OPTIONS 200, FOO 501, INFO 405, BYE 481, CANCEL 481, bad Content-Length 400, no To 400, MESSAGE 405"

# ---- garbage -------------------------------------------------------------------------------
ip netns exec "$ns" python3 "$here/garbage.py" "$box_ip" 5060 "$adv_ip" 5081 >"$T/garbage.out" 2>&1 ||
	fail "garbage: the box answered something it should drop: $(cat "$T/garbage.out")"
sipp_run probe2 -sf "$here/uac_probe.xml" -i "$adv_ip" -p 5080 -m 1 "$box_ip:5060"
sipp_wait probe2 "$sipp_pid" 15
: >"$con_out"
console "show sip"
grep -q 'listening' "$con_out" || fail "show sip: $(cat "$con_out")"
pe=$(sed -n 's/^ *\([0-9]*\) parse errors, \([0-9]*\) dropped, \([0-9]*\) bad requests.*/\1 \2 \3/p' "$con_out")
read -r parse_errors dropped bad_requests <<<"$pe"
[ "${parse_errors:-0}" -ge 4 ] && [ "${dropped:-0}" -ge 5 ] && [ "${bad_requests:-0}" -ge 4 ] ||
	fail "garbage: counters: $(cat "$con_out")"
grep -qE '^ *[0-9]+ stray responses, [1-9][0-9]* ACKs re-sent, [1-9][0-9]* authentication retries' \
	"$con_out" || fail "show sip: re-ACK/auth counters: $(cat "$con_out")"
log "garbage: no answers; box up; counters: $parse_errors parse errors, $dropped dropped, $bad_requests bad requests"

# ---- keep-alive towards the outbound proxy ---------------------------------------------------
mark
sipp_run proxy -sf "$here/uas_options.xml" -i "$adv_ip" -p 5072 -m 100
console "configure terminal"
console "sip"
console "outbound-proxy $adv_ip:5072"
console "end"
for _ in $(seq 40); do
	: >"$con_out"
	console "show sip"
	grep -q 'Keep-alive sip:198.18.0.1:5072 (proxy): up' "$con_out" && break
done
grep -q 'Keep-alive sip:198.18.0.1:5072 (proxy): up' "$con_out" ||
	fail "keepalive: proxy not up: $(cat "$con_out")"
it_stop "$sipp_pid"
wait_log 'keep-alive sip:198\.18\.0\.1:5072: down' "keepalive: failure detected" 15
console "show running-config"
grep -q '^ outbound-proxy 198.18.0.1:5072' "$con_out" || fail "running-config: $(cat "$con_out")"
grep -q '^ options-interval 5' "$con_out" || fail "running-config: options-interval"
console "configure terminal"
console "sip"
console "no outbound-proxy"
console "end"
log "keepalive: proxy up on OPTIONS 200, down when it stopped answering"

# ---- capture ----------------------------------------------------------------------------------
stop_capture
decode=(-d udp.port==5070,sip -d udp.port==5072,sip -d udp.port==5080,sip)
malformed=$(tshark -r "$cap" "${decode[@]}" \
	-Y '_ws.malformed && !(udp.srcport == 5080) && !(udp.srcport == 5081)' 2>/dev/null | wc -l)
[ "$malformed" = 0 ] || fail "tshark: $malformed malformed packets: $(tshark -r "$cap" \
	"${decode[@]}" -Y '_ws.malformed && !(udp.srcport == 5080) && !(udp.srcport == 5081)')"
n_sip=$(tshark -r "$cap" "${decode[@]}" -Y sip 2>/dev/null | wc -l)
offers=$(tshark -r "$cap" "${decode[@]}" -Y "sdp && ip.src == $box_ip" -T fields -e sdp.media 2>/dev/null)
[ "$(grep -c '^audio 40000 RTP/AVP 8 101$' <<<"$offers")" -ge 5 ] ||
	fail "tshark: the box's SDP offers: $offers"
log "tshark: $n_sip SIP packets decoded, offers 'audio 40000 RTP/AVP 8 101', none malformed"

finish_box
log "PASS"
