// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Q.850 <-> SIP: RFC 3398 7.2.4.1 (ISDN cause -> SIP status, for the advisor's side) and
 * 8.2.6.1 (SIP final status -> ISDN cause, for the caller). Held as two tables the console
 * shows and changes (`cause-map`); the running config keeps the rows that differ from the RFC.
 * Statuses the RFC leaves out map by class: 4xx/5xx/6xx -> 31 normal, unspecified (Q.850
 * 2.2.7.1: the default cause of the normal class); causes it leaves out -> 500 (as its 127).
 */
#include <errno.h>
#include <stdbool.h>
#include <string.h>

#include <osmocom/core/utils.h>

#include <hlgw/call.h>

struct cause_sip_row {
	int status, cause, rfc;
};
struct cause_q850_row {
	int cause, status, rfc;
};

#define S(st, c) { st, c, c }
static struct cause_sip_row cause_sip_tab[] = {
	S(400, 41), S(401, 21), S(402, 21), S(403, 21), S(404, 1),   S(405, 63),  S(406, 79),
	S(407, 21), S(408, 102), S(410, 22), S(413, 127), S(414, 127), S(415, 79), S(416, 127),
	S(420, 127), S(421, 127), S(423, 127), S(480, 18), S(481, 41), S(482, 25), S(483, 25),
	S(484, 28), S(485, 1),	 S(486, 17), S(488, 127), S(500, 41), S(501, 79), S(502, 38),
	S(503, 41), S(504, 102), S(505, 127), S(513, 127), S(600, 17), S(603, 21), S(604, 1),
	S(606, 58),
};
#undef S
#define Q(c, st) { c, st, st }
static struct cause_q850_row cause_q850_tab[] = {
	Q(1, 404),   Q(2, 404),	  Q(3, 404),   Q(16, 0),    Q(17, 486),	 Q(18, 408),  Q(19, 480),
	Q(20, 480),  Q(21, 403),  Q(22, 410),  Q(23, 410),  Q(26, 404),	 Q(27, 502),  Q(28, 484),
	Q(29, 501),  Q(31, 480),  Q(34, 503),  Q(38, 503),  Q(41, 503),	 Q(42, 503),  Q(47, 503),
	Q(55, 403),  Q(57, 403),  Q(58, 503),  Q(65, 488),  Q(70, 488),	 Q(79, 501),  Q(87, 403),
	Q(88, 503),  Q(102, 504), Q(111, 500), Q(127, 500),
};
#undef Q

static const struct value_string cause_names[] = {
	{ 1, "Unallocated number" },
	{ 2, "No route to transit network" },
	{ 3, "No route to destination" },
	{ 16, "Normal call clearing" },
	{ 17, "User busy" },
	{ 18, "No user responding" },
	{ 19, "No answer from user" },
	{ 20, "Subscriber absent" },
	{ 21, "Call rejected" },
	{ 22, "Number changed" },
	{ 23, "Redirection to new destination" },
	{ 25, "Exchange routing error" },
	{ 26, "Non-selected user clearing" },
	{ 27, "Destination out of order" },
	{ 28, "Invalid number format" },
	{ 29, "Facility rejected" },
	{ 31, "Normal, unspecified" },
	{ 34, "No circuit/channel available" },
	{ 38, "Network out of order" },
	{ 41, "Temporary failure" },
	{ 42, "Switching equipment congestion" },
	{ 44, "Requested circuit/channel not available" },
	{ 47, "Resource unavailable, unspecified" },
	{ 55, "Incoming calls barred within CUG" },
	{ 57, "Bearer capability not authorized" },
	{ 58, "Bearer capability not presently available" },
	{ 63, "Service or option not available" },
	{ 65, "Bearer capability not implemented" },
	{ 70, "Only restricted digital available" },
	{ 79, "Service or option not implemented" },
	{ 87, "User not member of CUG" },
	{ 88, "Incompatible destination" },
	{ 102, "Recovery on timer expiry" },
	{ 111, "Protocol error, unspecified" },
	{ 127, "Interworking, unspecified" },
	{}
};

const char *call_cause_name(int cause)
{
	const char *s = get_value_string_or_null(cause_names, cause);

	return s ? s : "";
}

int call_cause_from_sip(int status)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(cause_sip_tab); i++)
		if (cause_sip_tab[i].status == status)
			return cause_sip_tab[i].cause;
	return status >= 400 && status < 700 ? 31 : 127;
}

int call_cause_to_sip(int cause)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(cause_q850_tab); i++)
		if (cause_q850_tab[i].cause == cause)
			return cause_q850_tab[i].status;
	return 500;
}

static bool cause_valid(int cause)
{
	return cause >= 1 && cause <= 127;
}

int call_cause_map_set_sip(int status, int cause)
{
	unsigned int i;

	if (!cause_valid(cause))
		return -EINVAL;
	for (i = 0; i < ARRAY_SIZE(cause_sip_tab); i++)
		if (cause_sip_tab[i].status == status) {
			cause_sip_tab[i].cause = cause;
			return 0;
		}
	return -EINVAL; /* only the rows the table has (the class default covers the rest) */
}

int call_cause_map_set_q850(int cause, int status)
{
	unsigned int i;

	if (status != 0 && (status < 400 || status > 699))
		return -EINVAL;
	for (i = 0; i < ARRAY_SIZE(cause_q850_tab); i++)
		if (cause_q850_tab[i].cause == cause) {
			cause_q850_tab[i].status = status;
			return 0;
		}
	return -EINVAL;
}

void call_cause_map_reset(void)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(cause_sip_tab); i++)
		cause_sip_tab[i].cause = cause_sip_tab[i].rfc;
	for (i = 0; i < ARRAY_SIZE(cause_q850_tab); i++)
		cause_q850_tab[i].status = cause_q850_tab[i].rfc;
}

int call_cause_sip_row(unsigned int idx, int *status, int *cause, bool *changed)
{
	if (idx >= ARRAY_SIZE(cause_sip_tab))
		return -ENOENT;
	*status = cause_sip_tab[idx].status;
	*cause = cause_sip_tab[idx].cause;
	*changed = cause_sip_tab[idx].cause != cause_sip_tab[idx].rfc;
	return 0;
}

int call_cause_q850_row(unsigned int idx, int *cause, int *status, bool *changed)
{
	if (idx >= ARRAY_SIZE(cause_q850_tab))
		return -ENOENT;
	*cause = cause_q850_tab[idx].cause;
	*status = cause_q850_tab[idx].status;
	*changed = cause_q850_tab[idx].status != cause_q850_tab[idx].rfc;
	return 0;
}
