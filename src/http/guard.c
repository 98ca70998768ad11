/*
** guard.c: strict request heads, the Origin check and login throttling
** (see guard.h). No sockets, no libmicrohttpd.
*/
#include "http/guard.h"

#include <ctype.h>
#include <pthread.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* ======================================================================
** Request heads
** ==================================================================== */
void sm_head_scan_init(sm_head_scan *s)
{
	memset(s, 0, sizeof *s);
}

/* value without the optional white space around it: [*b, *b + *n) */
static void trim(const char *v, const char **b, size_t *n)
{
	while (*v == ' ' || *v == '\t')
		v++;
	size_t len = strlen(v);
	while (len && (v[len - 1] == ' ' || v[len - 1] == '\t'))
		len--;
	*b = v;
	*n = len;
}

static int same_trimmed(const char *a, const char *b)
{
	const char *pa, *pb;
	size_t na, nb;
	trim(a, &pa, &na);
	trim(b, &pb, &nb);
	return na == nb && memcmp(pa, pb, na) == 0;
}

void sm_head_scan_add(sm_head_scan *s, const char *name, const char *value)
{
	if (!name)
		return;
	if (!value)
		value = "";
	if (strpbrk(name, " \t"))
		s->name_bad = 1;
	if (strcasecmp(name, "Content-Length") == 0) {
		const char *b;
		size_t n;
		trim(value, &b, &n);
		int digits = n > 0;
		for (size_t k = 0; k < n; k++)
			if (b[k] < '0' || b[k] > '9')
				digits = 0;
		if (!digits)
			s->cl_bad = 1;
		if (s->n_cl && !same_trimmed(s->cl, value))
			s->cl_conflict = 1;
		if (!s->n_cl)
			s->cl = value;
		s->n_cl++;
	} else if (strcasecmp(name, "Transfer-Encoding") == 0) {
		const char *b;
		size_t n;
		trim(value, &b, &n);
		if (!(n == 7 && strncasecmp(b, "chunked", 7) == 0))
			s->te_bad = 1;
		s->n_te++;
	} else if (strcasecmp(name, "Host") == 0) {
		if (!s->n_host)
			s->host = value;
		s->n_host++;
	} else if (strcasecmp(name, "Origin") == 0) {
		if (!s->n_origin)
			s->origin = value;
		s->n_origin++;
	} else if (strcasecmp(name, "Sec-Fetch-Site") == 0) {
		s->sec_fetch_site = value;
	} else if (strcasecmp(name, "Cookie") == 0) {
		s->cookie = value;
	}
}

int sm_method_changes_state(const char *method)
{
	return !(strcmp(method, "GET") == 0 || strcmp(method, "HEAD") == 0 || strcmp(method, "OPTIONS") == 0);
}

int sm_origin_allowed(const char *origin, const char *host, const sm_origins *allowed)
{
	const char *o;
	size_t on;
	trim(origin, &o, &on);
	for (size_t k = 0; allowed && k < allowed->n; k++)
		if (strlen(allowed->v[k]) == on && strncasecmp(allowed->v[k], o, on) == 0)
			return 1;
	if (!host)
		return 0;
	/* "http://authority" or "https://authority", nothing after it */
	size_t skip = 0;
	if (on > 7 && strncasecmp(o, "http://", 7) == 0)
		skip = 7;
	else if (on > 8 && strncasecmp(o, "https://", 8) == 0)
		skip = 8;
	else
		return 0;
	const char *h;
	size_t hn;
	trim(host, &h, &hn);
	return hn == on - skip && hn > 0 && strncasecmp(o + skip, h, hn) == 0 && !memchr(h, '/', hn);
}

unsigned sm_head_verdict(const sm_head_scan *s, const char *method, const sm_origins *allowed, const char **msg)
{
	if (s->n_host > 1) {
		*msg = "more than one Host header";
		return 400;
	}
	if (s->name_bad) {
		*msg = "a header name may not contain white space";
		return 400;
	}
	if (s->cl_conflict) {
		*msg = "conflicting Content-Length headers";
		return 400;
	}
	if (s->cl_bad) {
		*msg = "Content-Length must be a decimal number of bytes";
		return 400;
	}
	if (s->n_te && s->n_cl) {
		*msg = "a request may not have both Content-Length and Transfer-Encoding";
		return 400;
	}
	if (s->te_bad || s->n_te > 1) {
		*msg = "unsupported Transfer-Encoding: only a single \"chunked\" is understood";
		return 501;
	}
	if (method && sm_method_changes_state(method)) {
		if (s->n_origin > 1 || (s->origin && !sm_origin_allowed(s->origin, s->host, allowed))) {
			*msg = "cross-origin request refused: the Origin is neither this server nor an allowed origin";
			return 403;
		}
		if (!s->origin && s->sec_fetch_site && strcasecmp(s->sec_fetch_site, "cross-site") == 0) {
			*msg = "cross-site request refused (Sec-Fetch-Site: cross-site)";
			return 403;
		}
	}
	*msg = NULL;
	return 0;
}

unsigned long sm_query_param_count(const char *uri)
{
	const char *qm = uri ? strchr(uri, '?') : NULL;
	if (!qm || !qm[1])
		return 0;
	unsigned long n = 1;
	for (const char *p = qm + 1; *p; p++)
		n += *p == '&';
	return n;
}

/* ======================================================================
** Login throttling: two tables (accounts, addresses) of keyed SipHash
** digests, open addressing with a bounded probe; when a probe finds no room
** the entry used least recently is replaced.
** ==================================================================== */
#define TABLE_SIZE 4096u /* a power of two */
#define PROBE 32u

typedef struct entry {
	uint64_t key;     /* 0: free */
	uint32_t fails;
	int64_t last;     /* the last failure */
	int64_t until;    /* no attempt before this */
} entry;

struct sm_throttle {
	pthread_mutex_t mu;
	unsigned char hkey[crypto_shorthash_KEYBYTES];
	unsigned long free_account, free_address, backoff_max, forget;
	entry account[TABLE_SIZE], address[TABLE_SIZE];
};

sm_throttle *sm_throttle_new(const sm_http_limits *l)
{
	if (sodium_init() < 0)
		return NULL;
	sm_throttle *t = calloc(1, sizeof *t);
	if (!t)
		return NULL;
	pthread_mutex_init(&t->mu, NULL);
	crypto_shorthash_keygen(t->hkey);
	t->free_account = l->login_free_account;
	t->free_address = l->login_free_address;
	t->backoff_max = l->login_backoff_max;
	t->forget = l->login_forget;
	return t;
}

void sm_throttle_free(sm_throttle *t)
{
	if (!t)
		return;
	pthread_mutex_destroy(&t->mu);
	free(t);
}

/* the digest of a key (accounts without regard to case); never 0 */
static uint64_t digest(const sm_throttle *t, const char *s, int fold)
{
	unsigned char buf[256], out[crypto_shorthash_BYTES];
	size_t n = 0;
	for (; s[n] && n < sizeof buf; n++)
		buf[n] = fold ? (unsigned char)tolower((unsigned char)s[n]) : (unsigned char)s[n];
	crypto_shorthash(out, buf, n, t->hkey);
	uint64_t h;
	memcpy(&h, out, sizeof h);
	return h ? h : 1;
}

/* the entry of `key` (created when `create`), or NULL */
static entry *find(sm_throttle *t, entry *tab, uint64_t key, int create, int64_t now)
{
	size_t at = (size_t)(key & (TABLE_SIZE - 1)), victim = at;
	for (unsigned k = 0; k < PROBE; k++) {
		size_t i = (at + k) & (TABLE_SIZE - 1);
		entry *e = &tab[i];
		if (e->key && now - e->last > (int64_t)t->forget && now >= e->until)
			memset(e, 0, sizeof *e); /* forgotten */
		if (e->key == key)
			return e;
		if (tab[victim].key && (!e->key || e->last < tab[victim].last))
			victim = i;
	}
	if (!create)
		return NULL;
	entry *e = &tab[victim];
	memset(e, 0, sizeof *e);
	e->key = key;
	return e;
}

static unsigned wait_of(const entry *e, int64_t now)
{
	return e && e->until > now ? (unsigned)(e->until - now) : 0;
}

unsigned sm_throttle_check(sm_throttle *t, const char *account, const char *address, int64_t now)
{
	if (!t)
		return 0;
	uint64_t ka = account ? digest(t, account, 1) : 0, kd = address ? digest(t, address, 0) : 0;
	pthread_mutex_lock(&t->mu);
	unsigned wa = ka ? wait_of(find(t, t->account, ka, 0, now), now) : 0;
	unsigned wd = kd ? wait_of(find(t, t->address, kd, 0, now), now) : 0;
	pthread_mutex_unlock(&t->mu);
	return wa > wd ? wa : wd;
}

static void fail(const sm_throttle *t, entry *e, unsigned long free_fails, int64_t now)
{
	if (e->fails < UINT32_MAX)
		e->fails++;
	e->last = now;
	if (e->fails > free_fails) {
		unsigned long over = e->fails - free_fails - 1, delay = 1;
		while (over-- && delay < t->backoff_max)
			delay *= 2;
		if (delay > t->backoff_max)
			delay = t->backoff_max;
		e->until = now + (int64_t)delay;
	}
}

void sm_throttle_result(sm_throttle *t, const char *account, const char *address, int ok, int64_t now)
{
	if (!t)
		return;
	uint64_t ka = account ? digest(t, account, 1) : 0, kd = address ? digest(t, address, 0) : 0;
	pthread_mutex_lock(&t->mu);
	if (ok) {
		entry *e = ka ? find(t, t->account, ka, 0, now) : NULL;
		if (e)
			memset(e, 0, sizeof *e);
	} else {
		if (ka)
			fail(t, find(t, t->account, ka, 1, now), t->free_account, now);
		if (kd)
			fail(t, find(t, t->address, kd, 1, now), t->free_address, now);
	}
	pthread_mutex_unlock(&t->mu);
}
