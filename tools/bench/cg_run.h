/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The benches' callgrind runs: a bench program runs itself (its --child mode) under callgrind. */
#ifndef HLGW_BENCH_CG_RUN_H
#define HLGW_BENCH_CG_RUN_H

/*
 * Run `self ARGS` (ARGS from fmt) under valgrind's callgrind with collection off at the start
 * (the child toggles it with CALLGRIND_TOGGLE_COLLECT, or opts adds --toggle-collect=FN) and
 * symbols bound at load (LD_BIND_NOW=1: a firmware image is linked statically). opts: more
 * valgrind options or "". Returns the instructions counted, or -1.
 */
long long cg_run(const char *opts, const char *self, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#endif
