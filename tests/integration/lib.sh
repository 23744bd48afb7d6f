# SPDX-License-Identifier: GPL-2.0-or-later
# Helpers shared by the integration scenarios that drive pstn-sim and the box's console.
# Source it after setting T (the scenario's temp dir), EV (pstn-sim's JSON event file) and con
# (tools/con), and after defining fail(); fd 3 is pstn-sim's command fifo. start_psim and
# start_box also use build, ns and tap.

now_ms() { echo $(($(date +%s%N) / 1000000)); }
cmd() { echo "$*" >&3; }
mark() { wc -l <"$EV"; }
wait_ev() { # MARK TIMEOUT_S PATTERN: a pstn-sim event after line MARK
	local deadline=$(($(now_ms) + $2 * 1000))
	while [ "$(now_ms)" -lt $deadline ]; do
		tail -n +$(($1 + 1)) "$EV" | grep -qE -- "$3" && return 0
		sleep 0.02
	done
	return 1
}
stop_pid() {
	if [ -n "$1" ] && kill -0 "$1" 2>/dev/null; then
		kill "$1" 2>/dev/null || true
		wait "$1" 2>/dev/null || true
	fi
}
# One console command; its output lands in $T/out.
console() { $con "$T/console" "$@" >"$T/out" || fail "console: $*"; }
# field NAME "k=v k=v": the value of NAME (tools/tone's output)
field() { sed -n "s/.*\\b$1=\\([^ ]*\\).*/\\1/p" <<<"$2"; }
# within A B TOL: |A - B| <= TOL
within() { python3 -c "import sys; sys.exit(abs($1 - ($2)) > $3)"; }

# pstn-sim on $T/e1.sock, events to $EV, commands through fd 3; sets psim.
start_psim() {
	mkfifo "$T/cmd"
	"$build/pstn-sim" -s "$T/e1.sock" -o "$EV" <"$T/cmd" 2>"$T/psim.log" &
	psim=$!
	exec 3>"$T/cmd"
	for _ in $(seq 50); do
		[ -S "$T/e1.sock" ] && grep -q '"ev":"ready"' "$EV" 2>/dev/null && break
		sleep 0.05
	done
	[ -S "$T/e1.sock" ] || fail "pstn-sim did not start"
}
# The box in namespace $ns on tap $tap with $T/factory.cfg, console at $T/console, more hlgw
# options from the arguments; sets box and returns once the tap exists.
start_box() {
	ip netns exec "$ns" "$build/hlgw" -e "$T/e1.sock" --tap "$tap" --factory "$T/factory.cfg" \
		--flash "$T/flash" --console "$T/console" "$@" 2>"$T/box.log" &
	box=$!
	for _ in $(seq 50); do
		ip -n "$ns" link show "$tap" >/dev/null 2>&1 && break
		kill -0 "$box" 2>/dev/null || fail "box exited during start"
		sleep 0.1
	done
}

# wait_console: the box's console pty is there.
wait_console() {
	for _ in $(seq 50); do [ -L "$T/console" ] && break; sleep 0.1; done
	[ -L "$T/console" ] || fail "no console"
}
# wait_udp PORT PID: something (PID, a baresip) listens on UDP PORT in $ns.
wait_udp() {
	for _ in $(seq 50); do
		kill -0 "$2" 2>/dev/null || fail "process $2 exited during start"
		ip netns exec "$ns" ss -Hlun "sport = :$1" | grep -q . && return 0
		sleep 0.1
	done
	fail "nothing listening on UDP $1"
}
# place_call CALLED [MORE CALL ARGS]: pstn-sim calls CALLED and the advisor answers; sets call
# (pstn-sim's call id).
place_call() {
	local m
	m=$(mark)
	cmd "call called=$*"
	wait_ev "$m" 3 '"ev":"setup_sent"' || fail "pstn-sim did not send the SETUP"
	call=$(tail -n +$((m + 1)) "$EV" | grep '"ev":"setup_sent"' | head -n 1 |
		sed 's/.*"call":\([0-9]*\).*/\1/')
	wait_ev "$m" 8 "\"ev\":\"connect\".*\"call\":$call[,}]" || fail "no CONNECT"
}

# bs_config DIR PORT USER SOURCE PLAYER [MORE CONFIG LINES]: a baresip config directory for an
# advisor at $adv_ip:PORT.
# baresip 1.0 (Debian 12): answermode=auto is carried out by menu.so; aufile is only a source
# there (no aufile player), so the player is an aubridge device.
bs_config() {
	mkdir -p "$1"
	cat >"$1/config" <<EOF
poll_method		epoll
sip_listen		$adv_ip:$2
audio_source		$4
audio_player		$5
audio_alert		$5
audio_srate		8000
audio_channels		1
module_path		/usr/lib/baresip/modules
module			g711.so
module			aufile.so
module			aubridge.so
module_app		account.so
module_app		menu.so
${6:-}
EOF
	echo "<sip:$3@$adv_ip:$2>;regint=0;answermode=auto;audio_codecs=pcma" >"$1/accounts"
}

# After start_box: the peer address ($1) on the tap, the link up, the D-channel up, the console
# there, and the pause design.md 7 asks before the first SETUP.
net_up() {
	ip -n "$ns" addr add "$1/24" dev "$tap"
	ip -n "$ns" link set "$tap" up
	wait_ev 0 5 '"ev":"dchan_up"' || fail "no D-channel"
	for _ in $(seq 50); do [ -L "$T/console" ] && break; sleep 0.1; done
	[ -L "$T/console" ] || fail "no console"
	sleep 0.5
}
# tshark on the tap into $1 (more tshark arguments after it); sets cap_pid once it captures.
start_tshark() {
	local out=$1
	shift
	ip netns exec "$ns" tshark -i "$tap" -w "$out" -q "$@" >"$out.log" 2>&1 &
	cap_pid=$!
	for _ in $(seq 50); do
		grep -q 'Capturing on' "$out.log" 2>/dev/null && break
		sleep 0.1
	done
}
stop_tshark() {
	sleep 0.3
	kill -INT "$cap_pid"
	wait "$cap_pid" || true
	cap_pid=
}
