/*
 * java_double.cc — a double (or float) as Java's Double.toString (and
 * Float.toString) prints it on the JDKs Spark 3.5 runs on (8 to 17):
 * their FloatingDecimal, which is not always the shortest decimal that
 * reads back (2.0E-3 is, 1.0E-323 rather than 9.9E-324 is not, nor
 * 1.23456792E8 for the float 123456792). For to_json (json_write.c),
 * casts to string and Lua.
 *
 * The digits are those of Steele and White's free-format algorithm as
 * FloatingDecimal runs it: the value as a ratio B / S of integers and
 * half its ulp as M, one digit a step, until the rest is within M of
 * either neighbour (low: B < M, high: B + M reaches 10 S), the last
 * digit then rounded. Where its numbers fit an int or a long, Java works
 * in those (and "high" is B + M > 10 S there, strictly; an M that passes
 * their range wraps, as Java's does); otherwise in big integers (B + M >=
 * 10 S). Integers below 2^63 are written from their exact digits, the
 * ones past 2^53 rounded to what their bits hold. The digit strings and
 * the layout (at least one digit after the point, E notation outside
 * [1e-3, 1e7)) follow it.
 */
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>

extern "C" {
#include "batch.h"
}

namespace
{

/* Bits 5^i needs, and whether it fits: Java's N_5_BITS. */
const int FIVE_BITS[] = {0,  3,  5,  7,  10, 12, 14, 17, 19, 21, 24, 26, 28, 31,
                         33, 35, 38, 40, 42, 45, 47, 49, 52, 54, 56, 59, 61};
const int NUM_FIVE_BITS = (int)(sizeof FIVE_BITS / sizeof FIVE_BITS[0]);

int five_bits(int i)
{
    return i < NUM_FIVE_BITS ? FIVE_BITS[i] : i * 3;
}

uint64_t pow5(int i)
{
    uint64_t p = 1;
    while (i-- > 0)
        p *= 5;
    return p;
}

/* Digits of an integer past 2^53 that its bits do not hold, by how far
   past (2^p): Java's insignificantDigitsNumber. */
int insignificant_digits(int p2)
{
    static const int table[] = {0,  0,  0,  0,  1,  1,  1,  2,  2,  2,  3,  3,  3,  3,  4,  4,
                                4,  5,  5,  5,  6,  6,  6,  6,  7,  7,  7,  8,  8,  8,  9,  9,
                                9,  9,  10, 10, 10, 11, 11, 11, 12, 12, 12, 12, 13, 13, 13, 14,
                                14, 14, 15, 15, 15, 15, 16, 16, 16, 17, 17, 17, 18, 18, 18, 19};
    return p2 > 1 && p2 < (int)(sizeof table / sizeof table[0]) ? table[p2] : 0;
}

/* floor(log10(value)), estimated as Java estimates it (one too high at
   times: the first digit then comes out 0 and is dropped). */
int estimate_dec_exp(uint64_t fract, int bin_exp)
{
    uint64_t bits = 0x3FF0000000000000ULL | (fract & 0x000FFFFFFFFFFFFFULL);
    double d2;
    memcpy(&d2, &bits, sizeof d2);
    double d = (d2 - 1.5) * 0.289529654 + 0.176091259 + (double)bin_exp * 0.301029995663981;
    return (int)std::floor(d);
}

/* An unsigned integer of up to WORDS 32-bit words, least significant
   first: enough for a double's B, S and M (about 1200 bits) and their
   twenty digits' growth. */
const int WORDS = 64;
struct Big {
    uint32_t w[WORDS];
    int n; /* words in use */
};

void big_set(Big &b, uint64_t v)
{
    b.w[0] = (uint32_t)v;
    b.w[1] = (uint32_t)(v >> 32);
    b.n = b.w[1] ? 2 : 1;
}

void big_mul_small(Big &b, uint32_t m)
{
    uint64_t carry = 0;
    for (int i = 0; i < b.n; i++) {
        uint64_t x = (uint64_t)b.w[i] * m + carry;
        b.w[i] = (uint32_t)x;
        carry = x >> 32;
    }
    if (carry && b.n < WORDS) b.w[b.n++] = (uint32_t)carry;
}

void big_shift_left(Big &b, int bits)
{
    if (bits <= 0) return;
    int words = bits / 32, r = bits % 32;
    int n = b.n + words + 1;
    if (n > WORDS) n = WORDS;
    for (int i = n - 1; i >= 0; i--) {
        int from = i - words;
        uint64_t hi = from >= 0 && from < b.n ? b.w[from] : 0;
        uint64_t lo = from - 1 >= 0 && from - 1 < b.n ? b.w[from - 1] : 0;
        b.w[i] = r ? (uint32_t)((hi << r) | (lo >> (32 - r))) : (uint32_t)hi;
    }
    b.n = n;
    while (b.n > 1 && b.w[b.n - 1] == 0)
        b.n--;
}

/* v * 5^p5 * 2^p2 */
void big_set_pow52(Big &b, uint64_t v, int p5, int p2)
{
    big_set(b, v);
    for (; p5 >= 13; p5 -= 13)
        big_mul_small(b, 1220703125U); /* 5^13 */
    if (p5 > 0) big_mul_small(b, (uint32_t)pow5(p5));
    big_shift_left(b, p2);
}

int big_cmp(const Big &a, const Big &b)
{
    if (a.n != b.n) return a.n < b.n ? -1 : 1;
    for (int i = a.n - 1; i >= 0; i--)
        if (a.w[i] != b.w[i]) return a.w[i] < b.w[i] ? -1 : 1;
    return 0;
}

/* a - b, a >= b */
void big_sub(Big &a, const Big &b)
{
    int64_t borrow = 0;
    for (int i = 0; i < a.n; i++) {
        int64_t x = (int64_t)a.w[i] - (i < b.n ? b.w[i] : 0) - borrow;
        borrow = x < 0;
        a.w[i] = (uint32_t)(x + (borrow << 32));
    }
    while (a.n > 1 && a.w[a.n - 1] == 0)
        a.n--;
}

/* Compares a + b with c. */
int big_sum_cmp(const Big &a, const Big &b, const Big &c)
{
    Big s;
    int n = a.n > b.n ? a.n : b.n;
    uint64_t carry = 0;
    for (int i = 0; i < n; i++) {
        uint64_t x = (uint64_t)(i < a.n ? a.w[i] : 0) + (i < b.n ? b.w[i] : 0) + carry;
        s.w[i] = (uint32_t)x;
        carry = x >> 32;
    }
    s.n = n;
    if (carry && n < WORDS) s.w[s.n++] = (uint32_t)carry;
    return big_cmp(s, c);
}

/* The decimal digits of a value and the power of ten of its first:
   value = 0.d1d2... * 10^dec_exp (Java's decExponent). */
struct Digits {
    char d[32];
    int n;
    int dec_exp;
};

/* Rounds the last digit up, carrying through nines. */
void round_up(Digits &g)
{
    int i = g.n - 1;
    while (i > 0 && g.d[i] == '9') {
        g.d[i] = '0';
        i--;
    }
    if (g.d[i] == '9') { /* all nines: 1 followed by zeros, one power up */
        g.d[0] = '1';
        g.dec_exp++;
        return;
    }
    g.d[i]++;
}

/* The exact digits of an integer, the last `insignificant` of them
   rounded off (Java's developLongDigits). */
void long_digits(Digits &g, uint64_t v, int insignificant)
{
    int dec_exp = 0;
    if (insignificant) {
        uint64_t p = 1;
        for (int i = 0; i < insignificant; i++)
            p *= 10;
        uint64_t residue = v % p;
        v /= p;
        dec_exp += insignificant;
        if (residue >= p / 2) v++;
    }
    char tmp[24];
    int k = 0;
    while (v % 10 == 0) {
        dec_exp++;
        v /= 10;
    }
    while (v) {
        tmp[k++] = (char)('0' + v % 10);
        v /= 10;
    }
    g.n = k;
    for (int i = 0; i < k; i++)
        g.d[i] = tmp[k - 1 - i];
    g.dec_exp = dec_exp + k;
}

/* b / s (below 10), and b left at 10 * (b % s); b and s are positive,
   so unsigned division gives Java's results, one division for both. */
template <typename T, typename U> inline T digit(T &b, T s)
{
    U q = (U)b / (U)s;
    b = (T)(((U)b - q * (U)s) * 10);
    return (T)q;
}

/* The digit loop in int (T = int32_t) or long (int64_t) arithmetic,
   wrapping as Java's does. Returns the last digit's rounding: 1 up, 0
   keep. */
template <typename T, typename U>
void small_loop(Digits &g, int &dec_exp, uint64_t fract, int b5, int b2, int s5, int s2, int m5,
                int m2)
{
    T b = (T)(U)((U)((U)fract * (U)pow5(b5)) << b2);
    T s = (T)(U)((U)pow5(s5) << s2);
    T m = (T)(U)((U)pow5(m5) << m2);
    T tens = (T)(U)((U)s * 10);
    int nd = 0;
    T q = digit<T, U>(b, s);
    m = (T)(U)((U)m * 10);
    bool low = b < m;
    bool high = (T)(U)((U)b + (U)m) > tens;
    if (q == 0 && !high)
        dec_exp--; /* the estimate was one too high */
    else
        g.d[nd++] = (char)('0' + q);
    /* Java writes at least one digit after the point: in E notation a
       second digit is always made */
    if (dec_exp < -3 || dec_exp >= 8) high = low = false;
    while (!low && !high && nd < 30) {
        q = digit<T, U>(b, s);
        m = (T)(U)((U)m * 10);
        if (m > 0) {
            low = b < m;
            high = (T)(U)((U)b + (U)m) > tens;
        } else {
            low = high = true; /* M wrapped: Java stops here */
        }
        g.d[nd++] = (char)('0' + q);
    }
    T low_diff = (T)(U)((U)((U)b << 1) - (U)tens);
    g.n = nd;
    g.dec_exp = dec_exp + 1;
    if (high) {
        if (!low || low_diff > 0 || (low_diff == 0 && ((g.d[nd - 1] - '0') & 1))) round_up(g);
    }
}

/* One step of the big loop: the next digit, B left at its rest * 10. */
int big_digit(Big &b, const Big &s)
{
    int q = 0;
    while (big_cmp(b, s) >= 0) {
        big_sub(b, s);
        q++;
    }
    big_mul_small(b, 10);
    return q;
}

void big_loop(Digits &g, int &dec_exp, uint64_t fract, int b5, int b2, int s5, int s2, int m5,
              int m2)
{
    Big b, s, m, tens;
    big_set_pow52(s, 1, s5, s2);
    big_set_pow52(b, fract, b5, b2);
    big_set_pow52(m, 1, m5 + 1, m2 + 1); /* M * 10, as B is after a digit */
    big_set_pow52(tens, 1, s5 + 1, s2 + 1);
    int nd = 0;
    int q = big_digit(b, s);
    bool low = big_cmp(b, m) < 0;
    bool high = big_sum_cmp(b, m, tens) >= 0;
    if (q == 0 && !high)
        dec_exp--; /* the estimate was one too high */
    else
        g.d[nd++] = (char)('0' + q);
    if (dec_exp < -3 || dec_exp >= 8) high = low = false;
    while (!low && !high && nd < 30) {
        q = big_digit(b, s);
        big_mul_small(m, 10);
        low = big_cmp(b, m) < 0;
        high = big_sum_cmp(b, m, tens) >= 0;
        g.d[nd++] = (char)('0' + q);
    }
    int low_diff = 0;
    if (high && low) {
        big_shift_left(b, 1);
        low_diff = big_cmp(b, tens);
    }
    g.n = nd;
    g.dec_exp = dec_exp + 1;
    if (high) {
        if (!low || low_diff > 0 || (low_diff == 0 && ((g.d[nd - 1] - '0') & 1))) round_up(g);
    }
}

/* FloatingDecimal's dtoa of a value fract * 2^(bin_exp - 52), fract's
   high bit at 2^52, of n_significant bits. */
void digits_of(Digits &g, int bin_exp, uint64_t fract, int n_significant)
{
    int tail_zeros = __builtin_ctzll(fract);
    int n_fract_bits = 53 - tail_zeros;
    int n_tiny_bits = n_fract_bits - bin_exp - 1;
    if (n_tiny_bits < 0) n_tiny_bits = 0;
    if (bin_exp <= 62 && bin_exp >= -21 && n_tiny_bits < NUM_FIVE_BITS &&
        n_fract_bits + FIVE_BITS[n_tiny_bits] < 64 && n_tiny_bits == 0) {
        /* an integer below 2^63: its digits */
        int insignificant =
            bin_exp > n_significant ? insignificant_digits(bin_exp - n_significant - 1) : 0;
        uint64_t v = bin_exp >= 52 ? fract << (bin_exp - 52) : fract >> (52 - bin_exp);
        long_digits(g, v, insignificant);
        return;
    }
    int dec_exp = estimate_dec_exp(fract, bin_exp);
    int b5 = dec_exp < 0 ? -dec_exp : 0;
    int b2 = b5 + n_tiny_bits + bin_exp;
    int s5 = dec_exp > 0 ? dec_exp : 0;
    int s2 = s5 + n_tiny_bits;
    int m5 = b5;
    int m2 = b2 - n_significant;
    fract >>= tail_zeros;
    b2 -= n_fract_bits - 1;
    int common = b2 < s2 ? b2 : s2;
    b2 -= common;
    s2 -= common;
    m2 -= common;
    /* at a power of two the next value down is half as far */
    if (n_fract_bits == 1) m2 -= 1;
    if (m2 < 0) {
        b2 -= m2;
        s2 -= m2;
        m2 = 0;
    }
    int b_bits = n_fract_bits + b2 + five_bits(b5);
    int ten_s_bits = s2 + 1 + five_bits(s5 + 1);
    if (b_bits < 64 && ten_s_bits < 64) {
        if (b_bits < 32 && ten_s_bits < 32)
            small_loop<int32_t, uint32_t>(g, dec_exp, fract, b5, b2, s5, s2, m5, m2);
        else
            small_loop<int64_t, uint64_t>(g, dec_exp, fract, b5, b2, s5, s2, m5, m2);
    } else {
        big_loop(g, dec_exp, fract, b5, b2, s5, s2, m5, m2);
    }
}

} // namespace

extern "C" int tide_format_java_double(double x, int32_t is_float, char *buf)
{
    Digits g;
    bool negative;
    if (is_float) {
        float f = (float)x; /* one past a float's range is infinite */
        if (std::isnan(f)) return snprintf(buf, 32, "NaN");
        if (std::isinf(f)) return snprintf(buf, 32, f > 0 ? "Infinity" : "-Infinity");
        uint32_t bits;
        memcpy(&bits, &f, sizeof bits);
        negative = bits >> 31;
        uint32_t fract = bits & 0x7FFFFF;
        int bin_exp = (int)((bits >> 23) & 0xFF), n_significant;
        if (bin_exp == 0) {
            if (fract == 0) return snprintf(buf, 32, negative ? "-0.0" : "0.0");
            int leading = __builtin_clz(fract), shift = leading - 8;
            fract <<= shift;
            bin_exp = 1 - shift;
            n_significant = 32 - leading;
        } else {
            fract |= 0x800000;
            n_significant = 24;
        }
        digits_of(g, bin_exp - 127, (uint64_t)fract << 29, n_significant);
    } else {
        if (std::isnan(x)) return snprintf(buf, 32, "NaN");
        if (std::isinf(x)) return snprintf(buf, 32, x > 0 ? "Infinity" : "-Infinity");
        uint64_t bits;
        memcpy(&bits, &x, sizeof bits);
        negative = bits >> 63;
        uint64_t fract = bits & 0x000FFFFFFFFFFFFFULL;
        int bin_exp = (int)((bits >> 52) & 0x7FF), n_significant;
        if (bin_exp == 0) {
            if (fract == 0) return snprintf(buf, 32, negative ? "-0.0" : "0.0");
            int leading = __builtin_clzll(fract), shift = leading - 11;
            fract <<= shift;
            bin_exp = 1 - shift;
            n_significant = 64 - leading;
        } else {
            fract |= 1ULL << 52;
            n_significant = 53;
        }
        digits_of(g, bin_exp - 1023, fract, n_significant);
    }
    /* Java's layout (getChars) */
    int o = 0, e = g.dec_exp;
    if (negative) buf[o++] = '-';
    if (e > 0 && e < 8) {
        int k = g.n < e ? g.n : e;
        memcpy(buf + o, g.d, (size_t)k);
        o += k;
        if (k < e) {
            for (int i = k; i < e; i++)
                buf[o++] = '0';
            buf[o++] = '.';
            buf[o++] = '0';
        } else {
            buf[o++] = '.';
            if (k < g.n) {
                memcpy(buf + o, g.d + k, (size_t)(g.n - k));
                o += g.n - k;
            } else {
                buf[o++] = '0';
            }
        }
    } else if (e <= 0 && e > -3) {
        buf[o++] = '0';
        buf[o++] = '.';
        for (int i = e; i < 0; i++)
            buf[o++] = '0';
        memcpy(buf + o, g.d, (size_t)g.n);
        o += g.n;
    } else {
        buf[o++] = g.d[0];
        buf[o++] = '.';
        if (g.n > 1) {
            memcpy(buf + o, g.d + 1, (size_t)(g.n - 1));
            o += g.n - 1;
        } else {
            buf[o++] = '0';
        }
        o += snprintf(buf + o, 8, "E%d", e - 1);
    }
    buf[o] = '\0';
    return o;
}
