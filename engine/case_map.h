/*
 * case_map.h — the case of text as Java's String and Character give it
 * (the root locale, Java 17's Unicode 13), which Spark's upper, lower and
 * initcap use for text beyond ASCII: SpecialCasing's unconditional
 * mappings in upper (ß to SS), the final sigma and U+0130 in lower.
 */
#ifndef TIDE_CASE_MAP_H
#define TIDE_CASE_MAP_H

#include <locale.h>
#include <stdint.h>

/* Character.toLowerCase / toUpperCase of a code point (loc: the C.UTF-8
   locale, NULL leaves cp as it is). */
int32_t case_lower_cp(int32_t cp, locale_t loc);
int32_t case_upper_cp(int32_t cp, locale_t loc);

/* Character.toTitleCase(char): U+10000 and above (two chars) unchanged. */
int32_t case_title_cp(int32_t cp, locale_t loc);

/* String.toUpperCase of code point cp into u: 1 to 3 code points. */
int case_upper(int32_t cp, locale_t loc, int32_t *u);

/* String.toLowerCase of code point cp, p[at..k) of the text p[0..len)
   (read as Java decodes it), into l: 1 code point, or 2 for U+0130. */
int case_lower(const unsigned char *p, int32_t at, int32_t k, int32_t len, int32_t cp, locale_t loc,
               int32_t *l);

/* Where the word that Java's word BreakIterator (the JRE's rules) makes
   from p[i] ends: a run of letters and digits with the marks that join
   them (it's, 3.14, e-mail, 1,000), or of one kanji or kana script; i
   when p[i] starts no word of letters or digits. */
int32_t case_word_end(const unsigned char *p, int32_t i, int32_t len, locale_t loc);

/* Whether UTF8String takes text p[0..len) to Java's String to change its
   case: when a byte starts a multi-byte sequence (C2..F4). Otherwise
   only its ASCII letters change and other bytes stay as they are. */
int case_needs_java(const unsigned char *p, int32_t len);

#endif
