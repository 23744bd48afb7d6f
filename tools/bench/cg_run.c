// SPDX-License-Identifier: GPL-2.0-or-later
/* callgrind runs for the benches (cg_run.h). */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cg_run.h"

/* Total Ir of a callgrind output file ("totals:" or "summary:" line). */
static long long cg_total(const char *path)
{
	char line[512];
	long long v = -1;
	FILE *f = fopen(path, "r");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, "totals:", 7) || !strncmp(line, "summary:", 8))
			v = atoll(strchr(line, ':') + 1);
	fclose(f);
	return v;
}

long long cg_run(const char *opts, const char *self, const char *fmt, ...)
{
	char out[] = "/tmp/hlgw-bench.cg.XXXXXX", args[512], cmd[1024];
	int fd = mkstemp(out);
	long long v;
	va_list ap;

	if (fd < 0)
		return -1;
	close(fd);
	va_start(ap, fmt);
	vsnprintf(args, sizeof(args), fmt, ap);
	va_end(ap);
	snprintf(cmd, sizeof(cmd),
		 "LD_BIND_NOW=1 valgrind -q --tool=callgrind --collect-atstart=no %s "
		 "--callgrind-out-file=%s %s %s", opts, out, self, args);
	v = system(cmd) == 0 ? cg_total(out) : -1;
	remove(out);
	return v;
}
