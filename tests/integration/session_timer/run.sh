#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Session timers (RFC 4028) in real calls, two at once to keep it short (~65 s): the box asks
# session-expires 90 (min-se 90).
#   refresh  hotline 0800100 -> sipp (adv_refresh.xml): 422 Min-SE 92 -> the INVITE again with
#            Session-Expires/Min-SE 92; 200 refresher=uac -> the box's refresh re-INVITE comes
#            46 s later (half of 92, +-1 s; measured in the capture), same SDP version; 200;
#            the advisor's BYE ends the call with DISCONNECT 16
#   expire   hotline 0800200 -> sipp (adv_expire.xml): 200 with Session-Expires 90;refresher=uas
#            and no refresh -> the box's BYE (Reason cause 102) 60 s after the 200 (90 - 30,
#            +-1 s) and the caller gets DISCONNECT cause 102
# `show sip` counts 1 refresh sent and 1 session expired.
# Needs root (ip netns, tap). Addresses 198.18.0.0/24 inside the namespace only.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../../.." && pwd)
. "$top/tests/integration/scenario.sh"
it_setup session_timer
command -v sipp >/dev/null || fail "sipp missing (Debian package sip-tester)"
command -v tshark >/dev/null || fail "tshark missing"

ip netns add "$ns"
ip -n "$ns" link set lo up
ip netns exec "$ns" sysctl -qw net.ipv6.conf.default.disable_ipv6=1 || true
cat >"$T/factory.cfg" <<EOF
interface ethernet 0
 ip address $box_ip 255.255.255.0
sip
 session-expires 90
hotline 0800100
 advisor sip:refresh@$adv_ip:5071
hotline 0800200
 advisor sip:expire@$adv_ip:5072
EOF
start_psim
start_box
net_up "$adv_ip"

start_tshark "$T/cap.pcapng" -f "udp port 5060"
it_bg "$cap_pid"

# the advisors wait up to 70 s for the refresh or the BYE
sipp_bg refresh 5071 "$here/adv_refresh.xml" -mi "$adv_ip" -mp 6000 -rtp_echo -timeout 90s
a_pid=$sipp_pid
sipp_bg expire 5072 "$here/adv_expire.xml" -mi "$adv_ip" -mp 6010 -rtp_echo -timeout 90s
b_pid=$sipp_pid
sleep 0.3
m=$(mark)
cmd "call called=0800100 calling=30123456 bchan=1"
wait_ev "$m" 5 '"ev":"connect".*"call":1[,}]' || fail "refresh: no CONNECT"
cmd "call called=0800200 calling=30123456 bchan=2"
wait_ev "$m" 5 '"ev":"connect".*"call":2[,}]' || fail "expire: no CONNECT"
log "two calls up; waiting for the refresh (46 s) and the expiry (60 s)"
sipp_wait refresh "$a_pid" 55
wait_ev "$m" 5 '"ev":"disconnect".*"call":1,"cause":16,' || fail "refresh: no DISCONNECT 16"
sipp_wait expire "$b_pid" 20
wait_ev "$m" 5 '"ev":"disconnect".*"call":2,"cause":102,' || fail "expire: no DISCONNECT 102"
console enable 'show sip'
grep -q 'Session timer 90 s (Min-SE 90 s): 1 refreshes sent, 1 sessions expired' "$T/out" ||
	fail "show sip: $(cat "$T/out")"
stop_tshark

# when: sipp's 200 with Session-Expires to each INVITE, the box's refresh and its BYE
f() { tshark -r "$T/cap.pcapng" -Y "$1" -T fields -e frame.time_relative 2>/dev/null | head -n 1; }
ok_a=$(f "ip.src == $adv_ip && udp.srcport == 5071 && sip.Status-Code == 200 && sip.CSeq.method == INVITE")
ref_a=$(f "ip.src == $box_ip && udp.dstport == 5071 && sip.Method == INVITE && sip.to.tag")
ok_b=$(f "ip.src == $adv_ip && udp.srcport == 5072 && sip.Status-Code == 200 && sip.CSeq.method == INVITE")
bye_b=$(f "ip.src == $box_ip && udp.dstport == 5072 && sip.Method == BYE")
[ -n "$ok_a" ] && [ -n "$ref_a" ] && [ -n "$ok_b" ] && [ -n "$bye_b" ] ||
	fail "capture: 200 '$ok_a' refresh '$ref_a' 200 '$ok_b' BYE '$bye_b'"
d_ref=$(python3 -c "print('%.2f' % ($ref_a - $ok_a))")
d_bye=$(python3 -c "print('%.2f' % ($bye_b - $ok_b))")
within "$d_ref" 46 1 || fail "refresh after $d_ref s, not 46"
within "$d_bye" 60 1 || fail "BYE after $d_bye s, not 60"
log "refresh: 422 Min-SE 92 -> INVITE asking 92; refresh re-INVITE $d_ref s after the 200 (target 46), same SDP version; advisor BYE -> DISCONNECT 16"
log "expire: no refresh from the advisor -> BYE with Reason cause 102 $d_bye s after the 200 (target 60), caller DISCONNECT 102"
kill -0 "$box" 2>/dev/null || fail "the box died"
! grep -E 'ERROR|FATAL' "$T/box.log" || fail "box logged errors"
echo "PASS"
