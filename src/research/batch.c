/*
** batch.c: streaming cohort scoring (sm_batch_run, research.h), the engine of
** `spinemets batch FILE.csv --instrument LIST` (options: src/cli/research.c).
**
** Reads a CSV file (RFC 4180, UTF-8, header row, LF or CRLF, quoted fields)
** and writes every record back, byte for byte, with four columns appended
** per instrument: <name>_total, <name>_band, <name>_status, <name>_reason
** (or JSON Lines with --format jsonl). Nothing clinical happens here: each
** row goes through sm_input_set_parsed() and sm_score() of the core.
**
** Pipeline (memory bounded whatever the file size; every core used):
**
**   reader thread  reads the input into a staging buffer and cuts it into
**                  chunks of whole records (at most CHUNK_ROWS line ends or
**                  about CHUNK_BYTES bytes) with a quote-aware scan of 64
**                  bytes at a time; it copies each chunk into a buffer of a
**                  fixed pool and notes whether the chunk is "plain" (no
**                  quote, no byte >= 0x80, no CR other than in CRLF);
**   N workers      parse a chunk (plain: a comma/LF bit-mask splitter;
**                  otherwise the shared RFC 4180 reader of io/csv.c, which
**                  also checks UTF-8), score each row and format the output
**                  chunk;
**   writer (main)  writes chunks in input order, fills in the row numbers of
**                  the rare messages that need them (a worker does not know
**                  how many rows came before its chunk), counts and prints
**                  the summary and the progress bar.
**
** The pool holds 2N+2 chunks, so at most that many are in flight: peak
** memory depends on the chunk size and the thread count, never on the file.
**
** Result cache. sm_score() is a pure function of the input (the core keeps
** no state), so rows whose scored cells are byte-for-byte identical get the
** same output. A shared, insert-only, lock-free hash table maps the bytes of
** an instrument's cells to the formatted output columns; a cohort has few
** distinct combinations of categorical items, so most rows cost one hash
** lookup instead of a parse and a score. The table and its entries have a
** fixed budget (CACHE_SLOTS, CACHE_BYTES): when it is full, rows are scored
** without it. Output is identical with or without the cache.
*/
#define _DEFAULT_SOURCE /* MADV_HUGEPAGE */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include <jansson.h>

#include "io/csv.h"
#include "io/file.h"
#include "io/json_score.h"
#include "io/jw.h"
#include "research/research.h"
#include "spinemets.h"

#define CHUNK_ROWS 4096
#define CHUNK_BYTES ((size_t)256 * 1024)
#define MAX_RECORD SM_CSV_DEFAULT_MAX_RECORD
#define STAGE_CAP (CHUNK_BYTES + MAX_RECORD + (size_t)256 * 1024)
#define PAD 64                       /* zero bytes after a chunk's data */
#define CACHE_SLOTS ((size_t)1 << 19) /* table of pointers: 4 MiB */
#define CACHE_MAX_ENTRIES (CACHE_SLOTS / 2)
#define CACHE_BYTES ((size_t)24 * 1024 * 1024)
#define MAX_KEY 512                  /* longer keys are not cached */
#define KEYSLOT (MAX_KEY + 32)       /* room for 16-byte over-copies */
#define MAX_CACHED_FRAG 4096
#define NEXAMPLES 5
#define ROWMARK '\x01'               /* stands for the row number until the writer knows it */

enum { ST_OK = SM_RESULT_OK, ST_INCOMPLETE = SM_RESULT_INCOMPLETE, ST_INVALID = SM_RESULT_INVALID };

/* ---------------------------------------------------------------- buffers */

typedef struct buf {
	char *p;
	size_t len, cap;
} buf;

static void die_nomem(void)
{
	static const char msg[] = "spinemets batch: out of memory\n";
	if (write(2, msg, sizeof msg - 1) < 0) {
		/* nothing more to do */
	}
	_exit(SM_RESEARCH_INVALID);
}

static void *xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);
	if (!p)
		die_nomem();
	return p;
}

static void *xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size ? size : 1);
	if (!p)
		die_nomem();
	return p;
}

static inline void buf_reserve(buf *b, size_t n)
{
	if (b->cap - b->len >= n)
		return;
	size_t ncap = b->cap ? b->cap : 4096;
	while (ncap - b->len < n)
		ncap *= 2;
	char *np = realloc(b->p, ncap);
	if (!np)
		die_nomem();
	b->p = np;
	b->cap = ncap;
}

static inline void buf_add(buf *b, const void *s, size_t n)
{
	buf_reserve(b, n);
	if (n)
		memcpy(b->p + b->len, s, n);
	b->len += n;
}

static inline void buf_addc(buf *b, char c)
{
	buf_reserve(b, 1);
	b->p[b->len++] = c;
}

static inline void buf_adds(buf *b, const char *s)
{
	buf_add(b, s, strlen(s));
}

/* Decimal digits of v into s (at least 21 bytes); returns the length. */
static size_t fmt_ull(char *s, unsigned long long v)
{
	char t[24];
	size_t n = 0, i;
	do {
		t[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	for (i = 0; i < n; i++)
		s[i] = t[n - 1 - i];
	return n;
}

static inline void buf_addll(buf *b, long long v)
{
	char s[24];
	size_t n = 0;
	unsigned long long u = (unsigned long long)v;
	if (v < 0) {
		s[n++] = '-';
		u = 0 - u;
	}
	n += fmt_ull(s + n, u);
	buf_add(b, s, n);
}

/* A CSV field (io/csv.h: quoted when it needs to be, quotes doubled). */
static void buf_csv_field(buf *b, const char *s, size_t n)
{
	buf_reserve(b, SM_CSV_FIELD_MAX(n));
	b->len += sm_csv_field_encode(b->p + b->len, s, n, ',');
}

/* A JSON string (io/jw.h: escaped as jansson does, bytes that are not UTF-8
** as U+FFFD). */
static void buf_json_str(buf *b, const char *s, size_t n)
{
	buf_reserve(b, SM_JSON_ESCAPE_MAX(n));
	b->len += sm_json_escape(b->p + b->len, s, n);
}

/* ---------------------------------------------------------------- config */

typedef struct bcol {
	size_t col;        /* header column index */
	const char *item;  /* the instrument's item key */
	bool g_per_l;      /* --albumin g/L: divide by 10 for albumin_g_dl */
} bcol;

typedef struct binst {
	const sm_instrument *inst;
	const char *name;
	bcol cols[SM_MAX_ITEMS];   /* in column order */
	size_t ncols;
	bool span;                 /* the columns are adjacent: cols[0].col .. cols[ncols - 1].col */
} binst;

typedef sm_batch_map bmap;

/* --------------------------------------------------------------- cache */

typedef struct centry {
	uint16_t keylen, fraglen, reasonlen; /* MAX_KEY, MAX_CACHED_FRAG, example text fit */
	uint8_t status;
	uint8_t unused;
	char data[]; /* key, fragment, plain reason (invalid rows, for the summary) */
} centry;

/* A slot holds an entry's address with the top 16 bits of its hash as a tag
** in the bits above 47 (user-space addresses on x86-64 and AArch64 fit in 48
** bits; an entry that does not is simply not cached), so that a probe that
** meets another key rarely has to read that key's entry. */
typedef struct cache {
	_Atomic(uintptr_t) *slots;
	size_t mask;
	atomic_size_t count;
	char *arena;               /* CACHE_BYTES for the entries, shared */
	atomic_size_t used;
	void *map;                 /* one mapping for both */
	size_t map_len;
} cache;

/* Map the table and the entry arena together, asking for huge pages: the
** lookups jump all over 20-odd MiB, and with 4 KiB pages most of them would
** also miss the TLB (a costly page walk under virtualisation). Pages are
** only touched, and counted in RSS, as the cache fills. */
static bool cache_open(cache *c)
{
	const size_t huge = (size_t)2 << 20;
	size_t table = CACHE_SLOTS * sizeof *c->slots;
	size_t len = table + CACHE_BYTES + huge;
	void *m = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (m == MAP_FAILED)
		return false;
	uintptr_t start = ((uintptr_t)m + huge - 1) & ~(uintptr_t)(huge - 1);
#ifdef MADV_HUGEPAGE
	madvise((void *)start, table + CACHE_BYTES, MADV_HUGEPAGE);
#endif
	c->map = m;
	c->map_len = len;
	c->slots = (_Atomic(uintptr_t) *)start; /* zero-filled by mmap */
	c->mask = CACHE_SLOTS - 1;
	c->arena = (char *)start + table;
	atomic_init(&c->used, 0);
	atomic_init(&c->count, 0);
	return true;
}

static void cache_close(cache *c)
{
	if (c->map)
		munmap(c->map, c->map_len);
	c->map = NULL;
}

/* n bytes (8-aligned) of the arena, or NULL when the budget is spent. */
static void *cache_alloc(cache *c, size_t n)
{
	n = (n + 7) & ~(size_t)7;
	if (atomic_load_explicit(&c->used, memory_order_relaxed) + n > CACHE_BYTES)
		return NULL;
	size_t at = atomic_fetch_add_explicit(&c->used, n, memory_order_relaxed);
	if (at + n > CACHE_BYTES)
		return NULL;
	return c->arena + at;
}

#define TAG_SHIFT 48
#define ADDR_MASK (((uintptr_t)1 << TAG_SHIFT) - 1)

static inline uintptr_t slot_tag(uint64_t h)
{
	return (uintptr_t)(h >> TAG_SHIFT) << TAG_SHIFT;
}

static inline const centry *slot_entry(uintptr_t s)
{
	return (const centry *)(s & ADDR_MASK);
}

/* Hashing a key: the instrument's index, then for each cell its length and
** its bytes in 8-byte words (the bytes past the cell masked off), mixed in
** turn; never 0 (0 means "not cached"). */
static inline uint64_t hash_mix(uint64_t h, uint64_t w)
{
	h = (h ^ w) * UINT64_C(0xbf58476d1ce4e5b9);
	return h ^ (h >> 31);
}

/* The first n (< 8) bytes of the word at p, the others zero. */
static inline uint64_t word_prefix(const char *p, size_t n)
{
	uint64_t w;
	memcpy(&w, p, 8);
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
	return n ? w & (~UINT64_C(0) << (64 - 8 * n)) : 0;
#else
	return w & ((UINT64_C(1) << (8 * n)) - 1);
#endif
}

/* Mix n bytes at p; the 7 bytes after them must be readable. */
static inline uint64_t hash_cell(uint64_t h, const char *p, size_t n)
{
	h = hash_mix(h, (uint64_t)n);
	size_t i = 0;
	for (; i + 8 <= n; i += 8) {
		uint64_t w;
		memcpy(&w, p + i, 8);
		h = hash_mix(h, w);
	}
	if (i < n)
		h = hash_mix(h, word_prefix(p + i, n - i));
	return h;
}

static inline uint64_t hash_final(uint64_t h)
{
	h *= UINT64_C(0x94d049bb133111eb);
	h ^= h >> 29;
	h *= UINT64_C(0xbf58476d1ce4e5b9);
	h ^= h >> 32;
	return h ? h : 1;
}

/* Publish a fully built entry under hash h; an equal entry published
** meanwhile wins. */
static void cache_insert(cache *c, centry *e, uint64_t h)
{
	uintptr_t want = slot_tag(h) | (uintptr_t)e;
	size_t i = (size_t)h & c->mask;
	if ((uintptr_t)e & ~ADDR_MASK)
		return;
	for (;;) {
		uintptr_t cur = 0;
		if (atomic_compare_exchange_strong_explicit(&c->slots[i], &cur, want, memory_order_release,
		                                            memory_order_acquire))
			return;
		const centry *o = slot_entry(cur);
		if ((cur & ~ADDR_MASK) == slot_tag(h) && o->keylen == e->keylen && memcmp(o->data, e->data, e->keylen) == 0)
			return;
		i = (i + 1) & c->mask;
	}
}

/* ---------------------------------------------------------------- chunks */

typedef struct patch {
	size_t off;                /* where the row number goes in `out` */
	size_t row;                /* row index within the chunk (0-based) */
	unsigned long long line;   /* physical line of the row */
} patch;

typedef struct example {
	size_t row;
	size_t inst;               /* SIZE_MAX: the record itself (ragged, UTF-8) */
	char text[240];
} example;

typedef struct chunk {
	unsigned long long seq;
	char *base;                /* base[0] = '\n', data at base + 1, PAD zeros after */
	size_t cap, len;
	unsigned long long line0;  /* physical line of the first byte */
	unsigned long long nlf;    /* line feeds in the chunk */
	bool plain, toolong, done;
	/* results */
	buf out;
	patch *patches;
	size_t npatch, patchcap;
	size_t rows, bad_records;
	unsigned long long *counts; /* [inst * 3 + status] */
	example ex[NEXAMPLES];
	size_t nex;
	bool fatal;
	size_t fatal_row;
	unsigned long long fatal_line;
	size_t fatal_col;
	char fatal_msg[300];
} chunk;

typedef struct batch {
	/* configuration, read-only once the threads run */
	FILE *err;                 /* messages and the summary */
	binst *bi;
	size_t ninst;
	size_t ncols;
	char **names;
	size_t *name_len;
	buf jnames;                /* "\"name\":" for each column, JSON */
	size_t *jname_off, *jname_len;
	bool jsonl;
	const char *eol;
	size_t eol_len;
	size_t nthreads;
	int in_fd, out_fd;
	bool tty;
	unsigned long long in_size;

	cache cache;

	/* staging (reader thread, and the main thread before it starts) */
	unsigned char *stage;
	size_t spos, send;
	bool seof;
	unsigned long long lines;  /* line feeds before spos */
	unsigned long long consumed;
	char read_err[300];
	bool read_failed;

	/* queues */
	pthread_mutex_t mu;
	pthread_cond_t cv_free, cv_work, cv_done;
	chunk *pool;
	size_t npool;
	chunk **freel;
	size_t nfree;
	chunk **work;
	size_t whead, wcount;
	chunk **inflight;          /* by seq % npool */
	unsigned long long issued;
	bool reader_done;
	atomic_bool stop;
} batch;

#define RING 64   /* rows in the pipeline of a plain chunk (> AHEAD2) */
#define AHEAD1 16 /* entries are prefetched this many rows after the slots */
#define AHEAD2 32 /* rows are written this many rows after they are parsed */

typedef struct pend {
	const char *raw;
	size_t rawlen, nf;
	unsigned long long line;
} pend;

typedef struct worker {
	batch *b;
	pthread_t th;
	sm_input in;
	sm_result res;
	sm_csv_field *f;
	size_t fcap;
	char key[KEYSLOT];
	buf cell, frag, reason;
	pend pend[RING];           /* rows of a plain chunk in the pipeline */
	sm_csv_field *pf;          /* their fields: RING * fcap */
	uint64_t *ph;              /* their key hashes: RING * ninst (0: not cached) */
	char *rkey;                /* their keys: RING * ninst * KEYSLOT */
	size_t *rklen;             /* their key lengths (0: not cached) */
} worker;

/* ---------------------------------------------------- scanning (reader) */

typedef struct masks {
	uint64_t lf, q, cr, hi, comma;
} masks;

/* Bit masks of the 64 bytes at s. */
static inline masks block_masks(const unsigned char *s)
{
	masks m = {0, 0, 0, 0, 0};
#if defined(__SSE2__)
	const __m128i vn = _mm_set1_epi8('\n'), vq = _mm_set1_epi8('"');
	const __m128i vr = _mm_set1_epi8('\r'), vc = _mm_set1_epi8(',');
	for (int i = 0; i < 4; i++) {
		__m128i v = _mm_loadu_si128((const __m128i *)(const void *)(s + 16 * i));
		int sh = 16 * i;
		m.lf |= (uint64_t)(unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(v, vn)) << sh;
		m.q |= (uint64_t)(unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(v, vq)) << sh;
		m.cr |= (uint64_t)(unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(v, vr)) << sh;
		m.comma |= (uint64_t)(unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(v, vc)) << sh;
		m.hi |= (uint64_t)(unsigned)_mm_movemask_epi8(v) << sh;
	}
#else
	for (unsigned i = 0; i < 64; i++) {
		uint64_t bit = (uint64_t)1 << i;
		unsigned char c = s[i];
		if (c == '\n') m.lf |= bit;
		else if (c == '"') m.q |= bit;
		else if (c == '\r') m.cr |= bit;
		else if (c == ',') m.comma |= bit;
		else if (c >= 0x80) m.hi |= bit;
	}
#endif
	return m;
}

/* Only the LF and comma masks (the worker's splitter). */
static inline void lf_comma_masks(const unsigned char *s, uint64_t *lf, uint64_t *comma)
{
#if defined(__SSE2__)
	const __m128i vn = _mm_set1_epi8('\n'), vc = _mm_set1_epi8(',');
	uint64_t l = 0, c = 0;
	for (int i = 0; i < 4; i++) {
		__m128i v = _mm_loadu_si128((const __m128i *)(const void *)(s + 16 * i));
		l |= (uint64_t)(unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(v, vn)) << (16 * i);
		c |= (uint64_t)(unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(v, vc)) << (16 * i);
	}
	*lf = l;
	*comma = c;
#else
	masks m = block_masks(s);
	*lf = m.lf;
	*comma = m.comma;
#endif
}

static inline uint64_t prefix_xor(uint64_t x)
{
	x ^= x << 1;
	x ^= x << 2;
	x ^= x << 4;
	x ^= x << 8;
	x ^= x << 16;
	x ^= x << 32;
	return x;
}

static inline unsigned popcount64(uint64_t x)
{
	x = x - ((x >> 1) & UINT64_C(0x5555555555555555));
	x = (x & UINT64_C(0x3333333333333333)) + ((x >> 2) & UINT64_C(0x3333333333333333));
	x = (x + (x >> 4)) & UINT64_C(0x0F0F0F0F0F0F0F0F);
	return (unsigned)((x * UINT64_C(0x0101010101010101)) >> 56);
}

static inline unsigned ctz64(uint64_t x)
{
	return (unsigned)__builtin_ctzll(x);
}

/* Find where to cut b[pos, end): just after the record-ending LF (outside
** quotes) at which `max_rows` records are reached or `max_bytes` passed.
** Returns true with *cut set when found. *last gets the position after the
** last record-ending LF seen (pos if none), *nlf the line feeds in
** [pos, cut) (or in [pos, end) when not found), *plain whether the bytes are
** plain (no quote, no byte >= 0x80, CR only before LF). */
static bool scan_cut(const unsigned char *b, size_t pos, size_t end, size_t max_rows, size_t max_bytes,
                     size_t *cut, size_t *last, unsigned long long *nlf, bool *plain)
{
	size_t rows = 0, p;
	bool inq = false, pl = true;
	unsigned long long lfs = 0;
	unsigned char tmp[64];
	*last = pos;
	for (p = pos; p < end; p += 64) {
		size_t n = end - p;
		const unsigned char *s = b + p;
		uint64_t valid = ~UINT64_C(0), lfv;
		if (n < 64) {
			memset(tmp, 0, sizeof tmp);
			memcpy(tmp, s, n);
			s = tmp;
			valid = (UINT64_C(1) << n) - 1;
		}
		masks m = block_masks(s);
		m.lf &= valid;
		m.q &= valid;
		m.cr &= valid;
		m.hi &= valid;
		if (m.q | m.hi)
			pl = false;
		if (m.cr) {
			uint64_t ok = m.lf >> 1;
			if (n > 64 && b[p + 64] == '\n')
				ok |= UINT64_C(1) << 63;
			if (m.cr & ~ok)
				pl = false;
		}
		if (m.q || inq) {
			uint64_t x = prefix_xor(m.q);
			if (inq)
				x = ~x;
			lfv = m.lf & ~x;
			inq = (x >> 63) & 1;
		} else {
			lfv = m.lf;
		}
		unsigned cnt = popcount64(lfv);
		if (rows + cnt < max_rows && p + 64 - pos < max_bytes) {
			rows += cnt;
			if (lfv)
				*last = p + 64 - (size_t)__builtin_clzll(lfv);
			lfs += popcount64(m.lf);
			continue;
		}
		while (lfv) {
			unsigned i = ctz64(lfv);
			size_t q = p + i;
			lfv &= lfv - 1;
			rows++;
			*last = q + 1;
			if (rows >= max_rows || q + 1 - pos >= max_bytes) {
				uint64_t upto = i == 63 ? ~UINT64_C(0) : (UINT64_C(2) << i) - 1;
				lfs += popcount64(m.lf & upto);
				*cut = q + 1;
				*nlf = lfs;
				*plain = pl;
				return true;
			}
		}
		lfs += popcount64(m.lf);
	}
	*nlf = lfs;
	*plain = pl;
	return false;
}

static unsigned long long count_lf(const unsigned char *s, size_t n)
{
	unsigned long long k = 0;
	const unsigned char *e = s + n;
	while (s < e && (s = memchr(s, '\n', (size_t)(e - s))) != NULL) {
		k++;
		s++;
	}
	return k;
}

/* Read more input into the staging buffer, first moving the unconsumed bytes
** to the front. Returns false on a read error (message set). */
static bool stage_fill(batch *b)
{
	if (b->seof)
		return true;
	if (b->spos > 0) {
		size_t keep = b->send - b->spos;
		if (keep)
			memmove(b->stage, b->stage + b->spos, keep);
		b->spos = 0;
		b->send = keep;
	}
	while (b->send < STAGE_CAP && !b->seof) {
		ssize_t n = read(b->in_fd, b->stage + b->send, STAGE_CAP - b->send);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			snprintf(b->read_err, sizeof b->read_err, "read error: %s", strerror(errno));
			b->read_failed = true;
			return false;
		}
		if (n == 0)
			b->seof = true;
		b->send += (size_t)n;
		if (b->send - b->spos >= CHUNK_BYTES * 2)
			break; /* enough for a while; pipes give little at a time */
	}
	return true;
}

/* ------------------------------------------------------------- queues */

static chunk *get_free(batch *b)
{
	pthread_mutex_lock(&b->mu);
	while (b->nfree == 0 && !atomic_load(&b->stop))
		pthread_cond_wait(&b->cv_free, &b->mu);
	chunk *c = b->nfree ? b->freel[--b->nfree] : NULL;
	pthread_mutex_unlock(&b->mu);
	return c;
}

static void submit(batch *b, chunk *c)
{
	pthread_mutex_lock(&b->mu);
	c->seq = b->issued++;
	c->done = false;
	b->inflight[c->seq % b->npool] = c;
	b->work[(b->whead + b->wcount) % b->npool] = c;
	b->wcount++;
	pthread_cond_signal(&b->cv_work);
	pthread_mutex_unlock(&b->mu);
}

static void chunk_fit(chunk *c, size_t len)
{
	if (c->cap < len || !c->base) { /* a chunk never used has no buffer yet */
		free(c->base);
		c->cap = len + len / 4;
		c->base = xmalloc(c->cap + 1 + PAD);
	}
	c->base[0] = '\n';
	c->len = len;
	memset(c->base + 1 + len, 0, PAD);
}

static void *reader_main(void *arg)
{
	batch *b = arg;
	for (;;) {
		size_t cut = 0, last = 0;
		unsigned long long nlf = 0;
		bool plain = true, found = false, toolong = false;
		if (atomic_load(&b->stop))
			break;
		for (;;) {
			if (b->send - b->spos < CHUNK_BYTES + 64 && !b->seof) {
				if (!stage_fill(b))
					goto out;
			}
			if (b->spos == b->send)
				goto out; /* end of input */
			found = scan_cut(b->stage, b->spos, b->send, CHUNK_ROWS, CHUNK_BYTES, &cut, &last, &nlf, &plain);
			if (found)
				break;
			if (b->seof) {
				cut = b->send;
				break;
			}
			if (b->spos == 0 && b->send == STAGE_CAP) {
				if (last > b->spos) { /* a long record follows: take the records before it */
					cut = last;
					nlf = count_lf(b->stage + b->spos, cut - b->spos);
					plain = false;
					break;
				}
				toolong = true;
				break;
			}
			if (!stage_fill(b))
				goto out;
		}
		chunk *c = get_free(b);
		if (!c)
			break;
		c->toolong = toolong;
		c->line0 = b->lines + 1;
		if (toolong) {
			chunk_fit(c, 0);
			c->nlf = 0;
			c->plain = true;
			submit(b, c);
			break;
		}
		chunk_fit(c, cut - b->spos);
		memcpy(c->base + 1, b->stage + b->spos, cut - b->spos);
		c->nlf = nlf;
		/* a NUL byte is found (and named) by the full CSV reader only */
		c->plain = plain && !memchr(b->stage + b->spos, 0, cut - b->spos);
		b->lines += nlf;
		b->spos = cut;
		submit(b, c);
	}
out:
	pthread_mutex_lock(&b->mu);
	b->reader_done = true;
	pthread_cond_broadcast(&b->cv_work);
	pthread_cond_broadcast(&b->cv_done);
	pthread_mutex_unlock(&b->mu);
	return NULL;
}

/* ------------------------------------------------------------ scoring */

static void add_patch(chunk *c, size_t off, size_t row, unsigned long long line)
{
	if (c->npatch == c->patchcap) {
		size_t ncap = c->patchcap ? c->patchcap * 2 : 16;
		patch *np = realloc(c->patches, ncap * sizeof *np);
		if (!np)
			die_nomem();
		c->patches = np;
		c->patchcap = ncap;
	}
	c->patches[c->npatch].off = off;
	c->patches[c->npatch].row = row;
	c->patches[c->npatch].line = line;
	c->npatch++;
}

/* Remove the row mark (ROWMARK in CSV, its JSON escape in JSON) from
** out[from, len) and note a patch there. */
static void take_mark(chunk *c, size_t from, size_t row, unsigned long long line, bool json)
{
	static const char jmark[] = "\\u0001";
	size_t mlen = json ? sizeof jmark - 1 : 1;
	char *s = c->out.p + from, *e = c->out.p + c->out.len, *hit = NULL;
	if (json) {
		for (char *p = s; p + mlen <= e; p++)
			if (*p == '\\' && memcmp(p, jmark, mlen) == 0) {
				hit = p;
				break;
			}
	} else {
		hit = memchr(s, ROWMARK, (size_t)(e - s));
	}
	if (!hit)
		return;
	memmove(hit, hit + mlen, (size_t)(e - hit) - mlen);
	c->out.len -= mlen;
	add_patch(c, (size_t)(hit - c->out.p), row, line);
}

static void add_example(chunk *c, size_t row, size_t inst, const char *text, size_t len)
{
	if (c->nex >= NEXAMPLES)
		return;
	example *x = &c->ex[c->nex++];
	x->row = row;
	x->inst = inst;
	if (len >= sizeof x->text) {
		len = sizeof x->text - 4;
		while (len > 0 && ((unsigned char)text[len] & 0xC0) == 0x80)
			len--; /* do not cut a UTF-8 sequence */
		memcpy(x->text, text, len);
		memcpy(x->text + len, "...", 4);
	} else {
		memcpy(x->text, text, len);
		x->text[len] = '\0';
	}
	for (char *p = x->text; *p; p++) /* one line each on the terminal */
		if ((unsigned char)*p < 0x20 && *p != ROWMARK)
			*p = ' ';
}

/* The reason column: the first error for invalid rows; what is missing and
** the range (or the grades) still possible for incomplete rows. */
static void make_reason(worker *w, const binst *bi, const sm_result *r)
{
	buf *o = &w->reason;
	o->len = 0;
	if (r->status == SM_RESULT_INVALID) {
		if (r->nerrors == 0) {
			buf_adds(o, "invalid");
		} else {
			const sm_error *e = &r->errors[0];
			const char *path = e->path[0] == '/' ? e->path + 1 : e->path;
			if (*path) {
				buf_adds(o, path);
				buf_adds(o, ": ");
			}
			buf_adds(o, e->message);
			for (size_t k = 0; k < bi->ncols; k++)
				if (bi->cols[k].g_per_l && strcmp(path, bi->cols[k].item) == 0)
					buf_adds(o, " (the column was read in g/L and divided by 10: --albumin g/L)");
			if (r->nerrors > 1) {
				buf_adds(o, " (and ");
				buf_addll(o, (long long)(r->nerrors - 1));
				buf_adds(o, r->nerrors == 2 ? " more error)" : " more errors)");
			}
		}
	} else if (r->status == SM_RESULT_INCOMPLETE) {
		if (r->nmissing) {
			buf_adds(o, "missing: ");
			for (size_t k = 0; k < r->nmissing; k++) {
				if (k)
					buf_adds(o, ", ");
				buf_adds(o, r->missing[k]);
			}
		}
		if (r->has_total) {
			if (o->len)
				buf_adds(o, "; ");
			buf_adds(o, "range ");
			buf_addll(o, r->lo);
			buf_addc(o, '-');
			buf_addll(o, r->hi);
		}
		if (r->npossible) {
			if (o->len)
				buf_adds(o, "; ");
			buf_adds(o, "possible: ");
			for (size_t k = 0; k < r->npossible; k++) {
				if (k)
					buf_adds(o, " ");
				buf_adds(o, r->possible[k]);
			}
		}
		if (r->flags & SM_FLAG_CONVERTED)
			buf_adds(o, o->len ? "; converted" : "converted");
	}
	buf_addc(o, '\0');
	o->len--;
}

/* The output columns of one instrument for result r, into w->frag. */
static void make_fragment(worker *w, const binst *bi, const sm_result *r)
{
	buf *f = &w->frag;
	f->len = 0;
	make_reason(w, bi, r);
	if (w->b->jsonl) {
		sm_jw jw;
		sm_jw_init(&jw, 0);
		sm_jw_result(&jw, r);
		size_t n = 0;
		char *s = sm_jw_finish(&jw, &n);
		if (!s)
			die_nomem();
		buf_addc(f, ',');
		buf_json_str(f, bi->name, strlen(bi->name));
		buf_addc(f, ':');
		buf_add(f, s, n);
		free(s);
		return;
	}
	buf_addc(f, ',');
	if (r->status == SM_RESULT_OK) {
		if (r->has_total)
			buf_addll(f, r->total);
		else if (r->grade)
			buf_adds(f, r->grade);
	}
	buf_addc(f, ',');
	if (r->band)
		buf_csv_field(f, r->band, strlen(r->band));
	buf_addc(f, ',');
	buf_adds(f, sm_result_status_name(r->status));
	buf_addc(f, ',');
	buf_csv_field(f, w->reason.p, w->reason.len);
}

static const char *cell_text(worker *w, const sm_csv_field *fl)
{
	w->cell.len = 0;
	buf_add(&w->cell, fl->ptr, fl->len);
	buf_addc(&w->cell, '\0');
	return w->cell.p;
}

/* Score one instrument for a row (no cache). */
static void score_row(worker *w, const binst *bi, const sm_csv_field *fields)
{
	sm_input_init(&w->in, bi->inst);
	for (size_t k = 0; k < bi->ncols; k++) {
		const bcol *bc = &bi->cols[k];
		const char *text = cell_text(w, &fields[bc->col]);
		if (bc->g_per_l && *text) {
			char *end = NULL;
			errno = 0;
			double v = strtod(text, &end);
			if (end && *end == '\0' && errno == 0 && isfinite(v) && text[0] != ' ' && text[0] != '\t') {
				sm_input_set_number(&w->in, bc->item, v / 10.0);
				continue;
			}
		}
		sm_input_set_parsed(&w->in, bc->item, text);
	}
	sm_score(&w->in, &w->res);
	make_fragment(w, bi, &w->res);
}

/* The cache key of instrument j for a row, into dst (KEYSLOT bytes): the
** instrument's index, then the length and bytes of each of its cells, and its
** hash into *hash. In a plain chunk (`overread`), when the instrument's
** columns are adjacent, the key is instead j | 0x80 and the raw bytes from the
** first of them to the end of the last (cells and the commas between them;
** equal bytes split into equal cells): one copy and a hash over whole words.
** The two forms never equal each other (first byte), so a combination met in
** both costs one more scoring at most. Returns its length, 0 when the row is not to be cached (a
** cell longer than 255 bytes, a key over MAX_KEY). With `overread`, short
** cells are copied 16 bytes at a time and hashed from where they are: the
** bytes after a cell must be readable (a plain chunk has PAD zero bytes after
** its data); hashing the source rather than the key just written spares the
** loads that would wait for those overlapping stores. Without it the cells
** are hashed from dst, which has room to spare. The hash is the same either
** way. */
static inline size_t build_key(const batch *b, size_t j, const sm_csv_field *fields, char *dst, bool overread,
                               uint64_t *hash)
{
	const binst *bi = &b->bi[j];
	if (overread && bi->span) {
		const sm_csv_field *f0 = &fields[bi->cols[0].col], *f1 = &fields[bi->cols[bi->ncols - 1].col];
		size_t n = (size_t)(f1->ptr + f1->len - f0->ptr);
		if (n + 1 > MAX_KEY)
			return 0;
		dst[0] = (char)(j | 0x80);
		memcpy(dst + 1, f0->ptr, n);
		uint64_t hs = hash_mix(UINT64_C(0x9E3779B97F4A7C15) ^ (uint64_t)(j | 0x80), (uint64_t)n);
		*hash = hash_final(hash_cell(hs, f0->ptr, n));
		return n + 1;
	}
	size_t k = 0;
	uint64_t h = UINT64_C(0x9E3779B97F4A7C15) ^ (uint64_t)j;
	dst[k++] = (char)j;
	for (size_t i = 0; i < bi->ncols; i++) {
		const sm_csv_field *f = &fields[bi->cols[i].col];
		size_t n = f->len;
		if (n > 255 || k + 1 + n > MAX_KEY)
			return 0;
		dst[k++] = (char)n;
		if (overread && n <= 16)
			memcpy(dst + k, f->ptr, 16);
		else
			memcpy(dst + k, f->ptr, n);
		h = hash_cell(h, overread ? f->ptr : dst + k, n);
		k += n;
	}
	*hash = hash_final(h);
	return k;
}

static const centry *cache_lookup(cache *c, uint64_t h, const char *key, size_t klen)
{
	const uintptr_t tag = slot_tag(h);
	size_t i = (size_t)h & c->mask;
	for (;;) {
		uintptr_t s = atomic_load_explicit(&c->slots[i], memory_order_acquire);
		if (!s)
			return NULL;
		if ((s & ~ADDR_MASK) == tag) {
			const centry *e = slot_entry(s);
			if (e->keylen == klen && memcmp(e->data, key, klen) == 0)
				return e;
		}
		i = (i + 1) & c->mask;
	}
}

/* The output columns of instrument j for a well-formed row: from the cache,
** or scored (and cached). `key` (klen bytes, 0: not cached) and its hash come
** from build_key() and hash_bytes(). Returns the bytes and the status. */
static const char *instrument_columns(worker *w, size_t j, const sm_csv_field *fields, const char *key, size_t klen,
                                      uint64_t h, size_t *len, int *status, const char **reason, size_t *reasonlen)
{
	batch *b = w->b;
	const binst *bi = &b->bi[j];
	if (klen) {
		const centry *e = cache_lookup(&b->cache, h, key, klen);
		if (e) {
			*len = e->fraglen;
			*status = e->status;
			*reason = e->data + e->keylen + e->fraglen;
			*reasonlen = e->reasonlen;
			return e->data + e->keylen;
		}
	}
	score_row(w, bi, fields);
	*len = w->frag.len;
	*status = (int)w->res.status;
	*reason = w->reason.p;
	*reasonlen = w->reason.len;
	if (klen && w->frag.len <= MAX_CACHED_FRAG &&
	    atomic_load_explicit(&b->cache.count, memory_order_relaxed) < CACHE_MAX_ENTRIES) {
		size_t rl = w->res.status == SM_RESULT_INVALID ? w->reason.len : 0;
		if (rl > sizeof ((example *)0)->text)
			rl = sizeof ((example *)0)->text; /* only the summary's examples read it */
		centry *e = cache_alloc(&b->cache, sizeof(centry) + klen + w->frag.len + rl);
		if (e) {
			e->keylen = (uint16_t)klen;
			e->fraglen = (uint16_t)w->frag.len;
			e->reasonlen = (uint16_t)rl;
			e->status = (uint8_t)w->res.status;
			e->unused = 0;
			memcpy(e->data, key, klen);
			memcpy(e->data + klen, w->frag.p, w->frag.len);
			memcpy(e->data + klen + w->frag.len, w->reason.p, rl);
			atomic_fetch_add_explicit(&b->cache.count, 1, memory_order_relaxed);
			cache_insert(&b->cache, e, h);
		}
	}
	return w->frag.p;
}

/* A record that cannot be scored (ragged, or not UTF-8): every instrument
** gets status invalid with `msg`, which starts with ROWMARK. */
static void bad_record(worker *w, chunk *c, const char *msg, size_t row, unsigned long long line)
{
	batch *b = w->b;
	size_t mlen = strlen(msg);
	for (size_t j = 0; j < b->ninst; j++) {
		const binst *bi = &b->bi[j];
		size_t from = c->out.len;
		if (b->jsonl) {
			sm_input_init(&w->in, bi->inst);
			sm_input_add_error(&w->in, SM_E_SYNTAX, "", msg);
			sm_score(&w->in, &w->res);
			make_fragment(w, bi, &w->res);
			buf_add(&c->out, w->frag.p, w->frag.len);
		} else {
			buf_adds(&c->out, ",,,invalid,");
			buf_csv_field(&c->out, msg, mlen);
		}
		take_mark(c, from, row, line, b->jsonl);
		c->counts[j * 3 + ST_INVALID]++;
	}
	c->bad_records++;
	add_example(c, row, SIZE_MAX, msg, mlen);
}

static void column_label(const batch *b, size_t col, char *out, size_t n)
{
	out[0] = '\0';
	if (col == 0 || col > b->ncols || b->name_len[col - 1] == 0 || b->name_len[col - 1] > 40)
		return;
	const char *s = b->names[col - 1];
	for (size_t i = 0; i < b->name_len[col - 1]; i++)
		if ((unsigned char)s[i] < 0x20 || s[i] == '"' || s[i] == '\\')
			return;
	snprintf(out, n, " (\"%s\")", s);
}

/* One record: raw bytes (no line end) and its fields. `utf8` is the CSV
** reader's error for a record that is not valid UTF-8, else NULL. */
static void process_row(worker *w, chunk *c, const char *raw, size_t rawlen, const sm_csv_field *fields,
                        size_t nf, unsigned long long line, const sm_csv_error *utf8, const char *keys,
                        const size_t *klens, const uint64_t *hashes)
{
	batch *b = w->b;
	size_t row = c->rows++;
	bool bad = nf != b->ncols || utf8;
	if (b->jsonl) {
		size_t n = nf < b->ncols ? nf : b->ncols;
		buf_addc(&c->out, '{');
		for (size_t i = 0; i < n; i++) {
			if (i)
				buf_addc(&c->out, ',');
			buf_add(&c->out, b->jnames.p + b->jname_off[i], b->jname_len[i]);
			buf_json_str(&c->out, fields[i].ptr, fields[i].len);
		}
	} else {
		buf_reserve(&c->out, rawlen + b->ncols + 2);
		memcpy(c->out.p + c->out.len, raw, rawlen);
		c->out.len += rawlen;
		for (size_t i = nf; i < b->ncols; i++)
			c->out.p[c->out.len++] = ',';
	}
	if (bad) {
		char msg[400], label[64];
		if (utf8) {
			const char *text = strstr(utf8->message, ": ");
			column_label(b, utf8->column, label, sizeof label);
			snprintf(msg, sizeof msg, "row %c, column %zu%s: %s", ROWMARK, utf8->column, label,
			         text ? text + 2 : utf8->message);
		} else {
			size_t col = (nf < b->ncols ? nf : b->ncols) + 1;
			column_label(b, col, label, sizeof label);
			snprintf(msg, sizeof msg, "row %c, column %zu%s: expected %zu field%s, got %zu", ROWMARK, col, label,
			         b->ncols, b->ncols == 1 ? "" : "s", nf);
		}
		bad_record(w, c, msg, row, line);
	} else {
		for (size_t j = 0; j < b->ninst; j++) {
			size_t len, rlen;
			int st;
			const char *reason;
			const char *frag;
			if (keys) {
				frag = instrument_columns(w, j, fields, keys + j * KEYSLOT, klens[j], hashes[j], &len, &st,
				                          &reason, &rlen);
			} else {
				uint64_t h = 0;
				size_t k = build_key(w->b, j, fields, w->key, false, &h);
				frag = instrument_columns(w, j, fields, w->key, k, k ? h : 0, &len, &st, &reason, &rlen);
			}
			buf_add(&c->out, frag, len);
			c->counts[j * 3 + (size_t)st]++;
			if (st == ST_INVALID && c->nex < NEXAMPLES)
				add_example(c, row, j, reason, rlen);
		}
	}
	if (b->jsonl)
		buf_add(&c->out, "}\n", 2);
	else
		buf_add(&c->out, b->eol, b->eol_len);
}

/* Rows of a plain chunk go through a short software pipeline: when row t is
** parsed, its keys are hashed and their table slots prefetched; the entries
** those slots point to are prefetched for row t - AHEAD1; row t - AHEAD2 is
** written. The lookups then find their memory in cache instead of waiting
** for it one row after the other. */
static void stage_hash(worker *w, size_t t)
{
	batch *b = w->b;
	const size_t ni = b->ninst, r = t % RING;
	if (w->pend[r].nf != b->ncols)
		return;
	for (size_t j = 0; j < ni; j++) {
		char *key = w->rkey + (r * ni + j) * KEYSLOT;
		uint64_t h = 0;
		size_t k = build_key(b, j, w->pf + r * w->fcap, key, true, &h);
		if (!k)
			h = 0;
		w->rklen[r * ni + j] = k;
		w->ph[r * ni + j] = h;
		__builtin_prefetch(&b->cache.slots[(size_t)h & b->cache.mask]);
	}
}

static void stage_prefetch(worker *w, size_t t)
{
	batch *b = w->b;
	const size_t ni = b->ninst, r = t % RING;
	if (w->pend[r].nf != b->ncols)
		return;
	for (size_t j = 0; j < ni; j++) {
		uintptr_t s = atomic_load_explicit(&b->cache.slots[(size_t)w->ph[r * ni + j] & b->cache.mask],
		                                   memory_order_relaxed);
		if (s) {
			__builtin_prefetch(slot_entry(s));
			__builtin_prefetch((const char *)slot_entry(s) + 64);
		}
	}
}

static void stage_write(worker *w, chunk *c, size_t t)
{
	const size_t r = t % RING;
	const pend *p = &w->pend[r];
	const size_t ni = w->b->ninst;
	process_row(w, c, p->raw, p->rawlen, w->pf + r * w->fcap, p->nf, p->line, NULL, w->rkey + r * ni * KEYSLOT,
	            w->rklen + r * ni, w->ph + r * ni);
}

/* Row t enters the pipeline: hash it, prefetch for t - AHEAD1, write t - AHEAD2. */
static inline void pend_row(worker *w, chunk *c, size_t t, const char *raw, size_t rawlen, size_t nf,
                            unsigned long long line)
{
	pend *pr = &w->pend[t % RING];
	pr->raw = raw;
	pr->rawlen = rawlen;
	pr->line = line;
	pr->nf = nf;
	stage_hash(w, t);
	if (t >= AHEAD1)
		stage_prefetch(w, t - AHEAD1);
	if (t >= AHEAD2)
		stage_write(w, c, t - AHEAD2);
}

/* Plain chunk: split on commas and LFs with bit masks. */
static void parse_plain(worker *w, chunk *c)
{
	batch *b = w->b;
	const char *d = c->base + 1;
	size_t len = c->len, fs = 0, rs = 0, nf = 0, t = 0;
	unsigned long long line = c->line0;
	const size_t fcap = w->fcap;
	sm_csv_field *f = w->pf;
	for (size_t p = 0; p < len; p += 64) {
		uint64_t lf, comma;
		lf_comma_masks((const unsigned char *)d + p, &lf, &comma);
		uint64_t m = lf | comma;
		while (m) {
			unsigned i = ctz64(m);
			size_t q = p + i;
			m &= m - 1;
			if (q >= len)
				break;
			if (!((lf >> i) & 1)) {
				if (nf < fcap) {
					f[nf].ptr = d + fs;
					f[nf].len = q - fs;
				}
				nf++;
				fs = q + 1;
				continue;
			}
			size_t rend = q > rs && d[q - 1] == '\r' ? q - 1 : q;
			if (rend > rs) {
				size_t fend = rend > fs ? rend : fs;
				if (nf < fcap) {
					f[nf].ptr = d + fs;
					f[nf].len = fend - fs;
				}
				nf++;
				pend_row(w, c, t++, d + rs, rend - rs, nf, line);
				if (atomic_load_explicit(&b->stop, memory_order_relaxed))
					return;
				f = w->pf + (t % RING) * fcap;
			}
			line++;
			rs = fs = q + 1;
			nf = 0;
		}
	}
	if (rs < len) { /* a last record without a line end */
		if (nf < fcap) {
			f[nf].ptr = d + fs;
			f[nf].len = len - fs;
		}
		nf++;
		pend_row(w, c, t++, d + rs, len - rs, nf, line);
	}
	/* drain: rows t-AHEAD2 .. t-1 are not written yet; of those, the ones from
	** t-AHEAD1 on are not prefetched yet */
	size_t first = t > AHEAD2 ? t - AHEAD2 : 0;
	for (size_t u = t > AHEAD1 ? t - AHEAD1 : 0; u < t; u++)
		if (u >= first)
			stage_prefetch(w, u);
	for (size_t u = first; u < t; u++)
		stage_write(w, c, u);
}

/* Any other chunk: the RFC 4180 reader of io/csv.c over the chunk, after a
** blank line (so that a BOM-like start is data, and it is not a row). */
static void parse_general(worker *w, chunk *c)
{
	batch *b = w->b;
	sm_csv_options o;
	sm_csv_options_init(&o);
	o.header = false;
	o.allow_ragged = true;
	o.buffer_size = 64 * 1024;
	sm_csv_reader *r = sm_csv_reader_open_mem(c->base, c->len + 1, &o);
	if (!r)
		die_nomem();
	for (;;) {
		const sm_csv_field *fl;
		size_t nf;
		int rc = sm_csv_read(r, &fl, &nf);
		if (rc == SM_CSV_EOF)
			break;
		const sm_csv_error *e = sm_csv_reader_error(r);
		unsigned long long line = c->line0 + sm_csv_line(r) - 2;
		if (rc == SM_CSV_ERROR && !e->recoverable) {
			const char *text = strstr(e->message, ": ");
			c->fatal = true;
			c->fatal_row = c->rows;
			c->fatal_line = e->line ? c->line0 + e->line - 2 : line;
			c->fatal_col = e->column;
			snprintf(c->fatal_msg, sizeof c->fatal_msg, "%s", text ? text + 2 : e->message);
			break;
		}
		const char *raw;
		size_t rawlen;
		sm_csv_raw(r, &raw, &rawlen);
		/* fields beyond fcap (a ragged row) are only counted */
		size_t keep = nf < w->fcap ? nf : w->fcap;
		memcpy(w->f, fl, keep * sizeof *fl);
		if (rc == SM_CSV_ERROR) {
			sm_csv_error u = *e;
			u.line = e->line ? c->line0 + e->line - 2 : line;
			process_row(w, c, raw, rawlen, w->f, nf, line, &u, NULL, NULL, NULL);
		} else {
			process_row(w, c, raw, rawlen, w->f, nf, line, NULL, NULL, NULL, NULL);
		}
		if (atomic_load_explicit(&b->stop, memory_order_relaxed))
			break;
	}
	sm_csv_reader_free(r);
}

static void *worker_main(void *arg)
{
	worker *w = arg;
	batch *b = w->b;
	for (;;) {
		pthread_mutex_lock(&b->mu);
		while (b->wcount == 0 && !b->reader_done)
			pthread_cond_wait(&b->cv_work, &b->mu);
		if (b->wcount == 0) {
			pthread_mutex_unlock(&b->mu);
			break;
		}
		chunk *c = b->work[b->whead];
		b->whead = (b->whead + 1) % b->npool;
		b->wcount--;
		pthread_mutex_unlock(&b->mu);

		c->out.len = 0;
		c->npatch = 0;
		c->rows = 0;
		c->bad_records = 0;
		c->nex = 0;
		c->fatal = false;
		memset(c->counts, 0, b->ninst * 3 * sizeof *c->counts);
		if (!c->toolong && !atomic_load(&b->stop)) {
			if (c->plain)
				parse_plain(w, c);
			else
				parse_general(w, c);
		}
		pthread_mutex_lock(&b->mu);
		c->done = true;
		pthread_cond_broadcast(&b->cv_done);
		pthread_mutex_unlock(&b->mu);
	}
	return NULL;
}

/* --------------------------------------------------------------- writer */

static bool write_all(int fd, const char *p, size_t n, int *err)
{
	while (n) {
		ssize_t k = write(fd, p, n);
		if (k < 0) {
			if (errno == EINTR)
				continue;
			*err = errno;
			return false;
		}
		p += k;
		n -= (size_t)k;
	}
	return true;
}

static double now_s(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

static void progress(const batch *b, unsigned long long rows, double t0, bool final)
{
	char line[160];
	double dt = now_s() - t0;
	double rate = dt > 0 ? (double)rows / dt : 0;
	int n;
	if (final) {
		fputs("\r\033[K", b->err);
		return;
	}
	if (b->in_size) {
		double frac = (double)b->consumed / (double)b->in_size;
		if (frac > 1)
			frac = 1;
		char bar[31];
		int fill = (int)(frac * 30);
		for (int i = 0; i < 30; i++)
			bar[i] = i < fill ? '#' : '.';
		bar[30] = '\0';
		n = snprintf(line, sizeof line, "\r[%s] %3d%%  %llu rows  %.0f rows/s", bar, (int)(frac * 100), rows, rate);
	} else {
		n = snprintf(line, sizeof line, "\r%llu rows  %.0f rows/s", rows, rate);
	}
	if (n > 0)
		fputs(line, b->err);
	fflush(b->err);
}

/* ----------------------------------------------------------------- setup */

/* Compose "row R (line L), column C ("name"): text" (line only when != row). */
static void report_at(const batch *b, unsigned long long row, unsigned long long line, size_t col, const char *text)
{
	char label[64] = "";
	fprintf(b->err, "spinemets batch: row %llu", row);
	if (line && line != row)
		fprintf(b->err, " (line %llu)", line);
	if (col) {
		column_label(b, col, label, sizeof label);
		fprintf(b->err, ", column %zu%s", col, label);
	}
	fprintf(b->err, ": %s\n", text);
}

/* Read and check the header; fill the column names. 0 ok, else an exit code. */
static int read_header(batch *b, bool *bom, buf *hdr_raw)
{
	b->spos = b->send = 0;
	if (!stage_fill(b)) {
		fprintf(b->err, "spinemets batch: %s\n", b->read_err);
		return SM_RESEARCH_INVALID;
	}
	while (b->send < 3 && !b->seof && stage_fill(b))
		;
	unsigned char *s = b->stage;
	*bom = false;
	if (b->send >= 3 && s[0] == 0xEF && s[1] == 0xBB && s[2] == 0xBF) {
		*bom = true;
		b->spos = 3;
	} else if (b->send >= 2 && ((s[0] == 0xFF && s[1] == 0xFE) || (s[0] == 0xFE && s[1] == 0xFF))) {
		fprintf(b->err, "spinemets batch: row 1, column 1: the file is UTF-16 encoded; save it as CSV in UTF-8\n");
		return SM_RESEARCH_INVALID;
	}
	for (;;) { /* blank lines before the header are not rows */
		if (b->send - b->spos < 2 && !b->seof) {
			if (!stage_fill(b)) {
				fprintf(b->err, "spinemets batch: %s\n", b->read_err);
				return SM_RESEARCH_INVALID;
			}
			continue;
		}
		s = b->stage + b->spos;
		if (b->send > b->spos && s[0] == '\n') {
			b->spos++;
			b->lines++;
		} else if (b->send - b->spos >= 2 && s[0] == '\r' && s[1] == '\n') {
			b->spos += 2;
			b->lines++;
		} else {
			break;
		}
	}
	size_t cut = 0, last;
	unsigned long long nlf;
	bool plain;
	for (;;) {
		if (scan_cut(b->stage, b->spos, b->send, 1, SIZE_MAX, &cut, &last, &nlf, &plain))
			break;
		if (b->seof) {
			cut = b->send;
			break;
		}
		if (b->spos == 0 && b->send == STAGE_CAP) {
			fprintf(b->err, "spinemets batch: row 1: the header is longer than %zu bytes (unbalanced quotes?)\n",
			        (size_t)STAGE_CAP);
			return SM_RESEARCH_INVALID;
		}
		if (!stage_fill(b)) {
			fprintf(b->err, "spinemets batch: %s\n", b->read_err);
			return SM_RESEARCH_INVALID;
		}
	}
	if (cut == b->spos) {
		fprintf(b->err, "spinemets batch: the input is empty (no header row)\n");
		return SM_RESEARCH_INVALID;
	}
	sm_csv_options o;
	sm_csv_options_init(&o);
	sm_csv_reader *r = sm_csv_reader_open_mem(b->stage + b->spos, cut - b->spos, &o);
	if (!r)
		die_nomem();
	const sm_csv_field *names;
	size_t n;
	int rc = sm_csv_header(r, &names, &n);
	if (rc != SM_CSV_RECORD) {
		const sm_csv_error *e = sm_csv_reader_error(r);
		if (rc == SM_CSV_EOF)
			fprintf(b->err, "spinemets batch: the input is empty (no header row)\n");
		else {
			const char *text = strstr(e->message, ": ");
			fprintf(b->err, "spinemets batch: row 1");
			if (e->line && e->line + b->lines != 1)
				fprintf(b->err, " (line %llu)", e->line + b->lines);
			if (e->column)
				fprintf(b->err, ", column %zu", e->column);
			fprintf(b->err, ": %s (in the header)\n", text ? text + 2 : e->message);
		}
		sm_csv_reader_free(r);
		return SM_RESEARCH_INVALID;
	}
	b->ncols = n;
	b->names = xcalloc(n, sizeof *b->names);
	b->name_len = xcalloc(n, sizeof *b->name_len);
	for (size_t i = 0; i < n; i++) {
		b->names[i] = xmalloc(names[i].len + 1);
		memcpy(b->names[i], names[i].ptr, names[i].len);
		b->names[i][names[i].len] = '\0';
		b->name_len[i] = names[i].len;
	}
	const char *raw;
	size_t rawlen;
	sm_csv_header_raw(r, &raw, &rawlen);
	buf_add(hdr_raw, raw, rawlen);
	sm_csv_reader_free(r);
	b->eol = cut >= 2 && b->stage[cut - 1] == '\n' && b->stage[cut - 2] == '\r' ? "\r\n" : "\n";
	b->eol_len = strlen(b->eol);
	b->lines += count_lf(b->stage + b->spos, cut - b->spos);
	b->spos = cut;
	return 0;
}

/* Which column is which item of which instrument. 0 ok, else an exit code. */
static int bind_columns(batch *b, bmap *maps, size_t nmaps, bool g_per_l)
{
	for (size_t m = 0; m < nmaps; m++) {
		bool found = false;
		for (size_t i = 0; i < b->ncols; i++)
			if (strcmp(b->names[i], maps[m].column) == 0)
				found = true;
		if (!found) {
			fprintf(b->err, "spinemets batch: --map %s=%s: no column named '%s' in the header\n", maps[m].column,
			        maps[m].item, maps[m].column);
			return SM_RESEARCH_USAGE;
		}
		bool item_ok = false;
		for (size_t j = 0; j < b->ninst; j++)
			if ((!maps[m].only || maps[m].only == b->bi[j].inst) &&
			    sm_instrument_item_find(b->bi[j].inst, maps[m].item, NULL))
				item_ok = true;
		if (!item_ok) {
			fprintf(b->err, "spinemets batch: --map %s=%s: no instrument chosen has an item '%s'; items:",
			        maps[m].column, maps[m].item, maps[m].item);
			for (size_t j = 0; j < b->ninst; j++) {
				if (maps[m].only && maps[m].only != b->bi[j].inst)
					continue;
				fprintf(b->err, "\n  %s:", b->bi[j].name);
				for (size_t k = 0; k < sm_instrument_item_count(b->bi[j].inst); k++)
					fprintf(b->err, " %s", sm_instrument_item(b->bi[j].inst, k)->key);
			}
			fputc('\n', b->err);
			return SM_RESEARCH_USAGE;
		}
	}
	for (size_t j = 0; j < b->ninst; j++) {
		binst *bi = &b->bi[j];
		bool by_map[SM_MAX_ITEMS] = {false};
		bi->ncols = 0;
		for (size_t i = 0; i < b->ncols; i++) {
			const char *item = b->names[i];
			bool mapped = false;
			/* a map for this instrument wins over one for all of them */
			for (size_t m = 0; m < nmaps; m++)
				if (maps[m].only == bi->inst && strcmp(maps[m].column, b->names[i]) == 0)
					item = maps[m].item, mapped = true;
			if (!mapped)
				for (size_t m = 0; m < nmaps; m++)
					if (!maps[m].only && strcmp(maps[m].column, b->names[i]) == 0)
						item = maps[m].item, mapped = true;
			size_t idx;
			const sm_item *it = sm_instrument_item_find(bi->inst, item, &idx);
			if (!it)
				continue;
			for (size_t k = 0; k < bi->ncols; k++)
				if (strcmp(bi->cols[k].item, it->key) == 0) {
					fprintf(b->err,
					        "spinemets batch: %s: columns %zu ('%s') and %zu ('%s') both give item '%s'%s\n",
					        bi->name, bi->cols[k].col + 1, b->names[bi->cols[k].col], i + 1, b->names[i], it->key,
					        mapped || by_map[k] ? "; check the --map options"
					                            : "; the header names a column twice (rename one with --map)");
					return mapped || by_map[k] ? SM_RESEARCH_USAGE : SM_RESEARCH_INVALID;
				}
			if (bi->ncols >= SM_MAX_ITEMS)
				continue;
			by_map[bi->ncols] = mapped;
			bi->cols[bi->ncols].col = i;
			bi->cols[bi->ncols].item = it->key;
			bi->cols[bi->ncols].g_per_l = g_per_l && strcmp(it->key, "albumin_g_dl") == 0;
			bi->ncols++;
		}
		bi->span = bi->ncols > 0 && bi->cols[bi->ncols - 1].col - bi->cols[0].col + 1 == bi->ncols;
		if (bi->ncols == 0) {
			fprintf(b->err, "spinemets batch: warning: no column is an item of %s (items:", bi->name);
			for (size_t k = 0; k < sm_instrument_item_count(bi->inst); k++)
				fprintf(b->err, " %s", sm_instrument_item(bi->inst, k)->key);
			fprintf(b->err, "); every row will be incomplete\n");
		}
	}
	return 0;
}

static void free_batch(batch *b, worker *ws, size_t nw)
{
	for (size_t i = 0; i < nw; i++) {
		free(ws[i].f);
		free(ws[i].pf);
		free(ws[i].ph);
		free(ws[i].rkey);
		free(ws[i].rklen);
		free(ws[i].cell.p);
		free(ws[i].frag.p);
		free(ws[i].reason.p);
	}
	for (size_t i = 0; i < b->npool; i++) {
		free(b->pool[i].base);
		free(b->pool[i].out.p);
		free(b->pool[i].patches);
		free(b->pool[i].counts);
	}
	free(b->pool);
	free(b->freel);
	free(b->work);
	free(b->inflight);
	for (size_t i = 0; i < b->ncols; i++)
		free(b->names[i]);
	free(b->names);
	free(b->name_len);
	free(b->jnames.p);
	free(b->jname_off);
	free(b->jname_len);
	free(b->bi);
	free(b->stage);
	cache_close(&b->cache);
}

int sm_batch_run(const sm_batch_opts *o)
{
	const sm_instrument *const *insts = o->insts;
	const char *input = o->input, *output = o->output;
	size_t ninst = o->ninst, nmaps = o->nmaps;
	sm_batch_map *maps = o->maps;
	int rc = SM_RESEARCH_USAGE;

	batch B;
	memset(&B, 0, sizeof B);
	batch *b = &B;
	b->err = o->err;
	b->jsonl = o->jsonl;
	b->nthreads = o->threads ? o->threads : 1;
	b->ninst = ninst;
	b->bi = xcalloc(ninst, sizeof *b->bi);
	for (size_t j = 0; j < ninst; j++) {
		b->bi[j].inst = insts[j];
		b->bi[j].name = sm_instrument_name(insts[j]);
	}
	b->in_fd = 0;
	if (strcmp(input, "-") != 0) {
		b->in_fd = sm_file_is_dir(input) ? (errno = EISDIR, -1) : open(input, O_RDONLY);
		if (b->in_fd < 0) {
			fprintf(b->err, "spinemets batch: cannot open '%s': %s\n", input, sm_file_error(input, errno));
			free(b->bi);
			return SM_RESEARCH_USAGE;
		}
	}
	struct stat st;
	if (fstat(b->in_fd, &st) == 0 && S_ISREG(st.st_mode))
		b->in_size = (unsigned long long)st.st_size;
	b->stage = xmalloc(STAGE_CAP + 64);
	buf hdr = {0};
	bool bom = false;
	worker *ws = NULL;
	size_t nw = 0;
	rc = read_header(b, &bom, &hdr);
	if (rc == 0)
		rc = bind_columns(b, maps, nmaps, o->g_per_l);
	if (rc != 0)
		goto done;

	if (b->jsonl) {
		b->jname_off = xcalloc(b->ncols, sizeof *b->jname_off);
		b->jname_len = xcalloc(b->ncols, sizeof *b->jname_len);
		for (size_t i = 0; i < b->ncols; i++) {
			b->jname_off[i] = b->jnames.len;
			buf_json_str(&b->jnames, b->names[i], b->name_len[i]);
			buf_addc(&b->jnames, ':');
			b->jname_len[i] = b->jnames.len - b->jname_off[i];
		}
	}
	b->tty = o->progress;
	b->out_fd = -1;

	/* the pipeline */
	if (!cache_open(&b->cache))
		die_nomem();
	b->npool = 4 * b->nthreads + 4;
	b->pool = xcalloc(b->npool, sizeof *b->pool);
	b->freel = xcalloc(b->npool, sizeof *b->freel);
	b->work = xcalloc(b->npool, sizeof *b->work);
	b->inflight = xcalloc(b->npool, sizeof *b->inflight);
	for (size_t i = 0; i < b->npool; i++) {
		b->pool[i].counts = xcalloc(ninst * 3, sizeof *b->pool[i].counts);
		b->freel[b->nfree++] = &b->pool[i];
	}
	pthread_mutex_init(&b->mu, NULL);
	pthread_cond_init(&b->cv_free, NULL);
	pthread_cond_init(&b->cv_work, NULL);
	pthread_cond_init(&b->cv_done, NULL);
	atomic_init(&b->stop, false);
	ws = xcalloc(b->nthreads, sizeof *ws);
	pthread_t reader;
	bool reader_started = pthread_create(&reader, NULL, reader_main, b) == 0;
	if (!reader_started) {
		fprintf(b->err, "spinemets batch: cannot start a thread\n");
		rc = SM_RESEARCH_INVALID;
		goto done;
	}
	for (size_t i = 0; i < b->nthreads; i++) {
		ws[i].b = b;
		ws[i].fcap = b->ncols + 1;
		ws[i].f = xcalloc(ws[i].fcap, sizeof *ws[i].f);
		ws[i].pf = xcalloc(RING * ws[i].fcap, sizeof *ws[i].pf);
		ws[i].ph = xcalloc(RING * ninst, sizeof *ws[i].ph);
		ws[i].rkey = xmalloc(RING * ninst * KEYSLOT);
		ws[i].rklen = xcalloc(RING * ninst, sizeof *ws[i].rklen);
		if (pthread_create(&ws[i].th, NULL, worker_main, &ws[i]) != 0)
			break;
		nw++;
	}
	if (nw == 0) {
		fprintf(b->err, "spinemets batch: cannot start a thread\n");
		atomic_store(&b->stop, true);
		/* let the reader finish: it waits for free chunks */
		pthread_mutex_lock(&b->mu);
		pthread_cond_broadcast(&b->cv_free);
		pthread_mutex_unlock(&b->mu);
		pthread_join(reader, NULL);
		rc = SM_RESEARCH_INVALID;
		goto done;
	}

	/* The output is opened only now: truncating a large earlier output can
	** take a good fraction of a second, during which the threads already
	** read and score the first chunks. */
	int werr = 0;
	bool write_failed = false, open_failed = false;
	b->out_fd = 1;
	if (output && strcmp(output, "-") != 0) {
		b->out_fd = open(output, O_WRONLY | O_CREAT | O_TRUNC, 0666);
		if (b->out_fd < 0) {
			fprintf(b->err, "spinemets batch: cannot write '%s': %s\n", output, sm_file_error(output, errno));
			open_failed = true;
			atomic_store(&b->stop, true);
		}
	}
	if (!open_failed && !b->jsonl) { /* the header */
		buf oh = {0};
		if (bom)
			buf_add(&oh, "\xEF\xBB\xBF", 3);
		buf_add(&oh, hdr.p, hdr.len);
		for (size_t j = 0; j < ninst; j++) {
			static const char *const suffix[] = {"_total", "_band", "_status", "_reason"};
			for (int k = 0; k < 4; k++) {
				buf_addc(&oh, ',');
				buf_adds(&oh, b->bi[j].name);
				buf_adds(&oh, suffix[k]);
			}
		}
		buf_add(&oh, b->eol, b->eol_len);
		write_failed = !write_all(b->out_fd, oh.p, oh.len, &werr);
		free(oh.p);
		if (write_failed)
			atomic_store(&b->stop, true);
	}

	unsigned long long next = 0, rows = 0, bad = 0;
	unsigned long long *totals = xcalloc(ninst * 3, sizeof *totals);
	example ex[NEXAMPLES];
	unsigned long long ex_row[NEXAMPLES];
	size_t nex = 0;
	bool fatal = false;
	double t0 = now_s(), tlast = t0;
	bool shown = false;
	for (;;) {
		pthread_mutex_lock(&b->mu);
		chunk *c = NULL;
		for (;;) {
			if (next < b->issued) {
				c = b->inflight[next % b->npool];
				if (c->done)
					break;
				c = NULL;
			} else if (b->reader_done) {
				break;
			}
			pthread_cond_wait(&b->cv_done, &b->mu);
		}
		pthread_mutex_unlock(&b->mu);
		if (!c)
			break;
		next++;
		unsigned long long base = 1 + rows; /* rows before this chunk, header included */
		if (!write_failed && !atomic_load(&b->stop)) {
			size_t from = 0;
			for (size_t k = 0; k < c->npatch && !write_failed; k++) {
				const patch *p = &c->patches[k];
				char num[64];
				size_t n;
				unsigned long long r = base + p->row + 1;
				if (!write_all(b->out_fd, c->out.p + from, p->off - from, &werr))
					write_failed = true;
				n = fmt_ull(num, r);
				if (p->line != r) {
					memcpy(num + n, " (line ", 7);
					n += 7;
					n += fmt_ull(num + n, p->line);
					num[n++] = ')';
				}
				if (!write_failed && !write_all(b->out_fd, num, n, &werr))
					write_failed = true;
				from = p->off;
			}
			if (!write_failed && !write_all(b->out_fd, c->out.p + from, c->out.len - from, &werr))
				write_failed = true;
			for (size_t k = 0; k < c->nex && nex < NEXAMPLES; k++) {
				ex[nex] = c->ex[k];
				ex_row[nex] = base + c->ex[k].row + 1;
				nex++;
			}
			for (size_t k = 0; k < ninst * 3; k++)
				totals[k] += c->counts[k];
			rows += c->rows;
			bad += c->bad_records;
			b->consumed += c->len;
			if (c->toolong) {
				char msg[200];
				snprintf(msg, sizeof msg,
				         "record longer than the limit of %zu bytes (unbalanced quotes, or a file that is not CSV)",
				         (size_t)MAX_RECORD);
				if (b->tty && shown)
					progress(b, rows, t0, true);
				report_at(b, base + 1, c->line0, 0, msg);
				fatal = true;
			} else if (c->fatal) {
				if (b->tty && shown)
					progress(b, rows, t0, true);
				report_at(b, base + c->fatal_row + 1, c->fatal_line, c->fatal_col, c->fatal_msg);
				fatal = true;
			}
			if (fatal || write_failed)
				atomic_store(&b->stop, true);
			if (b->tty && !fatal) {
				double t = now_s();
				if (t - tlast >= 0.25) {
					progress(b, rows, t0, false);
					tlast = t;
					shown = true;
				}
			}
		}
		pthread_mutex_lock(&b->mu);
		b->freel[b->nfree++] = c;
		pthread_cond_signal(&b->cv_free);
		pthread_mutex_unlock(&b->mu);
	}
	pthread_mutex_lock(&b->mu);
	pthread_cond_broadcast(&b->cv_free);
	pthread_cond_broadcast(&b->cv_work);
	pthread_mutex_unlock(&b->mu);
	pthread_join(reader, NULL);
	for (size_t i = 0; i < nw; i++)
		pthread_join(ws[i].th, NULL);
	if (b->tty && shown)
		progress(b, rows, t0, true);

	if (open_failed) {
		rc = SM_RESEARCH_USAGE;
		free(totals);
		b->out_fd = -1;
		pthread_mutex_destroy(&b->mu);
		pthread_cond_destroy(&b->cv_free);
		pthread_cond_destroy(&b->cv_work);
		pthread_cond_destroy(&b->cv_done);
		goto done;
	}
	if (b->read_failed && !fatal) {
		fprintf(b->err, "spinemets batch: %s\n", b->read_err);
		fatal = true;
	}
	if (write_failed)
		fprintf(b->err, "spinemets batch: cannot write the output: %s\n", strerror(werr));
	else if (b->out_fd > 1 && close(b->out_fd) != 0) {
		fprintf(b->err, "spinemets batch: cannot write the output: %s\n", strerror(errno));
		write_failed = true;
	}
	b->out_fd = -1;

	/* the summary */
	fprintf(b->err, "spinemets batch: %llu row%s read%s", rows, rows == 1 ? "" : "s", fatal ? " before the error" : "");
	if (bad)
		fprintf(b->err, "; %llu malformed (wrong number of fields, not UTF-8 or a NUL byte), kept and marked invalid", bad);
	fputc('\n', b->err);
	for (size_t j = 0; j < ninst; j++)
		fprintf(b->err, "  %-18s %10llu ok %10llu incomplete %10llu invalid\n", b->bi[j].name, totals[j * 3 + ST_OK],
		        totals[j * 3 + ST_INCOMPLETE], totals[j * 3 + ST_INVALID]);
	for (size_t k = 0; k < nex; k++) {
		if (k == 0)
			fprintf(b->err, "  first invalid rows:\n");
		if (ex[k].inst == SIZE_MAX) {
			/* "row \x01, column ...": the mark stands for the row number */
			const char *t = ex[k].text, *mark = strchr(t, ROWMARK);
			if (mark)
				fprintf(b->err, "    %.*s%llu%s\n", (int)(mark - t), t, ex_row[k], mark + 1);
			else
				fprintf(b->err, "    row %llu: %s\n", ex_row[k], t);
		} else {
			fprintf(b->err, "    row %llu: %s: %s\n", ex_row[k], b->bi[ex[k].inst].name, ex[k].text);
		}
	}
	free(totals);
	rc = fatal || write_failed ? SM_RESEARCH_INVALID : SM_RESEARCH_OK;
	pthread_mutex_destroy(&b->mu);
	pthread_cond_destroy(&b->cv_free);
	pthread_cond_destroy(&b->cv_work);
	pthread_cond_destroy(&b->cv_done);

done:
	if (b->out_fd > 1)
		close(b->out_fd);
	if (b->in_fd > 0)
		close(b->in_fd);
	free(hdr.p);
	free_batch(b, ws, ws ? b->nthreads : 0);
	free(ws);
	return rc;
}
