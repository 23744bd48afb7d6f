/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The calls waiting for a free advisor (issue 4 point 3), in arrival order across all
 * hotlines. While any wait, a 250 ms poll offers each hotline's oldest call to the routing
 * table again (call.c's try function); a call that gets an advisor leaves the queue, and the
 * later calls of a hotline whose oldest is still waiting stay behind it.
 */
#ifndef HLGW_CALL_QUEUE_H
#define HLGW_CALL_QUEUE_H

#include <stdbool.h>
#include <stdint.h>

#include <osmocom/core/linuxlist.h>

#include <hlgw/route.h>

#define CALL_QUEUE_POLL_MS 250

struct call_queue_item {
	struct llist_head list;
	char hotline[ROUTE_NUM_MAX + 1];
	uint32_t t_ms; /* when it joined */
	bool queued;
};

/* call.c's attempt for a waiting call: true when the call got an advisor (it has left the
 * queue then, by call_queue_del). */
typedef bool (*call_queue_try_fn)(struct call_queue_item *it);
void call_queue_init(call_queue_try_fn try);

/* front: at the head of the hotline's waiting calls (one that lost the advisor it got) */
void call_queue_add(struct call_queue_item *it, const char *hotline, bool front);
void call_queue_del(struct call_queue_item *it);
/* 1 for the hotline's oldest waiting call. */
unsigned int call_queue_position(const struct call_queue_item *it);
/* Waiting call idx (0.., arrival order) or NULL. */
const struct call_queue_item *call_queue_get(unsigned int idx);

#endif
