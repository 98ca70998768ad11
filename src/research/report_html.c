/*
** report_html.c: the one-file HTML report of `spinemets validate` (see report_html.h).
** Inline CSS and SVG only: no script, no external reference of any kind.
*/
#include "research/report_html.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "io/svg_km.h"

void sm_fmt_num(char *buf, size_t size, double x)
{
	if (isnan(x)) {
		snprintf(buf, size, "NA");
		return;
	}
	if (isinf(x)) {
		snprintf(buf, size, x > 0 ? "Inf" : "-Inf");
		return;
	}
	int p;
	/* %g drops trailing zeros, so 15 digits print every number of at most 15 significant
	** digits as its shortest form; the rest need 16 or 17 */
	for (p = 15; p <= 17; p++) {
		snprintf(buf, size, "%.*g", p, x);
		if (strtod(buf, NULL) == x)
			break;
	}
	if (p > 17)
		return;
	/* plain decimals, not 3.4e+02, for everyday magnitudes */
	double ax = fabs(x);
	if (strchr(buf, 'e') && ax >= 1e-5 && ax < 1e16) {
		int mag = (int)floor(log10(ax)), dec = p - 1 - mag;
		char tmp[64];
		snprintf(tmp, sizeof tmp, "%.*f", dec > 0 ? dec : 0, x);
		if (strchr(tmp, '.')) {
			size_t l = strlen(tmp);
			while (l && tmp[l - 1] == '0')
				tmp[--l] = '\0';
			if (l && tmp[l - 1] == '.')
				tmp[--l] = '\0';
		}
		if (strtod(tmp, NULL) == x && strlen(tmp) < size)
			snprintf(buf, size, "%s", tmp);
	}
}

void sm_html_escape(FILE *f, const char *s)
{
	for (; s && *s; s++) {
		switch (*s) {
		case '&': fputs("&amp;", f); break;
		case '<': fputs("&lt;", f); break;
		case '>': fputs("&gt;", f); break;
		case '"': fputs("&quot;", f); break;
		case '\'': fputs("&#39;", f); break;
		default: fputc(*s, f);
		}
	}
}

static const char css[] =
	"body{font-family:system-ui,-apple-system,'Segoe UI',Roboto,Helvetica,Arial,sans-serif;color:#1a1a1a;"
	"background:#fff;margin:0;line-height:1.45}\n"
	"main{max-width:1000px;margin:0 auto;padding:16px 24px 40px}\n"
	"h1{font-size:1.5em;margin:.6em 0 .2em}h2{font-size:1.2em;margin:1.6em 0 .5em;border-bottom:1px solid #ccc;"
	"padding-bottom:.2em}h3{font-size:1em;margin:1.2em 0 .4em}\n"
	"p.lead{color:#444;margin-top:0}\n"
	"table{border-collapse:collapse;margin:.4em 0 1em;font-size:.92em}\n"
	"th,td{border:1px solid #d0d0d0;padding:3px 8px;text-align:right;vertical-align:top}\n"
	"th{background:#f2f2f2}td.l,th.l{text-align:left}\n"
	"caption{text-align:left;font-weight:600;padding:.2em 0}\n"
	".swatch{display:inline-block;width:12px;height:12px;margin-right:6px;vertical-align:-1px;border-radius:2px}\n"
	"figure{margin:0}figcaption{font-size:.9em;color:#444}\n"
	".note{background:#fff8e1;border-left:4px solid #e0a000;padding:6px 10px;margin:.6em 0}\n"
	".small{font-size:.88em;color:#444}\n"
	"svg{max-width:100%;height:auto}\n"
	"@media print{main{max-width:none}.note{break-inside:avoid}}\n";

static void num(FILE *f, double x)
{
	char b[40];
	sm_fmt_num(b, sizeof b, x);
	fputs(b, f);
}

/* "394 (340-558)", "not reached" */
static void median_cell(FILE *f, const sm_km *km)
{
	if (km->n == 0) {
		fputs("&ndash;", f);
		return;
	}
	if (isnan(km->median)) {
		fputs("not reached", f);
		return;
	}
	num(f, km->median);
	fputs(" (", f);
	if (isnan(km->median_lower))
		fputs("NR", f);
	else
		num(f, km->median_lower);
	fputs("&ndash;", f);
	if (isnan(km->median_upper))
		fputs("NR", f);
	else
		num(f, km->median_upper);
	fputs(")", f);
}

static void surv_cell(FILE *f, const sm_km_point *p)
{
	if (!p->available) {
		fputs("&ndash;", f);
		return;
	}
	fprintf(f, "%.3f", p->surv);
	if (!isnan(p->lower) && !isnan(p->upper))
		fprintf(f, " <span class=\"small\">(%.3f&ndash;%.3f)</span>", p->lower, p->upper);
}

static void group_row(FILE *f, const sm_validation *v, const char *label, const char *meaning, const sm_km *km,
                      const sm_km_point *at, size_t colour)
{
	fputs("<tr><td class=\"l\">", f);
	if (colour != (size_t)-1)
		fprintf(f, "<span class=\"swatch\" style=\"background:%s\"></span>", sm_svg_km_colour(colour));
	sm_html_escape(f, label);
	if (meaning) {
		fputs("<br><span class=\"small\">", f);
		sm_html_escape(f, meaning);
		fputs("</span>", f);
	}
	fprintf(f, "</td><td>%zu</td><td>%zu</td><td>", km->n, km->n_events);
	median_cell(f, km);
	fputs("</td>", f);
	for (size_t a = 0; a < v->nat; a++) {
		fputs("<td>", f);
		surv_cell(f, &at[a]);
		fputs("</td>", f);
	}
	fputs("</tr>\n", f);
}

static const char *grouping_text(const sm_validation *v)
{
	if (strcmp(v->grouping, "bands") == 0)
		return "the instrument's bands";
	if (strcmp(v->grouping, "group") == 0)
		return "the group column";
	if (strcmp(v->grouping, "score") == 0)
		return "the distinct score values";
	return "none (the whole cohort)";
}

int sm_report_html_write(FILE *f, const sm_validation *v)
{
	const char *inst = v->instrument ? sm_instrument_name(v->instrument) : NULL;
	fputs("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
	      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>spinemets validate: ",
	      f);
	sm_html_escape(f, v->score_col ? v->score_col : v->group_col);
	fputs(" in ", f);
	sm_html_escape(f, v->source);
	fprintf(f, "</title>\n<style>\n%s</style>\n</head>\n<body>\n<main>\n", css);

	fputs("<h1>Survival by prognostic score: validation report</h1>\n<p class=\"lead\">File <code>", f);
	sm_html_escape(f, v->source);
	fputs("</code>", f);
	if (v->score_col) {
		fputs(", score <code>", f);
		sm_html_escape(f, v->score_col);
		fputs("</code>", f);
	}
	if (inst) {
		fputs(" read as <strong>", f);
		sm_html_escape(f, sm_instrument_title(v->instrument));
		fputs("</strong> (", f);
		sm_html_escape(f, inst);
		fputs(", ", f);
		sm_html_escape(f, sm_instrument_reference(v->instrument));
		fputs(")", f);
	}
	fputs(". Curves by ", f);
	fputs(grouping_text(v), f);
	if (v->group_col) {
		fputs(" <code>", f);
		sm_html_escape(f, v->group_col);
		fputs("</code>", f);
	}
	fprintf(f, ". Made by spinemets %s. For research: how well a score separates survival in this cohort, "
	           "not a prediction for one patient.</p>\n", SM_ENGINE_VERSION);

	/* cohort */
	fputs("<h2>Cohort</h2>\n<table>\n", f);
	fprintf(f, "<tr><th class=\"l\">Rows read</th><td>%llu</td></tr>\n", v->rows_read);
	fprintf(f, "<tr><th class=\"l\">Analysed (time and event present)</th><td>%zu</td></tr>\n", v->n);
	fprintf(f, "<tr><th class=\"l\">Events</th><td>%zu</td></tr>\n", v->events);
	fprintf(f, "<tr><th class=\"l\">Left out: no time / no event</th><td>%zu / %zu</td></tr>\n", v->missing_time,
	        v->missing_event);
	if (v->invalid_skipped)
		fprintf(f, "<tr><th class=\"l\">Skipped: invalid cell (--skip-invalid)</th><td>%zu</td></tr>\n",
		        v->invalid_skipped);
	if (v->score_col)
		fprintf(f, "<tr><th class=\"l\">No score (out of the C-index%s)</th><td>%zu</td></tr>\n",
		        inst ? " and the bands" : "", v->missing_score);
	if (v->group_col)
		fprintf(f, "<tr><th class=\"l\">No group (out of the grouped curves and the log-rank test)</th>"
		           "<td>%zu</td></tr>\n", v->missing_group);
	fputs("<tr><th class=\"l\">Time unit</th><td>", f);
	if (v->time_unit) {
		sm_html_escape(f, v->time_unit);
		fputs(" (", f);
		num(f, v->units_per_month);
		fputs(" a month)", f);
	} else {
		fputs("the column's own", f);
	}
	fputs("</td></tr>\n</table>\n", f);

	/* plot */
	size_t ncurves = v->ngroups ? v->ngroups : 1;
	sm_svg_km_curve *cv = calloc(ncurves, sizeof *cv);
	if (!cv)
		return -1;
	if (v->ngroups) {
		for (size_t g = 0; g < v->ngroups; g++) {
			cv[g].label = v->groups[g].label;
			cv[g].km = v->groups[g].km;
		}
	} else {
		cv[0].label = "all";
		cv[0].km = v->overall;
	}
	sm_svg_km_options so;
	sm_svg_km_options_init(&so);
	so.ci = true;
	so.censor_ticks = true;
	char xl[160];
	if (v->time_unit)
		snprintf(xl, sizeof xl, "Time in %s (column %s)", v->time_unit, v->time_col);
	else
		snprintf(xl, sizeof xl, "Time (column %s, in its own units)", v->time_col);
	so.x_label = xl;
	so.x_max = v->nrisk ? v->risk_times[v->nrisk - 1] : 0;
	if (v->overall && v->overall->n_times && so.x_max < v->overall->time[v->overall->n_times - 1])
		so.x_max = v->overall->time[v->overall->n_times - 1];
	char title[300];
	snprintf(title, sizeof title, "Kaplan-Meier survival by %s",
	         strcmp(v->grouping, "bands") == 0 ? (inst ? inst : "band")
	         : strcmp(v->grouping, "group") == 0 ? v->group_col
	         : strcmp(v->grouping, "score") == 0 ? v->score_col : "cohort (one curve)");
	so.title = title;
	fputs("<h2>Kaplan-Meier curves</h2>\n<figure>\n", f);
	sm_svg_km_write(f, cv, ncurves, &so);
	fprintf(f, "<figcaption>Kaplan-Meier estimates with pointwise %g%% confidence bands (log-log scale, "
	           "Greenwood variance); vertical ticks mark censored follow-up.</figcaption>\n</figure>\n",
	        100 * v->conf_level);
	free(cv);

	/* number at risk */
	fputs("<h3>Number at risk</h3>\n<table>\n<tr><th class=\"l\">time</th>", f);
	for (size_t a = 0; a < v->nrisk; a++) {
		fputs("<th>", f);
		num(f, v->risk_times[a]);
		fputs("</th>", f);
	}
	fputs("</tr>\n", f);
	for (size_t g = 0; g <= v->ngroups; g++) {
		fputs("<tr><td class=\"l\">", f);
		if (g < v->ngroups) {
			fprintf(f, "<span class=\"swatch\" style=\"background:%s\"></span>", sm_svg_km_colour(g));
			sm_html_escape(f, v->groups[g].label);
		} else {
			fputs("all", f);
		}
		fputs("</td>", f);
		for (size_t a = 0; a < v->nrisk; a++) {
			size_t nr;
			if (g < v->ngroups) {
				nr = v->groups[g].at_risk[a];
			} else {
				sm_km_point p;
				sm_km_at(v->overall, v->risk_times[a], &p);
				nr = p.n_risk;
			}
			fprintf(f, "<td>%zu</td>", nr);
		}
		fputs("</tr>\n", f);
	}
	fputs("</table>\n", f);

	/* per group */
	fprintf(f, "<h2>Survival by group</h2>\n<table>\n<caption>Median survival and survival at %s time "
	           "(%g%% CI)</caption>\n<tr><th class=\"l\">group</th><th>n</th><th>events</th><th>median (%g%% CI)</th>",
	        v->time_unit ? "each" : "each", 100 * v->conf_level, 100 * v->conf_level);
	for (size_t a = 0; a < v->nat; a++) {
		fputs("<th>S(", f);
		num(f, v->at[a]);
		fprintf(f, "%s)</th>", v->time_unit ? " months" : "");
	}
	fputs("</tr>\n", f);
	for (size_t g = 0; g < v->ngroups; g++)
		group_row(f, v, v->groups[g].label, v->groups[g].meaning, v->groups[g].km, v->groups[g].at, g);
	group_row(f, v, "all", NULL, v->overall, v->overall_at, (size_t)-1);
	fputs("</table>\n<p class=\"small\">Medians", f);
	if (v->time_unit) {
		fputs(" in ", f);
		sm_html_escape(f, v->time_unit);
	}
	fputs("; NR: the limit is not reached; &ndash;: after the last follow-up (no estimate, as R's summary.survfit).",
	      f);
	if (v->time_unit) {
		fputs(" Survival is read at ", f);
		for (size_t a = 0; a < v->nat; a++) {
			fputs(a ? ", " : "", f);
			num(f, v->at_time[a]);
		}
		fputs(" ", f);
		sm_html_escape(f, v->time_unit);
		fputs(".", f);
	}
	fputs("</p>\n", f);

	/* discrimination */
	fputs("<h2>Discrimination</h2>\n<table>\n", f);
	if (v->logrank) {
		if (v->logrank->df == 0 || !isfinite(v->logrank->p_value))
			fprintf(f, "<tr><th class=\"l\">Log-rank test across groups</th><td>not estimable (no group has an "
			           "expected event: %s)</td></tr>\n",
			        v->events == 0 ? "every patient is censored" : "no two groups are at risk at an event time");
		else
			fprintf(f, "<tr><th class=\"l\">Log-rank test across groups</th><td>&chi;&sup2; = %.4g on %zu df, p = %.3g"
			           "</td></tr>\n", v->logrank->chisq, v->logrank->df, v->logrank->p_value);
	} else {
		fputs("<tr><th class=\"l\">Log-rank test</th><td>not done (fewer than two groups)</td></tr>\n", f);
	}
	if (v->has_c) {
		double z = 1.959963984540054;
		fputs("<tr><th class=\"l\">Harrell's C of <code>", f);
		sm_html_escape(f, v->score_col);
		if (!isfinite(v->c.concordance))
			fprintf(f, "</code></th><td>not estimable (no comparable pair: %s), n %zu</td></tr>\n",
			        v->events == 0 ? "every patient is censored" : "no event precedes a longer follow-up", v->c.n);
		else
			fprintf(f, "</code></th><td>%.4f (SE %.4f; %.4f&ndash;%.4f), n %zu</td></tr>\n", v->c.concordance,
			        v->c.std_err, v->c.concordance - z * v->c.std_err, v->c.concordance + z * v->c.std_err, v->c.n);
		fputs("<tr><th class=\"l\">Direction</th><td>", f);
		fputs(v->direction == SM_HIGHER_IS_BETTER ? "a higher score predicts longer survival"
		                                          : "a higher score predicts shorter survival",
		      f);
		fputs(" (", f);
		sm_html_escape(f, v->direction_source);
		fputs(")</td></tr>\n", f);
		fprintf(f, "<tr><th class=\"l\">Pairs: concordant / discordant / tied score</th><td>%.0f / %.0f / %.0f"
		           "</td></tr>\n", v->c.concordant, v->c.discordant, v->c.tied_x);
	}
	fputs("</table>\n", f);
	if (v->logrank) {
		fputs("<table>\n<caption>Observed and expected events (log-rank)</caption>\n<tr><th class=\"l\">group</th>"
		      "<th>n</th><th>observed</th><th>expected</th><th>O/E</th></tr>\n", f);
		for (size_t g = 0; g < v->logrank->k && g < v->ngroups; g++) {
			fputs("<tr><td class=\"l\">", f);
			sm_html_escape(f, v->groups[g].label);
			double o = v->logrank->observed[g], e = v->logrank->expected[g];
			fprintf(f, "</td><td>%zu</td><td>%.0f</td><td>%.2f</td><td>%s", v->logrank->n_group[g], o, e,
			        e > 0 ? "" : "&ndash;");
			if (e > 0)
				fprintf(f, "%.2f", o / e);
			fputs("</td></tr>\n", f);
		}
		fputs("</table>\n", f);
	}

	/* calibration */
	fputs("<h2>Calibration against published figures</h2>\n", f);
	if (!inst) {
		fputs("<p>No instrument named (<code>--instrument</code>): no published figures to compare.</p>\n", f);
	} else {
		if (v->ncal) {
			fputs("<table>\n<caption>Observed survival per band beside the derivation paper's figures "
			      "(only those REFERENCE.md marks verified [V] or secondary [S])</caption>\n"
			      "<tr><th class=\"l\">band</th><th>n</th><th>events</th><th>months</th><th>published</th>"
			      "<th>observed S (95% CI)</th><th>observed median (95% CI)</th><th class=\"l\">agreement</th>"
			      "<th class=\"l\">source</th></tr>\n", f);
			for (size_t k = 0; k < v->ncal; k++) {
				const sm_val_cal *c = &v->cal[k];
				const sm_val_group *g = &v->cal_groups[c->group];
				fputs("<tr><td class=\"l\">", f);
				sm_html_escape(f, g->label);
				fprintf(f, "</td><td>%zu</td><td>%zu</td><td>", g->km->n, g->km->n_events);
				num(f, c->pub->months);
				fputs("</td><td>", f);
				if (c->pub->kind == SM_CAL_SURVIVAL)
					fprintf(f, "%.1f%%", 100 * c->pub->value);
				else
					fprintf(f, "survival %s %g months", c->pub->kind == SM_CAL_MEDIAN_BELOW ? "&lt;" : "&ge;",
					        c->pub->months);
				fputs(" [", f);
				sm_html_escape(f, c->pub->tag);
				fputs("]</td><td>", f);
				surv_cell(f, &c->observed);
				fputs("</td><td>", f);
				median_cell(f, g->km);
				fputs("</td><td class=\"l\">", f);
				if (c->pub->kind == SM_CAL_SURVIVAL)
					fputs(c->verdict == 1   ? "published value inside the CI"
					      : c->verdict == 0 ? "published value outside the CI"
					                        : "not assessable",
					      f);
				else
					fputs(c->verdict == 1   ? "consistent (CI of S on the predicted side of 0.5)"
					      : c->verdict == 0 ? "not consistent (CI of S on the other side of 0.5)"
					                        : "undecided (CI of S spans 0.5, or no estimate)",
					      f);
				fputs("</td><td class=\"l\">", f);
				sm_html_escape(f, c->pub->source);
				fputs(", ", f);
				sm_html_escape(f, c->pub->reference);
				fputs("</td></tr>\n", f);
			}
			fputs("</table>\n<p class=\"small\">Months are converted to the time column's unit (", f);
			num(f, v->units_per_month);
			fputs(" ", f);
			sm_html_escape(f, v->time_unit ? v->time_unit : "");
			fputs(" a month). A survival prediction \"&lt; T\" or \"&ge; T\" is read as the band's median being "
			      "below or at least T, that is S(T) below or above 0.5.</p>\n", f);
		}
		if (v->cal_note) {
			fputs("<p class=\"note\">", f);
			sm_html_escape(f, v->cal_note);
			fputs("</p>\n", f);
		}
	}

	/* notes */
	if (v->nnotes) {
		fputs("<h2>Notes on this data</h2>\n<ul>\n", f);
		for (size_t k = 0; k < v->nnotes; k++) {
			fputs("<li>", f);
			sm_html_escape(f, v->notes[k]);
			fputs("</li>\n", f);
		}
		fputs("</ul>\n", f);
	}

	/* methods */
	fprintf(f,
	        "<h2>Methods</h2>\n"
	        "<p>Every number is computed as R's <code>survival</code> package computes it (checked against R on "
	        "its <code>lung</code> data and on synthetic cohorts with ties and censoring, to 1e-6).</p>\n<ul>\n"
	        "<li><strong>Kaplan-Meier</strong> estimate S(t) = &prod; (1 &minus; d<sub>i</sub>/n<sub>i</sub>) over "
	        "event times t<sub>i</sub> &le; t, with n<sub>i</sub> at risk and d<sub>i</sub> events (Kaplan &amp; "
	        "Meier 1958); as <code>survfit(Surv(time, event) ~ 1)</code>.</li>\n"
	        "<li><strong>Confidence intervals</strong>: Greenwood's variance of log S, &sum; d<sub>i</sub> / "
	        "(n<sub>i</sub>(n<sub>i</sub> &minus; d<sub>i</sub>)) (Greenwood 1926), on the log-log scale: "
	        "exp(&minus;exp(log(&minus;log S) &plusmn; z&middot;se/log S)), z for a two-sided %g%% level "
	        "(Kalbfleisch &amp; Prentice); <code>conf.type = \"log-log\"</code>. Not defined where S is 1 or 0.</li>\n"
	        "<li><strong>Median survival</strong> and its interval by <code>print.survfit</code>'s rule: the first "
	        "time the curve (or its lower or upper limit) falls to 0.5 or below; where it sits exactly on 0.5, the "
	        "midpoint to the next time it drops. \"Not reached\" when it never does.</li>\n"
	        "<li><strong>Survival at a time</strong> t: the curve at the last event time &le; t "
	        "(<code>summary(fit, times = t)</code>); no estimate after the last follow-up.</li>\n"
	        "<li><strong>Log-rank test</strong> across groups (Mantel 1966; Peto &amp; Peto 1972): "
	        "(O &minus; E)' V<sup>&minus;1</sup> (O &minus; E) with the hypergeometric variance, on k &minus; 1 df "
	        "for the groups with expected events; <code>survdiff</code>, rho = 0.</li>\n"
	        "<li><strong>Harrell's C</strong> (Harrell et al. 1982, 1996): among pairs whose shorter follow-up "
	        "ends in an event, the share in which the score ranks the patients in the right order, tied scores "
	        "counting one half; computed in O(n log n) with a Fenwick tree; its standard error is the "
	        "infinitesimal jackknife of <code>concordance()</code> (Therneau, survival package vignette "
	        "\"Concordance\"). The direction (whether a higher score means longer or shorter survival) comes from "
	        "the instrument (REFERENCE.md &sect;6.0) or <code>--direction</code>.</li>\n"
	        "<li><strong>Calibration</strong>: the published per-band survival figures that REFERENCE.md marks "
	        "verified [V] or from agreeing secondary sources [S] are set beside the band's Kaplan-Meier estimate "
	        "at the same time; unverified [R] figures are never shown.</li>\n"
	        "</ul>\n"
	        "<h3>References</h3>\n<ul class=\"small\">\n"
	        "<li>Kaplan EL, Meier P. Nonparametric estimation from incomplete observations. J Am Stat Assoc "
	        "1958;53:457-481.</li>\n"
	        "<li>Greenwood M. The natural duration of cancer. Reports on Public Health and Medical Subjects 33. "
	        "London: HMSO; 1926.</li>\n"
	        "<li>Kalbfleisch JD, Prentice RL. The Statistical Analysis of Failure Time Data. Wiley; 1980/2002.</li>\n"
	        "<li>Mantel N. Evaluation of survival data and two new rank order statistics arising in its "
	        "consideration. Cancer Chemother Rep 1966;50:163-170.</li>\n"
	        "<li>Peto R, Peto J. Asymptotically efficient rank invariant test procedures. J R Stat Soc A "
	        "1972;135:185-207.</li>\n"
	        "<li>Harrell FE, Califf RM, Pryor DB, Lee KL, Rosati RA. Evaluating the yield of medical tests. JAMA "
	        "1982;247:2543-2546.</li>\n"
	        "<li>Harrell FE, Lee KL, Mark DB. Multivariable prognostic models. Stat Med 1996;15:361-387.</li>\n"
	        "<li>Therneau TM. A Package for Survival Analysis in R (survival), vignettes \"Concordance\" and "
	        "\"Survival curves\".</li>\n",
	        100 * v->conf_level);
	if (inst) {
		fputs("<li>", f);
		sm_html_escape(f, sm_instrument_citation(v->instrument));
		fputs("</li>\n", f);
	}
	fputs("</ul>\n<footer class=\"small\"><p>spinemets: decision support for qualified clinicians, never a "
	      "diagnosis. This report describes a cohort; it does not give advice for an individual patient.</p>"
	      "</footer>\n</main>\n</body>\n</html>\n", f);
	return ferror(f) ? -1 : 0;
}
