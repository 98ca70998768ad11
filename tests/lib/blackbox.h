/*
** blackbox.h: what the black-box suites (tests/http, tests/registry) share:
** results ("FAIL ..." lines, then "N passed, M failed"), monotonic time, and
** a watchdog that kills every server they started and ends the run.
** Static functions only; included once, after the system headers it needs
** (errno, pthread, signal, stdarg, stdio, string, time, unistd).
*/
#ifndef SM_TESTS_BLACKBOX_H
#define SM_TESTS_BLACKBOX_H

static int npass, nfail;
static pthread_mutex_t result_mu = PTHREAD_MUTEX_INITIALIZER;

/* Count a check; print it when it fails. Safe from several threads. */
static void check(int ok, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void check(int ok, const char *fmt, ...)
{
	pthread_mutex_lock(&result_mu);
	if (ok) {
		npass++;
	} else {
		nfail++;
		va_list ap;
		va_start(ap, fmt);
		fputs("FAIL ", stdout);
		vprintf(fmt, ap);
		fputc('\n', stdout);
		va_end(ap);
		fflush(stdout);
	}
	pthread_mutex_unlock(&result_mu);
}

static void info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void info(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fputs("INFO ", stdout);
	vprintf(fmt, ap);
	fputc('\n', stdout);
	va_end(ap);
	fflush(stdout);
}

static double now_ms(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec * 1e3 + (double)t.tv_nsec / 1e6;
}

static void sleep_ms(long ms)
{
	struct timespec t = {ms / 1000, (ms % 1000) * 1000000L};
	while (nanosleep(&t, &t) != 0 && errno == EINTR)
		;
}

/* ---- the watchdog: SIGALRM after watchdog_s seconds (alarm() in main) ---- */
#define MAX_SERVERS 8
static volatile pid_t live_pids[MAX_SERVERS]; /* servers to kill (0: free slot) */
static int watchdog_s = 300;

/* async-signal-safe decimal */
static void put_num(char *buf, size_t *n, int v)
{
	char tmp[16];
	int k = 0;
	if (v == 0)
		tmp[k++] = '0';
	while (v > 0 && k < 15) {
		tmp[k++] = (char)('0' + v % 10);
		v /= 10;
	}
	while (k > 0)
		buf[(*n)++] = tmp[--k];
}

static void put_str(char *buf, size_t *n, const char *s)
{
	size_t len = strlen(s);
	memcpy(buf + *n, s, len);
	*n += len;
}

static void watchdog(int sig)
{
	(void)sig;
	for (int k = 0; k < MAX_SERVERS; k++)
		if (live_pids[k] > 0)
			kill(live_pids[k], SIGKILL);
	char buf[160];
	size_t n = 0;
	put_str(buf, &n, "FAIL watchdog: the suite ran longer than ");
	put_num(buf, &n, watchdog_s);
	put_str(buf, &n, " s\n");
	put_num(buf, &n, npass);
	put_str(buf, &n, " passed, ");
	put_num(buf, &n, nfail + 1);
	put_str(buf, &n, " failed\n");
	ssize_t w = write(1, buf, n);
	(void)w;
	_exit(1);
}

/* A crash of the suite itself (a bug in a test) is reported as a failed check
** with the results so far, never as a silent signal: install with
** crash_guard() in main. */
__attribute__((unused)) static void crash_report(int sig)
{
	for (int k = 0; k < MAX_SERVERS; k++)
		if (live_pids[k] > 0)
			kill(live_pids[k], SIGKILL);
	char buf[200];
	size_t n = 0;
	put_str(buf, &n, "FAIL the test program itself crashed (signal ");
	put_num(buf, &n, sig);
	put_str(buf, &n, "): a bug in the suite, see the last lines above\n");
	put_num(buf, &n, npass);
	put_str(buf, &n, " passed, ");
	put_num(buf, &n, nfail + 1);
	put_str(buf, &n, " failed\n");
	ssize_t w = write(1, buf, n);
	(void)w;
	_exit(1);
}

__attribute__((unused)) static void crash_guard(void)
{
	setvbuf(stdout, NULL, _IONBF, 0); /* nothing printed is lost to a crash */
	signal(SIGSEGV, crash_report);
	signal(SIGBUS, crash_report);
	signal(SIGFPE, crash_report);
}
#endif
