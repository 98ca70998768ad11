/*
** svg_km.c: Kaplan-Meier curves as hand-written SVG (see svg_km.h).
*/
#include "io/svg_km.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

/* Okabe & Ito (2008) colour-blind-safe palette, yellow left out (too light on white). */
static const char *const palette[] = {"#0072B2", "#D55E00", "#009E73", "#CC79A7",
                                      "#E69F00", "#56B4E9", "#000000"};
#define NPAL (sizeof palette / sizeof palette[0])
/* a dash pattern per curve, so curves differ without colour too */
static const char *const dashes[] = {"", "8 4", "2 3", "10 3 2 3", "5 2", "1 2", "12 4 4 4"};
#define NDASH (sizeof dashes / sizeof dashes[0])

void sm_svg_km_options_init(sm_svg_km_options *o)
{
	if (o)
		memset(o, 0, sizeof *o);
}

const char *sm_svg_km_colour(size_t i)
{
	return palette[i % NPAL];
}

size_t sm_svg_nice_ticks(double max, size_t target, double *ticks, size_t cap)
{
	if (cap == 0)
		return 0;
	if (!(max > 0) || !isfinite(max) || target < 1) {
		ticks[0] = 0;
		return 1;
	}
	double raw = max / (double)target, p = pow(10, floor(log10(raw))), step = 10 * p;
	static const double mult[] = {1, 2, 2.5, 5, 10};
	for (size_t k = 0; k < sizeof mult / sizeof mult[0]; k++)
		if (mult[k] * p >= raw) {
			step = mult[k] * p;
			break;
		}
	size_t n = 0;
	for (;;) {
		double t = (double)n * step;
		if (n >= cap)
			break;
		ticks[n++] = t;
		if (t >= max * (1 - 1e-12))
			break;
	}
	return n;
}

static void esc(FILE *f, const char *s)
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

/* A tick label: integers plainly, else up to 4 significant digits. */
static void tick_label(char *buf, size_t size, double x)
{
	if (fabs(x - round(x)) < 1e-9 * (fabs(x) + 1) && fabs(x) < 1e15)
		snprintf(buf, size, "%.0f", round(x));
	else
		snprintf(buf, size, "%.4g", x);
}

typedef struct frame {
	double x0, y0, w, h; /* plot area in pixels: left, top, width, height */
	double xmax;
} frame;

static double px(const frame *fr, double t)
{
	double x = t / fr->xmax;
	if (x > 1)
		x = 1;
	return fr->x0 + x * fr->w;
}

static double py(const frame *fr, double s)
{
	return fr->y0 + (1 - s) * fr->h;
}

/* CI limits as drawn: R's NA where S = 1 or S = 0 means an interval of zero width. */
static void ci_at(const sm_km *km, size_t j, double *lo, double *hi)
{
	double s = km->surv[j];
	*lo = isnan(km->lower[j]) ? s : km->lower[j];
	*hi = isnan(km->upper[j]) ? s : km->upper[j];
}

/* Step path through (time[j], y[j]) starting at (0, y_start), thinned per half pixel:
** a step that lands in the same column as the previous one only moves vertically. */
static void step_path(FILE *f, const frame *fr, const sm_km *km, int which /* 0 surv, 1 lower, 2 upper */,
                      bool reverse)
{
	size_t m = km->n_times;
	if (!reverse) {
		double lastx = px(fr, 0), lasty = py(fr, 1);
		fprintf(f, "M%.1f %.1f", lastx, lasty);
		for (size_t j = 0; j < m; j++) {
			double lo, hi, s = km->surv[j];
			ci_at(km, j, &lo, &hi);
			double y = py(fr, which == 0 ? s : which == 1 ? lo : hi);
			double x = px(fr, km->time[j]);
			if (fabs(y - lasty) < 0.05)
				continue;
			if (fabs(x - lastx) >= 0.05)
				fprintf(f, "H%.1f", x);
			fprintf(f, "V%.1f", y);
			lastx = x;
			lasty = y;
		}
		double xe = px(fr, m ? km->time[m - 1] : 0);
		if (fabs(xe - lastx) >= 0.05)
			fprintf(f, "H%.1f", xe);
		return;
	}
	/* backwards, for the lower edge of a band: from the last time to 0 */
	double xe = px(fr, m ? km->time[m - 1] : 0);
	double lasty;
	{
		double lo, hi;
		if (m) {
			ci_at(km, m - 1, &lo, &hi);
			lasty = py(fr, which == 1 ? lo : which == 2 ? hi : km->surv[m - 1]);
		} else {
			lasty = py(fr, 1);
		}
	}
	double lastx = xe;
	fprintf(f, "L%.1f %.1f", xe, lasty);
	for (size_t jj = m; jj-- > 0;) {
		/* value before time[jj] is the value at jj-1 (or 1 before the first time) */
		double yb;
		if (jj == 0) {
			yb = py(fr, 1);
		} else {
			double lo, hi;
			ci_at(km, jj - 1, &lo, &hi);
			yb = py(fr, which == 1 ? lo : which == 2 ? hi : km->surv[jj - 1]);
		}
		if (fabs(yb - lasty) < 0.05)
			continue;
		double x = px(fr, km->time[jj]);
		if (fabs(x - lastx) >= 0.05)
			fprintf(f, "H%.1f", x);
		fprintf(f, "V%.1f", yb);
		lastx = x;
		lasty = yb;
	}
	double x0 = px(fr, 0);
	if (fabs(x0 - lastx) >= 0.05)
		fprintf(f, "H%.1f", x0);
}

int sm_svg_km_write(FILE *f, const sm_svg_km_curve *curves, size_t n, const sm_svg_km_options *opt)
{
	sm_svg_km_options o;
	sm_svg_km_options_init(&o);
	if (opt)
		o = *opt;
	int W = o.width > 0 ? o.width : 760, H = o.height > 0 ? o.height : 440;
	const int legend_w = 190;
	frame fr;
	fr.x0 = 64;
	fr.y0 = 24;
	fr.w = W - fr.x0 - 16 - legend_w;
	fr.h = H - fr.y0 - 56;
	if (fr.w < 100)
		fr.w = 100;
	if (fr.h < 80)
		fr.h = 80;
	/* a long legend makes the picture taller */
	double legend_h = 22.0 * (double)n + 10;
	if (fr.y0 + legend_h > H) {
		H = (int)(fr.y0 + legend_h + 8);
	}

	double tmax = 0;
	for (size_t i = 0; i < n; i++)
		if (curves[i].km && curves[i].km->n_times && curves[i].km->time[curves[i].km->n_times - 1] > tmax)
			tmax = curves[i].km->time[curves[i].km->n_times - 1];
	double xt[64];
	size_t nxt;
	if (o.x_max > 0) {
		nxt = sm_svg_nice_ticks(o.x_max, 7, xt, 64);
		fr.xmax = o.x_max;
		while (nxt > 1 && xt[nxt - 1] > o.x_max * (1 + 1e-12))
			nxt--;
	} else {
		nxt = sm_svg_nice_ticks(tmax, 7, xt, 64);
		fr.xmax = xt[nxt - 1] > 0 ? xt[nxt - 1] : 1;
	}

	const char *title = o.title ? o.title : "Kaplan-Meier survival";
	if (o.standalone)
		fputs("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n", f);
	fprintf(f, "<svg %sviewBox=\"0 0 %d %d\" width=\"%d\" height=\"%d\" role=\"img\" "
	           "aria-labelledby=\"km-title km-desc\" font-family=\"sans-serif\" font-size=\"12\">\n",
	        o.standalone ? "xmlns=\"http://www.w3.org/2000/svg\" " : "", W, H, W, H);
	fputs("<title id=\"km-title\">", f);
	esc(f, title);
	fputs("</title>\n<desc id=\"km-desc\">", f);
	if (o.desc) {
		esc(f, o.desc);
	} else {
		fprintf(f, "Kaplan-Meier estimate of the survival probability against time for %zu group%s", n,
		        n == 1 ? "" : "s");
		for (size_t i = 0; i < n; i++) {
			fputs(i ? "; " : ": ", f);
			esc(f, curves[i].label);
			if (curves[i].km) {
				fprintf(f, " (n %zu, %zu events, median ", curves[i].km->n, curves[i].km->n_events);
				if (isnan(curves[i].km->median))
					fputs("not reached)", f);
				else
					fprintf(f, "%.4g)", curves[i].km->median);
			}
		}
		fputs(". Steps down at each event; vertical ticks mark censored follow-up", f);
		if (o.ci)
			fprintf(f, "; shaded bands are pointwise confidence intervals (log-log)");
		fputs(".", f);
	}
	fputs("</desc>\n", f);
	fprintf(f, "<rect x=\"0\" y=\"0\" width=\"%d\" height=\"%d\" fill=\"#ffffff\"/>\n", W, H);

	/* grid and axes */
	fputs("<g stroke=\"#dddddd\" stroke-width=\"1\">\n", f);
	for (int k = 0; k <= 4; k++)
		fprintf(f, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\"/>\n", fr.x0, py(&fr, k / 4.0),
		        fr.x0 + fr.w, py(&fr, k / 4.0));
	for (size_t k = 0; k < nxt; k++)
		fprintf(f, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\"/>\n", px(&fr, xt[k]), fr.y0, px(&fr, xt[k]),
		        fr.y0 + fr.h);
	fputs("</g>\n<g stroke=\"#333333\" stroke-width=\"1\" fill=\"none\">\n", f);
	fprintf(f, "<path d=\"M%.1f %.1fV%.1fH%.1f\"/>\n", fr.x0, fr.y0, fr.y0 + fr.h, fr.x0 + fr.w);
	for (int k = 0; k <= 4; k++)
		fprintf(f, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\"/>\n", fr.x0 - 5, py(&fr, k / 4.0), fr.x0,
		        py(&fr, k / 4.0));
	for (size_t k = 0; k < nxt; k++)
		fprintf(f, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\"/>\n", px(&fr, xt[k]), fr.y0 + fr.h,
		        px(&fr, xt[k]), fr.y0 + fr.h + 5);
	fputs("</g>\n<g fill=\"#222222\">\n", f);
	for (int k = 0; k <= 4; k++)
		fprintf(f, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"end\">%.2f</text>\n", fr.x0 - 8,
		        py(&fr, k / 4.0) + 4, k / 4.0);
	for (size_t k = 0; k < nxt; k++) {
		char lab[40];
		tick_label(lab, sizeof lab, xt[k]);
		fprintf(f, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">%s</text>\n", px(&fr, xt[k]),
		        fr.y0 + fr.h + 19, lab);
	}
	fprintf(f, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">", fr.x0 + fr.w / 2, fr.y0 + fr.h + 42);
	esc(f, o.x_label ? o.x_label : "Time");
	fputs("</text>\n", f);
	fprintf(f, "<text transform=\"translate(16 %.1f) rotate(-90)\" text-anchor=\"middle\">Survival probability</text>\n",
	        fr.y0 + fr.h / 2);
	fputs("</g>\n", f);

	/* confidence bands under the curves */
	if (o.ci) {
		for (size_t i = 0; i < n; i++) {
			const sm_km *km = curves[i].km;
			if (!km || km->n_times == 0)
				continue;
			fprintf(f, "<path fill=\"%s\" fill-opacity=\"0.13\" stroke=\"none\" d=\"", sm_svg_km_colour(i));
			step_path(f, &fr, km, 2, false);
			step_path(f, &fr, km, 1, true);
			fputs("Z\"/>\n", f);
		}
	}
	/* curves and censoring ticks */
	for (size_t i = 0; i < n; i++) {
		const sm_km *km = curves[i].km;
		if (!km || km->n_times == 0)
			continue;
		const char *dash = dashes[i % NDASH];
		fprintf(f, "<g stroke=\"%s\" fill=\"none\" stroke-width=\"2\">\n<path", sm_svg_km_colour(i));
		if (*dash)
			fprintf(f, " stroke-dasharray=\"%s\"", dash);
		fputs(" d=\"", f);
		step_path(f, &fr, km, 0, false);
		fputs("\"/>\n", f);
		if (o.censor_ticks) {
			bool any = false;
			double lastx = -1e9;
			for (size_t j = 0; j < km->n_times; j++) {
				if (km->n_censor[j] == 0)
					continue;
				double x = px(&fr, km->time[j]);
				if (x - lastx < 1.0)
					continue;
				if (!any) {
					fputs("<path stroke-width=\"1.5\" d=\"", f);
					any = true;
				}
				fprintf(f, "M%.1f %.1fv8", x, py(&fr, km->surv[j]) - 4);
				lastx = x;
			}
			if (any)
				fputs("\"/>\n", f);
		}
		fputs("</g>\n", f);
	}

	/* legend */
	double lx = fr.x0 + fr.w + 18, ly = fr.y0 + 6;
	fputs("<g font-size=\"12\">\n", f);
	for (size_t i = 0; i < n; i++) {
		double y = ly + 22.0 * (double)i;
		const char *dash = dashes[i % NDASH];
		fprintf(f, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\" stroke-width=\"2.5\"%s%s%s/>\n",
		        lx, y, lx + 30, y, sm_svg_km_colour(i), *dash ? " stroke-dasharray=\"" : "", dash, *dash ? "\"" : "");
		fprintf(f, "<text x=\"%.1f\" y=\"%.1f\" fill=\"#222222\">", lx + 36, y + 4);
		char lab[64];
		snprintf(lab, sizeof lab, "%s", curves[i].label ? curves[i].label : "");
		if (strlen(curves[i].label ? curves[i].label : "") > 22) {
			lab[21] = '\0';
			/* keep whole UTF-8 characters */
			size_t l = strlen(lab);
			while (l && ((unsigned char)lab[l - 1] & 0xC0) == 0x80)
				lab[--l] = '\0';
			if (l && (unsigned char)lab[l - 1] >= 0xC0)
				lab[--l] = '\0';
			strcat(lab, "\xE2\x80\xA6");
		}
		esc(f, lab);
		fprintf(f, "%s</text>\n", curves[i].km && curves[i].km->n_times == 0 ? " (no rows)" : "");
	}
	fputs("</g>\n</svg>\n", f);
	return ferror(f) ? -1 : 0;
}
