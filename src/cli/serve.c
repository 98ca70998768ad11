/*
** serve.c: `spinemets serve [--listen HOST:PORT]`.
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "http/server.h"

static void serve_usage(FILE *f)
{
	fputs("usage: spinemets serve [--listen HOST:PORT] [--threads N] [--max-body BYTES]\n"
	      "                       [--max-connections N] [--idle-timeout SECONDS] [--quiet]\n"
	      "\n"
	      "Serves the web page at / and the JSON API under /api/v1/ (health, instruments,\n"
	      "rules, score/{instrument}, assess, openapi.json). Stops cleanly on SIGINT/SIGTERM.\n"
	      "The access log (stderr) never holds patient data.\n"
	      "\n"
	      "Options:\n"
	      "  --listen HOST:PORT     default 127.0.0.1:8080; port 0 picks a free port\n"
	      "  --threads N            worker threads (default: number of CPUs)\n"
	      "  --max-body BYTES       largest request body (default 1048576)\n"
	      "  --max-connections N    simultaneous connections (default 512)\n"
	      "  --idle-timeout S       close idle connections after S seconds (default 30)\n"
	      "  --quiet                no access log\n", f);
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
	sm_serve_options o = {host, 8080, (unsigned)(ncpu > 0 ? ncpu : 2), 512, 30, 1024 * 1024, 64 * 1024, 0};
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		unsigned long long v;
		if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
			serve_usage(stdout);
			return SM_EXIT_OK;
		} else if (!strcmp(a, "--quiet")) {
			o.quiet = 1;
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
		} else if (i + 1 < argc && !strcmp(a, "--max-body") && !parse_uint(argv[i + 1], 1ULL << 30, &v) && v > 0) {
			o.max_body = (size_t)v;
			i++;
		} else if (i + 1 < argc && !strcmp(a, "--max-connections") && !parse_uint(argv[i + 1], 100000, &v) && v > 0) {
			o.max_connections = (unsigned)v;
			i++;
		} else if (i + 1 < argc && !strcmp(a, "--idle-timeout") && !parse_uint(argv[i + 1], 86400, &v) && v > 0) {
			o.idle_timeout = (unsigned)v;
			i++;
		} else {
			fprintf(stderr, "spinemets serve: bad or incomplete option '%s'\n", a);
			serve_usage(stderr);
			return SM_EXIT_USAGE;
		}
	}
	return sm_http_serve(&o);
}
