/*
** pathway.c: the pathway clock of one case and the monthly audit over many.
** Targets (REFERENCE §7.2 and §14; NICE CG75, NG234, QS56):
**   suspected MSCC (emergency): coordinator contact, whole-spine MRI and an
**     agreed treatment plan, each within 24 hours of presentation (triage asks
**     for contact immediately; 24 hours is the audit standard);
**   suspected spinal metastases without neurology (urgent): contact within
**     24 hours; MRI and a treatment plan within 1 week (168 hours).
** The clock starts at presentation (else referral). The first event of each
** type counts.
*/
#include "internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

typedef struct target_rule {
	int event;        /* the event that meets the target */
	int hours[3];     /* by urgency: routine, urgent, emergency (0 = not applicable) */
} target_rule;

static const target_rule target_rules[SM_NTARGETS] = {
	[SM_TG_CONTACT] = {SM_EV_COORDINATOR_CONTACT, {0, 24, 24}},
	[SM_TG_MRI] = {SM_EV_MRI_DONE, {0, 168, 24}},
	[SM_TG_PLAN] = {SM_EV_MDT_DECISION, {0, 168, 24}},
};

static const char *const interval_names[SM_NINTERVALS] = {
	"onset_to_presentation", "presentation_to_contact", "presentation_to_mri",
	"presentation_to_plan", "presentation_to_treatment", "mri_to_plan", "plan_to_treatment",
};
static const char *const target_names[SM_NTARGETS] = {"contact", "mri", "plan"};
static const char *const state_names[] = {"not_applicable", "met", "missed", "pending", "breached"};

const char *sm_interval_name(sm_interval_id id)
{
	return (unsigned)id < SM_NINTERVALS ? interval_names[id] : NULL;
}

const char *sm_target_name(sm_target_id id)
{
	return (unsigned)id < SM_NTARGETS ? target_names[id] : NULL;
}

const char *sm_target_state_name(sm_target_state s)
{
	return (unsigned)s < SM_COUNT(state_names) ? state_names[s] : NULL;
}

/* first time of an event type; 0 when absent (times before 1970 are refused by the parser) */
static int first_event(const sm_case *c, int type, long long *at)
{
	int found = 0;
	for (size_t k = 0; k < c->nevents; k++)
		if (c->events[k].type == type && (!found || c->events[k].at < *at)) {
			*at = c->events[k].at;
			found = 1;
		}
	return found;
}

static void interval(sm_clock *out, sm_interval_id id, int have_a, long long a, int have_b, long long b)
{
	if (have_a && have_b) {
		out->intervals[id].known = true;
		out->intervals[id].hours = (double)(b - a) / 3600.0;
	}
}

sm_status sm_pathway_clock(const sm_case *c, sm_urgency urgency, long long now, sm_clock *out)
{
	if (!c || !out)
		return SM_E_ARGUMENT;
	memset(out, 0, sizeof *out);
	out->urgency = urgency;
	long long t[SM_NEVENT_TYPES];
	int have[SM_NEVENT_TYPES];
	for (int k = 0; k < SM_NEVENT_TYPES; k++) {
		t[k] = 0;
		have[k] = first_event(c, k, &t[k]);
	}
	int have_start = have[SM_EV_PRESENTATION] || have[SM_EV_REFERRAL];
	long long start = have[SM_EV_PRESENTATION] ? t[SM_EV_PRESENTATION] : t[SM_EV_REFERRAL];
	out->started = have_start;
	out->start = have_start ? start : 0;
	/* treatment: the first of surgery, radiotherapy, systemic therapy */
	int have_tx = 0;
	long long tx = 0;
	static const int tx_events[] = {SM_EV_SURGERY, SM_EV_RADIOTHERAPY_START, SM_EV_SYSTEMIC_THERAPY_START};
	for (size_t k = 0; k < SM_COUNT(tx_events); k++)
		if (have[tx_events[k]] && (!have_tx || t[tx_events[k]] < tx)) {
			tx = t[tx_events[k]];
			have_tx = 1;
		}
	out->treated = have_tx;
	out->closed = have[SM_EV_DEATH] || have[SM_EV_DISCHARGE];
	interval(out, SM_IV_ONSET_TO_PRESENTATION, have[SM_EV_SYMPTOM_ONSET], t[SM_EV_SYMPTOM_ONSET], have_start, start);
	interval(out, SM_IV_PRESENTATION_TO_CONTACT, have_start, start, have[SM_EV_COORDINATOR_CONTACT], t[SM_EV_COORDINATOR_CONTACT]);
	interval(out, SM_IV_PRESENTATION_TO_MRI, have_start, start, have[SM_EV_MRI_DONE], t[SM_EV_MRI_DONE]);
	interval(out, SM_IV_PRESENTATION_TO_PLAN, have_start, start, have[SM_EV_MDT_DECISION], t[SM_EV_MDT_DECISION]);
	interval(out, SM_IV_PRESENTATION_TO_TREATMENT, have_start, start, have_tx, tx);
	interval(out, SM_IV_MRI_TO_PLAN, have[SM_EV_MRI_DONE], t[SM_EV_MRI_DONE], have[SM_EV_MDT_DECISION], t[SM_EV_MDT_DECISION]);
	interval(out, SM_IV_PLAN_TO_TREATMENT, have[SM_EV_MDT_DECISION], t[SM_EV_MDT_DECISION], have_tx, tx);
	for (int g = 0; g < SM_NTARGETS; g++) {
		sm_target *tg = &out->targets[g];
		int hours = target_rules[g].hours[urgency];
		if (!hours || !have_start) {
			tg->state = SM_TS_NOT_APPLICABLE;
			continue;
		}
		tg->within_hours = hours;
		tg->due_at = start + (long long)hours * 3600;
		int ev = target_rules[g].event;
		if (have[ev]) {
			tg->done_at = t[ev];
			tg->state = t[ev] <= tg->due_at ? SM_TS_MET : SM_TS_MISSED;
		} else {
			tg->state = now > tg->due_at ? SM_TS_BREACHED : SM_TS_PENDING;
		}
		tg->hours_left = (double)(tg->due_at - now) / 3600.0;
	}
	return SM_OK;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

/* R's default quantile (type 7): x[(n-1)p] interpolated */
static double quantile7(const double *x, size_t n, double p)
{
	double h = (double)(n - 1) * p;
	size_t lo = (size_t)floor(h);
	size_t hi = lo + 1 < n ? lo + 1 : lo;
	return x[lo] + (h - (double)lo) * (x[hi] - x[lo]);
}

sm_status sm_audit_summarise(const sm_clock *clocks, size_t n, double *scratch, sm_audit *out)
{
	if (!out || (n && (!clocks || !scratch)))
		return SM_E_ARGUMENT;
	memset(out, 0, sizeof *out);
	out->cases = n;
	for (size_t k = 0; k < n; k++) {
		switch (clocks[k].urgency) {
		case SM_URG_EMERGENCY: out->emergency++; break;
		case SM_URG_URGENT: out->urgent++; break;
		case SM_URG_ROUTINE: out->routine++; break;
		}
		out->treated += clocks[k].treated;
	}
	for (int iv = 0; iv < SM_NINTERVALS; iv++) {
		size_t m = 0;
		for (size_t k = 0; k < n; k++)
			if (clocks[k].intervals[iv].known)
				scratch[m++] = clocks[k].intervals[iv].hours;
		sm_interval_summary *s = &out->intervals[iv];
		s->n = m;
		if (!m) {
			s->median = s->q1 = s->q3 = NAN;
			continue;
		}
		qsort(scratch, m, sizeof *scratch, cmp_double);
		s->median = quantile7(scratch, m, 0.5);
		s->q1 = quantile7(scratch, m, 0.25);
		s->q3 = quantile7(scratch, m, 0.75);
	}
	for (int g = 0; g < SM_NTARGETS; g++) {
		sm_target_summary *s = &out->targets[g];
		for (size_t k = 0; k < n; k++) {
			switch (clocks[k].targets[g].state) {
			case SM_TS_MET: s->numerator++; s->denominator++; break;
			case SM_TS_MISSED:
			case SM_TS_BREACHED: s->denominator++; break;
			case SM_TS_PENDING: s->pending++; break;
			case SM_TS_NOT_APPLICABLE: break;
			}
		}
		s->share = s->denominator ? (double)s->numerator / (double)s->denominator : NAN;
	}
	return SM_OK;
}
