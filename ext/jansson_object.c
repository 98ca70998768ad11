/*
** jansson_object.c: json_object() for code loaded into a PostgreSQL server.
**
** The postgres executable exports a function named json_object (its SQL
** json_object(text[])), and a library it loads resolves that name to the
** server's function first. mk/ext.mk therefore compiles the JSON adapters of
** the extensions with -Djson_object=smx_jansson_object, and this function
** makes the empty object through another jansson entry point.
*/
#include <jansson.h>

json_t *smx_jansson_object(void);

json_t *smx_jansson_object(void)
{
	return json_pack("{}");
}
