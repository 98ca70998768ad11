/* cli.h: the commands of the spinemets program. */
#ifndef SM_CLI_H
#define SM_CLI_H
#include <stddef.h>
#include <stdio.h>

/* Exit codes (ARCHITECTURE.md contract 1). */
enum { SM_EXIT_OK = 0, SM_EXIT_INVALID = 1, SM_EXIT_USAGE = 2 };

int sm_cmd_score(int argc, char **argv);
int sm_cmd_assess(int argc, char **argv);
int sm_cmd_rules(int argc, char **argv);
int sm_cmd_serve(int argc, char **argv);
int sm_cmd_batch(int argc, char **argv);
int sm_cmd_validate(int argc, char **argv);
int sm_cmd_db(int argc, char **argv);
int sm_cmd_site(int argc, char **argv);
int sm_cmd_user(int argc, char **argv);
int sm_cmd_export(int argc, char **argv);
int sm_cmd_fhir(int argc, char **argv);
/* `assess --fhir FILE`: the assessment of case `c` (read from `text`) as a FHIR
** R4 Bundle written to FILE. 0 on success; else a message on stderr. */
struct sm_case;
struct sm_assessment;
int sm_fhir_write(const char *path, const char *text, size_t len, const struct sm_case *c, const struct sm_assessment *a);

/* "Instruments: sins escc ...": every instrument of the core's table, wrapped
** at 80 columns, for the --help texts (generated from the table, never typed). */
void sm_cli_instrument_list(FILE *f);

/* The registry URL: `given` (--db), else $SPINEMETS_DB, else "sqlite:spinemets.db". */
const char *sm_cli_db_url(const char *given);

/* Read a whole file ("-" = stdin) into a new NUL-terminated buffer, at most
** `cap` bytes. Returns NULL with a message in `err` on failure. */
char *sm_read_all(const char *path, size_t cap, size_t *len, char *err, size_t errsz);

/* sm_cli_file_error / sm_cli_is_dir: the io layer's explanation of a path
** that cannot be used as a file (io/file.h), shared with the research engine. */
#include "io/file.h"
#define sm_cli_file_error sm_file_error
#define sm_cli_is_dir sm_file_is_dir
#define SM_CLI_IS_DIR_TEXT SM_FILE_IS_DIR_TEXT
/* A UTF-8 byte order mark at the start of JSON input is skipped by every
** command (score, assess; batch and validate skip it in CSV). */
#endif
