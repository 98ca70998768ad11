/*
** special.c: the distribution functions the survival tests need, written from the
** textbook formulas so the library has no dependency beyond libm:
**   - Q(a, x), the regularised upper incomplete gamma function, by its power series
**     (x < a + 1, through P = 1 - Q) or its continued fraction evaluated with the
**     modified Lentz method (x >= a + 1) (Abramowitz & Stegun 6.5.29 and 6.5.31);
**   - the chi-square upper tail, Q(df / 2, x / 2);
**   - the normal quantile: a rational start (Abramowitz & Stegun 26.2.23, error < 4.5e-4)
**     refined by Halley steps on Phi(z) = erfc(-z / sqrt 2) / 2, to double precision.
** log Gamma avoids lgamma(), which writes the global signgam (a data race in threaded
** doors): log(tgamma(a)) for a < 100, Stirling's series above.
*/
#include <math.h>

#include "stats/stats_internal.h"

#define SMX_EPS 1e-16
#define SMX_ITMAX 100000

static double log_gamma(double a)
{
	if (a < 100.0)
		return log(tgamma(a));
	double a2 = a * a;
	double series = 1.0 / (12.0 * a) - 1.0 / (360.0 * a * a2) + 1.0 / (1260.0 * a * a2 * a2) -
	                1.0 / (1680.0 * a * a2 * a2 * a2);
	return (a - 0.5) * log(a) - a + 0.91893853320467274178 /* log(2 pi) / 2 */ + series;
}

/* P(a, x) by its power series; good for x < a + 1. */
static double gamma_p_series(double a, double x)
{
	double term = 1.0 / a, sum = term, ap = a;
	for (int i = 0; i < SMX_ITMAX; i++) {
		ap += 1.0;
		term *= x / ap;
		sum += term;
		if (fabs(term) < fabs(sum) * SMX_EPS)
			break;
	}
	return sum * exp(-x + a * log(x) - log_gamma(a));
}

/* Q(a, x) by its continued fraction (modified Lentz); good for x >= a + 1. */
static double gamma_q_fraction(double a, double x)
{
	const double tiny = 1e-300;
	double b = x + 1.0 - a, c = 1.0 / tiny, d = 1.0 / b, h = d;
	for (int i = 1; i < SMX_ITMAX; i++) {
		double an = -(double)i * ((double)i - a);
		b += 2.0;
		d = an * d + b;
		if (fabs(d) < tiny)
			d = tiny;
		c = b + an / c;
		if (fabs(c) < tiny)
			c = tiny;
		d = 1.0 / d;
		double delta = d * c;
		h *= delta;
		if (fabs(delta - 1.0) < SMX_EPS)
			break;
	}
	return exp(-x + a * log(x) - log_gamma(a)) * h;
}

double sm_gamma_q(double a, double x)
{
	if (isnan(a) || isnan(x) || a <= 0.0 || x < 0.0)
		return NAN;
	if (x == 0.0)
		return 1.0;
	if (isinf(x))
		return 0.0;
	if (x < a + 1.0)
		return 1.0 - gamma_p_series(a, x);
	return gamma_q_fraction(a, x);
}

double sm_pchisq_upper(double x, double df)
{
	if (isnan(x) || isnan(df) || df <= 0.0)
		return NAN;
	if (x <= 0.0)
		return 1.0;
	return sm_gamma_q(df / 2.0, x / 2.0);
}

/* Lower-tail quantile for p in (0, 0.5]. */
static double qnorm_lower(double p)
{
	double t = sqrt(-2.0 * log(p));
	double z = -(t - (2.515517 + t * (0.802853 + t * 0.010328)) /
	                     (1.0 + t * (1.432788 + t * (0.189269 + t * 0.001308))));
	for (int i = 0; i < 6; i++) {
		double e = 0.5 * erfc(-z / 1.41421356237309504880) - p;
		double u = e * 2.50662827463100050242 /* sqrt(2 pi) */ * exp(z * z / 2.0);
		double step = u / (1.0 + z * u / 2.0);
		z -= step;
		if (fabs(step) <= 1e-17 * fabs(z))
			break;
	}
	return z;
}

double sm_qnorm(double p)
{
	if (isnan(p) || p < 0.0 || p > 1.0)
		return NAN;
	if (p == 0.0)
		return -INFINITY;
	if (p == 1.0)
		return INFINITY;
	if (p == 0.5)
		return 0.0;
	if (p < 0.5)
		return qnorm_lower(p);
	return -qnorm_lower(1.0 - p);
}
