/*
 * eval_xpath.c — Spark's xpath functions (ffi/xpath.h) with libxml2's
 * parser and XPath 1.0, read as Spark 3.5 reads documents: its
 * DocumentBuilder is not namespace aware (an element <ns:b> is named
 * "ns:b", <b xmlns="u"> is "b"), so each document's namespaces are
 * dropped before the path runs, and a prefix the path uses selects
 * nothing. Internal entities are expanded; external ones are never
 * loaded (no file or network access from a document).
 *
 * Numbers are read as XPath 1.0 reads them (Xalan's, Spark's): digits
 * with one optional point and a leading minus, blanks around; anything
 * else, an exponent too, is NaN.
 */
#include "ffi/xpath.h"
#include "kernel.h"

#include <libxml/parser.h>
#include <libxml/xpath.h>
#include <libxml/xpathInternals.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct tide_xpath {
    xmlXPathCompExprPtr expr;
    char *text;
};

/* libxml2 reports errors through a callback; they are read from its last
   error instead, so nothing reaches stderr. */
static void quiet(void *ctx, const char *msg, ...)
{
    (void)ctx;
    (void)msg;
}

static xmlParserInputPtr no_external_entities(const char *url, const char *id,
                                              xmlParserCtxtPtr ctxt)
{
    (void)url;
    (void)id;
    (void)ctxt;
    return NULL;
}

/* Once a thread: libxml2's error callback is the thread's own (kernels may
   run on the worker threads). */
static void setup(void)
{
    static _Thread_local int done;
    if (done) return;
    done = 1;
    xmlInitParser();
    xmlSetGenericErrorFunc(NULL, quiet);
    xmlSetExternalEntityLoader(no_external_entities);
}

static const char *last_message(void)
{
    const xmlError *e = xmlGetLastError();
    return e && e->message ? e->message : "unknown error";
}

tide_xpath *tide_xpath_compile(const char *path, char *errbuf, size_t errlen)
{
    setup();
    xmlResetLastError();
    xmlXPathCompExprPtr expr = xmlXPathCompile((const xmlChar *)path);
    if (!expr) {
        char reason[200];
        snprintf(reason, sizeof reason, "%s", last_message());
        reason[strcspn(reason, "\n")] = 0;
        kernel_error(errbuf, errlen, "Invalid XPath '%s': %s", path, reason);
        return NULL;
    }
    tide_xpath *xp = calloc(1, sizeof *xp);
    if (xp) xp->text = strdup(path);
    if (!xp || !xp->text) {
        xmlXPathFreeCompExpr(expr);
        free(xp);
        kernel_error(errbuf, errlen, "out of memory");
        return NULL;
    }
    xp->expr = expr;
    return xp;
}

void tide_xpath_free(tide_xpath *xp)
{
    if (!xp) return;
    xmlXPathFreeCompExpr(xp->expr);
    free(xp->text);
    free(xp);
}

/* The names Spark's parser gives: a prefix kept in the name, no namespace. */
static void drop_namespaces(xmlNodePtr node)
{
    for (; node; node = node->next) {
        if (node->type == XML_ELEMENT_NODE) {
            for (xmlAttrPtr a = node->properties; a; a = a->next) {
                if (a->ns && a->ns->prefix) {
                    char name[512];
                    snprintf(name, sizeof name, "%s:%s", a->ns->prefix, a->name);
                    xmlNodeSetName((xmlNodePtr)a, (const xmlChar *)name);
                }
                a->ns = NULL;
            }
            if (node->ns && node->ns->prefix) {
                char name[512];
                snprintf(name, sizeof name, "%s:%s", node->ns->prefix, node->name);
                xmlNodeSetName(node, (const xmlChar *)name);
            }
            node->ns = NULL;
            drop_namespaces(node->children);
        }
    }
}

/* XPath 1.0's number of a string (Xalan's), NaN when it is none. */
static double xpath_number(const char *s)
{
    const char *p = s;
    while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
        p++;
    const char *start = p;
    if (*p == '-') p++;
    int digits = 0;
    for (; *p >= '0' && *p <= '9'; p++)
        digits++;
    if (*p == '.') {
        for (p++; *p >= '0' && *p <= '9'; p++)
            digits++;
    }
    while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
        p++;
    if (!digits || *p) return NAN;
    return strtod(start, NULL);
}

/* The result as a double, as Spark's number functions read it. */
static double number_of(xmlXPathObjectPtr r)
{
    if (r->type == XPATH_NUMBER) return r->floatval;
    if (r->type == XPATH_BOOLEAN) return r->boolval ? 1 : 0;
    xmlChar *text = xmlXPathCastToString(r);
    double d = text ? xpath_number((const char *)text) : NAN;
    xmlFree(text);
    return d;
}

static int64_t java_d2l(double d, int64_t lo, int64_t hi)
{
    if (d != d) return 0;
    if (d >= (double)hi) return hi;
    if (d <= (double)lo) return lo;
    return (int64_t)d;
}

/* Node.getNodeValue()'s text of a selected node, or NULL (an element). */
static xmlChar *node_value(xmlNodePtr n)
{
    switch (n->type) {
    case XML_TEXT_NODE:
    case XML_CDATA_SECTION_NODE:
    case XML_COMMENT_NODE:
    case XML_PI_NODE:
    case XML_ATTRIBUTE_NODE:
        return xmlNodeGetContent(n);
    default:
        return NULL;
    }
}

static int alloc_result(tide_batch *out, const tide_column *xml, int32_t result, tide_column *dst)
{
    static const int32_t types[] = {TIDE_ARRAY, TIDE_STRING, TIDE_BOOL,    TIDE_INT32,
                                    TIDE_INT32, TIDE_INT64,  TIDE_FLOAT32, TIDE_FLOAT64};
    int64_t n = xml->length;
    if (kernel_alloc(out, dst, "", types[result], 0, 0, n, 0) != 0 ||
        kernel_validity(out, dst) != 0)
        return -1;
    if (result == TIDE_XPATH_SHORT) dst->precision = 16;
    if (result == TIDE_XPATH_LIST &&
        tide_column_init(out, &dst->children[0], "element", TIDE_STRING, n * 2) != 0)
        return -1;
    return 0;
}

/* Row i's value from the path's result r into dst. */
static int put(tide_batch *out, tide_column *dst, int64_t i, int32_t result, xmlXPathObjectPtr r,
               int64_t *used, char *errbuf, size_t errlen)
{
    switch (result) {
    case TIDE_XPATH_LIST: {
        tide_column *items = &dst->children[0];
        if (r->type != XPATH_NODESET)
            return kernel_error(errbuf, errlen, "the path gives a %s, not nodes",
                                r->type == XPATH_NUMBER    ? "number"
                                : r->type == XPATH_BOOLEAN ? "boolean"
                                                           : "string");
        for (int k = 0; r->nodesetval && k < r->nodesetval->nodeNr; k++) {
            xmlChar *v = node_value(r->nodesetval->nodeTab[k]);
            int rc = v ? tide_column_append_bytes(out, items, v, (int64_t)strlen((const char *)v))
                       : tide_column_append_null(out, items);
            xmlFree(v);
            if (rc != 0) return kernel_error(errbuf, errlen, "out of memory");
        }
        ((int64_t *)dst->values)[i + 1] = items->length;
        return 0;
    }
    case TIDE_XPATH_STRING: {
        xmlChar *s = xmlXPathCastToString(r);
        int rc = kernel_str_append(out, dst, used, s ? s : (const xmlChar *)"",
                                   s ? (int64_t)strlen((const char *)s) : 0, errbuf, errlen);
        xmlFree(s);
        return rc;
    }
    case TIDE_XPATH_BOOLEAN:
        ((uint8_t *)dst->values)[i] = (uint8_t)xmlXPathCastToBoolean(r);
        return 0;
    case TIDE_XPATH_SHORT:
        ((int32_t *)dst->values)[i] = (int16_t)java_d2l(number_of(r), INT32_MIN, INT32_MAX);
        return 0;
    case TIDE_XPATH_INT:
        ((int32_t *)dst->values)[i] = (int32_t)java_d2l(number_of(r), INT32_MIN, INT32_MAX);
        return 0;
    case TIDE_XPATH_LONG:
        ((int64_t *)dst->values)[i] = java_d2l(number_of(r), INT64_MIN, INT64_MAX);
        return 0;
    case TIDE_XPATH_FLOAT:
        ((float *)dst->values)[i] = (float)number_of(r);
        return 0;
    default:
        ((double *)dst->values)[i] = number_of(r);
        return 0;
    }
}

/* The result of the path over one document; an undefined prefix selects
   nothing (an empty node-set). NULL (errbuf) otherwise. */
static xmlXPathObjectPtr evaluate(const tide_xpath *xp, xmlDocPtr doc, char *errbuf, size_t errlen)
{
    xmlXPathContextPtr ctx = xmlXPathNewContext(doc);
    if (!ctx) {
        kernel_error(errbuf, errlen, "out of memory");
        return NULL;
    }
    ctx->node = (xmlNodePtr)doc; /* (relative paths start at the document, as Spark's) */
    xmlResetLastError();
    xmlXPathObjectPtr r = xmlXPathCompiledEval(xp->expr, ctx);
    xmlXPathFreeContext(ctx);
    if (r) return r;
    const xmlError *e = xmlGetLastError();
    if (e && e->code == XML_XPATH_UNDEF_PREFIX_ERROR) return xmlXPathNewNodeSet(NULL);
    kernel_error(errbuf, errlen, "Invalid XPath '%s': %s", xp->text, last_message());
    return NULL;
}

int tide_eval_xpath(tide_batch *out, const tide_column *xml, const tide_xpath *xp, int32_t result,
                    tide_column *dst, char *errbuf, size_t errlen)
{
    if (xml->type != TIDE_STRING)
        return kernel_error(errbuf, errlen, "xpath needs a string column");
    if (result < TIDE_XPATH_LIST || result > TIDE_XPATH_DOUBLE)
        return kernel_error(errbuf, errlen, "unknown xpath result %d", (int)result);
    if (alloc_result(out, xml, result, dst) != 0)
        return kernel_error(errbuf, errlen, "out of memory");
    setup();
    int64_t used = 0;
    int rc = 0;
    for (int64_t i = 0; rc == 0 && i < xml->length; i++) {
        int32_t len = 0;
        const char *text = tide_valid(xml, i) ? tide_column_bytes(xml, i, &len) : NULL;
        if (!text || len == 0) {
            tide_mark_null(dst, i);
        } else {
            xmlResetLastError();
            xmlDocPtr doc = xmlReadMemory(text, len, NULL, NULL,
                                          XML_PARSE_NOENT | XML_PARSE_NONET | XML_PARSE_NOERROR |
                                              XML_PARSE_NOWARNING);
            if (!doc) {
                const xmlError *e = xmlGetLastError();
                char reason[200];
                snprintf(reason, sizeof reason, "%s", last_message());
                reason[strcspn(reason, "\n")] = 0;
                rc =
                    kernel_error(errbuf, errlen,
                                 "Error loading expression '%s': the document is not XML (line %d, "
                                 "column %d: %s)",
                                 xp->text, e ? e->line : 0, e ? e->int2 : 0, reason);
                break;
            }
            drop_namespaces(xmlDocGetRootElement(doc));
            xmlXPathObjectPtr r = evaluate(xp, doc, errbuf, errlen);
            rc = r ? put(out, dst, i, result, r, &used, errbuf, errlen) : -1;
            xmlXPathFreeObject(r);
            xmlFreeDoc(doc);
        }
        if (result == TIDE_XPATH_STRING) kernel_str_end(dst, i, used);
        if (result == TIDE_XPATH_LIST && !tide_valid(dst, i))
            ((int64_t *)dst->values)[i + 1] = dst->children[0].length;
    }
    if (rc == 0) kernel_finish(dst);
    return rc;
}
