/*
** harness.h: the plumbing of tests/registry/registry_test.c: results, a
** watchdog, `spinemets serve` processes on free loopback ports, command-line
** runs with captured output, a small HTTP/1.1 client (one request per
** connection, every read and write with a deadline) and JSON helpers.
** Static functions only; included once.
*/
#ifndef SM_TESTS_REGISTRY_HARNESS_H
#define SM_TESTS_REGISTRY_HARNESS_H
#define _GNU_SOURCE /* strcasestr, timegm, strptime */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <math.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define IO_TIMEOUT_MS 20000 /* one request (the server runs under ASan) */

static const char *bin;
#include "../lib/blackbox.h"

/* ---- servers ---- */
typedef struct server {
	pid_t pid;
	int port;
	int out_fd;
	int slot;
	char out[4096]; /* what it printed at start (the listening line, the first-start notice) */
} server;

/* BIN serve --listen 127.0.0.1:0 --db URL --quiet --threads 4 EXTRA...; stderr inherited */
static int server_start(server *s, const char *url, const char *const extra[])
{
	memset(s, 0, sizeof *s);
	s->slot = -1;
	s->out_fd = -1;
	int p[2];
	if (pipe(p))
		return -1;
	const char *argv[24];
	int ac = 0;
	argv[ac++] = bin;
	argv[ac++] = "serve";
	argv[ac++] = "--listen";
	argv[ac++] = "127.0.0.1:0";
	argv[ac++] = "--db";
	argv[ac++] = url;
	argv[ac++] = "--quiet";
	argv[ac++] = "--threads"; /* bounded: a test cluster allows 100 connections */
	argv[ac++] = "4";
	for (int k = 0; extra && extra[k] && ac < 23; k++)
		argv[ac++] = extra[k];
	argv[ac] = NULL;
	fflush(stdout);
	fflush(stderr);
	pid_t pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		dup2(p[1], 1);
		close(p[0]);
		close(p[1]);
		int nul = open("/dev/null", O_RDONLY);
		if (nul >= 0)
			dup2(nul, 0);
		execv(bin, (char *const *)argv);
		_exit(127);
	}
	close(p[1]);
	s->pid = pid;
	s->out_fd = p[0];
	for (int k = 0; k < MAX_SERVERS; k++)
		if (live_pids[k] == 0) {
			live_pids[k] = pid;
			s->slot = k;
			break;
		}
	size_t n = 0;
	double deadline = now_ms() + 30000;
	while (n < sizeof s->out - 1 && !memchr(s->out, '\n', n)) {
		int left = (int)(deadline - now_ms());
		struct pollfd pf = {s->out_fd, POLLIN, 0};
		if (left <= 0 || poll(&pf, 1, left) <= 0)
			break;
		ssize_t r = read(s->out_fd, s->out + n, sizeof s->out - 1 - n);
		if (r <= 0)
			break;
		n += (size_t)r;
	}
	/* whatever follows at once (the first-start notice is written with it) */
	for (;;) {
		struct pollfd pf = {s->out_fd, POLLIN, 0};
		if (n >= sizeof s->out - 1 || poll(&pf, 1, 300) <= 0)
			break;
		ssize_t r = read(s->out_fd, s->out + n, sizeof s->out - 1 - n);
		if (r <= 0)
			break;
		n += (size_t)r;
	}
	s->out[n] = '\0';
	const char *at = strstr(s->out, "127.0.0.1:");
	if (at)
		s->port = atoi(at + strlen("127.0.0.1:"));
	if (s->port <= 0 || s->port > 65535) {
		printf("server did not announce a port; output: '%.300s'\n", s->out);
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
		if (s->slot >= 0)
			live_pids[s->slot] = 0;
		s->pid = 0;
		close(s->out_fd);
		s->out_fd = -1;
		return -1;
	}
	return 0;
}

static void server_forget(server *s)
{
	if (s->slot >= 0)
		live_pids[s->slot] = 0;
	s->slot = -1;
	s->pid = 0;
	if (s->out_fd >= 0)
		close(s->out_fd);
	s->out_fd = -1;
}

/* SIGTERM: the exit status must be 0 within 10 s */
static void server_stop(server *s, const char *name)
{
	if (s->pid <= 0)
		return;
	int status = -1;
	kill(s->pid, SIGTERM);
	for (int k = 0; k < 1000; k++) {
		pid_t w = waitpid(s->pid, &status, WNOHANG);
		if (w == s->pid)
			break;
		status = -1;
		sleep_ms(10);
	}
	if (status == -1) {
		kill(s->pid, SIGKILL);
		waitpid(s->pid, NULL, 0);
	}
	check(status != -1 && WIFEXITED(status) && WEXITSTATUS(status) == 0,
	      "%s: SIGTERM ends the server with status 0 (status %d)", name,
	      status == -1 ? -1 : WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status));
	server_forget(s);
}

static void server_kill(server *s)
{
	if (s->pid <= 0)
		return;
	kill(s->pid, SIGKILL);
	waitpid(s->pid, NULL, 0);
	server_forget(s);
}

/* ---- command-line runs ---- */
typedef struct run {
	int status;       /* exit status, or -1 */
	char *out, *err;  /* NUL-terminated */
} run;

static void run_free(run *r)
{
	free(r->out);
	free(r->err);
	memset(r, 0, sizeof *r);
}

static void append(char **buf, size_t *len, size_t *cap, const char *data, size_t n)
{
	if (*len + n + 1 > *cap) {
		size_t nc = *cap ? *cap : 4096;
		while (nc < *len + n + 1)
			nc *= 2;
		*buf = realloc(*buf, nc);
		*cap = nc;
	}
	memcpy(*buf + *len, data, n);
	*len += n;
	(*buf)[*len] = '\0';
}

/* BIN ARGS... with `input` on stdin (NULL: empty); argv NULL-terminated */
static int run_cli(run *r, const char *input, const char *const *args)
{
	memset(r, 0, sizeof *r);
	int in[2], out[2], err[2];
	if (pipe(in) || pipe(out) || pipe(err))
		return -1;
	const char *argv[32];
	int ac = 0;
	argv[ac++] = bin;
	for (int k = 0; args[k] && ac < 31; k++)
		argv[ac++] = args[k];
	argv[ac] = NULL;
	fflush(stdout);
	pid_t pid = fork();
	if (pid == 0) {
		dup2(in[0], 0);
		dup2(out[1], 1);
		dup2(err[1], 2);
		close(in[0]); close(in[1]); close(out[0]); close(out[1]); close(err[0]); close(err[1]);
		execv(bin, (char *const *)argv);
		_exit(127);
	}
	close(in[0]);
	close(out[1]);
	close(err[1]);
	if (input) {
		ssize_t w = write(in[1], input, strlen(input));
		(void)w;
	}
	close(in[1]);
	size_t ol = 0, oc = 0, el = 0, ec = 0;
	append(&r->out, &ol, &oc, "", 0);
	append(&r->err, &el, &ec, "", 0);
	int open_fds = 2;
	double deadline = now_ms() + 60000;
	while (open_fds > 0 && now_ms() < deadline) {
		struct pollfd pf[2] = {{out[0], POLLIN, 0}, {err[0], POLLIN, 0}};
		if (poll(pf, 2, 1000) < 0 && errno != EINTR)
			break;
		for (int k = 0; k < 2; k++) {
			if (pf[k].fd < 0 || !(pf[k].revents & (POLLIN | POLLHUP)))
				continue;
			char buf[4096];
			ssize_t n = read(pf[k].fd, buf, sizeof buf);
			if (n <= 0) {
				close(k == 0 ? out[0] : err[0]);
				if (k == 0)
					out[0] = -1;
				else
					err[0] = -1;
				open_fds--;
			} else if (k == 0) {
				append(&r->out, &ol, &oc, buf, (size_t)n);
			} else {
				append(&r->err, &el, &ec, buf, (size_t)n);
			}
		}
		if (out[0] < 0 && err[0] < 0)
			break;
	}
	if (out[0] >= 0)
		close(out[0]);
	if (err[0] >= 0)
		close(err[0]);
	int st;
	waitpid(pid, &st, 0);
	r->status = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
	if (strstr(r->err, "AddressSanitizer") || strstr(r->err, "runtime error") || strstr(r->err, "LeakSanitizer"))
		printf("sanitizer report from %s %s:\n%s\n", bin, args[0], r->err);
	return 0;
}

#define CLI(r, input, ...) run_cli(r, input, (const char *const[]){__VA_ARGS__, NULL})

/* ---- HTTP ---- */
typedef struct resp {
	int status;     /* 0: no response */
	char *head;     /* status line and headers */
	char *body;
	size_t len;
	json_t *json;   /* the body parsed (NULL if not JSON) */
} resp;

static void resp_free(resp *r)
{
	free(r->head);
	free(r->body);
	json_decref(r->json);
	memset(r, 0, sizeof *r);
}

static int send_all(int fd, const char *p, size_t n)
{
	while (n) {
		ssize_t w = send(fd, p, n, MSG_NOSIGNAL);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

/* The value of header `name` in r->head (copied into out); 0 when found. */
static int header(const resp *r, const char *name, char *out, size_t size)
{
	if (!r->head)
		return -1;
	size_t n = strlen(name);
	for (const char *p = strstr(r->head, "\r\n"); p; p = strstr(p + 2, "\r\n")) {
		const char *h = p + 2;
		if (strncasecmp(h, name, n) == 0 && h[n] == ':') {
			h += n + 1;
			while (*h == ' ')
				h++;
			size_t len = strcspn(h, "\r\n");
			if (len >= size)
				len = size - 1;
			memcpy(out, h, len);
			out[len] = '\0';
			return 0;
		}
	}
	return -1;
}

/* One request on a new connection (Connection: close). extra: more header lines. */
static int http(int port, const char *method, const char *path, const char *extra, const char *ctype,
                const char *body, resp *r)
{
	memset(r, 0, sizeof *r);
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	if (fd < 0)
		return 0;
	struct timeval tv = {IO_TIMEOUT_MS / 1000, (IO_TIMEOUT_MS % 1000) * 1000};
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
	struct sockaddr_in a;
	memset(&a, 0, sizeof a);
	a.sin_family = AF_INET;
	a.sin_port = htons((unsigned short)port);
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (connect(fd, (struct sockaddr *)&a, sizeof a) != 0) {
		close(fd);
		return 0;
	}
	size_t blen = body ? strlen(body) : 0;
	size_t hcap = 1024 + (extra ? strlen(extra) : 0) + strlen(path);
	char *h = malloc(hcap);
	int hn = snprintf(h, hcap, "%s %s HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n%s%s%s", method, path,
	                  extra ? extra : "", ctype ? "Content-Type: " : "", ctype ? ctype : "");
	if (ctype)
		hn += snprintf(h + hn, hcap - (size_t)hn, "\r\n");
	if (body)
		hn += snprintf(h + hn, hcap - (size_t)hn, "Content-Length: %zu\r\n", blen);
	hn += snprintf(h + hn, hcap - (size_t)hn, "\r\n");
	int ok = send_all(fd, h, (size_t)hn) == 0 && (!body || send_all(fd, body, blen) == 0);
	free(h);
	char *buf = NULL;
	size_t len = 0, cap = 0;
	while (ok) {
		char tmp[16384];
		ssize_t n = recv(fd, tmp, sizeof tmp, 0);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		append(&buf, &len, &cap, tmp, (size_t)n);
	}
	close(fd);
	if (!buf)
		return 0;
	char *sep = strstr(buf, "\r\n\r\n");
	if (!sep || strncmp(buf, "HTTP/1.", 7) != 0) {
		free(buf);
		return 0;
	}
	size_t hl = (size_t)(sep - buf);
	r->head = malloc(hl + 1);
	memcpy(r->head, buf, hl);
	r->head[hl] = '\0';
	r->status = atoi(buf + 9);
	char cl[32];
	size_t blen2 = len - hl - 4;
	if (header(r, "Content-Length", cl, sizeof cl) == 0 && (size_t)atol(cl) != blen2 &&
	    strcmp(method, "HEAD") != 0) {
		/* cut short: the connection died mid-body */
		free(buf);
		free(r->head);
		r->head = NULL;
		r->status = 0;
		return 0;
	}
	r->body = malloc(blen2 + 1);
	memcpy(r->body, sep + 4, blen2);
	r->body[blen2] = '\0';
	r->len = blen2;
	free(buf);
	if (blen2)
		r->json = json_loadb(r->body, blen2, 0, NULL);
	return r->status;
}

/* A request as a user: token "" or NULL sends no credentials. */
static int api(int port, const char *token, const char *method, const char *path, const char *json_body, resp *r)
{
	char auth[160] = "";
	if (token && *token)
		snprintf(auth, sizeof auth, "Authorization: Bearer %s\r\n", token);
	return http(port, method, path, auth, json_body ? "application/json" : NULL, json_body, r);
}

/* ---- JSON ---- */
/* "a.b.0.c": members and array indices */
static json_t *jget(json_t *j, const char *path)
{
	char buf[256];
	snprintf(buf, sizeof buf, "%s", path);
	char *save = NULL;
	for (char *t = strtok_r(buf, ".", &save); t && j; t = strtok_r(NULL, ".", &save)) {
		if (json_is_array(j)) {
			char *end;
			long i = strtol(t, &end, 10);
			j = *end ? NULL : json_array_get(j, (size_t)i);
		} else {
			j = json_object_get(j, t);
		}
	}
	return j;
}

static long long jint(json_t *j, const char *path)
{
	json_t *v = jget(j, path);
	return json_is_integer(v) ? (long long)json_integer_value(v) : -999999;
}

static double jnum(json_t *j, const char *path)
{
	json_t *v = jget(j, path);
	return json_is_number(v) ? json_number_value(v) : -999999.0;
}

static const char *jstr(json_t *j, const char *path)
{
	json_t *v = jget(j, path);
	return json_is_string(v) ? json_string_value(v) : "";
}

/* An error response has the API's error shape with the same status. */
static int error_shape(const resp *r)
{
	return r->json && jint(r->json, "error.status") == r->status && json_is_string(jget(r->json, "error.message"));
}

/* "2026-01-02T03:04:05Z" for a time */
static void iso(time_t t, char out[32])
{
	struct tm tm;
	gmtime_r(&t, &tm);
	strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
}
#endif
