/*
** score_json.c: libFuzzer target for the JSON input path of `spinemets score`.
** The first byte picks the instrument; the rest is the JSON text. Every result
** is serialised (as the CLI does) and freed.
*/
#include <stdint.h>
#include <stdlib.h>

#include "io/json_score.h"
#include "spinemets.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	const sm_instrument *inst = sm_instrument_at(data[0] % sm_instrument_count());
	sm_result_status st;
	json_t *res = sm_json_score_text(inst, (const char *)data + 1, size - 1, &st);
	if (res) {
		char *s = json_dumps(res, SM_JSON_DUMP_FLAGS);
		free(s);
		json_decref(res);
	}
	return 0;
}
