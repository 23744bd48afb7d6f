# SPDX-License-Identifier: GPL-2.0-or-later
# The frame of a scenario (source it, then call it_setup NAME): the common state, fail() with
# the usual diagnostics, cleanup of every process and the namespace, sipp advisors and
# pstn-sim calls. It sources lib.sh; sipp_lib.sh builds on it for the scenarios without pstn-sim.
#   it_setup NAME   build, con, ns (hlgw-NAME-PID), tap, adv_ip, box_ip, T, EV; traps; root check
#   stop_box        the box ends (SIGKILL after 5 s), its exit status in box_rc;  finish_box:
#                   it ends cleanly after a run with no error logged
#   it_bg PID       stop this process too at the end;  it_stop PID: stop it now (or forget it
#                   once waited for)
#   IT_DIAG         more files fail() shows (default: sipp's *errors.log and every *.out)
top=${top:?set top before sourcing scenario.sh}

log() { echo "$it_name: $*"; }
fail() {
	local f
	echo "$it_name: FAIL: $*" >&2
	if [ -s "${EV:-}" ]; then # not in the scenarios without pstn-sim
		echo "--- pstn-sim events (last 15):" >&2
		tail -n 15 "$EV" | cut -c1-300 >&2 || true
	fi
	echo "--- box log (last 30):" >&2
	tail -n 30 "$T/box.log" 2>/dev/null >&2 || true
	for f in "$T"/*errors.log "$T"/*.out ${IT_DIAG:-}; do
		[ -s "$f" ] || continue
		echo "--- $f (last 20)" >&2
		tail -n 20 "$f" >&2
	done
	exit 1
}
. "$top/tests/integration/lib.sh"

# stop_box: SIGTERM to the box, SIGKILL after 5 s (a box stuck at exit does not hang the test);
# its exit status in box_rc
stop_box() {
	box_rc=0
	[ -n "$box" ] || return 0
	kill -TERM "$box" 2>/dev/null || true
	for _ in $(seq 50); do
		kill -0 "$box" 2>/dev/null || break
		sleep 0.1
	done
	kill -KILL "$box" 2>/dev/null || true
	wait "$box" 2>/dev/null || box_rc=$?
	box=
}
# finish_box: the box still up, no ERROR or FATAL in its log, and a clean exit on SIGTERM
finish_box() {
	kill -0 "$box" 2>/dev/null || fail "box is not running"
	if grep -E 'ERROR|FATAL' "$T/box.log" >/dev/null; then
		fail "box logged errors: $(grep -E 'ERROR|FATAL' "$T/box.log" | head -n 3)"
	fi
	stop_box
	[ "$box_rc" = 0 ] || fail "box exit status $box_rc after SIGTERM"
}
it_cleanup() {
	local p
	for p in "${it_pids[@]}"; do stop_pid "$p"; done
	exec 3>&- 2>/dev/null || true
	stop_box
	stop_pid "$psim"
	# what a process left running in the namespace (kamailio's children) ends here
	for p in $(ip netns pids "$ns" 2>/dev/null); do kill -KILL "$p" 2>/dev/null || true; done
	ip netns del "$ns" 2>/dev/null || true
	if [ -n "${KEEP:-}" ]; then echo "work dir kept: $T"; else rm -rf "$T"; fi
}
it_setup() {
	it_name=$1
	build=${HLGW_BUILD:-$top/build/sim}
	con=$top/tools/con
	ns=hlgw-$1-$$
	tap=hlgw0
	adv_ip=198.18.0.1
	box_ip=198.18.0.2
	T=$(mktemp -d "${TMPDIR:-/tmp}/hlgw-$1.XXXXXX")
	EV=$T/ev.json
	box= psim= it_pids=()
	trap it_cleanup EXIT
	trap 'exit 130' INT TERM
	[ "$(id -u)" = 0 ] || fail "needs root (ip netns, tap)"
}
it_bg() { it_pids+=("$1"); }
it_stop() {
	local p keep=()
	stop_pid "$1"
	for p in "${it_pids[@]}"; do [ "$p" = "$1" ] || keep+=("$p"); done
	it_pids=("${keep[@]}")
}

# sipp_start NAME [sipp args]: sipp in the namespace, run in $T, its output in $T/NAME.out;
# sets sipp_pid
sipp_start() {
	local name=$1
	shift
	(cd "$T" && exec ip netns exec "$ns" sipp -nostdin -trace_err "$@") >"$T/$name.out" 2>&1 &
	sipp_pid=$!
	it_bg "$sipp_pid"
}
# sipp_adv NAME PORT SCENARIO [sipp args]: a sipp advisor on adv_ip:PORT for as many calls and
# as long as the scenario lasts (unless the args say otherwise), its logs in $T; SCENARIO
# relative to the scenario's folder ($here) unless absolute; sets sipp_pid
sipp_adv() {
	local name=$1 port=$2 sf=$3
	shift 3
	case $sf in /*) ;; *) sf=$here/$sf ;; esac
	sipp_start "$name" -trace_logs -nr -sf "$sf" -i "$adv_ip" -p "$port" "$@"
}
# sipp_bg NAME PORT SCENARIO [sipp args]: sipp_adv for one call (more with -m N) that ends in
# 40 s
sipp_bg() {
	local name=$1 port=$2 sf=$3
	shift 3
	sipp_adv "$name" "$port" "$sf" -timeout 40s -timeout_error -m 1 "$@"
}
# sipp_wait NAME PID [SECONDS]: it ends (in 10 s) with status 0; the frame forgets it
sipp_wait() {
	local rc=0
	for _ in $(seq $((${3:-10} * 10))); do kill -0 "$2" 2>/dev/null || break; sleep 0.1; done
	kill -0 "$2" 2>/dev/null && fail "$1: sipp still running"
	wait "$2" || rc=$?
	it_stop "$2"
	[ "$rc" = 0 ] || fail "$1: sipp exit status $rc"
}
# psim_call CALLED CALLING BCHAN [more call args]: pstn-sim sends a SETUP; sets call (its id) and
# m (the event mark before it)
psim_call() {
	local called=$1 calling=$2 bchan=$3
	shift 3
	m=$(mark)
	cmd "call called=$called calling=$calling bchan=$bchan $*"
	wait_ev "$m" 3 '"ev":"setup_sent"' || fail "pstn-sim did not send the SETUP"
	call=$(tail -n +$((m + 1)) "$EV" | grep '"ev":"setup_sent"' | head -n 1 |
		sed 's/.*"call":\([0-9]*\).*/\1/')
}
