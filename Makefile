# spinemets: GNU Make front door.
#   make          build build/libspinemets.a and build/spinemets
#   make check    build with AddressSanitizer + UndefinedBehaviorSanitizer, run every test
#   make run      the web page and API with the registry on http://127.0.0.1:8080/
#                 (SQLite spinemets.db; RUN_DB=URL for another; first start prints admin's password)
#   make examples score and assess the examples in examples/
#   make fuzz     build the libFuzzer targets with clang (FUZZ_SECONDS=600 make fuzz-run)
# Missing Debian packages are installed when run as root (scripts/deps.sh).

SHELL := /bin/bash
CC ?= cc
ifeq ($(origin CC),default)
CC := gcc
endif
BUILD ?= build
SHARED ?= ../shared
OPT ?= -O2 -g
SAN ?=
STD := -std=c11 -D_POSIX_C_SOURCE=200809L -Wall -Wextra -Werror
CORE_WARN := -Wshadow -Wconversion
INC := -Iinclude -Isrc
CFLAGS_ALL = $(STD) $(OPT) $(SAN) $(INC) $(EXTRA_CFLAGS)
LDLIBS_IO := -ljansson -lm
VERSION := $(shell sed -n 's/^\#define SM_ENGINE_VERSION "\(.*\)"/\1/p' include/spinemets.h)

CORE_SRC := $(wildcard src/core/*.c)
STATS_SRC := $(wildcard src/stats/*.c)
IO_SRC := $(wildcard src/io/*.c)
CLI_SRC := $(wildcard src/cli/*.c)
HTTP_SRC := $(wildcard src/http/*.c)
WEB_FILES := $(sort $(wildcard web/*.html web/*.js web/*.css web/*.json web/*.svg web/i18n/*.json))
UNIT_SRC := $(wildcard tests/unit/test_*.c)

obj = $(patsubst %.c,$(BUILD)/obj/%.o,$(1))
CORE_OBJ := $(call obj,$(CORE_SRC))
STATS_OBJ := $(call obj,$(STATS_SRC))
IO_OBJ := $(call obj,$(IO_SRC))
CLI_OBJ := $(call obj,$(CLI_SRC))
HTTP_OBJ := $(call obj,$(HTTP_SRC)) $(BUILD)/obj/gen/assets.o
LDLIBS_HTTP := -lmicrohttpd -lz -pthread
LIB := $(BUILD)/libspinemets.a
BIN := $(BUILD)/spinemets
UNIT_BIN := $(patsubst tests/unit/%.c,$(BUILD)/tests/%,$(UNIT_SRC))
DEPS_STAMP := $(BUILD)/.deps-build

.PHONY: all check run examples fuzz fuzz-run clean deps tests bench
all: $(LIB) $(BIN)

-include mk/*.mk

$(DEPS_STAMP):
	@mkdir -p $(BUILD)
	@scripts/deps.sh build
	@touch $@

$(BUILD)/obj/src/core/%.o $(BUILD)/obj/src/stats/%.o: EXTRA_CFLAGS += $(CORE_WARN)
$(BUILD)/obj/src/%.o: src/%.c include/spinemets.h $(wildcard src/*/*.h) | $(DEPS_STAMP)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_ALL) -c $< -o $@

$(LIB): $(CORE_OBJ) $(STATS_OBJ)
	@rm -f $@
	ar rcs $@ $^

$(BIN): $(CLI_OBJ) $(IO_OBJ) $(HTTP_OBJ) $(LIB)
	$(CC) $(SAN) -o $@ $(CLI_OBJ) $(IO_OBJ) $(HTTP_OBJ) $(LIB) $(LDLIBS_IO) $(LDLIBS_HTTP)

# the web page and the OpenAPI document, embedded at build time
$(BUILD)/tools/embed: tools/embed.c | $(DEPS_STAMP)
	@mkdir -p $(dir $@)
	$(CC) -std=c11 -O1 -Wall -Wextra -Werror -o $@ $< -lz

$(BUILD)/gen/assets.c: $(BUILD)/tools/embed $(WEB_FILES) src/http/openapi.json
	@mkdir -p $(dir $@)
	$(BUILD)/tools/embed $@ web $(WEB_FILES) src/http/openapi.json

$(BUILD)/obj/gen/assets.o: $(BUILD)/gen/assets.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_ALL) -c $< -o $@

# ---- tests ----
$(BUILD)/.deps-check: | $(DEPS_STAMP)
	@scripts/deps.sh check
	@touch $@

$(BUILD)/tests/%: tests/unit/%.c $(IO_OBJ) $(HTTP_OBJ) $(LIB) tests/unit/testutil.h | $(BUILD)/.deps-check
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_ALL) -Itests/unit -o $@ $< $(IO_OBJ) $(HTTP_OBJ) $(LIB) -lcmocka $(LDLIBS_IO) $(LDLIBS_HTTP)

$(BUILD)/tests/vectors: tests/vectors.c $(IO_OBJ) $(LIB) | $(DEPS_STAMP)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_ALL) -o $@ $< $(IO_OBJ) $(LIB) $(LDLIBS_IO)

$(BUILD)/tests/fuzz-replay-%: fuzz/%.c fuzz/replay.c $(IO_OBJ) $(HTTP_OBJ) $(LIB) | $(DEPS_STAMP)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_ALL) -o $@ $< fuzz/replay.c $(IO_OBJ) $(HTTP_OBJ) $(LIB) $(LDLIBS_IO) $(LDLIBS_HTTP)

FUZZ_TARGETS := $(patsubst fuzz/%.c,%,$(filter-out fuzz/replay.c,$(wildcard fuzz/*.c)))
TEST_PROGS = $(UNIT_BIN) $(BUILD)/tests/vectors $(patsubst %,$(BUILD)/tests/fuzz-replay-%,$(FUZZ_TARGETS))

tests: $(BIN) $(TEST_PROGS)

ASAN := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all
check:
	@scripts/deps.sh build check
	@$(MAKE) --no-print-directory BUILD=build/asan SAN="$(ASAN)" OPT="-O1 -g" tests
	@ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	  BUILD=build/asan SHARED=$(SHARED) tests/run.sh

RUN_DB ?= sqlite:spinemets.db
run: $(LIB) $(BIN)
	$(BIN) serve --listen 127.0.0.1:8080 --db '$(RUN_DB)'

examples: $(LIB) $(BIN)
	@scripts/run-examples.sh $(BIN)

# ---- fuzzing (clang + libFuzzer) ----
FUZZ_SECONDS ?= 60
fuzz:
	@scripts/deps.sh build fuzz
	@$(MAKE) --no-print-directory BUILD=build/fuzz CC=clang SAN="-fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=all" OPT="-O1 -g" $(patsubst %,build/fuzz/%,$(FUZZ_TARGETS))

build/fuzz/%: fuzz/%.c $(IO_OBJ) $(HTTP_OBJ) $(LIB)
	$(CC) $(CFLAGS_ALL) -fsanitize=fuzzer -o $@ $< $(IO_OBJ) $(HTTP_OBJ) $(LIB) $(LDLIBS_IO) $(LDLIBS_HTTP)

fuzz-run: fuzz
	@for t in $(FUZZ_TARGETS); do mkdir -p build/fuzz/corpus-$$t; \
	  build/fuzz/$$t -max_total_time=$(FUZZ_SECONDS) -timeout=10 build/fuzz/corpus-$$t fuzz/corpus/$$t || exit 1; done

clean:
	rm -rf build
