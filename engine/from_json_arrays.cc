/*
 * from_json_arrays.cc — the element columns of from_json's arrays and
 * maps. A record's fields are indexed by its row; an array's elements (a
 * map's entries) are appended instead, so its members (the element
 * column, or a map's key and value columns, and the struct fields under
 * them, down to nested arrays and maps) grow by doubling, share the
 * array's element index, and are cut back when a record's value is
 * dropped. Parts parsed on worker threads build elements of their own,
 * appended to the call's in row order (FromJson::append_part).
 */
#include "from_json.hh"

namespace tide_fromjson
{

namespace
{

/* Slots a member's values buffer holds for cap elements. */
inline size_t slots(int32_t type, int64_t cap)
{
    return (size_t)cap + (tide_has_offsets(type) ? 1 : 0);
}

/* Sets bit `to` of dst's bitmap to bit `from` of src's (dst's bit is clear). */
inline void copy_bit(tide_column *dst, int64_t to, const tide_column *src, int64_t from)
{
    if (tide_valid(src, from)) tide_mark_valid(dst, to);
}

} // namespace

/* The column of member n (of an array whose members hold cap elements),
   and of its fields when a struct; a nested array's (or map's) own
   elements get columns of their own. */
static bool init_member(FromJson &fj, Node &n, tide_column *col, int64_t cap)
{
    tide_arena *arena = fj.arena;
    memset(col, 0, sizeof *col);
    n.col = col;
    std::string name(n.name);
    col->name = tide_arena_strdup(arena, name.c_str());
    col->type = n.type;
    col->precision = (int16_t)(n.type == TIDE_DECIMAL ? n.precision : 0);
    col->scale = (int16_t)n.scale;
    col->capacity = cap;
    col->validity = (uint8_t *)tide_arena_calloc(arena, tide_bitmap_bytes(cap) + 1);
    if (!col->name || !col->validity) return false;
    if (n.type == TIDE_STRUCT) {
        size_t k = n.children.size();
        col->num_children = (int32_t)k;
        col->children = (tide_column *)tide_arena_calloc(arena, sizeof(tide_column) * (k ? k : 1));
        if (!col->children) return false;
        for (size_t i = 0; i < k; i++)
            if (!init_member(fj, *n.children[i], &col->children[i], cap)) return false;
        return true;
    }
    col->values = tide_arena_calloc(arena, slots(n.type, cap) * (size_t)tide_type_width(n.type));
    if (!col->values) return false;
    if (tide_is_varlen(n.type)) {
        col->data_capacity = cap * 8 < 256 ? 256 : cap * 8;
        col->data = (uint8_t *)tide_arena_alloc(arena, (size_t)col->data_capacity);
        if (!col->data) return false;
        n.pending = 0;
    } else if (has_elements(n.type)) {
        col->children =
            (tide_column *)tide_arena_calloc(arena, sizeof(tide_column) * n.children.size());
        if (!col->children) return false;
        return fj.init_elements(n, 64);
    }
    return true;
}

bool FromJson::init_elements(Node &a, int64_t cap)
{
    a.count = 0;
    a.cap = cap;
    tide_column *col = a.col;
    col->num_children = (int32_t)a.children.size();
    for (size_t i = 0; i < a.children.size(); i++)
        if (!init_member(*this, *a.children[i], &col->children[i], cap)) return false;
    return true;
}

bool FromJson::grow_elements_slow(Node &a, int64_t need)
{
    int64_t cap = a.cap * 2;
    while (cap < need)
        cap *= 2;
    for (Node *m : a.members) {
        tide_column *c = m->col;
        size_t old_bits = tide_bitmap_bytes(a.cap) + 1, new_bits = tide_bitmap_bytes(cap) + 1;
        void *v = tide_arena_realloc(arena, c->validity, old_bits, new_bits);
        if (!v) {
            fatal = "out of memory";
            return false;
        }
        c->validity = (uint8_t *)v;
        /* New slots start null (and zero), as a null element leaves them. */
        memset(c->validity + old_bits, 0, new_bits - old_bits);
        c->capacity = cap;
        if (m->type == TIDE_STRUCT) continue;
        size_t w = (size_t)tide_type_width(m->type);
        size_t old_size = slots(m->type, a.cap) * w, new_size = slots(m->type, cap) * w;
        v = tide_arena_realloc(arena, c->values, old_size, new_size);
        if (!v) {
            fatal = "out of memory";
            return false;
        }
        c->values = v;
        memset((char *)v + old_size, 0, new_size - old_size);
    }
    a.cap = cap;
    return true;
}

void FromJson::truncate_elements(Node &a, int64_t k)
{
    for (Node *m : a.members) {
        tide_column *c = m->col;
        if (has_elements(m->type) && k < a.count)
            truncate_elements(*m, ((const int64_t *)c->values)[k]);
        else if (tide_is_varlen(m->type))
            m->pending = 0;
        if (k >= a.count) continue;
        for (int64_t i = k; i < a.count; i++)
            tide_mark_null(c, i);
        if (m->type != TIDE_STRUCT && !tide_has_offsets(m->type)) {
            size_t w = (size_t)tide_type_width(m->type);
            memset((char *)c->values + (size_t)k * w, 0, (size_t)(a.count - k) * w);
        }
    }
    if (k < a.count) a.count = k;
}

bool FromJson::append_elements(Node &m, const Node &w)
{
    int64_t n = w.count, at = m.count;
    if (n == 0) return true;
    if (!grow_elements(m, at + n)) return false;
    for (size_t i = 0; i < m.members.size(); i++) {
        Node &mm = *m.members[i];
        const Node &wm = *w.members[i];
        tide_column *dst = mm.col;
        const tide_column *src = wm.col;
        for (int64_t e = 0; e < n; e++)
            copy_bit(dst, at + e, src, e);
        if (mm.type == TIDE_STRUCT) continue;
        if (has_elements(mm.type)) {
            int64_t *mo = (int64_t *)dst->values;
            const int64_t *wo = (const int64_t *)src->values;
            int64_t base = mm.count;
            for (int64_t e = 1; e <= n; e++)
                mo[at + e] = base + wo[e];
            if (!append_elements(mm, wm)) return false;
        } else if (tide_is_varlen(mm.type)) {
            int32_t *mo = (int32_t *)dst->values;
            const int32_t *wo = (const int32_t *)src->values;
            int64_t base = mo[at];
            char *d = reserve(mm, at, (size_t)wo[n]);
            if (!d) return false;
            if (wo[n]) memcpy(d, src->data, (size_t)wo[n]);
            for (int64_t e = 1; e <= n; e++)
                mo[at + e] = (int32_t)(base + wo[e]);
        } else {
            size_t width = (size_t)tide_type_width(mm.type);
            memcpy((char *)dst->values + (size_t)at * width, src->values, (size_t)n * width);
        }
    }
    m.count = at + n;
    return true;
}

} // namespace tide_fromjson
