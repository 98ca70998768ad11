# spinemets: GNU Make front door.
#   make          build build/libspinemets.a and build/spinemets
#   make check    build with AddressSanitizer + UndefinedBehaviorSanitizer, run every test
#   make run      the web page and API with the registry on http://127.0.0.1:8080/
#                 (SQLite spinemets.db; RUN_DB=URL for another; first start prints admin's password)
#   make examples score and assess the examples in examples/
#   make doors    regenerate the lists the doors take from the core tables (tools/gen_doors.c)
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
RESEARCH_SRC := $(wildcard src/research/*.c)
HTTP_SRC := $(wildcard src/http/*.c)
WEB_FILES := $(sort $(wildcard web/*.html web/*.js web/*.css web/*.json web/*.svg web/i18n/*.json))
UNIT_SRC := $(wildcard tests/unit/test_*.c)

obj = $(patsubst %.c,$(BUILD)/obj/%.o,$(1))
CORE_OBJ := $(call obj,$(CORE_SRC))
STATS_OBJ := $(call obj,$(STATS_SRC))
IO_OBJ := $(call obj,$(IO_SRC))
CLI_OBJ := $(call obj,$(CLI_SRC))
RESEARCH_OBJ := $(call obj,$(RESEARCH_SRC))
HTTP_OBJ := $(call obj,$(HTTP_SRC)) $(BUILD)/obj/gen/assets.o
LDLIBS_HTTP := -lmicrohttpd -lz -pthread
LIB := $(BUILD)/libspinemets.a
BIN := $(BUILD)/spinemets
UNIT_BIN := $(patsubst tests/unit/%.c,$(BUILD)/tests/%,$(UNIT_SRC))
DEPS_STAMP := $(BUILD)/.deps-build

.PHONY: all check run examples fuzz fuzz-run clean deps tests bench doors
all: $(LIB) $(BIN)

-include mk/*.mk

$(DEPS_STAMP):
	@mkdir -p $(BUILD)
	@scripts/deps.sh build
	@touch $@

$(BUILD)/obj/src/core/%.o $(BUILD)/obj/src/stats/%.o: EXTRA_CFLAGS += $(CORE_WARN)
# -MMD -MP: each object's header dependencies, written by the compiler beside it
# (build/obj/.../x.d) and read back below, so touching one header rebuilds only
# the objects that include it. An object without its .d file (built before
# this rule) is rebuilt once: the empty rule makes a missing .d count as new.
DEPFLAGS = -MMD -MP
SRC_DEPFILES := $(patsubst %.o,%.d,$(CORE_OBJ) $(STATS_OBJ) $(IO_OBJ) $(CLI_OBJ) $(RESEARCH_OBJ) \
                $(filter $(BUILD)/obj/src/%,$(HTTP_OBJ)) $(STORE_OBJ))
$(SRC_DEPFILES): ;
$(BUILD)/obj/src/%.o: src/%.c $(BUILD)/obj/src/%.d | $(DEPS_STAMP)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_ALL) $(DEPFLAGS) -c $< -o $@

$(LIB): $(CORE_OBJ) $(STATS_OBJ)
	@rm -f $@
	ar rcs $@ $^

$(BIN): $(CLI_OBJ) $(RESEARCH_OBJ) $(IO_OBJ) $(HTTP_OBJ) $(LIB)
	$(CC) $(SAN) -o $@ $(CLI_OBJ) $(RESEARCH_OBJ) $(IO_OBJ) $(HTTP_OBJ) $(LIB) $(LDLIBS_IO) $(LDLIBS_HTTP)

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

# the doors' lists generated from the core tables (tools/gen_doors.c):
# `make doors` rewrites them; tests/cli/doors.sh fails when one is stale
GEN_DOORS := $(BUILD)/tools/gen_doors
$(GEN_DOORS): tools/gen_doors.c $(LIB) | $(DEPS_STAMP)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_ALL) -MMD -MP -o $@ $< $(LIB) -lm

doors: $(GEN_DOORS)
	$(GEN_DOORS) vocab-json > web/gen-vocab.json.tmp && mv web/gen-vocab.json.tmp web/gen-vocab.json
	$(GEN_DOORS) openapi src/http/openapi.json > src/http/openapi.json.tmp && mv src/http/openapi.json.tmp src/http/openapi.json
	$(GEN_DOORS) instruments-md docs/instruments.md > docs/instruments.md.tmp && mv docs/instruments.md.tmp docs/instruments.md

# ---- tests ----
$(BUILD)/.deps-check: | $(DEPS_STAMP)
	@scripts/deps.sh check
	@touch $@

# Each test links only the layers it includes: the core and stats archive
# always; the io objects (and jansson) when it includes an io/ header; the
# http objects (and the store) when it includes an http/ header. Read from the
# #include lines, so a new suite needs no entry here.
unit_with = $(patsubst tests/unit/%.c,$(BUILD)/tests/%,$(shell grep -lE '^\#include "($(1))/' $(UNIT_SRC) /dev/null))
UNIT_IO := $(call unit_with,io|http)
UNIT_HTTP := $(call unit_with,http)
TEST_OBJS =
TEST_LIBS = -lm
$(UNIT_IO): TEST_OBJS = $(IO_OBJ)
$(UNIT_IO): TEST_LIBS = $(LDLIBS_IO)
$(UNIT_IO): $(IO_OBJ)
$(UNIT_HTTP): TEST_OBJS = $(IO_OBJ) $(HTTP_OBJ)
$(UNIT_HTTP): TEST_LIBS = $(LDLIBS_IO) $(LDLIBS_HTTP)
$(UNIT_HTTP): $(HTTP_OBJ)

$(BUILD)/tests/%: tests/unit/%.c tests/unit/testutil.h $(LIB) | $(BUILD)/.deps-check
	@mkdir -p $(dir $@) $(BUILD)/tests/deps
	$(CC) $(CFLAGS_ALL) -MMD -MP -MF $(BUILD)/tests/deps/$*.d -Itests/unit -o $@ $< $(TEST_OBJS) $(LIB) -lcmocka $(TEST_LIBS)

# the vectors runner drives the program from outside: jansson only
$(BUILD)/tests/vectors: tests/vectors.c | $(DEPS_STAMP)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_ALL) -o $@ $< -ljansson

# the fuzz targets exercise the io layer; one that includes an http/ header
# also links the http objects (and the store), read from its #include lines
FUZZ_HTTP_ := $(patsubst fuzz/%.c,%,$(shell grep -lE '^\#include "http/' fuzz/*.c /dev/null))
FUZZ_OBJS =
FUZZ_LIBS =
$(patsubst %,$(BUILD)/tests/fuzz-replay-%,$(FUZZ_HTTP_)) $(patsubst %,build/fuzz/%,$(FUZZ_HTTP_)): FUZZ_OBJS = $(HTTP_OBJ)
$(patsubst %,$(BUILD)/tests/fuzz-replay-%,$(FUZZ_HTTP_)) $(patsubst %,build/fuzz/%,$(FUZZ_HTTP_)): FUZZ_LIBS = $(LDLIBS_HTTP)
$(patsubst %,$(BUILD)/tests/fuzz-replay-%,$(FUZZ_HTTP_)) $(patsubst %,build/fuzz/%,$(FUZZ_HTTP_)): $(HTTP_OBJ)
$(BUILD)/tests/fuzz-replay-%: fuzz/%.c fuzz/replay.c $(IO_OBJ) $(LIB) | $(DEPS_STAMP)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_ALL) -o $@ $< fuzz/replay.c $(IO_OBJ) $(FUZZ_OBJS) $(LIB) $(LDLIBS_IO) $(FUZZ_LIBS)

FUZZ_TARGETS := $(patsubst fuzz/%.c,%,$(filter-out fuzz/replay.c,$(wildcard fuzz/*.c)))
TEST_PROGS = $(UNIT_BIN) $(BUILD)/tests/vectors $(patsubst %,$(BUILD)/tests/fuzz-replay-%,$(FUZZ_TARGETS))

tests: $(BIN) $(TEST_PROGS) $(GEN_DOORS)

ASAN := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all
check:
	@scripts/deps.sh build check
	@$(MAKE) --no-print-directory BUILD=build/asan SAN="$(ASAN)" OPT="-O1 -g" tests
	@ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	  BUILD=build/asan SHARED=$(SHARED) tests/run.sh

RUN_DB ?= sqlite:spinemets.db
PORT ?= 8080
run: $(LIB) $(BIN)
	$(BIN) serve --listen 127.0.0.1:$(PORT) --db '$(RUN_DB)'

examples: $(LIB) $(BIN)
	@scripts/run-examples.sh $(BIN)

# ---- fuzzing (clang + libFuzzer) ----
FUZZ_SECONDS ?= 60
fuzz:
	@scripts/deps.sh build fuzz
	@$(MAKE) --no-print-directory BUILD=build/fuzz CC=clang SAN="-fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=all" OPT="-O1 -g" $(patsubst %,build/fuzz/%,$(FUZZ_TARGETS))

build/fuzz/%: fuzz/%.c $(IO_OBJ) $(LIB)
	$(CC) $(CFLAGS_ALL) -fsanitize=fuzzer -o $@ $< $(IO_OBJ) $(FUZZ_OBJS) $(LIB) $(LDLIBS_IO) $(FUZZ_LIBS)

fuzz-run: fuzz
	@for t in $(FUZZ_TARGETS); do mkdir -p build/fuzz/corpus-$$t; \
	  build/fuzz/$$t -max_total_time=$(FUZZ_SECONDS) -timeout=10 build/fuzz/corpus-$$t fuzz/corpus/$$t || exit 1; done

clean:
	rm -rf build

# header dependencies recorded by -MMD (absent on the first build: nothing to rebuild then)
-include $(wildcard $(SRC_DEPFILES) $(BUILD)/tests/deps/*.d $(BUILD)/tools/*.d)
