// SPDX-License-Identifier: GPL-2.0-or-later
/* A call's CDR when it ends (hlgw/cdr.h). */
#include <errno.h>

#include <osmocom/core/fsm.h>
#include <osmocom/core/utils.h>

#include <hlgw/board.h>
#include <hlgw/cdr.h>
#include <hlgw/log.h>

#include "call_int.h"

/* The call's record for the host (hlgw/cdr.h): times from the SETUP's wall clock and the
 * monotonic intervals since, so a clock step during the call cannot bend them. */
void call_cdr(struct call *c)
{
	struct cdr_rec r = { 0 };
	uint32_t now = board_time_ms();
	int rc;

	r.start_ms = c->utc_setup_ms;
	r.end_ms = c->utc_setup_ms + (now - c->t_setup_ms);
	if (c->t_connect_ms) {
		r.answer_ms = c->utc_setup_ms + (c->t_connect_ms - c->t_setup_ms);
		r.billable_ms = (c->t_talk_end_ms ? c->t_talk_end_ms : now) - c->t_connect_ms;
	}
	r.rating = c->rate.rating;
	r.solved = c->rate.solved;
	r.queue_s = (uint16_t)((c->queue_ms + 500) / 1000);
	r.span = (uint8_t)c->span;
	r.ts = (uint8_t)c->ts;
	r.cause = c->rel_cause ? c->rel_cause : 41;
	r.side = c->rel_cause ? c->rel_side : CDR_SIDE_BOX;
	osmo_strlcpy(r.caller, c->anonymous ? "" : c->caller, sizeof(r.caller));
	osmo_strlcpy(r.hotline, c->hotline, sizeof(r.hotline));
	osmo_strlcpy(r.advisor, *c->advisor ? c->advisor : c->last_advisor, sizeof(r.advisor));
	rc = cdr_add(&r, NULL);
	if (rc < 0 && rc != -EAGAIN)
		LOGPFSML(c->fi, LOGL_ERROR, "CDR not kept (%d): %s -> %s, cause %u\n", rc, r.caller,
			 r.hotline, r.cause);
	else
		LOGPFSML(c->fi, LOGL_INFO, "CDR %u%s\n", r.id, rc ? " (held in RAM)" : "");
}
