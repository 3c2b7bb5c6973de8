/*
 * java_regex_properties.c — Java's character properties (\p{Alpha},
 * \p{javaLowerCase}, \p{IsLatin}, \p{IsAlphabetic}, \p{sc=Greek}, ...)
 * as PCRE2 class content, resolved as java.util.regex.Pattern resolves
 * their names (Java 17), for java_regex.c.
 */
#include "java_regex_properties.h"
#include "unicode_blocks.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

typedef struct {
    const char *name, *set, *complement;
} prop_name;

/* Java's POSIX classes (US-ASCII; Unicode's under (?U), as PCRE2's under
   PCRE2_UCP), its java.lang.Character classes and the categories it takes
   without "Is" (CharPredicates.forProperty), case as Java spells them. */
static const prop_name PROPERTIES[] = {
    {"Lower", "[:lower:]", "[:^lower:]"},
    {"Upper", "[:upper:]", "[:^upper:]"},
    {"ASCII", "[:ascii:]", "[:^ascii:]"},
    {"Alpha", "[:alpha:]", "[:^alpha:]"},
    {"Digit", "[:digit:]", "[:^digit:]"},
    {"Alnum", "[:alnum:]", "[:^alnum:]"},
    {"Punct", "[:punct:]", "[:^punct:]"},
    {"Graph", "[:graph:]", "[:^graph:]"},
    {"Print", "[:print:]", "[:^print:]"},
    {"Blank", "[:blank:]", "[:^blank:]"},
    {"Cntrl", "[:cntrl:]", "[:^cntrl:]"},
    {"XDigit", "[:xdigit:]", "[:^xdigit:]"},
    {"Space", "[:space:]", "[:^space:]"},
    {"javaLowerCase", "\\p{Lowercase}", "\\P{Lowercase}"},
    {"javaUpperCase", "\\p{Uppercase}", "\\P{Uppercase}"},
    {"javaAlphabetic", "\\p{Alphabetic}", "\\P{Alphabetic}"},
    {"javaIdeographic", "\\p{Ideographic}", "\\P{Ideographic}"},
    {"javaTitleCase", "\\p{Lt}", "\\P{Lt}"},
    {"javaDigit", "\\p{Nd}", "\\P{Nd}"},
    {"javaDefined", "\\P{Cn}", "\\p{Cn}"},
    {"javaLetter", "\\p{L}", "\\P{L}"},
    {"javaLetterOrDigit", "\\p{L}\\p{Nd}", ""},
    {"javaSpaceChar", "\\p{Z}", "\\P{Z}"},
    /* Character.isWhitespace: Unicode's separators but the no-break
       spaces, and the ASCII controls \t-\r and \x1C-\x1F */
    {"javaWhitespace",
     "\\t-\\r\\x{1c}-\\x{20}\\x{1680}\\x{2000}-\\x{2006}\\x{2008}-\\x{200a}"
     "\\x{2028}\\x{2029}\\x{205f}\\x{3000}",
     ""},
    {"javaISOControl", "\\x{0}-\\x{1f}\\x{7f}-\\x{9f}", ""},
    {"javaMirrored", "\\p{Bidi_Mirrored}", "\\P{Bidi_Mirrored}"},
    {"LC", "\\p{L&}", "\\P{L&}"},
    {"LD", "\\p{L}\\p{Nd}", ""},
    {"L1", "\\x{0}-\\x{ff}", ""},
    {"all", "\\x{0}-\\x{10ffff}", ""},
};

/* Unicode's binary properties Java names with "Is" (UnicodeProp), any
   case, '_' optional where Java allows it. */
static const prop_name BINARY[] = {
    {"ALPHABETIC", "\\p{Alphabetic}", "\\P{Alphabetic}"},
    {"LETTER", "\\p{L}", "\\P{L}"},
    {"IDEOGRAPHIC", "\\p{Ideographic}", "\\P{Ideographic}"},
    {"LOWERCASE", "\\p{Lowercase}", "\\P{Lowercase}"},
    {"UPPERCASE", "\\p{Uppercase}", "\\P{Uppercase}"},
    {"TITLECASE", "\\p{Lt}", "\\P{Lt}"},
    {"WHITE_SPACE", "\\p{White_Space}", "\\P{White_Space}"},
    {"WHITESPACE", "\\p{White_Space}", "\\P{White_Space}"},
    {"CONTROL", "\\p{Cc}", "\\P{Cc}"},
    {"PUNCTUATION", "\\p{P}", "\\P{P}"},
    {"HEX_DIGIT", "\\p{Hex_Digit}", "\\P{Hex_Digit}"},
    {"HEXDIGIT", "\\p{Hex_Digit}", "\\P{Hex_Digit}"},
    {"ASSIGNED", "\\P{Cn}", "\\p{Cn}"},
    {"NONCHARACTER_CODE_POINT", "\\p{Noncharacter_Code_Point}", "\\P{Noncharacter_Code_Point}"},
    {"NONCHARACTERCODEPOINT", "\\p{Noncharacter_Code_Point}", "\\P{Noncharacter_Code_Point}"},
    {"DIGIT", "\\p{Nd}", "\\P{Nd}"},
    {"ALNUM", "\\p{Alphabetic}\\p{Nd}", ""},
    {"BLANK", "\\p{Zs}\\t", ""},
    {"WORD", "\\p{Alphabetic}\\p{M}\\p{Nd}\\p{Pc}\\x{200c}\\x{200d}", ""},
    {"JOIN_CONTROL", "\\p{Join_Control}", "\\P{Join_Control}"},
    {"JOINCONTROL", "\\p{Join_Control}", "\\P{Join_Control}"},
};

/* Unicode's general categories, which Java takes with or without "Is". */
static const char *const CATEGORIES[] = {"Cn", "Lu", "Ll", "Lt", "Lm", "Lo", "Mn", "Me", "Mc", "Nd",
                                         "Nl", "No", "Zs", "Zl", "Zp", "Cc", "Cf", "Co", "Cs", "Pd",
                                         "Ps", "Pe", "Pc", "Po", "Sm", "Sc", "Sk", "So", "Pi", "Pf",
                                         "L",  "M",  "N",  "Z",  "C",  "P",  "S"};

static int set_prop(java_property *p, const char *set, const char *complement)
{
    snprintf(p->set, sizeof p->set, "%s", set);
    snprintf(p->complement, sizeof p->complement, "%s", complement);
    return 0;
}

static int unicode_name(const char *v)
{
    if (!*v || strlen(v) > 60) return 0;
    for (const char *c = v; *c; c++)
        if (!((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') || (*c >= '0' && *c <= '9') ||
              *c == '_' || *c == ' ' || *c == '-'))
            return 0;
    return 1;
}

/* A category or a class of forProperty's. */
static int known_property(java_property *p, const char *name)
{
    for (size_t k = 0; k < sizeof CATEGORIES / sizeof *CATEGORIES; k++) {
        if (strcmp(name, CATEGORIES[k]) == 0) {
            char set[16], complement[16];
            snprintf(set, sizeof set, "\\p{%s}", name);
            snprintf(complement, sizeof complement, "\\P{%s}", name);
            return set_prop(p, set, complement), 1;
        }
    }
    for (size_t k = 0; k < sizeof PROPERTIES / sizeof *PROPERTIES; k++)
        if (strcmp(name, PROPERTIES[k].name) == 0)
            return set_prop(p, PROPERTIES[k].set, PROPERTIES[k].complement), 1;
    return 0;
}

static int script(java_property *p, const char *v)
{
    if (!unicode_name(v)) return 0;
    char set[80], complement[80];
    snprintf(set, sizeof set, "\\p{%s}", v);
    snprintf(complement, sizeof complement, "\\P{%s}", v);
    return set_prop(p, set, complement), 1;
}

/* Java's own names of three blocks (UnicodeBlock's field names), with
   the other two forms it takes of them, besides Unicode's. */
static const struct {
    const char *java, *unicode;
} BLOCK_ALIASES[] = {
    {"GREEK", "Greek and Coptic"},
    {"CYRILLIC SUPPLEMENTARY", "Cyrillic Supplement"},
    {"COMBINING MARKS FOR SYMBOLS", "Combining Diacritical Marks for Symbols"},
};

/* name in the form `form` takes: 0 as it is, 1 without spaces, 2 as a
   Java field (spaces and '-' as '_'); upper case, as Java compares them. */
static void block_form(const char *name, int form, char *out, size_t outlen)
{
    size_t n = 0;
    for (const char *c = name; *c && n + 1 < outlen; c++) {
        if (*c == ' ' && form == 1) continue;
        out[n++] =
            (char)((form == 2 && (*c == ' ' || *c == '-')) ? '_' : toupper((unsigned char)*c));
    }
    out[n] = 0;
}

/* Whether a block's Unicode name is `name` in a form Java takes
   (Character.UnicodeBlock.forName: any case); forms: 2 with the field
   name, 1 for a block Java names otherwise (BLOCK_ALIASES). */
static int block_named(const char *unicode, const char *name, int forms)
{
    char want[80], have[80];
    block_form(name, 0, want, sizeof want);
    for (int form = 0; form <= forms; form++) {
        block_form(unicode, form, have, sizeof have);
        if (strcmp(have, want) == 0) return 1;
    }
    return 0;
}

/* Whether Java names the block `unicode` otherwise (BLOCK_ALIASES). */
static int java_names_otherwise(const char *unicode)
{
    for (size_t a = 0; a < sizeof BLOCK_ALIASES / sizeof *BLOCK_ALIASES; a++)
        if (strcmp(BLOCK_ALIASES[a].unicode, unicode) == 0) return 1;
    return 0;
}

/* A block's code points, \p{InGreek}, as a range. Java's own name of a
   block stands for Unicode's; the field name made from Unicode's is not
   one Java takes for such a block (GREEK_AND_COPTIC). */
static int block(java_property *p, const char *name)
{
    const char *aliased = NULL;
    for (size_t k = 0; k < sizeof BLOCK_ALIASES / sizeof *BLOCK_ALIASES; k++)
        if (block_named(BLOCK_ALIASES[k].java, name, 2)) aliased = BLOCK_ALIASES[k].unicode;
    for (size_t k = 0; k < sizeof UNICODE_BLOCKS / sizeof *UNICODE_BLOCKS; k++) {
        const char *unicode = UNICODE_BLOCKS[k].name;
        int named = aliased ? strcmp(unicode, aliased) == 0
                            : block_named(unicode, name, java_names_otherwise(unicode) ? 1 : 2);
        if (!named) continue;
        snprintf(p->set, sizeof p->set, "\\x{%x}-\\x{%x}", UNICODE_BLOCKS[k].first,
                 UNICODE_BLOCKS[k].last);
        p->complement[0] = 0;
        return 1;
    }
    return 0;
}

/* why, formatted; -1. */
static int failed(char *why, size_t whylen, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(why, whylen, fmt, ap);
    va_end(ap);
    return -1;
}

/* Java's \p{name}, resolved as Pattern does (Java 17). */
int java_regex_property(const char *name, java_property *p, char *why, size_t whylen)
{
    const char *eq = strchr(name, '=');
    if (eq) {
        size_t k = (size_t)(eq - name);
        const char *v = eq + 1;
        if ((k == 2 && strncasecmp(name, "sc", 2) == 0) ||
            (k == 6 && strncasecmp(name, "script", 6) == 0)) {
            if (script(p, v)) return 0;
        } else if ((k == 2 && strncasecmp(name, "gc", 2) == 0) ||
                   (k == 16 && strncasecmp(name, "general_category", 16) == 0)) {
            if (known_property(p, v)) return 0;
        } else if ((k == 3 && strncasecmp(name, "blk", 3) == 0) ||
                   (k == 5 && strncasecmp(name, "block", 5) == 0)) {
            if (block(p, v)) return 0;
            return failed(why, whylen, "unknown Unicode block \\p{%s}", name);
        }
        return failed(why, whylen, "unknown character property \\p{%s}", name);
    }
    if (strncmp(name, "In", 2) == 0 && name[2]) {
        if (block(p, name + 2)) return 0;
        return failed(why, whylen, "unknown Unicode block \\p{%s}", name);
    }
    if (strncmp(name, "Is", 2) == 0 && name[2]) {
        const char *rest = name + 2;
        for (size_t k = 0; k < sizeof BINARY / sizeof *BINARY; k++)
            if (strcasecmp(rest, BINARY[k].name) == 0)
                return set_prop(p, BINARY[k].set, BINARY[k].complement);
        if (known_property(p, rest) || script(p, rest)) return 0;
        return failed(why, whylen, "unknown character property \\p{%s}", name);
    }
    if (known_property(p, name)) return 0;
    return failed(why, whylen, "unknown character property \\p{%s}", name);
}
