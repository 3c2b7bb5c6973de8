/*
 * case_map.c — Java's case of text (contracts in case_map.h). Simple
 * mappings come from the C library, less the letters Unicode 14 added,
 * which Java 17 (Unicode 13) leaves as they are; SpecialCasing's
 * unconditional upper-case mappings from the table below; lower case's
 * two conditions are Java's ConditionalSpecialCasing in the root locale.
 */
#include "case_map.h"
#include "java_char.h"
#include "text_kernel.h"

#include <stddef.h>
#include <wctype.h>

/* Cased letters Unicode 14 added, unknown to Java 17. */
static int unicode14(int32_t cp)
{
    return cp == 0x2C2F || cp == 0x2C5F || (cp >= 0xA7C0 && cp <= 0xA7C1) ||
           (cp >= 0xA7D0 && cp <= 0xA7D9) || (cp >= 0x10570 && cp <= 0x105BC);
}

int32_t case_lower_cp(int32_t cp, locale_t loc)
{
    if (cp < 0x80) return cp >= 'A' && cp <= 'Z' ? cp + 32 : cp;
    return loc && !unicode14(cp) ? (int32_t)towlower_l((wint_t)cp, loc) : cp;
}

int32_t case_upper_cp(int32_t cp, locale_t loc)
{
    if (cp < 0x80) return cp >= 'a' && cp <= 'z' ? cp - 32 : cp;
    return loc && !unicode14(cp) ? (int32_t)towupper_l((wint_t)cp, loc) : cp;
}

/* Upper case but for the digraphs' title forms and Georgian letters,
   which have none. */
int32_t case_title_cp(int32_t cp, locale_t loc)
{
    if (cp > 0xFFFF || (cp >= 0x10D0 && cp <= 0x10FF)) return cp;
    if (cp >= 0x1C4 && cp <= 0x1CC) return 0x1C5 + 3 * ((cp - 0x1C4) / 3);
    if (cp >= 0x1F1 && cp <= 0x1F3) return 0x1F2;
    return case_upper_cp(cp, loc);
}

/* SpecialCasing.txt's unconditional upper-case mappings to more than one
   code point (Unicode 13, as Java 17's toUpperCaseCharArray), by code
   point. */
static const struct {
    int32_t cp;
    int32_t to[3];
} special_upper[] = {
    {0xDF, {0x53, 0x53}},
    {0x149, {0x2BC, 0x4E}},
    {0x1F0, {0x4A, 0x30C}},
    {0x390, {0x399, 0x308, 0x301}},
    {0x3B0, {0x3A5, 0x308, 0x301}},
    {0x587, {0x535, 0x552}},
    {0x1E96, {0x48, 0x331}},
    {0x1E97, {0x54, 0x308}},
    {0x1E98, {0x57, 0x30A}},
    {0x1E99, {0x59, 0x30A}},
    {0x1E9A, {0x41, 0x2BE}},
    {0x1F50, {0x3A5, 0x313}},
    {0x1F52, {0x3A5, 0x313, 0x300}},
    {0x1F54, {0x3A5, 0x313, 0x301}},
    {0x1F56, {0x3A5, 0x313, 0x342}},
    {0x1F80, {0x1F08, 0x399}},
    {0x1F81, {0x1F09, 0x399}},
    {0x1F82, {0x1F0A, 0x399}},
    {0x1F83, {0x1F0B, 0x399}},
    {0x1F84, {0x1F0C, 0x399}},
    {0x1F85, {0x1F0D, 0x399}},
    {0x1F86, {0x1F0E, 0x399}},
    {0x1F87, {0x1F0F, 0x399}},
    {0x1F88, {0x1F08, 0x399}},
    {0x1F89, {0x1F09, 0x399}},
    {0x1F8A, {0x1F0A, 0x399}},
    {0x1F8B, {0x1F0B, 0x399}},
    {0x1F8C, {0x1F0C, 0x399}},
    {0x1F8D, {0x1F0D, 0x399}},
    {0x1F8E, {0x1F0E, 0x399}},
    {0x1F8F, {0x1F0F, 0x399}},
    {0x1F90, {0x1F28, 0x399}},
    {0x1F91, {0x1F29, 0x399}},
    {0x1F92, {0x1F2A, 0x399}},
    {0x1F93, {0x1F2B, 0x399}},
    {0x1F94, {0x1F2C, 0x399}},
    {0x1F95, {0x1F2D, 0x399}},
    {0x1F96, {0x1F2E, 0x399}},
    {0x1F97, {0x1F2F, 0x399}},
    {0x1F98, {0x1F28, 0x399}},
    {0x1F99, {0x1F29, 0x399}},
    {0x1F9A, {0x1F2A, 0x399}},
    {0x1F9B, {0x1F2B, 0x399}},
    {0x1F9C, {0x1F2C, 0x399}},
    {0x1F9D, {0x1F2D, 0x399}},
    {0x1F9E, {0x1F2E, 0x399}},
    {0x1F9F, {0x1F2F, 0x399}},
    {0x1FA0, {0x1F68, 0x399}},
    {0x1FA1, {0x1F69, 0x399}},
    {0x1FA2, {0x1F6A, 0x399}},
    {0x1FA3, {0x1F6B, 0x399}},
    {0x1FA4, {0x1F6C, 0x399}},
    {0x1FA5, {0x1F6D, 0x399}},
    {0x1FA6, {0x1F6E, 0x399}},
    {0x1FA7, {0x1F6F, 0x399}},
    {0x1FA8, {0x1F68, 0x399}},
    {0x1FA9, {0x1F69, 0x399}},
    {0x1FAA, {0x1F6A, 0x399}},
    {0x1FAB, {0x1F6B, 0x399}},
    {0x1FAC, {0x1F6C, 0x399}},
    {0x1FAD, {0x1F6D, 0x399}},
    {0x1FAE, {0x1F6E, 0x399}},
    {0x1FAF, {0x1F6F, 0x399}},
    {0x1FB2, {0x1FBA, 0x399}},
    {0x1FB3, {0x391, 0x399}},
    {0x1FB4, {0x386, 0x399}},
    {0x1FB6, {0x391, 0x342}},
    {0x1FB7, {0x391, 0x342, 0x399}},
    {0x1FBC, {0x391, 0x399}},
    {0x1FC2, {0x1FCA, 0x399}},
    {0x1FC3, {0x397, 0x399}},
    {0x1FC4, {0x389, 0x399}},
    {0x1FC6, {0x397, 0x342}},
    {0x1FC7, {0x397, 0x342, 0x399}},
    {0x1FCC, {0x397, 0x399}},
    {0x1FD2, {0x399, 0x308, 0x300}},
    {0x1FD3, {0x399, 0x308, 0x301}},
    {0x1FD6, {0x399, 0x342}},
    {0x1FD7, {0x399, 0x308, 0x342}},
    {0x1FE2, {0x3A5, 0x308, 0x300}},
    {0x1FE3, {0x3A5, 0x308, 0x301}},
    {0x1FE4, {0x3A1, 0x313}},
    {0x1FE6, {0x3A5, 0x342}},
    {0x1FE7, {0x3A5, 0x308, 0x342}},
    {0x1FF2, {0x1FFA, 0x399}},
    {0x1FF3, {0x3A9, 0x399}},
    {0x1FF4, {0x38F, 0x399}},
    {0x1FF6, {0x3A9, 0x342}},
    {0x1FF7, {0x3A9, 0x342, 0x399}},
    {0x1FFC, {0x3A9, 0x399}},
    {0xFB00, {0x46, 0x46}},
    {0xFB01, {0x46, 0x49}},
    {0xFB02, {0x46, 0x4C}},
    {0xFB03, {0x46, 0x46, 0x49}},
    {0xFB04, {0x46, 0x46, 0x4C}},
    {0xFB05, {0x53, 0x54}},
    {0xFB06, {0x53, 0x54}},
    {0xFB13, {0x544, 0x546}},
    {0xFB14, {0x544, 0x535}},
    {0xFB15, {0x544, 0x53B}},
    {0xFB16, {0x54E, 0x546}},
    {0xFB17, {0x544, 0x53D}},
};

int case_upper(int32_t cp, locale_t loc, int32_t *u)
{
    if (cp >= 0xDF && cp <= 0xFB17) {
        size_t lo = 0, hi = sizeof special_upper / sizeof special_upper[0];
        while (lo < hi) {
            size_t mid = (lo + hi) / 2;
            if (special_upper[mid].cp < cp)
                lo = mid + 1;
            else
                hi = mid;
        }
        if (lo < sizeof special_upper / sizeof special_upper[0] && special_upper[lo].cp == cp) {
            int n = 0;
            while (n < 3 && special_upper[lo].to[n])
                u[n] = special_upper[lo].to[n], n++;
            return n;
        }
    }
    u[0] = case_upper_cp(cp, loc);
    return 1;
}

/* ConditionalSpecialCasing.isCased: a letter of Lu, Ll or Lt (one with a
   case, near enough; ª and º are Lo), or of Other_Lowercase or
   Other_Uppercase. */
static int is_cased(int32_t cp, locale_t loc)
{
    if (cp < 0x80) return (cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z');
    if ((cp >= 0x2B0 && cp <= 0x2B8) || cp == 0x2C0 || cp == 0x2C1 ||
        (cp >= 0x2E0 && cp <= 0x2E4) || cp == 0x345 || cp == 0x37A ||
        (cp >= 0x1D2C && cp <= 0x1D61) || (cp >= 0x2160 && cp <= 0x217F) ||
        (cp >= 0x24B6 && cp <= 0x24E9))
        return 1;
    if (!loc || cp == 0xAA || cp == 0xBA || cp == 0xFFFD || unicode14(cp)) return 0;
    return iswlower_l((wint_t)cp, loc) || iswupper_l((wint_t)cp, loc) ||
           (int32_t)towlower_l((wint_t)cp, loc) != cp || (int32_t)towupper_l((wint_t)cp, loc) != cp;
}

/* How Java's word BreakIterator (the JRE's rules) sees a character:
   letters and numbers make words, a mid-word mark (dash, connector,
   apostrophe, quote, period) joins two letters and a mid-number one (also
   the comma) two digits, combining marks and format characters go with
   what they follow, anything else ends a word. */
enum { W_OTHER, W_LETTER, W_DIGIT, W_MARK, W_MID };

static int is_mark(int32_t cp)
{
    return (cp >= 0x300 && cp <= 0x36F) || (cp >= 0x483 && cp <= 0x489) ||
           (cp >= 0x591 && cp <= 0x5BD) || (cp >= 0x610 && cp <= 0x61A) ||
           (cp >= 0x64B && cp <= 0x65F) || (cp >= 0x1AB0 && cp <= 0x1AFF) ||
           (cp >= 0x1DC0 && cp <= 0x1DFF) || (cp >= 0x20D0 && cp <= 0x20F0) ||
           (cp >= 0xFE20 && cp <= 0xFE2F) || cp == 0xAD || (cp >= 0x200B && cp <= 0x200F) ||
           (cp >= 0x202A && cp <= 0x202E) || (cp >= 0x2060 && cp <= 0x206F) || cp == 0xFEFF;
}

/* Numbers beyond the decimal digits (Java's No and Nl): superscripts,
   fractions, circled and ideographic numbers. */
static int is_other_number(int32_t cp)
{
    return cp == 0xB2 || cp == 0xB3 || cp == 0xB9 || (cp >= 0xBC && cp <= 0xBE) || cp == 0x2070 ||
           (cp >= 0x2074 && cp <= 0x2079) || (cp >= 0x2080 && cp <= 0x2089) ||
           (cp >= 0x2150 && cp <= 0x2189) || (cp >= 0x2460 && cp <= 0x249B) ||
           (cp >= 0x24EA && cp <= 0x24FF) || (cp >= 0x2776 && cp <= 0x2793) || cp == 0x3007 ||
           (cp >= 0x3021 && cp <= 0x3029) || (cp >= 0x3038 && cp <= 0x303A) ||
           (cp >= 0x3192 && cp <= 0x3195) || (cp >= 0x3220 && cp <= 0x3229) ||
           (cp >= 0x3248 && cp <= 0x324F) || (cp >= 0x3251 && cp <= 0x325F) ||
           (cp >= 0x3280 && cp <= 0x3289) || (cp >= 0x32B1 && cp <= 0x32BF);
}

/* The kanji, kana and CJK marks the rules keep out of words. */
static int is_kanji_kana(int32_t cp)
{
    return cp == 0x3005 || (cp >= 0x4E00 && cp <= 0x9FA5) || (cp >= 0xF900 && cp <= 0xFA2D) ||
           (cp >= 0x3041 && cp <= 0x3094) || (cp >= 0x3099 && cp <= 0x309E) ||
           (cp >= 0x30A1 && cp <= 0x30FE);
}

static int word_class(int32_t cp, locale_t loc)
{
    if (cp < 0x80) {
        if ((cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z')) return W_LETTER;
        if (cp >= '0' && cp <= '9') return W_DIGIT;
        return cp == '-' || cp == '_' || cp == '\'' || cp == '"' || cp == '.' || cp == ','
                   ? W_MID
                   : W_OTHER;
    }
    if (is_kanji_kana(cp)) return W_OTHER;
    if (is_mark(cp)) return W_MARK;
    if (java_digit(cp) >= 0 || is_other_number(cp)) return W_DIGIT;
    if ((cp >= 0x2010 && cp <= 0x2015) || cp == 0x2027 || cp == 0x66B || cp == 0x58A ||
        cp == 0x5BE || cp == 0x203F || cp == 0x2040 || cp == 0xFE58 || cp == 0xFE63 ||
        cp == 0xFF0D || cp == 0xFF3F)
        return W_MID;
    return loc && iswalpha_l((wint_t)cp, loc) && cp != 0xFFFD ? W_LETTER : W_OTHER;
}

/* Whether a mid mark joins a and b: a mid-word one two letters, a
   mid-number one (' " , . and U+066B) two digits. */
static int mid_joins(int32_t mid, int a, int b)
{
    int num = mid == '\'' || mid == '"' || mid == ',' || mid == '.' || mid == 0x66B;
    int word = mid != ',' && mid != 0x66B;
    return a == b && ((a == W_LETTER && word) || (a == W_DIGIT && num));
}

/* The code point that ends at p[b] and where it starts (*at): Java reads
   a malformed sequence as U+FFFD, which is no part of a word. */
static int32_t code_point_before(const unsigned char *p, int32_t b, int32_t *at)
{
    int32_t s = b - 1;
    while (s > 0 && b - s < 4 && tide_utf8_continuation(p[s]))
        s--;
    int32_t k = s, cp = text_java_code_point(p, &k, b);
    if (k != b) s = b - 1, cp = 0xFFFD;
    *at = s;
    return cp;
}

/* Whether the word of the sigma at p[at..k) (Java's Final_Cased) has a
   cased letter after it (dir 1) or before it (dir -1). */
static int cased_in_word(const unsigned char *p, int32_t at, int32_t k, int32_t len, int dir,
                         locale_t loc)
{
    int32_t i = dir > 0 ? k : at;
    int last = W_LETTER;
    while (dir > 0 ? i < len : i > 0) {
        int32_t cp = dir > 0 ? text_java_code_point(p, &i, len) : code_point_before(p, i, &i);
        /* The JRE's iterator joins a surrogate pair to the word after it
           only at the start of the text (as Spark gives it: 𐐀Σ is 𐐨ς, Α𐐀Σ
           is α𐐨σ, ΑΣ𐐀 is ασ𐐨). */
        if (cp > 0xFFFF && dir < 0 && i > 0) return 0;
        if (is_cased(cp, loc)) return 1;
        int c = word_class(cp, loc);
        if (c == W_MARK) continue;
        if (c == W_MID) {
            int next = W_OTHER;
            while (dir > 0 ? i < len : i > 0) {
                int32_t n =
                    dir > 0 ? text_java_code_point(p, &i, len) : code_point_before(p, i, &i);
                if (is_cased(n, loc)) {
                    if (mid_joins(cp, last, W_LETTER)) return 1;
                    return 0;
                }
                next = word_class(n, loc);
                if (next != W_MARK) break;
            }
            if (!mid_joins(cp, last, next)) return 0;
            c = next;
        }
        if (c != W_LETTER && c != W_DIGIT) return 0;
        last = c;
    }
    return 0;
}

/* The script run of a kanji or kana: 1 kanji, 2 hiragana, 3 katakana. */
static int kana_script(int32_t cp)
{
    if ((cp >= 0x3041 && cp <= 0x3094) || (cp >= 0x3099 && cp <= 0x309E)) return 2;
    if (cp >= 0x30A1 && cp <= 0x30FE) return 3;
    return 1;
}

int32_t case_word_end(const unsigned char *p, int32_t i, int32_t len, locale_t loc)
{
    int32_t k = i;
    int32_t cp = text_java_code_point(p, &k, len);
    if (is_kanji_kana(cp)) {
        int script = kana_script(cp);
        int32_t end = k;
        while (end < len) {
            int32_t next = end;
            int32_t n = text_java_code_point(p, &next, len);
            if (!is_kanji_kana(n) || kana_script(n) != script) break;
            end = next;
        }
        return end;
    }
    int last = word_class(cp, loc);
    if (last != W_LETTER && last != W_DIGIT) return i;
    int32_t end = k;
    while (end < len) {
        int32_t next = end;
        int32_t n = text_java_code_point(p, &next, len);
        int c = word_class(n, loc);
        if (c == W_LETTER || c == W_DIGIT || c == W_MARK) {
            if (c != W_MARK) last = c;
            end = next;
            continue;
        }
        if (c != W_MID) break;
        /* a mid mark joins when the same class follows it (marks skipped) */
        int32_t after = next;
        int follows = W_OTHER;
        while (after < len) {
            int32_t a = after;
            follows = word_class(text_java_code_point(p, &a, len), loc);
            if (follows != W_MARK) break;
            after = a;
        }
        if (!mid_joins(n, last, follows)) break;
        end = after;
    }
    return end;
}

int case_lower(const unsigned char *p, int32_t at, int32_t k, int32_t len, int32_t cp, locale_t loc,
               int32_t *l)
{
    if (cp == 0x130) {
        l[0] = 'i', l[1] = 0x307;
        return 2;
    }
    if (cp == 0x3A3) {
        int final = cased_in_word(p, at, k, len, -1, loc) && !cased_in_word(p, at, k, len, 1, loc);
        l[0] = final ? 0x3C2 : 0x3C3;
        return 1;
    }
    l[0] = case_lower_cp(cp, loc);
    return 1;
}

int case_needs_java(const unsigned char *p, int32_t len)
{
    for (int32_t i = 0; i < len; i++)
        if (p[i] >= 0xC2 && p[i] <= 0xF4) return 1;
    return 0;
}
