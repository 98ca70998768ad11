/*
** spinemets_bridge.c: see spinemets_bridge.h.
*/
#include "spinemets_bridge.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "io/json_case.h"
#include "io/json_score.h"
#include "io/jw.h"

char *smx_result_json(const sm_result *r, size_t *len)
{
	sm_jw w;
	sm_jw_init(&w, 0);
	sm_jw_result(&w, r);
	return sm_jw_finish(&w, len);
}

char *smx_assess_json(const char *text, size_t len, sm_case *c, sm_assessment *a, size_t *outlen,
                      char **problems, char *first, size_t firstcap)
{
	*problems = NULL;
	json_t *errors = sm_json_read_case(text, len, c);
	if (!errors)
		return NULL;
	if (json_array_size(errors)) {
		size_t cap = 64, n = 0, i;
		json_t *e;
		json_array_foreach(errors, i, e) {
			const char *p = json_string_value(json_object_get(e, "path"));
			const char *m = json_string_value(json_object_get(e, "message"));
			cap += strlen(p ? p : "") + strlen(m ? m : "") + 16;
		}
		char *s = malloc(cap);
		if (s) {
			s[0] = '\0';
			json_array_foreach(errors, i, e) {
				const char *p = json_string_value(json_object_get(e, "path"));
				const char *m = json_string_value(json_object_get(e, "message"));
				n += (size_t)snprintf(s + n, cap - n, "%s%s: %s", i ? "\n" : "", p && *p ? p : "(document)", m ? m : "");
				if (i == 0)
					snprintf(first, firstcap, "%s", p && *p ? p : "(document)");
			}
		}
		json_decref(errors);
		*problems = s;
		return NULL;
	}
	json_decref(errors);
	sm_assess(c, a);
	sm_jw w;
	sm_jw_init(&w, 0);
	sm_jw_assessment(&w, c, a);
	return sm_jw_finish(&w, outlen);
}
