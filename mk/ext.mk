# mk/ext.mk: the SQL extensions (ext/, issue #16; docs/sql.md).
#   make ext           build/ext/pg/spinemets.so (PostgreSQL, PGXS) and
#                      build/ext/spinemets_sqlite.so (SQLite loadable extension)
#   make ext-install   install the PostgreSQL extension into pg_config's
#                      directories (root), so that CREATE EXTENSION spinemets works
# Both link build/ext/libspinemets_ext.a: the core and the JSON adapters
# (src/io: json_score, json_case, jw, utf8) compiled with -fPIC and no sanitizer,
# whatever BUILD and SAN say (no ASan inside a database server).
EXT_DIR := build/ext
# -Djson_object=...: see ext/jansson_object.c (the server's own json_object)
EXT_CFLAGS := $(STD) -O2 -g -fPIC $(INC) -Djson_object=smx_jansson_object
EXT_IO := src/io/json_score.c src/io/json_case.c src/io/jw.c src/io/utf8.c
EXT_OBJ := $(patsubst %.c,$(EXT_DIR)/obj/%.o,$(CORE_SRC) $(EXT_IO) ext/jansson_object.c)
EXT_LIB := $(EXT_DIR)/libspinemets_ext.a
EXT_PG := $(EXT_DIR)/pg/spinemets.so
EXT_SQLITE := $(EXT_DIR)/spinemets_sqlite.so
PG_CONFIG ?= $(firstword $(wildcard /usr/lib/postgresql/15/bin/pg_config) pg_config)

.PHONY: ext ext-install
ext: $(EXT_PG) $(EXT_SQLITE)

$(EXT_DIR)/.deps:
	@mkdir -p $(EXT_DIR)
	@scripts/deps.sh build ext
	@touch $@

$(EXT_DIR)/obj/src/core/%.o: EXT_CFLAGS += $(CORE_WARN)
$(EXT_DIR)/obj/%.o: %.c mk/ext.mk include/spinemets.h $(wildcard src/*/*.h) | $(EXT_DIR)/.deps
	@mkdir -p $(dir $@)
	$(CC) $(EXT_CFLAGS) -c $< -o $@

$(EXT_LIB): $(EXT_OBJ)
	@rm -f $@
	ar rcs $@ $^

$(EXT_PG): $(EXT_LIB) $(wildcard ext/postgresql/*.c ext/postgresql/*.h ext/postgresql/*.map) ext/postgresql/Makefile include/spinemets.h
	@mkdir -p $(dir $@)
	$(MAKE) --no-print-directory -C $(EXT_DIR)/pg -f $(CURDIR)/ext/postgresql/Makefile \
	  with_llvm=no PG_CONFIG=$(PG_CONFIG) SM_ROOT=$(CURDIR) SM_EXT_LIB=$(CURDIR)/$(EXT_LIB)

ext-install: $(EXT_PG)
	$(MAKE) --no-print-directory -C $(EXT_DIR)/pg -f $(CURDIR)/ext/postgresql/Makefile \
	  with_llvm=no PG_CONFIG=$(PG_CONFIG) SM_ROOT=$(CURDIR) SM_EXT_LIB=$(CURDIR)/$(EXT_LIB) install

$(EXT_SQLITE): ext/sqlite/spinemets_sqlite.c $(EXT_LIB) include/spinemets.h $(wildcard src/io/*.h)
	$(CC) $(EXT_CFLAGS) -shared -o $@ $< $(EXT_LIB) -ljansson -lm

# ---- tests (make check: tests/ext/run.sh, registered in tests/run.sh) ----
# The test programs are built like every test (BUILD, sanitizers); they load
# the extensions above, which check builds first.
EXT_TESTS := $(BUILD)/tests/ext_vectors $(BUILD)/tests/ext_seed
tests: $(EXT_TESTS)
check: ext

$(BUILD)/tests/ext_vectors: tests/ext/ext_vectors.c tests/vectors.c | $(DEPS_STAMP)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_ALL) $(STORE_CFLAGS) -o $@ $< -lpq -lsqlite3 -ljansson

# (the store archive named literally: mk/store.mk, which defines STORE_LIB, is read after this file)
$(BUILD)/tests/ext_seed: tests/ext/ext_seed.c $(BUILD)/libspinemets_store.a src/store/store.h | $(DEPS_STAMP)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_ALL) -o $@ $< $(LDLIBS_STORE)
