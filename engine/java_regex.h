/*
 * java_regex.h — a regular expression in Java's syntax
 * (java.util.regex.Pattern, which Spark's regexp functions and Kafka's
 * subscribePattern take) rewritten for PCRE2, which reads most of it
 * alike. What the two read differently is rewritten: Java's property
 * classes (\p{Alpha} is ASCII, \p{javaLowerCase}, \p{IsLatin},
 * \p{IsAlphabetic}, \p{sc=Greek}), the escapes \uhhhh and \0ooo, classes
 * nested in classes and their intersections ([a-z&&[^aeiou]]), '.' that
 * stops at every Java line terminator, whitespace in classes under (?x),
 * and the inline flags PCRE2 lacks or reads otherwise ((?U) is Java's
 * Unicode classes but PCRE2's ungreedy; (?d); (?i) folds ASCII letters
 * alone unless (?u)). What PCRE2 cannot
 * do (Unicode blocks, \N{name}) is an error naming it. Not part of the FFI.
 */
#ifndef TIDE_JAVA_REGEX_H
#define TIDE_JAVA_REGEX_H

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <stddef.h>
#include <stdint.h>

/* java[0..len) translated and compiled by PCRE2 (UTF-8, invalid UTF-8
   subjects allowed) with options added: the code (the caller's to free),
   or NULL with errbuf saying what is wrong and at which position of
   java ("missing closing parenthesis at position 3"). */
pcre2_code *java_regex_compile(const char *java, size_t len, uint32_t options, char *errbuf,
                               size_t errlen);

#endif
