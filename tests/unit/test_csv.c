/*
** test_csv.c: the streaming CSV reader and writer (src/io/csv.c).
**
** Most tests turn a whole input into a canonical dump, one line per record,
** each field as LEN:BYTES| (so empty fields and embedded line breaks show),
** the header first as "H ...", and an error as "E<code> <message>".
*/
#include "testutil.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "io/csv.h"

/* ---- helpers ---- */

typedef struct sbuf {
	char *s;
	size_t len, cap;
} sbuf;

static void sb_add(sbuf *b, const void *p, size_t n)
{
	if (b->cap - b->len < n + 1) {
		size_t ncap = b->cap ? b->cap : 256;
		while (ncap - b->len < n + 1)
			ncap *= 2;
		b->s = realloc(b->s, ncap);
		assert_non_null(b->s);
		b->cap = ncap;
	}
	if (n)
		memcpy(b->s + b->len, p, n);
	b->len += n;
	b->s[b->len] = '\0';
}

static void sb_str(sbuf *b, const char *s)
{
	sb_add(b, s, strlen(s));
}

static void sb_fields(sbuf *b, const sm_csv_field *f, size_t n)
{
	size_t i;
	char num[32];
	for (i = 0; i < n; i++) {
		snprintf(num, sizeof num, "%zu:", f[i].len);
		sb_str(b, num);
		assert_non_null(f[i].ptr);
		sb_add(b, f[i].ptr, f[i].len);
		sb_str(b, "|");
	}
	sb_str(b, "\n");
}

static void sb_error(sbuf *b, const sm_csv_reader *r)
{
	char line[400];
	snprintf(line, sizeof line, "E%d %s\n", (int)sm_csv_reader_error(r)->code,
	         sm_csv_reader_error(r)->message);
	sb_str(b, line);
}

/* Dump every record of `r`; stop at a final error, go on after a
** recoverable one (whose record is dumped after its error line, prefixed "R"). */
static char *dump_reader(sm_csv_reader *r)
{
	sbuf b = {0};
	const sm_csv_field *f;
	size_t n;
	int rc;
	sb_str(&b, "");
	rc = sm_csv_header(r, &f, &n);
	if (rc == SM_CSV_ERROR) {
		sb_error(&b, r);
		return b.s;
	}
	if (rc == SM_CSV_RECORD) {
		sb_str(&b, "H ");
		sb_fields(&b, f, n);
	}
	while ((rc = sm_csv_read(r, &f, &n)) != SM_CSV_EOF) {
		if (rc == SM_CSV_RECORD) {
			sb_fields(&b, f, n);
			continue;
		}
		sb_error(&b, r);
		if (!sm_csv_reader_error(r)->recoverable)
			break;
		assert_non_null(f);
		sb_str(&b, "R ");
		sb_fields(&b, f, n);
	}
	return b.s;
}

static char *dump_mem_opt(const char *text, size_t len, const sm_csv_options *o)
{
	sm_csv_reader *r = sm_csv_reader_open_mem(text, len, o);
	char *s;
	assert_non_null(r);
	s = dump_reader(r);
	sm_csv_reader_free(r);
	return s;
}

static char *dump_mem(const char *text)
{
	return dump_mem_opt(text, strlen(text), NULL);
}

static sm_csv_options opts(bool header)
{
	sm_csv_options o;
	sm_csv_options_init(&o);
	o.header = header;
	return o;
}

#define EXPECT_DUMP(text, expected)                                            \
	do {                                                                   \
		char *got_ = dump_mem(text);                                   \
		assert_string_equal(got_, expected);                           \
		free(got_);                                                    \
	} while (0)

#define EXPECT_DUMP_OPT(text, len, o, expected)                                \
	do {                                                                   \
		char *got_ = dump_mem_opt(text, len, o);                       \
		assert_string_equal(got_, expected);                           \
		free(got_);                                                    \
	} while (0)

/* The first error met while reading all of `text`. */
static sm_csv_error first_error(const char *text, size_t len, const sm_csv_options *o)
{
	sm_csv_reader *r = sm_csv_reader_open_mem(text, len, o);
	const sm_csv_field *f;
	size_t n;
	int rc;
	sm_csv_error e;
	assert_non_null(r);
	while ((rc = sm_csv_read(r, &f, &n)) == SM_CSV_RECORD)
		;
	e = *sm_csv_reader_error(r);
	if (rc == SM_CSV_EOF)
		e.code = SM_CSV_E_NONE;
	sm_csv_reader_free(r);
	return e;
}

/* ---- reader: syntax ---- */

static void test_basic_header_and_find(void **state)
{
	(void)state;
	const char *text = "id,age,primary\nP1,64,breast\nP2,71,lung_nsclc\n";
	sm_csv_reader *r = sm_csv_reader_open_mem(text, strlen(text), NULL);
	const sm_csv_field *f;
	size_t n;
	assert_non_null(r);
	assert_int_equal(sm_csv_find(r, "age"), 1);
	assert_int_equal(sm_csv_find(r, "primary"), 2);
	assert_int_equal(sm_csv_find(r, "Age"), -1);
	assert_int_equal(sm_csv_find(r, "ag"), -1);
	assert_int_equal(sm_csv_header(r, &f, &n), SM_CSV_RECORD);
	assert_int_equal(n, 3);
	assert_int_equal(sm_csv_read(r, &f, &n), SM_CSV_RECORD);
	assert_int_equal(n, 3);
	assert_int_equal(f[1].len, 2);
	assert_memory_equal(f[1].ptr, "64", 2);
	assert_int_equal(sm_csv_row(r), 2);
	assert_int_equal(sm_csv_line(r), 2);
	assert_int_equal(sm_csv_read(r, &f, &n), SM_CSV_RECORD);
	assert_memory_equal(f[2].ptr, "lung_nsclc", 10);
	assert_int_equal(sm_csv_row(r), 3);
	assert_int_equal(sm_csv_read(r, &f, &n), SM_CSV_EOF);
	assert_int_equal(sm_csv_read(r, &f, &n), SM_CSV_EOF);
	assert_int_equal(sm_csv_reader_error(r)->code, SM_CSV_E_NONE);
	/* header names outlive the records */
	assert_int_equal(sm_csv_header(r, &f, &n), SM_CSV_RECORD);
	assert_memory_equal(f[2].ptr, "primary", 7);
	sm_csv_reader_free(r);
}

static void test_quoted_fields(void **state)
{
	(void)state;
	EXPECT_DUMP("a,b,c\n\"x, y\",\"\",\"plain\"\n",
	            "H 1:a|1:b|1:c|\n4:x, y|0:|5:plain|\n");
}

static void test_doubled_quotes(void **state)
{
	(void)state;
	EXPECT_DUMP("a,b\n\"say \"\"hi\"\"\",\"\"\"\"\n\"\"\"x\"\"\",\"a\"\"b\"\"c\"\"\"\n",
	            "H 1:a|1:b|\n8:say \"hi\"|1:\"|\n3:\"x\"|6:a\"b\"c\"|\n");
}

static void test_embedded_newlines_and_crlf(void **state)
{
	(void)state;
	const char *text = "note,n\r\n\"line 1\nline 2\",1\r\n\"crlf\r\ninside\",2\r\nlast,3\r\n";
	sm_csv_reader *r;
	const sm_csv_field *f;
	size_t n;
	EXPECT_DUMP(text, "H 4:note|1:n|\n13:line 1\nline 2|1:1|\n12:crlf\r\ninside|1:2|\n4:last|1:3|\n");
	/* rows and physical lines part ways after a quoted line break */
	r = sm_csv_reader_open_mem(text, strlen(text), NULL);
	assert_int_equal(sm_csv_read(r, &f, &n), SM_CSV_RECORD);
	assert_int_equal(sm_csv_row(r), 2);
	assert_int_equal(sm_csv_line(r), 2);
	assert_int_equal(sm_csv_read(r, &f, &n), SM_CSV_RECORD);
	assert_int_equal(sm_csv_row(r), 3);
	assert_int_equal(sm_csv_line(r), 4);
	assert_int_equal(sm_csv_read(r, &f, &n), SM_CSV_RECORD);
	assert_int_equal(sm_csv_row(r), 4);
	assert_int_equal(sm_csv_line(r), 6);
	sm_csv_reader_free(r);
}

static void test_bom(void **state)
{
	(void)state;
	const char *text = "\xEF\xBB\xBFid,age\n1,2\n";
	sm_csv_reader *r = sm_csv_reader_open_mem(text, strlen(text), NULL);
	const char *raw;
	size_t len;
	assert_int_equal(sm_csv_find(r, "id"), 0);
	sm_csv_header_raw(r, &raw, &len);
	assert_int_equal(len, 6);
	assert_memory_equal(raw, "id,age", 6);
	sm_csv_reader_free(r);
	EXPECT_DUMP(text, "H 2:id|3:age|\n1:1|1:2|\n");
	/* only a leading BOM is skipped */
	EXPECT_DUMP("a\n\xEF\xBB\xBFx\n", "H 1:a|\n4:\xEF\xBB\xBFx|\n");
	/* a BOM alone is an empty file */
	EXPECT_DUMP("\xEF\xBB\xBF", "");
}

static void test_empty_fields(void **state)
{
	(void)state;
	EXPECT_DUMP("a,b,c\n,,\n1,,3\n,\"\",\n", "H 1:a|1:b|1:c|\n0:|0:|0:|\n1:1|0:|1:3|\n0:|0:|0:|\n");
}

static void test_trailing_empty_field(void **state)
{
	(void)state;
	EXPECT_DUMP("a,b,\n1,2,\n3,4,", "H 1:a|1:b|0:|\n1:1|1:2|0:|\n1:3|1:4|0:|\n");
}

static void test_final_line_without_newline(void **state)
{
	(void)state;
	EXPECT_DUMP("a,b\n1,2", "H 1:a|1:b|\n1:1|1:2|\n");
	EXPECT_DUMP("a,b\n1,\"2\"", "H 1:a|1:b|\n1:1|1:2|\n");
	EXPECT_DUMP("a,b\n1,\"x\"\"\"", "H 1:a|1:b|\n1:1|2:x\"|\n");
	/* a final lone CR is taken as the line end */
	EXPECT_DUMP("a,b\r\n1,2\r", "H 1:a|1:b|\n1:1|1:2|\n");
	EXPECT_DUMP("a,b\r\n1,\"2\"\r", "H 1:a|1:b|\n1:1|1:2|\n");
}

static void test_crlf_line_ends(void **state)
{
	(void)state;
	EXPECT_DUMP("a,b\r\n1,2\r\n\"3\",\"4\"\r\n", "H 1:a|1:b|\n1:1|1:2|\n1:3|1:4|\n");
}

static void test_blank_lines(void **state)
{
	(void)state;
	sm_csv_options o = opts(true);
	const char *text = "a,b\n1,2\n\n3,4\r\n\r\n\n";
	EXPECT_DUMP(text, "H 1:a|1:b|\n1:1|1:2|\n1:3|1:4|\n");
	EXPECT_DUMP("a,b\n1,2\n\n", "H 1:a|1:b|\n1:1|1:2|\n");
	EXPECT_DUMP("\n\na,b\n1,2\n", "H 1:a|1:b|\n1:1|1:2|\n");
	/* a quoted empty field is a record, not a blank line */
	o.allow_ragged = true;
	EXPECT_DUMP_OPT("a,b\n\"\"\n1,2\n", 11, &o, "H 1:a|1:b|\n0:|\n1:1|1:2|\n");
	/* blank lines count as lines, not as rows */
	{
		sm_csv_reader *r = sm_csv_reader_open_mem(text, strlen(text), NULL);
		const sm_csv_field *f;
		size_t n;
		assert_int_equal(sm_csv_read(r, &f, &n), SM_CSV_RECORD);
		assert_int_equal(sm_csv_read(r, &f, &n), SM_CSV_RECORD);
		assert_int_equal(sm_csv_row(r), 3);
		assert_int_equal(sm_csv_line(r), 4);
		assert_int_equal(sm_csv_read(r, &f, &n), SM_CSV_EOF);
		sm_csv_reader_free(r);
	}
	/* kept on request, as one empty field */
	o.keep_blank_lines = true;
	EXPECT_DUMP_OPT("a,b\n1,2\n\n3,4\n", 13, &o, "H 1:a|1:b|\n1:1|1:2|\n0:|\n1:3|1:4|\n");
}

static void test_empty_input(void **state)
{
	(void)state;
	sm_csv_reader *r = sm_csv_reader_open_mem("", 0, NULL);
	const sm_csv_field *f;
	size_t n;
	assert_int_equal(sm_csv_header(r, &f, &n), SM_CSV_EOF);
	assert_int_equal(n, 0);
	assert_int_equal(sm_csv_read(r, &f, &n), SM_CSV_EOF);
	assert_int_equal(sm_csv_find(r, "x"), -1);
	sm_csv_reader_free(r);
	r = sm_csv_reader_open_mem(NULL, 0, NULL);
	assert_non_null(r);
	assert_int_equal(sm_csv_read(r, &f, &n), SM_CSV_EOF);
	sm_csv_reader_free(r);
	EXPECT_DUMP("\n\r\n\n", "");
	EXPECT_DUMP("a,b\n", "H 1:a|1:b|\n");
}

static void test_no_header(void **state)
{
	(void)state;
	sm_csv_options o = opts(false);
	sm_csv_reader *r;
	const sm_csv_field *f;
	size_t n;
	EXPECT_DUMP_OPT("1,2\n3,4\n", 8, &o, "1:1|1:2|\n1:3|1:4|\n");
	/* the first record sets the field count */
	EXPECT_DUMP_OPT("1,2\n3,4,5\n", 10, &o,
	                "1:1|1:2|\nE5 row 2, column 3: expected 2 fields, got 3\nR 1:3|1:4|1:5|\n");
	r = sm_csv_reader_open_mem("x,y\n", 4, &o);
	assert_int_equal(sm_csv_header(r, &f, &n), SM_CSV_EOF);
	assert_int_equal(sm_csv_find(r, "x"), -1);
	assert_int_equal(sm_csv_read(r, &f, &n), SM_CSV_RECORD);
	assert_int_equal(sm_csv_row(r), 1);
	sm_csv_reader_free(r);
}

static void test_other_delimiters(void **state)
{
	(void)state;
	sm_csv_options o = opts(true);
	o.delimiter = ';';
	EXPECT_DUMP_OPT("a;b\n1,5;\"x;y\"\n", 14, &o, "H 1:a|1:b|\n3:1,5|3:x;y|\n");
	o.delimiter = '\t';
	EXPECT_DUMP_OPT("a\tb\n1\t\"2\t3\"\n", 12, &o, "H 1:a|1:b|\n1:1|3:2\t3|\n");
	o.delimiter = '"';
	assert_null(sm_csv_reader_open_mem("", 0, &o));
	o.delimiter = '\n';
	assert_null(sm_csv_reader_open_mem("", 0, &o));
	o.delimiter = (char)0xC3;
	assert_null(sm_csv_reader_open_mem("", 0, &o));
}

/* ---- reader: errors ---- */

static void test_ragged_rows(void **state)
{
	(void)state;
	sm_csv_options o = opts(true);
	sm_csv_error e;
	const char *text = "id,age,sex\nP1,64,f\nP2,71\nP3,50,m,extra\nP4,40,f\n";
	EXPECT_DUMP(text, "H 2:id|3:age|3:sex|\n2:P1|2:64|1:f|\n"
	                  "E5 row 3, column 3 (\"sex\"): expected 3 fields, got 2\nR 2:P2|2:71|\n"
	                  "E5 row 4, column 4: expected 3 fields, got 4\nR 2:P3|2:50|1:m|5:extra|\n"
	                  "2:P4|2:40|1:f|\n");
	e = first_error(text, strlen(text), NULL);
	assert_int_equal(e.code, SM_CSV_E_RAGGED);
	assert_int_equal(e.status, SM_E_SYNTAX);
	assert_true(e.recoverable);
	assert_int_equal(e.row, 3);
	assert_int_equal(e.line, 3);
	assert_int_equal(e.column, 3);
	/* a quoted line break earlier moves the line, not the row */
	e = first_error("a,b\n\"x\ny\",1\n1,2,3\n", 18, NULL);
	assert_int_equal(e.row, 3);
	assert_int_equal(e.line, 4);
	assert_string_equal(e.message, "row 3 (line 4), column 3: expected 2 fields, got 3");
	o.allow_ragged = true;
	EXPECT_DUMP_OPT(text, strlen(text), &o,
	                "H 2:id|3:age|3:sex|\n2:P1|2:64|1:f|\n2:P2|2:71|\n2:P3|2:50|1:m|5:extra|\n2:P4|2:40|1:f|\n");
}

static void test_unterminated_quote(void **state)
{
	(void)state;
	sm_csv_error e;
	const char *text = "a,b,c\n1,2,3\n4,5,\"open\n6,7,8\n";
	e = first_error(text, strlen(text), NULL);
	assert_int_equal(e.code, SM_CSV_E_UNTERMINATED);
	assert_false(e.recoverable);
	assert_int_equal(e.row, 3);
	assert_int_equal(e.line, 3);
	assert_int_equal(e.column, 3);
	assert_non_null(strstr(e.message, "row 3, column 3 (\"c\"): unterminated quoted field"));
	/* the line is where the quote opened */
	e = first_error("a,b\n\"x\ny\",\"\n\n\n", 15, NULL);
	assert_int_equal(e.code, SM_CSV_E_UNTERMINATED);
	assert_int_equal(e.row, 2);
	assert_int_equal(e.line, 3);
	assert_int_equal(e.column, 2);
	e = first_error("\"", 1, NULL);
	assert_int_equal(e.code, SM_CSV_E_UNTERMINATED);
	assert_int_equal(e.row, 1);
	assert_int_equal(e.column, 1);
	assert_string_equal(e.message, "row 1, column 1: unterminated quoted field (the quote opened here is never closed)");
}

static void test_stray_quote(void **state)
{
	(void)state;
	sm_csv_error e;
	const char *text = "name,dose\nA,5\nB,5\"mg\nC,6\n";
	sm_csv_reader *r;
	const sm_csv_field *f;
	size_t n;
	e = first_error(text, strlen(text), NULL);
	assert_int_equal(e.code, SM_CSV_E_STRAY_QUOTE);
	assert_int_equal(e.row, 3);
	assert_int_equal(e.column, 2);
	assert_int_equal(e.line, 3);
	assert_non_null(strstr(e.message, "row 3, column 2 (\"dose\"): a quote"));
	/* final errors stay */
	r = sm_csv_reader_open_mem(text, strlen(text), NULL);
	assert_int_equal(sm_csv_read(r, &f, &n), SM_CSV_RECORD);
	assert_int_equal(sm_csv_read(r, &f, &n), SM_CSV_ERROR);
	assert_null(f);
	assert_int_equal(n, 0);
	assert_int_equal(sm_csv_read(r, &f, &n), SM_CSV_ERROR);
	assert_int_equal(sm_csv_reader_error(r)->code, SM_CSV_E_STRAY_QUOTE);
	sm_csv_reader_free(r);
	/* a stray quote far into a long field (the fast path) */
	{
		char buf[300];
		memset(buf, 'x', sizeof buf);
		memcpy(buf, "a,b\n1,", 6);
		buf[200] = '"';
		buf[298] = '\n';
		buf[299] = '\0';
		e = first_error(buf, 299, NULL);
		assert_int_equal(e.code, SM_CSV_E_STRAY_QUOTE);
		assert_int_equal(e.row, 2);
		assert_int_equal(e.column, 2);
	}
}

static void test_garbage_after_quote(void **state)
{
	(void)state;
	sm_csv_error e;
	e = first_error("a,b\n\"x\"y,2\n", 11, NULL);
	assert_int_equal(e.code, SM_CSV_E_AFTER_QUOTE);
	assert_int_equal(e.row, 2);
	assert_int_equal(e.column, 1);
	assert_string_equal(e.message, "row 2, column 1 (\"a\"): unexpected 'y' after the closing quote; "
	                               "expected a delimiter or the end of the line");
	e = first_error("a,b\n1,\"x\" \n", 11, NULL);
	assert_int_equal(e.code, SM_CSV_E_AFTER_QUOTE);
	assert_int_equal(e.column, 2);
	assert_non_null(strstr(e.message, "byte 0x20"));
}

static void test_bare_cr(void **state)
{
	(void)state;
	sm_csv_error e;
	/* old Mac line ends must not silently make one record */
	e = first_error("a,b\r1,2\r3,4\r", 12, NULL);
	assert_int_equal(e.code, SM_CSV_E_BARE_CR);
	assert_int_equal(e.row, 1);
	assert_int_equal(e.column, 2);
	e = first_error("a,b\n\"1\"\r,2\n", 11, NULL);
	assert_int_equal(e.code, SM_CSV_E_BARE_CR);
	assert_int_equal(e.row, 2);
	/* inside quotes a CR is data */
	EXPECT_DUMP("a\n\"x\ry\"\n", "H 1:a|\n3:x\ry|\n");
}

static void test_record_cap(void **state)
{
	(void)state;
	sm_csv_options o = opts(false);
	sm_csv_error e;
	char big[5000];
	size_t i;
	o.max_record = 16;
	/* 15 bytes + LF = 16: accepted */
	EXPECT_DUMP_OPT("123456789,12345\n", 16, &o, "9:123456789|5:12345|\n");
	/* 16 + LF = 17: refused, even though the buffer could hold it */
	e = first_error("123456789,123456\n", 17, &o);
	assert_int_equal(e.code, SM_CSV_E_TOO_LONG);
	assert_false(e.recoverable);
	assert_int_equal(e.row, 1);
	assert_non_null(strstr(e.message, "longer than the limit of 16 bytes"));
	/* a small buffer grows to the cap and no further */
	o.buffer_size = 8;
	o.max_record = 64;
	for (i = 0; i < sizeof big; i++)
		big[i] = (char)('a' + i % 26);
	big[10] = ',';
	e = first_error(big, sizeof big, &o);
	assert_int_equal(e.code, SM_CSV_E_TOO_LONG);
	assert_int_equal(e.row, 1);
	assert_int_equal(e.column, 2);
	/* an unbalanced quote runs into the cap, not into memory */
	big[11] = '"';
	e = first_error(big, sizeof big, &o);
	assert_int_equal(e.code, SM_CSV_E_TOO_LONG);
	/* second record over the cap */
	o.max_record = 8;
	e = first_error("a,b\nc,d\n1234567,9\n", 18, &o);
	assert_int_equal(e.code, SM_CSV_E_TOO_LONG);
	assert_int_equal(e.row, 3);
	assert_int_equal(e.line, 3);
}

/* issue 13: a NUL byte inside a value would cut it short for every C string
** reader ("80<NUL>5" read as 80): a recoverable error naming row and column */
static void test_nul_byte(void **state)
{
	(void)state;
	sm_csv_error e = first_error("id,kps\n1,80\0" "5\n", 14, NULL);
	assert_int_equal(e.code, SM_CSV_E_UTF8);
	assert_true(e.recoverable);
	assert_int_equal(e.row, 2); /* the header is row 1 */
	assert_int_equal(e.column, 2);
	assert_non_null(strstr(e.message, "column 2 (\"kps\"): a NUL byte"));
	/* quoted, and in an ASCII-only record alike */
	e = first_error("a,b\nx,\"y\0z\"\n", 12, NULL);
	assert_int_equal(e.code, SM_CSV_E_UTF8);
	assert_int_equal(e.column, 2);
}

static void test_utf8(void **state)
{
	(void)state;
	sm_csv_options o = opts(true);
	sm_csv_error e;
	/* valid: 2, 3 and 4 byte sequences */
	EXPECT_DUMP("name,x\nJos\xC3\xA9,\xE2\x82\xAC\n\xF0\x9F\x98\x80,\"\xC3\xA9\"\"\"\n",
	            "H 4:name|1:x|\n5:Jos\xC3\xA9|3:\xE2\x82\xAC|\n4:\xF0\x9F\x98\x80|3:\xC3\xA9\"|\n");
	/* Latin-1 from a spreadsheet: recoverable, with row and column */
	e = first_error("name,city\nA,Z\xFCrich\n", 19, NULL);
	assert_int_equal(e.code, SM_CSV_E_UTF8);
	assert_true(e.recoverable);
	assert_int_equal(e.row, 2);
	assert_int_equal(e.column, 2);
	assert_string_equal(e.message, "row 2, column 2 (\"city\"): invalid UTF-8 (byte 0xFC); save the file as CSV in UTF-8");
	EXPECT_DUMP("a,b\n\xC3\xA9,\xC3\n1,2\n",
	            "H 1:a|1:b|\nE6 row 2, column 2 (\"b\"): invalid UTF-8 (byte 0xC3); save the file as CSV in UTF-8\n"
	            "R 2:\xC3\xA9|1:\xC3|\n1:1|1:2|\n");
	/* overlong, surrogate, above U+10FFFF, stray continuation */
	assert_int_equal(first_error("a\n\xC0\xAF\n", 5, NULL).code, SM_CSV_E_UTF8);
	assert_int_equal(first_error("a\n\xE0\x80\xAF\n", 6, NULL).code, SM_CSV_E_UTF8);
	assert_int_equal(first_error("a\n\xED\xA0\x80\n", 6, NULL).code, SM_CSV_E_UTF8);
	assert_int_equal(first_error("a\n\xF4\x90\x80\x80\n", 7, NULL).code, SM_CSV_E_UTF8);
	assert_int_equal(first_error("a\n\x80\n", 4, NULL).code, SM_CSV_E_UTF8);
	/* split by a delimiter */
	assert_int_equal(first_error("a,b\n\xC3,\xA9\n", 8, NULL).code, SM_CSV_E_UTF8);
	/* the line of an error inside a quoted line break */
	e = first_error("a\n\"x\ny\xFF\"\n", 9, NULL);
	assert_int_equal(e.line, 3);
	assert_int_equal(e.row, 2);
	/* a broken header is final */
	e = first_error("\xFF,b\n1,2\n", 8, NULL);
	assert_int_equal(e.code, SM_CSV_E_UTF8);
	assert_false(e.recoverable);
	/* off on request */
	o.check_utf8 = false;
	EXPECT_DUMP_OPT("a\n\xFF\xFE\n", 5, &o, "H 1:a|\n2:\xFF\xFE|\n");
}

static void test_utf16(void **state)
{
	(void)state;
	sm_csv_options o = opts(true);
	sm_csv_error e = first_error("\xFF\xFE" "a\0,\0b\0", 8, NULL);
	assert_int_equal(e.code, SM_CSV_E_UTF16);
	assert_int_equal(e.row, 1);
	assert_string_equal(e.message, "row 1: the file is UTF-16 encoded; save it as CSV in UTF-8");
	e = first_error("\xFE\xFF\0a", 4, NULL);
	assert_int_equal(e.code, SM_CSV_E_UTF16);
	o.check_utf8 = false;
	o.allow_ragged = true;
	e = first_error("\xFE\xFF\0a", 4, &o);
	assert_int_equal(e.code, SM_CSV_E_NONE);
}

/* ---- reader: raw bytes, sources, buffer boundaries ---- */

static void test_raw_record(void **state)
{
	(void)state;
	const char *text = "\xEF\xBB\xBFid,note\r\nP1,\"a, \"\"b\"\"\nc\"\r\nP2,plain\nP3,\"\"";
	sm_csv_reader *r = sm_csv_reader_open_mem(text, strlen(text), NULL);
	const sm_csv_field *f;
	size_t n, len;
	const char *raw;
	sm_csv_raw(r, &raw, &len);
	assert_int_equal(len, 0);
	assert_int_equal(sm_csv_read(r, &f, &n), SM_CSV_RECORD);
	sm_csv_raw(r, &raw, &len);
	assert_int_equal(len, strlen("P1,\"a, \"\"b\"\"\nc\""));
	assert_memory_equal(raw, "P1,\"a, \"\"b\"\"\nc\"", len);
	assert_memory_equal(f[1].ptr, "a, \"b\"\nc", 8);
	assert_int_equal(sm_csv_read(r, &f, &n), SM_CSV_RECORD);
	sm_csv_raw(r, &raw, &len);
	assert_int_equal(len, 8);
	assert_memory_equal(raw, "P2,plain", 8);
	assert_int_equal(sm_csv_read(r, &f, &n), SM_CSV_RECORD);
	sm_csv_raw(r, &raw, &len);
	assert_int_equal(len, 5);
	assert_memory_equal(raw, "P3,\"\"", 5);
	sm_csv_header_raw(r, &raw, &len);
	assert_int_equal(len, 7);
	assert_memory_equal(raw, "id,note", 7);
	assert_int_equal(sm_csv_read(r, &f, &n), SM_CSV_EOF);
	sm_csv_raw(r, &raw, &len);
	assert_int_equal(len, 0);
	sm_csv_reader_free(r);
}

/* A sample with every feature, to be cut at every buffer size. */
static const char SAMPLE[] =
	"\xEF\xBB\xBFid,name,note,empty\r\n"
	"1,Ann,\"said \"\"hi\"\", then\nleft\",\r\n"
	"2,\"B\xC3\xB6rk\",\"\",\"\"\r\n"
	"\r\n"
	"3,,\"multi\r\nline\r\nnote\",x\n"
	"\n"
	"4,\"\"\"\"\"\"\"\",\"a,b,c,d,e,f,g,h,i,j,k,l,m,n,o,p,q,r,s,t,u,v,w,x,y,z,0123456789012345678901234567890123456789\",\n"
	"5,abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyz,\"\xE2\x82\xAC\",\"\"\"\"\n"
	"6,z,\"q\",\"\"\"q\"\"\"\r\n"
	"7,\"\",,\"end\"";

static void test_buffer_boundaries(void **state)
{
	(void)state;
	sm_csv_options o = opts(true);
	char *want = dump_mem_opt(SAMPLE, sizeof SAMPLE - 1, &o);
	size_t size, cut;
	assert_non_null(strstr(want, "H 2:id|4:name|4:note|5:empty|\n"));
	assert_non_null(strstr(want, "17:multi\r\nline\r\nnote|"));
	assert_non_null(strstr(want, "3:\"\"\"|"));
	assert_null(strstr(want, "\nE"));
	for (size = 1; size <= 200; size++) {
		char *got;
		o.buffer_size = size;
		got = dump_mem_opt(SAMPLE, sizeof SAMPLE - 1, &o);
		assert_string_equal(got, want);
		free(got);
	}
	/* and every truncation point gives the same answer for both paths */
	for (cut = 0; cut <= sizeof SAMPLE - 1; cut++) {
		char *a, *b;
		o.buffer_size = 0;
		a = dump_mem_opt(SAMPLE, cut, &o);
		o.buffer_size = 7;
		b = dump_mem_opt(SAMPLE, cut, &o);
		assert_string_equal(a, b);
		free(a);
		free(b);
	}
	free(want);
}

/* Long records: the 64-byte fast path against the byte-exact path. */
static void test_fast_path_long_rows(void **state)
{
	(void)state;
	sbuf in = {0}, want = {0};
	sm_csv_options o = opts(false);
	unsigned seed = 7;
	size_t row, col, size;
	char *got;
	sb_str(&in, "");
	sb_str(&want, "");
	for (row = 0; row < 200; row++) {
		for (col = 0; col < 9; col++) {
			char field[80];
			size_t len, k;
			seed = seed * 1103515245u + 12345u;
			len = (seed >> 16) % 70;
			for (k = 0; k < len; k++) {
				seed = seed * 1103515245u + 12345u;
				field[k] = "abc ,\"\n\rxyz012"[(seed >> 16) % 14]; /* not the string's NUL: a NUL in a value is an error */
			}
			if (col)
				sb_str(&in, ",");
			if (memchr(field, ',', len) || memchr(field, '"', len) || memchr(field, '\n', len) ||
			    memchr(field, '\r', len) || (seed & 1)) {
				sb_str(&in, "\"");
				for (k = 0; k < len; k++) {
					if (field[k] == '"')
						sb_str(&in, "\"");
					sb_add(&in, &field[k], 1);
				}
				sb_str(&in, "\"");
			} else {
				sb_add(&in, field, len);
			}
			{
				char num[24];
				snprintf(num, sizeof num, "%zu:", len);
				sb_str(&want, num);
			}
			sb_add(&want, field, len);
			sb_str(&want, "|");
		}
		sb_str(&in, row % 3 ? "\r\n" : "\n");
		sb_str(&want, "\n");
	}
	for (size = 8; size <= 8192; size = size * 3 + 1) {
		o.buffer_size = size;
		got = dump_mem_opt(in.s, in.len, &o);
		assert_string_equal(got, want.s);
		free(got);
	}
	free(in.s);
	free(want.s);
}

static void test_file_and_fd_sources(void **state)
{
	(void)state;
	sm_csv_options o = opts(true);
	char *want = dump_mem_opt(SAMPLE, sizeof SAMPLE - 1, &o);
	size_t size;
	int fds[2];
	for (size = 1; size <= 64; size += 9) {
		FILE *fp = fmemopen((void *)(uintptr_t)SAMPLE, sizeof SAMPLE - 1, "r");
		sm_csv_reader *r;
		char *got;
		assert_non_null(fp);
		o.buffer_size = size;
		r = sm_csv_reader_open_file(fp, &o);
		got = dump_reader(r);
		assert_string_equal(got, want);
		free(got);
		sm_csv_reader_free(r);
		fclose(fp);
	}
	/* a pipe delivers what it has */
	assert_int_equal(pipe(fds), 0);
	assert_int_equal(write(fds[1], SAMPLE, sizeof SAMPLE - 1), (ssize_t)(sizeof SAMPLE - 1));
	close(fds[1]);
	{
		sm_csv_reader *r;
		char *got;
		o.buffer_size = 5;
		r = sm_csv_reader_open_fd(fds[0], &o);
		got = dump_reader(r);
		assert_string_equal(got, want);
		free(got);
		sm_csv_reader_free(r);
		close(fds[0]);
	}
	/* a file under the build directory */
	{
		const char *dir = getenv("BUILD");
		char path[512];
		int fd;
		sm_csv_reader *r;
		char *got;
		snprintf(path, sizeof path, "%s/test_csv_XXXXXX", dir && *dir ? dir : "build");
		fd = mkstemp(path);
		if (fd < 0) {
			snprintf(path, sizeof path, "/tmp/test_csv_XXXXXX");
			fd = mkstemp(path);
		}
		assert_true(fd >= 0);
		assert_int_equal(write(fd, SAMPLE, sizeof SAMPLE - 1), (ssize_t)(sizeof SAMPLE - 1));
		assert_int_equal(lseek(fd, 0, SEEK_SET), 0);
		r = sm_csv_reader_open_fd(fd, NULL);
		got = dump_reader(r);
		assert_string_equal(got, want);
		free(got);
		sm_csv_reader_free(r);
		close(fd);
		unlink(path);
	}
	/* a read error is reported, not taken for the end */
	{
		sm_csv_reader *r = sm_csv_reader_open_fd(1000, NULL);
		const sm_csv_field *f;
		size_t n;
		assert_int_equal(sm_csv_read(r, &f, &n), SM_CSV_ERROR);
		assert_int_equal(sm_csv_reader_error(r)->code, SM_CSV_E_IO);
		assert_int_equal(sm_csv_reader_error(r)->status, SM_E_IO);
		assert_non_null(strstr(sm_csv_reader_error(r)->message, "read error"));
		sm_csv_reader_free(r);
	}
	assert_null(sm_csv_reader_open_fd(-1, NULL));
	assert_null(sm_csv_reader_open_file(NULL, NULL));
	free(want);
}

/* ---- writer (one field at a time) ---- */

static char *encode_row(const char *const *fields, size_t n, char delim)
{
	sbuf b = {0};
	sb_str(&b, "");
	for (size_t i = 0; i < n; i++) {
		size_t len = strlen(fields[i]);
		char *d = malloc(SM_CSV_FIELD_MAX(len));
		assert_non_null(d);
		if (i)
			sb_add(&b, &delim, 1);
		sb_add(&b, d, sm_csv_field_encode(d, fields[i], len, delim));
		free(d);
	}
	sb_str(&b, "\n");
	return b.s;
}

static void test_writer_quoting(void **state)
{
	(void)state;
	const char *plain[] = {"P1", "64", "breast", ""};
	const char *special[] = {"a,b", "say \"hi\"", "cr\rx", "lf\nx", " lead", "trail ", "\ttab", "mid dle"};
	char *s;
	s = encode_row(plain, 4, ',');
	assert_string_equal(s, "P1,64,breast,\n");
	free(s);
	s = encode_row(special, 8, ',');
	assert_string_equal(s, "\"a,b\",\"say \"\"hi\"\"\",\"cr\rx\",\"lf\nx\",\" lead\",\"trail \",\"\ttab\",mid dle\n");
	free(s);
	{
		const char *f[] = {"a,b", "c;d", "e"};
		s = encode_row(f, 3, ';');
		assert_string_equal(s, "a,b;\"c;d\";e\n");
		free(s);
	}
	{
		/* the worst case fills SM_CSV_FIELD_MAX exactly */
		char d[SM_CSV_FIELD_MAX(3)];
		assert_int_equal(sm_csv_field_encode(d, "\"\"\"", 3, ','), SM_CSV_FIELD_MAX(3));
		assert_memory_equal(d, "\"\"\"\"\"\"\"\"", 8);
	}
	assert_true(sm_csv_needs_quotes("a,b", 3, 0));
	assert_false(sm_csv_needs_quotes("a;b", 3, 0));
	assert_true(sm_csv_needs_quotes("a;b", 3, ';'));
	assert_false(sm_csv_needs_quotes("", 0, 0));
	assert_true(sm_csv_needs_quotes("x ", 2, 0));
	assert_false(sm_csv_needs_quotes("0123456789abcdefghij", 20, 0));
	assert_true(sm_csv_needs_quotes("0123456789abcdefghij\"", 21, 0));
}

/* Random fields through the field writer and back through the reader. */
static void test_writer_round_trip(void **state)
{
	(void)state;
	static const char alphabet[] = "ab ,;\"\r\n\t\xC3\xA9x";
	unsigned seed = 12345;
	int iter;
	for (iter = 0; iter < 300; iter++) {
		sm_csv_options ro;
		sm_csv_reader *r;
		sbuf out = {0}, want = {0};
		char *got;
		size_t rows, row, col, ncols;
		char delim = iter % 3 == 0 ? ';' : ',';
		const char *eol = iter % 2 ? "\r\n" : "\n";
		sm_csv_options_init(&ro);
		ro.delimiter = delim;
		ro.header = false;
		ro.check_utf8 = false;
		ro.buffer_size = (size_t)(iter % 7 + 1);
		sb_str(&out, "");
		sb_str(&want, "");
		seed = seed * 1103515245u + 12345u;
		rows = (seed >> 16) % 6;
		seed = seed * 1103515245u + 12345u;
		ncols = 2 + (seed >> 16) % 3; /* one empty field alone would read back as a blank line */
		for (row = 0; row < rows; row++) {
			for (col = 0; col < ncols; col++) {
				char field[40], enc[SM_CSV_FIELD_MAX(40)];
				char num[24];
				size_t len, k;
				seed = seed * 1103515245u + 12345u;
				len = (seed >> 16) % (row % 2 ? 40 : 4);
				for (k = 0; k < len; k++) {
					seed = seed * 1103515245u + 12345u;
					field[k] = alphabet[(seed >> 16) % (sizeof alphabet - 1)];
				}
				if (col)
					sb_add(&out, &delim, 1);
				sb_add(&out, enc, sm_csv_field_encode(enc, field, len, delim));
				snprintf(num, sizeof num, "%zu:", len);
				sb_str(&want, num);
				sb_add(&want, field, len);
				sb_str(&want, "|");
			}
			sb_str(&out, eol);
			sb_str(&want, "\n");
		}
		r = sm_csv_reader_open_mem(out.s, out.len, &ro);
		got = dump_reader(r);
		assert_string_equal(got, want.s);
		free(got);
		sm_csv_reader_free(r);
		free(out.s);
		free(want.s);
	}
}

static void test_strerror_and_null_args(void **state)
{
	(void)state;
	const sm_csv_field *f;
	size_t n;
	const char *raw;
	int c;
	for (c = SM_CSV_E_NONE; c <= SM_CSV_E_NOMEM; c++)
		assert_true(strlen(sm_csv_strerror((sm_csv_errcode)c)) > 0);
	assert_string_equal(sm_csv_strerror((sm_csv_errcode)99), "unknown error");
	assert_int_equal(sm_csv_read(NULL, &f, &n), SM_CSV_ERROR);
	assert_int_equal(sm_csv_header(NULL, &f, &n), SM_CSV_ERROR);
	assert_int_equal(sm_csv_find(NULL, "x"), -1);
	assert_int_equal(sm_csv_reader_error(NULL)->code, SM_CSV_E_NONE);
	sm_csv_raw(NULL, &raw, &n);
	assert_int_equal(n, 0);
	assert_int_equal(sm_csv_row(NULL), 0);
	sm_csv_reader_free(NULL);
	sm_csv_options_init(NULL);
	assert_null(sm_csv_reader_open_mem(NULL, 3, NULL));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_basic_header_and_find),
		cmocka_unit_test(test_quoted_fields),
		cmocka_unit_test(test_doubled_quotes),
		cmocka_unit_test(test_embedded_newlines_and_crlf),
		cmocka_unit_test(test_bom),
		cmocka_unit_test(test_empty_fields),
		cmocka_unit_test(test_trailing_empty_field),
		cmocka_unit_test(test_final_line_without_newline),
		cmocka_unit_test(test_crlf_line_ends),
		cmocka_unit_test(test_blank_lines),
		cmocka_unit_test(test_empty_input),
		cmocka_unit_test(test_no_header),
		cmocka_unit_test(test_other_delimiters),
		cmocka_unit_test(test_ragged_rows),
		cmocka_unit_test(test_unterminated_quote),
		cmocka_unit_test(test_stray_quote),
		cmocka_unit_test(test_garbage_after_quote),
		cmocka_unit_test(test_bare_cr),
		cmocka_unit_test(test_record_cap),
		cmocka_unit_test(test_utf8),
		cmocka_unit_test(test_nul_byte),
		cmocka_unit_test(test_utf16),
		cmocka_unit_test(test_raw_record),
		cmocka_unit_test(test_buffer_boundaries),
		cmocka_unit_test(test_fast_path_long_rows),
		cmocka_unit_test(test_file_and_fd_sources),
		cmocka_unit_test(test_writer_quoting),
		cmocka_unit_test(test_writer_round_trip),
		cmocka_unit_test(test_strerror_and_null_args),
	};
	SM_RUN_SUITE("csv", tests);
}
