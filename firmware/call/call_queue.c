// SPDX-License-Identifier: GPL-2.0-or-later
/* The calls waiting for a free advisor, in arrival order (call_queue.h). */
#include <string.h>

#include <osmocom/core/timer.h>
#include <osmocom/core/utils.h>

#include <hlgw/board.h>

#include "call_queue.h"

static LLIST_HEAD(call_queue);
static struct osmo_timer_list call_queue_timer;
static call_queue_try_fn call_queue_try;

/* One round: each hotline's oldest call is offered; its later ones wait behind it. */
static void call_queue_poll(void *arg)
{
	struct call_queue_item *it, *n;
	char blocked[8][ROUTE_NUM_MAX + 1];
	unsigned int nb = 0, i;

	llist_for_each_entry_safe(it, n, &call_queue, list) {
		for (i = 0; i < nb && strcmp(blocked[i], it->hotline); i++)
			;
		if (i < nb)
			continue;
		if (call_queue_try && call_queue_try(it))
			continue;
		if (nb < ARRAY_SIZE(blocked))
			osmo_strlcpy(blocked[nb++], it->hotline, sizeof(blocked[0]));
		else
			break; /* more hotlines than a round looks at: the rest next round */
	}
	if (!llist_empty(&call_queue))
		osmo_timer_schedule(&call_queue_timer, 0, CALL_QUEUE_POLL_MS * 1000);
}

void call_queue_init(call_queue_try_fn try)
{
	call_queue_try = try;
	osmo_timer_setup(&call_queue_timer, call_queue_poll, NULL);
}

void call_queue_add(struct call_queue_item *it, const char *hotline, bool front)
{
	struct call_queue_item *q, *first = NULL;

	osmo_strlcpy(it->hotline, hotline, sizeof(it->hotline));
	it->t_ms = board_time_ms();
	it->queued = true;
	if (front)
		llist_for_each_entry(q, &call_queue, list)
			if (!strcmp(q->hotline, hotline)) {
				first = q;
				break;
			}
	if (first) /* before the hotline's oldest: list_add_tail on its node inserts before it */
		llist_add_tail(&it->list, &first->list);
	else
		llist_add_tail(&it->list, &call_queue);
	if (!osmo_timer_pending(&call_queue_timer))
		osmo_timer_schedule(&call_queue_timer, 0, CALL_QUEUE_POLL_MS * 1000);
}

void call_queue_del(struct call_queue_item *it)
{
	if (!it->queued)
		return;
	llist_del(&it->list);
	it->queued = false;
	if (llist_empty(&call_queue))
		osmo_timer_del(&call_queue_timer);
}

unsigned int call_queue_position(const struct call_queue_item *it)
{
	const struct call_queue_item *q;
	unsigned int n = 0;

	llist_for_each_entry(q, &call_queue, list) {
		if (!strcmp(q->hotline, it->hotline))
			n++;
		if (q == it)
			return n;
	}
	return 0;
}

const struct call_queue_item *call_queue_get(unsigned int idx)
{
	const struct call_queue_item *q;

	llist_for_each_entry(q, &call_queue, list)
		if (!idx--)
			return q;
	return NULL;
}
