#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Call-progress tones from the box (issue 5 point 5): with `ringback inband`, while the advisor's
# phone rings (a sipp advisor: 180, 6.5 s, 200) the caller gets ALERTING with in-band
# information and hears Germany's ringback from libtonezone's zone "de" (the default): 425 Hz at
# -10 dBm0 for 1 s, 4 s silent, again from 5 s; after the answer the tone stops. The console
# shows the zones and the tones in use, refuses an unknown country, and writes the settings.
# Needs root (ip netns, tap) and sipp (Debian package sip-tester).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../../.." && pwd)
tone=$top/tools/tone
. "$top/tests/integration/scenario.sh"
it_setup tones
command -v sipp >/dev/null || fail "sipp missing (Debian package sip-tester)"

# ---- set-up ----------------------------------------------------------------------------------
ip netns add "$ns"
ip -n "$ns" link set lo up
cat >"$T/factory.cfg" <<EOF
interface ethernet 0
 ip address $box_ip 255.255.255.0
ringback inband
hotline 0800123
 advisor sip:adv@$adv_ip:5071
EOF
start_psim
start_box
ip -n "$ns" addr add "$adv_ip/24" dev "$tap"
ip -n "$ns" link set "$tap" up
wait_ev 0 5 '"ev":"dchan_up"' || fail "no D-channel"
for _ in $(seq 50); do [ -L "$T/console" ] && break; sleep 0.1; done
[ -L "$T/console" ] || fail "no console"

# ---- console --------------------------------------------------------------------------------------
console 'show tone-zones'
n=$(grep -cE '^[ *] [a-z-]+ +[A-Z]' "$T/out" || true)
[ "$n" -ge 40 ] || fail "show tone-zones: $n countries: $(head -n 5 "$T/out")"
grep -qE '^\* de +Germany' "$T/out" || fail "show tone-zones: de not in use: $(cat "$T/out")"
console 'show tone-zone'
grep -q '^Tone zone de (Germany), in use, -10 dBm0 per frequency' "$T/out" &&
	grep -qE '^  ringback +425/1000,0/4000$' "$T/out" &&
	grep -q '^Ringback while an advisor rings: inband' "$T/out" ||
	fail "show tone-zone: $(cat "$T/out")"
console 'show tone-zone th'
grep -qE 'call-waiting +1000/400,10000/400,1000/400  \(cannot be played\)' "$T/out" ||
	fail "show tone-zone th: $(cat "$T/out")"
console enable 'configure terminal' 'tone-zone xx' 'tone-zone uk' 'end' 'show running-config'
grep -q "% Unknown country 'xx'" "$T/out" || fail "tone-zone xx accepted: $(cat "$T/out")"
grep -q '^tone-zone uk$' "$T/out" && grep -q '^ringback inband$' "$T/out" ||
	fail "running-config: $(cat "$T/out")"
console enable 'configure terminal' 'tone-zone de' 'end' 'show running-config'
grep -q '^tone-zone' "$T/out" && fail "the default zone is written: $(cat "$T/out")"
log "console: $n countries, de in use, its tones; tone-zone xx refused; uk then de in the running config"

# ---- a call that rings 6.5 s ----------------------------------------------------------------------
sipp_bg ring 5071 "$here/adv_ring.xml" -d 6500
sleep 0.5 # design.md 7: not right after link-up
psim_call 0800123 30123456 1
wait_ev "$m" 5 "\"ev\":\"alerting\",\"call\":$call,\"inband\":true" ||
	fail "no ALERTING with in-band information"
cmd "record call=$call $T/ring.wav"
wait_ev "$m" 10 "\"ev\":\"connect\".*\"call\":$call[,}]" || fail "no CONNECT"
cmd "record call=$call stop"
sleep 0.3
cmd "hangup call=$call"
wait_ev "$m" 5 "\"ev\":\"release\".*\"call\":$call," || fail "no RELEASE"
sipp_wait ring "$sipp_pid"

# what the caller heard while it rang: the recording starts within ~50 ms of the tone
on1=$("$tone" measure "$T/ring.wav" --skip 150 --len 750)
off=$("$tone" measure "$T/ring.wav" --skip 1300 --len 3400)
on2=$("$tone" measure "$T/ring.wav" --skip 5200 --len 600)
log "0.15-0.9 s: $on1"
log "1.3-4.7 s:  $off"
log "5.2-5.8 s:  $on2"
for w in "$on1" "$on2"; do
	within "$(field freq "$w")" 425 2 || fail "ringback not 425 Hz: $w"
	within "$(field level "$w")" -10 0.5 || fail "ringback not at -10 dBm0: $w"
	python3 -c "import sys; sys.exit(not $(field rest "$w") < -30)" ||
		fail "ringback not a clean tone: $w"
done
python3 -c "import sys; sys.exit(not $(field total "$off") < -60)" ||
	fail "ringback's pause not silent: $off"
log "ALERTING with in-band information; ringback 425 Hz -10 dBm0 on at 0 and 5 s, silent between"
echo "PASS"
