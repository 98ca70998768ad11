/*
** test_guard.c: the server's request-head checks, Origin rule, query count,
** limit options and login throttling (src/http/guard.c, src/http/limits.c),
** at their boundaries. tests/hostile checks the same over real sockets.
*/
#include "testutil.h"

#include "http/guard.h"
#include "http/limits.h"

/* The verdict of a head given as name, value, ..., NULL (allowed foreign
** origin: https://partner.example); a refusal always has a message. */
static unsigned V(const char *method, ...)
{
	static const char *const allow[] = {"https://partner.example"};
	sm_origins o = {allow, 1};
	sm_head_scan s;
	sm_head_scan_init(&s);
	va_list ap;
	va_start(ap, method);
	for (const char *name; (name = va_arg(ap, const char *)) != NULL;) {
		const char *value = va_arg(ap, const char *);
		sm_head_scan_add(&s, name, value);
	}
	va_end(ap);
	const char *msg = NULL;
	unsigned st = sm_head_verdict(&s, method, &o, &msg);
	assert_true((st == 0) == (msg == NULL));
	return st;
}

static void test_framing(void **state)
{
	(void)state;
	assert_int_equal(V("POST", "Host", "h", "Content-Length", "5", NULL), 0);
	assert_int_equal(V("POST", "Host", "h", "Content-Length", "5", "content-length", " 5 ", NULL), 0); /* the same value */
	assert_int_equal(V("POST", "Host", "h", "Content-Length", "5", "Content-Length", "6", NULL), 400);
	assert_int_equal(V("POST", "Host", "h", "Content-Length", "+5", NULL), 400);
	assert_int_equal(V("POST", "Host", "h", "Content-Length", "5, 5", NULL), 400);
	assert_int_equal(V("POST", "Host", "h", "Content-Length", "", NULL), 400);
	assert_int_equal(V("POST", "Host", "h", "Content-Length", "5", "Transfer-Encoding", "chunked", NULL), 400);
	assert_int_equal(V("POST", "Host", "h", "Transfer-Encoding", "chunked", NULL), 0);
	assert_int_equal(V("POST", "Host", "h", "Transfer-Encoding", " CHUNKED ", NULL), 0);
	assert_int_equal(V("POST", "Host", "h", "Transfer-Encoding", "gzip", NULL), 501);
	assert_int_equal(V("POST", "Host", "h", "Transfer-Encoding", "gzip, chunked", NULL), 501);
	assert_int_equal(V("POST", "Host", "h", "Transfer-Encoding", "chunked", "Transfer-Encoding", "chunked", NULL), 501);
	assert_int_equal(V("GET", "Host", "a", "Host", "b", NULL), 400);
	assert_int_equal(V("GET", "Host", "a", "Content-Length ", "5", NULL), 400);
	assert_int_equal(V("GET", "Host", "a", "X Y", "5", NULL), 400);
}

static void test_origin(void **state)
{
	(void)state;
	/* state-changing methods: same origin, allowed origin, none pass; others 403 */
	assert_int_equal(V("POST", "Host", "127.0.0.1:8080", "Origin", "http://127.0.0.1:8080", NULL), 0);
	assert_int_equal(V("DELETE", "Host", "reg.example", "Origin", "https://REG.example", NULL), 0);
	assert_int_equal(V("PUT", "Host", "h", "Origin", "https://partner.example", NULL), 0);
	assert_int_equal(V("POST", "Host", "h", NULL), 0);
	assert_int_equal(V("POST", "Host", "127.0.0.1:8080", "Origin", "http://127.0.0.1:8081", NULL), 403);
	assert_int_equal(V("POST", "Host", "127.0.0.1:8080", "Origin", "http://127.0.0.1", NULL), 403);
	assert_int_equal(V("POST", "Host", "h", "Origin", "null", NULL), 403);
	assert_int_equal(V("POST", "Host", "h", "Origin", "http://h/", NULL), 403);
	assert_int_equal(V("POST", "Host", "h", "Origin", "ftp://h", NULL), 403);
	assert_int_equal(V("POST", "Host", "h", "Origin", "https://partner.example.evil", NULL), 403);
	assert_int_equal(V("POST", "Host", "h", "Origin", "http://h", "Origin", "http://h", NULL), 403); /* two */
	assert_int_equal(V("PATCH", "Origin", "http://h", NULL), 403); /* no Host: nothing to be the same as */
	assert_int_equal(V("POST", "Host", "h", "Sec-Fetch-Site", "cross-site", NULL), 403);
	assert_int_equal(V("POST", "Host", "h", "Sec-Fetch-Site", "same-origin", NULL), 0);
	/* reads are never refused for their origin */
	assert_int_equal(V("GET", "Host", "h", "Origin", "http://evil.example", NULL), 0);
	assert_int_equal(V("HEAD", "Host", "h", "Sec-Fetch-Site", "cross-site", NULL), 0);
	assert_int_equal(V("OPTIONS", "Host", "h", "Origin", "null", NULL), 0);
}

static void test_query_count(void **state)
{
	(void)state;
	assert_int_equal(sm_query_param_count("/p"), 0);
	assert_int_equal(sm_query_param_count("/p?"), 0);
	assert_int_equal(sm_query_param_count("/p?a"), 1);
	assert_int_equal(sm_query_param_count("/p?a=1&b=2&c"), 3);
	assert_int_equal(sm_query_param_count("/p?&&"), 3);
	assert_int_equal(sm_query_param_count(NULL), 0);
}

static void test_limit_options(void **state)
{
	(void)state;
	sm_http_limits l;
	sm_http_limits_default(&l);
	assert_int_equal(l.max_connections, 512);
	assert_true(l.per_address < l.max_connections / 4); /* far below the global limit */
	assert_true(l.auth_reserve > 0 && l.auth_reserve < l.max_connections);
	char err[200];
	assert_int_equal(sm_http_limits_option(&l, "--per-address", "7", err, sizeof err), 1);
	assert_int_equal(l.per_address, 7);
	assert_int_equal(sm_http_limits_option(&l, "--per-address", "0", err, sizeof err), -1);
	assert_non_null(strstr(err, "--per-address needs a whole number from 1 to"));
	assert_int_equal(sm_http_limits_option(&l, "--per-address", "-3", err, sizeof err), -1);
	assert_int_equal(sm_http_limits_option(&l, "--per-address", "3x", err, sizeof err), -1);
	assert_int_equal(sm_http_limits_option(&l, "--per-address", "99999999999999999999999", err, sizeof err), -1);
	assert_int_equal(l.per_address, 7); /* unchanged by refusals */
	assert_int_equal(sm_http_limits_option(&l, "--max-query-args", "65", err, sizeof err), -1);
	assert_int_equal(sm_http_limits_option(&l, "--threads", "4", err, sizeof err), 0); /* not a limit */
	assert_int_equal(sm_http_limits_option(&l, "per-address", "4", err, sizeof err), 0);
	assert_int_equal(sm_http_limits_check(&l, err, sizeof err), 0);
	assert_int_equal(sm_http_limits_option(&l, "--auth-reserve", "512", err, sizeof err), 1);
	assert_int_equal(sm_http_limits_check(&l, err, sizeof err), -1);
	assert_non_null(strstr(err, "--auth-reserve"));
}

static void test_throttle_backoff(void **state)
{
	(void)state;
	sm_http_limits l;
	sm_http_limits_default(&l);
	l.login_free_account = 3;
	l.login_free_address = 100;
	l.login_backoff_max = 10;
	l.login_forget = 3600;
	sm_throttle *t = sm_throttle_new(&l);
	assert_non_null(t);
	int64_t now = 1000000;
	/* three free failures */
	for (int k = 0; k < 3; k++) {
		assert_int_equal(sm_throttle_check(t, "clinA", "10.0.0.1", now), 0);
		sm_throttle_result(t, "clinA", "10.0.0.1", 0, now);
	}
	assert_int_equal(sm_throttle_check(t, "clinA", "10.0.0.1", now), 0);
	/* then 1, 2, 4, 8 s, capped at 10 */
	static const unsigned want[] = {1, 2, 4, 8, 10, 10};
	for (size_t k = 0; k < N(want); k++) {
		sm_throttle_result(t, "clinA", "10.0.0.1", 0, now);
		assert_int_equal(sm_throttle_check(t, "clinA", "10.0.0.1", now), want[k]);
		assert_int_equal(sm_throttle_check(t, "CLINA", "10.9.9.9", now), want[k]); /* any case, any address */
		assert_int_equal(sm_throttle_check(t, "clinB", "10.0.0.1", now), 0);        /* not the address yet */
		now += want[k];
		assert_int_equal(sm_throttle_check(t, "clinA", "10.0.0.1", now), 0); /* waited */
	}
	/* a success forgets the account */
	sm_throttle_result(t, "clina", "10.0.0.2", 1, now);
	sm_throttle_result(t, "clinA", "10.0.0.1", 0, now);
	assert_int_equal(sm_throttle_check(t, "clinA", "10.0.0.1", now), 0);
	/* failures are forgotten login_forget after the last one */
	for (int k = 0; k < 5; k++)
		sm_throttle_result(t, "clinC", NULL, 0, now);
	assert_true(sm_throttle_check(t, "clinC", NULL, now) > 0);
	now += 3601 + 10;
	assert_int_equal(sm_throttle_check(t, "clinC", NULL, now), 0);
	sm_throttle_result(t, "clinC", NULL, 0, now);
	assert_int_equal(sm_throttle_check(t, "clinC", NULL, now), 0); /* counted from one again */
	sm_throttle_free(t);
}

static void test_throttle_address(void **state)
{
	(void)state;
	sm_http_limits l;
	sm_http_limits_default(&l);
	l.login_free_account = 1000;
	l.login_free_address = 4;
	sm_throttle *t = sm_throttle_new(&l);
	int64_t now = 5000;
	char name[32];
	for (int k = 0; k < 4; k++) { /* four names from one address: free */
		snprintf(name, sizeof name, "user%d", k);
		assert_int_equal(sm_throttle_check(t, name, "192.0.2.7", now), 0);
		sm_throttle_result(t, name, "192.0.2.7", 0, now);
	}
	sm_throttle_result(t, "user9", "192.0.2.7", 0, now);
	assert_int_equal(sm_throttle_check(t, "anyone", "192.0.2.7", now), 1);
	assert_int_equal(sm_throttle_check(t, "anyone", "192.0.2.8", now), 0);
	/* a success elsewhere does not clear the address */
	sm_throttle_result(t, "own-account", "192.0.2.7", 1, now);
	assert_int_equal(sm_throttle_check(t, "anyone", "192.0.2.7", now), 1);
	/* many other keys (more than the table holds) never make it forget a recent one wrongly:
	** the entry used least recently is the one replaced */
	for (int k = 0; k < 10000; k++) {
		char addr[32];
		snprintf(addr, sizeof addr, "198.51.%d.%d", k / 250, k % 250);
		sm_throttle_result(t, NULL, addr, 0, now - 100);
	}
	assert_int_equal(sm_throttle_check(t, "anyone", "192.0.2.7", now), 1);
	sm_throttle_free(t);
	assert_int_equal(sm_throttle_check(NULL, "a", "b", now), 0); /* no throttle: go ahead */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_framing),        cmocka_unit_test(test_origin),
		cmocka_unit_test(test_query_count),    cmocka_unit_test(test_limit_options),
		cmocka_unit_test(test_throttle_backoff), cmocka_unit_test(test_throttle_address),
	};
	SM_RUN_SUITE("guard", tests);
}
