/*
** store_stress.c: durability and cross-process concurrency of the store.
**
**   store_stress durability URL [--rounds N] [--crash-cmd CMD --restart-cmd CMD]
**     A child process saves cases in a loop (creates and updates) and writes
**     one line to a pipe after every save the store acknowledged. At a random
**     moment the child is killed with SIGKILL (or, with --crash-cmd, the
**     database server is killed with SIGKILL, restarted with --restart-cmd,
**     and the child, which must reconnect by itself, is killed afterwards).
**     Then the store is reopened: every acknowledged save must be there with
**     its exact document, the integrity check must pass and every version
**     chain must be complete.
**
**   store_stress race URL [--procs P] [--threads T] [--iters I] [--cases C]
**     P processes with T threads each (every thread with its own handle) edit
**     the same C cases: read the latest version, save on it. Every failure
**     must be a conflict; no version number may be handed out twice; for each
**     case the number of successful saves must equal its final version - 1;
**     every version must hold the document of the writer told it won.
**
** Each check prints "ok - ..." or "FAIL - ..."; the last line is
** "N passed, M failed".
*/
#include <errno.h>
#include <inttypes.h>
#include <poll.h>
#include <stdarg.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "store/store.h"

static int g_pass, g_fail;

__attribute__((format(printf, 2, 3)))
static void check(int ok, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	printf("%s - ", ok ? "ok" : "FAIL");
	vprintf(fmt, ap);
	printf("\n");
	va_end(ap);
	fflush(stdout);
	if (ok)
		g_pass++;
	else
		g_fail++;
}

static double now_s(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static void sleep_ms(long ms)
{
	struct timespec t = {ms / 1000, (ms % 1000) * 1000000L};
	nanosleep(&t, NULL);
}

static void write_line(int fd, const char *line)
{
	size_t n = strlen(line), off = 0;
	while (off < n) { /* lines are short (< PIPE_BUF): one write, atomic */
		ssize_t w = write(fd, line + off, n - off);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			_exit(3); /* the reader is gone */
		off += (size_t)w;
	}
}

static sm_store *open_or_die(const char *url, unsigned flags)
{
	char err[SM_STORE_ERRMSG_SIZE];
	sm_store *st = NULL;
	if (sm_store_open(url, flags, &st, err, sizeof err) != SM_STORE_OK) {
		check(0, "open %s: %s", url, err);
		printf("%d passed, %d failed\n", g_pass, g_fail);
		exit(1);
	}
	return st;
}

/* A site and a user to write with (created once per database). */
static void fixtures(const char *url, const char *tag, int64_t *site, int64_t *user)
{
	sm_store *st = open_or_die(url, 0);
	sm_store_site s;
	if (sm_store_site_get(st, tag, &s) != SM_STORE_OK) {
		if (sm_store_site_add(st, tag, "Stress test site", 1767225600, &s.id) != SM_STORE_OK) {
			check(0, "site: %s", sm_store_errmsg(st));
			exit(1);
		}
	}
	*site = s.id;
	sm_store_user u = {0};
	snprintf(u.username, sizeof u.username, "%s-writer", tag);
	if (sm_store_user_get(st, u.username, &u) != SM_STORE_OK) {
		snprintf(u.display_name, sizeof u.display_name, "Stress writer");
		u.role = SM_ROLE_CLINICIAN;
		u.site_id = s.id;
		if (sm_store_password_hash("stress", u.password_hash) != SM_STORE_OK ||
		    sm_store_user_add(st, &u, 1767225600, &u.id) != SM_STORE_OK) {
			check(0, "user: %s", sm_store_errmsg(st));
			exit(1);
		}
	}
	*user = u.id;
	sm_store_close(st); /* no connection crosses a fork */
}

/* ======================================================================
** Durability
** ==================================================================== */
#define MAX_OWN 16

static void doc_for(char *buf, size_t size, int round, long n)
{
	snprintf(buf, size, "{\"schema\": \"spinemets/case/1\", \"durability\": {\"round\": %d, \"n\": %ld}}",
	         round, n);
}

static void writer(const char *url, int64_t site, int64_t user, int round, int fd)
{
	sm_store *st = NULL;
	char err[SM_STORE_ERRMSG_SIZE], line[160], doc[160];
	while (sm_store_open(url, SM_STORE_NO_MIGRATE, &st, err, sizeof err) != SM_STORE_OK) {
		snprintf(line, sizeof line, "E open: %.100s\n", err);
		write_line(fd, line);
		sleep_ms(50);
	}
	int64_t own[MAX_OWN];
	int ver[MAX_OWN], nown = 0;
	double t0 = now_s();
	for (long n = 1; n < 1000000 && now_s() - t0 < 120; n++) {
		doc_for(doc, sizeof doc, round, n);
		sm_store_actor a = {user, 1767225600 + n};
		sm_store_status rc;
		if (nown < MAX_OWN || n % 4 == 0) {
			sm_store_save s = {.site_id = site, .document = doc, .reason = "durability create",
			                   .identifiers = "{\"name\": \"Durable Patient\"}"};
			int64_t id = 0;
			rc = sm_store_case_create(st, &a, &s, &id);
			if (rc == SM_STORE_OK) {
				snprintf(line, sizeof line, "C %" PRId64 " 1 %ld\n", id, n);
				write_line(fd, line);
				if (nown < MAX_OWN) {
					own[nown] = id;
					ver[nown++] = 1;
				} else {
					own[n % MAX_OWN] = id;
					ver[n % MAX_OWN] = 1;
				}
			}
		} else {
			int k = (int)(n % nown);
			sm_store_save s = {.document = doc, .reason = "durability update"};
			int v = 0;
			rc = sm_store_case_update(st, &a, own[k], ver[k], &s, &v);
			if (rc == SM_STORE_OK) {
				ver[k] = v;
				snprintf(line, sizeof line, "U %" PRId64 " %d %ld\n", own[k], v, n);
				write_line(fd, line);
			} else if (rc == SM_STORE_CONFLICT) {
				/* a save whose commit reply was lost (server killed) did commit */
				ver[k] = v;
			}
		}
		if (rc != SM_STORE_OK) {
			snprintf(line, sizeof line, "E %s: %.120s\n", sm_store_status_name(rc),
			         sm_store_errmsg(st));
			write_line(fd, line);
			if (rc == SM_STORE_BACKEND)
				sleep_ms(20); /* the server may be down: do not spin */
		}
	}
	sm_store_close(st);
	_exit(0);
}

typedef struct ack {
	char kind;
	int64_t case_id;
	int version;
	long n;
} ack;

typedef struct acks {
	ack *a;
	size_t n, cap;
	size_t errors;
	char first_error[200];
	char buf[4096];
	size_t len;
} acks;

static void parse_lines(acks *A, int round_tag, size_t *after_mark, double mark)
{
	(void)round_tag;
	char *start = A->buf, *nl;
	while ((nl = memchr(start, '\n', A->len - (size_t)(start - A->buf)))) {
		*nl = 0;
		ack x = {0};
		if ((start[0] == 'C' || start[0] == 'U') &&
		    sscanf(start + 2, "%" SCNd64 " %d %ld", &x.case_id, &x.version, &x.n) == 3) {
			x.kind = start[0];
			if (A->n == A->cap) {
				A->cap = A->cap ? A->cap * 2 : 1024;
				A->a = realloc(A->a, A->cap * sizeof *A->a);
				if (!A->a) {
					perror("realloc");
					exit(1);
				}
			}
			A->a[A->n++] = x;
			if (mark > 0 && after_mark)
				(*after_mark)++;
		} else if (start[0] == 'E') {
			if (!A->errors)
				snprintf(A->first_error, sizeof A->first_error, "%s", start + 2);
			A->errors++;
		}
		start = nl + 1;
	}
	size_t rest = A->len - (size_t)(start - A->buf);
	memmove(A->buf, start, rest);
	A->len = rest;
}

/* Read from fd until `deadline` (or EOF when deadline < 0). Returns 0 at EOF. */
static int pump(int fd, acks *A, double deadline, size_t *after_mark, double mark)
{
	for (;;) {
		int wait_ms = 200;
		if (deadline >= 0) {
			double left = deadline - now_s();
			if (left <= 0)
				return 1;
			wait_ms = (int)(left * 1000) + 1;
		}
		struct pollfd p = {fd, POLLIN, 0};
		int r = poll(&p, 1, wait_ms);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			continue;
		ssize_t got = read(fd, A->buf + A->len, sizeof A->buf - 1 - A->len);
		if (got < 0 && errno == EINTR)
			continue;
		if (got <= 0)
			return 0;
		A->len += (size_t)got;
		parse_lines(A, 0, after_mark, mark);
	}
}

static int durability(const char *url, int rounds, const char *crash_cmd, const char *restart_cmd)
{
	int64_t site, user;
	fixtures(url, "durability", &site, &user);
	srand((unsigned)(time(NULL) ^ getpid()));
	for (int round = 1; round <= rounds; round++) {
		int fds[2];
		if (pipe(fds) != 0) {
			perror("pipe");
			return 1;
		}
		fflush(stdout);
		pid_t pid = fork();
		if (pid < 0) {
			perror("fork");
			return 1;
		}
		if (pid == 0) {
			close(fds[0]);
			writer(url, site, user, round, fds[1]);
		}
		close(fds[1]);
		acks A = {0};
		long delay = 300 + rand() % 900; /* ms of saving before the kill */
		double t0 = now_s();
		pump(fds[0], &A, t0 + (double)delay / 1000.0, NULL, 0);
		size_t before_kill = A.n, after_restart = 0;
		if (crash_cmd) {
			int rc = system(crash_cmd);
			check(rc == 0, "round %d: database server killed with SIGKILL after %ld ms (%zu saves acknowledged)",
			      round, delay, before_kill);
			pump(fds[0], &A, now_s() + 0.3, NULL, 0);
			rc = system(restart_cmd);
			check(rc == 0, "round %d: database server restarted (crash recovery)", round);
			size_t mark = A.n;
			double until = now_s() + 10;
			while (A.n < mark + 20 && now_s() < until)
				pump(fds[0], &A, now_s() + 0.2, &after_restart, 1);
			check(A.n >= mark + 20, "round %d: the writer reconnected by itself: %zu saves acknowledged after the restart",
			      round, A.n - mark);
		}
		kill(pid, SIGKILL);
		pump(fds[0], &A, -1, NULL, 0); /* every line written before the kill */
		close(fds[0]);
		int status = 0;
		waitpid(pid, &status, 0);
		check(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL,
		      "round %d: writer killed with SIGKILL while saving (%zu saves acknowledged)", round, A.n);
		if (!crash_cmd)
			check(A.errors == 0, "round %d: the writer saw no errors before the kill (%zu%s%s)",
			      round, A.errors, A.errors ? ": " : "", A.first_error);
		check(A.n > 0, "round %d: the writer saved something", round);

		/* reopen: every acknowledged save is there, exactly */
		sm_store *st = open_or_die(url, 0);
		size_t missing = 0, wrong = 0;
		char doc[160], first[300] = "";
		for (size_t k = 0; k < A.n; k++) {
			sm_store_case *c = NULL;
			sm_store_status rc = sm_store_case_get(st, NULL, A.a[k].case_id, A.a[k].version, 0, &c);
			doc_for(doc, sizeof doc, round, A.a[k].n);
			if (rc != SM_STORE_OK) {
				if (!missing++)
					snprintf(first, sizeof first, "case %" PRId64 " version %d: %s",
					         A.a[k].case_id, A.a[k].version, sm_store_errmsg(st));
			} else if (!c->document || strcmp(c->document, doc) != 0) {
				if (!wrong++)
					snprintf(first, sizeof first, "case %" PRId64 " version %d holds %s",
					         A.a[k].case_id, A.a[k].version, c->document ? c->document : "(null)");
			}
			sm_store_free(c);
		}
		check(missing == 0 && wrong == 0,
		      "round %d: all %zu acknowledged saves present after the kill (%zu missing, %zu wrong)%s%s",
		      round, A.n, missing, wrong, first[0] ? ": " : "", first);
		sm_store_status rc = sm_store_check(st);
		check(rc == SM_STORE_OK, "round %d: integrity check and version chains: %s", round,
		      rc == SM_STORE_OK ? "ok" : sm_store_errmsg(st));
		sm_store_close(st);
		free(A.a);
		(void)after_restart;
	}
	return 0;
}

/* ======================================================================
** Cross-process race
** ==================================================================== */
typedef struct racer {
	const char *url;
	int proc, thread, iters, ncases;
	const int64_t *cases;
	int64_t user;
	int fd;
} racer;

static void race_doc(char *buf, size_t size, int proc, int thread, int iter)
{
	snprintf(buf, size, "{\"proc\": %d, \"thread\": %d, \"iter\": %d}", proc, thread, iter);
}

static void *race_thread(void *arg)
{
	racer *r = arg;
	char err[SM_STORE_ERRMSG_SIZE], line[300], doc[96];
	int ok = 0, conflicts = 0, other = 0;
	sm_store *st = NULL;
	if (sm_store_open(r->url, SM_STORE_NO_MIGRATE, &st, err, sizeof err) != SM_STORE_OK) {
		snprintf(line, sizeof line, "E open: %.200s\n", err);
		write_line(r->fd, line);
		other = r->iters;
	}
	unsigned seed = (unsigned)(r->proc * 7919 + r->thread * 104729 + 1);
	for (int i = 0; st && i < r->iters; i++) {
		int64_t cid = r->cases[rand_r(&seed) % (unsigned)r->ncases];
		sm_store_case *c = NULL;
		sm_store_status rc = sm_store_case_get(st, NULL, cid, 0, 0, &c);
		int v = c ? c->version : 0;
		sm_store_free(c);
		if (rc == SM_STORE_OK) {
			race_doc(doc, sizeof doc, r->proc, r->thread, i);
			sm_store_save s = {.document = doc, .reason = "race"};
			sm_store_actor a = {r->user, 1767225600 + i};
			int nv = 0;
			rc = sm_store_case_update(st, &a, cid, v, &s, &nv);
			if (rc == SM_STORE_OK) {
				ok++;
				snprintf(line, sizeof line, "V %" PRId64 " %d %d %d %d\n", cid, nv, r->proc,
				         r->thread, i);
				write_line(r->fd, line);
				continue;
			}
			if (rc == SM_STORE_CONFLICT) {
				conflicts++;
				continue;
			}
		}
		other++;
		snprintf(line, sizeof line, "E %s: %.200s\n", sm_store_status_name(rc), sm_store_errmsg(st));
		write_line(r->fd, line);
	}
	sm_store_close(st);
	snprintf(line, sizeof line, "S %d %d %d\n", ok, conflicts, other);
	write_line(r->fd, line);
	return NULL;
}

static int cmp_int(const void *a, const void *b)
{
	int x = *(const int *)a, y = *(const int *)b;
	return (x > y) - (x < y);
}

static int race(const char *url, int procs, int threads, int iters, int ncases)
{
	int64_t site, user;
	fixtures(url, "race", &site, &user);
	int64_t *cases = calloc((size_t)ncases, sizeof *cases);
	sm_store *st = open_or_die(url, 0);
	for (int k = 0; k < ncases; k++) {
		sm_store_save s = {.site_id = site, .document = "{\"race\": \"start\"}", .reason = "race start"};
		sm_store_actor a = {user, 1767225600};
		if (sm_store_case_create(st, &a, &s, &cases[k]) != SM_STORE_OK) {
			check(0, "create: %s", sm_store_errmsg(st));
			return 1;
		}
	}
	sm_store_close(st);

	int res[2], go[2];
	if (pipe(res) != 0 || pipe(go) != 0) {
		perror("pipe");
		return 1;
	}
	fflush(stdout);
	pid_t *pids = calloc((size_t)procs, sizeof *pids);
	for (int p = 0; p < procs; p++) {
		pids[p] = fork();
		if (pids[p] < 0) {
			perror("fork");
			return 1;
		}
		if (pids[p] == 0) {
			close(res[0]);
			close(go[1]);
			char b;
			while (read(go[0], &b, 1) < 0 && errno == EINTR)
				; /* all processes start together: EOF when the parent closes go */
			pthread_t *th = calloc((size_t)threads, sizeof *th);
			racer *rs = calloc((size_t)threads, sizeof *rs);
			for (int t = 0; t < threads; t++) {
				rs[t] = (racer){url, p, t, iters, ncases, cases, user, res[1]};
				pthread_create(&th[t], NULL, race_thread, &rs[t]);
			}
			for (int t = 0; t < threads; t++)
				pthread_join(th[t], NULL);
			free(th);
			free(rs);
			free(cases);
			free(pids);
			close(res[1]);
			exit(0);
		}
	}
	close(res[1]);
	close(go[0]);
	double t0 = now_s();
	close(go[1]); /* go */

	/* collect */
	typedef struct win { int64_t case_id; int version, proc, thread, iter; } win;
	win *wins = NULL;
	size_t nwins = 0, capw = 0;
	long ok = 0, conflicts = 0, other = 0;
	size_t nerr = 0;
	char first_err[256] = "";
	char buf[8192];
	size_t len = 0;
	for (;;) {
		ssize_t got = read(res[0], buf + len, sizeof buf - 1 - len);
		if (got < 0 && errno == EINTR)
			continue;
		if (got <= 0)
			break;
		len += (size_t)got;
		char *s = buf, *nl;
		while ((nl = memchr(s, '\n', len - (size_t)(s - buf)))) {
			*nl = 0;
			win w;
			int a, b, c;
			if (s[0] == 'V' && sscanf(s + 2, "%" SCNd64 " %d %d %d %d", &w.case_id, &w.version,
			                          &w.proc, &w.thread, &w.iter) == 5) {
				if (nwins == capw) {
					capw = capw ? capw * 2 : 256;
					wins = realloc(wins, capw * sizeof *wins);
				}
				wins[nwins++] = w;
			} else if (s[0] == 'S' && sscanf(s + 2, "%d %d %d", &a, &b, &c) == 3) {
				ok += a, conflicts += b, other += c;
			} else if (s[0] == 'E') {
				if (!nerr++)
					snprintf(first_err, sizeof first_err, "%s", s + 2);
			}
			s = nl + 1;
		}
		len -= (size_t)(s - buf);
		memmove(buf, s, len);
	}
	close(res[0]);
	int children_ok = 1;
	for (int p = 0; p < procs; p++) {
		int status = 0;
		waitpid(pids[p], &status, 0);
		if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
			children_ok = 0;
	}
	double secs = now_s() - t0;
	long attempts = (long)procs * threads * iters;
	check(children_ok, "%d processes x %d threads finished (%.1f s)", procs, threads, secs);
	check(ok + conflicts + other == attempts, "every attempt reported (%ld of %ld)",
	      ok + conflicts + other, attempts);
	check(other == 0 && nerr == 0, "every failed save was a conflict: %ld saved, %ld conflicts, %ld other%s%s",
	      ok, conflicts, other, first_err[0] ? ": " : "", first_err);
	check((size_t)ok == nwins, "one acknowledgement per successful save (%zu)", nwins);

	/* per case: the versions handed out are unique and exactly 2..final */
	st = open_or_die(url, SM_STORE_NO_MIGRATE);
	int dup = 0, gaps = 0, mismatch = 0, wrongdoc = 0;
	char first[300] = "";
	int *vs = calloc(nwins + 1, sizeof *vs);
	for (int k = 0; k < ncases; k++) {
		size_t n = 0;
		for (size_t j = 0; j < nwins; j++)
			if (wins[j].case_id == cases[k])
				vs[n++] = wins[j].version;
		qsort(vs, n, sizeof *vs, cmp_int);
		for (size_t j = 0; j < n; j++) {
			if (j && vs[j] == vs[j - 1])
				dup++;
			if (vs[j] != (int)j + 2)
				gaps++;
		}
		sm_store_versions *h = NULL;
		if (sm_store_case_versions(st, cases[k], &h) != SM_STORE_OK) {
			mismatch++;
			continue;
		}
		if (h->n != n + 1) {
			if (!mismatch++)
				snprintf(first, sizeof first, "case %" PRId64 ": %zu versions, %zu successful saves",
				         cases[k], h->n, n);
		}
		for (size_t j = 0; j < h->n; j++)
			if (h->v[j].version != (int)j + 1)
				gaps++;
		sm_store_free(h);
	}
	for (size_t j = 0; j < nwins; j++) {
		char doc[96];
		race_doc(doc, sizeof doc, wins[j].proc, wins[j].thread, wins[j].iter);
		sm_store_case *c = NULL;
		if (sm_store_case_get(st, NULL, wins[j].case_id, wins[j].version, 0, &c) != SM_STORE_OK ||
		    strcmp(c->document, doc) != 0)
			wrongdoc++;
		sm_store_free(c);
	}
	check(dup == 0, "no version number handed out twice (%d duplicates)", dup);
	check(mismatch == 0 && gaps == 0,
	      "for every case, successful saves == final version - 1 and versions run 1..final (%d mismatches, %d gaps)%s%s",
	      mismatch, gaps, first[0] ? ": " : "", first);
	check(wrongdoc == 0, "every version holds the document of the writer told it won (%d wrong)", wrongdoc);
	sm_store_status rc = sm_store_check(st);
	check(rc == SM_STORE_OK, "integrity check: %s", rc == SM_STORE_OK ? "ok" : sm_store_errmsg(st));
	printf("# %s: %ld saves, %ld conflicts in %.1f s over %d cases\n", sm_store_backend(st), ok,
	       conflicts, secs, ncases);
	sm_store_close(st);
	free(vs);
	free(wins);
	free(cases);
	free(pids);
	return 0;
}

static int usage(void)
{
	fprintf(stderr, "usage: store_stress durability URL [--rounds N] [--crash-cmd CMD --restart-cmd CMD]\n"
	                "       store_stress race URL [--procs P] [--threads T] [--iters I] [--cases C]\n");
	printf("0 passed, 1 failed\n");
	return 2;
}

int main(int argc, char **argv)
{
	if (argc < 3)
		return usage();
	const char *mode = argv[1], *url = argv[2];
	int rounds = 3, procs = 2, threads = 4, iters = 40, ncases = 3;
	const char *crash = NULL, *restart = NULL;
	for (int k = 3; k < argc; k++) {
		const char *o = argv[k], *v = k + 1 < argc ? argv[k + 1] : NULL;
		if (!v)
			return usage();
		k++;
		if (strcmp(o, "--rounds") == 0)
			rounds = atoi(v);
		else if (strcmp(o, "--crash-cmd") == 0)
			crash = v;
		else if (strcmp(o, "--restart-cmd") == 0)
			restart = v;
		else if (strcmp(o, "--procs") == 0)
			procs = atoi(v);
		else if (strcmp(o, "--threads") == 0)
			threads = atoi(v);
		else if (strcmp(o, "--iters") == 0)
			iters = atoi(v);
		else if (strcmp(o, "--cases") == 0)
			ncases = atoi(v);
		else
			return usage();
	}
	if ((crash == NULL) != (restart == NULL) || rounds < 1 || procs < 1 || threads < 1 ||
	    iters < 1 || ncases < 1)
		return usage();
	signal(SIGPIPE, SIG_IGN);
	if (strcmp(mode, "durability") == 0)
		durability(url, rounds, crash, restart);
	else if (strcmp(mode, "race") == 0)
		race(url, procs, threads, iters, ncases);
	else
		return usage();
	printf("%d passed, %d failed\n", g_pass, g_fail);
	return g_fail ? 1 : 0;
}
