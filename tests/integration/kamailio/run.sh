#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# An advisor registered at kamailio is reached through it (issue 3). In a private network
# namespace: kamailio 5.6 as an in-memory registrar and record-routing proxy (kamailio.cfg,
# usrloc db_mode=0, INVITEs need proxy digest auth) on 198.18.0.3; the box (198.18.0.2) with
# `outbound-proxy 198.18.0.3`, credentials and `advisor sip:advisor1@hotline.test`; a sipp
# advisor on 198.18.0.1:5071 that first REGISTERs as advisor1 and then answers. pstn-sim calls
# the hotline: kamailio challenges the INVITE (407), the box sends it again with credentials,
# kamailio looks the advisor up and relays it (its Via and Record-Route seen by sipp), CONNECT
# reaches the caller, the caller hangs up and the BYE goes through the proxy (record-routed) to
# the registered contact.
# Needs root (ip netns, tap) and kamailio (Debian package kamailio).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../../.." && pwd)
kam_ip=198.18.0.3
domain=hotline.test
. "$top/tests/integration/scenario.sh"
it_setup kamailio
IT_DIAG=$T/kam.log
command -v sipp >/dev/null || fail "sipp missing (Debian package sip-tester)"
command -v kamailio >/dev/null || fail "kamailio missing (Debian package kamailio)"

# ---- set-up ----------------------------------------------------------------------------------
ip netns add "$ns"
ip -n "$ns" link set lo up
cat >"$T/factory.cfg" <<EOF
interface ethernet 0
 ip address $box_ip 255.255.255.0
sip
 outbound-proxy $kam_ip
 domain $domain
 username box
 password s3cret
 options-interval 5
calling-prefix national +49
hotline 0800777
 advisor sip:advisor1@$domain
EOF
start_psim
start_box
ip -n "$ns" addr add "$adv_ip/24" dev "$tap"
ip -n "$ns" addr add "$kam_ip/24" dev "$tap"
ip -n "$ns" link set "$tap" up

# kamailio in the foreground (-DD), logging to stderr (-E), its runtime files in $T
ip netns exec "$ns" kamailio -DD -E -f "$here/kamailio.cfg" -A "KAM_IP=$kam_ip" \
	-A "KAM_DOMAIN=$domain" -Y "$T" -P "$T/kam.pid" -m 32 -M 4 >"$T/kam.log" 2>&1 &
kam=$!
it_bg "$kam"
for _ in $(seq 50); do
	ip netns exec "$ns" ss -lun 2>/dev/null | grep -q "$kam_ip:5060" && break
	kill -0 "$kam" 2>/dev/null || fail "kamailio exited during start"
	sleep 0.1
done
ip netns exec "$ns" ss -lun | grep -q "$kam_ip:5060" || fail "kamailio not listening"

wait_ev 0 5 '"ev":"dchan_up"' || fail "no D-channel"
wait_console
grep -q 'listening on UDP port 5060' "$T/box.log" || fail "SIP not listening"

# the box's keep-alive finds the proxy up
for _ in $(seq 30); do
	console 'show sip'
	grep -q "(proxy).*up" "$T/out" && break
	sleep 0.2
done
grep -q "Outbound proxy $kam_ip:5060" "$T/out" || fail "show sip: $(cat "$T/out")"
grep -q "(proxy).*up" "$T/out" || fail "proxy not up: $(cat "$T/out")"
log "box: outbound proxy $kam_ip:5060 up (OPTIONS answered by kamailio)"

# ---- the advisor registers -------------------------------------------------------------------
# sipp_bg with every message in $T, 30 s at the most
sipp_bg register 5071 adv_register.xml -trace_msg -timeout 30s -key domain "$domain" "$kam_ip:5060"
sipp_wait register "$sipp_pid" 5
grep -q "KAM: registered sip:advisor1@$domain contact <sip:advisor1@$adv_ip:5071>" "$T/kam.log" ||
	fail "kamailio did not log the registration"
log "advisor1 registered at kamailio: contact sip:advisor1@$adv_ip:5071"

# ---- a call reaches it through the proxy; the caller hangs up ---------------------------------
sipp_bg answer 5071 adv_answer.xml -trace_msg -timeout 30s
a_pid=$sipp_pid
sleep 0.5 # sipp bound; design.md 7: not right after link-up
psim_call 0800777 30123456 1 ton=national
wait_ev "$m" 5 "\"ev\":\"alerting\".*\"call\":$call[,}]" || fail "no ALERTING"
wait_ev "$m" 5 "\"ev\":\"connect\".*\"call\":$call[,}]" || fail "no CONNECT"
grep -q "KAM: 407 challenge for INVITE sip:advisor1@$domain" "$T/kam.log" ||
	fail "kamailio did not challenge the INVITE"
grep -q "KAM: authenticated box for INVITE sip:advisor1@$domain" "$T/kam.log" ||
	fail "the box did not authenticate at kamailio"
grep -q "KAM: INVITE to sip:advisor1@$domain looked up: sip:advisor1@$adv_ip:5071" "$T/kam.log" ||
	fail "kamailio did not look the advisor up"
sleep 1
console 'show calls'
grep -qE "S0/1 .*sip:advisor1@hotline\.test +ACTIVE" "$T/out" || fail "show calls: $(cat "$T/out")"
m2=$(mark)
cmd "hangup call=$call"
sipp_wait answer "$a_pid" 10
wait_ev "$m2" 5 "\"ev\":\"release\".*\"call\":$call," || fail "the caller's side not released"
grep -q "KAM: in-dialog BYE relayed to sip:advisor1@$adv_ip:5071" "$T/kam.log" ||
	fail "the BYE did not pass kamailio"
log "call: INVITE -> 407 -> INVITE with Proxy-Authorization (user box) via kamailio (lookup -> registered contact, Via + Record-Route of the proxy), CONNECT; caller hangup -> BYE (Reason 16) record-routed through kamailio"

# ---- nothing left behind ---------------------------------------------------------------------
sleep 0.5
console 'show calls'
grep -q '^0 calls; since start: 1 SETUPs, 0 refused, 1 answered' "$T/out" || fail "calls left: $(cat "$T/out")"
kill -0 "$box" 2>/dev/null || fail "the box died"
kill -0 "$kam" 2>/dev/null || fail "kamailio died"
echo "PASS"
