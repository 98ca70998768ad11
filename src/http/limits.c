/*
** limits.c: the thresholds of `spinemets serve` (see limits.h). Change a
** default here and in README.md / docs/spinemets.1, nowhere else.
*/
#include "http/limits.h"
#include "http/api.h"

#include <stdlib.h>
#include <string.h>

#define L(field) offsetof(sm_http_limits, field)

const sm_http_limit_def sm_http_limit_defs[] = {
	{"max-connections", L(max_connections), 512, 1, 100000, "",
	 "connections open at once"},
	{"per-address", L(per_address), 32, 1, 100000, "",
	 "connections open at once from one client address (more are closed at\n"
	 "once; raise it when many users share one address, e.g. behind a\n"
	 "proxy)"},
	{"auth-reserve", L(auth_reserve), 64, 0, 100000, "",
	 "connections kept for signed-in users: above max-connections minus\n"
	 "this, requests without a valid session or token get 503 and\n"
	 "anonymous idle connections are closed"},
	{"request-deadline", L(request_deadline), 15, 1, 3600, "s",
	 "a whole request head and body must arrive within this time of the\n"
	 "connection opening or the previous answer (then 408 and close);\n"
	 "trickling bytes does not extend it"},
	{"pressure-idle", L(pressure_idle), 2, 1, 3600, "s",
	 "while the reserve is in use, anonymous connections waiting this long\n"
	 "for a request are closed"},
	{"idle-timeout", L(idle_timeout), 30, 1, 86400, "s",
	 "close a connection when no bytes move for this long"},
	{"max-body", L(max_body), 1024 * 1024, 1, 1UL << 30, "bytes",
	 "largest request body (413 above)"},
	{"max-header", L(max_header), 16 * 1024, 4096, 1UL << 24, "bytes",
	 "memory per connection, which bounds the request line and headers\n"
	 "(headers up to about 8 KB always fit; larger ones may get 431)"},
	{"max-query-args", L(max_query_args), 32, 1, SM_API_MAX_ARGS, "",
	 "query-string parameters of one request (400 above)"},
	{"hash-slots", L(hash_slots), 0, 0, 256, "",
	 "password checks running at once; more get 503 with Retry-After (0:\n"
	 "the worker threads less one, at least one)"},
	{"login-free-account", L(login_free_account), 5, 1, 1000, "",
	 "failed logins of one account before back-off (429 with Retry-After,\n"
	 "1 s, doubling per further failure)"},
	{"login-free-address", L(login_free_address), 50, 1, 100000, "",
	 "failed logins from one client address before back-off"},
	{"login-backoff-max", L(login_backoff_max), 900, 1, 86400, "s",
	 "the longest login back-off"},
	{"login-forget", L(login_forget), 86400, 60, 30 * 86400, "s",
	 "failed logins are forgotten this long after the last one"},
};
const size_t sm_http_limit_count = sizeof sm_http_limit_defs / sizeof sm_http_limit_defs[0];

static unsigned long *field(sm_http_limits *l, const sm_http_limit_def *d)
{
	return (unsigned long *)(void *)((char *)l + d->offset);
}

void sm_http_limits_default(sm_http_limits *l)
{
	memset(l, 0, sizeof *l);
	for (size_t k = 0; k < sm_http_limit_count; k++)
		*field(l, &sm_http_limit_defs[k]) = sm_http_limit_defs[k].dflt;
}

int sm_http_limits_option(sm_http_limits *l, const char *name, const char *value, char *err, size_t errsz)
{
	if (!name || strncmp(name, "--", 2) != 0)
		return 0;
	for (size_t k = 0; k < sm_http_limit_count; k++) {
		const sm_http_limit_def *d = &sm_http_limit_defs[k];
		if (strcmp(name + 2, d->name) != 0)
			continue;
		char *end = NULL;
		unsigned long long v = 0;
		int ok = value && *value >= '0' && *value <= '9';
		if (ok) {
			v = strtoull(value, &end, 10);
			ok = *end == '\0' && v >= d->min && v <= d->max;
		}
		if (!ok) {
			snprintf(err, errsz, "--%s needs a whole number from %lu to %lu%s%s (got '%s')", d->name, d->min,
			         d->max, *d->unit ? " " : "", d->unit, value ? value : "");
			return -1;
		}
		*field(l, d) = (unsigned long)v;
		return 1;
	}
	return 0;
}

int sm_http_limits_check(const sm_http_limits *l, char *err, size_t errsz)
{
	if (l->auth_reserve >= l->max_connections) {
		snprintf(err, errsz, "--auth-reserve (%lu) must be below --max-connections (%lu)", l->auth_reserve,
		         l->max_connections);
		return -1;
	}
	return 0;
}

void sm_http_limits_usage(FILE *f)
{
	for (size_t k = 0; k < sm_http_limit_count; k++) {
		const sm_http_limit_def *d = &sm_http_limit_defs[k];
		char opt[64];
		snprintf(opt, sizeof opt, "--%s %s", d->name, *d->unit == 's' ? "S" : "N");
		fprintf(f, "  %-24s (default %lu%s%s)\n      ", opt, d->dflt, *d->unit ? " " : "", d->unit);
		for (const char *p = d->help; *p; p++) {
			fputc(*p, f);
			if (*p == '\n')
				fputs("      ", f);
		}
		fputc('\n', f);
	}
}
