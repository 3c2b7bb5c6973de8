/*
 * checkpoint.c — the file operations a checkpoint relies on: a durable
 * atomic write (temp file, fdatasync, rename, fsync of the directory), a
 * complete-or-absent write (the same without the directory's fsync, for
 * files whose loss in a crash is recoverable), a no-overwrite mode that
 * makes a batch id's file writable once, the reuse of a pruned file's
 * inode for the next one, directory listing, and an exclusive lock so two
 * processes never share one checkpoint. The formats themselves live in lua/tide/checkpoint.lua.
 */
#include "tide_ffi.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

static int fail(char *errbuf, size_t errlen, const char *what, const char *path)
{
    snprintf(errbuf, errlen, "%s %s: %s", what, path, strerror(errno));
    return -1;
}

int tide_fs_mkdirs(const char *path, char *errbuf, size_t errlen)
{
    char buf[4096];
    size_t n = strlen(path);
    if (n == 0 || n >= sizeof buf) {
        snprintf(errbuf, errlen, "bad directory path '%s'", path);
        return -1;
    }
    memcpy(buf, path, n + 1);
    for (char *p = buf + 1; *p; p++) {
        if (*p != '/') continue;
        *p = '\0';
        if (mkdir(buf, 0755) != 0 && errno != EEXIST) return fail(errbuf, errlen, "cannot create", buf);
        *p = '/';
    }
    if (mkdir(buf, 0755) != 0 && errno != EEXIST) return fail(errbuf, errlen, "cannot create", buf);
    return 0;
}

static int fsync_dir(const char *dir, char *errbuf, size_t errlen)
{
    int fd = open(dir, O_RDONLY | O_DIRECTORY);
    if (fd < 0) return fail(errbuf, errlen, "cannot open directory", dir);
    int rc = fsync(fd);
    close(fd);
    return rc == 0 ? 0 : fail(errbuf, errlen, "cannot sync directory", dir);
}

static int write_all(int fd, const char *data, size_t len)
{
    while (len > 0) {
        ssize_t w = write(fd, data, len);
        if (w < 0) {
            if (errno == EINTR) continue;
            return -1;
        }
        data += w;
        len -= (size_t)w;
    }
    return 0;
}

/* The temp file of path, written and synced: its content is on disk
   before any name points to it. A spare file (an entry pruned from the
   log) is rewritten when there is one, so that a steady stream allocates
   no inode per file: on a file system with many recently deleted inodes
   (ext4 scans them on every create) that is most of a small write's cost.
   The spare is overwritten in place, not truncated first: an entry of a
   log is as long as the one before it, or nearly, so its blocks stay
   allocated and its size stays put, and fdatasync then has only the data
   to write, with no journal commit (truncating and writing again made
   one, beside the directory's: under a broker's writes on the same ext4
   volume, p99 9.6-26 ms a write against 0.6-14 in place). fdatasync
   keeps what reading the content back needs (its size, its blocks),
   fsync would add the times. The directory is created when missing
   (tried only when the create fails, not once per write). */
static int write_temp(const char *path, const char *dir, const char *spare, char *tmp,
                      size_t tmplen, const char *data, size_t len, char *errbuf, size_t errlen)
{
    int fd = -1;
    struct stat st;
    if (spare) {
        snprintf(tmp, tmplen, "%s", spare);
        fd = open(tmp, O_WRONLY | O_CLOEXEC);
        if (fd >= 0 && fstat(fd, &st) != 0) {
            close(fd);
            fd = -1;
        } else if (fd >= 0 && st.st_nlink > 1) {
            /* The other name is an entry's (a kill between its link and
               the spare's unlink): the entry keeps the inode. */
            unlink(tmp);
            close(fd);
            fd = -1;
        }
    }
    if (fd < 0) {
        /* Hidden (a dot name in path's directory): a kill before the
           rename leaves a file that readers of the directory skip, as
           they skip Spark's. */
        const char *slash = strrchr(path, '/');
        size_t dirlen = slash ? (size_t)(slash - path) + 1 : 0;
        snprintf(tmp, tmplen, "%.*s.%s.%ld.tmp", (int)dirlen, path, path + dirlen, (long)getpid());
        fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
        st.st_size = 0;
    }
    if (fd < 0 && errno == ENOENT) {
        if (tide_fs_mkdirs(dir, errbuf, errlen) != 0) return -1;
        fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    }
    if (fd < 0) return fail(errbuf, errlen, "cannot write", path);
    if (write_all(fd, data, len) != 0 ||
        (st.st_size > (off_t)len && ftruncate(fd, (off_t)len) != 0) || fdatasync(fd) != 0) {
        fail(errbuf, errlen, "cannot write", path);
        close(fd);
        unlink(tmp);
        return -1;
    }
    if (close(fd) != 0) {
        fail(errbuf, errlen, "cannot write", path);
        unlink(tmp);
        return -1;
    }
    return 0;
}

static int write_file(const char *path, const char *data, size_t len, int32_t overwrite,
                      const char *spare, int sync_dir, char *errbuf, size_t errlen)
{
    char dir[4096], tmp[4200];
    size_t n = strlen(path);
    if (n == 0 || n >= sizeof dir || (spare && strlen(spare) >= sizeof tmp)) {
        snprintf(errbuf, errlen, "bad file path '%s'", path);
        return -1;
    }
    memcpy(dir, path, n + 1);
    char *slash = strrchr(dir, '/');
    if (slash == dir) slash[1] = '\0';
    else if (slash) *slash = '\0';
    else strcpy(dir, ".");
    if (!overwrite && access(path, F_OK) == 0) {
        snprintf(errbuf, errlen, "%s already exists (another writer got there first?)", path);
        return -1;
    }
    if (write_temp(path, dir, spare, tmp, sizeof tmp, data, len, errbuf, errlen) != 0) return -1;
    /* link() refuses an existing target, which rename() would replace. */
    int rc = overwrite ? rename(tmp, path) : link(tmp, path);
    if (rc != 0) {
        if (errno == EEXIST)
            snprintf(errbuf, errlen, "%s already exists (another writer got there first?)", path);
        else
            fail(errbuf, errlen, "cannot move a new file into place at", path);
        unlink(tmp);
        return -1;
    }
    if (!overwrite) unlink(tmp);
    return sync_dir ? fsync_dir(dir, errbuf, errlen) : 0;
}

int tide_fs_write_atomic(const char *path, const char *data, size_t len, int32_t overwrite,
                         char *errbuf, size_t errlen)
{
    return write_file(path, data, len, overwrite, NULL, 1, errbuf, errlen);
}

int tide_fs_write_once(const char *path, const char *data, size_t len, const char *spare,
                       int32_t sync_dir, char *errbuf, size_t errlen)
{
    return write_file(path, data, len, 0, spare, sync_dir != 0, errbuf, errlen);
}

int64_t tide_fs_list(const char *dir, char *buf, size_t buflen, int64_t *needed, char *errbuf,
                     size_t errlen)
{
    DIR *d = opendir(dir);
    if (!d) {
        if (errno == ENOENT) return 0;
        return fail(errbuf, errlen, "cannot list", dir);
    }
    size_t used = 0, want = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0) continue;
        size_t n = strlen(e->d_name);
        want += n + 1;
        if (used + n + 1 <= buflen) {
            memcpy(buf + used, e->d_name, n);
            buf[used + n] = '\n';
            used += n + 1;
        }
    }
    closedir(d);
    if (want > buflen) {
        *needed = (int64_t)want;
        snprintf(errbuf, errlen, "listing of %s needs %zu bytes", dir, want);
        return -1;
    }
    return (int64_t)used;
}

int tide_fs_remove(const char *path, char *errbuf, size_t errlen)
{
    if (unlink(path) != 0 && errno != ENOENT) return fail(errbuf, errlen, "cannot remove", path);
    return 0;
}

int tide_fs_lock(const char *dir, char *errbuf, size_t errlen)
{
    if (tide_fs_mkdirs(dir, errbuf, errlen) != 0) return -1;
    /* The directory itself, not a file in it: a lock file can be deleted
       (by hand, by a cleanup) while its query runs, and a second query
       would then take a new one and write the same logs. */
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) return fail(errbuf, errlen, "cannot open", dir);
    if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
        if (errno == EWOULDBLOCK)
            snprintf(
                errbuf, errlen,
                "checkpoint %s is in use by another running query (it holds the directory's lock)",
                dir);
        else
            fail(errbuf, errlen, "cannot lock", dir);
        close(fd);
        return -1;
    }
    return fd;
}

void tide_fs_unlock(int fd)
{
    if (fd >= 0) close(fd); /* closing releases the flock */
}
