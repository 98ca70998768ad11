#ifndef SM_IO_FILE_H
#define SM_IO_FILE_H
/* file.h: how a path that cannot be used as a file is explained, alike in
** every command (score, assess, batch, validate, registry). */

#define SM_FILE_IS_DIR_TEXT "it is a directory, not a file"

/* 1 when `path` names a directory. */
int sm_file_is_dir(const char *path);

/* Why `path` cannot be used as a file after a failure with errno `err`:
** SM_FILE_IS_DIR_TEXT for a directory, else strerror(err). */
const char *sm_file_error(const char *path, int err);

#endif
