/*
 * PolytopeLens runtime plugin C ABI, version 2 (docs/plugins.md is the walkthrough).
 *
 * A plugin is a shared library exporting one C function, POLYTOPE_PLUGIN_ENTRY_SYMBOL
 * ("polytope_plugin_entry"), that returns a pointer to a static PolytopePluginTable. The host
 * calls it with its own PolytopeHost table (errors, logs, versions), reads `abi_version` first
 * and refuses a table whose version it does not know before touching any other field (the way
 * ONNX Runtime custom-op libraries and ggml backends version theirs). Only C types cross the
 * boundary: host and plugin never share C++/Swift types or globals. Declare the entry with
 * POLYTOPE_PLUGIN_ENTRY (C linkage, default visibility, also from C++).
 *
 * A kind maps one or more row-major float32 matrices [rows, input_width_i] to one matrix
 * [rows, output_width] (activations, gated units, norms, position-dependent maps). Rows are
 * tokens of a padded batch: row r is position r % seq_len of sequence r / seq_len, and rows at
 * or past a sequence's length are padding (PolytopeForwardArgs carries batch, seq_len, lengths).
 *
 * Each kind declares a schema: its inputs (each with a width named by a dimension), its
 * parameters (shapes over named dimensions, e.g. "d" or "d_ff,d"), and its attributes (type
 * and default, lists included). The host validates a node against the schema before create():
 * unknown or missing parameters and attributes, wrong shapes and types are refused with the
 * node named, and create() receives params and attrs in schema order with defaults filled in.
 *
 * Ownership and lifetimes:
 *   - The table, its kinds, their schema strings and default knots are owned by the plugin and
 *     must stay valid and unchanged while the library is loaded. The host never unloads a
 *     plugin library (no dlclose), so static storage is the natural choice.
 *   - Everything a PolytopeNodeDesc points to is owned by the host and valid only during the
 *     create() call: copy what forward() needs into the state. Knots set in PolytopeNodeOut
 *     only need to stay valid until create() returns (the host copies them).
 *   - The state create() returns is owned by the plugin; the host passes it to forward() and
 *     hands it back exactly once to destroy() when the built layer is released.
 *   - Report failures through host->error(err, "one line") and return non-zero; the host
 *     reports the message with the library, the node and the kind.
 *   - Inputs and the output of forward() belong to the host, do not overlap, and are valid
 *     only during the call. rows >= 1.
 *
 * Threads: create() and destroy() are called from one thread at a time per node. forward()
 * may be called from several threads at once, on different batches, with the SAME state:
 * the state must be read-only after create() returns.
 *
 * Versioning: POLYTOPE_PLUGIN_ABI_VERSION changes whenever the layout or meaning of any type
 * here changes. Every v2 struct the plugin hands over starts with its own size (struct_size =
 * sizeof) and the kind entries with POLYTOPE_KIND_MAGIC, so a table built against another
 * header, or a kind_count larger than the kinds array, is refused instead of followed. New kind
 * behaviour goes into PolytopeKind.version (the kind_version model files name).
 *
 * Version history:
 *   1  one input per node, knots fixed per kind, scalar attributes only, no schema. Version 1
 *      libraries still load (PolytopePluginTableV1 below); sources that define
 *      POLYTOPE_PLUGIN_USE_ABI_V1 before including this header compile unchanged.
 *   2  several inputs, declared schema, per-node (and per-unit) knots, sequence information,
 *      host API table, struct sizes and kind magic.
 */
#ifndef POLYTOPE_PLUGIN_H
#define POLYTOPE_PLUGIN_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#ifdef __cplusplus
#define POLYTOPE_EXTERN_C extern "C"
extern "C" {
#else
#define POLYTOPE_EXTERN_C
#endif

#if defined(_WIN32)
#define POLYTOPE_EXPORT __declspec(dllexport)
#else
#define POLYTOPE_EXPORT __attribute__((visibility("default")))
#endif

#define POLYTOPE_PLUGIN_ENTRY_SYMBOL "polytope_plugin_entry"
/* 'PLKD': first-but-one field of every v2 PolytopeKind. */
#define POLYTOPE_KIND_MAGIC 0x504C4B44u

/* ---------------------------------------------------------------- the host API table -- */

/* Opaque: where an error message for the current call goes. */
typedef struct PolytopeError PolytopeError;

enum { POLYTOPE_LOG_DEBUG = 0, POLYTOPE_LOG_INFO = 1, POLYTOPE_LOG_WARNING = 2 };

typedef struct PolytopeHost {
    uint32_t struct_size;                      /* sizeof(PolytopeHost) of the host's header */
    uint32_t abi_version;                      /* the ABI version the host speaks */
    const char *host_version;                  /* e.g. "PolytopeLens 0.9" */
    /* Records a one-line message for the failing call and returns 1 (so `return host->error(...)`). */
    int (*error)(PolytopeError *err, const char *message);
    /* A log line, shown on stderr at POLYTOPE_LOG_WARNING and above (or with POLYTOPE_PLUGIN_LOG=1). */
    void (*log)(int32_t level, const char *message);
} PolytopeHost;

/* printf-style helper over host->error. */
static inline int polytope_errorf(const PolytopeHost *host, PolytopeError *err, const char *fmt, ...) {
    char buf[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    return host->error(err, buf);
}

/* ------------------------------------------------------------------------ the schema -- */

enum {
    POLYTOPE_ATTR_INT = 1, POLYTOPE_ATTR_FLOAT = 2, POLYTOPE_ATTR_STRING = 3, POLYTOPE_ATTR_BOOL = 4,
    POLYTOPE_ATTR_INTS = 5, POLYTOPE_ATTR_FLOATS = 6, POLYTOPE_ATTR_STRINGS = 7
};

/* An input of the kind. `width` names its width: a dimension ("d") or a number ("64"). */
typedef struct PolytopeInputSpec {
    const char *name;
    const char *width;
    const char *doc;                           /* may be NULL */
} PolytopeInputSpec;

/* A parameter. `shape`: comma-separated dimensions, each a name bound on first use (input
   widths bind theirs first) or a number; "" is a scalar. Example: "d_ff,d". */
typedef struct PolytopeParamSpec {
    const char *role;                          /* the role model files give the tensor */
    const char *shape;
    int32_t optional;                          /* 1: may be absent (create sees data == NULL) */
    const char *doc;
} PolytopeParamSpec;

/* An attribute. `default_value` is text in the model-edit syntax ("0.01", "[1, 2]", "\"x\"",
   "true"); NULL means the attribute is required. */
typedef struct PolytopeAttrSpec {
    const char *name;
    int32_t type;                              /* POLYTOPE_ATTR_* */
    const char *default_value;
    const char *doc;
} PolytopeAttrSpec;

/* --------------------------------------------------------------- what create() gets -- */

/* A parameter tensor, converted to float32, row-major; data is NULL for an absent optional one. */
typedef struct PolytopeParam {
    const char *role;
    const float *data;
    const int64_t *shape;
    int32_t rank;
} PolytopeParam;

/* An attribute value: scalars in i / f / s, lists in count + ints / floats / strings. */
typedef struct PolytopeAttr {
    const char *name;
    int32_t type;                              /* POLYTOPE_ATTR_* */
    int64_t i;                                 /* INT and BOOL (0 / 1) */
    double f;                                  /* FLOAT */
    const char *s;                             /* STRING */
    int64_t count;                             /* list length */
    const int64_t *ints;                       /* INTS */
    const double *floats;                      /* FLOATS */
    const char *const *strings;                /* STRINGS */
} PolytopeAttr;

typedef struct PolytopeNodeDesc {
    uint32_t struct_size;
    const char *name;
    const char *kind;
    uint32_t kind_version;
    int32_t input_count;                       /* as declared by the kind */
    const int64_t *input_widths;
    int32_t param_count;                       /* as declared, in schema order */
    const PolytopeParam *params;
    int32_t attr_count;                        /* as declared, in schema order, defaults filled in */
    const PolytopeAttr *attrs;
    const PolytopeHost *host;
} PolytopeNodeDesc;

/* What create() sets. The host zeroes it and sets struct_size before the call. */
typedef struct PolytopeNodeOut {
    uint32_t struct_size;
    void *state;
    int64_t output_width;                      /* > 0; activations: the input width */
    /* Activations: 0 keeps the kind's default knots. Otherwise knot_count knots, shared by every
       unit (knots_per_unit = 0) or given per unit (knots_per_unit = 1: output_width * knot_count
       values, unit-major), each unit's strictly ascending. Copied by the host. */
    int32_t knot_count;
    int32_t knots_per_unit;
    const float *knots;
} PolytopeNodeOut;

/* ------------------------------------------------------------- what forward() gets -- */

typedef struct PolytopeForwardArgs {
    uint32_t struct_size;
    int64_t rows;                              /* batch * seq_len */
    int32_t input_count;
    const float *const *inputs;                /* input i: rows x input_widths[i] */
    const int64_t *input_widths;
    float *output;                             /* rows x output_width */
    int64_t output_width;
    int64_t batch;                             /* sequences in the batch */
    int64_t seq_len;                           /* padded length of each */
    const int64_t *lengths;                    /* batch valid lengths */
    const int64_t *positions;                  /* rows: position of each row in its sequence */
} PolytopeForwardArgs;

/* ---------------------------------------------------------------------- the table -- */

enum {
    /* Elementwise activation: one input, output_width == input_width, knots say where its
       linear pieces meet; a unit's polytope code is one bit per knot, pre-activation > knot. */
    POLYTOPE_KIND_ACTIVATION = 1u << 0,
    /* The kind reads sequence information (positions, lengths): documentation for inspect. */
    POLYTOPE_KIND_POSITIONAL = 1u << 1,
};

typedef struct PolytopeKind {
    uint32_t struct_size;                      /* sizeof(PolytopeKind) */
    uint32_t magic;                            /* POLYTOPE_KIND_MAGIC */
    const char *name;                          /* kind name used in model files */
    uint32_t version;                          /* kind_version it implements */
    uint32_t flags;                            /* POLYTOPE_KIND_* */
    const char *doc;                           /* one line for inspect; may be NULL */
    int32_t input_count;                       /* >= 1 */
    const PolytopeInputSpec *inputs;
    int32_t param_count;
    const PolytopeParamSpec *params;
    int32_t attr_count;
    const PolytopeAttrSpec *attrs;
    int32_t knot_count;                        /* activations: default knots (>= 1 unless create sets them) */
    const float *knots;
    int (*create)(const PolytopeNodeDesc *node, PolytopeNodeOut *out, PolytopeError *err);
    int (*forward)(const void *state, const PolytopeForwardArgs *args, PolytopeError *err);
    void (*destroy)(void *state);
} PolytopeKind;

typedef struct PolytopePluginTable {
    uint32_t abi_version;                      /* POLYTOPE_PLUGIN_ABI_VERSION: read first */
    uint32_t struct_size;                      /* sizeof(PolytopePluginTable) */
    const char *plugin_name;                   /* for messages and inspect; may be NULL */
    uint32_t kind_count;
    const PolytopeKind *kinds;
} PolytopePluginTable;

typedef const PolytopePluginTable *(*PolytopePluginEntryFn)(const PolytopeHost *host);

/* ----------------------------------------------------------- ABI version 1 (frozen) -- */

typedef struct PolytopeAttrV1 {
    const char *name;
    int32_t type;
    int64_t i;
    double f;
    const char *s;
} PolytopeAttrV1;

typedef struct PolytopeNodeDescV1 {
    const char *name;
    const char *kind;
    uint32_t kind_version;
    int64_t input_width;
    const PolytopeParam *params;
    int32_t param_count;
    const PolytopeAttrV1 *attrs;
    int32_t attr_count;
} PolytopeNodeDescV1;

typedef struct PolytopeKindV1 {
    const char *name;
    uint32_t version;
    uint32_t flags;
    int32_t knot_count;
    const float *knots;
    int (*create)(const PolytopeNodeDescV1 *node, void **state, int64_t *output_width, char *err, size_t err_len);
    int (*forward)(void *state, const float *input, int64_t rows, float *output, char *err, size_t err_len);
    void (*destroy)(void *state);
} PolytopeKindV1;

typedef struct PolytopePluginTableV1 {
    uint32_t abi_version;
    uint32_t kind_count;
    const PolytopeKindV1 *kinds;
    const char *plugin_name;
} PolytopePluginTableV1;

#ifdef POLYTOPE_PLUGIN_USE_ABI_V1
/* Old sources compile unchanged: the version-1 names and version number. */
#define POLYTOPE_PLUGIN_ABI_VERSION 1u
#define PolytopeNodeDesc PolytopeNodeDescV1
#define PolytopeKind PolytopeKindV1
#define PolytopePluginTable PolytopePluginTableV1
#define PolytopeAttr PolytopeAttrV1
#else
#define POLYTOPE_PLUGIN_ABI_VERSION 2u
#endif

/* Declares the entry point with C linkage and default visibility:
     POLYTOPE_PLUGIN_ENTRY { return &table; }                                         */
#define POLYTOPE_PLUGIN_ENTRY \
    POLYTOPE_EXTERN_C POLYTOPE_EXPORT const PolytopePluginTable *polytope_plugin_entry(const PolytopeHost *host)

#ifdef __cplusplus
}
#endif
#endif /* POLYTOPE_PLUGIN_H */
