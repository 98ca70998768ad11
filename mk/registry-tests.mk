# mk/registry-tests.mk: black-box tests of the registry (tests/registry/):
# the API suite, durability (SIGKILL) and the multi-server race, run by
# tests/registry/run.sh against SQLite and PostgreSQL (tests/run.sh runs it as
# the suites registry-sqlite and registry-postgresql). The program links
# jansson and the store archive (made by mk/store.mk; named literally here
# because prerequisites are expanded when this file is read).
REGISTRY_TEST := $(BUILD)/tests/registry_test

tests: $(REGISTRY_TEST)

$(REGISTRY_TEST): tests/registry/registry_test.c tests/registry/harness.h tests/lib/blackbox.h src/store/store.h \
		$(BUILD)/libspinemets_store.a | $(DEPS_STAMP)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_ALL) -pthread -o $@ $< $(LDLIBS_STORE) -lm
