#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Run unit tests (cmocka binaries) and/or integration scenarios; print one summary line
# "N passed, N failed" at the end and exit non-zero when anything failed.
#   run-tests.sh unit|integration|all BUILD_DIR [unit test names...]
# TESTS=pattern limits the integration scenarios run.
set -u
what=$1 O=$2
shift 2
top=$(cd "$(dirname "$0")/.." && pwd)
pass=0 fail=0 failed=()

run_one() { # name, timeout, command...
	local name=$1 to=$2 log
	shift 2
	log="$top/$O/test-logs/$name.log"
	mkdir -p "$(dirname "$log")"
	local t0=$SECONDS
	last_ok=0
	if timeout -k 5 "$to" "$@" >"$log" 2>&1; then
		last_ok=1
		pass=$((pass + 1))
		printf '  PASS %-40s %3ds\n' "$name" $((SECONDS - t0))
	else
		fail=$((fail + 1))
		failed+=("$name")
		printf '  FAIL %-40s %3ds (log: %s)\n' "$name" $((SECONDS - t0)) "$O/test-logs/$name.log"
		tail -n 30 "$log" | sed 's/^/       | /'
	fi
}

if [ "$what" = unit ] || [ "$what" = all ]; then
	echo "unit tests:"
	for t in "$@"; do
		run_one "unit/$t" 300 env CMOCKA_MESSAGE_OUTPUT=stdout "$top/$O/tests/$t"
	done
fi
if [ "$what" = integration ] || [ "$what" = all ]; then
	echo "integration tests:"
	for d in "$top"/tests/integration/*/; do
		n=$(basename "$d")
		[ -x "$d/run.sh" ] || continue
		case "$n" in ${TESTS:-*}) ;; *) continue ;; esac
		run_one "integration/$n" 300 env HLGW_BUILD="$top/$O" "$d/run.sh"
		# a test leaves no process of ours behind (a later test, or CI, would trip on it)
		left=$(pgrep -f "^$top/$O/(hlgw|pstn-sim)( |$)" || true)
		if [ -n "$left" ]; then
			printf '  FAIL %-40s left processes behind: %s\n' "integration/$n" "$(echo $left)"
			kill -KILL $left 2>/dev/null || true
			if [ $last_ok = 1 ]; then
				pass=$((pass - 1)) fail=$((fail + 1))
				failed+=("integration/$n")
			fi
		fi
	done
fi
echo "${pass} passed, ${fail} failed"
[ $fail = 0 ]
