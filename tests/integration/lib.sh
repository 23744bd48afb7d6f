# SPDX-License-Identifier: GPL-2.0-or-later
# Helpers shared by the integration scenarios that drive pstn-sim and the box's console.
# Source it after setting T (the scenario's temp dir), EV (pstn-sim's JSON event file) and con
# (tools/con), and after defining fail(); fd 3 is pstn-sim's command fifo.

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
