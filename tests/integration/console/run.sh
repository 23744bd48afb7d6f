#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The serial console on the sim: commands over a pty with tools/con, CR LF runs a line once,
# no telnet bytes (0xff) reach the line, `write` survives a kill, a power cut during `write`
# leaves the previous config, 20 KB of line noise neither crash the box nor wedge the console.
set -euo pipefail
top=$(cd "$(dirname "$0")/../../.." && pwd)
HLGW_BUILD=${HLGW_BUILD:-$top/build/sim}
con=$top/tools/con
T=$(mktemp -d /tmp/hlgw-console.XXXXXX)
pid=

stop() {
	if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
		kill "$pid" 2>/dev/null || true
		wait "$pid" 2>/dev/null || true
	fi
	pid=
}
cleanup() {
	stop
	rm -rf "$T"
}
trap cleanup EXIT

fail() {
	echo "FAIL: $*"
	echo "--- box log:"
	tail -n 30 "$T/log" 2>/dev/null || true
	exit 1
}

start() { # extra hlgw options...
	rm -f "$T/console"
	"$HLGW_BUILD/hlgw" --console "$T/console" --flash "$T/flash" "$@" 2>>"$T/log" &
	pid=$!
	for _ in $(seq 50); do
		[ -L "$T/console" ] && return 0
		sleep 0.1
	done
	fail "console pty did not appear"
}

expect() { # file pattern what
	grep -qE -- "$2" "$1" || { echo "--- output:"; cat "$1"; fail "$3"; }
}

echo "== commands"
start
$con "$T/console" 'show version' >"$T/out"
expect "$T/out" '^hlgw ' "show version"
$con "$T/console" enable 'show controllers e1 0' 'show isdn status' 'show ip interface' \
	'show running-config' 'no such command' 'show' >"$T/out"
expect "$T/out" '^E1 0 is (up|down)\.' "show controllers e1"
expect "$T/out" 'Framing is CRC4, Line Code is HDB3' "framing/line code"
expect "$T/out" '^Ethernet0 is' "show ip interface"
expect "$T/out" '^span 0$' "running-config has span 0"
expect "$T/out" '^% Unknown command\.' "unknown command error"
expect "$T/out" '^% Command incomplete\.' "incomplete command error"

echo "== CR LF runs a line once"
$con "$T/console" --eol crlf --settle 0.5 'show version' >"$T/out"
[ "$(grep -c '^Uptime is' "$T/out")" = 1 ] || { cat "$T/out"; fail "CR LF ran the line twice"; }
$con "$T/console" --eol lf 'show version' >"$T/out"
expect "$T/out" '^Uptime is' "LF alone ends a line"

echo "== no telnet bytes on the line (a new session sends its negotiation)"
$con "$T/console" --raw --settle 0.5 disable exit >"$T/raw"
expect "$T/raw" 'Welcome to the hlgw' "a new session after exit"
if od -An -tx1 -v "$T/raw" | grep -qw ff; then
	fail "byte 0xff on the console"
fi
$con "$T/console" 'show version' >"$T/out"
expect "$T/out" '^Uptime is' "console answers in the new session"

echo "== write, kill -9, restart: the config is back"
$con "$T/console" enable 'configure terminal' 'span 0' 'framing no-crc4' 'linecode ami' \
	'clock source internal' 'exit' 'interface ethernet 0' 'ip address 198.18.7.2 255.255.255.0' \
	'end' 'write memory' >"$T/out"
expect "$T/out" '^\[OK\]' "write memory"
kill -9 "$pid"
wait "$pid" 2>/dev/null || true
start
$con "$T/console" enable 'show running-config' >"$T/out"
expect "$T/out" '^ framing no-crc4' "framing survived the restart"
expect "$T/out" '^ linecode ami' "line code survived the restart"
expect "$T/out" '^ clock source internal' "clock source survived the restart"
expect "$T/out" '^ ip address 198.18.7.2 255.255.255.0' "IP address survived the restart"
$con "$T/console" 'show startup-config' >"$T/out"
expect "$T/out" '^ framing no-crc4' "show startup-config"
stop

echo "== power cut during write (program call 1: text, 2: header)"
for cut in 1 2; do
	start --flash-cut "$cut"
	$con "$T/console" enable 'configure terminal' 'span 0' 'framing crc4' 'linecode hdb3' \
		'end' >/dev/null
	$con "$T/console" -t 2 'write' >"$T/out" 2>&1 || true
	for _ in $(seq 30); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
	kill -0 "$pid" 2>/dev/null && fail "flash cut $cut: the box did not lose power"
	wait "$pid" 2>/dev/null || true
	pid=
	start
	$con "$T/console" enable 'show running-config' >"$T/out"
	expect "$T/out" '^ framing no-crc4' "cut $cut: previous config (framing) intact"
	expect "$T/out" '^ linecode ami' "cut $cut: previous config (line code) intact"
	stop
done
# and the next write after a cut works
start
$con "$T/console" enable 'configure terminal' 'span 1' 'echocanceller 64' 'end' 'write' >"$T/out"
expect "$T/out" '^\[OK\]' "write after a cut"
stop
start
$con "$T/console" enable 'show running-config' >"$T/out"
expect "$T/out" '^ echocanceller 64' "write after a cut is loaded"

echo "== 20 KB of line noise"
head -c 20000 /dev/urandom >"$T/noise"
cat "$T/noise" >"$T/console"
sleep 1
kill -0 "$pid" 2>/dev/null || fail "the box died on line noise"
$con "$T/console" 'show version' >"$T/out" || fail "no prompt after line noise"
expect "$T/out" '^Uptime is' "console answers after line noise"

echo "== factory config when the flash holds none"
stop
printf 'span 2\n framing no-crc4\n bogus line\n linecode ami\n!\nspan=4,1,0,ccs,ami\n' >"$T/factory"
rm -f "$T/flash"
start --factory "$T/factory"
$con "$T/console" enable 'show running-config' >"$T/out"
awk '/^span 2$/,/^!$/' "$T/out" >"$T/span2"
expect "$T/span2" '^ framing no-crc4' "factory config applied"
expect "$T/span2" '^ linecode ami' "replay goes on after a bad line"
awk '/^span 3$/,/^!$/' "$T/out" >"$T/span3"
expect "$T/span3" '^ framing no-crc4' "DAHDI span= line in the factory config"
expect "$T/log" "factory config line 3: 'bogus line'" "bad line logged with its number"
stop
echo "PASS"
