/* file.c: the one explanation of a path that cannot be used as a file. */
#include "io/file.h"

#include <errno.h>
#include <string.h>
#include <sys/stat.h>

int sm_file_is_dir(const char *path)
{
	struct stat sb;
	return path && stat(path, &sb) == 0 && S_ISDIR(sb.st_mode);
}

const char *sm_file_error(const char *path, int err)
{
	if (err == EISDIR || sm_file_is_dir(path))
		return SM_FILE_IS_DIR_TEXT;
	return strerror(err);
}
