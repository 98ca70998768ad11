/*
** utf8.h: the one UTF-8 validator of the program (RFC 3629): the CSV reader
** checks records with it, the JSON writer (jw.c) replaces what fails it.
** Overlong forms, UTF-16 surrogates (U+D800..U+DFFF), code points beyond
** U+10FFFF and truncated sequences are not UTF-8.
*/
#ifndef SM_IO_UTF8_H
#define SM_IO_UTF8_H
#include <stddef.h>

/* Length (1..4) of the valid UTF-8 sequence that starts s[0..n), n >= 1;
** 0 when s[0] does not start one. */
size_t sm_utf8_seq(const unsigned char *s, size_t n);

/* Offset of the first byte of s[0..n) that is not valid UTF-8, or n. */
size_t sm_utf8_invalid_at(const unsigned char *s, size_t n);
#endif
