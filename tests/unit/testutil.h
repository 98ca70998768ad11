/*
** testutil.h: shared glue for the cmocka unit suites.
** Every suite ends with one line "N passed, M failed" (tests/run.sh sums them).
*/
#ifndef SM_TESTUTIL_H
#define SM_TESTUTIL_H
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <cmocka.h>

#define SM_RUN_SUITE(name, tests)                                              \
	do {                                                                   \
		int failed_ = cmocka_run_group_tests_name(name, tests, NULL, NULL); \
		size_t n_ = sizeof(tests) / sizeof((tests)[0]);                 \
		fflush(stderr);                                                \
		printf("%zu passed, %d failed\n", n_ - (size_t)failed_, failed_); \
		return failed_ ? 1 : 0;                                        \
	} while (0)

#endif
