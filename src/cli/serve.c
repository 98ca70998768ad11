/*
** serve.c: `spinemets serve [--listen HOST:PORT] [--db URL]`.
*/
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli/cli.h"
#include "http/registry.h"
#include "http/guard.h"
#include "http/server.h"
#include "store/store.h"

/* Bind before the first start creates anything: a server that cannot listen
** must not create the admin (and lose its one-time password). The probe socket
** is closed again (never connected, so the port is free at once); the server
** binds it a moment later. 0 ok; -1 with the reason printed. */
static int probe_listen(const char *host, unsigned short port)
{
	struct sockaddr_in addr;
	memset(&addr, 0, sizeof addr);
	addr.sin_family = AF_INET;
	addr.sin_port = htons(port);
	if (inet_pton(AF_INET, host, &addr.sin_addr) != 1) {
		fprintf(stderr, "spinemets serve: '%s' is not an IPv4 address (e.g. 127.0.0.1)\n", host);
		return -1;
	}
	if (port == 0)
		return 0; /* any free port: always possible */
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	if (fd < 0)
		return 0; /* let the server say why */
	int one = 1;
	(void)setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
	int rc = bind(fd, (struct sockaddr *)&addr, sizeof addr);
	int e = errno;
	close(fd);
	if (rc != 0) {
		fprintf(stderr, "spinemets serve: cannot listen on %s:%u: %s; nothing was changed in the registry\n",
		        host, (unsigned)port, strerror(e));
		return -1;
	}
	return 0;
}

static void serve_usage(FILE *f)
{
	fputs("usage: spinemets serve [--listen HOST:PORT] [--db URL] [--threads N] [--quiet]\n"
	      "                       [--session-idle SECONDS] [--cookie-secure] [--otp-hours H]\n"
	      "                       [--token-max-days D] [--allow-origin ORIGIN]... [--LIMIT N]...\n"
	      "\n"
	      "Serves the web page at / and the JSON API under /api/v1/: public (health,\n"
	      "instruments, rules, score/{instrument}, assess, openapi.json) and, behind\n"
	      "authentication, the registry (login, cases, events, worklist, audit report,\n"
	      "users, sites). Stops cleanly on SIGINT/SIGTERM. The access log (stderr) never\n"
	      "holds patient data.\n"
	      "\n"
	      "The registry database is migrated at start-up. On an empty registry the first\n"
	      "start creates site 'default' and user 'admin' and prints admin's one-time\n"
	      "password once (it must be changed at first login).\n"
	      "\n"
	      "Options:\n"
	      "  --listen HOST:PORT     default 127.0.0.1:8080; port 0 picks a free port\n"
	      "  --db URL               the registry: sqlite:PATH or postgresql://... (default\n"
	      "                         $SPINEMETS_DB, else sqlite:spinemets.db); several servers\n"
	      "                         may share one PostgreSQL database\n"
	      "  --threads N            worker threads and database connections (default: CPUs)\n"
	      "  --quiet                no access log\n"
	      "  --session-idle S       a login session ends after S seconds unused (default 43200)\n"
	      "  --otp-hours H          a one-time password (first start, or set by an administrator)\n"
	      "                         opens a login for H hours after it was set (default 72)\n"
	      "  --token-max-days D     API tokens are refused D days after they were made, whatever\n"
	      "                         expiry they carry (default 90; `user token` takes the same)\n"
	      "  --cookie-secure        mark the session cookie Secure (when served over HTTPS,\n"
	      "                         e.g. behind a TLS reverse proxy)\n"
	      "  --allow-origin ORIGIN  a foreign origin (https://host[:port]) whose pages may send\n"
	      "                         POST, PUT and DELETE requests (repeatable; by default only\n"
	      "                         pages of this server may; others get 403)\n"
	      "\n"
	      "Limits (each threshold in one place: src/http/limits.c):\n", f);
	sm_http_limits_usage(f);
}

static int parse_uint(const char *s, unsigned long long max, unsigned long long *out)
{
	char *end = NULL;
	if (!s || !*s || *s == '-')
		return -1;
	unsigned long long v = strtoull(s, &end, 10);
	if (*end || v > max)
		return -1;
	*out = v;
	return 0;
}

int sm_cmd_serve(int argc, char **argv)
{
	static char host[64] = "127.0.0.1";
	long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
	sm_serve_options o;
	memset(&o, 0, sizeof o);
	o.host = host;
	o.port = 8080;
	o.threads = (unsigned)(ncpu > 0 ? ncpu : 2);
	sm_http_limits_default(&o.limits);
	static const char *origins[16];
	sm_registry_options ro = {0};
	const char *db = NULL;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		unsigned long long v;
		char lerr[160];
		int lim = i + 1 < argc ? sm_http_limits_option(&o.limits, a, argv[i + 1], lerr, sizeof lerr) : 0;
		if (lim < 0) {
			fprintf(stderr, "spinemets serve: %s\n", lerr);
			return SM_EXIT_USAGE;
		} else if (lim > 0) {
			i++;
		} else if (i + 1 < argc && !strcmp(a, "--allow-origin")) {
			const char *org = argv[++i];
			if (o.norigins == sizeof origins / sizeof origins[0] ||
			    (strncmp(org, "http://", 7) != 0 && strncmp(org, "https://", 8) != 0) ||
			    strchr(strstr(org, "//") + 2, '/')) {
				fprintf(stderr, "spinemets serve: --allow-origin needs an origin such as https://host:8443 "
				                "(scheme and host, no path; at most 16)\n");
				return SM_EXIT_USAGE;
			}
			origins[o.norigins++] = org;
			o.origins = origins;
		} else if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
			serve_usage(stdout);
			return SM_EXIT_OK;
		} else if (!strcmp(a, "--quiet")) {
			o.quiet = 1;
		} else if (!strcmp(a, "--cookie-secure")) {
			ro.cookie_secure = 1;
		} else if (i + 1 < argc && !strcmp(a, "--db")) {
			db = argv[++i];
		} else if (i + 1 < argc && !strcmp(a, "--otp-hours") && !parse_uint(argv[i + 1], 24 * 365, &v) && v > 0) {
			ro.otp_ttl = (unsigned)v * 3600;
			i++;
		} else if (i + 1 < argc && !strcmp(a, "--token-max-days") && !parse_uint(argv[i + 1], 3650, &v) && v > 0) {
			ro.api_token_max = (unsigned)v * 86400;
			i++;
		} else if (i + 1 < argc && !strcmp(a, "--session-idle") && !parse_uint(argv[i + 1], 30 * 86400, &v) && v > 0) {
			ro.session_idle = (unsigned)v;
			i++;
		} else if (i + 1 < argc && !strcmp(a, "--listen")) {
			const char *hp = argv[++i], *colon = strrchr(hp, ':');
			if (!colon || (size_t)(colon - hp) >= sizeof host || parse_uint(colon + 1, 65535, &v)) {
				fprintf(stderr, "spinemets serve: --listen needs HOST:PORT, e.g. 127.0.0.1:8080\n");
				return SM_EXIT_USAGE;
			}
			memcpy(host, hp, (size_t)(colon - hp));
			host[colon - hp] = '\0';
			o.port = (unsigned short)v;
		} else if (i + 1 < argc && !strcmp(a, "--threads") && !parse_uint(argv[i + 1], 256, &v) && v > 0) {
			o.threads = (unsigned)v;
			i++;
		} else {
			fprintf(stderr, "spinemets serve: bad or incomplete option '%s'\n", a);
			serve_usage(stderr);
			return SM_EXIT_USAGE;
		}
	}
	if (probe_listen(o.host, o.port) != 0)
		return SM_EXIT_INVALID;
	/* the registry: migrated at start-up, one database handle per worker thread */
	const char *url = sm_cli_db_url(db);
	char err[SM_STORE_ERRMSG_SIZE];
	sm_store_pool *pool = NULL;
	if (sm_store_pool_open(url, o.threads, 0, &pool, err, sizeof err) != SM_STORE_OK) {
		fprintf(stderr, "spinemets serve: cannot open the registry %s: %s\n", url, err);
		return SM_EXIT_INVALID;
	}
	sm_store *st = sm_store_pool_checkout(pool);
	int created = 0;
	char pw[32];
	sm_store_status rc = sm_registry_bootstrap(st, (int64_t)time(NULL), &created, pw, err, sizeof err);
	sm_store_pool_checkin(pool, st);
	if (rc != SM_STORE_OK) {
		fprintf(stderr, "spinemets serve: first start failed: %s\n", err);
		sm_store_pool_close(pool);
		return SM_EXIT_INVALID;
	}
	/* the case index of cases saved before it existed (the worklist and the
	** audit report are right without it, only slower) */
	st = sm_store_pool_checkout(pool);
	size_t indexed = 0;
	if (sm_registry_backfill(st, &indexed) != SM_STORE_OK)
		fprintf(stderr, "spinemets serve: case index not written (the worklist reads every case): %s\n",
		        sm_store_errmsg(st));
	else if (indexed)
		fprintf(stderr, "spinemets serve: case index written for %zu case%s saved before it existed\n", indexed,
		        indexed == 1 ? "" : "s");
	sm_store_pool_checkin(pool, st);
	char notice[512] = "";
	if (created) {
		snprintf(notice, sizeof notice,
		         "spinemets serve: first start: created site \"default\" and user \"admin\"\n"
		         "  one-time password for admin: %s\n"
		         "  (shown once; log in and change it: POST /api/v1/login, then POST /api/v1/password)\n",
		         pw);
		o.notice = notice;
	}
	char lerr[160];
	if (sm_http_limits_check(&o.limits, lerr, sizeof lerr)) {
		fprintf(stderr, "spinemets serve: %s\n", lerr);
		sm_store_pool_close(pool);
		return SM_EXIT_USAGE;
	}
	sm_throttle *throttle = sm_throttle_new(&o.limits);
	ro.throttle = throttle;
	sm_registry *reg = throttle ? sm_registry_new(pool, &ro) : NULL;
	if (!reg) {
		fprintf(stderr, "spinemets serve: out of memory\n");
		sm_throttle_free(throttle);
		sm_store_pool_close(pool);
		return SM_EXIT_INVALID;
	}
	o.registry = reg;
	int status = sm_http_serve(&o);
	memset(notice, 0, sizeof notice);
	memset(pw, 0, sizeof pw);
	sm_registry_free(reg);
	sm_throttle_free(throttle);
	sm_store_pool_close(pool);
	return status;
}
