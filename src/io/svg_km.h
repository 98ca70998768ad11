/*
** svg_km.h: hand-written SVG Kaplan-Meier plots (no library, no script).
**
** Step curves with censoring ticks, optional log-log confidence bands, axes with
** "nice" ticks, a legend, an accessible <title>/<desc> (role="img"), and the
** colour-blind-safe Okabe-Ito palette with a distinct dash pattern per curve, so
** curves stay apart in grey print too. A curve of a million steps is thinned to
** what one pixel column can show (the vertical extent is kept), so the file stays
** small whatever the cohort size.
*/
#ifndef SM_IO_SVG_KM_H
#define SM_IO_SVG_KM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "stats/survival.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct sm_svg_km_curve {
	const char *label;  /* legend text (escaped when written) */
	const sm_km *km;    /* from sm_km_fit; an empty curve is listed but not drawn */
} sm_svg_km_curve;

typedef struct sm_svg_km_options {
	int width, height;      /* pixels (0: 760 x 440) */
	bool ci;                /* draw the confidence bands */
	bool censor_ticks;      /* draw a tick at each censoring time */
	bool standalone;        /* an SVG file: XML declaration and xmlns (off for inline HTML) */
	const char *title;      /* <title> (NULL: "Kaplan-Meier survival") */
	const char *desc;       /* <desc> (NULL: generated from the curves) */
	const char *x_label;    /* NULL: "Time" */
	double x_max;           /* right end of the axis (0: from the data, rounded up) */
} sm_svg_km_options;

/* Zero every field: the zero value means the defaults. */
void sm_svg_km_options_init(sm_svg_km_options *o);

/* The colour of curve i (Okabe-Ito, cycling), "#rrggbb". */
const char *sm_svg_km_colour(size_t i);

/* "Nice" axis ticks from 0 to at least max: steps of 1, 2, 2.5 or 5 times a power
** of ten, about `target` of them. Writes up to `cap` ticks; returns the count.
** The last tick is >= max. max <= 0 gives the single tick 0. */
size_t sm_svg_nice_ticks(double max, size_t target, double *ticks, size_t cap);

/* Write the plot of n curves. Returns 0, or -1 when a write failed. */
int sm_svg_km_write(FILE *f, const sm_svg_km_curve *curves, size_t n, const sm_svg_km_options *o);

#ifdef __cplusplus
}
#endif
#endif
