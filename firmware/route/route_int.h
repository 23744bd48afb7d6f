/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Inside firmware/route: the table buffers (static arena sized by Kconfig), the parser's and
 * the selection's entry points. Advisors are kept in ascending id order (the table demands
 * it), so that an id is found by binary search and runtime state moves to a new table by a
 * merge.
 */
#ifndef ROUTE_INT_H
#define ROUTE_INT_H

#include <hlgw/route.h>

struct flash_dev;

#define ROUTE_ADVISORS_MAX CONFIG_ROUTE_ADVISORS_MAX
#define ROUTE_SERVES_MAX CONFIG_ROUTE_SERVES_MAX
#define ROUTE_STRINGS_SIZE CONFIG_ROUTE_STRINGS_SIZE
#define ROUTE_HOTLINES_MAX CONFIG_ROUTE_HOTLINES_MAX
#define ROUTE_NONE 0xffffffffu

/* advisor flags */
#define ROUTE_F_IN 0x01		/* logged in */
#define ROUTE_F_PAUSED 0x02	/* paused (table or console) */
#define ROUTE_F_AUTOPAUSED 0x04 /* missed N in a row */
#define ROUTE_F_WRAPUP 0x08	/* in wrap-up after a call */
#define ROUTE_F_UNREACH 0x10	/* keep-alive says down */

struct route_hl {
	struct route_hotline_info info; /* n_serving / n_eligible kept up to date */
	uint32_t heap_off;		/* its part of route_table.heap */
	uint64_t vt;			/* virtual time: the pass of the last choice */
};

/* An advisor serving a hotline: its place in the hotline's heap of eligible advisors. */
struct route_mem {
	uint64_t pass;
	uint32_t adv;
	uint32_t heap_pos; /* ROUTE_NONE: not in the heap */
	uint16_t hl;
	uint8_t skill;
};

struct route_adv {
	uint32_t id;
	uint32_t name_off, uri_off; /* in strings */
	uint32_t mem_off;	    /* its memberships: mem[mem_off .. + n_mem] */
	uint16_t rating;
	uint8_t n_mem, max_calls;
	/* runtime */
	uint8_t flags, active, missed;
	uint32_t idle_since_ms, wrap_until_ms;
	uint32_t offered, answered;
};

struct route_table {
	uint32_t gen;
	uint32_t born_ms; /* load start: advisors new to the box are idle since then */
	uint32_t n_hl, n_adv, n_mem, str_len;
	struct route_hl hl[ROUTE_HOTLINES_MAX];
	struct route_adv adv[ROUTE_ADVISORS_MAX];
	struct route_mem mem[ROUTE_SERVES_MAX];
	uint32_t heap[ROUTE_SERVES_MAX]; /* per hotline: mem indices, min-heap */
	char strings[ROUTE_STRINGS_SIZE];
};

/* route_table.c */
extern struct route_table *route_active; /* NULL: no table */
struct route_table *route_spare(void);
/* Make t the active table (the pointer flip). */
void route_table_flip(struct route_table *t);
int route_adv_index(const struct route_table *t, uint32_t id); /* -ENOENT */
int route_hl_index(const struct route_table *t, const char *number); /* -ENOENT */
static inline const char *route_str(const struct route_table *t, uint32_t off)
{
	return &t->strings[off];
}

/* route_parse.c: one row into t (line numbers for errors). Returns 0 or -EINVAL with
 * field and reason filled in. */
struct route_parse_err {
	char field[24];
	char reason[80];
};
void route_parse_reset(struct route_table *t);
int route_parse_line(struct route_table *t, char *line, struct route_parse_err *err);
/* After the last row: per-hotline heap areas. Returns 0 or -EINVAL. */
int route_parse_finish(struct route_table *t, struct route_parse_err *err);

/* select.c */
bool route_adv_eligible(const struct route_table *t, const struct route_adv *a);
/* Remove from / insert into the heaps as the advisor's state says. */
void route_adv_refresh(struct route_table *t, uint32_t adv);
/* Building a new table: copy runtime state of advisors [from, to) from old (may be NULL) and
 * put the eligible ones into their heaps. Returns the next index. */
uint32_t route_carry(struct route_table *t, const struct route_table *old, uint32_t from,
		     uint32_t to, uint32_t *old_cursor);
/* Copy one advisor's state again (it changed after route_carry copied it). */
void route_carry_one(struct route_table *t, const struct route_table *old, uint32_t id);
void route_carry_hotlines(struct route_table *t, const struct route_table *old);
/* State changed in the active table: the loader may have to copy it again. */
void route_touched(uint32_t adv);
void route_decision_log(uint32_t call_id, const char *hotline, uint32_t adv_id,
			const char *fmt, ...) __attribute__((format(printf, 4, 5)));
void route_select_init(void);
uint32_t route_wrapup_next_ms(void);
void route_wrapup_work(void);

/* route_probe.c: OPTIONS probes of unreachable advisors */
int route_probe_add(const char *uri); /* 0, -ENOSPC, or sip_ka_add's error */
void route_probe_state(const char *uri, enum sip_ka_state state);
void route_probe_work(void);
void route_probe_init(void);

/* route_flash.c: the table area, streamed */
int route_flash_init(const struct flash_dev *flash);
int route_flash_begin(void);	/* erase the spare slot: call until it returns 0 (>0: more) */
int route_flash_write(const void *buf, size_t len);
int route_flash_commit(void);	/* header with CRC: the copy becomes the newest */
void route_flash_abort(void);	/* forget a copy begun (next begin erases afresh) */
uint32_t route_flash_seq(void);
/* The newest copy: its length (0 none); read len octets at off of it. */
uint32_t route_flash_len(void);
int route_flash_read(uint32_t off, void *buf, size_t len);

#endif
