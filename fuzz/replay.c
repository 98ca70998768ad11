/*
** replay.c: runs a fuzz target over every file of a corpus directory without
** libFuzzer, so `make check` exercises the seeds under the sanitizers with gcc.
** usage: fuzz-replay-TARGET CORPUS_DIR   -> "N passed, 0 failed"
** (a crash or sanitizer report aborts the run, which the test runner counts).
*/
#define _POSIX_C_SOURCE 200809L
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: %s CORPUS_DIR\n", argv[0]);
		return 2;
	}
	DIR *d = opendir(argv[1]);
	if (!d) {
		fprintf(stderr, "cannot open corpus %s\n", argv[1]);
		printf("0 passed, 1 failed\n");
		return 1;
	}
	int n = 0;
	struct dirent *de;
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		char path[4096];
		snprintf(path, sizeof path, "%s/%s", argv[1], de->d_name);
		FILE *f = fopen(path, "rb");
		if (!f)
			continue;
		size_t cap = 1 << 16, len = 0;
		uint8_t *buf = malloc(cap);
		size_t got;
		while (buf && (got = fread(buf + len, 1, cap - len, f)) > 0) {
			len += got;
			if (len == cap) {
				uint8_t *nb = realloc(buf, cap * 2);
				if (!nb)
					break;
				buf = nb;
				cap *= 2;
			}
		}
		fclose(f);
		if (buf)
			LLVMFuzzerTestOneInput(buf, len);
		free(buf);
		n++;
	}
	closedir(d);
	printf("%d passed, 0 failed\n", n);
	return 0;
}
