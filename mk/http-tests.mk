# mk/http-tests.mk: black-box HTTP tests of `spinemets serve` (tests/http/http_test.c).
# A plain C program (libc and POSIX threads only) that starts the built binary
# itself; tests/run.sh runs it as the suite "http". Part of `make tests` / `make check`.
# (TEST_PROGS is assigned with `=` after this file is included, so the program
# is added to the `tests` target as an extra prerequisite instead.)
HTTP_TEST := $(BUILD)/tests/http_test

tests: $(HTTP_TEST)

$(HTTP_TEST): tests/http/http_test.c tests/lib/blackbox.h | $(DEPS_STAMP)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_ALL) -pthread -o $@ $<
