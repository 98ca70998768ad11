# mk/store.mk: the registry store (src/store/: one interface, SQLite and
# PostgreSQL backends) and its tests (tests/store/).
#
# The store objects go into $(BUILD)/libspinemets_store.a. Since src/http calls
# the store, the archive and its libraries (libsqlite3, libpq, libsodium,
# jansson) are appended to LDLIBS_HTTP, so the program and every test or fuzz
# target that links the HTTP layer links the store too (their links list
# LDLIBS_HTTP last). tests/run.sh runs tests/store/run.sh once per backend.
STORE_SRC := $(wildcard src/store/*.c)
STORE_OBJ := $(call obj,$(STORE_SRC))
STORE_LIB := $(BUILD)/libspinemets_store.a
STORE_CFLAGS := $(shell pkg-config --cflags libpq 2>/dev/null || echo -I/usr/include/postgresql)
LDLIBS_STORE := $(STORE_LIB) -ljansson -lsqlite3 -lpq -lsodium -lpwquality -pthread
LDLIBS_HTTP += $(LDLIBS_STORE)

$(BUILD)/obj/src/store/%.o: EXTRA_CFLAGS += $(STORE_CFLAGS)

# the archive carries the one UTF-8 validator (io/utf8.c) that the store checks text with
$(STORE_LIB): $(STORE_OBJ) $(BUILD)/obj/src/io/utf8.o
	@rm -f $@
	ar rcs $@ $^

# everything that links LDLIBS_HTTP needs the archive first
STORE_FUZZ_ := $(patsubst fuzz/%.c,%,$(filter-out fuzz/replay.c,$(wildcard fuzz/*.c)))
all: $(STORE_LIB)
$(BIN) $(UNIT_BIN) $(patsubst %,$(BUILD)/tests/fuzz-replay-%,$(STORE_FUZZ_)): $(STORE_LIB)
$(patsubst %,build/fuzz/%,$(STORE_FUZZ_)): $(STORE_LIB)

STORE_TESTS := $(BUILD)/tests/store_test $(BUILD)/tests/store_stress
tests: $(STORE_TESTS)

$(BUILD)/tests/store_test: tests/store/store_test.c $(STORE_LIB) src/store/store.h \
		src/store/store_internal.h tests/unit/testutil.h | $(BUILD)/.deps-check
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_ALL) -Itests/unit -o $@ $< $(LDLIBS_STORE) -lcmocka

$(BUILD)/tests/store_stress: tests/store/store_stress.c $(STORE_LIB) src/store/store.h \
		src/store/store_internal.h | $(DEPS_STAMP)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_ALL) -o $@ $< $(LDLIBS_STORE)
