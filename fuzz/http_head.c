/*
** http_head.c: libFuzzer target for what the server decides from a request
** head before any route runs (src/http/guard.c, src/http/limits.c): the
** input is read as a request head (request line, then "Name: value" lines up
** to an empty line, CRLF or LF), as libmicrohttpd hands it over:
**   - the query-parameter count of the request target;
**   - every header through sm_head_scan_add, then sm_head_verdict (framing,
**     Transfer-Encoding, Host, Origin) with an allow-list, and
**     sm_origin_allowed on the Origin and Host seen;
**   - each header name as a limit option (--NAME VALUE) of a limits struct,
**     then the cross-field check and, if it passes, a throttle made from it;
**   - login throttling: each header value as an account and the request
**     target as the address, failures and successes at times taken from the
**     input, checks in between (the back-off must stay within its maximum).
** Any crash, sanitizer report or broken invariant (abort) is a finding.
*/
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "http/guard.h"
#include "http/limits.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_LINES 256

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > 65536)
		return 0;
	char *text = malloc(size + 1);
	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0'; /* an embedded NUL ends the head, as in a C string */
	/* lines */
	char *lines[MAX_LINES];
	size_t n = 0;
	for (char *p = text; n < MAX_LINES;) {
		char *nl = strchr(p, '\n');
		if (nl) {
			*nl = '\0';
			if (nl > p && nl[-1] == '\r')
				nl[-1] = '\0';
		}
		lines[n++] = p;
		if (!nl)
			break;
		p = nl + 1;
	}
	/* request line: METHOD TARGET VERSION */
	char *method = lines[0], *target = strchr(lines[0], ' ');
	if (target) {
		*target++ = '\0';
		char *sp = strrchr(target, ' ');
		if (sp)
			*sp = '\0';
	} else {
		target = (char *)"/";
	}
	unsigned long nq = sm_query_param_count(target);
	if (nq > strlen(target))
		abort();
	sm_head_scan hs;
	sm_head_scan_init(&hs);
	sm_http_limits lim;
	sm_http_limits_default(&lim);
	for (size_t k = 1; k < n && lines[k][0]; k++) {
		char *colon = strchr(lines[k], ':');
		if (!colon)
			continue;
		*colon = '\0';
		char *value = colon + 1;
		while (*value == ' ' || *value == '\t')
			value++;
		sm_head_scan_add(&hs, lines[k], value);
		char opt[300], err[200];
		size_t ln = strlen(lines[k]);
		if (ln < sizeof opt - 2) {
			opt[0] = opt[1] = '-';
			memcpy(opt + 2, lines[k], ln + 1);
			int rc = sm_http_limits_option(&lim, opt, value, err, sizeof err);
			if (rc < 0 && !err[0])
				abort(); /* a refusal always says why */
		}
	}
	static const char *const allow[] = {"https://partner.example", "http://127.0.0.1:8080"};
	sm_origins origins = {allow, 2};
	const char *msg = NULL;
	unsigned st = sm_head_verdict(&hs, method, &origins, &msg);
	if ((st != 0) != (msg != NULL) || (st && st != 400 && st != 403 && st != 501))
		abort();
	if (hs.origin)
		(void)sm_origin_allowed(hs.origin, hs.host, &origins);
	char err[200];
	if (sm_http_limits_check(&lim, err, sizeof err) == 0) {
		for (size_t d = 0; d < sm_http_limit_count; d++) {
			const sm_http_limit_def *def = &sm_http_limit_defs[d];
			unsigned long v = *(const unsigned long *)(const void *)((const char *)&lim + def->offset);
			if (v < def->min || v > def->max)
				abort();
		}
		sm_throttle *t = sm_throttle_new(&lim);
		if (t) {
			int64_t now = 1700000000;
			for (size_t k = 1; k < n; k++) {
				const char *acct = lines[k];
				now += (int64_t)(strlen(acct) % 7);
				unsigned w = sm_throttle_check(t, acct, target, now);
				if (w > lim.login_backoff_max)
					abort();
				sm_throttle_result(t, acct, target, (strlen(acct) & 3) == 0, now);
			}
			sm_throttle_free(t);
		}
	}
	free(text);
	return 0;
}
