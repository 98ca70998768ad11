/*
** json_careplan.c: the care plan as JSON (see json_careplan.h). The shape is
** the shared contract of /work/COORD.md: care_plan.items[] with phase, key,
** text, rules[{id, section}] and age_scope; care_plan.outcomes_to_record[].
** Each rule also carries its source, age scope and whether it is a check
** (its condition could not be decided; "missing" says why).
*/
#include "io/json_careplan.h"

void sm_jw_care_plan(sm_jw *w, const sm_care_plan *p)
{
	sm_jw_obj(w);
	sm_jw_key(w, "items");
	sm_jw_arr(w);
	for (size_t k = 0; k < p->nitems; k++) {
		const sm_care_item *it = &p->items[k];
		sm_jw_obj(w);
		sm_jw_kstr(w, "phase", sm_care_phase_name(it->phase));
		sm_jw_kstr(w, "key", it->key);
		sm_jw_kstr(w, "text", it->text);
		sm_jw_kbool(w, "check", it->check);
		sm_jw_key(w, "rules");
		sm_jw_arr(w);
		for (size_t r = 0; r < it->nrules; r++) {
			const sm_care_ref *ref = &it->rules[r];
			sm_jw_obj(w);
			sm_jw_kstr(w, "id", ref->rule->rule.id);
			sm_jw_kstr(w, "section", ref->rule->rule.section);
			sm_jw_kstr(w, "source", ref->rule->rule.source);
			sm_jw_kstr(w, "age_scope", ref->rule->age_scope);
			sm_jw_kbool(w, "check", ref->check);
			if (ref->check)
				sm_jw_kstr(w, "missing", ref->missing);
			sm_jw_obj_end(w);
		}
		sm_jw_arr_end(w);
		sm_jw_kstr(w, "age_scope", it->age_scope);
		sm_jw_obj_end(w);
	}
	sm_jw_arr_end(w);
	/* flat lists for vectors and simple readers: item keys, every CARE rule
	** applied, and the rules applied as checks */
	sm_jw_key(w, "keys");
	sm_jw_arr(w);
	for (size_t k = 0; k < p->nitems; k++)
		sm_jw_str(w, p->items[k].key);
	sm_jw_arr_end(w);
	for (int checks = 0; checks < 2; checks++) {
		sm_jw_key(w, checks ? "checks" : "rules");
		sm_jw_arr(w);
		for (size_t k = 0; k < p->nitems; k++)
			for (size_t r = 0; r < p->items[k].nrules; r++)
				if (!checks || p->items[k].rules[r].check)
					sm_jw_str(w, p->items[k].rules[r].rule->rule.id);
		sm_jw_arr_end(w);
	}
	sm_jw_key(w, "outcomes_to_record");
	sm_jw_arr(w);
	for (size_t k = 0; k < p->noutcomes; k++)
		sm_jw_str(w, p->outcomes[k].key);
	sm_jw_arr_end(w);
	sm_jw_kint(w, "dropped", (long long)p->ndropped);
	sm_jw_kbool(w, "truncated", p->truncated);
	sm_jw_obj_end(w);
}
