# mk/validate.mk: the checker that tests/cli/validate_cli.sh uses to compare the JSON of
# `spinemets validate` with R's numbers (tests/fixtures/*-expected.txt).
$(BUILD)/tests/validate_check: tests/validate_check.c | $(DEPS_STAMP)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_ALL) -o $@ $< -ljansson -lm

tests: $(BUILD)/tests/validate_check
