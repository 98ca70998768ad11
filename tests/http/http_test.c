/*
** http_test.c: black-box tests of `spinemets serve` over real sockets.
** usage: http_test SPINEMETS_BINARY
**
** Starts the binary itself (`serve --listen 127.0.0.1:0`, the port is read from
** the first line of its standard output), talks HTTP/1.1 to it on loopback with
** plain sockets, and stops it with SIGTERM, which must end it with status 0
** within 5 s. Three servers are started: a quiet one for most checks, one with
** `--idle-timeout 2` and one with its access log on (standard error captured to
** a temporary file, checked for method, path and status, and for the absence
** of any request body content). `serve` opens a registry database: when
** SPINEMETS_DB is not set, a throwaway SQLite file in $TMPDIR is used and removed.
**
** Every read has a deadline, every loop a bound; a watchdog ends the whole run
** after 60 s. Prints one line per failure ("FAIL ...") and ends with
** "N passed, M failed". Links only libc.
*/
#define _POSIX_C_SOURCE 200809L
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MAX_BODY (1024 * 1024)  /* the server's default --max-body */
#define IO_TIMEOUT_MS 5000      /* every single read or write */
#define MAX_RESPONSE (8 << 20)  /* refuse to buffer more than this */

static const char *bin;
static int st_; /* the status of the last request of a check */

#include "../lib/blackbox.h"

/* ---- servers ---- */

typedef struct server {
	pid_t pid;
	int port;
	int out_fd;          /* its standard output (kept open until it stops) */
	char log_path[256];  /* its standard error, when captured */
	int slot;
} server;

/* Starts BIN serve --listen 127.0.0.1:0 EXTRA...; stderr goes to log_path if
** given, else is inherited (so sanitizer reports land in our log). */
static int server_start(server *s, const char *const extra[], const char *log_path)
{
	memset(s, 0, sizeof *s);
	s->slot = -1;
	s->out_fd = -1;
	int p[2];
	if (pipe(p))
		return -1;
	const char *argv[16];
	int ac = 0;
	argv[ac++] = bin;
	argv[ac++] = "serve";
	argv[ac++] = "--listen";
	argv[ac++] = "127.0.0.1:0";
	for (int k = 0; extra && extra[k] && ac < 15; k++)
		argv[ac++] = extra[k];
	argv[ac] = NULL;
	int errfd = -1;
	if (log_path) {
		snprintf(s->log_path, sizeof s->log_path, "%s", log_path);
		errfd = open(log_path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
		if (errfd < 0) {
			close(p[0]);
			close(p[1]);
			return -1;
		}
	}
	fflush(stdout);
	fflush(stderr);
	pid_t pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		dup2(p[1], 1);
		if (errfd >= 0)
			dup2(errfd, 2);
		close(p[0]);
		close(p[1]);
		if (errfd >= 0)
			close(errfd);
		int nul = open("/dev/null", O_RDONLY);
		if (nul >= 0)
			dup2(nul, 0);
		execv(bin, (char *const *)argv);
		_exit(127);
	}
	if (errfd >= 0)
		close(errfd);
	close(p[1]);
	s->pid = pid;
	s->out_fd = p[0];
	for (int k = 0; k < MAX_SERVERS; k++)
		if (live_pids[k] == 0) {
			live_pids[k] = pid;
			s->slot = k;
			break;
		}
	/* first line: "spinemets serve: listening on http://127.0.0.1:PORT/ ..." */
	char line[512];
	size_t n = 0;
	double deadline = now_ms() + 15000;
	while (n < sizeof line - 1 && !memchr(line, '\n', n)) {
		int left = (int)(deadline - now_ms());
		struct pollfd pf = {s->out_fd, POLLIN, 0};
		if (left <= 0 || poll(&pf, 1, left) <= 0)
			break;
		ssize_t r = read(s->out_fd, line + n, sizeof line - 1 - n);
		if (r <= 0)
			break;
		n += (size_t)r;
	}
	line[n] = '\0';
	const char *at = strstr(line, "127.0.0.1:");
	if (at)
		s->port = atoi(at + strlen("127.0.0.1:"));
	if (s->port <= 0 || s->port > 65535) {
		printf("server did not announce a port; first output: '%.200s'\n", line);
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
		if (s->slot >= 0)
			live_pids[s->slot] = 0;
		s->pid = 0;
		return -1;
	}
	return 0;
}

static int server_alive(const server *s)
{
	return s->pid > 0 && waitpid(s->pid, NULL, WNOHANG) == 0;
}

/* SIGTERM; returns the wait status, or -1 if it had to be killed after 5 s.
** *took_ms: how long it took. */
static int server_stop(server *s, double *took_ms)
{
	int status = -1;
	double t0 = now_ms();
	if (s->pid <= 0)
		return -1;
	kill(s->pid, SIGTERM);
	for (int k = 0; k < 500; k++) { /* 500 x 10 ms = 5 s */
		pid_t w = waitpid(s->pid, &status, WNOHANG);
		if (w == s->pid)
			break;
		if (w < 0) {
			status = -1;
			break;
		}
		status = -1;
		sleep_ms(10);
	}
	if (status == -1) {
		kill(s->pid, SIGKILL);
		waitpid(s->pid, NULL, 0);
	}
	if (took_ms)
		*took_ms = now_ms() - t0;
	if (s->slot >= 0)
		live_pids[s->slot] = 0;
	s->pid = 0;
	if (s->out_fd >= 0)
		close(s->out_fd);
	s->out_fd = -1;
	return status;
}

static void stop_and_check(server *s, const char *name)
{
	double took = 0;
	int st = server_stop(s, &took);
	check(st != -1 && WIFEXITED(st) && WEXITSTATUS(st) == 0,
	      "%s: SIGTERM should end the server with status 0 within 5 s (status %d, %s, %.0f ms)", name,
	      st == -1 ? -1 : (WIFEXITED(st) ? WEXITSTATUS(st) : -1),
	      st == -1 ? "did not exit" : (WIFSIGNALED(st) ? "killed by a signal" : "exited"), took);
}

/* ---- connections and responses ---- */

typedef struct conn {
	int fd;
	char *buf; /* bytes received and not yet consumed */
	size_t len, cap;
	int eof;
} conn;

typedef struct resp {
	int status;        /* 0: no (complete) response */
	char *head;        /* status line and headers, NUL-terminated */
	char *body;        /* NUL-terminated */
	size_t len;
	int closed;        /* the server closed the connection */
	double ms;
} resp;

static void resp_free(resp *r)
{
	free(r->head);
	free(r->body);
	memset(r, 0, sizeof *r);
}

static int tcp_connect(int port)
{
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	if (fd < 0)
		return -1;
	struct timeval tv = {IO_TIMEOUT_MS / 1000, (IO_TIMEOUT_MS % 1000) * 1000};
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
	int one = 1;
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
	struct sockaddr_in a;
	memset(&a, 0, sizeof a);
	a.sin_family = AF_INET;
	a.sin_port = htons((unsigned short)port);
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (connect(fd, (struct sockaddr *)&a, sizeof a) != 0) {
		close(fd);
		return -1;
	}
	return fd;
}

static int conn_open(conn *c, int port)
{
	memset(c, 0, sizeof *c);
	c->fd = tcp_connect(port);
	return c->fd < 0 ? -1 : 0;
}

static void conn_close(conn *c)
{
	if (c->fd >= 0)
		close(c->fd);
	free(c->buf);
	memset(c, 0, sizeof *c);
	c->fd = -1;
}

static int send_all(int fd, const void *data, size_t len)
{
	const char *p = data;
	size_t off = 0;
	for (int tries = 0; off < len && tries < 100000; tries++) {
		ssize_t w = send(fd, p + off, len - off, MSG_NOSIGNAL);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		off += (size_t)w;
	}
	return off == len ? 0 : -1;
}

/* Reads more bytes into c->buf, waiting until `deadline` at most.
** Returns bytes read, 0 on EOF, -1 on timeout or error. */
static ssize_t conn_fill(conn *c, double deadline)
{
	if (c->len + 65536 + 1 > c->cap) {
		if (c->cap >= MAX_RESPONSE)
			return -1;
		size_t ncap = c->cap ? c->cap * 2 : 65536 + 1;
		while (ncap < c->len + 65536 + 1)
			ncap *= 2;
		char *nb = realloc(c->buf, ncap);
		if (!nb)
			return -1;
		c->buf = nb;
		c->cap = ncap;
	}
	for (int tries = 0; tries < 100; tries++) {
		int left = (int)(deadline - now_ms());
		if (left <= 0)
			return -1;
		struct pollfd pf = {c->fd, POLLIN, 0};
		int pr = poll(&pf, 1, left);
		if (pr < 0 && errno == EINTR)
			continue;
		if (pr <= 0)
			return -1;
		ssize_t r = recv(c->fd, c->buf + c->len, c->cap - c->len - 1, 0);
		if (r < 0 && errno == EINTR)
			continue;
		if (r == 0 || (r < 0 && (errno == ECONNRESET || errno == EPIPE))) {
			c->eof = 1;
			return 0;
		}
		if (r < 0)
			return -1;
		c->len += (size_t)r;
		c->buf[c->len] = '\0';
		return r;
	}
	return -1;
}

static void conn_consume(conn *c, size_t n)
{
	memmove(c->buf, c->buf + n, c->len - n);
	c->len -= n;
	if (c->buf)
		c->buf[c->len] = '\0';
}

static const char *find_mem(const char *h, size_t hn, const char *needle)
{
	size_t nn = strlen(needle);
	if (nn == 0 || hn < nn)
		return NULL;
	for (size_t i = 0; i + nn <= hn; i++)
		if (h[i] == needle[0] && memcmp(h + i, needle, nn) == 0)
			return h + i;
	return NULL;
}

static int lower(int ch)
{
	return ch >= 'A' && ch <= 'Z' ? ch + 32 : ch;
}

static int prefix_nocase(const char *s, const char *p)
{
	for (; *p; s++, p++)
		if (lower((unsigned char)*s) != lower((unsigned char)*p))
			return 0;
	return 1;
}

/* The value of header NAME in a response head, copied into out (or NULL). */
static const char *header(const resp *r, const char *name, char *out, size_t outsz)
{
	if (!r->head)
		return NULL;
	size_t nl = strlen(name);
	for (const char *line = strstr(r->head, "\r\n"); line && line[2]; line = strstr(line + 2, "\r\n")) {
		const char *h = line + 2;
		if (prefix_nocase(h, name) && h[nl] == ':') {
			const char *v = h + nl + 1;
			while (*v == ' ' || *v == '\t')
				v++;
			size_t n = strcspn(v, "\r\n");
			if (n >= outsz)
				n = outsz - 1;
			memcpy(out, v, n);
			out[n] = '\0';
			return out;
		}
	}
	return NULL;
}

/* Reads one response (skipping 1xx). For HEAD requests no body is read.
** Returns 0 when a complete response was read. */
static int read_response(conn *c, resp *r, int is_head, int timeout_ms)
{
	memset(r, 0, sizeof *r);
	double t0 = now_ms(), deadline = t0 + timeout_ms;
	for (int round = 0; round < 4; round++) {
		const char *end;
		int guard = 0;
		while (!(end = c->buf ? find_mem(c->buf, c->len, "\r\n\r\n") : NULL)) {
			if (c->len > 256 * 1024 || ++guard > 100000)
				return -1;
			ssize_t n = conn_fill(c, deadline);
			if (n <= 0) {
				r->closed = c->eof;
				return -1;
			}
		}
		size_t hlen = (size_t)(end - c->buf) + 4;
		int status = 0;
		if (sscanf(c->buf, "HTTP/1.%*d %d", &status) != 1 || status < 100)
			return -1;
		if (status < 200) { /* 100 Continue: skip it */
			conn_consume(c, hlen);
			continue;
		}
		r->head = malloc(hlen + 1);
		if (!r->head)
			return -1;
		memcpy(r->head, c->buf, hlen);
		r->head[hlen] = '\0';
		r->status = status;
		conn_consume(c, hlen);
		char v[64];
		long long clen = -1;
		int chunked = 0;
		if (header(r, "Content-Length", v, sizeof v))
			clen = atoll(v);
		if (header(r, "Transfer-Encoding", v, sizeof v) && prefix_nocase(v, "chunked"))
			chunked = 1;
		if (is_head || status == 204 || status == 304)
			clen = 0, chunked = 0;
		if (clen > MAX_RESPONSE)
			return -1;
		if (chunked) {
			/* decode in place into a fresh buffer */
			size_t cap = 4096, n = 0;
			char *out = malloc(cap);
			if (!out)
				return -1;
			for (int chunks = 0; chunks < 100000; chunks++) {
				const char *eol;
				while (!(eol = c->buf ? find_mem(c->buf, c->len, "\r\n") : NULL))
					if (conn_fill(c, deadline) <= 0) {
						free(out);
						r->closed = c->eof;
						return -1;
					}
				unsigned long sz = strtoul(c->buf, NULL, 16);
				size_t skip = (size_t)(eol - c->buf) + 2;
				while (c->len < skip + sz + 2)
					if (conn_fill(c, deadline) <= 0) {
						free(out);
						r->closed = c->eof;
						return -1;
					}
				if (n + sz + 1 > cap) {
					while (n + sz + 1 > cap)
						cap *= 2;
					char *nb = realloc(out, cap);
					if (!nb) {
						free(out);
						return -1;
					}
					out = nb;
				}
				memcpy(out + n, c->buf + skip, sz);
				n += sz;
				conn_consume(c, skip + sz + 2);
				if (sz == 0)
					break;
			}
			out[n] = '\0';
			r->body = out;
			r->len = n;
		} else if (clen >= 0) {
			while (c->len < (size_t)clen)
				if (conn_fill(c, deadline) <= 0) {
					r->closed = c->eof;
					return -1;
				}
			r->body = malloc((size_t)clen + 1);
			if (!r->body)
				return -1;
			memcpy(r->body, c->buf, (size_t)clen);
			r->body[clen] = '\0';
			r->len = (size_t)clen;
			conn_consume(c, (size_t)clen);
		} else { /* until the server closes */
			for (int k = 0; k < 100000 && !c->eof; k++)
				if (conn_fill(c, deadline) < 0)
					return -1;
			r->body = malloc(c->len + 1);
			if (!r->body)
				return -1;
			memcpy(r->body, c->buf ? c->buf : "", c->len);
			r->body[c->len] = '\0';
			r->len = c->len;
			conn_consume(c, c->len);
		}
		if (header(r, "Connection", v, sizeof v) && prefix_nocase(v, "close"))
			r->closed = 1;
		r->ms = now_ms() - t0;
		return 0;
	}
	return -1;
}

/* Formats and sends one request on c. */
static int send_request(conn *c, const char *method, const char *path, const char *ctype, const char *body,
                        size_t len, const char *extra_headers)
{
	char head[2048];
	int n = snprintf(head, sizeof head, "%s %s HTTP/1.1\r\nHost: 127.0.0.1\r\n%s%s%s%s", method, path,
	                 ctype ? "Content-Type: " : "", ctype ? ctype : "", ctype ? "\r\n" : "",
	                 extra_headers ? extra_headers : "");
	if (n < 0 || (size_t)n >= sizeof head - 64)
		return -1;
	if (body)
		n += snprintf(head + n, sizeof head - (size_t)n, "Content-Length: %zu\r\n", len);
	n += snprintf(head + n, sizeof head - (size_t)n, "\r\n");
	if (send_all(c->fd, head, (size_t)n))
		return -1;
	if (body && len && send_all(c->fd, body, len))
		return -1;
	return 0;
}

/* One request on a new connection. Returns the status (0 if none). */
static int request(int port, const char *method, const char *path, const char *ctype, const char *body, resp *r)
{
	conn c;
	memset(r, 0, sizeof *r);
	if (conn_open(&c, port))
		return 0;
	if (send_request(&c, method, path, ctype, body, body ? strlen(body) : 0, NULL) == 0)
		read_response(&c, r, strcmp(method, "HEAD") == 0, IO_TIMEOUT_MS);
	conn_close(&c);
	return r->status;
}

static int post_json(int port, const char *path, const char *body, resp *r)
{
	return request(port, "POST", path, "application/json", body, r);
}

static int has(const resp *r, const char *needle)
{
	return r->body && strstr(r->body, needle) != NULL;
}

/* ---- JSON: validity, minifying, field extraction (no library) ---- */

typedef struct jp {
	const char *s, *end;
	int depth;
	/* keys of the top-level member "paths" (the OpenAPI routes) */
	char (*keys)[128];
	int nkeys, maxkeys;
} jp;

static void jws(jp *p)
{
	while (p->s < p->end && (*p->s == ' ' || *p->s == '\t' || *p->s == '\n' || *p->s == '\r'))
		p->s++;
}

static int jstring(jp *p, const char **start, size_t *n)
{
	if (p->s >= p->end || *p->s != '"')
		return -1;
	p->s++;
	*start = p->s;
	while (p->s < p->end && *p->s != '"') {
		unsigned char ch = (unsigned char)*p->s;
		if (ch < 0x20)
			return -1;
		if (ch == '\\') {
			p->s++;
			if (p->s >= p->end)
				return -1;
			if (*p->s == 'u') {
				for (int k = 1; k <= 4; k++)
					if (p->s + k >= p->end || !strchr("0123456789abcdefABCDEF", p->s[k]) || !p->s[k])
						return -1;
				p->s += 4;
			} else if (!strchr("\"\\/bfnrt", *p->s) || !*p->s) {
				return -1;
			}
		}
		p->s++;
	}
	if (p->s >= p->end)
		return -1;
	*n = (size_t)(p->s - *start);
	p->s++;
	return 0;
}

static int jdigits(jp *p)
{
	const char *b = p->s;
	while (p->s < p->end && *p->s >= '0' && *p->s <= '9')
		p->s++;
	return p->s > b ? 0 : -1;
}

static int jvalue(jp *p, int collect_keys);

static int jobject(jp *p, int collect_keys)
{
	p->s++; /* { */
	jws(p);
	if (p->s < p->end && *p->s == '}') {
		p->s++;
		return 0;
	}
	for (int k = 0; k < 1000000; k++) {
		const char *key;
		size_t kn;
		jws(p);
		if (jstring(p, &key, &kn))
			return -1;
		if (collect_keys && p->nkeys < p->maxkeys && kn < 128) {
			memcpy(p->keys[p->nkeys], key, kn);
			p->keys[p->nkeys][kn] = '\0';
			p->nkeys++;
		}
		jws(p);
		if (p->s >= p->end || *p->s != ':')
			return -1;
		p->s++;
		int paths = p->depth == 1 && kn == 5 && memcmp(key, "paths", 5) == 0;
		if (jvalue(p, paths))
			return -1;
		jws(p);
		if (p->s < p->end && *p->s == ',') {
			p->s++;
			continue;
		}
		if (p->s < p->end && *p->s == '}') {
			p->s++;
			return 0;
		}
		return -1;
	}
	return -1;
}

static int jvalue(jp *p, int collect_keys)
{
	jws(p);
	if (p->s >= p->end || ++p->depth > 200)
		return -1;
	int rc = 0;
	const char *str;
	size_t n;
	switch (*p->s) {
	case '{':
		rc = jobject(p, collect_keys);
		break;
	case '[':
		p->s++;
		jws(p);
		if (p->s < p->end && *p->s == ']') {
			p->s++;
			break;
		}
		for (int k = 0;; k++) {
			if (k > 10000000 || jvalue(p, 0)) {
				rc = -1;
				break;
			}
			jws(p);
			if (p->s < p->end && *p->s == ',') {
				p->s++;
				continue;
			}
			if (p->s < p->end && *p->s == ']')
				p->s++;
			else
				rc = -1;
			break;
		}
		break;
	case '"':
		rc = jstring(p, &str, &n);
		break;
	case 't':
		rc = (p->end - p->s >= 4 && memcmp(p->s, "true", 4) == 0) ? (p->s += 4, 0) : -1;
		break;
	case 'f':
		rc = (p->end - p->s >= 5 && memcmp(p->s, "false", 5) == 0) ? (p->s += 5, 0) : -1;
		break;
	case 'n':
		rc = (p->end - p->s >= 4 && memcmp(p->s, "null", 4) == 0) ? (p->s += 4, 0) : -1;
		break;
	default:
		if (*p->s == '-')
			p->s++;
		if (p->s < p->end && *p->s == '0')
			p->s++;
		else if (p->s >= p->end || *p->s < '1' || *p->s > '9' || jdigits(p))
			rc = -1;
		if (!rc && p->s < p->end && *p->s == '.') {
			p->s++;
			rc = jdigits(p);
		}
		if (!rc && p->s < p->end && (*p->s == 'e' || *p->s == 'E')) {
			p->s++;
			if (p->s < p->end && (*p->s == '+' || *p->s == '-'))
				p->s++;
			rc = jdigits(p);
		}
	}
	p->depth--;
	return rc;
}

/* 1 if s[0..n) is exactly one JSON value (RFC 8259), optionally collecting
** the keys of the top-level "paths" object. */
static int json_valid(const char *s, size_t n, char (*keys)[128], int maxkeys, int *nkeys)
{
	jp p = {s, s + n, 0, keys, 0, maxkeys};
	if (!s || jvalue(&p, 0))
		return 0;
	jws(&p);
	if (nkeys)
		*nkeys = p.nkeys;
	return p.s == p.end;
}

static int body_is_json(const resp *r)
{
	return r->body && json_valid(r->body, r->len, NULL, 0, NULL);
}

/* Copy of s without the white space outside strings. */
static char *minify(const char *s)
{
	size_t n = strlen(s);
	char *o = malloc(n + 1), *w = o;
	if (!o)
		return NULL;
	int in_str = 0;
	for (const char *p = s; *p; p++) {
		if (in_str) {
			*w++ = *p;
			if (*p == '\\' && p[1])
				*w++ = *++p;
			else if (*p == '"')
				in_str = 0;
		} else if (*p == '"') {
			in_str = 1;
			*w++ = *p;
		} else if (!(*p == ' ' || *p == '\n' || *p == '\r' || *p == '\t')) {
			*w++ = *p;
		}
	}
	*w = '\0';
	return o;
}

/* The raw text of the first member "KEY" (a scalar) in a JSON text, or "(absent)". */
static void json_field(const char *json, const char *key, char *out, size_t outsz)
{
	char pat[64];
	snprintf(pat, sizeof pat, "\"%s\"", key);
	snprintf(out, outsz, "(absent)");
	const char *p = json ? strstr(json, pat) : NULL;
	for (; p; p = strstr(p + 1, pat)) {
		const char *v = p + strlen(pat);
		while (*v == ' ' || *v == '\n' || *v == '\t' || *v == '\r')
			v++;
		if (*v != ':')
			continue;
		v++;
		while (*v == ' ' || *v == '\n' || *v == '\t' || *v == '\r')
			v++;
		size_t n = *v == '"' ? strcspn(v + 1, "\"") + 2 : strcspn(v, ",}] \n\r\t");
		if (n >= outsz)
			n = outsz - 1;
		memcpy(out, v, n);
		out[n] = '\0';
		return;
	}
}

/* ---- the CLI, for comparison ---- */

/* Runs BIN ARGS with `input` on stdin; returns its stdout (malloc'd) or NULL. */
static char *run_cli(const char *const args[], const char *input, int *exit_status)
{
	int in_p[2], out_p[2];
	if (pipe(in_p))
		return NULL;
	if (pipe(out_p)) {
		close(in_p[0]);
		close(in_p[1]);
		return NULL;
	}
	const char *argv[8];
	int ac = 0;
	argv[ac++] = bin;
	for (int k = 0; args[k] && ac < 7; k++)
		argv[ac++] = args[k];
	argv[ac] = NULL;
	fflush(stdout);
	pid_t pid = fork();
	if (pid < 0)
		return NULL;
	if (pid == 0) {
		dup2(in_p[0], 0);
		dup2(out_p[1], 1);
		close(in_p[0]);
		close(in_p[1]);
		close(out_p[0]);
		close(out_p[1]);
		execv(bin, (char *const *)argv);
		_exit(127);
	}
	close(in_p[0]);
	close(out_p[1]);
	/* inputs are small (well under a pipe buffer) */
	ssize_t w = write(in_p[1], input, strlen(input));
	(void)w;
	close(in_p[1]);
	size_t cap = 1 << 16, n = 0;
	char *out = malloc(cap);
	double deadline = now_ms() + 15000;
	while (out) {
		if (n + 4096 > cap) {
			char *nb = cap < MAX_RESPONSE ? realloc(out, cap *= 2) : NULL;
			if (!nb) {
				free(out);
				out = NULL;
				break;
			}
			out = nb;
		}
		int left = (int)(deadline - now_ms());
		struct pollfd pf = {out_p[0], POLLIN, 0};
		if (left <= 0 || poll(&pf, 1, left) <= 0) {
			free(out);
			out = NULL;
			break;
		}
		ssize_t r = read(out_p[0], out + n, cap - n - 1);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		n += (size_t)r;
	}
	if (out)
		out[n] = '\0';
	close(out_p[0]);
	int st = 0;
	for (int k = 0; k < 1000; k++) { /* 10 s */
		if (waitpid(pid, &st, WNOHANG) == pid)
			break;
		if (k == 999) {
			kill(pid, SIGKILL);
			waitpid(pid, &st, 0);
		}
		sleep_ms(10);
	}
	if (exit_status)
		*exit_status = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
	return out;
}

/* ---- test data ---- */

typedef struct sample {
	const char *instrument, *body;
} sample;

static const sample samples[] = {
	{"sins", "{\"level\":\"L1\",\"pain\":\"mechanical\",\"bone_lesion\":\"lytic\",\"alignment\":\"deformity\","
	         "\"collapse\":\"under_50\",\"posterolateral\":\"unilateral\"}"},
	{"escc", "{\"grade\":\"1c\"}"},
	{"frankel", "{\"grade\":\"D\"}"},
	{"asia", "{\"sensory_s4_s5\":true,\"voluntary_anal_contraction\":true,\"motor_more_than_3_below\":true,"
	         "\"key_muscles_below_nli\":10,\"key_muscles_grade3_below_nli\":5,\"normal_exam\":false}"},
	{"tokuhashi_revised", "{\"kps\":60,\"extraspinal_bone_metastases\":2,\"vertebral_body_metastases\":2,"
	                      "\"major_organ_metastases\":\"none\",\"primary\":\"kidney\",\"frankel\":\"D\"}"},
	{"tomita", "{\"primary\":\"kidney\",\"visceral_metastases\":\"treatable\",\"bone_metastases\":\"multiple\"}"},
	{"bauer", "{\"primary\":\"prostate\",\"visceral_metastases\":false,\"pathological_fracture\":true,"
	          "\"skeletal_metastases\":\"multiple\"}"},
	{"bauer_modified", "{\"primary\":\"kidney\",\"visceral_metastases\":false,\"skeletal_metastases\":\"multiple\"}"},
	{"nesms", "{\"primary\":\"breast\",\"visceral_metastases\":false,\"skeletal_metastases\":\"multiple\","
	          "\"ambulatory\":\"independent\",\"albumin_g_dl\":3.0}"},
	{"katagiri", "{\"primary\":\"lung_nsclc\",\"targeted_therapy\":false,\"visceral_metastases\":\"nodular\","
	             "\"crp_mg_dl\":0.2,\"ldh_iu_l\":200,\"albumin_g_dl\":3.4,\"platelets_per_ul\":250000,"
	             "\"calcium_mg_dl\":9.5,\"bilirubin_mg_dl\":0.6,\"ecog\":3,\"previous_chemotherapy\":true,"
	             "\"skeletal_metastases\":\"multiple\"}"},
};
#define NSAMPLES (sizeof samples / sizeof samples[0])

static const char *const SINS_BODY = "{\"level\":\"L1\",\"pain\":\"mechanical\",\"bone_lesion\":\"lytic\","
                                     "\"alignment\":\"deformity\",\"collapse\":\"under_50\",\"posterolateral\":\"unilateral\"}";

static const char *const CASE_BODY =
	"{\"schema\":\"spinemets/case/1\",\"patient\":{\"age_years\":71,\"sex\":\"male\"},"
	"\"cancer\":{\"history\":\"known\",\"primary\":\"prostate\",\"tissue_confirmed\":true,\"hormone_dependent\":true,"
	"\"months_since_diagnosis\":26},"
	"\"symptoms\":{\"pain_thoracic_or_cervical\":true,\"pain_nocturnal\":true,\"pain_on_straining\":true,"
	"\"limb_weakness\":true,\"difficulty_walking\":true,\"sensory_loss\":false,\"bladder_bowel_dysfunction\":false,"
	"\"deficit_days\":2,\"fever\":false},"
	"\"neurology\":{\"frankel\":\"D\",\"ambulatory\":\"assisted\",\"deteriorating\":false},"
	"\"performance\":{\"ecog\":2},\"imaging\":{\"mri_done\":false,\"mri_contraindicated\":false},"
	"\"lesions\":[{\"level\":\"T12\",\"pain\":\"mechanical\",\"bone_lesion\":\"lytic\",\"alignment\":\"normal\","
	"\"collapse\":\"none\",\"posterolateral\":\"none\",\"escc\":\"2\"}],"
	"\"events\":[{\"type\":\"symptom_onset\",\"at\":\"2026-03-01\"},"
	"{\"type\":\"presentation\",\"at\":\"2026-03-03T09:40:00+00:00\"}]}";

/* ---- the checks ---- */

static void test_get_endpoints(int port)
{
	resp r = {0};
	/* health */
	st_ = request(port, "GET", "/api/v1/health", NULL, NULL, &r);
	check(st_ == 200, "GET /api/v1/health: status %d", st_);
	check(body_is_json(&r) && has(&r, "\"status\":\"ok\""), "health body: %.200s", r.body ? r.body : "");
	char v[256];
	check(header(&r, "Content-Type", v, sizeof v) && prefix_nocase(v, "application/json"),
	      "health Content-Type application/json");
	check(header(&r, "X-Content-Type-Options", v, sizeof v) && strcmp(v, "nosniff") == 0,
	      "health X-Content-Type-Options: nosniff");
	resp_free(&r);

	/* the web page */
	st_ = request(port, "GET", "/", NULL, NULL, &r);
	check(st_ == 200, "GET /: status %d", st_);
	check(header(&r, "Content-Type", v, sizeof v) && prefix_nocase(v, "text/html"), "GET / Content-Type text/html");
	check(has(&r, "<html") || has(&r, "<!doctype html"), "GET / body is HTML");
	resp_free(&r);

	/* instruments: every sample's instrument is listed */
	st_ = request(port, "GET", "/api/v1/instruments", NULL, NULL, &r);
	check(st_ == 200, "GET /api/v1/instruments: status %d",
	      st_);
	check(body_is_json(&r), "instruments body is valid JSON");
	for (size_t k = 0; k < NSAMPLES; k++) {
		char pat[96];
		snprintf(pat, sizeof pat, "\"name\":\"%s\"", samples[k].instrument);
		check(has(&r, pat), "instruments lists %s", samples[k].instrument);
	}
	resp_free(&r);

	st_ = request(port, "GET", "/api/v1/rules", NULL, NULL, &r);
	check(st_ == 200, "GET /api/v1/rules: status %d", st_);
	check(body_is_json(&r) && has(&r, "\"rules\"") && has(&r, "\"id\""), "rules body is JSON with rules");
	resp_free(&r);
}

/* Every instrument the server lists (names of objects that also have a
** "title"), so a new instrument is covered even without a sample. */
static int listed_instruments(int port, char names[][64], int max)
{
	resp r = {0};
	int n = 0;
	if (request(port, "GET", "/api/v1/instruments", NULL, NULL, &r) == 200) {
		const char *p = r.body;
		for (int guard = 0; p && n < max && guard < 1000; guard++) {
			p = strstr(p, "{\"name\":\"");
			if (!p)
				break;
			p += strlen("{\"name\":\"");
			size_t len = strcspn(p, "\"");
			if (len < 64 && strncmp(p + len, "\",\"title\":", 10) == 0) {
				memcpy(names[n], p, len);
				names[n][len] = '\0';
				n++;
			}
		}
	}
	resp_free(&r);
	return n;
}

static void compare_with_cli(int port, const char *instrument, const char *body)
{
	char path[128];
	snprintf(path, sizeof path, "/api/v1/score/%s", instrument);
	resp r = {0};
	int st = post_json(port, path, body, &r);
	check(st == 200, "POST %s (valid body): status %d: %.200s", path, st, r.body ? r.body : "");
	check(body_is_json(&r), "POST %s: body is valid JSON", path);
	const char *args[] = {"score", instrument, NULL};
	int rc = -1;
	char *cli = run_cli(args, body, &rc);
	check(cli != NULL && rc == 0, "CLI score %s: exit %d", instrument, rc);
	static const char *const fields[] = {"status", "total", "band", "definition", "engine_version"};
	for (size_t f = 0; f < sizeof fields / sizeof fields[0]; f++) {
		char a[256], b[256];
		json_field(r.body, fields[f], a, sizeof a);
		json_field(cli, fields[f], b, sizeof b);
		check(strcmp(a, b) == 0, "%s: HTTP %s=%s, CLI %s=%s", instrument, fields[f], a, fields[f], b);
	}
	/* stronger: the same document, white space aside */
	char *m = cli ? minify(cli) : NULL;
	check(m && r.body && strcmp(m, r.body) == 0, "%s: HTTP body differs from the CLI output (white space aside)",
	      instrument);
	free(m);
	free(cli);
	resp_free(&r);
}

static void test_score_all(int port)
{
	for (size_t k = 0; k < NSAMPLES; k++)
		compare_with_cli(port, samples[k].instrument, samples[k].body);
	/* instruments listed by the server without a sample here: an empty body (incomplete) */
	char names[64][64];
	int n = listed_instruments(port, names, 64);
	check(n >= (int)NSAMPLES, "the server lists %d instruments, want at least %zu", n, NSAMPLES);
	for (int i = 0; i < n; i++) {
		int known = 0;
		for (size_t k = 0; k < NSAMPLES; k++)
			known |= strcmp(names[i], samples[k].instrument) == 0;
		if (!known) {
			info("no sample for instrument %s: comparing {} with the CLI", names[i]);
			compare_with_cli(port, names[i], "{}");
		}
	}
	/* an incomplete body is 200 too */
	resp r = {0};
	st_ = post_json(port, "/api/v1/score/sins", "{\"level\":\"L1\"}", &r);
	check(st_ == 200 && has(&r, "\"status\":\"incomplete\""),
	      "incomplete SINS: 200 with status incomplete (got %d)", st_);
	resp_free(&r);
	/* content type with parameters is accepted */
	st_ = request(port, "POST", "/api/v1/score/sins", "application/json; charset=utf-8", SINS_BODY, &r);
	check(st_ == 200,
	      "Content-Type with charset: status %d", st_);
	resp_free(&r);
}

static void test_assess(int port)
{
	resp r = {0};
	int st = post_json(port, "/api/v1/assess", CASE_BODY, &r);
	check(st == 200, "POST /api/v1/assess: status %d: %.300s", st, r.body ? r.body : "");
	check(body_is_json(&r), "assess body is valid JSON");
	check(has(&r, "\"urgency\":"), "assess body has urgency");
	const char *args[] = {"assess", "--json", "-", NULL};
	int rc = -1;
	char *cli = run_cli(args, CASE_BODY, &rc);
	char *m = cli ? minify(cli) : NULL;
	check(rc == 0 && m && r.body && strcmp(m, r.body) == 0, "assess: HTTP body differs from `assess --json -` (exit %d)",
	      rc);
	free(m);
	free(cli);
	resp_free(&r);
}

static void test_errors(int port)
{
	resp r = {0};
	char v[256];
	/* 400: malformed JSON, with line and column */
	int st = post_json(port, "/api/v1/score/sins", "{\n  \"level\": \"T7\",\n  \"pain\": \n}", &r);
	check(st == 400, "malformed JSON (score): status %d, want 400", st);
	check(body_is_json(&r) && has(&r, "\"line\":4") && has(&r, "\"column\":1"),
	      "malformed JSON: body has line 4 and column 1: %.300s", r.body ? r.body : "");
	resp_free(&r);
	st = post_json(port, "/api/v1/assess", "{\"schema\": \"spinemets/case/1\",,}", &r);
	check(st == 400, "malformed JSON (assess): status %d, want 400", st);
	check(has(&r, "\"line\"") && has(&r, "\"column\""), "malformed JSON (assess): line and column: %.300s",
	      r.body ? r.body : "");
	resp_free(&r);
	st = post_json(port, "/api/v1/score/sins", "", &r);
	check(st == 400 || st == 422, "empty body: status %d, want 400 or 422", st);
	resp_free(&r);

	/* 404 */
	st_ = request(port, "GET", "/api/v1/nope", NULL, NULL, &r);
	check(st_ == 404 && body_is_json(&r),
	      "unknown API path: status %d, want 404", st_);
	resp_free(&r);
	st_ = request(port, "GET", "/no/such/page.html", NULL, NULL, &r);
	check(st_ == 404, "unknown page: status %d, want 404",
	      st_);
	resp_free(&r);
	st_ = post_json(port, "/api/v1/score/nope", "{}", &r);
	check(st_ == 404 && body_is_json(&r),
	      "unknown instrument: status %d, want 404", st_);
	resp_free(&r);
	st_ = post_json(port, "/api/v1/score/", "{}", &r);
	check(st_ == 404, "empty instrument: status %d, want 404", st_);
	resp_free(&r);

	/* 405 with Allow */
	static const struct {
		const char *method, *path, *allow;
	} m405[] = {
		{"DELETE", "/api/v1/score/sins", "POST"},   {"GET", "/api/v1/score/sins", "POST"},
		{"GET", "/api/v1/assess", "POST"},          {"PUT", "/api/v1/assess", "POST"},
		{"POST", "/api/v1/health", "GET"},          {"DELETE", "/api/v1/instruments", "GET"},
		{"POST", "/api/v1/rules", "GET"},           {"POST", "/api/v1/openapi.json", "GET"},
		{"POST", "/", "GET"},
	};
	for (size_t k = 0; k < sizeof m405 / sizeof m405[0]; k++) {
		int is_post = strcmp(m405[k].method, "POST") == 0 || strcmp(m405[k].method, "PUT") == 0;
		st = request(port, m405[k].method, m405[k].path, is_post ? "application/json" : NULL, is_post ? "{}" : NULL, &r);
		check(st == 405, "%s %s: status %d, want 405", m405[k].method, m405[k].path, st);
		check(header(&r, "Allow", v, sizeof v) && strstr(v, m405[k].allow), "%s %s: Allow header has %s (got '%s')",
		      m405[k].method, m405[k].path, m405[k].allow, header(&r, "Allow", v, sizeof v) ? v : "(none)");
		resp_free(&r);
	}

	/* 415 */
	st_ = request(port, "POST", "/api/v1/score/sins", "text/plain", SINS_BODY, &r);
	check(st_ == 415 && body_is_json(&r),
	      "text/plain body: status %d, want 415", st_);
	resp_free(&r);
	st_ = request(port, "POST", "/api/v1/score/sins", NULL, SINS_BODY, &r);
	check(st_ == 415, "no Content-Type: status %d, want 415",
	      st_);
	resp_free(&r);
	st_ = request(port, "POST", "/api/v1/assess", "application/x-www-form-urlencoded", "a=b", &r);
	check(st_ == 415,
	      "form body to assess: status %d, want 415", st_);
	resp_free(&r);
	st_ = request(port, "POST", "/api/v1/assess", NULL, CASE_BODY, &r);
	check(st_ == 415,
	      "assess without Content-Type: status %d, want 415", st_);
	resp_free(&r);
	st_ = request(port, "POST", "/api/v1/score/sins", "application/jsonx", SINS_BODY, &r);
	check(st_ == 415,
	      "application/jsonx: status %d, want 415", st_);
	resp_free(&r);

	/* 422 with a path */
	st = post_json(port, "/api/v1/score/sins", "{\"level\":\"T7\",\"collapse\":\"half\"}", &r);
	check(st == 422, "invalid value: status %d, want 422", st);
	check(body_is_json(&r) && has(&r, "\"path\":\"/collapse\""), "invalid value: error path /collapse: %.300s",
	      r.body ? r.body : "");
	resp_free(&r);
	st = post_json(port, "/api/v1/score/sins", "{\"level\":\"T7\",\"pian\":\"none\"}", &r);
	check(st == 422 && has(&r, "\"path\":\"/pian\""), "unknown key: 422 with path /pian (got %d)", st);
	resp_free(&r);
	st = post_json(port, "/api/v1/score/tokuhashi_revised", "{\"kps\":\"90\"}", &r);
	check(st == 422 && has(&r, "\"path\":\"/kps\""), "wrong type: 422 with path /kps (got %d)", st);
	resp_free(&r);
	st = post_json(port, "/api/v1/assess",
	               "{\"schema\":\"spinemets/case/1\",\"neurology\":{\"frankel\":\"Z\"},\"bogus\":1}", &r);
	check(st == 422, "invalid case: status %d, want 422", st);
	check(body_is_json(&r) && has(&r, "\"path\":\"/neurology/frankel\"") && has(&r, "\"path\":\"/bogus\""),
	      "invalid case: errors with paths /neurology/frankel and /bogus: %.400s", r.body ? r.body : "");
	resp_free(&r);
}

/* 413 with Content-Length over the limit: the body is sent, the server must
** answer 413 (and stay up). */
static void test_too_large(int port)
{
	resp r = {0};
	conn c;
	size_t n = MAX_BODY + 1;
	char *big = malloc(n);
	if (!big) {
		check(0, "413: out of memory");
		return;
	}
	memset(big, ' ', n);
	big[0] = '{';
	big[n - 1] = '}';
	/* exactly at the limit is accepted (white space inside an object) */
	big[MAX_BODY - 1] = '}';
	int st = 0;
	if (conn_open(&c, port) == 0) {
		/* a failed send (the server answered early and closed) still has an answer to read */
		int sent = send_request(&c, "POST", "/api/v1/score/sins", "application/json", big, MAX_BODY, NULL);
		if (read_response(&c, &r, 0, IO_TIMEOUT_MS) == 0)
			st = r.status;
		check(sent == 0 || st != 0, "body of exactly max-body bytes: the send failed and no answer came");
		resp_free(&r);
		conn_close(&c);
	}
	check(st == 200, "body of exactly max-body bytes: status %d, want 200", st);
	big[MAX_BODY - 1] = ' ';

	st = 0;
	if (conn_open(&c, port) == 0) {
		/* the server may answer before it has read everything: a failed send is fine */
		send_request(&c, "POST", "/api/v1/score/sins", "application/json", big, n, NULL);
		if (read_response(&c, &r, 0, IO_TIMEOUT_MS) == 0)
			st = r.status;
		check(st == 413, "Content-Length max-body+1: status %d, want 413", st);
		check(st != 413 || body_is_json(&r), "413 body is JSON");
		resp_free(&r);
		conn_close(&c);
	}
	/* chunked, exceeding the limit in total: 17 chunks of 64 KiB */
	st = 0;
	if (conn_open(&c, port) == 0) {
		const char *h = "POST /api/v1/score/sins HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
		                "Transfer-Encoding: chunked\r\n\r\n";
		int ok = send_all(c.fd, h, strlen(h)) == 0;
		for (int k = 0; ok && k < 17; k++) {
			ok = send_all(c.fd, "10000\r\n", 7) == 0 && send_all(c.fd, big, 65536) == 0 && send_all(c.fd, "\r\n", 2) == 0;
		}
		if (ok)
			send_all(c.fd, "0\r\n\r\n", 5);
		if (read_response(&c, &r, 0, IO_TIMEOUT_MS) == 0)
			st = r.status;
		check(st == 413, "chunked body over max-body: status %d, want 413", st);
		resp_free(&r);
		conn_close(&c);
	}
	/* chunked under the limit works */
	st = 0;
	if (conn_open(&c, port) == 0) {
		char h[1024];
		size_t half = strlen(SINS_BODY) / 2;
		int hn = snprintf(h, sizeof h,
		                  "POST /api/v1/score/sins HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
		                  "Transfer-Encoding: chunked\r\n\r\n%zx\r\n%.*s\r\n%zx\r\n%s\r\n0\r\n\r\n",
		                  half, (int)half, SINS_BODY, strlen(SINS_BODY) - half, SINS_BODY + half);
		if (send_all(c.fd, h, (size_t)hn) == 0 && read_response(&c, &r, 0, IO_TIMEOUT_MS) == 0)
			st = r.status;
		check(st == 200 && has(&r, "\"total\":13"), "chunked body under the limit: status %d, want 200", st);
		resp_free(&r);
		conn_close(&c);
	}
	free(big);
	check(request(port, "GET", "/api/v1/health", NULL, NULL, &r) == 200, "server up after 413s");
	resp_free(&r);

	/* An announced oversized body is refused before it is read: with
	** Expect: 100-continue the first answer is the 413 itself, never
	** "100 Continue" (the server must not ask for a body it will refuse). */
	if (conn_open(&c, port) == 0) {
		const char *h = "POST /api/v1/score/sins HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
		                "Expect: 100-continue\r\nContent-Length: 1000000000\r\n\r\n";
		int first = 0;
		memset(&r, 0, sizeof r);
		if (send_all(c.fd, h, strlen(h)) == 0 && read_response(&c, &r, 0, IO_TIMEOUT_MS) == 0)
			first = r.status;
		check(first == 413 && body_is_json(&r),
		      "Expect: 100-continue, Content-Length 1e9 (limit %d): first answer %d, want 413 (no 100 Continue)",
		      MAX_BODY, first);
		resp_free(&r);
		conn_close(&c);
	}
	/* and without Expect, the 413 comes before the body is sent */
	if (conn_open(&c, port) == 0) {
		const char *h = "POST /api/v1/score/sins HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
		                "Content-Length: 5000000\r\n\r\n";
		int first = 0;
		memset(&r, 0, sizeof r);
		if (send_all(c.fd, h, strlen(h)) == 0 && read_response(&c, &r, 0, IO_TIMEOUT_MS) == 0)
			first = r.status;
		check(first == 413, "Content-Length 5e6, no body sent: answered %d, want 413 without waiting for the body",
		      first);
		resp_free(&r);
		conn_close(&c);
	}
	check(request(port, "GET", "/api/v1/health", NULL, NULL, &r) == 200, "server up after early 413s");
	resp_free(&r);
}

static void test_head(int port)
{
	static const char *const paths[] = {"/api/v1/health", "/", "/api/v1/instruments", "/api/v1/rules",
	                                    "/api/v1/openapi.json"};
	for (size_t k = 0; k < sizeof paths / sizeof paths[0]; k++) {
		resp g, h, after;
		request(port, "GET", paths[k], NULL, NULL, &g);
		/* HEAD then GET pipelined on one connection: if HEAD sent a body, the GET
		** response would not start where expected */
		conn c;
		int st_h = 0, st_after = 0;
		char v[64] = "";
		memset(&h, 0, sizeof h);
		memset(&after, 0, sizeof after);
		if (conn_open(&c, port) == 0) {
			char req[512];
			int n = snprintf(req, sizeof req,
			                 "HEAD %s HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\nGET /api/v1/health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n",
			                 paths[k]);
			if (send_all(c.fd, req, (size_t)n) == 0 && read_response(&c, &h, 1, IO_TIMEOUT_MS) == 0) {
				st_h = h.status;
				header(&h, "Content-Length", v, sizeof v);
				if (read_response(&c, &after, 0, IO_TIMEOUT_MS) == 0)
					st_after = after.status;
			}
			conn_close(&c);
		}
		check(st_h == 200, "HEAD %s: status %d, want 200", paths[k], st_h);
		check(g.status == 200 && atoll(v) == (long long)g.len, "HEAD %s: Content-Length %s, GET body %zu bytes",
		      paths[k], v, g.len);
		check(st_after == 200 && has(&after, "\"status\":\"ok\""),
		      "HEAD %s sent no body (the next response on the connection parsed: %d)", paths[k], st_after);
		resp_free(&g);
		resp_free(&h);
		resp_free(&after);
	}
}

static void test_openapi(int port)
{
	resp r = {0};
	st_ = request(port, "GET", "/api/v1/openapi.json", NULL, NULL, &r);
	check(st_ == 200, "GET /api/v1/openapi.json: status %d",
	      st_);
	static char keys[256][128];
	int nkeys = 0;
	int valid = r.body && json_valid(r.body, r.len, keys, 256, &nkeys);
	check(valid, "the OpenAPI document is valid JSON");
	check(has(&r, "\"openapi\""), "the OpenAPI document has an openapi version");
	static const char *const routes[] = {"/api/v1/health", "/api/v1/instruments", "/api/v1/rules",
	                                     "/api/v1/score/{instrument}", "/api/v1/assess", "/api/v1/openapi.json", "/"};
	for (size_t k = 0; k < sizeof routes / sizeof routes[0]; k++) {
		int found = 0;
		for (int i = 0; i < nkeys; i++)
			found |= strcmp(keys[i], routes[k]) == 0;
		check(found, "the OpenAPI paths name %s", routes[k]);
	}
	/* and every documented path is answered (not 404) */
	for (int i = 0; i < nkeys; i++) {
		/* path parameters: {instrument} -> sins, any other -> 1 */
		char path[256];
		size_t n = 0;
		for (const char *k = keys[i]; *k && n < sizeof path - 16; k++) {
			const char *close = *k == '{' ? strchr(k, '}') : NULL;
			if (close) {
				const char *v = strncmp(k, "{instrument}", 12) == 0 ? "sins" : "1";
				n += (size_t)snprintf(path + n, sizeof path - n, "%s", v);
				k = close;
			} else {
				path[n++] = *k;
			}
		}
		path[n] = '\0';
		resp g;
		int st = request(port, "GET", path, NULL, NULL, &g);
		/* the registry routes need credentials: 401 without them */
		check(st == 200 || st == 405 || st == 401, "documented path %s answers GET with %d (want 200, 405 or 401)",
		      path, st);
		resp_free(&g);
	}
	resp_free(&r);
}

static void test_keepalive(int port)
{
	conn c;
	resp a, b;
	memset(&a, 0, sizeof a);
	memset(&b, 0, sizeof b);
	int ok = conn_open(&c, port) == 0;
	ok = ok && send_request(&c, "POST", "/api/v1/score/sins", "application/json", SINS_BODY, strlen(SINS_BODY), NULL) == 0;
	ok = ok && read_response(&c, &a, 0, IO_TIMEOUT_MS) == 0;
	check(ok && a.status == 200 && !a.closed, "keep-alive: first request 200 and connection kept (status %d)", a.status);
	ok = ok && send_request(&c, "GET", "/api/v1/health", NULL, NULL, 0, NULL) == 0;
	ok = ok && read_response(&c, &b, 0, IO_TIMEOUT_MS) == 0;
	check(ok && b.status == 200, "keep-alive: second request on the same connection: status %d", b.status);
	resp_free(&a);
	resp_free(&b);
	/* ten more, pipelined */
	int good = 0;
	if (ok) {
		for (int k = 0; k < 10; k++)
			send_request(&c, "GET", "/api/v1/health", NULL, NULL, 0, NULL);
		for (int k = 0; k < 10; k++) {
			if (read_response(&c, &a, 0, IO_TIMEOUT_MS) == 0 && a.status == 200)
				good++;
			resp_free(&a);
		}
	}
	check(good == 10, "10 pipelined requests on one connection: %d answered 200", good);
	conn_close(&c);
	/* Connection: close is honoured */
	if (conn_open(&c, port) == 0) {
		send_request(&c, "GET", "/api/v1/health", NULL, NULL, 0, "Connection: close\r\n");
		int st = read_response(&c, &a, 0, IO_TIMEOUT_MS) == 0 ? a.status : 0;
		resp_free(&a);
		ssize_t more = conn_fill(&c, now_ms() + 2000);
		check(st == 200 && more == 0, "Connection: close: 200, then the server closes (read %zd)", more);
		conn_close(&c);
	}
}

static void test_slow_and_truncated(int port)
{
	/* slow: the headers byte by byte, 3 ms apart, then the body */
	conn c;
	resp r = {0};
	memset(&r, 0, sizeof r);
	int st = 0;
	double t0 = now_ms();
	if (conn_open(&c, port) == 0) {
		char head[512];
		int n = snprintf(head, sizeof head,
		                 "POST /api/v1/score/sins HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
		                 "Content-Length: %zu\r\n\r\n",
		                 strlen(SINS_BODY));
		int ok = 1;
		for (int k = 0; ok && k < n; k++) {
			ok = send_all(c.fd, head + k, 1) == 0;
			sleep_ms(3);
		}
		ok = ok && send_all(c.fd, SINS_BODY, strlen(SINS_BODY)) == 0;
		if (ok && read_response(&c, &r, 0, IO_TIMEOUT_MS) == 0)
			st = r.status;
		conn_close(&c);
	}
	check(st == 200 && has(&r, "\"total\":13"), "slow request (headers byte by byte, %.0f ms): status %d",
	      now_ms() - t0, st);
	resp_free(&r);

	/* slow body too, in small pieces */
	st = 0;
	if (conn_open(&c, port) == 0) {
		size_t blen = strlen(SINS_BODY);
		char cl[64];
		snprintf(cl, sizeof cl, "Content-Length: %zu\r\n", blen);
		int ok = send_request(&c, "POST", "/api/v1/score/sins", "application/json", NULL, 0, cl) == 0;
		for (size_t k = 0; ok && k < blen; k += 16) {
			ok = send_all(c.fd, SINS_BODY + k, blen - k < 16 ? blen - k : 16) == 0;
			sleep_ms(5);
		}
		if (ok && read_response(&c, &r, 0, IO_TIMEOUT_MS) == 0)
			st = r.status;
		conn_close(&c);
	}
	check(st == 200 && has(&r, "\"total\":13"), "slow body (16 bytes every 5 ms): status %d", st);
	resp_free(&r);

	/* truncated: close in the middle of the body */
	for (int k = 0; k < 3; k++) {
		if (conn_open(&c, port) == 0) {
			send_request(&c, "POST", "/api/v1/assess", "application/json", NULL, 0, "Content-Length: 5000\r\n");
			send_all(c.fd, CASE_BODY, 200);
			if (k == 2) { /* abortive close: RST */
				struct linger lg = {1, 0};
				setsockopt(c.fd, SOL_SOCKET, SO_LINGER, &lg, sizeof lg);
			}
			conn_close(&c);
		}
	}
	/* truncated in the middle of the headers */
	if (conn_open(&c, port) == 0) {
		send_all(c.fd, "POST /api/v1/score/sins HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Ty", 60);
		conn_close(&c);
	}
	sleep_ms(50);
	st_ = post_json(port, "/api/v1/score/sins", SINS_BODY, &r);
	check(st_ == 200, "after truncated requests the next one works: %d",
	      st_);
	resp_free(&r);
}

static void test_bad_requests(const server *s)
{
	int port = s->port;
	/* a header block over 64 KiB: one long header, then many short ones */
	for (int variant = 0; variant < 2; variant++) {
		conn c;
		resp r = {0};
		memset(&r, 0, sizeof r);
		int refused = 0, st = 0;
		size_t n = 70 * 1024;
		char *h = malloc(n + 256);
		if (!h)
			continue;
		size_t off = (size_t)sprintf(h, "GET /api/v1/health HTTP/1.1\r\nHost: 127.0.0.1\r\n");
		if (variant == 0) {
			off += (size_t)sprintf(h + off, "X-Filler: ");
			memset(h + off, 'a', n - off);
			off = n;
			off += (size_t)sprintf(h + off, "\r\n\r\n");
		} else {
			for (int k = 0; off + 64 < n; k++)
				off += (size_t)sprintf(h + off, "X-F%05d: %040d\r\n", k, k);
			off += (size_t)sprintf(h + off, "\r\n");
		}
		if (conn_open(&c, port) == 0) {
			send_all(c.fd, h, off); /* may fail once the server gives up: fine */
			if (read_response(&c, &r, 0, IO_TIMEOUT_MS) == 0)
				st = r.status;
			refused = st == 431 || st == 413 || (st == 0 && (c.eof || r.closed));
			conn_close(&c);
		}
		free(h);
		check(refused, "header block over 64 KiB (%s): refused with 431/413 or closed (status %d)",
		      variant ? "many headers" : "one long header", st);
		resp_free(&r);
	}
	/* garbage request line, and an HTTP/1.0 request */
	conn c;
	resp r = {0};
	memset(&r, 0, sizeof r);
	if (conn_open(&c, port) == 0) {
		send_all(c.fd, "GARBAGE\r\n\r\n", 11);
		int st = read_response(&c, &r, 0, IO_TIMEOUT_MS) == 0 ? r.status : 0;
		check(st == 400 || st == 0, "garbage request line: status %d, want 400 or a closed connection", st);
		resp_free(&r);
		conn_close(&c);
	}
	if (conn_open(&c, port) == 0) {
		send_all(c.fd, "GET /api/v1/health HTTP/1.0\r\n\r\n", 31);
		int st = read_response(&c, &r, 0, IO_TIMEOUT_MS) == 0 ? r.status : 0;
		check(st == 200, "HTTP/1.0 request: status %d", st);
		resp_free(&r);
		conn_close(&c);
	}
	check(server_alive(s), "server still running after bad requests");
	st_ = request(port, "GET", "/api/v1/health", NULL, NULL, &r);
	check(st_ == 200, "health after bad requests: %d", st_);
	resp_free(&r);
}

/* ---- concurrency ---- */

#define CONC_THREADS 8
#define CONC_REQUESTS 50

typedef struct worker {
	int port, keepalive;
	int ok, bad, reconnects;
	double max_ms;
} worker;

static void *worker_run(void *arg)
{
	worker *w = arg;
	double deadline = now_ms() + 30000;
	conn c;
	c.fd = -1;
	c.buf = NULL;
	for (int k = 0; k < CONC_REQUESTS && now_ms() < deadline; k++) {
		if (c.fd < 0 || !w->keepalive) {
			if (c.fd >= 0)
				conn_close(&c);
			if (conn_open(&c, w->port)) {
				w->bad++;
				c.fd = -1;
				continue;
			}
			if (k)
				w->reconnects++;
		}
		resp r = {0};
		memset(&r, 0, sizeof r);
		double t0 = now_ms();
		int is_assess = k % 5 == 4;
		const char *body = is_assess ? CASE_BODY : SINS_BODY;
		int ok = send_request(&c, "POST", is_assess ? "/api/v1/assess" : "/api/v1/score/sins", "application/json", body,
		                      strlen(body), NULL) == 0 &&
		         read_response(&c, &r, 0, IO_TIMEOUT_MS) == 0;
		double ms = now_ms() - t0;
		if (ms > w->max_ms)
			w->max_ms = ms;
		if (ok && r.status == 200 && (is_assess ? has(&r, "\"urgency\"") : has(&r, "\"total\":13")))
			w->ok++;
		else
			w->bad++;
		if (!ok || r.closed)
			conn_close(&c);
		resp_free(&r);
	}
	if (c.fd >= 0)
		conn_close(&c);
	return NULL;
}

static void test_concurrency(int port)
{
	pthread_t th[CONC_THREADS];
	worker w[CONC_THREADS];
	int started[CONC_THREADS];
	double t0 = now_ms();
	for (int k = 0; k < CONC_THREADS; k++) {
		memset(&w[k], 0, sizeof w[k]);
		w[k].port = port;
		w[k].keepalive = k % 2 == 0;
		started[k] = pthread_create(&th[k], NULL, worker_run, &w[k]) == 0;
	}
	int ok = 0, bad = 0;
	double max_ms = 0;
	for (int k = 0; k < CONC_THREADS; k++) {
		if (started[k])
			pthread_join(th[k], NULL);
		ok += w[k].ok;
		bad += w[k].bad;
		if (w[k].max_ms > max_ms)
			max_ms = w[k].max_ms;
	}
	double took = now_ms() - t0;
	check(ok == CONC_THREADS * CONC_REQUESTS && bad == 0, "concurrency: %d of %d requests answered 200 (%d bad)", ok,
	      CONC_THREADS * CONC_REQUESTS, bad);
	check(took < 30000, "concurrency: %d requests took %.0f ms (limit 30 s)", CONC_THREADS * CONC_REQUESTS, took);
	info("concurrency: %d threads x %d requests in %.0f ms, slowest %.1f ms", CONC_THREADS, CONC_REQUESTS, took, max_ms);
}

/* ---- the idle timeout (server started with --idle-timeout 2) ---- */

/* GET /api/v1/health with one header of `n` bytes: the status, 0 when the
** server closed the connection without an answer. */
static int get_with_header(int port, size_t n)
{
	conn c;
	resp r = {0};
	memset(&r, 0, sizeof r);
	int st = 0;
	char *h = malloc(n + 256);
	if (!h)
		return -1;
	size_t off = (size_t)sprintf(h, "GET /api/v1/health HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Filler: ");
	memset(h + off, 'a', n);
	off += n;
	off += (size_t)sprintf(h + off, "\r\n\r\n");
	if (conn_open(&c, port) == 0) {
		send_all(c.fd, h, off);
		if (read_response(&c, &r, 0, IO_TIMEOUT_MS) == 0)
			st = r.status;
		conn_close(&c);
	}
	resp_free(&r);
	free(h);
	return st;
}

/* --max-header: the default (16 KiB of connection memory) takes an 8 KB
** header and refuses a 24 KB one with 431; a server started with
** --max-header 65536 takes the 24 KB header. */
static void test_header_limits(int default_port, int big_port)
{
	int st = get_with_header(default_port, 8 * 1024);
	check(st == 200, "8 KB header, default --max-header: status %d, want 200", st);
	st = get_with_header(default_port, 24 * 1024);
	check(st == 431 || st == 0, "24 KB header, default --max-header: status %d, want 431 (or closed)", st);
	st = get_with_header(big_port, 24 * 1024);
	check(st == 200, "24 KB header, --max-header 65536: status %d, want 200", st);
}

static void test_idle(const server *s)
{
	/* a connection that never sends anything */
	conn c;
	double t0 = now_ms(), took = -1;
	if (conn_open(&c, s->port) == 0) {
		ssize_t n = conn_fill(&c, t0 + 8000);
		if (n == 0)
			took = now_ms() - t0;
		conn_close(&c);
	}
	check(took >= 1000 && took <= 6000, "idle connection (no request) closed after ~2 s: %.0f ms", took);
	/* a keep-alive connection after one request */
	resp r = {0};
	memset(&r, 0, sizeof r);
	took = -1;
	if (conn_open(&c, s->port) == 0) {
		if (send_request(&c, "GET", "/api/v1/health", NULL, NULL, 0, NULL) == 0 &&
		    read_response(&c, &r, 0, IO_TIMEOUT_MS) == 0 && r.status == 200) {
			t0 = now_ms();
			if (conn_fill(&c, t0 + 8000) == 0)
				took = now_ms() - t0;
		}
		conn_close(&c);
	}
	check(took >= 1000 && took <= 6000, "idle keep-alive connection closed after ~2 s: %.0f ms", took);
	resp_free(&r);
	st_ = request(s->port, "GET", "/api/v1/health", NULL, NULL, &r);
	check(st_ == 200, "server answers after idle closes: %d",
	      st_);
	resp_free(&r);
}

/* ---- the access log ---- */

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	size_t cap = 1 << 16, n = 0;
	char *b = malloc(cap);
	while (b) {
		if (n + 4096 > cap) {
			char *nb = cap < MAX_RESPONSE ? realloc(b, cap *= 2) : NULL;
			if (!nb) {
				free(b);
				b = NULL;
				break;
			}
			b = nb;
		}
		size_t r = fread(b + n, 1, cap - n - 1, f);
		if (r == 0)
			break;
		n += r;
	}
	if (b)
		b[n] = '\0';
	fclose(f);
	return b;
}

static void test_access_log(const char *tmpdir)
{
	char path[256], marker[64];
	snprintf(path, sizeof path, "%s/spinemets-http-test-%d.log", tmpdir, (int)getpid());
	snprintf(marker, sizeof marker, "ZqMARKER%dxY", (int)getpid());
	server s;
	if (server_start(&s, (const char *const[]){NULL}, path)) {
		check(0, "could not start the logging server");
		unlink(path);
		return;
	}
	resp r = {0};
	char body[512];
	request(s.port, "GET", "/api/v1/health", NULL, NULL, &r);
	resp_free(&r);
	/* the marker in a value (422), in a valid-looking body, in malformed JSON (400), in assess */
	snprintf(body, sizeof body, "{\"level\":\"T7\",\"pain\":\"%s\"}", marker);
	post_json(s.port, "/api/v1/score/sins", body, &r);
	check(r.status == 422, "log server: marker body answered 422 (%d)", r.status);
	resp_free(&r);
	snprintf(body, sizeof body, "{\"%s\": 1", marker);
	post_json(s.port, "/api/v1/score/sins", body, &r);
	resp_free(&r);
	snprintf(body, sizeof body, "{\"schema\":\"spinemets/case/1\",\"primary\":\"%s\"}", marker);
	post_json(s.port, "/api/v1/assess", body, &r);
	resp_free(&r);
	post_json(s.port, "/api/v1/score/sins", SINS_BODY, &r);
	resp_free(&r);
	/* the query string and headers are not logged either */
	char q[160];
	snprintf(q, sizeof q, "/api/v1/health?patient=%s", marker);
	request(s.port, "GET", q, NULL, NULL, &r);
	resp_free(&r);
	conn c;
	if (conn_open(&c, s.port) == 0) {
		char hx[256];
		snprintf(hx, sizeof hx, "X-Patient: %s\r\n", marker);
		send_request(&c, "GET", "/api/v1/health", NULL, NULL, 0, hx);
		read_response(&c, &r, 0, IO_TIMEOUT_MS);
		resp_free(&r);
		conn_close(&c);
	}
	/* a malformed header line and a truncated body holding the marker */
	if (conn_open(&c, s.port) == 0) {
		char hx[256];
		int n = snprintf(hx, sizeof hx, "GET /api/v1/health HTTP/1.1\r\nHost: x\r\nBad header %s\r\n\r\n", marker);
		send_all(c.fd, hx, (size_t)n);
		read_response(&c, &r, 0, 2000);
		resp_free(&r);
		conn_close(&c);
	}
	if (conn_open(&c, s.port) == 0) {
		send_request(&c, "POST", "/api/v1/score/sins", "application/json", NULL, 0, "Content-Length: 100\r\n");
		send_all(c.fd, body, 40);
		conn_close(&c);
	}
	sleep_ms(100);
	stop_and_check(&s, "logging server");
	char *log = slurp(path);
	unlink(path);
	check(log != NULL, "access log captured");
	if (!log)
		return;
	check(strstr(log, "GET /api/v1/health 200") != NULL, "log has 'GET /api/v1/health 200'");
	check(strstr(log, "POST /api/v1/score/sins 422") != NULL, "log has 'POST /api/v1/score/sins 422'");
	check(strstr(log, "POST /api/v1/score/sins 400") != NULL, "log has 'POST /api/v1/score/sins 400'");
	check(strstr(log, "POST /api/v1/score/sins 200") != NULL, "log has 'POST /api/v1/score/sins 200'");
	check(strstr(log, "POST /api/v1/assess 4") != NULL, "log has 'POST /api/v1/assess 4xx'");
	check(strstr(log, marker) == NULL, "the log holds no request content (marker %s found)", marker);
	check(strstr(log, "patient=") == NULL, "the log holds no query string");
	check(strstr(log, "AddressSanitizer") == NULL && strstr(log, "runtime error") == NULL,
	      "no sanitizer report from the logging server");
	if (strstr(log, marker) || nfail)
		printf("---- access log ----\n%s---- end ----\n", log);
	free(log);
}

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: %s SPINEMETS_BINARY\n", argv[0]);
		return 2;
	}
	bin = argv[1];
	crash_guard(); /* unbuffered output; a crash of the suite is a reported failure */
	signal(SIGPIPE, SIG_IGN);
	signal(SIGALRM, watchdog);
	watchdog_s = 60;
	alarm((unsigned)watchdog_s);
	const char *tmpdir = getenv("TMPDIR");
	if (!tmpdir || !*tmpdir)
		tmpdir = "/tmp";
	double t0 = now_ms();
	/* `serve` opens a registry (default ./spinemets.db): unless the caller chose
	** one (tests/run.sh does), use a throwaway SQLite file */
	char db_path[300] = "";
	const char *db_env = getenv("SPINEMETS_DB");
	if (!db_env || !*db_env) {
		char url[320];
		snprintf(db_path, sizeof db_path, "%s/spinemets-http-test-%d.db", tmpdir, (int)getpid());
		snprintf(url, sizeof url, "sqlite:%s", db_path);
		setenv("SPINEMETS_DB", url, 1);
	}

	server main_s, idle_s;
	if (server_start(&main_s, (const char *const[]){"--quiet", NULL}, NULL)) {
		check(0, "could not start %s serve", bin);
		printf("%d passed, %d failed\n", npass, nfail);
		return 1;
	}
	/* the idle-timeout check waits: run it alongside on its own server */
	int have_idle = server_start(&idle_s, (const char *const[]){"--quiet", "--idle-timeout", "2", "--max-header", "65536", NULL},
	                             NULL) == 0;
	check(have_idle, "could not start the --idle-timeout 2 server");
	info("servers on 127.0.0.1:%d and 127.0.0.1:%d", main_s.port, have_idle ? idle_s.port : 0);

	test_get_endpoints(main_s.port);
	test_score_all(main_s.port);
	test_assess(main_s.port);
	test_errors(main_s.port);
	test_head(main_s.port);
	test_openapi(main_s.port);
	test_keepalive(main_s.port);
	test_slow_and_truncated(main_s.port);
	test_too_large(main_s.port);
	test_bad_requests(&main_s);
	if (have_idle)
		test_header_limits(main_s.port, idle_s.port);
	test_concurrency(main_s.port);
	check(server_alive(&main_s), "main server still running at the end");
	stop_and_check(&main_s, "main server");

	if (have_idle) {
		test_idle(&idle_s);
		stop_and_check(&idle_s, "idle-timeout server");
	}
	test_access_log(tmpdir);

	if (db_path[0]) {
		static const char *const suffix[] = {"", "-wal", "-shm", "-journal"};
		for (size_t k = 0; k < sizeof suffix / sizeof suffix[0]; k++) {
			char f[320];
			snprintf(f, sizeof f, "%s%s", db_path, suffix[k]);
			unlink(f);
		}
	}
	info("suite took %.1f s", (now_ms() - t0) / 1e3);
	printf("%d passed, %d failed\n", npass, nfail);
	return nfail ? 1 : 0;
}
