#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# SIP over TCP (RFC 3261 section 18) between the box and sipp in a private network namespace:
#   tcp call   `test sip invite sip:advisor@...;transport=tcp` -> sipp -t t1 sees Via TCP and a
#              Contact with transport=tcp; 180, 200, ACK and the box's BYE on one connection
#   large      sipp's UDP side challenges with a long opaque: the INVITE with credentials is
#              over 1300 octets and comes over TCP to the same port (sipp -t t1 verifies the
#              digest); 200, ACK, BYE over TCP; `show sip` counts the switch
#   fallback   the same towards an advisor with no TCP at all: refused, so the INVITE goes
#              again over UDP, large as it is (RFC 3261 18.1.1's SHOULD)
#   refused    an advisor URI with ;transport=tcp where nothing listens: the call fails 503 at
#              once (call control's "unreachable: next advisor"), not after Timer B
#   requests   sipp -t t1 sends OPTIONS, FOO, INFO, BYE, CANCEL over TCP: 200/501/405/481/481
#   stream     stream.py: a request in pieces, three in one segment, a CRLF ping, a body too
#              large (413, closed), binary junk (closed, no answer)
#   flood      peers get at most half of the connections: one more is refused
#   idle       tcp-idle 5: the connections close when unused; running-config keeps tcp-idle
# tshark decodes SIP over TCP in the capture with nothing malformed (but the junk).
# Needs root (ip netns, tap). Addresses 198.18.0.0/24 inside the namespace only.
#   HLGW_BUILD  build dir holding hlgw (default build/sim);  HLGW_BIN overrides the binary.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
name=sip_tcp
. "$here/../sipp_lib.sh"

cat >"$T/factory.cfg" <<CFG
interface ethernet 0
 ip address $box_ip 255.255.255.0
sip
 username box
 password s3cret
CFG
start_sip_box
wait_log 'listening on TCP port 5060' "SIP TCP port bound"

start_capture

# ---- a call over TCP (the advisor URI asks for it) ------------------------------------------
mark
sipp_run tcpcall -sf "$here/uas_tcp_answer.xml" -t t1 -i "$adv_ip" -p 5070 -m 1
sleep 0.3
console "test sip invite sip:advisor@$adv_ip:5070;transport=tcp"
wait_log 'test call: ringing 180' "tcp call: ringing"
wait_log 'test call: answered 200: remote 198\.18\.0\.1:6010' "tcp call: answered"
show_sip
grep -qE '^  TCP connection [0-9]+ to 198\.18\.0\.1:5070, connected' "$con_out" ||
	fail "tcp call: show sip has no connection: $(cat "$con_out")"
grep -q 'transports UDP listening, TCP listening' "$con_out" ||
	fail "show sip: transports: $(cat "$con_out")"
console "test sip bye"
wait_log 'test call: ended by local 200' "tcp call: BYE answered"
sipp_wait tcpcall "$sipp_pid"
log "tcp call: INVITE (Via TCP, Contact transport=tcp), 180, 200, ACK, BYE on one TCP connection"

# ---- an INVITE over 1300 octets switches to TCP (RFC 3261 18.1.1) ----------------------------
mark
sipp_run bigudp -sf "$here/uas_udp_challenge.xml" -i "$adv_ip" -p 5074 -m 1
big_udp=$sipp_pid
sipp_run bigtcp -sf "$here/uas_tcp_auth.xml" -t t1 -i "$adv_ip" -p 5074 -m 1
sleep 0.3
console "test sip invite sip:advisor@$adv_ip:5074"
wait_log 'test call: answered 200: remote 198\.18\.0\.1:6012' "large: answered over TCP"
console "test sip bye"
wait_log 'test call: ended by local 200' "large: BYE answered"
sipp_wait bigtcp "$sipp_pid"
sipp_wait bigudp "$big_udp"
show_sip
grep -qE ' 1 requests over 1300 octets sent by TCP' "$con_out" ||
	fail "large: switch not counted: $(cat "$con_out")"
log "large: 401 over UDP, INVITE with credentials over 1300 octets over TCP (digest verified), 200, BYE"

# ---- the same with nothing on TCP: back to UDP (RFC 3261 18.1.1) -----------------------------
mark
sipp_run fallback -sf "$here/uas_udp_fallback.xml" -i "$adv_ip" -p 5076 -m 1
sleep 0.3
console "test sip invite sip:advisor@$adv_ip:5076"
wait_log 'test call: answered 200: remote 198\.18\.0\.1:6012' "fallback: answered over UDP"
console "test sip bye"
wait_log 'test call: ended by local 200' "fallback: BYE answered"
sipp_wait fallback "$sipp_pid"
log "fallback: the large INVITE's TCP connection refused -> the same INVITE over UDP (digest verified), 200, BYE"

# ---- connect refused: fails at once -----------------------------------------------------------
mark
t0=$(date +%s%N)
console "test sip invite sip:advisor@$adv_ip:5099;transport=tcp"
wait_log 'test call: failed 503' "refused: no failure reported" 5
ms=$((($(date +%s%N) - t0) / 1000000))
[ "$ms" -lt 4000 ] || fail "refused: took $ms ms"
show_sip
grep -qE ' [1-9][0-9]* failed' "$con_out" || fail "refused: not counted: $(cat "$con_out")"
log "refused: connection refused -> failed 503 after $ms ms (Timer B would be 32 s)"

# ---- requests from sipp over TCP ------------------------------------------------------------
sipp_run probe -sf "$here/uac_tcp_probe.xml" -t t1 -i "$adv_ip" -p 5080 -m 1 "$box_ip:5060"
sipp_wait probe "$sipp_pid" 15
log "requests: OPTIONS 200, FOO 501, INFO 405, BYE 481, CANCEL 481 over one TCP connection"

# ---- hostile stream ----------------------------------------------------------------------------
ip netns exec "$ns" python3 "$here/stream.py" "$box_ip" 5060 "$adv_ip" >"$T/stream.out" 2>&1 ||
	fail "stream: $(cat "$T/stream.out")"
show_sip
rejects=$(sed -n 's/.* \([0-9]*\) rejects,.*/\1/p' "$con_out")
[ "${rejects:-0}" -ge 2 ] || fail "stream: rejects not counted: $(cat "$con_out")"
log "stream: split request 200, 3 in a segment 200/501/200 in order, ping pong, 413 + close, junk closed ($rejects rejects)"

# ---- a flood of connections: half of them for peers, the rest kept for advisors --------------
conns=$(sed -n 's/^#define CONFIG_SIP_TCP_CONNS \([0-9]*\)/\1/p' "$build/include/autoconf.h")
ip netns exec "$ns" python3 "$here/stream.py" "$box_ip" 5060 "$adv_ip" flood $((conns / 2)) \
	>"$T/flood.out" 2>&1 || fail "flood: $(cat "$T/flood.out")"
log "$(cat "$T/flood.out") (SIP_TCP_CONNS $conns)"

# ---- idle close ---------------------------------------------------------------------------------
console "configure terminal"
console "sip"
console "tcp-idle 5"
console "end"
ip netns exec "$ns" python3 "$here/stream.py" "$box_ip" 5060 "$adv_ip" idle 5 \
	>"$T/idle.out" 2>&1 || fail "idle: $(cat "$T/idle.out")"
show_sip
grep -qE '^  TCP: 0 connections open' "$con_out" &&
	grep -qE ' [1-9][0-9]* idle closes \(after 5 s\)' "$con_out" ||
	fail "idle: $(cat "$con_out")"
: >"$con_out"
console "show running-config"
grep -q '^ tcp-idle 5' "$con_out" || fail "running-config: $(cat "$con_out")"
log "idle: $(cat "$T/idle.out") (tcp-idle 5, kept in running-config)"

# ---- capture ------------------------------------------------------------------------------------
stop_capture
decode=(-d tcp.port==5070,sip -d tcp.port==5074,sip -d udp.port==5074,sip -d tcp.port==5080,sip)
n_tcp=$(tshark -r "$cap" "${decode[@]}" -Y 'sip && tcp' 2>/dev/null | wc -l)
[ "$n_tcp" -ge 20 ] || fail "tshark: only $n_tcp SIP messages over TCP"
big=$(tshark -r "$cap" "${decode[@]}" -Y "sip.Method == INVITE && tcp && ip.src == $box_ip && sip.Authorization" \
	-T fields -e tcp.len 2>/dev/null | sort -n | tail -n 1)
[ "${big:-0}" -gt 1300 ] || fail "tshark: no INVITE over 1300 octets on TCP (${big:-none})"
big_udp=$(tshark -r "$cap" "${decode[@]}" -d udp.port==5076,sip \
	-Y "sip.Method == INVITE && udp && ip.src == $box_ip && sip.Authorization" \
	-T fields -e udp.length 2>/dev/null | sort -n | tail -n 1)
[ "${big_udp:-0}" -gt 1300 ] || fail "tshark: no INVITE over 1300 octets on UDP (${big_udp:-none})"
malformed=$(tshark -r "$cap" "${decode[@]}" -Y '_ws.malformed' 2>/dev/null | wc -l)
[ "$malformed" = 0 ] || fail "tshark: $malformed malformed: $(tshark -r "$cap" "${decode[@]}" -Y _ws.malformed)"
log "tshark: $n_tcp SIP messages over TCP decoded (INVITE with credentials $big octets; $big_udp octets over UDP after the fallback), none malformed"

finish_box
log "PASS"
