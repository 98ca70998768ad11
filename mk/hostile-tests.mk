# mk/hostile-tests.mk: the hostile-client suite (tests/hostile/): a plain C
# program (libc and POSIX threads only) that starts `spinemets serve` itself;
# tests/run.sh runs it through tests/hostile/run.sh as the suite "hostile".
HOSTILE_TEST := $(BUILD)/tests/hostile_test

tests: $(HOSTILE_TEST)

$(HOSTILE_TEST): tests/hostile/hostile_test.c tests/lib/blackbox.h | $(DEPS_STAMP)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_ALL) -pthread -o $@ $<

