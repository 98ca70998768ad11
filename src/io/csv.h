/*
** csv.h: the streaming CSV (RFC 4180) reader and the CSV field writer.
**
** Reader
**   - reads a FILE*, a file descriptor or a memory block through its own
**     buffer (default 256 KiB); memory stays bounded: a record longer than
**     `max_record` bytes (default 1 MiB) is an error, never unbounded growth;
**   - UTF-8 (validated by default; a leading byte order mark is skipped; a
**     UTF-16 file is named as such), LF or CRLF line ends, a last line with
**     no line end, quoted fields with doubled quotes and embedded
**     delimiters, CR and LF;
**   - blank lines are skipped (they are not records) unless
**     `keep_blank_lines` is set;
**   - with `header` set (the default) the first record holds column names
**     and every later record must have as many fields; without a header the
**     first record sets the count. `allow_ragged` turns that check off.
**
**   Every record comes back as an array of (pointer, length) fields. Fields
**   are not NUL-terminated. They, and the array, stay valid until the next
**   call of sm_csv_read() or sm_csv_reader_free() on the same reader. Header
**   names stay valid until sm_csv_reader_free().
**
**   Errors carry the record number (`row`, 1-based, the header being row 1;
**   skipped blank lines are not rows), the physical line number (`line`,
**   1-based, which differs from the row after quoted line breaks or blank
**   lines) and the 1-based column, and a sentence such as
**       row 7, column 3: unterminated quoted field
**       row 12 (line 14), column 2 ("age"): a quote (") inside an unquoted field; ...
**   A ragged row and invalid UTF-8 are recoverable: the record is consumed,
**   its fields are returned with SM_CSV_ERROR, and the next call goes on with
**   the next record. Every other error is final: later calls return it again.
**
** Writer
**   One field at a time into the caller's buffer (sm_csv_field_encode):
**   quoted only when needed (delimiter, quote, CR, LF, a leading or trailing
**   space or tab), quotes doubled. `spinemets batch` writes its output with it.
**
** Nothing here is thread-safe per object; distinct objects are independent.
*/
#ifndef SM_IO_CSV_H
#define SM_IO_CSV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "spinemets.h"

#ifdef __cplusplus
extern "C" {
#endif

#define SM_CSV_DEFAULT_BUFFER ((size_t)256 * 1024)
#define SM_CSV_DEFAULT_MAX_RECORD ((size_t)1024 * 1024)

/* One field: `len` bytes at `ptr` (not NUL-terminated; ptr is never NULL). */
typedef struct sm_csv_field {
	const char *ptr;
	size_t len;
} sm_csv_field;

/* Results of sm_csv_read() and sm_csv_header(). */
enum {
	SM_CSV_ERROR = -1, /* see sm_csv_reader_error() */
	SM_CSV_EOF = 0,    /* no more records */
	SM_CSV_RECORD = 1  /* a record (or the header) was returned */
};

typedef enum sm_csv_errcode {
	SM_CSV_E_NONE = 0,
	SM_CSV_E_UNTERMINATED = 1, /* quoted field still open at end of input */
	SM_CSV_E_STRAY_QUOTE = 2,  /* a quote in the middle of an unquoted field */
	SM_CSV_E_AFTER_QUOTE = 3,  /* something other than delimiter/line end after a closing quote */
	SM_CSV_E_BARE_CR = 4,      /* a CR not followed by LF outside quotes */
	SM_CSV_E_RAGGED = 5,       /* wrong number of fields (recoverable) */
	SM_CSV_E_UTF8 = 6,         /* invalid UTF-8, or a NUL byte in a value (recoverable) */
	SM_CSV_E_UTF16 = 7,        /* the input starts with a UTF-16 byte order mark */
	SM_CSV_E_TOO_LONG = 8,     /* a record longer than max_record bytes */
	SM_CSV_E_IO = 9,           /* read failure */
	SM_CSV_E_NOMEM = 10        /* out of memory */
} sm_csv_errcode;

typedef struct sm_csv_error {
	sm_csv_errcode code;
	sm_status status;          /* SM_E_SYNTAX, SM_E_IO or SM_E_NOMEM (SM_OK when none) */
	bool recoverable;          /* true: the next sm_csv_read() continues */
	unsigned long long row;    /* 1-based record number, header = 1 (0 = none) */
	unsigned long long line;   /* 1-based physical line of the error (0 = none) */
	size_t column;             /* 1-based field number (0 = not applicable) */
	char message[256];         /* one sentence, starting "row R..." */
} sm_csv_error;

typedef struct sm_csv_options {
	size_t buffer_size;   /* read buffer in bytes (0 = 256 KiB); it grows up to max_record for a longer record */
	size_t max_record;    /* longest record accepted, in bytes, line end included (0 = 1 MiB) */
	char delimiter;       /* field separator (0 = ','); never '"', CR or LF */
	bool header;          /* the first record holds column names (default true) */
	bool check_utf8;      /* reject invalid UTF-8 and UTF-16 input (default true) */
	bool allow_ragged;    /* accept rows whose field count differs (default false) */
	bool keep_blank_lines;/* return a blank line as a record of one empty field (default false: skip) */
} sm_csv_options;

/* Fill `o` with the defaults above. Passing NULL options means the defaults. */
void sm_csv_options_init(sm_csv_options *o);

typedef struct sm_csv_reader sm_csv_reader;

/* Open a reader. The reader does not take ownership of the FILE* or the
** descriptor (it never closes them) and reads them only through
** sm_csv_read() / sm_csv_header(). A memory block must outlive the reader.
** Return NULL on bad arguments (errno EINVAL) or out of memory (ENOMEM). */
sm_csv_reader *sm_csv_reader_open_file(FILE *fp, const sm_csv_options *o);
sm_csv_reader *sm_csv_reader_open_fd(int fd, const sm_csv_options *o);
sm_csv_reader *sm_csv_reader_open_mem(const void *data, size_t size, const sm_csv_options *o);
void sm_csv_reader_free(sm_csv_reader *r);

/* Next record (the header, when configured, is read first and not returned
** here). SM_CSV_RECORD: *fields and *nfields hold the record. SM_CSV_EOF: no
** more. SM_CSV_ERROR: see sm_csv_reader_error(); for a recoverable error
** *fields / *nfields still hold the offending record. */
int sm_csv_read(sm_csv_reader *r, const sm_csv_field **fields, size_t *nfields);

/* The header (read now if not yet read). SM_CSV_RECORD with the names;
** SM_CSV_EOF with no names when the input is empty or `header` is off;
** SM_CSV_ERROR when the header row is malformed. */
int sm_csv_header(sm_csv_reader *r, const sm_csv_field **names, size_t *nnames);

/* Index (0-based) of the first header column named exactly `name`
** (byte comparison), or -1 when there is none (or no header). */
long sm_csv_find(sm_csv_reader *r, const char *name);
long sm_csv_find_n(sm_csv_reader *r, const char *name, size_t len);

/* The bytes of the last record returned (by sm_csv_read(), including a
** recoverable error), as they were in the input, without its line end: a
** batch tool can copy them through and append columns. Same lifetime as the
** fields. The header's bytes stay available through sm_csv_header_raw()
** until sm_csv_reader_free(). Empty before the first record. */
void sm_csv_raw(const sm_csv_reader *r, const char **bytes, size_t *len);
void sm_csv_header_raw(const sm_csv_reader *r, const char **bytes, size_t *len);

/* Row (header = 1) and physical line where the last returned record started. */
unsigned long long sm_csv_row(const sm_csv_reader *r);
unsigned long long sm_csv_line(const sm_csv_reader *r);

/* The last error (code SM_CSV_E_NONE when there was none). Never NULL. */
const sm_csv_error *sm_csv_reader_error(const sm_csv_reader *r);

/* A static English phrase for an error code; never NULL. */
const char *sm_csv_strerror(sm_csv_errcode code);

/* ---- Writer ---- */

/* Whether a field needs quotes with this delimiter (',' if 0): it holds the
** delimiter, a quote, CR or LF, or starts or ends with a space or tab. */
bool sm_csv_needs_quotes(const char *s, size_t len, char delimiter);

/* Room a field of `len` bytes may take once encoded. */
#define SM_CSV_FIELD_MAX(len) (2 * (len) + 2)
/* Write s[0..len) as one CSV field into dst (room for SM_CSV_FIELD_MAX(len)
** bytes): quoted only when sm_csv_needs_quotes(), quotes doubled. Returns the
** bytes written. The caller writes the delimiters and line ends. */
size_t sm_csv_field_encode(char *dst, const char *s, size_t len, char delimiter);

#ifdef __cplusplus
}
#endif
#endif /* SM_IO_CSV_H */
