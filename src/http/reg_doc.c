/*
** reg_doc.c: the registry's documents (see reg_doc.h).
*/
#include "http/reg_doc.h"
#include "io/json_case.h"

#include <math.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

json_t *sm_reg_read_case(const json_t *doc, const char *prefix, sm_case *c)
{
	char *text = json_dumps(doc, JSON_COMPACT | JSON_PRESERVE_ORDER | JSON_ENCODE_ANY);
	if (!text)
		return NULL;
	json_t *errors = sm_json_read_case(text, strlen(text), c);
	free(text);
	if (!errors || !prefix || !*prefix)
		return errors;
	size_t i;
	json_t *e;
	json_array_foreach(errors, i, e) {
		const char *p = json_string_value(json_object_get(e, "path"));
		char buf[1024];
		snprintf(buf, sizeof buf, "%s%s", prefix, p ? p : "");
		json_object_set_new(e, "path", json_string(buf));
	}
	return errors;
}

int sm_reg_assess(const sm_case *c, char **assessment, char **definitions, sm_urgency *urgency)
{
	*assessment = *definitions = NULL;
	sm_assessment *a = malloc(sizeof *a);
	if (!a)
		return -1;
	sm_assess(c, a);
	if (urgency)
		*urgency = a->urgency;
	/* compact, the bytes json_dumps(JSON_COMPACT | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(10)) gave */
	sm_jw w;
	sm_jw_init(&w, 0);
	sm_jw_assessment(&w, c, a);
	free(a);
	*assessment = sm_jw_finish(&w, NULL);
	json_t *defs = json_object();
	for (size_t k = 0; defs && k < sm_instrument_count(); k++) {
		const sm_instrument *in = sm_instrument_at(k);
		json_object_set_new(defs, sm_instrument_name(in), json_string(sm_instrument_definition(in)));
	}
	*definitions = defs ? json_dumps(defs, JSON_COMPACT | JSON_PRESERVE_ORDER) : NULL;
	json_decref(defs);
	if (!*assessment || !*definitions) {
		free(*assessment);
		free(*definitions);
		*assessment = *definitions = NULL;
		return -1;
	}
	return 0;
}

int sm_reg_assessment_urgency(const char *assessment_text)
{
	if (!assessment_text)
		return -1;
	json_t *a = json_loads(assessment_text, 0, NULL);
	const char *u = json_string_value(json_object_get(json_object_get(a, "triage"), "urgency"));
	int r = -1;
	for (int k = SM_URG_ROUTINE; u && k <= SM_URG_EMERGENCY; k++)
		if (strcmp(u, sm_urgency_name((sm_urgency)k)) == 0)
			r = k;
	json_decref(a);
	return r;
}

void sm_reg_iso_time(long long t, char out[32])
{
	time_t tt = (time_t)t;
	struct tm tm;
	if (!gmtime_r(&tt, &tm) || !strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm))
		snprintf(out, 32, "%lld", t);
}

int sm_reg_parse_month(const char *s, long long *start, long long *end)
{
	if (!s || strlen(s) != 7 || s[4] != '-')
		return -1;
	for (int k = 0; k < 7; k++)
		if (k != 4 && (s[k] < '0' || s[k] > '9'))
			return -1;
	int y = atoi(s), m = atoi(s + 5);
	if (m < 1 || m > 12)
		return -1;
	char a[48], b[48];
	snprintf(a, sizeof a, "%04d-%02d-01", y, m);
	snprintf(b, sizeof b, "%04d-%02d-01", m == 12 ? y + 1 : y, m == 12 ? 1 : m + 1);
	if (sm_parse_iso8601(a, start) != 0 || sm_parse_iso8601(b, end) != 0)
		return -1;
	return 0;
}

static json_t *time_or_null(long long t, int have)
{
	if (!have)
		return json_null();
	char buf[32];
	sm_reg_iso_time(t, buf);
	return json_string(buf);
}

static json_t *hours(double h)
{
	return isfinite(h) ? json_real(round(h * 1000.0) / 1000.0) : json_null();
}

json_t *sm_reg_clock_json(const sm_clock *k, int absolute)
{
	json_t *o = json_object();
	json_object_set_new(o, "started", json_boolean(k->started));
	if (absolute)
		json_object_set_new(o, "start", time_or_null(k->start, k->started));
	json_object_set_new(o, "urgency", json_string(sm_urgency_name(k->urgency)));
	json_object_set_new(o, "treated", json_boolean(k->treated));
	json_object_set_new(o, "closed", json_boolean(k->closed));
	json_t *iv = json_object();
	for (int i = 0; i < SM_NINTERVALS; i++)
		json_object_set_new(iv, sm_interval_name((sm_interval_id)i),
		                    k->intervals[i].known ? hours(k->intervals[i].hours) : json_null());
	json_object_set_new(o, "intervals_hours", iv);
	json_t *tg = json_object();
	for (int g = 0; g < SM_NTARGETS; g++) {
		const sm_target *t = &k->targets[g];
		json_t *x = json_object();
		json_object_set_new(x, "state", json_string(sm_target_state_name(t->state)));
		if (t->state != SM_TS_NOT_APPLICABLE) {
			json_object_set_new(x, "within_hours", json_integer(t->within_hours));
			if (absolute) {
				json_object_set_new(x, "due_at", time_or_null(t->due_at, 1));
				json_object_set_new(x, "done_at", time_or_null(t->done_at, t->done_at != 0));
				if (t->state == SM_TS_PENDING || t->state == SM_TS_BREACHED)
					json_object_set_new(x, "hours_left", hours(t->hours_left));
			}
			json_object_set_new(x, "done_after_hours",
			                    t->done_at ? hours((double)(t->done_at - k->start) / 3600.0)
			                               : json_null());
		}
		json_object_set_new(tg, sm_target_name((sm_target_id)g), x);
	}
	json_object_set_new(o, "targets", tg);
	return o;
}

json_t *sm_reg_audit_json(const sm_audit *a, const sm_clock *clocks, size_t n)
{
	json_t *o = json_object();
	json_object_set_new(o, "cases", json_integer((json_int_t)a->cases));
	json_t *u = json_object();
	json_object_set_new(u, "emergency", json_integer((json_int_t)a->emergency));
	json_object_set_new(u, "urgent", json_integer((json_int_t)a->urgent));
	json_object_set_new(u, "routine", json_integer((json_int_t)a->routine));
	json_object_set_new(o, "by_urgency", u);
	json_object_set_new(o, "treated", json_integer((json_int_t)a->treated));
	json_t *iv = json_object();
	for (int i = 0; i < SM_NINTERVALS; i++) {
		const sm_interval_summary *s = &a->intervals[i];
		json_t *x = json_object();
		json_object_set_new(x, "n", json_integer((json_int_t)s->n));
		json_object_set_new(x, "median_hours", s->n ? hours(s->median) : json_null());
		json_object_set_new(x, "q1_hours", s->n ? hours(s->q1) : json_null());
		json_object_set_new(x, "q3_hours", s->n ? hours(s->q3) : json_null());
		json_object_set_new(iv, sm_interval_name((sm_interval_id)i), x);
	}
	json_object_set_new(o, "intervals", iv);
	json_t *tg = json_object();
	for (int g = 0; g < SM_NTARGETS; g++) {
		const sm_target_summary *s = &a->targets[g];
		size_t cnt[5] = {0};
		for (size_t k = 0; k < n; k++)
			cnt[clocks[k].targets[g].state]++;
		json_t *x = json_object();
		json_object_set_new(x, "numerator", json_integer((json_int_t)s->numerator));
		json_object_set_new(x, "denominator", json_integer((json_int_t)s->denominator));
		json_object_set_new(x, "share", s->denominator ? json_real(round(s->share * 1e6) / 1e6) : json_null());
		json_object_set_new(x, "pending", json_integer((json_int_t)s->pending));
		json_object_set_new(x, "met", json_integer((json_int_t)cnt[SM_TS_MET]));
		json_object_set_new(x, "missed", json_integer((json_int_t)cnt[SM_TS_MISSED]));
		json_object_set_new(x, "breached", json_integer((json_int_t)cnt[SM_TS_BREACHED]));
		json_object_set_new(x, "not_applicable", json_integer((json_int_t)cnt[SM_TS_NOT_APPLICABLE]));
		json_object_set_new(tg, sm_target_name((sm_target_id)g), x);
	}
	json_object_set_new(o, "targets", tg);
	return o;
}

json_t *sm_reg_deidentify(const json_t *doc, const sm_case *c, const char **origin_name)
{
	json_t *o = json_deep_copy(doc);
	if (!o)
		return NULL;
	/* the time origin: presentation, else referral, else the first event */
	long long origin = 0;
	const char *oname = "none";
	int found = 0;
	static const int order[] = {SM_EV_PRESENTATION, SM_EV_REFERRAL};
	for (size_t r = 0; r < 2 && !found; r++)
		for (size_t k = 0; k < c->nevents; k++)
			if (c->events[k].type == order[r] && (!found || c->events[k].at < origin)) {
				origin = c->events[k].at;
				oname = r == 0 ? "presentation" : "referral";
				found = 1;
			}
	for (size_t k = 0; !found && k < c->nevents; k++) {
		if (k == 0 || c->events[k].at < origin)
			origin = c->events[k].at;
		oname = "first_event";
	}
	if (origin_name)
		*origin_name = oname;
	/* events: the parser kept the valid ones in order; the document holds them all */
	json_t *ev = json_array();
	for (size_t k = 0; k < c->nevents; k++) {
		json_t *e = json_object();
		const char *t = sm_vocab_word(SM_VOCAB_EVENT, (size_t)c->events[k].type);
		json_object_set_new(e, "type", json_string(t ? t : "?"));
		json_object_set_new(e, "hours_from_presentation",
		                    json_real(round((double)(c->events[k].at - origin) / 3600.0 * 1000.0) / 1000.0));
		json_array_append_new(ev, e);
	}
	if (json_object_get(o, "events"))
		json_object_set_new(o, "events", ev);
	else
		json_decref(ev);
	/* ages of 90 and over are reported as 90 */
	json_t *pat = json_object_get(o, "patient");
	json_t *age = json_object_get(pat, "age_years");
	if (json_is_number(age) && json_number_value(age) >= 90)
		json_object_set_new(pat, "age_years", json_integer(90));
	json_object_set_new(o, "schema", json_string("spinemets/case-deidentified/1"));
	return o;
}

void sm_reg_generalise_age(json_t *doc)
{
	json_t *pat = json_object_get(doc, "patient");
	json_t *age = json_object_get(pat, "age_years");
	if (!json_is_number(age))
		return;
	double a = json_number_value(age);
	char band[32];
	if (!(a >= 0))
		snprintf(band, sizeof band, "unknown");
	else if (a >= 90)
		snprintf(band, sizeof band, "90+");
	else if (a < 18)
		snprintf(band, sizeof band, "%d", (int)floor(a));
	else {
		int lo = (int)floor(a / 5) * 5, hi = lo + 4;
		if (lo < 18)
			lo = 18;
		snprintf(band, sizeof band, "%d-%d", lo, hi);
	}
	json_object_del(pat, "age_years");
	json_object_set_new(pat, "age_band", json_string(band));
}

static int hexval(char c)
{
	return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

void sm_reg_case_key(const char *secret_hex, int64_t case_id, char out[33])
{
	unsigned char key[32] = {0}, h[16];
	for (size_t k = 0; k < 32 && secret_hex && secret_hex[2 * k] && secret_hex[2 * k + 1]; k++) {
		int a = hexval(secret_hex[2 * k]), b = hexval(secret_hex[2 * k + 1]);
		key[k] = (unsigned char)((a < 0 ? 0 : a) << 4 | (b < 0 ? 0 : b));
	}
	char msg[40];
	int n = snprintf(msg, sizeof msg, "spinemets-case:%lld", (long long)case_id);
	crypto_generichash(h, sizeof h, (const unsigned char *)msg, (size_t)n, key, sizeof key);
	sodium_memzero(key, sizeof key);
	sodium_bin2hex(out, 33, h, sizeof h);
}
