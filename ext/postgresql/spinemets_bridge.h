/*
** spinemets_bridge.h: the part of the PostgreSQL extension that talks to the
** JSON adapters (src/io, which include jansson.h). Kept apart from
** spinemets_pg.c because jansson and PostgreSQL both declare json_object().
** Every returned text is malloc'd (the caller frees it); nothing here raises a
** PostgreSQL error.
*/
#ifndef SPINEMETS_BRIDGE_H
#define SPINEMETS_BRIDGE_H
#include <stddef.h>
#include "spinemets.h"

/* The result as compact JSON text (the writer of `spinemets score`); NULL when
** out of memory. */
char *smx_result_json(const sm_result *r, size_t *len);

/* Read and assess a case given as JSON text. On success returns the
** assessment as compact JSON text (`spinemets assess --json`). When the case
** is invalid returns NULL and sets *problems to "path: message" lines and
** `first` to the path of the first problem. NULL with *problems NULL: out of
** memory. `c` and `a` are the caller's (they are large). */
char *smx_assess_json(const char *text, size_t len, sm_case *c, sm_assessment *a, size_t *outlen,
                      char **problems, char *first, size_t firstcap);
#endif
