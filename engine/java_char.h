/*
 * java_char.h — Java's Character.isWhitespace and Character.isDigit of a
 * UTF-16 char (Java 17's Unicode), which Spark's string functions and
 * to_number lean on: what they take as a space or a digit, tide takes.
 */
#ifndef TIDE_JAVA_CHAR_H
#define TIDE_JAVA_CHAR_H

#include <stddef.h>
#include <stdint.h>

/* Character.isWhitespace: the ASCII ones and the Unicode separators but
   the non-breaking spaces. */
static inline int java_whitespace(int32_t c)
{
    return (c >= 0x09 && c <= 0x0D) || (c >= 0x1C && c <= 0x20) || c == 0x1680 ||
           (c >= 0x2000 && c <= 0x2006) || (c >= 0x2008 && c <= 0x200A) || c == 0x2028 ||
           c == 0x2029 || c == 0x205F || c == 0x3000;
}

/* The digit a char stands for (Character.isDigit and getNumericValue:
   Unicode's decimal digits of the BMP, each block's zero below), or -1. */
static inline int java_digit(int32_t c)
{
    static const uint16_t zeros[] = {0x0660, 0x06F0, 0x07C0, 0x0966, 0x09E6, 0x0A66, 0x0AE6, 0x0B66,
                                     0x0BE6, 0x0C66, 0x0CE6, 0x0D66, 0x0DE6, 0x0E50, 0x0ED0, 0x0F20,
                                     0x1040, 0x1090, 0x17E0, 0x1810, 0x1946, 0x19D0, 0x1A80, 0x1A90,
                                     0x1B50, 0x1BB0, 0x1C40, 0x1C50, 0xA620, 0xA8D0, 0xA900, 0xA9D0,
                                     0xA9F0, 0xAA50, 0xABF0, 0xFF10};
    if (c >= '0' && c <= '9') return c - '0';
    if (c < 0x0660 || c > 0xFF19) return -1;
    for (size_t i = 0; i < sizeof zeros / sizeof zeros[0]; i++)
        if (c >= zeros[i] && c < zeros[i] + 10) return c - zeros[i];
    return -1;
}

#endif
