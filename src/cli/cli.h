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

/* The registry URL: `given` (--db), else $SPINEMETS_DB, else "sqlite:spinemets.db". */
const char *sm_cli_db_url(const char *given);

/* Read a whole file ("-" = stdin) into a new NUL-terminated buffer, at most
** `cap` bytes. Returns NULL with a message in `err` on failure. */
char *sm_read_all(const char *path, size_t cap, size_t *len, char *err, size_t errsz);

/* Why `path` cannot be used as a file after a failure with errno `err`: "it is a
** directory, not a file" for a directory (every command says it alike), else
** strerror(err). sm_cli_is_dir: 1 when `path` names a directory. */
const char *sm_cli_file_error(const char *path, int err);
int sm_cli_is_dir(const char *path);
#define SM_CLI_IS_DIR_TEXT "it is a directory, not a file"
/* A UTF-8 byte order mark at the start of JSON input is skipped by every
** command (score, assess; batch and validate skip it in CSV). */
#endif
