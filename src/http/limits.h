/*
** limits.h: every threshold of `spinemets serve` in one place: the table in
** limits.c gives each its option name (--NAME), default, range and meaning;
** the command line, its --help and the tests use that table. README.md and
** docs/spinemets.1 describe the same defaults.
*/
#ifndef SM_HTTP_LIMITS_H
#define SM_HTTP_LIMITS_H
#include <stddef.h>
#include <stdio.h>

typedef struct sm_http_limits {
	unsigned long max_connections;   /* connections open at once */
	unsigned long per_address;       /* connections open at once from one client address */
	unsigned long auth_reserve;      /* connections kept for signed-in users */
	unsigned long request_deadline;  /* s: a request's head and body, from connect or the previous answer */
	unsigned long pressure_idle;     /* s: with the reserve in use, anonymous connections idle this long are closed */
	unsigned long idle_timeout;      /* s: no bytes moving (libmicrohttpd's timer; also for slow readers) */
	unsigned long max_body;          /* bytes of a request body */
	unsigned long max_header;        /* bytes of connection memory (request line and headers) */
	unsigned long max_query_args;    /* query-string parameters of one request */
	unsigned long hash_slots;        /* password checks at once (0: worker threads - 1, at least 1) */
	unsigned long login_free_account; /* failed logins of one account before back-off */
	unsigned long login_free_address; /* failed logins from one address before back-off */
	unsigned long login_backoff_max; /* s: the longest back-off */
	unsigned long login_forget;      /* s: failures are forgotten this long after the last one */
} sm_http_limits;

typedef struct sm_http_limit_def {
	const char *name;                /* the option without "--" */
	size_t offset;                   /* of the field in sm_http_limits */
	unsigned long dflt, min, max;
	const char *unit;                /* "s", "bytes" or "" */
	const char *help;
} sm_http_limit_def;

extern const sm_http_limit_def sm_http_limit_defs[];
extern const size_t sm_http_limit_count;

/* The defaults. */
void sm_http_limits_default(sm_http_limits *l);
/* One option: 1 taken (value in range), 0 not a limit's name, -1 a bad value
** (a message naming the option and its range in err). `name` includes "--". */
int sm_http_limits_option(sm_http_limits *l, const char *name, const char *value, char *err, size_t errsz);
/* Cross-field rules (reserve below the connection limit, ...): 0 ok, -1 with a message. */
int sm_http_limits_check(const sm_http_limits *l, char *err, size_t errsz);
/* The options for --help, one per line (two columns). */
void sm_http_limits_usage(FILE *f);
#endif
