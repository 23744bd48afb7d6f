// SPDX-License-Identifier: GPL-2.0-or-later
/* The CDR store as a subsystem: opened on the board's flash at start (hlgw/cdr.h). */
#include <hlgw/board.h>
#include <hlgw/cdr.h>
#include <hlgw/log.h>
#include <hlgw/subsys.h>

static int cdr_sub_init(struct board *b)
{
	int rc;

	if (!b->flash) {
		LOGP(DSTORE, LOGL_NOTICE, "no flash: CDRs are not kept\n");
		return 0;
	}
	rc = cdr_init(b->flash, CONFIG_CDR_FLASH_OFFSET, CONFIG_CDR_FLASH_SIZE);
	if (rc < 0) /* the box runs on; call control logs each CDR it cannot keep */
		LOGP(DSTORE, LOGL_ERROR, "CDR area 0x%x+0x%x unusable (%d): CDRs are not kept\n",
		     CONFIG_CDR_FLASH_OFFSET, CONFIG_CDR_FLASH_SIZE, rc);
	return 0;
}

const struct hlgw_subsys cdr_subsys = {
	.name = "cdr",
	.init = cdr_sub_init,
};
