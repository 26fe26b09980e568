/* version/maven.c - Maven versions, as maven-artifact's ComparableVersion
 * (Maven 3.8) parses and orders them.
 *
 * Parsing (lowercased): '.' ends an item, '-' ends an item and opens a
 * sub-list, and so does every switch between digits and letters; an empty
 * item is 0, and a string item that ends the version also opens a sub-list
 * (so "1.0.x" == "1-x"). Letters right before a digit: a/b/m mean
 * alpha/beta/milestone; ga, final and release mean "" (release), cr is rc. Each list then drops its
 * trailing "null" items (0, "", empty lists), innermost first. Items
 * order: numbers (exact, any size) > lists > strings; strings by qualifier
 * alpha < beta < milestone < rc < snapshot < "" < sp < unknown (those
 * lexically); a missing item compares as null (a list against null: its
 * first item that is not null). Letters then digits ("X1") after other
 * items open a sub-list of their own. Every ASCII string is a
 * valid Maven version; kensa refuses non-ASCII ones (Java's Unicode digits
 * and case rules are not reproduced).
 *
 * Since every new list is the last item of the list before it, a parsed
 * version is a chain of lists, each a run of plain items plus, at its end,
 * the next list: stored as one item array and per-list ranges. */
#include "core/ks_common.h"

#include "version/scheme.h"

enum item_kind { I_NUM, I_STR, I_LIST };

struct item {
    enum item_kind kind;
    const char *p; /* number digits, or the string (not lowercased) */
    size_t n;
    int rank;      /* strings: qualifier rank, 7 for unknown */
};

struct mlist {
    size_t start, count;
    bool has_child;
};

struct mver {
    struct item *items;
    struct mlist *lists;
    size_t nitems, nlists;
};

static const char *const qualifiers[] = {"alpha", "beta", "milestone", "rc", "snapshot", "", "sp"};
#define RELEASE_RANK 5
#define UNKNOWN_RANK 7

static int lower(int c)
{
    return c >= 'A' && c <= 'Z' ? c + 32 : c;
}

static bool ieq(const char *p, size_t n, const char *w)
{
    if (strlen(w) != n)
        return false;
    for (size_t i = 0; i < n; i++)
        if (lower((unsigned char)p[i]) != w[i])
            return false;
    return true;
}

static struct item make_str(const char *p, size_t n, bool followed_by_digit)
{
    struct item it = {I_STR, p, n, UNKNOWN_RANK};
    const char *q = NULL;

    if (followed_by_digit && n == 1) {
        int c = lower((unsigned char)*p);

        q = c == 'a' ? "alpha" : c == 'b' ? "beta" : c == 'm' ? "milestone" : NULL;
    }
    if (!q)
        q = ieq(p, n, "ga") || ieq(p, n, "final") || ieq(p, n, "release") ? ""
            : ieq(p, n, "cr")                                             ? "rc"
                                                                          : NULL;
    for (int i = 0; i < (int)KS_ARRAY_LEN(qualifiers); i++) {
        if (q ? !strcmp(q, qualifiers[i]) : ieq(p, n, qualifiers[i])) {
            it.rank = i;
            break;
        }
    }
    return it;
}

static bool item_null(const struct item *it)
{
    if (it->kind == I_STR)
        return it->rank == RELEASE_RANK;
    for (size_t i = 0; i < it->n; i++)
        if (it->p[i] != '0')
            return false;
    return true;
}

static void add(struct mver *v, struct item it)
{
    v->items[v->nitems++] = it;
    v->lists[v->nlists - 1].count++;
}

static void open_list(struct mver *v)
{
    v->lists[v->nlists - 1].has_child = true;
    v->lists[v->nlists++] = (struct mlist){v->nitems, 0, false};
}

static void parse(const char *s, struct mver *v)
{
    static const char zero[] = "0";
    size_t len = strlen(s), start = 0;
    bool digit = false;

    v->nitems = 0;
    v->nlists = 1;
    v->lists[0] = (struct mlist){0, 0, false};
    for (size_t i = 0; i < len; i++) {
        char c = s[i];

        if (c == '.' || c == '-') {
            if (i == start)
                add(v, (struct item){I_NUM, zero, 1, 0});
            else if (digit)
                add(v, (struct item){I_NUM, s + start, i - start, 0});
            else
                add(v, make_str(s + start, i - start, false));
            start = i + 1;
            if (c == '-')
                open_list(v);
        } else if (ks_version_isdigit(c)) {
            if (!digit && i > start) {
                /* Maven 3.8: "X1" starts a sub-list of its own (MNG-5568) */
                if (v->lists[v->nlists - 1].count)
                    open_list(v);
                add(v, make_str(s + start, i - start, true));
                start = i;
                open_list(v);
            }
            digit = true;
        } else {
            if (digit && i > start) {
                add(v, (struct item){I_NUM, s + start, i - start, 0});
                start = i;
                open_list(v);
            }
            digit = false;
        }
    }
    if (len > start) {
        /* Maven 3.8: a trailing string item after '.' counts as after '-'
         * ("1.0.0.x" == "1-x") */
        if (!digit && v->lists[v->nlists - 1].count)
            open_list(v);
        if (digit)
            add(v, (struct item){I_NUM, s + start, len - start, 0});
        else
            add(v, make_str(s + start, len - start, false));
    }
    /* normalize(), innermost list first */
    for (size_t k = v->nlists; k-- > 0;) {
        struct mlist *l = &v->lists[k];

        if (l->has_child) {
            const struct mlist *c = &v->lists[k + 1];

            if (c->count == 0 && !c->has_child)
                l->has_child = false;
        }
        while (l->count && item_null(&v->items[l->start + l->count - 1]))
            l->count--;
    }
}

/* Element `pos` of list k: an item, the child list (kind I_LIST), or none. */
static bool elem(const struct mver *v, size_t k, size_t pos, struct item *out)
{
    const struct mlist *l = &v->lists[k];

    if (pos < l->count) {
        *out = v->items[l->start + pos];
        return true;
    }
    if (pos == l->count && l->has_child) {
        *out = (struct item){I_LIST, NULL, k + 1, 0};
        return true;
    }
    return false;
}

static int list_cmp(const struct mver *a, size_t ka, const struct mver *b, size_t kb);

/* Item.compareTo(null). */
static int cmp_null(const struct mver *v, const struct item *it)
{
    struct item first;

    switch (it->kind) {
    case I_NUM:
        return item_null(it) ? 0 : 1;
    case I_STR:
        return it->rank < RELEASE_RANK ? -1 : it->rank > RELEASE_RANK ? 1 : 0;
    default:
        /* Maven 3.8 looks at every item, not only the first (MNG-6964) */
        for (size_t pos = 0; elem(v, it->n, pos, &first); pos++) {
            int r = cmp_null(v, &first);

            if (r)
                return r;
        }
        return 0;
    }
}

static int item_cmp(const struct mver *a, const struct item *x, const struct mver *b,
                    const struct item *y)
{
    static const int order[] = {[I_NUM] = 2, [I_LIST] = 1, [I_STR] = 0};

    if (x->kind != y->kind)
        return order[x->kind] > order[y->kind] ? 1 : -1;
    if (x->kind == I_NUM)
        return ks_version_numcmp(x->p, x->n, y->p, y->n);
    if (x->kind == I_LIST)
        return list_cmp(a, x->n, b, y->n);
    if (x->rank != y->rank)
        return x->rank < y->rank ? -1 : 1;
    if (x->rank == UNKNOWN_RANK) {
        for (size_t i = 0; i < KS_MIN(x->n, y->n); i++) {
            int d = lower((unsigned char)x->p[i]) - lower((unsigned char)y->p[i]);

            if (d)
                return d < 0 ? -1 : 1;
        }
        return x->n == y->n ? 0 : x->n < y->n ? -1 : 1;
    }
    return 0;
}

static int list_cmp(const struct mver *a, size_t ka, const struct mver *b, size_t kb)
{
    for (size_t pos = 0;; pos++) {
        struct item x, y;
        bool hx = elem(a, ka, pos, &x), hy = elem(b, kb, pos, &y);
        int r;

        if (!hx && !hy)
            return 0;
        if (!hx)
            r = -cmp_null(b, &y);
        else if (!hy)
            r = cmp_null(a, &x);
        else
            r = item_cmp(a, &x, b, &y);
        if (r)
            return r;
    }
}

const char *ks_version_maven_check(const char *v)
{
    size_t n = 0;

    for (const unsigned char *p = (const unsigned char *)v; *p; p++, n++)
        if (*p >= 0x80)
            return "non-ASCII Maven versions are not supported";
    if (n > KS_VERSION_MAX_LEN)
        return "version string is too long";
    return NULL;
}

ks_err ks_version_maven_cmp(const char *a, const char *b, int *out, struct ks_diag *diag)
{
    struct mver x = {NULL, NULL, 0, 0}, y = x;
    size_t la = strlen(a), lb = strlen(b);
    const char *why;
    ks_err err = KS_OK;

    if ((why = ks_version_maven_check(a)))
        return ks_version_invalid(diag, "maven", a, why);
    if ((why = ks_version_maven_check(b)))
        return ks_version_invalid(diag, "maven", b, why);
    x.items = malloc((la + 1) * sizeof(*x.items));
    x.lists = malloc((la + 2) * sizeof(*x.lists));
    y.items = malloc((lb + 1) * sizeof(*y.items));
    y.lists = malloc((lb + 2) * sizeof(*y.lists));
    if (!x.items || !x.lists || !y.items || !y.lists) {
        err = ks_diag_set(diag, KS_ENOMEM, "out of memory comparing maven versions");
        goto done;
    }
    parse(a, &x);
    parse(b, &y);
    *out = list_cmp(&x, 0, &y, 0);
done:
    free(x.items);
    free(x.lists);
    free(y.items);
    free(y.lists);
    return err;
}
