/* Unit tests of a checkpoint log's writes (tide_fs_write_once): an entry
   written through a spare file reuses its inode and holds exactly the new
   content, whether the spare was longer (cut to size) or shorter
   (extended); without a spare a new file is made; an existing entry is
   never overwritten, nor is an entry the spare still names (a kill
   between an entry's link and the spare's unlink leaves both names on
   one inode). */
#include "check.h"
#include "tide_ffi.h"

#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

static char dir[64];
static char errbuf[512];

static const char *path_of(const char *name)
{
    static char paths[4][128];
    static int next;
    char *p = paths[next++ % 4];
    snprintf(p, 128, "%s/%s", dir, name);
    return p;
}

static void put(const char *path, const char *text)
{
    FILE *f = fopen(path, "wb");
    fputs(text, f);
    fclose(f);
}

/* The whole file as a string ("" when missing). */
static const char *content(const char *path)
{
    static char buf[4096];
    FILE *f = fopen(path, "rb");
    size_t n = f ? fread(buf, 1, sizeof buf - 1, f) : 0;
    if (f) fclose(f);
    buf[n] = '\0';
    return buf;
}

static ino_t inode(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 ? st.st_ino : 0;
}

static void setup(void)
{
    snprintf(dir, sizeof dir, "/tmp/tide_cpfiles_XXXXXX");
    CHECK(mkdtemp(dir) != NULL);
}

/* An entry written through a spare that held `old`: exactly its own
   content, on the spare's inode, and the spare gone. */
static void check_through_spare(const char *old, const char *entry, int32_t sync_dir)
{
    setup();
    const char *spare = path_of(".spare");
    put(spare, old);
    ino_t before = inode(spare);
    CHECK(tide_fs_write_once(path_of("7"), entry, strlen(entry), spare, sync_dir, errbuf,
                             sizeof errbuf) == 0);
    CHECK_STR(content(path_of("7")), entry);
    CHECK(inode(path_of("7")) == before);
    CHECK(access(spare, F_OK) != 0);
}

static void a_longer_spare_is_cut_to_the_new_content(void)
{
    check_through_spare("v1\n{\"an older, longer entry\":1234567890123456789}", "v1\n{\"a\":1}", 1);
}

static void a_shorter_spare_is_extended(void)
{
    check_through_spare("v1", "v1\n{\"batchWatermarkMs\":0,\"batchTimestampMs\":1796450000000}", 0);
}

static void without_a_spare_a_new_file_is_made(void)
{
    setup();
    const char *entry = "v1\n{}";
    CHECK(tide_fs_write_once(path_of("logs/0"), entry, strlen(entry), path_of("logs/.spare"), 1,
                             errbuf, sizeof errbuf) == 0);
    CHECK_STR(content(path_of("logs/0")), entry);
}

static void an_existing_entry_is_not_overwritten(void)
{
    setup();
    put(path_of("3"), "theirs");
    const char *spare = path_of(".spare");
    put(spare, "spare");
    CHECK(tide_fs_write_once(path_of("3"), "ours", 4, spare, 1, errbuf, sizeof errbuf) == -1);
    CHECK(strstr(errbuf, "already exists") != NULL);
    CHECK_STR(content(path_of("3")), "theirs");
}

static void a_spare_that_is_also_an_entry_is_left_to_the_entry(void)
{
    setup();
    put(path_of("4"), "v1\n{\"entry\":4}");
    char spare[128];
    snprintf(spare, sizeof spare, "%s", path_of(".spare"));
    CHECK(link(path_of("4"), spare) == 0);
    const char *entry = "v1\n{\"entry\":5}";
    CHECK(tide_fs_write_once(path_of("5"), entry, strlen(entry), spare, 1, errbuf, sizeof errbuf) ==
          0);
    CHECK_STR(content(path_of("4")), "v1\n{\"entry\":4}");
    CHECK_STR(content(path_of("5")), entry);
    CHECK(inode(path_of("5")) != inode(path_of("4")));
    CHECK(access(spare, F_OK) != 0);
}

TEST_MAIN(TEST(a_longer_spare_is_cut_to_the_new_content), TEST(a_shorter_spare_is_extended),
          TEST(without_a_spare_a_new_file_is_made), TEST(an_existing_entry_is_not_overwritten),
          TEST(a_spare_that_is_also_an_entry_is_left_to_the_entry))
