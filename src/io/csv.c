/*
** csv.c: streaming CSV reader and field writer (see csv.h for the contract).
**
** Reader design. One buffer holds the input; a record is always parsed in
** place and kept contiguous in it (so its raw bytes can be handed out). When
** the data runs out in the middle of a record, the unconsumed tail is moved to
** the front of the buffer (or the buffer doubles, up to max_record) and more
** is read; the parser resumes where it stopped (field boundaries, positions in
** the record and the state are saved as offsets, so moving the data is free).
** Unquoted fields are found with a word-at-a-time scan for the four special
** bytes (delimiter, quote, CR, LF), quoted ones with memchr for the quote.
** Fields point into the buffer; only a field with doubled quotes is copied
** (collapsed) into a side arena. UTF-8 is checked once per record over its raw
** bytes (ASCII eight bytes at a time).
*/
#include "io/csv.h"
#include "io/utf8.h"

#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#if defined(__GNUC__)
#define SM_CSV_PRINTF(f, a) __attribute__((format(printf, f, a)))
#else
#define SM_CSV_PRINTF(f, a)
#endif

#if defined(__GNUC__) && defined(__BYTE_ORDER__) && defined(__ORDER_LITTLE_ENDIAN__) && \
	__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#define SM_CSV_SWAR 1
#else
#define SM_CSV_SWAR 0
#endif

#define ONES UINT64_C(0x0101010101010101)
#define HIGHS UINT64_C(0x8080808080808080)
#define MIN_BUFFER ((size_t)8)

/* High bit set in each byte of x that is zero; the lowest flagged byte is
** exact (only bytes above a true zero byte can be flagged falsely). */
static inline uint64_t zero_bytes(uint64_t x)
{
	return (x - ONES) & ~x & HIGHS;
}

/* First position in [p, end) holding the delimiter, '"', CR or LF; end if none. */
static inline size_t scan_special(const unsigned char *b, size_t p, size_t end, unsigned char d)
{
#if SM_CSV_SWAR
	const uint64_t pd = ONES * d, pq = ONES * (uint64_t)'"';
	const uint64_t pr = ONES * (uint64_t)'\r', pn = ONES * (uint64_t)'\n';
	while (end - p >= 8) {
		uint64_t w, m;
		memcpy(&w, b + p, 8);
		m = zero_bytes(w ^ pd) | zero_bytes(w ^ pq) | zero_bytes(w ^ pr) | zero_bytes(w ^ pn);
		if (m)
			return p + ((size_t)__builtin_ctzll(m) >> 3);
		p += 8;
	}
#endif
	for (; p < end; p++) {
		unsigned char c = b[p];
		if (c == d || c == '"' || c == '\r' || c == '\n')
			return p;
	}
	return end;
}

#define BLOCK 64

/* Bit i of `any` set when s[i] (0 <= i < 64) is the delimiter, '"', CR or
** LF; `delim` and `lf` single out the delimiters and the LFs (so the common
** cases need no load of the byte). */
typedef struct masks {
	uint64_t any, delim, lf;
} masks;

static inline masks block_masks(const unsigned char *s, unsigned char d)
{
	masks m = {0, 0, 0};
#if defined(__SSE2__)
	const __m128i vd = _mm_set1_epi8((char)d), vq = _mm_set1_epi8('"');
	const __m128i vr = _mm_set1_epi8('\r'), vn = _mm_set1_epi8('\n');
	int i;
	for (i = 0; i < 4; i++) {
		__m128i v = _mm_loadu_si128((const __m128i *)(const void *)(s + 16 * i));
		__m128i ed = _mm_cmpeq_epi8(v, vd), en = _mm_cmpeq_epi8(v, vn);
		__m128i e = _mm_or_si128(_mm_or_si128(ed, _mm_cmpeq_epi8(v, vq)),
		                         _mm_or_si128(_mm_cmpeq_epi8(v, vr), en));
		m.any |= (uint64_t)(unsigned)_mm_movemask_epi8(e) << (16 * i);
		m.delim |= (uint64_t)(unsigned)_mm_movemask_epi8(ed) << (16 * i);
		m.lf |= (uint64_t)(unsigned)_mm_movemask_epi8(en) << (16 * i);
	}
#else
	unsigned i;
	for (i = 0; i < BLOCK; i++) {
		unsigned char c = s[i];
		uint64_t bit = (uint64_t)1 << i;
		if (c == d)
			m.delim |= bit;
		else if (c == '\n')
			m.lf |= bit;
		if (c == d || c == '"' || c == '\r' || c == '\n')
			m.any |= bit;
	}
#endif
	return m;
}

static inline unsigned ctz64(uint64_t m)
{
#if defined(__GNUC__)
	return (unsigned)__builtin_ctzll(m);
#else
	unsigned n = 0;
	while (!(m & 1)) {
		m >>= 1;
		n++;
	}
	return n;
#endif
}

/* Whether s[0..n) is all ASCII (a word at a time, no early exit). */
static inline bool all_ascii(const unsigned char *s, size_t n)
{
	uint64_t acc = 0, w;
	size_t i;
	if (n >= 8) {
		for (i = 0; n - i >= 8; i += 8) {
			memcpy(&w, s + i, 8);
			acc |= w;
		}
		memcpy(&w, s + n - 8, 8);
		acc |= w;
	} else {
		for (i = 0; i < n; i++)
			acc |= s[i];
	}
	return !(acc & HIGHS);
}

/* ------------------------------------------------------------------------ */
/* Reader                                                                    */
/* ------------------------------------------------------------------------ */

enum { SRC_FILE, SRC_FD, SRC_MEM };
enum { ST_FIELD, ST_UNQUOTED, ST_QUOTED };
enum { P_DONE, P_MORE, P_ERROR };
enum { HDR_UNREAD, HDR_READ, HDR_NONE };

struct sm_csv_reader {
	/* source */
	int kind;
	FILE *fp;
	int fd;
	const unsigned char *mem;
	size_t mem_size, mem_pos;
	/* options */
	size_t max_record;
	unsigned char delim;
	bool header, utf8, ragged, keep_blank;
	/* buffer: [rec, end) is unconsumed input, rec is the current record */
	unsigned char *buf;
	size_t cap, max_cap, rec, end;
	bool eof, started;
	/* parse state (absolute offsets into buf) */
	int st;
	size_t scan, fstart;
	bool dq, rec_nl; /* rec_nl: the record may hold a quoted line break */
	size_t term, next; /* end of the record's content; start of the next record */
	/* the record: fields point into buf, except collapsed ones (ptr NULL
	** while parsing) whose (index, arena offset) pairs are in aref */
	sm_csv_field *fields;
	size_t nfields, fields_cap;
	size_t *aref;
	size_t naref, aref_cap;
	size_t *tmp; /* field offsets while the buffer is reallocated */
	size_t tmp_cap;
	char *arena;
	size_t arena_len, arena_cap;
	bool raw_valid;
	/* counters */
	unsigned long long rows;      /* records read, header included */
	unsigned long long next_line; /* physical line where the next record starts */
	unsigned long long cur_row, cur_line;
	size_t expected;
	bool have_expected;
	/* header */
	int hdr_state;
	char *hdr_block;
	sm_csv_field *hdr;
	size_t nhdr;
	const char *hdr_raw;
	size_t hdr_raw_len;
	/* error */
	sm_csv_error err;
	bool failed;
};

void sm_csv_options_init(sm_csv_options *o)
{
	if (!o)
		return;
	memset(o, 0, sizeof *o);
	o->buffer_size = SM_CSV_DEFAULT_BUFFER;
	o->max_record = SM_CSV_DEFAULT_MAX_RECORD;
	o->delimiter = ',';
	o->header = true;
	o->check_utf8 = true;
}

const char *sm_csv_strerror(sm_csv_errcode code)
{
	switch (code) {
	case SM_CSV_E_NONE: return "no error";
	case SM_CSV_E_UNTERMINATED: return "unterminated quoted field";
	case SM_CSV_E_STRAY_QUOTE: return "quote inside an unquoted field";
	case SM_CSV_E_AFTER_QUOTE: return "unexpected character after a closing quote";
	case SM_CSV_E_BARE_CR: return "carriage return without line feed";
	case SM_CSV_E_RAGGED: return "wrong number of fields";
	case SM_CSV_E_UTF8: return "invalid UTF-8";
	case SM_CSV_E_UTF16: return "UTF-16 input";
	case SM_CSV_E_TOO_LONG: return "record too long";
	case SM_CSV_E_IO: return "read error";
	case SM_CSV_E_NOMEM: return "out of memory";
	}
	return "unknown error";
}

/* The delimiter is one ASCII byte other than the quote, CR and LF. */
static bool delimiter_ok(char c)
{
	return (unsigned char)c < 0x80 && c != '"' && c != '\r' && c != '\n';
}

static sm_csv_reader *reader_new(const sm_csv_options *opt)
{
	sm_csv_options def;
	sm_csv_reader *r;
	size_t bufsize;
	if (!opt) {
		sm_csv_options_init(&def);
		opt = &def;
	}
	if (!delimiter_ok(opt->delimiter)) {
		errno = EINVAL;
		return NULL;
	}
	r = calloc(1, sizeof *r);
	if (!r) {
		errno = ENOMEM;
		return NULL;
	}
	r->max_record = opt->max_record ? opt->max_record : SM_CSV_DEFAULT_MAX_RECORD;
	r->delim = (unsigned char)(opt->delimiter ? opt->delimiter : ',');
	r->header = opt->header;
	r->utf8 = opt->check_utf8;
	r->ragged = opt->allow_ragged;
	r->keep_blank = opt->keep_blank_lines;
	bufsize = opt->buffer_size ? opt->buffer_size : SM_CSV_DEFAULT_BUFFER;
	if (bufsize < MIN_BUFFER)
		bufsize = MIN_BUFFER;
	r->max_cap = bufsize > r->max_record ? bufsize : r->max_record;
	if (r->max_cap < MIN_BUFFER)
		r->max_cap = MIN_BUFFER;
	r->cap = bufsize;
	r->buf = malloc(r->cap);
	if (!r->buf) {
		free(r);
		errno = ENOMEM;
		return NULL;
	}
	r->next_line = 1;
	r->hdr_state = r->header ? HDR_UNREAD : HDR_NONE;
	r->fd = -1;
	return r;
}

sm_csv_reader *sm_csv_reader_open_file(FILE *fp, const sm_csv_options *o)
{
	sm_csv_reader *r;
	if (!fp) {
		errno = EINVAL;
		return NULL;
	}
	r = reader_new(o);
	if (r) {
		r->kind = SRC_FILE;
		r->fp = fp;
	}
	return r;
}

sm_csv_reader *sm_csv_reader_open_fd(int fd, const sm_csv_options *o)
{
	sm_csv_reader *r;
	if (fd < 0) {
		errno = EINVAL;
		return NULL;
	}
	r = reader_new(o);
	if (r) {
		r->kind = SRC_FD;
		r->fd = fd;
	}
	return r;
}

sm_csv_reader *sm_csv_reader_open_mem(const void *data, size_t size, const sm_csv_options *o)
{
	sm_csv_reader *r;
	if (!data && size) {
		errno = EINVAL;
		return NULL;
	}
	r = reader_new(o);
	if (r) {
		r->kind = SRC_MEM;
		r->mem = data;
		r->mem_size = size;
	}
	return r;
}

void sm_csv_reader_free(sm_csv_reader *r)
{
	if (!r)
		return;
	free(r->buf);
	free(r->aref);
	free(r->tmp);
	free(r->fields);
	free(r->arena);
	free(r->hdr_block);
	free(r->hdr);
	free(r);
}

/* Number of LF bytes in buf[from, to). */
static unsigned long long count_lines(const unsigned char *b, size_t from, size_t to)
{
	unsigned long long n = 0;
	while (from < to) {
		const unsigned char *hit = memchr(b + from, '\n', to - from);
		if (!hit)
			break;
		n++;
		from = (size_t)(hit - b) + 1;
	}
	return n;
}

/* " (\"name\")" for a header column, when it prints well; else "". */
static void column_label(const sm_csv_reader *r, size_t col, char *out, size_t outsz)
{
	const sm_csv_field *f;
	size_t i;
	out[0] = '\0';
	if (r->hdr_state != HDR_READ || col == 0 || col > r->nhdr)
		return;
	f = &r->hdr[col - 1];
	if (f->len == 0 || f->len > 40)
		return;
	for (i = 0; i < f->len; i++) {
		unsigned char c = (unsigned char)f->ptr[i];
		if (c < 0x20 || c == 0x7F || c == '"' || c == '\\')
			return;
	}
	snprintf(out, outsz, " (\"%.*s\")", (int)f->len, f->ptr);
}

/* Append to e->message at *used, never past its end. */
static void msg_add(sm_csv_error *e, size_t *used, const char *fmt, va_list ap)
{
	int n;
	if (*used >= sizeof e->message - 1)
		return;
	n = vsnprintf(e->message + *used, sizeof e->message - *used, fmt, ap);
	if (n > 0)
		*used += (size_t)n < sizeof e->message - *used ? (size_t)n : sizeof e->message - 1 - *used;
}

static SM_CSV_PRINTF(3, 4) void msg_addf(sm_csv_error *e, size_t *used, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	msg_add(e, used, fmt, ap);
	va_end(ap);
}

/* Record an error: "row R[ (line L)][, column C[ ("name")]]: text". */
static SM_CSV_PRINTF(7, 8) void set_error(sm_csv_reader *r, sm_csv_errcode code, bool recoverable,
                                          unsigned long long row, unsigned long long line,
                                          size_t col, const char *fmt, ...)
{
	sm_csv_error *e = &r->err;
	size_t used = 0;
	char label[64];
	va_list ap;
	e->code = code;
	e->status = code == SM_CSV_E_IO ? SM_E_IO : code == SM_CSV_E_NOMEM ? SM_E_NOMEM : SM_E_SYNTAX;
	e->recoverable = recoverable;
	e->row = row;
	e->line = line;
	e->column = col;
	e->message[0] = '\0';
	msg_addf(e, &used, "row %llu", row);
	if (line && line != row)
		msg_addf(e, &used, " (line %llu)", line);
	if (col) {
		column_label(r, col, label, sizeof label);
		msg_addf(e, &used, ", column %zu%s", col, label);
	}
	msg_addf(e, &used, ": ");
	va_start(ap, fmt);
	msg_add(e, &used, fmt, ap);
	va_end(ap);
	if (!recoverable)
		r->failed = true;
}

/* A syntax error at absolute offset pos of the current record. */
static int syntax_error(sm_csv_reader *r, sm_csv_errcode code, size_t pos)
{
	unsigned long long line = r->cur_line + count_lines(r->buf, r->rec, pos);
	size_t col = r->nfields + 1;
	unsigned char c;
	switch (code) {
	case SM_CSV_E_UNTERMINATED:
		set_error(r, code, false, r->cur_row, line, col,
		          "unterminated quoted field (the quote opened here is never closed)");
		break;
	case SM_CSV_E_STRAY_QUOTE:
		set_error(r, code, false, r->cur_row, line, col,
		          "a quote (\") inside an unquoted field; quote the whole field and double the inner quote");
		break;
	case SM_CSV_E_AFTER_QUOTE:
		c = r->buf[pos];
		if (c >= 0x21 && c < 0x7F)
			set_error(r, code, false, r->cur_row, line, col,
			          "unexpected '%c' after the closing quote; expected a delimiter or the end of the line", c);
		else
			set_error(r, code, false, r->cur_row, line, col,
			          "unexpected byte 0x%02X after the closing quote; expected a delimiter or the end of the line", c);
		break;
	case SM_CSV_E_BARE_CR:
		set_error(r, code, false, r->cur_row, line, col,
		          "carriage return (CR) without a line feed outside quotes; use LF or CRLF line ends");
		break;
	default:
		set_error(r, code, false, r->cur_row, line, col, "%s", sm_csv_strerror(code));
		break;
	}
	return P_ERROR;
}

static int nomem(sm_csv_reader *r)
{
	set_error(r, SM_CSV_E_NOMEM, false, r->cur_row, 0, 0, "out of memory");
	return P_ERROR;
}

static int too_long(sm_csv_reader *r, size_t col)
{
	set_error(r, SM_CSV_E_TOO_LONG, false, r->cur_row, r->cur_line, col,
	          "record longer than the limit of %zu bytes (unbalanced quotes, or raise the limit)",
	          r->max_record);
	return P_ERROR;
}

/* Read more input, first moving the current record to the front of the
** buffer or growing it. 1: got bytes; 0: end of input; -1: error (set). */
static int fill(sm_csv_reader *r)
{
	size_t room, got = 0, i;
	if (r->eof)
		return 0;
	if (r->rec > 0) {
		size_t keep = r->end - r->rec;
		if (keep)
			memmove(r->buf, r->buf + r->rec, keep);
		for (i = 0; i < r->nfields; i++)
			if (r->fields[i].ptr)
				r->fields[i].ptr -= r->rec;
		r->scan -= r->rec;
		r->fstart -= r->rec;
		r->next -= r->rec;
		r->term = 0;
		r->end = keep;
		r->rec = 0;
	}
	if (r->end == r->cap) {
		size_t ncap;
		unsigned char *nb;
		if (r->cap >= r->max_cap) {
			too_long(r, r->nfields + 1);
			return -1;
		}
		ncap = r->cap > r->max_cap / 2 ? r->max_cap : r->cap * 2;
		if (r->tmp_cap < r->nfields) {
			size_t *nt = realloc(r->tmp, r->fields_cap * sizeof *nt);
			if (!nt) {
				nomem(r);
				return -1;
			}
			r->tmp = nt;
			r->tmp_cap = r->fields_cap;
		}
		for (i = 0; i < r->nfields; i++)
			r->tmp[i] = r->fields[i].ptr ? (size_t)(r->fields[i].ptr - (const char *)r->buf) : SIZE_MAX;
		nb = realloc(r->buf, ncap);
		if (!nb) {
			nomem(r);
			return -1;
		}
		r->buf = nb;
		r->cap = ncap;
		for (i = 0; i < r->nfields; i++)
			r->fields[i].ptr = r->tmp[i] == SIZE_MAX ? NULL : (const char *)nb + r->tmp[i];
	}
	room = r->cap - r->end;
	switch (r->kind) {
	case SRC_MEM:
		got = r->mem_size - r->mem_pos;
		if (got > room)
			got = room;
		if (got)
			memcpy(r->buf + r->end, r->mem + r->mem_pos, got);
		r->mem_pos += got;
		break;
	case SRC_FD:
		for (;;) {
			ssize_t n = read(r->fd, r->buf + r->end, room);
			if (n >= 0) {
				got = (size_t)n;
				break;
			}
			if (errno != EINTR) {
				set_error(r, SM_CSV_E_IO, false, r->cur_row, 0, 0, "read error: %s", strerror(errno));
				return -1;
			}
		}
		break;
	default:
		got = fread(r->buf + r->end, 1, room, r->fp);
		if (got == 0 && ferror(r->fp)) {
			set_error(r, SM_CSV_E_IO, false, r->cur_row, 0, 0, "read error: %s",
			          errno ? strerror(errno) : "stream error");
			return -1;
		}
		break;
	}
	if (got == 0) {
		r->eof = true;
		return 0;
	}
	r->end += got;
	return 1;
}

static int grow_fields(sm_csv_reader *r)
{
	size_t ncap = r->fields_cap ? r->fields_cap * 2 : 64;
	sm_csv_field *nf = realloc(r->fields, ncap * sizeof *nf);
	if (!nf)
		return nomem(r);
	r->fields = nf;
	r->fields_cap = ncap;
	return P_DONE;
}

/* Append a field whose content is buf[c0, c0 + len). */
static inline int push(sm_csv_reader *r, size_t c0, size_t len)
{
	sm_csv_field *f;
	if (r->nfields == r->fields_cap && grow_fields(r) != P_DONE)
		return P_ERROR;
	f = &r->fields[r->nfields++];
	f->ptr = (const char *)r->buf + c0;
	f->len = len;
	return P_DONE;
}

/* Append a quoted field with doubled quotes, collapsed into the arena; its
** pointer is set when the record is complete (the arena may still move). */
static int push_collapsed(sm_csv_reader *r, size_t c0, size_t len)
{
	const unsigned char *src = r->buf + c0, *stop = src + len;
	char *dst, *start;
	if (r->nfields == r->fields_cap && grow_fields(r) != P_DONE)
		return P_ERROR;
	if (r->aref_cap - r->naref < 2) {
		size_t ncap = r->aref_cap ? r->aref_cap * 2 : 32;
		size_t *na = realloc(r->aref, ncap * sizeof *na);
		if (!na)
			return nomem(r);
		r->aref = na;
		r->aref_cap = ncap;
	}
	if (r->arena_cap - r->arena_len < len) {
		size_t ncap = r->arena_cap ? r->arena_cap : 256;
		char *na;
		while (ncap - r->arena_len < len)
			ncap *= 2;
		na = realloc(r->arena, ncap);
		if (!na)
			return nomem(r);
		r->arena = na;
		r->arena_cap = ncap;
	}
	dst = start = r->arena + r->arena_len;
	while (src < stop) {
		const unsigned char *q = memchr(src, '"', (size_t)(stop - src));
		size_t n = q ? (size_t)(q - src) + 1 : (size_t)(stop - src);
		memcpy(dst, src, n);
		dst += n;
		src += n;
		if (q)
			src++; /* the second quote of the pair */
	}
	r->aref[r->naref++] = r->nfields;
	r->aref[r->naref++] = r->arena_len;
	r->fields[r->nfields].ptr = NULL;
	r->fields[r->nfields].len = (size_t)(dst - start);
	r->nfields++;
	r->arena_len += (size_t)(dst - start);
	return P_DONE;
}

/* Parse (or resume parsing) the record at r->rec.
**
** The fast path looks at 64 bytes at a time through a bit mask of the special
** bytes and handles unquoted and quoted fields alike; near the end of the
** buffered data, and for anything unusual (CR, a stray quote, bytes after a
** closing quote), it hands over to the byte-exact path below it, which makes
** every decision about errors and about the end of the input. */
static int parse(sm_csv_reader *r)
{
	const unsigned char *b = r->buf;
	/* Never look past max_record bytes of a record, so that what is found
	** (a record, an error, or "too long") does not depend on buffering. */
	const size_t end = r->end - r->rec > r->max_record ? r->rec + r->max_record : r->end;
	const unsigned char d = r->delim;
	size_t p = r->scan, fs = r->fstart;
	int st = r->st;
	bool dq = r->dq;

	for (;;) {
		if (st == ST_FIELD) {
			if (p >= end)
				break;
			fs = p;
			if (b[p] == '"') {
				st = ST_QUOTED;
				dq = false;
				r->rec_nl = true; /* the exact path does not count lines */
				p++;
			} else {
				st = ST_UNQUOTED;
			}
		}
		if (end - p >= BLOCK) {
			bool inq = st == ST_QUOTED;
			size_t skip = p; /* bits below this position are already handled */
			do {
				const masks bm = block_masks(b + p, d);
				uint64_t m = bm.any;
				if (skip > p)
					m &= ~(uint64_t)0 << (skip - p);
				while (m) {
					const uint64_t bit = m & (~m + 1);
					size_t q = p + ctz64(m);
					unsigned char c2;
					m &= m - 1;
					if (!inq) {
						if (bm.delim & bit) {
							if (push(r, fs, q - fs) != P_DONE)
								return P_ERROR;
							fs = q + 1;
							continue;
						}
						if (bm.lf & bit) {
							if (push(r, fs, q - fs) != P_DONE)
								return P_ERROR;
							r->term = q;
							r->next = q + 1;
							return P_DONE;
						}
						if (b[q] == '"' && q == fs) {
							inq = true;
							dq = false;
							continue;
						}
						p = q; /* CR, or a stray quote */
						goto handoff;
					}
					if (bm.lf & bit) {
						r->rec_nl = true;
						continue;
					}
					if ((bm.delim & bit) || b[q] != '"')
						continue; /* delimiter or CR inside quotes */
					if (q + 1 >= end) {
						p = q;
						goto handoff;
					}
					c2 = b[q + 1];
					if (c2 == '"') {
						dq = true;
					} else if (c2 == d) {
						if ((dq ? push_collapsed(r, fs + 1, q - fs - 1)
						        : push(r, fs + 1, q - fs - 1)) != P_DONE)
							return P_ERROR;
						inq = false;
						fs = q + 2;
					} else if (c2 == '\n') {
						if ((dq ? push_collapsed(r, fs + 1, q - fs - 1)
						        : push(r, fs + 1, q - fs - 1)) != P_DONE)
							return P_ERROR;
						r->term = q + 1;
						r->next = q + 2;
						return P_DONE;
					} else {
						p = q; /* CR or garbage after the closing quote */
						goto handoff;
					}
					/* b[q + 1] is special too: its bit is the next one */
					skip = q + 2;
					if (q + 1 < p + BLOCK)
						m &= m - 1;
				}
				p += BLOCK;
			} while (end - p >= BLOCK);
			if (skip > p)
				p = skip;
			st = inq ? ST_QUOTED : ST_UNQUOTED;
			if (!inq && fs == p) { /* a field starts here: it may be quoted */
				st = ST_FIELD;
				continue;
			}
			goto exact;
handoff:
			st = inq ? ST_QUOTED : ST_UNQUOTED;
		}
exact:
		if (st == ST_UNQUOTED) {
			size_t q = scan_special(b, p, end, d);
			unsigned char c;
			if (q >= end) {
				p = end;
				break;
			}
			c = b[q];
			if (c == d) {
				if (push(r, fs, q - fs) != P_DONE)
					return P_ERROR;
				p = q + 1;
				st = ST_FIELD;
				continue;
			}
			if (c == '\n') {
				if (push(r, fs, q - fs) != P_DONE)
					return P_ERROR;
				r->term = q;
				r->next = q + 1;
				return P_DONE;
			}
			if (c == '\r') {
				if (q + 1 >= end) {
					p = q;
					break;
				}
				if (b[q + 1] != '\n')
					return syntax_error(r, SM_CSV_E_BARE_CR, q);
				if (push(r, fs, q - fs) != P_DONE)
					return P_ERROR;
				r->term = q;
				r->next = q + 2;
				return P_DONE;
			}
			return syntax_error(r, SM_CSV_E_STRAY_QUOTE, q);
		} else {
			const unsigned char *hit = memchr(b + p, '"', end - p);
			size_t q;
			unsigned char c;
			r->rec_nl = true;
			if (!hit) {
				p = end;
				break;
			}
			q = (size_t)(hit - b);
			if (q + 1 >= end) {
				p = q;
				break;
			}
			c = b[q + 1];
			if (c == '"') {
				dq = true;
				p = q + 2;
				continue;
			}
			if (c == '\r') {
				if (q + 2 >= end) {
					p = q;
					break;
				}
				if (b[q + 2] != '\n')
					return syntax_error(r, SM_CSV_E_BARE_CR, q + 1);
			} else if (c != d && c != '\n') {
				return syntax_error(r, SM_CSV_E_AFTER_QUOTE, q + 1);
			}
			if ((dq ? push_collapsed(r, fs + 1, q - fs - 1) : push(r, fs + 1, q - fs - 1)) != P_DONE)
				return P_ERROR;
			if (c == d) {
				p = q + 2;
				st = ST_FIELD;
				continue;
			}
			r->term = q + 1;
			r->next = q + (c == '\n' ? 2 : 3);
			return P_DONE;
		}
	}

	/* Out of data. */
	if (!r->eof || end < r->end) {
		r->scan = p;
		r->fstart = fs;
		r->st = st;
		r->dq = dq;
		return P_MORE;
	}
	/* End of input: the record ends here (a final CR is taken as a line end). */
	switch (st) {
	case ST_FIELD: /* just after a delimiter: one more, empty, field */
		if (push(r, end, 0) != P_DONE)
			return P_ERROR;
		r->term = end;
		break;
	case ST_UNQUOTED:
		if (push(r, fs, p - fs) != P_DONE)
			return P_ERROR;
		r->term = p;
		break;
	default:
		if (p >= end) /* no closing quote */
			return syntax_error(r, SM_CSV_E_UNTERMINATED, fs);
		/* p is the closing quote: the last byte, or followed by a final CR */
		if ((dq ? push_collapsed(r, fs + 1, p - fs - 1) : push(r, fs + 1, p - fs - 1)) != P_DONE)
			return P_ERROR;
		r->term = p + 1;
		break;
	}
	r->next = end;
	return P_DONE;
}

/* Skip a UTF-8 byte order mark; name a UTF-16 one. */
static int start(sm_csv_reader *r)
{
	const unsigned char *b;
	while (r->end - r->rec < 3 && !r->eof)
		if (fill(r) < 0)
			return -1;
	r->started = true;
	b = r->buf + r->rec;
	if (r->end - r->rec >= 3 && b[0] == 0xEF && b[1] == 0xBB && b[2] == 0xBF) {
		r->rec += 3;
		r->next = r->rec;
	} else if (r->utf8 && r->end - r->rec >= 2 &&
	           ((b[0] == 0xFF && b[1] == 0xFE) || (b[0] == 0xFE && b[1] == 0xFF))) {
		set_error(r, SM_CSV_E_UTF16, false, 1, 1, 0,
		          "the file is UTF-16 encoded; save it as CSV in UTF-8");
		return -1;
	}
	return 0;
}

/* Read the next record into r->fields. */
static int next_record(sm_csv_reader *r)
{
	size_t i, n, bad;
	r->raw_valid = false;
	if (!r->started && start(r) < 0)
		return SM_CSV_ERROR;
	for (;;) {
		r->rec = r->next;
		r->cur_line = r->next_line;
		r->cur_row = r->rows + 1;
		r->nfields = 0; /* the last record's fields go (fill() moves the live ones) */
		r->naref = 0;
		while (r->rec == r->end) {
			int f;
			if (r->eof)
				return SM_CSV_EOF;
			f = fill(r);
			if (f < 0)
				return SM_CSV_ERROR;
		}
		r->st = ST_FIELD;
		r->scan = r->fstart = r->term = r->rec;
		r->dq = r->rec_nl = false;
		r->arena_len = 0;
		for (;;) {
			int pr = parse(r);
			if (pr == P_DONE)
				break;
			if (pr == P_ERROR)
				return SM_CSV_ERROR;
			if (r->end - r->rec >= r->max_record) {
				too_long(r, r->nfields + 1);
				return SM_CSV_ERROR;
			}
			if (fill(r) < 0)
				return SM_CSV_ERROR;
		}
		if (r->term == r->rec && !r->keep_blank) { /* blank line */
			r->next_line++;
			continue;
		}
		break;
	}
	r->rows++;
	r->next_line = r->cur_line + 1 +
	               (r->rec_nl ? count_lines(r->buf, r->rec, r->term) : 0);
	n = r->nfields;
	for (i = 0; i < r->naref; i += 2)
		r->fields[r->aref[i]].ptr = r->arena + r->aref[i + 1];
	r->raw_valid = true;
	/* A record is valid UTF-8 exactly when each of its fields is (the bytes
	** in between are ASCII); look at fields only when the record is not ASCII. */
	/* A NUL byte would end the value early for every C string reader
	** downstream ("80<NUL>5" read as 80): the record is an error naming the field. */
	if (r->utf8 && memchr(r->buf + r->rec, 0, r->term - r->rec)) {
		unsigned long long line = r->cur_line;
		for (i = 0; i < n; i++) {
			const char *f = r->fields[i].ptr;
			size_t len = r->fields[i].len;
			const char *z = len ? memchr(f, 0, len) : NULL;
			if (z) {
				line += count_lines((const unsigned char *)f, 0, (size_t)(z - f));
				set_error(r, SM_CSV_E_UTF8, true, r->cur_row, line, i + 1,
				          "a NUL byte (0x00) inside the value; remove it (the file is not plain text)");
				return SM_CSV_ERROR;
			}
			line += count_lines((const unsigned char *)f, 0, len);
		}
	}
	if (r->utf8 && !all_ascii(r->buf + r->rec, r->term - r->rec)) {
		unsigned long long line = r->cur_line;
		for (i = 0; i < n; i++) {
			const unsigned char *f = (const unsigned char *)r->fields[i].ptr;
			size_t len = r->fields[i].len;
			bad = sm_utf8_invalid_at(f, len);
			if (bad < len) {
				line += count_lines(f, 0, bad);
				set_error(r, SM_CSV_E_UTF8, true, r->cur_row, line, i + 1,
				          "invalid UTF-8 (byte 0x%02X); save the file as CSV in UTF-8", f[bad]);
				return SM_CSV_ERROR;
			}
			line += count_lines(f, 0, len);
		}
	}
	if (!r->have_expected) {
		r->expected = n;
		r->have_expected = true;
	} else if (n != r->expected && !r->ragged) {
		set_error(r, SM_CSV_E_RAGGED, true, r->cur_row, r->cur_line,
		          (n < r->expected ? n : r->expected) + 1, "expected %zu field%s, got %zu",
		          r->expected, r->expected == 1 ? "" : "s", n);
		return SM_CSV_ERROR;
	}
	return SM_CSV_RECORD;
}

static int read_header(sm_csv_reader *r)
{
	int rc = next_record(r);
	size_t i, total, raw_len;
	char *p;
	if (rc == SM_CSV_EOF) {
		r->hdr_state = HDR_NONE;
		return SM_CSV_EOF;
	}
	if (rc == SM_CSV_ERROR) {
		if (r->err.recoverable) { /* a broken header is final */
			r->err.recoverable = false;
			r->failed = true;
		}
		return SM_CSV_ERROR;
	}
	raw_len = r->term - r->rec;
	total = raw_len;
	for (i = 0; i < r->nfields; i++)
		total += r->fields[i].len;
	r->hdr_block = malloc(total ? total : 1);
	r->hdr = malloc(r->nfields * sizeof *r->hdr);
	if (!r->hdr_block || !r->hdr) {
		nomem(r);
		return SM_CSV_ERROR;
	}
	p = r->hdr_block;
	memcpy(p, r->buf + r->rec, raw_len);
	r->hdr_raw = p;
	r->hdr_raw_len = raw_len;
	p += raw_len;
	for (i = 0; i < r->nfields; i++) {
		if (r->fields[i].len)
			memcpy(p, r->fields[i].ptr, r->fields[i].len);
		r->hdr[i].ptr = p;
		r->hdr[i].len = r->fields[i].len;
		p += r->fields[i].len;
	}
	r->nhdr = r->nfields;
	r->hdr_state = HDR_READ;
	r->raw_valid = false;
	return SM_CSV_RECORD;
}

int sm_csv_header(sm_csv_reader *r, const sm_csv_field **names, size_t *nnames)
{
	int rc;
	if (names)
		*names = NULL;
	if (nnames)
		*nnames = 0;
	if (!r)
		return SM_CSV_ERROR;
	if (r->hdr_state == HDR_UNREAD) {
		if (r->failed)
			return SM_CSV_ERROR;
		rc = read_header(r);
		if (rc != SM_CSV_RECORD)
			return rc;
	}
	if (r->hdr_state != HDR_READ)
		return SM_CSV_EOF;
	if (names)
		*names = r->hdr;
	if (nnames)
		*nnames = r->nhdr;
	return SM_CSV_RECORD;
}

int sm_csv_read(sm_csv_reader *r, const sm_csv_field **fields, size_t *nfields)
{
	int rc;
	if (fields)
		*fields = NULL;
	if (nfields)
		*nfields = 0;
	if (!r)
		return SM_CSV_ERROR;
	if (r->failed)
		return SM_CSV_ERROR;
	if (r->hdr_state == HDR_UNREAD) {
		rc = read_header(r);
		if (rc != SM_CSV_RECORD)
			return rc;
	}
	rc = next_record(r);
	if (rc == SM_CSV_RECORD || (rc == SM_CSV_ERROR && r->raw_valid)) {
		if (fields)
			*fields = r->fields;
		if (nfields)
			*nfields = r->nfields;
	}
	return rc;
}

long sm_csv_find_n(sm_csv_reader *r, const char *name, size_t len)
{
	size_t i;
	if (!r || (!name && len))
		return -1;
	if (r->hdr_state == HDR_UNREAD && sm_csv_header(r, NULL, NULL) != SM_CSV_RECORD)
		return -1;
	if (r->hdr_state != HDR_READ)
		return -1;
	for (i = 0; i < r->nhdr; i++)
		if (r->hdr[i].len == len && (len == 0 || memcmp(r->hdr[i].ptr, name, len) == 0))
			return (long)i;
	return -1;
}

long sm_csv_find(sm_csv_reader *r, const char *name)
{
	if (!name)
		return -1;
	return sm_csv_find_n(r, name, strlen(name));
}

void sm_csv_raw(const sm_csv_reader *r, const char **bytes, size_t *len)
{
	if (r && r->raw_valid) {
		*bytes = (const char *)r->buf + r->rec;
		*len = r->term - r->rec;
	} else {
		*bytes = "";
		*len = 0;
	}
}

void sm_csv_header_raw(const sm_csv_reader *r, const char **bytes, size_t *len)
{
	if (r && r->hdr_state == HDR_READ) {
		*bytes = r->hdr_raw;
		*len = r->hdr_raw_len;
	} else {
		*bytes = "";
		*len = 0;
	}
}

unsigned long long sm_csv_row(const sm_csv_reader *r)
{
	return r ? r->cur_row : 0;
}

unsigned long long sm_csv_line(const sm_csv_reader *r)
{
	return r ? r->cur_line : 0;
}

const sm_csv_error *sm_csv_reader_error(const sm_csv_reader *r)
{
	static const sm_csv_error none = {SM_CSV_E_NONE, SM_OK, false, 0, 0, 0, "no error"};
	return r ? &r->err : &none;
}

/* ------------------------------------------------------------------------ */
/* Writer: one field at a time into the caller's buffer                      */
/* ------------------------------------------------------------------------ */

static bool needs_quotes(const unsigned char *s, size_t len, unsigned char d)
{
	if (len == 0)
		return false;
	if (s[0] == ' ' || s[0] == '\t' || s[len - 1] == ' ' || s[len - 1] == '\t')
		return true;
	return scan_special(s, 0, len, d) < len;
}

bool sm_csv_needs_quotes(const char *s, size_t len, char delimiter)
{
	if (!s)
		return false;
	return needs_quotes((const unsigned char *)s, len, (unsigned char)(delimiter ? delimiter : ','));
}

size_t sm_csv_field_encode(char *dst, const char *s, size_t len, char delimiter)
{
	size_t n = 0;
	if (!sm_csv_needs_quotes(s, len, delimiter)) {
		if (len)
			memcpy(dst, s, len);
		return len;
	}
	dst[n++] = '"';
	for (size_t i = 0; i < len; i++) {
		if (s[i] == '"')
			dst[n++] = '"';
		dst[n++] = s[i];
	}
	dst[n++] = '"';
	return n;
}
