// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Best free advisor: stride scheduling by rating, one min-heap of eligible advisors per
 * hotline.
 *
 * The rule (README "Routing: who gets the call"): an advisor serving a hotline has a pass
 * value for it. The eligible advisor (logged in, not paused or auto-paused, not in wrap-up,
 * reachable, under max calls) with the smallest pass is chosen; ties go to the one idle
 * longest (idle since the end of its last wrap-up), then to the lower id. The offer costs
 * stride = 2^32 / (rating in hundredths x skill level) on that hotline's pass, so offers
 * come in proportion to rating x skill. An advisor who becomes eligible again has its pass
 * raised to the hotline's virtual time (the pass of the last choice there), so that time
 * away builds no credit. Busy (486) and failures give the next candidate; no answer and
 * unreachable count as missed, N in a row (the hotline's missed=) pause the advisor; an
 * unreachable advisor is also left out until an OPTIONS probe is answered (route_probe.c); an
 * answered call ends in the hotline's wrap-up time.
 *
 * A decision is a heap top plus O(log n) updates: removal of the chosen advisor from the
 * heaps of the hotlines it serves (at most ROUTE_SERVES_PER_ADV).
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <hlgw/board.h>
#include <hlgw/log.h>

#include "route_int.h"

#define ROUTE_WRAPUPS_MAX 4096

/* ---- per-hotline heaps ------------------------------------------------------------------ */

static bool route_less(const struct route_table *t, uint32_t ma, uint32_t mb)
{
	const struct route_mem *a = &t->mem[ma], *b = &t->mem[mb];
	const struct route_adv *aa = &t->adv[a->adv], *ab = &t->adv[b->adv];

	if (a->pass != b->pass)
		return a->pass < b->pass;
	if (aa->idle_since_ms != ab->idle_since_ms)
		return (int32_t)(aa->idle_since_ms - ab->idle_since_ms) < 0;
	return aa->id < ab->id;
}

static void route_heap_set(struct route_table *t, uint32_t *h, uint32_t pos, uint32_t m)
{
	h[pos] = m;
	t->mem[m].heap_pos = pos;
}

static void route_sift_up(struct route_table *t, uint32_t *h, uint32_t pos)
{
	uint32_t m = h[pos];

	while (pos) {
		uint32_t parent = (pos - 1) / 2;

		if (!route_less(t, m, h[parent]))
			break;
		route_heap_set(t, h, pos, h[parent]);
		pos = parent;
	}
	route_heap_set(t, h, pos, m);
}

static void route_sift_down(struct route_table *t, uint32_t *h, uint32_t n, uint32_t pos)
{
	uint32_t m = h[pos];

	for (;;) {
		uint32_t c = 2 * pos + 1;

		if (c >= n)
			break;
		if (c + 1 < n && route_less(t, h[c + 1], h[c]))
			c++;
		if (!route_less(t, h[c], m))
			break;
		route_heap_set(t, h, pos, h[c]);
		pos = c;
	}
	route_heap_set(t, h, pos, m);
}

static void route_heap_insert(struct route_table *t, uint32_t mi)
{
	struct route_hl *hl = &t->hl[t->mem[mi].hl];
	uint32_t *h = &t->heap[hl->heap_off];

	h[hl->info.n_eligible] = mi;
	t->mem[mi].heap_pos = hl->info.n_eligible;
	route_sift_up(t, h, hl->info.n_eligible++);
}

static void route_heap_remove(struct route_table *t, uint32_t mi)
{
	struct route_hl *hl = &t->hl[t->mem[mi].hl];
	uint32_t *h = &t->heap[hl->heap_off];
	uint32_t pos = t->mem[mi].heap_pos, last;

	t->mem[mi].heap_pos = ROUTE_NONE;
	last = --hl->info.n_eligible;
	if (pos == last)
		return;
	route_heap_set(t, h, pos, h[last]);
	if (pos && route_less(t, h[pos], h[(pos - 1) / 2]))
		route_sift_up(t, h, pos);
	else
		route_sift_down(t, h, last, pos);
}

/* ---- eligibility ------------------------------------------------------------------------- */

bool route_adv_eligible(const struct route_table *t, const struct route_adv *a)
{
	return (a->flags & (ROUTE_F_IN | ROUTE_F_PAUSED | ROUTE_F_AUTOPAUSED | ROUTE_F_WRAPUP |
			    ROUTE_F_UNREACH)) == ROUTE_F_IN &&
	       a->active < a->max_calls;
}

void route_adv_refresh(struct route_table *t, uint32_t ai)
{
	struct route_adv *a = &t->adv[ai];
	bool el = route_adv_eligible(t, a);
	uint32_t i;

	for (i = 0; i < a->n_mem; i++) {
		uint32_t mi = a->mem_off + i;
		struct route_mem *m = &t->mem[mi];
		bool was = m->heap_pos != ROUTE_NONE;

		if (was)
			route_heap_remove(t, mi);
		if (!el)
			continue;
		/* newly eligible: no credit for the time away */
		if (!was && m->pass < t->hl[m->hl].vt)
			m->pass = t->hl[m->hl].vt;
		route_heap_insert(t, mi);
	}
}

static uint64_t route_stride(const struct route_adv *a, const struct route_mem *m)
{
	return ROUTE_STRIDE1 / ((uint64_t)a->rating * m->skill);
}

/* ---- decision log ------------------------------------------------------------------------ */

/* A choice is stored as figures and worded only when the console reads it: the decision
 * itself stays a heap operation (no printf on the call's path unless DROUTE logs INFO). */
struct route_dec_ent {
	struct route_decision d;
	bool chosen;
	uint8_t skill;
	uint16_t rating;
	uint32_t eligible;
	uint64_t pass;
};

static struct route_dec_ent route_dec[ROUTE_DECISIONS];
static unsigned int route_dec_n, route_dec_head;

static struct route_dec_ent *route_dec_new(uint32_t call_id, const char *hotline,
					   uint32_t adv_id)
{
	struct route_dec_ent *e = &route_dec[route_dec_head];
	size_t n = hotline ? strlen(hotline) : 0;

	route_dec_head = (route_dec_head + 1) % ROUTE_DECISIONS;
	if (route_dec_n < ROUTE_DECISIONS)
		route_dec_n++;
	e->d.t_ms = board_time_ms();
	e->d.call_id = call_id;
	e->d.adv_id = adv_id;
	if (n > ROUTE_NUM_MAX)
		n = ROUTE_NUM_MAX;
	memcpy(e->d.hotline, hotline, n);
	e->d.hotline[n] = 0;
	e->chosen = false;
	return e;
}

static void route_dec_text(struct route_decision *d, const struct route_dec_ent *e)
{
	snprintf(d->text, sizeof(d->text), "chosen: pass %llu (rating %u.%02u x skill %u), %u "
		 "eligible", (unsigned long long)e->pass, e->rating / 100, e->rating % 100,
		 e->skill, e->eligible);
}

static void route_dec_log(const struct route_decision *d)
{
	LOGP(DROUTE, LOGL_INFO, "call %u hotline %s advisor %u: %s\n", d->call_id, d->hotline,
	     d->adv_id, d->text);
}

void route_decision_log(uint32_t call_id, const char *hotline, uint32_t adv_id,
			const char *fmt, ...)
{
	struct route_dec_ent *e = route_dec_new(call_id, hotline, adv_id);
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(e->d.text, sizeof(e->d.text), fmt, ap);
	va_end(ap);
	route_dec_log(&e->d);
}

static void route_decision_chosen(uint32_t call_id, const char *hotline,
				  const struct route_adv *a, const struct route_mem *m,
				  uint32_t eligible)
{
	struct route_dec_ent *e = route_dec_new(call_id, hotline, a->id);

	e->chosen = true;
	e->pass = m->pass;
	e->rating = a->rating;
	e->skill = m->skill;
	e->eligible = eligible;
	if (log_check_level(DROUTE, LOGL_INFO)) {
		struct route_decision d = e->d;

		route_dec_text(&d, e);
		route_dec_log(&d);
	}
}

int route_decision_get(unsigned int idx, struct route_decision *d)
{
	const struct route_dec_ent *e;

	if (!d || idx >= route_dec_n)
		return -ENOENT;
	e = &route_dec[(route_dec_head + ROUTE_DECISIONS - 1 - idx) % ROUTE_DECISIONS];
	*d = e->d;
	if (e->chosen)
		route_dec_text(d, e);
	return 0;
}

/* ---- wrap-up timers: a min-heap by end time, by advisor id (tables may change) ------------ */

static struct {
	uint32_t until, id;
} route_wrap[ROUTE_WRAPUPS_MAX];
static unsigned int route_wrap_n;

static bool route_wrap_less(unsigned int a, unsigned int b)
{
	return (int32_t)(route_wrap[a].until - route_wrap[b].until) < 0;
}

static void route_wrap_swap(unsigned int a, unsigned int b)
{
	uint32_t u = route_wrap[a].until, i = route_wrap[a].id;

	route_wrap[a] = route_wrap[b];
	route_wrap[b].until = u;
	route_wrap[b].id = i;
}

static int route_wrap_add(uint32_t id, uint32_t until)
{
	unsigned int pos;

	if (route_wrap_n >= ROUTE_WRAPUPS_MAX)
		return -ENOSPC;
	pos = route_wrap_n++;
	route_wrap[pos].until = until;
	route_wrap[pos].id = id;
	while (pos && route_wrap_less(pos, (pos - 1) / 2)) {
		route_wrap_swap(pos, (pos - 1) / 2);
		pos = (pos - 1) / 2;
	}
	return 0;
}

static void route_wrap_pop(void)
{
	unsigned int pos = 0;

	route_wrap[0] = route_wrap[--route_wrap_n];
	for (;;) {
		unsigned int c = 2 * pos + 1;

		if (c >= route_wrap_n)
			break;
		if (c + 1 < route_wrap_n && route_wrap_less(c + 1, c))
			c++;
		if (!route_wrap_less(c, pos))
			break;
		route_wrap_swap(c, pos);
		pos = c;
	}
}

uint32_t route_wrapup_next_ms(void)
{
	int32_t d;

	if (!route_wrap_n)
		return UINT32_MAX;
	d = (int32_t)(route_wrap[0].until - board_time_ms());
	return d > 0 ? (uint32_t)d : 0;
}

void route_wrapup_work(void)
{
	uint32_t now = board_time_ms();

	while (route_wrap_n && (int32_t)(route_wrap[0].until - now) <= 0) {
		uint32_t id = route_wrap[0].id, until = route_wrap[0].until;
		struct route_table *t = route_active;
		int ai;

		route_wrap_pop();
		if (!t || (ai = route_adv_index(t, id)) < 0)
			continue;
		if (!(t->adv[ai].flags & ROUTE_F_WRAPUP) || t->adv[ai].wrap_until_ms != until)
			continue;
		t->adv[ai].flags &= ~ROUTE_F_WRAPUP;
		t->adv[ai].idle_since_ms = now;
		route_adv_refresh(t, (uint32_t)ai);
		route_touched((uint32_t)ai);
		route_decision_log(0, "", id, "wrap-up over: free");
	}
}

/* ---- decisions --------------------------------------------------------------------------- */

static bool route_is_tried(const struct route_tried *tried, uint32_t id)
{
	unsigned int i;

	for (i = 0; tried && i < tried->n && i < ROUTE_TRIED_MAX; i++)
		if (tried->id[i] == id)
			return true;
	return false;
}

int route_select(struct route_pick *pick, const char *hotline, const struct route_tried *tried,
		 uint32_t call_id)
{
	struct route_table *t = route_active;
	uint32_t stash[ROUTE_TRIED_MAX], n_stash = 0, mi = ROUTE_NONE, i;
	struct route_hl *hl;
	struct route_mem *m;
	struct route_adv *a;
	int hi;

	if (!pick || !t || (hi = route_hl_index(t, hotline)) < 0)
		return -ENOENT;
	hl = &t->hl[hi];
	/* the call's earlier tries are set aside: at most ROUTE_TRIED_MAX extra pops */
	while (hl->info.n_eligible) {
		uint32_t top = t->heap[hl->heap_off];

		if (!route_is_tried(tried, t->adv[t->mem[top].adv].id) || n_stash == ROUTE_TRIED_MAX) {
			mi = top;
			break;
		}
		stash[n_stash++] = top;
		route_heap_remove(t, top);
	}
	for (i = 0; i < n_stash; i++)
		route_heap_insert(t, stash[i]);
	if (mi != ROUTE_NONE && route_is_tried(tried, t->adv[t->mem[mi].adv].id))
		mi = ROUTE_NONE;
	if (mi == ROUTE_NONE) {
		route_decision_log(call_id, hotline, 0,
				   "nobody free: %u of %u serving eligible, %u tried",
				   hl->info.n_eligible, hl->info.n_serving, tried ? tried->n : 0);
		return -EAGAIN;
	}
	m = &t->mem[mi];
	a = &t->adv[m->adv];
	hl->vt = m->pass;
	route_decision_chosen(call_id, hotline, a, m, hl->info.n_eligible);
	m->pass += route_stride(a, m);
	a->active++;
	a->offered++;
	route_adv_refresh(t, m->adv);
	route_touched(m->adv);

	pick->gen = t->gen;
	pick->adv = m->adv;
	pick->id = a->id;
	pick->hotline = (uint16_t)hi;
	memcpy(pick->number, hl->info.number, sizeof(pick->number));
	strncpy(pick->uri, route_str(t, a->uri_off), sizeof(pick->uri) - 1);
	pick->uri[sizeof(pick->uri) - 1] = 0;
	pick->ring_timeout_s = hl->info.ring_timeout_s;
	return 0;
}

void route_outcome(const struct route_pick *pick, enum route_outcome out, uint32_t call_id)
{
	struct route_table *t = route_active;
	struct route_hotline_info gone;
	const struct route_hotline_info *h;
	struct route_adv *a;
	int ai, hi;

	if (!pick || !t)
		return;
	ai = pick->gen == t->gen ? (int)pick->adv : route_adv_index(t, pick->id);
	hi = pick->gen == t->gen ? pick->hotline : route_hl_index(t, pick->number);
	if (ai < 0) {
		route_decision_log(call_id, pick->number, pick->id,
				   "outcome %d: no longer in the table", out);
		return;
	}
	if (hi < 0) {
		/* the hotline left the table, the advisor stayed: no wrap-up, no auto-pause */
		memset(&gone, 0, sizeof(gone));
		memcpy(gone.number, pick->number, sizeof(gone.number));
		h = &gone;
	} else {
		h = &t->hl[hi].info;
	}
	a = &t->adv[ai];
	if (out != ROUTE_OUT_ANSWERED && a->active)
		a->active--;
	switch (out) {
	case ROUTE_OUT_ANSWERED:
		a->missed = 0;
		a->answered++;
		route_decision_log(call_id, h->number, a->id, "answered");
		break;
	case ROUTE_OUT_BUSY:
		route_decision_log(call_id, h->number, a->id, "busy: next candidate");
		break;
	case ROUTE_OUT_NOANSWER:
	case ROUTE_OUT_UNREACHABLE: {
		const char *what = out == ROUTE_OUT_NOANSWER ? "no answer" : "unreachable";

		if (a->missed < 255)
			a->missed++;
		if (out == ROUTE_OUT_UNREACHABLE && route_probe_add(route_str(t, a->uri_off)) == 0) {
			a->flags |= ROUTE_F_UNREACH; /* until the probe is answered */
			what = "unreachable, OPTIONS probe";
		}
		if (h->missed_to_pause && a->missed >= h->missed_to_pause) {
			a->flags |= ROUTE_F_AUTOPAUSED;
			route_decision_log(call_id, h->number, a->id,
					   "%s: missed %u in a row: auto-paused", what, a->missed);
		} else {
			route_decision_log(call_id, h->number, a->id,
					   "%s (missed %u in a row): next candidate", what,
					   a->missed);
		}
		break;
	}
	case ROUTE_OUT_FAILED:
		route_decision_log(call_id, h->number, a->id, "failed: next candidate");
		break;
	case ROUTE_OUT_ENDED:
		if (h->wrapup_s) {
			a->wrap_until_ms = board_time_ms() + h->wrapup_s * 1000u;
			if (route_wrap_add(a->id, a->wrap_until_ms) == 0) {
				a->flags |= ROUTE_F_WRAPUP;
				route_decision_log(call_id, h->number, a->id,
						   "call ended: wrap-up %u s", h->wrapup_s);
				break;
			}
		}
		if (!a->active)
			a->idle_since_ms = board_time_ms();
		route_decision_log(call_id, h->number, a->id, "call ended: free");
		break;
	}
	route_adv_refresh(t, (uint32_t)ai);
	route_touched((uint32_t)ai);
}

int route_advisor_cmd(uint32_t id, enum route_adv_cmd cmd)
{
	static const char *const what[] = { "logged in", "logged out", "paused", "resumed" };
	struct route_table *t = route_active;
	struct route_adv *a;
	int ai;

	if (!t || (ai = route_adv_index(t, id)) < 0 || (unsigned int)cmd > ROUTE_CMD_RESUME)
		return -ENOENT;
	a = &t->adv[ai];
	switch (cmd) {
	case ROUTE_CMD_LOGIN:
		a->flags |= ROUTE_F_IN;
		break;
	case ROUTE_CMD_LOGOUT:
		a->flags &= ~ROUTE_F_IN;
		break;
	case ROUTE_CMD_PAUSE:
		a->flags |= ROUTE_F_PAUSED;
		break;
	case ROUTE_CMD_RESUME:
		a->flags &= ~(ROUTE_F_PAUSED | ROUTE_F_AUTOPAUSED);
		a->missed = 0;
		break;
	}
	route_adv_refresh(t, (uint32_t)ai);
	route_touched((uint32_t)ai);
	route_decision_log(0, "", id, "%s by hand", what[cmd]);
	return 0;
}

void route_advisor_reachable(const char *uri, bool up)
{
	struct route_table *t = route_active;
	uint32_t i;

	/* a keep-alive state change is rare: a scan is fine */
	for (i = 0; t && uri && i < t->n_adv; i++) {
		struct route_adv *a = &t->adv[i];

		if (strcmp(route_str(t, a->uri_off), uri) || !(a->flags & ROUTE_F_UNREACH) == up)
			continue;
		if (up)
			a->flags &= ~ROUTE_F_UNREACH;
		else
			a->flags |= ROUTE_F_UNREACH;
		route_adv_refresh(t, i);
		route_touched(i);
		route_decision_log(0, "", a->id, "keep-alive: %s", up ? "reachable" : "unreachable");
	}
}

/* ---- carrying runtime state to a new table ------------------------------------------------ */

static uint16_t route_hl_map[ROUTE_HOTLINES_MAX]; /* new hotline -> old, ROUTE_NONE16 none */
#define ROUTE_NONE16 0xffff

void route_carry_hotlines(struct route_table *t, const struct route_table *old)
{
	uint32_t i;

	for (i = 0; i < t->n_hl; i++) {
		int o = old ? route_hl_index(old, t->hl[i].info.number) : -1;

		route_hl_map[i] = o < 0 ? ROUTE_NONE16 : (uint16_t)o;
		if (o >= 0)
			t->hl[i].vt = old->hl[o].vt;
	}
}

/* Copy a's runtime state from o (the same id in old); passes by hotline number. */
static void route_copy_state(struct route_table *t, struct route_adv *a,
			     const struct route_table *old, const struct route_adv *o)
{
	uint32_t i, j;

	a->flags = o->flags;
	a->active = o->active;
	a->missed = o->missed;
	a->idle_since_ms = o->idle_since_ms;
	a->wrap_until_ms = o->wrap_until_ms;
	a->offered = o->offered;
	a->answered = o->answered;
	for (i = 0; i < a->n_mem; i++) {
		struct route_mem *m = &t->mem[a->mem_off + i];
		uint16_t ohl = route_hl_map[m->hl];

		for (j = 0; ohl != ROUTE_NONE16 && j < o->n_mem; j++)
			if (old->mem[o->mem_off + j].hl == ohl)
				m->pass = old->mem[o->mem_off + j].pass;
	}
}

uint32_t route_carry(struct route_table *t, const struct route_table *old, uint32_t from,
		     uint32_t to, uint32_t *oc)
{
	uint32_t i;

	if (from == 0) {
		route_carry_hotlines(t, old);
		*oc = 0;
	}
	for (i = from; i < to && i < t->n_adv; i++) {
		struct route_adv *a = &t->adv[i];

		while (old && *oc < old->n_adv && old->adv[*oc].id < a->id)
			(*oc)++;
		if (old && *oc < old->n_adv && old->adv[*oc].id == a->id)
			route_copy_state(t, a, old, &old->adv[*oc]);
		else
			a->idle_since_ms = t->born_ms;
		route_adv_refresh(t, i);
	}
	return i;
}

void route_carry_one(struct route_table *t, const struct route_table *old, uint32_t id)
{
	int ni = route_adv_index(t, id), oi = old ? route_adv_index(old, id) : -1;
	struct route_adv *a;
	uint32_t i;

	if (ni < 0 || oi < 0)
		return;
	a = &t->adv[ni];
	for (i = 0; i < a->n_mem; i++)
		if (t->mem[a->mem_off + i].heap_pos != ROUTE_NONE)
			route_heap_remove(t, a->mem_off + i);
	route_copy_state(t, a, old, &old->adv[oi]);
	route_adv_refresh(t, (uint32_t)ni);
}

void route_select_init(void)
{
	route_dec_n = route_dec_head = 0;
	route_wrap_n = 0;
}
