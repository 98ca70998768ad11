/*
** csv.c: libFuzzer target for the streaming CSV reader and writer.
**
** The first byte is a configuration (delimiter, blank lines, CRLF output, a
** tiny buffer size); the rest is the CSV text. For each input:
**   1. the reader, in its most permissive mode (no header, ragged rows and
**      any bytes allowed), must agree record by record, byte by byte, and on
**      the first error's code, row, line and column, with a slow reference
**      parser written here one byte at a time;
**   2. the same must hold whatever the buffer size (tiny, large) and the
**      source (memory, FILE* through fmemopen, a pipe), in the default mode
**      (header, UTF-8 check, field count check) and with a small record cap;
**   3. every record read goes through the writer and back through the
**      reader unchanged.
** A disagreement aborts.
*/
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "io/csv.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

typedef struct buf {
	char *s;
	size_t len, cap;
} buf;

static void add(buf *b, const void *p, size_t n)
{
	if (b->cap - b->len < n + 1) {
		size_t ncap = b->cap ? b->cap : 256;
		while (ncap - b->len < n + 1)
			ncap *= 2;
		char *ns = realloc(b->s, ncap);
		if (!ns)
			abort();
		b->s = ns;
		b->cap = ncap;
	}
	if (n)
		memcpy(b->s + b->len, p, n);
	b->len += n;
	b->s[b->len] = '\0';
}

static void addf_u(buf *b, const char *tag, unsigned long long v)
{
	char t[24];
	size_t i = sizeof t;
	do {
		t[--i] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	add(b, tag, strlen(tag));
	add(b, t + i, sizeof t - i);
}

static void add_field(buf *b, const void *p, size_t n)
{
	addf_u(b, " ", n);
	add(b, ":", 1);
	add(b, p, n);
}

static void check(int ok)
{
	if (!ok)
		abort();
}

/* ---- reference parser: one byte at a time, the contract of csv.h ---- */

static void ref_error(buf *out, int code, unsigned long long row, unsigned long long line, size_t col)
{
	addf_u(out, "E", (unsigned long long)code);
	addf_u(out, " row ", row);
	addf_u(out, " line ", line);
	addf_u(out, " col ", col);
	add(out, "\n", 1);
}

static void ref_parse(const uint8_t *d, size_t n, char delim, bool keep_blank, buf *out)
{
	size_t pos = 0;
	unsigned long long row = 0, line = 1;
	buf field = {0}, rec = {0};
	if (n >= 3 && d[0] == 0xEF && d[1] == 0xBB && d[2] == 0xBF)
		pos = 3;
	while (pos < n) {
		size_t start = pos, content_end = pos, nfields = 0;
		unsigned long long rec_line = line;
		bool done = false;
		rec.len = 0;
		while (!done) {
			field.len = 0;
			if (pos < n && d[pos] == '"') {
				unsigned long long open_line = line;
				pos++;
				for (;;) {
					if (pos >= n) {
						ref_error(out, SM_CSV_E_UNTERMINATED, row + 1, open_line, nfields + 1);
						goto end;
					}
					if (d[pos] == '"') {
						if (pos + 1 < n && d[pos + 1] == '"') {
							add(&field, "\"", 1);
							pos += 2;
							continue;
						}
						pos++;
						break;
					}
					if (d[pos] == '\n')
						line++;
					add(&field, &d[pos], 1);
					pos++;
				}
				/* after the closing quote */
				if (pos < n && d[pos] != (uint8_t)delim && d[pos] != '\n' && d[pos] != '\r') {
					ref_error(out, SM_CSV_E_AFTER_QUOTE, row + 1, line, nfields + 1);
					goto end;
				}
			} else {
				while (pos < n && d[pos] != (uint8_t)delim && d[pos] != '\n' && d[pos] != '\r') {
					if (d[pos] == '"') {
						ref_error(out, SM_CSV_E_STRAY_QUOTE, row + 1, line, nfields + 1);
						goto end;
					}
					add(&field, &d[pos], 1);
					pos++;
				}
			}
			/* pos is at a delimiter, a line end, or the end */
			if (pos < n && d[pos] == '\r' && pos + 1 < n && d[pos + 1] != '\n') {
				ref_error(out, SM_CSV_E_BARE_CR, row + 1, line, nfields + 1);
				goto end;
			}
			add_field(&rec, field.s ? field.s : "", field.len);
			nfields++;
			content_end = pos;
			if (pos >= n) {
				done = true;
			} else if (d[pos] == (uint8_t)delim) {
				pos++;
				if (pos >= n) { /* a last, empty, field */
					add_field(&rec, "", 0);
					nfields++;
					content_end = pos;
					done = true;
				}
			} else if (d[pos] == '\n') {
				pos++;
				line++;
				done = true;
			} else { /* CR: CRLF, or a CR at the very end */
				pos += (pos + 1 < n) ? 2 : 1;
				if (pos <= n && d[pos - 1] == '\n')
					line++;
				done = true;
			}
		}
		if (content_end == start && !keep_blank)
			continue; /* blank line */
		row++;
		addf_u(out, "R", row);
		addf_u(out, " L", rec_line);
		addf_u(out, " F", (unsigned long long)nfields);
		add(out, rec.s, rec.len);
		add_field(out, d + start, content_end - start); /* raw bytes */
		add(out, "\n", 1);
	}
end:
	free(field.s);
	free(rec.s);
}

/* ---- the reader under test ---- */

typedef struct run {
	buf dump;       /* like ref_parse's, plus messages when `messages` */
	buf records;    /* records only, for the round trip */
	size_t nrecords;
} run;

static void lib_dump(sm_csv_reader *r, run *out, bool messages, bool raw)
{
	const sm_csv_field *f;
	size_t n, i;
	int rc;
	if (!r)
		abort();
	rc = sm_csv_header(r, &f, &n);
	if (rc == SM_CSV_RECORD) {
		const char *hraw;
		size_t hlen;
		add(&out->dump, "H", 1);
		for (i = 0; i < n; i++)
			add_field(&out->dump, f[i].ptr, f[i].len);
		sm_csv_header_raw(r, &hraw, &hlen);
		add_field(&out->dump, hraw, hlen);
		add(&out->dump, "\n", 1);
		/* find() agrees with the names */
		for (i = 0; i < n && i < 4; i++) {
			long k = sm_csv_find_n(r, f[i].ptr, f[i].len);
			check(k >= 0 && (size_t)k <= i && f[k].len == f[i].len &&
			      (f[i].len == 0 || memcmp(f[k].ptr, f[i].ptr, f[i].len) == 0));
		}
	}
	while (rc != SM_CSV_ERROR && (rc = sm_csv_read(r, &f, &n)) != SM_CSV_EOF) {
		const sm_csv_error *e = sm_csv_reader_error(r);
		if (rc == SM_CSV_ERROR) {
			ref_error(&out->dump, (int)e->code, e->row, e->line, e->column);
			if (messages) {
				check(strncmp(e->message, "row ", 4) == 0);
				add(&out->dump, e->message, strlen(e->message));
				add(&out->dump, "\n", 1);
			}
			if (!e->recoverable)
				break;
			check(f != NULL && n > 0);
		}
		addf_u(&out->dump, "R", sm_csv_row(r));
		addf_u(&out->dump, " L", sm_csv_line(r));
		addf_u(&out->dump, " F", (unsigned long long)n);
		addf_u(&out->records, "", (unsigned long long)n);
		for (i = 0; i < n; i++) {
			check(f[i].ptr != NULL);
			add_field(&out->dump, f[i].ptr, f[i].len);
			add_field(&out->records, f[i].ptr, f[i].len);
		}
		add(&out->records, "\n", 1);
		out->nrecords++;
		if (raw) {
			const char *p;
			size_t len;
			sm_csv_raw(r, &p, &len);
			add_field(&out->dump, p, len);
		}
		add(&out->dump, "\n", 1);
		rc = SM_CSV_RECORD;
	}
}

static void run_free(run *r)
{
	free(r->dump.s);
	free(r->records.s);
}

static void same(const run *a, const run *b)
{
	check(a->dump.len == b->dump.len);
	check(a->dump.len == 0 || memcmp(a->dump.s, b->dump.s, a->dump.len) == 0);
}

static void run_mem(const uint8_t *d, size_t n, const sm_csv_options *o, run *out, bool messages, bool raw)
{
	sm_csv_reader *r = sm_csv_reader_open_mem(d, n, o);
	lib_dump(r, out, messages, raw);
	sm_csv_reader_free(r);
}

static void run_file(const uint8_t *d, size_t n, const sm_csv_options *o, run *out)
{
	FILE *fp;
	sm_csv_reader *r;
	if (n == 0)
		return;
	fp = fmemopen((void *)(uintptr_t)d, n, "r");
	if (!fp)
		return;
	r = sm_csv_reader_open_file(fp, o);
	lib_dump(r, out, true, true);
	sm_csv_reader_free(r);
	fclose(fp);
}

static void run_pipe(const uint8_t *d, size_t n, const sm_csv_options *o, run *out)
{
	int fds[2];
	sm_csv_reader *r;
	if (n > 4096 || pipe(fds) != 0)
		return;
	if (n && write(fds[1], d, n) != (ssize_t)n)
		abort();
	close(fds[1]);
	r = sm_csv_reader_open_fd(fds[0], o);
	lib_dump(r, out, true, true);
	sm_csv_reader_free(r);
	close(fds[0]);
}

/* ---- writer round trip (sm_csv_field_encode, the one CSV field writer) ---- */

static void round_trip(const uint8_t *d, size_t n, const sm_csv_options *ro, bool crlf)
{
	sm_csv_reader *r = sm_csv_reader_open_mem(d, n, ro);
	buf out = {0};
	run first = {{0}, {0}, 0}, second = {{0}, {0}, 0};
	const sm_csv_field *f;
	size_t nf;
	int rc;
	char delim = ro->delimiter ? ro->delimiter : ',';
	if (!r)
		abort();
	add(&out, "", 0);
	while ((rc = sm_csv_read(r, &f, &nf)) == SM_CSV_RECORD) {
		size_t i;
		addf_u(&first.records, "", (unsigned long long)nf);
		for (i = 0; i < nf; i++)
			add_field(&first.records, f[i].ptr, f[i].len);
		add(&first.records, "\n", 1);
		if (nf == 1 && f[0].len == 0)
			add(&out, "\"\"", 2); /* a lone empty field is not a blank line */
		for (i = 0; i < nf && !(nf == 1 && f[0].len == 0); i++) {
			char *enc = malloc(SM_CSV_FIELD_MAX(f[i].len));
			size_t el;
			if (!enc)
				abort();
			el = sm_csv_field_encode(enc, f[i].ptr, f[i].len, delim);
			check(el <= SM_CSV_FIELD_MAX(f[i].len));
			if (i)
				add(&out, &delim, 1);
			add(&out, enc, el);
			free(enc);
		}
		if (crlf)
			add(&out, "\r\n", 2);
		else
			add(&out, "\n", 1);
	}
	sm_csv_reader_free(r);
	/* what was written reads back as the same records, without error (quoting
	** makes records longer: lift the cap) */
	{
		sm_csv_options ro2 = *ro;
		ro2.max_record = out.len + 16;
		r = sm_csv_reader_open_mem(out.s, out.len, &ro2);
	}
	lib_dump(r, &second, false, false);
	check(sm_csv_reader_error(r)->code == SM_CSV_E_NONE);
	sm_csv_reader_free(r);
	check(first.records.len == second.records.len);
	check(first.records.len == 0 || memcmp(first.records.s, second.records.s, first.records.len) == 0);
	free(out.s);
	run_free(&first);
	run_free(&second);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char delims[4] = {',', ';', '\t', '|'};
	sm_csv_options o;
	buf ref = {0};
	run a = {{0}, {0}, 0}, b = {{0}, {0}, 0}, c = {{0}, {0}, 0};
	uint8_t cfg;
	size_t tiny;
	if (size < 1)
		return 0;
	cfg = data[0];
	data++;
	size--;
	tiny = 1 + (size_t)(cfg >> 4);

	/* 1. permissive mode against the reference parser */
	sm_csv_options_init(&o);
	o.delimiter = delims[cfg & 3];
	o.keep_blank_lines = (cfg >> 2) & 1;
	o.header = false;
	o.check_utf8 = false;
	o.allow_ragged = true;
	o.max_record = size + 16;
	o.buffer_size = 8192;
	ref_parse(data, size, o.delimiter, o.keep_blank_lines, &ref);
	run_mem(data, size, &o, &a, false, true);
	check(ref.len == a.dump.len);
	check(ref.len == 0 || memcmp(ref.s, a.dump.s, ref.len) == 0);
	o.buffer_size = tiny;
	run_mem(data, size, &o, &b, false, true);
	same(&a, &b);
	run_free(&b);
	memset(&b, 0, sizeof b);

	/* 3. the writer and back */
	round_trip(data, size, &o, (cfg >> 3) & 1);

	/* 2. default mode (header, UTF-8, field count) over every source */
	run_free(&a);
	memset(&a, 0, sizeof a);
	sm_csv_options_init(&o);
	o.delimiter = delims[cfg & 3];
	o.keep_blank_lines = (cfg >> 2) & 1;
	o.buffer_size = 8192; /* "large" for fuzz-sized inputs, cheaper than the default */
	run_mem(data, size, &o, &a, true, true);
	o.buffer_size = tiny;
	run_mem(data, size, &o, &b, true, true);
	same(&a, &b);
	o.buffer_size = tiny + 61;
	run_file(data, size, &o, &c);
	if (c.dump.len)
		same(&a, &c);
	run_free(&c);
	memset(&c, 0, sizeof c);
	o.buffer_size = tiny + 3;
	run_pipe(data, size, &o, &c);
	if (size <= 4096)
		same(&a, &c);

	/* and a small record cap: the buffer size must not matter */
	run_free(&a);
	run_free(&b);
	memset(&a, 0, sizeof a);
	memset(&b, 0, sizeof b);
	o.max_record = 8 + (size_t)(cfg & 0x1F);
	o.buffer_size = 4096;
	run_mem(data, size, &o, &a, true, true);
	o.buffer_size = tiny;
	run_mem(data, size, &o, &b, true, true);
	same(&a, &b);

	free(ref.s);
	run_free(&a);
	run_free(&b);
	run_free(&c);
	return 0;
}
