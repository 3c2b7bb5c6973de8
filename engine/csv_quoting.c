/*
 * csv_quoting.c — CSV lines with quotes, through libcsv. The reader
 * (csv_reader.c) splits a line without quotes itself (csv_record.c); a line
 * with quotes comes here, and libcsv keeps a quoted field's state across
 * lines (multiLine) and across the pieces of a line longer than the input
 * buffer (the only lines the reader hands on in pieces), handing fields
 * and record ends to csv_record.c. Escaped quotes (\") are rewritten first
 * as the doubled quotes libcsv knows, and blanks around values dropped when
 * the options say so, escapes and blanks at a piece's end waiting for the
 * next piece, so that the pieces read as the whole line would.
 *
 * libcsv runs in strict mode, and where it stops the quoting is judged as
 * Spark's is: a quote inside an unquoted field (5'10") is an ordinary
 * character; spaces and tabs after a closing quote are skipped when the
 * separator or the line's end follows them ("b" ,), and any other text
 * after a closing quote ("b"x, "b" x) makes the record malformed and the
 * rest of its line is skipped. Without multiLine, Spark's default,
 * a line is a record of its own, so a quote left open at a line's end
 * makes just that line malformed; with it, a quote never closed makes the
 * record run to the end of the file, malformed.
 */
#include "csv_reader.h"

#include <stdlib.h>
#include <string.h>

/* libcsv's parser states (csv.c): between records, inside a field, and
   just after a quote inside a quoted field. */
enum { LIBCSV_ROW_NOT_BEGUN = 0, LIBCSV_FIELD_BEGUN = 2, LIBCSV_FIELD_MIGHT_HAVE_ENDED = 3 };

/* libcsv's options: strict, so that text after a closing quote stops the
   parse (csv_parse returns early with CSV_EPARSE) instead of being glued to
   the field, which keeps the field open to the next quote, lines later. */
#define LIBCSV_OPTIONS (CSV_APPEND_NULL | CSV_EMPTY_IS_NULL | CSV_STRICT)

/* libcsv trims blanks around unquoted fields unless told none are blank;
   Spark keeps them, or drops them at one end or both as told
   (ignoreLeadingWhiteSpace, ignoreTrailingWhiteSpace), which rewrite does. */
static int no_blanks(unsigned char c)
{
    (void)c;
    return 0;
}

int csv_quoting_init(tide_csv_reader *r)
{
    if (csv_init(&r->parser, LIBCSV_OPTIONS) != 0) return -1;
    csv_set_delim(&r->parser, (unsigned char)r->opt.sep);
    csv_set_quote(&r->parser, (unsigned char)r->opt.quote);
    csv_set_space_func(&r->parser, no_blanks);
    return 0;
}

int csv_between_records(const tide_csv_reader *r)
{
    return r->parser.pstate == LIBCSV_ROW_NOT_BEGUN && r->field == 0;
}

/* The blanks univocity drops around a value when told to
   (ignoreLeadingWhiteSpace, ignoreTrailingWhiteSpace). */
static int is_value_blank(const tide_csv_reader *r, unsigned char c)
{
    return c >= 1 && c <= ' ' && c != '\n' && c != '\r' && c != (unsigned char)r->opt.sep;
}

/* Keeps a blank that ends a value so far (ignore_trailing): it is
   dropped if the value ends after it, else written. */
static int hold_blank(tide_csv_reader *r, unsigned char c)
{
    if (r->held_len == r->held_cap) {
        size_t cap = r->held_cap ? r->held_cap * 2 : 64;
        unsigned char *held = realloc(r->held, cap);
        if (!held) return -1;
        r->held = held;
        r->held_cap = cap;
    }
    r->held[r->held_len++] = c;
    return 0;
}

/* Rewrites a line (or a piece of one) into r->scratch as libcsv should
   see it. When `escaping`, an escaped quote (escape + quote inside a
   quoted field) becomes the doubled quote libcsv understands; two escapes
   before a quote are one escape, and the quote is a quote of its own (it
   ends the field or, with another after it, is a doubled one). Outside
   quotes, blanks are dropped at a value's start (ignore_leading, so that a
   quote after them opens a quoted value) and at its end (ignore_trailing;
   libcsv's own trimming would take both ends at once). Where s starts
   comes from libcsv, which has parsed everything before it: inside a
   quoted field, just after a quote in one (a quote first in s doubles it),
   or outside. A line longer than the input buffer comes in pieces, so
   escapes and blanks at the end of one wait in r->escapes_pending and
   r->held for the bytes that give them their meaning: the pieces read as
   the whole line would. */
static const unsigned char *rewrite(tide_csv_reader *r, const unsigned char *s, size_t *n,
                                    int escaping)
{
    int esc = escaping ? r->opt.escape : -1;
    int quote = r->opt.quote ? r->opt.quote : -1;
    unsigned char sep = (unsigned char)r->opt.sep;
    /* At most one byte is written for each byte read, the pending escapes
       and held blanks included. */
    size_t need = *n + r->held_len + 2;
    if (need > r->scratch_cap) {
        unsigned char *buf = realloc(r->scratch, need * 2);
        if (!buf) goto oom;
        r->scratch = buf;
        r->scratch_cap = need * 2;
    }
    int state = r->parser.pstate;
    int in_quotes = state == LIBCSV_FIELD_BEGUN && r->parser.quoted;
    int after_quote =
        state == LIBCSV_FIELD_MIGHT_HAVE_ENDED && !r->blanks_after_quote && r->held_len == 0;
    int field_start = state < LIBCSV_FIELD_BEGUN && r->held_len == 0;
    int escapes = r->escapes_pending; /* read, not yet written (at most 2) */
    unsigned char *out = r->scratch;
    for (size_t i = 0; i < *n; i++) {
        unsigned char c = s[i];
        if (after_quote) {
            after_quote = 0;
            if (c == quote) { /* a doubled quote */
                *out++ = c;
                in_quotes = 1;
                continue;
            }
            field_start = 0; /* the quote ended the field */
        }
        if (in_quotes) {
            if (c == esc) {
                if (escapes == 2)
                    *out++ = c; /* the first of three is an ordinary character */
                else
                    escapes++;
                continue;
            }
            if (c == quote && escapes == 1) { /* an escaped quote */
                *out++ = c;
                *out++ = c;
                escapes = 0;
                continue;
            }
            if (c == quote) {
                if (escapes == 2) *out++ = (unsigned char)esc; /* an escaped escape */
                escapes = 0;
                in_quotes = 0;
                after_quote = 1;
            }
            for (; escapes > 0; escapes--)
                *out++ = (unsigned char)esc; /* before another byte, escapes are ordinary */
            *out++ = c;
            continue;
        }
        if (is_value_blank(r, c)) {
            if (field_start && r->opt.ignore_leading) continue;
            if (r->opt.ignore_trailing) {
                if (hold_blank(r, c) != 0) goto oom;
                continue;
            }
        }
        if (c == sep || c == '\n' || c == '\r') {
            r->held_len = 0; /* the value ends: its blanks go */
            field_start = 1;
        } else {
            if (r->held_len) { /* not the value's end: its blanks stay */
                memcpy(out, r->held, r->held_len);
                out += r->held_len;
                r->held_len = 0;
                field_start = 0;
            }
            if (c == quote && field_start) in_quotes = 1;
            field_start = 0;
        }
        *out++ = c;
    }
    r->escapes_pending = escapes;
    *n = (size_t)(out - r->scratch);
    return r->scratch;
oom:
    csv_fail(r, "out of memory reading %s", r->path);
    return NULL;
}

/* The record in progress went wrong (r->quote_error says how, unless it
   is set already): libcsv's partial field is dropped, the parser starts
   afresh, and the record ends here, malformed. */
static void end_bad_record(tide_csv_reader *r, int why)
{
    /* libcsv has no reset; its state is the public fields of csv.h. */
    r->parser.pstate = LIBCSV_ROW_NOT_BEGUN;
    r->parser.quoted = 0;
    r->parser.spaces = 0;
    r->parser.entry_pos = 0;
    r->parser.status = CSV_SUCCESS;
    r->skip_line = 0;
    r->blanks_after_quote = 0;
    r->escapes_pending = 0;
    r->held_len = 0;
    if (!r->quote_error) {
        r->quote_error = why;
        r->quote_field = r->field;
    }
    csv_on_record('\n', r);
}

/* Spark's parser skips spaces and tabs after a closing quote when the
   field ends after them (univocity's parseQuotedValue): "b"  , is b. */
static int is_blank(const tide_csv_reader *r, unsigned char c)
{
    return (c == ' ' || c == '\t') && c != (unsigned char)r->opt.sep;
}

/* What libcsv ends a field with after a closing quote (a lone CR ends the
   record, as it does without the blanks). */
static int ends_field(const tide_csv_reader *r, unsigned char c)
{
    return c == (unsigned char)r->opt.sep || c == '\n' || c == '\r';
}

/* Text after a closing quote ("b"x): the record is malformed, and the rest
   of its line is skipped, so that the next line, a record of its own, is
   read whatever quotes this one left open. */
static void text_after_quote(tide_csv_reader *r)
{
    r->quote_error = QUOTE_TEXT_AFTER;
    r->quote_field = r->field;
    r->skip_line = 1;
}

void csv_feed_quoted(tide_csv_reader *r, const unsigned char *s, size_t n)
{
    int escaping = r->opt.escape && r->opt.escape != r->opt.quote && r->opt.quote &&
                   (r->escapes_pending || memchr(s, r->opt.escape, n));
    if (escaping || r->opt.ignore_leading || r->opt.ignore_trailing) {
        s = rewrite(r, s, &n, escaping);
        if (!s) return;
    }
    for (;;) {
        if (r->blanks_after_quote) {
            /* libcsv never sees the blanks: it is still just after the
               quote, so the separator or line end that follows them ends
               the field there. They may run on into the next input. */
            size_t i = 0;
            while (i < n && is_blank(r, s[i]))
                i++;
            if (i == n) return;
            r->blanks_after_quote = 0;
            if (!ends_field(r, s[i])) {
                text_after_quote(r);
                return;
            }
            s += i;
            n -= i;
        }
        size_t done = csv_parse(&r->parser, s, n, csv_on_field, csv_on_record, r);
        if (done == n || r->failed) return;
        if (csv_error(&r->parser) != CSV_EPARSE) {
            csv_fail(r, "%s:%lld: %s", r->path, (long long)r->line,
                     csv_strerror(csv_error(&r->parser)));
            return;
        }
        /* Strict mode stops at s[done] for two reasons. */
        r->parser.status = CSV_SUCCESS;
        if (r->parser.pstate != LIBCSV_FIELD_MIGHT_HAVE_ENDED) {
            /* A quote inside an unquoted field (5'10"): an ordinary
               character, as Spark's, so that byte is parsed leniently. */
            csv_set_opts(&r->parser, LIBCSV_OPTIONS & ~CSV_STRICT);
            csv_parse(&r->parser, s + done, 1, csv_on_field, csv_on_record, r);
            csv_set_opts(&r->parser, LIBCSV_OPTIONS);
            s += done + 1;
            n -= done + 1;
            continue;
        }
        /* The other: a byte after a closing quote that is neither a quote
           nor what ends the field. */
        if (is_blank(r, s[done])) {
            r->blanks_after_quote = 1;
            s += done;
            n -= done;
            continue;
        }
        text_after_quote(r);
        return;
    }
}

void csv_end_line(tide_csv_reader *r)
{
    if (r->skip_line)
        end_bad_record(r, QUOTE_TEXT_AFTER);
    else if (!r->opt.multi_line && r->parser.pstate == LIBCSV_FIELD_BEGUN && r->parser.quoted)
        end_bad_record(r, QUOTE_OPEN_AT_LINE_END); /* a line is a record */
}

void csv_end_file(tide_csv_reader *r)
{
    if (r->skip_line) {
        end_bad_record(r, QUOTE_TEXT_AFTER);
        return;
    }
    if (r->parser.pstate == LIBCSV_FIELD_BEGUN && r->parser.quoted) {
        /* The record runs to the end of the file: a quote was never closed. */
        end_bad_record(r, r->opt.multi_line ? QUOTE_OPEN_AT_FILE_END : QUOTE_OPEN_AT_LINE_END);
        return;
    }
    /* Blanks after a closing quote at the end of the file: libcsv, still
       just after the quote, ends the field without them; blanks held at
       the end of a value (ignore_trailing) end with it. */
    r->blanks_after_quote = 0;
    r->held_len = 0;
    csv_fini(&r->parser, csv_on_field, csv_on_record, r);
}
