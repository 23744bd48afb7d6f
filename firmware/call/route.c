// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Routing for now: hotlines (called numbers) with ordered advisor lists from the running
 * config, and the calling-number prefixes per type of number (Q.931 TON -> E.164). The host
 * controller's rating tables replace the static order later.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <osmocom/core/utils.h>

#include <hlgw/call.h>

static struct call_hotline route_hotlines[CALL_HOTLINES_MAX];
static unsigned int route_n;

static char route_prefix[CALL_TON__NUM][CALL_PREFIX_MAX + 1] = {
	[CALL_TON_INTERNATIONAL] = "+",
};
static char route_prefix_private[CALL_PREFIX_MAX + 1];

/* 1..32 characters of digits * #, with an optional leading + */
static bool route_number_ok(const char *s, size_t max)
{
	size_t n = s ? strlen(s) : 0;

	if (n == 0 || n > max)
		return false;
	if (*s == '+')
		s++;
	return *s && strspn(s, "0123456789*#") == strlen(s);
}

const struct call_hotline *call_hotline_find(const char *number)
{
	unsigned int i;

	for (i = 0; number && i < route_n; i++)
		if (!strcmp(route_hotlines[i].number, number))
			return &route_hotlines[i];
	return NULL;
}

const struct call_hotline *call_hotline_get(unsigned int idx)
{
	return idx < route_n ? &route_hotlines[idx] : NULL;
}

int call_hotline_add(const char *number)
{
	struct call_hotline *h;

	if (!route_number_ok(number, CALL_NUM_MAX))
		return -EINVAL;
	if (call_hotline_find(number))
		return 0;
	if (route_n >= CALL_HOTLINES_MAX)
		return -ENOSPC;
	h = &route_hotlines[route_n++];
	memset(h, 0, sizeof(*h));
	osmo_strlcpy(h->number, number, sizeof(h->number));
	h->ring_timeout_s = CALL_RING_TIMEOUT_DEF;
	return 0;
}

int call_hotline_del(const char *number)
{
	struct call_hotline *h = (struct call_hotline *)call_hotline_find(number);

	if (!h)
		return -ENOENT;
	memmove(h, h + 1, (size_t)(&route_hotlines[route_n] - (h + 1)) * sizeof(*h));
	route_n--;
	return 0;
}

static int route_advisor_idx(const struct call_hotline *h, const char *uri)
{
	unsigned int i;

	for (i = 0; i < h->n_advisors; i++)
		if (!strcmp(h->advisor[i], uri))
			return (int)i;
	return -1;
}

int call_hotline_advisor_add(const char *number, const char *uri)
{
	struct call_hotline *h = (struct call_hotline *)call_hotline_find(number);
	size_t n = uri ? strlen(uri) : 0;

	if (!h)
		return -ENOENT;
	/* the SIP module checks it fully when it calls; here: what can go on a request line */
	if (n < 5 || n >= SIP_URI_MAX || strncmp(uri, "sip:", 4) ||
	    strpbrk(uri, " \t\r\n\"<>\\"))
		return -EINVAL;
	if (route_advisor_idx(h, uri) >= 0)
		return -EEXIST;
	if (h->n_advisors >= CALL_ADVISORS_MAX)
		return -ENOSPC;
	osmo_strlcpy(h->advisor[h->n_advisors++], uri, SIP_URI_MAX);
	return 0;
}

int call_hotline_advisor_del(const char *number, const char *uri)
{
	struct call_hotline *h = (struct call_hotline *)call_hotline_find(number);
	int i;

	if (!h || !uri || (i = route_advisor_idx(h, uri)) < 0)
		return -ENOENT;
	memmove(h->advisor[i], h->advisor[i + 1], (h->n_advisors - i - 1) * SIP_URI_MAX);
	h->n_advisors--;
	return 0;
}

int call_hotline_ring_timeout(const char *number, unsigned int s)
{
	struct call_hotline *h = (struct call_hotline *)call_hotline_find(number);

	if (!h)
		return -ENOENT;
	if (s < CALL_RING_TIMEOUT_MIN || s > CALL_RING_TIMEOUT_MAX)
		return -ERANGE;
	h->ring_timeout_s = s;
	return 0;
}

int call_prefix_set(enum call_ton ton, const char *prefix)
{
	if ((unsigned int)ton >= CALL_TON__NUM || !prefix)
		return -EINVAL;
	if (*prefix && !route_number_ok(prefix, CALL_PREFIX_MAX))
		return -EINVAL;
	if (strpbrk(prefix, "*#"))
		return -EINVAL;
	osmo_strlcpy(route_prefix[ton], prefix, sizeof(route_prefix[ton]));
	return 0;
}

const char *call_prefix_get(enum call_ton ton)
{
	return (unsigned int)ton < CALL_TON__NUM ? route_prefix[ton] : "";
}

int call_prefix_private_set(const char *prefix)
{
	if (!prefix || (*prefix && !route_number_ok(prefix, CALL_PREFIX_MAX)) ||
	    strpbrk(prefix, "*#"))
		return -EINVAL;
	osmo_strlcpy(route_prefix_private, prefix, sizeof(route_prefix_private));
	return 0;
}

const char *call_prefix_private_get(void)
{
	return route_prefix_private;
}

static const struct value_string route_npi_names[] = {
	{ CALL_NPI_UNKNOWN, "unknown" },  { CALL_NPI_ISDN, "ISDN/telephony" },
	{ CALL_NPI_DATA, "data" },	  { CALL_NPI_TELEX, "telex" },
	{ CALL_NPI_NATIONAL, "national" }, { CALL_NPI_PRIVATE, "private" },
	{}
};
static const struct value_string route_ton_names[] = {
	{ CALL_TON_UNKNOWN, "unknown" },	   { CALL_TON_INTERNATIONAL, "international" },
	{ CALL_TON_NATIONAL, "national" },	   { 3, "network-specific" },
	{ CALL_TON_SUBSCRIBER, "subscriber" }, { 6, "abbreviated" },
	{}
};

const char *call_npi_name(enum call_npi npi)
{
	return get_value_string(route_npi_names, npi);
}

const char *call_ton_name(enum call_ton ton)
{
	return get_value_string(route_ton_names, ton);
}

int call_number_e164(char *out, size_t size, enum call_ton ton, enum call_npi npi,
		     const char *number)
{
	const char *pfx;
	int n;

	if (!out || !size || !number)
		return -EINVAL;
	if (npi == CALL_NPI_UNKNOWN || npi == CALL_NPI_ISDN)
		pfx = call_prefix_get(ton);
	else if (npi == CALL_NPI_PRIVATE)
		pfx = route_prefix_private;
	else
		pfx = "";
	if (*number == '+') /* already international */
		pfx = "";
	n = snprintf(out, size, "%s%s", pfx, number);
	return n < 0 || (size_t)n >= size ? -ENOSPC : 0;
}
