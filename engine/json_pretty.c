/*
 * json_pretty.c — to_json's `pretty` option (json_write.h): a row's
 * compact JSON, as to_json has just written it, rewritten in place as
 * Jackson's DefaultPrettyPrinter writes it (Spark's JacksonGenerator with
 * pretty): an object's members on lines of their own, indented two spaces
 * for each object around them, as "name" : value; arrays inline,
 * "[ 1, 2 ]", adding no indentation; empty ones "{ }" and "[ ]". The
 * compact text holds no blanks outside strings, so every structural byte
 * is a token.
 */
#include "json_write.h"

/* Objects and arrays nested deeper than this fail the row (Jackson's
   own limit on reading is 1000). */
#define MAX_NESTING 4096

static void line_at(jbuf *b, int level)
{
    put_char(b, '\n');
    for (int i = 0; i < level; i++)
        put_raw(b, "  ", 2);
}

/* s[0..n) appended to b, pretty. */
static void pretty(jbuf *b, const char *s, size_t n)
{
    char open[MAX_NESTING];   /* the containers around: 'o' or 'a' */
    int depth = 0, level = 0; /* level: the objects around */
    for (size_t i = 0; i < n && !b->error; i++) {
        char c = s[i];
        if (c == '"') { /* a string, copied to its closing quote */
            size_t j = i + 1;
            while (j < n && s[j] != '"')
                j += s[j] == '\\' ? 2 : 1;
            if (j >= n) j = n - 1;
            put_raw(b, s + i, j - i + 1);
            i = j;
        } else if ((c == '{' || c == '[') && i + 1 < n && s[i + 1] == (c == '{' ? '}' : ']')) {
            put_raw(b, c == '{' ? "{ }" : "[ ]", 3);
            i++;
        } else if ((c == '{' || c == '[') && depth == MAX_NESTING) {
            b->error = "a value nested too deep to write pretty";
        } else if (c == '{') {
            open[depth++] = 'o';
            put_char(b, '{');
            line_at(b, ++level);
        } else if (c == '[') {
            open[depth++] = 'a';
            put_raw(b, "[ ", 2);
        } else if (c == '}') {
            if (depth) depth--;
            line_at(b, --level);
            put_char(b, '}');
        } else if (c == ']') {
            if (depth) depth--;
            put_raw(b, " ]", 2);
        } else if (c == ',' && depth && open[depth - 1] == 'o') {
            put_char(b, ',');
            line_at(b, level);
        } else if (c == ',') {
            put_raw(b, ", ", 2);
        } else if (c == ':') {
            put_raw(b, " : ", 3);
        } else {
            put_char(b, c);
        }
    }
}

void json_pretty_row(jbuf *b, int64_t start)
{
    json_rewrite_since(b, start, pretty);
}
