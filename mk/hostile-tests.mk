# mk/hostile-tests.mk: the hostile-client suite (tests/hostile/): a plain C
# program (libc and POSIX threads only) that starts `spinemets serve` itself;
# tests/run.sh runs it through tests/hostile/run.sh as the suite "hostile".
HOSTILE_TEST := $(BUILD)/tests/hostile_test

tests: $(HOSTILE_TEST)

$(HOSTILE_TEST): tests/hostile/hostile_test.c tests/lib/blackbox.h | $(DEPS_STAMP)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_ALL) -pthread -o $@ $<

# fuzz/http_head.c drives the server's request-head checks and login
# throttling (src/http/guard.c, src/http/limits.c): it links those two objects
# and libsodium instead of the io layer the other fuzz targets link.
HTTP_HEAD_OBJ = $(BUILD)/obj/src/http/guard.o $(BUILD)/obj/src/http/limits.o
$(BUILD)/tests/fuzz-replay-http_head: fuzz/http_head.c fuzz/replay.c $(HTTP_HEAD_OBJ) | $(DEPS_STAMP)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_ALL) -o $@ $< fuzz/replay.c $(HTTP_HEAD_OBJ) -lsodium -pthread

build/fuzz/http_head: fuzz/http_head.c $(HTTP_HEAD_OBJ)
	$(CC) $(CFLAGS_ALL) -fsanitize=fuzzer -o $@ $< $(HTTP_HEAD_OBJ) -lsodium -pthread
