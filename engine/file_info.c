/*
 * file_info.c — what file sources need to know about paths: size, kind and
 * modification time, and whether stderr is a terminal (for progress bars).
 */
#include "ffi/csv.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int tide_fs_stat(const char *path, int64_t *size, int32_t *is_dir, double *mtime, char *errbuf,
                 size_t errlen)
{
    struct stat st;
    if (stat(path, &st) != 0) {
        snprintf(errbuf, errlen, "%s: %s", path, strerror(errno));
        return -1;
    }
    *size = (int64_t)st.st_size;
    *is_dir = S_ISDIR(st.st_mode) ? 1 : 0;
    *mtime = (double)st.st_mtim.tv_sec + (double)st.st_mtim.tv_nsec / 1e9;
    return 0;
}

int tide_stderr_is_tty(void)
{
    return isatty(STDERR_FILENO);
}
