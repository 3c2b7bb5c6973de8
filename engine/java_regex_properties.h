/*
 * java_regex_properties.h — what a Java character property (\p{name},
 * \P{name}) matches, as PCRE2 class content (java_regex_properties.c).
 * Internal to java_regex*.c.
 */
#ifndef TIDE_JAVA_REGEX_PROPERTIES_H
#define TIDE_JAVA_REGEX_PROPERTIES_H

#include <stddef.h>

/* The set a property matches and its complement, each as class content;
   complement is "" when only a negated class can hold it (a set of
   several ranges). */
typedef struct {
    char set[96];
    char complement[96];
} java_property;

/* name (what is between \p{ and }, or the one letter of \pL) resolved:
   0, or -1 with why ("unknown character property \p{Foo}"). A Unicode
   block (\p{InGreek}, \p{block=...}), which PCRE2 does not have, is its
   range of code points. */
int java_regex_property(const char *name, java_property *p, char *why, size_t whylen);

#endif
