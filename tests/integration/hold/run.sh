#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# re-INVITE hold/resume (RFC 3264 8.4, RFC 6337) in a real call: pstn-sim calls a hotline, the
# box calls a sipp advisor that answers and echoes RTP (-rtp_echo), then re-INVITEs
# (adv_hold.xml): hold (sendonly), resume (sendrecv), its RTP port moved to 6002, and one
# without SDP (the box offers, the ACK answers). sipp checks the box's answers (recvonly /
# sendrecv, o= version 2, 3, then 3 unchanged); tshark counts the box's RTP in each phase:
# none to the advisor while held, ~50/s after resuming, to 6002 only after the move, to 6000
# again after the ACK's answer. The ISDN call stays up throughout (no DISCONNECT before the
# advisor's BYE, which ends it with cause 16). The hotline's first advisor is reached over TCP
# where nothing listens: the refused connection makes the box go on to the sipp advisor at once.
# Needs root (ip netns, tap). Addresses 198.18.0.0/24 inside the namespace only.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../../.." && pwd)
. "$top/tests/integration/scenario.sh"
it_setup hold
command -v sipp >/dev/null || fail "sipp missing (Debian package sip-tester)"
command -v tshark >/dev/null || fail "tshark missing"

ip netns add "$ns"
ip -n "$ns" link set lo up
ip netns exec "$ns" sysctl -qw net.ipv6.conf.default.disable_ipv6=1 || true
cat >"$T/factory.cfg" <<EOF
interface ethernet 0
 ip address $box_ip 255.255.255.0
hotline 0800123
 advisor sip:dead@$adv_ip:5099;transport=tcp
 advisor sip:adv@$adv_ip:5071
EOF
start_psim
start_box
net_up "$adv_ip"

start_tshark "$T/cap.pcapng"
it_bg "$cap_pid"

sipp_bg hold 5071 "$here/adv_hold.xml" -mi "$adv_ip" -mp 6000 -rtp_echo
sleep 0.3
m=$(mark)
t0=$(now_ms)
cmd "call called=0800123 calling=30123456 bchan=1"
wait_ev "$m" 5 '"ev":"connect"' || fail "no CONNECT"
t_conn=$(($(now_ms) - t0))
console enable 'show sip'
grep -qE 'TCP: 0 connections open, 0 accepted, 0 opened, 1 failed' "$T/out" ||
	fail "the first advisor (TCP, nothing listening) was not tried: $(cat "$T/out")"
log "first advisor over TCP refused the connection: the second answered, CONNECT after $t_conn ms"
[ "$t_conn" -lt 3000 ] || fail "CONNECT only after $t_conn ms: the refused connection was not taken as unreachable at once"
sipp_wait "hold (the advisor's checks of the box's answers)" "$sipp_pid" 15
wait_ev "$m" 5 '"ev":"disconnect".*"cause":16' || fail "no DISCONNECT 16 after the advisor's BYE"
n_disc=$(tail -n +$((m + 1)) "$EV" | grep -c '"ev":"disconnect"')
[ "$n_disc" = 1 ] || fail "the ISDN call was cleared $n_disc times"
stop_tshark

# the box's 200s to the re-INVITEs (CSeq 1..4), the ACK with the answer (4), its RTP to 6000/6002
cap=$T/cap.pcapng
tshark -r "$cap" -d udp.port==5071,sip \
	-Y "ip.src == $box_ip && sip.Status-Code == 200 && sip.CSeq.method == INVITE" \
	-T fields -e frame.time_relative -e sip.CSeq.seq >"$T/ok.txt" 2>/dev/null
tshark -r "$cap" -d udp.port==5071,sip -Y "ip.dst == $box_ip && sip.Method == ACK" \
	-T fields -e frame.time_relative -e sip.CSeq.seq >"$T/ack.txt" 2>/dev/null
tshark -r "$cap" -d udp.port==5071,sip -Y "ip.dst == $box_ip && sip.Method == BYE" \
	-T fields -e frame.time_relative >"$T/bye.txt" 2>/dev/null
tshark -r "$cap" -Y "ip.src == $box_ip && (udp.dstport == 6000 || udp.dstport == 6002)" \
	-T fields -e frame.time_relative -e udp.dstport >"$T/rtp.txt" 2>/dev/null
res=$(python3 "$here/phases.py" "$T") || fail "RTP analysis: $res"
case "$res" in *BAD*) fail "RTP per phase: $res" ;; esac
log "RTP from the box per phase: $res"
log "sipp saw recvonly (o= v2) to hold, sendrecv (v3) to resume and to the move (v3, unchanged), an offer (v3) to the re-INVITE without SDP"
log "the ISDN call stayed up until the advisor's BYE (DISCONNECT 16)"
kill -0 "$box" 2>/dev/null || fail "the box died"
! grep -E 'ERROR|FATAL' "$T/box.log" || fail "box logged errors"
echo "PASS"
